/*
 * Manifests and image configs as registries serve them: which image an
 * OCI index or Docker manifest list stands for, which config an image
 * manifest names, and when the image was created.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"


static const char *
media_type(const cJSON *root, const char *content_type, char *buf,
    size_t size)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "mediaType");

	if (cJSON_IsString(m))
		return m->valuestring;
	if (content_type == NULL)
		return "";
	snprintf(buf, size, "%.*s", (int)strcspn(content_type, "; "),
	    content_type);
	return buf;
}

static bool
is_index(const char *mt, const cJSON *root)
{
	return strcmp(mt, "application/vnd.oci.image.index.v1+json") == 0 ||
	    strcmp(mt, "application/vnd.docker.distribution.manifest.list."
	    "v2+json") == 0 || (*mt == '\0' &&
	    cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "manifests")));
}

static const char *
str_member(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/*
 * The index entry that stands for the image: linux/amd64, else the first
 * that is an image for some platform (buildx adds attestations as
 * "unknown/unknown" entries; they are no image).
 */
static const char *
index_pick(const cJSON *root)
{
	const cJSON *e, *p, *ann;
	const char *first = NULL, *d, *os, *arch, *ref;

	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(root,
	    "manifests")) {
		d = str_member(e, "digest");
		p = cJSON_GetObjectItemCaseSensitive(e, "platform");
		ann = cJSON_GetObjectItemCaseSensitive(e, "annotations");
		os = str_member(p, "os");
		arch = str_member(p, "architecture");
		ref = str_member(ann, "vnd.docker.reference.type");
		if (d == NULL || !digest_valid(d) || (ref != NULL &&
		    strcmp(ref, "attestation-manifest") == 0) ||
		    (os != NULL && strcmp(os, "unknown") == 0))
			continue;
		if (os != NULL && arch != NULL && strcmp(os, "linux") == 0 &&
		    strcmp(arch, "amd64") == 0)
			return d;
		if (first == NULL)
			first = d;
	}
	return first;
}

/* Schema 1: the top history entry's v1Compatibility has "created". */
static void
v1_created(const cJSON *root, struct pierone_time *created)
{
	const cJSON *h = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
	    root, "history"), 0);
	const char *compat = str_member(h, "v1Compatibility"), *t;
	cJSON *inner;

	if (compat == NULL || (inner = cJSON_Parse(compat)) == NULL)
		return;
	if ((t = str_member(inner, "created")) != NULL)
		pierone_time_parse(created, t);
	cJSON_Delete(inner);
}

int
v2_manifest_parse(struct v2_manifest *out, const char *json, size_t len,
    const char *content_type, struct pierone_err *err)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	const cJSON *sv = cJSON_GetObjectItemCaseSensitive(root,
	    "schemaVersion");
	const char *mt, *d;
	char buf[128];
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return err_set(err, PIERONE_EBADRESPONSE, "the manifest is "
		    "not a JSON object");
	}
	mt = media_type(root, content_type, buf, sizeof(buf));
	if (cJSON_IsNumber(sv) && sv->valueint == 1) {
		out->kind = MANIFEST_V1;
		v1_created(root, &out->created);
	} else if (is_index(mt, root)) {
		out->kind = MANIFEST_INDEX;
		if ((d = index_pick(root)) == NULL)
			rc = err_set(err, PIERONE_EBADRESPONSE, "the index "
			    "lists no image");
		else if ((out->digest = strdup(d)) == NULL)
			rc = err_set(err, PIERONE_ENOMEM, "out of memory");
	} else {
		out->kind = MANIFEST_IMAGE;
		d = str_member(cJSON_GetObjectItemCaseSensitive(root, "config"),
		    "digest");
		if (d == NULL || !digest_valid(d))
			rc = err_set(err, PIERONE_EBADRESPONSE, "the manifest "
			    "has no valid config digest");
		else if ((out->digest = strdup(d)) == NULL)
			rc = err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	cJSON_Delete(root);
	return rc;
}

int
v2_config_created(struct pierone_time *out, const char *json, size_t len,
    struct pierone_err *err)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "created");
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!cJSON_IsObject(root))
		rc = err_set(err, PIERONE_EBADRESPONSE, "the image config is "
		    "not a JSON object");
	else if (cJSON_IsString(t))
		pierone_time_parse(out, t->valuestring);
	else if (t != NULL && !cJSON_IsNull(t))
		rc = err_set(err, PIERONE_EBADRESPONSE, "'created' is not a "
		    "string");
	cJSON_Delete(root);
	return rc;
}
