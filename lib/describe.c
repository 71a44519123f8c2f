/*
 * describe: one image in detail.  With Pier One's API, the tag object
 * (GET .../tags/TAG) and where it was built from (its scm-source); over
 * the Docker Registry API v2, its manifest and image config.  Values are
 * kept whatever their JSON type: a server that sends a number where a
 * string belongs must not cost the user the rest.
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

void
labels_free(struct pierone_label *l, size_t n)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(l[i].key);
		free(l[i].value.text);
	}
	free(l);
}

void
pierone_image_details_free(struct pierone_image_details *d)
{
	if (d == NULL)
		return;
	free(d->name.text);
	free(d->created.text);
	free(d->created_by.text);
	free(d->image.text);
	free(d->status.text);
	free(d->status_reason.text);
	free(d->status_received_at.text);
	free(d->config_created.text);
	free(d->scm.url);
	free(d->scm.revision);
	free(d->scm.author);
	free(d->scm.status);
	free(d->scm.created_text);
	free(d->digest);
	free(d->media_type);
	for (size_t i = 0; i < d->platforms.count; i++)
		free(d->platforms.items[i]);
	free(d->platforms.items);
	labels_free(d->labels, d->nlabels);
	free(d);
}

/* The tag object's members, whatever their types. */
static int
tag_from_json(struct pierone_image_details *d, const struct buf *body,
    struct pierone_err *err)
{
	static const char *const keys[] = { "name", "created", "created_by",
	    "image", "status", "status_reason", "status_received_at" };
	struct pierone_value *v[] = { &d->name, &d->created, &d->created_by,
	    &d->image, &d->status, &d->status_reason, &d->status_received_at };
	cJSON *root;
	int rc = 0;

	root = cJSON_ParseWithLength(body->data, body->len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return err_set(err, PIERONE_EBADRESPONSE, "%s",
		    root == NULL ? "invalid JSON" : "expected a JSON object");
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && rc == 0; i++)
		rc = json_value_copy(v[i], cJSON_GetObjectItemCaseSensitive(
		    root, keys[i]));
	cJSON_Delete(root);
	if (rc != 0)
		return err_set(err, rc, "out of memory");
	return 0;
}

/* GET the tag object at `path`; a web page counts as none (404). */
static int
tag_get(struct pierone_image_details *d, pierone_client *c,
    const char *path)
{
	struct http_result r;
	int rc;

	if ((rc = http_get_one(c, path, 0, &r)) == 0 && web_page(&r))
		rc = err_set(&c->err, PIERONE_ENOTFOUND, "GET %s%s: a web "
		    "page, not Pier One's API", c->url, path);
	else if (rc == 0 && (rc = tag_from_json(d, &r.body, &c->err)) != 0)
		err_prefix(&c->err, "GET %s%s", c->url, path);
	http_results_free(&r, 1);
	return rc;
}

/* The SCM source, by pierone_scm_sources(): a 404 is found == false. */
static int
scm_get(struct pierone_image_details *d, pierone_client *c, const char *team,
    const char *artifact, const char *tag)
{
	struct pierone_scm_source *s;
	int rc;

	if ((rc = pierone_scm_sources(&s, c, team, artifact, &tag, 1, 1)) != 0)
		return rc;
	d->scm = s[0];		/* handed over */
	free(s);
	return 0;
}

/*
 * GET a manifest (by tag or digest) and read its facts; *digest (unless
 * NULL) gets its Docker-Content-Digest.
 */
static int
manifest_get(struct v2_facts *f, char **digest, pierone_client *c,
    const char *team, const char *artifact, const char *ref)
{
	struct http_result r;
	char *path;
	int rc;

	if ((rc = repo_path(&path, REPO_MANIFEST, team, artifact, ref,
	    &c->err)) != 0)
		return rc;
	if ((rc = http_get_one(c, path, HTTP_MANIFEST_ANY, &r)) == 0 &&
	    (rc = v2_manifest_facts(f, r.body.data, r.body.len,
	    r.content_type, &c->err)) != 0) {
		v2_facts_clear(f);
		err_prefix(&c->err, "GET %s%s", c->url, path);
	}
	if (rc == 0 && digest != NULL) {
		*digest = r.digest;	/* handed over */
		r.digest = NULL;
	}
	if (rc == PIERONE_ENOTFOUND)
		err_set(&c->err, rc, "no manifest for '%s/%s:%s' at %s", team,
		    artifact, ref, c->url);
	http_results_free(&r, 1);
	free(path);
	return rc;
}

static int
config_get(struct v2_config_facts *f, pierone_client *c, const char *team,
    const char *artifact, const char *digest)
{
	struct http_result r;
	char *path;
	int rc;

	if ((rc = repo_path(&path, REPO_BLOB, team, artifact, digest,
	    &c->err)) != 0)
		return rc;
	if ((rc = http_get_one(c, path, 0, &r)) == 0 &&
	    (rc = v2_config_facts(f, r.body.data, r.body.len, &c->err)) != 0)
		err_prefix(&c->err, "GET %s%s", c->url, path);
	http_results_free(&r, 1);
	free(path);
	return rc;
}

/* The image's facts into d; `pl` its platforms if the config has one. */
static int
image_facts(struct pierone_image_details *d, pierone_client *c,
    const char *team, const char *artifact, const struct v2_facts *img,
    struct names *pl)
{
	struct v2_config_facts cf;
	int rc;

	d->nlayers = img->nlayers;
	d->size = img->size;
	if (img->m.kind != MANIFEST_IMAGE)
		return 0;	/* schema 1: no config */
	if ((rc = config_get(&cf, c, team, artifact, img->m.digest)) != 0)
		return rc;
	d->config_created = cf.created;
	d->labels = cf.labels;
	d->nlabels = cf.nlabels;
	cf.created.text = NULL;
	cf.labels = NULL;
	if (pl->n == 0 && cf.platform != NULL &&
	    names_add(pl, cf.platform, strlen(cf.platform)) != 0)
		rc = err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	v2_config_facts_clear(&cf);
	return rc;
}

/* Over v2: the tag's manifest (an index's chosen image) and config. */
int
v2_describe(struct pierone_image_details *d, pierone_client *c,
    const char *team, const char *artifact, const char *tag)
{
	struct v2_facts top = { 0 }, img = { 0 };
	const struct v2_facts *image = &top;
	int rc;

	d->api = PIERONE_API_V2;
	if ((rc = manifest_get(&top, &d->digest, c, team, artifact, tag)) != 0)
		return rc;
	d->media_type = top.media_type;
	top.media_type = NULL;
	if (top.m.kind == MANIFEST_INDEX) {
		rc = manifest_get(&img, NULL, c, team, artifact, top.m.digest);
		image = &img;
	}
	if (rc == 0)
		rc = image_facts(d, c, team, artifact, image, &top.platforms);
	/* The list of names becomes the caller's strlist. */
	d->platforms.items = top.platforms.v;
	d->platforms.count = top.platforms.n;
	memset(&top.platforms, 0, sizeof(top.platforms));
	v2_facts_clear(&top);
	v2_facts_clear(&img);
	if (rc != 0 && rc != PIERONE_ENOTFOUND)
		err_prefix(&c->err, "cannot describe '%s/%s:%s'", team,
		    artifact, tag);
	return rc;
}

/* With Pier One's API: the tag object, then its SCM source. */
int
pier_describe(struct pierone_image_details *d, pierone_client *c,
    const char *team, const char *artifact, const char *tag)
{
	char *path;
	int rc;

	if ((rc = repo_path(&path, REPO_TAG, team, artifact, tag, &c->err)))
		return rc;
	rc = tag_get(d, c, path);
	free(path);
	if (registry_detect(c, rc, false))
		return REGISTRY_ABSENT;
	if (rc == 0)
		rc = scm_get(d, c, team, artifact, tag);
	else if (rc == PIERONE_ENOTFOUND)
		err_set(&c->err, rc, "tag '%s/%s:%s' not found at %s", team,
		    artifact, tag, c->url);
	else
		err_prefix(&c->err, "cannot describe '%s/%s:%s'", team,
		    artifact, tag);
	return rc;
}
