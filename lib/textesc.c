/*
 * Text from a server made safe for a terminal.  A tag, a file name in a
 * layer or a header value may hold ESC, CR or a C1 control; written raw
 * they would move the cursor, retitle the window or hide a line.  What a
 * terminal would act on is written as a visible escape instead; the rest,
 * UTF-8 included, is left as it is.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

/*
 * Length of the well-formed UTF-8 sequence of two or more bytes at s, or
 * 0.  Overlong forms, surrogates and code points past U+10FFFF are not
 * well-formed (RFC 3629).
 */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned int cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07u;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * The character at s: 0 when it may be written as it is (*len bytes of
 * it), else its escape in e (NUL-terminated, at most 7 bytes).
 */
static size_t
escape_at(const unsigned char *s, char e[8], size_t *len)
{
	size_t n;

	*len = 1;
	if (s[0] >= 0x20 && s[0] < 0x7f)
		return 0;
	switch (s[0]) {
	case '\t': return (size_t)snprintf(e, 8, "\\t");
	case '\n': return (size_t)snprintf(e, 8, "\\n");
	case '\r': return (size_t)snprintf(e, 8, "\\r");
	default: break;
	}
	if (s[0] < 0x80)	/* C0 and DEL */
		return (size_t)snprintf(e, 8, "\\x%02x", s[0]);
	if ((n = utf8_len(s)) == 0)	/* not UTF-8: the byte */
		return (size_t)snprintf(e, 8, "\\x%02x", s[0]);
	*len = n;
	if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0)	/* C1: U+0080..U+009F */
		return (size_t)snprintf(e, 8, "\\u%04x", s[1]);
	return 0;
}

bool
text_needs_escape(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len;
	char e[8];

	if (s == NULL)
		return false;
	for (; *s != '\0'; s += len)
		if (escape_at(s, e, &len) != 0)
			return true;
	return false;
}

size_t
text_escape_into(char *dst, size_t size, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len, n, out = 0, kept = 0;
	char e[8];

	/* What does not fit is left out whole, and all that follows it. */
	for (; *s != '\0'; s += len) {
		n = escape_at(s, e, &len);
		if (kept == out && out + (n != 0 ? n : len) < size) {
			memcpy(dst + out, n != 0 ? e : (const char *)s,
			    n != 0 ? n : len);
			kept += n != 0 ? n : len;
		}
		out += n != 0 ? n : len;
	}
	if (size > 0)
		dst[kept] = '\0';
	return out;
}

char *
pierone_text_escape(const char *s)
{
	size_t n;
	char *out;

	if (s == NULL)
		return NULL;
	n = text_escape_into(NULL, 0, s);
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	text_escape_into(out, n + 1, s);
	return out;
}

int
pierone_text_needs_escape(const char *s)
{
	return text_needs_escape(s);
}
