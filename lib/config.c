/*
 * pierone.yaml: where it lives, what it holds, and the PIERONE_<KEY>
 * environment overrides.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "base.h"
#include "files.h"

#define MAX_TIMEOUT 86400	/* seconds; a day is plenty for one request */

/* The n strings of a fixed array (strv_free() frees the array too). */
static void
paths_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
}

/*
 * Where pierone.yaml is looked for, in order: the old client's place, then
 * the one Pier One's documentation gives; on macOS the documentation's
 * Application Support place first.  `macos` is the platform, a seam for
 * tests.  *n paths in out[], each the caller's.
 */
int
config_search_paths(char *out[CONFIG_MAX_PATHS], size_t *n, bool macos,
    struct pierone_err *err)
{
	char *home = home_dir(), *xdg = xdg_config_home();
	bool ok = home != NULL && xdg != NULL;

	*n = 0;
	if (ok && macos)
		ok = (out[(*n)++] = path_join(home, "Library/Application "
		    "Support/pierone/pierone.yaml")) != NULL;
	if (ok)
		ok = (out[(*n)++] = path_join(xdg, "pierone/pierone.yaml")) !=
		    NULL;
	if (ok)
		ok = (out[(*n)++] = path_join(xdg, "pierone.yaml")) != NULL;
	free(home);
	free(xdg);
	if (!ok) {
		paths_free(out, *n);
		*n = 0;
		return err_set(err, PIERONE_ECONFIG, "cannot find the home "
		    "directory for pierone.yaml; set HOME or use -c FILE");
	}
	return 0;
}

/* The first path that exists (whatever it is), else the first one. */
static int
config_find(char **out, bool *found, bool macos, struct pierone_err *err)
{
	char *paths[CONFIG_MAX_PATHS];
	struct stat st;
	size_t n, pick = 0;
	int rc;

	*out = NULL;
	*found = false;
	if ((rc = config_search_paths(paths, &n, macos, err)) != 0)
		return rc;
	for (size_t i = 0; i < n && !*found; i++)
		if (lstat(paths[i], &st) == 0)
			*found = true, pick = i;
	*out = paths[pick];
	paths[pick] = NULL;
	paths_free(paths, n);
	return 0;
}

static bool
platform_macos(void)
{
#ifdef __APPLE__
	return true;
#else
	return false;
#endif
}

int
pierone_config_default_path(char **out, struct pierone_err *err)
{
	bool found;

	return config_find(out, &found, platform_macos(), err);
}

char *
pierone_config_searched(void)
{
	char *paths[CONFIG_MAX_PATHS], *home = home_dir();
	struct buf b = { 0 };
	size_t n = 0, hl = home != NULL ? strlen(home) : 0;

	if (config_search_paths(paths, &n, platform_macos(), NULL) != 0) {
		free(home);
		return NULL;
	}
	/* ~ for the home directory: shorter, and what the manual says */
	for (size_t i = 0; i < n; i++) {
		const char *p = paths[i];
		bool tilde = hl > 1 && strncmp(p, home, hl) == 0 &&
		    p[hl] == '/';

		buf_printf(&b, "%s'%s%s'", i == 0 ? "" : i + 1 == n ? " or " :
		    ", ", tilde ? "~" : "", tilde ? p + hl : p);
	}
	paths_free(paths, n);
	free(home);
	return b.data;
}

/* The last '@' of the authority (user info ends there), or NULL. */
static const char *
userinfo_end(const char *authority, size_t len)
{
	const char *at = NULL;

	for (size_t i = 0; i < len && authority[i] != '/'; i++)
		if (authority[i] == '@')
			at = authority + i;
	return at;
}

/*
 * The URL as libcurl's URL parser (curl_url(3)) writes it back, without
 * the slashes at the end of its path: a host it can reach (a name, an
 * IPv4 or bracketed IPv6 address, its case kept), a port from 1 to 65535,
 * the scheme in lower case.  A user name or password is refused, and the
 * message shows the URL without them.
 */
static int
url_rebuild(char **out, const char *full, const char *shown,
    struct pierone_err *err)
{
	CURLU *u = curl_url();
	char *s = NULL, *user = NULL, *pass = NULL;
	size_t n;
	int rc = 0;

	if (u == NULL)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, full, 0) != CURLUE_OK) {
		rc = err_set(err, PIERONE_ECONFIG, "invalid URL '%s'", shown);
	} else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK) {
		/* shown without it: the password must not reach a terminal */
		curl_url_set(u, CURLUPART_USER, NULL, 0);
		curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
		curl_url_get(u, CURLUPART_URL, &s, 0);
		rc = err_set(err, PIERONE_ECONFIG, "refusing the URL '%s': it "
		    "holds a user name or password; give the registry URL "
		    "alone (credentials come from tokens or Docker's config)",
		    s != NULL ? s : "");
	} else if (curl_url_get(u, CURLUPART_URL, &s, 0) != CURLUE_OK ||
	    (*out = strdup(s)) == NULL) {
		rc = err_set(err, PIERONE_ENOMEM, "out of memory");
	} else {
		for (n = strlen(*out); n > 0 && (*out)[n - 1] == '/'; n--)
			(*out)[n - 1] = '\0';
	}
	if (user != NULL)
		explicit_bzero(user, strlen(user));
	if (pass != NULL)
		explicit_bzero(pass, strlen(pass));
	curl_free(user);
	curl_free(pass);
	curl_free(s);
	curl_url_cleanup(u);
	return rc;
}

int
pierone_url_normalize(char **out, const char *url, struct pierone_err *err)
{
	const char *rest, *at;
	char *full;
	size_t len;
	int rc;

	*out = NULL;
	while (url != NULL && isspace((unsigned char)*url))
		url++;
	if (url == NULL || *url == '\0')
		return err_set(err, PIERONE_ECONFIG, "registry URL is empty");
	if (strncasecmp(url, "https://", 8) == 0)
		rest = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		rest = url + 7;
	else if (strstr(url, "://") != NULL)
		return err_set(err, PIERONE_ECONFIG, "unsupported URL '%s': "
		    "only http:// and https:// are allowed", url);
	else
		rest = url;
	len = strlen(rest);
	while (len > 0 && (rest[len - 1] == '/' ||
	    isspace((unsigned char)rest[len - 1])))
		len--;
	if (len == 0 || rest[0] == '/')
		return err_set(err, PIERONE_ECONFIG, "invalid URL '%s': no "
		    "host", url);
	/* an '@' before the path: curl may not even parse what comes next */
	if ((at = userinfo_end(rest, len)) != NULL)
		return err_set(err, PIERONE_ECONFIG, "refusing the URL "
		    "'%.*s%.*s': it holds a user name or password; give the "
		    "registry URL alone (credentials come from tokens or "
		    "Docker's config)", (int)(rest - url), url,
		    (int)(len - (size_t)(at + 1 - rest)), at + 1);
	/* no query or fragment: the URL is a base that paths are added to */
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)rest[i] <= ' ' || rest[i] == '?' ||
		    rest[i] == '#' || rest[i] == 0x7f)
			return err_set(err, PIERONE_ECONFIG, "invalid URL "
			    "'%s'", url);
	if (asprintf(&full, "%.*s%.*s", rest == url ? 8 : (int)(rest - url),
	    rest == url ? "https://" : url, (int)len, rest) == -1)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	rc = url_rebuild(out, full, url, err);
	free(full);
	return rc;
}

static int
parse_seconds(long *out, const char *v, const char *key, const char *where,
    struct pierone_err *err)
{
	const char *errstr;
	long long n;

	n = strtonum(v, 1, MAX_TIMEOUT, &errstr);
	if (errstr != NULL)
		return err_set(err, PIERONE_ECONFIG, "%s: '%s' must be a "
		    "number of seconds from 1 to %d, not '%s'", where, key,
		    MAX_TIMEOUT, v);
	*out = (long)n;
	return 0;
}

static int
parse_number(long *out, const char *v, const char *key, long long min,
    long long max, const char *where, struct pierone_err *err)
{
	const char *errstr;
	long long n;

	n = strtonum(v, min, max, &errstr);
	if (errstr != NULL)
		return err_set(err, PIERONE_ECONFIG, "%s: '%s' must be a "
		    "number from %lld to %lld, not '%s'", where, key, min, max,
		    v);
	*out = (long)n;
	return 0;
}

static int
parse_flow(enum pierone_token_flow *out, const char *v, const char *where,
    struct pierone_err *err)
{
	if (strcmp(v, "service") == 0)
		*out = PIERONE_FLOW_SERVICE;
	else if (strcmp(v, "password") == 0)
		*out = PIERONE_FLOW_PASSWORD;
	else
		return err_set(err, PIERONE_ECONFIG, "%s: 'token_flow' must be "
		    "'service' or 'password', not '%s'", where, v);
	return 0;
}

static int
parse_api(enum pierone_api *out, const char *v, const char *where,
    struct pierone_err *err)
{
	if (strcmp(v, "auto") == 0)
		*out = PIERONE_API_AUTO;
	else if (strcmp(v, "pierone") == 0)
		*out = PIERONE_API_PIERONE;
	else if (strcmp(v, "v2") == 0)
		*out = PIERONE_API_V2;
	else
		return err_set(err, PIERONE_ECONFIG, "%s: 'api' must be "
		    "'auto', 'pierone' or 'v2', not '%s'", where, v);
	return 0;
}

/* Store one key's value; `where` names the file or variable for errors. */
static int
config_set(struct pierone_config *c, const char *key, const char *v,
    const char *where, struct pierone_err *err)
{
	char **dst = NULL;

	if (strcmp(key, "url") == 0) {
		free(c->url);
		c->url = NULL;
		if (pierone_url_normalize(&c->url, v, err) != 0)
			return err_prefix(err, "%s", where);
		return 0;
	}
	if (strcmp(key, "connect_timeout") == 0)
		return parse_seconds(&c->connect_timeout, v, key, where, err);
	if (strcmp(key, "timeout") == 0)
		return parse_seconds(&c->timeout, v, key, where, err);
	if (strcmp(key, "jobs") == 0)
		return parse_number(&c->jobs, v, key, 1, PIERONE_MAX_JOBS, where,
		    err);
	if (strcmp(key, "retries") == 0)
		return parse_number(&c->retries, v, key, 0, 10, where, err);
	if (strcmp(key, "max_response_mib") == 0)
		return parse_number(&c->max_response_mib, v, key, 1, 65536,
		    where, err);
	if (strcmp(key, "token_flow") == 0)
		return parse_flow(&c->token_flow, v, where, err);
	if (strcmp(key, "api") == 0)
		return parse_api(&c->api, v, where, err);
	if (strcmp(key, "ca_bundle") == 0)
		dst = &c->ca_bundle;
	else if (strcmp(key, "token_url") == 0)
		dst = &c->token_url;
	else if (strcmp(key, "realm") == 0)
		dst = &c->realm;
	else if (strcmp(key, "client_id") == 0)
		dst = &c->client_id;
	else if (strcmp(key, "client_secret") == 0)
		dst = &c->client_secret;
	if (dst == NULL)
		return 0;
	if (*dst != NULL)
		freezero(*dst, strlen(*dst));
	if ((*dst = strdup(v)) == NULL)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	return 0;
}

static const char *const config_keys[] = {
	"url", "ca_bundle", "connect_timeout", "timeout", "token_url",
	"token_flow", "realm", "client_id", "client_secret", "jobs",
	"retries", "max_response_mib", "api",
};
#define NKEYS (sizeof(config_keys) / sizeof(config_keys[0]))

static int
config_from_yaml(struct pierone_config *c, const char *text, size_t len,
    const char *path, struct pierone_err *err)
{
	struct yaml_doc *doc;
	const char *v;
	bool kind_ok;
	int rc = 0;

	if ((rc = yaml_doc_load(&doc, text, len, path, err)) != 0)
		return rc;
	if (!yaml_doc_is_mapping(doc))
		rc = err_set(err, PIERONE_ECONFIG, "cannot read '%s': not a "
		    "YAML mapping of keys to values", path);
	for (size_t i = 0; rc == 0 && i < NKEYS; i++) {
		v = yaml_doc_get(doc, NULL, config_keys[i], &kind_ok);
		if (!kind_ok)
			rc = err_set(err, PIERONE_ECONFIG, "'%s': '%s' must "
			    "be a single value", path, config_keys[i]);
		else if (v != NULL)
			rc = config_set(c, config_keys[i], v, path, err);
	}
	yaml_doc_free(doc);
	return rc;
}

static int
config_from_env(struct pierone_config *c, struct pierone_err *err)
{
	char name[64];
	const char *v;
	int rc;

	for (size_t i = 0; i < NKEYS; i++) {
		snprintf(name, sizeof(name), "PIERONE_");
		for (const char *k = config_keys[i]; *k != '\0'; k++) {
			char up[2] = { (char)toupper((unsigned char)*k), 0 };
			strlcat(name, up, sizeof(name));
		}
		if ((v = getenv(name)) == NULL || *v == '\0')
			continue;
		if ((rc = config_set(c, config_keys[i], v, name, err)) != 0)
			return rc;
	}
	return 0;
}

int
pierone_config_load(struct pierone_config *out, const char *path,
    struct pierone_err *err)
{
	struct buf text = { 0 };
	char *p = NULL;
	const char *env;
	bool found = true;
	int rc;

	memset(out, 0, sizeof(*out));
	out->retries = -1;
	if (path == NULL && (rc = config_find(&p, &found, platform_macos(),
	    err)) != 0)
		return rc;
	if ((out->path = strdup(path != NULL ? path : p)) == NULL) {
		free(p);
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	free(p);
	rc = file_read(&text, out->path, PIERONE_MAX_FILE, err);
	/*
	 * No file at any default place: defaults.  One that is there but
	 * cannot be read (a dangling link, a directory) is an error naming
	 * it, never a silent fall-through to the next place.
	 */
	if (rc == PIERONE_ENOTFOUND && path == NULL && !found)
		rc = 0;
	else if (rc == PIERONE_ENOTFOUND && path == NULL)
		rc = err_set(err, PIERONE_ECONFIG, "cannot read '%s': it is "
		    "there but leads to no file", out->path);
	else if (rc == PIERONE_ENOTFOUND && err != NULL)
		rc = err->code = PIERONE_ECONFIG;
	else if (rc == PIERONE_ENOTFOUND)
		rc = PIERONE_ECONFIG;
	else if (rc == 0)
		rc = config_from_yaml(out, text.data, text.len, out->path, err);
	buf_free(&text);
	if (rc == 0)
		rc = config_from_env(out, err);
	/* The platform's token URL serves the password flow by default. */
	if (rc == 0 && out->token_url == NULL &&
	    out->token_flow == PIERONE_FLOW_PASSWORD &&
	    (env = getenv("OAUTH2_ACCESS_TOKEN_URL")) != NULL &&
	    *env != '\0' && (out->token_url = strdup(env)) == NULL)
		rc = err_set(err, PIERONE_ENOMEM, "out of memory");
	if (rc != 0)
		pierone_config_clear(out);
	return rc;
}

void
pierone_config_clear(struct pierone_config *c)
{
	if (c == NULL)
		return;
	free(c->url);
	free(c->ca_bundle);
	free(c->token_url);
	free(c->realm);
	free(c->client_id);
	if (c->client_secret != NULL)
		freezero(c->client_secret, strlen(c->client_secret));
	free(c->path);
	memset(c, 0, sizeof(*c));
}
