/*
 * Whether a URL is a registry at all.  `pierone login` asks it before it
 * writes anything, as `docker login` does (a typo must not become a Docker
 * config entry), and then that the token is taken.  Every other call asks
 * it once per client when it failed in a way a web server that is no
 * registry would make it fail (404, 403, a web page, an answer that is no
 * API's): "URL does not look like a Pier One or Docker registry" then
 * says so instead of "artifact not found".
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "auth.h"
#include "http.h"
#include "registry.h"

#define PING_PATH "/v2/"

/* GET /v2/ with no Docker credentials: 0, or the call's code. */
static int
ping(pierone_client *c, struct http_result *r)
{
	int rc;

	client_err_clear(c);
	memset(r, 0, sizeof(*r));
	if ((rc = auth_only_token(c)) != 0)
		return err_set(&c->err, rc, "out of memory");
	return http_get_one(c, PING_PATH, 0, r);
}

/*
 * What `rc` and `r`, the outcome of GET /v2/, tell: 1, a registry's
 * answer (2xx that is no web page, or 401 asking for credentials, as
 * docker decides); 0, a web server's that is no registry (404, 403, 400,
 * 405, 410, or a web page), c->err saying so; -1, nothing (the host
 * cannot be reached, a server error, a fault of the transfer: answers
 * that a registry in trouble gives too), c->err as the request left it.
 */
static int
verdict(pierone_client *c, int rc, const struct http_result *r)
{
	long st = r->status;

	if ((rc == 0 && !web_page(r)) || rc == PIERONE_EAUTH)
		return 1;
	if (rc == 0)
		err_set(&c->err, PIERONE_EBADRESPONSE, "GET %s%s: a web page "
		    "(HTTP %ld, text/html)", c->url, PING_PATH, st);
	else if ((rc != PIERONE_ENOTFOUND && rc != PIERONE_EFORBIDDEN &&
	    rc != PIERONE_EBADRESPONSE) || (st != 400 && st != 403 &&
	    st != 404 && st != 405 && st != 410))
		return -1;
	err_prefix(&c->err, "%s does not look like a Pier One or Docker "
	    "registry", c->url);
	c->err.code = PIERONE_EBADRESPONSE;
	return 0;
}

int
pierone_registry_ping(pierone_client *c)
{
	struct http_result r;
	char *token = c->token;
	int rc, v;

	c->token = NULL;	/* nothing at all is sent */
	rc = ping(c, &r);
	c->token = token;
	v = verdict(c, rc, &r);
	http_results_free(&r, 1);
	if (v == 1) {
		client_err_clear(c);
		c->seen = REGISTRY_YES;
		return 0;
	}
	return c->err.code;
}

int
pierone_registry_token_check(pierone_client *c)
{
	struct http_result r;
	int rc;

	if (c->token == NULL)
		return err_set(&c->err, PIERONE_EINVAL, "no token to check");
	rc = ping(c, &r);
	http_results_free(&r, 1);
	if (rc == PIERONE_EAUTH)
		return err_set(&c->err, PIERONE_EAUTH, "%s refused the token "
		    "(GET %s: HTTP 401)", c->url, PING_PATH);
	return rc;
}

/*
 * GET /v2/, which every registry serves (Pier One too), as the client's
 * calls make it (with its credentials: a 401 says as much as a 200).
 */
static void
registry_probe(pierone_client *c)
{
	struct http_result r;
	int v;

	v = verdict(c, http_get_one(c, PING_PATH, 0, &r), &r);
	http_results_free(&r, 1);
	if (v == 1)
		c->seen = REGISTRY_YES;
	else if (v == 0) {
		c->seen = REGISTRY_NONE;
		c->none = c->err;
	}
}

/* Failures that a web server that is no registry would cause. */
static bool
suspect(int rc)
{
	return rc == PIERONE_ENOTFOUND || rc == PIERONE_EFORBIDDEN ||
	    rc == PIERONE_EBADRESPONSE || rc == PIERONE_EUNSUPPORTED;
}

int
registry_check(pierone_client *c, int rc)
{
	struct pierone_err saved;

	if (rc == 0 && c->seen == REGISTRY_UNKNOWN)
		c->seen = REGISTRY_YES;
	if (rc == 0 || !suspect(rc) || c->seen == REGISTRY_YES)
		return rc;
	if (c->seen == REGISTRY_UNKNOWN) {
		saved = c->err;
		registry_probe(c);
		c->err = saved;
	}
	if (c->seen != REGISTRY_NONE)
		return rc;
	c->err = c->none;
	return c->err.code;
}
