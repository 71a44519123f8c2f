/*
 * New tokens from the token service, in its two styles, and where they
 * are kept: the zign cache, shared with the tools people already use.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "base.h"
#include "json.h"
#include "files.h"
#include "auth.h"
#include "http.h"

#define SCOPE "uid"

/* Percent-encode for application/x-www-form-urlencoded; caller frees. */
static int
form_add(struct buf *form, const char *name, const char *value)
{
	char *enc = segment_encode(value);
	int rc;

	if (enc == NULL)
		return PIERONE_ENOMEM;
	rc = buf_printf(form, "%s%s=%s", form->len ? "&" : "", name, enc);
	freezero(enc, strlen(enc));
	return rc;
}

/* The request's URL and body for the configured flow. */
static int
request_make(const struct pierone_login *l, struct buf *url, struct buf *form)
{
	char *realm;
	int rc;

	if (l->flow == PIERONE_FLOW_PASSWORD) {
		if (buf_printf(url, "%s", l->token_url) != 0 ||
		    form_add(form, "grant_type", "password") != 0 ||
		    form_add(form, "username", l->user) != 0 ||
		    form_add(form, "password", l->password) != 0 ||
		    form_add(form, "scope", SCOPE) != 0)
			return PIERONE_ENOMEM;
		return 0;
	}
	rc = buf_printf(url, "%s%sjson=true&scope=" SCOPE, l->token_url,
	    strchr(l->token_url, '?') != NULL ? "&" : "?");
	if (rc == 0 && l->realm != NULL && *l->realm != '\0') {
		if ((realm = segment_encode(l->realm)) == NULL)
			return PIERONE_ENOMEM;
		rc = buf_printf(url, "&realm=%s", realm);
		free(realm);
	}
	return rc;
}

static int
response_parse(struct pierone_token *t, const struct buf *body,
    const char *url, struct pierone_err *err)
{
	const cJSON *v;
	cJSON *root;

	root = cJSON_ParseWithLength(body->data, body->len);
	v = cJSON_GetObjectItemCaseSensitive(root, "access_token");
	if (!cJSON_IsString(v) || v->valuestring[0] == '\0') {
		cJSON_Delete(root);
		return err_set(err, PIERONE_EBADRESPONSE, "token service %s "
		    "sent no access_token", url);
	}
	if (!token_valid(v->valuestring, strlen(v->valuestring))) {
		explicit_bzero(v->valuestring, strlen(v->valuestring));
		cJSON_Delete(root);
		return err_set(err, PIERONE_EBADRESPONSE, "token service %s "
		    "sent an access_token with characters no OAuth2 bearer "
		    "token may (RFC 6750)", url);
	}
	t->access_token = strdup(v->valuestring);
	explicit_bzero(v->valuestring, strlen(v->valuestring));
	v = cJSON_GetObjectItemCaseSensitive(root, "expires_in");
	t->expires_in = cJSON_IsNumber(v) && v->valuedouble > 0 &&
	    v->valuedouble < 1e9 ? (long)v->valuedouble :
	    PIERONE_DEFAULT_EXPIRES_IN;
	/* Informative only: a value of another type is left out. */
	(void)json_string_member(&t->token_type, root, "token_type", NULL);
	(void)json_string_member(&t->scope, root, "scope", NULL);
	cJSON_Delete(root);
	if (t->access_token == NULL || (t->origin = strdup(url)) == NULL)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	t->source = PIERONE_TOKEN_SERVICE;
	t->created = (double)time(NULL);
	t->expires_at = t->created + (double)t->expires_in;
	return 0;
}

static int
status_check(long status, const struct pierone_login *l, const char *url,
    struct pierone_err *err)
{
	if (status >= 200 && status <= 299)
		return 0;
	if (status == 401)
		return err_set(err, PIERONE_EAUTH, "authentication failed: %s "
		    "refused user '%s'%s (HTTP 401)", url, l->user,
		    l->flow == PIERONE_FLOW_PASSWORD ? " or the client" : "");
	if (status >= 500)
		return err_set(err, PIERONE_ESERVER, "token service %s: HTTP "
		    "%ld", url, status);
	return err_set(err, PIERONE_EBADRESPONSE, "token service %s: HTTP %ld",
	    url, status);
}

int
pierone_token_request(struct pierone_token *out,
    const struct pierone_login *l, struct pierone_err *err)
{
	struct buf url = { 0 }, form = { 0 }, body = { 0 };
	struct http_req req = { 0 };
	long status;
	int rc;

	memset(out, 0, sizeof(*out));
	if (l == NULL || l->version != PIERONE_LOGIN_VERSION)
		return err_set(err, PIERONE_EINVAL, "unsupported login version");
	if (l->token_url == NULL || *l->token_url == '\0')
		return err_set(err, PIERONE_ECONFIG, "no token service "
		    "configured: set 'token_url' in pierone.yaml");
	if (l->user == NULL || l->password == NULL)
		return err_set(err, PIERONE_EINVAL, "no user or password");
	if (request_make(l, &url, &form) != 0) {
		buf_freezero(&form);
		buf_free(&url);
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	req.url = url.data;
	req.form = form.data;
	req.ca_file = l->ca_file;
	req.timeout_ms = l->timeout_ms > 0 ? l->timeout_ms : 60000;
	req.connect_timeout_ms = l->connect_timeout_ms > 0 ?
	    l->connect_timeout_ms : 10000;
	req.user_agent = l->user_agent != NULL ? l->user_agent :
	    "pierone/" PIERONE_VERSION;
	req.user = l->flow == PIERONE_FLOW_PASSWORD ? l->client_id : l->user;
	req.password = l->flow == PIERONE_FLOW_PASSWORD ? l->client_secret :
	    l->password;
	if (l->flow == PIERONE_FLOW_PASSWORD && req.user == NULL)
		rc = err_set(err, PIERONE_ECONFIG, "the password flow needs "
		    "an OAuth2 client: set client_id and client_secret or "
		    "provide $CREDENTIALS_DIR/client.json");
	else if ((rc = http_request(&req, &status, &body, err)) == 0 &&
	    (rc = status_check(status, l, l->token_url, err)) == 0)
		rc = response_parse(out, &body, l->token_url, err);
	if (rc != 0)
		pierone_token_clear(out);
	buf_freezero(&body);
	buf_freezero(&form);
	buf_free(&url);
	return rc;
}

/* Read string `key` of the JSON object in `dir`/`file` into *out. */
static int
json_file_string(char **out, const char *dir, const char *file,
    const char *key, struct pierone_err *err)
{
	struct buf text = { 0 };
	char *path;
	cJSON *root;
	const cJSON *v;
	int rc;

	if ((path = path_join(dir, file)) == NULL)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	if ((rc = file_read(&text, path, 64 * 1024, err)) == 0) {
		root = cJSON_ParseWithLength(text.data, text.len);
		v = cJSON_GetObjectItemCaseSensitive(root, key);
		if (!cJSON_IsString(v))
			rc = err_set(err, PIERONE_ECONFIG, "'%s' has no "
			    "string '%s'", path, key);
		else if ((*out = strdup(v->valuestring)) == NULL)
			rc = err_set(err, PIERONE_ENOMEM, "out of memory");
		if (cJSON_IsString(v))
			explicit_bzero(v->valuestring, strlen(v->valuestring));
		cJSON_Delete(root);
	}
	buf_freezero(&text);
	free(path);
	return rc;
}

/* One credentials file: both strings, or PIERONE_ENOTFOUND when absent. */
static int
credentials_file(char **a, char **b, const char *dir, const char *file,
    const char *key_a, const char *key_b, struct pierone_err *err)
{
	int rc;

	rc = json_file_string(a, dir, file, key_a, err);
	if (rc == 0)
		rc = json_file_string(b, dir, file, key_b, err);
	return rc;
}

int
pierone_app_credentials_load(struct pierone_app_credentials *out,
    struct pierone_err *err)
{
	const char *dir = getenv("CREDENTIALS_DIR");
	int rc_client, rc_user;

	memset(out, 0, sizeof(*out));
	if (dir == NULL || *dir == '\0')
		return err_set(err, PIERONE_ENOTFOUND, "CREDENTIALS_DIR is "
		    "not set");
	rc_client = credentials_file(&out->client_id, &out->client_secret,
	    dir, "client.json", "client_id", "client_secret", err);
	if (rc_client != 0 && rc_client != PIERONE_ENOTFOUND)
		return rc_client;
	rc_user = credentials_file(&out->username, &out->password, dir,
	    "user.json", "application_username", "application_password", err);
	if (rc_user != 0 && rc_user != PIERONE_ENOTFOUND)
		return rc_user;
	if (rc_client != 0 && rc_user != 0)
		return err_set(err, PIERONE_ENOTFOUND, "no user.json or "
		    "client.json in '%s'", dir);
	return 0;
}

static void
wipe(char **s)
{
	if (*s != NULL)
		freezero(*s, strlen(*s));
	*s = NULL;
}

void
pierone_app_credentials_clear(struct pierone_app_credentials *c)
{
	if (c == NULL)
		return;
	wipe(&c->username);
	wipe(&c->password);
	wipe(&c->client_id);
	wipe(&c->client_secret);
}

int
pierone_token_cache_store(const struct pierone_token *t,
    struct pierone_err *err)
{
	char expires[32], created[48], *base, *path;
	struct yaml_kv kv[] = {
		{ "access_token", t->access_token, true },
		{ "expires_in", expires, false },
		{ "token_type", t->token_type ? t->token_type : "Bearer", true },
		{ "scope", t->scope ? t->scope : SCOPE, true },
		{ "creation_time", created, false },
	};
	int rc;

	if (t->access_token == NULL || *t->access_token == '\0')
		return err_set(err, PIERONE_EINVAL, "no token to store");
	/* What no bearer token may hold is never written (RFC 6750). */
	if (!token_valid(t->access_token, strlen(t->access_token)))
		return err_set(err, PIERONE_EINVAL, "the token holds "
		    "characters no OAuth2 bearer token may; not stored");
	snprintf(expires, sizeof(expires), "%ld", t->expires_in > 0 ?
	    t->expires_in : PIERONE_DEFAULT_EXPIRES_IN);
	snprintf(created, sizeof(created), "%.3f", t->created > 0 ?
	    t->created : (double)time(NULL));
	if ((base = xdg_config_home()) == NULL ||
	    (path = path_join(base, "zign/tokens.yaml")) == NULL) {
		free(base);
		return err_set(err, PIERONE_ENOMEM, "cannot find the home "
		    "directory for the token cache");
	}
	free(base);
	/* The cache holds secrets: 0600 even if it was more open before. */
	rc = yaml_file_set(path, "pierone", NULL, kv, sizeof(kv) / sizeof(kv[0]),
	    0600 | FILE_PRIVATE, err);
	free(path);
	return rc;
}
