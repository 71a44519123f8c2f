/*
 * The client's transfer machinery: libcurl's global state, the multi
 * handle and the slots, each an easy handle with what every transfer
 * sets, reused from request to request (http.c runs them).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "base.h"
#include "http.h"
#include "http_impl.h"

/* libcurl's global state is set up on the first request, not at start-up. */
static unsigned int curl_users;

size_t
write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	if (x->fd > 0 && !x->fetching) {
		if (n > x->max_body - x->written) {
			x->too_large = true;
			return 0;
		}
		x->written += n;
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

int
global_use(struct pierone_err *err)
{
	if (curl_users == 0) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			return err_set(err, PIERONE_ENOMEM, "cannot initialise "
			    "libcurl");
	}
	curl_users++;
	return 0;
}

void
global_release(void)
{
	if (--curl_users == 0)
		curl_global_cleanup();
}

/* Options every transfer shares, the registry's and the token service's. */
void
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
	x->ramp = &c->http->ramp;
	if ((x->easy = curl_easy_init()) == NULL)
		return PIERONE_ENOMEM;
	easy_common(x->easy, x, c->user_agent, c->ca_file,
	    c->connect_timeout_ms, c->timeout_ms);
	/* One DNS cache and one TLS session cache for all the slots. */
	curl_easy_setopt(x->easy, CURLOPT_SHARE, c->http->share);
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

/*
 * What the slots share: a multi handle pools their connections and
 * caches DNS answers, but each easy handle keeps TLS sessions of its own,
 * so a connection one slot opens could not resume another's session.
 * Every transfer runs in this thread: no locks.
 */
static CURLSH *
share_init(void)
{
	CURLSH *sh;

	if ((sh = curl_share_init()) == NULL)
		return NULL;
	if (curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) !=
	    CURLSHE_OK || curl_share_setopt(sh, CURLSHOPT_SHARE,
	    CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
		curl_share_cleanup(sh);
		return NULL;
	}
	return sh;
}

/* The client's transfer machinery with at least `n` slots. */
int
http_ready(pierone_client *c, size_t n)
{
	struct http *h = c->http;
	struct xfer *slots;
	int rc = 0;

	if (h == NULL) {
		if ((rc = global_use(&c->err)) != 0)
			return rc;
		if ((h = c->http = calloc(1, sizeof(*h))) == NULL) {
			global_release();
			return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
		}
		if ((h->multi = curl_multi_init()) == NULL ||
		    (h->share = share_init()) == NULL)
			return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	}
	if (n <= h->nslots)
		return 0;
	if ((slots = reallocarray(h->slots, n, sizeof(*slots))) == NULL)
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	h->slots = slots;
	memset(slots + h->nslots, 0, (n - h->nslots) * sizeof(*slots));
	for (; h->nslots < n; h->nslots++)
		if (slot_init(&slots[h->nslots], c) != 0) {
			rc = err_set(&c->err, PIERONE_ENOMEM, "out of memory");
			break;	/* slot_init made no handle: not counted */
		}
	/*
	 * WRITEDATA and PRIVATE point into the array, which may have moved:
	 * every slot made so far, also when making one more failed.
	 */
	for (size_t i = 0; i < h->nslots; i++) {
		curl_easy_setopt(slots[i].easy, CURLOPT_WRITEDATA, &slots[i]);
		curl_easy_setopt(slots[i].easy, CURLOPT_PRIVATE, &slots[i]);
		curl_easy_setopt(slots[i].easy, CURLOPT_HEADERDATA, &slots[i]);
		curl_easy_setopt(slots[i].easy, CURLOPT_ERRORBUFFER,
		    slots[i].errbuf);
		ramp_easy(slots[i].easy, &slots[i]);
	}
	/* The ramp sets CURLMOPT_MAX_HOST_CONNECTIONS as a run goes. */
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, (long)n);
	/* HTTP/2: as many streams as the server allows, up to the slots
	 * (libcurl's default is 100) */
	curl_multi_setopt(h->multi, CURLMOPT_MAX_CONCURRENT_STREAMS, (long)n);
	return rc;
}

/* Forget the request's authentication state and answer headers. */
void
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
	/* Connections close here, telling the ramp: it goes after. */
	if (h->multi != NULL)
		curl_multi_cleanup(h->multi);
	/* Last: no easy handle may use it any more. */
	if (h->share != NULL)
		curl_share_cleanup(h->share);
	ramp_free(&h->ramp);
	free(h);
	global_release();
}
