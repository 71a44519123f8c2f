/*
 * The registry's JSON answers mapped to string and tag lists: strict about
 * types, lenient about absent keys, nulls and unknown extras.  Parsed from
 * buffers and from the fixtures in tests/data/unit/.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tests.h"

static int
strlist_parse(struct pierone_strlist **out, const char *json,
    struct pierone_err *err)
{
	return strlist_from_json(out, json, strlen(json), err);
}

static int
tags_parse(struct pierone_tag_list **out, const char *json,
    struct pierone_err *err)
{
	return tags_from_json(out, json, strlen(json), err);
}

/* A fixture from tests/data/unit/ (caller frees). */
static char *
fixture(const char *name, size_t *len)
{
	char path[512];
	char *s;

	test_fmt(path, sizeof(path), "unit/%s", name);
	s = test_slurp(test_data(path), len);
	ck_assert_msg(s != NULL, "cannot read fixture %s", test_data(path));
	return s;
}

/* strlist_from_json must refuse `json`; its message contains `needle`. */
static void
assert_strlist_refused(const char *json, size_t len, const char *needle)
{
	struct pierone_strlist dummy, *l = &dummy;
	struct pierone_err err = { 0 };
	int rc;

	rc = strlist_from_json(&l, json, len, &err);

	if (rc == 0)		/* no leak when the test fails */
		pierone_strlist_free(l);
	ck_assert_int_eq(rc, PIERONE_EBADRESPONSE);
	ck_assert_ptr_null(l);
	ck_assert_int_eq(err.code, PIERONE_EBADRESPONSE);
	ck_assert_msg(strstr(err.msg, needle) != NULL,
	    "message '%s' lacks '%s'", err.msg, needle);
}

static void
assert_tags_refused(const char *json, size_t len, const char *needle)
{
	struct pierone_tag_list dummy, *l = &dummy;
	struct pierone_err err = { 0 };
	int rc;

	rc = tags_from_json(&l, json, len, &err);

	if (rc == 0)		/* no leak when the test fails */
		pierone_tag_list_free(l);
	ck_assert_int_eq(rc, PIERONE_EBADRESPONSE);
	ck_assert_ptr_null(l);
	ck_assert_int_eq(err.code, PIERONE_EBADRESPONSE);
	ck_assert_msg(strstr(err.msg, needle) != NULL,
	    "message '%s' lacks '%s'", err.msg, needle);
}

static void
assert_strlist_fixture_refused(const char *name, const char *needle)
{
	size_t len;
	char *json = fixture(name, &len);

	assert_strlist_refused(json, len, needle);
	free(json);
}

static void
assert_tags_fixture_refused(const char *name, const char *needle)
{
	size_t len;
	char *json = fixture(name, &len);

	assert_tags_refused(json, len, needle);
	free(json);
}

/* A list of the given strings, built without the parser (caller frees). */
static struct pierone_strlist *
strlist_of(const char *const *items, size_t n)
{
	struct pierone_strlist *l = calloc(1, sizeof(*l));

	ck_assert_ptr_nonnull(l);
	l->items = calloc(n + 1, sizeof(char *));
	ck_assert_ptr_nonnull(l->items);
	for (l->count = 0; l->count < n; l->count++) {
		l->items[l->count] = strdup(items[l->count]);
		ck_assert_ptr_nonnull(l->items[l->count]);
	}
	return l;
}

/* ------------------------------------------------------------------ */

START_TEST(strlist_from_json_reads_array_of_strings)
{
	struct pierone_strlist *l;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(strlist_parse(&l, "[\"stups\", \"acid\", \"zmon\"]",
	    &err), 0);
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(l->count, 3);
	ck_assert_str_eq(l->items[0], "stups");
	ck_assert_str_eq(l->items[1], "acid");
	ck_assert_str_eq(l->items[2], "zmon");
	pierone_strlist_free(l);
}
END_TEST

START_TEST(strlist_from_json_reads_fixture_file)
{
	struct pierone_strlist *l;
	struct pierone_err err = { 0 };
	size_t len;
	char *json = fixture("teams.json", &len);

	ck_assert_int_eq(strlist_from_json(&l, json, len, &err), 0);
	ck_assert_uint_eq(l->count, 4);
	ck_assert_str_eq(l->items[0], "stups");
	ck_assert_str_eq(l->items[3], "\xc3\xa9quipe");
	pierone_strlist_free(l);
	free(json);
}
END_TEST

START_TEST(strlist_from_json_reads_empty_array)
{
	struct pierone_strlist *l;
	struct pierone_err err = { 0 };
	size_t len;
	char *json = fixture("empty_array.json", &len);

	ck_assert_int_eq(strlist_from_json(&l, json, len, &err), 0);
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(l->count, 0);
	pierone_strlist_free(l);
	free(json);
}
END_TEST

START_TEST(strlist_from_json_decodes_escapes)
{
	struct pierone_strlist *l;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(strlist_parse(&l, "[\"a\\\"b\\\\c\", \"\\u00e9\", "
	    "\"\\ud83d\\udc33\", \"\\/x\"]", &err), 0);
	ck_assert_uint_eq(l->count, 4);
	ck_assert_str_eq(l->items[0], "a\"b\\c");
	ck_assert_str_eq(l->items[1], "\xc3\xa9");
	ck_assert_str_eq(l->items[2], "\xf0\x9f\x90\xb3");
	ck_assert_str_eq(l->items[3], "/x");
	pierone_strlist_free(l);
}
END_TEST

START_TEST(strlist_from_json_keeps_raw_utf8_byte_exact)
{
	struct pierone_strlist *l;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(strlist_parse(&l,
	    "[\"gr\xc3\xbcn\", \"\xe6\xb8\xaf\"]", &err), 0);
	ck_assert_uint_eq(l->count, 2);
	ck_assert_str_eq(l->items[0], "gr\xc3\xbcn");
	ck_assert_str_eq(l->items[1], "\xe6\xb8\xaf");
	pierone_strlist_free(l);
}
END_TEST

START_TEST(strlist_from_json_accepts_surrounding_whitespace)
{
	struct pierone_strlist *l;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(strlist_parse(&l, " \n[ \"a\" ]\r\n", &err), 0);
	ck_assert_uint_eq(l->count, 1);
	ck_assert_str_eq(l->items[0], "a");
	pierone_strlist_free(l);
}
END_TEST

START_TEST(strlist_from_json_reads_only_len_bytes)
{
	/* not NUL-terminated: ASan catches a read past the end */
	static const char body[] = { '[', '"', 'a', '"', ']' };
	struct pierone_strlist *l;
	struct pierone_err err = { 0 };
	char *copy = malloc(sizeof(body));

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, body, sizeof(body));
	ck_assert_int_eq(strlist_from_json(&l, copy, sizeof(body), &err), 0);
	ck_assert_uint_eq(l->count, 1);
	ck_assert_str_eq(l->items[0], "a");
	pierone_strlist_free(l);
	free(copy);
}
END_TEST

START_TEST(strlist_from_json_rejects_object_root)
{
	assert_strlist_fixture_refused("object_root.json", "array");
	assert_strlist_fixture_refused("object_root.json", "an object");
}
END_TEST

START_TEST(strlist_from_json_rejects_number_root)
{
	assert_strlist_fixture_refused("number_root.json", "array");
	assert_strlist_fixture_refused("number_root.json", "a number");
}
END_TEST

START_TEST(strlist_from_json_rejects_string_root)
{
	assert_strlist_refused("\"stups\"", 7, "array");
}
END_TEST

START_TEST(strlist_from_json_rejects_null_root)
{
	assert_strlist_refused("null", 4, "array");
}
END_TEST

START_TEST(strlist_from_json_rejects_number_element)
{
	assert_strlist_refused("[\"a\", 1]", 8, "element 2 is a number");
}
END_TEST

START_TEST(strlist_from_json_rejects_null_element)
{
	assert_strlist_refused("[null]", 6, "element 1 is null");
}
END_TEST

START_TEST(strlist_from_json_rejects_nested_array_element)
{
	assert_strlist_refused("[\"a\", \"b\", [\"c\"]]", 17,
	    "element 3 is an array");
}
END_TEST

START_TEST(strlist_from_json_rejects_invalid_json)
{
	assert_strlist_refused("[a]", 3, "invalid JSON");
	assert_strlist_refused("[\"a\",,\"b\"]", 10, "invalid JSON");
}
END_TEST

START_TEST(strlist_from_json_rejects_html_error_page)
{
	assert_strlist_fixture_refused("bad_gateway.html", "invalid JSON");
}
END_TEST

START_TEST(strlist_from_json_rejects_truncated_json)
{
	assert_strlist_refused("[\"stups\", \"ac", 13, "invalid JSON");
	assert_strlist_refused("[\"stups\"", 8, "invalid JSON");
}
END_TEST

START_TEST(strlist_from_json_rejects_body_cut_by_len)
{
	assert_strlist_refused("[\"stups\", \"acid\"]", 10, "invalid JSON");
}
END_TEST

/* Something after the value means the body is not the JSON we expect. */
START_TEST(strlist_from_json_rejects_trailing_garbage)
{
	assert_strlist_refused("[\"a\"] junk", 10, "invalid JSON");
	assert_strlist_refused("[\"a\"][\"b\"]", 10, "invalid JSON");
}
END_TEST

START_TEST(strlist_from_json_rejects_whitespace_only_body)
{
	assert_strlist_refused(" \n ", 3, "invalid JSON");
}
END_TEST

START_TEST(strlist_from_json_rejects_empty_body)
{
	assert_strlist_refused("", 0, "empty");
}
END_TEST

START_TEST(strlist_from_json_rejects_null_body)
{
	assert_strlist_refused(NULL, 0, "empty");
}
END_TEST

/* ------------------------------------------------------------------ */

START_TEST(tags_from_json_reads_all_fields)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };
	const struct pierone_tag *t;

	ck_assert_int_eq(tags_parse(&l, "[{\"name\": \"1.0\", \"created\": "
	    "\"2015-05-07T15:49:51.230Z\", \"created_by\": \"jdoe\", "
	    "\"image\": \"sha256:ab\", \"status\": \"Prohibited\", "
	    "\"status_reason\": \"not trusted\"}]", &err), 0);
	ck_assert_uint_eq(l->count, 1);
	t = &l->tags[0];
	ck_assert_str_eq(t->name, "1.0");
	ck_assert(t->created.valid);
	ck_assert_int_eq(t->created.sec, 1431013791);
	ck_assert_int_eq(t->created.ms, 230);
	ck_assert_str_eq(t->created_by, "jdoe");
	ck_assert_str_eq(t->image, "sha256:ab");
	ck_assert_str_eq(t->status, "Prohibited");
	ck_assert_str_eq(t->status_reason, "not trusted");
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(tags_from_json_reads_fixture_in_server_order)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };
	size_t len;
	char *json = fixture("tags.json", &len);

	ck_assert_int_eq(tags_from_json(&l, json, len, &err), 0);
	ck_assert_uint_eq(l->count, 3);
	ck_assert_str_eq(l->tags[0].name, "1.0");
	ck_assert_str_eq(l->tags[1].name, "1.1");
	ck_assert_str_eq(l->tags[2].name, "1.2-SNAPSHOT");
	ck_assert_int_eq(l->tags[0].created.sec, 1431013791);
	ck_assert_int_eq(l->tags[1].created.sec, 1433167923);
	ck_assert_int_eq(l->tags[1].created.ms, 276);
	ck_assert_int_eq(l->tags[2].created.sec, 1435752000);
	ck_assert_int_eq(l->tags[2].created.ms, 0);
	ck_assert_str_eq(l->tags[1].created_by, "ann");
	ck_assert_str_eq(l->tags[1].status_reason, "Image is not trusted");
	pierone_tag_list_free(l);
	free(json);
}
END_TEST

START_TEST(tags_from_json_ignores_unknown_keys)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };
	size_t len;
	char *json = fixture("tags.json", &len);

	/* clair_id: null, severity_*: strings, trusted: bool, nested objects */
	ck_assert_int_eq(tags_from_json(&l, json, len, &err), 0);
	ck_assert_str_eq(l->tags[0].status, "Not Processed");
	ck_assert_ptr_null(l->tags[0].status_reason);
	ck_assert_str_eq(l->tags[1].image, "sha256:4e5f6a7b");
	pierone_tag_list_free(l);
	free(json);
}
END_TEST

START_TEST(tags_from_json_ignores_unknown_keys_of_any_type)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(tags_parse(&l, "[{\"clair_id\": null, "
	    "\"severity_fix_available\": 3, \"trusted\": true, "
	    "\"layers\": {\"a\": [1, {\"b\": null}]}, \"name\": \"2.0\", "
	    "\"extra\": [\"x\"]}]", &err), 0);
	ck_assert_uint_eq(l->count, 1);
	ck_assert_str_eq(l->tags[0].name, "2.0");
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(tags_from_json_maps_nulls_to_unset)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };
	size_t len;
	char *json = fixture("tags_nulls.json", &len);

	ck_assert_int_eq(tags_from_json(&l, json, len, &err), 0);
	ck_assert_uint_eq(l->count, 1);
	ck_assert_str_eq(l->tags[0].name, "x");
	ck_assert(!l->tags[0].created.valid);
	ck_assert_ptr_null(l->tags[0].created_by);
	ck_assert_ptr_null(l->tags[0].image);
	ck_assert_ptr_null(l->tags[0].status);
	ck_assert_ptr_null(l->tags[0].status_reason);
	pierone_tag_list_free(l);
	free(json);
}
END_TEST

START_TEST(tags_from_json_maps_absent_keys_to_unset)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(tags_parse(&l, "[{\"name\": \"only\"}]", &err), 0);
	ck_assert_uint_eq(l->count, 1);
	ck_assert_str_eq(l->tags[0].name, "only");
	ck_assert(!l->tags[0].created.valid);
	ck_assert_ptr_null(l->tags[0].created_by);
	ck_assert_ptr_null(l->tags[0].image);
	ck_assert_ptr_null(l->tags[0].status);
	ck_assert_ptr_null(l->tags[0].status_reason);
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(tags_from_json_reads_empty_array)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(tags_parse(&l, "[]", &err), 0);
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(l->count, 0);
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(tags_from_json_keeps_tag_with_unparsable_created)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(tags_parse(&l, "[{\"name\": \"a\", \"created\": "
	    "\"yesterday\", \"created_by\": \"jdoe\"}, {\"name\": \"b\", "
	    "\"created\": \"2015-05-07T15:49:51.230Z\"}]", &err), 0);
	ck_assert_uint_eq(l->count, 2);
	ck_assert_str_eq(l->tags[0].name, "a");
	ck_assert(!l->tags[0].created.valid);
	ck_assert_str_eq(l->tags[0].created_by, "jdoe");
	ck_assert(l->tags[1].created.valid);
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(tags_from_json_keeps_tag_with_empty_created)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(tags_parse(&l,
	    "[{\"name\": \"a\", \"created\": \"\"}]", &err), 0);
	ck_assert_uint_eq(l->count, 1);
	ck_assert(!l->tags[0].created.valid);
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(tags_from_json_keeps_non_ascii_byte_exact)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };
	size_t len;
	char *json = fixture("tags_unicode.json", &len);

	ck_assert_int_eq(tags_from_json(&l, json, len, &err), 0);
	ck_assert_uint_eq(l->count, 1);
	ck_assert_str_eq(l->tags[0].name, "caf\xc3\xa9");
	ck_assert_str_eq(l->tags[0].created_by,
	    "J\xc3\xbcrgen M\xc3\xbcller");
	ck_assert_str_eq(l->tags[0].image, "sha256:\xf0\x9f\x90\xb3");
	ck_assert_str_eq(l->tags[0].status, "gr\xc3\xbcn \xe6\xb8\xaf");
	pierone_tag_list_free(l);
	free(json);
}
END_TEST

/* The only tag of json, which must be taken (caller frees). */
static struct pierone_tag_list *
tags_one(const char *json, size_t count)
{
	struct pierone_tag_list *l = NULL;
	struct pierone_err err = { 0 };

	ck_assert_msg(tags_parse(&l, json, &err) == 0, "refused: %s",
	    err.msg);
	ck_assert_uint_eq(l->count, count);
	return l;
}

START_TEST(tags_from_json_keeps_tag_without_name)
{
	struct pierone_tag_list *l;
	char *json = fixture("tags_no_name.json", NULL);

	l = tags_one(json, 2);
	ck_assert_str_eq(l->tags[1].name, "");
	ck_assert_uint_eq(l->tags[1].raw | l->tags[1].null, 0);
	pierone_tag_list_free(l);
	free(json);
}
END_TEST

START_TEST(tags_from_json_keeps_null_name_as_empty)
{
	struct pierone_tag_list *l = tags_one("[{\"name\": null}]", 1);

	ck_assert_str_eq(l->tags[0].name, "");
	ck_assert_uint_eq(l->tags[0].null, PIERONE_TAG_NAME);
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(tags_from_json_keeps_number_name_as_written)
{
	struct pierone_tag_list *l = tags_one("[{\"name\": 1.0}]", 1);

	ck_assert_str_eq(l->tags[0].name, "1.0");
	ck_assert_uint_eq(l->tags[0].raw, PIERONE_TAG_NAME);
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(tags_from_json_keeps_number_created_by)
{
	struct pierone_tag_list *l = tags_one("[{\"name\": \"1.0\", "
	    "\"created_by\": 42}]", 1);

	ck_assert_str_eq(l->tags[0].created_by, "42");
	ck_assert_uint_eq(l->tags[0].raw, PIERONE_TAG_CREATED_BY);
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(tags_from_json_keeps_boolean_image)
{
	struct pierone_tag_list *l = tags_one("[{\"name\": \"1.0\", "
	    "\"image\": true}]", 1);

	ck_assert_str_eq(l->tags[0].image, "true");
	ck_assert_uint_eq(l->tags[0].raw, PIERONE_TAG_IMAGE);
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(tags_from_json_keeps_object_status)
{
	struct pierone_tag_list *l = tags_one("[{\"name\": \"1.0\"}, "
	    "{\"name\": \"1.1\", \"status\": {\"code\": 1}}]", 2);

	ck_assert_str_eq(l->tags[1].status, "{\"code\": 1}");
	ck_assert_uint_eq(l->tags[1].raw, PIERONE_TAG_STATUS);
	ck_assert_uint_eq(l->tags[0].raw, 0);
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(tags_from_json_keeps_array_status_reason)
{
	struct pierone_tag_list *l = tags_one("[{\"name\": \"1.0\", "
	    "\"status_reason\": []}]", 1);

	ck_assert_str_eq(l->tags[0].status_reason, "[]");
	ck_assert_uint_eq(l->tags[0].raw, PIERONE_TAG_STATUS_REASON);
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(tags_from_json_takes_number_created_as_no_time)
{
	struct pierone_tag_list *l = tags_one("[{\"name\": \"1.0\", "
	    "\"created\": 1431013791}]", 1);

	ck_assert(!l->tags[0].created.valid);
	ck_assert_uint_eq(l->tags[0].raw | l->tags[0].null, 0);
	pierone_tag_list_free(l);
}
END_TEST

START_TEST(tags_from_json_rejects_string_element)
{
	assert_tags_refused("[\"1.0\"]", 7, "tag 1 is a string");
}
END_TEST

START_TEST(tags_from_json_rejects_object_root)
{
	assert_tags_fixture_refused("object_root.json", "array");
}
END_TEST

START_TEST(tags_from_json_rejects_number_root)
{
	assert_tags_fixture_refused("number_root.json", "array");
}
END_TEST

START_TEST(tags_from_json_rejects_invalid_json)
{
	assert_tags_fixture_refused("bad_gateway.html", "invalid JSON");
	assert_tags_refused("[{name: \"1.0\"}]", 15, "invalid JSON");
}
END_TEST

START_TEST(tags_from_json_rejects_truncated_json)
{
	assert_tags_fixture_refused("truncated.json", "invalid JSON");
}
END_TEST

START_TEST(tags_from_json_rejects_trailing_garbage)
{
	assert_tags_refused("[{\"name\": \"1.0\"}]}", 18, "invalid JSON");
}
END_TEST

START_TEST(tags_from_json_rejects_empty_body)
{
	assert_tags_refused("", 0, "empty");
}
END_TEST

START_TEST(tags_from_json_reads_large_array)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };
	struct buf b = { 0 };
	size_t i, n = 20000;

	ck_assert_int_eq(buf_append(&b, "[", 1), 0);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(buf_printf(&b, "%s{\"name\": \"1.%zu\", "
		    "\"created\": \"2015-05-07T15:49:51.%03zuZ\", "
		    "\"created_by\": \"ci\", \"trusted\": true}",
		    i ? ", " : "", i, i % 1000), 0);
	ck_assert_int_eq(buf_append(&b, "]", 1), 0);
	ck_assert_int_eq(tags_from_json(&l, b.data, b.len, &err), 0);
	ck_assert_uint_eq(l->count, n);
	ck_assert_str_eq(l->tags[0].name, "1.0");
	ck_assert_str_eq(l->tags[12345].name, "1.12345");
	ck_assert_int_eq(l->tags[12345].created.ms, 345);
	ck_assert_str_eq(l->tags[n - 1].name, "1.19999");
	ck_assert_int_eq(l->tags[n - 1].created.sec, 1431013791);
	ck_assert_int_eq(l->tags[n - 1].created.ms, 999);
	ck_assert_str_eq(l->tags[n - 1].created_by, "ci");
	pierone_tag_list_free(l);
	buf_free(&b);
}
END_TEST

START_TEST(strlist_from_json_reads_large_array)
{
	struct pierone_strlist *l;
	struct pierone_err err = { 0 };
	struct buf b = { 0 };
	size_t i, n = 20000;

	ck_assert_int_eq(buf_append(&b, "[", 1), 0);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(buf_printf(&b, "%s\"app-%zu\"", i ? "," : "",
		    i), 0);
	ck_assert_int_eq(buf_append(&b, "]", 1), 0);
	ck_assert_int_eq(strlist_from_json(&l, b.data, b.len, &err), 0);
	ck_assert_uint_eq(l->count, n);
	ck_assert_str_eq(l->items[n - 1], "app-19999");
	pierone_strlist_free(l);
	buf_free(&b);
}
END_TEST

/* ------------------------------------------------------------------ */

START_TEST(strlist_sort_uses_byte_order)
{
	static const char *const in[] = {
		"b", "\xc3\xa4", "a", "Z", "aa", "", "A", "0",
	};
	struct pierone_strlist *l = strlist_of(in, 8);

	pierone_strlist_sort(l);
	ck_assert_uint_eq(l->count, 8);
	ck_assert_str_eq(l->items[0], "");
	ck_assert_str_eq(l->items[1], "0");
	ck_assert_str_eq(l->items[2], "A");
	ck_assert_str_eq(l->items[3], "Z");
	ck_assert_str_eq(l->items[4], "a");
	ck_assert_str_eq(l->items[5], "aa");
	ck_assert_str_eq(l->items[6], "b");
	ck_assert_str_eq(l->items[7], "\xc3\xa4");	/* after ASCII */
	pierone_strlist_free(l);
}
END_TEST

START_TEST(strlist_sort_orders_code_points)
{
	/* U+00E9 < U+6E2F < U+1F433 in bytes as in code points */
	static const char *const in[] = {
		"\xf0\x9f\x90\xb3", "\xe6\xb8\xaf", "\xc3\xa9",
	};
	struct pierone_strlist *l = strlist_of(in, 3);

	pierone_strlist_sort(l);
	ck_assert_str_eq(l->items[0], "\xc3\xa9");
	ck_assert_str_eq(l->items[1], "\xe6\xb8\xaf");
	ck_assert_str_eq(l->items[2], "\xf0\x9f\x90\xb3");
	pierone_strlist_free(l);
}
END_TEST

START_TEST(strlist_sort_keeps_duplicates)
{
	static const char *const in[] = { "b", "a", "b", "a", "c", "a" };
	struct pierone_strlist *l = strlist_of(in, 6);

	pierone_strlist_sort(l);
	ck_assert_uint_eq(l->count, 6);
	ck_assert_str_eq(l->items[0], "a");
	ck_assert_str_eq(l->items[1], "a");
	ck_assert_str_eq(l->items[2], "a");
	ck_assert_str_eq(l->items[3], "b");
	ck_assert_str_eq(l->items[4], "b");
	ck_assert_str_eq(l->items[5], "c");
	/* still six separate strings: freeing each once must be clean */
	for (size_t i = 1; i < 6; i++)
		ck_assert_ptr_ne(l->items[i - 1], l->items[i]);
	pierone_strlist_free(l);
}
END_TEST

START_TEST(strlist_sort_leaves_sorted_list_alone)
{
	static const char *const in[] = { "acid", "stups", "zmon" };
	struct pierone_strlist *l = strlist_of(in, 3);

	pierone_strlist_sort(l);
	ck_assert_str_eq(l->items[0], "acid");
	ck_assert_str_eq(l->items[1], "stups");
	ck_assert_str_eq(l->items[2], "zmon");
	pierone_strlist_free(l);
}
END_TEST

START_TEST(strlist_sort_accepts_empty_list)
{
	struct pierone_strlist *l;
	struct pierone_err err = { 0 };

	ck_assert_int_eq(strlist_parse(&l, "[]", &err), 0);
	pierone_strlist_sort(l);
	ck_assert_uint_eq(l->count, 0);
	pierone_strlist_free(l);
}
END_TEST

START_TEST(strlist_sort_accepts_list_without_items)
{
	struct pierone_strlist l = { NULL, 0 };

	pierone_strlist_sort(&l);
	ck_assert_ptr_null(l.items);
	ck_assert_uint_eq(l.count, 0);
}
END_TEST

START_TEST(strlist_sort_accepts_single_item)
{
	static const char *const in[] = { "only" };
	struct pierone_strlist *l = strlist_of(in, 1);

	pierone_strlist_sort(l);
	ck_assert_uint_eq(l->count, 1);
	ck_assert_str_eq(l->items[0], "only");
	pierone_strlist_free(l);
}
END_TEST

START_TEST(strlist_sort_null_is_noop)
{
	pierone_strlist_sort(NULL);
}
END_TEST

START_TEST(strlist_free_null_is_noop)
{
	pierone_strlist_free(NULL);
}
END_TEST

START_TEST(tag_list_free_null_is_noop)
{
	pierone_tag_list_free(NULL);
}
END_TEST

Suite *
json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *sl = tcase_create("strlist");
	TCase *tags = tcase_create("tags");
	TCase *sort = tcase_create("sort");

	tcase_add_test(sl, strlist_from_json_reads_array_of_strings);
	tcase_add_test(sl, strlist_from_json_reads_fixture_file);
	tcase_add_test(sl, strlist_from_json_reads_empty_array);
	tcase_add_test(sl, strlist_from_json_decodes_escapes);
	tcase_add_test(sl, strlist_from_json_keeps_raw_utf8_byte_exact);
	tcase_add_test(sl, strlist_from_json_accepts_surrounding_whitespace);
	tcase_add_test(sl, strlist_from_json_reads_only_len_bytes);
	tcase_add_test(sl, strlist_from_json_rejects_object_root);
	tcase_add_test(sl, strlist_from_json_rejects_number_root);
	tcase_add_test(sl, strlist_from_json_rejects_string_root);
	tcase_add_test(sl, strlist_from_json_rejects_null_root);
	tcase_add_test(sl, strlist_from_json_rejects_number_element);
	tcase_add_test(sl, strlist_from_json_rejects_null_element);
	tcase_add_test(sl, strlist_from_json_rejects_nested_array_element);
	tcase_add_test(sl, strlist_from_json_rejects_invalid_json);
	tcase_add_test(sl, strlist_from_json_rejects_html_error_page);
	tcase_add_test(sl, strlist_from_json_rejects_truncated_json);
	tcase_add_test(sl, strlist_from_json_rejects_body_cut_by_len);
	tcase_add_test(sl, strlist_from_json_rejects_trailing_garbage);
	tcase_add_test(sl, strlist_from_json_rejects_whitespace_only_body);
	tcase_add_test(sl, strlist_from_json_rejects_empty_body);
	tcase_add_test(sl, strlist_from_json_rejects_null_body);
	tcase_add_test(sl, strlist_from_json_reads_large_array);
	suite_add_tcase(s, sl);

	tcase_add_test(tags, tags_from_json_reads_all_fields);
	tcase_add_test(tags, tags_from_json_reads_fixture_in_server_order);
	tcase_add_test(tags, tags_from_json_ignores_unknown_keys);
	tcase_add_test(tags, tags_from_json_ignores_unknown_keys_of_any_type);
	tcase_add_test(tags, tags_from_json_maps_nulls_to_unset);
	tcase_add_test(tags, tags_from_json_maps_absent_keys_to_unset);
	tcase_add_test(tags, tags_from_json_reads_empty_array);
	tcase_add_test(tags, tags_from_json_keeps_tag_with_unparsable_created);
	tcase_add_test(tags, tags_from_json_keeps_tag_with_empty_created);
	tcase_add_test(tags, tags_from_json_keeps_non_ascii_byte_exact);
	tcase_add_test(tags, tags_from_json_keeps_tag_without_name);
	tcase_add_test(tags, tags_from_json_keeps_null_name_as_empty);
	tcase_add_test(tags, tags_from_json_keeps_number_name_as_written);
	tcase_add_test(tags, tags_from_json_keeps_number_created_by);
	tcase_add_test(tags, tags_from_json_keeps_boolean_image);
	tcase_add_test(tags, tags_from_json_keeps_object_status);
	tcase_add_test(tags, tags_from_json_keeps_array_status_reason);
	tcase_add_test(tags, tags_from_json_takes_number_created_as_no_time);
	tcase_add_test(tags, tags_from_json_rejects_string_element);
	tcase_add_test(tags, tags_from_json_rejects_object_root);
	tcase_add_test(tags, tags_from_json_rejects_number_root);
	tcase_add_test(tags, tags_from_json_rejects_invalid_json);
	tcase_add_test(tags, tags_from_json_rejects_truncated_json);
	tcase_add_test(tags, tags_from_json_rejects_trailing_garbage);
	tcase_add_test(tags, tags_from_json_rejects_empty_body);
	tcase_add_test(tags, tags_from_json_reads_large_array);
	/* 20 000 tags under valgrind take a while */
	tcase_set_timeout(tags, 60);
	tcase_set_timeout(sl, 60);
	suite_add_tcase(s, tags);

	tcase_add_test(sort, strlist_sort_uses_byte_order);
	tcase_add_test(sort, strlist_sort_orders_code_points);
	tcase_add_test(sort, strlist_sort_keeps_duplicates);
	tcase_add_test(sort, strlist_sort_leaves_sorted_list_alone);
	tcase_add_test(sort, strlist_sort_accepts_empty_list);
	tcase_add_test(sort, strlist_sort_accepts_list_without_items);
	tcase_add_test(sort, strlist_sort_accepts_single_item);
	tcase_add_test(sort, strlist_sort_null_is_noop);
	tcase_add_test(sort, strlist_free_null_is_noop);
	tcase_add_test(sort, tag_list_free_null_is_noop);
	suite_add_tcase(s, sort);
	return s;
}
