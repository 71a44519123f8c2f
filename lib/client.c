/*
 * The client handle, and the manifest digest (a v2 request that every
 * registry serves; the calls that differ by API are in registry.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "auth.h"
#include "http.h"
#include "registry.h"

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
	return registry_check(c, rc);
}
