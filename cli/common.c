/*
 * What the commands share: printing a table, telling a library failure.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

double
cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The name a tag's creator is shown by: the robots of the Continuous
 * Delivery Platform as "[CDP]", as stups-pierone 0.22 showed them.
 */
const char *
cli_user_name(const char *created_by)
{
	static const char *const cdp[] = {
		"credprov-cdp-controller-proxy_pierone-token",
		"credprov-cdp-controller-proxy-credentials-cdp_proxy-token",
	};

	for (size_t i = 0; created_by != NULL && i < 2; i++)
		if (strcmp(created_by, cdp[i]) == 0)
			return "[CDP]";
	return created_by;
}

/*
 * Where to set a key, for a message: the file read, or given with -c;
 * else every place searched, in order.  ~ stands for the home directory.
 * The caller frees it; NULL when out of memory.
 */
char *
cli_config_where(const struct cli *cli)
{
	const char *home = getenv("HOME"), *p = cli->config.path;
	size_t hl = home != NULL ? strlen(home) : 0;
	char *s;

	if (p == NULL || (cli->config_path == NULL && access(p, F_OK) != 0))
		return pierone_config_searched();
	if (hl > 1 && strncmp(p, home, hl) == 0 && p[hl] == '/')
		return asprintf(&s, "'~%s'", p + hl) < 0 ? NULL : s;
	return asprintf(&s, "'%s'", p) < 0 ? NULL : s;
}

int
cli_print_table(struct cli *cli, const struct table *t)
{
	if (table_print(stdout, t, cli->format, cli_now(),
	    output_color()) != 0 && !ferror(stdout)) {
		cli_warnx("out of memory");
		return EXIT_FAILURE;
	}
	return 0;
}

int
cli_lib_fail(struct cli *cli, int rc)
{
	static const char login[] = "; run 'pierone login'";
	const char *msg = pierone_errmsg(cli->client);
	size_t len = strlen(msg);

	/* Refused without a token: how to get one says more than the 401. */
	if (rc == PIERONE_EAUTH && cli->no_token[0] != '\0' &&
	    pierone_client_api(cli->client) != PIERONE_API_V2)
		cli_warnx("%s", cli->no_token);
	/* a reference's other registry: pierone's login is not for it */
	else if (rc == PIERONE_EAUTH && cli->foreign_registry &&
	    cli->args.ref.registry != NULL)
		cli_warnx("%.*s; %s is not the configured registry, asked with "
		    "Docker's credentials only: run 'docker login %s'",
		    (int)(len >= sizeof(login) - 1 && strcmp(msg + len -
		    (sizeof(login) - 1), login) == 0 ? len - (sizeof(login) -
		    1) : len), msg, cli->args.ref.registry,
		    cli->args.ref.registry);
	else
		cli_warnx("%s", pierone_errmsg(cli->client));
	/* Bad arguments are usage errors, whoever noticed them. */
	return rc == PIERONE_EINVAL ? EXIT_USAGE : EXIT_FAILURE;
}
