/*
 * pierone inspect-contents end to end: the built binary against the fake
 * registry serving tests/data/layers.json and the layer files under
 * tests/data/layers (see the README there).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"

#define TOKEN "test-token-0123456789"
#define APP_LAYER \
	"8dc733620967318db2e32444fb4a136e2baddc96223149b81463592bdf284425"
#define BASE_LAYER \
	"7acb1913270f593eafbcfc8aed02b6b51c2904873391edddd91f9d1d26999ac2"
#define HEAD_TSV "layer_index\tlayer_id\tmode\tname\tsize\t" \
	"created_time\n1\t" APP_LAYER "\tdrwxr-xr-x\t./\t0\t"
#define HEAD_TEXT "Idx\u2502Layer           \u2502Mode      " \
	"\u2502Name         \u2502Size\u2502Created  \n"
#define EMPTY_LAYER "sha256:" \
	"b1dd88cdd8bf09af2539d0b345e647129d8fd55c92b6d824b6ecc53efd531028"
#define FORGED "sha256:" \
	"ccdd35168ab474fa5764a526cfb83621351e23682c5075b2e18d56bddf96aa30"
#define BAD_LAYER "sha256:" \
	"ebfa93d90ccb16ee266df51a1a5b302b0feecc87e1203de469dcb1b33cb00ac6"

static void
setup(void)
{
	const char *args[] = { "--data", test_data("layers.json"), "--token",
	    TOKEN, NULL };

	site_open("pierone=" TOKEN, 0);
	site_fake_start(args, NULL);
}

static void
teardown(void)
{
	site_close(true);
}

/* Run pierone inspect-contents ARGS... (NULL-ended) with base_env. */
static void
inspect(struct run *r, ...)
{
	const char *argv[32] = { getenv("PIERONE_BIN"), "inspect-contents" };
	va_list ap;
	int n = 2;

	ck_assert_msg(argv[0] != NULL, "PIERONE_BIN is not set");
	va_start(ap, r);
	while (n < 31 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	run_cmd(r, argv, site.env);
}

#define inspect(r, ...) inspect(r, __VA_ARGS__, (const char *)NULL)

static void
assert_failed(const struct run *r, const char *what)
{
	test_assert_failed(r, 1, what);
}

START_TEST(default_lists_the_top_layer_with_files_of_the_latest_tag)
{
	struct run r;

	/* The latest tag is 1.0, whose top layer is empty: app is shown. */
	inspect(&r, "myteam", "img", "-o", "tsv");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.err, "");
	ck_assert_msg(strncmp(r.out, HEAD_TSV, strlen(HEAD_TSV)) == 0,
	    "stdout: %s", r.out);
	ck_assert_int_eq(test_count(r.out, "\n"), 4);
	ck_assert_ptr_nonnull(strstr(r.out, "-rw-r--r--\t./app/main.py\t12\t"));
	ck_assert_ptr_null(strstr(r.out, "./etc/passwd"));
	run_free(&r);
}
END_TEST

START_TEST(text_output_cuts_the_layer_id_to_16_and_aligns_numbers)
{
	struct run r;

	inspect(&r, "myteam", "img", "1.0");
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strncmp(r.out, HEAD_TEXT, strlen(HEAD_TEXT)) == 0,
	    "stdout: %s", r.out);
	/* numbers right-aligned, as 0.22 (clickclick) aligned ints */
	ck_assert_msg(strstr(r.out, "\n  1 8dc73362096731.. "
	    "-rw-r--r-- ./app/main.py   12 ") != NULL, "stdout: %s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(limit_zero_lists_every_layer)
{
	struct run r;

	inspect(&r, "myteam", "img", "1.0", "-l", "0", "-o", "tsv");
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(test_count(r.out, "\n"), 9);
	ck_assert_ptr_nonnull(strstr(r.out, "\n0\t" BASE_LAYER
	    "\t-rw-r--r--\t./etc/passwd\t30\t"));
	/* the top layer first */
	ck_assert_ptr_nonnull(strstr(r.out, "./bin/hello"));
	ck_assert(strstr(r.out, "./app/main.py") < strstr(r.out, "./bin/hello"));
	run_free(&r);
}
END_TEST

START_TEST(json_output_is_exact)
{
	struct run r;
	char *want;

	ck_assert_ptr_nonnull(want = test_slurp(
	    test_data("layers/expected-1.0-all.json"), NULL));
	inspect(&r, "-o", "json", "-l", "0", "myteam", "img", "1.0");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.err, "");
	ck_assert_str_eq(r.out, want);
	run_free(&r);
	/* Schema 1 lists the same layers top first: the same files. */
	inspect(&r, "-o", "json", "-l", "0", "myteam", "img", "v1");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, want);
	run_free(&r);
	free(want);
}
END_TEST

START_TEST(unknown_tag_fails)
{
	struct run r;

	inspect(&r, "myteam", "img", "nope");
	assert_failed(&r, "no manifest for 'myteam/img:nope'");
	run_free(&r);
}
END_TEST

START_TEST(unknown_artifact_fails)
{
	struct run r;

	inspect(&r, "myteam", "nope");
	assert_failed(&r, "artifact 'myteam/nope' not found");
	run_free(&r);
}
END_TEST

START_TEST(corrupt_layer_fails_naming_it)
{
	struct run r;

	inspect(&r, "myteam", "img", "bad");
	assert_failed(&r, "layer " BAD_LAYER " of 'myteam/img:bad' is not a "
	    "valid archive");
	run_free(&r);
}
END_TEST

START_TEST(manifest_without_layers_fails)
{
	struct run r;

	inspect(&r, "myteam", "img", "nolayers");
	assert_failed(&r, "manifest lists no layers");
	run_free(&r);
}
END_TEST

START_TEST(no_progress_when_stderr_is_not_a_terminal)
{
	struct run r;

	inspect(&r, "myteam", "img", "1.0", "-l", "0");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.err, "");
	ck_assert_ptr_null(strchr(r.out, '\r'));
	run_free(&r);
}
END_TEST

START_TEST(bad_limit_is_a_usage_error)
{
	struct run r;

	inspect(&r, "myteam", "img", "-l", "x");
	ck_assert_int_eq(r.status, 2);
	ck_assert_str_eq(r.out, "");
	ck_assert_ptr_nonnull(strstr(r.err, "invalid limit 'x'"));
	run_free(&r);
}
END_TEST

START_TEST(declared_sizes_are_kept_to)
{
	struct run r;

	/* "sized" declares each layer's true size: read as ever. */
	inspect(&r, "-o", "tsv", "-l", "0", "myteam", "img", "sized");
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_int_eq(test_count(r.out, "\n"), 9);
	run_free(&r);
}
END_TEST

START_TEST(a_layer_longer_than_its_manifest_declares_fails_naming_it)
{
	struct run r;

	inspect(&r, "myteam", "img", "declared");
	assert_failed(&r, "cannot download layer sha256:" BASE_LAYER ": GET ");
	ck_assert_ptr_nonnull(strstr(r.err, ": larger than the 1 byte its "
	    "manifest declares\n"));
	run_free(&r);
}
END_TEST

START_TEST(a_layer_that_does_not_match_its_digest_fails_naming_it)
{
	struct run r;

	inspect(&r, "myteam", "img", "forged");
	assert_failed(&r, "layer " FORGED " does not match its digest");
	ck_assert_ptr_null(strstr(r.out, "main.py"));
	run_free(&r);
}
END_TEST

/*
 * A registry that sends a layer without end: pierone stops at the size
 * the manifest declares, or without one (schema 1) at max_response_mib,
 * and leaves nothing behind in $TMPDIR.
 */
static void
endless(struct run *r, const char *tag, const char *max_mib)
{
	const char *args[] = { "--data", test_data("layers.json"), "--token",
	    TOKEN, "--fault", "endless@/blobs/", NULL };
	const char *argv[] = { getenv("PIERONE_BIN"), "inspect-contents",
	    "myteam", "img", tag, NULL };
	char env_tmp[512], env_max[64];
	const char *env[] = { site.env_home, site.env_url, site.env_tokens,
	    env_tmp, env_max,
	    "XDG_CONFIG_HOME", "CREDENTIALS_DIR", "PIERONE_TIMEOUT=20", NULL };

	site_fake_restart(args);
	test_fmt(env_tmp, sizeof(env_tmp), "TMPDIR=%s", site.home);
	test_fmt(env_max, sizeof(env_max), "PIERONE_MAX_RESPONSE_MIB=%s",
	    max_mib);
	run_cmd(r, argv, env);
}

START_TEST(an_endless_layer_stops_at_its_declared_size)
{
	struct run r;

	endless(&r, "sized", "1024");
	assert_failed(&r, "cannot download layer " EMPTY_LAYER ": GET ");
	ck_assert_ptr_nonnull(strstr(r.err, ": larger than the 45 bytes its "
	    "manifest declares\n"));
	run_free(&r);
}
END_TEST

START_TEST(an_endless_layer_without_a_size_stops_at_max_response_mib)
{
	struct run r;

	endless(&r, "v1", "1");
	assert_failed(&r, "response larger than 1048576 bytes refused (see "
	    "max_response_mib)");
	run_free(&r);
}
END_TEST

Suite *
inspect_suite(void)
{
	Suite *s = suite_create("inspect");
	TCase *tc = tcase_create("inspect-contents");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, default_lists_the_top_layer_with_files_of_the_latest_tag);
	tcase_add_test(tc, text_output_cuts_the_layer_id_to_16_and_aligns_numbers);
	tcase_add_test(tc, limit_zero_lists_every_layer);
	tcase_add_test(tc, json_output_is_exact);
	tcase_add_test(tc, unknown_tag_fails);
	tcase_add_test(tc, unknown_artifact_fails);
	tcase_add_test(tc, corrupt_layer_fails_naming_it);
	tcase_add_test(tc, manifest_without_layers_fails);
	tcase_add_test(tc, no_progress_when_stderr_is_not_a_terminal);
	tcase_add_test(tc, bad_limit_is_a_usage_error);
	tcase_add_test(tc, declared_sizes_are_kept_to);
	tcase_add_test(tc, a_layer_longer_than_its_manifest_declares_fails_naming_it);
	tcase_add_test(tc, a_layer_that_does_not_match_its_digest_fails_naming_it);
	tcase_add_test(tc, an_endless_layer_stops_at_its_declared_size);
	tcase_add_test(tc, an_endless_layer_without_a_size_stops_at_max_response_mib);
	suite_add_tcase(s, tc);
	return s;
}
