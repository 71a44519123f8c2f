/*
 * pierone(1) end to end: the built binary against the fake registry,
 * comparing stdout, stderr and the exit status.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "tests.h"
#include "../cli/cli.h"

#define TOKEN "test-token-0123456789"

static void
start(const char *const *extra)
{
	static const char *const args[] = { "--data", NULL, "--token", TOKEN,
	    "--forbid", "noaccess", NULL };
	const char *a[7];

	memcpy(a, args, sizeof(a));
	a[1] = test_data("registry.json");
	site_open("other=x,pierone=" TOKEN, 0);
	site_fake_start(a, extra);
}

static void
setup(void)
{
	start(NULL);
}

static void
teardown(void)
{
	site_close(true);
}

#define pierone(r, ...) site_run(r, __VA_ARGS__)
#define pierone_env site_pierone

/* A failure that also keeps the token out of stderr. */
static void
assert_failed(const struct run *r, int status, const char *what)
{
	test_assert_failed(r, status, what);
	ck_assert_msg(strstr(r->err, TOKEN) == NULL, "token leaked: %s",
	    r->err);
}

static void
assert_expected(const struct run *r, const char *file)
{
	char name[128];
	char *want;

	snprintf(name, sizeof(name), "expected/%s", file);
	ck_assert_ptr_nonnull(want = test_slurp(test_data(name), NULL));
	ck_assert_int_eq(r->status, 0);
	ck_assert_str_eq(r->err, "");
	ck_assert_str_eq(r->out, want);
	free(want);
}

START_TEST(version_prints_name_and_touches_nothing)
{
	struct run r;
	const char *env[] = { "HOME=/nonexistent", "PIERONE_URL", NULL };

	pierone_env(&r, env, "--version", (const char *)NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "Pier One CLI " PIERONE_VERSION "\n");
	run_free(&r);
	pierone_env(&r, env, "-V", (const char *)NULL);
	ck_assert_str_eq(r.out, "Pier One CLI " PIERONE_VERSION "\n");
	run_free(&r);
	{
		char *log = fake_log(&site.fake);

		ck_assert_str_eq(log, "");
		free(log);
	}
}
END_TEST

START_TEST(help_goes_to_stdout_and_exits_zero)
{
	struct run r;

	pierone(&r, "--help");
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "usage: pierone"));
	ck_assert_ptr_nonnull(strstr(r.out, "artifacts"));
	ck_assert_str_eq(r.err, "");
	run_free(&r);
	pierone(&r, "tags", "-h");
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "usage: pierone tags"));
	ck_assert_ptr_nonnull(strstr(r.out, "--limit"));
	run_free(&r);
}
END_TEST

/*
 * The usage line and the option list of -h come from one table entry:
 * every option listed is in the usage line (-h aside), as typed there.
 */
START_TEST(each_usage_line_names_every_option_of_its_help)
{
	static const char *const cmds[] = { "artifacts", "describe", "image",
	    "inspect-contents", "latest", "login", "mark-production-ready",
	    "scm-source", "tags", "teams" };
	char want[64], *usage, *p, *line;
	size_t nopts;
	struct run r;

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		pierone(&r, cmds[i], "-h");
		ck_assert_int_eq(r.status, 0);
		usage = strndup(r.out, strcspn(r.out, "\n"));
		ck_assert_ptr_nonnull(usage);
		p = strstr(r.out, "\noptions:\n");
		ck_assert_msg(p != NULL, "%s -h: no options", cmds[i]);
		nopts = 0;
		for (line = p + 10; *line == ' '; line = strchr(line, '\n') + 1) {
			if (strncmp(line, "  -h, --help", 12) == 0)
				continue;
			if (line[2] == '-' && line[3] != '-')
				snprintf(want, sizeof(want), "[-%c", line[3]);
			else if (line[6] == '-' && line[7] == '-')
				snprintf(want, sizeof(want), "[--%.*s",
				    (int)strcspn(line + 8, " \n"), line + 8);
			else
				continue;	/* -h, or a help text's 2nd line */
			ck_assert_msg(strstr(usage, want) != NULL,
			    "%s: '%s' not in '%s'", cmds[i], want, usage);
			nopts++;
		}
		ck_assert_msg(nopts > 0, "%s -h lists no option", cmds[i]);
		/* with -h: struct cli holds CMD_MAX_OPTIONS (16) values */
		ck_assert_msg(nopts + 1 <= 16, "%s has %zu options", cmds[i],
		    nopts + 1);
		free(usage);
		run_free(&r);
	}
}
END_TEST

/*
 * The option names of `help` (a command's -h output), sorted, one per
 * line: "-j" and "--jobs" of "  -j, --jobs N".
 */
static char *
help_option_names(const char *help)
{
	const char *p = strstr(help, "\noptions:\n"), *line;
	char *out = calloc(1, strlen(help) + 1);
	size_t n;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(out);
	for (line = p + 10; *line == ' '; line = strchr(line, '\n') + 1) {
		if (line[2] == '-') {
			strncat(out, line + 2, 2);
			strcat(out, "\n");
		}
		if (line[6] == '-' && line[7] == '-') {
			n = strcspn(line + 6, " \n");
			strncat(out, line + 6, n);
			strcat(out, "\n");
		}
	}
	return out;
}

/* bash's completion of `pierone CMD -` offers exactly what -h lists. */
START_TEST(bash_completion_offers_every_option_of_the_help)
{
	static const char *const cmds[] = { "artifacts", "describe", "help",
	    "image", "inspect-contents", "latest", "login",
	    "mark-production-ready", "scm-source", "tags", "teams" };
	static const char script[] = ". cli/completion.bash || exit 1; "
	    "COMP_LINE=\"pierone $1 -\"; COMP_POINT=${#COMP_LINE}; _pierone; "
	    "printf '%s\\n' \"${COMPREPLY[@]}\" | LC_ALL=C sort";
	const char *argv[] = { "/bin/bash", "--norc", "--noprofile", "-c", script,
	    "sh", NULL, NULL };
	struct run h, c;
	char *want;

	/* bash is essential on Debian: its completion is always tested */
	ck_assert_msg(access("/bin/bash", X_OK) == 0, "no /bin/bash");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct run sorted;
		const char *sort[] = { "/bin/sh", "-c", "LC_ALL=C sort", NULL };

		pierone(&h, cmds[i], "-h");
		ck_assert_int_eq(h.status, 0);
		want = help_option_names(h.out);
		run_cmd_input(&sorted, sort, NULL, want);
		argv[6] = cmds[i];
		run_cmd(&c, argv, NULL);
		ck_assert_msg(c.status == 0, "%s: %s", cmds[i], c.err);
		ck_assert_msg(strcmp(c.out, sorted.out) == 0,
		    "%s: completion offers\n%s-h lists\n%s", cmds[i], c.out,
		    sorted.out);
		free(want);
		run_free(&sorted);
		run_free(&h);
		run_free(&c);
	}
}
END_TEST

/* Options are named as typed, wherever getopt found them. */
START_TEST(option_errors_name_the_option_as_typed)
{
	static const char *const cases[][4] = {
		/* another command's option, its value apart or attached */
		{ "describe", "--sort", "name", "unknown option '--sort'" },
		{ "latest", "--jobs", "3", "unknown option '--jobs'" },
		{ "latest", "--limit=3", NULL, "unknown option '--limit'" },
		{ "latest", "-j3", NULL, "unknown option '-j'" },
		{ "latest", "-l", "3", "unknown option '-l'" },
		/* a flag given a value */
		{ "tags", "--verbose=1", NULL, "option '--verbose' takes no "
		    "value" },
		{ "latest", "--digest=x", NULL, "option '--digest' takes no "
		    "value" },
	};
	char *log;
	struct run r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i][2] != NULL)
			pierone(&r, cases[i][0], cases[i][1], cases[i][2],
			    "myteam", "myapp", "1.0");
		else
			pierone(&r, cases[i][0], cases[i][1], "myteam",
			    "myapp", "1.0");
		ck_assert_int_eq(r.status, 2);
		ck_assert_msg(strncmp(r.err + 9, cases[i][3],
		    strlen(cases[i][3])) == 0, "%s %s: %s", cases[i][0],
		    cases[i][1], r.err);
		run_free(&r);
	}
	pierone(&r, "--verbose=1", "teams");
	ck_assert_int_eq(r.status, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "option '--verbose' takes no "
	    "value"));
	run_free(&r);
	log = fake_log(&site.fake);
	ck_assert_str_eq(log, "");
	free(log);
}
END_TEST

START_TEST(no_command_prints_the_help_as_h_does)
{
	struct run r, h;

	pierone(&r, NULL);
	pierone(&h, "-h", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(h.status, 0);
	ck_assert_str_eq(r.err, "");
	ck_assert_ptr_nonnull(strstr(r.out, "usage: pierone"));
	ck_assert_str_eq(r.out, h.out);
	run_free(&r);
	run_free(&h);
}
END_TEST

START_TEST(a_missing_value_names_the_option_as_typed)
{
	static const char *const cases[][3] = {
		{ "tags", "--url", "'--url'" },
		{ "login", "--url", "'--url'" },
		{ "tags", "--timeout", "'--timeout'" },
		{ "tags", "--jobs", "'--jobs'" },
		{ "tags", "-j", "'-j'" },
		{ "latest", "--output", "'--output'" },
	};
	struct run r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pierone(&r, cases[i][0], cases[i][1]);
		assert_failed(&r, 2, "needs a value");
		ck_assert_msg(strstr(r.err, cases[i][2]) != NULL, "%s %s: %s",
		    cases[i][0], cases[i][1], r.err);
		run_free(&r);
	}
	pierone(&r, "--config-file");
	assert_failed(&r, 2, "'--config-file' needs a value");
	run_free(&r);
	pierone(&r, "tags", "--bogus=1");
	assert_failed(&r, 2, "unknown option '--bogus'");
	run_free(&r);
}
END_TEST

START_TEST(unknown_command_is_a_usage_error)
{
	struct run r;

	pierone(&r, "frobnicate");
	assert_failed(&r, 2, "unknown command 'frobnicate'");
	run_free(&r);
}
END_TEST

START_TEST(help_command_prints_what_h_prints)
{
	static const char *const cmds[] = { "tags", "latest", "login",
	    "help" };
	struct run r, h;

	pierone(&r, "help");
	pierone(&h, "-h");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.err, "");
	ck_assert_str_eq(r.out, h.out);
	ck_assert_ptr_nonnull(strstr(r.out, "\n  help "));
	run_free(&r);
	run_free(&h);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		pierone(&r, "help", cmds[i]);
		pierone(&h, cmds[i], "-h");
		ck_assert_int_eq(r.status, 0);
		ck_assert_str_eq(r.err, "");
		ck_assert_str_eq(r.out, h.out);
		run_free(&r);
		run_free(&h);
	}
	pierone(&r, "help", "lat");		/* a prefix, as anywhere */
	ck_assert_ptr_nonnull(strstr(r.out, "usage: pierone latest "));
	run_free(&r);
	{
		char *log = fake_log(&site.fake);

		ck_assert_str_eq(log, "");
		free(log);
	}
}
END_TEST

START_TEST(each_commands_help_ends_with_its_examples)
{
	static const char tags_help[] =
	    "usage: pierone tags [--all] [--exclude REGEX] [--filter "
	    "REGEX] [--no-dates] [--sort KEY] [--timeout SECS] [--url URL] "
	    "[-j N] [-l N] [-o FORMAT] [-r] [-v] TEAM [ARTIFACT ...]\n"
	    "\n"
	    "list the tags of a team's artifacts\n"
	    "\n"
	    "TEAM ARTIFACT may be one image reference, "
	    "[REGISTRY/]TEAM/ARTIFACT;\n"
	    "with REGISTRY, that registry is asked instead (with Docker's "
	    "credentials\n"
	    "for it unless it is the configured one); on registries other "
	    "than\n"
	    "Pier One, its ARTIFACT may have more components "
	    "(org/group/app),\n"
	    "which only this form reaches.\n"
	    "\n"
	    "options:\n"
	    "      --all            also signature and attestation tags\n"
	    "                       (sha256-DIGEST.sig, .att, .sbom; v2 "
	    "only)\n"
	    "      --exclude REGEX  leave out tags that match REGEX "
	    "(extended,\n"
	    "                       repeatable)\n"
	    "      --filter REGEX   only tags that match REGEX (extended; "
	    "repeated:\n"
	    "                       any of them)\n"
	    "  -h, --help           show this help\n"
	    "  -j, --jobs N         fetch up to N artifacts at once "
	    "(default 16)\n"
	    "  -l, --limit N        show the last N tags per artifact; 0 "
	    "shows all\n"
	    "                       (default 3, or 20 when artifacts are "
	    "named)\n"
	    "      --no-dates       v2: list names only, without reading "
	    "each\n"
	    "                       tag's manifest and config for its date\n"
	    "  -o, --output FORMAT  text (default), json or tsv\n"
	    "  -r, --reverse        print each artifact's tags in reverse "
	    "order\n"
	    "      --sort KEY       order each artifact's tags by created "
	    "or\n"
	    "                       name (default: as the registry lists "
	    "them)\n"
	    "      --timeout SECS   seconds one request may take (default "
	    "60)\n"
	    "      --url URL        registry URL, overrides the "
	    "configuration\n"
	    "  -v, --verbose        trace each HTTP request on standard "
	    "error\n"
	    "\n"
	    "examples:\n"
	    "  pierone tags myteam myapp -l 5\n"
	    "  pierone tags -o tsv -l 0 myteam\n";
	static const char *const cmds[] = { "artifacts", "describe", "help",
	    "image", "inspect-contents", "latest", "login",
	    "mark-production-ready", "scm-source", "tags", "teams" };
	struct run r;
	char want[64];
	const char *ex;

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		pierone(&r, cmds[i], "-h");
		ck_assert_int_eq(r.status, 0);
		ex = strstr(r.out, "\n\nexample");
		ck_assert_msg(ex != NULL, "%s: %s", cmds[i], r.out);
		/* the examples come last, and use the command */
		ck_assert_ptr_null(strstr(ex + 2, "\n\n"));
		ck_assert_ptr_null(strstr(ex, "options:"));
		test_fmt(want, sizeof(want), "pierone %s ", cmds[i]);
		ck_assert_msg(strstr(ex, want) != NULL, "%s", ex);
		run_free(&r);
	}
	pierone(&r, "tags", "-h");
	ck_assert_str_eq(r.out, tags_help);
	run_free(&r);
	/* an example as written works: options after the operands */
	pierone(&r, "tags", "myteam", "myapp", "-l", "1");
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(test_count(r.out, "\n"), 2);
	run_free(&r);
}
END_TEST

START_TEST(help_of_an_unknown_command_is_a_usage_error)
{
	struct run r;

	pierone(&r, "help", "tgas");
	assert_failed(&r, 2, "unknown command 'tgas'; did you mean 'tags'?");
	run_free(&r);
	pierone(&r, "help", "nosuch");
	assert_failed(&r, 2, "unknown command 'nosuch'");
	run_free(&r);
	pierone(&r, "help", "tags", "teams");
	assert_failed(&r, 2, "too many arguments");
	run_free(&r);
}
END_TEST

START_TEST(verbose_traces_each_request_on_stderr)
{
	static const char *const debug[] = { "PIERONE_DEBUG=1", NULL };
	static const char *const nodebug[] = { "PIERONE_DEBUG=0", NULL };
	struct run r;
	char want[256];

	test_fmt(want, sizeof(want), "pierone: the OAuth2 token from "
	    "OAUTH2_ACCESS_TOKENS\npierone: GET %s/teams 200 (",
	    site.fake.url);
	pierone(&r, "-v", "teams", "-o", "tsv");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "name\na-team\nmyteam\nnoaccess\notherteam\n");
	ck_assert_msg(strncmp(r.err, want, strlen(want)) == 0, "%s", r.err);
	ck_assert_int_eq(test_count(r.err, "\n"), 2);
	ck_assert_ptr_nonnull(strstr(r.err, " bytes, the OAuth2 token)\n"));
	ck_assert_ptr_nonnull(strstr(r.err, " ms, "));
	run_free(&r);
	pierone(&r, "--verbose", "-v", "teams");	/* repeatable */
	ck_assert_msg(strncmp(r.err, want, strlen(want)) == 0, "%s", r.err);
	run_free(&r);
	pierone_env(&r, debug, "teams", (const char *)NULL);
	ck_assert_msg(strncmp(r.err, want, strlen(want)) == 0, "%s", r.err);
	run_free(&r);
	pierone_env(&r, nodebug, "teams", (const char *)NULL);
	ck_assert_str_eq(r.err, "");
	run_free(&r);
	/* a failing request is told too, then the error */
	pierone(&r, "-v", "tags", "noaccess");
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, " 403 ("));
	ck_assert_ptr_null(strstr(r.err, TOKEN));
	run_free(&r);
}
END_TEST

START_TEST(a_mistyped_command_gets_a_suggestion)
{
	static const char *const cases[][2] = {
		{ "tgas", "tags" },		/* a swap */
		{ "latset", "latest" },
		{ "artifactz", "artifacts" },
		{ "descibe", "describe" },
		{ "mark-ready", "mark-production-ready" },	/* its stem */
	};
	struct run r;
	char want[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pierone(&r, cases[i][0], "myteam");
		test_fmt(want, sizeof(want), "pierone: unknown command '%s'; "
		    "did you mean '%s'?\nusage: pierone [-hVv]", cases[i][0],
		    cases[i][1]);
		assert_failed(&r, 2, "did you mean");
		ck_assert_msg(strncmp(r.err, want, strlen(want)) == 0, "%s",
		    r.err);
		run_free(&r);
	}
	pierone(&r, "zzzzzz", "myteam");	/* nothing near: no guess */
	assert_failed(&r, 2, "unknown command 'zzzzzz'\n");
	run_free(&r);
}
END_TEST

START_TEST(a_mistyped_long_option_gets_its_commands_option)
{
	struct run r;

	pierone(&r, "tags", "--limt", "3", "myteam");
	assert_failed(&r, 2, "unknown option '--limt'; did you mean "
	    "'--limit'?\nusage: pierone tags ");
	run_free(&r);
	pierone(&r, "latest", "--digets=1", "myteam", "myapp");
	assert_failed(&r, 2, "unknown option '--digets'; did you mean "
	    "'--digest'?");
	run_free(&r);
	pierone(&r, "--verison");		/* main's own options */
	assert_failed(&r, 2, "did you mean '--version'?");
	run_free(&r);
	/* another command's option is not suggested */
	pierone(&r, "tags", "--digset", "myteam");	/* latest's --digest */
	assert_failed(&r, 2, "unknown option '--digset'\n");
	run_free(&r);
}
END_TEST

START_TEST(a_missing_operand_is_named)
{
	struct run r;

	pierone(&r, "describe", "myteam", "myapp");
	assert_failed(&r, 2, "pierone: missing TAG\nusage: pierone describe");
	run_free(&r);
	pierone(&r, "describe");
	assert_failed(&r, 2, "missing TEAM, ARTIFACT and TAG\n");
	run_free(&r);
	pierone(&r, "mark-production-ready", "INC-1", "myteam");
	assert_failed(&r, 2, "missing ARTIFACT and TAG\n");
	run_free(&r);
	pierone(&r, "image");
	assert_failed(&r, 2, "missing PREFIX\n");
	run_free(&r);
	pierone(&r, "tags");			/* ARTIFACT ... is optional */
	assert_failed(&r, 2, "missing TEAM\n");
	run_free(&r);
}
END_TEST

START_TEST(ambiguous_prefix_lists_candidates)
{
	struct run r;

	pierone(&r, "t", "myteam");
	assert_failed(&r, 2, "tags, teams");
	run_free(&r);
}
END_TEST

START_TEST(unique_prefix_selects_command)
{
	struct run r;

	pierone(&r, "lat", "myteam", "myapp");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "1.8.5\n");
	run_free(&r);
}
END_TEST

START_TEST(unknown_option_is_a_usage_error)
{
	struct run r;

	pierone(&r, "tags", "--frobnicate", "myteam");
	assert_failed(&r, 2, "unknown option '--frobnicate'");
	run_free(&r);
	pierone(&r, "artifacts", "-l", "3", "myteam");
	assert_failed(&r, 2, "unknown option '-l'");
	run_free(&r);
	pierone(&r, "-x", "teams");
	assert_failed(&r, 2, "unknown option '-x'");
	run_free(&r);
}
END_TEST

START_TEST(bad_output_format_is_a_usage_error)
{
	struct run r;

	pierone(&r, "teams", "-o", "xml");
	assert_failed(&r, 2, "invalid output format 'xml'");
	run_free(&r);
}
END_TEST

START_TEST(bad_limit_is_a_usage_error)
{
	struct run r;

	pierone(&r, "tags", "-l", "-1", "myteam");
	assert_failed(&r, 2, "invalid limit '-1'");
	run_free(&r);
	pierone(&r, "tags", "-l", "many", "myteam");
	assert_failed(&r, 2, "invalid limit 'many'");
	run_free(&r);
}
END_TEST

START_TEST(wrong_argument_count_is_a_usage_error)
{
	struct run r;

	pierone(&r, "latest", "myteam");
	assert_failed(&r, 2, "missing ARTIFACT\n");
	run_free(&r);
	pierone(&r, "artifacts", "myteam", "extra");
	assert_failed(&r, 2, "too many arguments");
	run_free(&r);
}
END_TEST

START_TEST(bad_names_are_refused_before_any_request)
{
	static const char *const teams[] = { "Team", "../x", "x", "my/team",
	    "", "1team" };
	static const char *const arts[] = { "../x", "..", ".", "a/b", "x?y",
	    "a#b", "" };
	struct run r;
	char *log;

	for (size_t i = 0; i < sizeof(teams) / sizeof(teams[0]); i++) {
		pierone(&r, "artifacts", teams[i]);
		assert_failed(&r, 2, "team name");
		run_free(&r);
	}
	for (size_t i = 0; i < sizeof(arts) / sizeof(arts[0]); i++) {
		pierone(&r, "latest", "myteam", arts[i]);
		assert_failed(&r, 2, "artifact name");
		run_free(&r);
		pierone(&r, "tags", "myteam", "myapp", arts[i]);
		assert_failed(&r, 2, "artifact name");
		run_free(&r);
	}
	log = fake_log(&site.fake);
	ck_assert_str_eq(log, "");
	free(log);
}
END_TEST

START_TEST(artifact_names_are_percent_encoded)
{
	struct run r;
	char *log;

	pierone(&r, "latest", "myteam", "%2e%2e");
	assert_failed(&r, 1, "not found");
	run_free(&r);
	pierone(&r, "latest", "myteam", "a b+c");
	assert_failed(&r, 1, "not found");
	run_free(&r);
	log = fake_log(&site.fake);
	ck_assert_ptr_nonnull(strstr(log,
	    "/teams/myteam/artifacts/%252e%252e/tags"));
	ck_assert_ptr_nonnull(strstr(log,
	    "/teams/myteam/artifacts/a%20b%2Bc/tags"));
	free(log);
}
END_TEST

START_TEST(bad_url_option_is_a_usage_error)
{
	struct run r;

	pierone(&r, "teams", "--url", "ftp://x");
	assert_failed(&r, 2, "unsupported URL 'ftp://x'");
	run_free(&r);
	pierone(&r, "teams", "--url", "");
	assert_failed(&r, 2, "URL is empty");
	run_free(&r);
}
END_TEST

START_TEST(token_list_may_have_blanks_around_names)
{
	struct run r;
	const char *env[] = { "OAUTH2_ACCESS_TOKENS= other=x , pierone = "
	    TOKEN " ", NULL };

	pierone_env(&r, env, "latest", "myteam", "myapp", (const char *)NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "1.8.5\n");
	run_free(&r);
}
END_TEST

START_TEST(teams_json_is_sorted)
{
	struct run r;

	pierone(&r, "teams", "-o", "json");
	assert_expected(&r, "teams.json");
	run_free(&r);
}
END_TEST

START_TEST(teams_text_pads_to_the_widest_name)
{
	struct run r;

	pierone(&r, "teams");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "Name     \n"
	    "a-team    \n" "myteam    \n" "noaccess  \n" "otherteam \n");
	run_free(&r);
}
END_TEST

START_TEST(artifacts_json_tsv_and_text)
{
	struct run r;

	pierone(&r, "artifacts", "myteam", "-o", "json");
	assert_expected(&r, "artifacts-myteam.json");
	run_free(&r);
	pierone(&r, "artifacts", "-o", "tsv", "myteam");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "team\tartifact\nmyteam\talpha\n"
	    "myteam\tempty\nmyteam\tmyapp\nmyteam\tother\n");
	run_free(&r);
	pierone(&r, "artifacts", "myteam");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "Team  \u2502Artifact\n"
	    "myteam alpha    \n" "myteam empty    \n"
	    "myteam myapp    \n" "myteam other    \n");
	run_free(&r);
}
END_TEST

START_TEST(tags_of_named_artifact_keep_server_order)
{
	struct run r;

	pierone(&r, "tags", "myteam", "myapp", "-o", "json");
	assert_expected(&r, "tags-myteam-myapp.json");
	run_free(&r);
}
END_TEST

START_TEST(tags_of_team_show_last_three_per_artifact)
{
	struct run r;

	pierone(&r, "tags", "myteam", "-o", "json");
	assert_expected(&r, "tags-myteam.json");
	run_free(&r);
}
END_TEST

START_TEST(tags_limit_zero_shows_all)
{
	struct run r;

	pierone(&r, "tags", "-l", "0", "myteam", "-o", "json");
	assert_expected(&r, "tags-myteam-all.json");
	run_free(&r);
}
END_TEST

START_TEST(tags_output_is_the_same_with_any_number_of_jobs)
{
	const char *env[] = { "PIERONE_JOBS=2", NULL };
	struct run r;

	pierone(&r, "tags", "-j", "1", "-l", "0", "myteam", "-o", "json");
	assert_expected(&r, "tags-myteam-all.json");
	run_free(&r);
	pierone(&r, "tags", "--jobs", "256", "-l", "0", "myteam", "-o",
	    "json");
	assert_expected(&r, "tags-myteam-all.json");
	run_free(&r);
	pierone_env(&r, env, "tags", "-l", "0", "myteam", "-o", "json",
	    (const char *)NULL);
	assert_expected(&r, "tags-myteam-all.json");
	run_free(&r);
}
END_TEST

START_TEST(bad_jobs_is_a_usage_error)
{
	const char *env[] = { "PIERONE_JOBS=0", NULL };
	struct run r;

	pierone(&r, "tags", "-j", "0", "myteam");
	assert_failed(&r, 2, "invalid number of jobs '0'");
	run_free(&r);
	pierone(&r, "tags", "-j", "257", "myteam");
	assert_failed(&r, 2, "invalid number of jobs '257'");
	run_free(&r);
	pierone(&r, "artifacts", "-j", "2", "myteam");
	assert_failed(&r, 2, "unknown option '-j'");
	run_free(&r);
	pierone_env(&r, env, "tags", "myteam", (const char *)NULL);
	assert_failed(&r, 1, "PIERONE_JOBS");
	run_free(&r);
}
END_TEST

START_TEST(tags_rows_sorted_by_artifact_with_limit)
{
	struct run r;

	pierone(&r, "tags", "--limit", "2", "--output", "json", "myteam",
	    "other", "myapp");
	assert_expected(&r, "tags-other-myapp-l2.json");
	run_free(&r);
}
END_TEST

/* Expected "ago" cell for an epoch, computed as the test runs. */
static void
ago(char *buf, size_t len, double epoch)
{
	format_ago(buf, len, (double)time(NULL) - epoch);
}

START_TEST(tags_tsv_has_raw_keys_and_relative_times)
{
	struct run r;
	char a[32], b[32], want[512];

	pierone(&r, "tags", "myteam", "other", "-o", "tsv");
	ago(a, sizeof(a), 1582977600.5);
	ago(b, sizeof(b), 1583064000.0);
	snprintf(want, sizeof(want), "team\tartifact\ttag\tcreated_time\t"
	    "created_by\tstatus\tstatus_reason\n"
	    "myteam\tother\ta\t%s\tz\u00fcrich\tNot Processed\tNot Processed\n"
	    "myteam\tother\tb\t%s\tx\tNot Processed\tNot Processed\n", a, b);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, want);
	run_free(&r);
}
END_TEST

START_TEST(tags_text_aligns_columns_like_the_python_client)
{
	struct run r;
	char a[32], b[32], want[1024];

	pierone(&r, "tags", "myteam", "other");
	ago(a, sizeof(a), 1582977600.5);
	ago(b, sizeof(b), 1583064000.0);
	ck_assert_int_eq(strlen(a), strlen(b));
	/* Titles are at least as wide as "Created" (7); times right-aligned. */
	snprintf(want, sizeof(want),
	    "Team  \u2502Artifact\u2502Tag\u2502%-*s\u2502By    \u2502"
	    "Status       \u2502Status Reason\n"
	    "myteam other    a   %*s z\u00fcrich Not Processed Not Processed \n"
	    "myteam other    b   %*s x      Not Processed Not Processed \n",
	    (int)(strlen(a) > 7 ? strlen(a) : 7), "Created",
	    (int)(strlen(a) > 7 ? strlen(a) : 7), a,
	    (int)(strlen(b) > 7 ? strlen(b) : 7), b);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, want);
	run_free(&r);
}
END_TEST

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

START_TEST(latest_is_greatest_created_time_in_every_format)
{
	struct run r;

	pierone(&r, "latest", "myteam", "myapp");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "1.8.5\n");
	ck_assert_str_eq(r.err, "");
	run_free(&r);
	pierone(&r, "latest", "-o", "text", "myteam", "myapp");
	ck_assert_str_eq(r.out, "1.8.5\n");
	run_free(&r);
	pierone(&r, "latest", "-o", "json", "myteam", "myapp");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "{\"artifact\": \"myapp\", \"created_time\": "
	    "1451721600.0, \"tag\": \"1.8.5\", \"team\": \"myteam\"}\n");
	ck_assert_str_eq(r.err, "");
	run_free(&r);
	pierone(&r, "latest", "-o", "tsv", "myteam", "myapp");
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(starts_with(r.out, "team\tartifact\ttag\tcreated_time\n"
	    "myteam\tmyapp\t1.8.5\t"), "%s", r.out);
	ck_assert_int_eq(test_count(r.out, "\n"), 2);
	ck_assert_ptr_nonnull(strstr(r.out, "d ago\n"));
	run_free(&r);
	pierone(&r, "latest", "otherteam", "tool");
	ck_assert_str_eq(r.out, "2.0\n");
	run_free(&r);
}
END_TEST

/* The time comes with the tag: one tag list, not a second for the row. */
START_TEST(latest_json_asks_for_the_tag_list_once)
{
	struct run r;
	char *log;

	pierone(&r, "latest", "-o", "json", "myteam", "myapp");
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "\"created_time\": 1451721600.0"));
	run_free(&r);
	log = fake_log(&site.fake);
	ck_assert_int_eq(test_count(log, "/artifacts/myapp/tags"), 1);
	free(log);
}
END_TEST

START_TEST(latest_json_with_digest_adds_the_digest)
{
	struct run r;

	pierone(&r, "latest", "--digest", "-o", "json", "myteam", "myapp");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "{\"artifact\": \"myapp\", \"created_time\": "
	    "1451721600.0, \"digest\": \"sha256:3333333333333333333333333333"
	    "333333333333333333333333333333333333\", \"tag\": \"1.8.5\", "
	    "\"team\": \"myteam\"}\n");
	run_free(&r);
	pierone(&r, "latest", "--digest", "-o", "tsv", "myteam", "myapp");
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(starts_with(r.out, "team\tartifact\ttag\tcreated_time\t"
	    "digest\nmyteam\tmyapp\t1.8.5\t"), "%s", r.out);
	ck_assert_ptr_nonnull(strstr(r.out, "\tsha256:3333"));
	run_free(&r);
	/* --no-snapshot: the row is of the tag it chose */
	pierone(&r, "latest", "--no-snapshot", "-o", "json", "otherteam",
	    "snap");
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "\"tag\": \"1.0\""));
	run_free(&r);
}
END_TEST

START_TEST(latest_no_snapshot_passes_over_mutable_tags)
{
	struct run r;

	pierone(&r, "latest", "otherteam", "snap");
	ck_assert_str_eq(r.out, "1.1-SNAPSHOT\n");
	run_free(&r);
	pierone(&r, "latest", "--no-snapshot", "otherteam", "snap");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "1.0\n");
	run_free(&r);
	pierone(&r, "latest", "--no-snapshot", "otherteam", "onlysnap");
	assert_failed(&r, 1, "has no tags but -SNAPSHOT ones");
	run_free(&r);
	pierone(&r, "tags", "--no-snapshot", "otherteam");
	assert_failed(&r, 2, "unknown option '--no-snapshot'");
	run_free(&r);
}
END_TEST

START_TEST(latest_digest_is_an_immutable_reference)
{
	struct run r;
	char want[256];

	pierone(&r, "latest", "--digest", "myteam", "myapp");
	test_fmt(want, sizeof(want), "%s/myteam/myapp:1.8.5@sha256:"
	    "3333333333333333333333333333333333333333333333333333333333333333"
	    "\n", site.fake.url + strlen("http://"));
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, want);
	run_free(&r);
	{
		char *log = fake_log(&site.fake);

		ck_assert_ptr_nonnull(strstr(log,
		    "HEAD /v2/myteam/myapp/manifests/1.8.5 200"));
		free(log);
	}
	/* a tag the registry has no manifest for */
	pierone(&r, "latest", "--digest", "myteam", "other");
	assert_failed(&r, 1, "no manifest for 'myteam/other:b'");
	run_free(&r);
}
END_TEST

START_TEST(scm_source_json_keeps_rows_without_data)
{
	struct run r;

	pierone(&r, "scm-source", "myteam", "myapp", "1.8.5", "1.0", "nope",
	    "-o", "json");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "[{\"author\": \"jdoe\", \"created_by\": "
	    "\"jdoe\", \"created_time\": 1431013791.23, \"revision\": "
	    "\"0123456789abcdef0123456789abcdef01234567\", \"status\": \"\", "
	    "\"tag\": \"1.0\", \"url\": \"git:git@github.com:org/myapp.git\"}, "
	    "{\"author\": null, \"created_by\": \"mmuster\", \"created_time\": "
	    "1451721600.0, \"revision\": null, \"status\": null, \"tag\": "
	    "\"1.8.5\", \"url\": null}, {\"author\": null, \"created_by\": "
	    "\"\", \"created_time\": null, \"revision\": null, \"status\": "
	    "null, \"tag\": \"nope\", \"url\": null}]\n");
	run_free(&r);
}
END_TEST

START_TEST(scm_source_text_cuts_long_revisions)
{
	struct run r;

	pierone(&r, "scm-source", "myteam", "myapp", "1.0", "1.1");
	ck_assert_int_eq(r.status, 0);
	/* 40 characters become 8 and "..", the column 10 wide */
	ck_assert_ptr_nonnull(strstr(r.out, " 01234567.. "));
	ck_assert_ptr_nonnull(strstr(r.out, " short1     Locally modified "));
	ck_assert_ptr_nonnull(strstr(r.out, "\u2502Revision  \u2502"));
	run_free(&r);
}
END_TEST

START_TEST(scm_source_of_unknown_artifact_fails)
{
	struct run r;

	pierone(&r, "scm-source", "myteam", "nope");
	assert_failed(&r, 1, "artifact 'myteam/nope' not found");
	run_free(&r);
	pierone(&r, "scm-source", "myteam", "myapp", "../x");
	assert_failed(&r, 2, "invalid tag name");
	run_free(&r);
}
END_TEST

START_TEST(image_lists_the_tags_of_an_image)
{
	struct run r;

	pierone(&r, "image", "1111", "-o", "tsv");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "team\tartifact\tname\nmyteam\tmyapp\t1.0\n");
	run_free(&r);
	pierone(&r, "image", "ffff");
	assert_failed(&r, 1, "Image ffff not found");
	run_free(&r);
	pierone(&r, "image", "sha256:");
	assert_failed(&r, 1, "Prefix sha256: matches more than one image.");
	run_free(&r);
}
END_TEST

START_TEST(latest_of_artifact_without_tags_fails)
{
	struct run r;

	pierone(&r, "latest", "myteam", "empty");
	assert_failed(&r, 1, "latest tag not found");
	run_free(&r);
}
END_TEST

START_TEST(unknown_artifact_fails_with_not_found)
{
	struct run r;

	pierone(&r, "latest", "myteam", "nope");
	assert_failed(&r, 1, "artifact 'myteam/nope' not found");
	run_free(&r);
	pierone(&r, "tags", "myteam", "myapp", "nope");
	assert_failed(&r, 1, "artifact 'myteam/nope' not found");
	run_free(&r);
}
END_TEST

START_TEST(unknown_team_fails_with_not_found)
{
	struct run r;

	pierone(&r, "artifacts", "noteam");
	assert_failed(&r, 1, "team 'noteam' not found");
	run_free(&r);
	pierone(&r, "tags", "noteam");
	assert_failed(&r, 1, "team 'noteam' not found");
	run_free(&r);
}
END_TEST

START_TEST(team_without_artifacts_fails_for_tags)
{
	struct run r;

	pierone(&r, "tags", "a-team");
	assert_failed(&r, 1, "team 'a-team' has no artifacts");
	run_free(&r);
	pierone(&r, "artifacts", "a-team", "-o", "json");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "[]\n");
	run_free(&r);
}
END_TEST

START_TEST(rejected_token_says_run_login)
{
	struct run r;
	const char *env[] = { "OAUTH2_ACCESS_TOKENS=pierone=wrong-token",
	    NULL };

	pierone_env(&r, env, "teams", (const char *)NULL);
	assert_failed(&r, 1, "HTTP 401");
	ck_assert_ptr_nonnull(strstr(r.err, "pierone login"));
	ck_assert_ptr_null(strstr(r.err, "wrong-token"));
	run_free(&r);
}
END_TEST

START_TEST(forbidden_team_fails_with_403)
{
	struct run r;

	pierone(&r, "artifacts", "noaccess");
	assert_failed(&r, 1, "HTTP 403");
	run_free(&r);
}
END_TEST

START_TEST(no_token_anywhere_says_run_login)
{
	struct run r;
	const char *env[] = { "OAUTH2_ACCESS_TOKENS", NULL };
	char *log;

	pierone_env(&r, env, "teams", (const char *)NULL);
	assert_failed(&r, 1, "no valid OAuth2 token found");
	ck_assert_ptr_nonnull(strstr(r.err, "run 'pierone login'"));
	run_free(&r);
	/* One try without a token (another registry might want none). */
	log = fake_log(&site.fake);
	ck_assert_str_eq(log, "GET /teams 401\n");
	free(log);
}
END_TEST

START_TEST(token_from_zign_cache_is_used)
{
	struct run r;
	char dir[600], file[700], yaml[256];
	const char *env[] = { "OAUTH2_ACCESS_TOKENS", NULL };

	snprintf(dir, sizeof(dir), "%s/.config", site.home);
	mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s/.config/zign", site.home);
	mkdir(dir, 0700);
	snprintf(file, sizeof(file), "%s/tokens.yaml", dir);
	snprintf(yaml, sizeof(yaml), "pierone:\n  access_token: %s\n"
	    "  creation_time: %lld.25\n  expires_in: 3600\n"
	    "  token_type: Bearer\n", TOKEN, (long long)time(NULL));
	test_write_file(file, yaml);
	pierone_env(&r, env, "latest", "myteam", "myapp", (const char *)NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "1.8.5\n");
	run_free(&r);
}
END_TEST

START_TEST(no_url_anywhere_says_how_to_set_it)
{
	struct run r;
	const char *env[] = { "PIERONE_URL", NULL };

	pierone_env(&r, env, "teams", (const char *)NULL);
	assert_failed(&r, 1, "no registry URL configured");
	ck_assert_ptr_nonnull(strstr(r.err, "--url"));
	run_free(&r);
}
END_TEST

START_TEST(url_from_config_file_and_override_order)
{
	struct run r;
	char cfg[600], yaml[160];
	const char *env[] = { "PIERONE_URL", NULL };

	snprintf(cfg, sizeof(cfg), "%s/p.yaml", site.home);
	snprintf(yaml, sizeof(yaml), "url: %s\n", site.fake.url);
	test_write_file(cfg, yaml);
	pierone_env(&r, env, "-c", cfg, "latest", "myteam", "myapp",
	    (const char *)NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "1.8.5\n");
	run_free(&r);
	/* --url beats the file and the environment */
	snprintf(yaml, sizeof(yaml), "url: http://127.0.0.1:1\n");
	test_write_file(cfg, yaml);
	pierone(&r, "-c", cfg, "latest", "--url", site.fake.url, "myteam",
	    "myapp");
	ck_assert_str_eq(r.out, "1.8.5\n");
	run_free(&r);
	/* PIERONE_URL beats the file */
	pierone(&r, "-c", cfg, "latest", "myteam", "myapp");
	ck_assert_str_eq(r.out, "1.8.5\n");
	run_free(&r);
}
END_TEST

START_TEST(default_config_path_is_under_xdg_config_home)
{
	struct run r;
	char dir[600], cfg[700], yaml[160], env_xdg[620];
	const char *env[] = { "PIERONE_URL", env_xdg, NULL };

	snprintf(dir, sizeof(dir), "%s/xdg", site.home);
	mkdir(dir, 0700);
	snprintf(env_xdg, sizeof(env_xdg), "XDG_CONFIG_HOME=%s", dir);
	strlcat(dir, "/pierone", sizeof(dir));
	mkdir(dir, 0700);
	snprintf(cfg, sizeof(cfg), "%s/pierone.yaml", dir);
	snprintf(yaml, sizeof(yaml), "url: %s/\n", site.fake.url);
	test_write_file(cfg, yaml);
	pierone_env(&r, env, "latest", "myteam", "myapp", (const char *)NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "1.8.5\n");
	run_free(&r);
}
END_TEST

START_TEST(corrupt_config_names_file_and_line)
{
	struct run r;
	char cfg[600];

	snprintf(cfg, sizeof(cfg), "%s/bad.yaml", site.home);
	test_write_file(cfg, "url: [unclosed\n  x: y\n");
	pierone(&r, "-c", cfg, "teams");
	assert_failed(&r, 1, cfg);
	ck_assert_ptr_nonnull(strstr(r.err, "line"));
	run_free(&r);
	pierone(&r, "-c", "/nonexistent/p.yaml", "teams");
	assert_failed(&r, 1, "/nonexistent/p.yaml");
	run_free(&r);
}
END_TEST

static void
fault_case(const char *spec, const char *what)
{
	const char *extra[] = { "--fault", spec, NULL };
	struct run r;

	teardown();
	start(extra);
	pierone(&r, "tags", "myteam");
	assert_failed(&r, 1, what);
	run_free(&r);
}

START_TEST(server_error_fails_without_partial_output)
{
	fault_case("status=500@/other/", "HTTP 500");
}
END_TEST

START_TEST(invalid_json_fails_with_bad_response)
{
	fault_case("invalid-json@/artifacts/myapp/", "invalid JSON");
}
END_TEST

START_TEST(wrong_json_shape_fails_with_bad_response)
{
	fault_case("wrong-shape@/artifacts/alpha/", "expected a JSON array");
}
END_TEST

START_TEST(truncated_body_fails)
{
	fault_case("truncated@/artifacts/myapp/", "'myteam/myapp'");
}
END_TEST

START_TEST(hanging_server_times_out)
{
	const char *extra[] = { "--fault", "hang", NULL };
	const char *env[] = { "PIERONE_TIMEOUT=1", "PIERONE_RETRIES=0", NULL };
	struct run r;

	teardown();
	start(extra);
	pierone_env(&r, env, "teams", (const char *)NULL);
	assert_failed(&r, 1, "timed out");
	run_free(&r);
	/* the option beats the environment */
	pierone_env(&r, env, "teams", "--timeout", "2", (const char *)NULL);
	assert_failed(&r, 1, "timed out after 2");
	run_free(&r);
}
END_TEST

START_TEST(connection_refused_fails_with_network_error)
{
	struct run r;
	char url[64];

	/* A port that was just in use and is now closed. */
	snprintf(url, sizeof(url), "%s", site.fake.url);
	fake_stop(&site.fake);
	pierone(&r, "teams", "--url", url);
	assert_failed(&r, 1, "cannot list teams");
	ck_assert_ptr_nonnull(strstr(r.err, "127.0.0.1"));
	run_free(&r);
}
END_TEST

Suite *
cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, version_prints_name_and_touches_nothing);
	tcase_add_test(tc, help_goes_to_stdout_and_exits_zero);
	tcase_add_test(tc, each_usage_line_names_every_option_of_its_help);
	tcase_add_test(tc, option_errors_name_the_option_as_typed);
	tcase_add_test(tc, bash_completion_offers_every_option_of_the_help);
	tcase_add_test(tc, no_command_prints_the_help_as_h_does);
	tcase_add_test(tc, unknown_command_is_a_usage_error);
	tcase_add_test(tc, a_missing_value_names_the_option_as_typed);
	tcase_add_test(tc, ambiguous_prefix_lists_candidates);
	tcase_add_test(tc, a_mistyped_command_gets_a_suggestion);
	tcase_add_test(tc, a_mistyped_long_option_gets_its_commands_option);
	tcase_add_test(tc, a_missing_operand_is_named);
	tcase_add_test(tc, verbose_traces_each_request_on_stderr);
	tcase_add_test(tc, help_command_prints_what_h_prints);
	tcase_add_test(tc, help_of_an_unknown_command_is_a_usage_error);
	tcase_add_test(tc, each_commands_help_ends_with_its_examples);
	tcase_add_test(tc, unique_prefix_selects_command);
	tcase_add_test(tc, unknown_option_is_a_usage_error);
	tcase_add_test(tc, bad_output_format_is_a_usage_error);
	tcase_add_test(tc, bad_limit_is_a_usage_error);
	tcase_add_test(tc, wrong_argument_count_is_a_usage_error);
	tcase_add_test(tc, bad_names_are_refused_before_any_request);
	tcase_add_test(tc, artifact_names_are_percent_encoded);
	tcase_add_test(tc, bad_url_option_is_a_usage_error);
	tcase_add_test(tc, token_list_may_have_blanks_around_names);
	tcase_add_test(tc, teams_json_is_sorted);
	tcase_add_test(tc, teams_text_pads_to_the_widest_name);
	tcase_add_test(tc, artifacts_json_tsv_and_text);
	tcase_add_test(tc, tags_of_named_artifact_keep_server_order);
	tcase_add_test(tc, tags_of_team_show_last_three_per_artifact);
	tcase_add_test(tc, tags_limit_zero_shows_all);
	tcase_add_test(tc, tags_rows_sorted_by_artifact_with_limit);
	tcase_add_test(tc, tags_output_is_the_same_with_any_number_of_jobs);
	tcase_add_test(tc, bad_jobs_is_a_usage_error);
	tcase_add_test(tc, tags_tsv_has_raw_keys_and_relative_times);
	tcase_add_test(tc, tags_text_aligns_columns_like_the_python_client);
	tcase_add_test(tc, latest_is_greatest_created_time_in_every_format);
	tcase_add_test(tc, latest_of_artifact_without_tags_fails);
	tcase_add_test(tc, latest_digest_is_an_immutable_reference);
	tcase_add_test(tc, scm_source_json_keeps_rows_without_data);
	tcase_add_test(tc, scm_source_text_cuts_long_revisions);
	tcase_add_test(tc, scm_source_of_unknown_artifact_fails);
	tcase_add_test(tc, image_lists_the_tags_of_an_image);
	tcase_add_test(tc, latest_no_snapshot_passes_over_mutable_tags);
	tcase_add_test(tc, latest_json_asks_for_the_tag_list_once);
	tcase_add_test(tc, latest_json_with_digest_adds_the_digest);
	tcase_add_test(tc, unknown_artifact_fails_with_not_found);
	tcase_add_test(tc, unknown_team_fails_with_not_found);
	tcase_add_test(tc, team_without_artifacts_fails_for_tags);
	tcase_add_test(tc, rejected_token_says_run_login);
	tcase_add_test(tc, forbidden_team_fails_with_403);
	tcase_add_test(tc, no_token_anywhere_says_run_login);
	tcase_add_test(tc, token_from_zign_cache_is_used);
	tcase_add_test(tc, no_url_anywhere_says_how_to_set_it);
	tcase_add_test(tc, url_from_config_file_and_override_order);
	tcase_add_test(tc, default_config_path_is_under_xdg_config_home);
	tcase_add_test(tc, corrupt_config_names_file_and_line);
	tcase_add_test(tc, server_error_fails_without_partial_output);
	tcase_add_test(tc, invalid_json_fails_with_bad_response);
	tcase_add_test(tc, wrong_json_shape_fails_with_bad_response);
	tcase_add_test(tc, truncated_body_fails);
	tcase_add_test(tc, hanging_server_times_out);
	tcase_add_test(tc, connection_refused_fails_with_network_error);
	suite_add_tcase(s, tc);
	return s;
}
