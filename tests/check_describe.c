/*
 * pierone describe and mark-production-ready end to end: the built
 * binary against the fake registry serving tests/data/describe.json,
 * as Pier One and as a plain v2 registry.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"

#define TOKEN "test-token-0123456789"
#define BAR "\u2503 "
#define V2_DIGEST "sha256:" \
	"b0dce7e9fe54dc56b5a373d88f641a7391f7ae21582b44f64881737c01cf6224"

static char body_log[512];

/* The fake with describe.json and `extra` arguments (NULL-ended). */
static void
start(const char *const *extra)
{
	const char *args[] = { "--data", test_data("describe.json"), "--token",
	    TOKEN, "--forbid", "noaccess", "--body-log", body_log, NULL };

	site_open("pierone=" TOKEN, 0);
	test_fmt(body_log, sizeof(body_log), "%s/bodies", site.home);
	site_fake_start(args, extra);
}

static void
setup(void)
{
	start(NULL);
}

static void
setup_v2(void)
{
	const char *extra[] = { "--api", "v2", NULL };

	start(extra);
}

static void
teardown(void)
{
	site_close(true);
}

#define pierone(r, ...) site_run(r, __VA_ARGS__)
#define pierone_env site_pierone
#define count test_count
#define assert_failed test_assert_failed

static void
assert_ok(const struct run *r, const char *want)
{
	ck_assert_str_eq(r->err, "");
	ck_assert_int_eq(r->status, 0);
	ck_assert_str_eq(r->out, want);
}

/* Nothing a terminal acts on: no ESC, BEL, CR, C1 CSI; no NUL either. */
static void
assert_no_raw_controls(const char *s)
{
	ck_assert_msg(strchr(s, '\033') == NULL, "raw ESC in: %s", s);
	ck_assert_msg(strchr(s, '\007') == NULL, "raw BEL in: %s", s);
	ck_assert_msg(strchr(s, '\r') == NULL, "raw CR in: %s", s);
	ck_assert_msg(strstr(s, "\xc2\x9b") == NULL, "raw CSI in: %s", s);
}

START_TEST(describe_prints_the_sections_of_a_tag_exactly)
{
	struct run r;

	pierone(&r, "describe", "myteam", "myapp", "1.0");
	assert_ok(&r,
	    "General Information\n"
	    "Team             " BAR "myteam\n"
	    "Artifact         " BAR "myapp\n"
	    "Tag              " BAR "1.0\n"
	    "Author           " BAR "jdoe\n"
	    "Created in       " BAR "2015-05-07T15:49:51.230Z\n"
	    "Commit Information\n"
	    "Repository       " BAR "git:git@github.com:org/myapp.git\n"
	    "Hash             " BAR "0123456789abcdef0123456789abcdef01234567\n"
	    "Time             " BAR "2015-05-07T15:40:00Z\n"
	    "Author           " BAR "jdoe\n"
	    "Compliance Information\n"
	    "Effective Status " BAR "Not Vulnerable\n"
	    "Status Reason    " BAR "No CVEs found\n"
	    "Status Date      " BAR "2015-05-08T10:00:00.000Z\n"
	    "Image            " BAR "sha256:"
	    "1111111111111111111111111111111111111111111111111111111111111111\n");
	run_free(&r);
}
END_TEST

START_TEST(describe_json_is_one_object_with_sorted_keys)
{
	struct run r;

	pierone(&r, "describe", "-o", "json", "myteam", "myapp", "1.0");
	assert_ok(&r, "{\"artifact\": \"myapp\", \"created\": "
	    "\"2015-05-07T15:49:51.230Z\", \"created_by\": \"jdoe\", "
	    "\"image\": \"sha256:"
	    "1111111111111111111111111111111111111111111111111111111111111111"
	    "\", \"scm_source\": {\"author\": \"jdoe\", \"created\": "
	    "\"2015-05-07T15:40:00Z\", \"revision\": "
	    "\"0123456789abcdef0123456789abcdef01234567\", \"url\": "
	    "\"git:git@github.com:org/myapp.git\"}, \"status\": "
	    "\"Not Vulnerable\", \"status_reason\": \"No CVEs found\", "
	    "\"status_received_at\": \"2015-05-08T10:00:00.000Z\", \"tag\": "
	    "\"1.0\", \"team\": \"myteam\"}\n");
	run_free(&r);
}
END_TEST

START_TEST(a_tag_without_scm_source_says_so_and_shows_cdp_as_cdp)
{
	struct run r;

	pierone(&r, "describe", "myteam", "myapp", "1.1");
	assert_ok(&r,
	    "General Information\n"
	    "Team             " BAR "myteam\n"
	    "Artifact         " BAR "myapp\n"
	    "Tag              " BAR "1.1\n"
	    "Author           " BAR "[CDP]\n"
	    "Created in       " BAR "2015-06-01T14:12:03.276+0000\n"
	    "Compliance Information\n"
	    "Valid SCM Source " BAR "No SCM Source\n"
	    "Effective Status " BAR "Not Processed\n"
	    "Status Reason    " BAR "Not Processed\n"
	    "Status Date      " BAR "\n"
	    "Image            " BAR "sha256:"
	    "2222222222222222222222222222222222222222222222222222222222222222\n");
	run_free(&r);
	pierone(&r, "describe", "-o", "json", "myteam", "myapp", "1.1");
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "\"scm_source\": null, "
	    "\"status\": \"Not Processed\", \"status_reason\": "
	    "\"Not Processed\", \"status_received_at\": null"));
	/* json keeps what the server sent: the robot's own name */
	ck_assert_ptr_nonnull(strstr(r.out, "\"created_by\": \"credprov-cdp-"
	    "controller-proxy_pierone-token\""));
	run_free(&r);
}
END_TEST

START_TEST(an_explicit_null_status_is_empty_not_the_default)
{
	struct run r;

	pierone(&r, "describe", "myteam", "myapp", "1.2");
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "Compliance Information\n"
	    "Effective Status " BAR "\n"
	    "Status Reason    " BAR "\n"
	    "Status Date      " BAR "\n"
	    "Image            " BAR "\n"));
	ck_assert_ptr_null(strstr(r.out, "Not Processed"));
	/* a commit without "created" has no Time line */
	ck_assert_ptr_nonnull(strstr(r.out, "Hash             " BAR "abc\n"
	    "Author           " BAR "mmuster\n"));
	run_free(&r);
	pierone(&r, "describe", "-o", "json", "myteam", "myapp", "1.2");
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "\"image\": null, "));
	ck_assert_ptr_nonnull(strstr(r.out, "\"status\": null, "
	    "\"status_reason\": null, \"status_received_at\": null"));
	run_free(&r);
}
END_TEST

START_TEST(control_characters_from_the_server_are_escaped_in_text)
{
	struct run r;

	pierone(&r, "describe", "myteam", "myapp", "evil");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.err, "");
	assert_no_raw_controls(r.out);
	ck_assert_ptr_nonnull(strstr(r.out, BAR "x\\x1b]0;pwned\\x07y\n"));
	ck_assert_ptr_nonnull(strstr(r.out, BAR "2016-01-01\\x1b[2J\n"));
	ck_assert_ptr_nonnull(strstr(r.out, BAR "u\\x1b[1m\n"));
	ck_assert_ptr_nonnull(strstr(r.out, BAR "a\\x1b]8;;http://x\\x07\n"));
	ck_assert_ptr_nonnull(strstr(r.out, BAR "t\\r\n"));
	ck_assert_ptr_nonnull(strstr(r.out, BAR "\\u009b31m\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "Status Date      " BAR "\\r\n"));
	ck_assert_ptr_nonnull(strstr(r.out, BAR "a\\rb\n"));
	/* a newline in a value continues on the next line, key empty */
	ck_assert_ptr_nonnull(strstr(r.out, "Hash             " BAR "r\n"
	    "                 " BAR "x\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "Effective Status " BAR "line1\n"
	    "                 " BAR "line2\\x1b[31m\n"));
	run_free(&r);
}
END_TEST

START_TEST(control_characters_from_the_server_are_escaped_in_json)
{
	struct run r;

	pierone(&r, "describe", "-o", "json", "myteam", "myapp", "evil");
	ck_assert_int_eq(r.status, 0);
	assert_no_raw_controls(r.out);
	ck_assert_int_eq(count(r.out, "\n"), 1);
	ck_assert_ptr_nonnull(strstr(r.out, "\"created\": "
	    "\"2016-01-01\\u001b[2J\""));
	ck_assert_ptr_nonnull(strstr(r.out, "\"created_by\": "
	    "\"x\\u001b]0;pwned\\u0007y\""));
	ck_assert_ptr_nonnull(strstr(r.out, "\"status\": "
	    "\"line1\\nline2\\u001b[31m\", \"status_reason\": \"\\u009b31m\", "
	    "\"status_received_at\": \"\\r\""));
	ck_assert_ptr_nonnull(strstr(r.out, "\"revision\": \"r\\nx\""));
	run_free(&r);
}
END_TEST

START_TEST(wrong_json_types_in_the_tag_do_not_fail_describe)
{
	struct run r;

	pierone(&r, "describe", "myteam", "myapp", "types");
	assert_ok(&r,
	    "General Information\n"
	    "Team             " BAR "myteam\n"
	    "Artifact         " BAR "myapp\n"
	    "Tag              " BAR "types\n"
	    "Author           " BAR "yes\n"
	    "Created in       " BAR "12345\n"
	    "Compliance Information\n"
	    "Valid SCM Source " BAR "No SCM Source\n"
	    "Effective Status " BAR "1.5\n"
	    "Status Reason    " BAR "no\n"
	    "Status Date      " BAR "{'k': 'v'}\n"
	    "Image            " BAR "[1, 'a\\x1b']\n");
	run_free(&r);
	pierone(&r, "describe", "-o", "json", "myteam", "myapp", "types");
	assert_ok(&r, "{\"artifact\": \"myapp\", \"created\": 12345, "
	    "\"created_by\": true, \"image\": [1, \"a\\u001b\"], "
	    "\"scm_source\": null, \"status\": 1.5, \"status_reason\": false, "
	    "\"status_received_at\": {\"k\": \"v\"}, \"tag\": \"types\", "
	    "\"team\": \"myteam\"}\n");
	run_free(&r);
}
END_TEST

START_TEST(an_unknown_tag_fails_with_one_line_not_found)
{
	struct run r;

	pierone(&r, "describe", "myteam", "myapp", "nope");
	assert_failed(&r, 1, "tag 'myteam/myapp:nope' not found");
	run_free(&r);
	pierone(&r, "describe", "myteam", "nope", "1");
	assert_failed(&r, 1, "'myteam/nope:1' not found");
	run_free(&r);
}
END_TEST

START_TEST(a_forbidden_team_fails_with_403)
{
	struct run r;

	pierone(&r, "describe", "noaccess", "secret", "1");
	assert_failed(&r, 1, "HTTP 403 Forbidden: your token has no access");
	ck_assert_ptr_nonnull(strstr(r.err, "cannot describe "
	    "'noaccess/secret:1'"));
	run_free(&r);
}
END_TEST

START_TEST(bad_names_are_usage_errors_without_a_request)
{
	struct run r;
	char *log;

	pierone(&r, "describe", "Bad", "myapp", "1.0");
	assert_failed(&r, 2, "invalid team name 'Bad'");
	run_free(&r);
	pierone(&r, "describe", "myteam", "../x", "1.0");
	assert_failed(&r, 2, "invalid artifact name '../x'");
	run_free(&r);
	pierone(&r, "describe", "myteam", "myapp", "..");
	assert_failed(&r, 2, "invalid tag name");
	run_free(&r);
	pierone(&r, "describe", "myteam", "myapp");
	assert_failed(&r, 2, "missing TAG");
	run_free(&r);
	pierone(&r, "describe", "-o", "tsv", "myteam", "myapp", "1.0");
	assert_failed(&r, 2, "use text or json");
	run_free(&r);
	pierone(&r, "mark-production-ready", "INC-1", "myteam", "../x", "1.0");
	assert_failed(&r, 2, "invalid artifact name '../x'");
	run_free(&r);
	pierone(&r, "mark-production-ready", "", "myteam", "myapp", "1.0");
	assert_failed(&r, 2, "incident is empty");
	run_free(&r);
	ck_assert_ptr_nonnull(log = fake_log(&site.fake));
	ck_assert_str_eq(log, "");
	free(log);
}
END_TEST

START_TEST(unique_prefixes_name_the_new_commands)
{
	struct run r;

	pierone(&r, "d", "myteam", "myapp", "1.0");
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "General Information\n"));
	run_free(&r);
	pierone(&r, "m", "INC-1", "myteam", "myapp", "1.2");
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "Marked "));
	run_free(&r);
	pierone(&r, "i", "x");
	assert_failed(&r, 2, "could be image, inspect-contents");
	run_free(&r);
}
END_TEST

START_TEST(mark_production_ready_says_what_it_marked)
{
	char want[256];
	struct run r;

	pierone(&r, "mark-production-ready", "INC-42", "myteam", "myapp", "1.0");
	test_fmt(want, sizeof(want), "Marked %s/myteam/myapp:1.0 as "
	    "'production_ready' due to incident INC-42.\n", site.fake.url + 7);
	assert_ok(&r, want);
	run_free(&r);
}
END_TEST

START_TEST(mark_production_ready_sends_the_incident_as_json)
{
	struct run r;
	char *log, *bodies;

	pierone(&r, "mark-production-ready", "INC-\"1\\", "myteam", "myapp",
	    "1.0");
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, " due to incident INC-\"1\\.\n"));
	run_free(&r);
	ck_assert_ptr_nonnull(bodies = test_slurp(body_log, NULL));
	ck_assert_str_eq(bodies, "{\"incident_id\":\"INC-\\\"1\\\\\"}\n");
	free(bodies);
	ck_assert_ptr_nonnull(log = fake_log(&site.fake));
	ck_assert_str_eq(log, "POST /teams/myteam/artifacts/myapp/tags/1.0/"
	    "production-ready 204 auth\n");
	free(log);
}
END_TEST

START_TEST(marking_twice_fails_with_409)
{
	struct run r;

	pierone(&r, "mark-production-ready", "INC-1", "myteam", "myapp", "1.0");
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
	pierone(&r, "mark-production-ready", "INC-2", "myteam", "myapp", "1.0");
	assert_failed(&r, 1, "as production ready: it is marked already "
	    "(HTTP 409)");
	run_free(&r);
}
END_TEST

START_TEST(mark_refusals_are_one_line_each_with_the_detail)
{
	struct run r;

	pierone(&r, "mark-production-ready", "INC-1", "noaccess", "secret",
	    "1");
	assert_failed(&r, 1, "cannot mark '127.0.0.1:");
	ck_assert_ptr_nonnull(strstr(r.err, "/noaccess/secret:1' as "
	    "production ready: not allowed (HTTP 403)\n"));
	run_free(&r);
	pierone(&r, "mark-production-ready", "INC-1", "myteam", "myapp", "nope");
	assert_failed(&r, 1, "production ready: not found (HTTP 404)\n");
	run_free(&r);
	pierone(&r, "mark-production-ready", "INC-1", "myteam", "myapp",
	    "marked");
	assert_failed(&r, 1, "it is marked already (HTTP 409): marked by "
	    "jdoe\n");
	run_free(&r);
	pierone(&r, "mark-production-ready", "INC-1", "myteam", "myapp",
	    "noscm");
	assert_failed(&r, 1, "the image has no SCM source (HTTP 422): "
	    "no SCM\\x1b[31m source\n");
	assert_no_raw_controls(r.err);
	run_free(&r);
}
END_TEST

START_TEST(mark_production_ready_is_never_retried)
{
	const char *extra[] = { "--fault", "status=503@/tags/1.0#2", NULL };
	const char *env[] = { "PIERONE_RETRIES=2", NULL };
	struct run r;
	char *log;

	fake_stop(&site.fake);
	test_rmtree(site.home);
	free(site.home);
	start(extra);
	pierone_env(&r, env, "mark-production-ready", "INC-1", "myteam",
	    "myapp", "1.0", (const char *)NULL);
	assert_failed(&r, 1, "POST ");
	ck_assert_ptr_nonnull(strstr(r.err, "HTTP 503"));
	run_free(&r);
	ck_assert_ptr_nonnull(log = fake_log(&site.fake));
	ck_assert_int_eq(count(log, "POST "), 1);
	free(log);
	/* The second 503 goes to a GET, which is tried again. */
	pierone_env(&r, env, "describe", "myteam", "myapp", "1.0",
	    (const char *)NULL);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
	ck_assert_ptr_nonnull(log = fake_log(&site.fake));
	ck_assert_int_eq(count(log, "GET /teams/myteam/artifacts/myapp/tags/"
	    "1.0 503"), 1);
	ck_assert_int_eq(count(log, "GET /teams/myteam/artifacts/myapp/tags/"
	    "1.0 200"), 1);
	free(log);
}
END_TEST

START_TEST(describe_over_v2_shows_the_manifest_and_config)
{
	struct run r;

	pierone(&r, "describe", "v2team", "app", "1.0");
	assert_ok(&r,
	    "General Information\n"
	    "Team       " BAR "v2team\n"
	    "Artifact   " BAR "app\n"
	    "Tag        " BAR "1.0\n"
	    "Created in " BAR "2024-01-01T00:00:00Z\n"
	    "Image Information\n"
	    "Digest     " BAR V2_DIGEST "\n"
	    "Media Type " BAR "application/vnd.docker.distribution.manifest."
	    "v2+json\n"
	    "Platforms  " BAR "linux/amd64\n"
	    "Layers     " BAR "3\n"
	    "Size       " BAR "600\n"
	    "Labels     " BAR "maintainer=jdoe\\x1b[31m\n"
	    "           " BAR "org.opencontainers.image.source="
	    "https://github.com/org/app\n");
	run_free(&r);
	pierone(&r, "describe", "-o", "json", "v2team", "app", "1.0");
	assert_ok(&r, "{\"artifact\": \"app\", \"created\": "
	    "\"2024-01-01T00:00:00Z\", \"digest\": \"" V2_DIGEST "\", "
	    "\"labels\": {\"maintainer\": \"jdoe\\u001b[31m\", "
	    "\"org.opencontainers.image.source\": \"https://github.com/org/app\"}"
	    ", \"layers\": 3, \"media_type\": \"application/vnd.docker."
	    "distribution.manifest.v2+json\", \"platforms\": [\"linux/amd64\"], "
	    "\"size\": 600, \"tag\": \"1.0\", \"team\": \"v2team\"}\n");
	run_free(&r);
}
END_TEST

START_TEST(describe_over_v2_lists_every_platform_of_an_index)
{
	struct run r;

	pierone(&r, "describe", "-o", "json", "v2team", "multi", "x");
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "\"media_type\": "
	    "\"application/vnd.oci.image.index.v1+json\", \"platforms\": "
	    "[\"linux/arm64\", \"linux/amd64\"], \"size\": 30,"));
	ck_assert_ptr_nonnull(strstr(r.out, "\"labels\": {}, \"layers\": 2,"));
	ck_assert_ptr_nonnull(strstr(r.out, "\"created\": "
	    "\"2022-02-02T00:00:00Z\""));
	run_free(&r);
	pierone(&r, "describe", "v2team", "multi", "nope");
	assert_failed(&r, 1, "no manifest for 'v2team/multi:nope'");
	run_free(&r);
}
END_TEST

START_TEST(mark_production_ready_needs_pier_ones_api)
{
	struct run r;

	pierone(&r, "mark-production-ready", "INC-1", "v2team", "app", "1.0");
	assert_failed(&r, 1, "mark-production-ready needs Pier One's API");
	run_free(&r);
}
END_TEST

Suite *
describe_suite(void)
{
	Suite *s = suite_create("describe");
	TCase *tc = tcase_create("pierone");
	TCase *v2 = tcase_create("v2");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, describe_prints_the_sections_of_a_tag_exactly);
	tcase_add_test(tc, describe_json_is_one_object_with_sorted_keys);
	tcase_add_test(tc, a_tag_without_scm_source_says_so_and_shows_cdp_as_cdp);
	tcase_add_test(tc, an_explicit_null_status_is_empty_not_the_default);
	tcase_add_test(tc, control_characters_from_the_server_are_escaped_in_text);
	tcase_add_test(tc, control_characters_from_the_server_are_escaped_in_json);
	tcase_add_test(tc, wrong_json_types_in_the_tag_do_not_fail_describe);
	tcase_add_test(tc, an_unknown_tag_fails_with_one_line_not_found);
	tcase_add_test(tc, a_forbidden_team_fails_with_403);
	tcase_add_test(tc, bad_names_are_usage_errors_without_a_request);
	tcase_add_test(tc, unique_prefixes_name_the_new_commands);
	tcase_add_test(tc, mark_production_ready_says_what_it_marked);
	tcase_add_test(tc, mark_production_ready_sends_the_incident_as_json);
	tcase_add_test(tc, marking_twice_fails_with_409);
	tcase_add_test(tc, mark_refusals_are_one_line_each_with_the_detail);
	tcase_add_test(tc, mark_production_ready_is_never_retried);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(v2, setup_v2, teardown);
	tcase_set_timeout(v2, 30);
	tcase_add_test(v2, describe_over_v2_shows_the_manifest_and_config);
	tcase_add_test(v2, describe_over_v2_lists_every_platform_of_an_index);
	tcase_add_test(v2, mark_production_ready_needs_pier_ones_api);
	suite_add_tcase(s, v2);
	return s;
}
