/*
 * What a registry's 401 asks for: its WWW-Authenticate challenge (RFC
 * 7235 section 4.1), and the scope a request will be asked for.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base.h"
#include "auth.h"

#define VALUE_MAX		2048	/* longest challenge parameter kept */

static bool
is_tchar(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || (ch != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

static const char *
skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A token or quoted-string value into buf; the position after it. */
static const char *
param_value(const char *p, char *buf, size_t size)
{
	size_t n = 0;

	if (*p != '"') {
		while (is_tchar(*p) || *p == '/' || *p == ':') {
			if (n + 1 < size)
				buf[n++] = *p;
			p++;
		}
	} else {
		for (p++; *p != '\0' && *p != '"'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			if (n + 1 < size)
				buf[n++] = *p;
		}
		if (*p == '"')
			p++;
	}
	buf[n] = '\0';
	return p;
}

static int
keep_param(struct challenge *ch, const char *name, size_t len,
    const char *value)
{
	char **dst = NULL;

	if (len == 5 && strncasecmp(name, "realm", 5) == 0)
		dst = &ch->realm;
	else if (len == 7 && strncasecmp(name, "service", 7) == 0)
		dst = &ch->service;
	else if (len == 5 && strncasecmp(name, "scope", 5) == 0)
		dst = &ch->scope;
	if (dst == NULL || *dst != NULL)
		return 0;	/* unknown, or a repeat: the first counts */
	return (*dst = strdup(value)) != NULL ? 0 : PIERONE_ENOMEM;
}

void
challenge_clear(struct challenge *ch)
{
	free(ch->realm);
	free(ch->service);
	free(ch->scope);
	memset(ch, 0, sizeof(*ch));
}

/* Bearer with a realm beats Basic, which beats anything else. */
static int
rank(const struct challenge *ch)
{
	if (ch->scheme == CH_BEARER)
		return ch->realm != NULL ? 3 : 1;
	return ch->scheme == CH_BASIC ? 2 : 0;
}

/* Keep the better of *best and *cur in *best; *cur is emptied. */
static void
prefer(struct challenge *best, struct challenge *cur)
{
	if (rank(cur) > rank(best)) {
		challenge_clear(best);
		*best = *cur;
	} else {
		challenge_clear(cur);
	}
	memset(cur, 0, sizeof(*cur));
}

/*
 * The challenge to answer among those in `hdr`: Bearer with a realm
 * first, else Basic.  Parameters of other schemes are skipped; a scheme
 * starts wherever a token is not followed by "=".
 */
int
challenge_parse(struct challenge *out, const char *hdr)
{
	struct challenge cur = { 0 };
	char value[VALUE_MAX];
	const char *p = hdr, *name;
	size_t len;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	while (*p != '\0' && rc == 0) {
		p = skip_ows(p);
		if (*p == ',') {
			p++;
			continue;
		}
		for (name = p; is_tchar(*p); p++)
			continue;
		if ((len = (size_t)(p - name)) == 0)
			break;		/* garbage: keep what we have */
		p = skip_ows(p);
		if (*p != '=') {	/* a new scheme */
			prefer(out, &cur);
			cur.scheme = len == 6 && strncasecmp(name, "Bearer",
			    6) == 0 ? CH_BEARER : len == 5 &&
			    strncasecmp(name, "Basic", 5) == 0 ? CH_BASIC :
			    CH_OTHER;
			continue;
		}
		if (p[1] == '=' || p[1] == '\0' || p[1] == ',') {
			/* token68 ("abc==") or "x=": nothing to keep */
			while (*p == '=')
				p++;
			continue;
		}
		p = param_value(skip_ows(p + 1), value, sizeof(value));
		if (cur.scheme == CH_BEARER || cur.scheme == CH_BASIC)
			rc = keep_param(&cur, name, len, value);
	}
	prefer(out, &cur);
	if (rc != 0 || rank(out) < 2)
		challenge_clear(out);
	return rc;
}

/*
 * The scope a request will be asked for, so that its token can be sent
 * (or fetched) before the registry says so: "repository:NAME:pull" for
 * /v2/NAME/{tags,manifests,blobs}/..., "registry:catalog:*" for the
 * catalog, NULL for anything else.
 */
char *
scope_of_path(const char *path)
{
	static const char *const kinds[] = { "/tags/", "/manifests/",
	    "/blobs/" };
	const char *name, *end = NULL, *k;
	char *s;

	if (strncmp(path, "/v2/", 4) != 0)
		return NULL;
	name = path + 4;
	if (strncmp(name, "_catalog", 8) == 0 && (name[8] == '\0' ||
	    name[8] == '?'))
		return strdup("registry:catalog:*");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		for (k = name; (k = strstr(k, kinds[i])) != NULL; k++)
			if (end == NULL || k > end)
				end = k;
	if (end == NULL || end == name)
		return NULL;
	if (asprintf(&s, "repository:%.*s:pull", (int)(end - name), name) ==
	    -1)
		return NULL;
	return s;
}
