/*
 * The registry calls of libpierone against the fake registry: results,
 * and how every HTTP and transport failure maps to a code and a message.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests.h"
#include "pierone.h"

#define TOKEN "lib-test-token"

static struct fake fake;
static pierone_client *client;

static int opt_retries = -1;
static long opt_max_response;

static void
start_with(const char *const *extra, const char *token, long timeout_ms)
{
	const char *args[16] = { "--data", test_data("registry.json"),
	    "--token", TOKEN, "--forbid", "noaccess" };
	struct pierone_options o = PIERONE_OPTIONS_INIT;
	struct pierone_err err = { 0 };
	int n = 6;

	for (; extra != NULL && *extra != NULL && n < 15; extra++)
		args[n++] = *extra;
	args[n] = NULL;
	fake_start(&fake, args);
	o.url = fake.url;
	o.token = token;
	o.timeout_ms = timeout_ms;
	o.retries = opt_retries;
	o.max_response = opt_max_response;
	ck_assert_int_eq(pierone_client_new(&client, &o, &err), 0);
}

static void
setup(void)
{
	start_with(NULL, TOKEN, 0);
}

static void
teardown(void)
{
	pierone_client_free(client);
	client = NULL;
	fake_stop(&fake);
}

static void
restart(const char *fault, const char *token, long timeout_ms)
{
	const char *extra[] = { "--fault", fault, NULL };

	teardown();
	start_with(fault != NULL ? extra : NULL, token, timeout_ms);
}

static void
assert_msg_has(const char *what)
{
	const char *msg = pierone_errmsg(client);

	ck_assert_msg(strstr(msg, what) != NULL, "'%s' not in '%s'", what,
	    msg);
	ck_assert_msg(strstr(msg, TOKEN) == NULL, "token in '%s'", msg);
}

START_TEST(client_needs_a_url)
{
	struct pierone_options o = PIERONE_OPTIONS_INIT;
	struct pierone_err err = { 0 };
	pierone_client *c = (pierone_client *)1;

	ck_assert_int_eq(pierone_client_new(&c, &o, &err), PIERONE_ECONFIG);
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(strstr(err.msg, "URL"));
	o.url = "ftp://x";
	ck_assert_int_eq(pierone_client_new(&c, &o, &err), PIERONE_ECONFIG);
	o.version = 99;
	ck_assert_int_eq(pierone_client_new(&c, &o, &err), PIERONE_EINVAL);
	pierone_client_free(NULL);
}
END_TEST

START_TEST(client_url_is_normalised)
{
	struct pierone_options o = PIERONE_OPTIONS_INIT;
	struct pierone_err err = { 0 };
	pierone_client *c;

	o.url = "registry.example.org/";
	ck_assert_int_eq(pierone_client_new(&c, &o, &err), 0);
	ck_assert_str_eq(pierone_client_url(c), "https://registry.example.org");
	pierone_client_free(c);
}
END_TEST

START_TEST(teams_come_as_the_server_sent_them)
{
	struct pierone_strlist *l;

	ck_assert_int_eq(pierone_teams_list(&l, client), 0);
	ck_assert_uint_eq(l->count, 4);
	ck_assert_str_eq(l->items[0], "myteam");
	ck_assert_str_eq(l->items[3], "noaccess");
	pierone_strlist_sort(l);
	ck_assert_str_eq(l->items[0], "a-team");
	pierone_strlist_free(l);
}
END_TEST

START_TEST(artifacts_of_a_team)
{
	struct pierone_strlist *l;

	ck_assert_int_eq(pierone_artifacts_list(&l, client, "myteam"), 0);
	ck_assert_uint_eq(l->count, 4);
	ck_assert_str_eq(l->items[0], "myapp");
	pierone_strlist_free(l);
	ck_assert_int_eq(pierone_artifacts_list(&l, client, "a-team"), 0);
	ck_assert_uint_eq(l->count, 0);
	pierone_strlist_free(l);
}
END_TEST

START_TEST(tags_are_mapped_with_nulls_and_unknown_keys)
{
	struct pierone_tag_list *l;

	ck_assert_int_eq(pierone_tags_list(&l, client, "myteam", "myapp"), 0);
	ck_assert_uint_eq(l->count, 5);
	ck_assert_str_eq(l->tags[0].name, "1.0");
	ck_assert(l->tags[0].created.valid);
	ck_assert_int_eq(l->tags[0].created.sec, 1431013791);
	ck_assert_int_eq(l->tags[0].created.ms, 230);
	ck_assert_str_eq(l->tags[1].status, "Not Vulnerable");
	ck_assert_str_eq(l->tags[1].status_reason, "No CVEs found");
	ck_assert_ptr_null(l->tags[2].status);
	ck_assert_ptr_null(l->tags[3].created_by);
	ck_assert_ptr_null(l->tags[3].image);
	ck_assert_str_eq(l->tags[2].image, "sha256:"
	    "3333333333333333333333333333333333333333333333333333333333333333");
	ck_assert_int_eq(pierone_tags_latest_index(l), 2);
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(latest_tag_is_by_time_not_position)
{
	char *tag;

	ck_assert_int_eq(pierone_latest_tag(&tag, client, "myteam", "myapp"), 0);
	ck_assert_str_eq(tag, "1.8.5");
	free(tag);
	ck_assert_int_eq(pierone_latest_tag(&tag, client, "myteam", "empty"),
	    PIERONE_ENOTFOUND);
	ck_assert_ptr_null(tag);
	assert_msg_has("latest tag not found");
}
END_TEST

START_TEST(unknown_team_is_not_found)
{
	struct pierone_strlist *l;

	ck_assert_int_eq(pierone_artifacts_list(&l, client, "nope"),
	    PIERONE_ENOTFOUND);
	ck_assert_ptr_null(l);
	assert_msg_has("team 'nope' not found");
}
END_TEST

START_TEST(unknown_artifact_is_not_found)
{
	struct pierone_tag_list *l;

	ck_assert_int_eq(pierone_tags_list(&l, client, "myteam", "nope"),
	    PIERONE_ENOTFOUND);
	assert_msg_has("artifact 'myteam/nope' not found");
}
END_TEST

START_TEST(invalid_names_make_no_request)
{
	struct pierone_tag_list *l;
	struct pierone_strlist *s;
	char *log;

	ck_assert_int_eq(pierone_tags_list(&l, client, "myteam", ".."),
	    PIERONE_EINVAL);
	ck_assert_int_eq(pierone_tags_list(&l, client, "myteam", ""),
	    PIERONE_EINVAL);
	ck_assert_int_eq(pierone_tags_list(&l, client, "My", "app"),
	    PIERONE_EINVAL);
	ck_assert_int_eq(pierone_artifacts_list(&s, client, "../etc"),
	    PIERONE_EINVAL);
	assert_msg_has("invalid team name");
	log = fake_log(&fake);
	ck_assert_str_eq(log, "");
	free(log);
}
END_TEST

START_TEST(names_are_percent_encoded_on_the_wire)
{
	struct pierone_tag_list *l;
	char *log;

	pierone_tags_list(&l, client, "myteam", "a b%2e\xc3\xa9");
	log = fake_log(&fake);
	ck_assert_ptr_nonnull(strstr(log,
	    "GET /teams/myteam/artifacts/a%20b%252e%C3%A9/tags 404"));
	free(log);
	/* a name from a server is data: it stays in its segment */
	pierone_tags_list(&l, client, "myteam", "../x?y#z");
	log = fake_log(&fake);
	ck_assert_ptr_nonnull(strstr(log,
	    "GET /teams/myteam/artifacts/..%2Fx%3Fy%23z/tags 404"));
	free(log);
}
END_TEST

START_TEST(bad_token_is_an_auth_error)
{
	struct pierone_strlist *l;

	restart(NULL, "not-the-token", 0);
	ck_assert_int_eq(pierone_teams_list(&l, client), PIERONE_EAUTH);
	assert_msg_has("HTTP 401");
	assert_msg_has("pierone login");
	ck_assert_ptr_null(strstr(pierone_errmsg(client), "not-the-token"));
}
END_TEST

START_TEST(missing_token_is_an_auth_error)
{
	struct pierone_strlist *l;

	restart(NULL, NULL, 0);
	ck_assert_int_eq(pierone_teams_list(&l, client), PIERONE_EAUTH);
}
END_TEST

START_TEST(forbidden_team_is_forbidden)
{
	struct pierone_strlist *l;

	ck_assert_int_eq(pierone_artifacts_list(&l, client, "noaccess"),
	    PIERONE_EFORBIDDEN);
	assert_msg_has("HTTP 403");
	assert_msg_has("'noaccess'");
}
END_TEST

START_TEST(server_errors_are_server_errors)
{
	struct pierone_strlist *l;

	restart("status=503", TOKEN, 0);
	ck_assert_int_eq(pierone_teams_list(&l, client), PIERONE_ESERVER);
	assert_msg_has("HTTP 503");
	assert_msg_has("/teams");
}
END_TEST

START_TEST(unexpected_status_is_a_bad_response)
{
	struct pierone_strlist *l;

	restart("status=418", TOKEN, 0);
	ck_assert_int_eq(pierone_teams_list(&l, client), PIERONE_EBADRESPONSE);
	assert_msg_has("HTTP 418");
}
END_TEST

START_TEST(invalid_json_is_a_bad_response)
{
	struct pierone_tag_list *l;

	restart("invalid-json", TOKEN, 0);
	ck_assert_int_eq(pierone_tags_list(&l, client, "myteam", "myapp"),
	    PIERONE_EBADRESPONSE);
	assert_msg_has("invalid JSON");
	assert_msg_has("'myteam/myapp'");
}
END_TEST

START_TEST(wrong_shape_is_a_bad_response)
{
	struct pierone_strlist *l;

	restart("wrong-shape", TOKEN, 0);
	ck_assert_int_eq(pierone_teams_list(&l, client), PIERONE_EBADRESPONSE);
	assert_msg_has("expected a JSON array");
}
END_TEST

START_TEST(truncated_body_is_a_network_error)
{
	struct pierone_tag_list *l;

	restart("truncated", TOKEN, 0);
	ck_assert_int_eq(pierone_tags_list(&l, client, "myteam", "myapp"),
	    PIERONE_ENETWORK);
}
END_TEST

START_TEST(hanging_server_times_out)
{
	struct pierone_strlist *l;

	restart("hang", TOKEN, 300);
	ck_assert_int_eq(pierone_teams_list(&l, client), PIERONE_ETIMEOUT);
	assert_msg_has("timed out");
}
END_TEST

START_TEST(refused_connection_is_a_network_error)
{
	struct pierone_strlist *l;

	fake_stop(&fake);
	ck_assert_int_eq(pierone_teams_list(&l, client), PIERONE_ENETWORK);
	assert_msg_has("cannot list teams");
}
END_TEST

static int
requests_logged(const char *what)
{
	char *log = fake_log(&fake);
	int n = 0;

	for (char *p = log; (p = strstr(p, what)) != NULL; p++)
		n++;
	free(log);
	return n;
}

START_TEST(unavailable_twice_then_served_succeeds_on_the_third_try)
{
	struct pierone_strlist *l;

	restart("status=503#2", TOKEN, 0);
	ck_assert_int_eq(pierone_teams_list(&l, client), 0);
	ck_assert_uint_eq(l->count, 4);
	pierone_strlist_free(l);
	ck_assert_int_eq(requests_logged("GET /teams 503"), 2);
	ck_assert_int_eq(requests_logged("GET /teams 200"), 1);
}
END_TEST

START_TEST(every_retryable_status_is_tried_three_times)
{
	static const char *const faults[] = { "status=408", "status=429",
	    "status=500", "status=502", "status=503", "status=504" };
	struct pierone_strlist *l;

	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		restart(faults[i], TOKEN, 0);
		ck_assert_int_ne(pierone_teams_list(&l, client), 0);
		ck_assert_int_eq(requests_logged("GET /teams "), 3);
	}
}
END_TEST

START_TEST(client_errors_are_never_retried)
{
	static const char *const faults[] = { "status=400", "status=401",
	    "status=403", "status=404" };
	struct pierone_strlist *l;

	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		restart(faults[i], TOKEN, 0);
		ck_assert_int_ne(pierone_teams_list(&l, client), 0);
		ck_assert_int_eq(requests_logged("GET /teams "), 1);
	}
}
END_TEST

START_TEST(zero_retries_means_one_try)
{
	struct pierone_strlist *l;

	opt_retries = 0;
	restart("status=503#1", TOKEN, 0);
	ck_assert_int_eq(pierone_teams_list(&l, client), PIERONE_ESERVER);
	ck_assert_int_eq(requests_logged("GET /teams "), 1);
	opt_retries = -1;
}
END_TEST

START_TEST(retry_after_is_honoured)
{
	struct pierone_strlist *l;
	struct timespec t0, t1;
	double secs;

	restart("retry-after=1#1", TOKEN, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(pierone_teams_list(&l, client), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pierone_strlist_free(l);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(secs >= 0.95, "retried after %.3f s, not 1 s", secs);
	ck_assert_int_eq(requests_logged("GET /teams 429"), 1);
}
END_TEST

START_TEST(cut_off_transfer_is_tried_again)
{
	struct pierone_tag_list *l;

	restart("truncated#1", TOKEN, 0);
	ck_assert_int_eq(pierone_tags_list(&l, client, "myteam", "myapp"), 0);
	ck_assert_uint_eq(l->count, 5);
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(one_transient_failure_in_a_fan_out_is_retried)
{
	const char *arts[] = { "alpha", "myapp", "other", "empty" };
	struct pierone_tag_list **lists;

	restart("status=502@/other/#1", TOKEN, 0);
	ck_assert_int_eq(pierone_tags_list_many(&lists, client, "myteam",
	    arts, 4, 4), 0);
	ck_assert_uint_eq(lists[2]->count, 2);
	ck_assert_uint_eq(lists[3]->count, 0);
	pierone_tag_lists_free(lists, 4);
}
END_TEST

START_TEST(fan_out_failure_names_the_artifact_and_returns_nothing)
{
	const char *arts[] = { "alpha", "myapp", "nope", "other" };
	struct pierone_tag_list **lists = (void *)1;

	ck_assert_int_eq(pierone_tags_list_many(&lists, client, "myteam",
	    arts, 4, 2), PIERONE_ENOTFOUND);
	ck_assert_ptr_null(lists);
	assert_msg_has("'myteam/nope'");
}
END_TEST

START_TEST(response_over_the_cap_is_refused)
{
	struct pierone_strlist *l;

	opt_max_response = 4096;
	restart("huge=100000", TOKEN, 0);
	ck_assert_int_eq(pierone_teams_list(&l, client), PIERONE_EBADRESPONSE);
	assert_msg_has("larger than 4096 bytes");
	ck_assert_int_eq(requests_logged("GET /teams "), 1);
	opt_max_response = 0;
}
END_TEST

START_TEST(one_client_serves_many_requests)
{
	struct pierone_tag_list *l;
	char *log;
	int n = 0;

	for (int i = 0; i < 20; i++) {
		ck_assert_int_eq(pierone_tags_list(&l, client, "myteam",
		    "alpha"), 0);
		ck_assert_uint_eq(l->count, 5);
		pierone_tag_list_free(l);
	}
	log = fake_log(&fake);
	for (char *p = log; (p = strstr(p, " 200")) != NULL; p++)
		n++;
	ck_assert_int_eq(n, 20);
	free(log);
}
END_TEST

/* What pierone_tags_each() handed over, in the order it did. */
struct handed {
	size_t calls, next;	/* next: the index expected */
	bool in_order;
	size_t counts[64];
	size_t stop_at;		/* fail with PIERONE_ENOMEM there */
	bool any_filtered;	/* a tag named 1.0.1 was handed */
};

static int
take_list(struct pierone_tag_list *l, size_t i, void *arg)
{
	struct handed *h = arg;

	h->in_order = h->in_order && i == h->next;
	h->next = i + 1;
	h->calls++;
	if (i < 64)
		h->counts[i] = l->count;
	for (size_t k = 0; k < l->count; k++)
		h->any_filtered |= strcmp(l->tags[k].name, "1.0.1") == 0;
	pierone_tag_list_free(l);
	return i == h->stop_at ? PIERONE_ENOMEM : 0;
}

/* gen: app-0000 ... app-0039, 3 tags each (1.0.0, 1.0.1, 1.0.2) */
static void
restart_gen(const char *fault)
{
	const char *extra[] = { "--gen", "gen:40:3", "--fault", fault, NULL };

	teardown();
	start_with(extra, TOKEN, 0);
}

static const char **
gen_names(size_t n)
{
	static char names[64][16];
	static const char *p[64];

	for (size_t i = 0; i < n && i < 64; i++) {
		snprintf(names[i], sizeof(names[i]), "app-%04zu", i);
		p[i] = names[i];
	}
	return p;
}

START_TEST(tags_each_hands_every_list_once_in_the_callers_order)
{
	struct handed h = { .in_order = true, .stop_at = SIZE_MAX };

	/* the first answer comes last: retried after a 503 */
	restart_gen("status=503@/app-0000/#1");
	ck_assert_int_eq(pierone_tags_each(client, "gen", gen_names(40), 40,
	    8, take_list, &h), 0);
	ck_assert_uint_eq(h.calls, 40);
	ck_assert(h.in_order);
	for (size_t i = 0; i < 40; i++)
		ck_assert_uint_eq(h.counts[i], 3);
	ck_assert_int_eq(requests_logged("/app-0000/tags 503"), 1);
}
END_TEST

START_TEST(tags_each_stops_when_the_callback_fails)
{
	struct handed h = { .in_order = true, .stop_at = 5 };

	/* one at a time: each request starts once the one before is in */
	restart_gen("status=503@/app-0039/#1");
	ck_assert_int_eq(pierone_tags_each(client, "gen", gen_names(40), 40,
	    1, take_list, &h), PIERONE_ENOMEM);
	ck_assert_uint_eq(h.calls, 6);
	ck_assert(h.in_order);
	assert_msg_has("out of memory");
	/* no request started after it */
	ck_assert_int_eq(requests_logged("GET /teams/gen/artifacts/"), 6);
}
END_TEST

/* Stops with 1 at stop_at, as "non-zero stops" callbacks do. */
static int
take_list_stop_1(struct pierone_tag_list *l, size_t i, void *arg)
{
	return take_list(l, i, arg) != 0 ? 1 : 0;
}

START_TEST(tags_each_stops_for_good_when_the_callback_returns_1)
{
	struct handed h = { .in_order = true, .stop_at = 5 };
	int rc;

	restart_gen("status=503@/app-0039/#1");
	rc = pierone_tags_each(client, "gen", gen_names(40), 40, 1,
	    take_list_stop_1, &h);
	/* a failure, told as one of the library's codes */
	ck_assert_int_lt(rc, 0);
	ck_assert_uint_eq(h.calls, 6);
	ck_assert(h.in_order);
	/* nothing asked again (1 is no sign to try another API) */
	ck_assert_int_eq(requests_logged("GET /teams/gen/artifacts/"), 6);
}
END_TEST

static bool
not_101(const char *name, void *arg)
{
	(void)arg;
	return strcmp(name, "1.0.1") != 0;
}

START_TEST(tags_each_hands_what_the_filter_keeps)
{
	struct handed h = { .in_order = true, .stop_at = SIZE_MAX };

	restart_gen("status=503@/app-0003/#1");
	pierone_set_tag_filter(client, not_101, NULL, 0);
	ck_assert_int_eq(pierone_tags_each(client, "gen", gen_names(10), 10,
	    4, take_list, &h), 0);
	ck_assert_uint_eq(h.calls, 10);
	ck_assert(!h.any_filtered);
	ck_assert_uint_eq(h.counts[9], 2);
}
END_TEST

START_TEST(tags_each_fails_on_the_first_unknown_and_hands_nothing_after)
{
	const char **names = gen_names(40);
	struct handed h = { .in_order = true, .stop_at = SIZE_MAX };

	restart_gen("status=503@/app-0000/#1");
	names[20] = "nope";
	ck_assert_int_eq(pierone_tags_each(client, "gen", names, 40, 8,
	    take_list, &h), PIERONE_ENOTFOUND);
	assert_msg_has("'gen/nope'");
	ck_assert(h.in_order);
	ck_assert_uint_le(h.next, 20);
}
END_TEST

/* ------------------------------------------------------------------
 * Something that is no registry at all
 */

/* The fake as a web site (--api none: 404 pages; web: a 200 page). */
static void
restart_as(const char *api)
{
	const char *extra[] = { "--api", api, NULL };

	teardown();
	start_with(extra, TOKEN, 0);
}

/* Every call of the client fails with `rc` and the message `want`. */
static void
assert_every_call_fails(int rc, const char *want)
{
	static const char *const tags[] = { "1.0" };
	struct pierone_strlist *l;
	struct pierone_tag_list *t;
	struct pierone_scm_source *scm;
	struct pierone_image_tags *it;
	struct pierone_image_details *d;
	struct pierone_layer_files *files;
	char *s;

	ck_assert_int_eq(pierone_teams_list(&l, client), rc);
	ck_assert_str_eq(pierone_errmsg(client), want);
	ck_assert_int_eq(pierone_artifacts_list(&l, client, "myteam"), rc);
	ck_assert_str_eq(pierone_errmsg(client), want);
	ck_assert_int_eq(pierone_tags_list(&t, client, "myteam", "myapp"), rc);
	ck_assert_str_eq(pierone_errmsg(client), want);
	ck_assert_int_eq(pierone_latest_tag(&s, client, "myteam", "myapp"),
	    rc);
	ck_assert_str_eq(pierone_errmsg(client), want);
	ck_assert_int_eq(pierone_scm_sources(&scm, client, "myteam", "myapp",
	    tags, 1, 1), rc);
	ck_assert_str_eq(pierone_errmsg(client), want);
	ck_assert_int_eq(pierone_image_find(&it, client, "abc123"), rc);
	ck_assert_str_eq(pierone_errmsg(client), want);
	ck_assert_int_eq(pierone_image_describe(&d, client, "myteam", "myapp",
	    "1.0"), rc);
	ck_assert_str_eq(pierone_errmsg(client), want);
	ck_assert_int_eq(pierone_manifest_digest(&s, client, "myteam", "myapp",
	    "1.0"), rc);
	ck_assert_str_eq(pierone_errmsg(client), want);
	ck_assert_int_eq(pierone_image_files(&files, client, "myteam",
	    "myapp", "1.0", 0, NULL, NULL), rc);
	ck_assert_str_eq(pierone_errmsg(client), want);
	ck_assert_int_eq(pierone_mark_production_ready(client, "myteam",
	    "myapp", "1.0", "INC-1"), rc);
	ck_assert_str_eq(pierone_errmsg(client), want);
}

START_TEST(a_web_site_answering_404_is_no_registry_for_every_call)
{
	char want[256];

	restart_as("none");
	test_fmt(want, sizeof(want), "%s does not look like a Pier One or "
	    "Docker registry: GET %s/v2/: HTTP 404 Not Found", fake.url,
	    fake.url);
	assert_every_call_fails(PIERONE_EBADRESPONSE, want);
	/* asked once for the client, not once a call */
	ck_assert_int_eq(requests_logged("GET /v2/ "), 1);
}
END_TEST

START_TEST(a_web_site_answering_a_page_is_no_registry_for_every_call)
{
	char want[256];

	restart_as("web");
	test_fmt(want, sizeof(want), "%s does not look like a Pier One or "
	    "Docker registry: GET %s/v2/: a web page (HTTP 200, text/html)",
	    fake.url, fake.url);
	assert_every_call_fails(PIERONE_EBADRESPONSE, want);
	ck_assert_int_eq(requests_logged("GET /v2/ "), 1);
}
END_TEST

/* Pier One's 404s: detection proved the API, nothing more is asked. */
START_TEST(a_registry_s_not_found_keeps_its_message)
{
	struct pierone_strlist *l;
	struct pierone_tag_list *t;
	char want[256];

	ck_assert_int_eq(pierone_artifacts_list(&l, client, "nope"),
	    PIERONE_ENOTFOUND);
	test_fmt(want, sizeof(want), "team 'nope' not found at %s", fake.url);
	ck_assert_str_eq(pierone_errmsg(client), want);
	ck_assert_int_eq(pierone_tags_list(&t, client, "myteam", "nope"),
	    PIERONE_ENOTFOUND);
	test_fmt(want, sizeof(want), "artifact 'myteam/nope' not found at %s",
	    fake.url);
	ck_assert_str_eq(pierone_errmsg(client), want);
	ck_assert_int_eq(requests_logged("GET /v2/"), 0);
}
END_TEST

/*
 * A 404 where GET /v2/ then fails with 503 (a registry in trouble, not
 * a web site): the 404's message stays.
 */
START_TEST(a_registry_in_trouble_is_not_called_no_registry)
{
	const char *extra[] = { "--api", "v2", "--fault", "status=404@/v2/#1",
	    "--fault", "status=503@/v2/", NULL };
	struct pierone_options o = PIERONE_OPTIONS_INIT;
	struct pierone_err err = { 0 };
	struct pierone_tag_list *t;
	char want[256];

	teardown();
	start_with(extra, TOKEN, 0);
	pierone_client_free(client);
	o.url = fake.url;
	o.token = TOKEN;
	o.retries = 0;
	o.api = PIERONE_API_V2;
	ck_assert_int_eq(pierone_client_new(&client, &o, &err), 0);
	ck_assert_int_eq(pierone_tags_list(&t, client, "myteam", "myapp"),
	    PIERONE_ENOTFOUND);
	test_fmt(want, sizeof(want), "artifact 'myteam/myapp' not found at %s",
	    fake.url);
	ck_assert_str_eq(pierone_errmsg(client), want);
	ck_assert_int_eq(requests_logged("GET /v2/ 503"), 1);
}
END_TEST

/*
 * https:// to a port that speaks plain HTTP.  The fake answers the TLS
 * handshake with HTTP 400 and closes; now and then the reset of that
 * close reaches the client before the answer does, and OpenSSL says
 * SSL_ERROR_SYSCALL instead, which tells nothing: a few tries.
 */
START_TEST(https_to_a_plain_http_port_suggests_http)
{
	struct pierone_options o = PIERONE_OPTIONS_INIT;
	struct pierone_err err = { 0 };
	struct pierone_strlist *l;
	char url[96], want[160];
	int tries = 0;

	test_fmt(url, sizeof(url), "https://127.0.0.1:%d", fake.port);
	test_fmt(want, sizeof(want), " (the server answers plain HTTP: try "
	    "http://127.0.0.1:%d)", fake.port);
	o.url = url;
	o.token = TOKEN;
	o.retries = 0;
	do {
		pierone_client_free(client);
		ck_assert_int_eq(pierone_client_new(&client, &o, &err), 0);
		ck_assert_int_eq(pierone_teams_list(&l, client),
		    PIERONE_ENETWORK);
	} while (strstr(pierone_errmsg(client), want) == NULL && ++tries < 5);
	assert_msg_has(want);
	assert_msg_has("cannot list teams: GET https://127.0.0.1:");
}
END_TEST

Suite *
http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("http");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, client_needs_a_url);
	tcase_add_test(tc, client_url_is_normalised);
	tcase_add_test(tc, teams_come_as_the_server_sent_them);
	tcase_add_test(tc, artifacts_of_a_team);
	tcase_add_test(tc, tags_are_mapped_with_nulls_and_unknown_keys);
	tcase_add_test(tc, latest_tag_is_by_time_not_position);
	tcase_add_test(tc, unknown_team_is_not_found);
	tcase_add_test(tc, unknown_artifact_is_not_found);
	tcase_add_test(tc, invalid_names_make_no_request);
	tcase_add_test(tc, names_are_percent_encoded_on_the_wire);
	tcase_add_test(tc, bad_token_is_an_auth_error);
	tcase_add_test(tc, missing_token_is_an_auth_error);
	tcase_add_test(tc, forbidden_team_is_forbidden);
	tcase_add_test(tc, server_errors_are_server_errors);
	tcase_add_test(tc, unexpected_status_is_a_bad_response);
	tcase_add_test(tc, invalid_json_is_a_bad_response);
	tcase_add_test(tc, wrong_shape_is_a_bad_response);
	tcase_add_test(tc, truncated_body_is_a_network_error);
	tcase_add_test(tc, hanging_server_times_out);
	tcase_add_test(tc, refused_connection_is_a_network_error);
	tcase_add_test(tc, one_client_serves_many_requests);
	tcase_add_test(tc,
	    unavailable_twice_then_served_succeeds_on_the_third_try);
	tcase_add_test(tc, every_retryable_status_is_tried_three_times);
	tcase_add_test(tc, client_errors_are_never_retried);
	tcase_add_test(tc, zero_retries_means_one_try);
	tcase_add_test(tc, retry_after_is_honoured);
	tcase_add_test(tc, cut_off_transfer_is_tried_again);
	tcase_add_test(tc, one_transient_failure_in_a_fan_out_is_retried);
	tcase_add_test(tc,
	    fan_out_failure_names_the_artifact_and_returns_nothing);
	tcase_add_test(tc, response_over_the_cap_is_refused);
	tcase_add_test(tc,
	    tags_each_hands_every_list_once_in_the_callers_order);
	tcase_add_test(tc, tags_each_stops_when_the_callback_fails);
	tcase_add_test(tc,
	    tags_each_stops_for_good_when_the_callback_returns_1);
	tcase_add_test(tc, tags_each_hands_what_the_filter_keeps);
	tcase_add_test(tc,
	    tags_each_fails_on_the_first_unknown_and_hands_nothing_after);
	tcase_add_test(tc,
	    a_web_site_answering_404_is_no_registry_for_every_call);
	tcase_add_test(tc,
	    a_web_site_answering_a_page_is_no_registry_for_every_call);
	tcase_add_test(tc, a_registry_s_not_found_keeps_its_message);
	tcase_add_test(tc, a_registry_in_trouble_is_not_called_no_registry);
	tcase_add_test(tc, https_to_a_plain_http_port_suggests_http);
	suite_add_tcase(s, tc);
	return s;
}
