/*
 * libpierone internals shared between the library's source files and its
 * unit tests.  Not installed; nothing here is part of the public API.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef PIERONE_INTERNAL_H
#define PIERONE_INTERNAL_H

#include <sys/types.h>

#include <stdarg.h>

#include "pierone.h"

#define PRINTFLIKE(f, a) __attribute__((format(printf, f, a)))

/* Largest response body or local file the library accepts. */
#define PIERONE_MAX_BODY	(256u * 1024 * 1024)
#define PIERONE_MAX_FILE	(4u * 1024 * 1024)

/* A growable byte buffer, always NUL-terminated when data != NULL. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

int buf_reserve(struct buf *b, size_t n);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_printf(struct buf *b, const char *fmt, ...) PRINTFLIKE(2, 3);
void buf_free(struct buf *b);
/* Wipe the contents before freeing: the buffer held a secret. */
void buf_freezero(struct buf *b);

/* Error helpers.  `err` may be NULL.  Return `code`. */
int err_set(struct pierone_err *err, int code, const char *fmt, ...)
    PRINTFLIKE(3, 4);
int err_vset(struct pierone_err *err, int code, const char *fmt, va_list ap);
/* Put "PREFIX: " in front of the current message. */
int err_prefix(struct pierone_err *err, const char *fmt, ...) PRINTFLIKE(2, 3);

/*
 * Read a whole regular file of at most `max` bytes.  PIERONE_ENOTFOUND when
 * it does not exist, PIERONE_EIO for other failures.
 */
int file_read(struct buf *out, const char *path, size_t max,
    struct pierone_err *err);

/* config.c: where pierone.yaml is looked for; see pierone(1) FILES. */
#define CONFIG_MAX_PATHS 3
int config_search_paths(char *out[CONFIG_MAX_PATHS], size_t *n, bool macos,
    struct pierone_err *err);

/* Home directory ($HOME, else the password database); caller frees. */
char *home_dir(void);
/* $XDG_CONFIG_HOME when absolute, else ~/.config; caller frees. */
char *xdg_config_home(void);
/* Free the n strings of v and v itself; v may be NULL. */
void strv_free(char **v, size_t n);
/* Wipe a string (it held a secret) and free it; NULL is a no-op. */
void str_freezero(char *s);
/* Milliseconds of CLOCK_MONOTONIC, for deadlines and backoff. */
long long mono_ms(void);
/* The host[:port] of a URL or Docker config key: after the scheme and
 * any user@, up to the path; not NUL-terminated, *len long. */
const char *host_span(const char *url, size_t *len);
/* Length of "scheme://host[:port]" at the start of url; 0 when none. */
size_t url_origin_len(const char *url);
/* "a/b" (one slash); caller frees; NULL on ENOMEM. */
char *path_join(const char *a, const char *b);

/* A bearer token as RFC 6750 allows one (b64token), len bytes. */
bool token_valid(const char *s, size_t len);

/* "algorithm:encoded" as OCI digests are written (sha256:0123...). */
bool digest_valid(const char *d);

/*
 * blobcheck.c: whether a blob (`len` bytes at `data`, or the whole file
 * `fd`) is what its valid `digest` names.  0, else PIERONE_EBADRESPONSE
 * naming `what` ("layer", "config") and the digest: the content differs,
 * or the algorithm is not sha256 (the only one verified); PIERONE_EIO
 * when the file cannot be read.
 */
int blob_verify_buf(const void *data, size_t len, const char *digest,
    const char *what, struct pierone_err *err);
int blob_verify_fd(int fd, const char *digest, const char *what,
    struct pierone_err *err);

/*
 * textesc.c: whether s holds a character a terminal would act on (C0, DEL,
 * C1, bytes that are not UTF-8); s escaped into dst (at most size bytes,
 * NUL-terminated, cut between characters), the length it needs returned.
 */
bool text_needs_escape(const char *s);
size_t text_escape_into(char *dst, size_t size, const char *s);

/* Percent-encode everything but RFC 3986 unreserved characters. */
char *segment_encode(const char *s);

/*
 * The request path of a repository's resource, every name validated and
 * encoded: Pier One's tag list, scm-source; v2's first page of the tag
 * list, a manifest (by tag or digest), a blob (by digest); Pier One's
 * tag object and its production-ready mark.
 */
enum repo_path { REPO_TAGS, REPO_SCM_SOURCE, REPO_TAGS_LIST, REPO_MANIFEST,
	REPO_BLOB, REPO_TAG, REPO_PRODUCTION_READY };
/* The page size asked of v2 lists: what registries serve at most. */
#define V2_PAGE_MAX	1000
int repo_path(char **out, enum repo_path kind, const char *team,
    const char *artifact, const char *ref, struct pierone_err *err);



/* JSON mapping, from a response body (kept separate to test it alone). */
int strlist_from_json(struct pierone_strlist **out, const char *json,
    size_t len, struct pierone_err *err);
/*
 * Tag lists are streamed (jscan.c): one pass over the text and no tree,
 * so 100 000 tags cost the body and the list only.  Strict RFC 8259.
 */
/*
 * The same strict syntax for any JSON text (one value, blanks around it):
 * 0, or -1 with *bad the offset of the first offending byte (len for a
 * text cut short).
 */
int json_validate(const char *json, size_t len, size_t *bad);
/*
 * Copy string member `key` of `obj` into *dst (caller frees): absent or
 * null leaves NULL; another type is PIERONE_EBADRESPONSE.
 */
struct cJSON;
int json_string_member(char **dst, const struct cJSON *obj, const char *key,
    struct pierone_err *err);
/*
 * Copy `item` (NULL: absent) into *out whatever its type, as struct
 * pierone_value says; 0 or PIERONE_ENOMEM (*out then empty).
 */
int json_value_copy(struct pierone_value *out, const struct cJSON *item);
int tags_from_json(struct pierone_tag_list **out, const char *json,
    size_t len, struct pierone_err *err);
/*
 * The latest tag of the same text by the rule of
 * pierone_tags_latest_index(), keeping no list: *name is the caller's,
 * NULL for an empty array; *index (unless NULL) its position or -1.
 * `flags`: PIERONE_LATEST_NO_SNAPSHOT passes over "-SNAPSHOT" tags.
 * Errors are those of tags_from_json().
 */
int tags_latest_from_json(char **name, long *index, const char *json,
    size_t len, unsigned int flags, struct pierone_err *err);

/* taglist.c: the tag-list type's rules, depending on nothing else. */
/* A mutable tag: its name (len bytes) ends in "-SNAPSHOT". */
bool tag_is_snapshot(const char *name, size_t len);
/* True when a tag created at `t` is the latest of itself and `best`. */
bool latest_supersedes(const struct pierone_time *t,
    const struct pierone_time *best);

/* YAML: parse a flat file into the values the callers ask for. */
struct yaml_doc;
int yaml_doc_load(struct yaml_doc **out, const char *text, size_t len,
    const char *path, struct pierone_err *err);
void yaml_doc_free(struct yaml_doc *doc);
/*
 * Look up a scalar under the top-level mapping: `section` NULL for a
 * top-level key, else the key of a nested mapping.  NULL when absent, null
 * (~) or not a scalar; *kind_ok is set false for present non-scalars.
 */
const char *yaml_doc_get(const struct yaml_doc *doc, const char *section,
    const char *key, bool *kind_ok);
/* True when the document's root is a mapping or the document is empty. */
bool yaml_doc_is_mapping(const struct yaml_doc *doc);

/* A key and value of a mapping to write; quoted values stay strings. */
struct yaml_kv {
	const char *key;
	const char *value;
	bool quoted;
};

/*
 * The YAML `text` (read from `path`, for messages) with top-level `key`
 * set to `scalar`, or to a mapping of `kv` when scalar is NULL; every other
 * top-level entry is kept.  PIERONE_ECONFIG when the text is not a YAML
 * mapping.  The caller wipes and frees *out (buf_freezero).
 */
int yaml_text_update(struct buf *out, const char *text, size_t len,
    const char *path, const char *key, const char *scalar,
    const struct yaml_kv *kv, size_t nkv, struct pierone_err *err);

/* yaml_text_update() on the file at `path`, with file_update(). */
int yaml_file_set(const char *path, const char *key, const char *scalar,
    const struct yaml_kv *kv, size_t nkv, mode_t mode,
    struct pierone_err *err);

/*
 * Produce the new contents of a file from the old ones (NULL when the file
 * does not exist yet); `path` is the file's real path, for messages.
 */
typedef int file_update_fn(struct buf *out, const struct buf *old,
    const char *path, void *arg, struct pierone_err *err);

/*
 * Read-modify-write the file at `path` safely: symbolic links are followed
 * to the real file, missing directories created (0700), an exclusive
 * flock(2) on REALPATH.lock is held throughout, and the new contents go to
 * a temporary file in the same directory that is fsync'ed and renamed over
 * the old one (rewritten in place when rename fails with EBUSY, as for a
 * bind-mounted file).  A new file gets `mode`, an existing one keeps its
 * own unless `mode` has FILE_PRIVATE.  When `fn` fails nothing is written.
 * Buffers are wiped: they may hold secrets.
 */
#define FILE_PRIVATE	010000	/* or'ed into mode: always set the mode */
int file_update(const char *path, file_update_fn *fn, void *arg, mode_t mode,
    struct pierone_err *err);

/*
 * jsonkeep.c, for rewriting a JSON text through cJSON: past the string
 * starting at p (on its '"'); every number of the tree `item` (and its
 * siblings, in text order from *p) put back as the raw text it was
 * written as (PIERONE_ENOMEM on failure).  \u0000, which would end a
 * cJSON string: a stand-in noncharacter (U+FDD0..U+FDEF) found in neither
 * the text nor the `extra` strings (NULL-ended), or -1; the text's \u0000
 * escapes in strings replaced by it in place (same length); the printed
 * text with the stand-in turned back into \u0000.
 */
const char *json_skip_string(const char *p, const char *end);
int json_numbers_to_raw(struct cJSON *item, const char **p, const char *end);
int json_nul_standin(const char *text, size_t len, const char *const *extra);
void json_nul_substitute(char *text, size_t len, int standin);
int json_nul_restore(struct buf *out, int standin);

/* dockercfg.c: base64 as Docker writes "auth"; caller frees. */
char *base64_encode(const unsigned char *in, size_t len);
/* Wipe every string value in `item` (it held credentials). */
void json_wipe(struct cJSON *item);

/*
 * The Docker credentials for a registry host[:port], as the docker client
 * finds them: config.json credHelpers[HOST], credsStore, auths[HOST], then
 * ~/.dockercfg.  *basic is base64("user:secret") (caller wipes and frees)
 * or NULL when there are none; non-zero only when a file is corrupt or a
 * helper cannot be run.
 */
int docker_credentials(char **basic, const char *host,
    struct pierone_err *err);

/* regauth.c: a registry's WWW-Authenticate challenge, parsed. */
enum challenge_scheme { CH_NONE, CH_BASIC, CH_BEARER, CH_OTHER };
struct challenge {
	enum challenge_scheme scheme;	/* CH_NONE: nothing to answer */
	char *realm, *service, *scope;	/* as sent, or NULL */
};
int challenge_parse(struct challenge *out, const char *hdr);
void challenge_clear(struct challenge *ch);
/* "repository:NAME:pull" for /v2/NAME/..., or NULL; caller frees. */
char *scope_of_path(const char *path);

/*
 * What a request carries (regauth.c decides, http.c does):
 * AUTH_SEND    send with *line (may be NULL: no Authorization);
 * AUTH_FETCH   first fetch the token of *tok (auth_fetch_request);
 * AUTH_WAIT    another request is fetching *tok's token: wait;
 * AUTH_FAIL    fetching *tok's token failed (auth_tok_err);
 * AUTH_NO_CREDS   the registry wants Basic and there are no credentials;
 * AUTH_GIVE_UP    nothing more to try: the 401 stands;
 * AUTH_NOMEM   out of memory.
 */
enum auth_step { AUTH_SEND, AUTH_FETCH, AUTH_WAIT, AUTH_FAIL, AUTH_NO_CREDS,
	AUTH_GIVE_UP, AUTH_NOMEM };
enum auth_tok_state { TOK_NEW, TOK_PENDING, TOK_READY, TOK_FAILED };
struct auth;
struct auth_tok;
struct pierone_client;
enum auth_step auth_for_path(struct pierone_client *c, const char *path,
    char **line, struct auth_tok **tok);
/* After a 401 to a request that carried `sent` (or NULL). */
enum auth_step auth_on_401(struct pierone_client *c, const char *www_auth,
    const char *sent, char **line, struct auth_tok **tok);
enum auth_tok_state auth_tok_state(const struct auth_tok *t);
/* Carry on with the token: SEND (*line), FETCH, WAIT or FAIL. */
enum auth_step auth_resume(struct auth_tok *t, char **line);
const struct pierone_err *auth_tok_err(const struct auth_tok *t);
/* The realm URL with service and scopes, and the Authorization line. */
int auth_fetch_request(struct pierone_client *c, struct auth_tok *t,
    char **url, char **line);
/* The realm answered: the token is READY, or FAILED with a message. */
int auth_fetch_done(struct pierone_client *c, struct auth_tok *t,
    long status, const struct buf *body, const char *url);
void auth_fetch_failed(struct auth_tok *t, const struct pierone_err *err);
/* Before a batch of requests: tokens that failed may be tried again. */
void auth_batch_start(struct pierone_client *c);
const char *auth_no_creds_reason(const struct pierone_client *c);
void auth_free(struct auth *a);
/* From now on the client answers 401s with its token only, never with
 * Docker's credentials (login checks the token it is about to store). */
int auth_only_token(struct pierone_client *c);

/*
 * registry.c: one registry interface.  Each backend implements the calls
 * that differ by API; NULL: the backend has no such call (the public call
 * fails with PIERONE_EUNSUPPORTED).  Every name is checked before a
 * backend runs, and *out is NULL; a call fails with a message in c->err.
 * A call of the backend that detects (Pier One's) returns REGISTRY_ABSENT
 * when it found the registry lacks its API: registry_detect() has then
 * switched the client to the backend to make the call on instead.
 */
#define REGISTRY_ABSENT	1
struct pierone_client;
struct registry_ops {
	const char *name;	/* "the Docker Registry API v2", in messages */
	enum pierone_api api;	/* the client's api while it is in use */
	int (*teams)(struct pierone_strlist **out, struct pierone_client *c);
	int (*artifacts)(struct pierone_strlist **out,
	    struct pierone_client *c, const char *team);
	/* jobs > 0 */
	int (*tags_many)(struct pierone_tag_list ***out,
	    struct pierone_client *c, const char *team,
	    const char *const *artifacts, size_t n, unsigned int jobs);
	/* *out NULL and 0: the artifact has no tags (but -SNAPSHOT ones) */
	int (*latest)(char **out, struct pierone_client *c, const char *team,
	    const char *artifact, unsigned int flags);
	int (*scm_sources)(struct pierone_scm_source **out,
	    struct pierone_client *c, const char *team, const char *artifact,
	    const char *const *tags, size_t n, unsigned int jobs);
	int (*image_find)(struct pierone_image_tags **out,
	    struct pierone_client *c, const char *prefix);
	/* d is allocated, api PIERONE, nlayers and size -1; the caller
	 * frees it on failure */
	int (*describe)(struct pierone_image_details *d,
	    struct pierone_client *c, const char *team, const char *artifact,
	    const char *tag);
	int (*mark)(struct pierone_client *c, const char *team,
	    const char *artifact, const char *tag, const char *incident);
};
extern const struct registry_ops registry_pierone;	/* registry_pierone.c */
extern const struct registry_ops registry_v2;		/* v2.c */
/*
 * After a Pier One call ended with `rc`, detect the API once (AUTO only):
 * true when the registry lacks /teams (404 or a web page; `probed`: the
 * call was GET /teams, else GET /teams is asked) and the client now uses
 * v2; 0 proves Pier One's API.
 */
bool registry_detect(struct pierone_client *c, int rc, bool probed);
/* A 2xx web page (text/html) where an API answer was due. */
struct http_result;
bool web_page(const struct http_result *r);

/* The Pier One backend's calls in scm.c, describe.c, mark.c. */
int pier_scm_sources(struct pierone_scm_source **out,
    struct pierone_client *c, const char *team, const char *artifact,
    const char *const *tags, size_t n, unsigned int jobs);
int pier_image_find(struct pierone_image_tags **out,
    struct pierone_client *c, const char *prefix);
int pier_describe(struct pierone_image_details *d, struct pierone_client *c,
    const char *team, const char *artifact, const char *tag);
int pier_mark(struct pierone_client *c, const char *team,
    const char *artifact, const char *tag, const char *incident);
/* The v2 backend's describe, in describe.c. */
int v2_describe(struct pierone_image_details *d, struct pierone_client *c,
    const char *team, const char *artifact, const char *tag);

/*
 * link.c: the path, relative to `base` (the client's URL), of the page a Link
 * header's rel="next" names after page `cur`; *next NULL when none.
 * PIERONE_EBADRESPONSE for a link off the registry (another scheme, host,
 * port or base path).
 */
int v2_link_next(char **next, const char *base, const char *cur,
    const char *link, struct pierone_err *err);

/* pages.c: the names of a paginated list. */
struct names {
	char **v;
	size_t n, cap;
};
void names_free(struct names *l);
int names_add(struct names *l, const char *s, size_t len);
/*
 * The rest of a list whose first page is `first` (taken over), for
 * `path`: every next page in turn, the strings of each page's array `key`
 * added to `l`.  A Link leading back to a page read is an error; c->err
 * names the page.
 */
struct http_result;
int v2_rest(struct pierone_client *c, const char *path,
    struct http_result *first, const char *key, struct names *l);

enum v2_manifest_kind { MANIFEST_NONE, MANIFEST_IMAGE, MANIFEST_INDEX,
	MANIFEST_V1, MANIFEST_GONE };
struct v2_manifest {
	enum v2_manifest_kind kind;
	char *digest;		/* IMAGE: its config; INDEX: the platform's */
	struct pierone_time created;	/* V1: from its history */
};
/* A manifest by its mediaType, else `content_type` (may be NULL). */
int v2_manifest_parse(struct v2_manifest *out, const char *json, size_t len,
    const char *content_type, struct pierone_err *err);
/* An image config's "created" (valid false when absent or null). */
int v2_config_created(struct pierone_time *out, const char *json, size_t len,
    struct pierone_err *err);

/*
 * describe: what a manifest tells of the image, read by the same code
 * as v2_manifest_parse() (which fills m): its media type, an index's
 * platforms (its images', attestations left out), an image manifest's
 * layer count and compressed size (-1: unknown).
 */
struct v2_facts {
	struct v2_manifest m;
	char *media_type;		/* NULL when not known */
	struct names platforms;		/* "os/arch[/variant]" */
	long nlayers;
	int64_t size;
};
int v2_manifest_facts(struct v2_facts *out, const char *json, size_t len,
    const char *content_type, struct pierone_err *err);
void v2_facts_clear(struct v2_facts *f);
/* And what an image config tells: created, platform, labels. */
struct v2_config_facts {
	struct pierone_value created;
	char *platform;			/* "os/arch[/variant]" or NULL */
	struct pierone_label *labels;	/* sorted by key */
	size_t nlabels;
};
int v2_config_facts(struct v2_config_facts *out, const char *json,
    size_t len, struct pierone_err *err);
void v2_config_facts_clear(struct v2_config_facts *f);
/* describe.c: free n labels and the array; NULL is a no-op. */
void labels_free(struct pierone_label *labels, size_t n);

/* The client, visible to the library's files. */
struct http;
struct pierone_client {
	char *url;
	char *token;
	struct auth *auth;		/* answers to 401s, made on the first */
	enum pierone_api api;		/* AUTO until detected */
	char *user_agent;
	char *ca_file;
	long connect_timeout_ms;
	long timeout_ms;
	int retries;
	size_t max_response;
	struct http *http;		/* created on the first request */
	struct pierone_err err;
};

/* A call on the client starts with no message from the one before. */
static inline void
client_err_clear(pierone_client *c)
{
	c->err.code = 0;
	c->err.msg[0] = '\0';
}

void http_free(struct http *h);

/* The outcome of one of many requests. */
struct http_result {
	int rc;			/* 0, or a PIERONE_E* code with err set */
	bool started;		/* false: not sent, because another failed */
	long status;		/* HTTP status, 0 when there was no answer */
	struct buf body;	/* a 2xx answer's body */
	char *link;		/* a 2xx answer's Link header, or NULL */
	char *content_type;	/* its Content-Type, or NULL */
	char *digest;		/* its Docker-Content-Digest, or NULL */
	struct pierone_err err;
};

/*
 * GET url + paths[i] for every i, at most `jobs` at a time over the
 * client's connections; res[i] gets each outcome.  After the first failure
 * no further request starts.  Returns non-zero only when the machinery
 * itself fails (c->err set).  Free the bodies with http_results_free().
 */
int http_get_many(pierone_client *c, const char *const *paths, size_t n,
    unsigned int jobs, struct http_result *res);
/*
 * The same with `flags`: HTTP_404_OK, a 404 does not stop the other
 * requests; HTTP_MANIFEST_ANY, accept OCI and Docker image manifests and
 * indexes (lists); HTTP_MANIFEST, accept the image manifests whose layers
 * can be read (OCI, Docker schema 2 and 1); HTTP_HEAD, send HEAD.
 * Otherwise the requests accept application/json.
 */
#define HTTP_404_OK		0x1
#define HTTP_MANIFEST_ANY	0x2
#define HTTP_MANIFEST		0x4
#define HTTP_HEAD		0x8
/* POST the body http_post_json() gives; see there. */
#define HTTP_POST		0x10
int http_get_many_ex(pierone_client *c, const char *const *paths, size_t n,
    unsigned int jobs, unsigned int flags, struct http_result *res);
void http_results_free(struct http_result *res, size_t n);
/*
 * One request with `flags`: *r is its outcome (c->err set on failure);
 * free it with http_results_free(r, 1) whatever is returned.
 */
int http_get_one(pierone_client *c, const char *path, unsigned int flags,
    struct http_result *r);

/*
 * POST `json` (Content-Type: application/json) to url + path, once: a
 * POST is never retried, whatever the failure.  *r is the outcome, with
 * the body of an error answer too (problem details); c->err set on
 * failure.  Free *r with http_results_free(r, 1) whatever is returned.
 */
int http_post_json(pierone_client *c, const char *path, const char *json,
    struct http_result *r);

/*
 * HEAD url + path of a manifest (accepting OCI and Docker schema 2
 * manifests and indexes): its Docker-Content-Digest in *out (caller
 * frees).  Retried like a GET.
 */
int http_head_digest(pierone_client *c, const char *path, char **out);

/*
 * GET url + path of an image manifest, accepting those that list layers
 * (OCI, Docker schema 2 and schema 1) and indexes of them, into `body`.
 */
int http_get_manifest(pierone_client *c, const char *path, struct buf *body);

/*
 * GET url + path into the file `fd` (> 0; truncated before every try),
 * at most `declared` bytes (the size its descriptor declares; -1 when
 * unknown) and never more than the client's max_response: a longer
 * answer is PIERONE_EBADRESPONSE, saying which limit it broke.
 * `progress` (may be NULL) is told the bytes received and the total (0
 * while unknown).
 */
typedef void http_progress_fn(void *arg, int64_t done, int64_t total);
int http_get_file(pierone_client *c, const char *path, int fd,
    int64_t declared, http_progress_fn *progress, void *arg);

/* One request to another service (the token service). */
struct http_req {
	const char *url;
	const char *user;	/* HTTP Basic, or NULL */
	const char *password;
	const char *form;	/* POST this urlencoded body; NULL: GET */
	const char *ca_file;
	const char *user_agent;
	long connect_timeout_ms;
	long timeout_ms;
};

/*
 * Perform `req`; on success *status is the HTTP status and `body` the
 * response (any status).  Transport failures are PIERONE_ENETWORK or
 * PIERONE_ETIMEOUT.  The caller frees body (buf_freezero: it may hold a
 * token).
 */
int http_request(const struct http_req *req, long *status, struct buf *body,
    struct pierone_err *err);

#endif /* PIERONE_INTERNAL_H */
