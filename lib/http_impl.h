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

struct ramp;

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
	/* What the ramp (http_ramp.c) watches of this try. */
	struct ramp *ramp;
	bool in_multi;			/* added to the multi handle */
	long long open_ms;		/* >= 0: opened a connection then */
	long long tcp_ms;		/* >= 0: which connected then */
	curl_socket_t sock;		/* that connection's socket */
	bool answered;			/* its first answer byte was seen */
	int moves;			/* to another connection, this request */
};

/*
 * The most header bytes taken in one try (redirects included): below
 * libcurl's own cap of 300 KB, so that the message is ours.
 */
#define HEADERS_MAX	(256 * 1024)

/* A duration smoothed as RFC 6298 smooths round trips, in ms. */
struct est {
	double srtt, var;
	unsigned int n;			/* samples so far */
};

/* A socket libcurl opened; proven once an answer came over it. */
struct rsock {
	curl_socket_t fd;
	bool proven;
};

/*
 * How many connections the client's transfers may have open, as
 * CURLMOPT_MAX_HOST_CONNECTIONS: those that have answered ("proven"),
 * plus `probes` new ones at a time, never more than the run's jobs.  See
 * http_ramp.c.
 */
struct ramp {
	size_t jobs;			/* this run's most */
	size_t proven, unproven;	/* open sockets of each kind */
	size_t probes;			/* new connections at a time */
	size_t credit;			/* proofs toward one more probe */
	bool slow;			/* a stall was seen: grow slowly */
	long long hold_until;		/* after a stall: no new connection */
	long long hold_ms;		/* the next hold's length */
	long long last_answer;		/* a first answer byte came then */
	struct est connect;		/* socket opened to connected */
	struct est first;		/* connected to first answer byte */
	long cap;			/* as last set; 0: not yet */
	struct rsock *socks;
	size_t nsocks, socks_cap;
};

struct http {
	CURLM *multi;
	CURLSH *share;			/* DNS and TLS sessions, for all */
	struct xfer *slots;
	size_t nslots;
	unsigned int flags;		/* the batch's HTTP_* flags */
	const char *post_body;		/* HTTP_POST: what is sent */
	bool h2;			/* the registry answered over HTTP/2 */
	struct ramp ramp;
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
/*
 * " (the server answers plain HTTP: try http://HOST:PORT)" in `hint`
 * when the TLS handshake with `url` failed (`cc`, libcurl's message
 * `why`) because the server answered in plain text; else "".
 */
void plain_http_hint(char *hint, size_t size, const char *url, CURLcode cc,
    const char *why);
/* Worth another try; and how many ms to wait before try x->tries + 1. */
bool transient(CURLcode cc, long status);
long long retry_delay(const struct xfer *x);

/*
 * trace.c: the finished transfer `e` to the trace callback, if any: its
 * `attempt` (1 for the first) and the `credential` it carried, named.
 */
void http_trace(CURL *e, CURLcode cc, const char *method, int attempt,
    const char *credential);
/* Whether the application set a trace callback. */
bool http_tracing(void);
/*
 * The Authorization line the answer came to: x->auth_line, or NULL when
 * a redirect took the request to another origin (libcurl drops it).
 */
const char *http_auth_sent(const struct xfer *x);
/*
 * http_ramp.c: the ramp's callbacks on a slot's handle (again after the
 * slots moved); a run of `jobs` at most begins; a try begins.
 * ramp_learn() takes what a transfer shows at `now` (when its new
 * connection connected, its first answer); ramp_check() does and says,
 * of a transfer in the multi handle, whether it stalled (its new
 * connection neither connected nor answered in time while others work):
 * the caller moves it to another connection.  ramp_failed() says the
 * same of a transfer that ended with `cc`: its new connection failed
 * (refused, closed) before answering while others work.  ramp_apply()
 * sets the multi handle's connection cap.  *next: when to look again, if
 * sooner.
 */
void ramp_easy(CURL *e, struct xfer *x);
void ramp_start(struct ramp *r, CURLM *m, size_t jobs);
void ramp_try(struct xfer *x);
void ramp_learn(struct ramp *r, struct xfer *x, long long now);
bool ramp_check(struct ramp *r, struct xfer *x, long long now,
    long long *next);
bool ramp_failed(struct ramp *r, struct xfer *x, CURLcode cc, long long now);
void ramp_apply(struct ramp *r, CURLM *m, long long now, long long *next);
void ramp_free(struct ramp *r);

#endif /* PIERONE_HTTP_IMPL_H */
