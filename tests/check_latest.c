/*
 * pierone_tags_latest_index(): "latest" is the greatest created time, not
 * the last element or the highest version; ties go to the server's later
 * entry and tags without a time count as oldest.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tests.h"

/* Index of the latest tag of the JSON array `json`. */
static long
latest_of(const char *json)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };
	long i;

	ck_assert_msg(tags_from_json(&l, json, strlen(json), &err) == 0,
	    "fixture refused: %s", err.msg);
	i = pierone_tags_latest_index(l);
	pierone_tag_list_free(l);
	return i;
}

START_TEST(latest_picks_greatest_created_in_the_middle)
{
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"1.0\", \"created\": \"2016-03-01T00:00:00Z\"},"
	    "{\"name\": \"2.0\", \"created\": \"2016-05-01T00:00:00Z\"},"
	    "{\"name\": \"1.5\", \"created\": \"2016-01-01T00:00:00Z\"}]"), 1);
}
END_TEST

START_TEST(latest_picks_greatest_created_at_the_start)
{
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"3.0\", \"created\": \"2017-01-01T00:00:00Z\"},"
	    "{\"name\": \"1.0\", \"created\": \"2016-03-01T00:00:00Z\"},"
	    "{\"name\": \"2.0\", \"created\": \"2016-05-01T00:00:00Z\"}]"), 0);
}
END_TEST

START_TEST(latest_picks_greatest_created_at_the_end)
{
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"1.0\", \"created\": \"2016-03-01T00:00:00Z\"},"
	    "{\"name\": \"2.0\", \"created\": \"2016-05-01T00:00:00Z\"}]"), 1);
}
END_TEST

START_TEST(latest_ignores_version_order_of_names)
{
	/* 1.10 > 1.9 as versions, 1.9 > 1.10 as strings: time decides */
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"1.10\", \"created\": \"2016-01-01T00:00:00Z\"},"
	    "{\"name\": \"1.9\", \"created\": \"2016-01-02T00:00:00Z\"},"
	    "{\"name\": \"1.2\", \"created\": \"2015-12-01T00:00:00Z\"}]"), 1);
}
END_TEST

START_TEST(latest_compares_offsets_in_utc)
{
	/* 10:00+02:00 is 08:00Z, earlier than 09:00Z */
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"a\", \"created\": \"2016-01-01T09:00:00Z\"},"
	    "{\"name\": \"b\", \"created\": \"2016-01-01T10:00:00+02:00\"}]"),
	    0);
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"b\", \"created\": \"2016-01-01T10:00:00+02:00\"},"
	    "{\"name\": \"a\", \"created\": \"2016-01-01T09:00:00Z\"}]"), 1);
}
END_TEST

START_TEST(latest_compares_negative_offsets_in_utc)
{
	/* 05:00-05:00 is 10:00Z, later than 09:30Z */
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"a\", \"created\": \"2016-01-01T05:00:00-0500\"},"
	    "{\"name\": \"b\", \"created\": \"2016-01-01T09:30:00.999Z\"}]"),
	    0);
}
END_TEST

START_TEST(latest_breaks_same_second_by_milliseconds)
{
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"a\", \"created\": \"2016-01-01T10:00:00.500Z\"},"
	    "{\"name\": \"b\", \"created\": \"2016-01-01T10:00:00.499Z\"}]"),
	    0);
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"b\", \"created\": \"2016-01-01T10:00:00.499Z\"},"
	    "{\"name\": \"a\", \"created\": \"2016-01-01T10:00:00.500Z\"}]"),
	    1);
}
END_TEST

START_TEST(latest_prefers_later_second_over_more_milliseconds)
{
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"a\", \"created\": \"2016-01-01T10:00:01.000Z\"},"
	    "{\"name\": \"b\", \"created\": \"2016-01-01T10:00:00.999Z\"}]"),
	    0);
}
END_TEST

START_TEST(latest_of_exact_tie_is_the_later_in_server_order)
{
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"a\", \"created\": \"2016-01-01T10:00:00.123Z\"},"
	    "{\"name\": \"b\", \"created\": \"2016-01-01T10:00:00.123Z\"}]"),
	    1);
}
END_TEST

START_TEST(latest_of_three_way_tie_is_the_last)
{
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"a\", \"created\": \"2016-01-01T10:00:00Z\"},"
	    "{\"name\": \"b\", \"created\": \"2016-01-01T10:00:00Z\"},"
	    "{\"name\": \"c\", \"created\": \"2016-01-01T10:00:00Z\"}]"), 2);
}
END_TEST

START_TEST(latest_of_tie_written_with_different_offsets_is_the_later)
{
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"a\", \"created\": \"2016-01-01T12:00:00+02:00\"},"
	    "{\"name\": \"b\", \"created\": \"2016-01-01T10:00:00Z\"},"
	    "{\"name\": \"c\", \"created\": \"2016-01-01T09:00:00Z\"}]"), 1);
}
END_TEST

START_TEST(latest_counts_null_created_as_oldest)
{
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"a\", \"created\": \"1970-01-01T00:00:00Z\"},"
	    "{\"name\": \"b\", \"created\": null}]"), 0);
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"b\", \"created\": null},"
	    "{\"name\": \"a\", \"created\": \"2016-01-01T00:00:00Z\"}]"), 1);
}
END_TEST

START_TEST(latest_counts_missing_and_unparsable_created_as_oldest)
{
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"x\"},"
	    "{\"name\": \"a\", \"created\": \"2016-01-01T00:00:00Z\"},"
	    "{\"name\": \"y\", \"created\": \"next tuesday\"}]"), 1);
}
END_TEST

START_TEST(latest_counts_missing_created_older_than_before_1970)
{
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"old\", \"created\": \"1900-01-01T00:00:00Z\"},"
	    "{\"name\": \"x\"}]"), 0);
}
END_TEST

START_TEST(latest_compares_times_before_1970)
{
	/* -0.5 s is later than -1 s */
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"a\", \"created\": \"1969-12-31T23:59:59.500Z\"},"
	    "{\"name\": \"b\", \"created\": \"1969-12-31T23:59:59Z\"},"
	    "{\"name\": \"c\", \"created\": \"1969-12-31T23:59:58.999Z\"}]"),
	    0);
}
END_TEST

START_TEST(latest_without_any_time_is_the_last)
{
	ck_assert_int_eq(latest_of("["
	    "{\"name\": \"a\", \"created\": null},"
	    "{\"name\": \"b\"},"
	    "{\"name\": \"c\", \"created\": \"garbage\"}]"), 2);
}
END_TEST

START_TEST(latest_of_single_tag_is_it)
{
	ck_assert_int_eq(latest_of("[{\"name\": \"a\"}]"), 0);
	ck_assert_int_eq(latest_of("[{\"name\": \"a\", "
	    "\"created\": \"2016-01-01T00:00:00Z\"}]"), 0);
}
END_TEST

START_TEST(latest_of_fixture_is_the_snapshot)
{
	struct pierone_tag_list *l;
	struct pierone_err err = { 0 };
	size_t len;
	char *json = test_slurp(test_data("unit/tags.json"), &len);

	ck_assert_ptr_nonnull(json);
	ck_assert_int_eq(tags_from_json(&l, json, len, &err), 0);
	ck_assert_int_eq(pierone_tags_latest_index(l), 2);
	ck_assert_str_eq(l->tags[2].name, "1.2-SNAPSHOT");
	pierone_tag_list_free(l);
	free(json);
}
END_TEST

START_TEST(latest_of_empty_list_is_minus_one)
{
	ck_assert_int_eq(latest_of("[]"), -1);
}
END_TEST

START_TEST(latest_of_null_is_minus_one)
{
	ck_assert_int_eq(pierone_tags_latest_index(NULL), -1);
}
END_TEST

Suite *
latest_suite(void)
{
	Suite *s = suite_create("latest");
	TCase *tc = tcase_create("index");

	tcase_add_test(tc, latest_picks_greatest_created_in_the_middle);
	tcase_add_test(tc, latest_picks_greatest_created_at_the_start);
	tcase_add_test(tc, latest_picks_greatest_created_at_the_end);
	tcase_add_test(tc, latest_ignores_version_order_of_names);
	tcase_add_test(tc, latest_compares_offsets_in_utc);
	tcase_add_test(tc, latest_compares_negative_offsets_in_utc);
	tcase_add_test(tc, latest_breaks_same_second_by_milliseconds);
	tcase_add_test(tc, latest_prefers_later_second_over_more_milliseconds);
	tcase_add_test(tc, latest_of_exact_tie_is_the_later_in_server_order);
	tcase_add_test(tc, latest_of_three_way_tie_is_the_last);
	tcase_add_test(tc,
	    latest_of_tie_written_with_different_offsets_is_the_later);
	tcase_add_test(tc, latest_counts_null_created_as_oldest);
	tcase_add_test(tc,
	    latest_counts_missing_and_unparsable_created_as_oldest);
	tcase_add_test(tc,
	    latest_counts_missing_created_older_than_before_1970);
	tcase_add_test(tc, latest_compares_times_before_1970);
	tcase_add_test(tc, latest_without_any_time_is_the_last);
	tcase_add_test(tc, latest_of_single_tag_is_it);
	tcase_add_test(tc, latest_of_fixture_is_the_snapshot);
	tcase_add_test(tc, latest_of_empty_list_is_minus_one);
	tcase_add_test(tc, latest_of_null_is_minus_one);
	suite_add_tcase(s, tc);
	return s;
}
