/*
 * fake_registry.c - a small fake Pier One registry for the test suites,
 * the demo and the benchmarks.  It serves a fixed data set (a JSON file
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
 * web interface do (--api pierone hides /v2/ instead).  --auth none
 * lets anyone in; basic wants Basic oauth2:TOKEN or a --registry-user;
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
 */

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

static const char *const fmodes[] = { [F_STATUS] = "status=",
    [F_RETRY] = "retry-after=", [F_INVALID] = "invalid-json",
    [F_SHAPE] = "wrong-shape", [F_TRUNC] = "truncated", [F_HANG] = "hang",
    [F_SLOW] = "slow", [F_HUGE] = "huge=", [F_REDIRECT] = "redirect=",
    [F_ENDLESS] = "endless", [F_HEADERS] = "headers=",
    [F_HEADER_LINE] = "header-line=" };

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
enum api { API_BOTH, API_PIERONE, API_V2, API_V2_PORTAL };
enum auth { AUTH_TOKEN, AUTH_NONE, AUTH_BASIC, AUTH_BEARER };
enum link { LINK_RELATIVE, LINK_ABSOLUTE, LINK_FOREIGN, LINK_LOOP };

static const char *const apis[] = { "both", "pierone", "v2", "v2-portal",
    NULL };
static const char *const auths[] = { "token", "none", "basic", "bearer",
    NULL };
static const char *const links[] = { "relative", "absolute", "foreign",
    "loop", NULL };

/* A tag's "format": what its made-up top manifest is. */
enum mfmt { M_DOCKER, M_OCI, M_OCI_INDEX, M_DOCKER_LIST };

static const char *const mfmts[] = { "docker", "oci", "oci-index",
    "docker-list", NULL };

/*
 * The parts of a made-up image, manifests even and their configs odd:
 * an image format has its manifest and config only, an index or list
 * has the three images it lists instead of a config.
 */
enum part { P_TOP, P_TOP_CONFIG, P_ARM, P_ARM_CONFIG, P_AMD, P_AMD_CONFIG,
    P_ATT, P_ATT_CONFIG, P_END };

/* What each image (part / 2) runs on; created NULL: the tag's own. */
static const struct platform {
	const char	*arch, *os, *created;
} platforms[] = {
	{ "amd64", "linux", NULL },		/* P_TOP of an image format */
	{ "arm64", "linux", "2031-01-01T00:00:00Z" },
	{ "amd64", "linux", NULL },
	{ "unknown", "unknown", "2032-01-01T00:00:00Z" },	/* buildx's */
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

static struct {
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
} opt = { .logfd = -1, .expires_in = 3600, .rt_ttl = 300, .bodylogfd = -1 };

static struct team	*teams;
static size_t		 nteams;
static cJSON		*doc;		/* only while loading --data */
static char		*tls_pem[2];	/* --tls-cert, --tls-key contents */
static atomic_bool	 quit;
static char		 realm[128];	/* where a 401 sends for a token */
static char		 link_base[64];	/* what a Link's URL starts with */

/* Tags marked production ready in this run, "TEAM/ARTIFACT/TAG". */
static struct {
	pthread_mutex_t	 lock;
	char		**v;
	size_t		 n;
} marked = { .lock = PTHREAD_MUTEX_INITIALIZER };

static struct {
	pthread_mutex_t	 lock;
	struct rtoken	*v;
	size_t		 n;
	unsigned long	 issued;	/* ever, for unique tokens */
} rtokens = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Defined with the token service, used by the registry routes too. */
static bool	form_parse(char *, struct form *);
static int	form_get(const struct form *, const char *, const char **);
static bool	parse_ulong(const char *, unsigned long, unsigned long *);
static bool	scope_ok(const char *);

static void
cleanup(void)
{
	size_t	 i, j;

	for (i = 0; i < nteams; i++) {
		for (j = 0; j < teams[i].narts; j++) {
			free(teams[i].arts[j].name);
			free(teams[i].arts[j].tags_json);
			free(teams[i].arts[j].names_json);
		}
		free(teams[i].arts);
		free(teams[i].name);
	}
	free(teams);
	for (i = 0; i < opt.nfaults; i++)
		free(opt.faults[i].spec);
	free(opt.faults);
	free(opt.tokens);
	free(opt.forbid);
	free(opt.gens);
	free(opt.users);
	free(opt.clients);
	free(opt.regusers);
	for (i = 0; i < rtokens.n; i++) {
		free(rtokens.v[i].tok);
		free(rtokens.v[i].scopes);
	}
	free(rtokens.v);
	for (i = 0; i < marked.n; i++)
		free(marked.v[i]);
	free(marked.v);
	if (opt.bodylogfd != -1)
		close(opt.bodylogfd);
	free(tls_pem[0]);
	free(tls_pem[1]);
	cJSON_Delete(doc);
	if (opt.logfd != -1)
		close(opt.logfd);
}

/* Errors before serving: one line on stderr, and nothing for LSan. */
static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list	 ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cleanup();
	exit(1);
}

/* Running out of memory is not worth handling in a test server. */
static void *
xrealloc(void *p, size_t n, size_t size)
{
	if ((p = reallocarray(p, n, size)) == NULL) {
		fputs(PROG ": out of memory\n", stderr);
		abort();
	}
	return p;
}

static char *
xstrdup(const char *s)
{
	return strcpy(xrealloc(NULL, strlen(s) + 1, 1), s);
}

static void
usage(void)
{
	fputs("usage: " PROG " --data FILE [--token TOKEN]... [--port N] "
	    "[--port-file FILE]\n"
	    "\t[--delay-ms N] [--forbid TEAM]... [--fault SPEC]... "
	    "[--log FILE]\n\t[--gen TEAM:NARTIFACTS:NTAGS]...\n"
	    "\t[--user NAME:PASSWORD]... [--client ID:SECRET]... "
	    "[--issue TOKEN]\n"
	    "\t[--expires-in N|none] [--token-response JSON]\n"
	    "\t[--tls-cert FILE --tls-key FILE]\n"
	    "\t[--api pierone|v2|v2-portal|both]\n"
	    "\t[--auth token|none|basic|bearer]\n"
	    "\t[--registry-user NAME:SECRET]... [--realm-url URL] "
	    "[--anonymous]\n"
	    "\t[--registry-token-ttl SECONDS] [--page-size N] "
	    "[--short-pages]\n"
	    "\t[--link-style relative|absolute|foreign|loop] [--body-log FILE]\n"
	    "SPEC is MODE[@SUBSTRING][#COUNT], MODE one of status=N, "
	    "retry-after=S,\n\tinvalid-json, wrong-shape, truncated, hang, "
	    "slow, huge=BYTES,\n\tredirect=URL (URL without '@' or '#'; '^' for '@'), "
	    "endless, headers=BYTES,\n\theader-line=BYTES\n",
	    stderr);
	cleanup();
	exit(2);
}

/* Returns false, early, once shutdown has begun. */
static bool
sleep_ms(unsigned long ms)
{
	struct timespec	 ts;
	unsigned long	 step;

	while (ms > 0 && !atomic_load(&quit)) {
		step = ms < 10 ? ms : 10;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)step * 1000000L;
		nanosleep(&ts, NULL);
		ms -= step;
	}
	return !atomic_load(&quit);
}

/* Growing by doubling keeps a 10 MB tag list linear to build. */
static void
sb_add(struct sbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		if (sb->cap == 0)
			sb->cap = 256;
		while (sb->cap < sb->len + n + 1)
			sb->cap *= 2;
		sb->p = xrealloc(sb->p, sb->cap, 1);
	}
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

static void
sb_str(struct sbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

/* A JSON string's contents; names may hold anything a JSON key can. */
static void
sb_esc(struct sbuf *sb, const char *s)
{
	char	 u[8];

	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			sb_add(sb, "\\", 1);
		if ((unsigned char)*s >= 0x20)
			sb_add(sb, s, 1);
		else {
			snprintf(u, sizeof(u), "\\u%04x", (unsigned)*s);
			sb_str(sb, u);
		}
	}
}

/* Bytes that stay as they are in a URL's path segment or query value. */
static bool
unreserved(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' ||
	    ch == '~';
}

/* Percent-encoded: what a Link must hold of a name. */
static void
sb_pct(struct sbuf *sb, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 e[3] = "%";

	for (; *s != '\0'; s++) {
		if (unreserved(*s)) {
			sb_add(sb, s, 1);
			continue;
		}
		e[1] = hex[(unsigned char)*s >> 4];
		e[2] = hex[(unsigned char)*s & 0xf];
		sb_add(sb, e, 3);
	}
}

/* Hands the buffer over to the reply. */
static void
set_reply(struct reply *r, unsigned status, struct sbuf *sb)
{
	if (sb->p == NULL)
		sb_add(sb, "", 0);
	r->status = status;
	r->body = sb->p;
	r->len = sb->len;
}

/* MHD copies headers when it sends them: until then the reply's copy. */
static void
reply_header(struct reply *r, const char *name, const char *value)
{
	if (r->nhdr == HDR_MAX) {
		fputs(PROG ": too many headers for one reply\n", stderr);
		abort();
	}
	r->hname[r->nhdr] = name;
	r->hvalue[r->nhdr++] = xstrdup(value);
}

static void
reply_text(struct reply *r, unsigned status, const char *text)
{
	struct sbuf	 sb = { 0 };

	sb_str(&sb, text);
	set_reply(r, status, &sb);
}

/* Messages are constants here: nothing to escape. */
static void
reply_msg(struct reply *r, unsigned status, const char *msg)
{
	char	 buf[80];

	snprintf(buf, sizeof(buf), "{\"message\": \"%s\"}", msg);
	reply_text(r, status, buf);
}

/* Distribution's error body; codes and messages are constants. */
static void
reply_v2err(struct reply *r, unsigned status, const char *code,
    const char *msg)
{
	char	 buf[160];

	snprintf(buf, sizeof(buf), "{\"errors\":[{\"code\":\"%s\","
	    "\"message\":\"%s\"%s}]}", code, msg,
	    status == MHD_HTTP_UNAUTHORIZED ? ",\"detail\":null" : "");
	reply_text(r, status, buf);
}

/* Distribution's answer when it knows the route, else Pier One's. */
static void
reply_unknown(struct reply *r, const char *code, const char *msg)
{
	if (opt.api == API_V2)
		reply_v2err(r, MHD_HTTP_NOT_FOUND, code, msg);
	else
		reply_msg(r, MHD_HTTP_NOT_FOUND, "Not found");
}

static char *
put_num(char *p, unsigned long v, int width)
{
	char	 tmp[24];
	int	 n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 || n < width);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

static void
sb_num(struct sbuf *sb, unsigned long v)
{
	char	 buf[24];

	sb_add(sb, buf, (size_t)(put_num(buf, v, 1) - buf));
}

/* splitmix64: cheap and deterministic, good enough to pass as a hash. */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static char *
put_hex64(char *p, uint64_t v)
{
	static const char	 hex[] = "0123456789abcdef";
	int			 b;

	for (b = 60; b >= 0; b -= 4)
		*p++ = hex[v >> b & 0xf];
	return p;
}

static char *
put_digest(char *p, uint64_t seed, unsigned long i)
{
	int	 k;

	p = stpcpy(p, "sha256:");
	for (k = 0; k < 4; k++)
		p = put_hex64(p, mix(seed << 40 ^ (uint64_t)i << 2 ^
		    (uint64_t)k));
	return p;
}

/* The end is hashed too: "ab" then "c" must differ from "a", "bc". */
static uint64_t
hash_str(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++)
		h = mix(h ^ (unsigned char)*s);
	return mix(h ^ 0x100);
}

/* Generated tag i's "created"; day caches the date part of the last. */
static char *
put_gen_created(char *p, unsigned long i, char *day, size_t size)
{
	struct tm	 tm;
	time_t		 t;

	if (i % 1440 == 0 || day[0] == '\0') {
		t = GEN_EPOCH + (time_t)(i / 1440) * 86400;
		gmtime_r(&t, &tm);
		strftime(day, size, "%Y-%m-%dT", &tm);
	}
	p = stpcpy(p, day);
	p = put_num(p, i / 60 % 24, 2);
	*p++ = ':';
	return stpcpy(put_num(p, i % 60, 2), ":00.000Z");
}

/*
 * Generated tags, one minute apart from a midnight on.  Formatted by
 * hand: 100000 snprintf()s would be slow, and gmtime_r() takes a lock
 * that the benchmark's parallel requests would fight over, so it runs
 * once per day of tags only.
 */
static void
gen_tags(struct sbuf *sb, const struct artifact *a, bool names_only)
{
	char		 tag[256], day[16] = "", *p;
	unsigned long	 i;

	sb_add(sb, "[", 1);
	for (i = 0; i < a->ngen; i++) {
		p = stpcpy(tag, i > 0 ? "," : "");
		p = stpcpy(p, names_only ? "\"1.0." : "{\"name\":\"1.0.");
		p = stpcpy(put_num(p, i, 1), "\"");
		if (!names_only) {
			p = stpcpy(p, ",\"created\":\"");
			p = put_gen_created(p, i, day, sizeof(day));
			p = stpcpy(p, "\",\"created_by\":\"bench\","
			    "\"image\":\"");
			p = stpcpy(put_digest(p, a->seed, i), "\"}");
		}
		sb_add(sb, tag, (size_t)(p - tag));
	}
	sb_add(sb, "]", 1);
}

static struct team *
find_team(const char *name)
{
	size_t	 i;

	for (i = 0; i < nteams; i++)
		if (strcmp(teams[i].name, name) == 0)
			return &teams[i];
	return NULL;
}

static struct artifact *
find_artifact(const struct team *t, const char *name)
{
	size_t	 i;

	for (i = 0; t != NULL && i < t->narts; i++)
		if (strcmp(t->arts[i].name, name) == 0)
			return &t->arts[i];
	return NULL;
}

/* /teams, /teams/{team}/artifacts (only) and /v2/_catalog (catalog). */
static void
route_lists(struct reply *r, bool catalog, const struct team *only)
{
	struct sbuf	 sb = { 0 };
	size_t		 i, j, n = 0;

	sb_str(&sb, catalog ? "{\"repositories\":[" : "[");
	for (i = 0; i < nteams; i++) {
		if (only != NULL && only != &teams[i])
			continue;
		if (only == NULL && !catalog) {
			sb_str(&sb, n++ > 0 ? ",\"" : "\"");
			sb_esc(&sb, teams[i].name);
			sb_str(&sb, "\"");
		}
		for (j = 0; (only || catalog) && j < teams[i].narts; j++) {
			sb_str(&sb, n++ > 0 ? ",\"" : "\"");
			if (catalog) {
				sb_esc(&sb, teams[i].name);
				sb_str(&sb, "/");
			}
			sb_esc(&sb, teams[i].arts[j].name);
			sb_str(&sb, "\"");
		}
	}
	sb_str(&sb, catalog ? "]}" : "]");
	set_reply(r, MHD_HTTP_OK, &sb);
}

/* What a tags/list answer starts with, up to its array. */
static void
tags_head(struct sbuf *sb, const char *team, const char *art)
{
	sb_str(sb, "{\"name\":\"");
	sb_esc(sb, team);
	sb_str(sb, "/");
	sb_esc(sb, art);
	sb_str(sb, "\",\"tags\":");
}

static void
route_tags(struct reply *r, const char *team, const char *art, bool v2)
{
	const struct artifact	*a = find_artifact(find_team(team), art);
	struct sbuf		 sb = { 0 };

	if (a == NULL) {
		reply_msg(r, MHD_HTTP_NOT_FOUND, "Not found");
		return;
	}
	if (v2)
		tags_head(&sb, team, art);
	if (a->tags_json != NULL)
		sb_str(&sb, v2 ? a->names_json : a->tags_json);
	else
		gen_tags(&sb, a, v2);
	if (v2)
		sb_str(&sb, "}");
	set_reply(r, MHD_HTTP_OK, &sb);
}

static void
names_free(struct names *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int
names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every TEAM/ARTIFACT. */
static void
catalog_names(struct names *l)
{
	struct sbuf	 sb;
	size_t		 i, j, total = 0;

	for (i = 0; i < nteams; i++)
		total += teams[i].narts;
	l->v = xrealloc(NULL, total + 1, sizeof(*l->v));
	l->n = 0;
	for (i = 0; i < nteams; i++)
		for (j = 0; j < teams[i].narts; j++) {
			sb = (struct sbuf){ 0 };
			sb_str(&sb, teams[i].name);
			sb_str(&sb, "/");
			sb_str(&sb, teams[i].arts[j].name);
			l->v[l->n++] = sb.p;
		}
}

/* The names of the artifact's tags, from --data or generated. */
static void
tag_names(struct names *l, const struct artifact *a)
{
	cJSON		*list = NULL;
	const cJSON	*name;
	char		 buf[32];
	size_t		 total = a->ngen;
	unsigned long	 i;

	if (a->names_json != NULL && (list = cJSON_Parse(a->names_json)))
		total = (size_t)cJSON_GetArraySize(list);
	l->v = xrealloc(NULL, total + 1, sizeof(*l->v));
	l->n = 0;
	cJSON_ArrayForEach(name, list)
		l->v[l->n++] = xstrdup(name->valuestring);
	cJSON_Delete(list);
	for (i = 0; i < a->ngen; i++) {
		*put_num(stpcpy(buf, "1.0."), i, 1) = '\0';
		l->v[l->n++] = xstrdup(buf);
	}
}

/*
 * n, last and --page-size, which also caps n.  False if the query is
 * malformed or n is not 1..PAGE_MAX: how tests catch a client asking
 * for more than Distribution gives.
 */
static bool
page_parse(struct page *pg, const char *raw)
{
	struct form	 f;
	const char	*q = strchr(raw, '?'), *n;
	unsigned long	 v = 0;
	int		 hasn;

	pg->query = xstrdup(q != NULL ? q + 1 : "");
	pg->last = NULL;
	if (!form_parse(pg->query, &f) || (hasn = form_get(&f, "n", &n)) < 0 ||
	    (hasn == 1 && (!parse_ulong(n, PAGE_MAX, &v) || v == 0)))
		return false;
	form_get(&f, "last", &pg->last);
	if (opt.page_size > 0 && (v == 0 || v > opt.page_size))
		v = opt.page_size;
	pg->on = v > 0 || pg->last != NULL;
	pg->len = v;
	return true;
}

/* Link: <...?last=LAST&n=LEN>; rel="next", as --link-style wants it. */
static void
reply_link(struct reply *r, const char *path, const char *last, size_t len)
{
	struct sbuf	 sb = { 0 };

	sb_str(&sb, "<");
	sb_str(&sb, link_base);
	sb_str(&sb, path);
	sb_str(&sb, "?");
	if (last != NULL) {
		sb_str(&sb, "last=");
		sb_pct(&sb, last);
		sb_str(&sb, "&");
	}
	sb_str(&sb, "n=");
	sb_num(&sb, len < PAGE_MAX ? len : PAGE_MAX);
	sb_str(&sb, ">; rel=\"next\"");
	reply_header(r, "Link", sb.p);
	free(sb.p);
}

/*
 * One page of the list sorted, after `last`, and a Link while more
 * remain.  --short-pages fills only half of it, Link and all: a client
 * must follow the Link, not stop at a page shorter than it asked for.
 */
static void
reply_page(struct reply *r, const struct page *pg, struct names *l,
    const char *head, const char *path)
{
	struct sbuf	 sb = { 0 };
	size_t		 i = 0, k, len = pg->len > 0 ? pg->len : l->n, end;

	qsort(l->v, l->n, sizeof(*l->v), names_cmp);
	while (pg->last != NULL && i < l->n && strcmp(l->v[i], pg->last) <= 0)
		i++;
	k = opt.short_pages && len > 1 ? len / 2 : len;
	end = i + (k < l->n - i ? k : l->n - i);
	sb_str(&sb, head);
	sb_str(&sb, "[");
	for (k = i; k < end; k++) {
		sb_str(&sb, k > i ? ",\"" : "\"");
		sb_esc(&sb, l->v[k]);
		sb_str(&sb, "\"");
	}
	sb_str(&sb, "]}");
	set_reply(r, MHD_HTTP_OK, &sb);
	/* "loop": the second page leads back to the first, and so on. */
	if (end > i && end < l->n)
		reply_link(r, path, opt.link == LINK_LOOP && pg->last != NULL ?
		    NULL : l->v[end - 1], len);
}

static void
reply_bad_page(struct reply *r)
{
	reply_v2err(r, MHD_HTTP_BAD_REQUEST, "PAGINATION_NUMBER_INVALID",
	    "invalid number of results requested");
}

/* /v2/_catalog, paged if asked, else as it always was. */
static void
route_catalog(struct reply *r, const char *raw)
{
	struct page	 pg;
	struct names	 l;

	if (!page_parse(&pg, raw))
		reply_bad_page(r);
	else if (!pg.on)
		route_lists(r, true, NULL);
	else {
		catalog_names(&l);
		reply_page(r, &pg, &l, "{\"repositories\":", "/v2/_catalog");
		names_free(&l);
	}
	free(pg.query);
}

/* /v2/TEAM/ARTIFACT/tags/list, paged if asked. */
static void
route_tag_list(struct reply *r, const char *team, const char *art,
    const char *raw)
{
	const struct artifact	*a = find_artifact(find_team(team), art);
	struct sbuf		 head = { 0 }, path = { 0 };
	struct page		 pg;
	struct names		 l;

	if (!page_parse(&pg, raw))
		reply_bad_page(r);
	else if (a == NULL || !pg.on)
		route_tags(r, team, art, true);
	else {
		tags_head(&head, team, art);
		sb_str(&path, "/v2/");
		sb_pct(&path, team);
		sb_str(&path, "/");
		sb_pct(&path, art);
		sb_str(&path, "/tags/list");
		tag_names(&l, a);
		reply_page(r, &pg, &l, head.p, path.p);
		names_free(&l);
		free(head.p);
		free(path.p);
	}
	free(pg.query);
}

/* The tag object `name` of TEAM/ARTIFACT, parsed (caller deletes *doc). */
static const cJSON *
find_tag(cJSON **tagdoc, const char *team, const char *art, const char *name)
{
	const struct artifact	*a = find_artifact(find_team(team), art);
	const cJSON		*tag, *n;

	*tagdoc = NULL;
	if (a == NULL || a->tags_json == NULL ||
	    (*tagdoc = cJSON_Parse(a->tags_json)) == NULL)
		return NULL;
	cJSON_ArrayForEach(tag, *tagdoc) {
		n = cJSON_GetObjectItemCaseSensitive(tag, "name");
		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
			return tag;
	}
	return NULL;
}

/* .../tags/TAG/scm-source: the tag's "scm_source" object, else 404. */
static void
route_scm(struct reply *r, const char *team, const char *art, const char *tag)
{
	cJSON		*tagdoc;
	const cJSON	*t = find_tag(&tagdoc, team, art, tag), *scm;
	char		*text;

	scm = cJSON_GetObjectItemCaseSensitive(t, "scm_source");
	if (scm == NULL || (text = cJSON_PrintUnformatted(scm)) == NULL)
		reply_msg(r, MHD_HTTP_NOT_FOUND, "Not found");
	else {
		reply_text(r, MHD_HTTP_OK, text);
		free(text);
	}
	cJSON_Delete(tagdoc);
}

/* .../tags/TAG: the tag object as the data has it, else 404. */
static void
route_tag(struct reply *r, const char *team, const char *art, const char *tag)
{
	cJSON		*tagdoc;
	const cJSON	*t = find_tag(&tagdoc, team, art, tag);
	char		*text;

	if (t == NULL || (text = cJSON_PrintUnformatted(t)) == NULL)
		reply_msg(r, MHD_HTTP_NOT_FOUND, "Not found");
	else {
		reply_text(r, MHD_HTTP_OK, text);
		free(text);
	}
	cJSON_Delete(tagdoc);
}

/* A problem (RFC 7807) with the tag's "problem_detail", if any. */
static void
reply_problem(struct reply *r, unsigned status, const char *title,
    const cJSON *t)
{
	const cJSON	*d = cJSON_GetObjectItemCaseSensitive(t,
	    "problem_detail");
	cJSON		*p = cJSON_CreateObject();
	char		*text;

	if (p == NULL || cJSON_AddStringToObject(p, "title", title) == NULL ||
	    cJSON_AddNumberToObject(p, "status", status) == NULL ||
	    (cJSON_IsString(d) && cJSON_AddStringToObject(p, "detail",
	    d->valuestring) == NULL) ||
	    (text = cJSON_PrintUnformatted(p)) == NULL)
		fail("out of memory");
	reply_text(r, status, text);
	reply_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/problem+json");
	free(text);
	cJSON_Delete(p);
}

/* Remember TEAM/ARTIFACT/TAG as marked; false if it was already. */
static bool
mark_once(const char *team, const char *art, const char *tag)
{
	char	*key;
	bool	 fresh = true;

	if (asprintf(&key, "%s/%s/%s", team, art, tag) == -1)
		fail("out of memory");
	pthread_mutex_lock(&marked.lock);
	for (size_t i = 0; i < marked.n && fresh; i++)
		fresh = strcmp(marked.v[i], key) != 0;
	if (fresh) {
		marked.v = xrealloc(marked.v, marked.n + 1, sizeof(*marked.v));
		marked.v[marked.n++] = key;
	} else
		free(key);
	pthread_mutex_unlock(&marked.lock);
	return fresh;
}

/* {"incident_id": STRING} and nothing else. */
static bool
mark_body_ok(const struct sbuf *body)
{
	cJSON	*b = body->p != NULL ? cJSON_ParseWithLength(body->p,
	    body->len) : NULL;
	bool	 ok = cJSON_IsObject(b) && cJSON_GetArraySize(b) == 1 &&
	    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(b,
	    "incident_id"));

	cJSON_Delete(b);
	return ok;
}

/* POST .../tags/TAG/production-ready: see the header comment. */
static void
route_mark(struct reply *r, const struct request *rq, const char *team,
    const char *art, const char *tag)
{
	cJSON		*tagdoc;
	const cJSON	*t = find_tag(&tagdoc, team, art, tag);

	if (opt.bodylogfd != -1 && rq->body.p != NULL &&
	    (write(opt.bodylogfd, rq->body.p, rq->body.len) !=
	    (ssize_t)rq->body.len || write(opt.bodylogfd, "\n", 1) != 1))
		fail("--body-log: %s", strerror(errno));
	if (!mark_body_ok(&rq->body))
		reply_msg(r, MHD_HTTP_BAD_REQUEST, "Bad request");
	else if (t == NULL)
		reply_msg(r, MHD_HTTP_NOT_FOUND, "Not found");
	else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t,
	    "production_ready")))
		reply_problem(r, MHD_HTTP_CONFLICT, "Conflict", t);
	else if (cJSON_GetObjectItemCaseSensitive(t, "scm_source") == NULL)
		reply_problem(r, MHD_HTTP_UNPROCESSABLE_CONTENT,
		    "Unprocessable Entity", t);
	else if (!mark_once(team, art, tag))
		reply_problem(r, MHD_HTTP_CONFLICT, "Conflict", t);
	else
		reply_text(r, MHD_HTTP_NO_CONTENT, "");
	cJSON_Delete(tagdoc);
}

/* A schema 2 (or 1) manifest of the tag's "layer_digests". */
static bool
layers_manifest(struct sbuf *sb, const cJSON *t)
{
	const cJSON	*d = cJSON_GetObjectItemCaseSensitive(t,
	    "layer_digests"), *s = cJSON_GetObjectItemCaseSensitive(t,
	    "schema"), *sizes = cJSON_GetObjectItemCaseSensitive(t,
	    "layer_sizes"), *size;
	bool		 v1 = cJSON_IsNumber(s) && s->valueint == 1;
	int		 n = cJSON_GetArraySize(d);
	char		 num[48];

	if (!cJSON_IsArray(d))
		return false;
	sb_str(sb, v1 ? "{\"schemaVersion\":1,\"fsLayers\":[" :
	    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker."
	    "distribution.manifest.v2+json\",\"layers\":[");
	for (int i = 0; i < n; i++) {
		s = cJSON_GetArrayItem(d, v1 ? n - 1 - i : i);
		if (!cJSON_IsString(s))
			continue;
		sb_str(sb, i > 0 ? "," : "");
		sb_str(sb, v1 ? "{\"blobSum\":\"" : "{\"mediaType\":\"application"
		    "/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"");
		sb_esc(sb, s->valuestring);
		sb_str(sb, "\"");
		size = cJSON_GetArrayItem(sizes, i);
		if (!v1 && cJSON_IsNumber(size)) {
			snprintf(num, sizeof(num), ",\"size\":%.0f",
			    size->valuedouble);
			sb_str(sb, num);
		}
		sb_str(sb, "}");
	}
	sb_str(sb, "]}");
	return true;
}

/* The index of s in words, NULL-terminated; -1 if not there. */
static int
word_index(const char *s, const char *const *words)
{
	int	 i;

	for (i = 0; words[i] != NULL; i++)
		if (strcmp(s, words[i]) == 0)
			return i;
	return -1;
}

static bool
is_list(const struct mtag *t)
{
	return t->fmt == M_OCI_INDEX || t->fmt == M_DOCKER_LIST;
}

static bool
docker_types(const struct mtag *t)
{
	return t->fmt == M_DOCKER || t->fmt == M_DOCKER_LIST;
}

static bool
part_used(const struct mtag *t, int p)
{
	return is_list(t) ? p != P_TOP_CONFIG : p <= P_TOP_CONFIG;
}

/* The media type a manifest names the part by. */
static const char *
part_type(const struct mtag *t, int p)
{
	if (p % 2 == 1)
		return docker_types(t) ? MT_DCONFIG : MT_OCONFIG;
	if (p == P_TOP && is_list(t))
		return t->fmt == M_OCI_INDEX ? MT_OINDEX : MT_DLIST;
	return docker_types(t) ? MT_DOCKER : MT_OCI;
}

/* out holds DIGEST_MAX; the top manifest may have its digest in data. */
static void
part_digest(char *out, const struct mtag *t, int p)
{
	uint64_t	 h;
	int		 k;

	if (p == P_TOP && t->digest != NULL) {
		strcpy(out, t->digest);
		return;
	}
	h = hash_str(hash_str(hash_str(mix((uint64_t)p), t->team), t->art),
	    t->name);
	out = stpcpy(out, "sha256:");
	for (k = 0; k < 4; k++)
		out = put_hex64(out, mix(h + (uint64_t)k));
	*out = '\0';
}

static void	part_body(struct sbuf *, const struct mtag *, int);

/* {"mediaType":...,"digest":...,"size":N, left open for more. */
static void
sb_descriptor(struct sbuf *sb, const struct mtag *t, int p)
{
	struct sbuf	 body = { 0 };
	char		 d[DIGEST_MAX];

	part_body(&body, t, p);
	part_digest(d, t, p);
	sb_str(sb, "{\"mediaType\":\"");
	sb_str(sb, part_type(t, p));
	sb_str(sb, "\",\"digest\":\"");
	sb_str(sb, d);
	sb_str(sb, "\",\"size\":");
	sb_num(sb, body.len);
	free(body.p);
}

/* A config; a tag whose "created" is null gets none. */
static void
config_body(struct sbuf *sb, const struct mtag *t, int p)
{
	const struct platform	*pl = &platforms[p / 2];
	const char		*created = pl->created != NULL ? pl->created :
	    t->created;

	sb_str(sb, "{\"architecture\":\"");
	sb_str(sb, pl->arch);
	sb_str(sb, "\",\"os\":\"");
	sb_str(sb, pl->os);
	sb_str(sb, "\"");
	if (created != NULL) {
		sb_str(sb, ",\"created\":\"");
		sb_esc(sb, created);
		sb_str(sb, "\"");
	}
	sb_str(sb, ",\"config\":{");
	if (t->labels != NULL) {
		char	*text = cJSON_PrintUnformatted(t->labels);

		if (text == NULL)
			fail("out of memory");
		sb_str(sb, "\"Labels\":");
		sb_str(sb, text);
		free(text);
	}
	sb_str(sb, "}}");
}

/* The tag's "layer_sizes" as layers with made-up digests. */
static void
sb_layers(struct sbuf *sb, const struct mtag *t, int p)
{
	const cJSON	*size;
	char		 d[DIGEST_MAX], *q;
	unsigned long	 i = 0;
	uint64_t	 h;

	cJSON_ArrayForEach(size, t->layer_sizes) {
		part_digest(d, t, p);
		h = hash_str(i, d);
		q = stpcpy(d, "sha256:");
		for (int k = 0; k < 4; k++)
			q = put_hex64(q, mix(h + (uint64_t)k));
		*q = '\0';
		sb_str(sb, i > 0 ? "," : "");
		sb_str(sb, "{\"mediaType\":\"application/vnd.docker.image."
		    "rootfs.diff.tar.gzip\",\"digest\":\"");
		sb_str(sb, d);
		sb_str(sb, "\",\"size\":");
		sb_num(sb, cJSON_IsNumber(size) ? (unsigned long)
		    size->valuedouble : 0);
		sb_str(sb, "}");
		i++;
	}
}

/* OCI's has no mediaType on purpose: clients must read Content-Type. */
static void
image_body(struct sbuf *sb, const struct mtag *t, int p)
{
	sb_str(sb, "{\"schemaVersion\":2,");
	if (docker_types(t))
		sb_str(sb, "\"mediaType\":\"" MT_DOCKER "\",");
	sb_str(sb, "\"config\":");
	sb_descriptor(sb, t, p + 1);
	sb_str(sb, "},\"layers\":[");
	sb_layers(sb, t, p);
	sb_str(sb, "]}");
}

/* arm64 first, so that a client taking the first entry shows it. */
static void
index_body(struct sbuf *sb, const struct mtag *t)
{
	char	 d[DIGEST_MAX];
	int	 p;

	sb_str(sb, "{\"schemaVersion\":2,\"mediaType\":\"");
	sb_str(sb, part_type(t, P_TOP));
	sb_str(sb, "\",\"manifests\":[");
	for (p = P_ARM; p < P_END; p += 2) {
		sb_str(sb, p > P_ARM ? "," : "");
		sb_descriptor(sb, t, p);
		if (p == P_ATT) {
			part_digest(d, t, P_AMD);
			sb_str(sb, ",\"annotations\":{"
			    "\"vnd.docker.reference.digest\":\"");
			sb_str(sb, d);
			sb_str(sb, "\",\"vnd.docker.reference.type\":"
			    "\"attestation-manifest\"}");
		}
		sb_str(sb, ",\"platform\":{\"architecture\":\"");
		sb_str(sb, platforms[p / 2].arch);
		sb_str(sb, "\",\"os\":\"");
		sb_str(sb, platforms[p / 2].os);
		sb_str(sb, "\"}}");
	}
	sb_str(sb, "]}");
}

static void
part_body(struct sbuf *sb, const struct mtag *t, int p)
{
	if (p % 2 == 1)
		config_body(sb, t, p);
	else if (p == P_TOP && is_list(t))
		index_body(sb, t);
	else
		image_body(sb, t, p);
}

/* A --data tag, if it gets made-up manifests (see the header comment). */
static bool
mtag_json(struct mtag *t, const cJSON *tag)
{
	const cJSON	*name = cJSON_GetObjectItemCaseSensitive(tag, "name");
	const cJSON	*cr = cJSON_GetObjectItemCaseSensitive(tag, "created");
	const cJSON	*fm = cJSON_GetObjectItemCaseSensitive(tag, "format");
	const cJSON	*d = cJSON_GetObjectItemCaseSensitive(tag, "digest");
	int		 fmt = M_DOCKER;

	if (fm != NULL && (!cJSON_IsString(fm) ||
	    (fmt = word_index(fm->valuestring, mfmts)) < 0))
		return false;
	if (!cJSON_IsString(name) || (!cJSON_IsString(cr) &&
	    !cJSON_IsNull(cr)) || (fm == NULL && opt.api != API_V2) ||
	    cJSON_GetObjectItemCaseSensitive(tag, "layer_digests") != NULL)
		return false;
	if (!cJSON_IsString(d))
		d = cJSON_GetObjectItemCaseSensitive(tag, "image");
	t->name = name->valuestring;
	t->created = cJSON_IsString(cr) ? cr->valuestring : NULL;
	t->digest = cJSON_IsString(d) && strlen(d->valuestring) < DIGEST_MAX ?
	    d->valuestring : NULL;
	t->labels = cJSON_GetObjectItemCaseSensitive(tag, "labels");
	t->layer_sizes = cJSON_GetObjectItemCaseSensitive(tag, "layer_sizes");
	t->fmt = (enum mfmt)fmt;
	return true;
}

/* Generated tag i, less its "created" (gmtime_r() is not cheap). */
static void
mtag_gen(struct mtag *t, const struct artifact *a, unsigned long i)
{
	*put_num(stpcpy(t->gen[0], "1.0."), i, 1) = '\0';
	*put_digest(t->gen[2], a->seed, i) = '\0';
	t->name = t->gen[0];
	t->created = t->gen[1];
	t->digest = t->gen[2];
	t->labels = t->layer_sizes = NULL;
	t->fmt = M_DOCKER;
}

/*
 * Does ref name a part of t: a tag name its top manifest, a digest any
 * of its manifests or, with `configs`, any of its configs?
 */
static bool
part_named(const struct mtag *t, const char *ref, bool configs, int *p)
{
	char	 d[DIGEST_MAX];

	*p = P_TOP;
	if (strchr(ref, ':') == NULL)
		return !configs && strcmp(t->name, ref) == 0;
	for (*p = P_TOP; *p < P_END; (*p)++) {
		if (!part_used(t, *p) || (*p % 2 == 1) != configs)
			continue;
		part_digest(d, t, *p);
		if (strcmp(d, ref) == 0)
			return true;
	}
	return false;
}

/* Generated tags have no "format": made up with --api v2 only. */
static bool
find_gen_part(struct mtag *t, const struct artifact *a, const char *ref,
    bool configs, int *p)
{
	char		 day[16] = "";
	unsigned long	 i;

	for (i = 0; opt.api == API_V2 && i < a->ngen; i++) {
		mtag_gen(t, a, i);
		if (part_named(t, ref, configs, p)) {
			*put_gen_created(t->gen[1], i, day, sizeof(day)) = '\0';
			return true;
		}
	}
	return false;
}

/*
 * The tag of TEAM/ARTIFACT with made-up manifests, and its part, that
 * ref names; t points into *tagdoc (caller deletes it).
 */
static bool
find_part(struct mtag *t, int *p, cJSON **tagdoc, const char *team,
    const char *art, const char *ref, bool configs)
{
	const struct artifact	*a = find_artifact(find_team(team), art);
	const cJSON		*tag;

	*tagdoc = NULL;
	t->team = team;
	t->art = art;
	if (a == NULL)
		return false;
	if (a->tags_json == NULL)
		return find_gen_part(t, a, ref, configs, p);
	if ((*tagdoc = cJSON_Parse(a->tags_json)) == NULL)
		return false;
	cJSON_ArrayForEach(tag, *tagdoc)
		if (mtag_json(t, tag) && part_named(t, ref, configs, p))
			return true;
	return false;
}

struct accept {
	const char	*type;
	bool		 sent, ok;
};

/* Does an Accept value list the type or * / *?  Parameters (q) aside. */
static bool
lists_type(const char *list, const char *type)
{
	size_t	 n;

	while (*list != '\0') {
		list += strspn(list, " \t,");
		n = strcspn(list, ";,");
		while (n > 0 && (list[n - 1] == ' ' || list[n - 1] == '\t'))
			n--;
		if ((n == strlen(type) && strncasecmp(list, type, n) == 0) ||
		    (n == 3 && strncmp(list, "*/*", 3) == 0))
			return true;
		list += strcspn(list, ",");
	}
	return false;
}

/* Clients send one Accept header per type: MHD keeps each. */
static enum MHD_Result
accept_scan(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct accept	*a = cls;

	(void)kind;
	if (strcasecmp(key, MHD_HTTP_HEADER_ACCEPT) == 0 && value != NULL) {
		a->sent = true;
		a->ok = a->ok || lists_type(value, a->type);
	}
	return MHD_YES;
}

/* No Accept header at all takes anything. */
static bool
accepts(struct MHD_Connection *c, const char *type)
{
	struct accept	 a = { type, false, false };

	MHD_get_connection_values(c, MHD_HEADER_KIND, accept_scan, &a);
	return !a.sent || a.ok;
}

/* A made-up manifest, if the client takes its type, or a config. */
static void
reply_part(struct reply *r, struct MHD_Connection *c, const struct mtag *t,
    int p)
{
	struct sbuf	 sb = { 0 };
	const char	*type = p % 2 == 1 ? "application/octet-stream" :
	    part_type(t, p);
	char		 d[DIGEST_MAX];

	if (p % 2 == 0 && !accepts(c, type)) {
		reply_v2err(r, MHD_HTTP_NOT_FOUND, "MANIFEST_UNKNOWN",
		    "manifest unknown");
		return;
	}
	part_body(&sb, t, p);
	set_reply(r, MHD_HTTP_OK, &sb);
	part_digest(d, t, p);
	reply_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	reply_header(r, "Docker-Content-Digest", d);
}

/* A small manifest whose digest is the tag's "digest", else "image". */
static void
digest_manifest(struct reply *r, const cJSON *t)
{
	const cJSON	*d;

	if ((d = cJSON_GetObjectItemCaseSensitive(t, "digest")) == NULL)
		d = cJSON_GetObjectItemCaseSensitive(t, "image");
	if (!cJSON_IsString(d) || strlen(d->valuestring) >= DIGEST_MAX) {
		reply_unknown(r, "MANIFEST_UNKNOWN", "manifest unknown");
		return;
	}
	reply_text(r, MHD_HTTP_OK, "{\"schemaVersion\":2,\"mediaType\":"
	    "\"application/vnd.docker.distribution.manifest.v2+json\"}");
	reply_header(r, "Docker-Content-Digest", d->valuestring);
}

/*
 * /v2/TEAM/ARTIFACT/manifests/REF: a manifest of the tag's
 * "layer_digests"; else a made-up one (see the header comment); else,
 * as Pier One's tests have always had it, digest_manifest().
 */
static void
route_manifest(struct reply *r, struct MHD_Connection *c, const char *team,
    const char *art, const char *ref)
{
	struct sbuf	 sb = { 0 };
	struct mtag	 mt;
	cJSON		*tagdoc, *mdoc = NULL;
	const cJSON	*t = find_tag(&tagdoc, team, art, ref);
	int		 p;

	if (layers_manifest(&sb, t))
		set_reply(r, MHD_HTTP_OK, &sb);
	else if (find_part(&mt, &p, &mdoc, team, art, ref, false))
		reply_part(r, c, &mt, p);
	else
		digest_manifest(r, t);
	cJSON_Delete(mdoc);
	cJSON_Delete(tagdoc);
}

/* The file, relative to the data file's directory, of a layer digest. */
static char *
blob_file(const cJSON *tags, const char *digest)
{
	const cJSON	*tag, *d, *f;
	const char	*slash = strrchr(opt.data, '/');
	int		 dirlen = slash != NULL ? (int)(slash - opt.data) : 1;
	char		*path;

	cJSON_ArrayForEach(tag, tags) {
		d = cJSON_GetObjectItemCaseSensitive(tag, "layer_digests");
		for (int i = 0; i < cJSON_GetArraySize(d); i++) {
			f = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
			    tag, "layers"), i);
			if (!cJSON_IsString(cJSON_GetArrayItem(d, i)) ||
			    strcmp(cJSON_GetArrayItem(d, i)->valuestring,
			    digest) != 0 || !cJSON_IsString(f))
				continue;
			if (asprintf(&path, "%.*s/%s", dirlen, slash != NULL ?
			    opt.data : ".", f->valuestring) == -1)
				fail("out of memory");
			return path;
		}
	}
	return NULL;
}

/* /v2/TEAM/ARTIFACT/blobs/DIGEST: a layer file, or a made-up config. */
static void
route_blob(struct reply *r, struct MHD_Connection *c, const char *team,
    const char *art, const char *digest)
{
	const struct artifact	*a = find_artifact(find_team(team), art);
	cJSON			*tags = NULL;
	char			*path = NULL;
	struct stat		 st;
	struct mtag		 mt;
	int			 fd = -1, p;

	if (a != NULL && a->tags_json != NULL && opt.data != NULL &&
	    (tags = cJSON_Parse(a->tags_json)) != NULL)
		path = blob_file(tags, digest);
	if (path != NULL && (fd = open(path, O_RDONLY | O_CLOEXEC)) != -1 &&
	    fstat(fd, &st) == 0 && fd > 0) {
		reply_text(r, MHD_HTTP_OK, "");
		r->fd = fd;
		r->fsize = (uint64_t)st.st_size;
	} else {
		if (fd != -1)
			close(fd);
		cJSON_Delete(tags);
		if (find_part(&mt, &p, &tags, team, art, digest, true))
			reply_part(r, c, &mt, p);
		else
			reply_unknown(r, "BLOB_UNKNOWN",
			    "blob unknown to registry");
	}
	free(path);
	cJSON_Delete(tags);
}

/* Does the image id start with the prefix (with or without "sha256:")? */
static bool
image_matches(const char *image, const char *prefix)
{
	size_t	 n = strlen(prefix);

	if (strncmp(image, prefix, n) == 0)
		return true;
	return strncmp(image, "sha256:", 7) == 0 &&
	    strncmp(image + 7, prefix, n) == 0;
}

/* /tags/PREFIX: the tags of the one image the prefix names. */
static void
route_image(struct reply *r, const char *prefix)
{
	struct sbuf	 sb = { 0 };
	const char	*found = NULL;
	bool		 many = false;
	cJSON		*tagdoc;
	const cJSON	*t, *img, *name;

	sb_str(&sb, "[");
	for (size_t i = 0; i < nteams; i++)
		for (size_t j = 0; j < teams[i].narts; j++) {
			if (teams[i].arts[j].tags_json == NULL ||
			    (tagdoc = cJSON_Parse(teams[i].arts[j].tags_json))
			    == NULL)
				continue;
			cJSON_ArrayForEach(t, tagdoc) {
				img = cJSON_GetObjectItemCaseSensitive(t,
				    "image");
				name = cJSON_GetObjectItemCaseSensitive(t,
				    "name");
				if (!cJSON_IsString(img) || !cJSON_IsString(name) ||
				    !image_matches(img->valuestring, prefix))
					continue;
				if (found != NULL && strcmp(found,
				    img->valuestring) != 0)
					many = true;
				if (found == NULL)
					found = xstrdup(img->valuestring);
				sb_str(&sb, sb.len > 1 ? ",{\"team\":\"" :
				    "{\"team\":\"");
				sb_esc(&sb, teams[i].name);
				sb_str(&sb, "\",\"artifact\":\"");
				sb_esc(&sb, teams[i].arts[j].name);
				sb_str(&sb, "\",\"name\":\"");
				sb_esc(&sb, name->valuestring);
				sb_str(&sb, "\"}");
			}
			cJSON_Delete(tagdoc);
		}
	sb_str(&sb, "]");
	if (found == NULL)
		reply_msg(r, MHD_HTTP_NOT_FOUND, "Not found");
	else if (many)
		reply_msg(r, MHD_HTTP_PRECONDITION_FAILED, "Ambiguous prefix");
	else
		set_reply(r, MHD_HTTP_OK, &sb);
	if (found == NULL || many)
		free(sb.p);
	free((char *)found);
}

static void
route(struct reply *r, struct MHD_Connection *c, const char *raw, char **v,
    size_t n)
{
	bool	 t = n > 0 && strcmp(v[0], "teams") == 0;
	bool	 v2 = n > 0 && strcmp(v[0], "v2") == 0;

	if (t && n == 1)
		route_lists(r, false, NULL);
	else if (t && n == 3 && strcmp(v[2], "artifacts") == 0 &&
	    find_team(v[1]) != NULL)
		route_lists(r, false, find_team(v[1]));
	else if (t && n == 5 && strcmp(v[2], "artifacts") == 0 &&
	    strcmp(v[4], "tags") == 0)
		route_tags(r, v[1], v[3], false);
	else if (v2 && n == 2 && v[1][0] == '\0')
		reply_text(r, MHD_HTTP_OK, "{}");
	else if (v2 && n == 2 && strcmp(v[1], "_catalog") == 0)
		route_catalog(r, raw);
	else if (v2 && n == 5 && strcmp(v[3], "tags") == 0 &&
	    strcmp(v[4], "list") == 0)
		route_tag_list(r, v[1], v[2], raw);
	else if (v2 && n == 5 && strcmp(v[3], "manifests") == 0)
		route_manifest(r, c, v[1], v[2], v[4]);
	else if (v2 && n == 5 && strcmp(v[3], "blobs") == 0)
		route_blob(r, c, v[1], v[2], v[4]);
	else if (t && n == 7 && strcmp(v[2], "artifacts") == 0 &&
	    strcmp(v[4], "tags") == 0 && strcmp(v[6], "scm-source") == 0)
		route_scm(r, v[1], v[3], v[5]);
	else if (t && n == 6 && strcmp(v[2], "artifacts") == 0 &&
	    strcmp(v[4], "tags") == 0)
		route_tag(r, v[1], v[3], v[5]);
	else if (n == 2 && strcmp(v[0], "tags") == 0)
		route_image(r, v[1]);
	else
		reply_msg(r, MHD_HTTP_NOT_FOUND, "Not found");
}

static bool
is_mark(char **v, size_t n)
{
	return n == 7 && strcmp(v[0], "teams") == 0 &&
	    strcmp(v[2], "artifacts") == 0 && strcmp(v[4], "tags") == 0 &&
	    strcmp(v[6], "production-ready") == 0;
}

/*
 * Split first, then decode each segment, so that an escaped slash stays
 * inside its segment ("a%2Fb" is the one artifact "a/b").  Returns the
 * number of segments; 0 for paths that cannot match any route.
 */
static size_t
split_path(char *path, char **v)
{
	size_t	 n = 0;
	char	*s;

	if (*path++ != '/')
		return 0;
	while ((s = strsep(&path, "/")) != NULL) {
		/* An escaped NUL would cut the name short: reject it. */
		if (n == MAXSEG || MHD_http_unescape(s) != strlen(s))
			return 0;
		v[n++] = s;
	}
	return n;
}

static bool
forbidden(char **v, size_t n)
{
	size_t	 i;

	if (n < 2 || (strcmp(v[0], "teams") != 0 && strcmp(v[0], "v2") != 0))
		return false;
	for (i = 0; i < opt.nforbid; i++)
		if (strcmp(v[1], opt.forbid[i]) == 0)
			return true;
	return false;
}

/* Returns the decoded length, or -1; out must hold 3/4 of strlen(in). */
static long
b64decode(const char *in, unsigned char *out)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*q;
	uint32_t		 acc = 0;
	long			 n = 0;
	int			 bits = 0;

	for (; *in != '\0' && *in != '='; in++) {
		if ((q = strchr(b64, *in)) == NULL)
			return -1;
		acc = acc << 6 | (uint32_t)(q - b64);
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	while (*in == '=')
		in++;
	return *in == '\0' ? n : -1;
}

static bool
token_ok(const char *tok, size_t len)
{
	size_t	 i;

	for (i = 0; i < opt.ntokens; i++)
		if (strlen(opt.tokens[i]) == len &&
		    memcmp(opt.tokens[i], tok, len) == 0)
			return true;
	return false;
}

/* What follows "SCHEME " in the Authorization header, or NULL. */
static const char *
auth_param(struct MHD_Connection *c, const char *scheme)
{
	const char	*h;
	size_t		 n = strlen(scheme);

	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL || strncasecmp(h, scheme, n) != 0 || h[n] != ' ')
		return NULL;
	for (h += n; *h == ' '; h++)
		continue;
	return h;
}

/* HTTP Basic's "user:password", not NUL-terminated; -1 if none. */
static long
basic_creds(struct MHD_Connection *c, unsigned char *dec, size_t size)
{
	const char	*h;

	if ((h = auth_param(c, "Basic")) == NULL || strlen(h) >= size)
		return -1;
	return b64decode(h, dec);
}

/* Basic's "oauth2:TOKEN" (n bytes, -1 for none) with a --token. */
static bool
oauth2_ok(const unsigned char *dec, long n)
{
	return n >= 7 && memcmp(dec, "oauth2:", 7) == 0 &&
	    token_ok((const char *)dec + 7, (size_t)n - 7);
}

/*
 * --user, --client and --registry-user entries are "NAME:SECRET", just
 * what Basic encodes: compared whole, a secret may hold colons and any
 * bytes.
 */
static bool
pair_listed(const unsigned char *dec, long n, const char *const *list,
    size_t count)
{
	size_t	 i;

	for (i = 0; n >= 0 && i < count; i++)
		if (strlen(list[i]) == (size_t)n &&
		    memcmp(list[i], dec, (size_t)n) == 0)
			return true;
	return false;
}

/* "Bearer TOKEN" or "Basic base64(oauth2:TOKEN)". */
static bool
authorized(struct MHD_Connection *c)
{
	unsigned char	 dec[2048];
	const char	*h;

	if ((h = auth_param(c, "Bearer")) != NULL)
		return token_ok(h, strlen(h));
	return oauth2_ok(dec, basic_creds(c, dec, sizeof(dec)));
}

/* --auth basic: Basic oauth2:TOKEN, or a --registry-user. */
static bool
basic_registry(struct MHD_Connection *c)
{
	unsigned char	 dec[2048];
	long		 n = basic_creds(c, dec, sizeof(dec));

	return oauth2_ok(dec, n) ||
	    pair_listed(dec, n, opt.regusers, opt.nregusers);
}

/*
 * What a registry token must grant for the path, in Distribution's
 * terms; "" when any token of ours will do (the ping, for one).
 */
static char *
needed_scope(const char *path)
{
	struct sbuf	 sb = { 0 };
	char		*copy = xstrdup(path), *v[MAXSEG];
	size_t		 n = split_path(copy, v);

	sb_add(&sb, "", 0);
	if (n == 2 && strcmp(v[0], "v2") == 0 &&
	    strcmp(v[1], "_catalog") == 0)
		sb_str(&sb, "registry:catalog:*");
	else if (n >= 4 && strcmp(v[0], "v2") == 0) {
		sb_str(&sb, "repository:");
		sb_str(&sb, v[1]);
		sb_str(&sb, "/");
		sb_str(&sb, v[2]);
		sb_str(&sb, ":pull");
	}
	free(copy);
	return sb.p;
}

/* Is act one of the comma-separated actions, len bytes of list? */
static bool
action_listed(const char *list, size_t len, const char *act)
{
	size_t	 n, alen = strlen(act);

	for (;;) {
		for (n = 0; n < len && list[n] != ','; n++)
			continue;
		if (n == alen && memcmp(list, act, n) == 0)
			return true;
		if (n == len)
			return false;
		list += n + 1;
		len -= n + 1;
	}
}

/*
 * Does one of the granted "TYPE:NAME:ACTIONS" let need, "TYPE:NAME:ACT",
 * through?  The actions follow the last colon: a NAME may hold colons.
 */
static bool
scopes_cover(const char *g, const char *need)
{
	const char	*act = strrchr(need, ':') + 1, *colon;
	size_t		 tn = (size_t)(act - 1 - need), len;

	for (; *g != '\0'; g += len) {
		g += strspn(g, " ");
		len = strcspn(g, " ");
		colon = memrchr(g, ':', len);
		if (colon != NULL && (size_t)(colon - g) == tn &&
		    memcmp(g, need, tn) == 0 && action_listed(colon + 1,
		    (size_t)(g + len - colon - 1), act))
			return true;
	}
	return false;
}

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --auth bearer: a registry token of ours, alive, granting need. */
static bool
bearer_ok(struct MHD_Connection *c, const char *need)
{
	const char	*tok = auth_param(c, "Bearer");
	bool		 ok = false;
	size_t		 i;

	if (tok == NULL)
		return false;
	pthread_mutex_lock(&rtokens.lock);
	for (i = 0; i < rtokens.n; i++) {
		if (strcmp(rtokens.v[i].tok, tok) != 0)
			continue;
		ok = rtokens.v[i].expires > now_ms() && (*need == '\0' ||
		    scopes_cover(rtokens.v[i].scopes, need));
		break;
	}
	pthread_mutex_unlock(&rtokens.lock);
	return ok;
}

/* Distribution's 401: the challenge says where to log in. */
static void
reply_unauthorized(struct reply *r, const char *challenge)
{
	reply_v2err(r, MHD_HTTP_UNAUTHORIZED, "UNAUTHORIZED",
	    "authentication required");
	reply_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, challenge);
}

/* Docker's token protocol: realm, service and the scope to ask for. */
static void
reply_bearer_challenge(struct reply *r, const char *scope)
{
	struct sbuf	 sb = { 0 };

	sb_str(&sb, "Bearer realm=\"");
	sb_str(&sb, realm);
	sb_str(&sb, "\",service=\"" SERVICE "\"");
	if (scope_ok(scope)) {
		sb_str(&sb, ",scope=\"");
		sb_str(&sb, scope);
		sb_str(&sb, "\"");
	}
	reply_unauthorized(r, sb.p);
	free(sb.p);
}

/* --api: Distribution knows nothing but /v2/; Pier One-only lacks it. */
static bool
api_hidden(struct reply *r, const char *path)
{
	bool	 v2 = strncmp(path, "/v2/", 4) == 0;

	if (opt.api == API_V2 && !v2 && opt.portal) {
		reply_text(r, MHD_HTTP_OK, "<!doctype html><html><head><title>"
		    "Registry</title></head><body></body></html>\n");
		reply_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    "text/html; charset=utf-8");
		return true;
	}
	if (opt.api == API_V2 && !v2) {
		reply_text(r, MHD_HTTP_NOT_FOUND, "404 page not found\n");
		reply_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    "text/plain; charset=utf-8");
		return true;
	}
	if (opt.api == API_PIERONE && v2) {
		reply_msg(r, MHD_HTTP_NOT_FOUND, "Not found");
		return true;
	}
	return false;
}

/* False, with the 401 in r, if the request lacks what --auth wants. */
static bool
registry_auth(struct reply *r, struct MHD_Connection *c, const char *path)
{
	char	*need;
	bool	 ok;

	switch (opt.auth) {
	case AUTH_NONE:
		return true;
	case AUTH_BASIC:
		if (!(ok = basic_registry(c)))
			reply_unauthorized(r, BASIC_REALM);
		return ok;
	case AUTH_BEARER:
		need = needed_scope(path);
		if (!(ok = bearer_ok(c, need)))
			reply_bearer_challenge(r, need);
		free(need);
		return ok;
	default:
		if (!(ok = authorized(c))) {
			reply_msg(r, MHD_HTTP_UNAUTHORIZED, "Unauthorized");
			reply_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
			    "Bearer realm=\"fake-registry\"");
		}
		return ok;
	}
}

/*
 * The token service's routes, told apart by the raw path before the
 * body arrives: only the OAuth2 route keeps its body.
 */
static enum svc
token_route(const char *path)
{
	if (strcmp(path, "/access_token") == 0)
		return S_TOKEN;
	if (strcmp(path, "/oauth2/access_token") == 0)
		return S_OAUTH2;
	if (opt.auth == AUTH_BEARER && strcmp(path, "/auth/token") == 0)
		return S_REGTOKEN;
	return S_NONE;
}

/* Basic credentials, a --user or --client (list) entry. */
static bool
basic_ok(struct MHD_Connection *c, const char *const *list, size_t n)
{
	unsigned char	 dec[2048];

	return pair_listed(dec, basic_creds(c, dec, sizeof(dec)), list, n);
}

/* The password grant's username and password, against --user. */
static bool
user_ok(const char *name, const char *password)
{
	const char	*colon;
	size_t		 i, n = strlen(name);

	for (i = 0; i < opt.nusers; i++) {
		colon = strchr(opt.users[i], ':');
		if ((size_t)(colon - opt.users[i]) == n &&
		    strncmp(opt.users[i], name, n) == 0 &&
		    strcmp(colon + 1, password) == 0)
			return true;
	}
	return false;
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Form decoding, in place: '+' is a space, %XX a byte.  Strict on
 * purpose: a client that forgets to encode a '%' in a password should
 * fail here, not pass by luck.  An escaped NUL would cut the value
 * short, so it is refused too.
 */
static bool
form_unescape(char *s)
{
	char	*d = s;
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '+')
			*d++ = ' ';
		else if (*s != '%')
			*d++ = *s;
		else if ((hi = hexval(s[1])) < 0 || (lo = hexval(s[2])) < 0 ||
		    (hi == 0 && lo == 0))
			return false;
		else {
			*d++ = (char)(hi << 4 | lo);
			s += 2;
		}
	}
	*d = '\0';
	return true;
}

/* Splits and decodes s in place; false if malformed or too long. */
static bool
form_parse(char *s, struct form *f)
{
	char	*pair, *eq;

	f->n = 0;
	while ((pair = strsep(&s, "&")) != NULL) {
		if (*pair == '\0')
			continue;
		if (f->n == FORM_MAX)
			return false;
		if ((eq = strchr(pair, '=')) != NULL)
			*eq++ = '\0';
		if (!form_unescape(pair) || (eq != NULL && !form_unescape(eq)))
			return false;
		f->name[f->n] = pair;
		f->value[f->n++] = eq != NULL ? eq : "";
	}
	return true;
}

/* 1 found, 0 absent, -1 sent twice (RFC 6749 §3.1 and §3.2 forbid it). */
static int
form_get(const struct form *f, const char *name, const char **value)
{
	size_t	 i;
	int	 found = 0;

	*value = NULL;
	for (i = 0; i < f->n; i++) {
		if (strcmp(f->name[i], name) != 0)
			continue;
		if (found++ > 0)
			return -1;
		*value = f->value[i];
	}
	return found;
}

/*
 * RFC 6749 §3.3: space-separated printable ASCII, less '"' and '\'.
 * Also what makes the scope safe to echo into the JSON answer.
 */
static bool
scope_ok(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	if (*p == '\0')
		return false;
	for (; *p != '\0'; p++)
		if (*p != ' ' && (*p < 0x21 || *p > 0x7e || *p == '"' ||
		    *p == '\\'))
			return false;
	return true;
}

/*
 * RFC 6749 §5.2.  Every 401 carries WWW-Authenticate, as HTTP wants,
 * even invalid_grant: Zalando's service answered that one with 401.
 */
static void
reply_error(struct reply *r, unsigned status, const char *error)
{
	char	 buf[80];

	snprintf(buf, sizeof(buf), "{\"error\": \"%s\"}", error);
	reply_text(r, status, buf);
	if (status == MHD_HTTP_UNAUTHORIZED)
		reply_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, SVC_REALM);
}

/* RFC 6749 §5.1, or --token-response verbatim to test broken ones. */
static void
reply_token(struct reply *r, const char *scope)
{
	struct sbuf	 sb = { 0 };
	char		 num[48];

	if (opt.token_response != NULL) {
		reply_text(r, MHD_HTTP_OK, opt.token_response);
		return;
	}
	sb_str(&sb, "{\"access_token\": \"");
	sb_esc(&sb, opt.issue);
	sb_str(&sb, "\"");
	if (!opt.no_expiry) {
		snprintf(num, sizeof(num), ", \"expires_in\": %lu",
		    opt.expires_in);
		sb_str(&sb, num);
	}
	sb_str(&sb, ", \"token_type\": \"Bearer\", \"scope\": \"");
	sb_str(&sb, scope);
	sb_str(&sb, "\"}");
	set_reply(r, MHD_HTTP_OK, &sb);
}

static void
reply_method(struct reply *r, const char *allow)
{
	reply_msg(r, MHD_HTTP_METHOD_NOT_ALLOWED, "Method not allowed");
	reply_header(r, MHD_HTTP_HEADER_ALLOW, allow);
}

/* GET /access_token?json=true&scope=uid[&realm=R], a user's Basic. */
static void
route_access_token(struct reply *r, struct MHD_Connection *c,
    const struct request *rq, const char *method)
{
	struct form	 f;
	const char	*json, *scope, *q = strchr(rq->raw, '?');
	char		*query = xstrdup(q != NULL ? q + 1 : "");

	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0)
		reply_method(r, MHD_HTTP_METHOD_GET);
	else if (!basic_ok(c, opt.users, opt.nusers))
		reply_error(r, MHD_HTTP_UNAUTHORIZED, "invalid_grant");
	else if (!form_parse(query, &f) || form_get(&f, "json", &json) != 1 ||
	    strcmp(json, "true") != 0 || form_get(&f, "scope", &scope) != 1)
		reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid_request");
	else if (!scope_ok(scope))
		reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid_scope");
	else
		reply_token(r, scope);
	free(query);
}

/* The media type, less parameters such as "; charset=UTF-8". */
static bool
form_posted(struct MHD_Connection *c)
{
	static const char	 type[] = "application/x-www-form-urlencoded";
	const char		*h;

	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	return h != NULL && strncasecmp(h, type, sizeof(type) - 1) == 0 &&
	    strchr("; \t", h[sizeof(type) - 1]) != NULL;
}

/*
 * RFC 6749 §4.3.2, the password grant; the client authenticates with
 * HTTP Basic only (§2.3.1 also allows the body: pierone never does).
 * Missing or repeated parameters are invalid_request (§5.2).
 */
static void
route_oauth2(struct reply *r, struct MHD_Connection *c, struct request *rq,
    const char *method)
{
	struct form	 f;
	const char	*grant, *user, *pass, *scope;
	int		 ns;

	sb_add(&rq->body, "", 0);	/* an empty body is still a string */
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
		reply_method(r, MHD_HTTP_METHOD_POST);
	else if (rq->toobig)
		reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE, "invalid_request");
	else if (!basic_ok(c, opt.clients, opt.nclients))
		reply_error(r, MHD_HTTP_UNAUTHORIZED, "invalid_client");
	else if (!form_posted(c) || !form_parse(rq->body.p, &f) ||
	    form_get(&f, "grant_type", &grant) != 1)
		reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid_request");
	else if (strcmp(grant, "password") != 0)
		reply_error(r, MHD_HTTP_BAD_REQUEST, "unsupported_grant_type");
	else if (form_get(&f, "username", &user) != 1 ||
	    form_get(&f, "password", &pass) != 1 ||
	    (ns = form_get(&f, "scope", &scope)) < 0)
		reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid_request");
	else if (ns == 1 && !scope_ok(scope))
		reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid_scope");
	else if (!user_ok(user, pass))
		reply_error(r, MHD_HTTP_UNAUTHORIZED, "invalid_grant");
	else
		reply_token(r, ns == 1 ? scope : "uid");
}

/*
 * A token for every scope asked for, space-separated into the table;
 * it never equals a --token, so that only this path can yield it.
 */
static char *
rtoken_issue(char *scopes)
{
	char		 buf[64], *p;
	uint64_t	 rnd;
	int64_t		 now = now_ms();
	size_t		 i = 0;

	pthread_mutex_lock(&rtokens.lock);
	while (i < rtokens.n) {		/* the expired are of no more use */
		if (rtokens.v[i].expires > now) {
			i++;
			continue;
		}
		free(rtokens.v[i].tok);
		free(rtokens.v[i].scopes);
		rtokens.v[i] = rtokens.v[--rtokens.n];
	}
	do {
		if (getentropy(&rnd, sizeof(rnd)) != 0)
			rnd = mix((uint64_t)now ^ rtokens.issued);
		p = put_num(stpcpy(buf, "rt-"), ++rtokens.issued, 1);
		*p++ = '-';
		*put_hex64(p, rnd) = '\0';
	} while (token_ok(buf, strlen(buf)));
	rtokens.v = xrealloc(rtokens.v, rtokens.n + 1, sizeof(*rtokens.v));
	rtokens.v[rtokens.n++] = (struct rtoken){ xstrdup(buf), scopes,
	    now + (int64_t)opt.rt_ttl * 1000 };
	pthread_mutex_unlock(&rtokens.lock);
	return xstrdup(buf);
}

static void
reply_rtoken(struct reply *r, const struct form *f)
{
	struct sbuf	 scopes = { 0 }, sb = { 0 };
	char		 when[32], *tok;
	time_t		 now = time(NULL);
	struct tm	 tm;
	size_t		 i;

	sb_add(&scopes, "", 0);
	for (i = 0; i < f->n; i++) {
		if (strcmp(f->name[i], "scope") != 0)
			continue;
		sb_str(&scopes, scopes.len > 0 ? " " : "");
		sb_str(&scopes, f->value[i]);
	}
	tok = rtoken_issue(scopes.p);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	sb_str(&sb, "{\"token\":\"");
	sb_str(&sb, tok);
	sb_str(&sb, "\",\"access_token\":\"");
	sb_str(&sb, tok);
	sb_str(&sb, "\",\"expires_in\":");
	sb_num(&sb, opt.rt_ttl);
	sb_str(&sb, ",\"issued_at\":\"");
	sb_str(&sb, when);
	sb_str(&sb, "\"}");
	set_reply(r, MHD_HTTP_OK, &sb);
	free(tok);
}

/*
 * GET /auth/token?service=fake-registry[&scope=S]...: Docker's token
 * protocol, for --auth bearer.  Basic credentials must be good by --auth
 * basic's rules; none at all will do with --anonymous.
 */
static void
route_regtoken(struct reply *r, struct MHD_Connection *c,
    const struct request *rq, const char *method)
{
	struct form	 f;
	const char	*service, *q = strchr(rq->raw, '?');
	char		*query = xstrdup(q != NULL ? q + 1 : "");
	bool		 sent = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION) != NULL;

	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0)
		reply_method(r, MHD_HTTP_METHOD_GET);
	else if (!form_parse(query, &f) ||
	    form_get(&f, "service", &service) != 1 ||
	    strcmp(service, SERVICE) != 0)
		reply_v2err(r, MHD_HTTP_BAD_REQUEST, "DENIED", "bad service");
	else if (sent ? !basic_registry(c) : !opt.anonymous)
		reply_unauthorized(r, BASIC_REALM);
	else
		reply_rtoken(r, &f);
	free(query);
}

/* Only the OAuth2 route and POSTs read their body; others let it go. */
static void
keep_body(struct request *rq, const char *data, size_t n)
{
	if ((rq->svc != S_OAUTH2 && !rq->post) || rq->toobig)
		return;
	if (n > BODY_MAX - rq->body.len) {
		rq->toobig = true;
		free(rq->body.p);
		rq->body = (struct sbuf){ 0 };
		return;
	}
	sb_add(&rq->body, data, n);
}

/* The first fault that matches and has budget left; takes the budget. */
static struct fault *
match_fault(const char *path)
{
	struct fault	*f;
	size_t		 i;
	long		 n;

	for (i = 0; i < opt.nfaults; i++) {
		f = &opt.faults[i];
		if (f->substr != NULL && strstr(path, f->substr) == NULL)
			continue;
		if (!f->counted)
			return f;
		n = atomic_load(&f->left);
		while (n > 0 && !atomic_compare_exchange_weak(&f->left, &n,
		    n - 1))
			continue;
		if (n > 0)
			return f;
	}
	return NULL;
}

/*
 * One write() to an O_APPEND descriptor keeps concurrent lines whole.
 * " auth" ends the line of a request that carried an Authorization
 * header, whatever its value (which is never logged): a test can tell
 * that no token went where it must not.
 */
static void
log_request(struct MHD_Connection *c, const char *method, const char *raw,
    unsigned status)
{
	size_t	 size = strlen(method) + strlen(raw) + 24;
	bool	 auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION) != NULL;
	char	*line, *p;
	int	 n;

	if (opt.logfd == -1)
		return;
	line = xrealloc(NULL, size, 1);
	n = snprintf(line, size, "%s %s %u%s\n", method, raw, status,
	    auth ? " auth" : "");
	for (p = line; p < line + n - 1; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';	/* one request, one line */
	if (write(opt.logfd, line, (size_t)n) != n) {
		/* Nothing better to do: the test reading it will notice. */
	}
	free(line);
}

static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream	*st = cls;
	size_t		 end = st->slow ? st->len : st->len / 2;

	/* An error, not the end: MHD closes the connection mid-body. */
	if (pos >= end)
		return st->slow ? MHD_CONTENT_READER_END_OF_STREAM :
		    MHD_CONTENT_READER_END_WITH_ERROR;
	if (st->slow) {
		if (!sleep_ms(50))
			return MHD_CONTENT_READER_END_WITH_ERROR;
		max = 1;
	}
	if (max > end - pos)
		max = end - (size_t)pos;
	memcpy(buf, st->body + pos, max);
	return (ssize_t)max;
}

static void
stream_free(void *cls)
{
	struct stream	*st = cls;

	free(st->body);
	free(st);
}

/* ["aaa…","aaa…",…]: HUGE_ITEM * k + 1 bytes, close to what was asked. */
static uint64_t
huge_size(uint64_t want)
{
	return (want > HUGE_ITEM ? (want - 1) / HUGE_ITEM : 1) * HUGE_ITEM + 1;
}

/* Each byte follows from its offset: nothing is held in memory. */
static ssize_t
huge_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	uint64_t	 size = huge_size(*(uint64_t *)cls);
	unsigned	 k = (unsigned)((pos + HUGE_ITEM - 1) % HUGE_ITEM);
	size_t		 i;

	if (pos >= size)
		return MHD_CONTENT_READER_END_OF_STREAM;
	for (i = 0; i < max && pos + i < size; i++, k = (k + 1) % HUGE_ITEM) {
		if (pos + i == 0 || pos + i == size - 1)
			buf[i] = pos + i == 0 ? '[' : ']';
		else if (k == 0 || k == HUGE_ITEM - 2)
			buf[i] = '"';
		else
			buf[i] = k == HUGE_ITEM - 1 ? ',' : 'a';
	}
	return (ssize_t)i;
}

/* "endless": bytes until the client hangs up (or we are told to quit). */
static ssize_t
endless_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls, (void)pos;
	if (atomic_load(&quit))
		return MHD_CONTENT_READER_END_WITH_ERROR;
	memset(buf, 'x', max);
	return (ssize_t)max;
}

static struct MHD_Response *
make_response(struct reply *r)
{
	struct stream	*st;

	if (r->fd > 0) {	/* MHD closes the file when done with it */
		free(r->body);
		return MHD_create_response_from_fd(r->fsize, r->fd);
	}
	if (r->how == F_HUGE)
		return MHD_create_response_from_callback(huge_size(*r->huge),
		    65536, huge_read, r->huge, NULL);
	if (r->how == F_ENDLESS)
		return MHD_create_response_from_callback(MHD_SIZE_UNKNOWN,
		    65536, endless_read, NULL, NULL);
	if (r->how != F_TRUNC && r->how != F_SLOW)
		return MHD_create_response_from_buffer(r->len, r->body,
		    MHD_RESPMEM_MUST_FREE);
	st = xrealloc(NULL, 1, sizeof(*st));
	st->body = r->body;
	st->len = r->len;
	st->slow = r->how == F_SLOW;
	return MHD_create_response_from_callback(r->len, 16384, stream_read,
	    st, stream_free);
}

/* X-Filler-N lines of `line` bytes, about `bytes` in all. */
static void
add_filler(struct MHD_Response *resp, uint64_t bytes, uint64_t line)
{
	char	 name[32], *value = xrealloc(NULL, line + 1, 1);

	memset(value, 'f', line);
	value[line] = '\0';
	for (uint64_t i = 0; i * line < bytes; i++) {
		snprintf(name, sizeof(name), "X-Filler-%llu",
		    (unsigned long long)i);
		MHD_add_response_header(resp, name, value);
	}
	free(value);
}

static enum MHD_Result
send_reply(struct MHD_Connection *c, const struct request *rq,
    const char *method, struct reply *r)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 ret;
	bool			 typed = false;
	size_t			 i;

	resp = make_response(r);
	for (i = 0; i < r->nhdr; i++)
		typed = typed || strcasecmp(r->hname[i],
		    MHD_HTTP_HEADER_CONTENT_TYPE) == 0;
	if (resp != NULL && !typed)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    "application/json");
	for (i = 0; i < r->nhdr; i++) {
		if (resp != NULL)
			MHD_add_response_header(resp, r->hname[i],
			    r->hvalue[i]);
		free(r->hvalue[i]);
	}
	if (resp != NULL && r->filler > 0)
		add_filler(resp, r->filler, r->line);
	if (resp == NULL)
		return MHD_NO;
	log_request(c, method, rq->raw, r->status);
	ret = MHD_queue_response(c, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The faults that replace the answer altogether. */
static enum MHD_Result
send_fault(struct MHD_Connection *c, const struct request *rq,
    const char *method, struct fault *f)
{
	struct reply	 r = { .status = MHD_HTTP_OK };

	switch (f->mode) {
	case F_HANG:
		log_request(c, method, rq->raw, 0);	/* 0: no answer */
		while (sleep_ms(1000))
			continue;
		return MHD_NO;
	case F_STATUS:
		reply_msg(&r, (unsigned)f->arg, "injected");
		break;
	case F_RETRY:
		reply_msg(&r, MHD_HTTP_TOO_MANY_REQUESTS, "injected");
		reply_header(&r, MHD_HTTP_HEADER_RETRY_AFTER, f->retry);
		break;
	case F_INVALID:
		reply_text(&r, MHD_HTTP_OK, "{\"this is\": not json");
		break;
	case F_SHAPE:
		reply_text(&r, MHD_HTTP_OK, "{\"unexpected\": \"object\"}");
		break;
	case F_REDIRECT: {
		/* '^' stands for the '@' a fault spec cannot hold */
		char	*loc = xstrdup(f->retry), *at;

		for (at = loc; (at = strchr(at, '^')) != NULL; at++)
			*at = '@';
		reply_msg(&r, MHD_HTTP_FOUND, "redirected");
		reply_header(&r, MHD_HTTP_HEADER_LOCATION, loc);
		free(loc);
		break;
	}
	case F_ENDLESS:
		r.how = F_ENDLESS;
		break;
	case F_HEADERS:
	case F_HEADER_LINE:
		reply_msg(&r, MHD_HTTP_OK, "big headers");
		r.filler = f->arg;
		r.line = f->mode == F_HEADERS ? FILLER_LINE : f->arg;
		break;
	default:
		r.how = F_HUGE;
		r.huge = &f->arg;
		break;
	}
	return send_reply(c, rq, method, &r);
}

/*
 * Order: delay, --api, auth, faults, method, forbidden teams, routes.
 * The token services have no registry token to show (they are where
 * tokens come from): they skip --api and auth, and check their own
 * credentials after the faults.
 */
static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req_cls)
{
	struct request	*rq = *req_cls;
	struct reply	 r = { 0 };
	struct fault	*f;
	char		*v[MAXSEG];
	size_t		 n;

	(void)cls, (void)url, (void)version;
	/* Answering before the request is all in would cost keep-alive. */
	if (!rq->started || *upload_size != 0) {
		if (rq->started)
			keep_body(rq, upload, *upload_size);
		rq->post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
		rq->started = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (!sleep_ms(opt.delay_ms))
		return MHD_NO;
	if (rq->svc == S_NONE && (api_hidden(&r, rq->path) ||
	    !registry_auth(&r, c, rq->path)))
		return send_reply(c, rq, method, &r);
	f = match_fault(rq->path);
	if (f != NULL && f->mode != F_TRUNC && f->mode != F_SLOW)
		return send_fault(c, rq, method, f);
	n = split_path(rq->path, v);
	if (rq->svc == S_TOKEN)
		route_access_token(&r, c, rq, method);
	else if (rq->svc == S_OAUTH2)
		route_oauth2(&r, c, rq, method);
	else if (rq->svc == S_REGTOKEN)
		route_regtoken(&r, c, rq, method);
	else if (is_mark(v, n) != (strcmp(method, MHD_HTTP_METHOD_POST) == 0)
	    || (!is_mark(v, n) && strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0))
		reply_msg(&r, MHD_HTTP_METHOD_NOT_ALLOWED, "Method not allowed");
	else if (forbidden(v, n))
		reply_msg(&r, MHD_HTTP_FORBIDDEN, "Forbidden");
	else if (is_mark(v, n))
		route_mark(&r, rq, v[1], v[3], v[5]);
	else
		route(&r, c, rq->raw, v, n);
	r.how = f != NULL ? f->mode : F_NONE;
	return send_reply(c, rq, method, &r);
}

/* Called before MHD cuts and decodes the URL: the target as sent. */
static void *
uri_start(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct request	*rq;
	size_t		 rawlen = strlen(uri), plen = strcspn(uri, "?");

	(void)cls, (void)c;
	rq = xrealloc(NULL, 1, sizeof(*rq) + rawlen + plen + 2);
	rq->started = false;
	rq->toobig = false;
	rq->post = false;
	rq->body = (struct sbuf){ 0 };
	rq->raw = memcpy(rq->buf, uri, rawlen + 1);
	rq->path = rq->buf + rawlen + 1;
	memcpy(rq->path, uri, plen);
	rq->path[plen] = '\0';
	/*
	 * One fake, many registry URLs: a first segment "/_NAME" is dropped,
	 * so that http://127.0.0.1:PORT/_a and .../_b are two registries to
	 * a client (Docker config keys) and one server here.
	 */
	if (strncmp(rq->path, "/_", 2) == 0)
		rq->path += strcspn(rq->path + 1, "/") + 1;
	rq->svc = token_route(rq->path);
	return rq;
}

static void
request_done(void *cls, struct MHD_Connection *c, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct request	*rq = *req_cls;

	(void)cls, (void)c, (void)toe;
	if (rq != NULL)
		free(rq->body.p);
	free(rq);
	*req_cls = NULL;
}

/* Leave escapes alone: routing decodes each segment after splitting. */
static size_t
keep_raw(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls, (void)c;
	return strlen(s);
}

static struct team *
new_team(const char *name)
{
	if (find_team(name) != NULL)
		fail("duplicate team \"%s\"", name);
	teams = xrealloc(teams, nteams + 1, sizeof(*teams));
	teams[nteams] = (struct team){ .name = xstrdup(name) };
	return &teams[nteams++];
}

static struct artifact *
new_artifact(struct team *t, const char *name)
{
	t->arts = xrealloc(t->arts, t->narts + 1, sizeof(*t->arts));
	t->arts[t->narts] = (struct artifact){ .name = xstrdup(name) };
	return &t->arts[t->narts++];
}

/* Tags are kept as text: served verbatim, and read-only when shared. */
static void
load_artifact(struct team *t, const cJSON *ja)
{
	struct artifact	*a = new_artifact(t, ja->string);
	struct sbuf	 sb = { 0 };
	const cJSON	*tag, *name;

	if ((a->tags_json = cJSON_PrintUnformatted(ja)) == NULL)
		fail("out of memory");
	sb_str(&sb, "[");
	cJSON_ArrayForEach(tag, ja) {
		name = cJSON_GetObjectItemCaseSensitive(tag, "name");
		if (!cJSON_IsString(name))
			continue;	/* odd tags stay in the full list only */
		sb_str(&sb, sb.len > 1 ? ",\"" : "\"");
		sb_esc(&sb, name->valuestring);
		sb_str(&sb, "\"");
	}
	sb_str(&sb, "]");
	a->names_json = sb.p;
}

static void
load_data(const char *file)
{
	const cJSON	*jteams, *jt, *ja;
	struct team	*t;
	struct sbuf	 sb = { 0 };
	char		 buf[65536];
	size_t		 n;
	FILE		*fp;

	if ((fp = fopen(file, "r")) == NULL)
		fail("%s: %s", file, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		sb_add(&sb, buf, n);
	if (!ferror(fp) && sb.p != NULL)
		doc = cJSON_ParseWithLength(sb.p, sb.len);
	fclose(fp);
	free(sb.p);
	if (doc == NULL)
		fail("%s: unreadable, or not valid JSON", file);
	jteams = cJSON_GetObjectItemCaseSensitive(doc, "teams");
	if (!cJSON_IsObject(jteams))
		fail("%s: expected {\"teams\": {...}}", file);
	cJSON_ArrayForEach(jt, jteams) {
		if (!cJSON_IsObject(jt))
			fail("%s: team \"%s\" is not an object", file,
			    jt->string);
		t = new_team(jt->string);
		cJSON_ArrayForEach(ja, jt) {
			if (!cJSON_IsArray(ja))
				fail("%s: artifact \"%s/%s\" is not an array",
				    file, jt->string, ja->string);
			load_artifact(t, ja);
		}
	}
	cJSON_Delete(doc);
	doc = NULL;
}

static bool
parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char	*end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' && *out <= max;
}

static unsigned long
num_arg(const char *name, const char *s, unsigned long max)
{
	unsigned long	 v;

	if (!parse_ulong(s, max, &v))
		fail("%s %s: not a number up to %lu", name, s, max);
	return v;
}

/* TEAM:NARTIFACTS:NTAGS; the team name may itself hold colons. */
static void
add_gen(const char *spec, uint64_t *seed)
{
	unsigned long	 i, nart = 0, ntag = 0;
	char		*s = xstrdup(spec), *c1 = NULL, *c2, name[32];
	struct team	*t = NULL;
	bool		 ok;

	if ((c2 = strrchr(s, ':')) != NULL) {
		*c2++ = '\0';
		c1 = strrchr(s, ':');
	}
	ok = c1 != NULL && c1 != s;
	if (ok)
		*c1++ = '\0';
	ok = ok && parse_ulong(c1, 1000000, &nart) &&
	    parse_ulong(c2, 10000000, &ntag);
	if (ok)
		t = new_team(s);
	free(s);
	if (!ok)
		fail("--gen %s: expected TEAM:NARTIFACTS:NTAGS", spec);
	for (i = 0; i < nart; i++) {
		snprintf(name, sizeof(name), "app-%04lu", i);
		new_artifact(t, name)->ngen = ntag;
		t->arts[i].seed = (*seed)++;
	}
}

/* MODE[@SUBSTRING][#COUNT]: paths never hold '#', modes never '@'. */
static void
parse_fault(struct fault *f, const char *spec)
{
	unsigned long	 v = 0;
	size_t		 len = 0;
	char		*p, *arg;

	f->spec = xstrdup(spec);
	if ((p = strchr(f->spec, '#')) != NULL) {
		*p++ = '\0';
		f->counted = true;
		if (!parse_ulong(p, LONG_MAX, &v))
			fail("--fault %s: bad count", spec);
		atomic_init(&f->left, (long)v);
	}
	if ((p = strchr(f->spec, '@')) != NULL) {
		*p++ = '\0';
		f->substr = *p != '\0' ? p : NULL;
	}
	for (f->mode = F_LAST; f->mode > F_NONE; f->mode--) {
		len = strlen(fmodes[f->mode]);
		if (fmodes[f->mode][len - 1] == '=' ?
		    strncmp(f->spec, fmodes[f->mode], len) == 0 :
		    strcmp(f->spec, fmodes[f->mode]) == 0)
			break;
	}
	arg = f->spec + (f->mode != F_NONE ? len : 0);
	if (f->mode == F_NONE ||
	    (f->mode == F_STATUS && (!parse_ulong(arg, 599, &v) || v < 100)) ||
	    ((f->mode == F_HUGE || f->mode == F_HEADERS ||
	    f->mode == F_HEADER_LINE) && !parse_ulong(arg, ULONG_MAX, &v)) ||
	    (f->mode == F_HEADER_LINE && v == 0) ||
	    ((f->mode == F_RETRY || f->mode == F_REDIRECT) &&
	    (*arg == '\0' || strpbrk(arg, "\r\n"))))
		fail("--fault %s: bad fault", spec);
	f->arg = v;
	f->retry = arg;
}

/* NAME:SECRET; not echoed when wrong, as it may be a real password. */
static const char *
pair_arg(const char *name, const char *form, const char *s)
{
	if (strchr(s, ':') == NULL)
		fail("%s: expected %s", name, form);
	return s;
}

/* One of the words (NULL-terminated); returns its index. */
static int
word_arg(const char *name, const char *s, const char *const *words)
{
	int	 i;

	if ((i = word_index(s, words)) < 0)
		fail("%s %s: unknown value", name, s);
	return i;
}

/* "none" leaves expires_in out, for clients that must cope without. */
static void
expires_arg(const char *s)
{
	opt.no_expiry = strcmp(s, "none") == 0;
	if (!opt.no_expiry)
		opt.expires_in = num_arg("--expires-in", s, ULONG_MAX);
}

/* Appending, so that several servers (or runs) can share one log. */
static void
open_log(const char *file)
{
	if (opt.logfd != -1)
		close(opt.logfd);
	opt.logfd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (opt.logfd == -1)
		fail("%s: %s", file, strerror(errno));
}

/* --body-log: what was POSTed, one body a line. */
static void
open_body_log(const char *file)
{
	if (opt.bodylogfd != -1)
		close(opt.bodylogfd);
	opt.bodylogfd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644);
	if (opt.bodylogfd == -1)
		fail("%s: %s", file, strerror(errno));
}

/* The options that make it play Distribution; false if ch is none. */
static bool
distribution_arg(int ch)
{
	if (ch == 'a') {
		opt.api = (enum api)word_arg("--api", optarg, apis);
		/* v2, with a web portal answering every other path. */
		if ((opt.portal = opt.api == API_V2_PORTAL))
			opt.api = API_V2;
	} else if (ch == 'A')
		opt.auth = (enum auth)word_arg("--auth", optarg, auths);
	else if (ch == 'U')
		opt.regusers[opt.nregusers++] = pair_arg("--registry-user",
		    "NAME:SECRET", optarg);
	else if (ch == 'r')
		opt.realm_url = optarg;
	else if (ch == 'n')
		opt.anonymous = true;
	else if (ch == 'T')
		opt.rt_ttl = num_arg("--registry-token-ttl", optarg, TTL_MAX);
	else if (ch == 's')
		opt.page_size = num_arg("--page-size", optarg, 10000000);
	else if (ch == 'S')
		opt.short_pages = true;
	else if (ch == 'L')
		opt.link = (enum link)word_arg("--link-style", optarg, links);
	else
		return false;
	return true;
}

static void
parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "token", required_argument, NULL, 't' },
		{ "port", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "delay-ms", required_argument, NULL, 'D' },
		{ "forbid", required_argument, NULL, 'F' },
		{ "fault", required_argument, NULL, 'f' },
		{ "log", required_argument, NULL, 'l' },
		{ "gen", required_argument, NULL, 'g' },
		{ "user", required_argument, NULL, 'u' },
		{ "client", required_argument, NULL, 'c' },
		{ "issue", required_argument, NULL, 'i' },
		{ "expires-in", required_argument, NULL, 'e' },
		{ "token-response", required_argument, NULL, 'R' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "api", required_argument, NULL, 'a' },
		{ "auth", required_argument, NULL, 'A' },
		{ "registry-user", required_argument, NULL, 'U' },
		{ "realm-url", required_argument, NULL, 'r' },
		{ "anonymous", no_argument, NULL, 'n' },
		{ "registry-token-ttl", required_argument, NULL, 'T' },
		{ "page-size", required_argument, NULL, 's' },
		{ "short-pages", no_argument, NULL, 'S' },
		{ "link-style", required_argument, NULL, 'L' },
		{ "body-log", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	/* No option can be given more often than there are arguments. */
	opt.tokens = xrealloc(NULL, (size_t)argc + 1, sizeof(*opt.tokens));
	opt.forbid = xrealloc(NULL, (size_t)argc, sizeof(*opt.forbid));
	opt.gens = xrealloc(NULL, (size_t)argc, sizeof(*opt.gens));
	opt.users = xrealloc(NULL, (size_t)argc, sizeof(*opt.users));
	opt.clients = xrealloc(NULL, (size_t)argc, sizeof(*opt.clients));
	opt.regusers = xrealloc(NULL, (size_t)argc, sizeof(*opt.regusers));
	opt.faults = xrealloc(NULL, (size_t)argc, sizeof(*opt.faults));
	memset(opt.faults, 0, (size_t)argc * sizeof(*opt.faults));
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'd')
			opt.data = optarg;
		else if (ch == 't')
			opt.tokens[opt.ntokens++] = optarg;
		else if (ch == 'p')
			opt.port = num_arg("--port", optarg, 65535);
		else if (ch == 'P')
			opt.port_file = optarg;
		else if (ch == 'D')
			opt.delay_ms = num_arg("--delay-ms", optarg, 3600000);
		else if (ch == 'F')
			opt.forbid[opt.nforbid++] = optarg;
		else if (ch == 'f')
			parse_fault(&opt.faults[opt.nfaults++], optarg);
		else if (ch == 'g')
			opt.gens[opt.ngens++] = optarg;
		else if (ch == 'l')
			open_log(optarg);
		else if (ch == 'u')
			opt.users[opt.nusers++] = pair_arg("--user",
			    "NAME:PASSWORD", optarg);
		else if (ch == 'c')
			opt.clients[opt.nclients++] = pair_arg("--client",
			    "ID:SECRET", optarg);
		else if (ch == 'i')
			opt.issue = optarg;
		else if (ch == 'e')
			expires_arg(optarg);
		else if (ch == 'R')
			opt.token_response = optarg;
		else if (ch == 'C')
			opt.tls_cert = optarg;
		else if (ch == 'K')
			opt.tls_key = optarg;
		else if (ch == 'B')
			open_body_log(optarg);
		else if (!distribution_arg(ch))
			usage();
	}
	if (optind != argc || (opt.data == NULL && opt.ngens == 0) ||
	    (opt.tls_cert == NULL) != (opt.tls_key == NULL))
		usage();
	if (opt.ntokens == 0)
		opt.tokens[opt.ntokens++] = "test-token";
	/* What the service hands out, the registry takes by default. */
	if (opt.issue == NULL)
		opt.issue = opt.tokens[0];
}

/*
 * The realm of --auth bearer's 401s and the start of --link-style's
 * Links; "foreign" is a host nothing answers for (tests run offline).
 */
static void
set_urls(unsigned port)
{
	const char	*scheme = opt.tls_cert != NULL ? "https" : "http";

	if (opt.realm_url != NULL)
		snprintf(realm, sizeof(realm), "%s", opt.realm_url);
	else
		snprintf(realm, sizeof(realm), "%s://127.0.0.1:%u/auth/token",
		    scheme, port);
	if (opt.link != LINK_RELATIVE)
		snprintf(link_base, sizeof(link_base), "%s://%s:%u", scheme,
		    opt.link == LINK_FOREIGN ? "foreign.invalid" : "127.0.0.1",
		    port);
}

/* Temp file and rename(): a reader polling for it never sees half. */
static bool
write_port_file(const char *file, unsigned port)
{
	char	*tmp;
	FILE	*fp;
	bool	 ok;

	if (asprintf(&tmp, "%s.tmp.%ld", file, (long)getpid()) == -1)
		return false;
	if ((fp = fopen(tmp, "w")) == NULL) {
		free(tmp);
		return false;
	}
	ok = fprintf(fp, "%u\n", port) > 0;
	ok = fclose(fp) == 0 && ok;
	ok = ok && rename(tmp, file) == 0;
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok;
}

/*
 * libmicrohttpd's log, less the lines every injected fault (truncated,
 * hang, aborted transfers) causes on purpose: they would only be noise.
 */
static void __attribute__((format(printf, 2, 0)))
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (strstr(msg, "pplication reported") != NULL)
		return;
	/* "endless" goes on, "headers=" is refused, until the client
	 * hangs up. */
	if (strstr(msg, "response body") != NULL &&
	    strstr(msg, "closed by remote peer") != NULL)
		return;
	/* Clients that refuse the test certificate, as tests make them. */
	if (opt.tls_cert != NULL && strstr(msg, "andshake") != NULL)
		return;
	fputs(msg, stderr);
}

/* A whole PEM file, NUL-terminated, as MHD wants it; fails if unreadable. */
static char *
read_pem(const char *file)
{
	struct sbuf	 sb = { 0 };
	char		 buf[4096];
	size_t		 n;
	FILE		*fp;

	if ((fp = fopen(file, "r")) == NULL)
		fail("%s: %s", file, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		sb_add(&sb, buf, n);
	if (ferror(fp) || sb.p == NULL) {
		fclose(fp);
		free(sb.p);
		fail("%s: unreadable or empty", file);
	}
	fclose(fp);
	return sb.p;
}

/*
 * --tls-cert and --tls-key serve HTTPS instead of HTTP; cert and key are
 * read before the daemon starts and freed by cleanup() after it stops.
 */
static struct MHD_Daemon *
start_daemon(char *cert, char *key)
{
	struct MHD_OptionItem	 tls[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, key },
		{ MHD_OPTION_END, 0, NULL },
	};
	struct sockaddr_in	 sin;
	size_t			 pool = 32 * 1024;	/* MHD's default */

	/* "headers=BYTES" must fit in the connection's memory pool. */
	for (size_t i = 0; i < opt.nfaults; i++)
		if ((opt.faults[i].mode == F_HEADERS ||
		    opt.faults[i].mode == F_HEADER_LINE) &&
		    opt.faults[i].arg + 64 * 1024 > pool)
			pool = (size_t)opt.faults[i].arg + 64 * 1024;
	if (cert == NULL)
		tls[0].option = MHD_OPTION_END;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)opt.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
	    (cert != NULL ? MHD_USE_TLS : 0),
	    (uint16_t)opt.port, NULL, NULL, handle, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_ARRAY, tls,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)256,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_start, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
	    MHD_OPTION_UNESCAPE_CALLBACK, keep_raw, NULL,
	    MHD_OPTION_END);
}

int
main(int argc, char **argv)
{
	const union MHD_DaemonInfo	*info;
	struct MHD_Daemon		*d;
	sigset_t			 sigs;
	uint64_t			 seed = 1;
	size_t				 i;
	int				 sig;

	parse_args(argc, argv);
	if (opt.data != NULL)
		load_data(opt.data);
	for (i = 0; i < opt.ngens; i++)
		add_gen(opt.gens[i], &seed);
	if (opt.tls_cert != NULL) {
		tls_pem[0] = read_pem(opt.tls_cert);
		tls_pem[1] = read_pem(opt.tls_key);
	}

	/* Blocked before MHD starts its threads, so they inherit it. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* A known port may be asked for at once: its URLs come first. */
	if (opt.port != 0)
		set_urls((unsigned)opt.port);
	if ((d = start_daemon(tls_pem[0], tls_pem[1])) == NULL)
		fail("cannot listen on 127.0.0.1:%lu", opt.port);
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (info == NULL || info->port == 0 || (opt.port_file != NULL &&
	    !write_port_file(opt.port_file, info->port))) {
		MHD_stop_daemon(d);
		fail("cannot report the port");
	}
	if (opt.port == 0)
		set_urls(info->port);
	printf("%u\n", (unsigned)info->port);
	fflush(stdout);

	while (sigwait(&sigs, &sig) != 0)
		continue;
	atomic_store(&quit, true);	/* wakes the sleeping handlers */
	MHD_stop_daemon(d);
	cleanup();
	return 0;
}
