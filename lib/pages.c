/*
 * Paginated lists of the v2 API (the catalog, tag lists): every page in
 * turn, as the Link headers lead, with a guard against Links that lead
 * back.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base.h"
#include "http.h"
#include "registry.h"

#define PAGES_MAX	100000		/* a Link loop ends here at the latest */


void
names_free(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int
names_add(struct names *l, const char *s, size_t len)
{
	char **v;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;

		if ((v = reallocarray(l->v, cap, sizeof(*v))) == NULL)
			return PIERONE_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	if ((l->v[l->n] = strndup(s, len)) == NULL)
		return PIERONE_ENOMEM;
	l->n++;
	return 0;
}

/* The strings of array `key` (null: none) of a page into `l`. */
static int
page_names(struct names *l, const char *json, size_t len,
    const char *key, struct pierone_err *err)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, key), *it;
	int rc = 0;

	if (!cJSON_IsObject(root))
		rc = err_set(err, PIERONE_EBADRESPONSE, "expected a JSON "
		    "object with '%s'", key);
	else if (a != NULL && !cJSON_IsNull(a) && !cJSON_IsArray(a))
		rc = err_set(err, PIERONE_EBADRESPONSE, "'%s' is not an "
		    "array", key);
	if (rc != 0)
		a = NULL;
	cJSON_ArrayForEach(it, a) {
		if (!cJSON_IsString(it)) {
			rc = err_set(err, PIERONE_EBADRESPONSE, "'%s' holds "
			    "a non-string", key);
			break;
		}
		if (names_add(l, it->valuestring, strlen(it->valuestring))) {
			rc = err_set(err, PIERONE_ENOMEM, "out of memory");
			break;
		}
	}
	cJSON_Delete(root);
	return rc;
}

/*
 * The pages of a list seen so far, by a hash of their path: a Link that
 * leads back to one is an error, not an endless loop.
 */
struct seen {
	uint64_t *h;			/* open addressing, 0 = free */
	size_t n, cap;			/* cap: a power of two */
};

static void
seen_add_hash(struct seen *v, uint64_t h)
{
	size_t i = h & (v->cap - 1);

	while (v->h[i] != 0)
		i = (i + 1) & (v->cap - 1);
	v->h[i] = h;
	v->n++;
}

static uint64_t
path_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h != 0 ? h : 1;
}

static bool
seen_has(const struct seen *v, uint64_t h)
{
	for (size_t i = h & (v->cap - 1); v->cap > 0 && v->h[i] != 0;
	    i = (i + 1) & (v->cap - 1))
		if (v->h[i] == h)
			return true;
	return false;
}

/* 1: seen before; 0: added; PIERONE_ENOMEM. */
static int
seen_add(struct seen *v, const char *path)
{
	uint64_t h = path_hash(path), *old = v->h;
	size_t cap = v->cap;

	if (seen_has(v, h))
		return 1;
	if (2 * (v->n + 1) > v->cap) {
		v->cap = cap ? cap * 2 : 64;
		if ((v->h = calloc(v->cap, sizeof(*v->h))) == NULL) {
			v->h = old;
			v->cap = cap;
			return PIERONE_ENOMEM;
		}
		v->n = 0;
		for (size_t i = 0; i < cap; i++)
			if (old[i] != 0)
				seen_add_hash(v, old[i]);
		free(old);
	}
	seen_add_hash(v, h);
	return 0;
}

/*
 * The rest of a list whose first page was `r` (for `path`): every next
 * page in turn, its `key` names added to `l`.  Messages name the page.
 */
int
v2_rest(pierone_client *c, const char *path, struct http_result *first,
    const char *key, struct names *l)
{
	struct http_result r = *first;
	struct seen seen = { 0 };
	char *cur = NULL, *next = NULL;
	size_t pages = 0;
	int rc;

	memset(first, 0, sizeof(*first));
	if (seen_add(&seen, path) < 0) {
		http_results_free(&r, 1);
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	}
	for (;;) {
		if ((rc = page_names(l, r.body.data, r.body.len, key,
		    &c->err)) != 0 ||
		    (rc = v2_link_next(&next, c->url, cur ? cur : path,
		    r.link, &c->err)) != 0) {
			err_prefix(&c->err, "GET %s%s", c->url,
			    cur ? cur : path);
			break;
		}
		http_results_free(&r, 1);
		if (next == NULL)
			break;
		if (++pages >= PAGES_MAX || (rc = seen_add(&seen, next)) != 0) {
			rc = err_set(&c->err, rc == PIERONE_ENOMEM ? rc :
			    PIERONE_EBADRESPONSE, rc == PIERONE_ENOMEM ? "out of "
			    "memory" : "GET %s%s: the Link headers go round in a "
			    "loop", c->url, cur ? cur : path);
			break;
		}
		free(cur);
		cur = next;
		next = NULL;
		if ((rc = http_get_one(c, cur, 0, &r)) != 0)
			break;
	}
	http_results_free(&r, 1);
	free(seen.h);
	free(cur);
	free(next);
	return rc;
}
