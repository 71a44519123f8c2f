/*
 * libpierone internals, HTTP group: the transfers.  Many requests at once
 * over one curl multi handle per client (http.c, with httpslot.c,
 * httphdr.c and httperr.c behind http_impl.h), single requests and the
 * token service's (httpcalls.c), and blob digests checked (blobcheck.c).
 * Builds on base.h and asks auth.h what each request carries.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef PIERONE_HTTP_H
#define PIERONE_HTTP_H

#include <stdint.h>

#include "base.h"

/*
 * blobcheck.c: whether a blob (`len` bytes at `data`, or the whole file
 * `fd`) is what its valid `digest` names.  0, else PIERONE_EBADRESPONSE
 * naming `what` ("layer", "config") and the digest: the content differs,
 * or the algorithm is not sha256 (the only one verified); PIERONE_EIO
 * when the file cannot be read.
 */
int blob_verify_buf(const void *data, size_t len, const char *digest,
    const char *what, struct pierone_err *err);
int blob_verify_fd(int fd, const char *digest, const char *what,
    struct pierone_err *err);

/* http.c: the client's transfers, made on its first request. */
void http_free(struct http *h);

/* The outcome of one of many requests. */
struct http_result {
	int rc;			/* 0, or a PIERONE_E* code with err set */
	bool started;		/* false: not sent, because another failed */
	long status;		/* HTTP status, 0 when there was no answer */
	struct buf body;	/* a 2xx answer's body */
	char *link;		/* a 2xx answer's Link header, or NULL */
	char *content_type;	/* its Content-Type, or NULL */
	char *digest;		/* its Docker-Content-Digest, or NULL */
	struct pierone_err err;
};

/*
 * GET url + paths[i] for every i, at most `jobs` at a time over the
 * client's connections; res[i] gets each outcome.  After the first failure
 * no further request starts.  Returns non-zero only when the machinery
 * itself fails (c->err set).  Free the bodies with http_results_free().
 */
int http_get_many(pierone_client *c, const char *const *paths, size_t n,
    unsigned int jobs, struct http_result *res);
/*
 * The same with `flags`: HTTP_404_OK, a 404 does not stop the other
 * requests; HTTP_MANIFEST_ANY, accept OCI and Docker image manifests and
 * indexes (lists); HTTP_MANIFEST, accept the image manifests whose layers
 * can be read (OCI, Docker schema 2 and 1); HTTP_HEAD, send HEAD.
 * Otherwise the requests accept application/json.
 */
#define HTTP_404_OK		0x1
#define HTTP_MANIFEST_ANY	0x2
#define HTTP_MANIFEST		0x4
#define HTTP_HEAD		0x8
/* POST the body http_post_json() gives; see there. */
#define HTTP_POST		0x10
int http_get_many_ex(pierone_client *c, const char *const *paths, size_t n,
    unsigned int jobs, unsigned int flags, struct http_result *res);
void http_results_free(struct http_result *res, size_t n);
/*
 * The same as http_get_many_ex() for n requests, holding only what is in
 * flight: path_of(arg, i, &path) makes request i's path (allocated; non-zero
 * when out of memory) as it starts, and each(arg, i, r) is handed its
 * result as it comes, in no particular order, instead of keeping them
 * all: `each` takes over what it wants of *r (setting it NULL in r), the
 * rest is freed when it returns.  A non-zero return from `each` is a
 * failure: no further request starts.  Returns non-zero only when the
 * machinery itself fails (c->err set).
 */
typedef int http_path_fn(void *arg, size_t i, char **path);
typedef int http_each_fn(void *arg, size_t i, struct http_result *r);
int http_get_each(pierone_client *c, http_path_fn *path_of, size_t n,
    unsigned int jobs, unsigned int flags, http_each_fn *each, void *arg);
/*
 * One request with `flags`: *r is its outcome (c->err set on failure);
 * free it with http_results_free(r, 1) whatever is returned.
 */
int http_get_one(pierone_client *c, const char *path, unsigned int flags,
    struct http_result *r);

/*
 * POST `json` (Content-Type: application/json) to url + path, once: a
 * POST is never retried, whatever the failure.  *r is the outcome, with
 * the body of an error answer too (problem details); c->err set on
 * failure.  Free *r with http_results_free(r, 1) whatever is returned.
 */
int http_post_json(pierone_client *c, const char *path, const char *json,
    struct http_result *r);

/*
 * HEAD url + path of a manifest (accepting OCI and Docker schema 2
 * manifests and indexes): its Docker-Content-Digest in *out (caller
 * frees).  Retried like a GET.
 */
int http_head_digest(pierone_client *c, const char *path, char **out);

/*
 * GET url + path of an image manifest, accepting those that list layers
 * (OCI, Docker schema 2 and schema 1) and indexes of them, into `body`.
 */
int http_get_manifest(pierone_client *c, const char *path, struct buf *body);

/*
 * GET url + path into the file `fd` (> 0; truncated before every try),
 * at most `declared` bytes (the size its descriptor declares; -1 when
 * unknown) and never more than the client's max_response: a longer
 * answer is PIERONE_EBADRESPONSE, saying which limit it broke.
 * `progress` (may be NULL) is told the bytes received and the total (0
 * while unknown).
 */
typedef void http_progress_fn(void *arg, int64_t done, int64_t total);
int http_get_file(pierone_client *c, const char *path, int fd,
    int64_t declared, http_progress_fn *progress, void *arg);

/* One request to another service (the token service). */
struct http_req {
	const char *url;
	const char *user;	/* HTTP Basic, or NULL */
	const char *password;
	const char *form;	/* POST this urlencoded body; NULL: GET */
	const char *ca_file;
	const char *user_agent;
	long connect_timeout_ms;
	long timeout_ms;
};

/*
 * Perform `req`; on success *status is the HTTP status and `body` the
 * response (any status).  Transport failures are PIERONE_ENETWORK or
 * PIERONE_ETIMEOUT.  The caller frees body (buf_freezero: it may hold a
 * token).
 */
int http_request(const struct http_req *req, long *status, struct buf *body,
    struct pierone_err *err);

#endif /* PIERONE_HTTP_H */
