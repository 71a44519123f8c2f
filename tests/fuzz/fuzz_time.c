/*
 * libFuzzer target: pierone_time_parse(), the ISO 8601 times of tag lists.
 *
 * Invariants checked on every input:
 *  - success <=> valid; a refused time is left zeroed (sec 0, ms 0);
 *  - ms is 0..999;
 *  - round trip: the parsed instant, when its year is 1..9999, formatted
 *    by gmtime_r() as YYYY-MM-DDTHH:MM:SS.mmmZ parses back to the same
 *    sec and ms (checks the calendar arithmetic against the C library's);
 *  - the parse does not depend on anything but the text (parsed twice).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "common.h"

/* Years gmtime_r() and the format can show. */
#define SEC_YEAR_1	(-62135596800LL)	/* 0001-01-01T00:00:00Z */
#define SEC_YEAR_10000	(253402300800LL)	/* 10000-01-01T00:00:00Z */

static void
check_time(const char *s)
{
	struct pierone_time t, again, rt;
	char text[64];
	struct tm tm;
	time_t tt;
	int rc, rc2;

	memset(&t, 0x5a, sizeof(t));
	rc = pierone_time_parse(&t, s);
	CHECK(rc == 0 || rc == PIERONE_EINVAL);
	CHECK((rc == 0) == t.valid);
	if (rc != 0) {
		CHECK(t.sec == 0 && t.ms == 0);
		return;
	}
	CHECK(t.ms >= 0 && t.ms <= 999);

	/* deterministic */
	rc2 = pierone_time_parse(&again, s);
	CHECK(rc2 == 0 && again.valid && again.sec == t.sec &&
	    again.ms == t.ms);

	if (t.sec < SEC_YEAR_1 || t.sec >= SEC_YEAR_10000)
		return;
	tt = (time_t)t.sec;
	CHECK(gmtime_r(&tt, &tm) != NULL);
	CHECK(tm.tm_year + 1900 >= 1 && tm.tm_year + 1900 <= 9999);
	snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, t.ms);
	rc2 = pierone_time_parse(&rt, text);
	if (rc2 != 0 || !rt.valid || rt.sec != t.sec || rt.ms != t.ms) {
		fprintf(stderr, "fuzz_time: '%s' -> %lld.%03d, reformatted "
		    "'%s' -> rc %d, %lld.%03d\n", s, (long long)t.sec, t.ms,
		    text, rc2, (long long)rt.sec, rt.ms);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > 4096)
		return 0;	/* a time is short; longer adds nothing */
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_time(s);
	free(s);
	return 0;
}
