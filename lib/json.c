/*
 * Mapping of the registry's JSON answers to the library's structures.
 * Strict about types (a number where a string belongs is an error), lenient
 * about absence: unknown keys are ignored and null means "not set".
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"

static const char *
json_type_name(const cJSON *j)
{
	if (cJSON_IsArray(j))
		return "an array";
	if (cJSON_IsObject(j))
		return "an object";
	if (cJSON_IsString(j))
		return "a string";
	if (cJSON_IsNumber(j))
		return "a number";
	if (cJSON_IsBool(j))
		return "a boolean";
	if (cJSON_IsNull(j))
		return "null";
	return "invalid";
}

/* Parse, reporting the byte offset of a syntax error. */
static cJSON *
json_parse(const char *text, size_t len, struct pierone_err *err)
{
	const char *end = NULL;
	cJSON *root;

	if (text == NULL || len == 0) {
		err_set(err, PIERONE_EBADRESPONSE, "empty response, "
		    "expected JSON");
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	/* cJSON stops after the first value; anything but blanks is an error. */
	if (root != NULL) {
		while (end < text + len && (*end == ' ' || *end == '\t' ||
		    *end == '\n' || *end == '\r'))
			end++;
		if (end < text + len) {
			cJSON_Delete(root);
			root = NULL;
		}
	}
	if (root == NULL) {
		if (end == NULL || end < text)
			end = text;
		err_set(err, PIERONE_EBADRESPONSE, "invalid JSON at byte %zu",
		    (size_t)(end - text) + 1);
	}
	return root;
}

int
strlist_from_json(struct pierone_strlist **out, const char *json, size_t len,
    struct pierone_err *err)
{
	struct pierone_strlist *l;
	cJSON *root, *it;
	size_t n = 0;

	*out = NULL;
	if ((root = json_parse(json, len, err)) == NULL)
		return PIERONE_EBADRESPONSE;
	if (!cJSON_IsArray(root)) {
		err_set(err, PIERONE_EBADRESPONSE, "expected a JSON array of "
		    "strings, got %s", json_type_name(root));
		cJSON_Delete(root);
		return PIERONE_EBADRESPONSE;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->items = calloc((size_t)cJSON_GetArraySize(root) + 1,
	    sizeof(char *))) == NULL)
		goto nomem;
	cJSON_ArrayForEach(it, root) {
		if (!cJSON_IsString(it)) {
			err_set(err, PIERONE_EBADRESPONSE, "expected a JSON "
			    "array of strings, element %zu is %s", n + 1,
			    json_type_name(it));
			pierone_strlist_free(l);
			cJSON_Delete(root);
			return PIERONE_EBADRESPONSE;
		}
		if ((l->items[n] = strdup(it->valuestring)) == NULL)
			goto nomem;
		l->count = ++n;
	}
	cJSON_Delete(root);
	*out = l;
	return 0;
nomem:
	pierone_strlist_free(l);
	cJSON_Delete(root);
	return err_set(err, PIERONE_ENOMEM, "out of memory");
}

/* Copy an optional string member; null or absent leaves *dst NULL. */
static int
opt_string(char **dst, const cJSON *obj, const char *key, size_t idx,
    struct pierone_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*dst = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return err_set(err, PIERONE_EBADRESPONSE, "tag %zu: '%s' is "
		    "%s, expected a string", idx + 1, key, json_type_name(v));
	if ((*dst = strdup(v->valuestring)) == NULL)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	return 0;
}

static int
tag_from_json(struct pierone_tag *t, const cJSON *obj, size_t idx,
    struct pierone_err *err)
{
	char *created = NULL;
	int rc;

	if (!cJSON_IsObject(obj))
		return err_set(err, PIERONE_EBADRESPONSE, "tag %zu is %s, "
		    "expected an object", idx + 1, json_type_name(obj));
	if ((rc = opt_string(&t->name, obj, "name", idx, err)) != 0)
		return rc;
	if (t->name == NULL)
		return err_set(err, PIERONE_EBADRESPONSE, "tag %zu has no "
		    "name", idx + 1);
	rc = opt_string(&created, obj, "created", idx, err);
	if (rc == 0)
		rc = opt_string(&t->created_by, obj, "created_by", idx, err);
	if (rc == 0)
		rc = opt_string(&t->image, obj, "image", idx, err);
	if (rc == 0)
		rc = opt_string(&t->status, obj, "status", idx, err);
	if (rc == 0)
		rc = opt_string(&t->status_reason, obj, "status_reason", idx,
		    err);
	/* An unparsable time is shown as unknown rather than failing all. */
	if (rc == 0 && created != NULL)
		pierone_time_parse(&t->created, created);
	free(created);
	return rc;
}

int
tags_from_json(struct pierone_tag_list **out, const char *json, size_t len,
    struct pierone_err *err)
{
	struct pierone_tag_list *l;
	cJSON *root, *it;
	int rc = 0;

	*out = NULL;
	if ((root = json_parse(json, len, err)) == NULL)
		return PIERONE_EBADRESPONSE;
	if (!cJSON_IsArray(root)) {
		err_set(err, PIERONE_EBADRESPONSE, "expected a JSON array of "
		    "tags, got %s", json_type_name(root));
		cJSON_Delete(root);
		return PIERONE_EBADRESPONSE;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->tags = calloc((size_t)cJSON_GetArraySize(root) + 1,
	    sizeof(*l->tags))) == NULL) {
		free(l);
		cJSON_Delete(root);
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	cJSON_ArrayForEach(it, root) {
		/* count first: a half-filled tag is freed with the list */
		l->count++;
		if ((rc = tag_from_json(&l->tags[l->count - 1], it,
		    l->count - 1, err)) != 0)
			break;
	}
	cJSON_Delete(root);
	if (rc != 0) {
		pierone_tag_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

void
pierone_strlist_free(struct pierone_strlist *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	free(l);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
pierone_strlist_sort(struct pierone_strlist *l)
{
	if (l != NULL && l->count > 1)
		qsort(l->items, l->count, sizeof(char *), cmp_str);
}

void
pierone_tag_list_free(struct pierone_tag_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->count; i++) {
		free(l->tags[i].name);
		free(l->tags[i].created_by);
		free(l->tags[i].image);
		free(l->tags[i].status);
		free(l->tags[i].status_reason);
	}
	free(l->tags);
	free(l);
}
