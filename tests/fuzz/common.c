/*
 * What the libFuzzer targets share; see common.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <ftw.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "internal.h"
#include "common.h"

char *fuzz_tmpdir;

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	remove(path);
	return 0;
}

static void
tmp_cleanup(void)
{
	if (fuzz_tmpdir != NULL)
		nftw(fuzz_tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fuzz_tmpdir);
	fuzz_tmpdir = NULL;
}

void
fuzz_tmp_init(void)
{
	/* run.sh passes a directory it removes even after a crash */
	const char *bases[] = { getenv("FUZZ_TMPDIR"), "/dev/shm",
	    getenv("TMPDIR"), "/tmp" };
	char tmpl[4096];

	for (size_t i = 0; fuzz_tmpdir == NULL && i < 4; i++) {
		if (bases[i] == NULL || access(bases[i], W_OK) != 0)
			continue;
		snprintf(tmpl, sizeof(tmpl), "%s/pierone-fuzz-XXXXXX",
		    bases[i]);
		if (mkdtemp(tmpl) != NULL)
			fuzz_tmpdir = strdup(tmpl);
	}
	CHECK(fuzz_tmpdir != NULL);
	atexit(tmp_cleanup);
}

void
fuzz_write_file(const char *path, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(fd >= 0);
	for (; len > 0; p += n, len -= (size_t)n)
		CHECK((n = write(fd, p, len)) > 0);
	CHECK(close(fd) == 0);
}

bool
fuzz_str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* FNV-1a: picks the key and value, the same for the same input. */
uint32_t
fuzz_hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n-- > 0)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static char *
scalar_dup(const yaml_node_t *n)
{
	char *s;

	if (n == NULL || n->type != YAML_SCALAR_NODE ||
	    memchr(n->data.scalar.value, '\0', n->data.scalar.length) != NULL)
		return NULL;
	s = strndup((const char *)n->data.scalar.value, n->data.scalar.length);
	CHECK(s != NULL);
	return s;
}

void
fuzz_keys_read(struct fuzz_keys *k, const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root, *key, *val;
	yaml_node_pair_t *p, *q;

	memset(k, 0, sizeof(*k));
	CHECK(yaml_parser_initialize(&parser));
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_parser_delete(&parser);
		return;
	}
	root = yaml_document_get_root_node(&doc);
	if (root != NULL && root->type == YAML_MAPPING_NODE)
		for (p = root->data.mapping.pairs.start;
		    p < root->data.mapping.pairs.top && k->ntop < FUZZ_MAX_KEYS; p++) {
			key = yaml_document_get_node(&doc, p->key);
			val = yaml_document_get_node(&doc, p->value);
			if ((k->top[k->ntop] = scalar_dup(key)) == NULL)
				continue;
			k->ntop++;
			if (val == NULL || val->type != YAML_MAPPING_NODE)
				continue;
			for (q = val->data.mapping.pairs.start;
			    q < val->data.mapping.pairs.top &&
			    k->nsub < FUZZ_MAX_KEYS; q++) {
				char *s = scalar_dup(yaml_document_get_node(
				    &doc, q->key));

				if (s == NULL)
					continue;
				k->sub[k->nsub] = scalar_dup(key);
				k->subkey[k->nsub++] = s;
			}
		}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
}

void
fuzz_keys_free(struct fuzz_keys *k)
{
	for (size_t i = 0; i < k->ntop; i++)
		free(k->top[i]);
	for (size_t i = 0; i < k->nsub; i++) {
		free(k->sub[i]);
		free(k->subkey[i]);
	}
}

/* yaml_doc_get() gives the same in both documents. */
void
fuzz_same_value(const struct yaml_doc *a, const struct yaml_doc *b,
    const char *section, const char *key)
{
	const char *va, *vb;
	bool ka, kb;

	va = yaml_doc_get(a, section, key, &ka);
	vb = yaml_doc_get(b, section, key, &kb);
	/*
	 * Known (see README, finding F1): libyaml's emitter writes an empty
	 * plain scalar inside a flow collection as '', so a null there
	 * ("a: {b: , c: 1}", "a: {b}") comes back as an empty string.
	 * Tolerated unless FUZZ_STRICT_YAML is set, so that the target can
	 * look for other things.
	 */
	if (ka && kb && va == NULL && vb != NULL && *vb == '\0' &&
	    getenv("FUZZ_STRICT_YAML") == NULL)
		return;
	if (ka != kb || !fuzz_str_eq(va, vb)) {
		fprintf(stderr, "%s: after the update [%s].%s reads '%s' "
		    "(kind_ok %d), was '%s' (kind_ok %d)\n",
		    program_invocation_short_name,
		    section != NULL ? section : "", key, vb ? vb : "(null)",
		    kb, va ? va : "(null)", ka);
		abort();
	}
}
