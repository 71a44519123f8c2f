/*
 * libpierone internals, files group: the user's files.  Safe
 * read-modify-write (fileio.c), flat YAML (yaml.c), where pierone.yaml is
 * looked for (config.c), Docker's credential files (docker_write.c).
 * Builds on base.h and json.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef PIERONE_FILES_H
#define PIERONE_FILES_H

#include <sys/types.h>

#include "base.h"

/* config.c: where pierone.yaml is looked for; see pierone(1) FILES. */
#define CONFIG_MAX_PATHS 3
int config_search_paths(char *out[CONFIG_MAX_PATHS], size_t *n, bool macos,
    struct pierone_err *err);

/*
 * docker_write.c: the host[:port] of a URL or Docker config key: after
 * the scheme and any user@, up to the path; not NUL-terminated, *len
 * long.
 */
const char *host_span(const char *url, size_t *len);

/* yaml.c: parse a flat file into the values the callers ask for. */
struct yaml_doc;
int yaml_doc_load(struct yaml_doc **out, const char *text, size_t len,
    const char *path, struct pierone_err *err);
void yaml_doc_free(struct yaml_doc *doc);
/*
 * Look up a scalar under the top-level mapping: `section` NULL for a
 * top-level key, else the key of a nested mapping.  NULL when absent, null
 * (~) or not a scalar; *kind_ok is set false for present non-scalars.
 */
const char *yaml_doc_get(const struct yaml_doc *doc, const char *section,
    const char *key, bool *kind_ok);
/* True when the document's root is a mapping or the document is empty. */
bool yaml_doc_is_mapping(const struct yaml_doc *doc);

/* A key and value of a mapping to write; quoted values stay strings. */
struct yaml_kv {
	const char *key;
	const char *value;
	bool quoted;
};

/*
 * The YAML `text` (read from `path`, for messages) with top-level `key`
 * set to `scalar`, or to a mapping of `kv` when scalar is NULL; every other
 * top-level entry is kept.  PIERONE_ECONFIG when the text is not a YAML
 * mapping.  The caller wipes and frees *out (buf_freezero).
 */
int yaml_text_update(struct buf *out, const char *text, size_t len,
    const char *path, const char *key, const char *scalar,
    const struct yaml_kv *kv, size_t nkv, struct pierone_err *err);

/* yaml_text_update() on the file at `path`, with file_update(). */
int yaml_file_set(const char *path, const char *key, const char *scalar,
    const struct yaml_kv *kv, size_t nkv, mode_t mode,
    struct pierone_err *err);

/*
 * Produce the new contents of a file from the old ones (NULL when the file
 * does not exist yet); `path` is the file's real path, for messages.
 */
typedef int file_update_fn(struct buf *out, const struct buf *old,
    const char *path, void *arg, struct pierone_err *err);

/*
 * Read-modify-write the file at `path` safely: symbolic links are followed
 * to the real file, missing directories created (0700), an exclusive
 * flock(2) on REALPATH.lock is held throughout (the lock file removed at
 * the end: see fileio.c), and the new contents go to a temporary file in
 * the same directory that is fsync'ed and renamed over the old one
 * (rewritten in place when rename fails with EBUSY, as for a bind-mounted
 * file).  A new file gets `mode`, an existing one keeps its
 * own unless `mode` has FILE_PRIVATE.  When `fn` fails nothing is written.
 * Buffers are wiped: they may hold secrets.
 */
#define FILE_PRIVATE	010000	/* or'ed into mode: always set the mode */
int file_update(const char *path, file_update_fn *fn, void *arg, mode_t mode,
    struct pierone_err *err);

/* docker_write.c: base64 as Docker writes "auth"; caller frees. */
char *base64_encode(const unsigned char *in, size_t len);
/* Wipe every string value in `item` (it held credentials). */
struct cJSON;
void json_wipe(struct cJSON *item);

#endif /* PIERONE_FILES_H */
