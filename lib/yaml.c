/*
 * Just enough YAML for pierone.yaml and the zign token caches: a mapping
 * of scalars, or of mappings of scalars, read with libyaml.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "base.h"
#include "files.h"

/* Nodes a rewritten file may have, aliases expanded. */
#define YAML_MAX_NODES	100000

struct yaml_doc {
	yaml_document_t doc;
};

/* True when the stream ends after the first document, as it should. */
static bool
more_documents(yaml_parser_t *parser)
{
	yaml_document_t next;
	bool last;

	if (!yaml_parser_load(parser, &next))
		return false;
	last = yaml_document_get_root_node(&next) == NULL;
	yaml_document_delete(&next);
	return last;
}

int
yaml_doc_load(struct yaml_doc **out, const char *text, size_t len,
    const char *path, struct pierone_err *err)
{
	yaml_parser_t parser;
	struct yaml_doc *d;
	int ok;

	*out = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	if (!yaml_parser_initialize(&parser)) {
		free(d);
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	ok = yaml_parser_load(&parser, &d->doc);
	if (!ok) {
		err_set(err, PIERONE_ECONFIG, "cannot read '%s': invalid YAML "
		    "at line %zu: %s", path, parser.problem_mark.line + 1,
		    parser.problem != NULL ? parser.problem : "syntax error");
		yaml_parser_delete(&parser);
		free(d);
		return PIERONE_ECONFIG;
	}
	/* A second document would be lost on rewrite: refuse the file. */
	if (yaml_document_get_root_node(&d->doc) != NULL && !more_documents(
	    &parser)) {
		yaml_parser_delete(&parser);
		yaml_doc_free(d);
		return err_set(err, PIERONE_ECONFIG, "cannot read '%s': more "
		    "than one YAML document", path);
	}
	yaml_parser_delete(&parser);
	*out = d;
	return 0;
}

void
yaml_doc_free(struct yaml_doc *d)
{
	if (d == NULL)
		return;
	yaml_document_delete(&d->doc);
	free(d);
}

bool
yaml_doc_is_mapping(const struct yaml_doc *d)
{
	yaml_node_t *root = yaml_document_get_root_node((yaml_document_t *)&d->doc);

	if (root == NULL)
		return true;
	if (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0)
		return true;
	return root->type == YAML_MAPPING_NODE;
}

static bool
scalar_is(const yaml_node_t *n, const char *s)
{
	size_t len = strlen(s);

	return n != NULL && n->type == YAML_SCALAR_NODE &&
	    n->data.scalar.length == len &&
	    memcmp(n->data.scalar.value, s, len) == 0;
}

static yaml_node_t *
map_get(const struct yaml_doc *d, yaml_node_t *map, const char *key)
{
	yaml_document_t *doc = (yaml_document_t *)&d->doc;
	yaml_node_pair_t *p;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	/* The last occurrence of a duplicated key wins, as in PyYAML. */
	for (p = map->data.mapping.pairs.top;
	    p-- > map->data.mapping.pairs.start; ) {
		if (scalar_is(yaml_document_get_node(doc, p->key), key))
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static bool
is_null(const yaml_node_t *n)
{
	const char *v = (const char *)n->data.scalar.value;

	/*
	 * Only plain scalars can be null: quoted ones are strings even when
	 * they read "null", and an empty block scalar ("a: >") is "".
	 */
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
	    n->data.scalar.style != YAML_ANY_SCALAR_STYLE)
		return false;
	return n->data.scalar.length == 0 || strcmp(v, "~") == 0 ||
	    strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	    strcmp(v, "NULL") == 0;
}

const char *
yaml_doc_get(const struct yaml_doc *d, const char *section, const char *key,
    bool *kind_ok)
{
	yaml_node_t *n = yaml_document_get_root_node((yaml_document_t *)&d->doc);

	*kind_ok = true;
	if (section != NULL) {
		n = map_get(d, n, section);
		if (n != NULL && n->type != YAML_MAPPING_NODE) {
			*kind_ok = n->type == YAML_SCALAR_NODE && is_null(n);
			return NULL;
		}
	}
	if ((n = map_get(d, n, key)) == NULL)
		return NULL;
	if (n->type != YAML_SCALAR_NODE) {
		*kind_ok = false;
		return NULL;
	}
	return is_null(n) ? NULL : (const char *)n->data.scalar.value;
}

/*
 * Copy node `idx` of `src` into `dst`; the new node's index, 0 on failure.
 * Aliases are expanded by the copy, so `budget` bounds the nodes made: a
 * few aliases nested deep would otherwise write gigabytes.
 */
static int
copy_node(yaml_document_t *dst, yaml_document_t *src, int idx, int depth,
    size_t *budget, bool key)
{
	yaml_node_t *n = yaml_document_get_node(src, idx);
	yaml_node_item_t *it;
	yaml_node_pair_t *p;
	int id, k, v;

	if (depth > 64)
		*budget = 0;	/* refused like a flood of aliases */
	if (n == NULL || *budget == 0)
		return 0;
	--*budget;
	switch (n->type) {
	case YAML_SCALAR_NODE:
		/* A plain empty value is null; written "~" it stays null. */
		if (!key && n->data.scalar.length == 0 &&
		    n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			return yaml_document_add_scalar(dst, n->tag,
			    (yaml_char_t *)"~", 1, YAML_PLAIN_SCALAR_STYLE);
		return yaml_document_add_scalar(dst, n->tag,
		    n->data.scalar.value, (int)n->data.scalar.length,
		    n->data.scalar.style);
	case YAML_SEQUENCE_NODE:
		id = yaml_document_add_sequence(dst, n->tag,
		    n->data.sequence.style);
		for (it = n->data.sequence.items.start; id != 0 &&
		    it < n->data.sequence.items.top; it++)
			if ((v = copy_node(dst, src, *it, depth + 1,
			    budget, false)) == 0 ||
			    !yaml_document_append_sequence_item(dst, id, v))
				id = 0;
		return id;
	case YAML_MAPPING_NODE:
		id = yaml_document_add_mapping(dst, n->tag,
		    n->data.mapping.style);
		for (p = n->data.mapping.pairs.start; id != 0 &&
		    p < n->data.mapping.pairs.top; p++)
			if ((k = copy_node(dst, src, p->key, depth + 1,
			    budget, true)) == 0 ||
			    (v = copy_node(dst, src, p->value, depth + 1,
			    budget, false)) == 0 ||
			    !yaml_document_append_mapping_pair(dst, id, k, v))
				id = 0;
		return id;
	default:
		return 0;
	}
}

static int
add_scalar(yaml_document_t *doc, const char *value, bool quoted)
{
	return yaml_document_add_scalar(doc, NULL,
	    (yaml_char_t *)value, (int)strlen(value), quoted ?
	    YAML_SINGLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE);
}

/* The value for the new entry: a scalar, or a mapping of `kv`. */
static int
new_value(yaml_document_t *doc, const char *scalar, const struct yaml_kv *kv,
    size_t nkv)
{
	int id, k, v;

	if (scalar != NULL)
		return add_scalar(doc, scalar, false);
	id = yaml_document_add_mapping(doc, NULL, YAML_BLOCK_MAPPING_STYLE);
	for (size_t i = 0; id != 0 && i < nkv; i++)
		if ((k = add_scalar(doc, kv[i].key, false)) == 0 ||
		    (v = add_scalar(doc, kv[i].value, kv[i].quoted)) == 0 ||
		    !yaml_document_append_mapping_pair(doc, id, k, v))
			id = 0;
	return id;
}

/* New document: the old root's pairs but `key`, then key: value. */
static int
build_doc(yaml_document_t *dst, struct yaml_doc *old, const char *key,
    const char *scalar, const struct yaml_kv *kv, size_t nkv)
{
	yaml_node_t *root = yaml_document_get_root_node(&old->doc);
	yaml_node_pair_t *p;
	size_t budget = YAML_MAX_NODES;
	int id, k, v;

	if (!yaml_document_initialize(dst, NULL, NULL, NULL, 1, 1))
		return -1;
	id = yaml_document_add_mapping(dst, NULL, YAML_BLOCK_MAPPING_STYLE);
	if (root != NULL && root->type == YAML_MAPPING_NODE)
		for (p = root->data.mapping.pairs.start; id != 0 &&
		    p < root->data.mapping.pairs.top; p++) {
			if (scalar_is(yaml_document_get_node(&old->doc, p->key),
			    key))
				continue;
			if ((k = copy_node(dst, &old->doc, p->key, 0,
			    &budget, true)) == 0 ||
			    (v = copy_node(dst, &old->doc, p->value, 0,
			    &budget, false)) == 0 ||
			    !yaml_document_append_mapping_pair(dst, id, k, v))
				id = 0;
		}
	if (budget == 0)
		return 1;
	if (id == 0 || (k = add_scalar(dst, key, false)) == 0 ||
	    (v = new_value(dst, scalar, kv, nkv)) == 0 ||
	    !yaml_document_append_mapping_pair(dst, id, k, v))
		return -1;
	return 0;
}

static int
emit_cb(void *arg, unsigned char *data, size_t size)
{
	return buf_append(arg, data, size) == 0;
}

int
yaml_text_update(struct buf *out, const char *text, size_t len,
    const char *path, const char *key, const char *scalar,
    const struct yaml_kv *kv, size_t nkv, struct pierone_err *err)
{
	yaml_emitter_t em;
	yaml_document_t doc;
	struct yaml_doc *old;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = yaml_doc_load(&old, text, len, path, err)) != 0)
		return rc;
	if (!yaml_doc_is_mapping(old)) {
		yaml_doc_free(old);
		return err_set(err, PIERONE_ECONFIG, "cannot update '%s': not "
		    "a YAML mapping", path);
	}
	rc = build_doc(&doc, old, key, scalar, kv, nkv);
	yaml_doc_free(old);
	if (rc != 0) {
		yaml_document_delete(&doc);
		if (rc == 1)
			return err_set(err, PIERONE_ECONFIG, "cannot update "
			    "'%s': nested too deeply or more than %d entries "
			    "with aliases expanded", path, YAML_MAX_NODES);
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	if (!yaml_emitter_initialize(&em)) {
		yaml_document_delete(&doc);
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	yaml_emitter_set_output(&em, emit_cb, out);
	yaml_emitter_set_unicode(&em, 1);
	/* yaml_emitter_dump() takes the document over, even on failure. */
	if (!yaml_emitter_open(&em)) {
		yaml_document_delete(&doc);
		rc = PIERONE_ENOMEM;
	} else if (!yaml_emitter_dump(&em, &doc) || !yaml_emitter_close(&em) ||
	    !yaml_emitter_flush(&em)) {
		rc = PIERONE_ENOMEM;
	}
	if (rc != 0)
		err_set(err, rc, "cannot write YAML for '%s'", path);
	yaml_emitter_delete(&em);
	if (rc != 0)
		buf_freezero(out);
	return rc;
}

struct yaml_set {
	const char *key;
	const char *scalar;
	const struct yaml_kv *kv;
	size_t nkv;
};

static int
yaml_set_cb(struct buf *out, const struct buf *old, const char *path,
    void *arg, struct pierone_err *err)
{
	const struct yaml_set *set = arg;

	return yaml_text_update(out, old != NULL ? old->data : "",
	    old != NULL ? old->len : 0, path, set->key, set->scalar, set->kv,
	    set->nkv, err);
}

int
yaml_file_set(const char *path, const char *key, const char *scalar,
    const struct yaml_kv *kv, size_t nkv, mode_t mode,
    struct pierone_err *err)
{
	struct yaml_set set = { key, scalar, kv, nkv };

	return file_update(path, yaml_set_cb, &set, mode, err);
}
