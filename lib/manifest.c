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

#include "base.h"
#include "json.h"
#include "registry.h"


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
 * Whether an index entry is an image for some platform: buildx adds
 * attestations as "unknown/unknown" entries; they are no image.
 */
static bool
index_entry_is_image(const cJSON *e)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(e, "platform");
	const cJSON *ann = cJSON_GetObjectItemCaseSensitive(e, "annotations");
	const char *d = str_member(e, "digest"), *os = str_member(p, "os");
	const char *ref = str_member(ann, "vnd.docker.reference.type");

	return d != NULL && digest_valid(d) && (ref == NULL ||
	    strcmp(ref, "attestation-manifest") != 0) &&
	    (os == NULL || strcmp(os, "unknown") != 0);
}

/*
 * The index entry that stands for the image: linux/amd64, else the first
 * that is an image.
 */
static const char *
index_pick(const cJSON *root)
{
	const cJSON *e, *p;
	const char *first = NULL, *d, *os, *arch;

	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(root,
	    "manifests")) {
		if (!index_entry_is_image(e))
			continue;
		d = str_member(e, "digest");
		p = cJSON_GetObjectItemCaseSensitive(e, "platform");
		os = str_member(p, "os");
		arch = str_member(p, "architecture");
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

/* "os/arch[/variant]" of an index entry's platform or a config, if any. */
static int
platform_add(struct names *l, const cJSON *p)
{
	const char *os = str_member(p, "os");
	const char *arch = str_member(p, "architecture");
	const char *var = str_member(p, "variant");
	char *s;
	int rc;

	if (os == NULL && arch == NULL)
		return 0;
	if (asprintf(&s, "%s/%s%s%s", os != NULL ? os : "",
	    arch != NULL ? arch : "", var != NULL ? "/" : "",
	    var != NULL ? var : "") == -1)
		return PIERONE_ENOMEM;
	rc = names_add(l, s, strlen(s));
	free(s);
	return rc;
}

/* An image manifest's layers: how many, and their bytes (-1: unknown). */
static void
layer_sum(struct v2_facts *f, const cJSON *root)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "layers");
	const cJSON *l, *size;

	if (!cJSON_IsArray(list))
		list = cJSON_GetObjectItemCaseSensitive(root, "fsLayers");
	if (!cJSON_IsArray(list))
		return;
	f->nlayers = cJSON_GetArraySize(list);
	f->size = 0;
	cJSON_ArrayForEach(l, list) {
		size = cJSON_GetObjectItemCaseSensitive(l, "size");
		if (!cJSON_IsNumber(size) || size->valuedouble < 0 ||
		    f->size < 0) {
			f->size = -1;
			continue;
		}
		f->size += (int64_t)size->valuedouble;
	}
}

int
v2_manifest_facts(struct v2_facts *out, const char *json, size_t len,
    const char *content_type, struct pierone_err *err)
{
	const cJSON *e;
	const char *mt;
	cJSON *root;
	char buf[128];
	int rc;

	memset(out, 0, sizeof(*out));
	out->nlayers = out->size = -1;
	if ((rc = v2_manifest_parse(&out->m, json, len, content_type,
	    err)) != 0)
		return rc;
	if ((root = cJSON_ParseWithLength(json, len)) == NULL)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	mt = media_type(root, content_type, buf, sizeof(buf));
	if (*mt != '\0' && (out->media_type = strdup(mt)) == NULL)
		rc = PIERONE_ENOMEM;
	if (out->m.kind == MANIFEST_INDEX) {
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(root,
		    "manifests"))
			if (rc == 0 && index_entry_is_image(e))
				rc = platform_add(&out->platforms,
				    cJSON_GetObjectItemCaseSensitive(e,
				    "platform"));
	} else
		layer_sum(out, root);
	cJSON_Delete(root);
	if (rc != 0)
		return err_set(err, rc, "out of memory");
	return 0;
}

void
v2_facts_clear(struct v2_facts *f)
{
	free(f->m.digest);
	free(f->media_type);
	names_free(&f->platforms);
	memset(f, 0, sizeof(*f));
}

static int
cmp_label(const void *a, const void *b)
{
	return strcmp(((const struct pierone_label *)a)->key,
	    ((const struct pierone_label *)b)->key);
}

/* config.Labels (null or absent: none), sorted by key. */
static int
config_labels(struct v2_config_facts *out, const cJSON *root)
{
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(root, "config"), "Labels"), *l;
	int rc = 0;

	if (!cJSON_IsObject(labels) || cJSON_GetArraySize(labels) == 0)
		return 0;
	if ((out->labels = calloc((size_t)cJSON_GetArraySize(labels),
	    sizeof(*out->labels))) == NULL)
		return PIERONE_ENOMEM;
	cJSON_ArrayForEach(l, labels) {
		struct pierone_label *lb = &out->labels[out->nlabels];

		if ((lb->key = strdup(l->string)) == NULL)
			return PIERONE_ENOMEM;
		out->nlabels++;
		if ((rc = json_value_copy(&lb->value, l)) != 0)
			return rc;
	}
	qsort(out->labels, out->nlabels, sizeof(*out->labels), cmp_label);
	return 0;
}

int
v2_config_facts(struct v2_config_facts *out, const char *json, size_t len,
    struct pierone_err *err)
{
	struct pierone_time t;
	struct names pl = { 0 };
	cJSON *root;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = v2_config_created(&t, json, len, err)) != 0)
		return rc;
	if ((root = cJSON_ParseWithLength(json, len)) == NULL)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	if ((rc = json_value_copy(&out->created,
	    cJSON_GetObjectItemCaseSensitive(root, "created"))) == 0 &&
	    (rc = platform_add(&pl, root)) == 0 && pl.n == 1) {
		out->platform = pl.v[0];
		pl.n = 0;
	}
	if (rc == 0)
		rc = config_labels(out, root);
	names_free(&pl);
	cJSON_Delete(root);
	if (rc != 0) {
		v2_config_facts_clear(out);
		return err_set(err, rc, "out of memory");
	}
	return 0;
}

void
v2_config_facts_clear(struct v2_config_facts *f)
{
	free(f->created.text);
	free(f->platform);
	labels_free(f->labels, f->nlabels);
	memset(f, 0, sizeof(*f));
}
