/*
 * fake_reply.c - the fake registry (see fake.h):
 * Building answers: growable strings, replies and their headers,
 * numbers.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fake.h"


/* Growing by doubling keeps a 10 MB tag list linear to build. */
void
sb_add(struct sbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		if (sb->cap == 0)
			sb->cap = 256;
		while (sb->cap < sb->len + n + 1)
			sb->cap *= 2;
		sb->p = xrealloc(sb->p, sb->cap, 1);
	}
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}


void
sb_str(struct sbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}


/* A JSON string's contents; names may hold anything a JSON key can. */
void
sb_esc(struct sbuf *sb, const char *s)
{
	char	 u[8];

	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			sb_add(sb, "\\", 1);
		if ((unsigned char)*s >= 0x20)
			sb_add(sb, s, 1);
		else {
			snprintf(u, sizeof(u), "\\u%04x", (unsigned)*s);
			sb_str(sb, u);
		}
	}
}


/* Bytes that stay as they are in a URL's path segment or query value. */
static bool
unreserved(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' ||
	    ch == '~';
}


/* Percent-encoded: what a Link must hold of a name. */
void
sb_pct(struct sbuf *sb, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 e[3] = "%";

	for (; *s != '\0'; s++) {
		if (unreserved(*s)) {
			sb_add(sb, s, 1);
			continue;
		}
		e[1] = hex[(unsigned char)*s >> 4];
		e[2] = hex[(unsigned char)*s & 0xf];
		sb_add(sb, e, 3);
	}
}


/* Hands the buffer over to the reply. */
void
set_reply(struct reply *r, unsigned status, struct sbuf *sb)
{
	if (sb->p == NULL)
		sb_add(sb, "", 0);
	r->status = status;
	r->body = sb->p;
	r->len = sb->len;
}


/* MHD copies headers when it sends them: until then the reply's copy. */
void
reply_header(struct reply *r, const char *name, const char *value)
{
	if (r->nhdr == HDR_MAX) {
		fputs(PROG ": too many headers for one reply\n", stderr);
		abort();
	}
	r->hname[r->nhdr] = name;
	r->hvalue[r->nhdr++] = xstrdup(value);
}


void
reply_text(struct reply *r, unsigned status, const char *text)
{
	struct sbuf	 sb = { 0 };

	sb_str(&sb, text);
	set_reply(r, status, &sb);
}


/* Messages are constants here: nothing to escape. */
void
reply_msg(struct reply *r, unsigned status, const char *msg)
{
	char	 buf[80];

	snprintf(buf, sizeof(buf), "{\"message\": \"%s\"}", msg);
	reply_text(r, status, buf);
}


/* Distribution's error body; codes and messages are constants. */
void
reply_v2err(struct reply *r, unsigned status, const char *code,
    const char *msg)
{
	char	 buf[160];

	snprintf(buf, sizeof(buf), "{\"errors\":[{\"code\":\"%s\","
	    "\"message\":\"%s\"%s}]}", code, msg,
	    status == MHD_HTTP_UNAUTHORIZED ? ",\"detail\":null" : "");
	reply_text(r, status, buf);
}


/* Distribution's answer when it knows the route, else Pier One's. */
void
reply_unknown(struct reply *r, const char *code, const char *msg)
{
	if (opt.api == API_V2)
		reply_v2err(r, MHD_HTTP_NOT_FOUND, code, msg);
	else
		reply_msg(r, MHD_HTTP_NOT_FOUND, "Not found");
}


char *
put_num(char *p, unsigned long v, int width)
{
	char	 tmp[24];
	int	 n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 || n < width);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}


void
sb_num(struct sbuf *sb, unsigned long v)
{
	char	 buf[24];

	sb_add(sb, buf, (size_t)(put_num(buf, v, 1) - buf));
}
