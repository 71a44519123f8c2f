/*
 * The HTTP trace: every finished transfer told to the application's
 * callback (pierone_set_http_trace()).  Only the method, the URL cut to
 * scheme, host, port and path, the status, the time and the size are
 * told: user info, query and fragment may carry secrets, headers do.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>

#include "base.h"
#include "http_impl.h"

static pierone_http_trace_fn *trace_fn;
static void *trace_arg;

void
pierone_set_http_trace(pierone_http_trace_fn *fn, void *arg)
{
	trace_fn = fn;
	trace_arg = arg;
}

/* scheme://host[:port]/path of url, or NULL. */
static char *
trace_url(const char *url)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	char *out = NULL;

	if (url == NULL || (u = curl_url()) == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK) {
		(void)curl_url_get(u, CURLUPART_PORT, &port, 0);
		if (asprintf(&out, "%s://%s%s%s%s", scheme, host,
		    port != NULL ? ":" : "", port != NULL ? port : "",
		    path) < 0)
			out = NULL;
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
	return out;
}

const char *
http_auth_sent(const struct xfer *x)
{
	const char *eff = NULL, *asked = x->fetching ? x->fetch_url : x->url;

	if (x->auth_line == NULL || asked == NULL ||
	    curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff) !=
	    CURLE_OK || eff == NULL)
		return x->auth_line;
	return url_same_origin(eff, asked) ? x->auth_line : NULL;
}

bool
http_tracing(void)
{
	return trace_fn != NULL;
}

void
http_trace(CURL *e, CURLcode cc, const char *method, int attempt,
    const char *credential)
{
	struct pierone_http_trace t = { 0 };
	const char *eff = NULL, *m = NULL;
	curl_off_t us = 0, bytes = 0;
	char *url;

	if (trace_fn == NULL)
		return;
	(void)curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &eff);
	if (curl_easy_getinfo(e, CURLINFO_EFFECTIVE_METHOD, &m) != CURLE_OK ||
	    m == NULL)
		m = method;
	if (cc == CURLE_OK)
		(void)curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &t.status);
	(void)curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &us);
	(void)curl_easy_getinfo(e, CURLINFO_SIZE_DOWNLOAD_T, &bytes);
	url = trace_url(eff);
	t.method = m;
	t.url = url != NULL ? url : "(unknown URL)";
	t.error = cc != CURLE_OK ? curl_easy_strerror(cc) : NULL;
	t.elapsed_ms = (long)(us / 1000);
	t.bytes = (int64_t)bytes;
	t.attempt = attempt > 0 ? attempt : 1;
	t.credential = credential;
	trace_fn(&t, trace_arg);
	free(url);
}
