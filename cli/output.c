/*
 * Tables as stups-pierone 0.22 printed them (clickclick's print_table):
 * scripts parse this output, so every byte here is part of the contract.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define HEADER_ON	"\033[30m\033[47m"	/* black on white, like click */
#define STYLE_OFF	"\033[0m"
#define RECENT_ON	"\033[32m\033[1m"	/* green, bold */
#define HOUR_ON		"\033[32m"		/* green */

void
table_init(struct table *t, const struct column *cols, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols;
}

struct cell *
table_add_row(struct table *t)
{
	struct cell *c;
	size_t cap;

	if (t->nrows == t->cap) {
		cap = t->cap ? t->cap * 2 : 64;
		c = reallocarray(t->cells, cap, t->ncols * sizeof(*c));
		if (c == NULL)
			return NULL;
		t->cells = c;
		t->cap = cap;
	}
	c = &t->cells[t->nrows++ * t->ncols];
	memset(c, 0, t->ncols * sizeof(*c));
	return c;
}

int
table_set_raw(struct table *t, struct cell *c, const char *json,
    enum out_format fmt)
{
	char *s, **grown;

	if (pierone_json_render(&s, json, fmt == OUT_JSON ?
	    PIERONE_RENDER_JSON : PIERONE_RENDER_TEXT, NULL) != 0)
		return -1;
	if ((grown = reallocarray(t->owned, t->nowned + 1,
	    sizeof(*grown))) == NULL) {
		free(s);
		return -1;
	}
	t->owned = grown;
	t->owned[t->nowned++] = s;
	c->s = s;
	c->json = fmt == OUT_JSON;
	/* Python's int, float and bool (0.22 right-aligned them) */
	c->right = strchr("-0123456789tf", json[0]) != NULL;
	return 0;
}

void
table_free(struct table *t)
{
	for (size_t i = 0; i < t->nowned; i++)
		free(t->owned[i]);
	free(t->owned);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

int
output_color(void)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (nc != NULL && nc[0] != '\0')
		return 0;
	if (term != NULL && strcmp(term, "dumb") == 0)
		return 0;
	return isatty(STDOUT_FILENO);
}

/* Python's '{:.0f}': round half to even, which rint() does by default. */
void
format_ago(char *buf, size_t len, double s)
{
	if (s > 3600 * 49)
		snprintf(buf, len, "%.0fd ago", s / 86400);
	else if (s > 3600)
		snprintf(buf, len, "%.0fh ago", s / 3600);
	else if (s > 70)
		snprintf(buf, len, "%.0fm ago", s / 60);
	else
		snprintf(buf, len, "%.0fs ago", s);
}

/* Width as Python's len(): code points, not bytes. */
static size_t
text_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* A cell as text and tsv show it; *own is what the caller frees. */
static const char *
cell_text(const struct column *col, const struct cell *c, double now,
    char **own)
{
	char buf[64];
	const char *s = c->s != NULL ? c->s : "";

	*own = NULL;
	if (col->kind == COL_TIME) {
		if (!c->t.valid)
			return "";
		format_ago(buf, sizeof(buf), now - ((double)c->t.sec +
		    c->t.ms / 1000.0));
		return *own = strdup(buf);
	}
	/* What the server sent never reaches the terminal as controls. */
	if (pierone_text_needs_escape(s))
		return *own = pierone_text_escape(s);
	return s;
}

/*
 * Every cell's text, escaped; NULL when out of memory.  The texts are
 * freed with shown_free().
 */
struct shown {
	const char *s;
	char *own;
};

static struct shown *
shown_new(const struct table *t, double now)
{
	size_t n = t->nrows * t->ncols;
	struct shown *sh = calloc(n + 1, sizeof(*sh));

	for (size_t k = 0; sh != NULL && k < n; k++) {
		sh[k].s = cell_text(&t->cols[k % t->ncols], &t->cells[k], now,
		    &sh[k].own);
		if (sh[k].s == NULL) {
			for (size_t i = 0; i < k; i++)
				free(sh[i].own);
			free(sh);
			sh = NULL;
		}
	}
	return sh;
}

static void
shown_free(struct shown *sh, size_t n)
{
	for (size_t i = 0; sh != NULL && i < n; i++)
		free(sh[i].own);
	free(sh);
}

static void
pad(FILE *fp, size_t n)
{
	while (n-- > 0)
		putc(' ', fp);
}

/*
 * A time cell, right-aligned; like clickclick, times of the last quarter
 * hour are bold green and of the last hour green (on a terminal only).
 */
static void
print_time_cell(FILE *fp, const char *s, size_t width, double age)
{
	const char *on = age < 900 ? RECENT_ON : age < 3600 ? HOUR_ON : "";

	fputs(on, fp);
	pad(fp, width - text_width(s));
	fputs(s, fp);
	fputs(*on != '\0' ? STYLE_OFF : "", fp);
}

/* The first width - 2 characters and "..", as clickclick cut cells. */
static void
print_cut(FILE *fp, const char *s, size_t width)
{
	size_t n = 0;
	const char *p = s;

	for (; *p != '\0'; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && n++ == width - 2)
			break;
	}
	fwrite(s, 1, (size_t)(p - s), fp);
	fputs("..", fp);
}

/* clickclick cut every cell at 1000 characters, narrower where asked. */
#define MAX_CELL 1000

static size_t *
column_widths(const struct table *t, const struct shown *sh)
{
	size_t *w, i, r, cap;

	if ((w = calloc(t->ncols, sizeof(*w))) == NULL)
		return NULL;
	for (i = 0; i < t->ncols; i++)
		w[i] = text_width(t->cols[i].title);
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++)
			if (text_width(sh[r * t->ncols + i].s) > w[i])
				w[i] = text_width(sh[r * t->ncols + i].s);
	for (i = 0; i < t->ncols; i++) {
		cap = t->cols[i].max_width > 0 ? t->cols[i].max_width :
		    MAX_CELL;
		if (w[i] > cap)
			w[i] = cap;
	}
	return w;
}

static void
print_header(FILE *fp, const struct table *t, const size_t *w, int color)
{
	for (size_t i = 0; i < t->ncols; i++) {
		fprintf(fp, "%s%s", color ? HEADER_ON : "", t->cols[i].title);
		pad(fp, w[i] - text_width(t->cols[i].title));
		fputs(color ? STYLE_OFF : "", fp);
		if (i + 1 < t->ncols)
			fprintf(fp, "%s\u2502%s", color ? HEADER_ON : "",
			    color ? STYLE_OFF : "");
	}
	putc('\n', fp);
}

static void
print_text(FILE *fp, const struct table *t, const struct shown *sh,
    double now, int color)
{
	size_t *w, i, r, len;
	const struct cell *c;
	const char *s;

	if ((w = column_widths(t, sh)) == NULL)
		return;
	print_header(fp, t, w, color);
	/* Every cell, the last one too, is followed by a space, as in 0.22. */
	for (r = 0; r < t->nrows; r++) {
		for (i = 0; i < t->ncols; i++) {
			c = &t->cells[r * t->ncols + i];
			s = sh[r * t->ncols + i].s;
			len = text_width(s);
			if (t->cols[i].kind == COL_TIME && c->t.valid) {
				print_time_cell(fp, s, w[i], color ?
				    now - (double)c->t.sec : 1e9);
			} else if (len > w[i]) {
				print_cut(fp, s, w[i]);
			} else {
				/* numbers right-aligned, as 0.22 did */
				if (c->right || (t->cols[i].kind == COL_INT &&
				    c->s != NULL))
					pad(fp, w[i] - len);
				fputs(s, fp);
				if (!c->right && !(t->cols[i].kind ==
				    COL_INT && c->s != NULL))
					pad(fp, w[i] - len);
			}
			putc(' ', fp);
		}
		putc('\n', fp);
	}
	free(w);
}

static void
print_tsv(FILE *fp, const struct table *t, const struct shown *sh)
{
	for (size_t i = 0; i < t->ncols; i++)
		fprintf(fp, "%s%s", i ? "\t" : "", t->cols[i].key);
	putc('\n', fp);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t i = 0; i < t->ncols; i++)
			fprintf(fp, "%s%s", i ? "\t" : "",
			    sh[r * t->ncols + i].s);
		putc('\n', fp);
	}
}

/* Decode one UTF-8 sequence; invalid bytes become U+FFFD. */
static uint32_t
utf8_next(const unsigned char **sp)
{
	const unsigned char *s = *sp;
	uint32_t cp;
	int n, i;

	if (s[0] < 0x80) {
		*sp = s + 1;
		return s[0];
	}
	n = s[0] >= 0xf0 && s[0] < 0xf5 ? 3 : s[0] >= 0xe0 ? 2 :
	    s[0] >= 0xc2 && s[0] < 0xe0 ? 1 : -1;
	if (s[0] >= 0xf5)
		n = -1;
	cp = n == 3 ? s[0] & 7u : n == 2 ? s[0] & 15u : s[0] & 31u;
	for (i = 1; n > 0 && i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			break;
		cp = cp << 6 | (s[i] & 63u);
	}
	if (n < 0 || i <= n || (n == 2 && cp < 0x800) ||
	    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff)) {
		*sp = s + 1;
		return 0xfffd;
	}
	*sp = s + n + 1;
	return cp;
}

/* \uXXXX, or a surrogate pair past U+FFFF, as json.dumps() writes it. */
static void
u_escape(FILE *fp, uint32_t cp)
{
	if (cp < 0x10000)
		fprintf(fp, "\\u%04x", cp);
	else
		fprintf(fp, "\\u%04x\\u%04x", 0xd800 + ((cp - 0x10000) >> 10),
		    0xdc00 + ((cp - 0x10000) & 0x3ff));
}

/* A JSON string as Python's json.dumps() writes it (ensure_ascii). */
void
json_string(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp;

	putc('"', fp);
	while (*s != '\0') {
		cp = utf8_next(&s);
		switch (cp) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\t': fputs("\\t", fp); break;
		case '\b': fputs("\\b", fp); break;
		case '\f': fputs("\\f", fp); break;
		default:
			if (cp >= 0x20 && cp < 0x7f)
				putc((int)cp, fp);
			else
				u_escape(fp, cp);
		}
	}
	putc('"', fp);
}

/*
 * JSON text (a number, array or object as cJSON writes it) with every
 * character past ASCII, and DEL, as a \u escape: they can only be in
 * its strings, where that means the same.
 */
void
json_ascii(FILE *fp, const char *json)
{
	const unsigned char *s = (const unsigned char *)json;
	uint32_t cp;

	while (*s != '\0') {
		cp = utf8_next(&s);
		if (cp < 0x7f)
			putc((int)cp, fp);
		else
			u_escape(fp, cp);
	}
}

/* Epoch seconds as Python's repr(float): 1440058499.432, 1435752000.0 */
static void
json_time(FILE *fp, const struct pierone_time *t)
{
	int64_t sec = t->sec;
	int ms = t->ms;
	char frac[8];
	int n;

	if (!t->valid) {
		fputs("null", fp);
		return;
	}
	if (sec < 0 && ms > 0) {	/* -1.5 is sec -2, ms 500 */
		sec += 1;
		ms = 1000 - ms;
		fputs(sec == 0 ? "-" : "", fp);
	}
	n = snprintf(frac, sizeof(frac), "%03d", ms);
	while (n > 1 && frac[n - 1] == '0')
		frac[--n] = '\0';
	fprintf(fp, "%lld.%s", (long long)sec, frac);
}

static const struct table *sort_table;

static int
cmp_col(const void *a, const void *b)
{
	return strcmp(sort_table->cols[*(const size_t *)a].key,
	    sort_table->cols[*(const size_t *)b].key);
}

/* Row r as one JSON object, keys in the sorted `order` of n columns. */
static void
print_json_row(FILE *fp, const struct table *t, size_t r,
    const size_t *order, size_t n)
{
	putc('{', fp);
	for (size_t k = 0; k < n; k++) {
		const struct cell *c = &t->cells[r * t->ncols + order[k]];

		fputs(k ? ", " : "", fp);
		json_string(fp, t->cols[order[k]].key);
		fputs(": ", fp);
		if (t->cols[order[k]].kind == COL_TIME)
			json_time(fp, &c->t);
		else if (c->s == NULL)
			fputs("null", fp);
		else if (t->cols[order[k]].kind == COL_INT || c->json)
			fputs(c->s, fp);
		else
			json_string(fp, c->s);
	}
	putc('}', fp);
}

/* The rows as a JSON list of objects, or only the first as an object. */
static void
print_json(FILE *fp, const struct table *t, bool object)
{
	size_t order[16], i, r;

	for (i = 0; i < t->ncols && i < 16; i++)
		order[i] = i;
	sort_table = t;
	qsort(order, i, sizeof(order[0]), cmp_col);
	if (object) {
		if (t->nrows > 0)
			print_json_row(fp, t, 0, order, i);
		putc('\n', fp);
		return;
	}
	putc('[', fp);
	for (r = 0; r < t->nrows; r++) {
		fputs(r ? ", " : "", fp);
		print_json_row(fp, t, r, order, i);
	}
	fputs("]\n", fp);
}

int
table_print(FILE *fp, const struct table *t, enum out_format fmt, double now,
    int color)
{
	struct shown *sh;

	if (fmt == OUT_JSON || fmt == OUT_JSON_OBJECT) {
		print_json(fp, t, fmt == OUT_JSON_OBJECT);
		return ferror(fp) ? -1 : 0;
	}
	if ((sh = shown_new(t, now)) == NULL)
		return -1;
	if (fmt == OUT_TSV)
		print_tsv(fp, t, sh);
	else
		print_text(fp, t, sh, now, color);
	shown_free(sh, t->nrows * t->ncols);
	return ferror(fp) ? -1 : 0;
}
