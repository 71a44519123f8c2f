/*
 * The transfer machinery of http.c and httpslot.c, shared with
 * httpcalls.c (the single requests built on it) and nothing else.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef PIERONE_HTTP_IMPL_H
#define PIERONE_HTTP_IMPL_H

#include <curl/curl.h>

#include "auth.h"
#include "base.h"
#include "http.h"

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
	size_t written;			/* to fd in this try */
	int64_t declared;		/* with fd: its size, or -1 */
	bool write_failed;		/* writing to fd failed */
	http_progress_fn *progress;	/* with fd: told how far it got */
	void *progress_arg;
	/* Authentication (regauth.c decides what is sent). */
	struct curl_slist *hdrs;	/* this try's headers: wiped, freed */
	char *auth_line;		/* the Authorization line sent, or NULL */
	int auth_tries;			/* answers to 401s so far */
	struct auth_tok *tok;		/* the token fetched or waited for */
	bool fetching;			/* this try asks the realm for tok */
	bool post;			/* this try POSTs http->post_body */
	bool parked;			/* waiting for tok's token */
	char *fetch_url;
	/* Headers of the answer, as far as we need them. */
	char *h_link, *h_auth, *h_digest;
	size_t h_bytes;			/* of every header line this try */
	bool h_done;			/* the last line ended a section */
	bool h_too_large;		/* h_bytes went over HEADERS_MAX */
	bool h_userinfo;		/* a Location with user:password@ */
};

/*
 * The most header bytes taken in one try (redirects included): below
 * libcurl's own cap of 300 KB, so that the message is ours.
 */
#define HEADERS_MAX	(256 * 1024)

struct http {
	CURLM *multi;
	CURLSH *share;			/* DNS and TLS sessions, for all */
	struct xfer *slots;
	size_t nslots;
	unsigned int flags;		/* the batch's HTTP_* flags */
	const char *post_body;		/* HTTP_POST: what is sent */
};

/* httpslot.c: libcurl loaded and initialised; every use is released
 * once. */
int global_use(struct pierone_err *err);
void global_release(void);
/* The client's transfer machinery with at least `n` slots. */
int http_ready(pierone_client *c, size_t n);
/* Options every transfer shares, the registry's and the token service's. */
void easy_common(CURL *e, struct xfer *x, const char *user_agent,
    const char *ca_file, long connect_timeout_ms, long timeout_ms);
/* CURLOPT_WRITEFUNCTION of every transfer (the body, or x->fd). */
size_t write_cb(char *data, size_t size, size_t nmemb, void *arg);
/* Forget the request's authentication state and answer headers. */
void slot_reset(struct xfer *x);

/* httphdr.c: a request's headers (Accept by the batch's HTTP_* flags,
 * `auth_line` if not NULL); NULL when out of memory.  Free with
 * headers_free(), which wipes them. */
struct curl_slist *request_headers(unsigned int flags, const char *auth_line);
void headers_free(struct curl_slist *l);
/* CURLOPT_HEADERFUNCTION: keeps Link, WWW-Authenticate and
 * Docker-Content-Digest of the last answer in x->h_*. */
size_t header_cb(char *data, size_t size, size_t nitems, void *arg);
void answer_headers_clear(struct xfer *x);

/* httperr.c: err set for an HTTP status or a libcurl failure. */
int status_error(struct pierone_err *err, const char *method,
    const char *url, long status);
int curl_error(struct pierone_err *err, const struct xfer *x, CURLcode cc);
/* Worth another try; and how many ms to wait before try x->tries + 1. */
bool transient(CURLcode cc, long status);
long long retry_delay(const struct xfer *x);

/* trace.c: the finished transfer `e` to the trace callback, if any. */
void http_trace(CURL *e, CURLcode cc, const char *method);

#endif /* PIERONE_HTTP_IMPL_H */
