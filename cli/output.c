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

/*
 * A table holds its rows packed, one after the other in chunks that never
 * move: per row a bit mask of the cells equal to the one above them, then
 * for each other cell a byte of CF_* flags and its value: a string and
 * its NUL, or a time's seconds (zigzag varint) and milliseconds (varint,
 * when not 0).  So a table of thousands of rows takes less than its text,
 * and what repeats down a column (team, artifact, status, ...) nothing.
 */
#define CF_NULL		0x1	/* s NULL */
#define CF_JSON		0x2
#define CF_RIGHT	0x4
#define CF_VALID	0x8	/* a valid time */
#define CF_MS		0x10	/* its milliseconds follow */
#define MASK_BYTES(ncols)	(((ncols) + 7) / 8)
#define CHUNK_SIZE	(64 * 1024)

struct chunk {
	struct chunk *next;
	size_t len, cap;
	char data[];
};

/* The bytes of v as a varint: 7 bits a byte, low first. */
static size_t
varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static char *
varint_put(char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (char)((v & 0x7f) | 0x80);
		v >>= 7;
	}
	*p++ = (char)v;
	return p;
}

static const char *
varint_get(const char *p, uint64_t *v)
{
	unsigned int shift = 0;

	*v = 0;
	do {
		*v |= (uint64_t)(*p & 0x7f) << shift;
		shift += 7;
	} while ((unsigned char)*p++ & 0x80);
	return p;
}

static uint64_t
zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0);
}

static int64_t
unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

void
table_init(struct table *t, const struct column *cols, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols;
}

static unsigned char
cell_flags(const struct column *col, const struct cell *c)
{
	if (col->kind == COL_TIME)
		return !c->t.valid ? 0 : c->t.ms != 0 ? CF_VALID | CF_MS :
		    CF_VALID;
	return (unsigned char)((c->s == NULL ? CF_NULL : 0) |
	    (c->json ? CF_JSON : 0) | (c->right ? CF_RIGHT : 0));
}

/* Cell c equals the one above it (flags f for both). */
static bool
cell_same(const struct column *col, const struct cell *c,
    const struct cell *above, unsigned char f, unsigned char fabove)
{
	if (f != fabove)
		return false;
	if (col->kind == COL_TIME)
		return !c->t.valid || (c->t.sec == above->t.sec &&
		    c->t.ms == above->t.ms);
	return c->s == NULL || strcmp(c->s, above->s) == 0;
}

/* Room for n more bytes at the end of the last chunk, or NULL. */
static char *
chunk_room(struct table *t, size_t n)
{
	struct chunk *k = t->last;
	size_t cap;

	if (k == NULL || k->cap - k->len < n) {
		cap = n > CHUNK_SIZE - sizeof(*k) ? n : CHUNK_SIZE - sizeof(*k);
		if ((k = malloc(sizeof(*k) + cap)) == NULL)
			return NULL;
		k->next = NULL;
		k->len = 0;
		k->cap = cap;
		if (t->last != NULL)
			t->last->next = k;
		else
			t->first = k;
		t->last = k;
	}
	return k->data + k->len;
}

/* Free the strings table_set_raw() made for the row being filled. */
static void
row_owned_free(struct table *t)
{
	for (size_t i = 0; i < t->nowned; i++)
		free(t->owned[i]);
	t->nowned = 0;
}

/* The bytes cell c takes packed, with flags f. */
static size_t
cell_size(const struct column *col, const struct cell *c, unsigned char f)
{
	if (col->kind == COL_TIME)
		return 1 + (!(f & CF_VALID) ? 0 : varint_len(zigzag(c->t.sec)) +
		    (f & CF_MS ? varint_len((uint64_t)c->t.ms) : 0));
	return 1 + (c->s != NULL ? strlen(c->s) + 1 : 0);
}

/*
 * Pack the row being filled after the others; t->above (the row above the
 * next) then points into the chunk.  -1 when out of memory.
 */
static int
row_pack(struct table *t)
{
	size_t nmask = MASK_BYTES(t->ncols), n = nmask, len;
	unsigned char f[16], mask[2] = { 0, 0 };
	const struct column *col;
	struct cell *c;
	char *p;

	for (size_t i = 0; i < t->ncols; i++) {
		col = &t->cols[i];
		c = &t->row[i];
		f[i] = cell_flags(col, c);
		if (t->nrows > 0 && cell_same(col, c, &t->above[i], f[i],
		    cell_flags(col, &t->above[i])))
			mask[i / 8] |= (unsigned char)(1u << (i % 8));
		else
			n += cell_size(col, c, f[i]);
	}
	if ((p = chunk_room(t, n)) == NULL)
		return -1;
	t->last->len += n;
	memcpy(p, mask, nmask);
	p += nmask;
	for (size_t i = 0; i < t->ncols; i++) {
		if (mask[i / 8] & (1u << (i % 8)))
			continue;
		c = &t->row[i];
		*p++ = (char)f[i];
		t->above[i] = *c;
		if (t->cols[i].kind == COL_TIME && c->t.valid) {
			p = varint_put(p, zigzag(c->t.sec));
			if (f[i] & CF_MS)
				p = varint_put(p, (uint64_t)c->t.ms);
		} else if (t->cols[i].kind != COL_TIME && c->s != NULL) {
			len = strlen(c->s) + 1;
			memcpy(p, c->s, len);
			t->above[i].s = p;
			p += len;
		}
	}
	t->nrows++;
	t->filling = false;
	row_owned_free(t);
	return 0;
}

int
table_pack(struct table *t)
{
	return t->filling ? row_pack(t) : 0;
}

struct cell *
table_add_row(struct table *t)
{
	if (t->row == NULL) {
		if (t->ncols > 16)
			return NULL;
		t->row = calloc(t->ncols, sizeof(*t->row));
		t->above = calloc(t->ncols, sizeof(*t->above));
		if (t->row == NULL || t->above == NULL)
			return NULL;
	}
	if (table_pack(t) != 0)
		return NULL;
	memset(t->row, 0, t->ncols * sizeof(*t->row));
	t->filling = true;
	return t->row;
}

size_t
table_bytes(const struct table *t)
{
	size_t n = 0;

	for (const struct chunk *k = t->first; k != NULL; k = k->next)
		n += k->len;
	return n;
}

size_t
table_rows(const struct table *t)
{
	return t->nrows + (t->filling ? 1 : 0);
}

/* Reading the packed rows from the first: cur holds the row read. */
struct cursor {
	const struct table *t;
	const struct chunk *k;
	size_t off;
	bool filled;			/* the row being filled was read */
	struct cell cur[16];
};

static void
cursor_init(struct cursor *r, const struct table *t)
{
	memset(r, 0, sizeof(*r));
	r->t = t;
	r->k = t->first;
}

/* The next row into r->cur; false after the last. */
static bool
cursor_next(struct cursor *r)
{
	const struct table *t = r->t;
	const unsigned char *mask;
	const char *p;
	unsigned char f;
	uint64_t v;

	if (r->k != NULL && r->off == r->k->len) {
		r->k = r->k->next;
		r->off = 0;
	}
	if (r->k == NULL && t->filling && !r->filled) {
		memcpy(r->cur, t->row, t->ncols * sizeof(*t->row));
		r->filled = true;
		return true;
	}
	if (r->k == NULL)
		return false;
	p = r->k->data + r->off;
	mask = (const unsigned char *)p;
	p += MASK_BYTES(t->ncols);
	for (size_t i = 0; i < t->ncols; i++) {
		struct cell *c = &r->cur[i];

		if (mask[i / 8] & (1u << (i % 8)))
			continue;
		f = (unsigned char)*p++;
		memset(c, 0, sizeof(*c));
		c->json = (f & CF_JSON) != 0;
		c->right = (f & CF_RIGHT) != 0;
		if (t->cols[i].kind == COL_TIME) {
			if (f & CF_VALID) {
				p = varint_get(p, &v);
				c->t.sec = unzigzag(v);
				c->t.valid = true;
			}
			if (f & CF_MS) {
				p = varint_get(p, &v);
				c->t.ms = (int)v;
			}
		} else if (!(f & CF_NULL)) {
			c->s = p;
			p += strlen(p) + 1;
		}
	}
	r->off = (size_t)(p - r->k->data);
	return true;
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
	struct chunk *k, *next;

	row_owned_free(t);
	free(t->owned);
	for (k = t->first; k != NULL; k = next) {
		next = k->next;
		free(k);
	}
	free(t->row);
	free(t->above);
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

/* The width of each column's widest cell, cut at the column's maximum. */
static size_t *
column_widths(const struct table *t, double now)
{
	struct cursor r;
	size_t *w, i, cap, n;
	const char *s;
	char *own;

	if ((w = calloc(t->ncols, sizeof(*w))) == NULL)
		return NULL;
	for (i = 0; i < t->ncols; i++)
		w[i] = text_width(t->cols[i].title);
	cursor_init(&r, t);
	while (cursor_next(&r)) {
		for (i = 0; i < t->ncols; i++) {
			if ((s = cell_text(&t->cols[i], &r.cur[i], now,
			    &own)) == NULL) {
				free(w);
				return NULL;
			}
			if ((n = text_width(s)) > w[i])
				w[i] = n;
			free(own);
		}
	}
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

/* One cell of a text row, padded to width w. */
static void
print_text_cell(FILE *fp, const struct column *col, const struct cell *c,
    const char *s, size_t w, double now, int color)
{
	size_t len = text_width(s);
	/* numbers right-aligned, as 0.22 did */
	bool right = c->right || (col->kind == COL_INT && c->s != NULL);

	if (col->kind == COL_TIME && c->t.valid) {
		print_time_cell(fp, s, w, color ? now - (double)c->t.sec : 1e9);
	} else if (len > w) {
		print_cut(fp, s, w);
	} else {
		if (right)
			pad(fp, w - len);
		fputs(s, fp);
		if (!right)
			pad(fp, w - len);
	}
}

static int
print_text(FILE *fp, const struct table *t, double now, int color)
{
	struct cursor r;
	const char *s;
	size_t *w, i;
	char *own;
	int rc = 0;

	if ((w = column_widths(t, now)) == NULL)
		return -1;
	print_header(fp, t, w, color);
	/* Every cell, the last one too, is followed by a space, as in 0.22. */
	cursor_init(&r, t);
	while (rc == 0 && cursor_next(&r)) {
		for (i = 0; i < t->ncols; i++) {
			if ((s = cell_text(&t->cols[i], &r.cur[i], now,
			    &own)) == NULL) {
				rc = -1;
				break;
			}
			print_text_cell(fp, &t->cols[i], &r.cur[i], s, w[i],
			    now, color);
			free(own);
			putc(' ', fp);
		}
		putc('\n', fp);
	}
	free(w);
	return rc;
}

static int
print_tsv(FILE *fp, const struct table *t, double now)
{
	struct cursor r;
	const char *s;
	char *own;

	for (size_t i = 0; i < t->ncols; i++)
		fprintf(fp, "%s%s", i ? "\t" : "", t->cols[i].key);
	putc('\n', fp);
	cursor_init(&r, t);
	while (cursor_next(&r)) {
		for (size_t i = 0; i < t->ncols; i++) {
			if ((s = cell_text(&t->cols[i], &r.cur[i], now,
			    &own)) == NULL)
				return -1;
			fprintf(fp, "%s%s", i ? "\t" : "", s);
			free(own);
		}
		putc('\n', fp);
	}
	return 0;
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

/* A row as one JSON object, keys in the sorted `order` of n columns. */
static void
print_json_row(FILE *fp, const struct table *t, const struct cell *row,
    const size_t *order, size_t n)
{
	putc('{', fp);
	for (size_t k = 0; k < n; k++) {
		const struct cell *c = &row[order[k]];

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
	size_t order[16] = { 0 }, i;
	struct cursor r;
	bool more;

	for (i = 0; i < t->ncols && i < 16; i++)
		order[i] = i;
	sort_table = t;
	qsort(order, i, sizeof(order[0]), cmp_col);
	cursor_init(&r, t);
	if (object) {
		if (cursor_next(&r))
			print_json_row(fp, t, r.cur, order, i);
		putc('\n', fp);
		return;
	}
	putc('[', fp);
	for (more = cursor_next(&r); more; ) {
		print_json_row(fp, t, r.cur, order, i);
		if ((more = cursor_next(&r)))
			fputs(", ", fp);
	}
	fputs("]\n", fp);
}

int
table_print(FILE *fp, const struct table *t, enum out_format fmt, double now,
    int color)
{
	int rc;

	if (fmt == OUT_JSON || fmt == OUT_JSON_OBJECT) {
		print_json(fp, t, fmt == OUT_JSON_OBJECT);
		return ferror(fp) ? -1 : 0;
	}
	rc = fmt == OUT_TSV ? print_tsv(fp, t, now) :
	    print_text(fp, t, now, color);
	return rc != 0 || ferror(fp) ? -1 : 0;
}
