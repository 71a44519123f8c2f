/*
 * Pier One's other lookups, operations of its backend
 * (registry_pierone.c): where an image was built from (SCM source) and
 * which tags an image id has.  The v2 API has neither.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base.h"
#include "json.h"
#include "http.h"
#include "registry.h"

static int
scm_from_json(struct pierone_scm_source *s, const struct buf *body,
    struct pierone_err *err)
{
	char *created = NULL;
	cJSON *root;
	int rc;

	root = cJSON_ParseWithLength(body->data, body->len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return err_set(err, PIERONE_EBADRESPONSE, "%s",
		    root == NULL ? "invalid JSON" : "expected a JSON object");
	}
	if ((rc = json_string_member(&s->url, root, "url", err)) == 0 &&
	    (rc = json_string_member(&s->revision, root, "revision", err)) == 0 &&
	    (rc = json_string_member(&s->author, root, "author", err)) == 0 &&
	    (rc = json_string_member(&s->status, root, "status", err)) == 0 &&
	    (rc = json_string_member(&created, root, "created", err)) == 0) {
		if (created != NULL)
			pierone_time_parse(&s->created, created);
		s->created_text = created;	/* handed over */
		created = NULL;
		s->found = true;
	}
	free(created);
	cJSON_Delete(root);
	return rc;
}

void
pierone_scm_sources_free(struct pierone_scm_source *s, size_t n)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(s[i].url);
		free(s[i].revision);
		free(s[i].author);
		free(s[i].status);
		free(s[i].created_text);
	}
	free(s);
}

/* Every tag's request path, validated and encoded. */
static int
scm_paths(char ***out, pierone_client *c, const char *team,
    const char *artifact, const char *const *tags, size_t n)
{
	char **paths;
	int rc = 0;

	if ((paths = calloc(n + 1, sizeof(*paths))) == NULL)
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = repo_path(&paths[i], REPO_SCM_SOURCE, team, artifact,
		    tags[i], &c->err);
	if (rc != 0)
		strv_free(paths, n);
	else
		*out = paths;
	return rc;
}

/* Results in order; the first failure but 404 is the one told. */
static int
scm_collect(struct pierone_scm_source *s, pierone_client *c, const char *team,
    const char *artifact, const char *const *tags, struct http_result *res,
    size_t n)
{
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (!res[i].started || res[i].rc == PIERONE_ENOTFOUND)
			continue;
		if ((rc = res[i].rc) == 0 &&
		    (rc = scm_from_json(&s[i], &res[i].body, &res[i].err)) != 0)
			err_prefix(&res[i].err, "GET %s", c->url);
		if (rc != 0) {
			c->err = res[i].err;
			return err_prefix(&c->err, "cannot get the SCM source "
			    "of '%s/%s:%s'", team, artifact, tags[i]);
		}
	}
	return 0;
}

static bool
all_missing(const struct http_result *res, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (res[i].started && res[i].rc != PIERONE_ENOTFOUND)
			return false;
	return n > 0;
}

/* Pier One's scm-source of every tag; the names are checked already. */
int
pier_scm_sources(struct pierone_scm_source **out, pierone_client *c,
    const char *team, const char *artifact, const char *const *tags,
    size_t n, unsigned int jobs)
{
	struct pierone_scm_source *s = NULL;
	struct http_result *res = NULL;
	char **paths = NULL;
	int rc;

	if ((rc = scm_paths(&paths, c, team, artifact, tags, n)) != 0)
		return rc;
	if ((s = calloc(n + 1, sizeof(*s))) == NULL ||
	    (res = calloc(n + 1, sizeof(*res))) == NULL)
		rc = err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	else if ((rc = http_get_many_ex(c, (const char *const *)paths, n,
	    jobs, HTTP_404_OK, res)) == 0) {
		rc = scm_collect(s, c, team, artifact, tags, res, n);
		/* Nothing found at all: maybe there is no Pier One API. */
		if (rc == 0 && all_missing(res, n) &&
		    registry_detect(c, PIERONE_ENOTFOUND, false))
			rc = REGISTRY_ABSENT;
		http_results_free(res, n);
	}
	free(res);
	strv_free(paths, n);
	if (rc != 0) {
		pierone_scm_sources_free(s, n);
		return rc;
	}
	*out = s;
	return 0;
}

void
pierone_image_tags_free(struct pierone_image_tags *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->count; i++) {
		free(l->tags[i].team);
		free(l->tags[i].artifact);
		free(l->tags[i].name);
	}
	free(l->tags);
	free(l);
}

static int
image_tags_from_json(struct pierone_image_tags **out, const struct buf *body,
    struct pierone_err *err)
{
	struct pierone_image_tags *l;
	struct pierone_image_tag *t;
	cJSON *root, *it;
	int rc = 0;

	root = cJSON_ParseWithLength(body->data, body->len);
	if (!cJSON_IsArray(root)) {
		cJSON_Delete(root);
		return err_set(err, PIERONE_EBADRESPONSE, "%s",
		    root == NULL ? "invalid JSON" : "expected a JSON array");
	}
	if ((l = calloc(1, sizeof(*l))) == NULL || (l->tags = calloc(
	    (size_t)cJSON_GetArraySize(root) + 1, sizeof(*l->tags))) == NULL) {
		free(l);
		cJSON_Delete(root);
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	cJSON_ArrayForEach(it, root) {
		t = &l->tags[l->count++];
		if (!cJSON_IsObject(it))
			rc = err_set(err, PIERONE_EBADRESPONSE, "expected "
			    "objects of team, artifact and name");
		if (rc == 0 && (rc = json_string_member(&t->team, it, "team", err)) == 0 &&
		    (rc = json_string_member(&t->artifact, it, "artifact", err)) == 0)
			rc = json_string_member(&t->name, it, "name", err);
		if (rc != 0)
			break;
	}
	cJSON_Delete(root);
	if (rc != 0)
		pierone_image_tags_free(l);
	else
		*out = l;
	return rc;
}

/* Pier One's tags of an image id prefix, checked already. */
int
pier_image_find(struct pierone_image_tags **out, pierone_client *c,
    const char *prefix)
{
	struct http_result r;
	char *enc, *path = NULL;
	int rc;

	if ((enc = segment_encode(prefix)) == NULL ||
	    asprintf(&path, "/tags/%s", enc) < 0) {
		free(enc);
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	}
	free(enc);
	if ((rc = http_get_many(c, (const char *const *)&path, 1, 1, &r)) != 0) {
		free(path);
		return rc;
	}
	if ((rc = r.rc) != 0)
		c->err = r.err;
	else if (web_page(&r))
		rc = PIERONE_ENOTFOUND;		/* a portal: no Pier One API */
	else if ((rc = image_tags_from_json(out, &r.body, &c->err)) != 0)
		err_prefix(&c->err, "GET %s%s", c->url, path);
	/* The old client's words, which scripts may look for. */
	if (rc == PIERONE_ENOTFOUND && registry_detect(c, rc, false))
		rc = REGISTRY_ABSENT;
	else if (rc == PIERONE_ENOTFOUND)
		err_set(&c->err, rc, "Image %s not found", prefix);
	else if (r.status == 412)
		err_set(&c->err, rc = PIERONE_EAMBIGUOUS, "Prefix %s matches "
		    "more than one image.", prefix);
	http_results_free(&r, 1);
	free(path);
	return rc;
}
