/*
 * A JSON value from a server written as stups-pierone 0.22 showed it.
 * Where a tag object holds a number, a boolean, a list or an object
 * instead of a string, 0.22 printed Python's str() of it in text and tsv
 * output (clickclick: True/False as yes/no) and json.dumps(sort_keys=True)
 * in json.  Numbers are copied as written: Python would print 1e3 as
 * 1000.0, a difference the man page names.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "base.h"

#define RENDER_MAX_DEPTH 512

struct render {
	const char *p, *end;
	enum pierone_render style;
	int depth;
	bool bad;
};

struct member {
	struct buf key;		/* decoded */
	const char *val;	/* its value's text */
};

static int value(struct render *r, struct buf *out, bool top);

static void
blanks(struct render *r)
{
	while (r->p < r->end && strchr(" \t\r\n", *r->p) != NULL &&
	    *r->p != '\0')
		r->p++;
}

static int
bad(struct render *r)
{
	r->bad = true;
	return -1;
}

static int
put(struct buf *out, const char *s)
{
	return out == NULL ? 0 : buf_append(out, s, strlen(s));
}

static long
hex4(const char *p, const char *end)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		int c = p + i < end ? (unsigned char)p[i] : -1;

		if (c >= '0' && c <= '9')
			v = v << 4 | (c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v << 4 | ((c | 0x20) - 'a' + 10);
		else
			return -1;
	}
	return v;
}

static int
put_utf8(struct buf *out, long cp)
{
	unsigned char u[4];
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	static const unsigned char lead[] = { 0, 0, 0xc0, 0xe0, 0xf0 };

	for (size_t i = n - 1; i > 0; i--, cp >>= 6)
		u[i] = (unsigned char)(0x80 | (cp & 0x3f));
	u[0] = (unsigned char)(lead[n] | cp);
	return buf_append(out, u, n);
}

/* The string at r->p (a quote), decoded into out (emptied first). */
static int
string(struct render *r, struct buf *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;
	long cp, lo;

	out->len = 0;
	if (buf_append(out, "", 0) != 0)
		return -1;
	for (r->p++; r->p < r->end && *r->p != '"'; ) {
		if ((unsigned char)*r->p < 0x20)
			return bad(r);
		if (*r->p != '\\') {
			if (buf_append(out, r->p++, 1) != 0)
				return -1;
			continue;
		}
		if (r->p + 1 >= r->end)
			return bad(r);
		if (r->p[1] != 'u') {
			if (r->p[1] == '\0' || (k = strchr(from, r->p[1])) == NULL)
				return bad(r);
			if (buf_append(out, &to[k - from], 1) != 0)
				return -1;
			r->p += 2;
			continue;
		}
		if ((cp = hex4(r->p + 2, r->end)) < 0 ||
		    (cp >= 0xdc00 && cp <= 0xdfff))
			return bad(r);
		r->p += 6;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (r->end - r->p < 6 || r->p[0] != '\\' ||
			    r->p[1] != 'u' || (lo = hex4(r->p + 2, r->end)) <
			    0xdc00 || lo > 0xdfff)
				return bad(r);
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			r->p += 6;
		}
		if (put_utf8(out, cp) != 0)
			return -1;
	}
	if (r->p >= r->end)
		return bad(r);
	r->p++;
	return 0;
}

/* Python's repr() of a str: quotes it prefers, escapes it uses. */
static int
quote_python(struct buf *out, const struct buf *s)
{
	const unsigned char *p = (const unsigned char *)s->data;
	char q = memchr(s->data, '\'', s->len) != NULL &&
	    memchr(s->data, '"', s->len) == NULL ? '"' : '\'';
	char e[8];
	int rc = buf_append(out, &q, 1);

	for (size_t i = 0; rc == 0 && i < s->len; i++) {
		if (p[i] == '\\' || p[i] == (unsigned char)q) {
			e[0] = '\\', e[1] = (char)p[i], e[2] = '\0';
		} else if (p[i] == '\n' || p[i] == '\r' || p[i] == '\t') {
			e[0] = '\\', e[1] = p[i] == '\n' ? 'n' : p[i] == '\r' ?
			    'r' : 't', e[2] = '\0';
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			snprintf(e, sizeof(e), "\\x%02x", p[i]);
		} else if (p[i] == 0xc2 && i + 1 < s->len && p[i + 1] < 0xa0) {
			snprintf(e, sizeof(e), "\\x%02x", p[++i]);
		} else {
			rc = buf_append(out, &p[i], 1);
			continue;
		}
		rc = put(out, e);
	}
	return rc != 0 ? rc : buf_append(out, &q, 1);
}

/* json.dumps() with ensure_ascii: \uXXXX for all but printable ASCII. */
static int
quote_json(struct buf *out, const struct buf *s)
{
	const unsigned char *p = (const unsigned char *)s->data;
	const unsigned char *end = p + s->len;
	char e[32];
	long cp;
	int rc = put(out, "\"");

	while (rc == 0 && p < end) {
		if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') {
			rc = buf_append(out, p++, 1);
			continue;
		}
		if (*p < 0x80) {
			cp = *p++;
		} else {	/* decoded from valid JSON: valid UTF-8 */
			int n = *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : 1;

			cp = *p++ & (0x3f >> n);
			while (n-- > 0 && p < end)
				cp = cp << 6 | (*p++ & 0x3f);
		}
		switch (cp) {
		case '"': rc = put(out, "\\\""); continue;
		case '\\': rc = put(out, "\\\\"); continue;
		case '\n': rc = put(out, "\\n"); continue;
		case '\r': rc = put(out, "\\r"); continue;
		case '\t': rc = put(out, "\\t"); continue;
		case '\b': rc = put(out, "\\b"); continue;
		case '\f': rc = put(out, "\\f"); continue;
		default: break;
		}
		if (cp < 0x10000)
			snprintf(e, sizeof(e), "\\u%04lx", cp);
		else
			snprintf(e, sizeof(e), "\\u%04lx\\u%04lx",
			    (0xd800 + ((cp - 0x10000) >> 10)) & 0xffff,
			    (0xdc00 + ((cp - 0x10000) & 0x3ff)) & 0xffff);
		rc = put(out, e);
	}
	return rc != 0 ? rc : put(out, "\"");
}

static int
number(struct render *r, struct buf *out)
{
	const char *start = r->p;
	size_t digits;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if ((digits = strspn(r->p, "0123456789")) == 0 ||
	    r->p + digits > r->end || (digits > 1 && *r->p == '0'))
		return bad(r);
	r->p += digits;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if ((digits = strspn(r->p, "0123456789")) == 0)
			return bad(r);
		r->p += digits;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if ((digits = strspn(r->p, "0123456789")) == 0)
			return bad(r);
		r->p += digits;
	}
	if (r->p > r->end)
		return bad(r);
	return out == NULL ? 0 : buf_append(out, start, (size_t)(r->p - start));
}

static int
literal(struct render *r, struct buf *out, bool top)
{
	static const char *const words[] = { "true", "false", "null" };
	static const char *const py[] = { "True", "False", "None" };
	static const char *const text[] = { "yes", "no", "" };

	for (int i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);

		if ((size_t)(r->end - r->p) < n || memcmp(r->p, words[i], n))
			continue;
		r->p += n;
		if (r->style == PIERONE_RENDER_JSON)
			return put(out, words[i]);
		return put(out, top ? text[i] : py[i]);
	}
	return bad(r);
}

static int
cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	size_t n = x->key.len < y->key.len ? x->key.len : y->key.len;
	int c = memcmp(x->key.data, y->key.data, n);

	if (c != 0)
		return c;
	return (x->key.len > y->key.len) - (x->key.len < y->key.len);
}

static void
members_free(struct member *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_free(&m[i].key);
	free(m);
}

/* An object's members: keys decoded, values found (and checked). */
static int
members(struct render *r, struct member **out, size_t *count)
{
	struct member *m = NULL, *grown;
	size_t n = 0, cap = 0;

	r->p++;
	blanks(r);
	while (r->p < r->end && *r->p != '}') {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((grown = reallocarray(m, cap, sizeof(*m))) == NULL)
				goto fail;
			m = grown;
		}
		memset(&m[n], 0, sizeof(m[n]));
		n++;
		blanks(r);
		if (r->p >= r->end || *r->p != '"' ||
		    string(r, &m[n - 1].key) != 0)
			goto fail;
		blanks(r);
		if (r->p >= r->end || *r->p++ != ':')
			goto fail;
		blanks(r);
		m[n - 1].val = r->p;
		if (value(r, NULL, false) != 0)
			goto fail;
		blanks(r);
		if (r->p < r->end && *r->p == ',' && r->p + 1 < r->end &&
		    r->p[1] != '}')
			r->p++;
		else if (r->p >= r->end || *r->p != '}')
			goto fail;
	}
	if (r->p >= r->end)
		goto fail;
	r->p++;
	*out = m;
	*count = n;
	return 0;
fail:
	members_free(m, n);
	return bad(r);
}

static int
object(struct render *r, struct buf *out)
{
	const char *after;
	struct member *m;
	size_t n;
	int rc = 0;

	if (members(r, &m, &n) != 0)
		return -1;
	after = r->p;
	if (out != NULL && r->style == PIERONE_RENDER_JSON)
		qsort(m, n, sizeof(*m), cmp_member);
	rc = put(out, "{");
	for (size_t i = 0; out != NULL && rc == 0 && i < n; i++) {
		rc = put(out, i ? ", " : "");
		if (rc == 0)
			rc = r->style == PIERONE_RENDER_JSON ?
			    quote_json(out, &m[i].key) :
			    quote_python(out, &m[i].key);
		if (rc == 0)
			rc = put(out, ": ");
		r->p = m[i].val;
		if (rc == 0)
			rc = value(r, out, false);
	}
	r->p = after;
	members_free(m, n);
	return rc != 0 ? rc : put(out, "}");
}

static int
array(struct render *r, struct buf *out)
{
	int rc = put(out, "[");

	r->p++;
	blanks(r);
	for (size_t i = 0; rc == 0 && r->p < r->end && *r->p != ']'; i++) {
		if ((rc = put(out, i ? ", " : "")) != 0 ||
		    (rc = value(r, out, false)) != 0)
			break;
		blanks(r);
		if (r->p < r->end && *r->p == ',' && r->p + 1 < r->end) {
			r->p++;
			blanks(r);
			if (r->p < r->end && *r->p == ']')
				return bad(r);
		} else if (r->p >= r->end || *r->p != ']') {
			return bad(r);
		}
	}
	if (rc != 0)
		return rc;
	if (r->p >= r->end)
		return bad(r);
	r->p++;
	return put(out, "]");
}

static int
value(struct render *r, struct buf *out, bool top)
{
	struct buf s = { 0 };
	int rc;

	blanks(r);
	if (r->p >= r->end)
		return bad(r);
	if (*r->p == '"') {
		if ((rc = string(r, &s)) == 0 && out != NULL)
			rc = top && r->style == PIERONE_RENDER_TEXT ?
			    buf_append(out, s.data, s.len) :
			    r->style == PIERONE_RENDER_JSON ?
			    quote_json(out, &s) : quote_python(out, &s);
		buf_free(&s);
		return rc;
	}
	if (*r->p == '[' || *r->p == '{') {
		if (++r->depth > RENDER_MAX_DEPTH)
			return bad(r);
		rc = *r->p == '[' ? array(r, out) : object(r, out);
		r->depth--;
		return rc;
	}
	if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
		return number(r, out);
	return literal(r, out, top);
}

int
pierone_json_render(char **out, const char *json, enum pierone_render style,
    struct pierone_err *err)
{
	struct render r = { .p = json, .style = style };
	struct buf b = { 0 };
	int rc;

	*out = NULL;
	if (json == NULL)
		return err_set(err, PIERONE_EINVAL, "no JSON value");
	r.end = json + strlen(json);
	rc = value(&r, &b, true);
	blanks(&r);
	if (rc == 0 && !r.bad && r.p != r.end)
		r.bad = true;
	if (r.bad || rc != 0) {
		buf_free(&b);
		return r.bad ? err_set(err, PIERONE_EINVAL, "invalid JSON "
		    "value") : err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	if (b.data == NULL && buf_append(&b, "", 0) != 0)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	*out = b.data;
	return 0;
}
