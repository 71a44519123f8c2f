/*
 * pierone(1) against registries without Pier One's API: the fake registry
 * with --api v2 plays the reference registry (catalog, paginated tag
 * lists, manifests of every kind, config blobs) behind the
 * authentication real registries use (Basic, Bearer with a token realm).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pierone.h"
#include "tests.h"

#define TOKEN "test-token-v2v2v2v2"

static const char *const with_token[] = {
	"OAUTH2_ACCESS_TOKENS=pierone=" TOKEN, NULL };
static const char *const forced_v2[] = { "PIERONE_API=v2", NULL };

/* The fake with v2.json and `extra` (NULL-ended); no token unless added. */
static void
start(const char *const *extra)
{
	const char *args[] = { "--data", test_data("v2.json"), "--token",
	    TOKEN, "--api", "v2", NULL };

	site_open(NULL, SITE_HOME_BIN);
	site_fake_start(args, extra);
}

static void
teardown(void)
{
	site_close(true);
}

static void
setup_open(void)
{
	static const char *const a[] = { "--auth", "none", NULL };

	start(a);
}

#define pierone(r, ...) site_run(r, __VA_ARGS__)
#define pierone_env site_pierone

/* Success with exactly `out` on stdout and nothing on stderr. */
static void
assert_output(const struct run *r, const char *out)
{
	ck_assert_msg(r->status == 0, "status %d, stderr: %s", r->status,
	    r->err);
	ck_assert_str_eq(r->err, "");
	ck_assert_str_eq(r->out, out);
}

/* A failure: nothing on stdout, one line on stderr naming `what`. */
static void
assert_failed(const struct run *r, int status, const char *what)
{
	const char *nl = strchr(r->err, '\n');

	ck_assert_int_eq(r->status, status);
	ck_assert_str_eq(r->out, "");
	ck_assert_msg(strncmp(r->err, "pierone: ", 9) == 0, "stderr: %s",
	    r->err);
	ck_assert_msg(nl != NULL && nl[1] == '\0', "not one line: %s", r->err);
	ck_assert_msg(strstr(r->err, what) != NULL, "'%s' not in: %s", what,
	    r->err);
}

/* How many request lines of the fake's log contain every one of the
 * NULL-terminated strings. */
static int
log_count(const char *first, ...)
{
	char *log = fake_log(&site.fake), *line, *save = NULL;
	const char *want[8];
	int n = 0, k = 0;
	va_list ap;

	want[k++] = first;
	va_start(ap, first);
	while (k < 7 && (want[k] = va_arg(ap, const char *)) != NULL)
		k++;
	va_end(ap);
	for (line = strtok_r(log, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		int i;

		for (i = 0; i < k && strstr(line, want[i]) != NULL; i++)
			continue;
		n += i == k;
	}
	free(log);
	return n;
}
#define LOG_COUNT(...) log_count(__VA_ARGS__, (const char *)NULL)

#define write_home(name, content, mode) \
	test_put(site.home, name, content, mode)

/* ~/.docker/config.json with auths for the fake: oauth2:TOKEN. */
static void
docker_login(void)
{
	char json[512];

	/* base64("oauth2:test-token-v2v2v2v2") */
	test_fmt(json, sizeof(json), "{\"auths\":{\"%s\":{\"auth\":"
	    "\"b2F1dGgyOnRlc3QtdG9rZW4tdjJ2MnYydjI=\"}}}", site.fake.url);
	write_home(".docker/config.json", json, 0600);
}

/* ------------------------------------------------------------------
 * The commands over v2
 */

START_TEST(teams_come_from_the_catalog)
{
	struct run r;

	pierone(&r, "teams", "-o", "tsv");
	assert_output(&r, "name\nacid\nstups\n");
	run_free(&r);
}
END_TEST

START_TEST(artifacts_come_from_the_catalog)
{
	struct run r;

	pierone(&r, "artifacts", "-o", "tsv", "acid");
	assert_output(&r, "team\tartifact\nacid\tapp\nacid\tempty\n"
	    "acid\tlist\nacid\tmany\nacid\tmulti\nacid\tocimg\n");
	run_free(&r);
}
END_TEST

START_TEST(unknown_team_is_not_found)
{
	struct run r;

	pierone(&r, "artifacts", "nosuch");
	assert_failed(&r, 1, "team 'nosuch' not found at ");
	run_free(&r);
}
END_TEST

START_TEST(unknown_artifact_is_not_found)
{
	struct run r;

	pierone(&r, "tags", "acid", "nope");
	assert_failed(&r, 1, "artifact 'acid/nope' not found at ");
	run_free(&r);
	pierone(&r, "latest", "acid", "nope");
	assert_failed(&r, 1, "artifact 'acid/nope' not found at ");
	run_free(&r);
}
END_TEST

START_TEST(tags_are_oldest_first_by_config_time_without_author)
{
	struct run r;
	const char *p;

	pierone(&r, "tags", "-o", "tsv", "-l", "0", "acid", "app");
	ck_assert_msg(r.status == 0, "%s", r.err);
	/* 1.0 (January), 1.1 (March), 0.9 (June), 2.0-SNAPSHOT (July) */
	p = strstr(r.out, "\tapp\t1.0\t");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(p = strstr(p, "\tapp\t1.1\t"));
	ck_assert_ptr_nonnull(p = strstr(p, "\tapp\t0.9\t"));
	ck_assert_ptr_nonnull(p = strstr(p, "\tapp\t2.0-SNAPSHOT\t"));
	run_free(&r);
	pierone(&r, "tags", "-o", "json", "-l", "0", "acid", "app");
	ck_assert_msg(r.status == 0, "%s", r.err);
	/* 0.9's config says 2024-06-01T00:00:00Z; nobody is named. */
	ck_assert_ptr_nonnull(strstr(r.out, "\"artifact\": \"app\", "
	    "\"created_by\": null, \"created_time\": 1717200000.0, "));
	ck_assert_ptr_null(strstr(r.out, "\"created_by\": \""));
	run_free(&r);
}
END_TEST

START_TEST(tags_no_dates_lists_names_without_a_manifest_request)
{
	struct run r;

	pierone(&r, "tags", "--no-dates", "-o", "tsv", "-l", "0", "acid",
	    "app");
	ck_assert_msg(r.status == 0, "%s", r.err);
	/* name order, no time */
	assert_output(&r, "team\tartifact\ttag\tcreated_time\tcreated_by\t"
	    "status\tstatus_reason\n"
	    "acid\tapp\t0.9\t\t\tNot Processed\tNot Processed\n"
	    "acid\tapp\t1.0\t\t\tNot Processed\tNot Processed\n"
	    "acid\tapp\t1.1\t\t\tNot Processed\tNot Processed\n"
	    "acid\tapp\t2.0-SNAPSHOT\t\t\tNot Processed\tNot Processed\n");
	run_free(&r);
	ck_assert_int_eq(LOG_COUNT("/manifests/"), 0);
	ck_assert_int_eq(LOG_COUNT("/blobs/"), 0);
	ck_assert_int_ge(LOG_COUNT("/v2/acid/app/tags/list"), 1);
	/* latest still goes by the dates */
	pierone(&r, "latest", "acid", "app");
	assert_output(&r, "2.0-SNAPSHOT\n");
	run_free(&r);
}
END_TEST

START_TEST(tags_no_dates_cannot_sort_by_created)
{
	struct run r;

	pierone(&r, "tags", "--no-dates", "--sort", "created", "acid", "app");
	ck_assert_int_eq(r.status, 2);
	ck_assert_str_eq(r.out, "");
	ck_assert_msg(strncmp(r.err, "pierone: --sort created needs the dates "
	    "that --no-dates leaves out\nusage: pierone tags ", 79) == 0,
	    "stderr: %s", r.err);
	run_free(&r);
	ck_assert_int_eq(LOG_COUNT("GET "), 0);
}
END_TEST

START_TEST(latest_is_by_config_time_not_by_name)
{
	struct run r;

	pierone(&r, "latest", "acid", "app");
	assert_output(&r, "2.0-SNAPSHOT\n");
	run_free(&r);
	pierone(&r, "latest", "--no-snapshot", "acid", "app");
	assert_output(&r, "0.9\n");
	run_free(&r);
	pierone(&r, "latest", "acid", "many");
	assert_output(&r, "t07\n");
	run_free(&r);
}
END_TEST

/* -o json's created_time comes with the tag: the manifests read once. */
START_TEST(latest_json_reads_the_manifests_once)
{
	struct run r;
	int once;

	pierone(&r, "latest", "acid", "app");
	assert_output(&r, "2.0-SNAPSHOT\n");
	run_free(&r);
	once = LOG_COUNT("/manifests/");
	ck_assert_int_gt(once, 0);
	pierone(&r, "latest", "-o", "json", "acid", "app");
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "\"tag\": \"2.0-SNAPSHOT\""));
	ck_assert_ptr_null(strstr(r.out, "\"created_time\": null"));
	run_free(&r);
	ck_assert_int_eq(LOG_COUNT("/manifests/"), 2 * once);
}
END_TEST

START_TEST(latest_reads_oci_manifests_by_content_type)
{
	struct run r;

	pierone(&r, "latest", "acid", "ocimg");
	assert_output(&r, "a\n");
	run_free(&r);
}
END_TEST

START_TEST(latest_of_indexes_and_lists_is_by_their_amd64_image)
{
	struct run r;

	/* Their arm64 images and attestations are newer, and would tie. */
	pierone(&r, "latest", "acid", "multi");
	assert_output(&r, "x\n");
	run_free(&r);
	pierone(&r, "latest", "acid", "list");
	assert_output(&r, "q\n");
	run_free(&r);
	ck_assert_int_eq(LOG_COUNT("/v2/acid/multi/manifests/sha256:"), 2);
}
END_TEST

START_TEST(latest_of_an_artifact_without_tags_fails)
{
	struct run r;

	pierone(&r, "latest", "acid", "empty");
	assert_failed(&r, 1, "has no tags");
	run_free(&r);
}
END_TEST

START_TEST(a_tag_without_created_counts_as_oldest)
{
	struct run r;

	pierone(&r, "latest", "stups", "kio");
	assert_output(&r, "1\n");
	run_free(&r);
}
END_TEST

START_TEST(latest_digest_is_the_manifest_digest)
{
	struct run r;

	pierone(&r, "latest", "--digest", "acid", "ocimg");
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "/acid/ocimg:a@sha256:"));
	run_free(&r);
}
END_TEST

START_TEST(scm_source_and_image_need_pier_one)
{
	struct run r;

	pierone(&r, "scm-source", "acid", "app", "1.0");
	assert_failed(&r, 1, "scm-source needs Pier One's API");
	run_free(&r);
	pierone(&r, "image", "abc123");
	assert_failed(&r, 1, "image needs Pier One's API");
	run_free(&r);
}
END_TEST

START_TEST(the_api_is_detected_once_per_run)
{
	struct run r;

	pierone(&r, "tags", "-o", "tsv", "acid", "app", "ocimg", "list");
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	/* The three Pier One requests went out together; one probe. */
	ck_assert_int_eq(LOG_COUNT("GET /teams "), 1);
	ck_assert_int_eq(LOG_COUNT("GET /teams/"), 3);
	ck_assert_int_eq(LOG_COUNT("/v2/acid/app/tags/list?n=1000"), 1);
}
END_TEST

START_TEST(api_v2_in_the_config_skips_detection)
{
	struct run r;

	pierone_env(&r, forced_v2, "latest", "acid", "app", NULL);
	assert_output(&r, "2.0-SNAPSHOT\n");
	run_free(&r);
	ck_assert_int_eq(LOG_COUNT("/teams"), 0);
}
END_TEST

START_TEST(api_pierone_in_the_config_never_switches)
{
	static const char *const env[] = { "PIERONE_API=pierone",
	    "OAUTH2_ACCESS_TOKENS=pierone=" TOKEN, NULL };
	struct run r;

	pierone_env(&r, env, "latest", "acid", "app", NULL);
	assert_failed(&r, 1, "artifact 'acid/app' not found");
	run_free(&r);
	/* only the question whether it is a registry at all (regcheck.c) */
	ck_assert_int_eq(LOG_COUNT("/v2/"), 1);
	ck_assert_int_eq(LOG_COUNT("GET /v2/ "), 1);
}
END_TEST

START_TEST(a_bad_api_value_is_refused)
{
	static const char *const env[] = { "PIERONE_API=docker", NULL };
	struct run r;

	pierone_env(&r, env, "teams", NULL);
	assert_failed(&r, 1, "'api' must be 'auto', 'pierone' or 'v2'");
	run_free(&r);
}
END_TEST

/* ------------------------------------------------------------------
 * Pagination
 */

static void
setup_short_pages(void)
{
	static const char *const a[] = { "--auth", "none", "--page-size", "4",
	    "--short-pages", NULL };

	start(a);
}

START_TEST(short_pages_never_end_a_list)
{
	struct run r;
	int n = 0;

	pierone(&r, "tags", "-o", "tsv", "-l", "0", "acid", "many");
	ck_assert_msg(r.status == 0, "%s", r.err);
	for (const char *p = r.out; (p = strstr(p, "\tmany\tt")) != NULL; p++)
		n++;
	ck_assert_int_eq(n, 25);
	run_free(&r);
	/* Pages of 2 with a Link each: 13 requests, all with n <= 1000. */
	ck_assert_int_eq(LOG_COUNT("/v2/acid/many/tags/list"), 13);
	ck_assert_int_eq(LOG_COUNT("/v2/acid/many/tags/list", " 400"), 0);
	pierone(&r, "artifacts", "-o", "tsv", "acid");
	assert_output(&r, "team\tartifact\nacid\tapp\nacid\tempty\n"
	    "acid\tlist\nacid\tmany\nacid\tmulti\nacid\tocimg\n");
	run_free(&r);
}
END_TEST

static void
setup_absolute_links(void)
{
	static const char *const a[] = { "--auth", "none", "--page-size", "3",
	    "--link-style", "absolute", NULL };

	start(a);
}

START_TEST(absolute_links_to_the_same_registry_are_followed)
{
	struct run r;

	pierone(&r, "latest", "acid", "many");
	assert_output(&r, "t07\n");
	run_free(&r);
	ck_assert_int_eq(LOG_COUNT("/v2/acid/many/tags/list"), 9);
}
END_TEST

static void
setup_foreign_links(void)
{
	static const char *const a[] = { "--auth", "none", "--page-size", "3",
	    "--link-style", "foreign", NULL };

	start(a);
}

static void
setup_loop_links(void)
{
	static const char *const a[] = { "--auth", "none", "--page-size", "2",
	    "--link-style", "loop", NULL };

	start(a);
}

START_TEST(links_that_lead_back_end_in_an_error)
{
	struct run r;

	pierone(&r, "teams");
	assert_failed(&r, 1, "the Link headers go round in a loop");
	run_free(&r);
	/* First page twice (n=1000, n=2), the second once: then stop. */
	ck_assert_int_eq(LOG_COUNT("GET /v2/_catalog"), 3);
}
END_TEST

START_TEST(links_to_another_host_are_refused)
{
	struct run r;

	pierone(&r, "latest", "acid", "many");
	assert_failed(&r, 1, "refusing to follow Link to another registry");
	run_free(&r);
	pierone(&r, "teams");
	assert_failed(&r, 1, "refusing to follow Link to another registry");
	run_free(&r);
}
END_TEST

/* ------------------------------------------------------------------
 * Basic
 */

static void
setup_basic(void)
{
	static const char *const a[] = { "--auth", "basic", NULL };

	start(a);
}

START_TEST(basic_is_answered_with_the_docker_credentials_once)
{
	struct run r;

	docker_login();
	pierone(&r, "latest", "acid", "app");
	assert_output(&r, "2.0-SNAPSHOT\n");
	run_free(&r);
	/* One 401 teaches the scheme; the rest carry it from the start. */
	ck_assert_int_eq(LOG_COUNT("/v2/", " 401"), 1);
	/* tags/list, 4 manifests, 4 configs */
	ck_assert_int_eq(LOG_COUNT("/v2/", " 200 auth"), 9);
}
END_TEST

/* Requests already on their way when Basic is learned get it too. */
START_TEST(basic_is_learned_by_requests_in_flight)
{
	struct run r;

	docker_login();
	pierone_env(&r, forced_v2, "tags", "-o", "tsv", "acid", "app", "ocimg",
	    "list", "many", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "\tocimg\ta\t"));
	run_free(&r);
	ck_assert_int_eq(LOG_COUNT(" 401"), LOG_COUNT("/tags/list", " 401"));
}
END_TEST

START_TEST(basic_falls_back_to_the_pierone_token)
{
	struct run r;

	pierone_env(&r, with_token, "latest", "acid", "ocimg", NULL);
	assert_output(&r, "a\n");
	run_free(&r);
}
END_TEST

START_TEST(basic_without_credentials_says_how_to_log_in)
{
	struct run r;

	pierone(&r, "latest", "acid", "app");
	assert_failed(&r, 1, "no Docker credentials for this registry; run "
	    "'pierone login' or 'docker login'");
	run_free(&r);
}
END_TEST

START_TEST(basic_with_wrong_credentials_fails_with_401)
{
	struct run r;
	char json[512];

	/* base64("oauth2:wrong") */
	test_fmt(json, sizeof(json), "{\"auths\":{\"%s\":{\"auth\":"
	    "\"b2F1dGgyOndyb25n\"}}}", site.fake.url);
	write_home(".docker/config.json", json, 0600);
	pierone(&r, "latest", "acid", "app");
	assert_failed(&r, 1, "HTTP 401");
	run_free(&r);
	/* Asked once more with the credentials, then given up. */
	ck_assert_int_eq(LOG_COUNT("/v2/acid/app/tags/list", " 401"), 2);
}
END_TEST

START_TEST(a_credential_helper_answers_for_the_host)
{
	char json[512], *limit;
	struct run r;

	write_home("bin/docker-credential-v2test",
	    "#!/bin/sh\n[ \"$1\" = get ] || exit 3\nread -r host\n"
	    "ulimit -c > \"$HOME/core-limit\"\n"
	    "printf '{\"Username\":\"oauth2\",\"Secret\":\"%s\"}' "
	    "\"test-token-$(echo v2v2v2v2)\"\n", 0700);
	test_fmt(json, sizeof(json), "{\"credHelpers\":{\"%s\":\"v2test\"}}",
	    site.fake.url + strlen("http://"));
	write_home(".docker/config.json", json, 0600);
	pierone(&r, "latest", "acid", "list");
	assert_output(&r, "q\n");
	run_free(&r);
	/* pierone, and what it runs, can dump no core holding a secret */
	test_fmt(json, sizeof(json), "%s/core-limit", site.home);
	limit = test_slurp(json, NULL);
	ck_assert_ptr_nonnull(limit);
	ck_assert_str_eq(limit, "0\n");
	free(limit);
}
END_TEST

START_TEST(dockercfg_alone_is_enough)
{
	char json[512];
	struct run r;

	test_fmt(json, sizeof(json), "{\"%s\":{\"auth\":"
	    "\"b2F1dGgyOnRlc3QtdG9rZW4tdjJ2MnYydjI=\",\"email\":\"x\"}}",
	    site.fake.url);
	write_home(".dockercfg", json, 0600);
	pierone(&r, "latest", "acid", "app");
	assert_output(&r, "2.0-SNAPSHOT\n");
	run_free(&r);
}
END_TEST

/* ------------------------------------------------------------------
 * Bearer
 */

static void
setup_bearer(void)
{
	static const char *const a[] = { "--auth", "bearer", NULL };

	start(a);
}

static void
setup_bearer_anonymous(void)
{
	static const char *const a[] = { "--auth", "bearer", "--anonymous",
	    NULL };

	start(a);
}

START_TEST(bearer_token_is_fetched_with_the_credentials)
{
	struct run r;

	docker_login();
	pierone(&r, "latest", "acid", "app");
	assert_output(&r, "2.0-SNAPSHOT\n");
	run_free(&r);
	/* One scope, one token, asked for with the credentials. */
	ck_assert_int_eq(LOG_COUNT("/auth/token"), 1);
	ck_assert_int_eq(LOG_COUNT("/auth/token", "scope=repository%3Aacid"
	    "%2Fapp%3Apull", " 200 auth"), 1);
	ck_assert_int_eq(LOG_COUNT("/v2/acid/app/", " 401"), 1);
}
END_TEST

START_TEST(the_verbose_trace_tells_each_request_and_no_secret)
{
	struct run r;
	char want[256];
	const char *p;

	docker_login();
	pierone(&r, "-v", "latest", "acid", "app");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "2.0-SNAPSHOT\n");
	/* the 401, the realm's token (its query cut off), the retry */
	test_fmt(want, sizeof(want), "pierone: GET %s/v2/acid/app/tags/list "
	    "401 (", site.fake.url);
	ck_assert_msg(strstr(r.err, want) != NULL, "%s", r.err);
	test_fmt(want, sizeof(want), "pierone: GET %s/auth/token 200 (",
	    site.fake.url);
	ck_assert_msg(strstr(r.err, want) != NULL, "%s", r.err);
	/* each names what it carried */
	ck_assert_msg(strstr(r.err, " bytes, a registry token)\n") != NULL,
	    "%s", r.err);
	ck_assert_msg(strstr(r.err, "/auth/token 200 (") != NULL &&
	    strstr(r.err, " bytes, Docker's credentials)\n") != NULL, "%s",
	    r.err);
	ck_assert_ptr_nonnull(strstr(r.err, " bytes, no credentials)\n"));
	ck_assert_ptr_null(strchr(r.err, '?'));
	ck_assert_ptr_null(strstr(r.err, "scope"));
	ck_assert_ptr_null(strstr(r.err, TOKEN));
	ck_assert_ptr_null(strstr(r.err, "b2F1dGgyOn"));
	ck_assert_ptr_null(strstr(r.err, "Bearer"));
	/* why there is no OAuth2 token, then the requests */
	ck_assert_msg(strncmp(r.err, "pierone: no OAuth2 token: ", 26) == 0,
	    "%s", r.err);
	for (p = strchr(r.err, '\n') + 1; *p != '\0'; p = strchr(p, '\n') + 1)
		ck_assert_msg(strncmp(p, "pierone: GET ", 13) == 0 ||
		    strncmp(p, "pierone: HEAD ", 14) == 0, "%s", p);
	run_free(&r);
}
END_TEST

START_TEST(bearer_tokens_are_one_per_scope_for_parallel_requests)
{
	struct run r;

	docker_login();
	pierone(&r, "tags", "-o", "tsv", "-j", "8", "acid", "app", "many",
	    "multi", "list", "ocimg");
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	ck_assert_int_eq(LOG_COUNT("/auth/token"), 5);
	/* Each repository: one 401, then its token is there in advance. */
	ck_assert_int_le(LOG_COUNT("/v2/acid/", " 401"), 5);
	ck_assert_int_eq(LOG_COUNT("/v2/acid/many/manifests/", " 401"), 0);
}
END_TEST

START_TEST(bearer_catalog_has_its_own_scope)
{
	struct run r;

	docker_login();
	pierone(&r, "artifacts", "-o", "tsv", "stups");
	assert_output(&r, "team\tartifact\nstups\tkio\n");
	run_free(&r);
	ck_assert_int_eq(LOG_COUNT("/auth/token", "registry%3Acatalog"), 1);
}
END_TEST

START_TEST(bearer_anonymous_token_needs_no_credentials)
{
	struct run r;

	pierone(&r, "latest", "--no-snapshot", "acid", "app");
	assert_output(&r, "0.9\n");
	run_free(&r);
	ck_assert_int_eq(LOG_COUNT("/auth/token", " 200"), 1);
	ck_assert_int_eq(LOG_COUNT("/auth/token", " auth"), 0);
}
END_TEST

START_TEST(bearer_realm_takes_the_pierone_token_without_docker_login)
{
	struct run r;

	pierone_env(&r, with_token, "latest", "acid", "list", NULL);
	assert_output(&r, "q\n");
	run_free(&r);
	ck_assert_int_eq(LOG_COUNT("/auth/token", " 200 auth"), 1);
}
END_TEST

START_TEST(bearer_realm_refusing_says_how_to_log_in)
{
	struct run r;

	pierone(&r, "latest", "acid", "app");
	assert_failed(&r, 1, "this registry wants a login: run 'pierone "
	    "login' or 'docker login'");
	run_free(&r);
}
END_TEST

START_TEST(bearer_realm_refusing_the_credentials_says_so)
{
	char json[512];
	struct run r;

	test_fmt(json, sizeof(json), "{\"auths\":{\"%s\":{\"auth\":"
	    "\"b2F1dGgyOndyb25n\"}}}", site.fake.url);
	write_home(".docker/config.json", json, 0600);
	pierone(&r, "tags", "acid", "app", "many");
	assert_failed(&r, 1, "the Docker credentials for this registry were "
	    "refused");
	run_free(&r);
}
END_TEST

START_TEST(bearer_realm_that_fails_is_a_clear_error)
{
	struct run r;

	fake_stop(&site.fake);
	{
		static const char *const a[] = { "--data", NULL, "--token",
		    TOKEN, "--api", "v2", "--auth", "bearer", "--anonymous",
		    "--fault", "invalid-json@/auth/token", NULL };
		const char *args[16];

		memcpy(args, a, sizeof(a));
		args[1] = test_data("v2.json");
		site_fake_start(args, NULL);
	}
	pierone(&r, "latest", "acid", "app");
	assert_failed(&r, 1, "the answer holds no token");
	run_free(&r);
}
END_TEST

START_TEST(bearer_digest_uses_the_token_too)
{
	struct run r;

	docker_login();
	pierone(&r, "latest", "--digest", "acid", "app");
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "/acid/app:2.0-SNAPSHOT@sha256:"));
	run_free(&r);
}
END_TEST

/*
 * Tokens that live one second, requests that take 0.4 s: the registry
 * refuses tokens the client still holds for valid.  Each is fetched
 * anew, and the command succeeds.
 */
START_TEST(bearer_tokens_expired_early_are_fetched_again)
{
	const char *args[] = { "--data", test_data("v2.json"), "--token",
	    TOKEN, "--api", "v2", "--auth", "bearer",
	    "--registry-token-ttl", "1", "--delay-ms", "400", NULL };
	struct run r;

	fake_stop(&site.fake);
	site_fake_start(args, NULL);
	docker_login();
	pierone_env(&r, forced_v2, "latest", "acid", "app", NULL);
	assert_output(&r, "2.0-SNAPSHOT\n");
	run_free(&r);
	ck_assert_int_ge(LOG_COUNT("/auth/token", " 200 auth"), 2);
}
END_TEST

/* Layers come through the same authentication as everything else. */
START_TEST(basic_inspect_contents_downloads_layers_with_the_credentials)
{
	const char *args[] = { "--data", test_data("layers.json"), "--token",
	    TOKEN, "--api", "v2", "--auth", "basic", NULL };
	struct run r;

	fake_stop(&site.fake);
	site_fake_start(args, NULL);
	docker_login();
	pierone(&r, "inspect-contents", "-o", "tsv", "myteam", "img", "1.0");
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "\t./app/main.py\t12\t"));
	run_free(&r);
	ck_assert_int_ge(LOG_COUNT("/blobs/", " 200 auth"), 1);
	ck_assert_int_eq(LOG_COUNT("/blobs/", " 200 auth"),
	    LOG_COUNT("/blobs/"));
	ck_assert_int_eq(LOG_COUNT(" 401"), 1);
}
END_TEST

/*
 * A blob redirected to storage on another host that answers 401 with a
 * realm of its own: that realm is not the registry's, and its URL's
 * query (presigned credentials) stays out of the message.
 */
START_TEST(a_redirect_target_401_is_not_the_registry_challenge)
{
	const char *bargs[] = { "--data", test_data("v2.json"), "--token",
	    TOKEN, "--auth", "bearer", NULL };
	char spec[256];
	const char *args[] = { "--data", test_data("v2.json"), "--token",
	    TOKEN, "--api", "v2", "--auth", "none", "--fault", spec, NULL };
	struct fake storage;
	struct run r;
	char *log;

	fake_start(&storage, bargs);
	test_fmt(spec, sizeof(spec), "redirect=%s/bucket/blob?"
	    "X-Amz-Signature=sekrit-signature@/blobs/", storage.url);
	fake_stop(&site.fake);
	site_fake_start(args, NULL);
	docker_login();
	pierone(&r, "latest", "acid", "app");
	assert_failed(&r, 1, "HTTP 401");
	ck_assert_ptr_nonnull(strstr(r.err, storage.url));
	ck_assert_ptr_null(strstr(r.err, "sekrit"));
	run_free(&r);
	log = fake_log(&storage);
	ck_assert_ptr_null(strstr(log, "/auth/token"));
	free(log);
	fake_stop(&storage);
}
END_TEST

/* Registries with a web interface answer /teams with a page, not 404. */
START_TEST(a_web_page_for_teams_means_no_pier_one_api)
{
	const char *args[] = { "--data", test_data("v2.json"), "--token",
	    TOKEN, "--api", "v2-portal", "--auth", "none", NULL };
	struct run r;

	fake_stop(&site.fake);
	site_fake_start(args, NULL);
	pierone(&r, "teams", "-o", "tsv");
	assert_output(&r, "name\nacid\nstups\n");
	run_free(&r);
	pierone(&r, "latest", "acid", "multi");
	assert_output(&r, "x\n");
	run_free(&r);
	pierone(&r, "tags", "-o", "tsv", "acid", "ocimg");
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "\tocimg\tb\t"));
	run_free(&r);
	pierone(&r, "scm-source", "acid", "app", "1.0");
	assert_failed(&r, 1, "scm-source needs Pier One's API");
	run_free(&r);
	pierone(&r, "image", "abc123");
	assert_failed(&r, 1, "image needs Pier One's API");
	run_free(&r);
}
END_TEST

/* A manifest that is not one costs its tag the time, not the list. */
START_TEST(a_broken_manifest_leaves_its_tag_without_a_time)
{
	const char *args[] = { "--data", test_data("v2.json"), "--token",
	    TOKEN, "--api", "v2", "--auth", "none", "--fault",
	    "invalid-json@/v2/acid/app/manifests/0.9", NULL };
	struct run r;

	fake_stop(&site.fake);
	site_fake_start(args, NULL);
	pierone(&r, "latest", "--no-snapshot", "acid", "app");
	assert_output(&r, "1.1\n");
	run_free(&r);
	pierone(&r, "tags", "-o", "tsv", "-l", "0", "acid", "app");
	ck_assert_msg(r.status == 0, "%s", r.err);
	/* No time: the oldest, listed first. */
	ck_assert_ptr_nonnull(strstr(r.out, "\nacid\tapp\t0.9\t\t"));
	run_free(&r);
}
END_TEST

/* A library client asks again for a token that failed in an earlier call. */
START_TEST(a_failed_realm_token_is_tried_again_by_the_next_call)
{
	static const char *const env[] = { "HOME", "DOCKER_CONFIG" };
	const char *args[] = { "--data", test_data("v2.json"), "--token",
	    TOKEN, "--api", "v2", "--auth", "bearer", "--anonymous",
	    "--fault", "status=503@/auth/token#1", NULL };
	struct pierone_options o = PIERONE_OPTIONS_INIT;
	struct pierone_err err = { 0 };
	pierone_client *c;
	char *tag = NULL;

	fake_stop(&site.fake);
	site_fake_start(args, NULL);
	test_env_isolate(env, 2);
	setenv("HOME", site.home, 1);
	o.url = site.fake.url;
	o.api = PIERONE_API_V2;
	o.retries = 0;
	ck_assert_int_eq(pierone_client_new(&c, &o, &err), 0);
	ck_assert_int_eq(pierone_latest(&tag, c, "acid", "list", 0),
	    PIERONE_ESERVER);
	ck_assert_ptr_null(tag);
	ck_assert_int_eq(pierone_latest(&tag, c, "acid", "list", 0), 0);
	ck_assert_str_eq(tag, "q");
	free(tag);
	pierone_client_free(c);
	test_env_restore();
}
END_TEST

/* Without a token, Pier One's 401 still says how to get one. */
START_TEST(no_token_against_pier_one_says_run_login)
{
	struct run r;

	fake_stop(&site.fake);
	{
		const char *args[] = { "--data", test_data("registry.json"),
		    "--token", TOKEN, NULL };

		site_fake_start(args, NULL);
	}
	pierone(&r, "latest", "myteam", "myapp");
	assert_failed(&r, 1, "no valid OAuth2 token found");
	ck_assert_ptr_nonnull(strstr(r.err, "run 'pierone login'"));
	run_free(&r);
}
END_TEST

Suite *
v2_suite(void)
{
	Suite *s = suite_create("v2");
	TCase *tc = tcase_create("commands");
	TCase *tp = tcase_create("pages");
	TCase *ta = tcase_create("absolute_links");
	TCase *tf = tcase_create("foreign_links");
	TCase *tl = tcase_create("loop_links");
	TCase *tb = tcase_create("basic");
	TCase *te = tcase_create("bearer");
	TCase *tn = tcase_create("bearer_anonymous");

	tcase_add_checked_fixture(tc, setup_open, teardown);
	tcase_add_test(tc, teams_come_from_the_catalog);
	tcase_add_test(tc, artifacts_come_from_the_catalog);
	tcase_add_test(tc, unknown_team_is_not_found);
	tcase_add_test(tc, unknown_artifact_is_not_found);
	tcase_add_test(tc, tags_are_oldest_first_by_config_time_without_author);
	tcase_add_test(tc, tags_no_dates_lists_names_without_a_manifest_request);
	tcase_add_test(tc, tags_no_dates_cannot_sort_by_created);
	tcase_add_test(tc, latest_is_by_config_time_not_by_name);
	tcase_add_test(tc, latest_json_reads_the_manifests_once);
	tcase_add_test(tc, latest_reads_oci_manifests_by_content_type);
	tcase_add_test(tc, latest_of_indexes_and_lists_is_by_their_amd64_image);
	tcase_add_test(tc, latest_of_an_artifact_without_tags_fails);
	tcase_add_test(tc, a_tag_without_created_counts_as_oldest);
	tcase_add_test(tc, latest_digest_is_the_manifest_digest);
	tcase_add_test(tc, scm_source_and_image_need_pier_one);
	tcase_add_test(tc, the_api_is_detected_once_per_run);
	tcase_add_test(tc, api_v2_in_the_config_skips_detection);
	tcase_add_test(tc, api_pierone_in_the_config_never_switches);
	tcase_add_test(tc, a_bad_api_value_is_refused);
	tcase_add_test(tc, no_token_against_pier_one_says_run_login);
	tcase_add_test(tc, a_redirect_target_401_is_not_the_registry_challenge);
	tcase_add_test(tc, a_broken_manifest_leaves_its_tag_without_a_time);
	tcase_add_test(tc, a_web_page_for_teams_means_no_pier_one_api);
	tcase_add_test(tc, a_failed_realm_token_is_tried_again_by_the_next_call);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tp, setup_short_pages, teardown);
	tcase_add_test(tp, short_pages_never_end_a_list);
	suite_add_tcase(s, tp);
	tcase_add_checked_fixture(ta, setup_absolute_links, teardown);
	tcase_add_test(ta, absolute_links_to_the_same_registry_are_followed);
	suite_add_tcase(s, ta);
	tcase_add_checked_fixture(tl, setup_loop_links, teardown);
	tcase_add_test(tl, links_that_lead_back_end_in_an_error);
	suite_add_tcase(s, tl);
	tcase_add_checked_fixture(tf, setup_foreign_links, teardown);
	tcase_add_test(tf, links_to_another_host_are_refused);
	suite_add_tcase(s, tf);

	tcase_add_checked_fixture(tb, setup_basic, teardown);
	tcase_add_test(tb, basic_is_answered_with_the_docker_credentials_once);
	tcase_add_test(tb, basic_is_learned_by_requests_in_flight);
	tcase_add_test(tb, basic_falls_back_to_the_pierone_token);
	tcase_add_test(tb, basic_without_credentials_says_how_to_log_in);
	tcase_add_test(tb, basic_with_wrong_credentials_fails_with_401);
	tcase_add_test(tb, a_credential_helper_answers_for_the_host);
	tcase_add_test(tb, dockercfg_alone_is_enough);
	tcase_add_test(tb,
	    basic_inspect_contents_downloads_layers_with_the_credentials);
	suite_add_tcase(s, tb);

	tcase_add_checked_fixture(te, setup_bearer, teardown);
	tcase_add_test(te, bearer_token_is_fetched_with_the_credentials);
	tcase_add_test(te,
	    bearer_tokens_are_one_per_scope_for_parallel_requests);
	tcase_add_test(te, bearer_catalog_has_its_own_scope);
	tcase_add_test(te,
	    bearer_realm_takes_the_pierone_token_without_docker_login);
	tcase_add_test(te, bearer_realm_refusing_says_how_to_log_in);
	tcase_add_test(te, bearer_realm_refusing_the_credentials_says_so);
	tcase_add_test(te, bearer_digest_uses_the_token_too);
	tcase_add_test(te, bearer_tokens_expired_early_are_fetched_again);
	tcase_add_test(te, the_verbose_trace_tells_each_request_and_no_secret);
	suite_add_tcase(s, te);

	tcase_add_checked_fixture(tn, setup_bearer_anonymous, teardown);
	tcase_add_test(tn, bearer_anonymous_token_needs_no_credentials);
	tcase_add_test(tn, bearer_realm_that_fails_is_a_clear_error);
	suite_add_tcase(s, tn);
	return s;
}
