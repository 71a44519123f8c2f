/*
 * pierone(1)'s commands: what each takes and needs.  main() parses the
 * command line from these entries (args.c), prints the usage line and -h
 * from them and sets up what the flags ask for before it calls the
 * command, which reads its options by name (cli_flag(), cli_string(),
 * cli_number()).  A new option is an entry here, in pierone(1) and in
 * the completions; nothing else is declared for it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <limits.h>
#include <stddef.h>

#include "cli.h"

/* The options most commands share. */
static const struct cli_option opt_help = {
	.name = "help", .short_name = 'h', .help = "show this help",
	.kind = OPTK_HELP,
};
static const struct cli_option opt_output = {
	.name = "output", .short_name = 'o', .arg = "FORMAT",
	.help = "text (default), json or tsv", .kind = OPTK_FORMAT,
	.max = OUT_TSV,
};
static const struct cli_option opt_timeout = {
	.name = "timeout", .arg = "SECS",
	.help = "seconds one request may take (default 60)",
	.kind = OPTK_NUMBER, .min = 1, .max = 86400, .what = "timeout",
	.hint = " (seconds from 1 to 86400)",
};
static const struct cli_option opt_url = {
	.name = "url", .arg = "URL",
	.help = "registry URL, overrides the configuration",
	.kind = OPTK_STRING,
};

static const struct cli_option opt_verbose = {
	.name = "verbose", .short_name = 'v',
	.help = "trace each HTTP request on standard error",
	.kind = OPTK_FLAG,
};
/* tags and latest: which tags count */
static const struct cli_option opt_all = {
	.name = "all", .help = "also signature and attestation tags\n"
	"(sha256-DIGEST.sig, .att, .sbom; v2 only)", .kind = OPTK_FLAG,
};
static const struct cli_option opt_exclude = {
	.name = "exclude", .arg = "REGEX", .help = "leave out tags that "
	"match REGEX (extended,\nrepeatable)", .kind = OPTK_LIST,
	.check = tag_filter_check,
};
static const struct cli_option opt_filter = {
	.name = "filter", .arg = "REGEX", .help = "only tags that match "
	"REGEX (extended; repeated:\nany of them)", .kind = OPTK_LIST,
	.check = tag_filter_check,
};

static const struct cli_option *const list_opts[] = {
	&opt_help, &opt_output, &opt_timeout, &opt_url, &opt_verbose, NULL,
};

static const struct cli_option *const describe_opts[] = {
	&opt_help,
	&(const struct cli_option){ .name = "output", .short_name = 'o',
	    .arg = "FORMAT", .help = "text (default) or json",
	    .kind = OPTK_FORMAT, .max = OUT_JSON },
	&opt_timeout, &opt_url, &opt_verbose, NULL,
};

static const struct cli_option *const help_opts[] = {
	&opt_help, &opt_verbose, NULL,
};

static const struct cli_option *const inspect_opts[] = {
	&opt_help,
	&(const struct cli_option){ .name = "limit", .short_name = 'l',
	    .arg = "N", .help = "read down to the Nth layer that has files; "
	    "0 reads\nall (default 1)", .kind = OPTK_NUMBER, .max = INT_MAX,
	    .what = "limit" },
	&opt_output, &opt_timeout, &opt_url, &opt_verbose, NULL,
};

static const struct cli_option *const latest_opts[] = {
	&opt_all,
	&(const struct cli_option){ .name = "digest",
	    .help = "print REGISTRY/TEAM/ARTIFACT:TAG@DIGEST, an\nimmutable "
	    "reference to the image", .kind = OPTK_FLAG },
	&opt_exclude, &opt_filter, &opt_help,
	&(const struct cli_option){ .name = "no-snapshot",
	    .help = "leave out tags ending in -SNAPSHOT", .kind = OPTK_FLAG },
	&opt_output, &opt_timeout, &opt_url, &opt_verbose, NULL,
};

static const struct cli_option *const login_opts[] = {
	&(const struct cli_option){ .name = "credential-helper",
	    .help = "make docker ask docker-credential-pierone\nfor tokens "
	    "instead of storing one", .kind = OPTK_FLAG },
	&opt_help,
	&(const struct cli_option){ .name = "password-stdin",
	    .help = "read the password from standard input",
	    .kind = OPTK_FLAG },
	&(const struct cli_option){ .name = "refresh",
	    .help = "get a new token even if one is cached",
	    .kind = OPTK_FLAG },
	&(const struct cli_option){ .name = "timeout", .arg = "SECS",
	    .help = "seconds a request may take (default 60)",
	    .kind = OPTK_NUMBER, .min = 1, .max = 86400, .what = "timeout",
	    .hint = " (seconds from 1 to 86400)" },
	&(const struct cli_option){ .name = "user", .short_name = 'U',
	    .arg = "USER", .help = "user name for the token service",
	    .kind = OPTK_STRING },
	&(const struct cli_option){ .name = "url", .arg = "URL",
	    .help = "registry URL, for this run only", .kind = OPTK_STRING },
	&opt_verbose, NULL,
};

/* -o was always taken here, though nothing is printed as a table. */
static const struct cli_option *const mark_opts[] = {
	&opt_help,
	&(const struct cli_option){ .name = "output", .short_name = 'o',
	    .arg = "FORMAT", .kind = OPTK_FORMAT, .max = OUT_TSV,
	    .hidden = true },
	&opt_timeout, &opt_url, &opt_verbose, NULL,
};

static const struct cli_option *const scm_opts[] = {
	&opt_help,
	&(const struct cli_option){ .name = "jobs", .short_name = 'j',
	    .arg = "N", .help = "fetch up to N tags at once (default 16)",
	    .kind = OPTK_NUMBER, .min = 1, .max = PIERONE_MAX_JOBS,
	    .what = "number of jobs" },
	&opt_output, &opt_timeout, &opt_url, &opt_verbose, NULL,
};

static const struct cli_option *const tags_opts[] = {
	&opt_all, &opt_exclude, &opt_filter, &opt_help,
	&(const struct cli_option){ .name = "jobs", .short_name = 'j',
	    .arg = "N", .help = "fetch up to N artifacts at once (default 16)",
	    .kind = OPTK_NUMBER, .min = 1, .max = PIERONE_MAX_JOBS,
	    .what = "number of jobs" },
	&(const struct cli_option){ .name = "limit", .short_name = 'l',
	    .arg = "N", .help = "show the last N tags per artifact; 0 shows "
	    "all\n(default 3, or 20 when artifacts are named)",
	    .kind = OPTK_NUMBER, .max = INT_MAX, .what = "limit" },
	&(const struct cli_option){ .name = "no-dates",
	    .help = "v2: list names only, without reading each\ntag's "
	    "manifest and config for its date", .kind = OPTK_FLAG },
	&opt_output,
	&(const struct cli_option){ .name = "reverse", .short_name = 'r',
	    .help = "print each artifact's tags in reverse order",
	    .kind = OPTK_FLAG },
	&(const struct cli_option){ .name = "sort", .arg = "KEY",
	    .help = "order each artifact's tags by created or\nname "
	    "(default: as the registry lists them)", .kind = OPTK_CHOICE,
	    .what = "sort key", .choices = (const char *const[]){ "created",
	    "name", NULL } },
	&opt_timeout, &opt_url, &opt_verbose, NULL,
};

#define ONE(kind)	{ kind, 1, 1 }
#define ANY(kind)	{ kind, 0, -1 }
#define REGISTRY	(NEED_CONFIG | NEED_TOKEN | NEED_CLIENT)

/* Sorted by name: prefixes are matched in this order. */
const struct cmd cli_commands[] = {
	{ .name = "artifacts", .summary = "list a team's artifacts",
	    .opts = list_opts, .operands = { ONE(OPD_TEAM) }, .noperands = 1,
	    .flags = REGISTRY, .fn = cmd_artifacts,
	    .examples = { "pierone artifacts myteam",
	    "pierone artifacts myteam -o json" } },
	{ .name = "describe",
	    .summary = "show everything the registry knows of an image",
	    .opts = describe_opts, .operands = { ONE(OPD_TEAM),
	    ONE(OPD_ARTIFACT), ONE(OPD_TAG) }, .noperands = 3,
	    .flags = REGISTRY, .fn = cmd_describe,
	    .examples = { "pierone describe myteam myapp 1.0" } },
	{ .name = "help",
	    .summary = "show the help of pierone or of a command",
	    .opts = help_opts, .operands = { { OPD_COMMAND, 0, 1 } },
	    .noperands = 1, .fn = cmd_help,
	    .examples = { "pierone help tags" } },
	{ .name = "image",
	    .summary = "list the tags of the image whose id starts with PREFIX",
	    .opts = list_opts, .operands = { ONE(OPD_PREFIX) }, .noperands = 1,
	    .flags = REGISTRY, .fn = cmd_image,
	    .examples = { "pierone image 1a2b3c4d" } },
	{ .name = "inspect-contents",
	    .summary = "list the files in the top layers of an image",
	    .opts = inspect_opts, .operands = { ONE(OPD_TEAM),
	    ONE(OPD_ARTIFACT), ANY(OPD_TAG) }, .noperands = 3,
	    .flags = REGISTRY, .fn = cmd_inspect_contents,
	    .examples = { "pierone inspect-contents myteam myapp 1.0 -l 0" } },
	{ .name = "latest", .summary = "print the latest tag of an artifact",
	    .opts = latest_opts, .operands = { ONE(OPD_TEAM),
	    ONE(OPD_ARTIFACT) }, .noperands = 2, .flags = REGISTRY,
	    .fn = cmd_latest,
	    .examples = { "pierone latest --no-snapshot myteam myapp",
	    "docker pull \"$(pierone latest --digest myteam myapp)\"" } },
	/* login connects by itself: to the URL it may ask for, twice */
	{ .name = "login",
	    .summary = "get a token and write Docker's credentials",
	    .opts = login_opts, .flags = NEED_CONFIG | OWN_OPTIONS,
	    .fn = cmd_login,
	    .examples = { "pierone login -U jdoe",
	    "printf '%s\\n' \"$PASSWORD\" | pierone login --password-stdin "
	    "-U ci" } },
	{ .name = "mark-production-ready",
	    .summary = "mark an image as production ready because of an "
	    "incident", .opts = mark_opts, .operands = { ONE(OPD_INCIDENT),
	    ONE(OPD_TEAM), ONE(OPD_ARTIFACT), ONE(OPD_TAG) }, .noperands = 4,
	    .flags = REGISTRY, .fn = cmd_mark_production_ready,
	    .examples = { "pierone mark-production-ready INC-42 myteam myapp "
	    "1.0" } },
	{ .name = "scm-source",
	    .summary = "show the source (git URL and revision) each tag was "
	    "built from", .opts = scm_opts, .operands = { ONE(OPD_TEAM),
	    ONE(OPD_ARTIFACT), ANY(OPD_TAG) }, .noperands = 3,
	    .flags = REGISTRY, .fn = cmd_scm_source,
	    .examples = { "pierone scm-source myteam myapp 1.0 1.1" } },
	{ .name = "tags", .summary = "list the tags of a team's artifacts",
	    .opts = tags_opts, .operands = { ONE(OPD_TEAM),
	    ANY(OPD_ARTIFACT) }, .noperands = 2, .flags = REGISTRY,
	    .fn = cmd_tags,
	    .examples = { "pierone tags myteam myapp -l 5",
	    "pierone tags -o tsv -l 0 myteam" } },
	{ .name = "teams", .summary = "list all teams", .opts = list_opts,
	    .flags = REGISTRY, .fn = cmd_teams,
	    .examples = { "pierone teams -o json" } },
};
const size_t cli_ncommands = sizeof(cli_commands) / sizeof(cli_commands[0]);
