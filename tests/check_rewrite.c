/*
 * Rewriting Docker's config.json through the library: strict RFC 8259
 * (what cJSON would let through is refused, the file left byte for byte),
 * \u0000 in strings and keys kept, no rewrite past the size the next run
 * reads, and a full disk reported with the file intact.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "tests.h"
#include "internal.h"

#define REG	"https://pierone.example.org"

static char *home;		/* the test's temporary directory */

static void
setup(void)
{
	home = test_tmpdir();
}

static void
teardown(void)
{
	test_rmtree(home);
	free(home);
	home = NULL;
}

static const char *
hpath(const char *rel)
{
	static char path[2][1024];
	static int i;

	i = !i;
	test_fmt(path[i], sizeof(path[i]), "%s/%s", home, rel);
	return path[i];
}

/* In a child with its own mounts, `dir` a 64 KiB tmpfs; false: cannot. */
static bool
small_tmpfs(const char *dir)
{
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
		return false;
	return mount("tmpfs", dir, "tmpfs", 0, "size=64k") == 0;
}

START_TEST(full_disk_is_a_clear_error_and_the_file_stays)
{
	const char *dir = hpath("small"), *path = hpath("small/config.json");
	pid_t pid;
	int st;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	if ((pid = fork()) == 0) {
		struct pierone_err err = { 0 };
		char *text = calloc(1, 40001), *after;

		if (!small_tmpfs(dir))
			_exit(77);
		memset(text, 'x', 40000);
		memcpy(text, "{\"pad\": \"", 9);
		memcpy(text + 39998, "\"}", 2);
		test_write_file(path, text);
		if (pierone_docker_store_auth(path, PIERONE_DOCKER_CONFIG_JSON,
		    REG, "T0KEN", NULL, &err) == 0 ||
		    strstr(err.msg, "no space left") == NULL ||
		    strstr(err.msg, path) == NULL) {
			fprintf(stderr, "full disk: %s\n", err.msg);
			_exit(1);
		}
		after = test_slurp(path, NULL);
		st = after != NULL && strcmp(after, text) == 0 &&
		    test_count_temporaries(dir, true) == 0 ? 0 : 2;
		free(after);
		free(text);
		_exit(st);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77) {
		struct pierone_err err = { 0 };

		fprintf(stderr, "note: no private mounts here; "
		    "full_disk_is_a_clear_error_and_the_file_stays checks "
		    "only that a store with room leaves no temporary file\n");
		ck_assert_int_eq(pierone_docker_store_auth(path,
		    PIERONE_DOCKER_CONFIG_JSON, REG, "T0KEN", NULL, &err), 0);
		ck_assert_int_eq(test_count_temporaries(dir, true), 0);
		return;
	}
	ck_assert_msg(WEXITSTATUS(st) == 0, "status %d: 1 message, 2 the "
	    "file or a temporary one", WEXITSTATUS(st));
}
END_TEST

/* ------------------------------------------------------------------
 * Strict JSON where config.json is rewritten
 */

/* Store into a file holding `text` (len bytes): refused, byte for byte. */
static void
assert_store_refused(const char *text, size_t len, const char *what)
{
	const char *path = hpath("config.json");
	struct pierone_err err = { 0 };
	char *after;
	size_t alen;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	ck_assert_msg(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, "T0KEN", NULL, &err) != 0,
	    "accepted %s", what);
	ck_assert_msg(strstr(err.msg, path) != NULL, "%s: message '%s' does "
	    "not name the file", what, err.msg);
	after = test_slurp(path, &alen);
	ck_assert_msg(alen == len && memcmp(after, text, len) == 0,
	    "%s: the file changed", what);
	free(after);
}

START_TEST(docker_config_that_is_not_strict_json_is_refused)
{
	static const char *const bad[] = {
		"{\"a\": 01}", "{\"a\": 1.}", "{\"a\": -01.5}", "{\"a\": 1.e5}",
		"{\"a\": \"\\x41\"}", "{\"a\": \"\\u12\"}",
		"{\"a\": \"tab\there\"}", "{\"a\": \"new\nline\"}",
		"{\"a\": 1,}", "{\"a\": [1, 2,]}", "{\"auths\": {},}",
		"{\"a\":\x01 1}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_store_refused(bad[i], strlen(bad[i]), bad[i]);
}
END_TEST

START_TEST(escaped_nul_in_docker_config_strings_and_keys_is_kept)
{
	const char *path = hpath("config.json");
	const char *text = "{\"k\\u0000x\": \"v\\u0000w\", \"auths\": "
	    "{\"" REG "\\u0000evil\": {\"auth\": \"a2VlcA==\"}}}";
	struct pierone_err err = { 0 };
	cJSON *root, *auths;
	char *after;

	test_write_file(path, text);
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, "T0KEN", NULL, &err), 0);
	after = test_slurp(path, NULL);
	ck_assert_msg(strstr(after, "\"k\\u0000x\":\t\"v\\u0000w\"") != NULL,
	    "\\u0000 lost: %s", after);
	ck_assert_msg(strstr(after, "\"" REG "\\u0000evil\"") != NULL,
	    "the other key was cut: %s", after);
	ck_assert_msg(strstr(after, "a2VlcA==") != NULL, "its entry went: %s",
	    after);
	root = cJSON_Parse(after);
	auths = cJSON_GetObjectItem(root, "auths");
	ck_assert_int_eq(cJSON_GetArraySize(auths), 2);
	cJSON_Delete(root);
	free(after);
}
END_TEST

/* Docker (Go) reads "\u0000desktop" as a helper's name, not as "". */
START_TEST(escaped_nul_in_creds_store_still_shadows_the_entry)
{
	const char *path = hpath("config.json");
	struct pierone_err err = { 0 };
	bool shadowed = false;

	test_write_file(path, "{\"credsStore\": \"\\u0000desktop\"}");
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, "T0KEN", &shadowed, &err), 0);
	ck_assert(shadowed);
}
END_TEST

START_TEST(a_rewrite_never_grows_the_file_past_the_size_limit)
{
	const char *path = hpath("config.json");
	struct pierone_err err = { 0 };
	size_t len = PIERONE_MAX_FILE - 16;
	char *text = malloc(len + 1), *after;
	size_t alen;
	int fd;

	ck_assert_ptr_nonnull(text);
	memset(text, 'x', len);
	memcpy(text, "{\"pad\": \"", 9);
	memcpy(text + len - 3, "\"}\n", 3);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	ck_assert_int_ne(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, "T0KEN", NULL, &err), 0);
	ck_assert_msg(strstr(err.msg, path) != NULL && strstr(err.msg,
	    "too large") != NULL, "unclear: %s", err.msg);
	after = test_slurp(path, &alen);
	ck_assert_msg(alen == len && memcmp(after, text, len) == 0,
	    "the file changed");
	free(after);
	free(text);
}
END_TEST

Suite *
rewrite_suite(void)
{
	Suite *s = suite_create("rewrite");
	TCase *tc = tcase_create("rewrite");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, docker_config_that_is_not_strict_json_is_refused);
	tcase_add_test(tc, escaped_nul_in_docker_config_strings_and_keys_is_kept);
	tcase_add_test(tc, escaped_nul_in_creds_store_still_shadows_the_entry);
	tcase_add_test(tc, a_rewrite_never_grows_the_file_past_the_size_limit);
	tcase_add_test(tc, full_disk_is_a_clear_error_and_the_file_stays);
	suite_add_tcase(s, tc);
	return s;
}
