/*
 * pierone(1)'s commands: what each takes and needs.  main() parses the
 * command line from these entries (args.c), prints -h from them and sets
 * up what the flags ask for before it calls the command.  A new option is
 * an entry here, in pierone(1) and in the completions.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <limits.h>
#include <stddef.h>

#include "cli.h"

#define FIELD(f)	offsetof(struct cli, f)

/* The options most commands share. */
static const struct cli_option opt_help = {
	"help", 'h', NULL, "show this help", OPTK_HELP, FIELD(help),
	0, 0, NULL, NULL, false,
};
static const struct cli_option opt_output = {
	"output", 'o', "FORMAT", "text (default), json or tsv", OPTK_FORMAT,
	FIELD(format), 0, OUT_TSV, NULL, NULL, false,
};
static const struct cli_option opt_timeout = {
	"timeout", 0, "SECS", "seconds one request may take (default 60)",
	OPTK_NUMBER, FIELD(timeout), 1, 86400, "timeout",
	" (seconds from 1 to 86400)", false,
};
static const struct cli_option opt_url = {
	"url", 0, "URL", "registry URL, overrides the configuration",
	OPTK_STRING, FIELD(url), 0, 0, NULL, NULL, false,
};

static const struct cli_option *const list_opts[] = {
	&opt_help, &opt_output, &opt_timeout, &opt_url, NULL,
};

static const struct cli_option *const describe_opts[] = {
	&opt_help,
	&(const struct cli_option){ "output", 'o', "FORMAT",
	    "text (default) or json", OPTK_FORMAT, FIELD(format), 0,
	    OUT_JSON, NULL, NULL, false },
	&opt_timeout, &opt_url, NULL,
};

static const struct cli_option *const help_opts[] = { &opt_help, NULL };

static const struct cli_option *const inspect_opts[] = {
	&opt_help,
	&(const struct cli_option){ "limit", 'l', "N", "read down to the Nth "
	    "layer that has files; 0 reads\nall (default 1)", OPTK_NUMBER,
	    FIELD(limit), 0, INT_MAX, "limit", NULL, false },
	&opt_output, &opt_timeout, &opt_url, NULL,
};

static const struct cli_option *const latest_opts[] = {
	&(const struct cli_option){ "digest", 0, NULL, "print REGISTRY/TEAM/"
	    "ARTIFACT:TAG@DIGEST, an\nimmutable reference to the image",
	    OPTK_FLAG, FIELD(digest), 0, 0, NULL, NULL, false },
	&opt_help,
	&(const struct cli_option){ "no-snapshot", 0, NULL, "leave out tags "
	    "ending in -SNAPSHOT", OPTK_FLAG, FIELD(no_snapshot), 0, 0, NULL,
	    NULL, false },
	&opt_output, &opt_timeout, &opt_url, NULL,
};

static const struct cli_option *const login_opts[] = {
	&(const struct cli_option){ "credential-helper", 0, NULL, "make docker "
	    "ask docker-credential-pierone\nfor tokens instead of storing one",
	    OPTK_FLAG, FIELD(login.credential_helper), 0, 0, NULL, NULL,
	    false },
	&opt_help,
	&(const struct cli_option){ "password-stdin", 0, NULL, "read the "
	    "password from standard input", OPTK_FLAG,
	    FIELD(login.password_stdin), 0, 0, NULL, NULL, false },
	&(const struct cli_option){ "refresh", 0, NULL, "get a new token even "
	    "if one is cached", OPTK_FLAG, FIELD(login.refresh), 0, 0, NULL,
	    NULL, false },
	&(const struct cli_option){ "timeout", 0, "SECS", "seconds a request "
	    "may take (default 60)", OPTK_NUMBER, FIELD(timeout), 1, 86400,
	    "timeout", " (seconds from 1 to 86400)", false },
	&(const struct cli_option){ "user", 'U', "USER", "user name for the "
	    "token service", OPTK_STRING, FIELD(login.user), 0, 0, NULL, NULL,
	    false },
	&(const struct cli_option){ "url", 0, "URL", "registry URL, for this "
	    "run only", OPTK_STRING, FIELD(url), 0, 0, NULL, NULL, false },
	NULL,
};

/* -o was always taken here, though nothing is printed as a table. */
static const struct cli_option *const mark_opts[] = {
	&opt_help,
	&(const struct cli_option){ "output", 'o', "FORMAT", NULL,
	    OPTK_FORMAT, FIELD(format), 0, OUT_TSV, NULL, NULL, true },
	&opt_timeout, &opt_url, NULL,
};

static const struct cli_option opt_jobs_tags = {
	"jobs", 'j', "N", "fetch up to N tags at once (default 16)",
	OPTK_NUMBER, FIELD(jobs), 1, PIERONE_MAX_JOBS, "number of jobs", NULL,
	false,
};

static const struct cli_option *const scm_opts[] = {
	&opt_help, &opt_jobs_tags, &opt_output, &opt_timeout, &opt_url, NULL,
};

static const struct cli_option *const tags_opts[] = {
	&opt_help,
	&(const struct cli_option){ "jobs", 'j', "N", "fetch up to N artifacts "
	    "at once (default 16)", OPTK_NUMBER, FIELD(jobs), 1,
	    PIERONE_MAX_JOBS, "number of jobs", NULL, false },
	&(const struct cli_option){ "limit", 'l', "N", "show the last N tags "
	    "per artifact; 0 shows all\n(default 3, or 20 when artifacts are "
	    "named)", OPTK_NUMBER, FIELD(limit), 0, INT_MAX, "limit", NULL,
	    false },
	&opt_output, &opt_timeout, &opt_url, NULL,
};

#define ONE(kind)	{ kind, 1, 1 }
#define ANY(kind)	{ kind, 0, -1 }
#define REGISTRY	(NEED_CONFIG | NEED_TOKEN | NEED_CLIENT)
#define NO_OPERANDS	{ { OPD_TEAM, 0, 0 } }, 0

/* Sorted by name: prefixes are matched in this order. */
const struct cmd cli_commands[] = {
	{ "artifacts", "[--timeout SECS] [--url URL] [-o FORMAT] TEAM",
	    "list a team's artifacts", list_opts,
	    { ONE(OPD_TEAM) }, 1, REGISTRY, cmd_artifacts,
	    { "pierone artifacts myteam",
	    "pierone artifacts myteam -o json" } },
	{ "describe", "[--timeout SECS] [--url URL] [-o FORMAT] TEAM ARTIFACT "
	    "TAG", "show everything the registry knows of an image",
	    describe_opts, { ONE(OPD_TEAM), ONE(OPD_ARTIFACT), ONE(OPD_TAG) }, 3,
	    REGISTRY, cmd_describe,
	    { "pierone describe myteam myapp 1.0" } },
	{ "help", "[COMMAND]", "show the help of pierone or of a command",
	    help_opts, { { OPD_COMMAND, 0, 1 } }, 1, 0, cmd_help,
	    { "pierone help tags" } },
	{ "image", "[--timeout SECS] [--url URL] [-o FORMAT] PREFIX",
	    "list the tags of the image whose id starts with PREFIX", list_opts,
	    { ONE(OPD_PREFIX) }, 1, REGISTRY, cmd_image,
	    { "pierone image 1a2b3c4d" } },
	{ "inspect-contents", "[--timeout SECS] [--url URL] [-o FORMAT] [-l N] "
	    "TEAM ARTIFACT [TAG ...]",
	    "list the files in the top layers of an image", inspect_opts,
	    { ONE(OPD_TEAM), ONE(OPD_ARTIFACT), ANY(OPD_TAG) }, 3, REGISTRY,
	    cmd_inspect_contents,
	    { "pierone inspect-contents myteam myapp 1.0 -l 0" } },
	{ "latest", "[--digest] [--no-snapshot] [--timeout SECS] [--url URL] "
	    "[-o FORMAT] TEAM ARTIFACT",
	    "print the latest tag of an artifact", latest_opts,
	    { ONE(OPD_TEAM), ONE(OPD_ARTIFACT) }, 2, REGISTRY, cmd_latest,
	    { "pierone latest --no-snapshot myteam myapp",
	    "docker pull \"$(pierone latest --digest myteam myapp)\"" } },
	/* login connects by itself: to the URL it may ask for, twice */
	{ "login", "[--credential-helper] [--password-stdin] [--refresh] "
	    "[--timeout SECS] [--url URL] [-U USER]",
	    "get a token and write Docker's credentials", login_opts,
	    NO_OPERANDS, NEED_CONFIG | OWN_OPTIONS, cmd_login,
	    { "pierone login -U jdoe",
	    "printf '%s\\n' \"$PASSWORD\" | pierone login --password-stdin "
	    "-U ci" } },
	{ "mark-production-ready", "[--timeout SECS] [--url URL] INCIDENT TEAM "
	    "ARTIFACT TAG",
	    "mark an image as production ready because of an incident",
	    mark_opts, { ONE(OPD_INCIDENT), ONE(OPD_TEAM), ONE(OPD_ARTIFACT),
	    ONE(OPD_TAG) }, 4, REGISTRY, cmd_mark_production_ready,
	    { "pierone mark-production-ready INC-42 myteam myapp 1.0" } },
	{ "scm-source", "[--timeout SECS] [--url URL] [-o FORMAT] [-j N] TEAM "
	    "ARTIFACT [TAG ...]",
	    "show the source (git URL and revision) each tag was built from",
	    scm_opts, { ONE(OPD_TEAM), ONE(OPD_ARTIFACT), ANY(OPD_TAG) }, 3,
	    REGISTRY, cmd_scm_source,
	    { "pierone scm-source myteam myapp 1.0 1.1" } },
	{ "tags", "[--timeout SECS] [--url URL] [-o FORMAT] [-j N] [-l N] TEAM "
	    "[ARTIFACT ...]", "list the tags of a team's artifacts", tags_opts,
	    { ONE(OPD_TEAM), ANY(OPD_ARTIFACT) }, 2, REGISTRY, cmd_tags,
	    { "pierone tags myteam myapp -l 5",
	    "pierone tags -o tsv -l 0 myteam" } },
	{ "teams", "[--timeout SECS] [--url URL] [-o FORMAT]", "list all teams",
	    list_opts, NO_OPERANDS, REGISTRY, cmd_teams,
	    { "pierone teams -o json" } },
};
const size_t cli_ncommands = sizeof(cli_commands) / sizeof(cli_commands[0]);
