/*
 * pierone(1): command line client for the Pier One Docker registry.
 * main() parses the global options, finds the command in the table
 * (commands.c), parses its options and operands as its entry says (args.c),
 * sets up only what it needs and calls it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/resource.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/*
 * One line on stderr, after whatever stdout holds.  Messages quote names
 * and values from servers: what a terminal would act on is escaped.
 */
static void
vwarnx(const char *fmt, va_list ap)
{
	char *msg = NULL, *safe = NULL;

	fflush(stdout);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (msg != NULL)
		safe = pierone_text_escape(msg);
	fprintf(stderr, "pierone: %s\n", safe != NULL ? safe :
	    msg != NULL ? "out of memory" : fmt);
	free(safe);
	free(msg);
}

/* The library waits for another pierone's lock: say so once. */
static void
lock_waiting(const char *lock_path, void *arg)
{
	(void)arg;
	cli_warnx("waiting for the lock on '%s'...", lock_path);
}

/* -v or PIERONE_DEBUG: HTTP requests traced */
static bool verbose;

/*
 * -v: each HTTP transfer, as the library tells it (nothing secret):
 * "GET URL 200 (12 ms, 345 bytes, try 2, the OAuth2 token)".
 */
static void
http_traced(const struct pierone_http_trace *t, void *arg)
{
	char more[96] = "";

	(void)arg;
	if (t->attempt > 1)
		snprintf(more, sizeof(more), ", try %d", t->attempt);
	if (t->credential != NULL) {
		strlcat(more, ", ", sizeof(more));
		strlcat(more, t->credential, sizeof(more));
	}
	if (t->error != NULL)
		cli_warnx("%s %s: %s (%ld ms%s)", t->method, t->url, t->error,
		    t->elapsed_ms, more);
	else
		cli_warnx("%s %s %ld (%ld ms, %lld bytes%s)", t->method, t->url,
		    t->status, t->elapsed_ms, (long long)t->bytes, more);
}

static void
trace_on(void)
{
	verbose = true;
	pierone_set_http_trace(http_traced, NULL);
}

/* PIERONE_DEBUG set, and not empty or 0, traces as -v does. */
static bool
debug_env(void)
{
	const char *v = getenv("PIERONE_DEBUG");

	return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

void
cli_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

void
cli_usage(FILE *fp)
{
	fputs("usage: pierone [-hVv] [-c FILE] COMMAND [ARGS]\n\ncommands:\n",
	    fp);
	for (size_t i = 0; i < cli_ncommands; i++)
		fprintf(fp, "  %-21s %s\n", cli_commands[i].name,
		    cli_commands[i].summary);
	fputs("\nRun 'pierone COMMAND -h' for a command's options; "
	    "see pierone(1).\n", fp);
}

int
cli_usage_error(const struct cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	if (cmd != NULL)
		cli_cmd_usage(stderr, cmd);
	else
		fputs("usage: pierone [-hVv] [-c FILE] COMMAND [ARGS]\n"
		    "Run 'pierone -h' for the list of commands.\n", stderr);
	return EXIT_USAGE;
}

/* The client options the configuration and the command line give. */
void
cli_client_options(const struct cli *cli, struct pierone_options *opts,
    const char *token)
{
	struct pierone_options init = PIERONE_OPTIONS_INIT;

	*opts = init;
	opts->url = cli->registry_url != NULL ? cli->registry_url :
	    cli_string(cli, "url") != NULL ? cli_string(cli, "url") :
	    cli->config.url;
	opts->token = token;
	opts->ca_file = cli->config.ca_bundle;
	opts->connect_timeout_ms = cli->config.connect_timeout * 1000;
	opts->timeout_ms = cli_number(cli, "timeout", cli->config.timeout) *
	    1000;
	opts->retries = (int)cli->config.retries;
	opts->max_response = cli->config.max_response_mib << 20;
	/* PIERONE_API and 'api' are the configured registry's */
	opts->api = cli->foreign_registry ? PIERONE_API_AUTO : cli->config.api;
}

static int
connect_client(struct cli *cli, struct pierone_token *tok)
{
	struct pierone_options opts;
	struct pierone_err err = { 0 };

	cli_client_options(cli, &opts, tok->access_token);
	if (pierone_client_new(&cli->client, &opts, &err) != 0) {
		if (err.code == PIERONE_ECONFIG && opts.url == NULL) {
			char *where = cli_config_where(cli);

			cli_warnx("no registry URL configured: use --url URL, "
			    "set PIERONE_URL or 'url' in %s", where != NULL ?
			    where : "pierone.yaml");
			free(where);
		} else
			cli_warnx("%s", err.msg);
		return EXIT_FAILURE;
	}
	return 0;
}

/* A token, as the command's flags say, and a client for the registry. */
static int
connect_registry(struct cli *cli)
{
	const char *typed = cli_string(cli, "url");
	struct pierone_token tok = { 0 };
	struct pierone_err err = { 0 };
	bool same = true;
	int rc;

	/* a reference's registry; Docker's credentials if not ours */
	if (cli->args.ref.registry != NULL && (rc = reference_registry_url(cli,
	    &cli->registry_url, &same)) != 0)
		return rc;
	cli->foreign_registry = !same;
	if (!same && verbose)
		cli_warnx("%s is not the configured registry: Docker's "
		    "credentials for it, no OAuth2 token", cli->registry_url);
	if (!same || (typed == NULL && cli->config.url == NULL))
		return connect_client(cli, &tok);
	if (typed != NULL) {		/* a bad --url is a usage error */
		char *url;

		if (pierone_url_normalize(&url, typed, &err) != 0)
			return cli_usage_error(cli->cmd, "%s", err.msg);
		free(url);
	}
	if ((cli->cmd->flags & NEED_TOKEN) &&
	    pierone_token_find(&tok, 0, &err) != 0) {
		if (err.code != PIERONE_ENOTOKEN ||
		    cli->config.api == PIERONE_API_PIERONE) {
			cli_warnx("%s", err.msg);
			return EXIT_FAILURE;
		}
		strlcpy(cli->no_token, err.msg, sizeof(cli->no_token));
		if (verbose)
			cli_warnx("no OAuth2 token: %s", err.msg);
	} else if (verbose && tok.origin != NULL) {
		cli_warnx("the OAuth2 token from %s", tok.origin);
	}
	rc = connect_client(cli, &tok);
	pierone_token_clear(&tok);
	return rc;
}

/* What the command's flags ask for before it runs. */
static int
setup(struct cli *cli)
{
	struct pierone_err err = { 0 };

	if ((cli->cmd->flags & NEED_CONFIG) &&
	    pierone_config_load(&cli->config, cli->config_path, &err) != 0) {
		cli_warnx("%s", err.msg);
		return EXIT_FAILURE;
	}
	return cli->cmd->flags & NEED_CLIENT ? connect_registry(cli) : 0;
}

/* "unknown command 'tgas'; did you mean 'tags'?" */
static int
unknown_command(const char *name)
{
	const char *names[32], *best;
	size_t n = 0;

	for (size_t i = 0; i < cli_ncommands && n < 32; i++)
		names[n++] = cli_commands[i].name;
	if ((best = cli_suggest(name, names, n)) != NULL)
		return cli_usage_error(NULL, "unknown command '%s'; did you "
		    "mean '%s'?", name, best);
	return cli_usage_error(NULL, "unknown command '%s'", name);
}

static const struct cmd *
find_command(const char *name, int *status)
{
	const struct cmd *found = NULL;
	size_t len = strlen(name), n = 0;
	char list[256] = "";

	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cmd *c = &cli_commands[i];

		if (strcmp(c->name, name) == 0)
			return c;
		if (len > 0 && strncmp(c->name, name, len) == 0) {
			found = c;
			strlcat(list, n++ ? ", " : "", sizeof(list));
			strlcat(list, c->name, sizeof(list));
		}
	}
	if (n == 1)
		return found;
	*status = n == 0 ? unknown_command(name) :
	    cli_usage_error(NULL, "ambiguous command '%s': could be %s",
	    name, list);
	return NULL;
}

/* pierone help [COMMAND]: as pierone -h, or pierone COMMAND -h */
int
cmd_help(struct cli *cli)
{
	const struct cmd *cmd;
	int status = 0;

	if (cli->args.command == NULL) {
		cli_usage(stdout);
		return 0;
	}
	if ((cmd = find_command(cli->args.command, &status)) == NULL)
		return status;
	cli_help(cmd);
	return 0;
}

/* Data on stdout must have reached it; a closed pipe ends us quietly. */
static int
finish_stdout(int status)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	if (errno == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	fprintf(stderr, "pierone: cannot write to standard output: %s\n",
	    strerror(errno));
	return EXIT_FAILURE;
}

static const struct option global_opts[] = {
	{ "config-file", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Tokens and passwords pass through memory: no core file may keep one. */
static void
no_core_dumps(void)
{
	struct rlimit none = { 0, 0 };

	(void)setrlimit(RLIMIT_CORE, &none);
}

int
main(int argc, char *argv[])
{
	struct cli cli = { 0 };
	const struct cmd *cmd;
	int ch, status = 0;

	no_core_dumps();

	/* Write errors are checked; a signal would lose the message. */
	signal(SIGPIPE, SIG_IGN);
	/* A file size limit (ulimit -f) is an error to report (EFBIG). */
	signal(SIGXFSZ, SIG_IGN);
	pierone_set_lock_wait_notify(lock_waiting, NULL);
	if (debug_env())
		trace_on();
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:c:hVv", global_opts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			cli.config_path = optarg;
			break;
		case 'h':
			cli_usage(stdout);
			return finish_stdout(0);
		case 'V':
			printf("Pier One CLI %s\n", PIERONE_VERSION);
			return finish_stdout(0);
		case 'v':	/* repeatable; one level for now */
			trace_on();
			break;
		default:
			return cli_bad_option(NULL, ch, argv);
		}
	}
	/* No command: the help, as 0.22 (click) and most tools print it. */
	if (optind >= argc) {
		cli_usage(stdout);
		return finish_stdout(0);
	}
	if ((cmd = find_command(argv[optind], &status)) == NULL)
		return status;
	argc -= optind;
	argv += optind;
	optind = 0;	/* glibc: start over for the command's options */
	cli.cmd = cmd;
	status = cli_parse(&cli, argc, argv);
	if (status == 0 && cli_flag(&cli, "verbose"))	/* after the name */
		trace_on();
	if (status == 0 && cli.help)
		cli_help(cmd);
	else if (status == 0 && (status = setup(&cli)) == 0)
		status = cmd->fn(&cli);
	pierone_client_free(cli.client);
	pierone_config_clear(&cli.config);
	free(cli.registry_url);
	cli_values_free(&cli);
	return finish_stdout(status);
}
