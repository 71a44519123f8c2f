/*
 * libFuzzer target: the zign token cache (tokens.yaml).
 *
 *  - reading: the input as $XDG_CONFIG_HOME/zign/tokens.yaml (in a
 *    temporary directory, tmpfs when there is one) through
 *    pierone_token_find() at a fixed `now`; the answer must be the one a
 *    reference built from yaml_doc_load() + yaml_doc_get() gives: the
 *    "pierone" entry's access_token when creation_time and expires_in are
 *    numbers and it is valid PIERONE_TOKEN_MARGIN seconds from now, else
 *    PIERONE_ENOTOKEN;
 *  - writing: yaml_text_update() of the input setting the "pierone" entry
 *    as pierone_token_cache_store() does (access_token, expires_in,
 *    token_type, scope, creation_time; the token is the input's first line
 *    when it is printable ASCII, else one from a table of YAML-special
 *    strings).  For a mapping the result must load, give back every value
 *    set, keep every other entry's values (top level and one below), and
 *    as the second cache (zalando-token-cli/tokens.yaml) be chosen by
 *    pierone_token_find() exactly when it is valid and newer.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "internal.h"
#include "common.h"

#define NOW 1700000000.0

/* ------------------------------------------------------------------
 * Reference: what pierone_token_find() makes of one cache (token_find.c)
 */

struct entry {
	bool ok;
	char *value;
	double created;
	double expires_at;
};

static bool
parse_number(const char *s, double *out)
{
	char *end;

	if (s == NULL)
		return false;
	errno = 0;
	*out = strtod(s, &end);
	return errno == 0 && end != s && *end == '\0' && isfinite(*out);
}

static void
ref_entry(struct entry *e, const char *text, size_t len)
{
	struct pierone_err err = { 0 };
	struct yaml_doc *doc;
	const char *v;
	double expires_in;
	bool ok;

	memset(e, 0, sizeof(*e));
	if (yaml_doc_load(&doc, text, len, "ref", &err) != 0)
		return;
	v = yaml_doc_get(doc, "pierone", "access_token", &ok);
	if (v != NULL && ok &&
	    parse_number(yaml_doc_get(doc, "pierone", "creation_time", &ok),
	    &e->created) &&
	    parse_number(yaml_doc_get(doc, "pierone", "expires_in", &ok),
	    &expires_in)) {
		e->expires_at = e->created + expires_in;
		if (e->expires_at > NOW + PIERONE_TOKEN_MARGIN) {
			e->ok = true;
			CHECK((e->value = strdup(v)) != NULL);
		}
	}
	yaml_doc_free(doc);
}

/* RFC 6750 b64token: 1*( ALPHA / DIGIT / "-._~+/" ) *"=" */
static bool
b64token(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
	    "TUVWXYZ0123456789-._~+/");

	return n > 0 && s[n + strspn(s + n, "=")] == '\0';
}

/* ------------------------------------------------------------------ */

static const char *const tokens[] = {
	"tok-abc", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqZG9lIn0.c2lnbmF0dXJl",
	"'", "''", "\"", "#x", "x #y", "- a", "a: b", ": ", "null", "~", "a b",
	" lead", "trail ", "  ", "{x}", "[", "]", "*alias", "&anchor", "!tag",
	"!!str", "%", "@", "`", "\\", "?", "? x", "|", ">", "---", "...", "0",
	"1e3", "yes", "<<", "=", ",", "a,b", "-", ":", "x:", "\\n",
	"token/with+base64==",
};
#define NTOKENS (sizeof(tokens) / sizeof(tokens[0]))

static const char *const token_types[] = { "Bearer", "bearer", "null", "" };
static const char *const scopes[] = { "uid", "uid application.write", "~" };
static const long expires[] = { 1, 59, 60, 61, 600, 3600, 86400, 31536000 };
static const double created_off[] = { -7200, -600, -61, -0.5, 0, 0.5, 3600,
    1e9 };

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The input's first line when it is a token: printable ASCII. */
static char *
first_line(const char *text, size_t len)
{
	size_t n = 0;

	while (n < len && n < 512 && text[n] >= 0x20 && text[n] <= 0x7e)
		n++;
	if (n == 0 || (n < len && text[n] != '\n'))
		return NULL;
	return strndup(text, n);
}

static char *zign_path, *zalando_path;

static void
setup(void)
{
	char *dir;

	fuzz_tmp_init();
	unsetenv("OAUTH2_ACCESS_TOKENS");
	unsetenv("CREDENTIALS_DIR");
	CHECK(setenv("XDG_CONFIG_HOME", fuzz_tmpdir, 1) == 0);
	CHECK(asprintf(&dir, "%s/zign", fuzz_tmpdir) > 0 && mkdir(dir, 0700) == 0);
	free(dir);
	CHECK(asprintf(&dir, "%s/zalando-token-cli", fuzz_tmpdir) > 0 &&
	    mkdir(dir, 0700) == 0);
	free(dir);
	CHECK(asprintf(&zign_path, "%s/zign/tokens.yaml", fuzz_tmpdir) > 0);
	CHECK(asprintf(&zalando_path, "%s/zalando-token-cli/tokens.yaml",
	    fuzz_tmpdir) > 0);
}

/* yaml_text_update() as pierone_token_cache_store() calls it. */
static void
check_update(struct buf *out, const char *text, size_t len, uint32_t h)
{
	struct pierone_err err = { 0 };
	struct yaml_doc *old = NULL, *new = NULL, *probe = NULL;
	struct entry e;
	struct fuzz_keys k;
	char exp_s[32], created_s[48], *line;
	const char *token, *v;
	const char *ttype = token_types[(h >> 8) % N(token_types)];
	const char *scope = scopes[(h >> 12) % N(scopes)];
	long exp = expires[(h >> 16) % N(expires)];
	double created = NOW + created_off[(h >> 20) % N(created_off)];
	bool ok, mapping;
	int rc;

	line = (h & 1) ? first_line(text, len) : NULL;
	token = line != NULL ? line : tokens[(h >> 1) % NTOKENS];
	snprintf(exp_s, sizeof(exp_s), "%ld", exp);
	snprintf(created_s, sizeof(created_s), "%.3f", created);
	{
		struct yaml_kv kv[] = {
			{ "access_token", token, true },
			{ "expires_in", exp_s, false },
			{ "token_type", ttype, true },
			{ "scope", scope, true },
			{ "creation_time", created_s, false },
		};

		rc = yaml_text_update(out, text, len, "tokens.yaml", "pierone",
		    NULL, kv, N(kv), &err);
	}
	mapping = yaml_doc_load(&probe, text, len, "tokens.yaml", &err) == 0 &&
	    yaml_doc_is_mapping(probe);
	yaml_doc_free(probe);
	if (rc != 0) {
		CHECK(out->data == NULL && out->len == 0);
		CHECK(err.code == rc && err.msg[0] != '\0');
		CHECK(rc == PIERONE_ECONFIG || (mapping &&
		    rc == PIERONE_ENOMEM));
		free(line);
		return;
	}
	CHECK(mapping);
	CHECK(out->data != NULL && strlen(out->data) == out->len);
	if (yaml_doc_load(&new, out->data, out->len, "new", &err) != 0) {
		fprintf(stderr, "fuzz_tokencache: the updated cache does not "
		    "load (%s):\n%s\n", err.msg, out->data);
		abort();
	}
	CHECK(yaml_doc_is_mapping(new));
	{
		const char *keys_[] = { "access_token", "expires_in",
		    "token_type", "scope", "creation_time" };
		const char *want[] = { token, exp_s, ttype, scope, created_s };

		for (size_t i = 0; i < N(keys_); i++) {
			v = yaml_doc_get(new, "pierone", keys_[i], &ok);
			if (!ok || !fuzz_str_eq(v, want[i])) {
				fprintf(stderr, "fuzz_tokencache: set pierone."
				    "%s to '%s', reads '%s' from:\n%s\n",
				    keys_[i], want[i], v ? v : "(null)",
				    out->data);
				abort();
			}
		}
	}
	ref_entry(&e, out->data, out->len);
	CHECK(e.ok == (created + (double)exp > NOW + PIERONE_TOKEN_MARGIN));
	CHECK(!e.ok || strcmp(e.value, token) == 0);
	free(e.value);
	/* every other entry as it was */
	CHECK(yaml_doc_load(&old, text, len, "tokens.yaml", &err) == 0);
	fuzz_keys_read(&k, text, len);
	for (size_t i = 0; i < k.ntop; i++)
		if (strcmp(k.top[i], "pierone") != 0)
			fuzz_same_value(old, new, NULL, k.top[i]);
	for (size_t i = 0; i < k.nsub; i++)
		if (strcmp(k.sub[i], "pierone") != 0)
			fuzz_same_value(old, new, k.sub[i], k.subkey[i]);
	fuzz_keys_free(&k);
	yaml_doc_free(old);
	yaml_doc_free(new);
	free(line);
}

/* pierone_token_find() over both caches against the reference. */
static void
check_find(const char *text, size_t len, const struct buf *second)
{
	struct pierone_token tok, zero;
	struct pierone_err err = { 0 };
	struct entry e[2];
	const char *paths[2] = { zign_path, zalando_path };
	int best = -1, rc;

	fuzz_write_file(zign_path, text, len);
	if (second->data != NULL)
		fuzz_write_file(zalando_path, second->data, second->len);
	else
		CHECK(unlink(zalando_path) == 0 || errno == ENOENT);
	ref_entry(&e[0], text, len);
	if (second->data != NULL)
		ref_entry(&e[1], second->data, second->len);
	else
		memset(&e[1], 0, sizeof(e[1]));
	for (int i = 0; i < 2; i++)
		if (e[i].ok && (best < 0 || e[i].created > e[best].created))
			best = i;

	memset(&tok, 0x5a, sizeof(tok));
	rc = pierone_token_find(&tok, NOW, &err);
	memset(&zero, 0, sizeof(zero));
	/* the newest valid entry counts: an empty token is none, one no
	 * bearer token may be (RFC 6750 b64token) is refused */
	if (best >= 0 && e[best].value[0] == '\0')
		best = -1;
	if (best >= 0 && !b64token(e[best].value)) {
		if (rc != PIERONE_ECONFIG || strstr(err.msg, "RFC 6750") ==
		    NULL) {
			fprintf(stderr, "fuzz_tokencache: entry %d ('%s') is "
			    "no bearer token, but pierone_token_find() gave "
			    "rc %d\n", best, e[best].value, rc);
			abort();
		}
		CHECK(memcmp(&tok, &zero, sizeof(tok)) == 0);
		best = -2;
	}
	if (best == -2) {
		/* refused: checked above */
	} else if (best < 0) {
		if (rc != PIERONE_ENOTOKEN) {
			fprintf(stderr, "fuzz_tokencache: no valid entry, but "
			    "pierone_token_find() gave rc %d, token '%s'\n",
			    rc, rc == 0 ? tok.access_token : "");
			abort();
		}
		CHECK(err.code == rc && err.msg[0] != '\0');
		CHECK(memcmp(&tok, &zero, sizeof(tok)) == 0);
	} else {
		if (rc != 0) {
			fprintf(stderr, "fuzz_tokencache: entry %d is valid "
			    "('%s'), pierone_token_find(): %s\n", best,
			    e[best].value, err.msg);
			abort();
		}
		CHECK(tok.source == PIERONE_TOKEN_ZIGN_CACHE);
		CHECK(strcmp(tok.access_token, e[best].value) == 0);
		CHECK(tok.expires_at == e[best].expires_at);
		CHECK(tok.origin != NULL && strcmp(tok.origin, paths[best]) == 0);
		pierone_token_clear(&tok);
		CHECK(memcmp(&tok, &zero, sizeof(tok)) == 0);
	}
	free(e[0].value);
	free(e[1].value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct buf out = { 0 };

	if (fuzz_tmpdir == NULL)
		setup();
	check_update(&out, text, size, fuzz_hash(data, size));
	check_find(text, size, &out);
	buf_freezero(&out);
	return 0;
}
