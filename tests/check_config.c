/*
 * pierone.yaml: its default path, the keys it holds, the PIERONE_<KEY>
 * environment overrides and URL normalisation.  Every test runs with HOME
 * pointing into a temporary directory and the variables below cleared.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tests.h"

static const char *const env_vars[] = {
	"HOME", "XDG_CONFIG_HOME", "PIERONE_URL", "PIERONE_TIMEOUT",
	"PIERONE_CONNECT_TIMEOUT", "PIERONE_CA_BUNDLE",
};
#define NVARS (sizeof(env_vars) / sizeof(env_vars[0]))

static char *dir;	/* temporary directory of the test */
static char home[512];	/* $dir/home, HOME during the test */

static void
setup(void)
{
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

/* "$dir/name" in a static buffer. */
static const char *
tmp_path(const char *name)
{
	static char path[1024];

	test_fmt(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

/* Write `yaml` to $dir/pierone.yaml and return its path. */
static const char *
write_config(const char *yaml)
{
	const char *path = tmp_path("pierone.yaml");

	test_write_file(path, yaml);
	return path;
}

/* Loading `yaml` must fail with ECONFIG, leaving `cfg` cleared. */
static void
assert_config_refused(const char *yaml, const char *needle)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(pierone_config_load(&cfg, write_config(yaml), &err),
	    PIERONE_ECONFIG);
	ck_assert_int_eq(err.code, PIERONE_ECONFIG);
	ck_assert_msg(strstr(err.msg, needle) != NULL,
	    "message '%s' lacks '%s'", err.msg, needle);
	ck_assert_ptr_null(cfg.url);
	ck_assert_ptr_null(cfg.ca_bundle);
	ck_assert_ptr_null(cfg.path);
}

static void
assert_url(const char *in, const char *want)
{
	struct pierone_err err = { 0 };
	char *out;

	ck_assert_msg(pierone_url_normalize(&out, in, &err) == 0,
	    "'%s' refused: %s", in, err.msg);
	ck_assert_str_eq(out, want);
	free(out);
}

static void
assert_url_refused(const char *in, const char *needle)
{
	struct pierone_err err = { 0 };
	char *out = (char *)"sentinel";

	ck_assert_msg(pierone_url_normalize(&out, in, &err) ==
	    PIERONE_ECONFIG, "'%s' accepted", in != NULL ? in : "(null)");
	ck_assert_ptr_null(out);
	ck_assert_msg(strstr(err.msg, needle) != NULL,
	    "message '%s' lacks '%s'", err.msg, needle);
}

/* ------------------------------------------------------------------ */

#ifndef __APPLE__
START_TEST(config_default_path_uses_absolute_xdg_config_home)
{
	char *path, want[1024];

	setenv("XDG_CONFIG_HOME", tmp_path("xdg"), 1);
	ck_assert_int_eq(pierone_config_default_path(&path, NULL), 0);
	test_fmt(want, sizeof(want), "%s/xdg/pierone/pierone.yaml", dir);
	ck_assert_str_eq(path, want);
	free(path);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(config_default_path_drops_trailing_slash_of_xdg)
{
	char *path;

	setenv("XDG_CONFIG_HOME", "/somewhere/cfg/", 1);
	ck_assert_int_eq(pierone_config_default_path(&path, NULL), 0);
	ck_assert_str_eq(path, "/somewhere/cfg/pierone/pierone.yaml");
	free(path);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(config_default_path_ignores_relative_xdg_config_home)
{
	char *path, want[1024];

	setenv("XDG_CONFIG_HOME", "relative/cfg", 1);
	ck_assert_int_eq(pierone_config_default_path(&path, NULL), 0);
	test_fmt(want, sizeof(want), "%s/.config/pierone/pierone.yaml", home);
	ck_assert_str_eq(path, want);
	free(path);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(config_default_path_ignores_empty_xdg_config_home)
{
	char *path, want[1024];

	setenv("XDG_CONFIG_HOME", "", 1);
	ck_assert_int_eq(pierone_config_default_path(&path, NULL), 0);
	test_fmt(want, sizeof(want), "%s/.config/pierone/pierone.yaml", home);
	ck_assert_str_eq(path, want);
	free(path);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(config_default_path_falls_back_to_home)
{
	char *path, want[1024];

	unsetenv("XDG_CONFIG_HOME");
	ck_assert_int_eq(pierone_config_default_path(&path, NULL), 0);
	test_fmt(want, sizeof(want), "%s/.config/pierone/pierone.yaml", home);
	ck_assert_str_eq(path, want);
	free(path);
}
END_TEST
#endif

/* ------------------------------------------------------------------ */

START_TEST(config_load_reads_all_keys)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };
	const char *path = write_config("url: https://pierone.example.org\n"
	    "ca_bundle: /etc/ssl/ca.pem\nconnect_timeout: 5\ntimeout: 120\n");

	ck_assert_int_eq(pierone_config_load(&cfg, path, &err), 0);
	ck_assert_str_eq(cfg.url, "https://pierone.example.org");
	ck_assert_str_eq(cfg.ca_bundle, "/etc/ssl/ca.pem");
	ck_assert_int_eq(cfg.connect_timeout, 5);
	ck_assert_int_eq(cfg.timeout, 120);
	ck_assert_str_eq(cfg.path, path);
	pierone_config_clear(&cfg);
}
END_TEST

START_TEST(config_load_reads_fixture_file)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };
	const char *path = test_data("unit/pierone.yaml");

	ck_assert_int_eq(pierone_config_load(&cfg, path, &err), 0);
	ck_assert_str_eq(cfg.url, "https://pierone.example.org");
	ck_assert_str_eq(cfg.ca_bundle, "/etc/ssl/certs/example-ca.pem");
	ck_assert_int_eq(cfg.connect_timeout, 5);
	ck_assert_int_eq(cfg.timeout, 120);
	ck_assert_str_eq(cfg.path, path);
	pierone_config_clear(&cfg);
}
END_TEST

START_TEST(config_load_reads_default_path)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };
	char want[1024];

	setenv("XDG_CONFIG_HOME", tmp_path("xdg"), 1);
	ck_assert_int_eq(mkdir(tmp_path("xdg"), 0700), 0);
	ck_assert_int_eq(mkdir(tmp_path("xdg/pierone"), 0700), 0);
	test_write_file(tmp_path("xdg/pierone/pierone.yaml"),
	    "url: registry.example.org\n");
	test_fmt(want, sizeof(want), "%s/xdg/pierone/pierone.yaml", dir);
	ck_assert_int_eq(pierone_config_load(&cfg, NULL, &err), 0);
	ck_assert_str_eq(cfg.url, "https://registry.example.org");
	ck_assert_str_eq(cfg.path, want);
	pierone_config_clear(&cfg);
	unsetenv("XDG_CONFIG_HOME");
}
END_TEST

START_TEST(config_load_adds_https_to_url_without_scheme)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(pierone_config_load(&cfg,
	    write_config("url: pierone.example.org\n"), &err), 0);
	ck_assert_str_eq(cfg.url, "https://pierone.example.org");
	pierone_config_clear(&cfg);
}
END_TEST

START_TEST(config_load_drops_trailing_slashes_of_url)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(pierone_config_load(&cfg,
	    write_config("url: https://pierone.example.org///\n"), &err), 0);
	ck_assert_str_eq(cfg.url, "https://pierone.example.org");
	pierone_config_clear(&cfg);
}
END_TEST

START_TEST(config_load_keeps_http_url)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(pierone_config_load(&cfg,
	    write_config("url: http://localhost:8080/\n"), &err), 0);
	ck_assert_str_eq(cfg.url, "http://localhost:8080");
	pierone_config_clear(&cfg);
}
END_TEST

START_TEST(config_load_rejects_ftp_url)
{
	assert_config_refused("url: ftp://pierone.example.org\n",
	    "ftp://pierone.example.org");
	assert_config_refused("url: ftp://pierone.example.org\n",
	    tmp_path("pierone.yaml"));
}
END_TEST

START_TEST(config_load_missing_default_file_gives_defaults)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };
	char want[1024];

	/* HOME is an empty directory: no ~/.config/pierone/pierone.yaml */
	ck_assert_int_eq(pierone_config_load(&cfg, NULL, &err), 0);
	ck_assert_ptr_null(cfg.url);
	ck_assert_ptr_null(cfg.ca_bundle);
	ck_assert_int_eq(cfg.connect_timeout, 0);
	ck_assert_int_eq(cfg.timeout, 0);
#ifndef __APPLE__
	test_fmt(want, sizeof(want), "%s/.config/pierone/pierone.yaml", home);
	ck_assert_str_eq(cfg.path, want);
#else
	(void)want;
#endif
	pierone_config_clear(&cfg);
}
END_TEST

START_TEST(config_load_missing_explicit_file_is_an_error)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };
	const char *path = tmp_path("nonexistent.yaml");

	ck_assert_int_eq(pierone_config_load(&cfg, path, &err),
	    PIERONE_ECONFIG);
	ck_assert_msg(strstr(err.msg, path) != NULL, "message '%s' lacks "
	    "the path", err.msg);
	ck_assert_ptr_null(cfg.url);
	ck_assert_ptr_null(cfg.path);
}
END_TEST

START_TEST(config_load_directory_is_an_error)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	ck_assert_int_ne(pierone_config_load(&cfg, dir, &err), 0);
	ck_assert_msg(strstr(err.msg, dir) != NULL, "message '%s' lacks "
	    "the path", err.msg);
	ck_assert_ptr_null(cfg.path);
}
END_TEST

START_TEST(config_load_reports_line_of_invalid_yaml)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };
	const char *path = test_data("unit/pierone_invalid.yaml");

	ck_assert_int_eq(pierone_config_load(&cfg, path, &err),
	    PIERONE_ECONFIG);
	ck_assert_msg(strstr(err.msg, "line 3") != NULL, "message '%s' lacks "
	    "'line 3'", err.msg);
	ck_assert_msg(strstr(err.msg, path) != NULL, "message '%s' lacks "
	    "the path", err.msg);
	ck_assert_ptr_null(cfg.url);
}
END_TEST

START_TEST(config_load_reports_line_of_tab_indentation)
{
	assert_config_refused("url: a\n\tb: c\n", "line 2");
}
END_TEST

START_TEST(config_load_rejects_list_root)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(pierone_config_load(&cfg,
	    test_data("unit/pierone_list_root.yaml"), &err), PIERONE_ECONFIG);
	ck_assert_msg(strstr(err.msg, "not a YAML mapping") != NULL,
	    "message '%s'", err.msg);
	ck_assert_ptr_null(cfg.url);
}
END_TEST

START_TEST(config_load_rejects_scalar_root)
{
	assert_config_refused("pierone.example.org\n", "not a YAML mapping");
}
END_TEST

START_TEST(config_load_accepts_empty_file)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };
	const char *path = write_config("");

	ck_assert_int_eq(pierone_config_load(&cfg, path, &err), 0);
	ck_assert_ptr_null(cfg.url);
	ck_assert_int_eq(cfg.timeout, 0);
	ck_assert_str_eq(cfg.path, path);
	pierone_config_clear(&cfg);
}
END_TEST

START_TEST(config_load_accepts_file_of_comments)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(pierone_config_load(&cfg,
	    write_config("# nothing yet\n\n# url: x\n"), &err), 0);
	ck_assert_ptr_null(cfg.url);
	pierone_config_clear(&cfg);
}
END_TEST

START_TEST(config_load_ignores_unknown_keys)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(pierone_config_load(&cfg, write_config(
	    "token_url: https://token.example.org\nscopes: [uid]\n"
	    "nested: {a: [1, 2]}\nURL: ignored.example.org\n"
	    "url: pierone.example.org\n"), &err), 0);
	ck_assert_str_eq(cfg.url, "https://pierone.example.org");
	pierone_config_clear(&cfg);
}
END_TEST

START_TEST(config_load_tilde_url_is_null)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(pierone_config_load(&cfg,
	    write_config("url: ~\ntimeout: 30\n"), &err), 0);
	ck_assert_ptr_null(cfg.url);
	ck_assert_int_eq(cfg.timeout, 30);
	pierone_config_clear(&cfg);
}
END_TEST

START_TEST(config_load_null_and_empty_url_are_null)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(pierone_config_load(&cfg,
	    write_config("url: null\n"), &err), 0);
	ck_assert_ptr_null(cfg.url);
	pierone_config_clear(&cfg);
	ck_assert_int_eq(pierone_config_load(&cfg,
	    write_config("url:\n"), &err), 0);
	ck_assert_ptr_null(cfg.url);
	pierone_config_clear(&cfg);
}
END_TEST

START_TEST(config_load_accepts_quoted_values)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(pierone_config_load(&cfg, write_config(
	    "url: \"pierone.example.org\"\ntimeout: '30'\n"), &err), 0);
	ck_assert_str_eq(cfg.url, "https://pierone.example.org");
	ck_assert_int_eq(cfg.timeout, 30);
	pierone_config_clear(&cfg);
}
END_TEST

START_TEST(config_load_last_duplicate_key_wins)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(pierone_config_load(&cfg, write_config(
	    "url: first.example.org\nurl: second.example.org\n"), &err), 0);
	ck_assert_str_eq(cfg.url, "https://second.example.org");
	pierone_config_clear(&cfg);
}
END_TEST

START_TEST(config_load_rejects_list_as_url)
{
	assert_config_refused("url: [a.example.org, b.example.org]\n",
	    "'url' must be a single value");
}
END_TEST

START_TEST(config_load_rejects_mapping_as_url)
{
	assert_config_refused("url:\n  host: a.example.org\n",
	    "'url' must be a single value");
}
END_TEST

START_TEST(config_load_rejects_timeout_not_a_number)
{
	assert_config_refused("timeout: soon\n", "'timeout'");
	assert_config_refused("timeout: 1.5\n", "'timeout'");
	assert_config_refused("timeout: 10s\n", "'timeout'");
}
END_TEST

START_TEST(config_load_rejects_zero_timeout)
{
	assert_config_refused("timeout: 0\n", "'timeout'");
}
END_TEST

START_TEST(config_load_rejects_negative_timeout)
{
	assert_config_refused("timeout: -5\n", "'timeout'");
}
END_TEST

START_TEST(config_load_rejects_timeout_over_a_day)
{
	assert_config_refused("timeout: 86401\n", "'timeout'");
}
END_TEST

START_TEST(config_load_accepts_timeout_bounds)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(pierone_config_load(&cfg, write_config(
	    "timeout: 86400\nconnect_timeout: 1\n"), &err), 0);
	ck_assert_int_eq(cfg.timeout, 86400);
	ck_assert_int_eq(cfg.connect_timeout, 1);
	pierone_config_clear(&cfg);
}
END_TEST

START_TEST(config_load_rejects_bad_connect_timeout)
{
	assert_config_refused("connect_timeout: 0\n", "'connect_timeout'");
	assert_config_refused("connect_timeout: [5]\n",
	    "'connect_timeout' must be a single value");
}
END_TEST

START_TEST(config_env_overrides_file_values)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };
	const char *path = write_config("url: file.example.org\n"
	    "ca_bundle: /file/ca.pem\nconnect_timeout: 5\ntimeout: 120\n");

	setenv("PIERONE_URL", "http://env.example.org/", 1);
	setenv("PIERONE_TIMEOUT", "30", 1);
	setenv("PIERONE_CONNECT_TIMEOUT", "3", 1);
	setenv("PIERONE_CA_BUNDLE", "/env/ca.pem", 1);
	ck_assert_int_eq(pierone_config_load(&cfg, path, &err), 0);
	ck_assert_str_eq(cfg.url, "http://env.example.org");
	ck_assert_int_eq(cfg.timeout, 30);
	ck_assert_int_eq(cfg.connect_timeout, 3);
	ck_assert_str_eq(cfg.ca_bundle, "/env/ca.pem");
	ck_assert_str_eq(cfg.path, path);
	pierone_config_clear(&cfg);
	unsetenv("PIERONE_URL");
	unsetenv("PIERONE_TIMEOUT");
	unsetenv("PIERONE_CONNECT_TIMEOUT");
	unsetenv("PIERONE_CA_BUNDLE");
}
END_TEST

START_TEST(config_env_overrides_only_what_it_sets)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	setenv("PIERONE_TIMEOUT", "30", 1);
	ck_assert_int_eq(pierone_config_load(&cfg, write_config(
	    "url: file.example.org\ntimeout: 120\nconnect_timeout: 5\n"),
	    &err), 0);
	ck_assert_str_eq(cfg.url, "https://file.example.org");
	ck_assert_int_eq(cfg.timeout, 30);
	ck_assert_int_eq(cfg.connect_timeout, 5);
	pierone_config_clear(&cfg);
	unsetenv("PIERONE_TIMEOUT");
}
END_TEST

START_TEST(config_env_applies_without_a_file)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	setenv("PIERONE_URL", "env.example.org", 1);
	ck_assert_int_eq(pierone_config_load(&cfg, NULL, &err), 0);
	ck_assert_str_eq(cfg.url, "https://env.example.org");
	pierone_config_clear(&cfg);
	unsetenv("PIERONE_URL");
}
END_TEST

START_TEST(config_env_empty_value_is_ignored)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	setenv("PIERONE_URL", "", 1);
	setenv("PIERONE_TIMEOUT", "", 1);
	ck_assert_int_eq(pierone_config_load(&cfg, write_config(
	    "url: file.example.org\ntimeout: 120\n"), &err), 0);
	ck_assert_str_eq(cfg.url, "https://file.example.org");
	ck_assert_int_eq(cfg.timeout, 120);
	pierone_config_clear(&cfg);
	unsetenv("PIERONE_URL");
	unsetenv("PIERONE_TIMEOUT");
}
END_TEST

START_TEST(config_env_invalid_timeout_names_the_variable)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	setenv("PIERONE_TIMEOUT", "forever", 1);
	ck_assert_int_eq(pierone_config_load(&cfg, write_config(
	    "url: file.example.org\n"), &err), PIERONE_ECONFIG);
	ck_assert_msg(strstr(err.msg, "PIERONE_TIMEOUT") != NULL,
	    "message '%s'", err.msg);
	ck_assert_ptr_null(cfg.url);
	ck_assert_ptr_null(cfg.path);
	unsetenv("PIERONE_TIMEOUT");
}
END_TEST

START_TEST(config_env_invalid_connect_timeout_names_the_variable)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	setenv("PIERONE_CONNECT_TIMEOUT", "0", 1);
	ck_assert_int_eq(pierone_config_load(&cfg, NULL, &err),
	    PIERONE_ECONFIG);
	ck_assert_msg(strstr(err.msg, "PIERONE_CONNECT_TIMEOUT") != NULL,
	    "message '%s'", err.msg);
	unsetenv("PIERONE_CONNECT_TIMEOUT");
}
END_TEST

START_TEST(config_env_invalid_url_names_the_variable)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	setenv("PIERONE_URL", "ftp://env.example.org", 1);
	ck_assert_int_eq(pierone_config_load(&cfg, NULL, &err),
	    PIERONE_ECONFIG);
	ck_assert_msg(strstr(err.msg, "PIERONE_URL") != NULL,
	    "message '%s'", err.msg);
	ck_assert_msg(strstr(err.msg, "ftp://env.example.org") != NULL,
	    "message '%s'", err.msg);
	ck_assert_ptr_null(cfg.url);
	unsetenv("PIERONE_URL");
}
END_TEST

START_TEST(config_clear_null_is_noop)
{
	pierone_config_clear(NULL);
}
END_TEST

START_TEST(config_clear_zeroes_the_struct)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(pierone_config_load(&cfg, write_config(
	    "url: a.example.org\nca_bundle: /ca\ntimeout: 9\n"), &err), 0);
	pierone_config_clear(&cfg);
	ck_assert_ptr_null(cfg.url);
	ck_assert_ptr_null(cfg.ca_bundle);
	ck_assert_ptr_null(cfg.path);
	ck_assert_int_eq(cfg.timeout, 0);
	ck_assert_int_eq(cfg.connect_timeout, 0);
	pierone_config_clear(&cfg);	/* twice is harmless */
}
END_TEST

/* ------------------------------------------------------------------ */

START_TEST(url_normalize_adds_https)
{
	assert_url("pierone.example.org", "https://pierone.example.org");
	assert_url("localhost:5000", "https://localhost:5000");
	assert_url("127.0.0.1", "https://127.0.0.1");
	assert_url("[::1]:8080", "https://[::1]:8080");
}
END_TEST

START_TEST(url_normalize_keeps_https_and_http)
{
	assert_url("https://pierone.example.org",
	    "https://pierone.example.org");
	assert_url("http://localhost:8080", "http://localhost:8080");
}
END_TEST

START_TEST(url_normalize_drops_trailing_slashes)
{
	assert_url("pierone.example.org/", "https://pierone.example.org");
	assert_url("https://pierone.example.org///",
	    "https://pierone.example.org");
	assert_url("http://h/registry/", "http://h/registry");
}
END_TEST

START_TEST(url_normalize_lowercases_scheme_only)
{
	assert_url("HTTPS://Pierone.Example.ORG",
	    "https://Pierone.Example.ORG");
	assert_url("HtTp://X", "http://X");
}
END_TEST

START_TEST(url_normalize_trims_whitespace)
{
	assert_url("  pierone.example.org \n", "https://pierone.example.org");
	assert_url("\thttps://h/ ", "https://h");
}
END_TEST

START_TEST(url_normalize_keeps_path_and_port)
{
	assert_url("https://h:8443/a/b", "https://h:8443/a/b");
	/* an '@' in the path is no user info */
	assert_url("https://h/a@b", "https://h/a@b");
}
END_TEST

START_TEST(url_normalize_refuses_user_info_without_showing_it)
{
	static const char *const urls[] = {
		"https://user@h:8443/a/b", "https://u:pw-S3CR3T@h",
		"u:pw-S3CR3T@h/x", "http://a@b@h",
	};
	struct pierone_err err = { 0 };
	char *out;

	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		ck_assert_int_eq(pierone_url_normalize(&out, urls[i], &err),
		    PIERONE_ECONFIG);
		ck_assert_ptr_null(out);
		ck_assert_ptr_nonnull(strstr(err.msg, "user name or password"));
		ck_assert_msg(strstr(err.msg, "S3CR3T") == NULL &&
		    strstr(err.msg, "user@") == NULL && strstr(err.msg, "a@") ==
		    NULL, "shown: %s", err.msg);
	}
}
END_TEST

START_TEST(url_normalize_rejects_other_schemes)
{
	assert_url_refused("ftp://pierone.example.org", "unsupported URL");
	assert_url_refused("file:///etc/passwd", "unsupported URL");
	assert_url_refused("docker://h", "only http:// and https://");
}
END_TEST

START_TEST(url_normalize_rejects_empty)
{
	assert_url_refused("", "empty");
	assert_url_refused("   ", "empty");
	assert_url_refused(NULL, "empty");
}
END_TEST

START_TEST(url_normalize_rejects_missing_host)
{
	assert_url_refused("https://", "no host");
	assert_url_refused("http:///", "no host");
	assert_url_refused("https:///path", "no host");
	assert_url_refused("/path", "no host");
	assert_url_refused("//", "no host");
}
END_TEST

START_TEST(url_normalize_rejects_spaces_and_controls)
{
	assert_url_refused("pierone example.org", "invalid URL");
	assert_url_refused("https://h/a b", "invalid URL");
	assert_url_refused("h\x7fx", "invalid URL");
	assert_url_refused("h\x01x", "invalid URL");
}
END_TEST

/* libcurl's URL parser has the last word on host and port. */
START_TEST(url_normalize_rejects_what_curl_cannot_parse)
{
	assert_url_refused("h:99999", "invalid URL");
	assert_url_refused("https://h:abc/x", "invalid URL");
	assert_url_refused("[zz]:80", "invalid URL");
	assert_url("[::1]:8080/p", "https://[::1]:8080/p");
}
END_TEST

START_TEST(url_normalize_rejects_query_and_fragment)
{
	assert_url_refused("https://h/?x=1", "invalid URL");
	assert_url_refused("h#top", "invalid URL");
}
END_TEST

Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *def = tcase_create("default_path");
	TCase *load = tcase_create("load");
	TCase *env = tcase_create("env");
	TCase *url = tcase_create("url");

#ifndef __APPLE__
	tcase_add_checked_fixture(def, setup, teardown);
	tcase_add_test(def, config_default_path_uses_absolute_xdg_config_home);
	tcase_add_test(def, config_default_path_drops_trailing_slash_of_xdg);
	tcase_add_test(def,
	    config_default_path_ignores_relative_xdg_config_home);
	tcase_add_test(def, config_default_path_ignores_empty_xdg_config_home);
	tcase_add_test(def, config_default_path_falls_back_to_home);
	suite_add_tcase(s, def);
#else
	(void)def;
#endif

	tcase_add_checked_fixture(load, setup, teardown);
	tcase_add_test(load, config_load_reads_all_keys);
	tcase_add_test(load, config_load_reads_fixture_file);
	tcase_add_test(load, config_load_reads_default_path);
	tcase_add_test(load, config_load_adds_https_to_url_without_scheme);
	tcase_add_test(load, config_load_drops_trailing_slashes_of_url);
	tcase_add_test(load, config_load_keeps_http_url);
	tcase_add_test(load, config_load_rejects_ftp_url);
	tcase_add_test(load, config_load_missing_default_file_gives_defaults);
	tcase_add_test(load, config_load_missing_explicit_file_is_an_error);
	tcase_add_test(load, config_load_directory_is_an_error);
	tcase_add_test(load, config_load_reports_line_of_invalid_yaml);
	tcase_add_test(load, config_load_reports_line_of_tab_indentation);
	tcase_add_test(load, config_load_rejects_list_root);
	tcase_add_test(load, config_load_rejects_scalar_root);
	tcase_add_test(load, config_load_accepts_empty_file);
	tcase_add_test(load, config_load_accepts_file_of_comments);
	tcase_add_test(load, config_load_ignores_unknown_keys);
	tcase_add_test(load, config_load_tilde_url_is_null);
	tcase_add_test(load, config_load_null_and_empty_url_are_null);
	tcase_add_test(load, config_load_accepts_quoted_values);
	tcase_add_test(load, config_load_last_duplicate_key_wins);
	tcase_add_test(load, config_load_rejects_list_as_url);
	tcase_add_test(load, config_load_rejects_mapping_as_url);
	tcase_add_test(load, config_load_rejects_timeout_not_a_number);
	tcase_add_test(load, config_load_rejects_zero_timeout);
	tcase_add_test(load, config_load_rejects_negative_timeout);
	tcase_add_test(load, config_load_rejects_timeout_over_a_day);
	tcase_add_test(load, config_load_accepts_timeout_bounds);
	tcase_add_test(load, config_load_rejects_bad_connect_timeout);
	tcase_add_test(load, config_clear_null_is_noop);
	tcase_add_test(load, config_clear_zeroes_the_struct);
	suite_add_tcase(s, load);

	tcase_add_checked_fixture(env, setup, teardown);
	tcase_add_test(env, config_env_overrides_file_values);
	tcase_add_test(env, config_env_overrides_only_what_it_sets);
	tcase_add_test(env, config_env_applies_without_a_file);
	tcase_add_test(env, config_env_empty_value_is_ignored);
	tcase_add_test(env, config_env_invalid_timeout_names_the_variable);
	tcase_add_test(env,
	    config_env_invalid_connect_timeout_names_the_variable);
	tcase_add_test(env, config_env_invalid_url_names_the_variable);
	suite_add_tcase(s, env);

	tcase_add_test(url, url_normalize_adds_https);
	tcase_add_test(url, url_normalize_rejects_what_curl_cannot_parse);
	tcase_add_test(url, url_normalize_keeps_https_and_http);
	tcase_add_test(url, url_normalize_drops_trailing_slashes);
	tcase_add_test(url, url_normalize_lowercases_scheme_only);
	tcase_add_test(url, url_normalize_trims_whitespace);
	tcase_add_test(url, url_normalize_keeps_path_and_port);
	tcase_add_test(url, url_normalize_refuses_user_info_without_showing_it);
	tcase_add_test(url, url_normalize_rejects_other_schemes);
	tcase_add_test(url, url_normalize_rejects_empty);
	tcase_add_test(url, url_normalize_rejects_missing_host);
	tcase_add_test(url, url_normalize_rejects_spaces_and_controls);
	tcase_add_test(url, url_normalize_rejects_query_and_fragment);
	suite_add_tcase(s, url);
	return s;
}
