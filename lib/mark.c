/*
 * mark-production-ready: Pier One's manual override for an image the
 * compliance checks hold back, given an incident that justifies it.
 * A POST, so never retried: the registry may have acted on the first.
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

/* {"incident_id": INCIDENT}, escaped by cJSON; NULL when out of memory. */
static char *
mark_body(const char *incident)
{
	cJSON *obj = cJSON_CreateObject();
	char *s = NULL;

	if (obj != NULL && cJSON_AddStringToObject(obj, "incident_id",
	    incident) != NULL)
		s = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	return s;
}

/* The "detail" of a problem answer (RFC 7807), or NULL; caller frees. */
static char *
problem_detail(const struct buf *body)
{
	cJSON *root;
	char *detail = NULL;

	if (body->data == NULL || body->len == 0)
		return NULL;
	root = cJSON_ParseWithLength(body->data, body->len);
	if (cJSON_IsObject(root) &&
	    json_string_member(&detail, root, "detail", NULL) != 0)
		detail = NULL;
	cJSON_Delete(root);
	return detail;
}

/* What a refusal means, by its status; NULL: the message as it is. */
static const char *
refusal(long status, int *rc)
{
	switch (status) {
	case 403:
		*rc = PIERONE_EFORBIDDEN;
		return "not allowed (HTTP 403)";
	case 404:
		*rc = PIERONE_ENOTFOUND;
		return "not found (HTTP 404)";
	case 409:
		*rc = PIERONE_ECONFLICT;
		return "it is marked already (HTTP 409)";
	case 422:
		*rc = PIERONE_EREJECTED;
		return "the image has no SCM source (HTTP 422)";
	default:
		return NULL;
	}
}

/* The message of a failed POST: what, why, and the server's detail. */
static int
mark_failed(pierone_client *c, const struct http_result *r, int rc,
    const char *image)
{
	const char *why = r->status != 0 ? refusal(r->status, &rc) : NULL;
	char *detail = problem_detail(&r->body);

	if (why != NULL)
		err_set(&c->err, rc, "cannot mark '%s' as production ready: "
		    "%s", image, why);
	else
		err_prefix(&c->err, "cannot mark '%s' as production ready",
		    image);
	if (detail != NULL && detail[0] != '\0')
		err_set(&c->err, rc, "%s: %s", c->err.msg, detail);
	free(detail);
	return rc;
}

/* The names are checked and the incident is not empty. */
int
pier_mark(pierone_client *c, const char *team, const char *artifact,
    const char *tag, const char *incident)
{
	struct http_result r = { 0 };
	char *path, *body = NULL, *host = NULL, *image = NULL;
	int rc;

	if ((rc = repo_path(&path, REPO_PRODUCTION_READY, team, artifact, tag,
	    &c->err)) != 0)
		return rc;
	if ((body = mark_body(incident)) == NULL ||
	    pierone_registry_host(&host, c->url, &c->err) != 0 ||
	    asprintf(&image, "%s/%s/%s:%s", host, team, artifact, tag) == -1)
		rc = err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	else if ((rc = http_post_json(c, path, body, &r)) == 0 &&
	    web_page(&r))		/* a portal: no Pier One API */
		rc = err_set(&c->err, PIERONE_ENOTFOUND, "POST %s%s: a web "
		    "page, not Pier One's API", c->url, path);
	if (image != NULL && (rc == PIERONE_ENOTFOUND || rc == 0) &&
	    registry_detect(c, rc, false))
		rc = REGISTRY_ABSENT;
	else if (image != NULL && rc != 0)
		rc = mark_failed(c, &r, rc, image);
	http_results_free(&r, 1);
	free(image);
	free(host);
	free(body);
	free(path);
	return rc;
}
