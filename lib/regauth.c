/*
 * Answering a registry's 401 as real registries expect (the Docker
 * Registry token authentication specification):
 *
 *   Basic realm="..."                       the Docker credentials of the
 *                                           host, as HTTP Basic;
 *   Bearer realm="URL",service=S,scope=X    a token from URL?service=S&
 *                                           scope=X, fetched with those
 *                                           credentials (or none), sent
 *                                           as "Bearer TOKEN".
 *
 * Tokens are kept per realm, service and scope for their lifetime within
 * the run.  Once a registry has shown its realm, requests for a scope
 * without a token fetch one first instead of collecting another 401, and
 * requests for a scope whose token is being fetched wait for it: a
 * hundred manifests of one repository cost one token request.
 *
 * http.c drives the requests; this file decides what they carry.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "base.h"
#include "files.h"
#include "auth.h"

#define TOKEN_DEFAULT_TTL	60	/* seconds, as the specification says */
#define TOKEN_MARGIN		5	/* renew this much before expiry */

struct auth_tok {
	char *realm, *service, *scope;	/* the key */
	char *token;			/* READY: the secret */
	double expires;			/* READY: epoch seconds */
	enum auth_tok_state state;
	bool creds_sent;		/* the realm was sent credentials */
	struct pierone_err err;		/* FAILED: why */
	struct auth_tok *next;
};

struct auth {
	bool creds_loaded;
	char *basic;			/* base64(user:secret), or NULL */
	struct pierone_err creds_err;	/* loading them failed: why */
	bool use_basic;			/* the registry asked for Basic */
	char *realm, *service;		/* its last Bearer challenge */
	struct auth_tok *toks;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void
auth_free(struct auth *a)
{
	struct auth_tok *t, *next;

	if (a == NULL)
		return;
	for (t = a->toks; t != NULL; t = next) {
		next = t->next;
		free(t->realm);
		free(t->service);
		free(t->scope);
		str_freezero(t->token);
		free(t);
	}
	str_freezero(a->basic);
	free(a->realm);
	free(a->service);
	free(a);
}

static struct auth *
auth_get(pierone_client *c)
{
	if (c->auth == NULL)
		c->auth = calloc(1, sizeof(*c->auth));
	return c->auth;
}

int
auth_only_token(pierone_client *c)
{
	struct auth *a = auth_get(c);

	if (a == NULL)
		return PIERONE_ENOMEM;
	a->creds_loaded = true;	/* as if there were none */
	return 0;
}

/* ------------------------------------------------------------------
 * The token cache
 */

static bool
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL &&
	    strcmp(a, b) == 0);
}

/* The cache entry of the key, created (NEW) when absent; NULL: ENOMEM. */
static struct auth_tok *
tok_entry(struct auth *a, const char *realm, const char *service,
    const char *scope)
{
	struct auth_tok *t;

	for (t = a->toks; t != NULL; t = t->next)
		if (same(t->realm, realm) && same(t->service, service) &&
		    same(t->scope, scope))
			break;
	if (t != NULL) {
		/* An expired token is fetched again. */
		if (t->state == TOK_READY && now_s() >= t->expires) {
			str_freezero(t->token);
			t->token = NULL;
			t->state = TOK_NEW;
		}
		return t;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->realm = strdup(realm)) == NULL ||
	    (service != NULL && (t->service = strdup(service)) == NULL) ||
	    (scope != NULL && (t->scope = strdup(scope)) == NULL)) {
		if (t != NULL) {
			free(t->realm);
			free(t->service);
			free(t);
		}
		return NULL;
	}
	t->next = a->toks;
	a->toks = t;
	return t;
}

enum auth_tok_state
auth_tok_state(const struct auth_tok *t)
{
	return t->state;
}

const struct pierone_err *
auth_tok_err(const struct auth_tok *t)
{
	return &t->err;
}

static int
bearer_line(char **line, const struct auth_tok *t)
{
	return asprintf(line, "Authorization: Bearer %s", t->token) == -1 ?
	    PIERONE_ENOMEM : 0;
}

/* The Docker credentials of the registry's host, looked up once. */
static const char *
creds(pierone_client *c, struct auth *a)
{
	char *host = NULL;

	if (!a->creds_loaded) {
		a->creds_loaded = true;
		if (pierone_registry_host(&host, c->url, &a->creds_err) == 0 &&
		    docker_credentials(&a->basic, host, &a->creds_err) == 0)
			memset(&a->creds_err, 0, sizeof(a->creds_err));
		free(host);
	}
	return a->basic;
}

/*
 * "Authorization: Basic ..." with the Docker credentials of the host,
 * else with oauth2:TOKEN (what 'pierone login' would have stored).
 * PIERONE_EAUTH when there are neither.
 */
static int
basic_line(char **line, pierone_client *c, struct auth *a)
{
	const char *b = creds(c, a);
	char *plain, *own = NULL;
	int rc = 0;

	*line = NULL;
	if (b == NULL && c->token != NULL) {
		if (asprintf(&plain, "%s:%s", PIERONE_DOCKER_USER, c->token) ==
		    -1)
			return PIERONE_ENOMEM;
		own = base64_encode((unsigned char *)plain, strlen(plain));
		str_freezero(plain);
		if ((b = own) == NULL)
			return PIERONE_ENOMEM;
	}
	if (b == NULL)
		return PIERONE_EAUTH;
	if (asprintf(line, "Authorization: Basic %s", b) == -1) {
		*line = NULL;
		rc = PIERONE_ENOMEM;
	}
	str_freezero(own);
	return rc;
}

/* Use the cached token, wait for it, or fetch it. */
static enum auth_step
tok_step(struct auth_tok *t, char **line, struct auth_tok **wait)
{
	switch (t->state) {
	case TOK_READY:
		return bearer_line(line, t) == 0 ? AUTH_SEND : AUTH_NOMEM;
	case TOK_PENDING:
		*wait = t;
		return AUTH_WAIT;
	case TOK_FAILED:
		*wait = t;
		return AUTH_FAIL;
	case TOK_NEW:
		break;
	}
	t->state = TOK_PENDING;
	*wait = t;
	return AUTH_FETCH;
}

enum auth_step
auth_resume(struct auth_tok *t, char **line)
{
	struct auth_tok *wait;

	*line = NULL;
	return tok_step(t, line, &wait);
}

enum auth_step
auth_for_path(pierone_client *c, const char *path, char **line,
    struct auth_tok **wait)
{
	struct auth *a = auth_get(c);
	struct auth_tok *t;
	char *scope;

	*line = NULL;
	*wait = NULL;
	if (a == NULL)
		return AUTH_NOMEM;
	if (a->use_basic)
		return basic_line(line, c, a) == PIERONE_ENOMEM ? AUTH_NOMEM :
		    AUTH_SEND;
	if (a->realm != NULL && (scope = scope_of_path(path)) != NULL) {
		t = tok_entry(a, a->realm, a->service, scope);
		free(scope);
		if (t == NULL)
			return AUTH_NOMEM;
		return tok_step(t, line, wait);
	}
	if (c->token != NULL && asprintf(line, "Authorization: Bearer %s",
	    c->token) == -1)
		return AUTH_NOMEM;
	return AUTH_SEND;
}

/* Did the Authorization line `sent` carry this bearer token? */
static bool
sent_token(const char *sent, const char *token)
{
	static const char prefix[] = "Authorization: Bearer ";

	return sent != NULL && strncmp(sent, prefix, sizeof(prefix) - 1) == 0 &&
	    strcmp(sent + sizeof(prefix) - 1, token) == 0;
}

const char *
auth_credential(pierone_client *c, const char *line)
{
	static const char basic[] = "Authorization: Basic ";
	struct auth *a = c->auth;

	if (line == NULL)
		return "no credentials";
	if (c->token != NULL && sent_token(line, c->token))
		return "the OAuth2 token";
	if (strncmp(line, basic, sizeof(basic) - 1) != 0)
		return "a registry token";
	if (a != NULL && a->basic != NULL &&
	    strcmp(line + sizeof(basic) - 1, a->basic) == 0)
		return "Docker's credentials";
	return "oauth2 and the OAuth2 token (Basic)";
}

static bool
realm_ok(const char *realm)
{
	return strncasecmp(realm, "https://", 8) == 0 ||
	    strncasecmp(realm, "http://", 7) == 0;
}

enum auth_step
auth_on_401(pierone_client *c, const char *www_auth, const char *sent,
    char **line, struct auth_tok **wait)
{
	struct auth *a = auth_get(c);
	struct challenge ch;
	struct auth_tok *t;
	enum auth_step step = AUTH_GIVE_UP;
	int rc;

	*line = NULL;
	*wait = NULL;
	if (a == NULL || challenge_parse(&ch, www_auth != NULL ? www_auth :
	    "") != 0)
		return AUTH_NOMEM;
	if (ch.scheme == CH_BASIC) {
		/*
		 * Requests sent before the first 401 taught us Basic get it
		 * now; one that carried these very credentials was refused.
		 */
		a->use_basic = true;
		rc = basic_line(line, c, a);
		step = rc == 0 ? AUTH_SEND : rc == PIERONE_ENOMEM ?
		    AUTH_NOMEM : AUTH_NO_CREDS;
		if (rc == 0 && sent != NULL && strcmp(sent, *line) == 0) {
			str_freezero(*line);
			*line = NULL;
			step = AUTH_GIVE_UP;
		}
	} else if (ch.scheme == CH_BEARER && ch.realm != NULL &&
	    realm_ok(ch.realm)) {
		free(a->realm);
		free(a->service);
		a->realm = ch.realm;
		a->service = ch.service;
		ch.realm = ch.service = NULL;
		if ((t = tok_entry(a, a->realm, a->service, ch.scope)) == NULL) {
			challenge_clear(&ch);
			return AUTH_NOMEM;
		}
		/*
		 * Our token refused before its time (expired early by the
		 * registry's clock, or revoked): get a new one.  The caller
		 * answers two 401s at most, so this cannot go round.
		 */
		if (t->state == TOK_READY && sent_token(sent, t->token)) {
			str_freezero(t->token);
			t->token = NULL;
			t->state = TOK_NEW;
		}
		step = tok_step(t, line, wait);
	}
	challenge_clear(&ch);
	return step;
}

/*
 * Credentials go to a realm over HTTPS, or to the registry's own host:
 * never in clear text to a third party.
 */
static bool
may_send_creds(pierone_client *c, const char *realm)
{
	char *rh = NULL, *ch = NULL;
	bool ok;

	if (strncasecmp(realm, "https://", 8) == 0)
		return true;
	ok = pierone_registry_host(&rh, realm, NULL) == 0 &&
	    pierone_registry_host(&ch, c->url, NULL) == 0 &&
	    strcasecmp(rh, ch) == 0 &&
	    strncasecmp(c->url, "http://", 7) == 0;
	free(rh);
	free(ch);
	return ok;
}

static int
append_param(struct buf *b, char *sep, const char *name, const char *value,
    size_t len)
{
	char *v = strndup(value, len), *enc = v != NULL ? segment_encode(v) :
	    NULL;
	int rc = enc != NULL ? buf_printf(b, "%c%s=%s", *sep, name, enc) :
	    PIERONE_ENOMEM;

	*sep = '&';
	free(v);
	free(enc);
	return rc;
}

int
auth_fetch_request(pierone_client *c, struct auth_tok *t, char **url,
    char **line)
{
	struct auth *a = c->auth;
	struct buf b = { 0 };
	char sep = strchr(t->realm, '?') != NULL ? '&' : '?';
	const char *s;
	size_t len;
	int rc;

	*url = *line = NULL;
	rc = buf_printf(&b, "%s", t->realm);
	if (rc == 0 && t->service != NULL)
		rc = append_param(&b, &sep, "service", t->service,
		    strlen(t->service));
	/* Several scopes are separated by spaces: one parameter each. */
	for (s = t->scope; rc == 0 && s != NULL && *s != '\0'; s += len) {
		s += strspn(s, " ");
		if ((len = strcspn(s, " ")) > 0)
			rc = append_param(&b, &sep, "scope", s, len);
	}
	/* The same credentials as for Basic, where they may go. */
	t->creds_sent = false;
	if (rc == 0 && may_send_creds(c, t->realm)) {
		rc = basic_line(line, c, a);
		t->creds_sent = rc == 0;
		if (rc == PIERONE_EAUTH)
			rc = 0;		/* none: ask anonymously */
	}
	if (rc != 0) {
		buf_free(&b);
		return PIERONE_ENOMEM;
	}
	*url = b.data;
	return 0;
}

/* The token answer: {"token" or "access_token", "expires_in"}. */
static int
token_parse(struct auth_tok *t, const struct buf *body, double now)
{
	cJSON *root = cJSON_ParseWithLength(body->data, body->len);
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(root, "token"),
	    *exp = cJSON_GetObjectItemCaseSensitive(root, "expires_in");
	double ttl = TOKEN_DEFAULT_TTL;
	int rc = 0;

	if (!cJSON_IsString(tok) || tok->valuestring[0] == '\0')
		tok = cJSON_GetObjectItemCaseSensitive(root, "access_token");
	if (!cJSON_IsString(tok) || tok->valuestring[0] == '\0' ||
	    strpbrk(tok->valuestring, "\r\n") != NULL)
		rc = PIERONE_EBADRESPONSE;
	else if ((t->token = strdup(tok->valuestring)) == NULL)
		rc = PIERONE_ENOMEM;
	if (cJSON_IsNumber(exp) && exp->valuedouble >= 1)
		ttl = exp->valuedouble;
	/* A short-lived token is still used once, however short. */
	t->expires = now + (ttl > 2 * TOKEN_MARGIN ? ttl - TOKEN_MARGIN : ttl);
	/* "token" and "access_token" are often both there: wipe all. */
	json_wipe(root);
	cJSON_Delete(root);
	return rc;
}

int
auth_fetch_done(pierone_client *c, struct auth_tok *t, long status,
    const struct buf *body, const char *url)
{
	int rc;

	if (status >= 200 && status <= 299) {
		if ((rc = token_parse(t, body, now_s())) == 0) {
			t->state = TOK_READY;
			return 0;
		}
		err_set(&t->err, rc, rc == PIERONE_ENOMEM ? "out of memory" :
		    "GET %s: the answer holds no token", url);
	} else if (status == 403) {
		err_set(&t->err, PIERONE_EFORBIDDEN, "GET %s: HTTP 403: the "
		    "token service denies access to '%s'", url,
		    t->scope != NULL ? t->scope : "the registry");
	} else if (status == 401 && t->creds_sent) {
		err_set(&t->err, PIERONE_EAUTH, "GET %s: HTTP 401: the %s "
		    "for this registry were refused; run 'pierone login' or "
		    "'docker login'", url, c->auth->basic != NULL ? "Docker "
		    "credentials" : "Pier One token's credentials");
	} else if (status == 401 && c->auth->creds_err.code != 0) {
		err_set(&t->err, PIERONE_EAUTH, "GET %s: HTTP 401: this "
		    "registry wants a login, and the Docker credentials could "
		    "not be read: %s", url, c->auth->creds_err.msg);
	} else if (status == 401) {
		err_set(&t->err, PIERONE_EAUTH, "GET %s: HTTP 401: this "
		    "registry wants a login%s: run 'pierone login' or 'docker "
		    "login'", url, c->auth->basic != NULL ? " (credentials are "
		    "not sent in clear text to another host)" : "");
	} else {
		err_set(&t->err, status >= 500 ? PIERONE_ESERVER :
		    PIERONE_EBADRESPONSE, "GET %s: HTTP %ld from the token "
		    "service", url, status);
	}
	t->state = TOK_FAILED;
	return t->err.code;
}

void
auth_batch_start(pierone_client *c)
{
	/* A token that could not be had may come now (a 503 passed). */
	for (struct auth_tok *t = c->auth != NULL ? c->auth->toks : NULL;
	    t != NULL; t = t->next)
		if (t->state == TOK_FAILED)
			t->state = TOK_NEW;
}

void
auth_fetch_failed(struct auth_tok *t, const struct pierone_err *err)
{
	t->err = *err;
	t->state = TOK_FAILED;
}

/* Why Basic could not be answered, for the 401's message. */
const char *
auth_no_creds_reason(const pierone_client *c)
{
	const struct auth *a = c->auth;

	if (a != NULL && a->creds_err.code != 0)
		return a->creds_err.msg;
	return "no Docker credentials for this registry; run 'pierone "
	    "login' or 'docker login'";
}
