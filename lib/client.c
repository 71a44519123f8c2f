/*
 * The client handle and the registry calls built on it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#define DEFAULT_CONNECT_TIMEOUT_MS	10000
#define DEFAULT_TIMEOUT_MS		60000

static int
client_copy(pierone_client *c, const struct pierone_options *o)
{
	if (o->token != NULL && (c->token = strdup(o->token)) == NULL)
		return PIERONE_ENOMEM;
	if (o->ca_file != NULL && (c->ca_file = strdup(o->ca_file)) == NULL)
		return PIERONE_ENOMEM;
	c->user_agent = strdup(o->user_agent != NULL ? o->user_agent :
	    "pierone/" PIERONE_VERSION);
	if (c->user_agent == NULL)
		return PIERONE_ENOMEM;
	c->connect_timeout_ms = o->connect_timeout_ms > 0 ?
	    o->connect_timeout_ms : DEFAULT_CONNECT_TIMEOUT_MS;
	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	c->retries = o->retries >= 0 ? o->retries : PIERONE_DEFAULT_RETRIES;
	c->max_response = o->max_response > 0 ? (size_t)o->max_response :
	    PIERONE_MAX_BODY;
	if (o->version >= 2)
		c->api = o->api;
	return 0;
}

int
pierone_client_new(pierone_client **out, const struct pierone_options *opts,
    struct pierone_err *err)
{
	pierone_client *c;
	int rc;

	*out = NULL;
	if (opts == NULL || opts->version < 1 ||
	    opts->version > PIERONE_OPTIONS_VERSION)
		return err_set(err, PIERONE_EINVAL,
		    "unsupported pierone_options version");
	if (opts->url == NULL || opts->url[0] == '\0')
		return err_set(err, PIERONE_ECONFIG,
		    "no registry URL configured");
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	if ((rc = pierone_url_normalize(&c->url, opts->url, err)) != 0) {
		pierone_client_free(c);
		return rc;
	}
	if (client_copy(c, opts) != 0) {
		pierone_client_free(c);
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	*out = c;
	return 0;
}

void
pierone_client_free(pierone_client *c)
{
	if (c == NULL)
		return;
	http_free(c->http);
	auth_free(c->auth);
	if (c->token != NULL)
		freezero(c->token, strlen(c->token));
	free(c->url);
	free(c->ca_file);
	free(c->user_agent);
	free(c);
}

const char *
pierone_client_url(const pierone_client *c)
{
	return c->url;
}

enum pierone_api
pierone_client_api(const pierone_client *c)
{
	return c->api;
}

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

/*
 * Detect the API after a Pier One call ended with `rc` (once per client):
 * true when the registry has no /teams, so that the call is to be made
 * over v2 instead.  `probed`: the call was GET /teams itself.
 */
bool
api_fallback(pierone_client *c, int rc, bool probed)
{
	struct pierone_err saved;
	struct http_result r;

	if (c->api != PIERONE_API_AUTO)
		return false;
	if (rc == 0) {
		c->api = PIERONE_API_PIERONE;
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
			if (rc == 0)
				c->api = PIERONE_API_PIERONE;
			return false;
		}
	}
	c->api = PIERONE_API_V2;
	client_err_clear(c);
	return true;
}

int
pierone_teams_list(struct pierone_strlist **out, pierone_client *c)
{
	struct buf body = { 0 };
	int rc = 0;

	*out = NULL;
	client_err_clear(c);
	if (c->api != PIERONE_API_V2) {
		if ((rc = get_api(c, "/teams", &body)) == 0) {
			rc = strlist_from_json(out, body.data, body.len,
			    &c->err);
			if (rc != 0)
				err_prefix(&c->err, "GET %s/teams", c->url);
		}
		buf_free(&body);
	}
	if (c->api == PIERONE_API_V2 || api_fallback(c, rc, true))
		rc = v2_teams(out, c);
	if (rc != 0)
		err_prefix(&c->err, "cannot list teams");
	return rc;
}

int
pierone_artifacts_list(struct pierone_strlist **out, pierone_client *c,
    const char *team)
{
	struct buf path = { 0 }, body = { 0 };
	int rc;

	*out = NULL;
	if ((rc = pierone_team_validate(team, &c->err)) != 0)
		return rc;
	if (buf_printf(&path, "/teams/%s/artifacts", team) != 0)
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	client_err_clear(c);
	if (c->api == PIERONE_API_V2) {
		rc = PIERONE_ENOTFOUND;
	} else if ((rc = get_api(c, path.data, &body)) == 0) {
		rc = strlist_from_json(out, body.data, body.len, &c->err);
		if (rc != 0)
			err_prefix(&c->err, "GET %s%s", c->url, path.data);
	}
	if (c->api == PIERONE_API_V2 || api_fallback(c, rc, false)) {
		if ((rc = v2_artifacts(out, c, team)) != 0 &&
		    rc != PIERONE_ENOTFOUND)
			err_prefix(&c->err, "cannot list artifacts of team "
			    "'%s'", team);
	} else if (rc == PIERONE_ENOTFOUND)
		err_set(&c->err, rc, "team '%s' not found at %s", team, c->url);
	else if (rc != 0)
		err_prefix(&c->err, "cannot list artifacts of team '%s'", team);
	buf_free(&path);
	buf_free(&body);
	return rc;
}

/*
 * The outcome of one artifact's request, with a message naming it: the
 * list in *out, or when `latest` is not NULL only the latest tag's name.
 */
static int
tags_result(struct pierone_tag_list **out, char **latest, unsigned int flags,
    pierone_client *c, const char *team, const char *artifact,
    const char *path, struct http_result *r)
{
	int rc = r->rc;

	if (web_page(r))
		rc = err_set(&r->err, PIERONE_ENOTFOUND, "a web page, not "
		    "Pier One's API");
	else if (rc == 0) {
		if (latest != NULL)
			rc = tags_latest_from_json(latest, NULL, r->body.data,
			    r->body.len, flags, &r->err);
		else
			rc = tags_from_json(out, r->body.data, r->body.len,
			    &r->err);
		if (rc != 0)
			err_prefix(&r->err, "GET %s%s", c->url, path);
	}
	if (rc == PIERONE_ENOTFOUND)
		err_set(&r->err, rc, "artifact '%s/%s' not found at %s", team,
		    artifact, c->url);
	else if (rc != 0)
		err_prefix(&r->err, "cannot list tags of '%s/%s'", team,
		    artifact);
	return rc;
}

/* Encoded request paths of every artifact, all validated first. */
static int
tags_paths(char ***out, pierone_client *c, const char *team,
    const char *const *artifacts, size_t n)
{
	char **paths;
	int rc = 0;

	if ((paths = calloc(n + 1, sizeof(char *))) == NULL)
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = repo_path(&paths[i], REPO_TAGS, team, artifacts[i], NULL,
		    &c->err);
	if (rc != 0) {
		strv_free(paths, n);
		return rc;
	}
	*out = paths;
	return 0;
}

int
pierone_tags_list_many(struct pierone_tag_list ***out, pierone_client *c,
    const char *team, const char *const *artifacts, size_t n,
    unsigned int jobs)
{
	struct pierone_tag_list **lists = NULL;
	struct http_result *res = NULL;
	char **paths = NULL;
	int rc;

	*out = NULL;
	client_err_clear(c);
	if ((rc = tags_paths(&paths, c, team, artifacts, n)) != 0)
		return rc;
	if (c->api == PIERONE_API_V2) {
		strv_free(paths, n);
		return v2_tags_many(out, c, team, artifacts, n,
		    jobs > 0 ? jobs : PIERONE_DEFAULT_JOBS);
	}
	if ((lists = calloc(n + 1, sizeof(*lists))) == NULL ||
	    (res = calloc(n + 1, sizeof(*res))) == NULL) {
		rc = err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	} else if ((rc = http_get_many(c, (const char *const *)paths, n,
	    jobs > 0 ? jobs : PIERONE_DEFAULT_JOBS, res)) == 0) {
		/* The first failure in the caller's order is the one told. */
		for (size_t i = 0; i < n && rc == 0; i++)
			if (res[i].started && (rc = tags_result(&lists[i],
			    NULL, 0, c, team, artifacts[i], paths[i],
			    &res[i])) != 0)
				c->err = res[i].err;
		http_results_free(res, n);
	}
	free(res);
	strv_free(paths, n);
	if (rc != 0)
		pierone_tag_lists_free(lists, n);
	if (api_fallback(c, rc, false))
		return v2_tags_many(out, c, team, artifacts, n,
		    jobs > 0 ? jobs : PIERONE_DEFAULT_JOBS);
	if (rc == 0)
		*out = lists;
	return rc;
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

/*
 * Only the best tag is kept while the answer is read, never the list: an
 * artifact can have 100 000 tags.  The messages are pierone_tags_list()'s.
 */
int
pierone_latest(char **out, pierone_client *c, const char *team,
    const char *artifact, unsigned int flags)
{
	struct http_result r;
	char *p;
	int rc;

	*out = NULL;
	client_err_clear(c);
	if ((rc = repo_path(&p, REPO_TAGS, team, artifact, NULL, &c->err)))
		return rc;
	if (c->api != PIERONE_API_V2 && (rc = http_get_many(c,
	    (const char *const *)&p, 1, 1, &r)) == 0) {
		if ((rc = tags_result(NULL, out, flags, c, team, artifact, p,
		    &r)) != 0)
			c->err = r.err;
		http_results_free(&r, 1);
	}
	free(p);
	if (c->api == PIERONE_API_V2 || api_fallback(c, rc, false))
		rc = v2_latest(out, c, team, artifact, flags);
	if (rc == 0 && *out == NULL)
		rc = err_set(&c->err, PIERONE_ENOTFOUND,
		    "latest tag not found: artifact '%s/%s' has no tags%s",
		    team, artifact, (flags & PIERONE_LATEST_NO_SNAPSHOT) ?
		    " but -SNAPSHOT ones" : "");
	return rc;
}

int
pierone_latest_tag(char **out, pierone_client *c, const char *team,
    const char *artifact)
{
	return pierone_latest(out, c, team, artifact, 0);
}

int
pierone_manifest_digest(char **out, pierone_client *c, const char *team,
    const char *artifact, const char *tag)
{
	char *path;
	int rc;

	*out = NULL;
	client_err_clear(c);
	if ((rc = repo_path(&path, REPO_MANIFEST, team, artifact, tag,
	    &c->err)) != 0)
		return rc;
	if ((rc = http_head_digest(c, path, out)) == PIERONE_ENOTFOUND)
		err_set(&c->err, rc, "no manifest for '%s/%s:%s' at %s", team,
		    artifact, tag, c->url);
	else if (rc != 0)
		err_prefix(&c->err, "cannot get the digest of '%s/%s:%s'", team,
		    artifact, tag);
	free(path);
	return rc;
}
