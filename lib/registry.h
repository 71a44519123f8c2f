/*
 * libpierone internals, registry group: the registry calls.  One
 * interface with a backend per API (registry.c; registry_pierone.c with
 * scm.c, describe.c and mark.c; v2.c), the v2 API's paginated lists
 * (pages.c, link.c) and manifests (manifest.c).  Builds on every other
 * group; nothing builds on it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef PIERONE_REGISTRY_H
#define PIERONE_REGISTRY_H

#include "base.h"

/*
 * registry.c: one registry interface.  Each backend implements the calls
 * that differ by API; NULL: the backend has no such call (the public call
 * fails with PIERONE_EUNSUPPORTED).  Every name is checked before a
 * backend runs, and *out is NULL; a call fails with a message in c->err.
 * A call of the backend that detects (Pier One's) returns REGISTRY_ABSENT
 * when it found the registry lacks its API: registry_detect() has then
 * switched the client to the backend to make the call on instead.
 * Manifests, blobs and layers are not here: every registry, Pier One
 * too, serves them over v2 (client.c, describe.c, layers.c).
 */
#define REGISTRY_ABSENT	1
struct pierone_client;
struct tags_sink;
struct registry_ops {
	const char *name;	/* "the Docker Registry API v2", in messages */
	enum pierone_api api;	/* the client's api while it is in use */
	int (*teams)(struct pierone_strlist **out, struct pierone_client *c);
	int (*artifacts)(struct pierone_strlist **out,
	    struct pierone_client *c, const char *team);
	/* jobs > 0; each list to tags_sink_take(), in any order */
	int (*tags_each)(struct pierone_client *c, const char *team,
	    const char *const *artifacts, size_t n, unsigned int jobs,
	    struct tags_sink *sink);
	/* *out NULL and 0: the artifact has no tags (but -SNAPSHOT ones) */
	int (*latest)(char **out, struct pierone_time *created,
	    struct pierone_client *c, const char *team,
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
/*
 * Whether the client's listings take the tag `name` (`client`: the
 * pierone_client): its filter, and no signature tags over v2 unless asked.
 */
bool registry_tag_kept(const void *client, const char *name);
/*
 * Artifact i's list `l` from a backend's tags_each(), taken over: handed
 * to the caller's function once every artifact before it has come, in
 * the caller's order, after the caller's filter.  Non-zero (c->err set):
 * the caller's function failed, stop.
 */
int tags_sink_take(struct tags_sink *s, size_t i, struct pierone_tag_list *l);
/* A 2xx web page (text/html) where an API answer was due. */
struct http_result;
bool web_page(const struct http_result *r);
/*
 * regcheck.c: a public call's last step, with the code `rc` it ends
 * with.  0 shows the URL is a registry.  A failure that a web server
 * that is no registry would cause (404, 403, a web page, an answer no
 * API gives, a call the registry lacks) asks, once per client, GET /v2/:
 * when that is a web server's answer (404, 403, a web page, ...), this
 * and every later such failure is PIERONE_EBADRESPONSE,
 * "URL does not look like a Pier One or Docker registry: GET URL/v2/:
 * ...", in c->err.  Otherwise rc and c->err are kept as they are.
 */
int registry_check(struct pierone_client *c, int rc);

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

#endif /* PIERONE_REGISTRY_H */
