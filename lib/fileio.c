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

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base.h"
#include "files.h"

/* In the names of temporary files: ".NAME" TEMP_MARK "PID.XXXXXX". */
#define TEMP_MARK	".pierone-"
/* Seconds to wait for another process's lock, by default. */
#define LOCK_TIMEOUT	30

/*
 * Give what we created to the owner of the directory it is in: run as root
 * through sudo -E on the user's files, the user's next run must still be
 * able to lock and replace them.  Failure is harmless (not root).
 */
static void
give_to(int fd, const char *path, const struct stat *owner)
{
	if (owner->st_uid == geteuid() && owner->st_gid == getegid())
		return;
	if (fd >= 0)
		(void)fchown(fd, owner->st_uid, owner->st_gid);
	else
		(void)lchown(path, owner->st_uid, owner->st_gid);
}

/* The owner of the directory `file` is in (st_uid, st_gid). */
static int
dir_owner(const char *file, struct stat *out)
{
	char *copy = strdup(file);
	int rc;

	if (copy == NULL)
		return -1;
	rc = stat(dirname(copy), out);
	free(copy);
	return rc;
}

/* mkdir -p with mode 0700 for what is created, owned as its parent. */
static int
make_dirs(const char *dir, struct pierone_err *err)
{
	struct stat parent;
	char *copy, *p;
	int rc = 0;

	if ((copy = strdup(dir)) == NULL)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	if (stat("/", &parent) == -1)
		memset(&parent, 0, sizeof(parent));
	for (p = copy + 1; rc == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(copy, 0700) == 0)
			give_to(-1, copy, &parent);
		else if (errno != EEXIST)
			rc = err_set(err, PIERONE_EIO, "cannot create '%s': %s",
			    copy, strerror(errno));
		if (rc == 0 && stat(copy, &parent) == -1)
			memset(&parent, 0, sizeof(parent));
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

/* What failed writing, as the user can act on it. */
static const char *
write_reason(int e)
{
	if (e == EFBIG)
		return "file too large (see ulimit -f)";
	if (e == ENOSPC)
		return "no space left on the device";
	return strerror(e);
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
		    target, write_reason(errno));
	close(fd);
	return rc;
}

/*
 * The temporary copy of `target`: ".NAME.pierone-PID.XXXXXX" beside it,
 * so that one a SIGKILL left behind can be told and removed later.
 */
static char *
temp_name(const char *target)
{
	const char *base = strrchr(target, '/');
	char *tmp;

	base = base != NULL ? base + 1 : target;
	if (asprintf(&tmp, "%.*s.%s" TEMP_MARK "%ld.XXXXXX",
	    (int)(base - target), target, base, (long)getpid()) == -1)
		return NULL;
	return tmp;
}

/*
 * Write `data` to the new temporary file `tmp`, its owner as `owner`;
 * *fd stays open (-1 on failure).  It stays 0600 until it has become the
 * target: a copy a SIGKILL leaves behind is never readable by others.
 */
static int
write_temp(char *tmp, const char *target, const struct buf *data,
    const struct stat *owner, int *fd, struct pierone_err *err)
{
	/* mkostemp() makes it 0600: a copy of a secret is never readable */
	if ((*fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return err_set(err, PIERONE_EIO, "cannot write in the "
		    "directory of '%s': %s", target, strerror(errno));
	give_to(*fd, tmp, owner);
	if (write_all(*fd, data->data, data->len) == -1 || fsync(*fd) == -1)
		return err_set(err, PIERONE_EIO, "cannot write '%s': %s",
		    target, write_reason(errno));
	return 0;
}

/*
 * From the temporary file's creation to its rename or removal, the signals
 * that end a process by default are held back: a library cannot install
 * handlers (they are the application's), but it can defer them for the
 * few milliseconds of a write, and the process then ends with no copy of
 * a secret left behind.  SIGKILL cannot be held: see remove_stale().
 */
static void
hold_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigprocmask(SIG_BLOCK, &set, old);
}

static int
replace(const char *target, const struct buf *data, mode_t mode,
    struct pierone_err *err)
{
	struct stat st;
	sigset_t old;
	bool made = false;
	char *tmp;
	int rc, fd = -1;

	bool existed = stat(target, &st) == 0;

	/* FILE_PRIVATE: a secret's file is 0600 whatever it was before. */
	if (existed && !(mode & FILE_PRIVATE))
		mode = st.st_mode & 07777;
	mode &= 07777;
	/* Keep the owner (sudo with HOME kept), else the directory's. */
	if (!existed && dir_owner(target, &st) == -1)
		memset(&st, 0, sizeof(st));
	if ((tmp = temp_name(target)) == NULL)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	hold_signals(&old);
	rc = write_temp(tmp, target, data, &st, &fd, err);
	made = fd != -1;
	if (rc == 0 && rename(tmp, target) == -1) {
		if (errno == EBUSY)
			rc = rewrite_in_place(target, data, err);
		else
			rc = err_set(err, PIERONE_EIO, "cannot replace '%s': "
			    "%s", target, strerror(errno));
	} else if (rc == 0) {
		/* the file's own mode, once it is no temporary copy */
		if (fchmod(fd, mode) == -1)
			rc = err_set(err, PIERONE_EIO, "cannot set the mode "
			    "of '%s': %s", target, strerror(errno));
		sync_dir(target);
		made = false;
	}
	if (fd != -1 && close(fd) == -1 && rc == 0)
		rc = err_set(err, PIERONE_EIO, "cannot write '%s': %s", target,
		    write_reason(errno));
	if (made)
		unlink(tmp);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(tmp);
	return rc;
}
/* Set by the application (the CLI prints the notice); see pierone.h. */
static pierone_lock_wait_fn *wait_notify;
static void *wait_arg;

void
pierone_set_lock_wait_notify(pierone_lock_wait_fn *fn, void *arg)
{
	wait_notify = fn;
	wait_arg = arg;
}

/* Seconds to wait for another process's lock: $PIERONE_LOCK_TIMEOUT. */
static long long
lock_timeout_ms(void)
{
	const char *env = getenv("PIERONE_LOCK_TIMEOUT");
	const char *errstr = NULL;
	long long s = LOCK_TIMEOUT;

	if (env != NULL && *env != '\0') {
		s = strtonum(env, 0, 86400, &errstr);
		if (errstr != NULL)
			s = LOCK_TIMEOUT;
	}
	return s * 1000;
}

/* flock(LOCK_EX), polled: said after a second, given up after a while. */
static int
lock_wait(int fd, const char *lock, struct pierone_err *err)
{
	long long start = mono_ms(), limit = lock_timeout_ms(), waited;
	struct timespec pause = { 0, 50 * 1000000 };
	bool told = false;

	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return err_set(err, PIERONE_EIO, "cannot lock '%s': "
			    "%s", lock, strerror(errno));
		waited = mono_ms() - start;
		if (waited >= limit)
			return err_set(err, PIERONE_ETIMEOUT, "cannot lock "
			    "'%s': gave up waiting after %lld s for the "
			    "process holding it (PIERONE_LOCK_TIMEOUT)", lock,
			    limit / 1000);
		if (waited >= 1000 && !told && wait_notify != NULL)
			wait_notify(lock, wait_arg);
		told = told || waited >= 1000;
		nanosleep(&pause, NULL);
	}
	return 0;
}

static int
lock_open(const char *target, struct pierone_err *err)
{
	struct stat st, owner;
	char *lock;
	int fd, rc = 0;

	if (asprintf(&lock, "%s.lock", target) == -1)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	/* O_NONBLOCK: a FIFO put there must not hang us */
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK, 0600);
	if (fd == -1)
		rc = err_set(err, PIERONE_EIO, "cannot create '%s': %s", lock,
		    strerror(errno));
	else if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		rc = err_set(err, PIERONE_EIO, "cannot lock '%s': not a "
		    "regular file", lock);
	else if (dir_owner(lock, &owner) == 0 && (st.st_uid != owner.st_uid ||
	    st.st_gid != owner.st_gid))
		give_to(fd, lock, &owner);
	if (rc == 0)
		rc = lock_wait(fd, lock, err);
	if (rc != 0 && fd != -1)
		close(fd);
	free(lock);
	return rc != 0 ? rc : fd;
}

/*
 * Temporary files of updates that a SIGKILL (or a crash) ended: under the
 * lock, ".NAME.pierone-PID.*" beside the target whose process is gone.
 */
static void
remove_stale(const char *target)
{
	char *copy = strdup(target), *dir, *prefix = NULL, *end;
	struct dirent *e;
	DIR *d = NULL;
	long pid;

	if (copy == NULL)
		return;
	dir = dirname(copy);
	if (asprintf(&prefix, ".%s" TEMP_MARK, target + strlen(dir) +
	    (strcmp(dir, "/") != 0)) == -1)
		prefix = NULL;
	if (prefix != NULL)
		d = opendir(dir);
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		pid = strtol(e->d_name + strlen(prefix), &end, 10);
		if (*end == '.' && pid > 0 && pid != getpid() &&
		    kill((pid_t)pid, 0) == -1 && errno == ESRCH)
			(void)unlinkat(dirfd(d), e->d_name, 0);
	}
	if (d != NULL)
		closedir(d);
	free(prefix);
	free(copy);
}

/* Refuse a FIFO, device or socket before anything is made beside it. */
static int
check_regular(const char *target, struct pierone_err *err)
{
	struct stat st;

	if (stat(target, &st) == 0 && !S_ISREG(st.st_mode))
		return err_set(err, PIERONE_EIO, "cannot update '%s': %s",
		    target, S_ISDIR(st.st_mode) ? "is a directory" :
		    "not a regular file");
	return 0;
}

/* The new contents must be readable by the next run. */
static int
check_size(const char *target, const struct buf *out,
    struct pierone_err *err)
{
	if (out->len <= PIERONE_MAX_FILE)
		return 0;
	return err_set(err, PIERONE_EIO, "cannot update '%s': the new "
	    "contents would be too large (%zu bytes; at most %u are read)",
	    target, out->len, PIERONE_MAX_FILE);
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
	if ((rc = check_regular(target, err)) == 0)
		rc = make_dirs(dirname(dir), err);
	free(dir);
	if (rc == 0 && (lock = lock_open(target, err)) < 0)
		rc = lock;
	if (rc != 0) {
		free(target);
		return rc;
	}
	remove_stale(target);
	rc = file_read(&old, target, PIERONE_MAX_FILE, err);
	if (rc == 0 || rc == PIERONE_ENOTFOUND)
		rc = fn(&out, rc == 0 ? &old : NULL, target, arg, err);
	if (rc == 0 && (rc = check_size(target, &out, err)) == 0)
		rc = replace(target, &out, mode, err);
	close(lock);		/* releases the flock */
	buf_freezero(&old);
	buf_freezero(&out);
	free(target);
	return rc;
}
