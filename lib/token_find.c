/*
 * Finding an OAuth2 token without asking anybody: fixed tokens from the
 * environment, a platform-mounted secret, or the token cache shared with
 * zign.  Getting a new token is login's business.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base.h"
#include "files.h"
#include "auth.h"

#define TOKEN_NAME "pierone"

bool
token_valid(const char *s, size_t len)
{
	size_t n = 0;

	/* RFC 6750 b64token: 1*( ALPHA / DIGIT / "-._~+/" ) *"=" */
	while (n < len && (isalnum((unsigned char)s[n]) ||
	    strchr("-._~+/", s[n]) != NULL) && s[n] != '\0')
		n++;
	if (n == 0)
		return false;
	while (n < len && s[n] == '=')
		n++;
	return n == len;
}

/*
 * The token found at `origin`: 1 (none) when it is empty, an error when it
 * holds what no bearer token may; nothing is sent or written with it.
 */
static int
token_set(struct pierone_token *t, const char *value, size_t len,
    enum pierone_token_source src, const char *origin, double expires_at,
    struct pierone_err *err)
{
	if (len == 0)
		return 1;
	if (!token_valid(value, len))
		return err_set(err, PIERONE_ECONFIG, "the token in '%s' holds "
		    "characters no OAuth2 bearer token may (RFC 6750); fix or "
		    "remove it", origin);
	if ((t->access_token = strndup(value, len)) == NULL ||
	    (t->origin = strdup(origin)) == NULL) {
		pierone_token_clear(t);
		return PIERONE_ENOMEM;
	}
	t->source = src;
	t->expires_at = expires_at;
	return 0;
}

/* OAUTH2_ACCESS_TOKENS="name=token,name=token" */
static int
from_env(struct pierone_token *t, struct pierone_err *err)
{
	const char *s = getenv("OAUTH2_ACCESS_TOKENS"), *eq, *end, *name_end;
	size_t nlen = strlen(TOKEN_NAME);

	for (; s != NULL && *s != '\0'; s = *end ? end + 1 : end) {
		end = s + strcspn(s, ",");
		while (s < end && isspace((unsigned char)*s))
			s++;
		if ((eq = memchr(s, '=', (size_t)(end - s))) == NULL)
			continue;
		for (name_end = eq; name_end > s &&
		    isspace((unsigned char)name_end[-1]); name_end--)
			;
		if ((size_t)(name_end - s) != nlen ||
		    memcmp(s, TOKEN_NAME, nlen) != 0)
			continue;
		for (eq++; eq < end && isspace((unsigned char)*eq); eq++)
			;
		while (end > eq && isspace((unsigned char)end[-1]))
			end--;
		if (end == eq)
			return 1;
		return token_set(t, eq, (size_t)(end - eq), PIERONE_TOKEN_ENV,
		    "OAUTH2_ACCESS_TOKENS", 0, err);
	}
	return 1;
}

/* $CREDENTIALS_DIR/pierone-token-secret; 1 when there is none. */
static int
from_secret_file(struct pierone_token *t, struct buf *notes,
    struct pierone_err *err)
{
	const char *dir = getenv("CREDENTIALS_DIR");
	struct pierone_err e = { 0 };
	struct buf text = { 0 };
	char *path;
	size_t len;
	int rc;

	if (dir == NULL || *dir == '\0')
		return 1;
	if ((path = path_join(dir, TOKEN_NAME "-token-secret")) == NULL)
		return PIERONE_ENOMEM;
	rc = file_read(&text, path, 64 * 1024, &e);
	if (rc == 0) {
		len = text.len;
		while (len > 0 && isspace((unsigned char)text.data[len - 1]))
			len--;
		rc = token_set(t, text.data, len, PIERONE_TOKEN_SECRET_FILE,
		    path, 0, err);
		if (rc == 1)
			buf_printf(notes, "; '%s' is empty", path);
	} else if (rc != PIERONE_ENOTFOUND) {
		buf_printf(notes, "; %s", e.msg);
	}
	buf_freezero(&text);
	free(path);
	/* an unreadable file is a note; a refused token an error */
	return rc < 0 && rc != PIERONE_ENOMEM && rc != PIERONE_ECONFIG ? 1 : rc;
}

static bool
parse_number(const char *s, double *out)
{
	char *end;

	if (s == NULL)
		return false;
	errno = 0;
	*out = strtod(s, &end);
	return errno == 0 && end != s && *end == '\0' && isfinite(*out);
}

struct candidate {
	const char *value;
	double created;
	double expires_at;
};

/* Read the "pierone" entry of one cache into `cand` (caller frees doc). */
static int
cache_entry(struct yaml_doc **doc, const char *path, struct candidate *cand,
    double now, struct buf *notes)
{
	struct pierone_err e = { 0 };
	struct buf text = { 0 };
	double expires_in;
	bool ok1, ok2, ok3;
	int rc;

	*doc = NULL;
	if ((rc = file_read(&text, path, PIERONE_MAX_FILE, &e)) == 0)
		rc = yaml_doc_load(doc, text.data, text.len, path, &e);
	buf_freezero(&text);
	if (rc == PIERONE_ENOMEM)
		return rc;
	if (rc != 0) {
		if (rc != PIERONE_ENOTFOUND)
			buf_printf(notes, "; ignored %s", e.msg);
		return 1;
	}
	if (!yaml_doc_is_mapping(*doc)) {
		buf_printf(notes, "; ignored '%s': not a YAML mapping", path);
		return 1;
	}
	cand->value = yaml_doc_get(*doc, TOKEN_NAME, "access_token", &ok1);
	if (cand->value == NULL || !ok1 ||
	    !parse_number(yaml_doc_get(*doc, TOKEN_NAME, "creation_time", &ok2),
	    &cand->created) ||
	    !parse_number(yaml_doc_get(*doc, TOKEN_NAME, "expires_in", &ok3),
	    &expires_in)) {
		if (yaml_doc_get(*doc, TOKEN_NAME, "access_token", &ok1) != NULL)
			buf_printf(notes, "; ignored the '%s' entry in '%s': "
			    "it lacks creation_time or expires_in",
			    TOKEN_NAME, path);
		return 1;
	}
	cand->expires_at = cand->created + expires_in;
	if (cand->expires_at <= now + PIERONE_TOKEN_MARGIN) {
		buf_printf(notes, "; the token cached in '%s' has expired",
		    path);
		return 1;
	}
	return 0;
}

static int
from_caches(struct pierone_token *t, double now, struct buf *notes,
    struct pierone_err *err)
{
	static const char *const files[] = {
		"zign/tokens.yaml", "zalando-token-cli/tokens.yaml",
	};
	struct yaml_doc *docs[2] = { NULL, NULL };
	struct candidate cand[2];
	char *base, *paths[2] = { NULL, NULL };
	int best = -1, rc = 1;

	if ((base = xdg_config_home()) == NULL)
		return 1;
	for (int i = 0; i < 2 && rc != PIERONE_ENOMEM; i++) {
		if ((paths[i] = path_join(base, files[i])) == NULL) {
			rc = PIERONE_ENOMEM;
			break;
		}
		if (cache_entry(&docs[i], paths[i], &cand[i], now, notes) != 0)
			continue;
		if (best < 0 || cand[i].created > cand[best].created)
			best = i;
	}
	if (rc != PIERONE_ENOMEM && best >= 0)
		rc = token_set(t, cand[best].value, strlen(cand[best].value),
		    PIERONE_TOKEN_ZIGN_CACHE, paths[best], cand[best].expires_at,
		    err);
	for (int i = 0; i < 2; i++) {
		yaml_doc_free(docs[i]);
		free(paths[i]);
	}
	free(base);
	return rc;
}

int
pierone_token_find(struct pierone_token *out, double now,
    struct pierone_err *err)
{
	struct buf notes = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	if (now <= 0)
		now = (double)time(NULL);
	if ((rc = from_env(out, err)) == 1 &&
	    (rc = from_secret_file(out, &notes, err)) == 1)
		rc = from_caches(out, now, &notes, err);
	if (rc == 1)
		rc = err_set(err, PIERONE_ENOTOKEN, "no valid OAuth2 token "
		    "found%s; run 'pierone login'",
		    notes.data != NULL ? notes.data : "");
	else if (rc == PIERONE_ENOMEM)
		err_set(err, rc, "out of memory");
	buf_free(&notes);
	return rc;
}

void
pierone_token_clear(struct pierone_token *t)
{
	if (t == NULL)
		return;
	if (t->access_token != NULL)
		freezero(t->access_token, strlen(t->access_token));
	free(t->origin);
	free(t->token_type);
	free(t->scope);
	memset(t, 0, sizeof(*t));
}
