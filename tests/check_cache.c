/*
 * pierone_token_cache_store(): the "pierone" entry of the zign cache
 * (~/.config/zign/tokens.yaml), written so that zign, PyYAML and
 * pierone_token_find() read back exactly what was stored, without losing
 * the other entries, the file's mode or its symbolic link, and never
 * touching a cache it cannot parse.  HOME points into a temporary
 * directory and the variables below are cleared for every test.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <yaml.h>

#include "internal.h"
#include "tests.h"

#define CREATED	1700000000.5
#define NOW	(CREATED + 100)

static const char *const env_vars[] = {
	"HOME", "XDG_CONFIG_HOME", "CREDENTIALS_DIR", "OAUTH2_ACCESS_TOKENS",
};
#define NVARS (sizeof(env_vars) / sizeof(env_vars[0]))

static mode_t saved_umask;
static char *dir;		/* temporary directory of the test */
static char home[1024];		/* $HOME, inside it */

static void
setup(void)
{
	test_env_isolate(env_vars, NVARS);
	saved_umask = umask(022);
	dir = test_tmpdir();
	test_fmt(home, sizeof(home), "%s/home", dir);
	ck_assert_int_eq(mkdir(home, 0755), 0);
	setenv("HOME", home, 1);
}

static void
teardown(void)
{
	test_env_restore();
	umask(saved_umask);
	test_rmtree(dir);
	free(dir);
	dir = NULL;
}

/* "$HOME/rel" (or "$dir/rel" with in_home false), two buffers in turn. */
static const char *
path_in(bool in_home, const char *rel)
{
	static char path[2][PATH_MAX];
	static int i;

	i = !i;
	test_fmt(path[i], sizeof(path[i]), "%s/%s", in_home ? home : dir, rel);
	return path[i];
}
#define HOME_PATH(rel)	path_in(true, rel)
#define TMP_PATH(rel)	path_in(false, rel)
#define CACHE		".config/zign/tokens.yaml"

static void
mkdir_p(const char *path)
{
	char buf[PATH_MAX];

	test_fmt(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		ck_assert(mkdir(buf, 0700) == 0 || errno == EEXIST);
		*p = '/';
	}
	ck_assert(mkdir(buf, 0700) == 0 || errno == EEXIST);
}

/* The cache with `content`, its directory made first. */
static void
write_cache(const char *content)
{
	mkdir_p(HOME_PATH(".config/zign"));
	test_write_file(HOME_PATH(CACHE), content);
}

static char *
read_cache(void)
{
	char *s = test_slurp(HOME_PATH(CACHE), NULL);

	ck_assert_msg(s != NULL, "no %s", CACHE);
	return s;
}

static int
mode_of(const char *path)
{
	struct stat st;

	ck_assert_msg(stat(path, &st) == 0, "%s: %s", path, strerror(errno));
	return (int)(st.st_mode & 07777);
}

/* Store `token` as the token service would have sent it. */
static int
store_full(const char *token, double created, long expires_in,
    const char *type, const char *scope, struct pierone_err *err)
{
	struct pierone_token t = { 0 };
	char tokbuf[4096], typebuf[64], scopebuf[64];
	int rc;

	test_fmt(tokbuf, sizeof(tokbuf), "%s", token);
	t.access_token = tokbuf;
	if (type != NULL) {
		test_fmt(typebuf, sizeof(typebuf), "%s", type);
		t.token_type = typebuf;
	}
	if (scope != NULL) {
		test_fmt(scopebuf, sizeof(scopebuf), "%s", scope);
		t.scope = scopebuf;
	}
	t.source = PIERONE_TOKEN_SERVICE;
	t.created = created;
	t.expires_in = expires_in;
	t.expires_at = created + (double)expires_in;
	memset(err, 0, sizeof(*err));
	rc = pierone_token_cache_store(&t, err);
	/* the caller's token is not touched */
	ck_assert_str_eq(t.access_token, token);
	return rc;
}

static void
store(const char *token)
{
	struct pierone_err err;
	int rc = store_full(token, CREATED, 3600, NULL, NULL, &err);

	ck_assert_msg(rc == 0, "store failed (%d): %s", rc, err.msg);
}

/* pierone_token_find() gives `token` from the cache file `path`. */
static void
assert_found(const char *token, const char *path, double expires_at)
{
	struct pierone_token t;
	struct pierone_err err = { 0 };
	int rc = pierone_token_find(&t, NOW, &err);

	ck_assert_msg(rc == 0, "not found (%d): %s", rc, err.msg);
	ck_assert_int_eq(t.source, PIERONE_TOKEN_ZIGN_CACHE);
	ck_assert_str_eq(t.access_token, token);
	ck_assert_str_eq(t.origin, path);
	ck_assert_msg(t.expires_at == expires_at, "expires_at %.3f, not %.3f",
	    t.expires_at, expires_at);
	pierone_token_clear(&t);
}

/* --- libyaml's own view of a file, to check structure and styles ----- */

static void
ydoc_load(yaml_document_t *doc, const char *text)
{
	yaml_parser_t p;

	ck_assert(yaml_parser_initialize(&p));
	yaml_parser_set_input_string(&p, (const unsigned char *)text,
	    strlen(text));
	ck_assert_msg(yaml_parser_load(&p, doc), "written YAML does not parse "
	    "(%s): %s", p.problem != NULL ? p.problem : "?", text);
	yaml_parser_delete(&p);
	ck_assert_ptr_nonnull(yaml_document_get_root_node(doc));
}

static bool
yscalar_is(const yaml_node_t *n, const char *s)
{
	return n != NULL && n->type == YAML_SCALAR_NODE &&
	    n->data.scalar.length == strlen(s) &&
	    memcmp(n->data.scalar.value, s, strlen(s)) == 0;
}

/* Node of `key` in mapping `map`; *keynode gets the key's node. */
static yaml_node_t *
ymap_get(yaml_document_t *doc, yaml_node_t *map, const char *key,
    yaml_node_t **keynode)
{
	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++)
		if (yscalar_is(yaml_document_get_node(doc, p->key), key)) {
			if (keynode != NULL)
				*keynode = yaml_document_get_node(doc, p->key);
			return yaml_document_get_node(doc, p->value);
		}
	return NULL;
}

/* How often the root mapping has `key`. */
static int
yroot_count(yaml_document_t *doc, const char *key)
{
	yaml_node_t *root = yaml_document_get_root_node(doc);
	int n = 0;

	ck_assert_int_eq(root->type, YAML_MAPPING_NODE);
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	    p < root->data.mapping.pairs.top; p++)
		if (yscalar_is(yaml_document_get_node(doc, p->key), key))
			n++;
	return n;
}

/* The scalar node pierone.access_token of the cache. */
static yaml_node_t *
ytoken(yaml_document_t *doc)
{
	yaml_node_t *n = ymap_get(doc, ymap_get(doc,
	    yaml_document_get_root_node(doc), "pierone", NULL), "access_token",
	    NULL);

	ck_assert_msg(n != NULL && n->type == YAML_SCALAR_NODE,
	    "no scalar pierone.access_token");
	return n;
}

/* --- the library's reader ------------------------------------------- */

static struct yaml_doc *
doc_load(const char *text)
{
	struct yaml_doc *doc;
	struct pierone_err err = { 0 };

	ck_assert_msg(yaml_doc_load(&doc, text, strlen(text), "cache", &err)
	    == 0, "%s", err.msg);
	return doc;
}

static void
assert_value(const struct yaml_doc *doc, const char *section,
    const char *key, const char *want)
{
	bool ok;
	const char *v = yaml_doc_get(doc, section, key, &ok);

	ck_assert_msg(ok && v != NULL, "%s.%s missing", section ? section : "",
	    key);
	ck_assert_str_eq(v, want);
}

/* ------------------------------------------------------------------- */

START_TEST(new_cache_is_private_in_private_directories)
{
	ck_assert_int_eq(access(HOME_PATH(".config"), F_OK), -1);
	store("tok-abc");
	ck_assert_int_eq(mode_of(HOME_PATH(".config")), 0700);
	ck_assert_int_eq(mode_of(HOME_PATH(".config/zign")), 0700);
	ck_assert_int_eq(mode_of(HOME_PATH(CACHE)), 0600);
}
END_TEST

START_TEST(new_cache_is_private_even_with_a_lax_umask)
{
	umask(0);
	store("tok-abc");
	umask(022);
	ck_assert_int_eq(mode_of(HOME_PATH(".config")), 0700);
	ck_assert_int_eq(mode_of(HOME_PATH(".config/zign")), 0700);
	ck_assert_int_eq(mode_of(HOME_PATH(CACHE)), 0600);
}
END_TEST

START_TEST(stored_entry_is_found_again)
{
	char *text;
	struct yaml_doc *doc;

	store("tok-abc");
	assert_found("tok-abc", HOME_PATH(CACHE), CREATED + 3600);
	text = read_cache();
	doc = doc_load(text);
	assert_value(doc, "pierone", "access_token", "tok-abc");
	assert_value(doc, "pierone", "expires_in", "3600");
	assert_value(doc, "pierone", "creation_time", "1700000000.500");
	assert_value(doc, "pierone", "token_type", "Bearer");
	assert_value(doc, "pierone", "scope", "uid");
	yaml_doc_free(doc);
	free(text);
}
END_TEST

START_TEST(token_type_and_scope_are_stored_as_given)
{
	struct pierone_err err;
	struct yaml_doc *doc;
	char *text;

	ck_assert_int_eq(store_full("t", CREATED, 60, "mac", "uid cn", &err),
	    0);
	text = read_cache();
	doc = doc_load(text);
	assert_value(doc, "pierone", "token_type", "mac");
	assert_value(doc, "pierone", "scope", "uid cn");
	assert_value(doc, "pierone", "expires_in", "60");
	yaml_doc_free(doc);
	free(text);
}
END_TEST

START_TEST(missing_times_become_now_and_the_default_lifetime)
{
	struct pierone_err err;
	struct yaml_doc *doc;
	double before = (double)time(NULL), created;
	char *text, *end;
	bool ok;

	ck_assert_int_eq(store_full("t", 0, 0, NULL, NULL, &err), 0);
	text = read_cache();
	doc = doc_load(text);
	assert_value(doc, "pierone", "expires_in", "600");
	created = strtod(yaml_doc_get(doc, "pierone", "creation_time", &ok),
	    &end);
	ck_assert(ok && *end == '\0');
	ck_assert(created >= before && created <= (double)time(NULL) + 1);
	yaml_doc_free(doc);
	free(text);
}
END_TEST

START_TEST(xdg_config_home_holds_the_cache)
{
	setenv("XDG_CONFIG_HOME", TMP_PATH("xdg"), 1);
	store("tok-xdg");
	ck_assert_int_eq(mode_of(TMP_PATH("xdg/zign/tokens.yaml")), 0600);
	ck_assert_int_eq(access(HOME_PATH(".config"), F_OK), -1);
	assert_found("tok-xdg", TMP_PATH("xdg/zign/tokens.yaml"),
	    CREATED + 3600);
}
END_TEST

START_TEST(relative_xdg_config_home_is_ignored)
{
	const char *rel = "pierone-check-cache-relative-xdg";

	ck_assert_int_eq(access(rel, F_OK), -1);
	setenv("XDG_CONFIG_HOME", rel, 1);
	store("tok-rel");
	if (access(rel, F_OK) == 0)
		test_rmtree(rel);
	ck_assert_int_eq(mode_of(HOME_PATH(CACHE)), 0600);
	assert_found("tok-rel", HOME_PATH(CACHE), CREATED + 3600);
}
END_TEST

START_TEST(other_entries_keep_their_values)
{
	const char *before =
	    "# zign's cache\n"
	    "other: {access_token: x, expires_in: 5, creation_time: 1}\n"
	    "list:\n"
	    "- a\n"
	    "- 2\n"
	    "- 'c: d'\n"
	    "unicode: \"Gr\xc3\xbc\xc3\x9f" "e, \xe6\x9d\xb1\xe4\xba\xac "
	    "\xe2\x9c\x93 \\U0001F600\"\n"
	    "number: 3.25\n"
	    "int: 42\n"
	    "big: 123456789012345678901234567890\n"
	    "flag: true\n"
	    "nothing: ~\n"
	    "'12': twelve\n"
	    "nested:\n"
	    "  deeper:\n"
	    "    key: value\n";
	yaml_document_t y;
	yaml_node_t *root, *n, *k;
	struct yaml_doc *doc;
	char *text;
	bool ok;

	write_cache(before);
	store("tok-abc");
	text = read_cache();
	doc = doc_load(text);
	assert_value(doc, "other", "access_token", "x");
	assert_value(doc, "other", "expires_in", "5");
	assert_value(doc, "other", "creation_time", "1");
	assert_value(doc, NULL, "unicode", "Gr\xc3\xbc\xc3\x9f" "e, "
	    "\xe6\x9d\xb1\xe4\xba\xac \xe2\x9c\x93 \xf0\x9f\x98\x80");
	assert_value(doc, NULL, "number", "3.25");
	assert_value(doc, NULL, "int", "42");
	assert_value(doc, NULL, "big", "123456789012345678901234567890");
	assert_value(doc, NULL, "flag", "true");
	assert_value(doc, NULL, "12", "twelve");
	ck_assert_ptr_null(yaml_doc_get(doc, NULL, "nothing", &ok));
	ck_assert(ok);
	assert_value(doc, "pierone", "access_token", "tok-abc");
	yaml_doc_free(doc);
	/* UTF-8 as it is, not escaped */
	ck_assert_ptr_nonnull(strstr(text, "Gr\xc3\xbc\xc3\x9f" "e"));

	ydoc_load(&y, text);
	root = yaml_document_get_root_node(&y);
	ck_assert_int_eq(yroot_count(&y, "nothing"), 1);
	/* the list, item by item */
	n = ymap_get(&y, root, "list", NULL);
	ck_assert(n != NULL && n->type == YAML_SEQUENCE_NODE);
	ck_assert_int_eq(n->data.sequence.items.top -
	    n->data.sequence.items.start, 3);
	ck_assert(yscalar_is(yaml_document_get_node(&y,
	    n->data.sequence.items.start[0]), "a"));
	ck_assert(yscalar_is(yaml_document_get_node(&y,
	    n->data.sequence.items.start[1]), "2"));
	ck_assert(yscalar_is(yaml_document_get_node(&y,
	    n->data.sequence.items.start[2]), "c: d"));
	/* numbers stay plain (numbers), quoted strings stay quoted */
	n = ymap_get(&y, ymap_get(&y, root, "other", NULL), "expires_in", NULL);
	ck_assert_int_eq(n->data.scalar.style, YAML_PLAIN_SCALAR_STYLE);
	n = ymap_get(&y, root, "number", NULL);
	ck_assert_int_eq(n->data.scalar.style, YAML_PLAIN_SCALAR_STYLE);
	n = ymap_get(&y, root, "12", &k);
	ck_assert_int_ne(k->data.scalar.style, YAML_PLAIN_SCALAR_STYLE);
	n = ymap_get(&y, ymap_get(&y, ymap_get(&y, root, "nested", NULL),
	    "deeper", NULL), "key", NULL);
	ck_assert(yscalar_is(n, "value"));
	yaml_document_delete(&y);
	free(text);
	assert_found("tok-abc", HOME_PATH(CACHE), CREATED + 3600);
}
END_TEST

START_TEST(existing_pierone_entry_is_replaced_not_duplicated)
{
	yaml_document_t y;
	char *text;

	write_cache("a: 1\n"
	    "pierone: {access_token: old-token, expires_in: 9, "
	    "creation_time: 2, extra: gone}\n"
	    "b: 2\n");
	store("new-token");
	store("newer-token");
	text = read_cache();
	ck_assert_ptr_null(strstr(text, "old-token"));
	ck_assert_ptr_null(strstr(text, "new-token"));
	ck_assert_ptr_null(strstr(text, "extra"));
	ydoc_load(&y, text);
	ck_assert_int_eq(yroot_count(&y, "pierone"), 1);
	ck_assert_int_eq(yroot_count(&y, "a"), 1);
	ck_assert_int_eq(yroot_count(&y, "b"), 1);
	yaml_document_delete(&y);
	free(text);
	assert_found("newer-token", HOME_PATH(CACHE), CREATED + 3600);
}
END_TEST

START_TEST(duplicated_pierone_entries_become_one)
{
	yaml_document_t y;
	char *text;

	write_cache("pierone: {access_token: one}\nx: 1\n"
	    "pierone: {access_token: two}\n");
	store("three");
	text = read_cache();
	ydoc_load(&y, text);
	ck_assert_int_eq(yroot_count(&y, "pierone"), 1);
	ck_assert_int_eq(yroot_count(&y, "x"), 1);
	yaml_document_delete(&y);
	free(text);
	assert_found("three", HOME_PATH(CACHE), CREATED + 3600);
}
END_TEST

START_TEST(empty_cache_file_gets_the_entry)
{
	write_cache("");
	store("tok-abc");
	assert_found("tok-abc", HOME_PATH(CACHE), CREATED + 3600);
	write_cache("# only a comment\n");
	store("tok-def");
	assert_found("tok-def", HOME_PATH(CACHE), CREATED + 3600);
}
END_TEST

/* Nothing but the cache in its directory (no lock file left either). */
static void
assert_no_stray_files(void)
{
	DIR *d = opendir(HOME_PATH(".config/zign"));
	struct dirent *e;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		ck_assert_msg(strcmp(e->d_name, "tokens.yaml") == 0,
		    "stray file %s", e->d_name);
	}
	closedir(d);
}

START_TEST(corrupt_cache_is_refused_and_left_alone)
{
	static const char *const bad[] = {
		"pierone: [unclosed\nother: 1\n",		/* invalid */
		"a: 'unterminated\n",				/* invalid */
		"a: b\n  c: d\n",				/* invalid */
		"- one\n- two\n",				/* a list */
		"[a, b]\n",					/* a list */
		"just a sentence\n",				/* a scalar */
		"a: 1\n---\nb: 2\n",				/* two documents */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pierone_err err;
		struct stat st1, st2;
		char *after;
		int rc;

		write_cache(bad[i]);
		ck_assert_int_eq(chmod(HOME_PATH(CACHE), 0640), 0);
		ck_assert_int_eq(stat(HOME_PATH(CACHE), &st1), 0);
		rc = store_full("tok-abc", CREATED, 3600, NULL, NULL, &err);
		ck_assert_msg(rc == PIERONE_ECONFIG, "%s: rc %d", bad[i], rc);
		ck_assert_int_eq(err.code, PIERONE_ECONFIG);
		ck_assert_msg(strstr(err.msg, HOME_PATH(CACHE)) != NULL,
		    "the message does not name the file: %s", err.msg);
		after = read_cache();
		ck_assert_str_eq(after, bad[i]);
		free(after);
		ck_assert_int_eq(stat(HOME_PATH(CACHE), &st2), 0);
		ck_assert(st1.st_ino == st2.st_ino);
		ck_assert_int_eq(st2.st_mode & 07777, 0640);
		assert_no_stray_files();
	}
}
END_TEST

START_TEST(alias_bomb_is_refused_not_expanded)
{
	struct pierone_err err;
	char bomb[2048] = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
	char line[160];
	char *after;

	/* each level holds ten of the one before: 10^8 nodes expanded */
	for (char c = 'b'; c <= 'h'; c++) {
		test_fmt(line, sizeof(line), "%c: &%c [*%c, *%c, *%c, *%c, *%c, "
		    "*%c, *%c, *%c, *%c, *%c]\n", c, c, c - 1, c - 1, c - 1,
		    c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
		strlcat(bomb, line, sizeof(bomb));
	}
	write_cache(bomb);
	ck_assert_int_eq(store_full("tok-abc", CREATED, 3600, NULL, NULL,
	    &err), PIERONE_ECONFIG);
	ck_assert_ptr_nonnull(strstr(err.msg, "aliases"));
	after = read_cache();
	ck_assert_str_eq(after, bomb);
	free(after);
}
END_TEST

START_TEST(empty_values_in_flow_mappings_stay_null)
{
	struct yaml_doc *doc;
	char *text;
	bool ok;

	/* found by fuzz_config: they came back as '' */
	write_cache("a: {b: , c: 1}\nd: [{e: }]\n");
	store("tok-abc");
	text = read_cache();
	doc = doc_load(text);
	ck_assert_ptr_null(yaml_doc_get(doc, "a", "b", &ok));
	ck_assert(ok);
	assert_value(doc, "a", "c", "1");
	ck_assert_ptr_null(strstr(text, "''"));
	yaml_doc_free(doc);
	free(text);
}
END_TEST

START_TEST(empty_block_scalar_is_an_empty_string_not_null)
{
	struct yaml_doc *doc;
	const char *v;
	bool ok;

	/* found by fuzz_tokencache: "a: >" read as null, written as '' */
	doc = doc_load("a: >\nb: |\nc:\n");
	ck_assert_ptr_nonnull(v = yaml_doc_get(doc, NULL, "a", &ok));
	ck_assert_str_eq(v, "");
	ck_assert_ptr_nonnull(v = yaml_doc_get(doc, NULL, "b", &ok));
	ck_assert_str_eq(v, "");
	ck_assert_ptr_null(yaml_doc_get(doc, NULL, "c", &ok));
	ck_assert(ok);
	yaml_doc_free(doc);
}
END_TEST

START_TEST(deeply_nested_cache_is_refused_as_corrupt)
{
	struct pierone_err err;
	char deep[512] = "x: ";

	for (int i = 0; i < 70; i++)
		strlcat(deep, "[", sizeof(deep));
	strlcat(deep, "a", sizeof(deep));
	for (int i = 0; i < 70; i++)
		strlcat(deep, "]", sizeof(deep));
	strlcat(deep, "\n", sizeof(deep));
	write_cache(deep);
	ck_assert_int_eq(store_full("tok-abc", CREATED, 3600, NULL, NULL,
	    &err), PIERONE_ECONFIG);
	ck_assert_ptr_nonnull(strstr(err.msg, "nested too deeply"));
}
END_TEST

START_TEST(token_with_invalid_bytes_is_refused)
{
	struct pierone_err err;

	ck_assert_int_eq(store_full("ab\xff", CREATED, 3600, NULL, NULL,
	    &err), PIERONE_EINVAL);
	ck_assert_int_eq(store_full("a\tb", CREATED, 3600, NULL, NULL,
	    &err), PIERONE_EINVAL);
	ck_assert_int_eq(access(HOME_PATH(".config"), F_OK), -1);
}
END_TEST

START_TEST(empty_token_is_refused_and_nothing_written)
{
	struct pierone_err err;

	ck_assert_int_eq(store_full("", CREATED, 3600, NULL, NULL, &err),
	    PIERONE_EINVAL);
	ck_assert_int_eq(access(HOME_PATH(".config"), F_OK), -1);
}
END_TEST

START_TEST(existing_open_cache_is_made_private)
{
	write_cache("other: 1\n");
	ck_assert_int_eq(chmod(HOME_PATH(CACHE), 0644), 0);
	store("tok-abc");
	ck_assert_int_eq(mode_of(HOME_PATH(CACHE)), 0600);
	assert_found("tok-abc", HOME_PATH(CACHE), CREATED + 3600);
	assert_no_stray_files();
}
END_TEST

START_TEST(long_chain_of_links_is_refused_not_replaced)
{
	char from[64], to[64];
	struct pierone_err err;
	struct stat st;

	mkdir_p(HOME_PATH(".config/zign"));
	test_write_file(HOME_PATH(".config/zign/real.yaml"), "other: 1\n");
	/* tokens.yaml -> l00 -> l01 ... -> l44 -> real.yaml: 46 hops */
	for (int i = 44; i >= -1; i--) {
		test_fmt(from, sizeof(from), i < 0 ? ".config/zign/tokens.yaml" :
		    ".config/zign/l%02d", i);
		test_fmt(to, sizeof(to), i == 44 ? "real.yaml" : "l%02d", i + 1);
		ck_assert_int_eq(symlink(to, HOME_PATH(from)), 0);
	}
	ck_assert_int_eq(store_full("tok-abc", CREATED, 3600, NULL, NULL,
	    &err), PIERONE_EIO);
	ck_assert_int_eq(lstat(HOME_PATH(CACHE), &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
}
END_TEST

/* The cache is a link to `target` (as written in the link). */
static void
assert_still_link(const char *target)
{
	char buf[PATH_MAX];
	struct stat st;
	ssize_t n;

	ck_assert_int_eq(lstat(HOME_PATH(CACHE), &st), 0);
	ck_assert_msg(S_ISLNK(st.st_mode), "the cache is no longer a link");
	n = readlink(HOME_PATH(CACHE), buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, target);
}

START_TEST(symlinked_cache_stays_a_link_and_its_target_is_updated)
{
	char target[PATH_MAX], *text;

	mkdir_p(HOME_PATH(".config/zign"));
	mkdir_p(TMP_PATH("dotfiles"));
	test_fmt(target, sizeof(target), "%s", TMP_PATH("dotfiles/zign.yaml"));
	test_write_file(target, "other: 1\n");
	ck_assert_int_eq(symlink(target, HOME_PATH(CACHE)), 0);
	store("tok-abc");
	assert_still_link(target);
	text = test_slurp(target, NULL);
	ck_assert_ptr_nonnull(strstr(text, "tok-abc"));
	ck_assert_ptr_nonnull(strstr(text, "other: 1"));
	free(text);
	ck_assert_int_eq(mode_of(target), 0600);
	assert_found("tok-abc", HOME_PATH(CACHE), CREATED + 3600);
}
END_TEST

START_TEST(relative_symlink_is_followed_from_its_directory)
{
	const char *rel = "../../../shared/tokens.yaml";
	char *text;

	mkdir_p(HOME_PATH(".config/zign"));
	mkdir_p(TMP_PATH("shared"));
	test_write_file(TMP_PATH("shared/tokens.yaml"), "other: 1\n");
	ck_assert_int_eq(symlink(rel, HOME_PATH(CACHE)), 0);
	store("tok-abc");
	assert_still_link(rel);
	text = test_slurp(TMP_PATH("shared/tokens.yaml"), NULL);
	ck_assert_ptr_nonnull(strstr(text, "tok-abc"));
	ck_assert_ptr_nonnull(strstr(text, "other: 1"));
	free(text);
	assert_found("tok-abc", HOME_PATH(CACHE), CREATED + 3600);
}
END_TEST

START_TEST(dangling_symlink_gets_its_target_created)
{
	char target[PATH_MAX];

	mkdir_p(HOME_PATH(".config/zign"));
	test_fmt(target, sizeof(target), "%s",
	    TMP_PATH("not-yet/there/tokens.yaml"));
	ck_assert_int_eq(symlink(target, HOME_PATH(CACHE)), 0);
	store("tok-abc");
	assert_still_link(target);
	ck_assert_int_eq(mode_of(target), 0600);
	ck_assert_int_eq(mode_of(TMP_PATH("not-yet")), 0700);
	assert_found("tok-abc", HOME_PATH(CACHE), CREATED + 3600);
}
END_TEST

/*
 * `token` is written quoted (PyYAML reads a string, never a number, a
 * boolean, null or a date) and comes back exactly.
 */
/* RFC 6750's b64token: what a bearer token may be. */
static bool
b64token(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
	    "VWXYZ0123456789-._~+/");

	return n > 0 && s[n + strspn(s + n, "=")] == '\0';
}

static void
assert_round_trip(const char *token)
{
	yaml_document_t y;
	yaml_node_t *n;
	char *text, *line;
	const char *key = "access_token: ";
	struct pierone_err err = { 0 };

	if (!b64token(token)) {
		/* refused, and nothing is written with it */
		char *before = test_slurp(HOME_PATH(CACHE), NULL), *after;

		ck_assert_int_eq(store_full(token, CREATED, 3600, NULL, NULL,
		    &err), PIERONE_EINVAL);
		after = test_slurp(HOME_PATH(CACHE), NULL);
		ck_assert_msg((before == NULL && after == NULL) ||
		    (before != NULL && after != NULL &&
		    strcmp(before, after) == 0), "token '%s' was written",
		    token);
		free(before);
		free(after);
		return;
	}
	store(token);
	text = read_cache();
	line = strstr(text, key);
	ck_assert_msg(line != NULL, "no access_token in %s", text);
	line += strlen(key);
	ck_assert_msg(*line == '\'' || *line == '"', "token %s written "
	    "unquoted: %s", token, text);
	ydoc_load(&y, text);
	n = ytoken(&y);
	ck_assert_msg(n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	    n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE,
	    "token %s not quoted (style %d)", token, n->data.scalar.style);
	ck_assert_msg(n->data.scalar.length == strlen(token) &&
	    memcmp(n->data.scalar.value, token, strlen(token)) == 0,
	    "token %s read back as %s", token, n->data.scalar.value);
	yaml_document_delete(&y);
	free(text);
	assert_found(token, HOME_PATH(CACHE), CREATED + 3600);
}

START_TEST(digits_only_token_stays_a_string)
{
	static const char *const tokens[] = {
		"12345", "0", "007", "-1", "+1", "1_000", "3.14", "1e3",
		"0x1F", "0o17", "0b101", "1:20", ".inf", "-.inf", ".nan",
	};

	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
		assert_round_trip(tokens[i]);
}
END_TEST

START_TEST(words_yaml_would_read_as_other_types_stay_strings)
{
	static const char *const tokens[] = {
		"true", "false", "True", "FALSE", "yes", "no", "on", "off",
		"y", "n", "null", "Null", "NULL", "~", "2001-12-14",
		"2001-12-14t21:59:43.10-05:00", "=", "<<",
	};

	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
		assert_round_trip(tokens[i]);
}
END_TEST

START_TEST(tokens_with_yaml_syntax_are_quoted_and_exact)
{
	static const char *const tokens[] = {
		"a: b", "a:b", "a #b", "#x", "*star", "&anchor", "!tag",
		"- dash", "-", "? q", "[x]", "{y}", "x, y", "'single'",
		"\"double\"", "it's", "|lit", ">fold", "%pct", "@at", "`bt",
		" leading", "trailing ", "two  spaces", "back\\slash",
		"---", "...",
	};

	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
		assert_round_trip(tokens[i]);
}
END_TEST

START_TEST(long_tokens_come_back_exactly)
{
	char jwt[2100], words[1200];
	size_t n = 0;

	/* a JWT-like token far beyond the emitter's line width */
	for (size_t i = 0; i < 2000; i++)
		jwt[n++] = i % 700 == 699 ? '.' : "abcXYZ019-_"[i % 11];
	jwt[n] = '\0';
	assert_round_trip(jwt);
	/* words: the emitter may fold lines at spaces, the value may not */
	n = 0;
	for (size_t i = 0; i < 200; i++)
		n += (size_t)snprintf(words + n, sizeof(words) - n, "%s%s",
		    i ? (i % 7 == 0 ? "  " : " ") : "", "word");
	assert_round_trip(words);
}
END_TEST


Suite *
cache_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("cache");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, new_cache_is_private_in_private_directories);
	tcase_add_test(tc, new_cache_is_private_even_with_a_lax_umask);
	tcase_add_test(tc, stored_entry_is_found_again);
	tcase_add_test(tc, token_type_and_scope_are_stored_as_given);
	tcase_add_test(tc, missing_times_become_now_and_the_default_lifetime);
	tcase_add_test(tc, xdg_config_home_holds_the_cache);
	tcase_add_test(tc, relative_xdg_config_home_is_ignored);
	tcase_add_test(tc, other_entries_keep_their_values);
	tcase_add_test(tc, existing_pierone_entry_is_replaced_not_duplicated);
	tcase_add_test(tc, duplicated_pierone_entries_become_one);
	tcase_add_test(tc, empty_cache_file_gets_the_entry);
	tcase_add_test(tc, corrupt_cache_is_refused_and_left_alone);
	tcase_add_test(tc, empty_token_is_refused_and_nothing_written);
	tcase_add_test(tc, alias_bomb_is_refused_not_expanded);
	tcase_add_test(tc, token_with_invalid_bytes_is_refused);
	tcase_add_test(tc, empty_values_in_flow_mappings_stay_null);
	tcase_add_test(tc, deeply_nested_cache_is_refused_as_corrupt);
	tcase_add_test(tc, empty_block_scalar_is_an_empty_string_not_null);
	tcase_add_test(tc, existing_open_cache_is_made_private);
	tcase_add_test(tc, long_chain_of_links_is_refused_not_replaced);
	tcase_add_test(tc, symlinked_cache_stays_a_link_and_its_target_is_updated);
	tcase_add_test(tc, relative_symlink_is_followed_from_its_directory);
	tcase_add_test(tc, dangling_symlink_gets_its_target_created);
	tcase_add_test(tc, digits_only_token_stays_a_string);
	tcase_add_test(tc, words_yaml_would_read_as_other_types_stay_strings);
	tcase_add_test(tc, tokens_with_yaml_syntax_are_quoted_and_exact);
	tcase_add_test(tc, long_tokens_come_back_exactly);
	suite_add_tcase(s, tc);
	return s;
}
