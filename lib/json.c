/*
 * Mapping of the registry's JSON answers to the library's structures.
 * Strict about types (a number where a string belongs is an error), lenient
 * about absence: unknown keys are ignored and null means "not set".
 * String lists are small and go through cJSON; tag lists can be huge and
 * are streamed by jscan.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base.h"
#include "json.h"

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
json_string_member(char **dst, const cJSON *obj, const char *key,
    struct pierone_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*dst = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return err_set(err, PIERONE_EBADRESPONSE, "'%s' is %s, expected "
		    "a string", key, json_type_name(v));
	if ((*dst = strdup(v->valuestring)) == NULL)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	return 0;
}

int
json_value_copy(struct pierone_value *out, const cJSON *v)
{
	memset(out, 0, sizeof(*out));
	if (v == NULL)
		return 0;
	if (cJSON_IsNull(v)) {
		out->type = PIERONE_VALUE_NULL;
		return 0;
	}
	if (cJSON_IsString(v)) {
		out->type = PIERONE_VALUE_STRING;
		out->text = strdup(v->valuestring);
	} else if (cJSON_IsBool(v)) {
		out->type = PIERONE_VALUE_BOOL;
		out->text = strdup(cJSON_IsTrue(v) ? "true" : "false");
	} else {
		out->type = cJSON_IsNumber(v) ? PIERONE_VALUE_NUMBER :
		    PIERONE_VALUE_OTHER;
		out->text = cJSON_PrintUnformatted(v);
	}
	if (out->text == NULL) {
		out->type = PIERONE_VALUE_ABSENT;
		return PIERONE_ENOMEM;
	}
	return 0;
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
