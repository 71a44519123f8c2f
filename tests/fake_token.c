/*
 * fake_token.c - the fake registry (see fake.h):
 * The token services: /access_token, /oauth2/access_token (RFC 6749)
 * and the registry's /auth/token.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fake.h"


/*
 * The token service's routes, told apart by the raw path before the
 * body arrives: only the OAuth2 route keeps its body.
 */
enum svc
token_route(const char *path)
{
	if (strcmp(path, "/access_token") == 0)
		return S_TOKEN;
	if (strcmp(path, "/oauth2/access_token") == 0)
		return S_OAUTH2;
	if (opt.auth == AUTH_BEARER && strcmp(path, "/auth/token") == 0)
		return S_REGTOKEN;
	return S_NONE;
}


/* Basic credentials, a --user or --client (list) entry. */
static bool
basic_ok(struct MHD_Connection *c, const char *const *list, size_t n)
{
	unsigned char	 dec[2048];

	return pair_listed(dec, basic_creds(c, dec, sizeof(dec)), list, n);
}


/* The password grant's username and password, against --user. */
static bool
user_ok(const char *name, const char *password)
{
	const char	*colon;
	size_t		 i, n = strlen(name);

	for (i = 0; i < opt.nusers; i++) {
		colon = strchr(opt.users[i], ':');
		if ((size_t)(colon - opt.users[i]) == n &&
		    strncmp(opt.users[i], name, n) == 0 &&
		    strcmp(colon + 1, password) == 0)
			return true;
	}
	return false;
}


static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}


/*
 * Form decoding, in place: '+' is a space, %XX a byte.  Strict on
 * purpose: a client that forgets to encode a '%' in a password should
 * fail here, not pass by luck.  An escaped NUL would cut the value
 * short, so it is refused too.
 */
static bool
form_unescape(char *s)
{
	char	*d = s;
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '+')
			*d++ = ' ';
		else if (*s != '%')
			*d++ = *s;
		else if ((hi = hexval(s[1])) < 0 || (lo = hexval(s[2])) < 0 ||
		    (hi == 0 && lo == 0))
			return false;
		else {
			*d++ = (char)(hi << 4 | lo);
			s += 2;
		}
	}
	*d = '\0';
	return true;
}


/* Splits and decodes s in place; false if malformed or too long. */
bool
form_parse(char *s, struct form *f)
{
	char	*pair, *eq;

	f->n = 0;
	while ((pair = strsep(&s, "&")) != NULL) {
		if (*pair == '\0')
			continue;
		if (f->n == FORM_MAX)
			return false;
		if ((eq = strchr(pair, '=')) != NULL)
			*eq++ = '\0';
		if (!form_unescape(pair) || (eq != NULL && !form_unescape(eq)))
			return false;
		f->name[f->n] = pair;
		f->value[f->n++] = eq != NULL ? eq : "";
	}
	return true;
}


/* 1 found, 0 absent, -1 sent twice (RFC 6749 §3.1 and §3.2 forbid it). */
int
form_get(const struct form *f, const char *name, const char **value)
{
	size_t	 i;
	int	 found = 0;

	*value = NULL;
	for (i = 0; i < f->n; i++) {
		if (strcmp(f->name[i], name) != 0)
			continue;
		if (found++ > 0)
			return -1;
		*value = f->value[i];
	}
	return found;
}


/*
 * RFC 6749 §3.3: space-separated printable ASCII, less '"' and '\'.
 * Also what makes the scope safe to echo into the JSON answer.
 */
bool
scope_ok(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	if (*p == '\0')
		return false;
	for (; *p != '\0'; p++)
		if (*p != ' ' && (*p < 0x21 || *p > 0x7e || *p == '"' ||
		    *p == '\\'))
			return false;
	return true;
}


/*
 * RFC 6749 §5.2.  Every 401 carries WWW-Authenticate, as HTTP wants,
 * even invalid_grant: Zalando's service answered that one with 401.
 */
static void
reply_error(struct reply *r, unsigned status, const char *error)
{
	char	 buf[80];

	snprintf(buf, sizeof(buf), "{\"error\": \"%s\"}", error);
	reply_text(r, status, buf);
	if (status == MHD_HTTP_UNAUTHORIZED)
		reply_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, SVC_REALM);
}


/* RFC 6749 §5.1, or --token-response verbatim to test broken ones. */
static void
reply_token(struct reply *r, const char *scope)
{
	struct sbuf	 sb = { 0 };
	char		 num[48];

	if (opt.token_response != NULL) {
		reply_text(r, MHD_HTTP_OK, opt.token_response);
		return;
	}
	sb_str(&sb, "{\"access_token\": \"");
	sb_esc(&sb, opt.issue);
	sb_str(&sb, "\"");
	if (!opt.no_expiry) {
		snprintf(num, sizeof(num), ", \"expires_in\": %lu",
		    opt.expires_in);
		sb_str(&sb, num);
	}
	sb_str(&sb, ", \"token_type\": \"Bearer\", \"scope\": \"");
	sb_str(&sb, scope);
	sb_str(&sb, "\"}");
	set_reply(r, MHD_HTTP_OK, &sb);
}


static void
reply_method(struct reply *r, const char *allow)
{
	reply_msg(r, MHD_HTTP_METHOD_NOT_ALLOWED, "Method not allowed");
	reply_header(r, MHD_HTTP_HEADER_ALLOW, allow);
}


/* GET /access_token?json=true&scope=uid[&realm=R], a user's Basic. */
void
route_access_token(struct reply *r, struct MHD_Connection *c,
    const struct request *rq, const char *method)
{
	struct form	 f;
	const char	*json, *scope, *q = strchr(rq->raw, '?');
	char		*query = xstrdup(q != NULL ? q + 1 : "");

	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0)
		reply_method(r, MHD_HTTP_METHOD_GET);
	else if (!basic_ok(c, opt.users, opt.nusers))
		reply_error(r, MHD_HTTP_UNAUTHORIZED, "invalid_grant");
	else if (!form_parse(query, &f) || form_get(&f, "json", &json) != 1 ||
	    strcmp(json, "true") != 0 || form_get(&f, "scope", &scope) != 1)
		reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid_request");
	else if (!scope_ok(scope))
		reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid_scope");
	else
		reply_token(r, scope);
	free(query);
}


/* The media type, less parameters such as "; charset=UTF-8". */
static bool
form_posted(struct MHD_Connection *c)
{
	static const char	 type[] = "application/x-www-form-urlencoded";
	const char		*h;

	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	return h != NULL && strncasecmp(h, type, sizeof(type) - 1) == 0 &&
	    strchr("; \t", h[sizeof(type) - 1]) != NULL;
}


/*
 * RFC 6749 §4.3.2, the password grant; the client authenticates with
 * HTTP Basic only (§2.3.1 also allows the body: pierone never does).
 * Missing or repeated parameters are invalid_request (§5.2).
 */
void
route_oauth2(struct reply *r, struct MHD_Connection *c, struct request *rq,
    const char *method)
{
	struct form	 f;
	const char	*grant, *user, *pass, *scope;
	int		 ns;

	sb_add(&rq->body, "", 0);	/* an empty body is still a string */
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
		reply_method(r, MHD_HTTP_METHOD_POST);
	else if (rq->toobig)
		reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE, "invalid_request");
	else if (!basic_ok(c, opt.clients, opt.nclients))
		reply_error(r, MHD_HTTP_UNAUTHORIZED, "invalid_client");
	else if (!form_posted(c) || !form_parse(rq->body.p, &f) ||
	    form_get(&f, "grant_type", &grant) != 1)
		reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid_request");
	else if (strcmp(grant, "password") != 0)
		reply_error(r, MHD_HTTP_BAD_REQUEST, "unsupported_grant_type");
	else if (form_get(&f, "username", &user) != 1 ||
	    form_get(&f, "password", &pass) != 1 ||
	    (ns = form_get(&f, "scope", &scope)) < 0)
		reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid_request");
	else if (ns == 1 && !scope_ok(scope))
		reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid_scope");
	else if (!user_ok(user, pass))
		reply_error(r, MHD_HTTP_UNAUTHORIZED, "invalid_grant");
	else
		reply_token(r, ns == 1 ? scope : "uid");
}


/*
 * A token for every scope asked for, space-separated into the table;
 * it never equals a --token, so that only this path can yield it.
 */
static char *
rtoken_issue(char *scopes)
{
	char		 buf[64], *p;
	uint64_t	 rnd;
	int64_t		 now = now_ms();
	size_t		 i = 0;

	pthread_mutex_lock(&rtokens.lock);
	while (i < rtokens.n) {		/* the expired are of no more use */
		if (rtokens.v[i].expires > now) {
			i++;
			continue;
		}
		free(rtokens.v[i].tok);
		free(rtokens.v[i].scopes);
		rtokens.v[i] = rtokens.v[--rtokens.n];
	}
	do {
		if (getentropy(&rnd, sizeof(rnd)) != 0)
			rnd = mix((uint64_t)now ^ rtokens.issued);
		p = put_num(stpcpy(buf, "rt-"), ++rtokens.issued, 1);
		*p++ = '-';
		*put_hex64(p, rnd) = '\0';
	} while (token_ok(buf, strlen(buf)));
	rtokens.v = xrealloc(rtokens.v, rtokens.n + 1, sizeof(*rtokens.v));
	rtokens.v[rtokens.n++] = (struct rtoken){ xstrdup(buf), scopes,
	    now + (int64_t)opt.rt_ttl * 1000 };
	pthread_mutex_unlock(&rtokens.lock);
	return xstrdup(buf);
}


static void
reply_rtoken(struct reply *r, const struct form *f)
{
	struct sbuf	 scopes = { 0 }, sb = { 0 };
	char		 when[32], *tok;
	time_t		 now = time(NULL);
	struct tm	 tm;
	size_t		 i;

	sb_add(&scopes, "", 0);
	for (i = 0; i < f->n; i++) {
		if (strcmp(f->name[i], "scope") != 0)
			continue;
		sb_str(&scopes, scopes.len > 0 ? " " : "");
		sb_str(&scopes, f->value[i]);
	}
	tok = rtoken_issue(scopes.p);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	sb_str(&sb, "{\"token\":\"");
	sb_str(&sb, tok);
	sb_str(&sb, "\",\"access_token\":\"");
	sb_str(&sb, tok);
	sb_str(&sb, "\",\"expires_in\":");
	sb_num(&sb, opt.rt_ttl);
	sb_str(&sb, ",\"issued_at\":\"");
	sb_str(&sb, when);
	sb_str(&sb, "\"}");
	set_reply(r, MHD_HTTP_OK, &sb);
	free(tok);
}


/*
 * GET /auth/token?service=fake-registry[&scope=S]...: Docker's token
 * protocol, for --auth bearer.  Basic credentials must be good by --auth
 * basic's rules; none at all will do with --anonymous.
 */
void
route_regtoken(struct reply *r, struct MHD_Connection *c,
    const struct request *rq, const char *method)
{
	struct form	 f;
	const char	*service, *q = strchr(rq->raw, '?');
	char		*query = xstrdup(q != NULL ? q + 1 : "");
	bool		 sent = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION) != NULL;

	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0)
		reply_method(r, MHD_HTTP_METHOD_GET);
	else if (!form_parse(query, &f) ||
	    form_get(&f, "service", &service) != 1 ||
	    strcmp(service, SERVICE) != 0)
		reply_v2err(r, MHD_HTTP_BAD_REQUEST, "DENIED", "bad service");
	else if (sent ? !basic_registry(c) : !opt.anonymous)
		reply_unauthorized(r, BASIC_REALM);
	else
		reply_rtoken(r, &f);
	free(query);
}


/* Only the OAuth2 route and POSTs read their body; others let it go. */
void
keep_body(struct request *rq, const char *data, size_t n)
{
	if ((rq->svc != S_OAUTH2 && !rq->post) || rq->toobig)
		return;
	if (n > BODY_MAX - rq->body.len) {
		rq->toobig = true;
		free(rq->body.p);
		rq->body = (struct sbuf){ 0 };
		return;
	}
	sb_add(&rq->body, data, n);
}
