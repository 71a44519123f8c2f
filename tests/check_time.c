/*
 * pierone_time_parse(): the ISO 8601 times Pier One sends, in every shape
 * seen in the wild, all turned into the same UTC epoch.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <string.h>

#include "pierone.h"
#include "tests.h"

/* 2015-05-07T15:49:51Z */
#define T_SEC 1431013791

/* Parse `s`, which must be accepted, and check the instant. */
static void
assert_time(const char *s, int64_t sec, int ms)
{
	struct pierone_time t;

	ck_assert_msg(pierone_time_parse(&t, s) == 0, "'%s' was refused", s);
	ck_assert_msg(t.valid, "'%s' is not marked valid", s);
	ck_assert_msg(t.sec == sec, "'%s': sec %lld, expected %lld", s,
	    (long long)t.sec, (long long)sec);
	ck_assert_msg(t.ms == ms, "'%s': ms %d, expected %d", s, t.ms, ms);
}

/* Parse `s`, which must be refused, leaving an invalid, zeroed time. */
static void
assert_refused(const char *s)
{
	struct pierone_time t = { 12345, 678, true };

	ck_assert_msg(pierone_time_parse(&t, s) == PIERONE_EINVAL,
	    "'%s' was accepted (sec %lld)", s != NULL ? s : "(null)",
	    (long long)t.sec);
	ck_assert(!t.valid);
	ck_assert_int_eq(t.sec, 0);
	ck_assert_int_eq(t.ms, 0);
}

START_TEST(time_parse_accepts_pier_one_format)
{
	assert_time("2015-05-07T15:49:51.230Z", T_SEC, 230);
}
END_TEST

START_TEST(time_parse_accepts_compact_zero_offset)
{
	assert_time("2015-05-07T15:49:51.230+0000", T_SEC, 230);
}
END_TEST

START_TEST(time_parse_accepts_colon_offset)
{
	assert_time("2015-05-07T17:49:51.230+02:00", T_SEC, 230);
}
END_TEST

START_TEST(time_parse_accepts_compact_offset)
{
	assert_time("2015-05-07T17:49:51.230+0200", T_SEC, 230);
}
END_TEST

START_TEST(time_parse_accepts_hour_only_offset)
{
	assert_time("2015-05-07T17:49:51+02", T_SEC, 0);
}
END_TEST

START_TEST(time_parse_accepts_negative_half_hour_offset)
{
	assert_time("2015-05-07T10:19:51-05:30", T_SEC, 0);
	assert_time("2015-05-07T10:19:51-0530", T_SEC, 0);
}
END_TEST

START_TEST(time_parse_accepts_negative_zero_offset)
{
	assert_time("2015-05-07T15:49:51-00:00", T_SEC, 0);
}
END_TEST

START_TEST(time_parse_offset_can_change_the_date)
{
	/* 2015-12-31T23:30:00Z */
	assert_time("2016-01-01T00:30:00+01:00", 1451604600, 0);
	assert_time("2015-12-31T18:30:00-05:00", 1451604600, 0);
}
END_TEST

START_TEST(time_parse_equal_instants_compare_equal)
{
	static const char *const same[] = {
		"2015-05-07T15:49:51.230Z",
		"2015-05-07T15:49:51.230+0000",
		"2015-05-07T17:49:51.230+02:00",
		"2015-05-07T17:49:51.230+0200",
		"2015-05-07T17:49:51.230+02",
		"2015-05-07T10:19:51.230-05:30",
		"2015-05-07T15:49:51.230",
		"2015-05-07 15:49:51.230z",
	};
	struct pierone_time a, b;

	ck_assert_int_eq(pierone_time_parse(&a, same[0]), 0);
	for (size_t i = 1; i < sizeof(same) / sizeof(same[0]); i++) {
		ck_assert_int_eq(pierone_time_parse(&b, same[i]), 0);
		ck_assert_msg(a.sec == b.sec && a.ms == b.ms,
		    "'%s' differs from '%s'", same[i], same[0]);
	}
}
END_TEST

START_TEST(time_parse_accepts_no_fraction)
{
	assert_time("2015-05-07T15:49:51Z", T_SEC, 0);
}
END_TEST

START_TEST(time_parse_scales_one_fraction_digit)
{
	assert_time("2015-05-07T15:49:51.1Z", T_SEC, 100);
}
END_TEST

START_TEST(time_parse_scales_two_fraction_digits)
{
	assert_time("2015-05-07T15:49:51.23Z", T_SEC, 230);
}
END_TEST

START_TEST(time_parse_keeps_three_fraction_digits)
{
	assert_time("2015-05-07T15:49:51.007Z", T_SEC, 7);
}
END_TEST

START_TEST(time_parse_truncates_microseconds)
{
	assert_time("2015-05-07T15:49:51.123456Z", T_SEC, 123);
	assert_time("2015-06-01T14:12:03.276999+0000", 1433167923, 276);
}
END_TEST

START_TEST(time_parse_truncates_nine_fraction_digits)
{
	assert_time("2015-05-07T15:49:51.999999999Z", T_SEC, 999);
}
END_TEST

START_TEST(time_parse_accepts_comma_as_decimal_sign)
{
	assert_time("2015-05-07T15:49:51,5Z", T_SEC, 500);
}
END_TEST

START_TEST(time_parse_without_zone_is_utc)
{
	assert_time("2015-05-07T15:49:51", T_SEC, 0);
	assert_time("2015-05-07T15:49:51.230", T_SEC, 230);
}
END_TEST

START_TEST(time_parse_accepts_lowercase_t_and_z)
{
	assert_time("2015-05-07t15:49:51.230z", T_SEC, 230);
}
END_TEST

START_TEST(time_parse_accepts_space_separator)
{
	assert_time("2015-05-07 15:49:51.230Z", T_SEC, 230);
}
END_TEST

START_TEST(time_parse_accepts_leap_day)
{
	assert_time("2016-02-29T00:00:00Z", 1456704000, 0);
	assert_time("2000-02-29T12:00:00Z", 951825600, 0);
}
END_TEST

START_TEST(time_parse_rejects_feb_29_of_common_year)
{
	assert_refused("2015-02-29T00:00:00Z");
	assert_refused("1900-02-29T00:00:00Z");	/* divisible by 100 */
	assert_refused("2100-02-29T00:00:00Z");
}
END_TEST

START_TEST(time_parse_rejects_feb_30)
{
	assert_refused("2016-02-30T00:00:00Z");
}
END_TEST

START_TEST(time_parse_rejects_day_31_of_30_day_month)
{
	assert_refused("2015-04-31T00:00:00Z");
	assert_time("2015-03-31T00:00:00Z", 1427760000, 0);
}
END_TEST

START_TEST(time_parse_rejects_month_13)
{
	assert_refused("2015-13-07T15:49:51Z");
}
END_TEST

START_TEST(time_parse_rejects_month_00)
{
	assert_refused("2015-00-07T15:49:51Z");
}
END_TEST

START_TEST(time_parse_rejects_day_32)
{
	assert_refused("2015-05-32T15:49:51Z");
}
END_TEST

START_TEST(time_parse_rejects_day_00)
{
	assert_refused("2015-05-00T15:49:51Z");
}
END_TEST

START_TEST(time_parse_rejects_hour_24)
{
	assert_refused("2015-05-07T24:00:00Z");
}
END_TEST

START_TEST(time_parse_rejects_minute_60)
{
	assert_refused("2015-05-07T15:60:00Z");
}
END_TEST

START_TEST(time_parse_counts_leap_second_as_next_second)
{
	assert_time("2016-12-31T23:59:60Z", 1483228800, 0);
}
END_TEST

START_TEST(time_parse_rejects_second_61)
{
	assert_refused("2016-12-31T23:59:61Z");
}
END_TEST

START_TEST(time_parse_rejects_garbage)
{
	assert_refused("yesterday");
	assert_refused("1431013791");
	assert_refused("2015/05/07 15:49:51");
	assert_refused("\xc3\xa9t\xc3\xa9");
}
END_TEST

START_TEST(time_parse_rejects_empty_string)
{
	assert_refused("");
}
END_TEST

START_TEST(time_parse_rejects_null)
{
	assert_refused(NULL);
}
END_TEST

START_TEST(time_parse_rejects_truncated_strings)
{
	assert_refused("2015");
	assert_refused("2015-05-07");
	assert_refused("2015-05-07T");
	assert_refused("2015-05-07T15");
	assert_refused("2015-05-07T15:49");
	assert_refused("2015-05-07T15:49:");
	assert_refused("2015-05-07T15:49:5");
}
END_TEST

START_TEST(time_parse_rejects_single_digit_fields)
{
	assert_refused("2015-5-07T15:49:51Z");
	assert_refused("2015-05-7T15:49:51Z");
	assert_refused("2015-05-07T5:49:51Z");
}
END_TEST

START_TEST(time_parse_rejects_missing_separator)
{
	assert_refused("2015-05-07X15:49:51Z");
	assert_refused("20150507T154951Z");
}
END_TEST

START_TEST(time_parse_rejects_empty_fraction)
{
	assert_refused("2015-05-07T15:49:51.Z");
	assert_refused("2015-05-07T15:49:51.");
}
END_TEST

START_TEST(time_parse_rejects_trailing_junk)
{
	assert_refused("2015-05-07T15:49:51.230Zjunk");
	assert_refused("2015-05-07T15:49:51.230Z ");
	assert_refused("2015-05-07T15:49:51junk");
	assert_refused("2015-05-07T15:49:51+02:00x");
	assert_refused("2015-05-07T15:49:51ZZ");
}
END_TEST

START_TEST(time_parse_rejects_one_digit_offset)
{
	assert_refused("2015-05-07T15:49:51+2");
}
END_TEST

START_TEST(time_parse_rejects_offset_minutes_60)
{
	assert_refused("2015-05-07T15:49:51+0260");
	assert_refused("2015-05-07T15:49:51+02:60");
}
END_TEST

START_TEST(time_parse_rejects_offset_hours_25)
{
	assert_refused("2015-05-07T15:49:51+25:00");
	assert_refused("2015-05-07T15:49:51-2500");
}
END_TEST

START_TEST(time_parse_rejects_three_digit_offset)
{
	assert_refused("2015-05-07T15:49:51+020");
	assert_refused("2015-05-07T15:49:51+02:0");
}
END_TEST

START_TEST(time_parse_rejects_offset_with_seconds)
{
	assert_refused("2015-05-07T15:49:51+02:00:00");
}
END_TEST

START_TEST(time_parse_rejects_offset_after_z)
{
	assert_refused("2015-05-07T15:49:51Z+02:00");
}
END_TEST

START_TEST(time_parse_rejects_sign_without_offset)
{
	assert_refused("2015-05-07T15:49:51+");
	assert_refused("2015-05-07T15:49:51-");
}
END_TEST

/* "+HH:" is none of +HH, +HHMM, +HH:MM. */
START_TEST(time_parse_rejects_offset_with_dangling_colon)
{
	assert_refused("2015-05-07T17:49:51+02:");
}
END_TEST

START_TEST(time_parse_gives_negative_seconds_before_1970)
{
	assert_time("1969-12-31T23:59:59Z", -1, 0);
	assert_time("1900-01-01T00:00:00Z", -2208988800LL, 0);
}
END_TEST

START_TEST(time_parse_keeps_ms_positive_before_1970)
{
	/* -0.5 s: one second back, then 500 ms forward */
	assert_time("1969-12-31T23:59:59.500Z", -1, 500);
}
END_TEST

START_TEST(time_parse_handles_year_boundaries)
{
	assert_time("1970-01-01T00:00:00Z", 0, 0);
	assert_time("0001-01-01T00:00:00Z", -62135596800LL, 0);
	assert_time("9999-12-31T23:59:59Z", 253402300799LL, 0);
}
END_TEST

START_TEST(time_parse_clears_previous_result_on_failure)
{
	struct pierone_time t;

	ck_assert_int_eq(pierone_time_parse(&t, "2015-05-07T15:49:51.230Z"), 0);
	ck_assert(t.valid);
	ck_assert_int_eq(pierone_time_parse(&t, "2015-05-07T15:49"),
	    PIERONE_EINVAL);
	ck_assert(!t.valid);
	ck_assert_int_eq(t.sec, 0);
	ck_assert_int_eq(t.ms, 0);
}
END_TEST

Suite *
time_suite(void)
{
	Suite *s = suite_create("time");
	TCase *ok = tcase_create("accepted");
	TCase *bad = tcase_create("refused");

	tcase_add_test(ok, time_parse_accepts_pier_one_format);
	tcase_add_test(ok, time_parse_accepts_compact_zero_offset);
	tcase_add_test(ok, time_parse_accepts_colon_offset);
	tcase_add_test(ok, time_parse_accepts_compact_offset);
	tcase_add_test(ok, time_parse_accepts_hour_only_offset);
	tcase_add_test(ok, time_parse_accepts_negative_half_hour_offset);
	tcase_add_test(ok, time_parse_accepts_negative_zero_offset);
	tcase_add_test(ok, time_parse_offset_can_change_the_date);
	tcase_add_test(ok, time_parse_equal_instants_compare_equal);
	tcase_add_test(ok, time_parse_accepts_no_fraction);
	tcase_add_test(ok, time_parse_scales_one_fraction_digit);
	tcase_add_test(ok, time_parse_scales_two_fraction_digits);
	tcase_add_test(ok, time_parse_keeps_three_fraction_digits);
	tcase_add_test(ok, time_parse_truncates_microseconds);
	tcase_add_test(ok, time_parse_truncates_nine_fraction_digits);
	tcase_add_test(ok, time_parse_accepts_comma_as_decimal_sign);
	tcase_add_test(ok, time_parse_without_zone_is_utc);
	tcase_add_test(ok, time_parse_accepts_lowercase_t_and_z);
	tcase_add_test(ok, time_parse_accepts_space_separator);
	tcase_add_test(ok, time_parse_accepts_leap_day);
	tcase_add_test(ok, time_parse_counts_leap_second_as_next_second);
	tcase_add_test(ok, time_parse_gives_negative_seconds_before_1970);
	tcase_add_test(ok, time_parse_keeps_ms_positive_before_1970);
	tcase_add_test(ok, time_parse_handles_year_boundaries);
	suite_add_tcase(s, ok);

	tcase_add_test(bad, time_parse_rejects_feb_29_of_common_year);
	tcase_add_test(bad, time_parse_rejects_feb_30);
	tcase_add_test(bad, time_parse_rejects_day_31_of_30_day_month);
	tcase_add_test(bad, time_parse_rejects_month_13);
	tcase_add_test(bad, time_parse_rejects_month_00);
	tcase_add_test(bad, time_parse_rejects_day_32);
	tcase_add_test(bad, time_parse_rejects_day_00);
	tcase_add_test(bad, time_parse_rejects_hour_24);
	tcase_add_test(bad, time_parse_rejects_minute_60);
	tcase_add_test(bad, time_parse_rejects_second_61);
	tcase_add_test(bad, time_parse_rejects_garbage);
	tcase_add_test(bad, time_parse_rejects_empty_string);
	tcase_add_test(bad, time_parse_rejects_null);
	tcase_add_test(bad, time_parse_rejects_truncated_strings);
	tcase_add_test(bad, time_parse_rejects_single_digit_fields);
	tcase_add_test(bad, time_parse_rejects_missing_separator);
	tcase_add_test(bad, time_parse_rejects_empty_fraction);
	tcase_add_test(bad, time_parse_rejects_trailing_junk);
	tcase_add_test(bad, time_parse_rejects_one_digit_offset);
	tcase_add_test(bad, time_parse_rejects_offset_minutes_60);
	tcase_add_test(bad, time_parse_rejects_offset_hours_25);
	tcase_add_test(bad, time_parse_rejects_three_digit_offset);
	tcase_add_test(bad, time_parse_rejects_offset_with_seconds);
	tcase_add_test(bad, time_parse_rejects_offset_after_z);
	tcase_add_test(bad, time_parse_rejects_sign_without_offset);
	tcase_add_test(bad, time_parse_rejects_offset_with_dangling_colon);
	tcase_add_test(bad, time_parse_clears_previous_result_on_failure);
	suite_add_tcase(s, bad);
	return s;
}
