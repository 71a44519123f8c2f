/*
 * cli/output.c: tables printed byte for byte as stups-pierone 0.22 printed
 * them (clickclick's print_table, print_tsv_table and json.dumps), and the
 * "... ago" times.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cli/cli.h"
#include "tests.h"

#define ON	"\033[30m\033[47m"
#define OFF	"\033[0m"
#define BAR	"\xe2\x94\x82"		/* U+2502 */

/* now, and times 30 s and 2 h before it */
#define NOW	1000000.0

static const struct column cols3[] = {
	{ "artifact", "Artifact", COL_STR, 0 },
	{ "tag", "Tag", COL_STR, 0 },
	{ "created_time", "Created", COL_TIME, 0 },
};

static struct pierone_time
at(int64_t sec, int ms)
{
	struct pierone_time t = { sec, ms, true };

	return t;
}

static const struct pierone_time no_time = { 0, 0, false };

static void
add3(struct table *t, const char *artifact, const char *tag,
    struct pierone_time created)
{
	struct cell *c = table_add_row(t);

	ck_assert_ptr_nonnull(c);
	c[0].s = artifact;
	c[1].s = tag;
	c[2].t = created;
}

/* table_print() into a string (caller frees). */
static char *
render(const struct table *t, enum out_format fmt, int color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(table_print(fp, t, fmt, NOW, color), 0);
	ck_assert_int_eq(fclose(fp), 0);
	return buf;
}

static void
assert_render(const struct table *t, enum out_format fmt, int color,
    const char *want)
{
	char *got = render(t, fmt, color);

	ck_assert_str_eq(got, want);
	free(got);
}

static void
assert_ago(double seconds, const char *want)
{
	char buf[64];

	format_ago(buf, sizeof(buf), seconds);
	ck_assert_msg(strcmp(buf, want) == 0, "%.3f s gave '%s', expected '%s'",
	    seconds, buf, want);
}

/* The JSON of one string cell: [{"v": ...}] */
static void
assert_json_string(const char *s, const char *want)
{
	static const struct column col[] = { { "v", "V", COL_STR, 0 } };
	struct table t;
	struct cell *c;
	char expect[512];

	table_init(&t, col, 1);
	ck_assert_ptr_nonnull(c = table_add_row(&t));
	c->s = s;
	test_fmt(expect, sizeof(expect), "[{\"v\": %s}]\n", want);
	assert_render(&t, OUT_JSON, 0, expect);
	table_free(&t);
}

/* The JSON of one time cell. */
static void
assert_json_time(struct pierone_time tm, const char *want)
{
	static const struct column col[] = {
		{ "created_time", "Created", COL_TIME, 0 },
	};
	struct table t;
	struct cell *c;
	char expect[512];

	table_init(&t, col, 1);
	ck_assert_ptr_nonnull(c = table_add_row(&t));
	c->t = tm;
	test_fmt(expect, sizeof(expect), "[{\"created_time\": %s}]\n", want);
	assert_render(&t, OUT_JSON, 0, expect);
	table_free(&t);
}

/* ------------------------------------------------------------------ */

START_TEST(format_ago_zero_is_seconds)
{
	assert_ago(0, "0s ago");
}
END_TEST

START_TEST(format_ago_up_to_70_is_seconds)
{
	assert_ago(1, "1s ago");
	assert_ago(70, "70s ago");
}
END_TEST

START_TEST(format_ago_above_70_is_minutes)
{
	assert_ago(71, "1m ago");
	assert_ago(70.5, "1m ago");
}
END_TEST

START_TEST(format_ago_up_to_an_hour_is_minutes)
{
	assert_ago(3600, "60m ago");
}
END_TEST

START_TEST(format_ago_above_an_hour_is_hours)
{
	assert_ago(3601, "1h ago");
}
END_TEST

START_TEST(format_ago_up_to_49_hours_is_hours)
{
	assert_ago(49 * 3600, "49h ago");
}
END_TEST

START_TEST(format_ago_above_49_hours_is_days)
{
	assert_ago(49 * 3600 + 1, "2d ago");
	assert_ago(400 * 86400, "400d ago");
}
END_TEST

START_TEST(format_ago_rounds_half_to_even)
{
	assert_ago(90, "2m ago");		/* 1.5 */
	assert_ago(150, "2m ago");		/* 2.5 */
	assert_ago(210, "4m ago");		/* 3.5 */
	assert_ago(0.5, "0s ago");
	assert_ago(1.5, "2s ago");
	assert_ago(2.5, "2s ago");
	assert_ago(9000, "2h ago");		/* 2.5 h */
	assert_ago(2.5 * 86400, "2d ago");
	assert_ago(3.5 * 86400, "4d ago");
}
END_TEST

START_TEST(format_ago_rounds_to_nearest)
{
	assert_ago(69.6, "70s ago");
	assert_ago(100, "2m ago");		/* 1.67 */
	assert_ago(5000, "1h ago");		/* 1.39 */
}
END_TEST

START_TEST(format_ago_keeps_future_times_negative)
{
	/* a clock ahead of ours: Python prints "-5s ago" too */
	assert_ago(-5, "-5s ago");
}
END_TEST

/* ------------------------------------------------------------------ */

START_TEST(text_pads_titles_and_joins_them_with_bars)
{
	struct table t;

	table_init(&t, cols3, 3);
	add3(&t, "app", "1.0", at(999970, 0));
	add3(&t, "longer-app", "1.10", at(992800, 0));
	assert_render(&t, OUT_TEXT, 0,
	    "Artifact  " BAR "Tag " BAR "Created\n"
	    "app        1.0  30s ago \n"
	    "longer-app 1.10  2h ago \n");
	table_free(&t);
}
END_TEST

START_TEST(text_right_aligns_time_cells)
{
	static const struct column cols[] = {
		{ "created_time", "Created", COL_TIME, 0 },
		{ "tag", "Tag", COL_STR, 0 },
	};
	struct table t;
	struct cell *c;

	table_init(&t, cols, 2);
	ck_assert_ptr_nonnull(c = table_add_row(&t));
	c[0].t = at(999995, 0);
	c[1].s = "a";
	ck_assert_ptr_nonnull(c = table_add_row(&t));
	c[0].t = at(1000000 - 40 * 86400, 0);
	c[1].s = "b";
	assert_render(&t, OUT_TEXT, 0,
	    "Created" BAR "Tag\n"
	    " 5s ago a   \n"
	    "40d ago b   \n");
	table_free(&t);
}
END_TEST

START_TEST(text_leaves_missing_values_blank)
{
	struct table t;

	table_init(&t, cols3, 3);
	add3(&t, "app", NULL, no_time);
	assert_render(&t, OUT_TEXT, 0,
	    "Artifact" BAR "Tag" BAR "Created\n"
	    /* "app" padded to 8, "" to 3, "" to 7, each plus a space */
	    "app     " " " "   " " " "       " " \n");
	table_free(&t);
}
END_TEST

START_TEST(text_width_counts_code_points)
{
	struct table t;

	table_init(&t, cols3, 3);
	add3(&t, "caf\xc3\xa9",
	    "\xe6\xb8\xaf\xe6\xb8\xaf\xe6\xb8\xaf\xe6\xb8\xaf", at(999970, 0));
	add3(&t, "x", "1.0", at(999970, 0));
	/* café is 4 wide, 港港港港 is 4 wide */
	assert_render(&t, OUT_TEXT, 0,
	    "Artifact" BAR "Tag " BAR "Created\n"
	    "caf\xc3\xa9     \xe6\xb8\xaf\xe6\xb8\xaf\xe6\xb8\xaf\xe6\xb8\xaf"
	    " 30s ago \n"
	    "x        1.0  30s ago \n");
	table_free(&t);
}
END_TEST

START_TEST(text_width_counts_non_ascii_titles_in_code_points)
{
	static const struct column cols[] = {
		{ "tag", "T\xc3\xa4g", COL_STR, 0 },
		{ "by", "By", COL_STR, 0 },
	};
	struct table t;
	struct cell *c;

	table_init(&t, cols, 2);
	ck_assert_ptr_nonnull(c = table_add_row(&t));
	c[0].s = "1";
	c[1].s = "jdoe";
	assert_render(&t, OUT_TEXT, 0,
	    "T\xc3\xa4g" BAR "By  \n"
	    "1   jdoe \n");
	table_free(&t);
}
END_TEST

START_TEST(text_colours_header_and_recent_times_like_clickclick)
{
	struct table t;

	table_init(&t, cols3, 3);
	add3(&t, "app", "1.0", at(999970, 0));		/* 30 s: bold green */
	add3(&t, "app", "1.1", at(1000000 - 1800, 0));	/* 30 min: green */
	add3(&t, "app", "1.2", at(1000000 - 7200, 0));	/* 2 h: plain */
	assert_render(&t, OUT_TEXT, 1,
	    ON "Artifact" OFF ON BAR OFF ON "Tag" OFF ON BAR OFF
	    ON "Created" OFF "\n"
	    "app      1.0 \033[32m\033[1m30s ago" OFF " \n"
	    "app      1.1 \033[32m30m ago" OFF " \n"
	    "app      1.2  2h ago \n");
	table_free(&t);
}
END_TEST

START_TEST(text_of_empty_table_is_the_header)
{
	struct table t;

	table_init(&t, cols3, 3);
	assert_render(&t, OUT_TEXT, 0, "Artifact" BAR "Tag" BAR "Created\n");
	table_free(&t);
}
END_TEST

START_TEST(text_of_single_column_has_no_bar)
{
	static const struct column cols[] = { { "name", "Team", COL_STR, 0 } };
	struct table t;
	struct cell *c;

	table_init(&t, cols, 1);
	ck_assert_ptr_nonnull(c = table_add_row(&t));
	c->s = "stups";
	assert_render(&t, OUT_TEXT, 0, "Team \nstups \n");
	table_free(&t);
}
END_TEST

/* ------------------------------------------------------------------ */

START_TEST(tsv_prints_keys_and_tab_joined_rows)
{
	struct table t;

	table_init(&t, cols3, 3);
	add3(&t, "app", "1.0", at(999970, 0));
	add3(&t, "longer-app", "1.10", at(992800, 0));
	assert_render(&t, OUT_TSV, 0,
	    "artifact\ttag\tcreated_time\n"
	    "app\t1.0\t30s ago\n"
	    "longer-app\t1.10\t2h ago\n");
	table_free(&t);
}
END_TEST

START_TEST(tsv_leaves_missing_values_empty)
{
	struct table t;

	table_init(&t, cols3, 3);
	add3(&t, NULL, "1.0", no_time);
	assert_render(&t, OUT_TSV, 0,
	    "artifact\ttag\tcreated_time\n"
	    "\t1.0\t\n");
	table_free(&t);
}
END_TEST

START_TEST(tsv_ignores_colour)
{
	struct table t;

	table_init(&t, cols3, 3);
	add3(&t, "app", "1.0", at(999970, 0));
	assert_render(&t, OUT_TSV, 1,
	    "artifact\ttag\tcreated_time\napp\t1.0\t30s ago\n");
	table_free(&t);
}
END_TEST

START_TEST(tsv_of_empty_table_is_the_header)
{
	struct table t;

	table_init(&t, cols3, 3);
	assert_render(&t, OUT_TSV, 0, "artifact\ttag\tcreated_time\n");
	table_free(&t);
}
END_TEST

START_TEST(tsv_prints_many_rows)
{
	static const struct column cols[] = { { "name", "Name", COL_STR, 0 } };
	struct table t;
	struct cell *c;
	char *out, *p;
	size_t lines = 0;

	table_init(&t, cols, 1);
	for (int i = 0; i < 1000; i++) {
		ck_assert_ptr_nonnull(c = table_add_row(&t));
		c->s = i == 999 ? "last" : "row";
	}
	ck_assert_uint_eq(table_rows(&t), 1000);
	out = render(&t, OUT_TSV, 0);
	for (p = out; *p != '\0'; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(lines, 1001);
	ck_assert_str_eq(out + strlen(out) - 5, "last\n");
	free(out);
	table_free(&t);
}
END_TEST

/* ------------------------------------------------------------------ */

START_TEST(json_sorts_keys_like_python)
{
	static const struct column cols[] = {
		{ "tag", "Tag", COL_STR, 0 },
		{ "artifact", "Artifact", COL_STR, 0 },
		{ "created_time", "Created", COL_TIME, 0 },
		{ "created_by", "By", COL_STR, 0 },
	};
	struct table t;
	struct cell *c;

	table_init(&t, cols, 4);
	ck_assert_ptr_nonnull(c = table_add_row(&t));
	c[0].s = "1.0";
	c[1].s = "app";
	c[2].t = at(1440058499, 432);
	c[3].s = "jdoe";
	ck_assert_ptr_nonnull(c = table_add_row(&t));
	c[0].s = "1.1";
	c[1].s = "app";
	assert_render(&t, OUT_JSON, 0,
	    "[{\"artifact\": \"app\", \"created_by\": \"jdoe\", "
	    "\"created_time\": 1440058499.432, \"tag\": \"1.0\"}, "
	    "{\"artifact\": \"app\", \"created_by\": null, "
	    "\"created_time\": null, \"tag\": \"1.1\"}]\n");
	table_free(&t);
}
END_TEST

START_TEST(json_keeps_empty_string_apart_from_null)
{
	assert_json_string("", "\"\"");
}
END_TEST

START_TEST(json_of_empty_table_is_empty_array)
{
	struct table t;

	table_init(&t, cols3, 3);
	assert_render(&t, OUT_JSON, 0, "[]\n");
	table_free(&t);
}
END_TEST

START_TEST(json_ignores_colour)
{
	struct table t;

	table_init(&t, cols3, 3);
	add3(&t, "a", "b", no_time);
	assert_render(&t, OUT_JSON, 1,
	    "[{\"artifact\": \"a\", \"created_time\": null, "
	    "\"tag\": \"b\"}]\n");
	table_free(&t);
}
END_TEST

START_TEST(json_time_has_milliseconds)
{
	assert_json_time(at(1440058499, 432), "1440058499.432");
}
END_TEST

START_TEST(json_time_whole_second_ends_in_point_zero)
{
	assert_json_time(at(1435752000, 0), "1435752000.0");
}
END_TEST

START_TEST(json_time_drops_trailing_zeros)
{
	assert_json_time(at(1435752000, 500), "1435752000.5");
	assert_json_time(at(1435752000, 50), "1435752000.05");
	assert_json_time(at(1435752000, 5), "1435752000.005");
	assert_json_time(at(1435752000, 120), "1435752000.12");
}
END_TEST

START_TEST(json_time_at_epoch_is_zero_point_zero)
{
	assert_json_time(at(0, 0), "0.0");
	assert_json_time(at(0, 1), "0.001");
}
END_TEST

START_TEST(json_time_before_1970_is_negative)
{
	assert_json_time(at(-1, 0), "-1.0");
	assert_json_time(at(-2208988800LL, 0), "-2208988800.0");
}
END_TEST

START_TEST(json_time_before_1970_with_milliseconds)
{
	/* sec -2 + 500 ms is -1.5 */
	assert_json_time(at(-2, 500), "-1.5");
	assert_json_time(at(-1, 500), "-0.5");
	assert_json_time(at(-1, 999), "-0.001");
	assert_json_time(at(-100, 250), "-99.75");
}
END_TEST

START_TEST(json_invalid_time_is_null)
{
	assert_json_time(no_time, "null");
}
END_TEST

START_TEST(json_escapes_non_ascii)
{
	assert_json_string("caf\xc3\xa9", "\"caf\\u00e9\"");
	assert_json_string("\xe6\xb8\xaf", "\"\\u6e2f\"");
	assert_json_string("\xe2\x80\xa8", "\"\\u2028\"");
}
END_TEST

START_TEST(json_escapes_astral_as_lowercase_surrogate_pair)
{
	assert_json_string("\xf0\x9f\x90\xb3", "\"\\ud83d\\udc33\"");
	assert_json_string("\xf4\x8f\xbf\xbf", "\"\\udbff\\udfff\"");
}
END_TEST

START_TEST(json_escapes_control_characters)
{
	assert_json_string("\x01", "\"\\u0001\"");
	assert_json_string("\x1f", "\"\\u001f\"");
	assert_json_string("\x1b[0m", "\"\\u001b[0m\"");
}
END_TEST

START_TEST(json_uses_short_escapes_like_python)
{
	assert_json_string("a\nb", "\"a\\nb\"");
	assert_json_string("\r\t\b\f", "\"\\r\\t\\b\\f\"");
}
END_TEST

START_TEST(json_escapes_quotes_and_backslashes)
{
	assert_json_string("say \"hi\" \\o/", "\"say \\\"hi\\\" \\\\o/\"");
}
END_TEST

START_TEST(json_escapes_del)
{
	assert_json_string("a\x7f", "\"a\\u007f\"");
}
END_TEST

START_TEST(json_keeps_printable_ascii)
{
	assert_json_string(" ~/<>&'", "\" ~/<>&'\"");
}
END_TEST

START_TEST(json_replaces_invalid_utf8_byte)
{
	assert_json_string("a\xff" "b", "\"a\\ufffdb\"");
	assert_json_string("\x80", "\"\\ufffd\"");
}
END_TEST

START_TEST(json_replaces_truncated_sequence_at_end)
{
	assert_json_string("caf\xc3", "\"caf\\ufffd\"");
}
END_TEST

START_TEST(json_replaces_overlong_encoding)
{
	/* "/" written in two bytes; each byte is replaced, as Python does */
	assert_json_string("\xc0\xaf", "\"\\ufffd\\ufffd\"");
}
END_TEST

START_TEST(json_replaces_encoded_surrogate)
{
	assert_json_string("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
}
END_TEST

START_TEST(json_replaces_code_points_above_unicode)
{
	assert_json_string("\xf4\x90\x80\x80",
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}
END_TEST

START_TEST(table_print_reports_write_error)
{
	struct table t;
	FILE *fp = fopen("/dev/null", "r");

	ck_assert_ptr_nonnull(fp);
	table_init(&t, cols3, 3);
	add3(&t, "app", "1.0", at(999970, 0));
	ck_assert_int_eq(table_print(fp, &t, OUT_TSV, NOW, 0), -1);
	fclose(fp);
	table_free(&t);
}
END_TEST

/* ------------------------------------------------------------------ */

static char *saved_no_color, *saved_term;

static void
color_setup(void)
{
	const char *v;

	saved_no_color = (v = getenv("NO_COLOR")) != NULL ? strdup(v) : NULL;
	saved_term = (v = getenv("TERM")) != NULL ? strdup(v) : NULL;
	unsetenv("NO_COLOR");
	setenv("TERM", "xterm", 1);
}

static void
color_teardown(void)
{
	if (saved_no_color != NULL)
		setenv("NO_COLOR", saved_no_color, 1);
	else
		unsetenv("NO_COLOR");
	if (saved_term != NULL)
		setenv("TERM", saved_term, 1);
	else
		unsetenv("TERM");
	free(saved_no_color);
	free(saved_term);
	saved_no_color = saved_term = NULL;
}

/* output_color() with stdout on a pseudo-terminal or on /dev/null. */
static int
color_on(int tty)
{
	int master = -1, fd, saved, rc;

	if (tty) {
		master = posix_openpt(O_RDWR | O_NOCTTY);
		ck_assert_msg(master != -1, "no pseudo-terminal");
		ck_assert_int_eq(grantpt(master), 0);
		ck_assert_int_eq(unlockpt(master), 0);
		fd = open(ptsname(master), O_RDWR | O_NOCTTY);
	} else {
		fd = open("/dev/null", O_WRONLY);
	}
	ck_assert_int_ne(fd, -1);
	fflush(stdout);
	ck_assert_int_ne(saved = dup(STDOUT_FILENO), -1);
	ck_assert_int_ne(dup2(fd, STDOUT_FILENO), -1);
	rc = output_color();
	ck_assert_int_ne(dup2(saved, STDOUT_FILENO), -1);
	close(saved);
	close(fd);
	if (master != -1)
		close(master);
	return rc;
}

START_TEST(color_is_on_for_a_terminal)
{
	ck_assert_int_eq(color_on(1), 1);
}
END_TEST

START_TEST(color_is_off_when_not_a_terminal)
{
	ck_assert_int_eq(color_on(0), 0);
}
END_TEST

START_TEST(color_is_off_with_no_color)
{
	setenv("NO_COLOR", "1", 1);
	ck_assert_int_eq(color_on(1), 0);
	unsetenv("NO_COLOR");
}
END_TEST

START_TEST(color_ignores_empty_no_color)
{
	setenv("NO_COLOR", "", 1);
	ck_assert_int_eq(color_on(1), 1);
	unsetenv("NO_COLOR");
}
END_TEST

START_TEST(color_is_off_for_dumb_terminal)
{
	setenv("TERM", "dumb", 1);
	ck_assert_int_eq(color_on(1), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Packed rows: what repeats down a column is stored once. */

static const struct column cols_pack[] = {
	{ "name", "Name", COL_STR, 0 },
	{ "created_time", "Created", COL_TIME, 0 },
	{ "n", "N", COL_INT, 0 },
};

START_TEST(pack_copies_strings_when_the_next_row_starts)
{
	struct table t;
	struct cell *c;
	char *a = strdup("first"), *b = strdup("second");

	table_init(&t, cols_pack, 3);
	ck_assert_ptr_nonnull(c = table_add_row(&t));
	c[0].s = a;
	c[2].s = "1";
	ck_assert_ptr_nonnull(c = table_add_row(&t));
	c[0].s = b;
	c[2].s = "2";
	/* the first row is packed: its string may go */
	memset(a, 'X', strlen(a));
	free(a);
	ck_assert_int_eq(table_pack(&t), 0);
	memset(b, 'Y', strlen(b));
	free(b);
	assert_render(&t, OUT_TSV, 0,
	    "name\tcreated_time\tn\nfirst\t\t1\nsecond\t\t2\n");
	table_free(&t);
}
END_TEST

START_TEST(pack_keeps_null_empty_and_repeats_apart)
{
	static const struct {
		const char *name;
		bool json;
		struct pierone_time t;
		const char *n;
	} rows[] = {
		{ "app", false, { 1440058499, 432, true }, "7" },
		{ "app", false, { 1440058499, 432, true }, "7" },
		{ "app", true, { 1440058499, 0, true }, NULL },
		{ "", false, { 0, 0, false }, NULL },
		{ NULL, false, { 0, 0, false }, NULL },
		{ NULL, false, { 1440058499, 0, true }, "7" },
	};
	struct table t;
	struct cell *c;

	table_init(&t, cols_pack, 3);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ck_assert_ptr_nonnull(c = table_add_row(&t));
		c[0].s = rows[i].name;
		c[0].json = rows[i].json;
		c[1].t = rows[i].t;
		c[2].s = rows[i].n;
	}
	ck_assert_int_eq(table_pack(&t), 0);
	ck_assert_uint_eq(table_rows(&t), 6);
	assert_render(&t, OUT_JSON, 0, "["
	    "{\"created_time\": 1440058499.432, \"n\": 7, \"name\": \"app\"}, "
	    "{\"created_time\": 1440058499.432, \"n\": 7, \"name\": \"app\"}, "
	    "{\"created_time\": 1440058499.0, \"n\": null, \"name\": app}, "
	    "{\"created_time\": null, \"n\": null, \"name\": \"\"}, "
	    "{\"created_time\": null, \"n\": null, \"name\": null}, "
	    "{\"created_time\": 1440058499.0, \"n\": 7, \"name\": null}]\n");
	table_free(&t);
}
END_TEST

START_TEST(pack_round_trips_times)
{
	static const struct column cols[] = {
		{ "created_time", "Created", COL_TIME, 0 },
	};
	static const struct pierone_time times[] = {
		{ 0, 0, true }, { -2, 500, true }, { -1, 0, true },
		{ 1440058499, 432, true }, { 1440058499, 432, true },
		{ 0, 0, false }, { INT64_MAX / 1000, 999, true },
		{ INT64_MIN / 1000, 1, true }, { 63, 0, true }, { 64, 0, true },
	};
	struct table t;
	struct cell *c;

	table_init(&t, cols, 1);
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		ck_assert_ptr_nonnull(c = table_add_row(&t));
		c->t = times[i];
	}
	ck_assert_int_eq(table_pack(&t), 0);
	assert_render(&t, OUT_JSON, 0, "["
	    "{\"created_time\": 0.0}, {\"created_time\": -1.5}, "
	    "{\"created_time\": -1.0}, {\"created_time\": 1440058499.432}, "
	    "{\"created_time\": 1440058499.432}, {\"created_time\": null}, "
	    "{\"created_time\": 9223372036854775.999}, "
	    "{\"created_time\": -9223372036854774.999}, "
	    "{\"created_time\": 63.0}, {\"created_time\": 64.0}]\n");
	table_free(&t);
}
END_TEST

START_TEST(pack_takes_a_cell_larger_than_a_chunk)
{
	static const struct column cols[] = { { "name", "Name", COL_STR, 0 } };
	size_t big = 200 * 1024;
	char *s = malloc(big + 1), *out;
	struct table t;
	struct cell *c;

	ck_assert_ptr_nonnull(s);
	memset(s, 'x', big);
	s[big] = '\0';
	table_init(&t, cols, 1);
	for (int i = 0; i < 3; i++) {
		ck_assert_ptr_nonnull(c = table_add_row(&t));
		c->s = i == 1 ? s : "small";
	}
	ck_assert_int_eq(table_pack(&t), 0);
	free(s);
	out = render(&t, OUT_TSV, 0);
	ck_assert_uint_eq(strlen(out), strlen("name\nsmall\n") + big + 1 +
	    strlen("small\n"));
	ck_assert_int_eq(strncmp(out, "name\nsmall\nxxxx", 15), 0);
	ck_assert_str_eq(out + strlen(out) - 7, "\nsmall\n");
	free(out);
	table_free(&t);
}
END_TEST

/*
 * 10 000 rows whose first column never changes take no more than the
 * text of the others: the repeated value is stored once.
 */
START_TEST(pack_stores_a_repeated_column_once)
{
	static const struct column cols[] = {
		{ "team", "Team", COL_STR, 0 },
		{ "tag", "Tag", COL_STR, 0 },
	};
	char team[200], tag[16];
	struct table t;
	struct cell *c;
	size_t bytes = 0;

	memset(team, 't', sizeof(team) - 1);
	team[sizeof(team) - 1] = '\0';
	table_init(&t, cols, 2);
	for (int i = 0; i < 10000; i++) {
		ck_assert_ptr_nonnull(c = table_add_row(&t));
		snprintf(tag, sizeof(tag), "%d", i);
		c[0].s = team;
		c[1].s = tag;
		ck_assert_int_eq(table_pack(&t), 0);
	}
	bytes = table_bytes(&t);
	/* a mask byte, a flag byte and the tag with its NUL a row; the
	 * team once */
	ck_assert_uint_le(bytes, 10000 * 8 + sizeof(team));
	ck_assert_uint_ge(bytes, 10000 * 4);
	table_free(&t);
}
END_TEST

Suite *
output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *ago = tcase_create("ago");
	TCase *text = tcase_create("text");
	TCase *tsv = tcase_create("tsv");
	TCase *json = tcase_create("json");
	TCase *color = tcase_create("color");
	TCase *pack = tcase_create("pack");

	tcase_add_test(ago, format_ago_zero_is_seconds);
	tcase_add_test(ago, format_ago_up_to_70_is_seconds);
	tcase_add_test(ago, format_ago_above_70_is_minutes);
	tcase_add_test(ago, format_ago_up_to_an_hour_is_minutes);
	tcase_add_test(ago, format_ago_above_an_hour_is_hours);
	tcase_add_test(ago, format_ago_up_to_49_hours_is_hours);
	tcase_add_test(ago, format_ago_above_49_hours_is_days);
	tcase_add_test(ago, format_ago_rounds_half_to_even);
	tcase_add_test(ago, format_ago_rounds_to_nearest);
	tcase_add_test(ago, format_ago_keeps_future_times_negative);
	suite_add_tcase(s, ago);

	tcase_add_test(text, text_pads_titles_and_joins_them_with_bars);
	tcase_add_test(text, text_right_aligns_time_cells);
	tcase_add_test(text, text_leaves_missing_values_blank);
	tcase_add_test(text, text_width_counts_code_points);
	tcase_add_test(text, text_width_counts_non_ascii_titles_in_code_points);
	tcase_add_test(text, text_colours_header_and_recent_times_like_clickclick);
	tcase_add_test(text, text_of_empty_table_is_the_header);
	tcase_add_test(text, text_of_single_column_has_no_bar);
	suite_add_tcase(s, text);

	tcase_add_test(tsv, tsv_prints_keys_and_tab_joined_rows);
	tcase_add_test(tsv, tsv_leaves_missing_values_empty);
	tcase_add_test(tsv, tsv_ignores_colour);
	tcase_add_test(tsv, tsv_of_empty_table_is_the_header);
	tcase_add_test(tsv, tsv_prints_many_rows);
	tcase_add_test(tsv, table_print_reports_write_error);
	suite_add_tcase(s, tsv);

	tcase_add_test(json, json_sorts_keys_like_python);
	tcase_add_test(json, json_keeps_empty_string_apart_from_null);
	tcase_add_test(json, json_of_empty_table_is_empty_array);
	tcase_add_test(json, json_ignores_colour);
	tcase_add_test(json, json_time_has_milliseconds);
	tcase_add_test(json, json_time_whole_second_ends_in_point_zero);
	tcase_add_test(json, json_time_drops_trailing_zeros);
	tcase_add_test(json, json_time_at_epoch_is_zero_point_zero);
	tcase_add_test(json, json_time_before_1970_is_negative);
	tcase_add_test(json, json_time_before_1970_with_milliseconds);
	tcase_add_test(json, json_invalid_time_is_null);
	tcase_add_test(json, json_escapes_non_ascii);
	tcase_add_test(json, json_escapes_astral_as_lowercase_surrogate_pair);
	tcase_add_test(json, json_escapes_control_characters);
	tcase_add_test(json, json_uses_short_escapes_like_python);
	tcase_add_test(json, json_escapes_quotes_and_backslashes);
	tcase_add_test(json, json_escapes_del);
	tcase_add_test(json, json_keeps_printable_ascii);
	tcase_add_test(json, json_replaces_invalid_utf8_byte);
	tcase_add_test(json, json_replaces_truncated_sequence_at_end);
	tcase_add_test(json, json_replaces_overlong_encoding);
	tcase_add_test(json, json_replaces_encoded_surrogate);
	tcase_add_test(json, json_replaces_code_points_above_unicode);
	suite_add_tcase(s, json);

	tcase_add_checked_fixture(color, color_setup, color_teardown);
	tcase_add_test(color, color_is_on_for_a_terminal);
	tcase_add_test(color, color_is_off_when_not_a_terminal);
	tcase_add_test(color, color_is_off_with_no_color);
	tcase_add_test(color, color_ignores_empty_no_color);
	tcase_add_test(color, color_is_off_for_dumb_terminal);
	suite_add_tcase(s, color);
	tcase_add_test(pack, pack_copies_strings_when_the_next_row_starts);
	tcase_add_test(pack, pack_keeps_null_empty_and_repeats_apart);
	tcase_add_test(pack, pack_round_trips_times);
	tcase_add_test(pack, pack_takes_a_cell_larger_than_a_chunk);
	tcase_add_test(pack, pack_stores_a_repeated_column_once);
	suite_add_tcase(s, pack);
	return s;
}
