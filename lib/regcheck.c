/*
 * What `pierone login` asks of a registry before it writes anything, as
 * `docker login` does: that the URL answers as a registry at all (a typo
 * must not become a Docker config entry), and that the token is taken.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "auth.h"
#include "http.h"

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

int
pierone_registry_ping(pierone_client *c)
{
	struct http_result r;
	char *token = c->token;
	int rc;

	c->token = NULL;	/* nothing at all is sent */
	rc = ping(c, &r);
	c->token = token;
	http_results_free(&r, 1);
	/* 200, or 401 asking for credentials: a registry, as docker says */
	if (rc == 0 || rc == PIERONE_EAUTH) {
		client_err_clear(c);
		return 0;
	}
	if (rc == PIERONE_ENOTFOUND || rc == PIERONE_EBADRESPONSE ||
	    rc == PIERONE_EFORBIDDEN || rc == PIERONE_ESERVER) {
		err_prefix(&c->err, "%s does not answer as a Docker registry",
		    c->url);
		c->err.code = rc = PIERONE_EBADRESPONSE;
	}
	return rc;
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
