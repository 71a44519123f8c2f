/*
 * What the libFuzzer targets share (common.c, built into each by run.sh):
 * the invariant check, a scratch directory, files, a hash, and for the
 * YAML targets a before/after comparison of a document's keys.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef PIERONE_FUZZ_COMMON_H
#define PIERONE_FUZZ_COMMON_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct yaml_doc;

/* "fuzz_NAME: invariant failed: ..." and abort: run.sh looks for it. */
#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "%s: invariant failed: %s (%s:%d)\n", \
	    program_invocation_short_name, #c, __FILE__, __LINE__); \
	abort(); } } while (0)

/*
 * A scratch directory per process (run.sh's $FUZZ_TMPDIR, else tmpfs or
 * $TMPDIR), removed at exit; NULL until fuzz_tmp_init().
 */
extern char *fuzz_tmpdir;
void fuzz_tmp_init(void);
/* Write `len` bytes to `path` (0600), replacing it. */
void fuzz_write_file(const char *path, const void *data, size_t len);

bool fuzz_str_eq(const char *a, const char *b);	/* NULL equals NULL */
/* FNV-1a: picks a case from the input, the same for the same input. */
uint32_t fuzz_hash(const uint8_t *p, size_t n);

/*
 * The top-level scalar keys of a YAML text, and one level below: read
 * with libyaml directly, to compare the library's view before and after
 * an update.
 */
#define FUZZ_MAX_KEYS 64

struct fuzz_keys {
	char *top[FUZZ_MAX_KEYS];
	size_t ntop;
	char *sub[FUZZ_MAX_KEYS];	/* the section of subkey[i] */
	char *subkey[FUZZ_MAX_KEYS];
	size_t nsub;
};

void fuzz_keys_read(struct fuzz_keys *k, const char *text, size_t len);
void fuzz_keys_free(struct fuzz_keys *k);
/* yaml_doc_get() gives the same in both documents, or abort. */
void fuzz_same_value(const struct yaml_doc *a, const struct yaml_doc *b,
    const char *section, const char *key);

#endif /* PIERONE_FUZZ_COMMON_H */
