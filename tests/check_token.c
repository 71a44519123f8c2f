/*
 * pierone_token_find(): OAUTH2_ACCESS_TOKENS, then the mounted secret, then
 * the newest still valid entry of the two zign caches.  Every test runs with
 * a fixed `now`, HOME pointing into a temporary directory and the variables
 * below cleared.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tests.h"

/* creation_time of the cache fixtures and a `now` an hour later */
#define CREATED	1700000000.5
#define NOW	1700000100.0

static const char *const env_vars[] = {
	"HOME", "XDG_CONFIG_HOME", "CREDENTIALS_DIR", "OAUTH2_ACCESS_TOKENS",
};
#define NVARS (sizeof(env_vars) / sizeof(env_vars[0]))

static char *dir;	/* temporary directory of the test */

static void
setup(void)
{
	char home[1024];

	test_env_isolate(env_vars, NVARS);
	dir = test_tmpdir();
	test_fmt(home, sizeof(home), "%s/home", dir);
	ck_assert_int_eq(mkdir(home, 0700), 0);
	setenv("HOME", home, 1);
}

static void
teardown(void)
{
	test_env_restore();
	test_rmtree(dir);
	free(dir);
	dir = NULL;
}

static void
mkdir_p(const char *path)
{
	char buf[1024];

	test_fmt(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		ck_assert(mkdir(buf, 0700) == 0 || errno == EEXIST);
		*p = '/';
	}
	ck_assert(mkdir(buf, 0700) == 0 || errno == EEXIST);
}

/* Point XDG_CONFIG_HOME at $dir/xdg. */
static void
use_xdg(void)
{
	char xdg[1024];

	test_fmt(xdg, sizeof(xdg), "%s/xdg", dir);
	mkdir_p(xdg);
	setenv("XDG_CONFIG_HOME", xdg, 1);
}

/*
 * Write `yaml` as BASE/TOOL/tokens.yaml, BASE being $XDG_CONFIG_HOME (call
 * use_xdg() first) or ~/.config; the path goes to `path`.
 */
static void
write_cache(char *path, size_t size, const char *tool, const char *yaml)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char sub[1024];

	if (xdg != NULL)
		test_fmt(sub, sizeof(sub), "%s/%s", xdg, tool);
	else
		test_fmt(sub, sizeof(sub), "%s/.config/%s", getenv("HOME"),
		    tool);
	mkdir_p(sub);
	test_fmt(path, size, "%s/tokens.yaml", sub);
	test_write_file(path, yaml);
}

/* A zign cache entry "pierone" (in a static buffer). */
static const char *
entry(const char *token, double created, double expires_in)
{
	static char yaml[1024];

	test_fmt(yaml, sizeof(yaml), "pierone:\n"
	    "  access_token: %s\n"
	    "  creation_time: %.1f\n"
	    "  expires_in: %.0f\n"
	    "  token_type: Bearer\n"
	    "  scope: [uid]\n", token, created, expires_in);
	return yaml;
}

/* Set CREDENTIALS_DIR to $dir/creds and write pierone-token-secret there. */
static void
write_secret(char *path, size_t size, const char *content)
{
	char creds[1024];

	test_fmt(creds, sizeof(creds), "%s/creds", dir);
	mkdir_p(creds);
	setenv("CREDENTIALS_DIR", creds, 1);
	test_fmt(path, size, "%s/pierone-token-secret", creds);
	test_write_file(path, content);
}

/* The search must find token `want` from `source`. */
static void
assert_found(struct pierone_token *tok, double now, const char *want,
    enum pierone_token_source source)
{
	struct pierone_err err = { 0 };

	ck_assert_msg(pierone_token_find(tok, now, &err) == 0,
	    "no token: %s", err.msg);
	ck_assert_str_eq(tok->access_token, want);
	ck_assert_int_eq(tok->source, source);
	ck_assert_ptr_nonnull(tok->origin);
}

/* The search must fail with ENOTOKEN, the message containing `needle`. */
static void
assert_no_token(double now, const char *needle)
{
	struct pierone_token tok;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(pierone_token_find(&tok, now, &err),
	    PIERONE_ENOTOKEN);
	ck_assert_int_eq(err.code, PIERONE_ENOTOKEN);
	ck_assert_ptr_null(tok.access_token);
	ck_assert_ptr_null(tok.origin);
	ck_assert_msg(strstr(err.msg, "pierone login") != NULL,
	    "message '%s' lacks 'pierone login'", err.msg);
	ck_assert_msg(strstr(err.msg, needle) != NULL,
	    "message '%s' lacks '%s'", err.msg, needle);
}

/* ------------------------------------------------------------------ */

START_TEST(token_find_reads_oauth2_access_tokens)
{
	struct pierone_token tok;

	setenv("OAUTH2_ACCESS_TOKENS", "pierone=abc", 1);
	assert_found(&tok, NOW, "abc", PIERONE_TOKEN_ENV);
	ck_assert_str_eq(tok.origin, "OAUTH2_ACCESS_TOKENS");
	ck_assert(tok.expires_at == 0);
	pierone_token_clear(&tok);
	unsetenv("OAUTH2_ACCESS_TOKENS");
}
END_TEST

START_TEST(token_find_picks_pierone_among_other_tokens)
{
	struct pierone_token tok;

	setenv("OAUTH2_ACCESS_TOKENS", "other=x,pierone=abc", 1);
	assert_found(&tok, NOW, "abc", PIERONE_TOKEN_ENV);
	pierone_token_clear(&tok);
	setenv("OAUTH2_ACCESS_TOKENS", "pierone=abc,other=x", 1);
	assert_found(&tok, NOW, "abc", PIERONE_TOKEN_ENV);
	pierone_token_clear(&tok);
	unsetenv("OAUTH2_ACCESS_TOKENS");
}
END_TEST

START_TEST(token_find_trims_spaces_around_env_entries)
{
	struct pierone_token tok;

	setenv("OAUTH2_ACCESS_TOKENS", "other=x , pierone=abc ", 1);
	assert_found(&tok, NOW, "abc", PIERONE_TOKEN_ENV);
	pierone_token_clear(&tok);
	unsetenv("OAUTH2_ACCESS_TOKENS");
}
END_TEST

/* Spaces are trimmed before the name and around the value: after too. */
START_TEST(token_find_trims_spaces_around_env_equals_sign)
{
	struct pierone_token tok;

	setenv("OAUTH2_ACCESS_TOKENS", "other=x, pierone = abc", 1);
	assert_found(&tok, NOW, "abc", PIERONE_TOKEN_ENV);
	pierone_token_clear(&tok);
	unsetenv("OAUTH2_ACCESS_TOKENS");
}
END_TEST

START_TEST(token_find_keeps_equals_signs_in_env_token)
{
	struct pierone_token tok;

	setenv("OAUTH2_ACCESS_TOKENS", "pierone=YWJj==", 1);
	assert_found(&tok, NOW, "YWJj==", PIERONE_TOKEN_ENV);
	pierone_token_clear(&tok);
	unsetenv("OAUTH2_ACCESS_TOKENS");
}
END_TEST

/* pierone_token_find() refuses, with a message naming `origin`. */
static void
assert_refused(const char *origin)
{
	struct pierone_token tok;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(pierone_token_find(&tok, NOW, &err), PIERONE_ECONFIG);
	ck_assert_ptr_null(tok.access_token);
	ck_assert_ptr_nonnull(strstr(err.msg, "RFC 6750"));
	ck_assert_msg(strstr(err.msg, origin) != NULL, "'%s' lacks '%s'",
	    err.msg, origin);
}

START_TEST(token_find_refuses_what_no_bearer_token_may_hold)
{
	static const char *const bad[] = { "a b", "a\tb", "a\x1b[0m",
	    "a,b", "=abc", "ab=c", "a\"b", "caf\xc3\xa9", "a:b" };
	struct pierone_token tok;
	char path[1024], env[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (strchr(bad[i], ',') != NULL)
			continue;	/* the list separator of the variable */
		test_fmt(env, sizeof(env), "pierone=%s", bad[i]);
		setenv("OAUTH2_ACCESS_TOKENS", env, 1);
		assert_refused("OAUTH2_ACCESS_TOKENS");
	}
	/* every character RFC 6750 allows, and trailing '=' */
	setenv("OAUTH2_ACCESS_TOKENS", "pierone=aZ09-._~+/==", 1);
	assert_found(&tok, NOW, "aZ09-._~+/==", PIERONE_TOKEN_ENV);
	pierone_token_clear(&tok);
	unsetenv("OAUTH2_ACCESS_TOKENS");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_secret(path, sizeof(path), bad[i]);
		assert_refused("pierone-token-secret");
	}
	unsetenv("CREDENTIALS_DIR");
	write_cache(path, sizeof(path), "zign",
	    entry("\"a b\"", NOW - 10, 3600));
	assert_refused("tokens.yaml");
}
END_TEST

START_TEST(token_find_takes_an_empty_cached_token_as_none)
{
	char path[1024];

	write_cache(path, sizeof(path), "zign", entry("\"\"", NOW - 10, 3600));
	assert_no_token(NOW, "no valid OAuth2 token found");
}
END_TEST

START_TEST(token_find_matches_env_name_exactly)
{
	setenv("OAUTH2_ACCESS_TOKENS", "pieroneX=a,xpierone=b,Pierone=c,"
	    "pierone,pier=d", 1);
	assert_no_token(NOW, "no valid OAuth2 token found");
	unsetenv("OAUTH2_ACCESS_TOKENS");
}
END_TEST

START_TEST(token_find_skips_empty_env_token)
{
	struct pierone_token tok;
	char path[1024];

	setenv("OAUTH2_ACCESS_TOKENS", "pierone=,other=x", 1);
	assert_no_token(NOW, "no valid OAuth2 token found");
	write_secret(path, sizeof(path), "from-file\n");
	assert_found(&tok, NOW, "from-file", PIERONE_TOKEN_SECRET_FILE);
	pierone_token_clear(&tok);
	unsetenv("OAUTH2_ACCESS_TOKENS");
	unsetenv("CREDENTIALS_DIR");
}
END_TEST

START_TEST(token_find_env_wins_over_secret_file_and_cache)
{
	struct pierone_token tok;
	char path[1024];

	write_secret(path, sizeof(path), "from-file\n");
	use_xdg();
	write_cache(path, sizeof(path), "zign", entry("from-cache", CREATED,
	    3600));
	setenv("OAUTH2_ACCESS_TOKENS", "pierone=from-env", 1);
	assert_found(&tok, NOW, "from-env", PIERONE_TOKEN_ENV);
	pierone_token_clear(&tok);
	unsetenv("OAUTH2_ACCESS_TOKENS");
	unsetenv("CREDENTIALS_DIR");
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

/* ------------------------------------------------------------------ */

START_TEST(token_find_reads_secret_file)
{
	struct pierone_token tok;
	char path[1024];

	write_secret(path, sizeof(path), "secret-token\n");
	assert_found(&tok, NOW, "secret-token", PIERONE_TOKEN_SECRET_FILE);
	ck_assert_str_eq(tok.origin, path);
	ck_assert(tok.expires_at == 0);
	pierone_token_clear(&tok);
	unsetenv("CREDENTIALS_DIR");
}
END_TEST

START_TEST(token_find_trims_crlf_of_secret_file)
{
	struct pierone_token tok;
	char path[1024];

	write_secret(path, sizeof(path), "secret-token \r\n\n");
	assert_found(&tok, NOW, "secret-token", PIERONE_TOKEN_SECRET_FILE);
	pierone_token_clear(&tok);
	unsetenv("CREDENTIALS_DIR");
}
END_TEST

START_TEST(token_find_reads_secret_file_without_newline)
{
	struct pierone_token tok;
	char path[1024];

	write_secret(path, sizeof(path), "secret-token");
	assert_found(&tok, NOW, "secret-token", PIERONE_TOKEN_SECRET_FILE);
	pierone_token_clear(&tok);
	unsetenv("CREDENTIALS_DIR");
}
END_TEST

START_TEST(token_find_accepts_trailing_slash_in_credentials_dir)
{
	struct pierone_token tok;
	char path[1024], creds[1024];

	write_secret(path, sizeof(path), "secret-token\n");
	test_fmt(creds, sizeof(creds), "%s/creds/", dir);
	setenv("CREDENTIALS_DIR", creds, 1);
	assert_found(&tok, NOW, "secret-token", PIERONE_TOKEN_SECRET_FILE);
	ck_assert_str_eq(tok.origin, path);
	pierone_token_clear(&tok);
	unsetenv("CREDENTIALS_DIR");
}
END_TEST

START_TEST(token_find_skips_empty_secret_file)
{
	char path[1024];

	write_secret(path, sizeof(path), " \n");
	assert_no_token(NOW, path);
	assert_no_token(NOW, "is empty");
	unsetenv("CREDENTIALS_DIR");
}
END_TEST

START_TEST(token_find_secret_file_wins_over_cache)
{
	struct pierone_token tok;
	char path[1024];

	use_xdg();
	write_cache(path, sizeof(path), "zign", entry("from-cache", CREATED,
	    3600));
	write_secret(path, sizeof(path), "from-file\n");
	assert_found(&tok, NOW, "from-file", PIERONE_TOKEN_SECRET_FILE);
	pierone_token_clear(&tok);
	unsetenv("CREDENTIALS_DIR");
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_missing_secret_file_falls_through_to_cache)
{
	struct pierone_token tok;
	char path[1024], creds[1024];

	test_fmt(creds, sizeof(creds), "%s/no-such-dir", dir);
	setenv("CREDENTIALS_DIR", creds, 1);
	use_xdg();
	write_cache(path, sizeof(path), "zign", entry("from-cache", CREATED,
	    3600));
	assert_found(&tok, NOW, "from-cache", PIERONE_TOKEN_ZIGN_CACHE);
	pierone_token_clear(&tok);
	unsetenv("CREDENTIALS_DIR");
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

/* ------------------------------------------------------------------ */

START_TEST(token_find_reads_zign_cache)
{
	struct pierone_token tok;
	char path[1024];

	use_xdg();
	write_cache(path, sizeof(path), "zign", entry("tok-zign", CREATED,
	    3600));
	assert_found(&tok, NOW, "tok-zign", PIERONE_TOKEN_ZIGN_CACHE);
	ck_assert_str_eq(tok.origin, path);
	ck_assert_double_eq(tok.expires_at, CREATED + 3600);
	pierone_token_clear(&tok);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_reads_zalando_token_cli_cache)
{
	struct pierone_token tok;
	char path[1024];

	use_xdg();
	write_cache(path, sizeof(path), "zalando-token-cli",
	    entry("tok-ztc", CREATED, 3600));
	assert_found(&tok, NOW, "tok-ztc", PIERONE_TOKEN_ZIGN_CACHE);
	ck_assert_str_eq(tok.origin, path);
	pierone_token_clear(&tok);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_reads_cache_under_home_without_xdg)
{
	struct pierone_token tok;
	char path[1024];

	unsetenv("XDG_CONFIG_HOME");
	write_cache(path, sizeof(path), "zign", entry("tok-home", CREATED,
	    3600));
	assert_found(&tok, NOW, "tok-home", PIERONE_TOKEN_ZIGN_CACHE);
	ck_assert_str_eq(tok.origin, path);
	pierone_token_clear(&tok);
}
END_TEST

START_TEST(token_find_accepts_integer_creation_time)
{
	struct pierone_token tok;
	char path[1024];

	use_xdg();
	write_cache(path, sizeof(path), "zign", "pierone:\n"
	    "  access_token: tok\n  creation_time: 1700000000\n"
	    "  expires_in: 3600\n");
	assert_found(&tok, NOW, "tok", PIERONE_TOKEN_ZIGN_CACHE);
	ck_assert_double_eq(tok.expires_at, 1700003600.0);
	pierone_token_clear(&tok);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_accepts_float_creation_time)
{
	struct pierone_token tok;
	char path[1024];

	use_xdg();
	write_cache(path, sizeof(path), "zign", "pierone:\n"
	    "  access_token: tok\n  creation_time: 1700000000.25\n"
	    "  expires_in: 3600\n");
	assert_found(&tok, NOW, "tok", PIERONE_TOKEN_ZIGN_CACHE);
	ck_assert_double_eq(tok.expires_at, 1700003600.25);
	pierone_token_clear(&tok);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_skips_expired_cache_entry)
{
	char path[1024];

	use_xdg();
	write_cache(path, sizeof(path), "zign", entry("old", CREATED, 3600));
	assert_no_token(CREATED + 7200, "expired");
	assert_no_token(CREATED + 7200, path);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_skips_entry_expiring_within_margin)
{
	char path[1024];

	use_xdg();
	write_cache(path, sizeof(path), "zign", entry("soon", CREATED, 3600));
	/* 30 s left, less than PIERONE_TOKEN_MARGIN */
	assert_no_token(CREATED + 3600 - 30, "expired");
	/* exactly PIERONE_TOKEN_MARGIN left */
	assert_no_token(CREATED + 3600 - PIERONE_TOKEN_MARGIN, "expired");
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_uses_entry_just_outside_margin)
{
	struct pierone_token tok;
	char path[1024];

	use_xdg();
	write_cache(path, sizeof(path), "zign", entry("fine", CREATED, 3600));
	assert_found(&tok, CREATED + 3600 - PIERONE_TOKEN_MARGIN - 1, "fine",
	    PIERONE_TOKEN_ZIGN_CACHE);
	pierone_token_clear(&tok);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_prefers_newer_zalando_token_cli_entry)
{
	struct pierone_token tok;
	char zign[1024], ztc[1024];

	use_xdg();
	write_cache(zign, sizeof(zign), "zign", entry("older", CREATED,
	    3600));
	write_cache(ztc, sizeof(ztc), "zalando-token-cli", entry("newer",
	    CREATED + 60, 3600));
	assert_found(&tok, NOW, "newer", PIERONE_TOKEN_ZIGN_CACHE);
	ck_assert_str_eq(tok.origin, ztc);
	pierone_token_clear(&tok);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_prefers_newer_zign_entry)
{
	struct pierone_token tok;
	char zign[1024], ztc[1024];

	use_xdg();
	write_cache(zign, sizeof(zign), "zign", entry("newer", CREATED + 60,
	    3600));
	write_cache(ztc, sizeof(ztc), "zalando-token-cli", entry("older",
	    CREATED, 3600));
	assert_found(&tok, NOW, "newer", PIERONE_TOKEN_ZIGN_CACHE);
	ck_assert_str_eq(tok.origin, zign);
	pierone_token_clear(&tok);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_prefers_valid_older_over_expired_newer)
{
	struct pierone_token tok;
	char zign[1024], ztc[1024];

	use_xdg();
	/* the newer one was issued for a minute only */
	write_cache(zign, sizeof(zign), "zign", entry("long", CREATED, 7200));
	write_cache(ztc, sizeof(ztc), "zalando-token-cli", entry("short",
	    CREATED + 60, 60));
	assert_found(&tok, NOW, "long", PIERONE_TOKEN_ZIGN_CACHE);
	ck_assert_str_eq(tok.origin, zign);
	pierone_token_clear(&tok);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_ignores_other_entries_of_the_cache)
{
	struct pierone_token tok;
	char path[1024];

	use_xdg();
	write_cache(path, sizeof(path), "zign", "uid:\n"
	    "  access_token: not-this\n  creation_time: 1700000050\n"
	    "  expires_in: 7200\n"
	    "pierone:\n"
	    "  access_token: this\n  creation_time: 1700000000\n"
	    "  expires_in: 3600\n"
	    "  token_type: Bearer\n  scope: [uid, cn]\n"
	    "zmon:\n  access_token: nor-this\n");
	assert_found(&tok, NOW, "this", PIERONE_TOKEN_ZIGN_CACHE);
	pierone_token_clear(&tok);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_needs_the_pierone_entry)
{
	char path[1024];

	use_xdg();
	write_cache(path, sizeof(path), "zign", "uid:\n"
	    "  access_token: not-this\n  creation_time: 1700000050\n"
	    "  expires_in: 7200\n");
	assert_no_token(NOW, "no valid OAuth2 token found");
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_skips_entry_without_creation_time)
{
	char path[1024];

	use_xdg();
	write_cache(path, sizeof(path), "zign", "pierone:\n"
	    "  access_token: tok\n  expires_in: 3600\n");
	assert_no_token(NOW, "lacks creation_time or expires_in");
	assert_no_token(NOW, path);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_skips_entry_without_expires_in)
{
	char path[1024];

	use_xdg();
	write_cache(path, sizeof(path), "zign", "pierone:\n"
	    "  access_token: tok\n  creation_time: 1700000000\n");
	assert_no_token(NOW, "lacks creation_time or expires_in");
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_skips_entry_with_non_numeric_times)
{
	char path[1024];

	use_xdg();
	write_cache(path, sizeof(path), "zign", "pierone:\n"
	    "  access_token: tok\n  creation_time: yesterday\n"
	    "  expires_in: 3600\n");
	assert_no_token(NOW, "lacks creation_time or expires_in");
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_skips_corrupt_cache_naming_it)
{
	char path[1024];

	use_xdg();
	write_cache(path, sizeof(path), "zign",
	    "pierone:\n  access_token: [unclosed\n");
	assert_no_token(NOW, path);
	assert_no_token(NOW, "invalid YAML");
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_names_a_cache_that_is_not_a_mapping)
{
	char path[1024];

	use_xdg();
	write_cache(path, sizeof(path), "zign", "just a string\n");
	assert_no_token(NOW, path);
	assert_no_token(NOW, "not a YAML mapping");
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_uses_other_cache_when_one_is_corrupt)
{
	struct pierone_token tok;
	char zign[1024], ztc[1024];

	use_xdg();
	write_cache(zign, sizeof(zign), "zign", "pierone: {access_token: \n");
	write_cache(ztc, sizeof(ztc), "zalando-token-cli", entry("good",
	    CREATED, 3600));
	assert_found(&tok, NOW, "good", PIERONE_TOKEN_ZIGN_CACHE);
	ck_assert_str_eq(tok.origin, ztc);
	pierone_token_clear(&tok);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_reports_every_rejected_cache)
{
	char zign[1024], ztc[1024];

	use_xdg();
	write_cache(zign, sizeof(zign), "zign", "- not\n- a mapping: [\n");
	write_cache(ztc, sizeof(ztc), "zalando-token-cli", entry("old",
	    CREATED, 60));
	assert_no_token(NOW, zign);
	assert_no_token(NOW, ztc);
	assert_no_token(NOW, "expired");
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_with_zero_now_uses_the_clock)
{
	struct pierone_token tok;
	char path[1024];

	use_xdg();
	/* issued in 2096: valid whatever today is */
	write_cache(path, sizeof(path), "zign", entry("future", 4000000000.0,
	    3600));
	assert_found(&tok, 0, "future", PIERONE_TOKEN_ZIGN_CACHE);
	pierone_token_clear(&tok);
	/* issued in 2001 for an hour: expired today */
	write_cache(path, sizeof(path), "zign", entry("past", 1000000000.0,
	    3600));
	assert_no_token(0, "expired");
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_find_without_any_source_says_to_log_in)
{
	assert_no_token(NOW, "no valid OAuth2 token found");
}
END_TEST

START_TEST(token_find_works_without_err)
{
	struct pierone_token tok;

	ck_assert_int_eq(pierone_token_find(&tok, NOW, NULL),
	    PIERONE_ENOTOKEN);
	ck_assert_ptr_null(tok.access_token);
}
END_TEST

/* ------------------------------------------------------------------ */

START_TEST(token_clear_zeroes_the_struct)
{
	struct pierone_token tok;
	char path[1024];

	use_xdg();
	write_cache(path, sizeof(path), "zign", entry("tok", CREATED, 3600));
	assert_found(&tok, NOW, "tok", PIERONE_TOKEN_ZIGN_CACHE);
	pierone_token_clear(&tok);
	ck_assert_ptr_null(tok.access_token);
	ck_assert_ptr_null(tok.origin);
	ck_assert(tok.expires_at == 0);
	ck_assert_int_eq(tok.source, 0);
	pierone_token_clear(&tok);	/* twice is harmless */
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(token_clear_null_is_noop)
{
	pierone_token_clear(NULL);
}
END_TEST

Suite *
token_suite(void)
{
	Suite *s = suite_create("token");
	TCase *env = tcase_create("env");
	TCase *secret = tcase_create("secret_file");
	TCase *cache = tcase_create("cache");

	tcase_add_checked_fixture(env, setup, teardown);
	tcase_add_test(env, token_find_reads_oauth2_access_tokens);
	tcase_add_test(env, token_find_picks_pierone_among_other_tokens);
	tcase_add_test(env, token_find_trims_spaces_around_env_entries);
	tcase_add_test(env, token_find_trims_spaces_around_env_equals_sign);
	tcase_add_test(env, token_find_keeps_equals_signs_in_env_token);
	tcase_add_test(env, token_find_matches_env_name_exactly);
	tcase_add_test(env, token_find_skips_empty_env_token);
	tcase_add_test(env, token_find_refuses_what_no_bearer_token_may_hold);
	tcase_add_test(env, token_find_takes_an_empty_cached_token_as_none);
	tcase_add_test(env, token_find_env_wins_over_secret_file_and_cache);
	tcase_add_test(env, token_find_without_any_source_says_to_log_in);
	tcase_add_test(env, token_find_works_without_err);
	tcase_add_test(env, token_clear_null_is_noop);
	suite_add_tcase(s, env);

	tcase_add_checked_fixture(secret, setup, teardown);
	tcase_add_test(secret, token_find_reads_secret_file);
	tcase_add_test(secret, token_find_trims_crlf_of_secret_file);
	tcase_add_test(secret, token_find_reads_secret_file_without_newline);
	tcase_add_test(secret,
	    token_find_accepts_trailing_slash_in_credentials_dir);
	tcase_add_test(secret, token_find_skips_empty_secret_file);
	tcase_add_test(secret, token_find_secret_file_wins_over_cache);
	tcase_add_test(secret,
	    token_find_missing_secret_file_falls_through_to_cache);
	suite_add_tcase(s, secret);

	tcase_add_checked_fixture(cache, setup, teardown);
	tcase_add_test(cache, token_find_reads_zign_cache);
	tcase_add_test(cache, token_find_reads_zalando_token_cli_cache);
	tcase_add_test(cache, token_find_reads_cache_under_home_without_xdg);
	tcase_add_test(cache, token_find_accepts_integer_creation_time);
	tcase_add_test(cache, token_find_accepts_float_creation_time);
	tcase_add_test(cache, token_find_skips_expired_cache_entry);
	tcase_add_test(cache, token_find_skips_entry_expiring_within_margin);
	tcase_add_test(cache, token_find_uses_entry_just_outside_margin);
	tcase_add_test(cache, token_find_prefers_newer_zalando_token_cli_entry);
	tcase_add_test(cache, token_find_prefers_newer_zign_entry);
	tcase_add_test(cache,
	    token_find_prefers_valid_older_over_expired_newer);
	tcase_add_test(cache, token_find_ignores_other_entries_of_the_cache);
	tcase_add_test(cache, token_find_needs_the_pierone_entry);
	tcase_add_test(cache, token_find_skips_entry_without_creation_time);
	tcase_add_test(cache, token_find_skips_entry_without_expires_in);
	tcase_add_test(cache, token_find_skips_entry_with_non_numeric_times);
	tcase_add_test(cache, token_find_skips_corrupt_cache_naming_it);
	tcase_add_test(cache, token_find_uses_other_cache_when_one_is_corrupt);
	tcase_add_test(cache, token_find_names_a_cache_that_is_not_a_mapping);
	tcase_add_test(cache, token_find_reports_every_rejected_cache);
	tcase_add_test(cache, token_find_with_zero_now_uses_the_clock);
	tcase_add_test(cache, token_clear_zeroes_the_struct);
	suite_add_tcase(s, cache);
	return s;
}
