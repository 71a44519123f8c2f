/*
 * The Check suites of libpierone and pierone(1), one file per module, all
 * run by check_main.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef PIERONE_TESTS_H
#define PIERONE_TESTS_H

#include <sys/types.h>

#include <check.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

Suite *time_suite(void);	/* check_time.c */
Suite *names_suite(void);	/* check_names.c */
Suite *json_suite(void);	/* check_json.c */
Suite *latest_suite(void);	/* check_latest.c */
Suite *jscan_suite(void);	/* check_jscan.c */
Suite *config_suite(void);	/* check_config.c */
Suite *token_suite(void);	/* check_token.c */
Suite *http_suite(void);	/* check_http.c */
Suite *output_suite(void);	/* check_output.c */
Suite *cli_suite(void);		/* check_cli.c */
Suite *inspect_suite(void);	/* check_inspect.c */
Suite *login_suite(void);	/* check_login.c */
Suite *dockercfg_suite(void);	/* check_dockercfg.c */
Suite *tty_suite(void);		/* check_tty.c */
Suite *cache_suite(void);	/* check_cache.c */
Suite *faults_suite(void);
Suite *serverdata_suite(void);	/* check_serverdata.c */
Suite *configpath_suite(void);	/* check_configpath.c */
Suite *regauth_suite(void);	/* check_regauth.c */
Suite *v2_suite(void);		/* check_v2.c */
Suite *describe_suite(void);	/* check_describe.c */
Suite *files_suite(void);	/* check_files.c */
Suite *rewrite_suite(void);	/* check_rewrite.c */
Suite *filters_suite(void);	/* check_filters.c */
Suite *reference_suite(void);	/* check_reference.c */
Suite *ramp_suite(void);	/* check_ramp.c */

/* harness.c ------------------------------------------------------------ */

/* Directory of the fixture files (tests/data), from $TEST_DATA. */
const char *test_data_dir(void);
/* "$TEST_DATA/name" in a static buffer. */
const char *test_data(const char *name);
/* Read a whole file into a malloc'd NUL-terminated string; NULL on error. */
char *test_slurp(const char *path, size_t *len);
/* snprintf() that fails the test instead of truncating. */
void test_fmt(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Write a file (mode 0600), creating it. */
void test_write_file(const char *path, const char *content);
/* "dir/rel" in a static buffer, one of four used in turn. */
const char *test_path(const char *dir, const char *rel);
/* Write dir/rel with `mode`, making its parent directory (0700) if need be. */
void test_put(const char *dir, const char *rel, const char *content,
    mode_t mode);

/*
 * Secrets: run_cmd() fails the test when a known test token or password
 * shows in what the program printed (stdout is allowed to carry one only
 * while test_stdout_may_hold_secret is set, as for the credential helper's
 * "get"); test_assert_no_secrets() fails it when one is in any file under
 * `dir` but those meant to hold it (tokens.yaml, config.json, .dockercfg,
 * ...).  fake_stop() checks the registry's request log that way.
 */
extern bool test_stdout_may_hold_secret;
void test_assert_no_secrets(const char *dir);

/*
 * Remember and unset the variables `names` for a library-level test, so
 * that the user's environment cannot leak in (also with CK_FORK=no);
 * test_env_restore() puts them back.
 */
void test_env_isolate(const char *const *names, size_t n);
void test_env_restore(void);

/*
 * How many names in `dir` look like a temporary copy of a file
 * (".NAME.pierone-PID.XXXXXX", or an older "NAME.XXXXXX"); `print` lists
 * them on stderr.
 */
int test_count_temporaries(const char *dir, bool print);
/*
 * How many lock files ("*.lock") are anywhere under `root` (an update
 * leaves none); `print` lists them on stderr.
 */
int test_count_locks(const char *root, bool print);

/* A fresh temporary directory (mkdtemp); removed by test_rmtree(). */
char *test_tmpdir(void);
void test_rmtree(const char *dir);

/* The fake registry (tests/fake_*.c, tests/fake.h), started by tests. */
struct fake {
	int pid;
	int port;
	char url[64];		/* http://127.0.0.1:PORT */
	char log[256];		/* request log file, in a temp dir */
	char *dir;
};

/*
 * Start $FAKE_REGISTRY with `args` (NULL-terminated, without --port or
 * --log, which are added), wait until it reports its port.  Fails the test
 * when it cannot start.
 */
void fake_start(struct fake *f, const char *const *args);
void fake_stop(struct fake *f);
/* The request log so far (caller frees), "" when nothing was requested. */
char *fake_log(const struct fake *f);

/* Run a program and capture what it wrote. */
struct run {
	int status;		/* exit status, or 128 + signal */
	char *out;
	char *err;
};

/*
 * Run argv with the environment `env` added to (NAME=VALUE entries, or
 * NAME alone to unset it), stdin from /dev/null.
 */
void run_cmd(struct run *r, const char *const *argv, const char *const *env);
/* The same with `input` (NULL: /dev/null) on the child's stdin. */
void run_cmd_input(struct run *r, const char *const *argv,
    const char *const *env, const char *input);
void run_free(struct run *r);
/*
 * Run $PIERONE_BIN with the arguments in `ap` (NULL-ended) and the
 * environment `base` plus `env` (each NULL-ended, or NULL).
 */
void run_pierone_v(struct run *r, const char *const *base,
    const char *const *env, va_list ap);

/*
 * The site of a pierone(1) test: one fake registry, a throwaway HOME and
 * the environment every run gets (HOME, PIERONE_URL of the fake, the
 * token, and the user's settings unset so that none leaks in).  One per
 * test: site_open() and site_fake_start() in the setup, site_close() in
 * the teardown.
 */
struct site {
	struct fake fake;
	char *home;
	char env_home[512], env_url[128], env_tokens[160], env_path[600];
	const char *env[24];	/* NULL-ended */
};
extern struct site site;

#define SITE_HOME_BIN	0x1	/* PATH=$HOME/bin:/bin:/usr/bin */

/*
 * A fresh HOME and the environment; `tokens` the value of
 * OAUTH2_ACCESS_TOKENS ("pierone=TOKEN"), NULL for none.
 */
void site_open(const char *tokens, int flags);
/* Start the fake with `args` then `extra` (NULL-ended; extra may be NULL). */
void site_fake_start(const char *const *args, const char *const *extra);
/* Stop the fake and start it again with `args`; PIERONE_URL follows. */
void site_fake_restart(const char *const *args);
/* Stop the fake; check HOME holds no secret if asked; remove HOME. */
void site_close(bool check_home);
/* Run $PIERONE_BIN with site.env plus `env` (NULL-ended or NULL), the
 * arguments NULL-ended. */
void site_pierone(struct run *r, const char *const *env, ...);
#define site_run(r, ...) site_pierone(r, NULL, __VA_ARGS__, (const char *)NULL)

/* How many times `what` occurs in `s`. */
int test_count(const char *s, const char *what);
/*
 * A failure of pierone: exit `status`, nothing on stdout, stderr starts
 * "pierone: " and names `what`; one line only when the status is 1.
 */
void test_assert_failed(const struct run *r, int status, const char *what);

#endif /* PIERONE_TESTS_H */
