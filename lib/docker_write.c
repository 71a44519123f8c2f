/*
 * Docker's credential files: ~/.docker/config.json and the legacy
 * ~/.dockercfg.  They belong to the user and to Docker, so an update keeps
 * every value we do not own, down to how its numbers are written.  The
 * lock, temporary file and rename that make an update safe are
 * file_update()'s (fileio.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base.h"
#include "json.h"
#include "files.h"

/* One file being updated. */
struct doc {
	const char *path;	/* the resolved target, for messages */
	const char *text;	/* its contents: may hold secrets */
	size_t len;
	cJSON *root;
};

/* Changes one document; returns 0 or PIERONE_E* with `err` set. */
typedef int (*edit_fn)(struct doc *d, void *arg, struct pierone_err *err);

static int
nomem(struct pierone_err *err)
{
	return err_set(err, PIERONE_ENOMEM, "out of memory");
}

static bool
valid_format(enum pierone_docker_format fmt)
{
	return fmt == PIERONE_DOCKER_CONFIG_JSON ||
	    fmt == PIERONE_DOCKER_DOCKERCFG;
}

int
pierone_docker_default_path(char **out, enum pierone_docker_format fmt,
    struct pierone_err *err)
{
	const char *dc = getenv("DOCKER_CONFIG");
	char *home = NULL;

	*out = NULL;
	if (!valid_format(fmt))
		return err_set(err, PIERONE_EINVAL, "unknown docker "
		    "credential file format %d", (int)fmt);
	/* Docker reads DOCKER_CONFIG for config.json only, never .dockercfg. */
	if (fmt == PIERONE_DOCKER_CONFIG_JSON && dc != NULL && *dc != '\0') {
		if ((*out = path_join(dc, "config.json")) == NULL)
			return nomem(err);
		return 0;
	}
	if ((home = home_dir()) == NULL)
		return err_set(err, PIERONE_ECONFIG, "cannot find the home "
		    "directory for docker's credentials; set HOME");
	*out = path_join(home, fmt == PIERONE_DOCKER_CONFIG_JSON ?
	    ".docker/config.json" : ".dockercfg");
	free(home);
	return *out != NULL ? 0 : nomem(err);
}

const char *
host_span(const char *url, size_t *len)
{
	const char *h, *s;

	h = (s = strstr(url, "://")) != NULL ? s + 3 : url;
	*len = strcspn(h, "/?#");
	/* user:password@ is no part of the name Docker keys helpers by. */
	for (size_t i = *len; i > 0; i--)
		if (h[i - 1] == '@') {
			*len -= i;
			return h + i;
		}
	return h;
}

int
pierone_registry_host(char **out, const char *registry,
    struct pierone_err *err)
{
	const char *h;
	size_t len;

	*out = NULL;
	if (registry == NULL || *registry == '\0')
		return err_set(err, PIERONE_EINVAL, "registry URL is empty");
	h = host_span(registry, &len);
	if (len == 0)
		return err_set(err, PIERONE_EINVAL, "invalid registry URL "
		    "'%s': no host", registry);
	if ((*out = strndup(h, len)) == NULL)
		return nomem(err);
	return 0;
}

/* Standard alphabet, padded, one line: what Docker decodes. */
char *
base64_encode(const unsigned char *in, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out, *o;
	size_t i;

	if (len > (SIZE_MAX - 1) / 4 * 3 - 3 ||
	    (out = malloc((len + 2) / 3 * 4 + 1)) == NULL)
		return NULL;
	for (i = 0, o = out; i + 2 < len; i += 3) {
		*o++ = tab[in[i] >> 2];
		*o++ = tab[(in[i] & 3) << 4 | in[i + 1] >> 4];
		*o++ = tab[(in[i + 1] & 15) << 2 | in[i + 2] >> 6];
		*o++ = tab[in[i + 2] & 63];
	}
	if (i < len) {
		*o++ = tab[in[i] >> 2];
		if (i + 1 < len) {
			*o++ = tab[(in[i] & 3) << 4 | in[i + 1] >> 4];
			*o++ = tab[(in[i + 1] & 15) << 2];
		} else {
			*o++ = tab[(in[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

/* ------------------------------------------------------------------
 * Reading: positions for messages; numbers and \u0000 are kept as written
 * (jsonkeep.c)
 */

static const char *
skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

static int
err_at(struct pierone_err *err, const struct doc *d, const char *pos,
    const char *what)
{
	int line = 1, col = 1;

	for (const char *p = d->text; p < pos; p++, col++)
		if (*p == '\n') {
			line++;
			col = 0;
		}
	return err_set(err, PIERONE_ECONFIG, "cannot update '%s': %s at "
	    "line %d, column %d", d->path, what, line, col);
}

/*
 * Where the value of the last top-level member `key` starts (the one Go's
 * encoding/json, and so Docker, uses); the start of the text when absent.
 * Keys written with escapes are not recognised: only messages use this.
 */
static const char *
member_pos(const struct doc *d, const char *key)
{
	const char *p = d->text, *end = p + d->len, *found = p;
	const char *s;
	int depth = 0;

	while (p < end) {
		if (*p == '"') {
			s = p;
			p = skip_space(json_skip_string(p, end), end);
			if (depth == 1 && p < end && *p == ':' &&
			    (size_t)(p - s) >= strlen(key) + 2 &&
			    strncmp(s + 1, key, strlen(key)) == 0 &&
			    s[strlen(key) + 1] == '"')
				found = skip_space(p + 1, end);
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			depth--;
		p++;
	}
	return found;
}

/*
 * Parse the file, strictly (RFC 8259, as json_validate() reads it: cJSON
 * lets "01", "1.", raw control characters in strings through).  cJSON turns
 * numbers into doubles (1.10 would come back as 1.1, 12345678901234567890
 * rounded, 1e400 as null), so every number is put back verbatim as a raw
 * value.  Empty or blank: an empty object, as Docker reads it.
 */
static int
doc_parse(struct doc *d, struct pierone_err *err)
{
	const char *text = d->text, *end = text + d->len, *stop;
	const char *p;
	size_t bad;

	if (skip_space(text, end) == end) {
		d->root = cJSON_CreateObject();
		return d->root != NULL ? 0 : nomem(err);
	}
	if (json_validate(text, d->len, &bad) != 0) {
		/* cut short: blamed where the text stops, before blanks */
		if (bad == d->len)
			while (bad > 0 && strchr(" \t\r\n", text[bad - 1])
			    != NULL)
				bad--;
		return err_at(err, d, text + bad, "not valid JSON");
	}
	/* Not require_null_terminated: cJSON 1.7 then rejects any input
	 * whose length excludes the NUL.  We check what follows ourselves. */
	d->root = cJSON_ParseWithLengthOpts(text, d->len, &stop, 0);
	if (stop == NULL || stop < text || stop > end)
		stop = text;
	if (d->root == NULL)
		return err_at(err, d, stop, "not valid JSON");
	if ((p = skip_space(stop, end)) != end)
		return err_at(err, d, p, "not valid JSON (text after the end)");
	if (!cJSON_IsObject(d->root))
		return err_at(err, d, skip_space(text, end),
		    "not a JSON object");
	p = text;
	if (json_numbers_to_raw(d->root->child, &p, end) != 0)
		return nomem(err);
	return 0;
}

/*
 * Wipe the string values of `item` and what it holds (not its siblings):
 * other registries' credentials live there.
 */
void
json_wipe(cJSON *item)
{
	if (item == NULL)
		return;
	if (item->valuestring != NULL)
		explicit_bzero(item->valuestring, strlen(item->valuestring));
	for (cJSON *c = item->child; c != NULL; c = c->next)
		json_wipe(c);
}

/* ------------------------------------------------------------------
 * Editing
 */

/* The last member named `key`: duplicates are legal and Docker (Go) takes
 * the last one. */
static cJSON *
obj_last(const cJSON *obj, const char *key)
{
	cJSON *it, *found = NULL;

	cJSON_ArrayForEach(it, obj)
		if (it->string != NULL && strcmp(it->string, key) == 0)
			found = it;
	return found;
}

/* Remove every member named `key` but `keep` (which may be NULL). */
static void
obj_remove(cJSON *obj, const char *key, const cJSON *keep)
{
	cJSON *it = obj->child, *next;

	for (; it != NULL; it = next) {
		next = it->next;
		if (it != keep && it->string != NULL &&
		    strcmp(it->string, key) == 0) {
			cJSON_DetachItemViaPointer(obj, it);
			json_wipe(it);
			cJSON_Delete(it);
		}
	}
}

/* obj[key] = value, where the member was (key order is the user's). */
static int
obj_set(cJSON *obj, const char *key, cJSON *value)
{
	cJSON *old = obj_last(obj, key);
	cJSON_bool ok;

	if (value == NULL)
		return PIERONE_ENOMEM;
	obj_remove(obj, key, old);
	json_wipe(old);
	ok = old != NULL ? cJSON_ReplaceItemInObjectCaseSensitive(obj, key,
	    value) : cJSON_AddItemToObject(obj, key, value);
	if (!ok) {
		cJSON_Delete(value);
		return PIERONE_ENOMEM;
	}
	return 0;
}

/* The object root[key], created when absent. */
static int
section(cJSON **out, struct doc *d, const char *key, struct pierone_err *err)
{
	char what[64];

	if ((*out = obj_last(d->root, key)) == NULL) {
		if (obj_set(d->root, key, cJSON_CreateObject()) != 0)
			return nomem(err);
		*out = obj_last(d->root, key);
	} else if (!cJSON_IsObject(*out)) {
		snprintf(what, sizeof(what), "'%s' is not a JSON object", key);
		return err_at(err, d, member_pos(d, key), what);
	}
	return 0;
}

struct auth_edit {
	enum pierone_docker_format fmt;
	const char *registry;
	const char *auth;		/* base64, a secret */
	const char *host;
	bool shadowed;
};

static int
edit_auth(struct doc *d, void *arg, struct pierone_err *err)
{
	struct auth_edit *a = arg;
	cJSON *list = d->root, *entry, *helpers, *store;
	int rc;

	if (a->fmt == PIERONE_DOCKER_CONFIG_JSON &&
	    (rc = section(&list, d, "auths", err)) != 0)
		return rc;
	/* Keep what else the entry holds (identitytoken, ...). */
	entry = obj_last(list, a->registry);
	if (entry == NULL || !cJSON_IsObject(entry)) {
		if (obj_set(list, a->registry, cJSON_CreateObject()) != 0)
			return nomem(err);
		entry = obj_last(list, a->registry);
	}
	obj_remove(list, a->registry, entry);
	if (obj_set(entry, "auth", cJSON_CreateString(a->auth)) != 0 ||
	    obj_set(entry, "email", cJSON_CreateString(PIERONE_DOCKER_EMAIL))
	    != 0)
		return nomem(err);
	helpers = obj_last(d->root, "credHelpers");
	store = obj_last(d->root, "credsStore");
	/* Docker asks a helper, or the store, before it reads "auths". */
	a->shadowed = a->fmt == PIERONE_DOCKER_CONFIG_JSON &&
	    ((cJSON_IsObject(helpers) && (obj_last(helpers, a->host) != NULL ||
	    obj_last(helpers, a->registry) != NULL)) ||
	    (cJSON_IsString(store) && store->valuestring[0] != '\0'));
	return 0;
}

struct helper_edit {
	const char *host;
	const char *helper;
};

/*
 * Drop every auths entry Docker would use for `host`: it maps each key to
 * a host as we do, so "https://HOST/", "http://HOST" and "HOST" all count.
 */
static void
remove_host_auths(cJSON *auths, const char *host)
{
	cJSON *it, *next;
	const char *h;
	size_t len;

	for (it = auths->child; it != NULL; it = next) {
		next = it->next;
		if (it->string == NULL)
			continue;
		h = host_span(it->string, &len);
		if (len == strlen(host) && strncmp(h, host, len) == 0) {
			cJSON_DetachItemViaPointer(auths, it);
			json_wipe(it);
			cJSON_Delete(it);
		}
	}
}

static int
edit_helper(struct doc *d, void *arg, struct pierone_err *err)
{
	const struct helper_edit *h = arg;
	cJSON *helpers, *auths;
	int rc;

	if ((rc = section(&helpers, d, "credHelpers", err)) != 0)
		return rc;
	if ((auths = obj_last(d->root, "auths")) != NULL &&
	    !cJSON_IsObject(auths))
		return err_at(err, d, member_pos(d, "auths"),
		    "'auths' is not a JSON object");
	if (obj_set(helpers, h->host, cJSON_CreateString(h->helper)) != 0)
		return nomem(err);
	if (auths != NULL)
		remove_host_auths(auths, h->host);
	return 0;
}

/* ------------------------------------------------------------------
 * The update, under file_update()'s lock
 */

/*
 * cJSON_Print() as Docker writes (tab-indented, final newline), but into
 * our own buffer: cJSON's grows by realloc(), which would leave copies of
 * the credentials in freed memory.
 */
static int
print_doc(struct buf *out, cJSON *root, size_t hint)
{
	size_t size, len;
	char *p;

	for (size = hint < 4096 ? 8192 : hint * 2; size <= INT_MAX; size *= 2) {
		if ((p = malloc(size)) == NULL)
			return PIERONE_ENOMEM;
		/* cJSON's estimate can be a few bytes short: keep a margin. */
		if (cJSON_PrintPreallocated(root, p, (int)size - 8, true)) {
			len = strlen(p);
			memcpy(p + len, "\n", 2);
			*out = (struct buf){ .data = p, .len = len + 1,
			    .cap = size };
			return 0;
		}
		freezero(p, size);
	}
	return PIERONE_ENOMEM;
}

struct update {
	edit_fn edit;
	void *arg;
	const char *const *extra;	/* strings the edit writes */
};

/* d->text, with \u0000 as a stand-in (*copy, the caller's) when held. */
static int
nul_prepare(struct doc *d, char **copy, const char *const *extra,
    struct pierone_err *err)
{
	int standin;

	*copy = NULL;
	if (memmem(d->text, d->len, "\\u0000", 6) == NULL)
		return 0;
	if ((standin = json_nul_standin(d->text, d->len, extra)) < 0)
		return err_at(err, d, d->text, "too many noncharacters "
		    "(U+FDD0..U+FDEF) to keep \\u0000 apart");
	if ((*copy = malloc(d->len + 1)) == NULL)
		return nomem(err);
	memcpy(*copy, d->text, d->len + 1);
	json_nul_substitute(*copy, d->len, standin);
	d->text = *copy;
	return standin;
}

static int
update_text(struct buf *out, const struct buf *old, const char *path,
    void *arg, struct pierone_err *err)
{
	const struct update *u = arg;
	struct doc d = { .path = path, .text = "", .len = 0 };
	char *copy;
	int standin, rc;

	if (old != NULL) {
		d.text = old->data;
		d.len = old->len;
	}
	if ((standin = rc = nul_prepare(&d, &copy, u->extra, err)) > 0)
		rc = 0;
	if (rc == 0 && (rc = doc_parse(&d, err)) == 0 &&
	    (rc = u->edit(&d, u->arg, err)) == 0 &&
	    ((rc = print_doc(out, d.root, d.len)) != 0 ||
	    (standin > 0 && (rc = json_nul_restore(out, standin)) != 0)))
		rc = nomem(err);
	json_wipe(d.root);
	cJSON_Delete(d.root);
	if (copy != NULL)
		freezero(copy, d.len + 1);
	return rc;
}

static int
update(const char *path, edit_fn edit, void *arg, const char *const *extra,
    struct pierone_err *err)
{
	struct update u = { edit, arg, extra };
	struct pierone_err local = { 0 };

	if (path == NULL || *path == '\0')
		return err_set(err, PIERONE_EINVAL, "no docker credential "
		    "file given");
	/* file_update() reads err->code on some failures: never pass NULL. */
	return file_update(path, update_text, &u, 0600,
	    err != NULL ? err : &local);
}

static char *
auth_string(const char *token)
{
	char *plain, *auth;

	if (asprintf(&plain, "%s:%s", PIERONE_DOCKER_USER, token) == -1)
		return NULL;
	auth = base64_encode((const unsigned char *)plain, strlen(plain));
	freezero(plain, strlen(plain) + 1);
	return auth;
}

int
pierone_docker_store_auth(const char *path, enum pierone_docker_format fmt,
    const char *registry, const char *token, bool *shadowed,
    struct pierone_err *err)
{
	struct auth_edit a = { .fmt = fmt, .registry = registry };
	char *auth, *host;
	int rc;

	if (shadowed != NULL)
		*shadowed = false;
	if (!valid_format(fmt))
		return err_set(err, PIERONE_EINVAL, "unknown docker "
		    "credential file format %d", (int)fmt);
	if (token == NULL || *token == '\0')
		return err_set(err, PIERONE_EINVAL, "no token to store");
	if ((rc = pierone_registry_host(&host, registry, err)) != 0)
		return rc;
	if ((auth = auth_string(token)) == NULL) {
		free(host);
		return nomem(err);
	}
	a.auth = auth;
	a.host = host;
	const char *extra[] = { registry, NULL };

	rc = update(path, edit_auth, &a, extra, err);
	if (rc == 0 && shadowed != NULL)
		*shadowed = a.shadowed;
	freezero(auth, strlen(auth) + 1);
	free(host);
	return rc;
}

int
pierone_docker_store_helper(const char *path, const char *registry,
    const char *helper, struct pierone_err *err)
{
	struct helper_edit h = { .helper = helper };
	char *host;
	int rc;

	if (helper == NULL || *helper == '\0')
		return err_set(err, PIERONE_EINVAL, "no credential helper "
		    "name given");
	if ((rc = pierone_registry_host(&host, registry, err)) != 0)
		return rc;
	h.host = host;
	const char *extra[] = { host, helper, NULL };

	rc = update(path, edit_helper, &h, extra, err);
	free(host);
	return rc;
}
