/*
 * fake.h - what the files of the fake registry (tests/fake-registry)
 * share; what it does is described below the list of files.
 *
 * The files, by role:
 *   fake_main.c: the process: start-up, the daemon, a request from its
 *	first callback to the route that answers it, clean-up.
 *   fake_options.c: the command line: options, fault specs, generated
 *	teams.
 *   fake_reply.c: building answers: growable strings, replies and their
 *	headers, numbers.
 *   fake_data.c: the data served: --data and generated teams, artifacts
 *	and tags, their names sorted for /v2.
 *   fake_pierone.c: Pier One's own API: /teams, tags, scm-source,
 *	production-ready, /tags/PREFIX.
 *   fake_v2.c: the Docker Registry HTTP API v2 lists (catalog,
 *	tags/list, paged as Distribution does), manifests and blobs.
 *   fake_manifest.c: made-up manifests, indexes and configs of a tag,
 *	and what Accept headers ask for.
 *   fake_auth.c: who may in: Basic and Bearer credentials, scopes, the
 *	401 challenges, what --api hides.
 *   fake_token.c: the token services: /access_token,
 *	/oauth2/access_token (RFC 6749) and the registry's /auth/token.
 *   fake_faults.c: sending an answer, with the faults asked for
 *	(--fault), and the request log.
 *
 * A small fake Pier One registry for the test suites, the demo and the
 * benchmarks.  It serves a fixed data set (a JSON file
 * and/or generated teams) on 127.0.0.1 and injects faults on request.
 * It is also the OAuth2 token service that "pierone login" asks for a
 * token: GET /access_token (the Zalando token service's style) and
 * POST /oauth2/access_token (RFC 6749's password grant).
 *
 * A tag of --data with "layers" (paths of layer files, relative to the
 * directory of the data file) and "layer_digests" (their "sha256:" +
 * sha256sum, in the same order) gets a Docker schema 2 manifest listing
 * them (schema 1 with fsLayers, top first, when the tag has "schema": 1),
 * and /v2/TEAM/ARTIFACT/blobs/DIGEST streams the file from disk.
 *
 * With --tls-cert and --tls-key it serves HTTPS; the fault "redirect=URL"
 * answers 302, and the --log line of a request that carried an
 * Authorization header ends in " auth" (the value is never logged).
 * The fault "endless" answers 200 with a body that never ends (chunked,
 * until the client hangs up), "headers=BYTES" answers 200 with about
 * BYTES of X-Filler-N headers, "header-line=BYTES" with one of BYTES.  A layers tag's "layer_sizes" (numbers,
 * in the order of "layer_digests") become the "size" of its schema 2
 * layers; a layer's digest need not be the file's (tests/data/layers).
 *
 * Each connection gets its own thread, so that --delay-ms, "hang" and
 * "slow" only hold up their own request.  Every sleep is made of short
 * steps that watch a quit flag: SIGTERM must end the process within
 * about a second, even with requests in flight.
 *
 * It can also play a plain OCI / Docker Distribution registry, for the
 * clients that must cope with one; every default is Pier One's as above.
 * --api v2 answers every route outside /v2/ with Distribution's plain
 * 404, v2-portal with a web page (200, text/html), as registries with a
 * web interface do (--api pierone hides /v2/ instead).  --api none and
 * --api web play no registry at all, a plain web site: every path but the
 * token services' answers with a web page (text/html), 404 Not Found for
 * none, 200 (its home page) for web, and asks for no credentials.
 * --auth none lets anyone in; basic wants Basic oauth2:TOKEN or a --registry-user;
 * bearer wants a registry token from the fake's own GET /auth/token,
 * Docker's token protocol: the 401 names realm, service and scope, and
 * the token must grant that scope.  /auth/token grants whatever it is asked for, to a
 * Basic account of --auth basic, or to anyone with --anonymous.
 *
 * /v2/_catalog and .../tags/list page as Distribution does (sorted, "n"
 * and "last", a Link to the next page) once n, last or --page-size is
 * given; --short-pages and --link-style make pages a client must not
 * trust blindly (loop: every page after the first links back to it).
 *
 * A tag with "created", no "layer_digests", and a "format" or --api v2
 * gets made-up manifests and configs whose "created" is the tag's:
 * "format" docker (the default), oci, oci-index or docker-list, the last
 * two listing an arm64 image, the amd64 one and an attestation, in that
 * order, each with a config of its own.  Digests follow from team,
 * artifact, tag and part, except that the tag's "digest" (else "image")
 * is its top manifest's.  Accept headers are honoured.  A tag's "labels"
 * (an object) become its configs' config.Labels, and its "layer_sizes"
 * (numbers) its image manifests' layers, with made-up digests.
 *
 * GET /teams/T/artifacts/A/tags/TAG answers the tag object as the data
 * has it.  POST .../tags/TAG/production-ready wants {"incident_id": S}
 * (else 400) and answers 404 for an unknown tag, 409 when the tag has
 * "production_ready": true or was marked before in this run, 422 when it
 * has no "scm_source", else 204; 409 and 422 carry a problem whose
 * "detail" is the tag's "problem_detail" if it has one.  --body-log FILE
 * gets each body POSTed there, one a line.
 *
 * --backlog N makes the listen queue N deep, --max-conns N serves at most
 * N connections at once (the listening socket is not polled while N are
 * open, so later ones wait in the kernel's accept queue, and SYNs beyond
 * it are dropped: the client's kernel sends them again after 1 s, 3 s,
 * ...).  Together they play a server with a short accept queue.  With
 * --log-connections the --log gets a line "CONNECT SEQ OPEN" for every
 * connection accepted (SEQ counts from 1, OPEN is how many are open with
 * it) and "CLOSE SEQ OPEN" when it closes.  --refuse-after N stops
 * listening once N connections were accepted: the connections made go on
 * being served, new ones are refused (a server going down, or refusing
 * what its queue cannot hold).
 */

#ifndef PIERONE_FAKE_H
#define PIERONE_FAKE_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>
#include <microhttpd.h>

#define PROG		"fake-registry"
#define MAXSEG		8		/* the longest route has 7 segments */
#define GEN_EPOCH	1577836800	/* 2020-01-01T00:00:00Z, a midnight */
#define HUGE_ITEM	65		/* "aaa…a", with quotes and comma */
#define BODY_MAX	65536		/* largest token request body */
#define FORM_MAX	32		/* most parameters in one form */
#define SVC_REALM	"Basic realm=\"fake-token-service\""
#define SERVICE		"fake-registry"	/* the registry's token service */
#define BASIC_REALM	"Basic realm=\"" SERVICE "\""
#define HDR_MAX		4		/* extra headers of one reply */
#define DIGEST_MAX	160		/* longest digest, with its NUL */
#define PAGE_MAX	1000		/* Distribution's largest n */
#define TTL_MAX		100000000	/* --registry-token-ttl, ~3 years */

#define MT_DOCKER	"application/vnd.docker.distribution.manifest.v2+json"
#define MT_DLIST	"application/vnd.docker.distribution.manifest.list.v2" \
			"+json"
#define MT_DCONFIG	"application/vnd.docker.container.image.v1+json"
#define MT_OCI		"application/vnd.oci.image.manifest.v1+json"
#define MT_OINDEX	"application/vnd.oci.image.index.v1+json"
#define MT_OCONFIG	"application/vnd.oci.image.config.v1+json"

/* libmicrohttpd before 0.9.74 knows 413 and 422 by older names only. */
#ifndef MHD_HTTP_CONTENT_TOO_LARGE
#define MHD_HTTP_CONTENT_TOO_LARGE	413
#endif
#ifndef MHD_HTTP_UNPROCESSABLE_CONTENT
#define MHD_HTTP_UNPROCESSABLE_CONTENT	422
#endif

enum fmode { F_NONE, F_STATUS, F_RETRY, F_INVALID, F_SHAPE, F_TRUNC,
    F_HANG, F_SLOW, F_HUGE, F_REDIRECT, F_ENDLESS, F_HEADERS, F_HEADER_LINE };
#define F_LAST		F_HEADER_LINE
#define FILLER_LINE	8000		/* bytes of one "headers=" line */


struct fault {
	enum fmode	 mode;
	uint64_t	 arg;		/* status code or body size */
	const char	*retry;		/* Retry-After or Location value */
	const char	*substr;	/* NULL: every path */
	bool		 counted;
	atomic_long	 left;		/* shared by all connection threads */
	char		*spec;		/* owned copy the strings point into */
};

struct artifact {
	char		*name;
	char		*tags_json;	/* from --data; NULL when generated */
	char		*names_json;	/* the same tags' names, for /v2 */
	unsigned long	 ngen;		/* number of generated tags */
	uint64_t	 seed;		/* makes generated digests differ */
};

struct team {
	char		*name;
	struct artifact	*arts;
	size_t		 narts;
};

/* The token services' routes; everything else is the registry. */
enum svc { S_NONE, S_TOKEN, S_OAUTH2, S_REGTOKEN };

/* --api, --auth and --link-style; the first of each is the default. */
enum api { API_BOTH, API_PIERONE, API_V2, API_V2_PORTAL, API_NONE,
    API_WEB };
enum auth { AUTH_TOKEN, AUTH_NONE, AUTH_BASIC, AUTH_BEARER };
enum link { LINK_RELATIVE, LINK_ABSOLUTE, LINK_FOREIGN, LINK_LOOP };


/* A tag's "format": what its made-up top manifest is. */
enum mfmt { M_DOCKER, M_OCI, M_OCI_INDEX, M_DOCKER_LIST };


/*
 * The parts of a made-up image, manifests even and their configs odd:
 * an image format has its manifest and config only, an index or list
 * has the three images it lists instead of a config.
 */
enum part { P_TOP, P_TOP_CONFIG, P_ARM, P_ARM_CONFIG, P_AMD, P_AMD_CONFIG,
    P_ATT, P_ATT_CONFIG, P_END };

/* What each image (part / 2) runs on; created NULL: the tag's own. */
struct platform {
	const char	*arch, *os, *created;
};

/* A tag that gets made-up manifests, from --data or generated. */
struct mtag {
	const char	*team, *art, *name;
	const char	*created;	/* NULL: "created" is null */
	const char	*digest;	/* "digest" or "image", or NULL */
	const cJSON	*labels;	/* "labels", or NULL */
	const cJSON	*layer_sizes;	/* "layer_sizes", or NULL */
	enum mfmt	 fmt;
	char		 gen[3][80];	/* a generated tag's strings */
};

/* A registry token that /auth/token issued. */
struct rtoken {
	char		*tok;
	char		*scopes;	/* space-separated TYPE:NAME:ACTIONS */
	int64_t		 expires;	/* wall clock, in ms */
};

struct sbuf {
	char		*p;
	size_t		 len, cap;
};

/* Per request state, allocated by the URI log callback. */
struct request {
	bool		 started;	/* the handler has seen the headers */
	bool		 toobig;	/* the body went over BODY_MAX */
	bool		 post;		/* a POST: its body is kept */
	enum svc	 svc;
	struct sbuf	 body;		/* kept for S_OAUTH2 only */
	char		*raw;		/* request target, still encoded */
	char		*path;		/* raw up to '?'; split up later */
	char		 buf[];
};

struct reply {
	unsigned	 status;
	char		*body;		/* malloc'd, MHD frees it */
	size_t		 len;
	enum fmode	 how;		/* F_TRUNC, F_SLOW, F_HUGE, F_ENDLESS
					   or F_NONE */
	uint64_t	*huge;		/* size wanted, for F_HUGE */
	uint64_t	 filler;	/* bytes of extra headers (F_HEADERS) */
	uint64_t	 line;		/* in lines of this many bytes */
	const char	*hname[HDR_MAX]; /* extra headers, Content-Type too */
	char		*hvalue[HDR_MAX]; /* the reply's copies */
	size_t		 nhdr;
	int		 fd;		/* > 0: send this file, of fsize bytes */
	uint64_t	 fsize;
};

/* A body sent by callback: "truncated" stops halfway, "slow" drips. */
struct stream {
	char		*body;
	size_t		 len;
	bool		 slow;
};

/* A decoded application/x-www-form-urlencoded body or query. */
struct form {
	const char	*name[FORM_MAX], *value[FORM_MAX];
	size_t		 n;
};

/* What a list request asks for; off: everything, as Pier One did. */
struct page {
	bool		 on;
	size_t		 len;		/* entries wanted; 0: all */
	const char	*last;		/* start after this one, or NULL */
	char		*query;		/* what last points into */
};

/* The entries of a list to page through, each malloc'd. */
struct names {
	char		**v;
	size_t		  n;
};

/* The command line. */
struct options {
	const char	 *data, *port_file;
	const char	 *tls_cert, *tls_key;	/* PEM files: serve HTTPS */
	const char	**tokens, **forbid, **gens;
	size_t		  ntokens, nforbid, ngens, nfaults;
	struct fault	 *faults;
	unsigned long	  port, delay_ms;
	int		  logfd;
	/* The token service: accounts, clients and what it answers. */
	const char	**users, **clients;
	size_t		  nusers, nclients;
	const char	 *issue, *token_response;
	unsigned long	  expires_in;
	bool		  no_expiry;	/* --expires-in none */
	/* Playing Distribution: see the header comment. */
	enum api	  api;
	enum auth	  auth;
	enum link	  link;
	const char	**regusers;
	size_t		  nregusers;
	const char	 *realm_url;
	unsigned long	  page_size, rt_ttl;
	bool		  anonymous, short_pages;
	bool		  portal;	/* --api v2-portal */
	int		  bodylogfd;	/* --body-log */
	/* A server with a short accept queue: see the header comment. */
	unsigned long	  backlog, max_conns;
	unsigned long	  refuse_after;	/* connections; 0: never refuse */
	bool		  log_conns;	/* --log-connections */
};
extern struct options opt;

extern struct team	*teams;
extern size_t		 nteams;
extern cJSON		*doc;
extern atomic_bool	 quit;
extern char		 realm[128];
extern char		 link_base[64];

/* Tags marked production ready in this run, "TEAM/ARTIFACT/TAG". */
struct marked {
	pthread_mutex_t	 lock;
	char		**v;
	size_t		 n;
};
extern struct marked marked;

/* The registry tokens /auth/token issued. */
struct rtokens {
	pthread_mutex_t	 lock;
	struct rtoken	*v;
	size_t		 n;
	unsigned long	 issued;	/* ever, for unique tokens */
};
extern struct rtokens rtokens;

/* fake_main.c */
void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void *xrealloc(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
void usage(void);
bool sleep_ms(unsigned long ms);
void route(struct reply *r, struct MHD_Connection *c, const char *raw, char **v,
    size_t n);
size_t split_path(char *path, char **v);

/* fake_options.c */
bool parse_ulong(const char *s, unsigned long max, unsigned long *out);
void add_gen(const char *spec, uint64_t *seed);
void parse_args(int argc, char **argv);

/* fake_reply.c */
void sb_add(struct sbuf *sb, const char *s, size_t n);
void sb_str(struct sbuf *sb, const char *s);
void sb_esc(struct sbuf *sb, const char *s);
void sb_pct(struct sbuf *sb, const char *s);
void set_reply(struct reply *r, unsigned status, struct sbuf *sb);
void reply_header(struct reply *r, const char *name, const char *value);
void reply_text(struct reply *r, unsigned status, const char *text);
void reply_msg(struct reply *r, unsigned status, const char *msg);
void reply_v2err(struct reply *r, unsigned status, const char *code,
    const char *msg);
void reply_unknown(struct reply *r, const char *code, const char *msg);
char *put_num(char *p, unsigned long v, int width);
void sb_num(struct sbuf *sb, unsigned long v);

/* fake_data.c */
uint64_t mix(uint64_t x);
char *put_hex64(char *p, uint64_t v);
char *put_digest(char *p, uint64_t seed, unsigned long i);
uint64_t hash_str(uint64_t h, const char *s);
char *put_gen_created(char *p, unsigned long i, char *day, size_t size);
void gen_tags(struct sbuf *sb, const struct artifact *a, bool names_only);
struct team *find_team(const char *name);
struct artifact *find_artifact(const struct team *t, const char *name);
void names_free(struct names *l);
int names_cmp(const void *a, const void *b);
void catalog_names(struct names *l);
void tag_names(struct names *l, const struct artifact *a);
const cJSON *find_tag(cJSON **tagdoc, const char *team, const char *art, const char *name);
struct team *new_team(const char *name);
struct artifact *new_artifact(struct team *t, const char *name);
void load_data(const char *file);

/* fake_pierone.c */
void route_lists(struct reply *r, bool catalog, const struct team *only);
void tags_head(struct sbuf *sb, const char *team, const char *art);
void route_tags(struct reply *r, const char *team, const char *art, bool v2);
void route_scm(struct reply *r, const char *team, const char *art, const char *tag);
void route_tag(struct reply *r, const char *team, const char *art, const char *tag);
void route_mark(struct reply *r, const struct request *rq, const char *team,
    const char *art, const char *tag);
void route_image(struct reply *r, const char *prefix);

/* fake_v2.c */
void route_catalog(struct reply *r, const char *raw);
void route_tag_list(struct reply *r, const char *team, const char *art,
    const char *raw);
void route_manifest(struct reply *r, struct MHD_Connection *c, const char *team,
    const char *art, const char *ref);
void route_blob(struct reply *r, struct MHD_Connection *c, const char *team,
    const char *art, const char *digest);

/* fake_manifest.c */
bool layers_manifest(struct sbuf *sb, const cJSON *t);
int word_index(const char *s, const char *const *words);
bool find_part(struct mtag *t, int *p, cJSON **tagdoc, const char *team,
    const char *art, const char *ref, bool configs);
void reply_part(struct reply *r, struct MHD_Connection *c, const struct mtag *t,
    int p);

/* fake_auth.c */
bool token_ok(const char *tok, size_t len);
long basic_creds(struct MHD_Connection *c, unsigned char *dec, size_t size);
bool pair_listed(const unsigned char *dec, long n, const char *const *list,
    size_t count);
bool basic_registry(struct MHD_Connection *c);
int64_t now_ms(void);
void reply_unauthorized(struct reply *r, const char *challenge);
bool api_hidden(struct reply *r, const char *path);
bool registry_auth(struct reply *r, struct MHD_Connection *c, const char *path);

/* fake_token.c */
enum svc token_route(const char *path);
bool form_parse(char *s, struct form *f);
int form_get(const struct form *f, const char *name, const char **value);
bool scope_ok(const char *s);
void route_access_token(struct reply *r, struct MHD_Connection *c,
    const struct request *rq, const char *method);
void route_oauth2(struct reply *r, struct MHD_Connection *c, struct request *rq,
    const char *method);
void route_regtoken(struct reply *r, struct MHD_Connection *c,
    const struct request *rq, const char *method);
void keep_body(struct request *rq, const char *data, size_t n);

/* fake_faults.c */
struct fault *match_fault(const char *path);
enum MHD_Result send_reply(struct MHD_Connection *c, const struct request *rq,
    const char *method, struct reply *r);
enum MHD_Result send_fault(struct MHD_Connection *c, const struct request *rq,
    const char *method, struct fault *f);
void log_connection(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_ConnectionNotificationCode code);

#endif /* PIERONE_FAKE_H */
