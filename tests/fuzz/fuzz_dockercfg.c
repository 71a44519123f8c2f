/*
 * libFuzzer target: merging credentials into Docker's files.
 *
 * The merge itself (update_text() in lib/docker_write.c) is static, so the
 * input is written to a file in a temporary directory (tmpfs when there is
 * one) and pierone_docker_store_auth() updates it, once as config.json
 * and once as a legacy .dockercfg; the registry and token come from small
 * tables, picked by a hash of the input.  An empty input stands for a
 * missing file.  Invariants:
 *  - it succeeds exactly when the text is blank, or JSON (as cJSON reads
 *    it, no NUL, nothing but blanks after it, and strict RFC 8259 as
 *    json_validate() reads it: the tag lists' scanner, which fuzz_tags
 *    covers) whose root is an object and, for config.json, whose last
 *    "auths" is absent or an object (\u0000 is read as \u0001: cJSON
 *    would end the string there, the library keeps it);
 *  - on success the file is JSON holding auths[registry] (config.json) or
 *    [registry] (.dockercfg) with "auth" = base64("oauth2:" TOKEN) and the
 *    email, the mode is still 0600, *shadowed is what credHelpers and
 *    credsStore say, and every other member (top level, other registries,
 *    the entry's other keys) is unchanged, in order;
 *  - on failure the file is byte for byte what it was (or still missing),
 *    and the code is PIERONE_ECONFIG with a message.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "common.h"

static const char *const registries[] = {
	"https://pierone.example.org", "pierone.example.org",
	"https://pierone.example.org/", "http://pierone.example.org:8080/v2/",
	"https://user:pw@registry.example.com:5000/p?q#f",
	"registry.example.com:5000", "https://index.docker.io/v1/",
	"https://other.example.org", "auths", "credHelpers", "auth",
	"https://ünïcödé.example", "https://a\"b\\c\t.example", "x",
};
static const char *const tokens[] = {
	"T0KEN", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqZG9lIn0.c2lnbmF0dXJl",
	"a:b", "ünï", "x", "xy", "xyz", "\"quote\\",
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static char *
b64(const char *s)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(s), i, o = 0;
	const unsigned char *in = (const unsigned char *)s;
	char *out = malloc(len / 3 * 4 + 5);

	CHECK(out != NULL);
	for (i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = i + 1 < len ? tab[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? tab[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

/* The last member `key` (Docker reads Go's way: the last one counts). */
static cJSON *
last(const cJSON *obj, const char *key)
{
	cJSON *it, *found = NULL;

	if (!cJSON_IsObject(obj))
		return NULL;
	cJSON_ArrayForEach(it, obj)
		if (it->string != NULL && strcmp(it->string, key) == 0)
			found = it;
	return found;
}

/* Equal trees, members in order (cJSON_Compare trips on duplicates). */
static bool
tree_eq(const cJSON *a, const cJSON *b)
{
	const cJSON *x, *y;

	if ((a->type & 0xff) != (b->type & 0xff))
		return false;
	if (cJSON_IsString(a))
		return strcmp(a->valuestring, b->valuestring) == 0;
	if (cJSON_IsNumber(a))
		return a->valuedouble == b->valuedouble ||
		    (a->valuedouble != a->valuedouble &&
		    b->valuedouble != b->valuedouble);
	for (x = a->child, y = b->child; x != NULL && y != NULL;
	    x = x->next, y = y->next) {
		if ((x->string == NULL) != (y->string == NULL) ||
		    (x->string != NULL && strcmp(x->string, y->string) != 0) ||
		    !tree_eq(x, y))
			return false;
	}
	return x == NULL && y == NULL;
}

/* Every member of `in` but `skip` (and `skip2`) is in `out`, unchanged. */
static void
same_members(const cJSON *in, const cJSON *out, const char *skip,
    const char *skip2, const char *where)
{
	const cJSON *it, *o;

	cJSON_ArrayForEach(it, in) {
		if (it->string == NULL || strcmp(it->string, skip) == 0 ||
		    (skip2 != NULL && strcmp(it->string, skip2) == 0))
			continue;
		/* compare the last of each name only, once */
		if (last(in, it->string) != it)
			continue;
		o = last(out, it->string);
		if (o == NULL || !tree_eq(it, o)) {
			fprintf(stderr, "fuzz_dockercfg: %s member '%s' %s\n",
			    where, it->string, o == NULL ? "lost" : "changed");
			abort();
		}
	}
}

/* What the library must do with this text. */
/*
 * cJSON ends a string at \u0000, which the library keeps: the oracle reads
 * a copy where each such escape (after an odd run of backslashes) is
 * \u0001, so that "a\u0000b" stays apart from "a" here too.
 */
static cJSON *
parse_whole(const char *text, size_t len, const char **end)
{
	char *copy = malloc(len + 1);
	cJSON *root;
	size_t run = 0;

	CHECK(copy != NULL);
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (size_t i = 0; i < len; i++) {
		if (copy[i] == 'u' && run % 2 == 1 && len - i >= 5 &&
		    memcmp(copy + i, "u0000", 5) == 0)
			copy[i + 4] = '1';
		run = copy[i] == '\\' ? run + 1 : 0;
	}
	root = cJSON_ParseWithLengthOpts(copy, len, end, 0);
	if (end != NULL && *end != NULL)
		*end = text + (*end - copy);
	free(copy);
	return root;
}

static bool
should_succeed(const char *text, size_t len, bool config_json, cJSON **root)
{
	const char *end = NULL;
	cJSON *a;
	size_t i;

	*root = NULL;
	for (i = 0; i < len && (text[i] == ' ' || text[i] == '\t' ||
	    text[i] == '\n' || text[i] == '\r'); i++)
		;
	if (i == len)
		return true;
	if (memchr(text, '\0', len) != NULL || json_validate(text, len, &i))
		return false;
	*root = parse_whole(text, len, &end);
	if (*root == NULL)
		return false;
	while (end < text + len && (*end == ' ' || *end == '\t' ||
	    *end == '\n' || *end == '\r'))
		end++;
	if (end != text + len || !cJSON_IsObject(*root)) {
		cJSON_Delete(*root);
		*root = NULL;
		return false;
	}
	a = last(*root, "auths");
	return !config_json || a == NULL || cJSON_IsObject(a);
}

static char *
read_all(const char *path, size_t *len)
{
	struct buf b = { 0 };
	struct pierone_err err = { 0 };
	int rc;

	rc = file_read(&b, path, PIERONE_MAX_FILE, &err);
	if (rc == PIERONE_ENOTFOUND) {
		*len = 0;
		return NULL;
	}
	CHECK(rc == 0);
	if (b.data == NULL)
		CHECK(buf_append(&b, "", 0) == 0);
	*len = b.len;
	return b.data;
}

static void
store(const char *path, bool config_json, const char *text, size_t len,
    const char *registry, const char *token)
{
	enum pierone_docker_format fmt = config_json ?
	    PIERONE_DOCKER_CONFIG_JSON : PIERONE_DOCKER_DOCKERCFG;
	struct pierone_err err = { 0 };
	cJSON *in = NULL, *out, *list, *in_list, *entry, *in_entry, *v;
	cJSON *helpers, *st;
	struct stat sb;
	bool shadowed = true, want_ok, want_shadowed;
	char *after, *auth, *plain, *host;
	size_t after_len;
	int rc;

	if (len == 0)
		CHECK(unlink(path) == 0 || errno == ENOENT);
	else
		fuzz_write_file(path, text, len);
	want_ok = should_succeed(text, len, config_json, &in);
	rc = pierone_docker_store_auth(path, fmt, registry, token, &shadowed,
	    &err);
	after = read_all(path, &after_len);
	if (rc != 0) {
		if (want_ok) {
			fprintf(stderr, "fuzz_dockercfg: %s refused valid "
			    "input: %s\n", config_json ? "config.json" :
			    ".dockercfg", err.msg);
			abort();
		}
		CHECK(rc == PIERONE_ECONFIG && err.code == rc &&
		    err.msg[0] != '\0');
		CHECK(!shadowed);
		/* untouched, byte for byte; still missing when it was */
		CHECK(after_len == len);
		CHECK(len == 0 ? after == NULL :
		    memcmp(after, text, len) == 0);
		cJSON_Delete(in);
		free(after);
		return;
	}
	if (!want_ok) {
		fprintf(stderr, "fuzz_dockercfg: %s accepted invalid input\n",
		    config_json ? "config.json" : ".dockercfg");
		abort();
	}
	CHECK(after != NULL);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0600);
	out = parse_whole(after, after_len, NULL);
	if (out == NULL || !cJSON_IsObject(out)) {
		fprintf(stderr, "fuzz_dockercfg: the new file is no JSON "
		    "object:\n%.*s\n", (int)after_len, after);
		abort();
	}
	CHECK(asprintf(&plain, "oauth2:%s", token) > 0);
	auth = b64(plain);
	list = config_json ? last(out, "auths") : out;
	CHECK(cJSON_IsObject(list));
	entry = last(list, registry);
	CHECK(cJSON_IsObject(entry));
	v = last(entry, "auth");
	CHECK(cJSON_IsString(v) && strcmp(v->valuestring, auth) == 0);
	v = last(entry, "email");
	CHECK(cJSON_IsString(v) &&
	    strcmp(v->valuestring, PIERONE_DOCKER_EMAIL) == 0);

	/* shadowed: a credHelpers entry for the host, or a credsStore */
	CHECK(pierone_registry_host(&host, registry, &err) == 0);
	helpers = last(out, "credHelpers");
	st = last(out, "credsStore");
	want_shadowed = config_json &&
	    ((cJSON_IsObject(helpers) && (last(helpers, host) != NULL ||
	    last(helpers, registry) != NULL)) ||
	    (cJSON_IsString(st) && st->valuestring[0] != '\0'));
	CHECK(shadowed == want_shadowed);

	/* everything else unchanged */
	if (in != NULL) {
		if (config_json)
			same_members(in, out, "auths", NULL, "top-level");
		in_list = config_json ? last(in, "auths") : in;
		if (in_list != NULL) {
			same_members(in_list, list, registry, NULL, "registry");
			in_entry = last(in_list, registry);
			if (cJSON_IsObject(in_entry))
				same_members(in_entry, entry, "auth", "email",
				    "entry");
		}
	}
	free(host);
	free(plain);
	free(auth);
	cJSON_Delete(out);
	cJSON_Delete(in);
	free(after);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *config_path, *dockercfg_path;
	const char *text = (const char *)data;
	uint32_t h;

	if (fuzz_tmpdir == NULL) {
		fuzz_tmp_init();
		CHECK(asprintf(&config_path, "%s/config.json", fuzz_tmpdir) > 0);
		CHECK(asprintf(&dockercfg_path, "%s/dockercfg", fuzz_tmpdir) > 0);
	}
	h = fuzz_hash(data, size);
	store(config_path, true, text, size, registries[h % N(registries)],
	    tokens[(h >> 16) % N(tokens)]);
	store(dockercfg_path, false, text, size,
	    registries[(h >> 8) % N(registries)],
	    tokens[(h >> 24) % N(tokens)]);
	return 0;
}
