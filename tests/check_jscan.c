/*
 * The streaming tag scanner (lib/jscan.c): escapes and surrogates, the
 * strictness cJSON lacked, the depth limit, skipping of every kind of
 * value, the latest-only entry point, and a randomized comparison with the
 * cJSON code it replaced, on generated valid and broken documents.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <ctype.h>
#include <regex.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "tests.h"

/* Both entry points refuse `json` as invalid JSON. */
static void
assert_invalid(const char *json, size_t len)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };
	char *name;
	int rc;

	rc = tags_from_json(&l, json, len, &err);
	ck_assert_msg(rc == PIERONE_EBADRESPONSE && l == NULL &&
	    strstr(err.msg, "invalid JSON at byte ") != NULL,
	    "'%.*s' gave %d '%s'", (int)len, json, rc, err.msg);
	rc = tags_latest_from_json(&name, NULL, NULL, json, len, 0, &err);
	ck_assert_msg(rc == PIERONE_EBADRESPONSE && name == NULL &&
	    strstr(err.msg, "invalid JSON at byte ") != NULL,
	    "latest of '%.*s' gave %d '%s'", (int)len, json, rc, err.msg);
}

/* Both entry points refuse `json` with exactly `msg`. */
static void
assert_refused(const char *json, const char *msg)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };
	char *name;

	ck_assert_int_eq(tags_from_json(&l, json, strlen(json), &err),
	    PIERONE_EBADRESPONSE);
	ck_assert_ptr_null(l);
	ck_assert_str_eq(err.msg, msg);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(tags_latest_from_json(&name, NULL, NULL, json,
	    strlen(json), 0, &err), PIERONE_EBADRESPONSE);
	ck_assert_ptr_null(name);
	ck_assert_str_eq(err.msg, msg);
}

/* The only tag of `json`, parsed by both entry points (caller frees). */
static struct pierone_tag_list *
one_tag(const char *json)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };
	char *name;
	long idx;

	ck_assert_msg(tags_from_json(&l, json, strlen(json), &err) == 0,
	    "'%s' refused: %s", json, err.msg);
	ck_assert_uint_eq(l->count, 1);
	ck_assert_int_eq(tags_latest_from_json(&name, &idx, NULL, json,
	    strlen(json), 0, &err), 0);
	ck_assert_int_eq(idx, 0);
	ck_assert_str_eq(name, l->tags[0].name);
	free(name);
	return l;
}

/* ------------------------------------------------------------------ */

static const struct {
	const char *in, *out;
} escapes[] = {
	{ "a\\\"b", "a\"b" },
	{ "\\\\", "\\" },
	{ "\\/", "/" },
	{ "\\b\\f\\n\\r\\t", "\b\f\n\r\t" },
	{ "\\u0041\\u007f", "A\x7f" },
	{ "\\u0080\\u00e9\\u07FF", "\xc2\x80\xc3\xa9\xdf\xbf" },
	{ "\\u0800\\u20ac\\uFFFF", "\xe0\xa0\x80\xe2\x82\xac\xef\xbf\xbf" },
	{ "\\ud83d\\udc33", "\xf0\x9f\x90\xb3" },
	{ "\\uD800\\uDC00", "\xf0\x90\x80\x80" },
	{ "\\udbff\\udfff", "\xf4\x8f\xbf\xbf" },
	{ "x\\u0000y", "x" },		/* a C string ends there, as with cJSON */
	{ "\\\\u0041", "\\u0041" },
	{ "\x7f gr\xc3\xbcn", "\x7f gr\xc3\xbcn" },	/* kept byte for byte */
	{ "", "" },
};

START_TEST(escapes_are_decoded_in_every_string_member)
{
	struct pierone_tag_list *l;
	char json[256];
	const char *out = escapes[_i].out;

	test_fmt(json, sizeof(json), "[{\"name\": \"%s\", \"created_by\": "
	    "\"%s\", \"image\": \"%s\", \"status\": \"%s\", "
	    "\"status_reason\": \"%s\"}]", escapes[_i].in, escapes[_i].in,
	    escapes[_i].in, escapes[_i].in, escapes[_i].in);
	l = one_tag(json);
	ck_assert_str_eq(l->tags[0].name, out);
	ck_assert_str_eq(l->tags[0].created_by, out);
	ck_assert_str_eq(l->tags[0].image, out);
	ck_assert_str_eq(l->tags[0].status, out);
	ck_assert_str_eq(l->tags[0].status_reason, out);
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(escapes_are_decoded_in_member_names)
{
	struct pierone_tag_list *l;

	l = one_tag("[{\"na\\u006de\": \"a\", \"cr\\u0065ated\": "
	    "\"2016\\u002d01-01T00:00:00\\u005a\"}]");
	ck_assert_str_eq(l->tags[0].name, "a");
	ck_assert(l->tags[0].created.valid);
	ck_assert_int_eq(l->tags[0].created.sec, 1451606400);
	pierone_tag_list_free(l);
	/* cJSON compared names as C strings: "name\0x" is "name" */
	l = one_tag("[{\"Name\": \"no\", \"name\\u0000x\": \"b\"}]");
	ck_assert_str_eq(l->tags[0].name, "b");
	pierone_tag_list_free(l);
}
END_TEST

/* Values that are no JSON, each tried where a value can stand. */
static const char *const bad_values[] = {
	/* strings */
	"\"abc", "\"a\\\"", "\"\\x\"", "\"\\U0041\"", "\"\\'\"", "\"\\0\"",
	"\"\\u12\"", "\"\\u12G4\"", "\"\\u\"", "\"\\", "'a'",
	/* surrogates: lone or broken pairs are errors, as with cJSON */
	"\"\\ud83d\"", "\"\\ud83dx\"", "\"\\ud83d\\n\"", "\"\\ud83d\\ud83d\"",
	"\"\\udc33\"", "\"\\udc33\\ud83d\"", "\"\\ud83d\\udc3\"",
	"\"\\ud83d\\u0041\"", "\"\\ud83d\\uZZZZ\"", "\"\\ud83d\\",
	/* raw control characters in strings */
	"\"a\tb\"", "\"a\nb\"", "\"\x01\"", "\"\x1f\"", "\"a\rb\"",
	/* numbers */
	"01", "-01", "00", "-", "1.", "-1.", "1.e5", ".5", "-.5", "1e", "1e+",
	"1E-", "+1", "0x10", "1.5.3", "--1", "- 1", "1e5.5", "Infinity", "NaN",
	"-Infinity", "1_000",
	/* literals */
	"tru", "nul", "fals", "True", "NULL", "truex", "nulll", "t", "falsetrue",
	/* containers: commas, colons, brackets */
	"[1,]", "[,1]", "[1 2]", "[1,,2]", "{\"a\":1,}", "{,}", "{\"a\" 1}",
	"{\"a\":}", "{a:1}", "{1:2}", "{\"a\":1 \"b\":2}", "[}", "{]", "[",
	"{", "{\"a\"", "{\"a\":", "[[1]", "[1]]", "{\"a\"::1}", "[1;2]",
	/* broken deep inside skipped values */
	"[1, 01]", "{\"a\": tru}", "{\"a\": [{\"b\": \"\\x\"}]}",
	"[[[[[[1,]]]]]]",
	/* blanks JSON does not have */
	"\v1", "[1\f]", "\x01" "1", "\xc2\xa0" "1",
	"",
};

START_TEST(bad_values_are_invalid_anywhere)
{
	const char *v = bad_values[_i];
	char json[256];

	test_fmt(json, sizeof(json), "[{\"name\": \"a\", \"x\": %s}]", v);
	assert_invalid(json, strlen(json));
	test_fmt(json, sizeof(json), "[{\"x\": %s, \"name\": \"a\"}]", v);
	assert_invalid(json, strlen(json));
	test_fmt(json, sizeof(json), "[{\"name\": %s}]", v);
	assert_invalid(json, strlen(json));
	test_fmt(json, sizeof(json), "[{\"name\": \"a\"}, %s]", v);
	assert_invalid(json, strlen(json));
	if (v[0] != '\0')
		assert_invalid(v, strlen(v));
}
END_TEST

/* Valid values of every kind and the name the cJSON code gave them. */
static const struct {
	const char *v, *type;
} good_values[] = {
	{ "\"\"", "a string" },
	{ "\"x\\u00e9\\n\\\"]}\"", "a string" },
	{ "0", "a number" },
	{ "-0", "a number" },
	{ "12", "a number" },
	{ "-1.5", "a number" },
	{ "1e5", "a number" },
	{ "1E+5", "a number" },
	{ "2.5e-3", "a number" },
	{ "-0.0e0", "a number" },
	{ "123456789012345678901234567890123456789012345678901234567890123456",
	    "a number" },
	{ "1e400", "a number" },
	{ "true", "a boolean" },
	{ "false", "a boolean" },
	{ "null", "null" },
	{ "{}", "an object" },
	{ "[]", "an array" },
	{ "{\"a\": [1, {\"b\": null}], \"c\": {}, \"a\": -2}", "an object" },
	{ "[[], [[]], {\"\": \"\"}, \"]\", \"}\", true, false, null, 0.5]",
	    "an array" },
	{ " \t\n\r[ 1 ,\n2\t] \r\n", "an array" },
	{ "{\"nam\": 1, \"created\": {}}", "an object" },
};

START_TEST(good_values_are_skipped_or_typed)
{
	const char *v = good_values[_i].v, *type = good_values[_i].type;
	struct pierone_tag_list *l;
	char json[256], msg[256];

	test_fmt(json, sizeof(json), "[{\"x\": %s, \"name\": \"a\", "
	    "\"y\": %s}]", v, v);
	l = one_tag(json);
	ck_assert_str_eq(l->tags[0].name, "a");
	pierone_tag_list_free(l);
	test_fmt(json, sizeof(json), "[{\"name\": \"a\", \"created_by\": "
	    "%s}]", v);
	/* any type is data: a string decoded, others kept as JSON text */
	l = one_tag(json);
	if (strcmp(type, "null") == 0) {
		ck_assert_ptr_null(l->tags[0].created_by);
		ck_assert_uint_eq(l->tags[0].null, PIERONE_TAG_CREATED_BY);
		ck_assert_uint_eq(l->tags[0].raw, 0);
	} else if (strcmp(type, "a string") != 0) {
		/* the value's text, without the blanks around it */
		ck_assert_ptr_nonnull(strstr(v, l->tags[0].created_by));
		ck_assert(strchr(" \t\r\n", l->tags[0].created_by[0]) == NULL);
		ck_assert_uint_eq(l->tags[0].raw, PIERONE_TAG_CREATED_BY);
		ck_assert_uint_eq(l->tags[0].null, 0);
	} else {
		ck_assert_ptr_nonnull(l->tags[0].created_by);
		ck_assert_uint_eq(l->tags[0].raw | l->tags[0].null, 0);
	}
	pierone_tag_list_free(l);
	test_fmt(json, sizeof(json), "[{\"name\": \"a\"}, %s]", v);
	test_fmt(msg, sizeof(msg), "tag 2 is %s, expected an object", type);
	if (strcmp(type, "an object") != 0) {
		assert_refused(json, msg);
	} else {	/* a tag without a name keeps its row, named "" */
		struct pierone_err err = { 0 };

		ck_assert_int_eq(tags_from_json(&l, json, strlen(json), &err),
		    0);
		ck_assert_uint_eq(l->count, 2);
		ck_assert_str_eq(l->tags[1].name, "");
		pierone_tag_list_free(l);
	}
	if (strcmp(type, "an array") != 0) {
		test_fmt(msg, sizeof(msg), "expected a JSON array of tags, "
		    "got %s", type);
		assert_refused(v, msg);
	}
}
END_TEST

/* The offending byte, counted from 1; one past the end for a cut text. */
static const struct {
	const char *json;
	const char *msg;
} positions[] = {
	{ "[1 2]", "invalid JSON at byte 4" },
	{ "[{\"name\": \"a\"},]", "invalid JSON at byte 16" },
	{ "[01]", "invalid JSON at byte 3" },
	{ "[tru]", "invalid JSON at byte 2" },
	{ "[\"\\x\"]", "invalid JSON at byte 3" },
	{ "[\"a\tb\"]", "invalid JSON at byte 4" },
	{ "[{\"a\" 1}]", "invalid JSON at byte 7" },
	{ "[] x", "invalid JSON at byte 4" },
	{ "[", "invalid JSON at byte 2" },
	{ " \n ", "invalid JSON at byte 4" },
	{ "\xef\xbb\xbf", "invalid JSON at byte 4" },
	{ "[1]\xef\xbb\xbf", "invalid JSON at byte 4" },
};

START_TEST(syntax_errors_tell_the_offending_byte)
{
	assert_refused(positions[_i].json, positions[_i].msg);
}
END_TEST

/* `total` arrays and objects deep, the top-level array included. */
static char *
nested(int total)
{
	struct buf b = { 0 };
	int i, inner = total - 2;

	ck_assert_int_eq(buf_printf(&b, "[{\"name\": \"a\", \"x\": "), 0);
	for (i = 0; i < inner; i++)
		ck_assert_int_eq(buf_printf(&b, i % 2 ? "{\"k\": " : "["), 0);
	ck_assert_int_eq(buf_printf(&b, "null"), 0);
	while (i-- > 0)
		ck_assert_int_eq(buf_printf(&b, i % 2 ? "}" : "]"), 0);
	ck_assert_int_eq(buf_printf(&b, "}]"), 0);
	return b.data;
}

START_TEST(nesting_is_limited_to_512)
{
	struct pierone_tag_list *l;
	char *json = nested(512), *msg;
	const char *at;

	l = one_tag(json);
	pierone_tag_list_free(l);
	free(json);
	/* cJSON took 1000 levels; the scanner refuses at the 513th */
	json = nested(513);
	at = strstr(json, "null");
	while (*at != '[' && *at != '{')
		at--;
	ck_assert_int_ne(asprintf(&msg, "invalid JSON at byte %zu",
	    (size_t)(at - json) + 1), -1);
	assert_refused(json, msg);
	free(msg);
	free(json);
}
END_TEST

START_TEST(deep_text_is_refused_without_recursing_further)
{
	size_t n = 1000000;
	char *json = calloc(1, n + 1);

	ck_assert_ptr_nonnull(json);
	memset(json, '[', n);
	assert_refused(json, "invalid JSON at byte 513");
	memset(json, '{', n);
	assert_invalid(json, n);
	free(json);
}
END_TEST

START_TEST(of_duplicate_members_the_first_counts)
{
	struct pierone_tag_list *l;

	l = one_tag("[{\"name\": \"a\", \"name\": \"b\", \"name\": 1, "
	    "\"created\": \"2016-01-01T00:00:00Z\", \"created\": null}]");
	ck_assert_str_eq(l->tags[0].name, "a");
	ck_assert(l->tags[0].created.valid);
	pierone_tag_list_free(l);
	l = one_tag("[{\"name\": 1, \"name\": \"a\"}]");
	ck_assert_str_eq(l->tags[0].name, "1");
	ck_assert_uint_eq(l->tags[0].raw, PIERONE_TAG_NAME);
	pierone_tag_list_free(l);
	l = one_tag("[{\"name\": null, \"name\": \"a\"}]");
	ck_assert_str_eq(l->tags[0].name, "");
	ck_assert_uint_eq(l->tags[0].null, PIERONE_TAG_NAME);
	pierone_tag_list_free(l);
	l = one_tag("[{\"name\": \"a\", \"image\": [ 1,\"x\" ], "
	    "\"image\": \"x\"}]");
	ck_assert_str_eq(l->tags[0].image, "[ 1,\"x\" ]");
	pierone_tag_list_free(l);
	/* a nested object's members are not the tag's */
	l = one_tag("[{\"x\": {\"name\": \"in\"}, \"name\": \"a\"}]");
	ck_assert_str_eq(l->tags[0].name, "a");
	pierone_tag_list_free(l);
	l = one_tag("[{\"x\": {\"name\": \"in\"}}]");
	ck_assert_str_eq(l->tags[0].name, "");
	ck_assert_uint_eq(l->tags[0].raw | l->tags[0].null, 0);
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(members_of_any_type_are_kept_as_data)
{
	struct pierone_tag_list *l;

	l = one_tag("[{\"created_by\": 1, \"name\": 2}]");
	ck_assert_str_eq(l->tags[0].name, "2");
	ck_assert_str_eq(l->tags[0].created_by, "1");
	ck_assert_uint_eq(l->tags[0].raw, PIERONE_TAG_NAME |
	    PIERONE_TAG_CREATED_BY);
	pierone_tag_list_free(l);
	l = one_tag("[{\"status_reason\": {\"a\": [true]}, \"created\": 5, "
	    "\"image\": false, \"status\": null, \"name\": \"a\"}]");
	ck_assert_str_eq(l->tags[0].status_reason, "{\"a\": [true]}");
	ck_assert_str_eq(l->tags[0].image, "false");
	ck_assert_ptr_null(l->tags[0].status);
	/* a time is read from a string only; another type is no time */
	ck_assert(!l->tags[0].created.valid);
	ck_assert_uint_eq(l->tags[0].raw, PIERONE_TAG_STATUS_REASON |
	    PIERONE_TAG_IMAGE);
	ck_assert_uint_eq(l->tags[0].null, PIERONE_TAG_STATUS);
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(the_first_bad_tag_is_told_and_syntax_errors_win)
{
	assert_refused("[{\"name\": \"a\"}, {\"name\": 1}, \"x\"]",
	    "tag 3 is a string, expected an object");
	assert_refused("[{\"name\": \"a\"}, 5, {\"x\": 1}]",
	    "tag 2 is a number, expected an object");
	assert_refused("[5, tru]", "invalid JSON at byte 5");
	assert_refused("[5, {\"name\": \"a\"}]]", "invalid JSON at byte 19");
	assert_refused("{\"a\": 1", "invalid JSON at byte 8");
	assert_refused("nul", "invalid JSON at byte 1");
}
END_TEST

START_TEST(bodies_at_the_edges)
{
	struct pierone_tag_list *l;
	static const char body[] = { '[', '{', '"', 'n', 'a', 'm', 'e', '"',
	    ':', '"', 'x', '"', '}', ']' };
	char *copy = malloc(sizeof(body));

	assert_refused("", "empty response, expected JSON");
	ck_assert_int_eq(tags_from_json(&l, NULL, 0, NULL),
	    PIERONE_EBADRESPONSE);
	/* a byte order mark is skipped, as cJSON did */
	l = one_tag("\xef\xbb\xbf \n[{\"name\": \"bom\"}]\r\n");
	ck_assert_str_eq(l->tags[0].name, "bom");
	pierone_tag_list_free(l);
	assert_refused(" \xef\xbb\xbf[]", "invalid JSON at byte 2");
	assert_invalid("[]\0", 3);
	/* not NUL-terminated: ASan catches a read past the end */
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, body, sizeof(body));
	ck_assert_int_eq(tags_from_json(&l, copy, sizeof(body), NULL), 0);
	ck_assert_str_eq(l->tags[0].name, "x");
	pierone_tag_list_free(l);
	for (size_t n = 1; n < sizeof(body); n++)
		assert_invalid(copy, n);
	free(copy);
}
END_TEST

START_TEST(latest_of_empty_array_is_no_name)
{
	struct pierone_err err = { 0 };
	char sentinel, *name = &sentinel;
	long idx = 7;

	ck_assert_int_eq(tags_latest_from_json(&name, &idx, NULL, " [ ] ", 5,
	    0, &err), 0);
	ck_assert_ptr_null(name);
	ck_assert_int_eq(idx, -1);
}
END_TEST

START_TEST(large_lists_are_read_by_both_entry_points)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };
	struct buf b = { 0 };
	size_t i, n = 200000;
	char *name;
	long idx;
	int rc;

	rc = buf_append(&b, "[", 1);
	/* one check at the end: a passed ck_assert costs a write(2) */
	for (i = 0; i < n; i++)
		rc |= buf_printf(&b, "%s{\"name\":\"1.%zu\","
		    "\"created\":\"20%02zu-01-01T00:00:00Z\",\"x\":[{}]}",
		    i ? "," : "", i, i == 123456 ? 99 : i % 90);
	rc |= buf_append(&b, "]", 1);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(tags_from_json(&l, b.data, b.len, &err), 0);
	ck_assert_uint_eq(l->count, n);
	ck_assert_str_eq(l->tags[n - 1].name, "1.199999");
	ck_assert_int_eq(pierone_tags_latest_index(l), 123456);
	ck_assert_int_eq(tags_latest_from_json(&name, &idx, NULL, b.data,
	    b.len, 0, &err), 0);
	ck_assert_int_eq(idx, 123456);
	ck_assert_str_eq(name, "1.123456");
	free(name);
	pierone_tag_list_free(l);
	buf_free(&b);
}
END_TEST

/* ------------------------------------------------------------------
 * Randomized comparison with the cJSON code the scanner replaced: the
 * same verdicts, messages and tags, except where cJSON was lenient.
 */

/* ck_assert_msg() without its checkpoint, a write(2) per call. */
#define CHECK(cond, ...) do {						\
	if (!(cond))							\
		ck_abort_msg(__VA_ARGS__);				\
} while (0)

/* The old code's parse: one value, then nothing but blanks. */
static cJSON *
ref_parse(const char *doc, size_t len)
{
	const char *end = NULL;
	cJSON *root;

	if (len == 0)
		return NULL;
	root = cJSON_ParseWithLengthOpts(doc, len, &end, 0);
	while (root != NULL && end < doc + len && (*end == ' ' ||
	    *end == '\t' || *end == '\n' || *end == '\r'))
		end++;
	if (root != NULL && end < doc + len) {
		cJSON_Delete(root);
		root = NULL;
	}
	return root;
}

static const char *
ref_type(const cJSON *j)
{
	if (cJSON_IsArray(j))
		return "an array";
	if (cJSON_IsObject(j))
		return "an object";
	if (cJSON_IsString(j))
		return "a string";
	if (cJSON_IsNumber(j))
		return "a number";
	return cJSON_IsBool(j) ? "a boolean" : "null";
}

static const struct {
	const char *key;
	size_t off;
} ref_fields[] = {
	{ "name", offsetof(struct pierone_tag, name) },
	{ "created", 0 },
	{ "created_by", offsetof(struct pierone_tag, created_by) },
	{ "image", offsetof(struct pierone_tag, image) },
	{ "status", offsetof(struct pierone_tag, status) },
	{ "status_reason", offsetof(struct pierone_tag, status_reason) },
};
#define NREF (sizeof(ref_fields) / sizeof(ref_fields[0]))

/* The old code's verdict on a parsed text: its message, "" when taken. */
static void
ref_verdict(char *msg, size_t size, const cJSON *root)
{
	const cJSON *it;
	size_t i = 0;

	*msg = '\0';
	if (!cJSON_IsArray(root)) {
		test_fmt(msg, size, "expected a JSON array of tags, got %s",
		    ref_type(root));
		return;
	}
	for (it = root->child; it != NULL; it = it->next, i++) {
		if (!cJSON_IsObject(it)) {
			test_fmt(msg, size, "tag %zu is %s, expected an "
			    "object", i + 1, ref_type(it));
			return;
		}
		/* members of any type are data, not refused */
	}
}

/* `text` is JSON for the same value as v. */
static bool
raw_equal(const cJSON *v, const char *text)
{
	cJSON *got;
	char *a, *b;
	bool same;

	if (v == NULL || text == NULL || cJSON_IsString(v) ||
	    cJSON_IsNull(v))
		return false;
	/* printed, not cJSON_Compare(): that mismatches duplicate keys */
	got = cJSON_Parse(text);
	a = cJSON_PrintUnformatted(v);
	b = got != NULL ? cJSON_PrintUnformatted(got) : NULL;
	same = a != NULL && b != NULL && strcmp(a, b) == 0;
	cJSON_free(a);
	cJSON_free(b);
	cJSON_Delete(got);
	return same;
}

/* The scanner's tags are what the old code made of the tree. */
static void
ref_compare(const cJSON *root, const struct pierone_tag_list *l,
    const char *doc)
{
	struct pierone_time t;
	const cJSON *it, *v;
	const char *want, *got;
	size_t i = 0;

	CHECK(l->count == (size_t)cJSON_GetArraySize(root), "count differs "
	    "in %s", doc);
	for (it = root->child; it != NULL; it = it->next, i++) {
		for (size_t f = 0; f < NREF; f++) {
			v = cJSON_GetObjectItemCaseSensitive(it,
			    ref_fields[f].key);
			want = cJSON_IsString(v) ? v->valuestring : NULL;
			if (f == 1) {
				memset(&t, 0, sizeof(t));
				pierone_time_parse(&t, want);
				CHECK(t.valid == l->tags[i].created.valid &&
				    t.sec == l->tags[i].created.sec &&
				    t.ms == l->tags[i].created.ms,
				    "tag %zu's time differs in %s", i, doc);
				continue;
			}
			got = *(char *const *)(const void *)
			    ((const char *)&l->tags[i] + ref_fields[f].off);
			if (f == 0 && want == NULL && !raw_equal(v, got))
				want = "";	/* a tag without a name */
			if (v != NULL && !cJSON_IsNull(v) &&
			    !cJSON_IsString(v)) {
				/* kept as its JSON text: the same value */
				CHECK(raw_equal(v, got) && (l->tags[i].raw &
				    1u << f), "tag %zu's %s differs in %s",
				    i, ref_fields[f].key, doc);
				continue;
			}
			CHECK(cJSON_IsNull(v) == ((l->tags[i].null &
			    1u << f) != 0), "tag %zu's %s null differs in %s",
			    i, ref_fields[f].key, doc);
			CHECK(want == got || (want != NULL &&
			    got != NULL && strcmp(want, got) == 0),
			    "tag %zu's %s differs in %s", i,
			    ref_fields[f].key, doc);
		}
	}
}

/* Where cJSON was lenient (it took the text): what RFC 8259 refuses. */
static bool
strict_number(const regex_t *re, const char *p, size_t n)
{
	char *num = strndup(p, n);
	bool ok;

	CHECK(num != NULL, "out of memory");
	ok = regexec(re, num, 0, NULL, 0) == 0;
	free(num);
	return ok;
}

/* After a string's opening quote: past its end, or NULL when lax. */
static const char *
strict_string(const char *p, const char *e)
{
	for (; p < e && *p != '"'; p++) {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p != '\\')
			continue;
		if (*++p == 'u')
			for (int k = 1; k <= 4; k++)
				if (!isxdigit((unsigned char)p[k]))
					return NULL;
	}
	return p + 1;
}

static bool
strict_text(const regex_t *re, const char *doc, size_t len)
{
	const char *p = doc, *e = doc + len, *q;
	unsigned char c;
	int depth = 0;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < e) {
		if ((c = (unsigned char)*p) == '"') {
			if ((p = strict_string(p + 1, e)) == NULL)
				return false;
			continue;
		}
		if (c == '-' || isdigit(c)) {
			for (q = p; q < e && *q != '\0' &&
			    strchr("0123456789+-.eE", *q) != NULL; q++)
				;
			if (!strict_number(re, p, (size_t)(q - p)))
				return false;
			p = q;
			continue;
		}
		if ((c == '[' || c == '{') && ++depth > 512)
			return false;
		if (c == ']' || c == '}')
			depth--;
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return false;
		p++;
	}
	return true;
}

struct gen {
	uint64_t r;
	struct buf b;
};

static unsigned int
rnd(struct gen *g, unsigned int n)
{
	/* xorshift64: the same documents on every run and machine */
	g->r ^= g->r << 13;
	g->r ^= g->r >> 7;
	g->r ^= g->r << 17;
	return (unsigned int)(g->r % n);
}

static void
put(struct gen *g, const char *s)
{
	CHECK(buf_append(&g->b, s, strlen(s)) == 0, "out of memory");
}

#define PICK(g, v)	put((g), (v)[rnd((g), sizeof(v) / sizeof((v)[0]))])

static const char *const blanks[] = { "", "", "", " ", "\n", "\t", "\r\n " };
static const char *const pieces[] = { "a", "1.0", "Z", " ", "-", "\\\"",
    "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u00e9", "\\u20AC",
    "\\ud83d\\udc33", "\\u0000", "\xc3\xbc", "\xe6\xb8\xaf", "]", "}", ",",
    ":" };
static const char *const numbers[] = { "0", "-0", "7", "-12", "3.25",
    "-0.5", "1e5", "6.02E+23", "1e-7", "98765432109876543210" };
static const char *const times[] = { "2016-01-01T00:00:00Z",
    "2016-01-01T00:00:00.500Z", "2016-01-01T02:00:00+02:00",
    "2015-12-31T23:59:59.999Z", "2016-01-01 00:00:00", "1969-12-31T23:59:59Z",
    "yesterday", "", "2016-02-30T00:00:00Z", "2016-01-01T00:00:00\\u0000x" };
/* the members of a tag first, then aliases and strangers */
static const char *const keys[] = { "name", "created", "created_by",
    "image", "status", "status_reason", "na\\u006de", "name\\u0000x",
    "Name", "x", "", "trusted" };

static void gen_value(struct gen *, int);

static void
gen_string(struct gen *g)
{
	put(g, "\"");
	for (unsigned int n = rnd(g, 4); n > 0; n--)
		PICK(g, pieces);
	put(g, "\"");
}

static void
gen_container(struct gen *g, int depth, bool object)
{
	put(g, object ? "{" : "[");
	for (unsigned int i = 0, n = rnd(g, 4); i < n; i++) {
		put(g, i > 0 ? "," : "");
		if (object) {
			PICK(g, blanks);
			gen_string(g);
			PICK(g, blanks);
			put(g, ":");
		}
		gen_value(g, depth + 1);
	}
	put(g, object ? "}" : "]");
}

static void
gen_value(struct gen *g, int depth)
{
	PICK(g, blanks);
	switch (rnd(g, depth > 3 ? 6 : 8)) {
	case 0:		gen_string(g); break;
	case 1:		PICK(g, numbers); break;
	case 2:		put(g, "true"); break;
	case 3:		put(g, "false"); break;
	case 4:		put(g, "null"); break;
	case 5:		put(g, rnd(g, 2) ? "\"1.0\"" : "{}"); break;
	default:	gen_container(g, depth, rnd(g, 2)); break;
	}
	PICK(g, blanks);
}

/* Mostly the right type: tags are refused now and then, not always. */
static void
gen_member(struct gen *g, unsigned int k)
{
	put(g, "\"");
	put(g, keys[k]);
	put(g, "\":");
	switch (rnd(g, 16)) {
	case 0:
		put(g, "null");
		break;
	case 1:
		gen_value(g, 2);
		break;
	default:
		PICK(g, blanks);
		if (k == 1) {
			put(g, "\"");
			PICK(g, times);
			put(g, "\"");
		} else
			gen_string(g);
		PICK(g, blanks);
	}
}

static void
gen_tag(struct gen *g)
{
	unsigned int n = rnd(g, 7), named = rnd(g, 10) ? rnd(g, n + 1) : n + 1;

	put(g, "{");
	for (unsigned int i = 0; i <= n; i++) {
		put(g, i > 0 ? "," : "");
		gen_member(g, i == named ? 0 : rnd(g, sizeof(keys) /
		    sizeof(keys[0])));
	}
	put(g, "}");
}

static void
gen_doc(struct gen *g)
{
	g->b.len = 0;
	PICK(g, blanks);
	if (rnd(g, 25) == 0) {
		gen_value(g, 0);
		return;
	}
	put(g, "[");
	for (unsigned int i = 0, n = rnd(g, 7); i < n; i++) {
		put(g, i > 0 ? "," : "");
		PICK(g, blanks);
		if (rnd(g, 30) == 0)
			gen_value(g, 1);
		else
			gen_tag(g);
		PICK(g, blanks);
	}
	put(g, "]");
	PICK(g, blanks);
}

/* Delete, insert or replace a byte, or cut the text. */
static void
mutate(struct gen *g)
{
	static const char alphabet[] = "{}[],:\"\\ tfnrue019.-+eEx'\x01\x1f\v"
	    "\t\n\0";
	char c = alphabet[rnd(g, sizeof(alphabet) - 1)], *d;
	size_t len = g->b.len, at = rnd(g, (unsigned int)len + 1);

	switch (rnd(g, 4)) {
	case 0:
		if (at < len)
			memmove(g->b.data + at, g->b.data + at + 1, len-- - at);
		g->b.len = len;
		break;
	case 1:
		CHECK(buf_append(&g->b, &c, 1) == 0, "out of memory");
		d = g->b.data;
		memmove(d + at + 1, d + at, len - at);
		d[at] = c;
		break;
	case 2:
		if (at < len)
			g->b.data[at] = c;
		break;
	default:
		g->b.len = at;
		break;
	}
}

struct stats {
	unsigned int ok, refused, invalid, lenient;
};

static void
compare_doc(const regex_t *re, const char *doc, size_t len,
    struct stats *st)
{
	struct pierone_err err = { 0 }, lerr = { 0 };
	struct pierone_tag_list *l;
	char want[PIERONE_ERRMSG_SIZE], *name;
	cJSON *root = ref_parse(doc, len);
	int rc, lrc;
	long idx;

	rc = tags_from_json(&l, doc, len, &err);
	lrc = tags_latest_from_json(&name, &idx, NULL, doc, len, 0, &lerr);
	CHECK(lrc == rc && strcmp(lerr.msg, err.msg) == 0,
	    "latest-only scan differs: '%s' vs '%s' in %.*s", lerr.msg,
	    err.msg, (int)len, doc);
	if (len == 0)
		test_fmt(want, sizeof(want), "empty response, expected JSON");
	else if (root == NULL || !strict_text(re, doc, len))
		test_fmt(want, sizeof(want), "invalid JSON at byte ");
	else
		ref_verdict(want, sizeof(want), root);
	if (strcmp(want, "invalid JSON at byte ") == 0) {
		st->invalid++;
		st->lenient += root != NULL;
		CHECK(rc == PIERONE_EBADRESPONSE &&
		    strncmp(err.msg, want, strlen(want)) == 0,
		    "not refused as invalid: %.*s", (int)len, doc);
	} else if (want[0] != '\0') {
		st->refused++;
		CHECK(rc == PIERONE_EBADRESPONSE &&
		    strcmp(err.msg, want) == 0, "'%s' instead of '%s' for "
		    "%.*s", err.msg, want, (int)len, doc);
	} else {
		st->ok++;
		CHECK(rc == 0, "refused (%s): %.*s", err.msg,
		    (int)len, doc);
		ref_compare(root, l, doc);
		CHECK(idx == pierone_tags_latest_index(l) && (idx < 0 ?
		    name == NULL : strcmp(name, l->tags[idx].name) == 0),
		    "latest differs in %.*s", (int)len, doc);
		pierone_tag_list_free(l);
		free(name);
	}
	cJSON_Delete(root);
}

/* JSCAN_SEED and JSCAN_DOCS run other or more documents, JSCAN_STATS tells. */
START_TEST(random_documents_match_cjson)
{
	struct gen g = { .r = 0x9e3779b97f4a7c15u };
	struct stats st = { 0 };
	const char *env;
	unsigned long n = 4000;
	regex_t re;

	if ((env = getenv("JSCAN_SEED")) != NULL)
		g.r = strtoull(env, NULL, 0) | 1;
	if ((env = getenv("JSCAN_DOCS")) != NULL)
		n = strtoul(env, NULL, 0);
	ck_assert_int_eq(regcomp(&re, "^-?(0|[1-9][0-9]*)(\\.[0-9]+)?"
	    "([eE][+-]?[0-9]+)?$", REG_EXTENDED | REG_NOSUB), 0);
	for (unsigned long i = 0; i < n; i++) {
		gen_doc(&g);
		compare_doc(&re, g.b.data, g.b.len, &st);
		for (unsigned int m = rnd(&g, 3) + 1; m > 0; m--)
			mutate(&g);
		compare_doc(&re, g.b.data, g.b.len, &st);
	}
	regfree(&re);
	buf_free(&g.b);
	if (getenv("JSCAN_STATS") != NULL)
		fprintf(stderr, "%lu documents: %u taken, %u refused, %u "
		    "invalid (%u of them taken by cJSON)\n", 2 * n, st.ok,
		    st.refused, st.invalid, st.lenient);
	/* every kind of outcome was met, or the generator is broken */
	ck_assert_uint_ge(st.ok, n / 2);
	ck_assert_uint_ge(st.refused, n / 20);
	ck_assert_uint_ge(st.invalid, n / 2);
	ck_assert_uint_ge(st.lenient, n / 400);
}
END_TEST

START_TEST(no_snapshot_reads_the_name_up_to_an_escaped_nul)
{
	/* found by fuzz_tags: "b-SNAPSHOT\u0000x" reads as "b-SNAPSHOT" */
	const char *json = "[{\"name\":\"b-SNAPSHOT\\u0000x\",\"created\":"
	    "\"2020-01-01T00:00:00Z\"},{\"name\":\"c\",\"created\":"
	    "\"2019-01-01T00:00:00Z\"}]";
	struct pierone_err err = { 0 };
	char *name;
	long idx;

	ck_assert_int_eq(tags_latest_from_json(&name, &idx, NULL, json,
	    strlen(json), PIERONE_LATEST_NO_SNAPSHOT, &err), 0);
	ck_assert_str_eq(name, "c");
	ck_assert_int_eq(idx, 1);
	free(name);
}
END_TEST

Suite *
jscan_suite(void)
{
	Suite *s = suite_create("jscan");
	TCase *str = tcase_create("strings");
	TCase *syn = tcase_create("syntax");
	TCase *sem = tcase_create("tags");
	TCase *rnd = tcase_create("random");

	tcase_add_loop_test(str, escapes_are_decoded_in_every_string_member, 0,
	    sizeof(escapes) / sizeof(escapes[0]));
	tcase_add_test(str, no_snapshot_reads_the_name_up_to_an_escaped_nul);
	tcase_add_test(str, escapes_are_decoded_in_member_names);
	suite_add_tcase(s, str);

	tcase_add_loop_test(syn, bad_values_are_invalid_anywhere, 0,
	    sizeof(bad_values) / sizeof(bad_values[0]));
	tcase_add_loop_test(syn, good_values_are_skipped_or_typed, 0,
	    sizeof(good_values) / sizeof(good_values[0]));
	tcase_add_loop_test(syn, syntax_errors_tell_the_offending_byte, 0,
	    sizeof(positions) / sizeof(positions[0]));
	tcase_add_test(syn, nesting_is_limited_to_512);
	tcase_add_test(syn, deep_text_is_refused_without_recursing_further);
	tcase_add_test(syn, bodies_at_the_edges);
	suite_add_tcase(s, syn);

	tcase_add_test(sem, of_duplicate_members_the_first_counts);
	tcase_add_test(sem, members_of_any_type_are_kept_as_data);
	tcase_add_test(sem, the_first_bad_tag_is_told_and_syntax_errors_win);
	tcase_add_test(sem, latest_of_empty_array_is_no_name);
	tcase_add_test(sem, large_lists_are_read_by_both_entry_points);
	tcase_set_timeout(sem, 60);
	suite_add_tcase(s, sem);

	tcase_add_test(rnd, random_documents_match_cjson);
	tcase_set_timeout(rnd, 120);
	suite_add_tcase(s, rnd);
	return s;
}
