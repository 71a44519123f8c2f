/*
 * The fault matrix: pierone(1) against a registry, a network and a home
 * directory that go wrong in every way we know of.  Each case checks
 * what the user gets: one "pierone: " line on stderr naming the cause,
 * the documented exit status, nothing on stdout (no partial table), and
 * their files (~/.docker/config.json, ~/.config/pierone/pierone.yaml,
 * ~/.config/zign/tokens.yaml) byte for byte as they were.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests.h"


#define TOKEN		"test-token-0123456789"
#define MAXFAKES	2

static struct fake fakes[MAXFAKES];
static int nfakes;
static char *home;
static char env_home[512], env_url[128];

/* A throwaway HOME, a fixed token, and no stray settings. */
static const char *base_env[] = {
	env_home, env_url, "OAUTH2_ACCESS_TOKENS=other=x,pierone=" TOKEN,
	"XDG_CONFIG_HOME", "CREDENTIALS_DIR", "DOCKER_CONFIG",
	"PIERONE_TIMEOUT", "PIERONE_CONNECT_TIMEOUT", "PIERONE_CA_BUNDLE",
	"PIERONE_JOBS", "PIERONE_RETRIES", "PIERONE_MAX_RESPONSE_MIB",
	"PIERONE_TOKEN_URL", "PIERONE_PASSWORD", "PIERONE_USER", "ZIGN_USER",
	"OAUTH2_ACCESS_TOKEN_URL", "NO_COLOR", "TERM=dumb", NULL,
};

/* The user's files, as setup() writes them. */
static const char docker_json[] = "{\n  \"auths\": {\n"
    "    \"https://other.example.org\": {\"auth\": \"eDp5\"}\n  },\n"
    "  \"psFormat\": \"{{.ID}}\"\n}\n";
static const char pierone_yaml[] = "# mine, keep it as it is\n"
    "url: https://pierone.example.org\nextra: [a, b]\n";
/* An entry that expired long ago: no token unless the test gives one. */
static const char tokens_yaml[] = "pierone:\n  access_token: stale\n"
    "  creation_time: 1000000000.5\n  expires_in: 3600\n"
    "other:\n  access_token: x\n";

/* ------------------------------------------------------------ home */

#define home_path(rel) test_path(home, rel)

/* Every entry under HOME: "path type [content]", sorted (locks too). */
static char **snap_items;
static size_t snap_n;

static int
snap_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	char *text = NULL, *item;

	(void)flag;
	(void)ftw;
	if (S_ISREG(st->st_mode))
		text = test_slurp(path, NULL);
	ck_assert_int_ne(asprintf(&item, "%s %s %s", path + strlen(home),
	    S_ISDIR(st->st_mode) ? "dir" : S_ISREG(st->st_mode) ? "file" :
	    "other", text != NULL ? text : ""), -1);
	free(text);
	snap_items = realloc(snap_items, (snap_n + 1) * sizeof(*snap_items));
	ck_assert_ptr_nonnull(snap_items);
	snap_items[snap_n++] = item;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The whole tree in one string, to compare before and after. */
static char *
home_snapshot(void)
{
	size_t len = 1;
	char *all;

	snap_items = NULL;
	snap_n = 0;
	ck_assert_int_eq(nftw(home, snap_one, 16, FTW_PHYS), 0);
	qsort(snap_items, snap_n, sizeof(*snap_items), cmp_str);
	for (size_t i = 0; i < snap_n; i++)
		len += strlen(snap_items[i]) + 1;
	all = calloc(1, len);
	ck_assert_ptr_nonnull(all);
	for (size_t i = 0; i < snap_n; i++) {
		strcat(all, snap_items[i]);
		strcat(all, "\n");
		free(snap_items[i]);
	}
	free(snap_items);
	snap_items = NULL;
	return all;
}

static char *home_before;

/* The test changed a file on purpose: that is the new "before". */
static void
home_resnap(void)
{
	free(home_before);
	home_before = home_snapshot();
}

static void
assert_home_untouched(void)
{
	char *now = home_snapshot();

	ck_assert_msg(strcmp(now, home_before) == 0, "the home directory "
	    "changed:\n--- before\n%s--- after\n%s", home_before, now);
	free(now);
}

static void
mkdir_home(const char *rel)
{
	ck_assert_msg(mkdir(home_path(rel), 0700) == 0, "mkdir %s: %s", rel,
	    strerror(errno));
}

/* ------------------------------------------------------------ fixture */

/* Start a fake registry taking TOKEN; args after it, NULL-ended. */
static struct fake *
fake_up(const char *first, ...)
{
	const char *args[32] = { "--token", TOKEN };
	struct fake *f;
	va_list ap;
	int n = 2;

	ck_assert_int_lt(nfakes, MAXFAKES);
	va_start(ap, first);
	for (const char *a = first; a != NULL && n < 31;
	    a = va_arg(ap, const char *))
		args[n++] = a;
	va_end(ap);
	args[n] = NULL;
	f = &fakes[nfakes];
	fake_start(f, args);
	nfakes++;
	return f;
}

/* The usual data set, with the fault `spec` (NULL: none). */
static struct fake *
fake_with(const char *spec)
{
	char data[1024];

	test_fmt(data, sizeof(data), "%s", test_data("registry.json"));
	if (spec == NULL)
		return fake_up("--data", data, NULL);
	return fake_up("--data", data, "--fault", spec, NULL);
}

/* PIERONE_URL for the runs that follow. */
static void
use_url(const char *url)
{
	test_fmt(env_url, sizeof(env_url), "PIERONE_URL=%s", url);
}

static void
setup(void)
{
	nfakes = 0;
	home = test_tmpdir();
	test_fmt(env_home, sizeof(env_home), "HOME=%s", home);
	use_url("http://127.0.0.1:1");
	mkdir_home(".docker");
	mkdir_home(".config");
	mkdir_home(".config/pierone");
	mkdir_home(".config/zign");
	test_write_file(home_path(".docker/config.json"), docker_json);
	test_write_file(home_path(".config/pierone/pierone.yaml"),
	    pierone_yaml);
	test_write_file(home_path(".config/zign/tokens.yaml"), tokens_yaml);
	home_before = home_snapshot();
}

static void
teardown(void)
{
	while (nfakes > 0)
		fake_stop(&fakes[--nfakes]);
	if (home != NULL) {
		test_assert_no_secrets(home);
		test_rmtree(home);
	}
	free(home);
	home = NULL;
	free(home_before);
	home_before = NULL;
}

/* ------------------------------------------------------------ running */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double last_secs;	/* how long the last run took */

/* argv[0] is prefix[0..] then pierone and the args; env added to base. */
static void
run_v(struct run *r, const char *const *prefix, const char *const *env,
    va_list ap)
{
	const char *argv[48], *envp[64];
	const char *bin = getenv("PIERONE_BIN");
	int n = 0, m = 0;
	double t0;

	ck_assert_msg(bin != NULL, "PIERONE_BIN is not set");
	for (; prefix != NULL && *prefix != NULL; prefix++)
		argv[n++] = *prefix;
	argv[n++] = bin;
	while (n < 47 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	argv[n] = NULL;
	for (const char *const *e = base_env; *e != NULL; e++)
		envp[m++] = *e;
	for (; env != NULL && *env != NULL && m < 63; env++)
		envp[m++] = *env;
	envp[m] = NULL;
	t0 = now_s();
	run_cmd(r, argv, envp);
	last_secs = now_s() - t0;
}

/* pierone with base_env plus `env` (may be NULL); args NULL-ended. */
static void
pierone_env(struct run *r, const char *const *env, ...)
{
	va_list ap;

	va_start(ap, env);
	run_v(r, NULL, env, ap);
	va_end(ap);
}

#define pierone(r, ...) pierone_env(r, NULL, __VA_ARGS__, (const char *)NULL)

/* The same run through a wrapper: prefix (NULL-ended) then pierone. */
static void
pierone_prefixed(struct run *r, const char *const *prefix, ...)
{
	va_list ap;

	va_start(ap, prefix);
	run_v(r, prefix, NULL, ap);
	va_end(ap);
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* Lines of `s` that start with `prefix`. */
static int
lines_starting(const char *s, const char *prefix)
{
	int n = 0;

	for (const char *p = s; *p != '\0'; p = strchr(p, '\n') + 1) {
		n += strncmp(p, prefix, strlen(prefix)) == 0;
		if (strchr(p, '\n') == NULL)
			break;
	}
	return n;
}

/*
 * A failure as the user must see it: the exit status, nothing on stdout,
 * exactly one "pierone: " line holding every string of the NULL-ended
 * list (the cause), followed by the usage line (and for the global
 * options a hint) for a usage error only; their files as they were.
 */
static void
assert_fails(const struct run *r, int status, ...)
{
	const char *what;
	va_list ap;

	ck_assert_msg(r->status == status, "exit status %d, not %d; "
	    "stderr: %s", r->status, status, r->err);
	ck_assert_msg(r->out[0] == '\0', "stdout is not empty: %s", r->out);
	ck_assert_msg(strncmp(r->err, "pierone: ", 9) == 0, "stderr: %s",
	    r->err);
	ck_assert_msg(lines_starting(r->err, "pierone: ") == 1, "not one "
	    "'pierone: ' line: %s", r->err);
	if (status == 2) {
		const char *nl = strchr(r->err, '\n');

		/* The usage line, and for pierone's own options a hint. */
		ck_assert_msg(nl != NULL && strncmp(nl + 1, "usage: ", 7) == 0 &&
		    count_lines(r->err) <= 3, "usage error without its usage "
		    "line: %s", r->err);
	} else {
		ck_assert_msg(count_lines(r->err) == 1, "not one line: %s",
		    r->err);
	}
	va_start(ap, status);
	while ((what = va_arg(ap, const char *)) != NULL)
		ck_assert_msg(strstr(r->err, what) != NULL, "'%s' not in: %s",
		    what, r->err);
	va_end(ap);
	assert_home_untouched();
}

static void
assert_output(const struct run *r, const char *want)
{
	ck_assert_msg(r->status == 0, "exit status %d; stderr: %s", r->status,
	    r->err);
	ck_assert_str_eq(r->err, "");
	ck_assert_str_eq(r->out, want);
	assert_home_untouched();
}

/* Occurrences of `what` in a fake's request log. */
static int
logged(const struct fake *f, const char *what)
{
	char *log = fake_log(f);
	int n = 0;

	for (char *p = log; (p = strstr(p, what)) != NULL; p++)
		n++;
	free(log);
	return n;
}

static void
assert_log_empty(const struct fake *f)
{
	char *log = fake_log(f);

	ck_assert_msg(log[0] == '\0', "requests were made:\n%s", log);
	free(log);
}

static const char teams_text[] = "Name     \n"
    "a-team    \n" "myteam    \n" "noaccess  \n" "otherteam \n";

/* ------------------------------------------------- something no registry */

/* Every command that asks the registry, with its operands. */
static const char *const every_command[][7] = {
	{ "teams" }, { "artifacts", "myteam" }, { "tags", "myteam" },
	{ "tags", "myteam", "myapp" }, { "latest", "myteam", "myapp" },
	{ "latest", "--digest", "myteam", "myapp" },
	{ "scm-source", "myteam", "myapp", "1.0" }, { "image", "abc123" },
	{ "describe", "myteam", "myapp", "1.0" },
	{ "inspect-contents", "myteam", "myapp", "1.0" },
	{ "mark-production-ready", "INC-1", "myteam", "myapp", "1.0" },
};
#define NCOMMANDS (sizeof(every_command) / sizeof(every_command[0]))

static void
pierone_command(struct run *r, size_t i)
{
	const char *const *a = every_command[i];

	pierone(r, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* Each command against the fake as a web site (--api `api`). */
static void
assert_every_command_says(const char *api, const char *why)
{
	struct fake *f = fake_up("--data", test_data("registry.json"),
	    "--api", api, NULL);
	char want[512];
	struct run r;

	use_url(f->url);
	test_fmt(want, sizeof(want), "pierone: %s does not look like a Pier "
	    "One or Docker registry: GET %s/v2/: %s\n", f->url, f->url, why);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		pierone_command(&r, i);
		assert_fails(&r, 1, NULL);
		ck_assert_str_eq(r.err, want);
		run_free(&r);
	}
}

START_TEST(every_command_against_a_web_site_answering_404_says_so)
{
	assert_every_command_says("none", "HTTP 404 Not Found");
}
END_TEST

START_TEST(every_command_against_a_web_page_says_so)
{
	assert_every_command_says("web", "a web page (HTTP 200, text/html)");
}
END_TEST

/* A registry's own "not found" keeps its message, byte for byte. */
START_TEST(a_registry_s_not_found_is_not_taken_for_no_registry)
{
	struct fake *f = fake_with(NULL);
	struct fake *v2 = fake_up("--data", test_data("registry.json"),
	    "--api", "v2", NULL);
	char want[256];
	struct run r;

	use_url(f->url);
	pierone(&r, "latest", "myteam", "nope");
	test_fmt(want, sizeof(want), "pierone: artifact 'myteam/nope' not "
	    "found at %s\n", f->url);
	ck_assert_str_eq(r.err, want);
	run_free(&r);
	pierone(&r, "artifacts", "nope");
	test_fmt(want, sizeof(want), "pierone: team 'nope' not found at %s\n",
	    f->url);
	ck_assert_str_eq(r.err, want);
	assert_fails(&r, 1, NULL);
	run_free(&r);
	/* v2's NAME_UNKNOWN, GET /v2/ asked once to tell */
	use_url(v2->url);
	pierone(&r, "tags", "myteam", "nope");
	test_fmt(want, sizeof(want), "pierone: artifact 'myteam/nope' not "
	    "found at %s\n", v2->url);
	ck_assert_str_eq(r.err, want);
	assert_fails(&r, 1, NULL);
	run_free(&r);
	ck_assert_int_eq(logged(f, "GET /v2/"), 0);
	ck_assert_int_eq(logged(v2, "GET /v2/ "), 1);
}
END_TEST

/*
 * https:// to the fake's plain HTTP port.  It answers the handshake with
 * HTTP 400 and closes; now and then the reset reaches the client before
 * the answer and OpenSSL only says SSL_ERROR_SYSCALL: a few tries.
 */
START_TEST(https_to_a_plain_http_port_suggests_http_for_every_command)
{
	struct fake *f = fake_with(NULL);
	char url[96], want[160];
	struct run r;

	test_fmt(url, sizeof(url), "https://127.0.0.1:%d", f->port);
	test_fmt(want, sizeof(want), " (the server answers plain HTTP: try "
	    "http://127.0.0.1:%d)\n", f->port);
	use_url(url);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		for (int tries = 0; tries < 5; tries++) {
			pierone_command(&r, i);
			if (strstr(r.err, want) != NULL)
				break;
			run_free(&r);
		}
		assert_fails(&r, 1, want, NULL);
		run_free(&r);
	}
}
END_TEST

/* ------------------------------------------------------------ HTTP status */

START_TEST(a_rejected_token_fails_with_401_and_says_run_login)
{
	const char *env[] = { "OAUTH2_ACCESS_TOKENS=pierone=wrong-token",
	    NULL };
	struct fake *f = fake_with(NULL);
	struct run r;

	use_url(f->url);
	pierone_env(&r, env, "tags", "myteam", (const char *)NULL);
	assert_fails(&r, 1, "HTTP 401", "pierone login", NULL);
	ck_assert_int_eq(logged(f, "GET /teams/myteam/artifacts 401 auth"), 1);
	run_free(&r);
}
END_TEST

START_TEST(a_forbidden_team_fails_with_403_and_says_no_access)
{
	struct fake *f = fake_up("--data", test_data("registry.json"),
	    "--forbid", "myteam", NULL);
	struct run r;

	use_url(f->url);
	pierone(&r, "tags", "myteam", "myapp");
	assert_fails(&r, 1, "HTTP 403", "no access", "'myteam/myapp'", NULL);
	run_free(&r);
}
END_TEST

START_TEST(an_unknown_artifact_fails_with_404_as_not_found)
{
	struct fake *f = fake_with(NULL);
	struct run r;

	use_url(f->url);
	pierone(&r, "latest", "myteam", "nope");
	assert_fails(&r, 1, "'myteam/nope' not found", NULL);
	ck_assert_int_eq(logged(f, " 404 auth"), 1);	/* never retried */
	run_free(&r);
}
END_TEST

START_TEST(a_429_with_retry_after_is_waited_for_then_succeeds)
{
	struct fake *f = fake_with("retry-after=1#1");
	struct run r;

	use_url(f->url);
	pierone(&r, "teams");
	assert_output(&r, teams_text);
	ck_assert_msg(last_secs >= 0.95, "retried after %.3f s, not 1 s",
	    last_secs);
	ck_assert_int_eq(logged(f, "GET /teams 429 auth"), 1);
	ck_assert_int_eq(logged(f, "GET /teams 200 auth"), 1);
	run_free(&r);
}
END_TEST

START_TEST(a_429_that_never_ends_fails_after_three_tries)
{
	struct fake *f = fake_with("retry-after=1");
	struct run r;

	use_url(f->url);
	pierone(&r, "teams");
	assert_fails(&r, 1, "HTTP 429", NULL);
	ck_assert_int_eq(logged(f, "GET /teams 429 auth"), 3);
	ck_assert_msg(last_secs >= 1.95, "two waits of Retry-After: 1 took "
	    "%.3f s", last_secs);
	run_free(&r);
}
END_TEST

START_TEST(a_429_without_retry_after_backs_off_and_fails)
{
	const char *env[] = { "PIERONE_RETRIES=1", NULL };
	struct fake *f = fake_with("status=429");
	struct run r;

	use_url(f->url);
	pierone_env(&r, env, "teams", (const char *)NULL);
	assert_fails(&r, 1, "HTTP 429", NULL);
	ck_assert_int_eq(logged(f, "GET /teams 429 auth"), 2);
	/* The first back-off is 0.25 s, at least half of it fixed. */
	ck_assert_msg(last_secs >= 0.12, "no back-off: %.3f s", last_secs);
	run_free(&r);
}
END_TEST

START_TEST(a_server_error_is_retried_then_fails_without_partial_table)
{
	struct fake *f = fake_with("status=500@/other/");
	struct run r;

	use_url(f->url);
	pierone(&r, "tags", "myteam");
	assert_fails(&r, 1, "HTTP 500", "'myteam/other'", NULL);
	ck_assert_int_eq(logged(f, "/other/tags 500 auth"), 3);
	run_free(&r);
}
END_TEST

START_TEST(one_503_then_200_succeeds_with_the_whole_output)
{
	struct fake *f = fake_with("status=503#1");
	char *want = test_slurp(test_data("expected/teams.json"), NULL);
	struct run r;

	ck_assert_ptr_nonnull(want);
	use_url(f->url);
	pierone(&r, "teams", "-o", "json");
	assert_output(&r, want);
	ck_assert_int_eq(logged(f, "GET /teams 503 auth"), 1);
	ck_assert_int_eq(logged(f, "GET /teams 200 auth"), 1);
	free(want);
	run_free(&r);
}
END_TEST

/* ------------------------------------------------------------ bodies */

START_TEST(invalid_json_fails_with_bad_response)
{
	struct fake *f = fake_with("invalid-json@/artifacts/myapp/");
	struct run r;

	use_url(f->url);
	pierone(&r, "tags", "myteam");
	assert_fails(&r, 1, "invalid JSON", "'myteam/myapp'", NULL);
	run_free(&r);
}
END_TEST

START_TEST(a_body_truncated_on_every_try_fails)
{
	struct fake *f = fake_with("truncated@/artifacts/myapp/");
	struct run r;

	use_url(f->url);
	pierone(&r, "tags", "myteam", "myapp");
	assert_fails(&r, 1, "'myteam/myapp'", "transfer closed", NULL);
	ck_assert_int_eq(logged(f, "/myapp/tags "), 3);
	run_free(&r);
}
END_TEST

START_TEST(an_object_instead_of_an_array_fails_with_bad_response)
{
	struct fake *f = fake_with("wrong-shape@/artifacts/alpha/");
	struct run r;

	use_url(f->url);
	pierone(&r, "tags", "myteam");
	assert_fails(&r, 1, "expected a JSON array", "'myteam/alpha'", NULL);
	run_free(&r);
}
END_TEST

START_TEST(a_number_for_a_tags_created_by_is_shown_as_written)
{
	struct fake *f = fake_up("--data", test_data("faults.json"), NULL);
	struct run r;

	use_url(f->url);
	/* what the server sends is data: 0.22 showed the number too */
	pierone(&r, "tags", "myteam", "-o", "json");
	assert_output(&r, "[{\"artifact\": \"badby\", \"created_by\": "
	    "\"jdoe\", \"created_time\": 1431013791.23, \"status\": \"Not "
	    "Processed\", \"status_reason\": \"Not Processed\", \"tag\": "
	    "\"1.0\", \"team\": \"myteam\"}, {\"artifact\": \"badby\", "
	    "\"created_by\": 42, \"created_time\": 1433167923.276, "
	    "\"status\": \"Not Processed\", \"status_reason\": \"Not "
	    "Processed\", \"tag\": \"1.1\", \"team\": \"myteam\"}, "
	    "{\"artifact\": \"myapp\", \"created_by\": \"jdoe\", "
	    "\"created_time\": 1431013791.23, \"status\": \"Not Processed\", "
	    "\"status_reason\": \"Not Processed\", \"tag\": \"1.0\", "
	    "\"team\": \"myteam\"}, {\"artifact\": \"myapp\", \"created_by\": "
	    "\"jdoe\", \"created_time\": 1433167923.276, \"status\": \"Not "
	    "Processed\", \"status_reason\": \"Not Processed\", \"tag\": "
	    "\"1.1\", \"team\": \"myteam\"}]\n");
	run_free(&r);
	pierone(&r, "latest", "myteam", "badby");
	assert_output(&r, "1.1\n");
	run_free(&r);
	pierone(&r, "latest", "myteam", "myapp");
	assert_output(&r, "1.1\n");
	run_free(&r);
}
END_TEST

START_TEST(a_body_over_the_size_cap_is_refused_without_retry)
{
	const char *env[] = { "PIERONE_MAX_RESPONSE_MIB=1", NULL };
	struct fake *f = fake_with("huge=3000000");
	struct run r;

	use_url(f->url);
	pierone_env(&r, env, "teams", (const char *)NULL);
	assert_fails(&r, 1, "larger than 1048576 bytes", NULL);
	ck_assert_int_eq(logged(f, "GET /teams "), 1);
	run_free(&r);
}
END_TEST

/*
 * Headers over the limit, in many lines or in one (which libcurl reports
 * as out of memory): the message says what it is, and it is not retried.
 */
static void
headers_too_large(const char *spec)
{
	struct fake *f = fake_with(spec);
	struct run r;

	use_url(f->url);
	pierone(&r, "teams");
	assert_fails(&r, 1, "cannot list teams", "response headers too large",
	    NULL);
	ck_assert_msg(strstr(r.err, "out of memory") == NULL, "%s", r.err);
	ck_assert_int_eq(logged(f, "GET /teams "), 1);
	run_free(&r);
}

START_TEST(response_headers_over_the_limit_say_so_without_retry)
{
	headers_too_large("headers=1048576");
}
END_TEST

START_TEST(a_header_line_over_the_limit_is_not_out_of_memory)
{
	headers_too_large("header-line=200000");
}
END_TEST

/* ------------------------------------------------------------ network */

START_TEST(a_server_that_never_answers_times_out)
{
	const char *env[] = { "PIERONE_RETRIES=0", NULL };
	struct fake *f = fake_with("hang");
	struct run r;

	use_url(f->url);
	pierone_env(&r, env, "teams", "--timeout", "1", (const char *)NULL);
	assert_fails(&r, 1, "timed out", NULL);
	ck_assert_msg(last_secs < 5, "a 1 s timeout took %.3f s", last_secs);
	ck_assert_int_eq(logged(f, "GET /teams 0 auth"), 1);
	run_free(&r);
}
END_TEST

START_TEST(a_refused_connection_fails_with_a_network_error)
{
	struct fake *f = fake_with(NULL);
	char url[64];
	struct run r;

	/* A port that was just in use and is now closed. */
	test_fmt(url, sizeof(url), "%s", f->url);
	fake_stop(f);
	nfakes--;
	use_url(url);
	pierone(&r, "teams");
	assert_fails(&r, 1, "cannot list teams", "127.0.0.1",
	    "Couldn't connect", NULL);
	run_free(&r);
}
END_TEST

/* $PATH's `name`, or NULL. */
static char *
find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	char *dirs, *d, *save = NULL, *full = NULL;

	dirs = strdup(path != NULL ? path : "/usr/bin:/bin");
	for (d = strtok_r(dirs, ":", &save); d != NULL && full == NULL;
	    d = strtok_r(NULL, ":", &save)) {
		ck_assert_int_ne(asprintf(&full, "%s/%s", d, name), -1);
		if (access(full, X_OK) != 0) {
			free(full);
			full = NULL;
		}
	}
	free(dirs);
	return full;
}

/*
 * In a network namespace of its own (unshare -n) pierone has no route
 * anywhere, so the look-up of the bogus host cannot leave the machine.
 */
START_TEST(an_unresolvable_host_fails_without_a_dns_query_leaving)
{
	char *unshare = find_in_path("unshare");
	const char *probe[] = { NULL, "-n", "true", NULL };
	const char *prefix[] = { NULL, "-n", NULL };
	struct run r;

	ck_assert_msg(unshare != NULL, "unshare(1) is not installed: this "
	    "test runs pierone in a network namespace so that no DNS query "
	    "can leave the machine");
	probe[0] = prefix[0] = unshare;
	run_cmd(&r, probe, NULL);
	ck_assert_msg(r.status == 0, "'unshare -n' is not permitted here "
	    "(status %d: %s): this test needs a network namespace of its own "
	    "so that no DNS query can leave the machine; run it as root or "
	    "where user namespaces are allowed", r.status, r.err);
	run_free(&r);
	pierone_prefixed(&r, prefix, "teams", "--url",
	    "http://registry.invalid", (const char *)NULL);
	assert_fails(&r, 1, "registry.invalid", "resolve", NULL);
	ck_assert_msg(strstr(r.err, "Could not resolve host") != NULL,
	    "not a name resolution failure: %s", r.err);
	run_free(&r);
	free(unshare);
}
END_TEST

/* ------------------------------------------------------------ TLS */

/*
 * The registry over HTTPS with the test certificate (tests/data/tls),
 * with the fault `spec` (NULL: none).
 */
static struct fake *
fake_tls_with(char *url, size_t size, const char *spec)
{
	char data[1024], cert[1024], key[1024];
	struct fake *f;

	test_fmt(data, sizeof(data), "%s", test_data("registry.json"));
	test_fmt(cert, sizeof(cert), "%s", test_data("tls/cert.pem"));
	test_fmt(key, sizeof(key), "%s", test_data("tls/key.pem"));
	f = fake_up("--data", data, "--tls-cert", cert, "--tls-key", key,
	    spec != NULL ? "--fault" : NULL, spec, NULL);
	test_fmt(url, size, "https://127.0.0.1:%d", f->port);
	use_url(url);
	return f;
}

static struct fake *
fake_tls(char *url, size_t size)
{
	return fake_tls_with(url, size, NULL);
}

START_TEST(a_self_signed_certificate_is_refused_by_default)
{
	char url[64];
	struct fake *f = fake_tls(url, sizeof(url));
	struct run r;

	pierone(&r, "teams");
	assert_fails(&r, 1, "certificate", url, NULL);
	ck_assert_int_eq(logged(f, "GET"), 0);	/* no request got through */
	run_free(&r);
}
END_TEST

START_TEST(a_ca_bundle_without_the_issuer_is_refused_too)
{
	char url[64], ca[1100];
	const char *env[] = { ca, NULL };
	struct fake *f = fake_tls(url, sizeof(url));
	struct run r;

	test_fmt(ca, sizeof(ca), "PIERONE_CA_BUNDLE=%s",
	    test_data("tls/other.pem"));
	pierone_env(&r, env, "teams", (const char *)NULL);
	assert_fails(&r, 1, "certificate", url, NULL);
	ck_assert_int_eq(logged(f, "GET"), 0);
	run_free(&r);
}
END_TEST

START_TEST(the_right_ca_bundle_makes_the_https_registry_work)
{
	char url[64], ca[1100];
	const char *env[] = { ca, NULL };
	struct fake *f = fake_tls(url, sizeof(url));
	struct run r;

	test_fmt(ca, sizeof(ca), "PIERONE_CA_BUNDLE=%s",
	    test_data("tls/cert.pem"));
	pierone_env(&r, env, "teams", (const char *)NULL);
	assert_output(&r, teams_text);
	ck_assert_int_eq(logged(f, "GET /teams 200 auth"), 1);
	run_free(&r);
}
END_TEST

/* ------------------------------------------------------------ redirects */

/*
 * B takes the same token, so B would answer 200 had the token leaked;
 * it answers 401 to a request without one, and its log says whether an
 * Authorization header came.
 */
static void
redirect_to_other(const char *host)
{
	struct fake *a, *b = fake_with(NULL);
	char spec[128], where[128];
	struct run r;

	test_fmt(spec, sizeof(spec), "redirect=http://%s:%d/teams", host,
	    b->port);
	a = fake_with(spec);
	use_url(a->url);
	pierone(&r, "teams");
	/* the message names the host that refused, not the one asked */
	test_fmt(where, sizeof(where), "GET http://%s:%d/teams: HTTP 401",
	    host, b->port);
	assert_fails(&r, 1, where, NULL);
	ck_assert_int_eq(logged(a, "GET /teams 302 auth\n"), 1);
	ck_assert_int_eq(logged(b, "GET /teams 401\n"), 1);
	ck_assert_int_eq(logged(b, "auth"), 0);
	run_free(&r);
}

START_TEST(a_redirect_to_another_host_never_carries_the_token)
{
	redirect_to_other("localhost");		/* A is 127.0.0.1 */
}
END_TEST

START_TEST(a_redirect_to_another_port_never_carries_the_token)
{
	redirect_to_other("127.0.0.1");
}
END_TEST

START_TEST(a_redirect_on_the_same_host_keeps_working)
{
	struct fake *f = fake_with("redirect=/teams@/teams#1");
	struct run r;

	use_url(f->url);
	pierone(&r, "teams");
	assert_output(&r, teams_text);
	ck_assert_int_eq(logged(f, "GET /teams 302 auth\n"), 1);
	ck_assert_int_eq(logged(f, "GET /teams 200 auth\n"), 1);
	run_free(&r);
}
END_TEST

START_TEST(a_redirect_loop_fails_after_five_redirects)
{
	struct fake *f = fake_with("redirect=/teams@/teams");
	struct run r;

	use_url(f->url);
	pierone(&r, "teams");
	assert_fails(&r, 1, "cannot list teams", "redirects", NULL);
	ck_assert_int_eq(logged(f, "GET /teams 302 auth\n"), 6);
	run_free(&r);
}
END_TEST

START_TEST(a_redirect_to_a_file_url_is_refused)
{
	struct fake *f = fake_with("redirect=file:///etc/passwd");
	struct run r;

	use_url(f->url);
	pierone(&r, "teams");
	assert_fails(&r, 1, "cannot list teams", "\"file\"", NULL);
	ck_assert_msg(strstr(r.err, "root:") == NULL, "read a local file: %s",
	    r.err);
	ck_assert_int_eq(logged(f, "GET /teams 302 auth\n"), 1);
	run_free(&r);
}
END_TEST

/* A redirect carrying credentials is neither followed nor shown. */
START_TEST(a_redirect_to_a_url_with_user_info_is_refused_unshown)
{
	struct fake *to = fake_up("--data", test_data("registry.json"), NULL);
	char spec[256];
	struct fake *f;
	struct run r;

	/* http://u:pw-S3CR3T@127.0.0.1:PORT/teams ('^' for the '@') */
	test_fmt(spec, sizeof(spec), "redirect=http://u:pw-S3CR3T^%s/teams",
	    to->url + strlen("http://"));
	f = fake_with(spec);
	use_url(f->url);
	pierone(&r, "teams");
	assert_fails(&r, 1, "refused a redirect to a URL with a user name or "
	    "password", NULL);
	ck_assert_msg(strstr(r.err, "S3CR3T") == NULL, "shown: %s", r.err);
	run_free(&r);
	ck_assert_int_eq(logged(f, "GET /teams 302 auth\n"), 1);
	assert_log_empty(to);
}
END_TEST

/*
 * An https registry that sends the client to plain http: refused, in
 * one line that says so, and the http server never hears of it (the
 * token would travel in clear text).
 */
START_TEST(a_redirect_from_https_to_http_is_refused)
{
	struct fake *plain = fake_with(NULL), *f;
	char url[64], spec[128], ca[1100];
	const char *env[] = { ca, NULL };
	struct run r;

	test_fmt(spec, sizeof(spec), "redirect=http://127.0.0.1:%d/teams",
	    plain->port);
	f = fake_tls_with(url, sizeof(url), spec);
	test_fmt(ca, sizeof(ca), "PIERONE_CA_BUNDLE=%s",
	    test_data("tls/cert.pem"));
	pierone_env(&r, env, "teams", (const char *)NULL);
	assert_fails(&r, 1, "cannot list teams", url,
	    "refused a redirect from https to http", NULL);
	ck_assert_int_eq(logged(f, "GET /teams 302 auth\n"), 1);
	assert_log_empty(plain);
	run_free(&r);
}
END_TEST

/* ------------------------------------------------------------ files */

/*
 * login with a fixed token: no token service; the registry, a fake on
 * loopback, is asked whether it is one and takes the token.
 */
static void
login(struct run *r, const char *const *env)
{
	struct fake *f = fake_up("--data", test_data("registry.json"), NULL);
	char url[160];
	const char *envp[8] = { url };
	int n = 1;

	test_fmt(url, sizeof(url), "PIERONE_URL=%s", f->url);
	for (; env != NULL && *env != NULL && n < 7; env++)
		envp[n++] = *env;
	envp[n] = NULL;
	pierone_env(r, envp, "login", (const char *)NULL);
}

START_TEST(login_into_a_docker_config_below_a_regular_file_fails)
{
	char dc[1100];
	const char *env[] = { dc, NULL };
	struct run r;

	test_write_file(home_path("file"), "not a directory\n");
	home_resnap();
	test_fmt(dc, sizeof(dc), "DOCKER_CONFIG=%s", home_path("file/sub"));
	login(&r, env);
	assert_fails(&r, 1, home_path("file/sub"), NULL);
	run_free(&r);
}
END_TEST

START_TEST(login_when_config_json_is_a_directory_fails_naming_it)
{
	struct run r;

	ck_assert_int_eq(unlink(home_path(".docker/config.json")), 0);
	mkdir_home(".docker/config.json");
	test_write_file(home_path(".docker/config.json/keep"), "x\n");
	home_resnap();
	login(&r, NULL);
	assert_fails(&r, 1, home_path(".docker/config.json"), NULL);
	run_free(&r);
}
END_TEST

START_TEST(login_with_a_corrupt_config_json_leaves_it_untouched)
{
	struct run r;

	test_write_file(home_path(".docker/config.json"),
	    "{\"auths\": {\n  \"x\": }\n");
	home_resnap();
	login(&r, NULL);
	assert_fails(&r, 1, home_path(".docker/config.json"), "line 2",
	    NULL);
	run_free(&r);
}
END_TEST

START_TEST(a_corrupt_pierone_yaml_fails_naming_file_and_line)
{
	struct fake *f = fake_with(NULL);
	struct run r;

	test_write_file(home_path(".config/pierone/pierone.yaml"),
	    "url: [unclosed\n  x: y\n");
	home_resnap();
	use_url(f->url);
	pierone(&r, "teams");
	assert_fails(&r, 1, home_path(".config/pierone/pierone.yaml"),
	    "line 2", NULL);
	run_free(&r);
	login(&r, NULL);
	assert_fails(&r, 1, home_path(".config/pierone/pierone.yaml"),
	    "line 2", NULL);
	run_free(&r);
	assert_log_empty(f);
}
END_TEST

START_TEST(a_corrupt_token_cache_and_no_other_token_says_run_login)
{
	const char *env[] = { "OAUTH2_ACCESS_TOKENS", NULL };
	struct fake *f = fake_with(NULL);
	struct run r;

	test_write_file(home_path(".config/zign/tokens.yaml"),
	    "pierone: [\n  \"access_token\n");
	home_resnap();
	use_url(f->url);
	pierone_env(&r, env, "teams", (const char *)NULL);
	assert_fails(&r, 1, "pierone login",
	    home_path(".config/zign/tokens.yaml"), NULL);
	run_free(&r);
	/* Tried without a token (another registry might want none). */
	ck_assert_int_eq(logged(f, "GET /teams 401\n"), 1);
	ck_assert_int_eq(logged(f, "\n"), 1);
}
END_TEST

START_TEST(a_token_rejected_in_the_middle_of_a_run_fails_with_401)
{
	struct fake *f = fake_with("status=401@/artifacts/myapp/");
	struct run r;

	use_url(f->url);
	pierone(&r, "tags", "-l", "0", "myteam");
	assert_fails(&r, 1, "HTTP 401", "pierone login", "'myteam/myapp'",
	    NULL);
	ck_assert_int_eq(logged(f, "GET /teams/myteam/artifacts 200 auth"),
	    1);
	ck_assert_int_eq(logged(f, "/myapp/tags 401 auth"), 1);
	run_free(&r);
}
END_TEST

/* ------------------------------------------------------------ arguments */

START_TEST(artifact_names_that_would_change_the_path_make_no_request)
{
	static const char *const arts[] = { "../x", "a/b", "x?y", "a#b", "",
	    ".", ".." };
	struct fake *f = fake_with(NULL);
	struct run r;

	use_url(f->url);
	for (size_t i = 0; i < sizeof(arts) / sizeof(arts[0]); i++) {
		pierone(&r, "latest", "myteam", arts[i]);
		assert_fails(&r, 2, "artifact name", NULL);
		run_free(&r);
		pierone(&r, "tags", "myteam", "myapp", arts[i]);
		assert_fails(&r, 2, "artifact name", NULL);
		run_free(&r);
	}
	assert_log_empty(f);
}
END_TEST

START_TEST(an_encoded_dot_dot_is_sent_encoded_again_and_not_found)
{
	struct fake *f = fake_with(NULL);
	struct run r;

	use_url(f->url);
	pierone(&r, "latest", "myteam", "%2e%2e");
	assert_fails(&r, 1, "'myteam/%2e%2e' not found", NULL);
	ck_assert_int_eq(logged(f,
	    "GET /teams/myteam/artifacts/%252e%252e/tags 404 auth\n"), 1);
	run_free(&r);
}
END_TEST

START_TEST(a_team_name_with_uppercase_makes_no_request)
{
	struct fake *f = fake_with(NULL);
	struct run r;

	use_url(f->url);
	pierone(&r, "artifacts", "MyTeam");
	assert_fails(&r, 2, "invalid team name 'MyTeam'", NULL);
	run_free(&r);
	pierone(&r, "tags", "myTeam", "myapp");
	assert_fails(&r, 2, "invalid team name 'myTeam'", NULL);
	run_free(&r);
	pierone(&r, "latest", "MYTEAM", "myapp");
	assert_fails(&r, 2, "invalid team name 'MYTEAM'", NULL);
	run_free(&r);
	assert_log_empty(f);
}
END_TEST

START_TEST(an_unknown_option_is_a_usage_error)
{
	struct fake *f = fake_with(NULL);
	struct run r;

	use_url(f->url);
	pierone(&r, "tags", "--frobnicate", "myteam");
	assert_fails(&r, 2, "unknown option '--frobnicate'", NULL);
	run_free(&r);
	pierone(&r, "-x", "teams");
	assert_fails(&r, 2, "unknown option '-x'", NULL);
	run_free(&r);
	assert_log_empty(f);
}
END_TEST

/* ------------------------------------------------------------ output */

/*
 * pierone writing a big table into a pipe whose reader goes away after
 * the first line: it must end by SIGPIPE (or exit 0), and say nothing.
 */
START_TEST(a_closed_output_pipe_ends_pierone_quietly)
{
	struct fake *f = fake_up("--gen", "myteam:200:50", NULL);
	const char *bin = getenv("PIERONE_BIN");
	int out[2], err[2], st;
	char buf[4096], errbuf[4096];
	size_t got = 0, nerr = 0;
	ssize_t n;
	pid_t pid;
	struct pollfd p;

	ck_assert_ptr_nonnull(bin);
	ck_assert_int_eq(pipe(out), 0);
	ck_assert_int_eq(pipe(err), 0);
	if ((pid = fork()) == 0) {
		char url[128];

		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		close(out[0]);
		close(out[1]);
		close(err[0]);
		close(err[1]);
		snprintf(url, sizeof(url), "%s", f->url);
		for (const char *const *e = base_env; *e != NULL; e++) {
			const char *eq = strchr(*e, '=');

			if (eq == NULL)
				unsetenv(*e);
			else
				putenv((char *)*e);
		}
		setenv("PIERONE_URL", url, 1);
		/* As from a shell: an ignored SIGPIPE would be inherited. */
		signal(SIGPIPE, SIG_DFL);
		execl(bin, bin, "tags", "-l", "0", "myteam", (char *)NULL);
		_exit(127);
	}
	ck_assert_int_gt(pid, 0);
	close(out[1]);
	close(err[1]);
	/* The first line, then the reader goes away. */
	while (got < sizeof(buf) - 1 && memchr(buf, '\n', got) == NULL &&
	    (n = read(out[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	close(out[0]);
	buf[got] = '\0';
	p.fd = err[0];
	p.events = POLLIN;
	while (nerr < sizeof(errbuf) - 1 && poll(&p, 1, 30000) > 0 &&
	    (n = read(err[0], errbuf + nerr, sizeof(errbuf) - 1 - nerr)) > 0)
		nerr += (size_t)n;
	close(err[0]);
	errbuf[nerr] = '\0';
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(strncmp(buf, "Team", 4) == 0, "first line: %s", buf);
	ck_assert_msg((WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE) ||
	    (WIFEXITED(st) && WEXITSTATUS(st) == 0), "pierone ended with "
	    "status %d (exit %d, signal %d), not SIGPIPE or 0", st,
	    WIFEXITED(st) ? WEXITSTATUS(st) : -1,
	    WIFSIGNALED(st) ? WTERMSIG(st) : -1);
	ck_assert_msg(nerr == 0, "pierone said on stderr: %s", errbuf);
	ck_assert_int_eq(logged(f, "/tags 200 auth"), 200);
	assert_home_untouched();
}
END_TEST

Suite *
faults_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("faults");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, a_rejected_token_fails_with_401_and_says_run_login);
	tcase_add_test(tc, a_forbidden_team_fails_with_403_and_says_no_access);
	tcase_add_test(tc, an_unknown_artifact_fails_with_404_as_not_found);
	tcase_add_test(tc, a_429_with_retry_after_is_waited_for_then_succeeds);
	tcase_add_test(tc, a_429_that_never_ends_fails_after_three_tries);
	tcase_add_test(tc, a_429_without_retry_after_backs_off_and_fails);
	tcase_add_test(tc,
	    a_server_error_is_retried_then_fails_without_partial_table);
	tcase_add_test(tc, one_503_then_200_succeeds_with_the_whole_output);
	tcase_add_test(tc, invalid_json_fails_with_bad_response);
	tcase_add_test(tc, a_body_truncated_on_every_try_fails);
	tcase_add_test(tc, an_object_instead_of_an_array_fails_with_bad_response);
	tcase_add_test(tc, a_number_for_a_tags_created_by_is_shown_as_written);
	tcase_add_test(tc, a_body_over_the_size_cap_is_refused_without_retry);
	tcase_add_test(tc,
	    response_headers_over_the_limit_say_so_without_retry);
	tcase_add_test(tc, a_header_line_over_the_limit_is_not_out_of_memory);
	tcase_add_test(tc, a_server_that_never_answers_times_out);
	tcase_add_test(tc, a_refused_connection_fails_with_a_network_error);
	tcase_add_test(tc,
	    an_unresolvable_host_fails_without_a_dns_query_leaving);
	tcase_add_test(tc, a_self_signed_certificate_is_refused_by_default);
	tcase_add_test(tc, a_ca_bundle_without_the_issuer_is_refused_too);
	tcase_add_test(tc, the_right_ca_bundle_makes_the_https_registry_work);
	tcase_add_test(tc, a_redirect_to_another_host_never_carries_the_token);
	tcase_add_test(tc, a_redirect_to_another_port_never_carries_the_token);
	tcase_add_test(tc, a_redirect_on_the_same_host_keeps_working);
	tcase_add_test(tc, a_redirect_loop_fails_after_five_redirects);
	tcase_add_test(tc, a_redirect_to_a_file_url_is_refused);
	tcase_add_test(tc, a_redirect_to_a_url_with_user_info_is_refused_unshown);
	tcase_add_test(tc, a_redirect_from_https_to_http_is_refused);
	tcase_add_test(tc,
	    login_into_a_docker_config_below_a_regular_file_fails);
	tcase_add_test(tc,
	    login_when_config_json_is_a_directory_fails_naming_it);
	tcase_add_test(tc,
	    login_with_a_corrupt_config_json_leaves_it_untouched);
	tcase_add_test(tc, a_corrupt_pierone_yaml_fails_naming_file_and_line);
	tcase_add_test(tc,
	    a_corrupt_token_cache_and_no_other_token_says_run_login);
	tcase_add_test(tc,
	    a_token_rejected_in_the_middle_of_a_run_fails_with_401);
	tcase_add_test(tc,
	    artifact_names_that_would_change_the_path_make_no_request);
	tcase_add_test(tc,
	    an_encoded_dot_dot_is_sent_encoded_again_and_not_found);
	tcase_add_test(tc, a_team_name_with_uppercase_makes_no_request);
	tcase_add_test(tc, an_unknown_option_is_a_usage_error);
	tcase_add_test(tc, a_closed_output_pipe_ends_pierone_quietly);
	tcase_add_test(tc,
	    every_command_against_a_web_site_answering_404_says_so);
	tcase_add_test(tc, every_command_against_a_web_page_says_so);
	tcase_add_test(tc,
	    a_registry_s_not_found_is_not_taken_for_no_registry);
	tcase_add_test(tc,
	    https_to_a_plain_http_port_suggests_http_for_every_command);
	suite_add_tcase(s, tc);
	return s;
}
