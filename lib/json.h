/*
 * libpierone internals, JSON group: the registry's answers mapped to the
 * library's structures (json.c), tag lists streamed in one pass and the
 * strict syntax check (jscan.c), and what a JSON text keeps when it is
 * rewritten through cJSON (jsonkeep.c).  Builds on base.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef PIERONE_JSON_H
#define PIERONE_JSON_H

#include "base.h"

/* json.c: JSON mapping, from a response body (kept apart to test it). */
int strlist_from_json(struct pierone_strlist **out, const char *json,
    size_t len, struct pierone_err *err);
/*
 * Copy string member `key` of `obj` into *dst (caller frees): absent or
 * null leaves NULL; another type is PIERONE_EBADRESPONSE.
 */
struct cJSON;
int json_string_member(char **dst, const struct cJSON *obj, const char *key,
    struct pierone_err *err);
/*
 * Copy `item` (NULL: absent) into *out whatever its type, as struct
 * pierone_value says; 0 or PIERONE_ENOMEM (*out then empty).
 */
int json_value_copy(struct pierone_value *out, const struct cJSON *item);
/*
 * jscan.c: strict RFC 8259 syntax for any JSON text (one value, blanks
 * around it): 0, or -1 with *bad the offset of the first offending byte
 * (len for a text cut short).
 */
int json_validate(const char *json, size_t len, size_t *bad);
/*
 * Tag lists are streamed, one pass over the text and no tree, so 100 000
 * tags cost the body and the list only.  Strict too.
 */
int tags_from_json(struct pierone_tag_list **out, const char *json,
    size_t len, struct pierone_err *err);
/*
 * The latest tag of the same text by the rule of
 * pierone_tags_latest_index(), keeping no list: *name is the caller's,
 * NULL for an empty array; *index (unless NULL) its position or -1,
 * *created (unless NULL) its time (not valid when none).
 * `flags`: PIERONE_LATEST_NO_SNAPSHOT passes over "-SNAPSHOT" tags.
 * Errors are those of tags_from_json().
 */
int tags_latest_from_json(char **name, long *index,
    struct pierone_time *created, const char *json, size_t len,
    unsigned int flags, struct pierone_err *err);

/*
 * jsonkeep.c, for rewriting a JSON text through cJSON: past the string
 * starting at p (on its '"'); every number of the tree `item` (and its
 * siblings, in text order from *p) put back as the raw text it was
 * written as (PIERONE_ENOMEM on failure).  \u0000, which would end a
 * cJSON string: a stand-in noncharacter (U+FDD0..U+FDEF) found in neither
 * the text nor the `extra` strings (NULL-ended), or -1; the text's \u0000
 * escapes in strings replaced by it in place (same length); the printed
 * text with the stand-in turned back into \u0000.
 */
const char *json_skip_string(const char *p, const char *end);
int json_numbers_to_raw(struct cJSON *item, const char **p, const char *end);
int json_nul_standin(const char *text, size_t len, const char *const *extra);
void json_nul_substitute(char *text, size_t len, int standin);
int json_nul_restore(struct buf *out, int standin);

#endif /* PIERONE_JSON_H */
