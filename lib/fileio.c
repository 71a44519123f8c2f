/*
 * Safe read-modify-write of the user's files (Docker's config, the token
 * cache, pierone.yaml): under an exclusive lock, through a temporary file
 * in the same directory, fsync and rename, so that a crash or a second
 * pierone at the same moment can never leave a half-written or lost file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* mkdir -p with mode 0700 for what is created. */
static int
make_dirs(const char *dir, struct pierone_err *err)
{
	char *copy, *p;
	int rc = 0;

	if ((copy = strdup(dir)) == NULL)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	for (p = copy + 1; rc == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(copy, 0700) == -1 && errno != EEXIST)
			rc = err_set(err, PIERONE_EIO, "cannot create '%s': %s",
			    copy, strerror(errno));
		*p = c;
		if (c == '\0')
			break;
	}
	free(copy);
	return rc;
}

/* The file a path names, through symbolic links, even a dangling one. */
static char *
resolve(const char *path)
{
	char link[PATH_MAX], *dir, *joined, *out;
	ssize_t n;
	int depth;

	if ((out = strdup(path)) == NULL)
		return NULL;
	for (depth = 0; depth < 40; depth++) {
		if ((n = readlink(out, link, sizeof(link) - 1)) < 0)
			return out;	/* not a link (or missing): this one */
		link[n] = '\0';
		if (link[0] == '/') {
			joined = strdup(link);
		} else {
			dir = dirname(out);
			joined = path_join(dir, link);
		}
		free(out);
		if ((out = joined) == NULL)
			return NULL;
	}
	free(out);		/* a loop of links, or too long a chain */
	errno = ELOOP;
	return NULL;
}

static int
write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, data, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
sync_dir(const char *file)
{
	char *copy = strdup(file);
	int fd;

	if (copy == NULL)
		return;
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

/* A bind-mounted file cannot be renamed over: rewrite it in place. */
static int
rewrite_in_place(const char *target, const struct buf *data,
    struct pierone_err *err)
{
	int fd, rc = 0;

	if ((fd = open(target, O_WRONLY | O_TRUNC | O_CLOEXEC)) == -1)
		return err_set(err, PIERONE_EIO, "cannot write '%s': %s",
		    target, strerror(errno));
	if (write_all(fd, data->data, data->len) == -1 || fsync(fd) == -1)
		rc = err_set(err, PIERONE_EIO, "cannot write '%s': %s",
		    target, strerror(errno));
	close(fd);
	return rc;
}

static int
replace(const char *target, const struct buf *data, mode_t mode,
    struct pierone_err *err)
{
	struct stat st;
	char *tmp;
	int fd, rc = 0;

	bool existed = stat(target, &st) == 0;

	/* FILE_PRIVATE: a secret's file is 0600 whatever it was before. */
	if (existed && !(mode & FILE_PRIVATE))
		mode = st.st_mode & 07777;
	mode &= 07777;
	if (asprintf(&tmp, "%s.XXXXXX", target) == -1)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		rc = err_set(err, PIERONE_EIO, "cannot write in the directory "
		    "of '%s': %s", target, strerror(errno));
		free(tmp);
		return rc;
	}
	/* Keep the owner too (sudo with HOME kept); failure is harmless. */
	if (existed && (st.st_uid != geteuid() || st.st_gid != getegid()))
		(void)fchown(fd, st.st_uid, st.st_gid);
	if (fchmod(fd, mode) == -1 ||
	    write_all(fd, data->data, data->len) == -1 || fsync(fd) == -1)
		rc = err_set(err, PIERONE_EIO, "cannot write '%s': %s", tmp,
		    strerror(errno));
	if (close(fd) == -1 && rc == 0)
		rc = err_set(err, PIERONE_EIO, "cannot write '%s': %s", tmp,
		    strerror(errno));
	if (rc == 0 && rename(tmp, target) == -1) {
		if (errno == EBUSY)
			rc = rewrite_in_place(target, data, err);
		else
			rc = err_set(err, PIERONE_EIO, "cannot replace '%s': "
			    "%s", target, strerror(errno));
	} else if (rc == 0) {
		sync_dir(target);
		free(tmp);
		return 0;
	}
	unlink(tmp);
	free(tmp);
	return rc;
}

static int
lock_open(const char *target, struct pierone_err *err)
{
	char *lock;
	int fd;

	int rc = 0, r;

	if (asprintf(&lock, "%s.lock", target) == -1)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1)
		rc = err_set(err, PIERONE_EIO, "cannot create '%s': %s", lock,
		    strerror(errno));
	while (fd != -1 && (r = flock(fd, LOCK_EX)) == -1 && errno == EINTR)
		;
	if (fd != -1 && r == -1) {
		rc = err_set(err, PIERONE_EIO, "cannot lock '%s': %s", lock,
		    strerror(errno));
		close(fd);
	}
	free(lock);
	return rc != 0 ? rc : fd;
}

int
file_update(const char *path, file_update_fn *fn, void *arg, mode_t mode,
    struct pierone_err *err)
{
	struct buf old = { 0 }, out = { 0 };
	char *target, *dir;
	int lock, rc;

	if ((target = resolve(path)) == NULL)
		return err_set(err, errno == ELOOP ? PIERONE_EIO :
		    PIERONE_ENOMEM, "cannot update '%s': %s", path,
		    strerror(errno));
	if ((dir = strdup(target)) == NULL) {
		free(target);
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	rc = make_dirs(dirname(dir), err);
	free(dir);
	if (rc == 0 && (lock = lock_open(target, err)) < 0)
		rc = lock;
	if (rc != 0) {
		free(target);
		return rc;
	}
	rc = file_read(&old, target, PIERONE_MAX_FILE, err);
	if (rc == 0 || rc == PIERONE_ENOTFOUND)
		rc = fn(&out, rc == 0 ? &old : NULL, target, arg, err);
	if (rc == 0)
		rc = replace(target, &out, mode, err);
	close(lock);		/* releases the flock */
	buf_freezero(&old);
	buf_freezero(&out);
	free(target);
	return rc;
}
