/*
 * HTTP with libcurl.  Every registry request goes through one multi
 * handle per client, so connections are reused (keep-alive, HTTP/2
 * multiplexing over TLS) and independent requests run concurrently;
 * http_ramp.c says how many connections may be open as a run goes.
 * Every failure becomes one PIERONE_E* code and a message that starts
 * with the request ("GET URL: ...").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "base.h"
#include "auth.h"
#include "http.h"
#include "http_impl.h"

/* The requests of one http_get_many_ex() call, as they run. */
struct run {
	const char *const *paths;	/* or path_of() makes each */
	http_path_fn *path_of;
	size_t n, next;			/* next: the first not yet started */
	size_t running;			/* in the multi handle */
	size_t waiting;			/* for a retry, or for a token */
	unsigned int flags;
	bool failed;			/* start no more */
	struct http_result *res;	/* res[idx], or with `each` res[slot] */
	http_each_fn *each;		/* told each result, then it is freed */
	void *arg;
	/*
	 * Slots in use (-j at first) and made: over HTTP/2 the requests
	 * in flight are the streams of a connection, not -j (which bounds
	 * the connections), so more slots start once it is negotiated.
	 */
	size_t used, made;
};

/*
 * Requests in flight once HTTP/2 is seen: streams of one connection, as
 * many as common servers allow (nginx 128, Go's 250, h2o 100; libcurl
 * keeps to what the server says).
 */
#define H2_STREAMS	128

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
	const char *url;

	buf_free(&x->body);
	/* A file being downloaded starts over on every try. */
	if (x->fd > 0 && !x->fetching && (ftruncate(x->fd, 0) != 0 ||
	    lseek(x->fd, 0, SEEK_SET) != 0))
		return PIERONE_EIO;
	x->errbuf[0] = '\0';
	x->too_large = false;
	x->h_too_large = x->h_done = x->h_userinfo = false;
	x->h_bytes = 0;
	x->write_failed = false;
	x->wake_ms = -1;
	x->tries++;
	x->written = 0;
	/* A token answer is a few KiB; a file no more than declared. */
	x->max_body = x->fetching ? 1024 * 1024 : c->max_response;
	if (x->fd > 0 && !x->fetching && x->declared >= 0 &&
	    (uint64_t)x->declared < x->max_body)
		x->max_body = (size_t)x->declared;
	answer_headers_clear(x);
	url = x->fetching ? x->fetch_url : x->url;
	curl_easy_setopt(x->easy, CURLOPT_URL, url);
	/* What came over https must not go on in clear text. */
	curl_easy_setopt(x->easy, CURLOPT_REDIR_PROTOCOLS_STR,
	    strncasecmp(url, "https:", 6) == 0 ? "https" : "http,https");
	x->post = (c->http->flags & HTTP_POST) && !x->fetching;
	if ((c->http->flags & HTTP_HEAD) && !x->fetching)
		curl_easy_setopt(x->easy, CURLOPT_NOBODY, 1L);
	else if (x->post) {
		curl_easy_setopt(x->easy, CURLOPT_NOBODY, 0L);
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS,
		    c->http->post_body);
	}
	else
		curl_easy_setopt(x->easy, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
	ramp_try(x);
	if (curl_multi_add_handle(c->http->multi, x->easy) != CURLM_OK)
		return PIERONE_ENOMEM;
	x->in_multi = true;
	return 0;
}

/*
 * The slot's transfer stalled on a new connection, or that connection
 * failed before answering, while others work: send it again, to wait for
 * one of those.  Not a try of its own.
 */
static int
xfer_move(pierone_client *c, struct xfer *x)
{
	if (x->in_multi)
		curl_multi_remove_handle(c->http->multi, x->easy);
	x->in_multi = false;
	x->tries--;
	x->moves++;
	return xfer_send(c, x);
}

static const char *
effective_url(const struct xfer *x)
{
	char *eff = NULL;

	if (curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff) !=
	    CURLE_OK || eff == NULL)
		return x->url;
	return eff;
}

/*
 * The URL that gave the answer, for messages: after a redirect it is not
 * the one asked for.  Its query is left out: presigned storage URLs carry
 * credentials there.
 */
static const char *
answered_by(const struct xfer *x, char *buf, size_t size)
{
	const char *eff = effective_url(x);

	if (strcmp(eff, x->url) == 0)
		return x->url;
	snprintf(buf, size, "%.*s", (int)strcspn(eff, "?#"), eff);
	return buf;
}

/* A 401 from another host (a redirect's) says nothing about our token. */
static bool
answered_by_registry(const pierone_client *c, const struct xfer *x)
{
	return url_same_origin(effective_url(x), c->url);
}

static int launch(pierone_client *, struct run *, struct xfer *, size_t);

/* Where the slot's request puts its result. */
static struct http_result *
result_of(pierone_client *c, struct run *rn, const struct xfer *x)
{
	return rn->each != NULL ? &rn->res[x - c->http->slots] :
	    &rn->res[x->idx];
}

/*
 * The slot's request has its result: start the next request on the slot,
 * unless a failure means no more are wanted.
 */
static int
finish(pierone_client *c, struct run *rn, struct xfer *x)
{
	struct http_result *r = result_of(c, rn, x);
	bool failed = r->rc != 0 && !((rn->flags & HTTP_404_OK) &&
	    r->rc == PIERONE_ENOTFOUND);

	slot_reset(x);
	buf_free(&x->body);
	if (rn->each != NULL) {
		failed = rn->each(rn->arg, x->idx, r) != 0;
		http_results_free(r, 1);
		memset(r, 0, sizeof(*r));
	}
	/* After a failure the answer is known: start no more. */
	rn->failed = rn->failed || failed;
	if (rn->failed || rn->next >= rn->n)
		return 0;
	return launch(c, rn, x, rn->next++);
}

/* The request fails without (another) answer: `err` says why. */
static int
fail_request(pierone_client *c, struct run *rn, struct xfer *x,
    const struct pierone_err *err)
{
	struct http_result *r = result_of(c, rn, x);

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

/* The answer came over HTTP/2 (or later): streams, not connections. */
static bool
multiplexed(const struct xfer *x)
{
	long v = 0;

	return curl_easy_getinfo(x->easy, CURLINFO_HTTP_VERSION, &v) ==
	    CURLE_OK && v >= CURL_HTTP_VERSION_2_0;
}

/*
 * HTTP/2 came: the requests not yet started go on the slots made but
 * unused too, as streams of the connection(s) open; then `x` goes on.
 */
static int
widen(pierone_client *c, struct run *rn, struct xfer *x)
{
	int rc = 0;

	for (; rn->used < rn->made && rc == 0; rn->used++)
		if (!rn->failed && rn->next < rn->n)
			rc = launch(c, rn, &c->http->slots[rn->used],
			    rn->next++);
	return rc != 0 ? rc : finish(c, rn, x);
}

/*
 * The answer came over HTTP/2: widen the run, and remember that the
 * registry speaks it, so that the next run starts wide at once instead
 * of one round trip later (tags: the artifact list said so already).
 */
static int
h2_seen(pierone_client *c, struct run *rn, struct xfer *x)
{
	if (!c->http->h2 && answered_by_registry(c, x))
		c->http->h2 = true;
	return rn->used < rn->made ? widen(c, rn, x) : finish(c, rn, x);
}

/* Start request `idx` on the free slot `x`. */
static int
launch(pierone_client *c, struct run *rn, struct xfer *x, size_t idx)
{
	enum auth_step step;
	char *line, *own = NULL;
	const char *path;

	if (rn->path_of != NULL && rn->path_of(rn->arg, idx, &own) != 0)
		return PIERONE_ENOMEM;
	path = own != NULL ? own : rn->paths[idx];
	free(x->url);
	if (asprintf(&x->url, "%s%s", c->url, path) == -1) {
		x->url = NULL;
		free(own);
		return PIERONE_ENOMEM;
	}
	x->idx = idx;
	x->auth_tries = 0;
	x->moves = 0;
	step = auth_for_path(c, path, &line, &x->tok);
	free(own);
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

/*
 * The answer of a 2xx or error, into the request's result; a POST's
 * error answer keeps its body (problem details).
 */
static void
take_answer(struct xfer *x, CURLcode cc, long status, struct http_result *r)
{
	char *ct = NULL, buf[1024];

	r->started = true;
	r->status = status;
	if (cc != CURLE_OK)
		r->rc = curl_error(&r->err, x, cc);
	else if (status < 200 || status > 299)
		r->rc = status_error(&r->err, x->post ? "POST" : "GET",
		    answered_by(x, buf, sizeof(buf)), status);
	else if (x->body.data == NULL && buf_append(&x->body, "", 0) != 0)
		r->rc = err_set(&r->err, PIERONE_ENOMEM, "out of memory");
	if (r->rc != 0 && !(x->post && cc == CURLE_OK))
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

	ramp_learn(&c->http->ramp, x, mono_ms());
	curl_multi_remove_handle(c->http->multi, x->easy);
	x->in_multi = false;
	rn->running--;
	if (cc == CURLE_OK)
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	/* naming the credential parses two URLs: only for a trace */
	if (http_tracing())
		http_trace(x->easy, cc, x->post ? "POST" : "GET", x->tries,
		    auth_credential(c, http_auth_sent(x)));
	if (ramp_failed(&c->http->ramp, x, cc, mono_ms())) {
		rn->running++;
		return xfer_move(c, x);
	}
	/* A POST may have been acted on: never sent twice. */
	if (transient(cc, status) && !x->too_large && !x->write_failed &&
	    !x->post && x->tries <= c->retries) {
		x->wake_ms = mono_ms() + retry_delay(x);
		rn->waiting++;
		return 0;
	}
	if (x->fetching)
		return fetch_done(c, rn, x, cc, status);
	/* Twice at most: a Basic challenge, then a realm's token. */
	if (cc == CURLE_OK && status == 401 && x->auth_tries < 2 &&
	    answered_by_registry(c, x)) {
		x->auth_tries++;
		step = auth_on_401(c, x->h_auth, x->auth_line, &line, &x->tok);
		if (step != AUTH_GIVE_UP)
			return apply(c, rn, x, step, line);
	}
	take_answer(x, cc, status, result_of(c, rn, x));
	if (cc == CURLE_OK && multiplexed(x))
		return h2_seen(c, rn, x);
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
	long long now = mono_ms(), left;
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

/*
 * The ramp learns from the transfers in the multi handle, moves those
 * that stalled and sets the connection cap; *wait_ms shrinks to when it
 * wants to look again.
 */
static int
ramp_turn(pierone_client *c, int *wait_ms)
{
	struct http *h = c->http;
	long long now = mono_ms(), next = now + *wait_ms;
	int rc;

	for (size_t i = 0; i < h->nslots; i++) {
		struct xfer *x = &h->slots[i];

		if (x->in_multi && ramp_check(&h->ramp, x, now, &next) &&
		    (rc = xfer_move(c, x)) != 0)
			return rc;
	}
	ramp_apply(&h->ramp, h->multi, now, &next);
	*wait_ms = next > now ? (int)(next - now) : 0;
	return 0;
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
		if ((rc = ramp_turn(c, &wait_ms)) != 0)
			return rc;
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
		x->in_multi = false;
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

/*
 * The requests of `rn`, at most `jobs` connections at a time.  Non-zero
 * (c->err set) only when the machinery itself fails.
 */
static int
run(pierone_client *c, struct run *rn, unsigned int jobs)
{
	size_t nslots = jobs == 0 ? 1 : jobs, n = rn->n;
	int rc = 0;

	if (nslots > n)
		nslots = n;
	/* over TLS, HTTP/2 may come: slots for its streams, used if so */
	rn->used = rn->made = nslots;
	if (strncasecmp(c->url, "https:", 6) == 0 && nslots < H2_STREAMS &&
	    n > nslots)
		rn->made = n < H2_STREAMS ? n : H2_STREAMS;
	if ((rc = http_ready(c, rn->made)) != 0)
		return rc;
	if (rn->each != NULL &&
	    (rn->res = calloc(rn->made, sizeof(*rn->res))) == NULL)
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	c->http->flags = rn->flags;
	ramp_start(&c->http->ramp, c->http->multi, nslots);
	auth_batch_start(c);
	/* streams of the connection open (or the one that opens first) */
	if (c->http->h2)
		rn->used = rn->made;
	for (size_t i = 0; i < rn->used && rc == 0; i++)
		if (!rn->failed && rn->next < n)
			rc = launch(c, rn, &c->http->slots[i], rn->next++);
	if (rc == 0)
		rc = run_all(c, rn);
	if (rc == 0)
		return 0;
	run_abort(c);
	return err_set(&c->err, rc, rc == PIERONE_EIO ? "cannot write to a "
	    "temporary file" : "out of memory");
}

int
http_get_many_ex(pierone_client *c, const char *const *paths, size_t n,
    unsigned int jobs, unsigned int flags, struct http_result *res)
{
	struct run rn = { .paths = paths, .n = n, .flags = flags, .res = res };
	int rc;

	memset(res, 0, n * sizeof(*res));
	if (n == 0 || (rc = run(c, &rn, jobs)) == 0)
		return 0;
	http_results_free(res, n);
	return rc;
}

int
http_get_each(pierone_client *c, http_path_fn *path_of, size_t n,
    unsigned int jobs, unsigned int flags, http_each_fn *each, void *arg)
{
	struct run rn = { .path_of = path_of, .n = n, .flags = flags,
	    .each = each, .arg = arg };
	int rc;

	if (n == 0)
		return 0;
	rc = run(c, &rn, jobs);
	if (rn.res != NULL)
		http_results_free(rn.res, rn.made);
	free(rn.res);
	return rc;
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
