/*
 * libpierone internals, base group: what every other group builds on and
 * which depends on nothing in the library.  Growable buffers, error
 * messages, whole-file reads, paths and clocks (util.c); text made safe
 * for terminals (textesc.c); names checked and encoded into request paths
 * (names.c); the tag-list type's rules (taglist.c); the client handle
 * (client.c).  Not installed; see lib/README.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef PIERONE_BASE_H
#define PIERONE_BASE_H

#include <sys/types.h>
#include <stdarg.h>

#include "pierone.h"

#define PRINTFLIKE(f, a) __attribute__((format(printf, f, a)))

/* Largest response body or local file the library accepts. */
#define PIERONE_MAX_BODY	(256u * 1024 * 1024)
#define PIERONE_MAX_FILE	(4u * 1024 * 1024)

/* util.c: a growable byte buffer, always NUL-terminated when data != NULL. */
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

/* "a/b" (one slash); caller frees; NULL on ENOMEM. */
char *path_join(const char *a, const char *b);
/*
 * url.c, with libcurl's URL API: whether two URLs have the same origin
 * (scheme, host without regard to case, port, defaults filled in); the
 * request path, relative to `base`, of `ref` (a Link target, absolute or
 * relative to base + cur): PIERONE_EINVAL when it leaves the base path or
 * the origin, or holds user info.  *path is the caller's.
 */
bool url_same_origin(const char *a, const char *b);
int url_resolve_under(char **path, const char *base, const char *cur,
    const char *ref);

/* names.c: "algorithm:encoded" as OCI digests are written (sha256:0123...). */
bool digest_valid(const char *d);

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

/* taglist.c: the tag-list type's rules, depending on nothing else. */
/* A mutable tag: its name (len bytes) ends in "-SNAPSHOT". */
bool tag_is_snapshot(const char *name, size_t len);
/* Drop the tags of `l` that `keep` refuses, keeping the order. */
void tag_list_keep(struct pierone_tag_list *l,
    bool (*keep)(const void *ctx, const char *name), const void *ctx);
/* True when a tag created at `t` is the latest of itself and `best`. */
bool latest_supersedes(const struct pierone_time *t,
    const struct pierone_time *best);

/* client.c: the client, visible to the library's files. */
struct auth;
struct http;
/* Whether the URL is a registry at all (regcheck.c); UNKNOWN until told. */
enum registry_seen { REGISTRY_UNKNOWN, REGISTRY_YES, REGISTRY_NONE };
struct pierone_client {
	char *url;
	char *token;
	struct auth *auth;		/* answers to 401s, made on the first */
	enum pierone_api api;		/* AUTO until detected */
	enum registry_seen seen;
	struct pierone_err none;	/* NONE: the message every call gives */
	char *user_agent;
	char *ca_file;
	long connect_timeout_ms;
	long timeout_ms;
	int retries;
	size_t max_response;
	struct http *http;		/* created on the first request */
	struct pierone_err err;
	struct {			/* pierone_set_tag_filter() */
		pierone_tag_filter_fn *fn;
		void *arg;
		unsigned int flags;
	} filter;
};

/* A call on the client starts with no message from the one before. */
static inline void
client_err_clear(pierone_client *c)
{
	c->err.code = 0;
	c->err.msg[0] = '\0';
}

#endif /* PIERONE_BASE_H */
