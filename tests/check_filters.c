/*
 * tags and latest: --filter, --exclude, --all (signature tags), --sort,
 * -r, and -v after the command's name; over Pier One's API and v2.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pierone.h"
#include "tests.h"

#define TOKEN "test-token-filters"
#define SIG_A "sha256-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaa"
#define SIG_B "sha256-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" \
	"bbbbbbbbbbbbbbbbbbbbbbbb"

/* The fake with filters.json over `api` ("pierone" or "v2"). */
static void
start(const char *api)
{
	const char *args[] = { "--data", test_data("filters.json"),
	    "--token", TOKEN, "--api", api, "--auth", "none", NULL };

	site_open("pierone=" TOKEN, 0);
	site_fake_start(args, NULL);
}

static void
setup_v2(void)
{
	start("v2");
}

static void
setup_pierone(void)
{
	start("pierone");
}

static void
teardown(void)
{
	site_close(true);
}

#define pierone(r, ...) site_run(r, __VA_ARGS__)

/* The tag column of `tags -o tsv` output, one name per line. */
static char *
tag_column(const struct run *r)
{
	char *out = calloc(1, strlen(r->out) + 1), *copy, *line, *save = NULL;
	bool header = true;

	ck_assert_ptr_nonnull(out);
	copy = strdup(r->out);
	ck_assert_ptr_nonnull(copy);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		const char *tab1 = strchr(line, '\t'), *tab2;

		ck_assert_ptr_nonnull(tab1);
		tab2 = strchr(tab1 + 1, '\t');
		ck_assert_ptr_nonnull(tab2);
		if (header) {
			header = false;
			continue;
		}
		tab1 = strchr(tab2 + 1, '\t');
		strncat(out, tab2 + 1, tab1 != NULL ? (size_t)(tab1 - tab2 - 1) :
		    strlen(tab2 + 1));
		strcat(out, "\n");
	}
	free(copy);
	return out;
}

/* `tags -o tsv acid app ARGS...` succeeds with these tags, in order. */
static void
assert_tags(const char *want, ...)
{
	const char *argv[16] = { "tags", "-o", "tsv", "-l", "0" };
	size_t n = 5;
	struct run r;
	va_list ap;
	char *got;

	va_start(ap, want);
	while (n < 13 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n++] = "acid";
	argv[n++] = "app";
	argv[n] = NULL;
	site_pierone(&r, NULL, argv[0], argv[1], argv[2], argv[3], argv[4],
	    argv[5], argv[6], argv[7], argv[8], argv[9], argv[10], argv[11],
	    argv[12], argv[13], argv[14], (const char *)NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.err, "");
	got = tag_column(&r);
	ck_assert_str_eq(got, want);
	free(got);
	run_free(&r);
}
#define ASSERT_TAGS(...) assert_tags(__VA_ARGS__, (const char *)NULL)

/* ------------------------------------------------------------------ v2 */

START_TEST(v2_hides_signature_tags_unless_all)
{
	ASSERT_TAGS("nightly\n1.8\nsha256-abc.sig\n1.9\n1.10\n2.0-rc1\n"
	    "2.1-SNAPSHOT\n");
	ASSERT_TAGS("nightly\n1.8\nsha256-abc.sig\n1.9\n1.10\n2.0-rc1\n"
	    "2.1-SNAPSHOT\n" SIG_A ".sig\n" SIG_B ".att\n" SIG_B ".sbom\n",
	    "--all");
}
END_TEST

START_TEST(v2_latest_passes_over_signature_tags)
{
	struct run r;

	/* the .sbom is the newest of all */
	pierone(&r, "latest", "acid", "app");
	ck_assert_str_eq(r.err, "");
	ck_assert_str_eq(r.out, "2.1-SNAPSHOT\n");
	run_free(&r);
	pierone(&r, "latest", "--all", "acid", "app");
	ck_assert_str_eq(r.out, SIG_B ".sbom\n");
	run_free(&r);
}
END_TEST

/* Tags a filter leaves out cost no manifest or config request. */
START_TEST(v2_filters_before_fetching_manifests)
{
	char *log;

	ASSERT_TAGS("1.8\n1.9\n", "--filter", "^1\\.[0-9]$");
	log = fake_log(&site.fake);
	ck_assert_int_eq(test_count(log, "/manifests/"), 2);
	ck_assert_int_eq(test_count(log, "/manifests/1.8 "), 1);
	ck_assert_int_eq(test_count(log, "/manifests/1.9 "), 1);
	free(log);
}
END_TEST

START_TEST(v2_sort_and_reverse_before_limit)
{
	/* v2 lists by created already; names in byte order */
	ASSERT_TAGS("1.10\n1.8\n1.9\n2.0-rc1\n2.1-SNAPSHOT\nnightly\n"
	    "sha256-abc.sig\n", "--sort", "name");
	ASSERT_TAGS("sha256-abc.sig\nnightly\n2.1-SNAPSHOT\n2.0-rc1\n1.9\n"
	    "1.8\n1.10\n", "--sort", "name", "-r");
}
END_TEST

/* ----------------------------------------------------------- Pier One */

START_TEST(pierone_lists_every_tag_in_server_order)
{
	ASSERT_TAGS("1.10\n1.9\n2.0-rc1\n" SIG_A ".sig\n" SIG_B ".att\n"
	    SIG_B ".sbom\nsha256-abc.sig\n1.8\nnightly\n2.1-SNAPSHOT\n");
}
END_TEST

START_TEST(filter_and_exclude)
{
	ASSERT_TAGS("1.10\n1.9\n1.8\n", "--filter", "^1\\.");
	/* repeated: any of them */
	ASSERT_TAGS("1.10\n1.9\n2.0-rc1\n1.8\n", "--filter", "^1\\.",
	    "--filter", "rc");
	ASSERT_TAGS("1.10\n1.9\n2.0-rc1\n1.8\n", "--exclude", "sha256",
	    "--exclude", "^n|SNAPSHOT$");
	ASSERT_TAGS("1.10\n1.8\n", "--filter", "^1\\.", "--exclude",
	    "^1\\.9$");
	ASSERT_TAGS("", "--filter", "no-such-tag");
}
END_TEST

START_TEST(sort_created_and_name)
{
	/* no time first, then oldest first; equal keys keep server order */
	ASSERT_TAGS("nightly\n1.8\nsha256-abc.sig\n1.9\n1.10\n2.0-rc1\n"
	    "2.1-SNAPSHOT\n" SIG_A ".sig\n" SIG_B ".att\n" SIG_B ".sbom\n",
	    "--sort", "created");
	ASSERT_TAGS("1.10\n1.8\n1.9\n2.0-rc1\n2.1-SNAPSHOT\nnightly\n",
	    "--sort", "name", "--exclude", "sha256");
	/* -r alone reverses the server's order */
	ASSERT_TAGS("2.1-SNAPSHOT\nnightly\n1.8\n", "-r", "--filter",
	    "^(1\\.8|n|2\\.1)");
}
END_TEST

/* -l keeps the last N of the sorted order; -r only prints them reversed */
START_TEST(limit_keeps_the_last_of_the_sort_order)
{
	ASSERT_TAGS("1.10\n2.0-rc1\n", "--sort", "created", "--exclude",
	    "sha|SNAP", "-l", "2");
	ASSERT_TAGS("2.0-rc1\n1.10\n", "--sort", "created", "--exclude",
	    "sha|SNAP", "-l", "2", "-r");
	/* without --sort: the last N the server listed */
	ASSERT_TAGS("nightly\n2.1-SNAPSHOT\n", "-l", "2");
}
END_TEST

START_TEST(latest_with_filters)
{
	struct run r;

	pierone(&r, "latest", "--filter", "^1\\.", "acid", "app");
	ck_assert_str_eq(r.err, "");
	ck_assert_str_eq(r.out, "1.10\n");
	run_free(&r);
	pierone(&r, "latest", "--exclude", "sha256|SNAPSHOT", "acid", "app");
	ck_assert_str_eq(r.out, "2.0-rc1\n");
	run_free(&r);
	pierone(&r, "latest", "--filter", "^2", "--no-snapshot", "acid",
	    "app");
	ck_assert_str_eq(r.out, "2.0-rc1\n");
	run_free(&r);
	pierone(&r, "latest", "-o", "tsv", "--filter", "^1\\.9$", "acid",
	    "app");
	ck_assert_str_eq(r.err, "");
	ck_assert_ptr_nonnull(strstr(r.out, "acid\tapp\t1.9\t"));
	run_free(&r);
	pierone(&r, "latest", "--filter", "^9", "acid", "app");
	test_assert_failed(&r, 1, "latest tag not found: artifact 'acid/app' "
	    "has no tags that pass the filters");
	run_free(&r);
}
END_TEST

START_TEST(bad_filter_or_sort_is_a_usage_error)
{
	struct run r;
	char *log;

	pierone(&r, "tags", "--filter", "x(", "acid", "app");
	ck_assert_int_eq(r.status, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "pierone: invalid --filter "
	    "'x(': "));
	ck_assert_ptr_nonnull(strstr(r.err, "\nusage: pierone tags "));
	run_free(&r);
	pierone(&r, "latest", "--exclude", "[a", "acid", "app");
	ck_assert_int_eq(r.status, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "invalid --exclude '[a': "));
	run_free(&r);
	pierone(&r, "tags", "--sort", "date", "acid");
	ck_assert_int_eq(r.status, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "pierone: invalid sort key "
	    "'date': use created or name\n"));
	run_free(&r);
	pierone(&r, "tags", "--filter", "acid");
	ck_assert_int_eq(r.status, 2);
	run_free(&r);
	log = fake_log(&site.fake);
	ck_assert_str_eq(log, "");	/* nothing asked of the registry */
	free(log);
}
END_TEST

/* -v works after the command's name as before it. */
START_TEST(verbose_after_the_command)
{
	struct run r;

	pierone(&r, "latest", "acid", "app", "-v");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, SIG_B ".sbom\n");	/* Pier One: all */
	ck_assert_ptr_nonnull(strstr(r.err, "pierone: GET http://127.0.0.1:"));
	ck_assert_ptr_nonnull(strstr(r.err, "/teams/acid/artifacts/app/tags "
	    "200 ("));
	run_free(&r);
	pierone(&r, "tags", "--verbose", "acid", "app");
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.err, " 200 ("));
	run_free(&r);
	pierone(&r, "latest", "acid", "app");
	ck_assert_str_eq(r.err, "");
	run_free(&r);
}
END_TEST

START_TEST(signature_tags_by_name)
{
	ck_assert(pierone_tag_is_signature(SIG_A ".sig"));
	ck_assert(pierone_tag_is_signature(SIG_B ".att"));
	ck_assert(pierone_tag_is_signature(SIG_B ".sbom"));
	ck_assert(!pierone_tag_is_signature(SIG_B ".sigs"));
	ck_assert(!pierone_tag_is_signature(SIG_B ".SIG"));
	ck_assert(!pierone_tag_is_signature(SIG_B));
	ck_assert(!pierone_tag_is_signature(SIG_B "b.sig"));	/* 65 */
	ck_assert(!pierone_tag_is_signature("sha256-abc.sig"));
	ck_assert(!pierone_tag_is_signature("sha256-" "AAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.sig"));
	ck_assert(!pierone_tag_is_signature("sha512-" "aaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sig"));
	ck_assert(!pierone_tag_is_signature(""));
	ck_assert(!pierone_tag_is_signature(NULL));
}
END_TEST

Suite *
filters_suite(void)
{
	Suite *s = suite_create("filters");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, signature_tags_by_name);
	suite_add_tcase(s, tc);
	tc = tcase_create("v2");

	tcase_add_checked_fixture(tc, setup_v2, teardown);
	tcase_add_test(tc, v2_hides_signature_tags_unless_all);
	tcase_add_test(tc, v2_latest_passes_over_signature_tags);
	tcase_add_test(tc, v2_filters_before_fetching_manifests);
	tcase_add_test(tc, v2_sort_and_reverse_before_limit);
	suite_add_tcase(s, tc);
	tc = tcase_create("pierone");
	tcase_add_checked_fixture(tc, setup_pierone, teardown);
	tcase_add_test(tc, pierone_lists_every_tag_in_server_order);
	tcase_add_test(tc, filter_and_exclude);
	tcase_add_test(tc, sort_created_and_name);
	tcase_add_test(tc, limit_keeps_the_last_of_the_sort_order);
	tcase_add_test(tc, latest_with_filters);
	tcase_add_test(tc, bad_filter_or_sort_is_a_usage_error);
	tcase_add_test(tc, verbose_after_the_command);
	suite_add_tcase(s, tc);
	return s;
}
