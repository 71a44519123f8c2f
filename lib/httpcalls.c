/*
 * Single requests: one registry request on slot 0 (a JSON document, a
 * manifest, its digest, a file), and the token service's request.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "base.h"
#include "http.h"
#include "http_impl.h"

/*
 * One request, on slot 0, with the batch `flags`: its outcome in *r, which
 * the caller frees with http_results_free(r, 1) whatever is returned; on
 * failure c->err says why.
 */
int
http_get_one(pierone_client *c, const char *path, unsigned int flags,
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
http_post_json(pierone_client *c, const char *path, const char *json,
    struct http_result *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = http_ready(c, 1)) != 0)
		return rc;
	c->http->post_body = json;
	rc = http_get_many_ex(c, &path, 1, 1, HTTP_POST, r);
	c->http->post_body = NULL;
	if (rc == 0 && (rc = r->rc) != 0)
		c->err = r->err;
	return rc;
}

/* The token service: one transfer, no redirects, never retried. */
int
http_request(const struct http_req *req, long *status, struct buf *body,
    struct pierone_err *err)
{
	struct curl_slist *hdr;
	struct xfer x = { 0 };
	const char *why;
	char hint[300];
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
	cc = curl_easy_perform(x.easy);
	http_trace(x.easy, cc, req->form != NULL ? "POST" : "GET", 1, NULL);
	if (cc != CURLE_OK) {
		why = x.errbuf[0] != '\0' ? x.errbuf : curl_easy_strerror(cc);
		plain_http_hint(hint, sizeof(hint), req->url, cc, why);
		rc = err_set(err, cc == CURLE_OPERATION_TIMEDOUT ?
		    PIERONE_ETIMEOUT : PIERONE_ENETWORK, "%s %s: %s%s",
		    req->form != NULL ? "POST" : "GET", req->url, why, hint);
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
	if ((rc = http_get_one(c, path, HTTP_MANIFEST_ANY | HTTP_HEAD, &r)) != 0)
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
	if ((rc = http_get_one(c, path, HTTP_MANIFEST, &r)) == 0) {
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
    int64_t declared, http_progress_fn *progress, void *arg)
{
	struct http_result r;
	struct xfer *x;
	int rc;

	if ((rc = http_ready(c, 1)) != 0)
		return rc;
	x = &c->http->slots[0];
	x->fd = fd;
	x->declared = declared;
	x->progress = progress;
	x->progress_arg = arg;
	if (progress != NULL) {
		curl_easy_setopt(x->easy, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
		curl_easy_setopt(x->easy, CURLOPT_XFERINFODATA, x);
		curl_easy_setopt(x->easy, CURLOPT_NOPROGRESS, 0L);
	}
	/* Layers are stored compressed: no Accept-Encoding on top. */
	curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, NULL);
	rc = http_get_one(c, path, 0, &r);
	http_results_free(&r, 1);
	curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(x->easy, CURLOPT_NOPROGRESS, 1L);
	x->fd = 0;
	x->progress = NULL;
	return rc;
}
