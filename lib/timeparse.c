/*
 * Parsing of the ISO 8601 times Pier One sends.  Servers in the wild send
 * "Z", "+0000", "+02:00" or no zone, with or without a fraction; they all
 * have to compare correctly, so everything becomes UTC epoch seconds.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "base.h"

/* Read exactly n digits. */
static int
digits(const char **sp, int n, int *out)
{
	const char *s = *sp;
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
days_in_month(int y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : mdays[m - 1];
}

/* Fraction after '.' or ','; keep milliseconds, truncate the rest. */
static int
fraction(const char **sp, int *ms)
{
	const char *s = *sp;
	int n = 0;

	*ms = 0;
	if (*s != '.' && *s != ',')
		return 0;
	s++;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++, n++)
		if (n < 3)
			*ms = *ms * 10 + (*s - '0');
	for (; n < 3; n++)
		*ms *= 10;
	*sp = s;
	return 0;
}

/* Zone: "", "Z", "+HH", "+HHMM", "+HH:MM" (or '-'); seconds east of UTC. */
static int
zone(const char *s, int *offset)
{
	int sign, hh, mm = 0;

	*offset = 0;
	if (*s == '\0' || ((*s == 'Z' || *s == 'z') && s[1] == '\0'))
		return 0;
	if (*s != '+' && *s != '-')
		return -1;
	sign = *s++ == '-' ? -1 : 1;
	if (digits(&s, 2, &hh) == -1)
		return -1;
	if (*s == ':' && s[1] == '\0')
		return -1;		/* "+02:" is none of the forms */
	if (*s == ':')
		s++;
	if (*s != '\0' && digits(&s, 2, &mm) == -1)
		return -1;
	if (*s != '\0' || hh > 23 || mm > 59)
		return -1;
	*offset = sign * (hh * 3600 + mm * 60);
	return 0;
}

int
pierone_time_parse(struct pierone_time *out, const char *s)
{
	int y, mo, d, h, mi, sec, ms, off;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return PIERONE_EINVAL;
	if (digits(&s, 4, &y) == -1 || *s++ != '-' ||
	    digits(&s, 2, &mo) == -1 || *s++ != '-' ||
	    digits(&s, 2, &d) == -1 || (*s != 'T' && *s != 't' && *s != ' '))
		return PIERONE_EINVAL;
	s++;
	if (digits(&s, 2, &h) == -1 || *s++ != ':' ||
	    digits(&s, 2, &mi) == -1 || *s++ != ':' ||
	    digits(&s, 2, &sec) == -1 || fraction(&s, &ms) == -1 ||
	    zone(s, &off) == -1)
		return PIERONE_EINVAL;
	/* 60 is a leap second; it counts as the next second, as in POSIX. */
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || sec > 60)
		return PIERONE_EINVAL;
	out->sec = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	    sec - off;
	out->ms = ms;
	out->valid = true;
	return 0;
}
