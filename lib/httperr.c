/*
 * What a failed transfer means: the message and PIERONE_E* code of an
 * HTTP status or libcurl error, and whether it is worth another try.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "base.h"
#include "http.h"
#include "http_impl.h"

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

int
status_error(struct pierone_err *err, const char *method, const char *url,
    long status)
{
	const char *text = status_text(status);

	switch (status) {
	case 401:
		return err_set(err, PIERONE_EAUTH, "%s %s: HTTP 401 %s: "
		    "token missing, invalid or expired; run 'pierone login'",
		    method, url, text);
	case 403:
		return err_set(err, PIERONE_EFORBIDDEN,
		    "%s %s: HTTP 403 %s: your token has no access", method,
		    url, text);
	case 404:
		return err_set(err, PIERONE_ENOTFOUND,
		    "%s %s: HTTP 404 %s", method, url, text);
	}
	return err_set(err, status >= 500 ? PIERONE_ESERVER :
	    PIERONE_EBADRESPONSE, "%s %s: HTTP %ld %s", method, url, status,
	    text);
}

/* CURLE_TOO_LARGE, since libcurl 8.6: a header line over its cap. */
#define CURLE_TOO_LARGE_8_6	100

/*
 * The transfer stopped at a redirect from https to http (refused by
 * CURLOPT_REDIR_PROTOCOLS_STR): `to` gets its target, query left out.
 */
static bool
https_to_http(const struct xfer *x, char *to, size_t size)
{
	const char *from = x->fetching ? x->fetch_url : x->url;
	char *target = NULL;

	/* libcurl has made the refused target the effective URL. */
	if (strncasecmp(from, "https:", 6) != 0 ||
	    curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &target) !=
	    CURLE_OK || target == NULL || strncasecmp(target, "http:", 5) != 0)
		return false;
	snprintf(to, size, "%.*s", (int)strcspn(target, "?#"), target);
	return true;
}

/*
 * What the TLS libraries say when a handshake got a plain-text answer, as
 * from a server that speaks plain HTTP on the port: OpenSSL (also when
 * the answer starts with blanks, since 3.2), GnuTLS.
 */
static const char *const plain_answers[] = {
	"wrong version number", "packet length too long",
	"unexpected TLS packet",
};

void
plain_http_hint(char *hint, size_t size, const char *url, CURLcode cc,
    const char *why)
{
	char *host = NULL, *port = NULL;
	bool plain = false;
	CURLU *u;

	*hint = '\0';
	for (size_t i = 0; i < sizeof(plain_answers) / sizeof(*plain_answers);
	    i++)
		plain = plain || strcasestr(why, plain_answers[i]) != NULL;
	if (cc != CURLE_SSL_CONNECT_ERROR || !plain ||
	    strncasecmp(url, "https:", 6) != 0 || (u = curl_url()) == NULL)
		return;
	/* the port even when it is https's default: http's is another */
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
	    CURLUE_OK)
		snprintf(hint, size, " (the server answers plain HTTP: try "
		    "http://%s:%s)", host, port);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
}

int
curl_error(struct pierone_err *err, const struct xfer *x, CURLcode cc)
{
	char to[512], hint[300];
	const char *why = x->errbuf[0] != '\0' ? x->errbuf :
	    curl_easy_strerror(cc);
	const char *m = x->post ? "POST" : "GET";
	int code = PIERONE_ENETWORK;

	if (x->write_failed)
		return err_set(err, PIERONE_EIO, "%s %s: cannot write to a "
		    "temporary file", m, x->url);
	if (x->too_large && x->fd > 0 && !x->fetching &&
	    x->declared >= 0 && (uint64_t)x->declared == x->max_body)
		return err_set(err, PIERONE_EBADRESPONSE, "%s %s: larger "
		    "than the %zu byte%s its manifest declares", m, x->url,
		    x->max_body, x->max_body == 1 ? "" : "s");
	if (x->too_large)
		return err_set(err, PIERONE_EBADRESPONSE,
		    "%s %s: response larger than %zu bytes refused (see "
		    "max_response_mib)", m, x->url, x->max_body);
	if (x->h_userinfo)
		return err_set(err, PIERONE_EBADRESPONSE, "%s %s: refused a "
		    "redirect to a URL with a user name or password", m,
		    x->url);
	/* libcurl says "out of memory" for a header line over its cap. */
	if (x->h_too_large || ((cc == CURLE_OUT_OF_MEMORY ||
	    (int)cc == CURLE_TOO_LARGE_8_6) && x->h_bytes > 0 && !x->h_done))
		return err_set(err, PIERONE_EBADRESPONSE, "%s %s: response "
		    "headers too large (more than %d KiB, or a line over "
		    "100 KiB)", m, x->url, HEADERS_MAX / 1024);
	if (cc == CURLE_UNSUPPORTED_PROTOCOL && https_to_http(x, to,
	    sizeof(to)))
		return err_set(err, PIERONE_EBADRESPONSE, "%s %s: refused a "
		    "redirect from https to http (%s)", m, x->url, to);
	if (cc == CURLE_OUT_OF_MEMORY || cc == CURLE_WRITE_ERROR)
		return err_set(err, PIERONE_ENOMEM, "%s %s: out of memory",
		    m, x->url);
	if (cc == CURLE_OPERATION_TIMEDOUT)
		code = PIERONE_ETIMEOUT;
	if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE)
		return err_set(err, code, "%s %s: TLS certificate "
		    "verification failed: %s", m, x->url, why);
	/* not for a token realm: its URL is the registry's to choose */
	plain_http_hint(hint, sizeof(hint), x->fetching ? "" : x->url, cc,
	    why);
	return err_set(err, code, "%s %s: %s%s", m, x->url, why, hint);
}

/* Worth another try: the failure may be gone in a moment. */
bool
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
long long
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
