/*
 * What the server sends is data: odd names are listed (and encoded, or
 * skipped with a warning when no request can carry them), members of the
 * wrong JSON type are shown as stups-pierone 0.22 showed them, null stays
 * null, and no control character from the server reaches a terminal,
 * in output or in a message.  Data: tests/data/serverdata.json.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pierone.h"
#include "tests.h"

#define TOKEN "test-token-serverdata"

static void
setup(void)
{
	const char *args[] = { "--data", test_data("serverdata.json"),
	    "--token", TOKEN, NULL };

	site_open("pierone=" TOKEN, 0);
	site_fake_start(args, NULL);
}

static void
teardown(void)
{
	site_close(false);
}

#define pierone(r, ...) site_run(r, __VA_ARGS__)
#define pierone_env site_pierone

static void
assert_no_controls(const char *what, const char *s, bool tabs)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		ck_assert_msg(*p >= 0x20 || *p == '\n' || (tabs && *p == '\t'),
		    "%s has byte 0x%02x: %s", what, *p, s);
		ck_assert_msg(*p != 0x7f, "%s has DEL: %s", what, s);
		ck_assert_msg(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0),
		    "%s has a C1 control: %s", what, s);
	}
}

static void
assert_safe(const struct run *r, bool tabs)
{
	assert_no_controls("stdout", r->out, tabs);
	assert_no_controls("stderr", r->err, false);
}

/* Lines of s starting with prefix. */
static int
lines_with(const char *s, const char *prefix)
{
	int n = 0;

	for (const char *p = s; p != NULL && *p != '\0';
	    p = strchr(p, '\n') != NULL ? strchr(p, '\n') + 1 : NULL)
		n += strncmp(p, prefix, strlen(prefix)) == 0;
	return n;
}

START_TEST(artifacts_lists_every_name_the_server_has)
{
	struct run r;
	char line[400];

	pierone(&r, "artifacts", "odd", "-o", "tsv");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.err, "");
	assert_safe(&r, true);
	ck_assert_ptr_nonnull(strstr(r.out, "\nodd\t\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "\nodd\t..\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "\nodd\ta/b\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "\nodd\tosc\\x1b]0;x\\x07\n"));
	memset(line, 'x', 300);
	line[300] = '\0';
	ck_assert_ptr_nonnull(strstr(r.out, line));
	run_free(&r);
}
END_TEST

START_TEST(tags_skips_only_what_cannot_be_requested_with_one_warning_each)
{
	struct run r;
	char *log;

	pierone(&r, "tags", "odd", "-o", "tsv", "-l", "0");
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_safe(&r, true);
	ck_assert_str_eq(r.err, "pierone: skipping artifact '..': its name "
	    "cannot be requested\npierone: skipping artifact '': its name "
	    "cannot be requested\n");
	/* the odd but requestable ones are listed, with their tags */
	ck_assert_ptr_nonnull(strstr(r.out, "\nodd\ta/b\t1.0\t\tslash\t"));
	ck_assert_ptr_nonnull(strstr(r.out, "\nodd\tosc\\x1b]0;x\\x07\t1.0\t"
	    "\tosc\t"));
	ck_assert_int_eq(lines_with(r.out, "odd\txxxxxxxx"), 1);
	ck_assert_int_eq(lines_with(r.out, "odd\tgood\t"), 6);
	run_free(&r);
	/* encoded on the wire, each in its own segment */
	log = fake_log(&site.fake);
	ck_assert_ptr_nonnull(strstr(log, "GET /teams/odd/artifacts/a%2Fb/tags "
	    "200"));
	ck_assert_ptr_nonnull(strstr(log, "GET /teams/odd/artifacts/"
	    "osc%1B%5D0%3Bx%07/tags 200"));
	ck_assert_ptr_null(strstr(log, "/artifacts//tags"));
	ck_assert_ptr_null(strstr(log, "/artifacts/../tags"));
	free(log);
}
END_TEST

START_TEST(tags_json_keeps_types_nulls_and_shows_cdp)
{
	struct run r;

	pierone(&r, "tags", "odd", "good", "-o", "json");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.err, "");
	assert_safe(&r, false);
	/* missing status: Not Processed; null: null; robots: [CDP] */
	ck_assert_ptr_nonnull(strstr(r.out, "{\"artifact\": \"good\", "
	    "\"created_by\": \"[CDP]\", \"created_time\": null, \"status\": "
	    "\"Not Processed\", \"status_reason\": \"Not Processed\", "
	    "\"tag\": \"cdp\", \"team\": \"odd\"}"));
	ck_assert_ptr_nonnull(strstr(r.out, "{\"artifact\": \"good\", "
	    "\"created_by\": \"[CDP]\", \"created_time\": null, \"status\": "
	    "null, \"status_reason\": null, \"tag\": \"cdp2\", \"team\": "
	    "\"odd\"}"));
	/* other types as json.dumps(sort_keys=True) writes them */
	ck_assert_ptr_nonnull(strstr(r.out, "{\"artifact\": \"good\", "
	    "\"created_by\": 42, \"created_time\": null, \"status\": true, "
	    "\"status_reason\": [\"a\", \"b\"], \"tag\": \"types\", "
	    "\"team\": \"odd\"}"));
	ck_assert_ptr_nonnull(strstr(r.out, "\"created_by\": false, "
	    "\"created_time\": null, \"status\": \"Not Processed\", "
	    "\"status_reason\": \"Not Processed\", \"tag\": 7, "));
	/* controls escaped as JSON escapes them */
	ck_assert_ptr_nonnull(strstr(r.out, "\"created_by\": \"evil\\u001b]0;"
	    "pwned\\u0007\\r\\nnext\", \"created_time\": null, \"status\": "
	    "\"\\u009b2J\", \"status_reason\": \"tab\\there\\u007f\", \"tag\": "
	    "\"esc\\u001b[31m\""));
	run_free(&r);
}
END_TEST

START_TEST(tags_text_and_tsv_show_types_as_0_22_and_escape_controls)
{
	struct run r;

	pierone(&r, "tags", "odd", "good", "-o", "tsv");
	ck_assert_int_eq(r.status, 0);
	assert_safe(&r, true);
	ck_assert_ptr_nonnull(strstr(r.out, "\nodd\tgood\ttypes\t\t42\tyes\t"
	    "['a', 'b']\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "\nodd\tgood\tcdp2\t\t[CDP]\t\t\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "\nodd\tgood\tesc\\x1b[31m\t\t"
	    "evil\\x1b]0;pwned\\x07\\r\\nnext\t\\u009b2J\ttab\\there\\x7f\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "\nodd\tgood\t7\t\tno\tNot "
	    "Processed\tNot Processed\n"));
	run_free(&r);
	pierone(&r, "tags", "odd", "good");
	ck_assert_int_eq(r.status, 0);
	assert_safe(&r, false);
	/* numbers and booleans right-aligned, as 0.22 (clickclick) did */
	ck_assert_msg(strstr(r.out, "\nodd  good               7         "
	    "                          no ") != NULL, "stdout: %s", r.out);
	ck_assert_msg(strstr(r.out, "\nodd  good     types               "
	    "                          42           yes ['a', 'b'] ") != NULL,
	    "stdout: %s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(text_cells_are_cut_at_1000_characters)
{
	struct run r;
	char want[1010];
	const char *p;

	pierone(&r, "tags", "odd", "good");
	ck_assert_int_eq(r.status, 0);
	memset(want, 'r', 998);
	memcpy(want + 998, ".. \n", 5);
	/* cell[:998] + '..', then the space every cell ends with */
	ck_assert_msg((p = strstr(r.out, want)) != NULL, "stdout: %s", r.out);
	ck_assert(p[-1] == ' ');
	memset(want, 'r', 999);
	want[999] = '\0';
	ck_assert_ptr_null(strstr(r.out, want));
	run_free(&r);
	/* json and tsv have no cap */
	pierone(&r, "tags", "odd", "good", "-o", "tsv");
	memset(want, 'r', 1001);
	memcpy(want + 1001, "\n", 2);
	ck_assert_ptr_nonnull(strstr(r.out, want));
	run_free(&r);
}
END_TEST

START_TEST(latest_prints_only_a_valid_docker_tag)
{
	struct run r;

	pierone(&r, "latest", "odd", "nl");
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "");
	ck_assert_str_eq(r.err, "pierone: the latest tag of 'odd/nl' is not "
	    "a valid Docker tag: '2.0\\nrm -rf /'\n");
	run_free(&r);
	pierone(&r, "latest", "odd", "noname");
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "'odd/noname'"));
	run_free(&r);
	pierone(&r, "latest", "odd", "esctag");
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "1.0\n");
	run_free(&r);
}
END_TEST

START_TEST(header_values_in_messages_are_escaped)
{
	struct run r;

	pierone(&r, "latest", "--digest", "odd", "esctag");
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "");
	assert_safe(&r, false);
	ck_assert_ptr_nonnull(strstr(r.err, "invalid Docker-Content-Digest "
	    "'sha256:\\x1b]0;pwned\\x07'"));
	ck_assert_int_eq(lines_with(r.err, "pierone: "), 1);
	run_free(&r);
}
END_TEST

START_TEST(scm_source_keeps_the_row_of_a_tag_it_cannot_request)
{
	struct run r;

	pierone(&r, "scm-source", "odd", "noname", "-o", "tsv");
	ck_assert_int_eq(r.status, 0);
	assert_safe(&r, true);
	ck_assert_str_eq(r.err, "pierone: skipping the SCM source of tag '': "
	    "its name cannot be requested\n");
	ck_assert_int_eq(lines_with(r.out, "\t\t\t\t\t"), 1);
	ck_assert_int_eq(lines_with(r.out, "1.0\t"), 1);
	run_free(&r);
}
END_TEST

START_TEST(inspect_contents_of_an_unrequestable_latest_is_no_usage_error)
{
	struct run r;

	pierone(&r, "inspect-contents", "odd", "noname");
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "cannot be requested"));
	run_free(&r);
}
END_TEST

START_TEST(user_arguments_are_still_validated)
{
	struct run r;

	pierone(&r, "tags", "odd", "../x");
	ck_assert_int_eq(r.status, 2);
	run_free(&r);
	pierone(&r, "latest", "odd", "a/b");
	ck_assert_int_eq(r.status, 2);
	run_free(&r);
}
END_TEST

START_TEST(library_messages_escape_what_they_quote)
{
	struct pierone_err err = { 0 };
	char *s;

	/* every message the library keeps goes through one place */
	ck_assert_int_eq(pierone_segment_validate("tag", "a\x1b[2J/b", &err),
	    PIERONE_EINVAL);
	assert_no_controls("message", err.msg, false);
	s = pierone_text_escape("a\x1b\r\n\t\x7f\xc2\x9b\xff\xc3\xa9z");
	ck_assert_str_eq(s, "a\\x1b\\r\\n\\t\\x7f\\u009b\\xff\xc3\xa9z");
	ck_assert_int_eq(pierone_text_needs_escape(s), 0);
	ck_assert_int_eq(pierone_text_needs_escape("caf\xc3\xa9"), 0);
	ck_assert_int_eq(pierone_text_needs_escape("\xed\xa0\x80"), 1);
	free(s);
}
END_TEST

START_TEST(json_render_writes_what_0_22_wrote)
{
	static const struct {
		const char *in, *text, *json;
	} c[] = {
		{ "42", "42", "42" },
		{ "-1.5e3", "-1.5e3", "-1.5e3" },
		{ "true", "yes", "true" },
		{ "false", "no", "false" },
		{ "[\"a\", \"b\"]", "['a', 'b']", "[\"a\", \"b\"]" },
		{ "[true,null,[1]]", "[True, None, [1]]", "[true, null, [1]]" },
		{ "{\"b\":1,\"a\":\"x\"}", "{'b': 1, 'a': 'x'}",
		    "{\"a\": \"x\", \"b\": 1}" },
		{ "[\"it's\", \"\\u00e9\\n\"]", "[\"it's\", '\xc3\xa9\\n']",
		    "[\"it's\", \"\\u00e9\\n\"]" },
		{ "[]", "[]", "[]" },
	};
	char *out;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ck_assert_int_eq(pierone_json_render(&out, c[i].in,
		    PIERONE_RENDER_TEXT, NULL), 0);
		ck_assert_str_eq(out, c[i].text);
		free(out);
		ck_assert_int_eq(pierone_json_render(&out, c[i].in,
		    PIERONE_RENDER_JSON, NULL), 0);
		ck_assert_str_eq(out, c[i].json);
		free(out);
	}
	ck_assert_int_eq(pierone_json_render(&out, "[1,]", PIERONE_RENDER_TEXT,
	    NULL), PIERONE_EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(pierone_json_render(&out, "{\"a\" 1}",
	    PIERONE_RENDER_JSON, NULL), PIERONE_EINVAL);
	ck_assert_int_eq(pierone_json_render(&out, "1 2", PIERONE_RENDER_JSON,
	    NULL), PIERONE_EINVAL);
}
END_TEST

Suite *
serverdata_suite(void)
{
	Suite *s = suite_create("serverdata");
	TCase *tc = tcase_create("cli");
	TCase *lib = tcase_create("lib");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, artifacts_lists_every_name_the_server_has);
	tcase_add_test(tc,
	    tags_skips_only_what_cannot_be_requested_with_one_warning_each);
	tcase_add_test(tc, tags_json_keeps_types_nulls_and_shows_cdp);
	tcase_add_test(tc,
	    tags_text_and_tsv_show_types_as_0_22_and_escape_controls);
	tcase_add_test(tc, text_cells_are_cut_at_1000_characters);
	tcase_add_test(tc, latest_prints_only_a_valid_docker_tag);
	tcase_add_test(tc, header_values_in_messages_are_escaped);
	tcase_add_test(tc, scm_source_keeps_the_row_of_a_tag_it_cannot_request);
	tcase_add_test(tc,
	    inspect_contents_of_an_unrequestable_latest_is_no_usage_error);
	tcase_add_test(tc, user_arguments_are_still_validated);
	suite_add_tcase(s, tc);
	tcase_add_test(lib, library_messages_escape_what_they_quote);
	tcase_add_test(lib, json_render_writes_what_0_22_wrote);
	suite_add_tcase(s, lib);
	return s;
}
