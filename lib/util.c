/*
 * Small helpers: growable buffers, error messages, files and paths.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base.h"

static int
buf_grow(struct buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (need < b->len || need == SIZE_MAX)
		return PIERONE_ENOMEM;
	if (need + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need + 1) {
		if (cap > SIZE_MAX / 2)
			return PIERONE_ENOMEM;
		cap *= 2;
	}
	if ((p = realloc(b->data, cap)) == NULL)
		return PIERONE_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

/* Room for `n` bytes up front, so that no realloc leaves copies behind. */
int
buf_reserve(struct buf *b, size_t n)
{
	return buf_grow(b, n);
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, b->len + n) != 0)
		return PIERONE_ENOMEM;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(b, b->len + (size_t)n) != 0)
		return PIERONE_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_freezero(struct buf *b)
{
	if (b->data != NULL)
		freezero(b->data, b->cap);
	b->data = NULL;
	b->len = b->cap = 0;
}

int
err_vset(struct pierone_err *err, int code, const char *fmt, va_list ap)
{
	char raw[PIERONE_ERRMSG_SIZE];

	if (err != NULL) {
		err->code = code;
		/*
		 * A message cut short is still better than none.  Messages
		 * quote names, headers and URLs from servers: whatever in them
		 * a terminal would act on is escaped, here, once for all.
		 */
		vsnprintf(raw, sizeof(raw), fmt, ap);
		text_escape_into(err->msg, sizeof(err->msg), raw);
	}
	return code;
}

int
err_set(struct pierone_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int
err_prefix(struct pierone_err *err, const char *fmt, ...)
{
	char prefix[PIERONE_ERRMSG_SIZE], both[PIERONE_ERRMSG_SIZE * 2 + 2];
	va_list ap;

	if (err == NULL)
		return PIERONE_OK;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	snprintf(both, sizeof(both), "%s: %s", prefix, err->msg);
	/* A message cut short is still better than none. */
	strlcpy(err->msg, both, sizeof(err->msg));
	return err->code;
}

static int
fd_read_all(int fd, struct buf *out, size_t max)
{
	char chunk[8192];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (out->len + (size_t)n > max) {
			errno = EFBIG;
			return -1;
		}
		if (buf_append(out, chunk, (size_t)n) != 0) {
			explicit_bzero(chunk, sizeof(chunk));
			errno = ENOMEM;
			return -1;
		}
		/* The files read may hold secrets: leave no copy behind. */
		explicit_bzero(chunk, (size_t)n);
	}
}

/* ENOENT as PIERONE_ENOTFOUND, the rest as PIERONE_EIO. */
static int
read_error(struct pierone_err *err, const char *path, const char *why)
{
	return err_set(err, errno == ENOENT ? PIERONE_ENOTFOUND : PIERONE_EIO,
	    "cannot read '%s': %s", path, why);
}

/*
 * Only a regular file is read: one stat first so that nothing else (a
 * device) is even opened, and O_NONBLOCK so that a FIFO swapped in
 * meanwhile cannot hang the open; fstat then has the last word.
 */
static int
open_regular(const char *path, struct stat *st, struct pierone_err *err)
{
	int fd;

	if (stat(path, st) == -1)
		return read_error(err, path, strerror(errno));
	errno = EINVAL;
	if (S_ISDIR(st->st_mode))
		return read_error(err, path, "is a directory");
	if (!S_ISREG(st->st_mode))
		return read_error(err, path, "not a regular file");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1)
		return read_error(err, path, strerror(errno));
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode)) {
		close(fd);
		errno = EINVAL;
		return read_error(err, path, "not a regular file");
	}
	return fd;
}

int
file_read(struct buf *out, const char *path, size_t max,
    struct pierone_err *err)
{
	struct stat st;
	int fd, rc = 0;

	memset(out, 0, sizeof(*out));
	if ((fd = open_regular(path, &st, err)) < 0)
		return fd;
	if ((size_t)st.st_size < max && buf_reserve(out,
	    (size_t)st.st_size + 1) != 0) {
		rc = err_set(err, PIERONE_ENOMEM, "out of memory");
	} else if (fd_read_all(fd, out, max) == -1) {
		rc = err_set(err, errno == ENOMEM ? PIERONE_ENOMEM : PIERONE_EIO,
		    "cannot read '%s': %s", path,
		    errno == EFBIG ? "file too large" : strerror(errno));
		buf_freezero(out);
	} else if (out->data == NULL && buf_append(out, "", 0) != 0) {
		rc = err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	close(fd);
	return rc;
}

char *
home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home != NULL && home[0] == '/')
		return strdup(home);
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL)
		return strdup(pw->pw_dir);
	return NULL;
}

char *
xdg_config_home(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char *home, *p;

	/* The spec says relative values are invalid and must be ignored. */
	if (xdg != NULL && xdg[0] == '/')
		return strdup(xdg);
	if ((home = home_dir()) == NULL)
		return NULL;
	p = path_join(home, ".config");
	free(home);
	return p;
}

char *
path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	char *p;

	while (la > 1 && a[la - 1] == '/')
		la--;
	if (asprintf(&p, "%.*s/%s", (int)la, a, b) == -1)
		return NULL;
	return p;
}

void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

void
str_freezero(char *s)
{
	if (s != NULL)
		freezero(s, strlen(s) + 1);
}

long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
