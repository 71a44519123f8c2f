/*
 * The ramp: connections to a server open a few at a time, more as the
 * new ones answer, up to the run's jobs.  A server with a short accept
 * queue drops the SYNs past it (the kernel sends them again after 1 s,
 * 3 s, ...) or leaves connections in the queue unserved: opening -j
 * connections at once turns a fan-out into seconds of waiting.
 *
 * The cap is CURLMOPT_MAX_HOST_CONNECTIONS, which libcurl reads whenever
 * a transfer wants a connection: a transfer over it waits for one of the
 * open connections.  It is the proven connections (open ones that have
 * answered) plus `probes` new ones at a time; every new connection that
 * answers adds a probe (slow start: the number of new ones doubles per
 * round trip) until a stall, then one per `probes` proofs.  A stall is a
 * new connection that has neither connected nor answered long after the
 * others did (the connect and answer times are smoothed as TCP smooths
 * round trips), or that failed before answering, while other
 * connections work: its transfer is moved to an open connection (the
 * caller removes and adds it again), probes are halved and no new
 * connection opens for a while (a hold, doubled while stalls go on).
 * HTTP/2 multiplexes the transfers over one connection whatever the cap.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include <curl/curl.h>

#include "base.h"
#include "http.h"
#include "http_impl.h"

#define PROBES_FIRST	4	/* new connections at first */
#define CONNECT_MIN	30	/* ms: a connect stalls after at least */
#define CONNECT_MAX	700	/* ...and at most: well before 1 s */
#define FIRST_MIN	50	/* ms from connected to the first answer */
#define FIRST_MAX	10000	/* byte (TLS, request, answer), likewise */
#define HOLD_MIN	100	/* ms without a new connection after a stall */
#define HOLD_MAX	5000
#define MOVES_MAX	3	/* of one request, then it waits as it is */

static void
est_add(struct est *e, long long ms)
{
	double s = ms > 0 ? (double)ms : 0;

	if (e->n++ == 0) {
		e->srtt = s;
		e->var = s / 2;
		return;
	}
	e->var = 0.75 * e->var + 0.25 * fabs(e->srtt - s);
	e->srtt = 0.875 * e->srtt + 0.125 * s;
}

/* How long is too long: 2 SRTT + 4 RTTVAR, within [min, max]. */
static long long
est_limit(const struct est *e, long long min, long long max)
{
	long long ms = (long long)ceil(2 * e->srtt + 4 * e->var);

	return ms < min ? min : ms > max ? max : ms;
}

static struct rsock *
sock_find(struct ramp *r, curl_socket_t fd)
{
	for (size_t i = 0; i < r->nsocks; i++)
		if (r->socks[i].fd == fd)
			return &r->socks[i];
	return NULL;
}

/* Out of memory, the socket goes untracked: the cap is a little off. */
static void
sock_add(struct ramp *r, curl_socket_t fd)
{
	struct rsock *v;
	size_t n;

	if (r->nsocks == r->socks_cap) {
		n = r->socks_cap > 0 ? 2 * r->socks_cap : 16;
		if ((v = reallocarray(r->socks, n, sizeof(*v))) == NULL)
			return;
		r->socks = v;
		r->socks_cap = n;
	}
	r->socks[r->nsocks++] = (struct rsock){ fd, false };
	r->unproven++;
}

static void
sock_del(struct ramp *r, curl_socket_t fd)
{
	struct rsock *s = sock_find(r, fd);

	if (s == NULL)
		return;
	if (s->proven)
		r->proven--;
	else
		r->unproven--;
	*s = r->socks[--r->nsocks];
}

/* CURLOPT_OPENSOCKETFUNCTION: libcurl's socket(), noted. */
static curl_socket_t
open_cb(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct xfer *x = arg;
	curl_socket_t fd;
	int type = a->socktype;

	(void)purpose;
#ifdef SOCK_CLOEXEC
	type |= SOCK_CLOEXEC;	/* no credential helper inherits it */
#endif
	if ((fd = socket(a->family, type, a->protocol)) == CURL_SOCKET_BAD)
		return fd;
	if (x->open_ms < 0)
		x->open_ms = mono_ms();
	x->sock = fd;
	sock_add(x->ramp, fd);
	return fd;
}

/* CURLOPT_CLOSESOCKETFUNCTION: its data is the ramp, which outlives
 * every connection (a connection keeps the pointer it was opened with). */
static int
close_cb(void *arg, curl_socket_t fd)
{
	sock_del(arg, fd);
	return close(fd);
}

void
ramp_easy(CURL *e, struct xfer *x)
{
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_cb);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, close_cb);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, x->ramp);
}

void
ramp_start(struct ramp *r, CURLM *m, size_t jobs)
{
	long long next = 0;

	r->jobs = jobs;
	if (r->probes == 0)
		r->probes = PROBES_FIRST;
	ramp_apply(r, m, mono_ms(), &next);
}

void
ramp_try(struct xfer *x)
{
	x->open_ms = x->tcp_ms = -1;
	x->sock = CURL_SOCKET_BAD;
	x->answered = false;
}

/* A new connection answered: one more probe, or a step toward one. */
static void
grow(struct ramp *r)
{
	r->hold_ms = 0;
	if (r->slow && ++r->credit < r->probes)
		return;
	r->credit = 0;
	if (r->probes < PIERONE_MAX_JOBS)
		r->probes++;
}

/* Once per hold: fewer probes, and none for a while. */
static void
stall(struct ramp *r, long long now)
{
	long long start = 4 * (long long)ceil(r->first.srtt);

	if (now < r->hold_until)
		return;
	r->slow = true;
	r->credit = 0;
	r->probes = r->probes > 1 ? r->probes / 2 : 1;
	if (r->hold_ms == 0)
		r->hold_ms = start > HOLD_MIN ? start : HOLD_MIN;
	else if ((r->hold_ms *= 2) > HOLD_MAX)
		r->hold_ms = HOLD_MAX;
	r->hold_until = now + r->hold_ms;
}

/* The try's first answer byte: times, and its connection proven. */
static void
answered(struct ramp *r, struct xfer *x, long long now)
{
	curl_socket_t fd = CURL_SOCKET_BAD;
	struct rsock *s;

	x->answered = true;
	r->last_answer = now;
	if (x->tcp_ms >= 0)
		est_add(&r->first, now - x->tcp_ms);
	if (curl_easy_getinfo(x->easy, CURLINFO_ACTIVESOCKET, &fd) !=
	    CURLE_OK || (s = sock_find(r, fd)) == NULL || s->proven)
		return;
	s->proven = true;
	r->proven++;
	r->unproven--;
	grow(r);
}

/*
 * Whether the socket's TCP connection is made.  libcurl tells its
 * connect time only once the connection is all set up, TLS included:
 * the handshakes of a new connection are no stalled connect.
 */
static bool
tcp_connected(curl_socket_t fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	return fd != CURL_SOCKET_BAD &&
	    getpeername(fd, (struct sockaddr *)&ss, &len) == 0;
}

/*
 * What the try shows: when its new connection connected (seen on its
 * socket while it goes on, else from libcurl's connect time, which
 * counts from the start of the transfer, the look-up included), its
 * first answer.
 */
void
ramp_learn(struct ramp *r, struct xfer *x, long long now)
{
	curl_off_t conn = 0, dns = 0;

	if (x->open_ms >= 0 && x->tcp_ms < 0 && !x->answered &&
	    tcp_connected(x->sock)) {
		x->tcp_ms = now;
		est_add(&r->connect, x->tcp_ms - x->open_ms);
	}
	if (x->open_ms >= 0 && x->tcp_ms < 0 && curl_easy_getinfo(x->easy,
	    CURLINFO_CONNECT_TIME_T, &conn) == CURLE_OK && conn > 0) {
		(void)curl_easy_getinfo(x->easy, CURLINFO_NAMELOOKUP_TIME_T,
		    &dns);
		x->tcp_ms = x->open_ms + (conn > dns ? (conn - dns) / 1000 : 0);
		est_add(&r->connect, x->tcp_ms - x->open_ms);
	}
	if (x->h_bytes > 0 && !x->answered)
		answered(r, x, now);
}

bool
ramp_check(struct ramp *r, struct xfer *x, long long now, long long *next)
{
	long long due;

	ramp_learn(r, x, now);
	/* Only a new connection stalls, and only while others work. */
	if (x->answered || x->open_ms < 0 || r->proven == 0 ||
	    x->moves >= MOVES_MAX)
		return false;
	if (x->tcp_ms < 0)
		due = x->open_ms + est_limit(&r->connect, CONNECT_MIN,
		    CONNECT_MAX);
	else if (!x->post && r->last_answer > x->tcp_ms)
		due = x->tcp_ms + est_limit(&r->first, FIRST_MIN, FIRST_MAX);
	else
		return false;	/* a POST may have been sent: never again */
	if (now < due) {
		if (due < *next)
			*next = due;
		return false;
	}
	stall(r, now);
	return true;
}

bool
ramp_failed(struct ramp *r, struct xfer *x, CURLcode cc, long long now)
{
	/* Closed or reset once connected: a POST may have been sent. */
	bool broke = cc == CURLE_GOT_NOTHING || cc == CURLE_SEND_ERROR ||
	    cc == CURLE_RECV_ERROR;

	if (x->open_ms < 0 || x->h_bytes > 0 || r->proven == 0 ||
	    x->moves >= MOVES_MAX)
		return false;
	if (cc != CURLE_COULDNT_CONNECT && !(broke && !x->post))
		return false;
	stall(r, now);
	return true;
}

void
ramp_apply(struct ramp *r, CURLM *m, long long now, long long *next)
{
	size_t n = r->proven;
	long cap;

	if (now < r->hold_until) {
		if (r->hold_until < *next)
			*next = r->hold_until;
	} else {
		n += r->probes;
	}
	cap = (long)(n < 1 ? 1 : n > r->jobs ? r->jobs : n);
	if (cap != r->cap)
		curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, cap);
	r->cap = cap;
}

void
ramp_free(struct ramp *r)
{
	free(r->socks);
	r->socks = NULL;
	r->nsocks = r->socks_cap = 0;
}
