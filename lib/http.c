/*
 * HTTP with libcurl.  Every registry request goes through one multi
 * handle per client, so connections are reused (keep-alive, HTTP/2
 * multiplexing over TLS) and independent requests run concurrently.
 * Every failure becomes one PIERONE_E* code and a message that starts
 * with the request ("GET URL: ...").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "curldl.h"
#include "internal.h"

/* One transfer slot; slots are reused for the next request. */
struct xfer {
	CURL *easy;
	struct buf body;
	char errbuf[CURL_ERROR_SIZE];
	char *url;
	size_t idx;			/* request index, for results */
	size_t max_body;
	bool too_large;
	int tries;			/* made so far for this request */
	long long wake_ms;		/* >= 0: waiting to be tried again */
	int fd;				/* > 0: the body goes to this file */
	bool write_failed;		/* writing to fd failed */
	http_progress_fn *progress;	/* with fd: told how far it got */
	void *progress_arg;
	/* Authentication (regauth.c decides what is sent). */
	struct curl_slist *hdrs;	/* this try's headers: wiped, freed */
	char *auth_line;		/* the Authorization line sent, or NULL */
	int auth_tries;			/* answers to 401s so far */
	struct auth_tok *tok;		/* the token fetched or waited for */
	bool fetching;			/* this try asks the realm for tok */
	bool parked;			/* waiting for tok's token */
	char *fetch_url;
	/* Headers of the answer, as far as we need them. */
	char *h_link, *h_auth, *h_digest;
};

struct http {
	CURLM *multi;
	struct xfer *slots;
	size_t nslots;
	unsigned int flags;		/* the batch's HTTP_* flags */
};

/* libcurl's global state is set up on the first request, not at start-up. */
static unsigned int curl_users;

static size_t
write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	if (x->fd > 0 && !x->fetching) {
		for (size_t off = 0; off < n; ) {
			ssize_t w = write(x->fd, data + off, n - off);

			if (w < 0) {
				x->write_failed = true;
				return 0;
			}
			off += (size_t)w;
		}
		return n;
	}
	if (x->body.len + n > x->max_body) {
		x->too_large = true;
		return 0;
	}
	if (buf_append(&x->body, data, n) != 0)
		return 0;
	return n;
}

static int
global_use(struct pierone_err *err)
{
	int rc;

	if (curl_users == 0) {
		if ((rc = curl_load(err)) != 0)
			return rc;
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			return err_set(err, PIERONE_ENOMEM, "cannot initialise "
			    "libcurl");
	}
	curl_users++;
	return 0;
}

static void
global_release(void)
{
	if (--curl_users == 0)
		curl_global_cleanup();
}

static void
headers_free(struct curl_slist *l)
{
	for (struct curl_slist *p = l; p != NULL; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

/* What a registry may answer for a manifest, newest formats first. */
static const char *const index_accept[] = {
	"Accept: application/vnd.oci.image.index.v1+json",
	"Accept: application/vnd.oci.image.manifest.v1+json",
	"Accept: application/vnd.docker.distribution.manifest.list.v2+json",
	"Accept: application/vnd.docker.distribution.manifest.v2+json",
	NULL,
};

/* Manifests whose layers can be read, or an index of them. */
static const char *const layers_accept[] = {
	"Accept: application/vnd.oci.image.manifest.v1+json",
	"Accept: application/vnd.docker.distribution.manifest.v2+json",
	"Accept: application/vnd.docker.distribution.manifest.v1+prettyjws",
	"Accept: application/vnd.docker.distribution.manifest.v1+json",
	"Accept: application/vnd.oci.image.index.v1+json",
	"Accept: application/vnd.docker.distribution.manifest.list.v2+json",
	NULL,
};

static const char *const json_accept[] = {
	"Accept: application/json",
	NULL,
};

/* The Accept lines of a batch (`flags`) and the Authorization line. */
static struct curl_slist *
request_headers(unsigned int flags, const char *auth_line)
{
	const char *const *accept = (flags & HTTP_MANIFEST_ANY) ? index_accept :
	    (flags & HTTP_MANIFEST) ? layers_accept : json_accept;
	struct curl_slist *l = NULL, *more;

	for (size_t i = 0; accept[i] != NULL; i++) {
		if ((more = curl_slist_append(l, accept[i])) == NULL) {
			headers_free(l);
			return NULL;
		}
		l = more;
	}
	if (auth_line != NULL &&
	    (more = curl_slist_append(l, auth_line)) == NULL) {
		headers_free(l);
		return NULL;
	}
	return auth_line != NULL ? more : l;
}

/* A header of the answer we keep: repeats are joined as HTTP lists are. */
static void
keep_header(char **dst, const char *name, const char *line, size_t n)
{
	size_t len = strlen(name);
	char *v, *joined;

	if (n <= len || strncasecmp(line, name, len) != 0 || line[len] != ':')
		return;
	for (line += len + 1, n -= len + 1; n > 0 && (*line == ' ' ||
	    *line == '\t'); line++, n--)
		continue;
	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n' ||
	    line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if (n > 8192 || (v = strndup(line, n)) == NULL)
		return;
	if (*dst == NULL) {
		*dst = v;
	} else if (asprintf(&joined, "%s, %s", *dst, v) != -1) {
		free(*dst);
		*dst = joined;
		free(v);
	} else {
		free(v);
	}
}

static void
answer_headers_clear(struct xfer *x)
{
	free(x->h_link);
	free(x->h_auth);
	free(x->h_digest);
	x->h_link = x->h_auth = x->h_digest = NULL;
}

static size_t
header_cb(char *data, size_t size, size_t nitems, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nitems;

	/* A new status line: a redirect or 100 before the real answer. */
	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0)
		answer_headers_clear(x);
	keep_header(&x->h_link, "Link", data, n);
	keep_header(&x->h_auth, "WWW-Authenticate", data, n);
	keep_header(&x->h_digest, "Docker-Content-Digest", data, n);
	return n;
}

/* Options every transfer shares, the registry's and the token service's. */
static void
easy_common(CURL *e, struct xfer *x, const char *user_agent,
    const char *ca_file, long connect_timeout_ms, long timeout_ms)
{
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, ca_file);
}

static int
slot_init(struct xfer *x, const pierone_client *c)
{
	x->wake_ms = -1;
	if ((x->easy = curl_easy_init()) == NULL)
		return PIERONE_ENOMEM;
	easy_common(x->easy, x, c->user_agent, c->ca_file,
	    c->connect_timeout_ms, c->timeout_ms);
	curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	/* Wait for a connection to multiplex on rather than open another. */
	curl_easy_setopt(x->easy, CURLOPT_PIPEWAIT, 1L);
	/* libcurl drops our Authorization header on a redirect to another host. */
	curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(x->easy, CURLOPT_MAXREDIRS, 5L);
	return 0;
}

/* The client's transfer machinery with at least `n` slots. */
static int
http_ready(pierone_client *c, size_t n)
{
	struct http *h = c->http;
	struct xfer *slots;

	int rc;

	if (h == NULL) {
		if ((rc = global_use(&c->err)) != 0)
			return rc;
		if ((h = c->http = calloc(1, sizeof(*h))) == NULL) {
			global_release();
			return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
		}
		if ((h->multi = curl_multi_init()) == NULL)
			return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	}
	if (n <= h->nslots)
		return 0;
	if ((slots = reallocarray(h->slots, n, sizeof(*slots))) == NULL)
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	h->slots = slots;
	memset(slots + h->nslots, 0, (n - h->nslots) * sizeof(*slots));
	for (; h->nslots < n; h->nslots++)
		if (slot_init(&slots[h->nslots], c) != 0)
			return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	/* WRITEDATA and PRIVATE point into the array, which may have moved. */
	for (size_t i = 0; i < h->nslots; i++) {
		curl_easy_setopt(slots[i].easy, CURLOPT_WRITEDATA, &slots[i]);
		curl_easy_setopt(slots[i].easy, CURLOPT_PRIVATE, &slots[i]);
		curl_easy_setopt(slots[i].easy, CURLOPT_HEADERDATA, &slots[i]);
		curl_easy_setopt(slots[i].easy, CURLOPT_ERRORBUFFER,
		    slots[i].errbuf);
	}
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)n);
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, (long)n);
	return 0;
}

/* Forget the request's authentication state and answer headers. */
static void
slot_reset(struct xfer *x)
{
	headers_free(x->hdrs);
	x->hdrs = NULL;
	if (x->auth_line != NULL)
		freezero(x->auth_line, strlen(x->auth_line) + 1);
	x->auth_line = NULL;
	free(x->fetch_url);
	x->fetch_url = NULL;
	x->fetching = false;
	x->tok = NULL;
	x->auth_tries = 0;
	answer_headers_clear(x);
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->nslots; i++) {
		if (h->slots[i].easy != NULL)
			curl_easy_cleanup(h->slots[i].easy);
		slot_reset(&h->slots[i]);
		buf_free(&h->slots[i].body);
		free(h->slots[i].url);
	}
	free(h->slots);
	if (h->multi != NULL)
		curl_multi_cleanup(h->multi);
	free(h);
	global_release();
}

static const char *
status_text(long status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 412: return "Precondition Failed";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return status >= 500 ? "server error" : "unexpected status";
	}
}

static int
status_error(struct pierone_err *err, const char *url, long status)
{
	const char *text = status_text(status);

	switch (status) {
	case 401:
		return err_set(err, PIERONE_EAUTH, "GET %s: HTTP 401 %s: "
		    "token missing, invalid or expired; run 'pierone login'",
		    url, text);
	case 403:
		return err_set(err, PIERONE_EFORBIDDEN,
		    "GET %s: HTTP 403 %s: your token has no access", url, text);
	case 404:
		return err_set(err, PIERONE_ENOTFOUND,
		    "GET %s: HTTP 404 %s", url, text);
	}
	return err_set(err, status >= 500 ? PIERONE_ESERVER :
	    PIERONE_EBADRESPONSE, "GET %s: HTTP %ld %s", url, status, text);
}

static int
curl_error(struct pierone_err *err, const struct xfer *x, CURLcode cc)
{
	const char *why = x->errbuf[0] != '\0' ? x->errbuf :
	    curl_easy_strerror(cc);
	int code = PIERONE_ENETWORK;

	if (x->write_failed)
		return err_set(err, PIERONE_EIO, "GET %s: cannot write to a "
		    "temporary file", x->url);
	if (x->too_large)
		return err_set(err, PIERONE_EBADRESPONSE,
		    "GET %s: response larger than %zu bytes refused (see "
		    "max_response_mib)", x->url, x->max_body);
	if (cc == CURLE_OUT_OF_MEMORY || cc == CURLE_WRITE_ERROR)
		return err_set(err, PIERONE_ENOMEM, "GET %s: out of memory",
		    x->url);
	if (cc == CURLE_OPERATION_TIMEDOUT)
		code = PIERONE_ETIMEOUT;
	if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE)
		return err_set(err, code, "GET %s: TLS certificate "
		    "verification failed: %s", x->url, why);
	return err_set(err, code, "GET %s: %s", x->url, why);
}

/* The requests of one http_get_many_ex() call, as they run. */
struct run {
	const char *const *paths;
	size_t n, next;			/* next: the first not yet started */
	size_t running;			/* in the multi handle */
	size_t waiting;			/* for a retry, or for a token */
	unsigned int flags;
	bool failed;			/* start no more */
	struct http_result *res;
};

static void
str_freezero(char *s)
{
	if (s != NULL)
		freezero(s, strlen(s) + 1);
}

/*
 * The headers of the slot's next try: the batch's Accept lines (a token
 * request's are JSON) and the Authorization `line`, taken over.
 */
static int
set_auth(pierone_client *c, struct xfer *x, char *line)
{
	headers_free(x->hdrs);
	str_freezero(x->auth_line);
	x->auth_line = line;
	x->hdrs = request_headers(x->fetching ? 0 : c->http->flags, line);
	return x->hdrs != NULL ? 0 : PIERONE_ENOMEM;
}

/* Send the slot's current try: the request, or the token request. */
static int
xfer_send(pierone_client *c, struct xfer *x)
{
	buf_free(&x->body);
	/* A file being downloaded starts over on every try. */
	if (x->fd > 0 && !x->fetching && (ftruncate(x->fd, 0) != 0 ||
	    lseek(x->fd, 0, SEEK_SET) != 0))
		return PIERONE_EIO;
	x->errbuf[0] = '\0';
	x->too_large = false;
	x->write_failed = false;
	x->wake_ms = -1;
	x->tries++;
	/* A token answer is a few KiB. */
	x->max_body = x->fetching ? 1024 * 1024 : c->max_response;
	answer_headers_clear(x);
	curl_easy_setopt(x->easy, CURLOPT_URL, x->fetching ? x->fetch_url :
	    x->url);
	if ((c->http->flags & HTTP_HEAD) && !x->fetching)
		curl_easy_setopt(x->easy, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(x->easy, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
	if (curl_multi_add_handle(c->http->multi, x->easy) != CURLM_OK)
		return PIERONE_ENOMEM;
	return 0;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Worth another try: the failure may be gone in a moment. */
static bool
transient(CURLcode cc, long status)
{
	switch (cc) {
	case CURLE_OK:
		return status == 408 || status == 429 || status == 500 ||
		    status == 502 || status == 503 || status == 504;
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

/* Milliseconds before try number `tries` + 1: Retry-After, or backoff. */
static long long
retry_delay(const struct xfer *x)
{
	curl_off_t after = 0;
	long long base;

	if (curl_easy_getinfo(x->easy, CURLINFO_RETRY_AFTER, &after) ==
	    CURLE_OK && after > 0)
		return (long long)(after < PIERONE_MAX_RETRY_AFTER ? after :
		    PIERONE_MAX_RETRY_AFTER) * 1000;
	base = 250LL << (x->tries - 1 < 5 ? x->tries - 1 : 5);
	if (base > 8000)
		base = 8000;
	/* "Equal jitter": half fixed, half random, so clients spread out. */
	return base / 2 + arc4random_uniform((uint32_t)(base / 2) + 1);
}

/*
 * The URL that gave the answer: after a redirect it is not the one asked
 * for, and a 401 from another host says nothing about our token.
 */
static const char *
answered_by(const struct xfer *x)
{
	char *eff = NULL;

	if (curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff) !=
	    CURLE_OK || eff == NULL)
		return x->url;
	return eff;
}

static int launch(pierone_client *, struct run *, struct xfer *, size_t);

/*
 * The slot's request has its result: start the next request on the slot,
 * unless a failure means no more are wanted.
 */
static int
finish(pierone_client *c, struct run *rn, struct xfer *x)
{
	const struct http_result *r = &rn->res[x->idx];

	slot_reset(x);
	buf_free(&x->body);
	/* After a failure the answer is known: start no more. */
	rn->failed = rn->failed || (r->rc != 0 && !((rn->flags & HTTP_404_OK) &&
	    r->rc == PIERONE_ENOTFOUND));
	if (rn->failed || rn->next >= rn->n)
		return 0;
	return launch(c, rn, x, rn->next++);
}

/* The request fails without (another) answer: `err` says why. */
static int
fail_request(pierone_client *c, struct run *rn, struct xfer *x,
    const struct pierone_err *err)
{
	struct http_result *r = &rn->res[x->idx];

	r->started = true;
	r->rc = err->code;
	r->err = *err;
	return finish(c, rn, x);
}

/* Do what regauth.c decided for the slot's request. */
static int
apply(pierone_client *c, struct run *rn, struct xfer *x, enum auth_step step,
    char *line)
{
	struct pierone_err e = { 0 };
	int rc;

	x->tries = 0;
	switch (step) {
	case AUTH_SEND:
		x->fetching = false;
		x->tok = NULL;
		break;
	case AUTH_FETCH:
		x->fetching = true;
		free(x->fetch_url);
		if (auth_fetch_request(c, x->tok, &x->fetch_url, &line) != 0)
			return PIERONE_ENOMEM;
		break;
	case AUTH_WAIT:
		x->parked = true;
		rn->waiting++;
		return 0;
	case AUTH_FAIL:
		return fail_request(c, rn, x, auth_tok_err(x->tok));
	case AUTH_NO_CREDS:
		err_set(&e, PIERONE_EAUTH, "GET %s: HTTP 401 Unauthorized: %s",
		    x->url, auth_no_creds_reason(c));
		return fail_request(c, rn, x, &e);
	case AUTH_GIVE_UP:
	case AUTH_NOMEM:
		str_freezero(line);
		return PIERONE_ENOMEM;
	}
	if ((rc = set_auth(c, x, line)) != 0 || (rc = xfer_send(c, x)) != 0)
		return rc;
	rn->running++;
	return 0;
}

/* Start request `idx` on the free slot `x`. */
static int
launch(pierone_client *c, struct run *rn, struct xfer *x, size_t idx)
{
	enum auth_step step;
	char *line;

	free(x->url);
	if (asprintf(&x->url, "%s%s", c->url, rn->paths[idx]) == -1) {
		x->url = NULL;
		return PIERONE_ENOMEM;
	}
	x->idx = idx;
	x->auth_tries = 0;
	step = auth_for_path(c, rn->paths[idx], &line, &x->tok);
	return apply(c, rn, x, step, line);
}

/* The realm answered the slot's token request. */
static int
fetch_done(pierone_client *c, struct run *rn, struct xfer *x, CURLcode cc,
    long status)
{
	struct pierone_err e = { 0 };
	enum auth_step step;
	char *line, *url = x->url;

	if (cc != CURLE_OK) {
		x->url = x->fetch_url;	/* the message names the realm */
		curl_error(&e, x, cc);
		x->url = url;
		auth_fetch_failed(x->tok, &e);
	} else {
		auth_fetch_done(c, x->tok, status, &x->body, x->fetch_url);
	}
	buf_freezero(&x->body);
	x->fetching = false;
	step = auth_resume(x->tok, &line);
	return apply(c, rn, x, step, line);
}

/* The answer of a 2xx or error, into the request's result. */
static void
take_answer(struct xfer *x, CURLcode cc, long status, struct http_result *r)
{
	char *ct = NULL;

	r->started = true;
	r->status = status;
	if (cc != CURLE_OK)
		r->rc = curl_error(&r->err, x, cc);
	else if (status < 200 || status > 299)
		r->rc = status_error(&r->err, answered_by(x), status);
	else if (x->body.data == NULL && buf_append(&x->body, "", 0) != 0)
		r->rc = err_set(&r->err, PIERONE_ENOMEM, "out of memory");
	if (r->rc != 0)
		return;
	r->body = x->body;	/* the result takes the buffer over */
	memset(&x->body, 0, sizeof(x->body));
	r->link = x->h_link;
	r->digest = x->h_digest;
	x->h_link = x->h_digest = NULL;
	if (curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct) ==
	    CURLE_OK && ct != NULL)
		r->content_type = strdup(ct);
}

/*
 * A transfer is done: try it again later, answer a 401, fetch a token,
 * or give the request its result and start the next one.
 */
static int
xfer_done(pierone_client *c, struct run *rn, struct xfer *x, CURLcode cc)
{
	enum auth_step step;
	long status = 0;
	char *line;

	curl_multi_remove_handle(c->http->multi, x->easy);
	rn->running--;
	if (cc == CURLE_OK)
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (transient(cc, status) && !x->too_large && !x->write_failed &&
	    x->tries <= c->retries) {
		x->wake_ms = now_ms() + retry_delay(x);
		rn->waiting++;
		return 0;
	}
	if (x->fetching)
		return fetch_done(c, rn, x, cc, status);
	/* Twice at most: a Basic challenge, then a realm's token. */
	if (cc == CURLE_OK && status == 401 && x->auth_tries < 2) {
		x->auth_tries++;
		step = auth_on_401(c, x->h_auth, x->auth_line, &line, &x->tok);
		if (step != AUTH_GIVE_UP)
			return apply(c, rn, x, step, line);
	}
	take_answer(x, cc, status, &rn->res[x->idx]);
	return finish(c, rn, x);
}

/*
 * Resume the slots whose wait is over: a retry that is due, or a token
 * that has come (or failed).  *wait_ms is how long until the next retry
 * is due (or unchanged).  The number resumed, or a PIERONE_E* code.
 */
static int
wake(pierone_client *c, struct run *rn, int *wait_ms)
{
	long long now = now_ms(), left;
	enum auth_step step;
	int woke = 0, rc;
	char *line;

	for (size_t i = 0; i < c->http->nslots; i++) {
		struct xfer *x = &c->http->slots[i];

		if (x->parked && auth_tok_state(x->tok) != TOK_PENDING) {
			x->parked = false;
			rn->waiting--;
			woke++;
			step = auth_resume(x->tok, &line);
			if ((rc = apply(c, rn, x, step, line)) != 0)
				return rc;
			continue;
		}
		if (x->wake_ms < 0)
			continue;
		if ((left = x->wake_ms - now) > 0) {
			if (left < *wait_ms)
				*wait_ms = (int)left;
			continue;
		}
		if ((rc = xfer_send(c, x)) != 0)
			return rc;
		rn->waiting--;
		rn->running++;
		woke++;
	}
	return woke;
}

/* Run the multi handle until every request has its result. */
static int
run_all(pierone_client *c, struct run *rn)
{
	CURLM *multi = c->http->multi;
	struct xfer *x;
	CURLMsg *m;
	int still, queued, wait_ms, woke, rc;

	while (rn->running > 0 || rn->waiting > 0) {
		if (curl_multi_perform(multi, &still) != CURLM_OK)
			return PIERONE_ENOMEM;
		while ((m = curl_multi_info_read(multi, &queued)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &x);
			if ((rc = xfer_done(c, rn, x, m->data.result)) != 0)
				return rc;
		}
		wait_ms = 1000;
		if (rn->waiting > 0 && (woke = wake(c, rn, &wait_ms)) != 0) {
			if (woke < 0)
				return woke;
			continue;
		}
		if ((rn->running > 0 || rn->waiting > 0) &&
		    curl_multi_poll(multi, NULL, 0, wait_ms, NULL) != CURLM_OK)
			return PIERONE_ENOMEM;
	}
	return 0;
}

/* After a failure of the machinery: leave nothing in flight or waiting. */
static void
run_abort(pierone_client *c)
{
	struct pierone_err e = { PIERONE_ENOMEM, "out of memory" };

	for (size_t k = 0; k < c->http->nslots; k++) {
		struct xfer *x = &c->http->slots[k];

		curl_multi_remove_handle(c->http->multi, x->easy);
		/* Nobody will fetch it now: later waiters must not hang. */
		if (x->fetching && x->tok != NULL)
			auth_fetch_failed(x->tok, &e);
		x->parked = false;
		x->wake_ms = -1;
		slot_reset(x);
	}
}

int
http_get_many(pierone_client *c, const char *const *paths, size_t n,
    unsigned int jobs, struct http_result *res)
{
	return http_get_many_ex(c, paths, n, jobs, 0, res);
}

int
http_get_many_ex(pierone_client *c, const char *const *paths, size_t n,
    unsigned int jobs, unsigned int flags, struct http_result *res)
{
	struct run rn = { .paths = paths, .n = n, .flags = flags, .res = res };
	size_t nslots = jobs == 0 ? 1 : jobs;
	int rc = 0;

	memset(res, 0, n * sizeof(*res));
	if (n == 0)
		return 0;
	if (nslots > n)
		nslots = n;
	if ((rc = http_ready(c, nslots)) != 0)
		return rc;
	c->http->flags = flags;
	for (size_t i = 0; i < nslots && rc == 0; i++)
		if (!rn.failed && rn.next < n)
			rc = launch(c, &rn, &c->http->slots[i], rn.next++);
	if (rc == 0)
		rc = run_all(c, &rn);
	if (rc != 0) {
		run_abort(c);
		http_results_free(res, n);
		return err_set(&c->err, rc, rc == PIERONE_EIO ? "cannot write "
		    "to a temporary file" : "out of memory");
	}
	return 0;
}

void
http_results_free(struct http_result *res, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		buf_free(&res[i].body);
		free(res[i].link);
		free(res[i].content_type);
		free(res[i].digest);
		res[i].link = res[i].content_type = res[i].digest = NULL;
	}
}

/*
 * One request, on slot 0, with the batch `flags`: its outcome in *r, which
 * the caller frees with http_results_free(r, 1) whatever is returned; on
 * failure c->err says why.
 */
static int
get_one(pierone_client *c, const char *path, unsigned int flags,
    struct http_result *r)
{
	int rc;

	if ((rc = http_get_many_ex(c, &path, 1, 1, flags, r)) != 0)
		return rc;
	if ((rc = r->rc) != 0)
		c->err = r->err;
	return rc;
}

int
http_get_one(pierone_client *c, const char *path, unsigned int flags,
    struct http_result *r)
{
	return get_one(c, path, flags, r);
}

int
http_get(pierone_client *c, const char *path, struct buf *body)
{
	struct http_result r;
	int rc;

	memset(body, 0, sizeof(*body));
	if ((rc = get_one(c, path, 0, &r)) == 0) {
		*body = r.body;		/* handed over */
		memset(&r.body, 0, sizeof(r.body));
	}
	http_results_free(&r, 1);
	return rc;
}

/* The token service: one transfer, no redirects, never retried. */
int
http_request(const struct http_req *req, long *status, struct buf *body,
    struct pierone_err *err)
{
	struct curl_slist *hdr;
	struct xfer x = { 0 };
	CURLcode cc;
	int rc = 0;

	*status = 0;
	memset(body, 0, sizeof(*body));
	if ((rc = global_use(err)) != 0)
		return rc;
	if ((x.easy = curl_easy_init()) == NULL) {
		global_release();
		return err_set(err, PIERONE_ENOMEM, "cannot set up libcurl");
	}
	x.max_body = 1024 * 1024;	/* a token answer is a few KiB */
	easy_common(x.easy, &x, req->user_agent, req->ca_file,
	    req->connect_timeout_ms, req->timeout_ms);
	curl_easy_setopt(x.easy, CURLOPT_URL, req->url);
	if (req->user != NULL) {
		curl_easy_setopt(x.easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(x.easy, CURLOPT_USERNAME, req->user);
		curl_easy_setopt(x.easy, CURLOPT_PASSWORD, req->password);
	}
	if (req->form != NULL)
		curl_easy_setopt(x.easy, CURLOPT_POSTFIELDS, req->form);
	if ((hdr = curl_slist_append(NULL, "Accept: application/json")))
		curl_easy_setopt(x.easy, CURLOPT_HTTPHEADER, hdr);
	if ((cc = curl_easy_perform(x.easy)) != CURLE_OK) {
		rc = err_set(err, cc == CURLE_OPERATION_TIMEDOUT ?
		    PIERONE_ETIMEOUT : PIERONE_ENETWORK, "%s %s: %s",
		    req->form != NULL ? "POST" : "GET", req->url,
		    x.errbuf[0] != '\0' ? x.errbuf : curl_easy_strerror(cc));
		buf_freezero(&x.body);
	} else {
		curl_easy_getinfo(x.easy, CURLINFO_RESPONSE_CODE, status);
		if (x.body.data == NULL && buf_append(&x.body, "", 0) != 0)
			rc = err_set(err, PIERONE_ENOMEM, "out of memory");
		*body = x.body;
	}
	curl_easy_cleanup(x.easy);
	curl_slist_free_all(hdr);
	global_release();
	return rc;
}

int
http_head_digest(pierone_client *c, const char *path, char **out)
{
	struct http_result r;
	int rc;

	*out = NULL;
	if ((rc = get_one(c, path, HTTP_MANIFEST_ANY | HTTP_HEAD, &r)) != 0)
		;
	else if (r.digest == NULL)
		rc = err_set(&c->err, PIERONE_EBADRESPONSE, "HEAD %s%s: no "
		    "Docker-Content-Digest header", c->url, path);
	else if (!digest_valid(r.digest))
		rc = err_set(&c->err, PIERONE_EBADRESPONSE, "HEAD %s%s: "
		    "invalid Docker-Content-Digest '%.80s'", c->url, path,
		    r.digest);
	else
		*out = r.digest;	/* handed over */
	if (*out != NULL)
		r.digest = NULL;
	http_results_free(&r, 1);
	return rc;
}

int
http_get_manifest(pierone_client *c, const char *path, struct buf *body)
{
	struct http_result r;
	int rc;

	memset(body, 0, sizeof(*body));
	if ((rc = get_one(c, path, HTTP_MANIFEST, &r)) == 0) {
		*body = r.body;		/* handed over */
		memset(&r.body, 0, sizeof(r.body));
	}
	http_results_free(&r, 1);
	return rc;
}

static int
xferinfo_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct xfer *x = arg;

	(void)ultotal, (void)ulnow;
	x->progress(x->progress_arg, (int64_t)dlnow, (int64_t)dltotal);
	return 0;
}

int
http_get_file(pierone_client *c, const char *path, int fd,
    http_progress_fn *progress, void *arg)
{
	struct http_result r;
	struct xfer *x;
	int rc;

	if ((rc = http_ready(c, 1)) != 0)
		return rc;
	x = &c->http->slots[0];
	x->fd = fd;
	x->progress = progress;
	x->progress_arg = arg;
	if (progress != NULL) {
		curl_easy_setopt(x->easy, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
		curl_easy_setopt(x->easy, CURLOPT_XFERINFODATA, x);
		curl_easy_setopt(x->easy, CURLOPT_NOPROGRESS, 0L);
	}
	/* Layers are stored compressed: no Accept-Encoding on top. */
	curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, NULL);
	rc = get_one(c, path, 0, &r);
	http_results_free(&r, 1);
	curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(x->easy, CURLOPT_NOPROGRESS, 1L);
	x->fd = 0;
	x->progress = NULL;
	return rc;
}
