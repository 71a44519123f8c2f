/*
 * URLs from servers (Link targets, redirects) taken apart by libcurl's
 * URL API (curl_url(3)): relative references resolved as RFC 3986 says,
 * origins compared part by part (scheme, host without regard to case,
 * port with the scheme's default filled in), rather than by string.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "base.h"

/* A handle on `url`, resolved against `base` when that is not NULL. */
static CURLU *
url_parse(const char *base, const char *url)
{
	CURLU *u = curl_url();

	if (u == NULL)
		return NULL;
	if ((base != NULL && curl_url_set(u, CURLUPART_URL, base, 0) !=
	    CURLUE_OK) || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return NULL;
	}
	return u;
}

/* One part, "" when absent; NULL only when out of memory. */
static char *
part(CURLU *u, CURLUPart what, unsigned int flags)
{
	char *v = NULL;
	CURLUcode rc = curl_url_get(u, what, &v, flags);

	if (rc == CURLUE_OK)
		return v;
	return rc == CURLUE_OUT_OF_MEMORY ? NULL : strdup("");
}

static bool
origin_eq(CURLU *a, CURLU *b)
{
	static const CURLUPart parts[] = { CURLUPART_SCHEME, CURLUPART_HOST,
	    CURLUPART_PORT };
	bool same = true;

	for (size_t i = 0; i < 3 && same; i++) {
		char *x = part(a, parts[i], CURLU_DEFAULT_PORT);
		char *y = part(b, parts[i], CURLU_DEFAULT_PORT);

		same = x != NULL && y != NULL && strcasecmp(x, y) == 0;
		curl_free(x);
		curl_free(y);
	}
	return same;
}

bool
url_same_origin(const char *a, const char *b)
{
	CURLU *ua = url_parse(NULL, a), *ub = url_parse(NULL, b);
	bool same = ua != NULL && ub != NULL && origin_eq(ua, ub);

	curl_url_cleanup(ua);
	curl_url_cleanup(ub);
	return same;
}

int
url_resolve_under(char **path, const char *base, const char *cur,
    const char *ref)
{
	CURLU *ub = url_parse(NULL, base), *ut = NULL;
	char *abs = NULL, *bpath = NULL, *tpath = NULL, *query = NULL;
	char *user = NULL;
	size_t bl;
	int rc = PIERONE_EINVAL;

	*path = NULL;
	if (ub == NULL || asprintf(&abs, "%s%s", base, cur) == -1)
		abs = NULL;
	else if ((ut = url_parse(abs, ref)) != NULL &&
	    (bpath = part(ub, CURLUPART_PATH, 0)) != NULL &&
	    (tpath = part(ut, CURLUPART_PATH, 0)) != NULL &&
	    (query = part(ut, CURLUPART_QUERY, 0)) != NULL &&
	    (user = part(ut, CURLUPART_USER, 0)) != NULL) {
		/* the base path without its last '/', "" for "/" */
		bl = strlen(bpath);
		while (bl > 0 && bpath[bl - 1] == '/')
			bl--;
		if (*user == '\0' && origin_eq(ub, ut) &&
		    strncmp(tpath, bpath, bl) == 0 && tpath[bl] == '/')
			rc = asprintf(path, "%s%s%s", tpath + bl,
			    *query != '\0' ? "?" : "", query) == -1 ?
			    PIERONE_ENOMEM : 0;
	}
	if (rc == PIERONE_ENOMEM)
		*path = NULL;
	curl_free(bpath);
	curl_free(tpath);
	curl_free(query);
	curl_free(user);
	free(abs);
	curl_url_cleanup(ub);
	curl_url_cleanup(ut);
	return rc;
}
