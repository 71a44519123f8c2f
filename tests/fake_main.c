/*
 * fake_main.c - the fake registry (see fake.h):
 * The process: start-up, the daemon, a request from its first callback
 * to the route that answers it, clean-up.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fake.h"

struct options opt = {
	.logfd = -1, .expires_in = 3600, .rt_ttl = 300, .bodylogfd = -1,
};
struct team	*teams;
size_t		 nteams;
cJSON		*doc;		/* only while loading --data */
static char	*tls_pem[2];	/* --tls-cert, --tls-key contents */
atomic_bool	 quit;
char		 realm[128];	/* where a 401 sends for a token */
char		 link_base[64];	/* what a Link's URL starts with */
struct marked marked = { .lock = PTHREAD_MUTEX_INITIALIZER };
struct rtokens rtokens = { .lock = PTHREAD_MUTEX_INITIALIZER };

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
void __attribute__((noreturn, format(printf, 1, 2)))
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
void *
xrealloc(void *p, size_t n, size_t size)
{
	if ((p = reallocarray(p, n, size)) == NULL) {
		fputs(PROG ": out of memory\n", stderr);
		abort();
	}
	return p;
}


char *
xstrdup(const char *s)
{
	return strcpy(xrealloc(NULL, strlen(s) + 1, 1), s);
}


void
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
	    "\t[--api pierone|v2|v2-portal|both|none|web]\n"
	    "\t[--auth token|none|basic|bearer]\n"
	    "\t[--registry-user NAME:SECRET]... [--realm-url URL] "
	    "[--anonymous]\n"
	    "\t[--registry-token-ttl SECONDS] [--page-size N] "
	    "[--short-pages]\n"
	    "\t[--link-style relative|absolute|foreign|loop] [--body-log FILE]\n"
	    "\t[--backlog N] [--max-conns N] [--log-connections] "
	    "[--refuse-after N]\n"
	    "SPEC is MODE[@SUBSTRING][#COUNT], MODE one of status=N, "
	    "retry-after=S,\n\tinvalid-json, wrong-shape, truncated, hang, "
	    "slow, huge=BYTES,\n\tredirect=URL (URL without '@' or '#'; '^' for '@'), "
	    "endless, headers=BYTES,\n\theader-line=BYTES\n",
	    stderr);
	cleanup();
	exit(2);
}


/* Returns false, early, once shutdown has begun. */
bool
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


/*
 * /v2/TEAM/A/B/tags/list (and manifests, blobs): a repository of more
 * than two components, as v2 allows, is TEAM and the artifact "A/B".
 * The artifact's segments joined into v[2]; the route's into v[3], v[4].
 */
static size_t
v2_nested(char **v, size_t n, char *buf, size_t size)
{
	size_t	 i, len = 0;

	if (n <= 5 || strcmp(v[0], "v2") != 0 ||
	    (strcmp(v[n - 2], "manifests") != 0 &&
	    strcmp(v[n - 2], "blobs") != 0 && strcmp(v[n - 1], "list") != 0))
		return n;
	for (i = 2; i < n - 2; i++) {
		if (len + strlen(v[i]) + 2 > size)
			return 0;
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    i > 2 ? "/" : "", v[i]);
	}
	v[2] = buf;
	v[3] = v[n - 2];
	v[4] = v[n - 1];
	return 5;
}


void
route(struct reply *r, struct MHD_Connection *c, const char *raw, char **v,
    size_t n)
{
	char	 nested[1024];
	bool	 t = n > 0 && strcmp(v[0], "teams") == 0;
	bool	 v2 = n > 0 && strcmp(v[0], "v2") == 0;

	n = v2_nested(v, n, nested, sizeof(nested));

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
size_t
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
	/* A TLS handshake sent to the plain HTTP port, as tests do too. */
	if (strstr(msg, "Request malformed") != NULL)
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
	/* --backlog; without it, MHD's default. */
	struct MHD_OptionItem	 queue[] = {
		{ MHD_OPTION_LISTEN_BACKLOG_SIZE, (intptr_t)opt.backlog, NULL },
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
	if (opt.backlog == 0)
		queue[0].option = MHD_OPTION_END;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)opt.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
	    (cert != NULL ? MHD_USE_TLS : 0) |
	    (opt.refuse_after > 0 ? MHD_USE_ITC : 0),
	    (uint16_t)opt.port, NULL, NULL, handle, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_ARRAY, tls,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)(opt.max_conns > 0 ?
	    opt.max_conns : 256),
	    MHD_OPTION_ARRAY, queue,
	    MHD_OPTION_NOTIFY_CONNECTION, log_connection, NULL,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_start, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
	    MHD_OPTION_UNESCAPE_CALLBACK, keep_raw, NULL,
	    MHD_OPTION_END);
}


/*
 * --refuse-after: MHD lets go of the listening socket, which stops
 * listening (a SYN gets a RST) but stays open until MHD has stopped.
 */
static MHD_socket
stop_listening(struct MHD_Daemon *d)
{
	MHD_socket	 fd = MHD_quiesce_daemon(d);

	if (fd != MHD_INVALID_SOCKET)
		shutdown(fd, SHUT_RDWR);
	return fd;
}


int
main(int argc, char **argv)
{
	const union MHD_DaemonInfo	*info;
	struct MHD_Daemon		*d;
	MHD_socket			 lfd = MHD_INVALID_SOCKET;
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
	sigaddset(&sigs, SIGUSR1);	/* --refuse-after */
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

	for (;;) {
		if (sigwait(&sigs, &sig) != 0)
			continue;
		if (sig != SIGUSR1)
			break;
		if (lfd == MHD_INVALID_SOCKET)
			lfd = stop_listening(d);
	}
	atomic_store(&quit, true);	/* wakes the sleeping handlers */
	MHD_stop_daemon(d);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	cleanup();
	return 0;
}
