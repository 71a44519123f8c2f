/*
 * The headers of registry requests (Accept by kind, Authorization) and
 * those of their answers that the library reads (Link, WWW-Authenticate,
 * Docker-Content-Digest).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "base.h"
#include "http.h"
#include "http_impl.h"

void
headers_free(struct curl_slist *l)
{
	for (struct curl_slist *p = l; p != NULL; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

/* What a registry may answer for a manifest, newest formats first. */
static const char *const index_accept[] = {
	"Accept: application/vnd.oci.image.index.v1+json",
	"Accept: application/vnd.oci.image.manifest.v1+json",
	"Accept: application/vnd.docker.distribution.manifest.list.v2+json",
	"Accept: application/vnd.docker.distribution.manifest.v2+json",
	NULL,
};

/* Manifests whose layers can be read, or an index of them. */
static const char *const layers_accept[] = {
	"Accept: application/vnd.oci.image.manifest.v1+json",
	"Accept: application/vnd.docker.distribution.manifest.v2+json",
	"Accept: application/vnd.docker.distribution.manifest.v1+prettyjws",
	"Accept: application/vnd.docker.distribution.manifest.v1+json",
	"Accept: application/vnd.oci.image.index.v1+json",
	"Accept: application/vnd.docker.distribution.manifest.list.v2+json",
	NULL,
};

static const char *const json_accept[] = {
	"Accept: application/json",
	NULL,
};

/* The Accept lines of a batch (`flags`) and the Authorization line. */
struct curl_slist *
request_headers(unsigned int flags, const char *auth_line)
{
	const char *const *accept = (flags & HTTP_MANIFEST_ANY) ? index_accept :
	    (flags & HTTP_MANIFEST) ? layers_accept : json_accept;
	struct curl_slist *l = NULL, *more;

	for (size_t i = 0; accept[i] != NULL; i++) {
		if ((more = curl_slist_append(l, accept[i])) == NULL) {
			headers_free(l);
			return NULL;
		}
		l = more;
	}
	if ((flags & HTTP_POST) && (more = curl_slist_append(l,
	    "Content-Type: application/json")) == NULL) {
		headers_free(l);
		return NULL;
	}
	if (flags & HTTP_POST)
		l = more;
	if (auth_line != NULL &&
	    (more = curl_slist_append(l, auth_line)) == NULL) {
		headers_free(l);
		return NULL;
	}
	return auth_line != NULL ? more : l;
}

/* A header of the answer we keep: repeats are joined as HTTP lists are. */
static void
keep_header(char **dst, const char *name, const char *line, size_t n)
{
	size_t len = strlen(name);
	char *v, *joined;

	if (n <= len || strncasecmp(line, name, len) != 0 || line[len] != ':')
		return;
	for (line += len + 1, n -= len + 1; n > 0 && (*line == ' ' ||
	    *line == '\t'); line++, n--)
		continue;
	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n' ||
	    line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	/* libcurl caps a header at 100 KiB; one this long is no mistake. */
	if ((v = strndup(line, n)) == NULL)
		return;
	if (*dst == NULL) {
		*dst = v;
	} else if (asprintf(&joined, "%s, %s", *dst, v) != -1) {
		free(*dst);
		*dst = joined;
		free(v);
	} else {
		free(v);
	}
}

void
answer_headers_clear(struct xfer *x)
{
	free(x->h_link);
	free(x->h_auth);
	free(x->h_digest);
	x->h_link = x->h_auth = x->h_digest = NULL;
}

/* "Location: scheme://user[:password]@host...": user info given. */
static bool
location_has_userinfo(const char *line, size_t n)
{
	const char *p, *end = line + n, *auth;

	if (n < 9 || strncasecmp(line, "Location:", 9) != 0)
		return false;
	for (p = line + 9; p < end && (*p == ' ' || *p == '\t'); p++)
		continue;
	for (auth = p; auth + 2 < end && auth[0] != '/'; auth++)
		if (auth[0] == ':' && auth[1] == '/' && auth[2] == '/')
			break;
	if (auth + 2 >= end || auth[0] != ':')
		return false;	/* relative: no authority of its own */
	for (p = auth + 3; p < end && *p != '/' && *p != '?' && *p != '#' &&
	    *p != '\r' && *p != '\n'; p++)
		if (*p == '@')
			return true;
	return false;
}

size_t
header_cb(char *data, size_t size, size_t nitems, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nitems;

	if (n > HEADERS_MAX - x->h_bytes) {
		x->h_too_large = true;
		return 0;
	}
	x->h_bytes += n;
	x->h_done = n > 0 && (data[0] == '\r' || data[0] == '\n');
	/* credentials in a redirect would be sent, and shown: stop here */
	if (location_has_userinfo(data, n)) {
		x->h_userinfo = true;
		return 0;
	}
	/* A new status line: a redirect or 100 before the real answer. */
	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0)
		answer_headers_clear(x);
	keep_header(&x->h_link, "Link", data, n);
	keep_header(&x->h_auth, "WWW-Authenticate", data, n);
	keep_header(&x->h_digest, "Docker-Content-Digest", data, n);
	return n;
}
