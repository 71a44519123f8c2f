/*
 * HTTP with libcurl: one easy handle per client, so that consecutive
 * requests reuse the connection.  Every failure becomes one PIERONE_E*
 * code and a message that starts with the request ("GET URL: ...").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "internal.h"

struct http {
	CURL *curl;
	struct curl_slist *headers;	/* holds the token: wiped on free */
	char errbuf[CURL_ERROR_SIZE];
	struct buf *body;		/* of the transfer in progress */
	bool too_large;
};

/* libcurl's global state is set up on the first request, not at start-up. */
static unsigned int curl_users;

static size_t
write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http *h = arg;
	size_t n = size * nmemb;

	if (h->body->len + n > PIERONE_MAX_BODY) {
		h->too_large = true;
		return 0;
	}
	if (buf_append(h->body, data, n) != 0)
		return 0;
	return n;
}

static int
headers_make(struct http *h, const char *token)
{
	struct curl_slist *l;
	struct buf auth = { 0 };

	if ((l = curl_slist_append(NULL, "Accept: application/json")) == NULL)
		return PIERONE_ENOMEM;
	h->headers = l;
	if (token == NULL)
		return 0;
	if (buf_printf(&auth, "Authorization: Bearer %s", token) != 0)
		return PIERONE_ENOMEM;
	l = curl_slist_append(h->headers, auth.data);
	buf_freezero(&auth);
	if (l == NULL)
		return PIERONE_ENOMEM;
	h->headers = l;
	return 0;
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
easy_common(struct http *h, const char *user_agent, const char *ca_file,
    long connect_timeout_ms, long timeout_ms)
{
	CURL *e = h->curl;

	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, h);
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
easy_setup(struct http *h, const pierone_client *c)
{
	if (headers_make(h, c->token) != 0)
		return PIERONE_ENOMEM;
	easy_common(h, c->user_agent, c->ca_file, c->connect_timeout_ms,
	    c->timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->headers);
	/* libcurl drops our Authorization header on a redirect to another host. */
	curl_easy_setopt(h->curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h->curl, CURLOPT_MAXREDIRS, 5L);
	return 0;
}

/* A handle with libcurl's global state set up; NULL when out of memory. */
static struct http *
http_alloc(void)
{
	struct http *h;

	if (curl_users == 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return NULL;
	curl_users++;
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		if (--curl_users == 0)
			curl_global_cleanup();
		return NULL;
	}
	if ((h->curl = curl_easy_init()) == NULL) {
		http_free(h);
		return NULL;
	}
	return h;
}

static struct http *
http_new(pierone_client *c)
{
	struct http *h;

	if ((h = http_alloc()) != NULL && easy_setup(h, c) != 0) {
		http_free(h);
		return NULL;
	}
	return h;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	headers_free(h->headers);
	free(h);
	if (--curl_users == 0)
		curl_global_cleanup();
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
status_error(pierone_client *c, const char *url, long status)
{
	const char *text = status_text(status);

	switch (status) {
	case 401:
		return err_set(&c->err, PIERONE_EAUTH, "GET %s: HTTP 401 %s: "
		    "token missing, invalid or expired; run 'pierone login'",
		    url, text);
	case 403:
		return err_set(&c->err, PIERONE_EFORBIDDEN,
		    "GET %s: HTTP 403 %s: your token has no access", url, text);
	case 404:
		return err_set(&c->err, PIERONE_ENOTFOUND,
		    "GET %s: HTTP 404 %s", url, text);
	}
	return err_set(&c->err, status >= 500 ? PIERONE_ESERVER :
	    PIERONE_EBADRESPONSE, "GET %s: HTTP %ld %s", url, status, text);
}

static int
curl_error(pierone_client *c, const char *url, CURLcode cc)
{
	struct http *h = c->http;
	const char *why = h->errbuf[0] != '\0' ? h->errbuf :
	    curl_easy_strerror(cc);
	int code = PIERONE_ENETWORK;

	if (h->too_large)
		return err_set(&c->err, PIERONE_EBADRESPONSE,
		    "GET %s: response larger than %u MiB refused", url,
		    PIERONE_MAX_BODY >> 20);
	if (cc == CURLE_OUT_OF_MEMORY || cc == CURLE_WRITE_ERROR)
		return err_set(&c->err, PIERONE_ENOMEM, "GET %s: out of memory",
		    url);
	if (cc == CURLE_OPERATION_TIMEDOUT)
		code = PIERONE_ETIMEOUT;
	if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE)
		return err_set(&c->err, code, "GET %s: TLS certificate "
		    "verification failed: %s", url, why);
	return err_set(&c->err, code, "GET %s: %s", url, why);
}

int
http_get(pierone_client *c, const char *path, struct buf *body)
{
	struct buf url = { 0 };
	CURLcode cc;
	long status = 0;
	int rc = 0;

	memset(body, 0, sizeof(*body));
	if (c->http == NULL && (c->http = http_new(c)) == NULL)
		return err_set(&c->err, PIERONE_ENOMEM,
		    "cannot set up libcurl");
	if (buf_printf(&url, "%s%s", c->url, path) != 0)
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	c->http->errbuf[0] = '\0';
	c->http->too_large = false;
	c->http->body = body;
	curl_easy_setopt(c->http->curl, CURLOPT_URL, url.data);
	cc = curl_easy_perform(c->http->curl);
	c->http->body = NULL;
	if (cc != CURLE_OK)
		rc = curl_error(c, url.data, cc);
	else if (curl_easy_getinfo(c->http->curl, CURLINFO_RESPONSE_CODE,
	    &status) != CURLE_OK || status < 200 || status > 299)
		rc = status_error(c, url.data, status);
	else if (body->data == NULL && buf_append(body, "", 0) != 0)
		rc = err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	if (rc != 0)
		buf_free(body);
	buf_free(&url);
	return rc;
}

/* The token service: one transfer, no redirects, never retried. */
int
http_request(const struct http_req *req, long *status, struct buf *body,
    struct pierone_err *err)
{
	struct http *h;
	CURLcode cc;
	int rc = 0;

	*status = 0;
	memset(body, 0, sizeof(*body));
	if ((h = http_alloc()) == NULL)
		return err_set(err, PIERONE_ENOMEM, "cannot set up libcurl");
	easy_common(h, req->user_agent, req->ca_file, 10000, req->timeout_ms);
	h->body = body;
	curl_easy_setopt(h->curl, CURLOPT_URL, req->url);
	if (req->user != NULL) {
		curl_easy_setopt(h->curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h->curl, CURLOPT_USERNAME, req->user);
		curl_easy_setopt(h->curl, CURLOPT_PASSWORD, req->password);
	}
	if (req->form != NULL)
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, req->form);
	if ((h->headers = curl_slist_append(NULL, "Accept: application/json")))
		curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->headers);
	if ((cc = curl_easy_perform(h->curl)) != CURLE_OK) {
		rc = err_set(err, cc == CURLE_OPERATION_TIMEDOUT ?
		    PIERONE_ETIMEOUT : PIERONE_ENETWORK, "%s %s: %s",
		    req->form != NULL ? "POST" : "GET", req->url,
		    h->errbuf[0] != '\0' ? h->errbuf : curl_easy_strerror(cc));
		buf_freezero(body);
	} else {
		curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, status);
		if (body->data == NULL && buf_append(body, "", 0) != 0)
			rc = err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	http_free(h);
	return rc;
}
