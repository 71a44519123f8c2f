/*
 * fake_auth.c - the fake registry (see fake.h):
 * Who may in: Basic and Bearer credentials, scopes, the 401 challenges,
 * what --api hides.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fake.h"


/* Returns the decoded length, or -1; out must hold 3/4 of strlen(in). */
static long
b64decode(const char *in, unsigned char *out)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*q;
	uint32_t		 acc = 0;
	long			 n = 0;
	int			 bits = 0;

	for (; *in != '\0' && *in != '='; in++) {
		if ((q = strchr(b64, *in)) == NULL)
			return -1;
		acc = acc << 6 | (uint32_t)(q - b64);
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	while (*in == '=')
		in++;
	return *in == '\0' ? n : -1;
}


bool
token_ok(const char *tok, size_t len)
{
	size_t	 i;

	for (i = 0; i < opt.ntokens; i++)
		if (strlen(opt.tokens[i]) == len &&
		    memcmp(opt.tokens[i], tok, len) == 0)
			return true;
	return false;
}


/* What follows "SCHEME " in the Authorization header, or NULL. */
static const char *
auth_param(struct MHD_Connection *c, const char *scheme)
{
	const char	*h;
	size_t		 n = strlen(scheme);

	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL || strncasecmp(h, scheme, n) != 0 || h[n] != ' ')
		return NULL;
	for (h += n; *h == ' '; h++)
		continue;
	return h;
}


/* HTTP Basic's "user:password", not NUL-terminated; -1 if none. */
long
basic_creds(struct MHD_Connection *c, unsigned char *dec, size_t size)
{
	const char	*h;

	if ((h = auth_param(c, "Basic")) == NULL || strlen(h) >= size)
		return -1;
	return b64decode(h, dec);
}


/* Basic's "oauth2:TOKEN" (n bytes, -1 for none) with a --token. */
static bool
oauth2_ok(const unsigned char *dec, long n)
{
	return n >= 7 && memcmp(dec, "oauth2:", 7) == 0 &&
	    token_ok((const char *)dec + 7, (size_t)n - 7);
}


/*
 * --user, --client and --registry-user entries are "NAME:SECRET", just
 * what Basic encodes: compared whole, a secret may hold colons and any
 * bytes.
 */
bool
pair_listed(const unsigned char *dec, long n, const char *const *list,
    size_t count)
{
	size_t	 i;

	for (i = 0; n >= 0 && i < count; i++)
		if (strlen(list[i]) == (size_t)n &&
		    memcmp(list[i], dec, (size_t)n) == 0)
			return true;
	return false;
}


/* "Bearer TOKEN" or "Basic base64(oauth2:TOKEN)". */
static bool
authorized(struct MHD_Connection *c)
{
	unsigned char	 dec[2048];
	const char	*h;

	if ((h = auth_param(c, "Bearer")) != NULL)
		return token_ok(h, strlen(h));
	return oauth2_ok(dec, basic_creds(c, dec, sizeof(dec)));
}


/* --auth basic: Basic oauth2:TOKEN, or a --registry-user. */
bool
basic_registry(struct MHD_Connection *c)
{
	unsigned char	 dec[2048];
	long		 n = basic_creds(c, dec, sizeof(dec));

	return oauth2_ok(dec, n) ||
	    pair_listed(dec, n, opt.regusers, opt.nregusers);
}


/*
 * What a registry token must grant for the path, in Distribution's
 * terms; "" when any token of ours will do (the ping, for one).
 */
static char *
needed_scope(const char *path)
{
	struct sbuf	 sb = { 0 };
	char		*copy = xstrdup(path), *v[MAXSEG];
	size_t		 n = split_path(copy, v);

	sb_add(&sb, "", 0);
	if (n == 2 && strcmp(v[0], "v2") == 0 &&
	    strcmp(v[1], "_catalog") == 0)
		sb_str(&sb, "registry:catalog:*");
	else if (n >= 4 && strcmp(v[0], "v2") == 0) {
		sb_str(&sb, "repository:");
		sb_str(&sb, v[1]);
		sb_str(&sb, "/");
		sb_str(&sb, v[2]);
		sb_str(&sb, ":pull");
	}
	free(copy);
	return sb.p;
}


/* Is act one of the comma-separated actions, len bytes of list? */
static bool
action_listed(const char *list, size_t len, const char *act)
{
	size_t	 n, alen = strlen(act);

	for (;;) {
		for (n = 0; n < len && list[n] != ','; n++)
			continue;
		if (n == alen && memcmp(list, act, n) == 0)
			return true;
		if (n == len)
			return false;
		list += n + 1;
		len -= n + 1;
	}
}


/*
 * Does one of the granted "TYPE:NAME:ACTIONS" let need, "TYPE:NAME:ACT",
 * through?  The actions follow the last colon: a NAME may hold colons.
 */
static bool
scopes_cover(const char *g, const char *need)
{
	const char	*act = strrchr(need, ':') + 1, *colon;
	size_t		 tn = (size_t)(act - 1 - need), len;

	for (; *g != '\0'; g += len) {
		g += strspn(g, " ");
		len = strcspn(g, " ");
		colon = memrchr(g, ':', len);
		if (colon != NULL && (size_t)(colon - g) == tn &&
		    memcmp(g, need, tn) == 0 && action_listed(colon + 1,
		    (size_t)(g + len - colon - 1), act))
			return true;
	}
	return false;
}


int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


/* --auth bearer: a registry token of ours, alive, granting need. */
static bool
bearer_ok(struct MHD_Connection *c, const char *need)
{
	const char	*tok = auth_param(c, "Bearer");
	bool		 ok = false;
	size_t		 i;

	if (tok == NULL)
		return false;
	pthread_mutex_lock(&rtokens.lock);
	for (i = 0; i < rtokens.n; i++) {
		if (strcmp(rtokens.v[i].tok, tok) != 0)
			continue;
		ok = rtokens.v[i].expires > now_ms() && (*need == '\0' ||
		    scopes_cover(rtokens.v[i].scopes, need));
		break;
	}
	pthread_mutex_unlock(&rtokens.lock);
	return ok;
}


/* Distribution's 401: the challenge says where to log in. */
void
reply_unauthorized(struct reply *r, const char *challenge)
{
	reply_v2err(r, MHD_HTTP_UNAUTHORIZED, "UNAUTHORIZED",
	    "authentication required");
	reply_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, challenge);
}


/* Docker's token protocol: realm, service and the scope to ask for. */
static void
reply_bearer_challenge(struct reply *r, const char *scope)
{
	struct sbuf	 sb = { 0 };

	sb_str(&sb, "Bearer realm=\"");
	sb_str(&sb, realm);
	sb_str(&sb, "\",service=\"" SERVICE "\"");
	if (scope_ok(scope)) {
		sb_str(&sb, ",scope=\"");
		sb_str(&sb, scope);
		sb_str(&sb, "\"");
	}
	reply_unauthorized(r, sb.p);
	free(sb.p);
}


/* A web site's page: 404 or 200, as --api none and web answer. */
static void
web_page(struct reply *r, unsigned int status)
{
	reply_text(r, status, status == MHD_HTTP_OK ? "<!doctype html><html>"
	    "<head><title>Welcome</title></head><body><h1>It works"
	    "</h1></body></html>\n" : "<!doctype html><html><head><title>"
	    "404 Not Found</title></head><body><h1>Not Found</h1>"
	    "</body></html>\n");
	reply_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/html; charset=utf-8");
}

/*
 * --api: Distribution knows nothing but /v2/; Pier One-only lacks it; a
 * web site (none, web) knows neither.
 */
bool
api_hidden(struct reply *r, const char *path)
{
	bool	 v2 = strncmp(path, "/v2/", 4) == 0;

	if (opt.api == API_NONE || opt.api == API_WEB) {
		web_page(r, opt.api == API_WEB ? MHD_HTTP_OK :
		    MHD_HTTP_NOT_FOUND);
		return true;
	}
	if (opt.api == API_V2 && !v2 && opt.portal) {
		reply_text(r, MHD_HTTP_OK, "<!doctype html><html><head><title>"
		    "Registry</title></head><body></body></html>\n");
		reply_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    "text/html; charset=utf-8");
		return true;
	}
	if (opt.api == API_V2 && !v2) {
		reply_text(r, MHD_HTTP_NOT_FOUND, "404 page not found\n");
		reply_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    "text/plain; charset=utf-8");
		return true;
	}
	if (opt.api == API_PIERONE && v2) {
		reply_msg(r, MHD_HTTP_NOT_FOUND, "Not found");
		return true;
	}
	return false;
}


/* False, with the 401 in r, if the request lacks what --auth wants. */
bool
registry_auth(struct reply *r, struct MHD_Connection *c, const char *path)
{
	char	*need;
	bool	 ok;

	switch (opt.auth) {
	case AUTH_NONE:
		return true;
	case AUTH_BASIC:
		if (!(ok = basic_registry(c)))
			reply_unauthorized(r, BASIC_REALM);
		return ok;
	case AUTH_BEARER:
		need = needed_scope(path);
		if (!(ok = bearer_ok(c, need)))
			reply_bearer_challenge(r, need);
		free(need);
		return ok;
	default:
		if (!(ok = authorized(c))) {
			reply_msg(r, MHD_HTTP_UNAUTHORIZED, "Unauthorized");
			reply_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
			    "Bearer realm=\"fake-registry\"");
		}
		return ok;
	}
}
