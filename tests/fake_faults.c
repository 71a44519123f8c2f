/*
 * fake_faults.c - the fake registry (see fake.h):
 * Sending an answer, with the faults asked for (--fault), and the
 * request log.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fake.h"


/* The first fault that matches and has budget left; takes the budget. */
struct fault *
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
 * that no token went where it must not.  With --log-connections,
 * " conn SEQ" then says which connection it came on.
 */
static void
log_request(struct MHD_Connection *c, const char *method, const char *raw,
    unsigned status)
{
	size_t	 size = strlen(method) + strlen(raw) + 48;
	bool	 auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION) != NULL;
	const union MHD_ConnectionInfo *ci;
	unsigned long seq = 0;
	char	 conn[32] = "";
	char	*line, *p;
	int	 n;

	if (opt.logfd == -1)
		return;
	if (opt.log_conns && (ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT)) != NULL) {
		seq = (unsigned long)(uintptr_t)ci->socket_context;
		snprintf(conn, sizeof(conn), " conn %lu", seq);
	}
	line = xrealloc(NULL, size, 1);
	n = snprintf(line, size, "%s %s %u%s%s\n", method, raw, status,
	    auth ? " auth" : "", conn);
	for (p = line; p < line + n - 1; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';	/* one request, one line */
	if (write(opt.logfd, line, (size_t)n) != n) {
		/* Nothing better to do: the test reading it will notice. */
	}
	free(line);
}


/*
 * --log-connections: "CONNECT SEQ OPEN" when a connection is accepted,
 * "CLOSE SEQ OPEN" when it closes; SEQ is kept in the connection's
 * context.  The connection --refuse-after names has main() stop
 * listening.
 */
void
log_connection(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_ConnectionNotificationCode code)
{
	static atomic_ulong	 seq, open_now;
	unsigned long		 n, o;
	char			 line[64];
	int			 len;

	(void)cls, (void)c;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		n = atomic_fetch_add(&seq, 1) + 1;
		o = atomic_fetch_add(&open_now, 1) + 1;
		*ctx = (void *)(uintptr_t)n;
		/* main() stops listening (--refuse-after). */
		if (n == opt.refuse_after)
			kill(getpid(), SIGUSR1);
	} else {
		n = (unsigned long)(uintptr_t)*ctx;
		o = atomic_fetch_sub(&open_now, 1) - 1;
	}
	if (opt.logfd == -1 || !opt.log_conns)
		return;
	len = snprintf(line, sizeof(line), "%s %lu %lu\n",
	    code == MHD_CONNECTION_NOTIFY_STARTED ? "CONNECT" : "CLOSE", n, o);
	if (write(opt.logfd, line, (size_t)len) != len) {
		/* As for requests: the test reading it will notice. */
	}
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


enum MHD_Result
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
enum MHD_Result
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
