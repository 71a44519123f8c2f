/*
 * A single-pass scanner for the registry's tag lists.  An artifact can
 * have 100 000 tags, a 16 MB answer, and a cJSON tree of it took the
 * process to 117 MiB; so the text is walked once instead, and only the six
 * members a tag has are kept.  Every other value is validated and skipped.
 * `pierone latest` keeps not even the list, only the best tag so far.
 *
 * What the server sends is data: a member of another type than string is
 * kept as its JSON text (pierone_tag.raw), null is told from absent
 * (pierone_tag.null), a tag without a name keeps its row.  Only a syntax
 * error or an element that is not an object fails the list, and a syntax
 * error anywhere wins (cJSON, which this replaced, parsed everything
 * before looking); of duplicate members the first counts
 * (cJSON_GetObjectItemCaseSensitive).  The
 * syntax is strict RFC 8259 where cJSON was lenient: no leading zeros,
 * "1." or "-.5", no raw control characters in strings or between tokens,
 * \u needs four hex digits, nesting stops at JSCAN_MAX_DEPTH (cJSON: 1000).
 * Like cJSON, a UTF-8 byte order mark is skipped, lone surrogates are
 * errors and \u0000 ends a C string early.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "json.h"

/* Arrays and objects, the top-level array included; bounds the recursion. */
#define JSCAN_MAX_DEPTH	512

enum jtype { J_NONE, J_BAD, J_STRING, J_NUMBER, J_OBJECT, J_ARRAY, J_BOOL,
    J_NULL };

/* A tag's members, in the order the cJSON code checked them. */
enum field { F_NAME, F_CREATED, F_CREATED_BY, F_IMAGE, F_STATUS, F_REASON,
    NFIELD };

static const char *const field_key[NFIELD] = {
	"name", "created", "created_by", "image", "status", "status_reason",
};

/* What a container's items are. */
enum level { L_SKIP, L_TAGS, L_TAG };

struct jscan {
	const char *base, *p, *end;
	int depth;
	const char *bad;		/* first syntax error, or NULL */
	bool nomem;
	bool failed;			/* a tag was refused: see semerr */
	struct pierone_err semerr;
	unsigned int decode;		/* bit per field: decode its string */
	enum jtype type[NFIELD];	/* of each member's first value */
	struct buf val[NFIELD];		/* decoded, when in `decode` */
	struct buf key;
	/* list mode */
	struct pierone_tag_list *list;
	size_t cap;
	/* latest mode */
	struct buf best_name;
	struct pierone_time best;
	long best_idx;
	unsigned int flags;		/* PIERONE_LATEST_* */
};

static int scan_value(struct jscan *);
static int scan_container(struct jscan *, enum level);

static int
fail(struct jscan *s, const char *at)
{
	if (s->bad == NULL)
		s->bad = at;
	return -1;
}

static int
nomem(struct jscan *s)
{
	s->nomem = true;
	return -1;
}

/* The next byte after blanks, or -1 at the end. */
static int
peek(struct jscan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
	return s->p < s->end ? (unsigned char)*s->p : -1;
}

static int
expect(struct jscan *s, int c)
{
	if (peek(s) != c)
		return fail(s, s->p);
	s->p++;
	return 0;
}

static enum jtype
jtype_of(int c)
{
	switch (c) {
	case '"':	return J_STRING;
	case '{':	return J_OBJECT;
	case '[':	return J_ARRAY;
	case 't':
	case 'f':	return J_BOOL;
	case 'n':	return J_NULL;
	case '-':	return J_NUMBER;
	default:	return c >= '0' && c <= '9' ? J_NUMBER : J_BAD;
	}
}

/* As the cJSON code named them in messages. */
static const char *
jtype_name(enum jtype t)
{
	static const char *const names[] = { "absent", "invalid",
	    "a string", "a number", "an object", "an array", "a boolean",
	    "null" };

	return names[t];
}

static const char *
skip_digits(const char *p, const char *end)
{
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?; "01" stops after 0. */
static int
scan_number(struct jscan *s)
{
	const char *p = s->p, *q;

	if (p < s->end && *p == '-')
		p++;
	if (p < s->end && *p == '0')
		p++;
	else if ((q = skip_digits(p, s->end)) == p)
		return fail(s, p);
	else
		p = q;
	if (p < s->end && *p == '.') {
		p++;
		if ((q = skip_digits(p, s->end)) == p)
			return fail(s, p);
		p = q;
	}
	if (p < s->end && (*p == 'e' || *p == 'E')) {
		if (++p < s->end && (*p == '+' || *p == '-'))
			p++;
		if ((q = skip_digits(p, s->end)) == p)
			return fail(s, p);
		p = q;
	}
	s->p = p;
	return 0;
}

/* A misspelt word is blamed on its start, as cJSON did ("not json"). */
static int
scan_literal(struct jscan *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return fail(s, s->p);
	s->p += n;
	return 0;
}

/* Four hex digits, or -1. */
static long
hex4(const char *p)
{
	static const char digits[] = "0123456789abcdef0123456789ABCDEF";
	const char *k;
	long v = 0;

	for (int i = 0; i < 4; i++) {
		if (p[i] == '\0' || (k = strchr(digits, p[i])) == NULL)
			return -1;
		v = v << 4 | ((k - digits) & 15);
	}
	return v;
}

/*
 * The code point of \uXXXX at *pp, joined with a following \uXXXX low
 * surrogate; -1 (an error at the offending escape) for bad hex digits and
 * lone surrogates.  *pp is moved past what was read.
 */
static long
scan_u(struct jscan *s, const char **pp)
{
	const char *p = *pp;
	long hi, lo;

	if (s->end - p < 6 || (hi = hex4(p + 2)) < 0)
		return fail(s, p);
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return fail(s, p);
	p += 6;
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (s->end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
		    (lo = hex4(p + 2)) < 0xdc00 || lo > 0xdfff)
			return fail(s, p);
		hi = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
		p += 6;
	}
	*pp = p;
	return hi;
}

/* A code point (at most U+10FFFF) as UTF-8; its length. */
static size_t
utf8_put(unsigned char *u, long cp)
{
	static const unsigned char lead[] = { 0, 0, 0xc0, 0xe0, 0xf0 };
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;

	for (size_t i = n - 1; i > 0; i--, cp >>= 6)
		u[i] = (unsigned char)(0x80 | (cp & 0x3f));
	u[0] = (unsigned char)(lead[n] | cp);
	return n;
}

/* The escape at *pp (a backslash) as UTF-8 in u; 0 on errors. */
static size_t
scan_escape(struct jscan *s, const char **pp, unsigned char *u)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *p = *pp, *k;
	long cp;

	if (p + 1 >= s->end) {
		fail(s, s->end);
		return 0;
	}
	if (p[1] == 'u') {
		if ((cp = scan_u(s, pp)) < 0)
			return 0;
		return utf8_put(u, cp);
	}
	if (p[1] == '\0' || (k = strchr(from, p[1])) == NULL) {
		fail(s, p);
		return 0;
	}
	u[0] = (unsigned char)to[k - from];
	*pp = p + 2;
	return 1;
}

/*
 * The string at s->p, decoded into `out` (NUL-terminated) unless it is
 * NULL.  Runs without escapes are copied at once: names and digests have
 * none.
 */
static int
scan_string(struct jscan *s, struct buf *out)
{
	const char *p = s->p + 1, *run;
	unsigned char u[4];
	size_t n;

	if (out != NULL) {
		out->len = 0;
		if (buf_append(out, "", 0) != 0)
			return nomem(s);
	}
	for (;;) {
		for (run = p; p < s->end && *p != '"' && *p != '\\' &&
		    (unsigned char)*p >= 0x20; p++)
			;
		if (out != NULL && buf_append(out, run, (size_t)(p - run)) != 0)
			return nomem(s);
		if (p >= s->end || (unsigned char)*p < 0x20)
			return fail(s, p);
		if (*p == '"')
			break;
		if ((n = scan_escape(s, &p, u)) == 0)
			return -1;
		if (out != NULL && buf_append(out, u, n) != 0)
			return nomem(s);
	}
	s->p = p + 1;
	return 0;
}

static int
scan_value(struct jscan *s)
{
	switch (jtype_of(peek(s))) {
	case J_STRING:
		return scan_string(s, NULL);
	case J_NUMBER:
		return scan_number(s);
	case J_OBJECT:
	case J_ARRAY:
		return scan_container(s, L_SKIP);
	case J_BOOL:
		return scan_literal(s, *s->p == 't' ? "true" : "false");
	case J_NULL:
		return scan_literal(s, "null");
	default:
		return fail(s, s->p);
	}
}

/* The value of member s->key of a tag. */
static int
tag_member(struct jscan *s)
{
	enum jtype t = jtype_of(peek(s));
	const char *start;
	int f;

	for (f = 0; f < NFIELD; f++)
		if (strcmp(s->key.data, field_key[f]) == 0)
			break;
	/* A repeated member is only validated: the first one counts. */
	if (f == NFIELD || s->type[f] != J_NONE)
		return scan_value(s);
	s->type[f] = t;
	if (t == J_STRING)
		return scan_string(s, (s->decode & 1u << f) != 0 ?
		    &s->val[f] : NULL);
	start = s->p;
	if (scan_value(s) != 0)
		return -1;
	/* a value of another type is kept as its JSON text */
	if ((s->decode & 1u << f) != 0 && t != J_NULL) {
		s->val[f].len = 0;
		if (buf_append(&s->val[f], start, (size_t)(s->p - start)) != 0)
			return nomem(s);
	}
	return 0;
}

static void
refuse(struct jscan *s, const char *fmt, ...) PRINTFLIKE(2, 3);

/* A type error; it stands unless a syntax error follows. */
static void
refuse(struct jscan *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(&s->semerr, PIERONE_EBADRESPONSE, fmt, ap);
	va_end(ap);
	s->failed = true;
}

/* A member's value: a string, or the JSON text of another type. */
static int
keep_string(char **dst, struct jscan *s, enum field f, struct pierone_tag *t)
{
	switch (s->type[f]) {
	case J_NONE:
		return 0;
	case J_NULL:
		t->null |= 1u << f;
		return 0;
	case J_STRING:
		break;
	default:
		t->raw |= 1u << f;
		break;
	}
	/* strdup(): a \u0000 ends the string, as it did with cJSON */
	if ((*dst = strdup(s->val[f].data)) == NULL)
		return nomem(s);
	return 0;
}

static int
tag_keep(struct jscan *s)
{
	struct pierone_tag_list *l = s->list;
	struct pierone_tag *t, *grown;

	if (l->count == s->cap) {
		if (s->cap > SIZE_MAX / 2 / sizeof(*t))
			return nomem(s);
		if ((grown = reallocarray(l->tags, s->cap * 2,
		    sizeof(*t))) == NULL)
			return nomem(s);
		l->tags = grown;
		s->cap *= 2;
	}
	t = &l->tags[l->count];
	memset(t, 0, sizeof(*t));
	/* counted first: a half-filled tag is freed with the list */
	l->count++;
	if (s->type[F_CREATED] == J_STRING)
		pierone_time_parse(&t->created, s->val[F_CREATED].data);
	if (keep_string(&t->name, s, F_NAME, t) != 0 ||
	    keep_string(&t->created_by, s, F_CREATED_BY, t) != 0 ||
	    keep_string(&t->image, s, F_IMAGE, t) != 0 ||
	    keep_string(&t->status, s, F_STATUS, t) != 0 ||
	    keep_string(&t->status_reason, s, F_REASON, t) != 0)
		return -1;
	/* a tag without a name still has a row */
	if (t->name == NULL && (t->name = strdup("")) == NULL)
		return nomem(s);
	return 0;
}

/* Latest mode: the tag replaces the best so far when it is as late. */
static void
tag_compare(struct jscan *s, size_t idx)
{
	struct pierone_time t = { 0 };
	struct buf swap;

	/* The name as every reader sees it: up to an escaped NUL, if any. */
	if ((s->flags & PIERONE_LATEST_NO_SNAPSHOT) &&
	    s->val[F_NAME].data != NULL &&
	    tag_is_snapshot(s->val[F_NAME].data, strlen(s->val[F_NAME].data)))
		return;
	if (s->type[F_CREATED] == J_STRING)
		pierone_time_parse(&t, s->val[F_CREATED].data);
	if (!latest_supersedes(&t, s->best_idx < 0 ? NULL : &s->best))
		return;
	/* swapped, not copied: the name's buffer is reused */
	swap = s->best_name;
	s->best_name = s->val[F_NAME];
	s->val[F_NAME] = swap;
	s->best = t;
	s->best_idx = (long)idx;
}

/* Element idx of the top-level array. */
static int
scan_tag(struct jscan *s, size_t idx)
{
	enum jtype t = jtype_of(peek(s));

	/* after the first refused tag the rest is only validated */
	if (s->failed)
		return scan_value(s);
	if (t != J_OBJECT) {
		if (t != J_BAD)
			refuse(s, "tag %zu is %s, expected an object",
			    idx + 1, jtype_name(t));
		return scan_value(s);
	}
	for (int f = 0; f < NFIELD; f++) {
		s->type[f] = J_NONE;
		/* an absent or null member reads as "" */
		if (s->val[f].data != NULL)
			s->val[f].data[s->val[f].len = 0] = '\0';
	}
	if (scan_container(s, L_TAG) != 0)
		return -1;
	if (s->list != NULL)
		return tag_keep(s);
	tag_compare(s, idx);
	return 0;
}

static int
scan_item(struct jscan *s, enum level lv, size_t idx)
{
	switch (lv) {
	case L_TAGS:	return scan_tag(s, idx);
	case L_TAG:	return tag_member(s);
	default:	return scan_value(s);
	}
}

/* A member's name and colon; decoded into s->key for tags. */
static int
scan_key(struct jscan *s, bool decode)
{
	if (peek(s) != '"')
		return fail(s, s->p);
	if (scan_string(s, decode ? &s->key : NULL) != 0)
		return -1;
	return expect(s, ':');
}

/* The array or object at s->p, its items read as `lv` says. */
static int
scan_container(struct jscan *s, enum level lv)
{
	int close = *s->p == '[' ? ']' : '}', c;

	if (++s->depth > JSCAN_MAX_DEPTH)
		return fail(s, s->p);
	s->p++;
	if (peek(s) == close) {
		s->p++;
		s->depth--;
		return 0;
	}
	for (size_t idx = 0;; idx++) {
		if (close == '}' && scan_key(s, lv == L_TAG) != 0)
			return -1;
		if (scan_item(s, lv, idx) != 0)
			return -1;
		if ((c = peek(s)) == close)
			break;
		if (c != ',')
			return fail(s, s->p);
		s->p++;
	}
	s->p++;
	s->depth--;
	return 0;
}

/* The whole text: one value (a tag array, else refused) and blanks. */
static int
scan_doc(struct jscan *s, const char *json, size_t len,
    struct pierone_err *err)
{
	enum jtype root;
	int rc;

	if (json == NULL || len == 0)
		return err_set(err, PIERONE_EBADRESPONSE, "empty response, "
		    "expected JSON");
	s->base = s->p = json;
	s->end = json + len;
	if (len >= 3 && memcmp(json, "\xef\xbb\xbf", 3) == 0)
		s->p += 3;
	root = jtype_of(peek(s));
	rc = root == J_ARRAY ? scan_container(s, L_TAGS) : scan_value(s);
	if (rc == 0 && peek(s) != -1)
		fail(s, s->p);
	else if (rc == 0 && root != J_ARRAY)
		refuse(s, "expected a JSON array of tags, got %s",
		    jtype_name(root));
	if (s->nomem)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	/* the offending byte, counted from 1; len + 1 for a cut text */
	if (s->bad != NULL)
		return err_set(err, PIERONE_EBADRESPONSE, "invalid JSON at "
		    "byte %zu", (size_t)(s->bad - s->base) + 1);
	if (s->failed) {
		if (err != NULL)
			*err = s->semerr;
		return PIERONE_EBADRESPONSE;
	}
	return 0;
}

int
json_validate(const char *json, size_t len, size_t *bad)
{
	struct jscan s = { .base = json, .p = json, .end = json + len };

	if (len >= 3 && memcmp(json, "\xef\xbb\xbf", 3) == 0)
		s.p += 3;
	if (scan_value(&s) == 0 && peek(&s) != -1)
		fail(&s, s.p);
	if (s.bad == NULL)
		return 0;
	*bad = (size_t)(s.bad - json);
	return -1;
}

static void
jscan_free(struct jscan *s)
{
	for (int f = 0; f < NFIELD; f++)
		buf_free(&s->val[f]);
	buf_free(&s->key);
	buf_free(&s->best_name);
	pierone_tag_list_free(s->list);
}

int
tags_from_json(struct pierone_tag_list **out, const char *json, size_t len,
    struct pierone_err *err)
{
	struct jscan s = { .decode = (1u << NFIELD) - 1, .cap = 64 };
	struct pierone_tag *shrunk;
	int rc;

	*out = NULL;
	if ((s.list = calloc(1, sizeof(*s.list))) == NULL ||
	    (s.list->tags = calloc(s.cap, sizeof(*s.list->tags))) == NULL) {
		free(s.list);
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	if ((rc = scan_doc(&s, json, len, err)) == 0) {
		/* give back the growth's slack; keeping it is no error */
		shrunk = reallocarray(s.list->tags, s.list->count + 1,
		    sizeof(*shrunk));
		if (shrunk != NULL)
			s.list->tags = shrunk;
		*out = s.list;
		s.list = NULL;
	}
	jscan_free(&s);
	return rc;
}

int
tags_latest_from_json(char **name, long *index,
    struct pierone_time *created, const char *json, size_t len,
    unsigned int flags, struct pierone_err *err)
{
	struct jscan s = { .decode = 1u << F_NAME | 1u << F_CREATED,
	    .best_idx = -1, .flags = flags };
	int rc;

	*name = NULL;
	if (index != NULL)
		*index = -1;
	if (created != NULL)
		*created = (struct pierone_time){ 0, 0, false };
	if ((rc = scan_doc(&s, json, len, err)) == 0 && s.best_idx >= 0) {
		/* the buffer is handed over; a tag without a name has "" */
		if (s.best_name.data == NULL &&
		    buf_append(&s.best_name, "", 0) != 0) {
			jscan_free(&s);
			return err_set(err, PIERONE_ENOMEM, "out of memory");
		}
		*name = s.best_name.data;
		s.best_name.data = NULL;
		if (index != NULL)
			*index = s.best_idx;
		if (created != NULL)
			*created = s.best;
	}
	jscan_free(&s);
	return rc;
}
