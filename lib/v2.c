/*
 * The v2 backend: the read calls over the Docker Registry HTTP API v2,
 * for registries without Pier One's /teams API (the reference registry, Harbor, GHCR,
 * ECR, ...):
 *
 *   teams, artifacts   GET /v2/_catalog: repositories "team/artifact";
 *   tags               GET /v2/TEAM/ARTIFACT/tags/list;
 *   created            each tag's manifest (an index or list: the
 *                      linux/amd64 image, else the first real one), then
 *                      its config blob's "created".
 *
 * Lists are paginated: n=1000 is asked for and the Link rel="next" header
 * followed (same registry only) until there is none; a short page proves
 * nothing.  Every stage runs its requests in parallel over the client's
 * connections, and a config shared by several tags is fetched once.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "http.h"
#include "registry.h"

/* ------------------------------------------------------------------
 * Teams and artifacts
 */

static int
catalog(pierone_client *c, struct names *repos)
{
	static const char path[] = "/v2/_catalog?n=1000";
	struct http_result r;
	int rc;

	if ((rc = http_get_one(c, path, 0, &r)) == 0)
		rc = v2_rest(c, path, &r, "repositories", repos);
	http_results_free(&r, 1);
	if (rc != 0)
		names_free(repos);
	return rc;
}

/* Sorted, without repeats, as a list for the caller. */
static int
to_strlist(struct pierone_strlist **out, struct names *l,
    struct pierone_err *err)
{
	struct pierone_strlist *list;
	size_t k = 0;

	if ((list = calloc(1, sizeof(*list))) == NULL) {
		names_free(l);
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	list->items = l->v;
	list->count = l->n;
	memset(l, 0, sizeof(*l));
	pierone_strlist_sort(list);
	for (size_t i = 0; i < list->count; i++) {
		if (k > 0 && strcmp(list->items[k - 1], list->items[i]) == 0)
			free(list->items[i]);
		else
			list->items[k++] = list->items[i];
	}
	list->count = k;
	*out = list;
	return 0;
}

static int
v2_teams(struct pierone_strlist **out, pierone_client *c)
{
	struct names repos = { 0 }, teams = { 0 };
	size_t len;
	int rc;

	if ((rc = catalog(c, &repos)) != 0)
		return rc;
	/* "team/..." where the team is a valid name; others are not ours. */
	for (size_t i = 0; i < repos.n && rc == 0; i++) {
		char *slash = strchr(repos.v[i], '/');

		if (slash == NULL)
			continue;
		len = (size_t)(slash - repos.v[i]);
		*slash = '\0';
		if (pierone_team_validate(repos.v[i], NULL) == 0)
			rc = names_add(&teams, repos.v[i], len);
	}
	names_free(&repos);
	if (rc != 0) {
		names_free(&teams);
		return err_set(&c->err, rc, "out of memory");
	}
	return to_strlist(out, &teams, &c->err);
}

static int
v2_artifacts(struct pierone_strlist **out, pierone_client *c,
    const char *team)
{
	struct names repos = { 0 }, arts = { 0 };
	size_t tl = strlen(team);
	const char *a;
	int rc;

	if ((rc = catalog(c, &repos)) != 0)
		return rc;
	/* Exactly "team/artifact": deeper names are no artifact of ours. */
	for (size_t i = 0; i < repos.n && rc == 0; i++) {
		a = repos.v[i] + tl + 1;
		if (strncmp(repos.v[i], team, tl) == 0 && repos.v[i][tl] ==
		    '/' && *a != '\0' && strchr(a, '/') == NULL)
			rc = names_add(&arts, a, strlen(a));
	}
	names_free(&repos);
	if (rc != 0) {
		names_free(&arts);
		return err_set(&c->err, rc, "out of memory");
	}
	if (arts.n == 0)
		return err_set(&c->err, PIERONE_ENOTFOUND, "team '%s' not "
		    "found at %s", team, c->url);
	return to_strlist(out, &arts, &c->err);
}

/* ------------------------------------------------------------------
 * Tags with their creation times
 */

/* One tag on its way: manifest, maybe a platform's manifest, config. */
struct vtag {
	size_t art;			/* index into the artifacts */
	char *name;
	char *digest;			/* what to fetch next, or NULL */
	enum v2_manifest_kind kind;
	char *config;			/* the image id */
	struct pierone_time created;
};

struct job {
	pierone_client *c;
	const char *team;
	const char *const *arts;
	size_t narts;
	unsigned int jobs;
	struct vtag *tags;
	size_t ntags;
};

static void
job_free(struct job *j)
{
	for (size_t i = 0; i < j->ntags; i++) {
		free(j->tags[i].name);
		free(j->tags[i].digest);
		free(j->tags[i].config);
	}
	free(j->tags);
}

/* A failed request's message, naming the artifact it was for. */
static int
art_fail(struct job *j, size_t art, struct http_result *r)
{
	j->c->err = r->err;
	if (r->rc == PIERONE_ENOTFOUND)
		return err_set(&j->c->err, r->rc, "artifact '%s/%s' not found "
		    "at %s", j->team, j->arts[art], j->c->url);
	err_prefix(&j->c->err, "cannot list tags of '%s/%s'", j->team,
	    j->arts[art]);
	return r->rc;
}

/* Every artifact's tag names: first pages in parallel, then the rest. */
static int
list_tags(struct job *j, unsigned int flags)
{
	struct http_result *res;
	struct names names = { 0 };
	char **paths;
	int rc = 0;

	if ((paths = calloc(j->narts + 1, sizeof(*paths))) == NULL ||
	    (res = calloc(j->narts + 1, sizeof(*res))) == NULL) {
		free(paths);
		return err_set(&j->c->err, PIERONE_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < j->narts && rc == 0; i++)
		rc = repo_path(&paths[i], REPO_TAGS_LIST, j->team, j->arts[i],
		    NULL, &j->c->err);
	if (rc == 0)
		rc = http_get_many(j->c, (const char *const *)paths, j->narts,
		    j->jobs, res);
	for (size_t i = 0; i < j->narts && rc == 0; i++) {
		if (res[i].rc != 0) {
			rc = art_fail(j, i, &res[i]);
			break;
		}
		names.n = 0;
		if ((rc = v2_rest(j->c, paths[i], &res[i], "tags", &names))) {
			err_prefix(&j->c->err, "cannot list tags of '%s/%s'",
			    j->team, j->arts[i]);
			for (size_t k = 0; k < names.n; k++)
				free(names.v[k]);
			break;
		}
		for (size_t k = 0; k < names.n && rc == 0; k++) {
			struct vtag *t;

			if (((flags & PIERONE_LATEST_NO_SNAPSHOT) &&
			    tag_is_snapshot(names.v[k], strlen(names.v[k]))) ||
			    !registry_tag_kept(j->c, names.v[k]))
				continue;
			if ((t = reallocarray(j->tags, j->ntags + 1,
			    sizeof(*t))) == NULL) {
				rc = err_set(&j->c->err, PIERONE_ENOMEM,
				    "out of memory");
				break;
			}
			j->tags = t;
			t = &j->tags[j->ntags++];
			memset(t, 0, sizeof(*t));
			t->art = i;
			t->name = names.v[k];
			names.v[k] = NULL;
		}
		for (size_t k = 0; k < names.n; k++)
			free(names.v[k]);
	}
	free(names.v);
	http_results_free(res, j->narts);
	free(res);
	strv_free(paths, j->narts);
	return rc;
}

/*
 * One stage: a request for every tag `want` picks (kind REPO_MANIFEST by
 * t->digest or t->name, or REPO_BLOB), in parallel; `take` reads each
 * answer.  A tag whose manifest is gone (404) keeps no time.
 */
typedef int take_fn(struct vtag *t, struct http_result *r,
    struct pierone_err *err);

static int
stage(struct job *j, bool (*want)(const struct vtag *), enum repo_path kind,
    unsigned int flags, take_fn *take)
{
	size_t n = 0, *who;
	struct http_result *res;
	char **paths;
	int rc = 0;

	paths = calloc(j->ntags + 1, sizeof(*paths));
	res = calloc(j->ntags + 1, sizeof(*res));
	who = calloc(j->ntags + 1, sizeof(*who));
	if (paths == NULL || res == NULL || who == NULL)
		rc = err_set(&j->c->err, PIERONE_ENOMEM, "out of memory");
	for (size_t i = 0; i < j->ntags && rc == 0; i++) {
		struct vtag *t = &j->tags[i];

		if (!want(t))
			continue;
		if (kind == REPO_MANIFEST && t->digest == NULL &&
		    !pierone_segment_requestable(t->name)) {
			t->kind = MANIFEST_GONE;  /* no registry has such */
			continue;
		}
		rc = repo_path(&paths[n], kind, j->team, j->arts[t->art],
		    kind == REPO_BLOB ? t->config : t->digest != NULL ?
		    t->digest : t->name, &j->c->err);
		who[n++] = i;
	}
	if (rc == 0 && n > 0)
		rc = http_get_many_ex(j->c, (const char *const *)paths, n,
		    j->jobs, HTTP_404_OK | flags, res);
	for (size_t k = 0; k < n && rc == 0; k++) {
		struct vtag *t = &j->tags[who[k]];

		if (!res[k].started || res[k].rc == PIERONE_ENOTFOUND) {
			free(t->digest);
			t->digest = NULL;
			t->kind = MANIFEST_GONE;
			continue;
		}
		if (res[k].rc != 0) {
			rc = art_fail(j, t->art, &res[k]);
			break;
		}
		if ((rc = take(t, &res[k], &j->c->err)) != 0)
			err_prefix(&j->c->err, "GET %s%s", j->c->url, paths[k]);
	}
	if (res != NULL && n > 0)
		http_results_free(res, n);
	free(res);
	free(who);
	strv_free(paths, n);
	return rc;
}

static bool
want_manifest(const struct vtag *t)
{
	return t->kind == MANIFEST_NONE;
}

/* An index's chosen platform manifest, by digest. */
static bool
want_platform(const struct vtag *t)
{
	return t->kind == MANIFEST_INDEX;
}

static int
take_manifest(struct vtag *t, struct http_result *r, struct pierone_err *err)
{
	struct v2_manifest m;
	int rc;

	/* A broken manifest costs its tag the time, not the whole list. */
	if ((rc = v2_manifest_parse(&m, r->body.data, r->body.len,
	    r->content_type, err)) != 0) {
		t->kind = MANIFEST_GONE;
		free(t->digest);
		t->digest = NULL;
		return rc == PIERONE_EBADRESPONSE ? 0 : rc;
	}
	free(t->digest);
	t->digest = NULL;
	/* An index inside an index is no image: leave the time unknown. */
	if (t->kind == MANIFEST_INDEX && m.kind == MANIFEST_INDEX) {
		free(m.digest);
		t->kind = MANIFEST_GONE;
		return 0;
	}
	t->kind = m.kind;
	t->created = m.created;
	if (m.kind == MANIFEST_INDEX)
		t->digest = m.digest;
	else
		t->config = m.digest;
	return 0;
}

static bool
want_config(const struct vtag *t)
{
	return t->config != NULL && !t->created.valid;
}

static int
take_config(struct vtag *t, struct http_result *r, struct pierone_err *err)
{
	int rc = v2_config_created(&t->created, r->body.data, r->body.len,
	    err);

	return rc == PIERONE_EBADRESPONSE ? 0 : rc;	/* time unknown */
}

static int
cmp_config(const void *a, const void *b)
{
	const struct vtag *x = *(struct vtag *const *)a,
	    *y = *(struct vtag *const *)b;

	if (x->art != y->art)
		return x->art < y->art ? -1 : 1;
	return strcmp(x->config, y->config);
}

/*
 * Fetch each artifact's distinct configs once: tags sharing one (the
 * same image under several names) wait for the first to have it.
 */
static int
configs(struct job *j)
{
	struct vtag **by = NULL, **dup = NULL, *t;
	size_t n = 0, ndup = 0;
	int rc;

	if ((by = calloc(j->ntags + 1, sizeof(*by))) == NULL ||
	    (dup = calloc(j->ntags + 1, sizeof(*dup))) == NULL) {
		free(by);
		return err_set(&j->c->err, PIERONE_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < j->ntags; i++)
		if (j->tags[i].config != NULL)
			by[n++] = &j->tags[i];
	qsort(by, n, sizeof(*by), cmp_config);
	/* Hide the repeats (config NULL) while the first ones are fetched. */
	for (size_t i = 1; i < n; i++)
		if (cmp_config(&by[i - 1], &by[i]) == 0)
			dup[ndup++] = by[i];
	for (size_t i = 0; i < ndup; i++) {
		t = dup[i];
		t->digest = t->config;	/* parked here meanwhile */
		t->config = NULL;
	}
	rc = stage(j, want_config, REPO_BLOB, 0, take_config);
	for (size_t i = 0, k = 0; i < n; i++) {
		if (by[i]->config != NULL) {
			k = i;		/* the one fetched */
			continue;
		}
		by[i]->config = by[i]->digest;
		by[i]->digest = NULL;
		by[i]->created = by[k]->created;
	}
	free(by);
	free(dup);
	return rc;
}

/* Oldest first, as Pier One lists them; equal times keep name order. */
static int
cmp_created(const void *a, const void *b)
{
	const struct vtag *x = a, *y = b;

	if (x->art != y->art)
		return x->art < y->art ? -1 : 1;
	if (x->created.valid != y->created.valid)
		return x->created.valid ? 1 : -1;
	if (x->created.sec != y->created.sec)
		return x->created.sec < y->created.sec ? -1 : 1;
	if (x->created.ms != y->created.ms)
		return x->created.ms < y->created.ms ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* `dates`: read each tag's manifest and config for its time. */
static int
resolve(struct job *j, unsigned int flags, bool dates)
{
	int rc;

	if ((rc = list_tags(j, flags)) != 0)
		return rc;
	if (dates && ((rc = stage(j, want_manifest, REPO_MANIFEST,
	    HTTP_MANIFEST_ANY, take_manifest)) != 0 ||
	    (rc = stage(j, want_platform, REPO_MANIFEST, HTTP_MANIFEST_ANY,
	    take_manifest)) != 0 || (rc = configs(j)) != 0))
		return rc;
	if (j->ntags > 1)
		qsort(j->tags, j->ntags, sizeof(*j->tags), cmp_created);
	return 0;
}

/* The tags of artifact `art` (sorted already) as the caller's list. */
static int
to_tag_list(struct pierone_tag_list **out, struct job *j, size_t art)
{
	struct pierone_tag_list *l;
	size_t n = 0;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return PIERONE_ENOMEM;
	*out = l;
	for (size_t i = 0; i < j->ntags; i++)
		n += j->tags[i].art == art;
	if ((l->tags = calloc(n + 1, sizeof(*l->tags))) == NULL)
		return PIERONE_ENOMEM;
	for (size_t i = 0; i < j->ntags; i++) {
		struct vtag *t = &j->tags[i];
		struct pierone_tag *pt;

		if (t->art != art)
			continue;
		pt = &l->tags[l->count++];
		pt->name = t->name;
		pt->created = t->created;
		pt->image = t->config;
		t->name = t->config = NULL;
	}
	return 0;
}

/* Every list comes at the end: dates need each tag's manifest and config. */
static int
v2_tags_each(pierone_client *c, const char *team,
    const char *const *artifacts, size_t n, unsigned int jobs,
    struct tags_sink *sink)
{
	struct job j = { c, team, artifacts, n, jobs, NULL, 0 };
	struct pierone_tag_list *l;
	int rc;

	if ((rc = resolve(&j, 0, !(c->filter.flags &
	    PIERONE_TAGS_NO_DATES))) == 0) {
		for (size_t i = 0; i < n && rc == 0; i++) {
			l = NULL;
			if ((rc = to_tag_list(&l, &j, i)) != 0) {
				pierone_tag_list_free(l);
				err_set(&c->err, rc, "out of memory");
			} else {
				rc = tags_sink_take(sink, i, l);
			}
		}
	}
	job_free(&j);
	return rc;
}

static int
v2_latest(char **out, struct pierone_time *created, pierone_client *c,
    const char *team, const char *artifact, unsigned int flags)
{
	struct job j = { c, team, &artifact, 1, PIERONE_DEFAULT_JOBS, NULL, 0 };
	int rc;

	*out = NULL;
	/* Sorted oldest first: the last one is the latest. */
	if ((rc = resolve(&j, flags, true)) == 0 && j.ntags > 0) {
		*out = j.tags[j.ntags - 1].name;
		j.tags[j.ntags - 1].name = NULL;
		if (created != NULL)
			*created = j.tags[j.ntags - 1].created;
	}
	job_free(&j);
	return rc;
}

const struct registry_ops registry_v2 = {
	.name = "the Docker Registry API v2",
	.api = PIERONE_API_V2,
	.teams = v2_teams,
	.artifacts = v2_artifacts,
	.tags_each = v2_tags_each,
	.latest = v2_latest,
	.describe = v2_describe,	/* describe.c */
	/* scm-source, image lookups, production-ready: Pier One's only */
};
