/*
 * Just enough YAML for pierone.yaml and the zign token caches: a mapping
 * of scalars, or of mappings of scalars, read with libyaml.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "internal.h"

struct yaml_doc {
	yaml_document_t doc;
};

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

	/* Quoted scalars are strings even when they read "null". */
	if (n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	    n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
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
