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
};

struct http {
	CURLM *multi;
	struct curl_slist *headers;	/* holds the token: wiped on free */
	struct xfer *slots;
	size_t nslots;
};

/* libcurl's global state is set up on the first request, not at start-up. */
static unsigned int curl_users;

static size_t
write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	if (x->fd > 0) {
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

static struct curl_slist *
headers_make(const char *token)
{
	struct curl_slist *l, *more;
	struct buf auth = { 0 };

	if ((l = curl_slist_append(NULL, "Accept: application/json")) == NULL)
		return NULL;
	if (token == NULL)
		return l;
	if (buf_printf(&auth, "Authorization: Bearer %s", token) != 0) {
		curl_slist_free_all(l);
		return NULL;
	}
	more = curl_slist_append(l, auth.data);
	buf_freezero(&auth);
	if (more == NULL)
		curl_slist_free_all(l);
	return more;
}

static void
headers_free(struct curl_slist *l)
{
	for (struct curl_slist *p = l; p != NULL; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(l);
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
slot_init(struct xfer *x, const struct http *h, const pierone_client *c)
{
	x->wake_ms = -1;
	if ((x->easy = curl_easy_init()) == NULL)
		return PIERONE_ENOMEM;
	easy_common(x->easy, x, c->user_agent, c->ca_file,
	    c->connect_timeout_ms, c->timeout_ms);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, h->headers);
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
		if ((h->multi = curl_multi_init()) == NULL ||
		    (h->headers = headers_make(c->token)) == NULL)
			return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	}
	if (n <= h->nslots)
		return 0;
	if ((slots = reallocarray(h->slots, n, sizeof(*slots))) == NULL)
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	h->slots = slots;
	memset(slots + h->nslots, 0, (n - h->nslots) * sizeof(*slots));
	for (; h->nslots < n; h->nslots++)
		if (slot_init(&slots[h->nslots], h, c) != 0)
			return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	/* WRITEDATA and PRIVATE point into the array, which may have moved. */
	for (size_t i = 0; i < h->nslots; i++) {
		curl_easy_setopt(slots[i].easy, CURLOPT_WRITEDATA, &slots[i]);
		curl_easy_setopt(slots[i].easy, CURLOPT_PRIVATE, &slots[i]);
		curl_easy_setopt(slots[i].easy, CURLOPT_ERRORBUFFER,
		    slots[i].errbuf);
	}
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)n);
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, (long)n);
	return 0;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->nslots; i++) {
		if (h->slots[i].easy != NULL)
			curl_easy_cleanup(h->slots[i].easy);
		buf_free(&h->slots[i].body);
		free(h->slots[i].url);
	}
	free(h->slots);
	if (h->multi != NULL)
		curl_multi_cleanup(h->multi);
	headers_free(h->headers);
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

/* Send the slot's request (again). */
static int
xfer_send(pierone_client *c, struct xfer *x)
{
	buf_free(&x->body);
	/* A file being downloaded starts over on every try. */
	if (x->fd > 0 && (ftruncate(x->fd, 0) != 0 ||
	    lseek(x->fd, 0, SEEK_SET) != 0))
		return PIERONE_EIO;
	x->errbuf[0] = '\0';
	x->too_large = false;
	x->write_failed = false;
	x->wake_ms = -1;
	x->tries++;
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

/* Start request `idx` on a free slot. */
static int
xfer_start(pierone_client *c, struct xfer *x, const char *path, size_t idx)
{
	free(x->url);
	if (asprintf(&x->url, "%s%s", c->url, path) == -1) {
		x->url = NULL;
		return PIERONE_ENOMEM;
	}
	x->idx = idx;
	x->tries = 0;
	x->max_body = c->max_response;
	curl_easy_setopt(x->easy, CURLOPT_URL, x->url);
	return xfer_send(c, x);
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

/*
 * A transfer is done: its result goes to res[x->idx], or false is
 * returned when it is to be tried again (x->wake_ms set).
 */
static bool
xfer_done(pierone_client *c, struct xfer *x, CURLcode cc,
    struct http_result *res)
{
	struct http_result *r = &res[x->idx];
	long status = 0;

	curl_multi_remove_handle(c->http->multi, x->easy);
	if (cc == CURLE_OK)
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (transient(cc, status) && !x->too_large && !x->write_failed &&
	    x->tries <= c->retries) {
		x->wake_ms = now_ms() + retry_delay(x);
		return false;
	}
	r->started = true;
	r->status = status;
	if (cc != CURLE_OK)
		r->rc = curl_error(&r->err, x, cc);
	else if (status < 200 || status > 299)
		r->rc = status_error(&r->err, answered_by(x), status);
	else if (x->body.data == NULL && buf_append(&x->body, "", 0) != 0)
		r->rc = err_set(&r->err, PIERONE_ENOMEM, "out of memory");
	if (r->rc == 0) {
		r->body = x->body;	/* the result takes the buffer over */
		memset(&x->body, 0, sizeof(x->body));
	}
	buf_free(&x->body);
	return true;
}

/*
 * Send again the requests whose wait is over; *wait_ms is how long until
 * the next one is due (or unchanged).  The number sent, or -1.
 */
static int
wake_retries(pierone_client *c, int *wait_ms)
{
	long long now = now_ms(), left;
	int sent = 0;

	for (size_t i = 0; i < c->http->nslots; i++) {
		struct xfer *x = &c->http->slots[i];

		if (x->wake_ms < 0)
			continue;
		if ((left = x->wake_ms - now) > 0) {
			if (left < *wait_ms)
				*wait_ms = (int)left;
			continue;
		}
		if (xfer_send(c, x) != 0)
			return -1;
		sent++;
	}
	return sent;
}

/* Run the multi handle until every started transfer is done. */
static int
run_all(pierone_client *c, const char *const *paths, size_t n, size_t next,
    size_t running, unsigned int flags, struct http_result *res)
{
	CURLM *multi = c->http->multi;
	size_t waiting = 0;
	bool failed = false;
	struct xfer *x;
	CURLMsg *m;
	int still, queued, wait_ms, woke;

	while (running > 0 || waiting > 0) {
		if (curl_multi_perform(multi, &still) != CURLM_OK)
			return PIERONE_ENOMEM;
		while ((m = curl_multi_info_read(multi, &queued)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &x);
			running--;
			if (!xfer_done(c, x, m->data.result, res)) {
				waiting++;
				continue;
			}
			/* After a failure the answer is known: start no more. */
			failed = failed || (res[x->idx].rc != 0 &&
			    !((flags & HTTP_404_OK) &&
			    res[x->idx].rc == PIERONE_ENOTFOUND));
			if (failed || next >= n)
				continue;
			if (xfer_start(c, x, paths[next], next) != 0)
				return PIERONE_ENOMEM;
			next++;
			running++;
		}
		wait_ms = 1000;
		if (waiting > 0 && (woke = wake_retries(c, &wait_ms)) != 0) {
			if (woke < 0)
				return PIERONE_ENOMEM;
			waiting -= (size_t)woke;
			running += (size_t)woke;
			continue;
		}
		if ((running > 0 || waiting > 0) &&
		    curl_multi_poll(multi, NULL, 0, wait_ms, NULL) != CURLM_OK)
			return PIERONE_ENOMEM;
	}
	return 0;
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
	size_t nslots = jobs == 0 ? 1 : jobs, i;
	int rc;

	memset(res, 0, n * sizeof(*res));
	if (n == 0)
		return 0;
	if (nslots > n)
		nslots = n;
	if ((rc = http_ready(c, nslots)) != 0)
		return rc;
	for (i = 0; i < nslots; i++)
		if (xfer_start(c, &c->http->slots[i], paths[i], i) != 0)
			break;
	rc = run_all(c, paths, n, i, i, flags, res);
	if (rc == 0 && i < nslots)
		rc = PIERONE_ENOMEM;
	if (rc != 0) {
		/* leave no transfer behind in the multi handle */
		for (size_t k = 0; k < c->http->nslots; k++)
			curl_multi_remove_handle(c->http->multi,
			    c->http->slots[k].easy);
		http_results_free(res, n);
		return err_set(&c->err, rc, "out of memory");
	}
	return 0;
}

void
http_results_free(struct http_result *res, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_free(&res[i].body);
}

/*
 * One request, on slot 0 (which keeps the answer's headers afterwards):
 * its outcome in *r, which the caller frees with http_results_free(r, 1)
 * whatever is returned; on failure c->err says why.
 */
static int
get_one(pierone_client *c, const char *path, struct http_result *r)
{
	int rc;

	if ((rc = http_get_many(c, &path, 1, 1, r)) != 0)
		return rc;
	if ((rc = r->rc) != 0)
		c->err = r->err;
	return rc;
}

int
http_get(pierone_client *c, const char *path, struct buf *body)
{
	struct http_result r;
	int rc;

	memset(body, 0, sizeof(*body));
	if ((rc = get_one(c, path, &r)) == 0) {
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

/* What a registry may answer for a manifest, newest formats first. */
static const char *const digest_accept[] = {
	"Accept: application/vnd.oci.image.index.v1+json",
	"Accept: application/vnd.oci.image.manifest.v1+json",
	"Accept: application/vnd.docker.distribution.manifest.list.v2+json",
	"Accept: application/vnd.docker.distribution.manifest.v2+json",
	NULL,
};

/* Manifests whose layers can be read: no index, no list. */
static const char *const layers_accept[] = {
	"Accept: application/vnd.oci.image.manifest.v1+json",
	"Accept: application/vnd.docker.distribution.manifest.v2+json",
	"Accept: application/vnd.docker.distribution.manifest.v1+prettyjws",
	"Accept: application/vnd.docker.distribution.manifest.v1+json",
	NULL,
};

static struct curl_slist *
manifest_headers(const char *token, const char *const *accept)
{
	struct curl_slist *l = headers_make(token), *more;

	for (size_t i = 0; l != NULL && accept[i] != NULL; i++) {
		if ((more = curl_slist_append(l, accept[i])) == NULL)
			headers_free(l);
		l = more;
	}
	return l;
}

static int
read_digest(pierone_client *c, struct xfer *x, char **out)
{
	struct curl_header *h;

	if (pierone_curl.easy_header == NULL)
		return err_set(&c->err, PIERONE_ENETWORK, "reading the digest "
		    "needs libcurl 7.83 or later");
	if (curl_easy_header(x->easy, "Docker-Content-Digest", 0,
	    CURLH_HEADER, -1, &h) != CURLHE_OK)
		return err_set(&c->err, PIERONE_EBADRESPONSE, "HEAD %s: no "
		    "Docker-Content-Digest header", x->url);
	if (!digest_valid(h->value))
		return err_set(&c->err, PIERONE_EBADRESPONSE, "HEAD %s: "
		    "invalid Docker-Content-Digest '%.80s'", x->url, h->value);
	if ((*out = strdup(h->value)) == NULL)
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	return 0;
}

/*
 * get_one() asking for a manifest in one of the `accept` formats (a HEAD
 * when `head`); slot 0 gets the client's usual headers back afterwards.
 */
static int
get_manifest(pierone_client *c, const char *path, const char *const *accept,
    bool head, struct http_result *r)
{
	struct curl_slist *hdr;
	struct xfer *x;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = http_ready(c, 1)) != 0)
		return rc;
	x = &c->http->slots[0];
	if ((hdr = manifest_headers(c->token, accept)) == NULL)
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, hdr);
	if (head)
		curl_easy_setopt(x->easy, CURLOPT_NOBODY, 1L);
	rc = get_one(c, path, r);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, c->http->headers);
	if (head)
		curl_easy_setopt(x->easy, CURLOPT_HTTPGET, 1L);
	headers_free(hdr);
	return rc;
}

int
http_head_digest(pierone_client *c, const char *path, char **out)
{
	struct http_result r;
	int rc;

	*out = NULL;
	/* The answer's headers stay with slot 0 until its next transfer. */
	if ((rc = get_manifest(c, path, digest_accept, true, &r)) == 0)
		rc = read_digest(c, &c->http->slots[0], out);
	http_results_free(&r, 1);
	return rc;
}

int
http_get_manifest(pierone_client *c, const char *path, struct buf *body)
{
	struct http_result r;
	int rc;

	memset(body, 0, sizeof(*body));
	if ((rc = get_manifest(c, path, layers_accept, false, &r)) == 0) {
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
	rc = get_one(c, path, &r);
	http_results_free(&r, 1);
	curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(x->easy, CURLOPT_NOPROGRESS, 1L);
	x->fd = 0;
	x->progress = NULL;
	return rc;
}
