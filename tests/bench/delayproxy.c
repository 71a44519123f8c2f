/*
 * delayproxy - a TCP relay on 127.0.0.1 that adds a round-trip time, for
 * make bench (tests/bench.sh) where the kernel has no sch_netem.
 *
 * usage: delayproxy -r RTT_MS -t PORT -p PORTFILE [-c COUNTFILE]
 *        delayproxy -f
 *
 * It listens on an ephemeral loopback port (written to PORTFILE once it
 * listens) and relays every connection to 127.0.0.1:PORT.  The model:
 *   - every chunk read from one side is written to the other RTT/2 after
 *     it was read, in order, in both directions;
 *   - a new connection's client-to-server bytes are held one RTT more
 *     from the moment it was accepted, as TCP's handshake would: connect()
 *     returns at once here, so a client's first bytes would otherwise
 *     arrive 1 RTT early.  The first answer thus reaches the client 2 RTT
 *     after it connected, as over a real network;
 *   - no bandwidth limit, no loss, no slow start: the chunks are what the
 *     kernel hands over.
 * The number of connections accepted is written to COUNTFILE after each
 * accept (replaced by rename, so a reader never sees half of it), and to
 * standard error at exit (SIGTERM, SIGINT).  -f prints a port that is free
 * now on 127.0.0.1 and exits, for a server that cannot listen on port 0.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROG		"delayproxy"
#define CHUNK		65536		/* largest read */
#define QUEUE_MAX	(4 << 20)	/* bytes queued before reading stops */

struct chunk {
	struct chunk	*next;
	int64_t		 due;		/* µs, CLOCK_MONOTONIC */
	size_t		 len, off;
	bool		 eof;		/* shutdown(SHUT_WR) instead of data */
	char		 data[];
};

/* One direction of a connection: from src to dst. */
struct dir {
	int		 src, dst;
	int64_t		 open_at;	/* nothing is due before this */
	struct chunk	*head, *tail;
	size_t		 queued;
	bool		 read_eof;	/* src said EOF: read no more */
	bool		 done;		/* EOF passed on to dst */
	bool		 blocked;	/* dst full: wait for POLLOUT */
};

struct conn {
	struct dir	 up, down;	/* client to server, server to client */
	bool		 dead;
};

static struct conn	**conns;
static size_t		  nconns;
static int64_t		  half;		/* RTT/2 in µs */
static int64_t		  rtt;
static unsigned long	  accepted;
static const char	 *countfile;
static volatile sig_atomic_t quit;


static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", PROG, what, strerror(errno));
	exit(1);
}

static int64_t
now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

/* Write a small file whole: to FILE.tmp, then renamed over FILE. */
static void
put_file(const char *file, unsigned long v)
{
	char	 tmp[PATH_MAX];
	FILE	*f;
	int	 n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		die(file);
	}
	if ((f = fopen(tmp, "w")) == NULL)
		die(tmp);
	fprintf(f, "%lu\n", v);
	if (fclose(f) != 0)
		die(tmp);
	if (rename(tmp, file) != 0)
		die(file);
}

static int
loopback_socket(struct sockaddr_in *sin, int port)
{
	int	 fd;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		die("socket");
	return fd;
}

/* A listening socket on an ephemeral loopback port; its port in *port. */
static int
listen_any(int *port)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	int			 fd, one = 1;

	fd = loopback_socket(&sin, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(fd, 128) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		die("listen on 127.0.0.1");
	*port = ntohs(sin.sin_port);
	return fd;
}

static void
set_nonblock(int fd)
{
	int	 one = 1, fl;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		die("fcntl");
}

static void
dir_free(struct dir *d)
{
	struct chunk	*c;

	while ((c = d->head) != NULL) {
		d->head = c->next;
		free(c);
	}
	d->tail = NULL;
}

static void
conn_close(struct conn *c)
{
	close(c->up.src);
	close(c->up.dst);
	dir_free(&c->up);
	dir_free(&c->down);
	c->dead = true;
}

/* Accept one client and connect it to the server at once. */
static void
accept_one(int lfd, int target)
{
	struct sockaddr_in	 sin;
	struct conn		*c, **grown;
	int			 cfd, sfd;

	if ((cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1) {
		if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED)
			return;
		die("accept");
	}
	accepted++;
	if (countfile != NULL)
		put_file(countfile, accepted);
	sfd = loopback_socket(&sin, target);
	if (connect(sfd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		fprintf(stderr, "%s: connect to 127.0.0.1:%d: %s\n", PROG,
		    target, strerror(errno));
		close(cfd);
		close(sfd);
		return;
	}
	set_nonblock(cfd);
	set_nonblock(sfd);
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (grown = reallocarray(conns, nconns + 1, sizeof(*conns))) == NULL)
		die("out of memory");
	conns = grown;
	c->up = (struct dir){ .src = cfd, .dst = sfd,
	    .open_at = now_us() + rtt };
	c->down = (struct dir){ .src = sfd, .dst = cfd, .open_at = 0 };
	conns[nconns++] = c;
}

static void
enqueue(struct dir *d, const char *buf, size_t len, bool eof, int64_t now)
{
	struct chunk	*c;

	if ((c = malloc(sizeof(*c) + len)) == NULL)
		die("out of memory");
	c->next = NULL;
	c->due = (now > d->open_at ? now : d->open_at) + half;
	c->len = len;
	c->off = 0;
	c->eof = eof;
	memcpy(c->data, buf, len);
	if (d->tail != NULL)
		d->tail->next = c;
	else
		d->head = c;
	d->tail = c;
	d->queued += len;
}

/* Read what src has; false when the connection is broken. */
static bool
dir_read(struct dir *d, int64_t now)
{
	static char	 buf[CHUNK];
	ssize_t		 n;

	/* Only a hang-up or an error wakes a side that said EOF. */
	if (d->read_eof)
		return false;
	n = recv(d->src, buf, sizeof(buf), 0);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	d->read_eof = n == 0;
	enqueue(d, buf, (size_t)n, n == 0, now);
	return true;
}

/* Write what is due; false when the connection is broken. */
static bool
dir_write(struct dir *d, int64_t now)
{
	struct chunk	*c;
	ssize_t		 n;

	d->blocked = false;
	while ((c = d->head) != NULL && c->due <= now) {
		if (c->eof) {
			shutdown(d->dst, SHUT_WR);
			d->done = true;
		}
		while (c->off < c->len) {
			n = send(d->dst, c->data + c->off, c->len - c->off,
			    MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
				d->blocked = true;
				return true;
			}
			if (n < 0)
				return false;
			c->off += (size_t)n;
			d->queued -= (size_t)n;
		}
		if ((d->head = c->next) == NULL)
			d->tail = NULL;
		free(c);
	}
	return true;
}

/* The next time something is due, or -1. */
static int64_t
next_due(void)
{
	int64_t	 t = -1;

	for (size_t i = 0; i < nconns; i++) {
		struct dir	*ds[2] = { &conns[i]->up, &conns[i]->down };

		for (int k = 0; k < 2; k++)
			if (ds[k]->head != NULL && !ds[k]->blocked &&
			    (t < 0 || ds[k]->head->due < t))
				t = ds[k]->head->due;
	}
	return t;
}

static short
events_of(const struct dir *in, const struct dir *out)
{
	short	 ev = 0;

	if (!in->read_eof && in->queued < QUEUE_MAX)
		ev |= POLLIN;
	if (out->blocked)
		ev |= POLLOUT;
	return ev;
}

/* Drop the connections that are closed both ways or broken. */
static void
reap(void)
{
	size_t	 j = 0;

	for (size_t i = 0; i < nconns; i++) {
		struct conn	*c = conns[i];

		if (!c->dead && c->up.done && c->down.done)
			conn_close(c);
		if (c->dead)
			free(c);
		else
			conns[j++] = c;
	}
	nconns = j;
}

static void
serve_conn(struct conn *c, const struct pollfd *pc, const struct pollfd *ps,
    int64_t now)
{
	bool	 ok = true;

	if (pc->revents & (POLLIN | POLLHUP | POLLERR))
		ok = dir_read(&c->up, now);
	if (ok && (ps->revents & (POLLIN | POLLHUP | POLLERR)))
		ok = dir_read(&c->down, now);
	now = now_us();
	if (ok)
		ok = dir_write(&c->up, now) && dir_write(&c->down, now);
	if (!ok)
		conn_close(c);
}

static void
relay(int lfd, int target)
{
	struct pollfd	*pfd = NULL;
	struct timespec	 ts, *tsp;
	sigset_t	 none;
	int64_t		 due, now;

	sigemptyset(&none);
	while (!quit) {
		if ((pfd = reallocarray(pfd, 2 * nconns + 1,
		    sizeof(*pfd))) == NULL)
			die("out of memory");
		pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (size_t i = 0; i < nconns; i++) {
			struct conn	*c = conns[i];

			pfd[1 + 2 * i] = (struct pollfd){ .fd = c->up.src,
			    .events = events_of(&c->up, &c->down) };
			pfd[2 + 2 * i] = (struct pollfd){ .fd = c->down.src,
			    .events = events_of(&c->down, &c->up) };
		}
		tsp = NULL;
		if ((due = next_due()) >= 0) {
			due -= now_us();
			if (due < 0)
				due = 0;
			ts.tv_sec = due / 1000000;
			ts.tv_nsec = (due % 1000000) * 1000;
			tsp = &ts;
		}
		if (ppoll(pfd, 2 * nconns + 1, tsp, &none) == -1) {
			if (errno == EINTR)
				continue;
			die("ppoll");
		}
		now = now_us();
		for (size_t i = 0; i < nconns; i++)
			serve_conn(conns[i], &pfd[1 + 2 * i], &pfd[2 + 2 * i],
			    now);
		reap();
		if (pfd[0].revents & POLLIN)
			accept_one(lfd, target);
	}
	free(pfd);
}

static _Noreturn void
usage(void)
{
	fprintf(stderr, "usage: %s -r RTT_MS -t PORT -p PORTFILE "
	    "[-c COUNTFILE]\n       %s -f\n", PROG, PROG);
	exit(2);
}

static long
number(const char *s, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	struct sigaction	 sa;
	sigset_t		 block;
	const char		*portfile = NULL;
	long			 rtt_ms = -1, target = -1;
	int			 ch, lfd, port;

	while ((ch = getopt(argc, argv, "c:fp:r:t:")) != -1) {
		if (ch == 'c')
			countfile = optarg;
		else if (ch == 'f') {
			close(listen_any(&port));
			printf("%d\n", port);
			return 0;
		} else if (ch == 'p')
			portfile = optarg;
		else if (ch == 'r')
			rtt_ms = number(optarg, 10000);
		else if (ch == 't')
			target = number(optarg, 65535);
		else
			usage();
	}
	if (optind != argc || rtt_ms < 0 || target <= 0 || portfile == NULL)
		usage();
	rtt = rtt_ms * 1000;
	half = rtt / 2;

	/* The signals that end it arrive only inside ppoll(). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, NULL);

	lfd = listen_any(&port);
	set_nonblock(lfd);
	if (countfile != NULL)
		put_file(countfile, 0);
	put_file(portfile, (unsigned long)port);
	relay(lfd, (int)target);
	fprintf(stderr, "%s: %lu connections accepted\n", PROG, accepted);
	return 0;
}
