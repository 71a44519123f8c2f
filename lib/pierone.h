/*
 * libpierone - client library for the Pier One Docker registry
 *
 * Copyright 2026 The pierone authors
 * SPDX-License-Identifier: Apache-2.0
 *
 * Conventions
 *
 *  - Every call that can fail returns 0 or a negative PIERONE_E* code.
 *  - Calls on a client keep a one-line detail message in the client,
 *    available through pierone_errmsg() until the next call on it.
 *    Calls without a client take a struct pierone_err (may be NULL).
 *  - Whatever is returned through an `out` parameter belongs to the caller
 *    and is released with the matching *_free(); every *_free(NULL) is a
 *    no-op.
 *  - The library never prints, prompts or exits.
 *  - Strings are UTF-8 and NUL-terminated.
 */
#ifndef PIERONE_H
#define PIERONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PIERONE_VERSION "0.1.0"

/* Error codes.  This list only grows; values never change. */
enum pierone_error {
	PIERONE_OK = 0,
	PIERONE_ENOMEM = -1,		/* out of memory */
	PIERONE_EINVAL = -2,		/* invalid argument (bad team, artifact, ...) */
	PIERONE_ECONFIG = -3,		/* configuration missing or invalid */
	PIERONE_ENOTFOUND = -4,		/* HTTP 404: team, artifact or tag unknown */
	PIERONE_EAUTH = -5,		/* HTTP 401: token missing, invalid or expired */
	PIERONE_EFORBIDDEN = -6,	/* HTTP 403: no access to the team */
	PIERONE_ENETWORK = -7,		/* connection, DNS, TLS or transfer failure */
	PIERONE_ETIMEOUT = -8,		/* connect or transfer timed out */
	PIERONE_ESERVER = -9,		/* HTTP 5xx */
	PIERONE_EBADRESPONSE = -10,	/* unexpected status, invalid or wrongly shaped JSON */
	PIERONE_ENOTOKEN = -11,		/* no usable OAuth2 token found */
	PIERONE_EIO = -12,		/* reading or writing a local file failed */
	PIERONE_EAMBIGUOUS = -13,	/* HTTP 412: a prefix matches several */
	PIERONE_EUNSUPPORTED = -14,	/* the registry lacks Pier One's API */
	PIERONE_ECONFLICT = -15,	/* HTTP 409: already so (marked) */
	PIERONE_EREJECTED = -16,	/* HTTP 422: the registry will not do it */
};

/* Static English description of an error code ("not found", ...). */
const char *pierone_strerror(int code);

/*
 * Text from a server (names, header values, file names in layers) as it
 * may be written to a terminal: C0 controls and DEL as \t, \n, \r or
 * \xHH, C1 controls (U+0080..U+009F) as \u0080..\u009f, bytes that are
 * not UTF-8 as \xHH; everything else as it is.  A backslash stays a
 * backslash.  Returns a new string (free()), NULL when out of memory or
 * for NULL.  Every message the library keeps is escaped so already.
 */
char *pierone_text_escape(const char *s);

/* Whether pierone_text_escape() would change s (0 for NULL). */
int pierone_text_needs_escape(const char *s);

/* Detail message for calls that have no client. */
#define PIERONE_ERRMSG_SIZE 512
struct pierone_err {
	int code;
	char msg[PIERONE_ERRMSG_SIZE];
};

/* ---------------------------------------------------------------------
 * Configuration (pierone.yaml)
 */

/*
 * Which API the registry is spoken to with.  AUTO starts with Pier One's
 * (/teams/...) and, the first time a call finds it missing (404, or a
 * web page, on /teams too), uses the Docker Registry HTTP API v2 for the rest of the
 * client's life, as any OCI registry offers it.
 */
enum pierone_api {
	PIERONE_API_AUTO = 0,
	PIERONE_API_PIERONE,		/* /teams/...: never the v2 fallback */
	PIERONE_API_V2,			/* /v2/_catalog, /v2/NAME/tags/list */
};

enum pierone_token_flow {
	PIERONE_FLOW_SERVICE = 0,	/* GET TOKEN_URL?json=true&scope=uid, Basic */
	PIERONE_FLOW_PASSWORD,		/* RFC 6749 4.3 password grant, POST */
};

struct pierone_config {
	char *url;		/* registry URL, normalised (scheme added) or NULL */
	char *ca_bundle;	/* CA file or NULL */
	long connect_timeout;	/* seconds; 0 = library default */
	long timeout;		/* seconds per request; 0 = library default */
	char *token_url;	/* token service, or NULL */
	enum pierone_token_flow token_flow;
	char *realm;		/* service flow: optional realm parameter */
	char *client_id;	/* password flow: OAuth2 client */
	char *client_secret;	/* wiped by pierone_config_clear() */
	long jobs;		/* concurrent requests; 0 = library default */
	long retries;		/* further tries of a GET; -1 = default */
	long max_response_mib;	/* largest answer accepted; 0 = default */
	enum pierone_api api;	/* "api: auto|pierone|v2"; default AUTO */
	char *path;		/* file the configuration was read from, or NULL */
};

/*
 * Default path of pierone.yaml for this platform: the first that exists
 * of $XDG_CONFIG_HOME/pierone/pierone.yaml (the old Python client's) and
 * $XDG_CONFIG_HOME/pierone.yaml (the one Pier One's documentation gives),
 * XDG_CONFIG_HOME being ~/.config unless set; on macOS
 * ~/Library/Application Support/pierone/pierone.yaml before both.  When
 * none exists, the first (where a URL typed at login's prompt is saved).
 * The string in *out is the caller's (free()).
 */
int pierone_config_default_path(char **out, struct pierone_err *err);

/*
 * The paths searched for pierone.yaml, in order, quoted and joined for a
 * message ("'~/.config/pierone/pierone.yaml' or '~/.config/pierone.yaml'",
 * ~ standing for the home directory).  The caller frees it; NULL when out
 * of memory or without a home directory.
 */
char *pierone_config_searched(void);

/*
 * Read the configuration from `path` (NULL: the default path, where a
 * missing file is not an error; an explicit path must exist), then apply
 * PIERONE_<KEY> environment overrides.  On success *out is filled and must
 * be released with pierone_config_clear().  On failure *out is cleared.
 */
int pierone_config_load(struct pierone_config *out, const char *path,
    struct pierone_err *err);

/* Release the strings held by `cfg` and zero it.  NULL is a no-op. */
void pierone_config_clear(struct pierone_config *cfg);

/*
 * Set `url` in the pierone.yaml at `path` (created with its directory,
 * mode 0700, when missing).  Only that key changes: comments, blank lines
 * and the other keys stay byte for byte where the file is a plain block
 * mapping with url on one line; any other file is rewritten through
 * libyaml, which keeps the keys but not the comments.  The file is
 * replaced atomically.
 */
int pierone_config_store_url(const char *path, const char *url,
    struct pierone_err *err);

/*
 * Normalise a registry URL: add "https://" when there is no scheme, drop
 * trailing slashes; only http and https are accepted.  *out is the caller's.
 */
int pierone_url_normalize(char **out, const char *url, struct pierone_err *err);

/* ---------------------------------------------------------------------
 * OAuth2 tokens
 */

enum pierone_token_source {
	PIERONE_TOKEN_ENV = 1,		/* OAUTH2_ACCESS_TOKENS */
	PIERONE_TOKEN_SECRET_FILE,	/* $CREDENTIALS_DIR/pierone-token-secret */
	PIERONE_TOKEN_ZIGN_CACHE,	/* zign / zalando-token-cli tokens.yaml */
	PIERONE_TOKEN_SERVICE,		/* new from the token service */
};

struct pierone_token {
	char *access_token;	/* the secret; wiped by pierone_token_clear() */
	double expires_at;	/* epoch seconds, 0 when unknown */
	enum pierone_token_source source;
	char *origin;		/* file it came from, the variable or the URL */
	double created;		/* epoch seconds it was issued, 0 when unknown */
	long expires_in;	/* seconds, from the token service */
	char *token_type;	/* "Bearer", or NULL */
	char *scope;		/* "uid", or NULL */
};

/*
 * Find a token for "pierone", first source wins:
 *  1. OAUTH2_ACCESS_TOKENS="pierone=TOKEN[,name=TOKEN...]"
 *  2. $CREDENTIALS_DIR/pierone-token-secret
 *  3. the zign caches $XDG_CONFIG_HOME/zign/tokens.yaml and
 *     $XDG_CONFIG_HOME/zalando-token-cli/tokens.yaml (~/.config when
 *     XDG_CONFIG_HOME is unset): the newest entry "pierone" that is still
 *     valid PIERONE_TOKEN_MARGIN seconds from now.
 * `now` is the current epoch time (0: use time()).
 * PIERONE_ENOTOKEN when none is found; the message then says why and what
 * to do.  Release *out with pierone_token_clear().
 */
#define PIERONE_TOKEN_MARGIN 60
int pierone_token_find(struct pierone_token *out, double now,
    struct pierone_err *err);

/* Wipe and release the token's strings; NULL is a no-op. */
void pierone_token_clear(struct pierone_token *tok);

/*
 * Store a token from the token service as entry "pierone" of the zign
 * cache $XDG_CONFIG_HOME/zign/tokens.yaml (~/.config when unset): keys
 * access_token, expires_in, token_type, scope, creation_time.  Other
 * entries are kept; the file is written atomically with mode 0600 (also
 * when it had another) in a directory of mode 0700 when one is created.  A cache that is not valid YAML is left alone
 * (PIERONE_ECONFIG).
 */
int pierone_token_cache_store(const struct pierone_token *tok,
    struct pierone_err *err);

/* How to ask the token service for a new token. */
struct pierone_login {
	unsigned int version;		/* PIERONE_LOGIN_VERSION */
	enum pierone_token_flow flow;
	const char *token_url;
	const char *realm;		/* service flow; NULL: none */
	const char *user;
	const char *password;
	const char *client_id;		/* password flow */
	const char *client_secret;	/* password flow */
	const char *ca_file;
	long timeout_ms;		/* 0: 60000 */
	const char *user_agent;		/* NULL: "pierone/VERSION" */
	long connect_timeout_ms;	/* 0: 10000 */
};

#define PIERONE_LOGIN_VERSION 1
#define PIERONE_LOGIN_INIT { PIERONE_LOGIN_VERSION, PIERONE_FLOW_SERVICE, \
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0 }

/* expires_in assumed when the token service sends none (seconds). */
#define PIERONE_DEFAULT_EXPIRES_IN 600

/*
 * Get a new token from the token service, as `req` says.  The request is
 * never retried (a password grant is not idempotent for the service's
 * lockout counters).  PIERONE_EAUTH when the service refuses the user or
 * client (HTTP 401), PIERONE_EBADRESPONSE when its answer has no
 * access_token.  Release *out with pierone_token_clear().
 */
int pierone_token_request(struct pierone_token *out,
    const struct pierone_login *req, struct pierone_err *err);

/* Application credentials mounted by the platform in $CREDENTIALS_DIR. */
struct pierone_app_credentials {
	char *username;		/* user.json application_username */
	char *password;		/* user.json application_password */
	char *client_id;	/* client.json client_id */
	char *client_secret;	/* client.json client_secret */
};

/*
 * Read $CREDENTIALS_DIR/user.json and client.json, each of which may be
 * missing (its fields stay NULL).  PIERONE_ENOTFOUND when CREDENTIALS_DIR
 * is unset or holds neither file; a file that is there but unreadable, not
 * JSON or without both of its strings is an error naming it.  Release *out
 * with pierone_app_credentials_clear(), which wipes the secrets; after a
 * failure too, as part of it may have been read.
 */
int pierone_app_credentials_load(struct pierone_app_credentials *out,
    struct pierone_err *err);
void pierone_app_credentials_clear(struct pierone_app_credentials *cred);

/* ---------------------------------------------------------------------
 * Client
 */

typedef struct pierone_client pierone_client;

struct pierone_options {
	unsigned int version;		/* PIERONE_OPTIONS_VERSION */
	const char *url;		/* registry URL (normalised by the client) */
	const char *token;		/* OAuth2 access token, copied */
	long connect_timeout_ms;	/* 0: 10000 */
	long timeout_ms;		/* 0: 60000 per request */
	const char *ca_file;		/* CA bundle file used instead of
					   libcurl's default one, or NULL */
	const char *user_agent;		/* NULL: "pierone/VERSION" */
	int retries;			/* -1: 2; further tries of a GET */
	long max_response;		/* bytes; 0: 256 MiB */
	/* Since version 2: */
	enum pierone_api api;		/* PIERONE_API_AUTO: detect */
};

/* Version 1 (without `api`) is still accepted: its clients detect. */
#define PIERONE_OPTIONS_VERSION 2
#define PIERONE_OPTIONS_INIT { PIERONE_OPTIONS_VERSION, NULL, NULL, 0, 0, \
	NULL, NULL, -1, 0, PIERONE_API_AUTO }

/*
 * A GET that fails on the way (connection refused or reset, timeout,
 * transfer cut short) or with HTTP 408, 429, 500, 502, 503 or 504 is tried
 * again, at most `retries` more times, after an exponential backoff with
 * jitter (0.25 s, 0.5 s, 1 s, ... at most 8 s) or the server's Retry-After
 * (at most PIERONE_MAX_RETRY_AFTER seconds).  Nothing else is retried, and
 * requests to the token service never are.
 */
#define PIERONE_DEFAULT_RETRIES 2
#define PIERONE_MAX_RETRY_AFTER 30

/*
 * Create a client.  Nothing is sent over the network yet.  On failure
 * *out is NULL and `err` says why (no URL, bad URL, ...).
 * Release with pierone_client_free().
 */
int pierone_client_new(pierone_client **out, const struct pierone_options *opts,
    struct pierone_err *err);

/* Release the client, its connections and its copy of the token. */
void pierone_client_free(pierone_client *client);

/*
 * Whether the client's URL answers as a Docker registry, as `docker login`
 * checks before anything is stored: GET /v2/ without any credentials
 * answers 200 (not a web page), or 401 asking for some.  HTTP 404, 403,
 * 400, 405, 410 or a web page is PIERONE_EBADRESPONSE ("URL does not look
 * like a Pier One or Docker registry: GET URL/v2/: ..."), as for the
 * registry calls below; a host that cannot be reached or a server error
 * fails as every call does.
 */
int pierone_registry_ping(pierone_client *client);

/*
 * Whether the registry takes the client's token as Docker will send it
 * once it is stored: as a bearer token, or as oauth2:TOKEN for a Basic
 * challenge or a token realm; never Docker's other credentials (the
 * client uses none of them from now on).  0 taken, PIERONE_EAUTH refused.
 */
int pierone_registry_token_check(pierone_client *client);

/* The registry URL the client talks to (normalised); owned by the client. */
const char *pierone_client_url(const pierone_client *client);

/*
 * The API the client speaks: PIERONE_API_AUTO until a call has found out
 * (or the options forced one).
 */
enum pierone_api pierone_client_api(const pierone_client *client);

/* Detail message of the client's last failed call; never NULL. */
const char *pierone_errmsg(const pierone_client *client);

/* ---------------------------------------------------------------------
 * Names
 */

/* Team names match [a-z][a-z0-9_-]+.  0 or PIERONE_EINVAL with `err` set. */
int pierone_team_validate(const char *team, struct pierone_err *err);

/*
 * Artifact and tag names are single path segments: non-empty, not "." or
 * "..", without '/', '?', '#' or control characters.  `what` names the
 * kind in the message ("artifact", "tag").
 */
int pierone_segment_validate(const char *what, const char *name,
    struct pierone_err *err);

/*
 * Whether a name can be requested at all: the library percent-encodes
 * artifact and tag names in request paths whatever they hold (names from
 * the server are data: '/', '?', control characters, any length), and
 * refuses only "", "." and "..", which no encoding keeps in their segment.
 * The calls taking such names check this; pierone_segment_validate() is
 * for what a user types.  1 or 0.
 */
int pierone_segment_requestable(const char *name);

/*
 * Whether name is a Docker tag, [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}: what
 * `docker pull REPO:TAG` takes, and one word in a shell.  1 or 0.
 */
int pierone_docker_tag_valid(const char *name);

/*
 * Whether the `len` bytes at `s` are one path component of a Docker
 * repository name: [a-z0-9]+ joined by '.', '_', "__" or dashes, as
 * `docker pull` takes them.  1 or 0.
 */
int pierone_docker_component_valid(const char *s, size_t len);

/* ---------------------------------------------------------------------
 * Lists of strings
 */

struct pierone_strlist {
	char **items;
	size_t count;
};

/* Release the list and its strings; NULL is a no-op. */
void pierone_strlist_free(struct pierone_strlist *list);

/* Sort in byte order (= Unicode code point order for UTF-8). */
void pierone_strlist_sort(struct pierone_strlist *list);

/* ---------------------------------------------------------------------
 * Registry calls
 *
 * One that fails as a web server that is no registry would make it fail
 * (PIERONE_ENOTFOUND, PIERONE_EFORBIDDEN, PIERONE_EBADRESPONSE,
 * PIERONE_EUNSUPPORTED) asks GET /v2/ once per client: when that answers
 * as no registry does (see pierone_registry_ping()), it and every later
 * such failure is PIERONE_EBADRESPONSE, "URL does not look like a Pier
 * One or Docker registry: GET URL/v2/: HTTP 404 Not Found".  Otherwise
 * the call's own code and message stand.
 */

/* GET /teams: team ids as the server sent them (unsorted). */
int pierone_teams_list(struct pierone_strlist **out, pierone_client *client);

/* GET /teams/TEAM/artifacts: artifact names (unsorted, maybe none). */
int pierone_artifacts_list(struct pierone_strlist **out, pierone_client *client,
    const char *team);

struct pierone_time {
	int64_t sec;		/* epoch seconds, UTC */
	int ms;			/* 0..999 */
	bool valid;		/* false: absent, null or unparsable */
};

/*
 * A tag as the server sent it: what the server sends is data, so a member
 * of an unexpected type does not fail the list.  A member that is not a
 * string holds its JSON text (a number as written, true, [...], {...}) and
 * has its bit in `raw` (render it with pierone_json_render()); a member
 * that is JSON null is NULL with its bit in `null`; an absent one is NULL
 * with neither.  A tag without a name (absent, null) has name "".
 * `created` is parsed from a string only.
 */
#define PIERONE_TAG_NAME		0x01
#define PIERONE_TAG_CREATED		0x02
#define PIERONE_TAG_CREATED_BY		0x04
#define PIERONE_TAG_IMAGE		0x08
#define PIERONE_TAG_STATUS		0x10
#define PIERONE_TAG_STATUS_REASON	0x20

struct pierone_tag {
	char *name;		/* never NULL */
	struct pierone_time created;
	char *created_by;	/* NULL when absent or null */
	char *image;		/* NULL when absent or null */
	char *status;		/* NULL when absent or null */
	char *status_reason;	/* NULL when absent or null */
	unsigned int raw;	/* PIERONE_TAG_* members holding JSON text */
	unsigned int null;	/* PIERONE_TAG_* members that were null */
};

/* How pierone_json_render() writes a value. */
enum pierone_render {
	/* as stups-pierone 0.22's text and tsv output: Python's str(),
	 * true/false as yes/no, a string as itself, null as "" */
	PIERONE_RENDER_TEXT,
	/* as its json output: json.dumps(sort_keys=True), ASCII only */
	PIERONE_RENDER_JSON,
};

/*
 * The JSON value `json` (a member of pierone_tag flagged `raw`, or any
 * JSON text) written as `style` says; numbers are copied as written.
 * PIERONE_EINVAL when it is not one JSON value.  *out is the caller's.
 */
int pierone_json_render(char **out, const char *json,
    enum pierone_render style, struct pierone_err *err);

struct pierone_tag_list {
	struct pierone_tag *tags;	/* oldest first, as the server sent them */
	size_t count;
};

/* Release the list and every tag's strings; NULL is a no-op. */
void pierone_tag_list_free(struct pierone_tag_list *list);

/*
 * GET /teams/TEAM/artifacts/ARTIFACT/tags.  PIERONE_ENOTFOUND when the
 * team or artifact is unknown.
 */
int pierone_tags_list(struct pierone_tag_list **out, pierone_client *client,
    const char *team, const char *artifact);

/*
 * The tags of many artifacts of one team, fetched concurrently: at most
 * `jobs` requests at a time (0: PIERONE_DEFAULT_JOBS) over the client's
 * connections, which open a few at a time as new ones answer (up to
 * `jobs`), are kept alive and, over TLS, multiplexed with HTTP/2 where
 * the server offers it.  Every name is checked
 * (pierone_segment_requestable()) before any request.  On success (*out)[i] holds the tags of artifacts[i]; release
 * all with pierone_tag_lists_free(*out, n).  On failure nothing is
 * returned, and the message names the artifact that failed (the first in
 * `artifacts` order when several did).
 */
#define PIERONE_DEFAULT_JOBS 16
#define PIERONE_MAX_JOBS 256
int pierone_tags_list_many(struct pierone_tag_list ***out,
    pierone_client *client, const char *team, const char *const *artifacts,
    size_t n, unsigned int jobs);

/*
 * The same requests as pierone_tags_list_many(), each list handed to
 * fn(list, i, arg) instead (i: its index in `artifacts`; list is fn's,
 * to release with pierone_tag_list_free()): in the order of `artifacts`,
 * each as soon as it and every one before it have come.  Over Pier One's
 * API a list is read as its answer comes and the answer freed, so a
 * caller that keeps less than every list (a table's rows, the last N
 * tags) holds only that, the requests in flight and the lists that came
 * before their turn.  fn returns 0 to go on, or a PIERONE_E* code that
 * ends the call with it (the message "out of memory" for PIERONE_ENOMEM,
 * pierone_strerror()'s otherwise; a positive value ends it with
 * PIERONE_EINVAL).  On failure no further list comes;
 * those handed over are fn's as ever.  fn runs while the client's
 * requests are in flight: it must not call the library with the same
 * client.
 */
typedef int pierone_tags_fn(struct pierone_tag_list *list, size_t i,
    void *arg);
int pierone_tags_each(pierone_client *client, const char *team,
    const char *const *artifacts, size_t n, unsigned int jobs,
    pierone_tags_fn *fn, void *arg);

/* Release the n lists and the array; NULL is a no-op. */
void pierone_tag_lists_free(struct pierone_tag_list **lists, size_t n);

/*
 * Index of the latest tag: the greatest `created` time; among equal times
 * the one the server listed last.  Tags without a time count as oldest.
 * Returns -1 for an empty list.
 */
long pierone_tags_latest_index(const struct pierone_tag_list *list);

/*
 * Name of the artifact's latest tag.  PIERONE_ENOTFOUND when the artifact
 * is unknown or has no tags.  *out is the caller's (free()).
 */
int pierone_latest_tag(char **out, pierone_client *client, const char *team,
    const char *artifact);

/*
 * Whether the tag named `name` is listed: true keeps it.  A filter is
 * told names as the server sent them, which may hold anything.
 */
typedef bool pierone_tag_filter_fn(const char *name, void *arg);

/* pierone_set_tag_filter() flags */
#define PIERONE_TAGS_SIGNATURES 0x1	/* list signature tags on v2 too */
/*
 * Over v2, no tag's manifest and config is read for its date: a list is
 * the names in name order, created not valid and image NULL, at one
 * request per page of names instead of two per tag.  (Pier One's API
 * sends the dates with the names: no change there.)  Not for
 * pierone_latest(), which needs the dates.
 */
#define PIERONE_TAGS_NO_DATES	0x2

/*
 * The tags the client's later listings (pierone_tags_list(),
 * pierone_tags_list_many()) and pierone_latest() take: those `fn` keeps
 * (NULL: all).  Over the Docker Registry API v2, signature and
 * attestation tags (pierone_tag_is_signature()) are left out too unless
 * `flags` has PIERONE_TAGS_SIGNATURES; Pier One's API lists every tag.
 */
void pierone_set_tag_filter(pierone_client *client, pierone_tag_filter_fn *fn,
    void *arg, unsigned int flags);

/*
 * A tag that tools such as cosign push beside an image to sign or attest
 * it: "sha256-" and 64 lowercase hex digits, then ".sig", ".att" or
 * ".sbom".
 */
bool pierone_tag_is_signature(const char *name);

/* pierone_latest() flags */
#define PIERONE_LATEST_NO_SNAPSHOT 0x1	/* pass over "-SNAPSHOT" tags */

/*
 * pierone_latest_tag() with `flags`: PIERONE_LATEST_NO_SNAPSHOT leaves out
 * the mutable tags, whose names end in "-SNAPSHOT" (release pipelines want
 * the newest immutable one).
 */
int pierone_latest(char **out, pierone_client *client, const char *team,
    const char *artifact, unsigned int flags);
/*
 * pierone_latest() with the tag's created time in *created too (not
 * valid when the registry gave it none): no second request for it.
 */
int pierone_latest_time(char **out, struct pierone_time *created,
    pierone_client *client, const char *team, const char *artifact,
    unsigned int flags);

/*
 * The digest ("sha256:...") of the image manifest of TEAM/ARTIFACT:TAG,
 * from the Docker-Content-Digest header of the registry's Docker Registry
 * HTTP API v2 (a HEAD request on /v2/TEAM/ARTIFACT/manifests/TAG that
 * accepts Docker schema 2 and OCI manifests and indexes).  With it,
 * REGISTRY/TEAM/ARTIFACT:TAG@DIGEST names exactly this image for good.
 * *out is the caller's (free()).
 */
int pierone_manifest_digest(char **out, pierone_client *client,
    const char *team, const char *artifact, const char *tag);

/* Where the image of a tag was built from (GET .../tags/TAG/scm-source). */
struct pierone_scm_source {
	bool found;		/* false: the registry has none (404) */
	char *url;		/* repository URL, or NULL */
	char *revision;		/* commit, or NULL */
	char *author;		/* or NULL */
	char *status;		/* e.g. "" or "Locally modified", or NULL */
	struct pierone_time created;
	char *created_text;	/* "created" as the registry wrote it, or NULL */
};

/*
 * The SCM source of every tag in `tags` of TEAM/ARTIFACT, fetched
 * concurrently like pierone_tags_list_many().  A tag without one is not an
 * error: its record has found == false.  On success *out holds n records
 * in the order of `tags`; release with pierone_scm_sources_free(*out, n).
 */
int pierone_scm_sources(struct pierone_scm_source **out,
    pierone_client *client, const char *team, const char *artifact,
    const char *const *tags, size_t n, unsigned int jobs);
/* Release the n records and the array; NULL is a no-op. */
void pierone_scm_sources_free(struct pierone_scm_source *sources, size_t n);

/* One file, directory or link in a layer of an image. */
struct pierone_layer_file {
	size_t layer_index;	/* the layer's place in the image, 0 = base */
	const char *layer_id;	/* its digest ("sha256:..."), owned by the list */
	char *name;		/* path in the layer, as the tar has it */
	char mode[11];		/* "-rw-r--r--", "drwxr-xr-x", ... */
	int64_t size;		/* bytes */
	struct pierone_time mtime;	/* the entry's modification time */
};

struct pierone_layer_files {
	struct pierone_layer_file *files;	/* top layer first */
	size_t count;
	char **layers;		/* every layer's digest, base first */
	size_t nlayers;
};

/*
 * Told how far the download of a layer is: it is the `layer`th of the
 * `nlayers` layers of the image (1-based, counted from the top, in the
 * order they are read), `done` of `total` bytes (total 0 while unknown).
 */
typedef void pierone_progress_fn(void *arg, size_t layer, size_t nlayers,
    int64_t done, int64_t total);

/*
 * The files in the layers of TEAM/ARTIFACT:TAG.  The image manifest
 * (GET /v2/TEAM/ARTIFACT/manifests/TAG: Docker schema 2, OCI, or schema 1
 * whose fsLayers are listed top first) names the layers; they are read
 * from the top down (GET /v2/TEAM/ARTIFACT/blobs/DIGEST, each a tar
 * archive, gzip'ed or not) until `max_layers` layers with at least one
 * entry have been read (0: all).  Each layer goes through a temporary
 * file (unlinked at once, in $TMPDIR or /tmp) and is read as a stream: no
 * layer is held in memory.  `progress` (may be NULL) is called with `arg`
 * as each layer downloads.  PIERONE_ENOTFOUND when the artifact or tag is
 * unknown; PIERONE_EBADRESPONSE naming the layer when one is not a valid
 * archive.  Release *out with pierone_layer_files_free().
 */
int pierone_image_files(struct pierone_layer_files **out,
    pierone_client *client, const char *team, const char *artifact,
    const char *tag, long max_layers, pierone_progress_fn *progress,
    void *arg);
/* Release the list, its strings and digests; NULL is a no-op. */
void pierone_layer_files_free(struct pierone_layer_files *files);

/* A tag found by image id: GET /tags/PREFIX. */
struct pierone_image_tag {
	char *team;
	char *artifact;
	char *name;
};

struct pierone_image_tags {
	struct pierone_image_tag *tags;
	size_t count;
};

/*
 * The tags whose image id starts with `prefix`, in the registry's order
 * (an empty list when the registry answers with one).  PIERONE_ENOTFOUND
 * when the registry answers 404; PIERONE_EAMBIGUOUS when the prefix
 * matches more than one image (HTTP 412).  Release *out with
 * pierone_image_tags_free().
 */
int pierone_image_find(struct pierone_image_tags **out, pierone_client *client,
    const char *prefix);
/* Release the list and its strings; NULL is a no-op. */
void pierone_image_tags_free(struct pierone_image_tags *tags);

/* ---------------------------------------------------------------------
 * One image in detail (describe), and marking it production ready
 */

/* A member of a server's JSON object, whatever its type. */
enum pierone_value_type {
	PIERONE_VALUE_ABSENT = 0,	/* the key is not there */
	PIERONE_VALUE_NULL,		/* null */
	PIERONE_VALUE_STRING,
	PIERONE_VALUE_NUMBER,
	PIERONE_VALUE_BOOL,
	PIERONE_VALUE_OTHER,		/* an array or an object */
};

struct pierone_value {
	enum pierone_value_type type;
	/*
	 * STRING: the string; NUMBER: the number as cJSON writes it (42,
	 * 1.5, 1e+300); BOOL: "true" or "false"; OTHER: the value as
	 * compact JSON; NULL for ABSENT and NULL.  Not escaped.
	 */
	char *text;
};

/* An image label (config.Labels), its value whatever its type. */
struct pierone_label {
	char *key;
	struct pierone_value value;
};

struct pierone_image_details {
	/* PIERONE_API_PIERONE or PIERONE_API_V2: which half is filled. */
	enum pierone_api api;

	/* Pier One: GET /teams/TEAM/artifacts/ARTIFACT/tags/TAG ... */
	struct pierone_value name, created, created_by, image, status,
	    status_reason, status_received_at;
	/* ... and GET .../tags/TAG/scm-source (found false: 404). */
	struct pierone_scm_source scm;

	/* v2: the manifest of the tag (an index's linux/amd64 image). */
	char *digest;		/* its Docker-Content-Digest, or NULL */
	char *media_type;	/* of the tag's own manifest, or NULL */
	/* "os/arch[/variant]": an index's images, or the image's own. */
	struct pierone_strlist platforms;
	struct pierone_value config_created;	/* the config's "created" */
	struct pierone_label *labels;	/* config.Labels, sorted by key */
	size_t nlabels;
	long nlayers;		/* -1: unknown */
	int64_t size;		/* the layers' compressed bytes; -1: unknown */
};

/*
 * Everything the registry knows of TEAM/ARTIFACT:TAG.  With Pier One's
 * API, the tag object and its SCM source (a tag without one is no
 * error); over the Docker Registry API v2 (a registry without /teams),
 * its manifest and image config.  Values from the server are kept as
 * they came, whatever their type.  PIERONE_ENOTFOUND when the team,
 * artifact or tag is unknown, PIERONE_EFORBIDDEN on HTTP 403.  Release
 * *out with pierone_image_details_free().
 */
int pierone_image_describe(struct pierone_image_details **out,
    pierone_client *client, const char *team, const char *artifact,
    const char *tag);
/* Release the details and all they hold; NULL is a no-op. */
void pierone_image_details_free(struct pierone_image_details *details);

/*
 * Mark TEAM/ARTIFACT:TAG as production ready because of `incident`:
 * POST /teams/TEAM/artifacts/ARTIFACT/tags/TAG/production-ready with
 * {"incident_id": INCIDENT}, never retried.  PIERONE_EFORBIDDEN (403),
 * PIERONE_ENOTFOUND (404), PIERONE_ECONFLICT (409: already marked),
 * PIERONE_EREJECTED (422: the image has no SCM source); the message
 * ends with the "detail" of a problem answer.  PIERONE_EUNSUPPORTED on
 * a registry without Pier One's API.
 */
int pierone_mark_production_ready(pierone_client *client, const char *team,
    const char *artifact, const char *tag, const char *incident);

/* ---------------------------------------------------------------------
 * Docker's credential files
 */

enum pierone_docker_format {
	PIERONE_DOCKER_CONFIG_JSON = 1,	/* {"auths": {URL: {...}}, ...} */
	PIERONE_DOCKER_DOCKERCFG,	/* legacy {URL: {...}} */
};

#define PIERONE_DOCKER_USER	"oauth2"
#define PIERONE_DOCKER_EMAIL	"no-mail-required@example.org"

/*
 * Where Docker reads its credentials: $DOCKER_CONFIG/config.json (default
 * ~/.docker/config.json), or ~/.dockercfg.  *out is the caller's (free()).
 */
int pierone_docker_default_path(char **out, enum pierone_docker_format fmt,
    struct pierone_err *err);

/*
 * Store credentials for `registry` (the URL as configured, for example
 * "https://pierone.example.org"; it is the key) in the file at `path`:
 * "auth" = base64("oauth2:" TOKEN), "email" = PIERONE_DOCKER_EMAIL.
 * Every other key and entry is kept.  A missing file is created (0600,
 * directory 0700); an existing one keeps its mode.  The file is replaced
 * atomically (temp file, fsync, rename; rewritten in place when rename
 * fails with EBUSY) under an exclusive flock(2) on PATH.lock (removed
 * again when the update ends), and a symbolic link is followed to its
 * target.  A file that is not valid JSON is left untouched:
 * PIERONE_ECONFIG naming the file and the position.
 * For config.json, *shadowed (may be NULL) tells whether Docker would
 * ignore the new entry: a credHelpers entry for the registry's host, or a
 * credsStore, makes it ask a credential helper instead.
 */
int pierone_docker_store_auth(const char *path, enum pierone_docker_format fmt,
    const char *registry, const char *token, bool *shadowed,
    struct pierone_err *err);

/*
 * config.json only: set credHelpers[HOST] = helper ("pierone" makes Docker
 * run docker-credential-pierone) and remove the "auths" entries for the
 * registry (its URL and its host).  Same safety rules as above.
 */
int pierone_docker_store_helper(const char *path, const char *registry,
    const char *helper, struct pierone_err *err);

/*
 * Updates of the user's files (Docker's credentials, the token cache,
 * pierone.yaml) wait for another process's lock at most
 * $PIERONE_LOCK_TIMEOUT seconds (default 30; 0 does not wait), then fail
 * with PIERONE_ETIMEOUT.  `fn` (NULL: none) is called once when a wait has
 * lasted a second, with the lock file's path and `arg`, so that the
 * application can say why it is waiting.  Process-wide; set it before
 * any update starts.  A file that is not regular (FIFO, device, socket)
 * is refused (PIERONE_EIO, "not a regular file") and nothing is created
 * beside it.  Files and directories created are given to the owner of
 * the directory they are in (a root process running on a user's files).
 * Applications should ignore SIGXFSZ, as pierone does, to get "file too
 * large" rather than be killed by a file size limit.
 */
typedef void pierone_lock_wait_fn(const char *lock_path, void *arg);
void pierone_set_lock_wait_notify(pierone_lock_wait_fn *fn, void *arg);

/*
 * One HTTP transfer as the trace tells it: every try (a retry is traced
 * again), the registry's, its token realm's and the token service's.
 * Nothing secret is in it: the URL is cut to scheme://host[:port]/path,
 * without user info, query and fragment, and no header is told.  The
 * strings are valid only during the call.
 */
struct pierone_http_trace {
	const char *method;	/* "GET", "HEAD", "POST" */
	const char *url;	/* the last one after redirects, cut */
	long status;		/* the HTTP status; 0 when none came */
	const char *error;	/* NULL, or why no answer came (libcurl's) */
	long elapsed_ms;	/* from start to end of this try */
	int64_t bytes;		/* body bytes received */
	int attempt;		/* 1, or 2 and on for a retry of the request */
	/*
	 * What the request carried, named, never the secret: "the OAuth2
	 * token", "Docker's credentials", "a registry token", "oauth2 and
	 * the OAuth2 token (Basic)", "no credentials"; NULL when not told
	 * (the token service's requests).
	 */
	const char *credential;
};

/*
 * `fn` (NULL: none, the default) is called with `arg` after each HTTP
 * transfer ends, from the thread that made it.  The library never prints:
 * a program shows the trace where it likes (pierone -v on stderr).
 * Process-wide; set it before any request starts.
 */
typedef void pierone_http_trace_fn(const struct pierone_http_trace *t,
    void *arg);
void pierone_set_http_trace(pierone_http_trace_fn *fn, void *arg);

/*
 * The host[:port] part of a registry URL, as credHelpers and Docker's
 * image names use it.  *out is the caller's (free()).
 */
int pierone_registry_host(char **out, const char *registry,
    struct pierone_err *err);

/* ---------------------------------------------------------------------
 * Time
 */

/*
 * Parse an ISO 8601 time as Pier One sends it: YYYY-MM-DDTHH:MM:SS, an
 * optional fraction (milliseconds kept, the rest truncated), and Z, an
 * offset +HH, +HHMM or +HH:MM, or nothing (UTC).  Returns 0, or
 * PIERONE_EINVAL with *out zeroed (valid false).
 */
int pierone_time_parse(struct pierone_time *out, const char *s);

#ifdef __cplusplus
}
#endif

#endif /* PIERONE_H */
