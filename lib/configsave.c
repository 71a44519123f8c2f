/*
 * Saving the registry URL in pierone.yaml: the one key changes, the rest
 * of the user's file (comments, blank lines, other keys, their quoting)
 * stays byte for byte.  The file is edited as text where it is a plain
 * block mapping with at most one top-level "url:" on one line; anything
 * else is rewritten through libyaml (yaml_text_update), which keeps the
 * keys but not the comments.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "files.h"

struct line {
	const char *p;
	size_t len;		/* without the newline */
};

/* The line at p (up to '\n' or end). */
static struct line
line_at(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return (struct line){ p, (size_t)((nl != NULL ? nl : end) - p) };
}

/* A line that carries nothing: blank, or only a comment. */
static bool
idle(struct line l)
{
	size_t i = strspn(l.p, " \t");

	return i >= l.len || l.p[i] == '#' || l.p[i] == '\r';
}

/* "url:" at column 0, followed by a blank or the end of the line. */
static bool
is_url_key(struct line l)
{
	return l.len >= 4 && memcmp(l.p, "url:", 4) == 0 && (l.len == 4 ||
	    l.p[4] == ' ' || l.p[4] == '\t' || l.p[4] == '\r');
}

/*
 * Where the value on a "url:" line ends: after its closing quote, or
 * before a " #" comment; NULL when it cannot be told (a quote not closed
 * on the line, an empty value continued below).
 */
static const char *
value_end(struct line l)
{
	const char *p = l.p + 4, *end = l.p + l.len;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p == '\r' || *p == '#')
		return NULL;	/* the value is on the lines below */
	if (*p == '"' || *p == '\'') {
		char q = *p++;

		for (; p < end; p++) {
			if (q == '"' && *p == '\\' && p + 1 < end)
				p++;
			else if (*p == q && q == '\'' && p + 1 < end &&
			    p[1] == '\'')
				p++;
			else if (*p == q)
				return p + 1;
		}
		return NULL;
	}
	if (strchr("|>&*!{[", *p) != NULL)
		return NULL;	/* block scalars, anchors, flow: not plain */
	for (; p < end && *p != '\r'; p++)
		if ((*p == '#' && (p[-1] == ' ' || p[-1] == '\t')))
			break;
	while (p > l.p + 4 && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	return p;
}

/*
 * The text with the url value replaced (or a line appended); false when
 * the text is not one this edit may touch.
 */
static bool
edit(struct buf *out, const char *text, size_t len, const char *url)
{
	const char *end = text + len, *vend = NULL;
	struct line l, url_line = { NULL, 0 };
	bool first = true;

	for (const char *p = text; p < end; p += l.len + 1) {
		l = line_at(p, end);
		if (idle(l) || (first && l.len >= 3 && memcmp(l.p, "---", 3) ==
		    0 && idle((struct line){ l.p + 3, l.len - 3 })))
			continue;
		/* a block mapping: keys at column 0, no flow, no documents */
		if (first && (l.p[0] == ' ' || l.p[0] == '\t' || l.p[0] == '{' ||
		    l.p[0] == '['))
			return false;
		first = false;
		if (l.len >= 3 && (memcmp(l.p, "---", 3) == 0 ||
		    memcmp(l.p, "...", 3) == 0))
			return false;
		if (!is_url_key(l))
			continue;
		if (url_line.p != NULL || (vend = value_end(l)) == NULL)
			return false;	/* twice, or not on one line */
		url_line = l;
	}
	if (url_line.p == NULL) {
		/* appended, after a newline if the file lacks its last one */
		return buf_append(out, text, len) == 0 && (len == 0 ||
		    text[len - 1] == '\n' || buf_append(out, "\n", 1) == 0) &&
		    buf_printf(out, "url: %s\n", url) == 0;
	}
	return buf_append(out, text, (size_t)(url_line.p - text)) == 0 &&
	    buf_printf(out, "url: %s", url) == 0 &&
	    buf_append(out, vend, (size_t)(end - vend)) == 0;
}

/* The edit took: the new text reads back with url as its value. */
static bool
reads_back(const struct buf *b, const char *url)
{
	struct yaml_doc *doc = NULL;
	const char *v;
	bool ok;

	if (yaml_doc_load(&doc, b->data != NULL ? b->data : "", b->len, "",
	    NULL) != 0)
		return false;
	v = yaml_doc_get(doc, NULL, "url", &ok);
	ok = ok && v != NULL && strcmp(v, url) == 0;
	yaml_doc_free(doc);
	return ok;
}

/* The URL as a YAML scalar: plain where that reads back the same. */
static bool
plain_ok(const char *url)
{
	return url[strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
	    "TUVWXYZ0123456789:/._-~%+=,;@!$()*[]")] == '\0';
}

static int
url_set_cb(struct buf *out, const struct buf *old, const char *path,
    void *arg, struct pierone_err *err)
{
	const char *url = arg;

	if (plain_ok(url) && edit(out, old != NULL ? old->data : "",
	    old != NULL ? old->len : 0, url) && reads_back(out, url))
		return 0;
	buf_free(out);
	return yaml_text_update(out, old != NULL ? old->data : NULL,
	    old != NULL ? old->len : 0, path, "url", url, NULL, 0, err);
}

int
pierone_config_store_url(const char *path, const char *url,
    struct pierone_err *err)
{
	return file_update(path, url_set_cb, (void *)url, 0600, err);
}
