/*
 * Where pierone.yaml is found (the old client's place, then the one Pier
 * One's documentation gives; on macOS Application Support first), what
 * the messages say about it, and saving a URL without touching the rest of
 * the user's file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "tests.h"

static const char *const env_vars[] = {
	"HOME", "XDG_CONFIG_HOME", "PIERONE_URL", "PIERONE_TOKEN_URL",
	"OAUTH2_ACCESS_TOKENS", "OAUTH2_ACCESS_TOKEN_URL", "CREDENTIALS_DIR",
	"PIERONE_API",
};
#define NVARS (sizeof(env_vars) / sizeof(env_vars[0]))

static char *dir;
static char home[512], env_home[600];

static void
setup(void)
{
	test_env_isolate(env_vars, NVARS);
	dir = test_tmpdir();
	test_fmt(home, sizeof(home), "%s/home", dir);
	ck_assert_int_eq(mkdir(home, 0700), 0);
	setenv("HOME", home, 1);
	test_fmt(env_home, sizeof(env_home), "HOME=%s", home);
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
run_pierone(struct run *r, const char *const *env, ...)
{
	va_list ap;

	va_start(ap, env);
	run_pierone_v(r, NULL, env, ap);
	va_end(ap);
}

static void
run_helper(struct run *r, const char *const *env, const char *input,
    const char *action)
{
	const char *argv[] = { getenv("HELPER_BIN"), action, NULL };

	ck_assert_ptr_nonnull(argv[0]);
	run_cmd_input(r, argv, env, input);
}

/* "$HOME/rel" in a static buffer. */
#define in_home(rel) test_path(home, rel)

/* Write text at $HOME/rel, making its directories. */
static void
put(const char *rel, const char *text)
{
	char d[1024], *slash;

	test_fmt(d, sizeof(d), "%s", in_home(rel));
	for (slash = d + strlen(home) + 1; (slash = strchr(slash, '/')) != NULL;
	    slash++) {
		*slash = '\0';
		mkdir(d, 0700);
		*slash = '/';
	}
	test_write_file(in_home(rel), text);
}

/* The url pierone_config_load() finds with no -c FILE. */
static char *
loaded_url(char **path)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };
	char *url;

	ck_assert_msg(pierone_config_load(&cfg, NULL, &err) == 0, "%s",
	    err.msg);
	url = cfg.url != NULL ? strdup(cfg.url) : NULL;
	if (path != NULL)
		*path = strdup(cfg.path);
	pierone_config_clear(&cfg);
	return url;
}

static void
assert_loaded(const char *url, const char *rel)
{
	char *path, *got = loaded_url(&path);

	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, url);
	ck_assert_str_eq(path, in_home(rel));
	free(got);
	free(path);
}

START_TEST(the_old_clients_place_alone_is_read)
{
	put(".config/pierone/pierone.yaml", "url: https://old.example\n");
	assert_loaded("https://old.example", ".config/pierone/pierone.yaml");
}
END_TEST

START_TEST(the_documented_place_alone_is_read)
{
	put(".config/pierone.yaml", "url: https://doc.example\n");
	assert_loaded("https://doc.example", ".config/pierone.yaml");
}
END_TEST

START_TEST(with_both_the_first_wins)
{
	put(".config/pierone/pierone.yaml", "url: https://old.example\n");
	put(".config/pierone.yaml", "url: https://doc.example\n");
	assert_loaded("https://old.example", ".config/pierone/pierone.yaml");
}
END_TEST

START_TEST(xdg_config_home_moves_both_places)
{
	char xdg[1024], *url, *path;

	test_fmt(xdg, sizeof(xdg), "%s/xdg", dir);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	/* ~/.config is not looked at any more */
	put(".config/pierone.yaml", "url: https://home.example\n");
	ck_assert_ptr_null(loaded_url(NULL));
	ck_assert_int_eq(mkdir(xdg, 0700), 0);
	test_fmt(xdg, sizeof(xdg), "%s/xdg/pierone.yaml", dir);
	test_write_file(xdg, "url: https://xdg.example\n");
	url = loaded_url(&path);
	ck_assert_str_eq(url, "https://xdg.example");
	ck_assert_str_eq(path, xdg);
	free(url);
	free(path);
}
END_TEST

START_TEST(with_none_the_first_place_is_where_a_file_would_go)
{
	char *path;

	ck_assert_ptr_null(loaded_url(&path));
	ck_assert_str_eq(path, in_home(".config/pierone/pierone.yaml"));
	free(path);
	ck_assert_int_eq(pierone_config_default_path(&path, NULL), 0);
	ck_assert_str_eq(path, in_home(".config/pierone/pierone.yaml"));
	free(path);
}
END_TEST

START_TEST(macos_looks_in_application_support_first)
{
	char *p[CONFIG_MAX_PATHS];
	size_t n;

	ck_assert_int_eq(config_search_paths(p, &n, true, NULL), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(p[0], in_home("Library/Application Support/pierone/"
	    "pierone.yaml"));
	ck_assert_str_eq(p[1], in_home(".config/pierone/pierone.yaml"));
	ck_assert_str_eq(p[2], in_home(".config/pierone.yaml"));
	for (size_t i = 0; i < n; i++)
		free(p[i]);
	ck_assert_int_eq(config_search_paths(p, &n, false, NULL), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(p[0], in_home(".config/pierone/pierone.yaml"));
	for (size_t i = 0; i < n; i++)
		free(p[i]);
}
END_TEST

START_TEST(a_place_that_is_there_but_no_file_is_an_error_naming_it)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	/* a directory where the first file goes: no fall-through */
	put(".config/pierone.yaml", "url: https://doc.example\n");
	ck_assert_int_eq(mkdir(in_home(".config/pierone"), 0700), 0);
	ck_assert_int_eq(mkdir(in_home(".config/pierone/pierone.yaml"), 0700),
	    0);
	ck_assert_int_ne(pierone_config_load(&cfg, NULL, &err), 0);
	ck_assert_msg(strstr(err.msg, in_home(".config/pierone/pierone.yaml"))
	    != NULL, "%s", err.msg);
	ck_assert_int_eq(rmdir(in_home(".config/pierone/pierone.yaml")), 0);
	/* a link to nothing */
	ck_assert_int_eq(symlink("/nonexistent/pierone.yaml",
	    in_home(".config/pierone/pierone.yaml")), 0);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(pierone_config_load(&cfg, NULL, &err),
	    PIERONE_ECONFIG);
	ck_assert_msg(strstr(err.msg, in_home(".config/pierone/pierone.yaml"))
	    != NULL, "%s", err.msg);
}
END_TEST

START_TEST(messages_name_the_places_searched_with_a_tilde)
{
	const char *env[] = { env_home, "PIERONE_URL", "XDG_CONFIG_HOME",
	    NULL };
	struct run r;
	char *s = pierone_config_searched();

	ck_assert_str_eq(s, "'~/.config/pierone/pierone.yaml' or "
	    "'~/.config/pierone.yaml'");
	free(s);
	run_pierone(&r, env, "teams", (const char *)NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.err, "pierone: no registry URL configured: use "
	    "--url URL, set PIERONE_URL or 'url' in "
	    "'~/.config/pierone/pierone.yaml' or '~/.config/pierone.yaml'\n");
	run_free(&r);
	/* a file that is read, but has no url: that file */
	put(".config/pierone.yaml", "timeout: 5\n");
	run_pierone(&r, env, "teams", (const char *)NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.err, "pierone: no registry URL configured: use "
	    "--url URL, set PIERONE_URL or 'url' in "
	    "'~/.config/pierone.yaml'\n");
	run_free(&r);
}
END_TEST

START_TEST(the_credential_helper_reads_the_documented_place)
{
	const char *env[] = { env_home, "PIERONE_URL", "XDG_CONFIG_HOME",
	    "OAUTH2_ACCESS_TOKENS=pierone=tok-123", NULL };
	struct run r;

	put(".config/pierone.yaml", "url: https://doc.example\n");
	test_stdout_may_hold_secret = true;
	run_helper(&r, env, "doc.example", "get");
	test_stdout_may_hold_secret = false;
	ck_assert_msg(r.status == 0, "%s", r.out);
	ck_assert_ptr_nonnull(strstr(r.out, "tok-123"));
	run_free(&r);
}
END_TEST

/* pierone_config_store_url() on `before` gives exactly `after`. */
static void
assert_saved(const char *before, const char *url, const char *after)
{
	struct pierone_err err = { 0 };
	char *got;

	put(".config/pierone.yaml", before);
	ck_assert_msg(pierone_config_store_url(in_home(".config/pierone.yaml"),
	    url, &err) == 0, "%s", err.msg);
	got = test_slurp(in_home(".config/pierone.yaml"), NULL);
	ck_assert_str_eq(got, after);
	free(got);
}

START_TEST(saving_the_url_changes_that_key_only)
{
	/* comments, blank lines, order, other keys: byte for byte */
	assert_saved("# my registry\nurl: https://old.example  # the old one\n"
	    "\ntimeout: 30\n# end\n", "https://new.example",
	    "# my registry\nurl: https://new.example  # the old one\n"
	    "\ntimeout: 30\n# end\n");
	assert_saved("timeout: 30   # seconds\ntoken_url: 'https://t/x'\n",
	    "https://new.example", "timeout: 30   # seconds\n"
	    "token_url: 'https://t/x'\nurl: https://new.example\n");
	/* no newline at the end: one comes before the new line */
	assert_saved("timeout: 30", "https://new.example",
	    "timeout: 30\nurl: https://new.example\n");
	assert_saved("url: \"https://old.example\" # q\nretries: 1\n",
	    "http://127.0.0.1:8080", "url: http://127.0.0.1:8080 # q\n"
	    "retries: 1\n");
	assert_saved("---\n# doc\nurl: x\n", "https://n.example",
	    "---\n# doc\nurl: https://n.example\n");
}
END_TEST

START_TEST(saving_into_what_is_no_plain_mapping_keeps_the_keys)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	/* flow style and a repeated key: rewritten by libyaml */
	put(".config/pierone.yaml", "{url: a, timeout: 7}\n");
	ck_assert_int_eq(pierone_config_store_url(in_home(
	    ".config/pierone.yaml"), "https://n.example", &err), 0);
	ck_assert_int_eq(pierone_config_load(&cfg, NULL, &err), 0);
	ck_assert_str_eq(cfg.url, "https://n.example");
	ck_assert_int_eq(cfg.timeout, 7);
	pierone_config_clear(&cfg);
	put(".config/pierone.yaml", "url: a\ntimeout: 8\nurl: b\n");
	ck_assert_int_eq(pierone_config_store_url(in_home(
	    ".config/pierone.yaml"), "https://m.example", &err), 0);
	ck_assert_int_eq(pierone_config_load(&cfg, NULL, &err), 0);
	ck_assert_str_eq(cfg.url, "https://m.example");
	ck_assert_int_eq(cfg.timeout, 8);
	pierone_config_clear(&cfg);
}
END_TEST

START_TEST(saving_with_no_file_creates_the_first_place_0700)
{
	struct pierone_err err = { 0 };
	char *path, *got;
	struct stat st;

	ck_assert_int_eq(pierone_config_default_path(&path, NULL), 0);
	ck_assert_int_eq(pierone_config_store_url(path, "https://n.example",
	    &err), 0);
	got = test_slurp(in_home(".config/pierone/pierone.yaml"), NULL);
	ck_assert_str_eq(got, "url: https://n.example\n");
	ck_assert_int_eq(stat(in_home(".config/pierone"), &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	free(got);
	free(path);
}
END_TEST

Suite *
configpath_suite(void)
{
	Suite *s = suite_create("configpath");
	TCase *tc = tcase_create("search");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, the_old_clients_place_alone_is_read);
	tcase_add_test(tc, the_documented_place_alone_is_read);
	tcase_add_test(tc, with_both_the_first_wins);
	tcase_add_test(tc, xdg_config_home_moves_both_places);
	tcase_add_test(tc, with_none_the_first_place_is_where_a_file_would_go);
	tcase_add_test(tc, macos_looks_in_application_support_first);
	tcase_add_test(tc,
	    a_place_that_is_there_but_no_file_is_an_error_naming_it);
	tcase_add_test(tc, messages_name_the_places_searched_with_a_tilde);
	tcase_add_test(tc, the_credential_helper_reads_the_documented_place);
	tcase_add_test(tc, saving_the_url_changes_that_key_only);
	tcase_add_test(tc, saving_into_what_is_no_plain_mapping_keeps_the_keys);
	tcase_add_test(tc, saving_with_no_file_creates_the_first_place_0700);
	suite_add_tcase(s, tc);
	return s;
}
