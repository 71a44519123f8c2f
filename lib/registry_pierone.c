/*
 * The Pier One backend: teams, artifacts and tags over Pier One's own
 * API (/teams/...), with scm-source and image lookups (scm.c), describe
 * (describe.c) and the production-ready mark (mark.c).  Its calls are
 * the ones that detect the API: where one finds no Pier One API (404, or
 * a web page) registry_detect() decides, and the call answers
 * REGISTRY_ABSENT when it is to be made on the backend detected.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "json.h"
#include "http.h"
#include "registry.h"

/* GET path: a web page counts as absent (404); c->err says why. */
static int
get_api(pierone_client *c, const char *path, struct buf *body)
{
	struct http_result r;
	int rc;

	memset(body, 0, sizeof(*body));
	if ((rc = http_get_one(c, path, 0, &r)) == 0 && web_page(&r))
		rc = err_set(&c->err, PIERONE_ENOTFOUND, "GET %s%s: a web "
		    "page, not Pier One's API", c->url, path);
	else if (rc == 0) {
		*body = r.body;		/* handed over */
		memset(&r.body, 0, sizeof(r.body));
	}
	http_results_free(&r, 1);
	return rc;
}

static int
pier_teams(struct pierone_strlist **out, pierone_client *c)
{
	struct buf body = { 0 };
	int rc;

	if ((rc = get_api(c, "/teams", &body)) == 0 &&
	    (rc = strlist_from_json(out, body.data, body.len, &c->err)) != 0)
		err_prefix(&c->err, "GET %s/teams", c->url);
	buf_free(&body);
	return registry_detect(c, rc, true) ? REGISTRY_ABSENT : rc;
}

static int
pier_artifacts(struct pierone_strlist **out, pierone_client *c,
    const char *team)
{
	struct buf path = { 0 }, body = { 0 };
	int rc;

	if (buf_printf(&path, "/teams/%s/artifacts", team) != 0)
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	if ((rc = get_api(c, path.data, &body)) == 0 &&
	    (rc = strlist_from_json(out, body.data, body.len, &c->err)) != 0)
		err_prefix(&c->err, "GET %s%s", c->url, path.data);
	buf_free(&path);
	buf_free(&body);
	if (registry_detect(c, rc, false))
		return REGISTRY_ABSENT;
	if (rc == PIERONE_ENOTFOUND)
		err_set(&c->err, rc, "team '%s' not found at %s", team, c->url);
	return rc;
}

/*
 * The outcome of one artifact's request, with a message naming it: the
 * list in *out, or when `latest` is not NULL only the latest tag's name
 * (and its time in *created, unless NULL).
 */
static int
tags_result(struct pierone_tag_list **out, char **latest,
    struct pierone_time *created, unsigned int flags, pierone_client *c,
    const char *team, const char *artifact, struct http_result *r)
{
	struct pierone_err ignored;
	int rc = r->rc;
	char *path;

	if (web_page(r))
		rc = err_set(&r->err, PIERONE_ENOTFOUND, "a web page, not "
		    "Pier One's API");
	else if (rc == 0) {
		if (latest != NULL)
			rc = tags_latest_from_json(latest, NULL, created,
			    r->body.data, r->body.len, flags, &r->err);
		else
			rc = tags_from_json(out, r->body.data, r->body.len,
			    &r->err);
		/* the path only for the message: built on failure alone */
		if (rc != 0 && repo_path(&path, REPO_TAGS, team, artifact,
		    NULL, &ignored) == 0) {
			err_prefix(&r->err, "GET %s%s", c->url, path);
			free(path);
		}
	}
	if (rc == PIERONE_ENOTFOUND)
		err_set(&r->err, rc, "artifact '%s/%s' not found at %s", team,
		    artifact, c->url);
	else if (rc != 0)
		err_prefix(&r->err, "cannot list tags of '%s/%s'", team,
		    artifact);
	return rc;
}

/* One pier_tags_each() call as its answers come. */
struct tags_run {
	pierone_client *c;
	const char *team;
	const char *const *artifacts;
	struct tags_sink *sink;
	size_t fail;			/* the first failed artifact, or n */
	int rc;				/* its outcome, with err */
	struct pierone_err err;
	bool handed;			/* a list went to the sink */
};

/* Artifact i's path, made as its request starts. */
static int
tags_path(void *arg, size_t i, char **path)
{
	struct tags_run *t = arg;

	return repo_path(path, REPO_TAGS, t->team, t->artifacts[i], NULL,
	    &t->c->err);
}

/* One artifact's answer: its list to the sink, or the failure kept. */
static int
tags_took(void *arg, size_t i, struct http_result *r)
{
	struct tags_run *t = arg;
	struct pierone_tag_list *l = NULL;
	int rc;

	rc = tags_result(&l, NULL, NULL, 0, t->c, t->team, t->artifacts[i], r);
	/* The first failure in the caller's order is the one told. */
	if (rc != 0 && i < t->fail) {
		t->fail = i;
		t->rc = rc;
		t->err = r->err;
	}
	if (rc != 0 || t->rc != 0) {
		pierone_tag_list_free(l);
		return rc;
	}
	t->handed = true;
	if ((rc = tags_sink_take(t->sink, i, l)) != 0) {
		t->fail = 0;
		t->rc = rc;
		t->err = t->c->err;
	}
	return rc;
}

/*
 * Each list goes on as it is read, its answer freed: only the requests in
 * flight and the lists the sink holds for order are in memory at once.
 */
static int
pier_tags_each(pierone_client *c, const char *team,
    const char *const *artifacts, size_t n, unsigned int jobs,
    struct tags_sink *sink)
{
	struct tags_run t = { .c = c, .team = team, .artifacts = artifacts,
	    .sink = sink, .fail = n };
	int rc;

	/* the names were checked (pierone_tags_each()): paths can be made */
	if ((rc = http_get_each(c, tags_path, n, jobs, 0, tags_took, &t)) ==
	    0 && (rc = t.rc) != 0)
		c->err = t.err;
	/* an answered list proves the API: the lists went on already */
	if (t.handed)
		registry_detect(c, 0, false);
	return registry_detect(c, rc, false) ? REGISTRY_ABSENT : rc;
}

/*
 * Only the best tag is kept while the answer is read, never the list: an
 * artifact can have 100 000 tags.  The messages are tags_result()'s.
 */
static int
pier_latest(char **out, struct pierone_time *created, pierone_client *c,
    const char *team, const char *artifact, unsigned int flags)
{
	struct http_result r;
	char *p;
	int rc;

	if ((rc = repo_path(&p, REPO_TAGS, team, artifact, NULL, &c->err)))
		return rc;
	if ((rc = http_get_many(c, (const char *const *)&p, 1, 1, &r)) == 0) {
		if ((rc = tags_result(NULL, out, created, flags, c, team,
		    artifact, &r)) != 0)
			c->err = r.err;
		http_results_free(&r, 1);
	}
	free(p);
	return registry_detect(c, rc, false) ? REGISTRY_ABSENT : rc;
}

const struct registry_ops registry_pierone = {
	.name = "Pier One's API",
	.api = PIERONE_API_PIERONE,
	.teams = pier_teams,
	.artifacts = pier_artifacts,
	.tags_each = pier_tags_each,
	.latest = pier_latest,
	.scm_sources = pier_scm_sources,
	.image_find = pier_image_find,
	.describe = pier_describe,
	.mark = pier_mark,
};
