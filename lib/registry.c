/*
 * One registry interface: the registry calls of pierone.h, each checking
 * its names and then handing the work to the client's backend (struct
 * registry_ops), and the one place where the backend is chosen: the
 * registry's API is detected once per client.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base.h"
#include "http.h"
#include "registry.h"

/*
 * The backends, in the order detection tries them.  PIERONE_API_AUTO
 * starts on the first, Pier One's, whose calls tell when the registry
 * lacks its API (registry_detect()); the client then goes on with the
 * next.  Adding a backend (say, a registry's own listing API) is one new
 * file that defines its struct registry_ops, its value of enum
 * pierone_api and one entry here; an operation it lacks stays NULL.
 */
static const struct registry_ops *const backends[] = {
	&registry_pierone,
	&registry_v2,
};
#define NBACKENDS	(sizeof(backends) / sizeof(backends[0]))

static const struct registry_ops *
registry_backend(const pierone_client *c)
{
	for (size_t i = 0; i < NBACKENDS; i++)
		if (backends[i]->api == c->api)
			return backends[i];
	return backends[0];	/* AUTO: detect on the way */
}

/* The client's backend lacks the operation `what`. */
static int
registry_unsupported(pierone_client *c, const struct registry_ops *b,
    const char *what)
{
	return err_set(&c->err, PIERONE_EUNSUPPORTED, "%s needs Pier One's "
	    "API, and %s offers only %s", what, c->url, b->name);
}

/*
 * rc = operation `op` of the client's backend, named `what` in messages;
 * when that backend finds the registry lacks its API (REGISTRY_ABSENT,
 * the client's api changed), the same on the backend detected.
 */
#define DISPATCH(rc, c, what, op, ...) do {				\
	const struct registry_ops *b_ = registry_backend(c);		\
	(rc) = REGISTRY_ABSENT;						\
	for (size_t n_ = 0; (rc) == REGISTRY_ABSENT && n_ < NBACKENDS;	\
	    n_++, b_ = registry_backend(c))				\
		(rc) = b_->op == NULL ? registry_unsupported((c), b_,	\
		    (what)) : b_->op(__VA_ARGS__);			\
} while (0)

/*
 * A web page where Pier One's API would answer: registries with a web
 * interface (Harbor, Nexus, ...) serve it for any path they do not know.
 */
bool
web_page(const struct http_result *r)
{
	return r->rc == 0 && r->content_type != NULL &&
	    strncasecmp(r->content_type, "text/html", 9) == 0;
}

/*
 * Detect the API after a Pier One call ended with `rc` (once per client):
 * true when the registry has no /teams, so that the call is to be made
 * over v2 instead.  `probed`: the call was GET /teams itself.
 */
bool
registry_detect(pierone_client *c, int rc, bool probed)
{
	struct pierone_err saved;
	struct http_result r;

	if (c->api != PIERONE_API_AUTO)
		return false;
	if (rc == 0) {
		c->api = PIERONE_API_PIERONE;
		c->seen = REGISTRY_YES;
		return false;
	}
	if (rc != PIERONE_ENOTFOUND)
		return false;
	if (!probed) {
		saved = c->err;
		if ((rc = http_get_one(c, "/teams", 0, &r)) == 0 &&
		    web_page(&r))
			rc = PIERONE_ENOTFOUND;
		http_results_free(&r, 1);
		c->err = saved;
		if (rc != PIERONE_ENOTFOUND) {
			if (rc == 0) {
				c->api = PIERONE_API_PIERONE;
				c->seen = REGISTRY_YES;	/* not a web page */
			}
			return false;
		}
	}
	c->api = PIERONE_API_V2;
	client_err_clear(c);
	return true;
}

/* The names of a request checked as repo_path() checks them. */
static int
names_check(pierone_client *c, enum repo_path kind, const char *team,
    const char *artifact, const char *ref)
{
	char *path;
	int rc;

	if ((rc = repo_path(&path, kind, team, artifact, ref, &c->err)) == 0)
		free(path);
	return rc;
}

int
pierone_teams_list(struct pierone_strlist **out, pierone_client *c)
{
	int rc;

	*out = NULL;
	client_err_clear(c);
	DISPATCH(rc, c, "teams", teams, out, c);
	if (rc != 0)
		err_prefix(&c->err, "cannot list teams");
	return registry_check(c, rc);
}

int
pierone_artifacts_list(struct pierone_strlist **out, pierone_client *c,
    const char *team)
{
	int rc;

	*out = NULL;
	if ((rc = pierone_team_validate(team, &c->err)) != 0)
		return rc;
	client_err_clear(c);
	DISPATCH(rc, c, "artifacts", artifacts, out, c, team);
	if (rc != 0 && rc != PIERONE_ENOTFOUND)
		err_prefix(&c->err, "cannot list artifacts of team '%s'", team);
	return registry_check(c, rc);
}

void
pierone_set_tag_filter(pierone_client *c, pierone_tag_filter_fn *fn,
    void *arg, unsigned int flags)
{
	c->filter.fn = fn;
	c->filter.arg = arg;
	c->filter.flags = flags;
}

bool
registry_tag_kept(const void *client, const char *name)
{
	const pierone_client *c = client;

	if (c->api == PIERONE_API_V2 &&
	    !(c->filter.flags & PIERONE_TAGS_SIGNATURES) &&
	    pierone_tag_is_signature(name))
		return false;
	return c->filter.fn == NULL || c->filter.fn(name, c->filter.arg);
}

/* The lists a backend's tags_each() hands over, passed on in order. */
struct tags_sink {
	pierone_client *c;
	size_t n, next;			/* next: the first not passed on */
	struct pierone_tag_list **held;	/* come before their turn */
	pierone_tags_fn *fn;
	void *arg;
};

int
tags_sink_take(struct tags_sink *s, size_t i, struct pierone_tag_list *l)
{
	int rc = 0;

	/* a second backend after detection lists them again */
	pierone_tag_list_free(s->held[i]);
	s->held[i] = l;
	while (rc == 0 && s->next < s->n && s->held[s->next] != NULL) {
		l = s->held[s->next];
		s->held[s->next] = NULL;
		/* a filter of the caller's (v2 left out signature tags) */
		if (s->c->filter.fn != NULL)
			tag_list_keep(l, registry_tag_kept, s->c);
		rc = s->fn(l, s->next++, s->arg);
	}
	/*
	 * Not a PIERONE_E* code: a positive one would read as the backends'
	 * REGISTRY_ABSENT (the run made again over another API) or leak out.
	 */
	if (rc > 0)
		return err_set(&s->c->err, PIERONE_EINVAL, "the tags function "
		    "returned %d, not a PIERONE_E* code", rc);
	if (rc != 0)
		err_set(&s->c->err, rc, "%s", rc == PIERONE_ENOMEM ?
		    "out of memory" : pierone_strerror(rc));
	return rc;
}

int
pierone_tags_each(pierone_client *c, const char *team,
    const char *const *artifacts, size_t n, unsigned int jobs,
    pierone_tags_fn *fn, void *arg)
{
	struct tags_sink s = { .c = c, .n = n, .fn = fn, .arg = arg };
	int rc = 0;

	client_err_clear(c);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = names_check(c, REPO_TAGS, team, artifacts[i], NULL);
	if (rc != 0)
		return rc;
	if ((s.held = calloc(n + 1, sizeof(*s.held))) == NULL)
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	DISPATCH(rc, c, "tags", tags_each, c, team, artifacts, n,
	    jobs > 0 ? jobs : PIERONE_DEFAULT_JOBS, &s);
	pierone_tag_lists_free(s.held, n);	/* come after a failure */
	return registry_check(c, rc);
}

static int
collect(struct pierone_tag_list *l, size_t i, void *arg)
{
	struct pierone_tag_list **lists = arg;

	lists[i] = l;
	return 0;
}

int
pierone_tags_list_many(struct pierone_tag_list ***out, pierone_client *c,
    const char *team, const char *const *artifacts, size_t n,
    unsigned int jobs)
{
	struct pierone_tag_list **lists;
	int rc;

	*out = NULL;
	if ((lists = calloc(n + 1, sizeof(*lists))) == NULL) {
		client_err_clear(c);
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	}
	if ((rc = pierone_tags_each(c, team, artifacts, n, jobs, collect,
	    lists)) != 0) {
		pierone_tag_lists_free(lists, n);
		return rc;
	}
	*out = lists;
	return 0;
}

int
pierone_tags_list(struct pierone_tag_list **out, pierone_client *c,
    const char *team, const char *artifact)
{
	struct pierone_tag_list **lists;
	int rc;

	*out = NULL;
	if ((rc = pierone_tags_list_many(&lists, c, team, &artifact, 1, 1)) != 0)
		return rc;
	*out = lists[0];
	free(lists);
	return 0;
}

static bool
not_snapshot(const void *ctx, const char *name)
{
	(void)ctx;
	return !tag_is_snapshot(name, strlen(name));
}

/* The latest of the tags the client's filter keeps, from the tag list. */
static int
latest_filtered(char **out, struct pierone_time *created, pierone_client *c,
    const char *team, const char *artifact, unsigned int flags)
{
	struct pierone_tag_list *l;
	long i;
	int rc;

	if ((rc = pierone_tags_list(&l, c, team, artifact)) != 0)
		return rc;
	if (flags & PIERONE_LATEST_NO_SNAPSHOT)
		tag_list_keep(l, not_snapshot, NULL);
	if ((i = pierone_tags_latest_index(l)) >= 0 &&
	    (*out = strdup(l->tags[i].name)) == NULL)
		rc = err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	if (rc == 0 && i >= 0 && created != NULL)
		*created = l->tags[i].created;
	pierone_tag_list_free(l);
	return rc;
}

int
pierone_latest_time(char **out, struct pierone_time *created,
    pierone_client *c, const char *team, const char *artifact,
    unsigned int flags)
{
	unsigned int listing = c->filter.flags;
	int rc;

	*out = NULL;
	if (created != NULL)
		*created = (struct pierone_time){ 0, 0, false };
	client_err_clear(c);
	if ((rc = names_check(c, REPO_TAGS, team, artifact, NULL)) != 0)
		return rc;
	/* the latest is found by the dates */
	c->filter.flags &= ~(unsigned int)PIERONE_TAGS_NO_DATES;
	if (c->filter.fn != NULL)
		rc = latest_filtered(out, created, c, team, artifact, flags);
	else
		DISPATCH(rc, c, "latest", latest, out, created, c, team,
		    artifact, flags);
	rc = registry_check(c, rc);
	if (rc == 0 && *out == NULL)
		rc = err_set(&c->err, PIERONE_ENOTFOUND,
		    "latest tag not found: artifact '%s/%s' has no tags%s",
		    team, artifact, c->filter.fn != NULL ? " that pass the "
		    "filters" : (flags & PIERONE_LATEST_NO_SNAPSHOT) ?
		    " but -SNAPSHOT ones" : "");
	c->filter.flags = listing;
	return rc;
}

int
pierone_latest(char **out, pierone_client *c, const char *team,
    const char *artifact, unsigned int flags)
{
	return pierone_latest_time(out, NULL, c, team, artifact, flags);
}

int
pierone_latest_tag(char **out, pierone_client *c, const char *team,
    const char *artifact)
{
	return pierone_latest(out, c, team, artifact, 0);
}

int
pierone_scm_sources(struct pierone_scm_source **out, pierone_client *c,
    const char *team, const char *artifact, const char *const *tags,
    size_t n, unsigned int jobs)
{
	int rc = 0;

	*out = NULL;
	client_err_clear(c);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = names_check(c, REPO_SCM_SOURCE, team, artifact, tags[i]);
	if (rc != 0)
		return rc;
	DISPATCH(rc, c, "scm-source", scm_sources, out, c, team, artifact,
	    tags, n, jobs > 0 ? jobs : PIERONE_DEFAULT_JOBS);
	return registry_check(c, rc);
}

int
pierone_image_find(struct pierone_image_tags **out, pierone_client *c,
    const char *prefix)
{
	int rc;

	*out = NULL;
	client_err_clear(c);
	if ((rc = pierone_segment_validate("image", prefix, &c->err)) != 0)
		return rc;
	DISPATCH(rc, c, "image", image_find, out, c, prefix);
	return registry_check(c, rc);
}

int
pierone_image_describe(struct pierone_image_details **out, pierone_client *c,
    const char *team, const char *artifact, const char *tag)
{
	struct pierone_image_details *d;
	int rc;

	*out = NULL;
	client_err_clear(c);
	if ((rc = names_check(c, REPO_TAG, team, artifact, tag)) != 0)
		return rc;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	d->api = PIERONE_API_PIERONE;
	d->nlayers = d->size = -1;
	DISPATCH(rc, c, "describe", describe, d, c, team, artifact, tag);
	if ((rc = registry_check(c, rc)) != 0) {
		pierone_image_details_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

int
pierone_mark_production_ready(pierone_client *c, const char *team,
    const char *artifact, const char *tag, const char *incident)
{
	int rc;

	client_err_clear(c);
	if ((rc = names_check(c, REPO_PRODUCTION_READY, team, artifact,
	    tag)) != 0)
		return rc;
	if (incident == NULL || incident[0] == '\0')
		return err_set(&c->err, PIERONE_EINVAL, "incident is empty");
	DISPATCH(rc, c, "mark-production-ready", mark, c, team, artifact,
	    tag, incident);
	return registry_check(c, rc);
}
