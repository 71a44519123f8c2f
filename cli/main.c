/*
 * pierone(1): command line client for the Pier One Docker registry.
 * main() parses the global options, finds the command in a sorted table
 * and sets up only what that command needs.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/resource.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define OPT_HELP	"  -h, --help           show this help\n"
#define OPT_OUTPUT	"  -o, --output FORMAT  text (default), json or tsv\n"
#define OPT_URL		"      --url URL        registry URL, overrides the " \
			"configuration\n"
#define OPT_TIMEOUT	"      --timeout SECS   seconds one request may take " \
			"(default 60)\n"
#define LIST_OPTS	OPT_HELP OPT_OUTPUT OPT_TIMEOUT OPT_URL

/* Sorted by name: prefixes are matched in this order. */
static const struct cmd commands[] = {
	{ "artifacts", "[--timeout SECS] [--url URL] [-o FORMAT] TEAM",
	    "list a team's artifacts", LIST_OPTS, NEED_CONFIG | NEED_TOKEN,
	    cmd_artifacts },
	{ "describe", "[--timeout SECS] [--url URL] [-o FORMAT] TEAM ARTIFACT "
	    "TAG",
	    "show everything the registry knows of an image", OPT_HELP
	    "  -o, --output FORMAT  text (default) or json\n"
	    OPT_TIMEOUT OPT_URL, NEED_CONFIG | NEED_TOKEN, cmd_describe },
	{ "image", "[--timeout SECS] [--url URL] [-o FORMAT] PREFIX",
	    "list the tags of the image whose id starts with PREFIX", LIST_OPTS,
	    NEED_CONFIG | NEED_TOKEN, cmd_image },
	{ "inspect-contents", "[--timeout SECS] [--url URL] [-o FORMAT] [-l N] "
	    "TEAM ARTIFACT [TAG ...]",
	    "list the files in the top layers of an image", OPT_HELP
	    "  -l, --limit N        read down to the Nth layer that has files; "
	    "0 reads\n                       all (default 1)\n"
	    OPT_OUTPUT OPT_TIMEOUT OPT_URL,
	    NEED_CONFIG | NEED_TOKEN | OPT_LIMIT, cmd_inspect_contents },
	{ "latest", "[--digest] [--no-snapshot] [--timeout SECS] [--url URL] "
	    "[-o FORMAT] TEAM ARTIFACT",
	    "print the latest tag of an artifact",
	    "      --digest         print REGISTRY/TEAM/ARTIFACT:TAG@DIGEST, "
	    "an\n                       immutable reference to the image\n"
	    OPT_HELP
	    "      --no-snapshot    leave out tags ending in -SNAPSHOT\n"
	    OPT_OUTPUT OPT_TIMEOUT OPT_URL,
	    NEED_CONFIG | NEED_TOKEN | OPT_LATEST, cmd_latest },
	{ "login", "[--credential-helper] [--password-stdin] [--refresh] "
	    "[--timeout SECS] [--url URL] [-U USER]",
	    "get a token and write Docker's credentials",
	    "      --credential-helper  make docker ask docker-credential-pierone"
	    "\n                           for tokens instead of storing one\n"
	    "  -h, --help               show this help\n"
	    "      --password-stdin     read the password from standard input\n"
	    "      --refresh            get a new token even if one is cached\n"
	    "      --timeout SECS       seconds a request may take (default "
	    "60)\n"
	    "  -U, --user USER          user name for the token service\n"
	    "      --url URL            registry URL, for this run only\n",
	    NEED_CONFIG, cmd_login },
	{ "mark-production-ready", "[--timeout SECS] [--url URL] INCIDENT TEAM "
	    "ARTIFACT TAG",
	    "mark an image as production ready because of an incident",
	    OPT_HELP OPT_TIMEOUT OPT_URL, NEED_CONFIG | NEED_TOKEN,
	    cmd_mark_production_ready },
	{ "scm-source", "[--timeout SECS] [--url URL] [-o FORMAT] [-j N] TEAM "
	    "ARTIFACT [TAG ...]",
	    "show the source (git URL and revision) each tag was built from",
	    OPT_HELP
	    "  -j, --jobs N         fetch up to N tags at once (default 16)\n"
	    OPT_OUTPUT OPT_TIMEOUT OPT_URL,
	    NEED_CONFIG | NEED_TOKEN | OPT_JOBS, cmd_scm_source },
	{ "tags", "[--timeout SECS] [--url URL] [-o FORMAT] [-j N] [-l N] TEAM "
	    "[ARTIFACT ...]",
	    "list the tags of a team's artifacts", OPT_HELP
	    "  -j, --jobs N         fetch up to N artifacts at once (default "
	    "16)\n"
	    "  -l, --limit N        show the last N tags per artifact; 0 shows "
	    "all\n                       (default 3, or 20 when artifacts are "
	    "named)\n" OPT_OUTPUT OPT_TIMEOUT OPT_URL, NEED_CONFIG | NEED_TOKEN | OPT_JOBS | OPT_LIMIT,
	    cmd_tags },
	{ "teams", "[--timeout SECS] [--url URL] [-o FORMAT]", "list all teams",
	    LIST_OPTS,
	    NEED_CONFIG | NEED_TOKEN, cmd_teams },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

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

void
cli_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

static void
usage(FILE *fp)
{
	fputs("usage: pierone [-hV] [-c FILE] COMMAND [ARGS]\n\ncommands:\n",
	    fp);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-21s %s\n", commands[i].name,
		    commands[i].summary);
	fputs("\nRun 'pierone COMMAND -h' for a command's options; "
	    "see pierone(1).\n", fp);
}

static void
cmd_usage(FILE *fp, const struct cmd *cmd)
{
	fprintf(fp, "usage: pierone %s %s\n", cmd->name, cmd->usage);
}

int
cli_help(const struct cmd *cmd)
{
	cmd_usage(stdout, cmd);
	printf("\n%s\n\noptions:\n%s", cmd->summary, cmd->options);
	return 0;
}

int
cli_usage_error(const struct cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	if (cmd != NULL)
		cmd_usage(stderr, cmd);
	else
		fputs("usage: pierone [-hV] [-c FILE] COMMAND [ARGS]\n"
		    "Run 'pierone -h' for the list of commands.\n", stderr);
	return EXIT_USAGE;
}

/* Options every listing command takes; ends in a NULL entry. */
const struct option cli_common_opts[] = {
	{ "digest", no_argument, NULL, 'D' },
	{ "help", no_argument, NULL, 'h' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "limit", required_argument, NULL, 'l' },
	{ "no-snapshot", no_argument, NULL, 'S' },
	{ "output", required_argument, NULL, 'o' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "url", required_argument, NULL, 'U' },
	{ NULL, 0, NULL, 0 },
};

static int
parse_format(struct cli *cli, const struct cmd *cmd, const char *arg)
{
	if (strcmp(arg, "text") == 0)
		cli->format = OUT_TEXT;
	else if (strcmp(arg, "json") == 0)
		cli->format = OUT_JSON;
	else if (strcmp(arg, "tsv") == 0)
		cli->format = OUT_TSV;
	else
		return cli_usage_error(cmd, "invalid output format '%s': "
		    "use text, json or tsv", arg);
	return 0;
}

int
cli_bad_option(const struct cmd *cmd, int ch, char **argv)
{
	char name[3] = { '-', (char)optopt, '\0' };
	const char *typed = argv[optind - 1];
	const char *opt = optopt != 0 ? name : typed;

	/* a long option as typed (--url, not the -U it maps to) */
	if (strncmp(typed, "--", 2) == 0)
		return cli_usage_error(cmd, ch == ':' ? "option '%.*s' needs "
		    "a value" : "unknown option '%.*s'",
		    (int)strcspn(typed, "="), typed);
	if (ch == ':')
		return cli_usage_error(cmd, "option '%s' needs a value", opt);
	return cli_usage_error(cmd, "unknown option '%s'", opt);
}

/* --timeout SECONDS: 0 or the exit status of a usage error. */
int
cli_parse_timeout(struct cli *cli, const char *arg)
{
	const char *errstr;

	cli->timeout = (long)strtonum(arg, 1, 86400, &errstr);
	if (errstr != NULL)
		return cli_usage_error(cli->cmd, "invalid timeout '%s': %s "
		    "(seconds from 1 to 86400)", arg, errstr);
	return 0;
}

/* A number option's value: 0 or the exit status of a usage error. */
static int
number_option(struct cli *cli, int flag, char **argv, long *out,
    long long min, long long max)
{
	const char *errstr;

	if (!(cli->cmd->flags & flag)) {
		optopt = flag == OPT_LIMIT ? 'l' : 'j';
		return cli_bad_option(cli->cmd, '?', argv);
	}
	*out = (long)strtonum(optarg, min, max, &errstr);
	if (errstr != NULL)
		return cli_usage_error(cli->cmd, "invalid %s '%s': %s",
		    flag == OPT_LIMIT ? "limit" : "number of jobs", optarg,
		    errstr);
	return 0;
}

/*
 * Parse a listing command's options (cli_common_opts; -l and -j only when
 * its flags allow them).  Returns -1 to go on with the arguments from
 * optind, else the exit status.
 */
int
cli_parse_options(struct cli *cli, int argc, char **argv)
{
	int ch, rc;

	opterr = 0;
	cli->limit = -1;
	while ((ch = getopt_long(argc, argv, ":hj:l:o:", cli_common_opts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			return cli_help(cli->cmd);
		case 'j':
			if ((rc = number_option(cli, OPT_JOBS, argv, &cli->jobs,
			    1, PIERONE_MAX_JOBS)) != 0)
				return rc;
			break;
		case 'l':
			if ((rc = number_option(cli, OPT_LIMIT, argv,
			    &cli->limit, 0, INT_MAX)) != 0)
				return rc;
			break;
		case 'o':
			if (parse_format(cli, cli->cmd, optarg) != 0)
				return EXIT_USAGE;
			break;
		case 'T':
			if ((rc = cli_parse_timeout(cli, optarg)) != 0)
				return rc;
			break;
		case 'U':
			cli->url = optarg;
			break;
		case 'D':
		case 'S':
			if (!(cli->cmd->flags & OPT_LATEST))
				return cli_bad_option(cli->cmd, '?', argv);
			*(ch == 'D' ? &cli->digest : &cli->no_snapshot) = true;
			break;
		default:
			return cli_bad_option(cli->cmd, ch, argv);
		}
	}
	return -1;
}

/* The client options the configuration and the command line give. */
void
cli_client_options(const struct cli *cli, struct pierone_options *opts,
    const char *token)
{
	struct pierone_options init = PIERONE_OPTIONS_INIT;

	*opts = init;
	opts->url = cli->url != NULL ? cli->url : cli->config.url;
	opts->token = token;
	opts->ca_file = cli->config.ca_bundle;
	opts->connect_timeout_ms = cli->config.connect_timeout * 1000;
	opts->timeout_ms = (cli->timeout > 0 ? cli->timeout :
	    cli->config.timeout) * 1000;
	opts->retries = (int)cli->config.retries;
	opts->max_response = cli->config.max_response_mib << 20;
	opts->api = cli->config.api;
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

/* Read the configuration and find a token, as the command's flags say. */
int
cli_connect(struct cli *cli)
{
	int flags = cli->cmd->flags;
	struct pierone_token tok = { 0 };
	struct pierone_err err = { 0 };
	int rc;

	if ((flags & NEED_CONFIG) &&
	    pierone_config_load(&cli->config, cli->config_path, &err) != 0) {
		cli_warnx("%s", err.msg);
		return EXIT_FAILURE;
	}
	if (cli->url == NULL && cli->config.url == NULL)
		return connect_client(cli, &tok);
	if (cli->url != NULL) {		/* a bad --url is a usage error */
		char *url;

		if (pierone_url_normalize(&url, cli->url, &err) != 0)
			return cli_usage_error(cli->cmd, "%s", err.msg);
		free(url);
	}
	if ((flags & NEED_TOKEN) && pierone_token_find(&tok, 0, &err) != 0) {
		if (err.code != PIERONE_ENOTOKEN ||
		    cli->config.api == PIERONE_API_PIERONE) {
			cli_warnx("%s", err.msg);
			return EXIT_FAILURE;
		}
		strlcpy(cli->no_token, err.msg, sizeof(cli->no_token));
	}
	rc = connect_client(cli, &tok);
	pierone_token_clear(&tok);
	return rc;
}

static const struct cmd *
find_command(const char *name, int *status)
{
	const struct cmd *found = NULL;
	size_t len = strlen(name), n = 0;
	char list[256] = "";

	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
		if (len > 0 && strncmp(commands[i].name, name, len) == 0) {
			found = &commands[i];
			strlcat(list, n++ ? ", " : "", sizeof(list));
			strlcat(list, commands[i].name, sizeof(list));
		}
	}
	if (n == 1)
		return found;
	*status = n == 0 ?
	    cli_usage_error(NULL, "unknown command '%s'", name) :
	    cli_usage_error(NULL, "ambiguous command '%s': could be %s",
	    name, list);
	return NULL;
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
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:c:hV", global_opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cli.config_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return finish_stdout(0);
		case 'V':
			printf("Pier One CLI %s\n", PIERONE_VERSION);
			return finish_stdout(0);
		default:
			return cli_bad_option(NULL, ch, argv);
		}
	}
	/* No command: the help, as 0.22 (click) and most tools print it. */
	if (optind >= argc) {
		usage(stdout);
		return finish_stdout(0);
	}
	if ((cmd = find_command(argv[optind], &status)) == NULL)
		return status;
	argc -= optind;
	argv += optind;
	optind = 0;	/* glibc: start over for the command's options */
	cli.cmd = cmd;
	status = cmd->fn(&cli, argc, argv);
	pierone_client_free(cli.client);
	pierone_config_clear(&cli.config);
	return finish_stdout(status);
}
