/*
 * libFuzzer target: the registry's JSON answers.
 *
 *  - tags_from_json() (jscan.c, the streaming tag-list scanner) and
 *    tags_latest_from_json() (the same scan keeping only the latest tag);
 *  - strlist_from_json() (teams and artifacts, through cJSON).
 *
 * The input is passed as is, not NUL-terminated, so that reading past
 * `size` is caught by AddressSanitizer.  Invariants:
 *  - success: every tag has a name ("" when it had none); every member
 *    escapes to text without controls, a member kept as JSON text renders
 *    in both pierone_json_render() styles (json: printable ASCII); a valid `created` has ms 0..999, an
 *    invalid one is zero; error codes are EBADRESPONSE or ENOMEM and set
 *    the message;
 *  - tags_latest_from_json() returns what tags_from_json() returns (code
 *    and message), and on success the name and index of
 *    pierone_tags_latest_index() over the full list (differential), also
 *    with PIERONE_LATEST_NO_SNAPSHOT over the list without the tags whose
 *    names end in "-SNAPSHOT";
 *  - reference: the cJSON mapping jscan.c replaced (kept below, as it was
 *    in lib/json.c, brought up to date: members of any type are data)
 *    accepts everything jscan accepts, with the same tags (the same
 *    values for members kept as JSON text), and refuses a syntactically
 *    valid text with the same message;
 *  - strlist: count items, none NULL, NULL-terminated, sorted after
 *    pierone_strlist_sort().
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "common.h"

/* ------------------------------------------------------------------
 * Reference: tags_from_json() as lib/json.c had it before jscan.c
 * (git 31b1e88), renamed.  Only the messages' text matters here.
 */

static const char *
ref_type_name(const cJSON *j)
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

static cJSON *
ref_parse(const char *text, size_t len, struct pierone_err *err)
{
	const char *end = NULL;
	cJSON *root;

	if (text == NULL || len == 0) {
		err_set(err, PIERONE_EBADRESPONSE, "empty response, "
		    "expected JSON");
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
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

/*
 * The mapping since members of any type are data: a string decoded, null
 * flagged, another type kept as its JSON text (printed by cJSON here, so
 * compared through cJSON below).
 */
static int
ref_opt_string(char **dst, const cJSON *obj, const char *key,
    struct pierone_tag *t, unsigned int bit)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*dst = NULL;
	if (v == NULL)
		return 0;
	if (cJSON_IsNull(v)) {
		t->null |= bit;
		return 0;
	}
	if (!cJSON_IsString(v)) {
		t->raw |= bit;
		*dst = cJSON_PrintUnformatted(v);
	} else {
		*dst = strdup(v->valuestring);
	}
	return *dst == NULL ? PIERONE_ENOMEM : 0;
}

static int
ref_tag(struct pierone_tag *t, const cJSON *obj, size_t idx,
    struct pierone_err *err)
{
	const cJSON *created;
	int rc;

	if (!cJSON_IsObject(obj))
		return err_set(err, PIERONE_EBADRESPONSE, "tag %zu is %s, "
		    "expected an object", idx + 1, ref_type_name(obj));
	rc = ref_opt_string(&t->name, obj, "name", t, PIERONE_TAG_NAME);
	if (rc == 0 && t->name == NULL && (t->name = strdup("")) == NULL)
		rc = PIERONE_ENOMEM;
	if (rc == 0)
		rc = ref_opt_string(&t->created_by, obj, "created_by", t,
		    PIERONE_TAG_CREATED_BY);
	if (rc == 0)
		rc = ref_opt_string(&t->image, obj, "image", t,
		    PIERONE_TAG_IMAGE);
	if (rc == 0)
		rc = ref_opt_string(&t->status, obj, "status", t,
		    PIERONE_TAG_STATUS);
	if (rc == 0)
		rc = ref_opt_string(&t->status_reason, obj, "status_reason",
		    t, PIERONE_TAG_STATUS_REASON);
	if (rc != 0)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	created = cJSON_GetObjectItemCaseSensitive(obj, "created");
	if (cJSON_IsString(created))
		pierone_time_parse(&t->created, created->valuestring);
	return 0;
}

static int
ref_tags_from_json(struct pierone_tag_list **out, const char *json,
    size_t len, struct pierone_err *err)
{
	struct pierone_tag_list *l;
	cJSON *root, *it;
	int rc = 0;

	*out = NULL;
	if ((root = ref_parse(json, len, err)) == NULL)
		return PIERONE_EBADRESPONSE;
	if (!cJSON_IsArray(root)) {
		err_set(err, PIERONE_EBADRESPONSE, "expected a JSON array of "
		    "tags, got %s", ref_type_name(root));
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
		l->count++;
		if ((rc = ref_tag(&l->tags[l->count - 1], it, l->count - 1,
		    err)) != 0)
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

/* ------------------------------------------------------------------ */

/* The same member: equal strings, or JSON texts cJSON prints alike. */
static bool
same(const char *scanned, const char *ref, unsigned int raw)
{
	cJSON *v;
	char *printed;
	bool eq;

	if (!raw)
		return fuzz_str_eq(scanned, ref);
	if (scanned == NULL || ref == NULL)
		return false;
	v = cJSON_Parse(scanned);
	printed = v != NULL ? cJSON_PrintUnformatted(v) : NULL;
	eq = printed != NULL && strcmp(printed, ref) == 0;
	cJSON_free(printed);
	cJSON_Delete(v);
	return eq;
}

static bool
syntax_error(const struct pierone_err *e)
{
	return strncmp(e->msg, "invalid JSON at byte ", 21) == 0 ||
	    strcmp(e->msg, "empty response, expected JSON") == 0;
}

static void
check_error(int rc, const struct pierone_err *e)
{
	CHECK(rc == PIERONE_EBADRESPONSE || rc == PIERONE_ENOMEM);
	CHECK(e->code == rc);
	CHECK(e->msg[0] != '\0');
	CHECK(memchr(e->msg, '\0', sizeof(e->msg)) != NULL);
}

/* No control character survives escaping; what is escaped is none. */
static void
check_escaped(const char *s)
{
	char *e = pierone_text_escape(s);
	const unsigned char *p;

	CHECK(e != NULL);
	for (p = (const unsigned char *)e; *p != '\0'; p++)
		CHECK(*p >= 0x20 && *p != 0x7f &&
		    !(p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0));
	CHECK(!pierone_text_needs_escape(e));
	CHECK(pierone_text_needs_escape(s) == (strcmp(s, e) != 0));
	free(e);
}

/* A member as the CLI shows it: JSON text renders in both styles. */
static void
check_member(const char *v, unsigned int raw)
{
	char *out;

	if (v == NULL)
		return;
	check_escaped(v);
	if (!raw)
		return;
	CHECK(pierone_json_render(&out, v, PIERONE_RENDER_TEXT, NULL) == 0);
	check_escaped(out);
	free(out);
	CHECK(pierone_json_render(&out, v, PIERONE_RENDER_JSON, NULL) == 0);
	for (const char *p = out; *p != '\0'; p++)
		CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
	free(out);
}

static void
check_list(const struct pierone_tag_list *l)
{
	CHECK(l != NULL);
	CHECK(l->count == 0 || l->tags != NULL);
	for (size_t i = 0; i < l->count; i++) {
		const struct pierone_tag *t = &l->tags[i];

		CHECK(t->name != NULL);
		check_member(t->name, t->raw & PIERONE_TAG_NAME);
		check_member(t->created_by, t->raw & PIERONE_TAG_CREATED_BY);
		check_member(t->image, t->raw & PIERONE_TAG_IMAGE);
		check_member(t->status, t->raw & PIERONE_TAG_STATUS);
		check_member(t->status_reason,
		    t->raw & PIERONE_TAG_STATUS_REASON);
		if (t->created.valid)
			CHECK(t->created.ms >= 0 && t->created.ms <= 999);
		else
			CHECK(t->created.sec == 0 && t->created.ms == 0);
	}
}

/* A mutable tag (PIERONE_LATEST_NO_SNAPSHOT): the name ends in -SNAPSHOT. */
static bool
is_snapshot(const char *name)
{
	size_t n = strlen(name);

	return n >= 9 && strcmp(name + n - 9, "-SNAPSHOT") == 0;
}

/*
 * tags_latest_from_json() with `flags` returns what tags_from_json() did
 * (code, message) and, on success, the tag pierone_tags_latest_index()
 * picks from the full list, without the -SNAPSHOT tags when asked to.
 */
static void
check_latest(const char *json, size_t len, int rc,
    const struct pierone_err *e1, const struct pierone_tag_list *list,
    unsigned int flags)
{
	struct pierone_tag_list sub = { 0 };
	struct pierone_err e2 = { 0 };
	size_t *pos = NULL;
	struct pierone_time created = { 7, 7, true };
	char *name = (char *)1;
	long idx = -7, want;
	int rc_latest;

	rc_latest = tags_latest_from_json(&name, &idx, &created, json, len,
	    flags, &e2);
	CHECK(rc_latest == rc);
	if (rc == PIERONE_EBADRESPONSE)
		CHECK(strcmp(e1->msg, e2.msg) == 0);
	if (rc_latest != 0) {
		CHECK(name == NULL && idx == -1 && !created.valid);
		return;
	}
	/* the list the rule is applied to, and where its tags were */
	sub.tags = calloc(list->count + 1, sizeof(*sub.tags));
	pos = calloc(list->count + 1, sizeof(*pos));
	CHECK(sub.tags != NULL && pos != NULL);
	for (size_t i = 0; i < list->count; i++) {
		if ((flags & PIERONE_LATEST_NO_SNAPSHOT) &&
		    is_snapshot(list->tags[i].name))
			continue;
		pos[sub.count] = i;
		sub.tags[sub.count++] = list->tags[i];
	}
	want = pierone_tags_latest_index(&sub);
	if (want >= 0)
		want = (long)pos[want];
	if (idx != want) {
		fprintf(stderr, "fuzz_tags: latest (flags %u): index %ld "
		    "('%s'), the list says %ld ('%s')\n", flags, idx,
		    name != NULL ? name : "(none)", want,
		    want >= 0 ? list->tags[want].name : "(none)");
		abort();
	}
	/* and the time of that tag, as the list has it */
	CHECK(want < 0 ? !created.valid : created.valid ==
	    list->tags[want].created.valid && (!created.valid ||
	    (created.sec == list->tags[want].created.sec &&
	    created.ms == list->tags[want].created.ms)));
	if (want < 0)
		CHECK(name == NULL);
	else
		CHECK(name != NULL && strcmp(name, list->tags[want].name) == 0);
	free(name);
	free(sub.tags);
	free(pos);
}

static void
fuzz_tags(const char *json, size_t len)
{
	struct pierone_err e1 = { 0 }, e3 = { 0 };
	struct pierone_tag_list *list = NULL, *ref = NULL;
	int rc, rc_ref;

	rc = tags_from_json(&list, json, len, &e1);
	if (rc == 0)
		check_list(list);
	else {
		CHECK(list == NULL);
		check_error(rc, &e1);
	}

	/* the streaming "latest" scan agrees with the full list */
	check_latest(json, len, rc, &e1, list, 0);
	check_latest(json, len, rc, &e1, list, PIERONE_LATEST_NO_SNAPSHOT);

	/* reference: the cJSON mapping it replaced */
	rc_ref = ref_tags_from_json(&ref, json, len, &e3);
	if (rc == 0) {
		if (rc_ref != 0) {
			fprintf(stderr, "fuzz_tags: jscan accepted, the cJSON "
			    "reference said: %s\n", e3.msg);
			abort();
		}
		CHECK(ref->count == list->count);
		for (size_t i = 0; i < list->count; i++) {
			const struct pierone_tag *a = &list->tags[i];
			const struct pierone_tag *b = &ref->tags[i];

			CHECK(a->raw == b->raw && a->null == b->null);
			CHECK(same(a->name, b->name, a->raw & 1));
			CHECK(same(a->created_by, b->created_by, a->raw & 4));
			CHECK(same(a->image, b->image, a->raw & 8));
			CHECK(same(a->status, b->status, a->raw & 16));
			CHECK(same(a->status_reason, b->status_reason,
			    a->raw & 32));
			CHECK(a->created.valid == b->created.valid &&
			    a->created.sec == b->created.sec &&
			    a->created.ms == b->created.ms);
		}
	} else if (rc == PIERONE_EBADRESPONSE && !syntax_error(&e1) &&
	    !(len == 4 && memcmp(json, "\xef\xbb\xbf", 3) == 0)) {
		/*
		 * A type error in strict JSON: cJSON read it too.  Not for a
		 * byte order mark and one byte: cJSON skips a BOM only when
		 * more than one byte follows (can_access_at_index(buffer, 4)),
		 * so it calls "\xef\xbb\xbf" "2" invalid JSON.
		 */
		if (rc_ref == 0 || strcmp(e1.msg, e3.msg) != 0) {
			fprintf(stderr, "fuzz_tags: jscan: '%s', cJSON "
			    "reference: rc %d '%s'\n", e1.msg, rc_ref,
			    rc_ref != 0 ? e3.msg : "");
			abort();
		}
	}
	pierone_tag_list_free(ref);
	pierone_tag_list_free(list);
}

static void
fuzz_strlist(const char *json, size_t len)
{
	struct pierone_strlist *l = (struct pierone_strlist *)1;
	struct pierone_err e = { 0 };
	int rc;

	rc = strlist_from_json(&l, json, len, &e);
	if (rc != 0) {
		CHECK(l == NULL);
		check_error(rc, &e);
		return;
	}
	CHECK(l != NULL && l->items != NULL);
	for (size_t i = 0; i < l->count; i++)
		CHECK(l->items[i] != NULL);
	CHECK(l->items[l->count] == NULL);
	pierone_strlist_sort(l);
	for (size_t i = 1; i < l->count; i++)
		CHECK(strcmp(l->items[i - 1], l->items[i]) <= 0);
	pierone_strlist_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* size 0 with a NULL pointer is how the registry's empty body comes */
	const char *json = size > 0 ? (const char *)data : NULL;

	fuzz_tags(json, size);
	fuzz_strlist(json, size);
	return 0;
}
