/*
 * What cJSON would lose of a JSON text that is rewritten (Docker's
 * config.json): numbers are doubles to it, and a string ends at \u0000.
 * Both are kept as the text had them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base.h"
#include "json.h"

/* Past the closing quote of the string starting at p (on its '"'). */
const char *
json_skip_string(const char *p, const char *end)
{
	for (p++; p < end && *p != '"'; p++)
		if (*p == '\\' && p + 1 < end)
			p++;
	return p < end ? p + 1 : end;
}

/*
 * The next number literal at or after *p, outside strings; *p is left
 * after it.  cJSON read the same characters (it stops where strtod does,
 * and valid JSON has none of them right after a number).
 */
static char *
next_number(const char **p, const char *end)
{
	const char *s;
	char *lit;

	while (*p < end && **p != '-' && !isdigit((unsigned char)**p))
		*p = **p == '"' ? json_skip_string(*p, end) : *p + 1;
	for (s = *p; *p < end && **p != '\0' &&
	    strchr("+-.eE0123456789", **p) != NULL; (*p)++)
		;
	if ((lit = cJSON_malloc((size_t)(*p - s) + 1)) == NULL)
		return NULL;
	memcpy(lit, s, (size_t)(*p - s));
	lit[*p - s] = '\0';
	return lit;
}

/* Pre-order, as the parser built the tree: numbers in text order. */
int
json_numbers_to_raw(cJSON *item, const char **p, const char *end)
{
	for (; item != NULL; item = item->next) {
		if (cJSON_IsNumber(item)) {
			if ((item->valuestring = next_number(p, end)) == NULL)
				return PIERONE_ENOMEM;
			item->type = cJSON_Raw;
		}
		if (json_numbers_to_raw(item->child, p, end) != 0)
			return PIERONE_ENOMEM;
	}
	return 0;
}

/*
 * \u0000 in a string or key: cJSON would end the C string there (and
 * "URL\u0000x" would become the key "URL").  Each one is parsed as a
 * noncharacter U+FDD0..U+FDEF that the text does not hold, of the same
 * length in the text, and put back when printing.
 */
#define NUL_FIRST	0xfdd0
#define NUL_COUNT	32

static void
nul_mark_used(bool *used, const char *s, const char *end)
{
	const unsigned char *u = (const unsigned char *)s;
	char hex[5];
	long v;

	for (; (const char *)u + 2 < end; u++) {
		if (u[0] == 0xef && u[1] == 0xb7 && u[2] >= 0x90 && u[2] <= 0xaf)
			used[u[2] - 0x90] = true;
		if (u[0] == '\\' && u[1] == 'u' && end - (const char *)u >= 6) {
			memcpy(hex, u + 2, 4);
			hex[4] = '\0';
			v = strtol(hex, NULL, 16);
			if (v >= NUL_FIRST && v < NUL_FIRST + NUL_COUNT)
				used[v - NUL_FIRST] = true;
		}
	}
}

/* The stand-in for \u0000, absent from the text and `extra`; -1: none. */
int
json_nul_standin(const char *text, size_t len, const char *const *extra)
{
	bool used[NUL_COUNT] = { false };

	nul_mark_used(used, text, text + len);
	for (; *extra != NULL; extra++)
		nul_mark_used(used, *extra, *extra + strlen(*extra));
	for (int i = 0; i < NUL_COUNT; i++)
		if (!used[i])
			return NUL_FIRST + i;
	return -1;
}

/* The text with every \u0000 escape in strings as \uSTANDIN (in place). */
void
json_nul_substitute(char *text, size_t len, int standin)
{
	char *p, *end = text + len;
	bool in = false;

	for (p = text; p < end; p++) {
		if (*p == '"')
			in = !in;
		else if (in && *p == '\\' && end - p >= 6 &&
		    memcmp(p + 1, "u0000", 5) == 0) {
			for (int i = 0; i < 4; i++)
				p[2 + i] = "0123456789abcdef"[(standin >>
				    (12 - 4 * i)) & 15];
			p += 5;
		} else if (in && *p == '\\') {
			p++;
		}
	}
}
/* The printed text with the stand-in put back as \u0000. */
int
json_nul_restore(struct buf *out, int standin)
{
	const unsigned char mark[3] = { 0xef, 0xb7,
	    (unsigned char)(0x90 + standin - NUL_FIRST) };
	struct buf b = { 0 };
	const char *p = out->data, *end = p + out->len, *hit;
	size_t n = 0;

	for (hit = p; (hit = memmem(hit, (size_t)(end - hit), mark, 3)) !=
	    NULL; hit += 3)
		n++;
	if (buf_reserve(&b, out->len + 3 * n) != 0)
		return PIERONE_ENOMEM;
	while ((hit = memmem(p, (size_t)(end - p), mark, 3)) != NULL) {
		buf_append(&b, p, (size_t)(hit - p));
		buf_append(&b, "\\u0000", 6);
		p = hit + 3;
	}
	buf_append(&b, p, (size_t)(end - p));
	buf_freezero(out);
	*out = b;
	return 0;
}

