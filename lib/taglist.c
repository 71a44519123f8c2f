/*
 * The tag-list type: freeing it, the rule of "latest" and the snapshot
 * test.  Shared by the Pier One answers (jscan.c), the v2 backend (v2.c)
 * and the client's calls; it depends on nothing else in the library but
 * the time type, so that none of them has to call another in a circle.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "base.h"

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

void
pierone_tag_lists_free(struct pierone_tag_list **lists, size_t n)
{
	if (lists == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		pierone_tag_list_free(lists[i]);
	free(lists);
}

void
tag_list_keep(struct pierone_tag_list *l,
    bool (*keep)(const void *ctx, const char *name), const void *ctx)
{
	size_t k = 0;

	for (size_t i = 0; i < l->count; i++) {
		if (keep(ctx, l->tags[i].name)) {
			l->tags[k++] = l->tags[i];
			continue;
		}
		free(l->tags[i].name);
		free(l->tags[i].created_by);
		free(l->tags[i].image);
		free(l->tags[i].status);
		free(l->tags[i].status_reason);
	}
	l->count = k;
}

bool
pierone_tag_is_signature(const char *name)
{
	static const char *const kinds[] = { ".sig", ".att", ".sbom" };

	if (name == NULL || strncmp(name, "sha256-", 7) != 0 ||
	    strspn(name + 7, "0123456789abcdef") != 64)
		return false;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(name + 7 + 64, kinds[i]) == 0)
			return true;
	return false;
}

bool
tag_is_snapshot(const char *name, size_t len)
{
	static const char suffix[] = "-SNAPSHOT";

	return name != NULL && len >= sizeof(suffix) - 1 &&
	    memcmp(name + len - (sizeof(suffix) - 1), suffix,
	    sizeof(suffix) - 1) == 0;
}

/*
 * The rule of "latest", shared with the streaming tags_latest_from_json():
 * ">=" because of equal times the later in server order wins; a tag
 * without a time only beats another without one.
 */
bool
latest_supersedes(const struct pierone_time *t,
    const struct pierone_time *best)
{
	if (best == NULL)
		return true;
	if (!t->valid)
		return !best->valid;
	return !best->valid || t->sec > best->sec ||
	    (t->sec == best->sec && t->ms >= best->ms);
}

long
pierone_tags_latest_index(const struct pierone_tag_list *list)
{
	const struct pierone_time *best = NULL, *t;
	long idx = -1;

	if (list == NULL)
		return -1;
	for (size_t i = 0; i < list->count; i++) {
		t = &list->tags[i].created;
		if (latest_supersedes(t, best)) {
			best = t;
			idx = (long)i;
		}
	}
	return idx;
}
