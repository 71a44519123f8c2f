/*
 * libFuzzer target: pierone.yaml.
 *
 *  - yaml_doc_load(), yaml_doc_is_mapping() and yaml_doc_get() on the input
 *    (passed as is, not NUL-terminated): top-level keys and sections never
 *    crash, a value returned is a scalar (kind_ok true);
 *  - pierone_config_load() on the input written to a file in a temporary
 *    directory (tmpfs when there is one): success only for a YAML mapping
 *    whose keys are single values, every field then as yaml_doc_get() says
 *    (strings verbatim, url normalised, numbers in range), and on failure
 *    the struct cleared and the message set;
 *  - yaml_text_update() of the input setting one top-level key (names and
 *    values from a table, or the input's first line as the value): when
 *    the input is a mapping the result loads again, yaml_doc_get(key) gives
 *    back the value, and every other top-level scalar key (and one level
 *    of nested keys) reads as it did before.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "internal.h"
#include "common.h"

extern char **environ;

/* The library reads PIERONE_<KEY> and OAUTH2_ACCESS_TOKEN_URL: none. */
static void
env_clear(void)
{
	char name[256];
	bool again = true;

	while (again) {
		again = false;
		for (char **e = environ; e != NULL && *e != NULL; e++) {
			size_t n = strcspn(*e, "=");

			if (strncmp(*e, "PIERONE_", 8) != 0 ||
			    n >= sizeof(name))
				continue;
			memcpy(name, *e, n);
			name[n] = '\0';
			unsetenv(name);
			again = true;
			break;
		}
	}
	unsetenv("OAUTH2_ACCESS_TOKEN_URL");
}

/* ------------------------------------------------------------------ */

static const char *const get_keys[] = {
	"url", "ca_bundle", "connect_timeout", "timeout", "token_url",
	"token_flow", "realm", "client_id", "client_secret", "jobs",
	"retries", "max_response_mib", "user", "scopes", "pierone", "",
	"null", "~",
};
#define NGET (sizeof(get_keys) / sizeof(get_keys[0]))

static const char *const set_keys[] = {
	"url", "token_url", "ca_bundle", "realm", "pierone", "timeout",
	"key with spaces", "ключ", "null", "- x", "?", "url:",
};
#define NSETK (sizeof(set_keys) / sizeof(set_keys[0]))

static const char *const set_values[] = {
	"https://pierone.example.org", "http://localhost:8080",
	"https://[::1]:8443", "pierone.example.org/", "a: b", "- item",
	"#comment", "x #y", "'quoted'", "\"dq\"", "multi\nline", "two\n\nbreaks",
	" leading", "trailing ", "tab\tin", "ünïcødé ✓ 港", "yes", "123",
	"1e3", "0x1F", "{flow}", "[seq]", "*alias", "&anchor", "!tag",
	"%directive", "@at", "`tick", "|", ">", "? q", "---", "...", "x\001y",
	"\xc2\x85nel", "ls\xe2\x80\xa8sep", "a\r\nb", "\xef\xbb\xbf" "bom",
	"=", "<<", "a,b", "a]b", "a}b", "-", ":", "::",
	"https://pierone.example.org/" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
};
#define NSETV (sizeof(set_values) / sizeof(set_values[0]))

static bool
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		unsigned char c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return false;
		if (n - i <= k)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}

/* Values yaml_doc_get() reads as null when written plain. */
static bool
null_like(const char *v)
{
	return *v == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

/* ------------------------------------------------------------------ */

static void
check_doc(const char *text, size_t len, bool *loaded, bool *mapping)
{
	struct pierone_err err = { 0 };
	struct yaml_doc *doc = (struct yaml_doc *)1;
	const char *v;
	bool ok;
	int rc;

	*loaded = *mapping = false;
	rc = yaml_doc_load(&doc, text, len, "fuzz.yaml", &err);
	if (rc != 0) {
		CHECK(rc == PIERONE_ECONFIG || rc == PIERONE_ENOMEM);
		CHECK(doc == NULL && err.code == rc && err.msg[0] != '\0');
		return;
	}
	CHECK(doc != NULL);
	*loaded = true;
	*mapping = yaml_doc_is_mapping(doc);
	for (size_t i = 0; i < NGET; i++) {
		ok = false;
		v = yaml_doc_get(doc, NULL, get_keys[i], &ok);
		if (v != NULL)
			CHECK(ok && strlen(v) < SIZE_MAX);
		for (size_t j = 0; j < 4; j++) {
			ok = false;
			v = yaml_doc_get(doc, get_keys[i], get_keys[j], &ok);
			if (v != NULL)
				CHECK(ok && strlen(v) < SIZE_MAX);
		}
	}
	yaml_doc_free(doc);
}

static void
check_load(const char *path, const char *text, size_t len, bool loaded,
    bool mapping)
{
	static const char *const str_keys[] = { "ca_bundle", "token_url",
	    "realm", "client_id", "client_secret" };
	struct pierone_config cfg, zero;
	struct pierone_err err = { 0 };
	struct yaml_doc *doc = NULL;
	const char *v;
	char *fields[5];
	bool ok;
	int rc;

	fuzz_write_file(path, text, len);
	memset(&cfg, 0x5a, sizeof(cfg));
	rc = pierone_config_load(&cfg, path, &err);
	if (rc != 0) {
		memset(&zero, 0, sizeof(zero));
		CHECK(rc == PIERONE_ECONFIG || rc == PIERONE_ENOMEM ||
		    rc == PIERONE_EIO);
		CHECK(err.code == rc && err.msg[0] != '\0');
		CHECK(memcmp(&cfg, &zero, sizeof(cfg)) == 0);
		return;
	}
	/* accepted: a mapping of single values */
	CHECK(loaded && mapping);
	CHECK(cfg.path != NULL && strcmp(cfg.path, path) == 0);
	CHECK(yaml_doc_load(&doc, text, len, path, &err) == 0);
	fields[0] = cfg.ca_bundle;
	fields[1] = cfg.token_url;
	fields[2] = cfg.realm;
	fields[3] = cfg.client_id;
	fields[4] = cfg.client_secret;
	for (size_t i = 0; i < 5; i++) {
		v = yaml_doc_get(doc, NULL, str_keys[i], &ok);
		CHECK(ok && fuzz_str_eq(v, fields[i]));
	}
	v = yaml_doc_get(doc, NULL, "url", &ok);
	CHECK(ok && (v == NULL) == (cfg.url == NULL));
	if (cfg.url != NULL)
		CHECK(strncmp(cfg.url, "https://", 8) == 0 ||
		    strncmp(cfg.url, "http://", 7) == 0);
	v = yaml_doc_get(doc, NULL, "timeout", &ok);
	CHECK(ok && (v == NULL ? cfg.timeout == 0 :
	    cfg.timeout >= 1 && cfg.timeout <= 86400));
	v = yaml_doc_get(doc, NULL, "connect_timeout", &ok);
	CHECK(ok && (v == NULL ? cfg.connect_timeout == 0 :
	    cfg.connect_timeout >= 1 && cfg.connect_timeout <= 86400));
	v = yaml_doc_get(doc, NULL, "jobs", &ok);
	CHECK(ok && (v == NULL ? cfg.jobs == 0 :
	    cfg.jobs >= 1 && cfg.jobs <= PIERONE_MAX_JOBS));
	v = yaml_doc_get(doc, NULL, "token_flow", &ok);
	CHECK(ok && (v == NULL ? cfg.token_flow == PIERONE_FLOW_SERVICE :
	    (cfg.token_flow == PIERONE_FLOW_SERVICE && strcmp(v,
	    "service") == 0) || (cfg.token_flow == PIERONE_FLOW_PASSWORD &&
	    strcmp(v, "password") == 0)));
	yaml_doc_free(doc);
	pierone_config_clear(&cfg);
	memset(&zero, 0, sizeof(zero));
	CHECK(memcmp(&cfg, &zero, sizeof(cfg)) == 0);
}

/* The first line of the input, when it can be a value; else NULL. */
static char *
first_line(const char *text, size_t len)
{
	size_t n = 0;

	while (n < len && n < 256 && text[n] != '\n' && text[n] != '\0')
		n++;
	if (n == 0 || (n < len && text[n] == '\0') ||
	    !utf8_valid((const unsigned char *)text, n))
		return NULL;
	return strndup(text, n);
}

static void
check_update(const char *text, size_t len, bool loaded, bool mapping,
    uint32_t h)
{
	struct pierone_err err = { 0 };
	struct yaml_doc *old = NULL, *new = NULL;
	struct buf out = { (char *)1, 7, 7 };
	struct fuzz_keys k;
	const char *key = set_keys[h % NSETK], *v;
	char *line = NULL;
	const char *value = set_values[(h >> 8) % NSETV];
	bool ok;
	int rc;

	if ((h >> 16) & 1 && (line = first_line(text, len)) != NULL &&
	    !null_like(line))
		value = line;
	rc = yaml_text_update(&out, text, len, "fuzz.yaml", key, value,
	    NULL, 0, &err);
	if (rc != 0) {
		CHECK(out.data == NULL && out.len == 0);
		CHECK(err.code == rc && err.msg[0] != '\0');
		/* a loadable mapping fails only by its size or depth */
		if (loaded && mapping)
			CHECK(rc == PIERONE_ECONFIG || rc == PIERONE_ENOMEM);
		else
			CHECK(rc == PIERONE_ECONFIG);
		free(line);
		return;
	}
	CHECK(loaded && mapping);
	CHECK(out.data != NULL && strlen(out.data) == out.len);
	rc = yaml_doc_load(&new, out.data, out.len, "new.yaml", &err);
	if (rc != 0) {
		fprintf(stderr, "fuzz_config: the updated text does not load "
		    "(%s):\n%s\n", err.msg, out.data);
		abort();
	}
	CHECK(yaml_doc_is_mapping(new));
	v = yaml_doc_get(new, NULL, key, &ok);
	if (!ok || !fuzz_str_eq(v, value)) {
		fprintf(stderr, "fuzz_config: set %s to '%s', reads '%s' "
		    "from:\n%s\n", key, value, v ? v : "(null)", out.data);
		abort();
	}
	/* everything else as it was */
	CHECK(yaml_doc_load(&old, text, len, "fuzz.yaml", &err) == 0);
	fuzz_keys_read(&k, text, len);
	for (size_t i = 0; i < k.ntop; i++)
		if (strcmp(k.top[i], key) != 0)
			fuzz_same_value(old, new, NULL, k.top[i]);
	for (size_t i = 0; i < k.nsub; i++)
		if (strcmp(k.sub[i], key) != 0)
			fuzz_same_value(old, new, k.sub[i], k.subkey[i]);
	fuzz_keys_free(&k);
	yaml_doc_free(old);
	yaml_doc_free(new);
	buf_freezero(&out);
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *path;
	const char *text = (const char *)data;
	bool loaded, mapping;

	if (fuzz_tmpdir == NULL) {
		fuzz_tmp_init();
		env_clear();
		CHECK(asprintf(&path, "%s/pierone.yaml", fuzz_tmpdir) > 0);
	}
	check_doc(text, size, &loaded, &mapping);
	check_load(path, text, size, loaded, mapping);
	check_update(text, size, loaded, mapping, fuzz_hash(data, size));
	return 0;
}
