/*
 * Safe read-modify-write of the user's files (Docker's config, the token
 * cache, pierone.yaml): under an exclusive lock, through a temporary file
 * in the same directory, fsync and rename, so that a crash or a second
 * pierone at the same moment can never leave a half-written or lost file.
 *
 * The lock is flock(2) on TARGET.lock, a file that exists only while an
 * update holds it: the holder unlinks it, still holding it, before it
 * closes it.  A process that opened the file before that and then gets
 * the lock holds it on a name nobody uses any more, so after every
 * flock() the path is looked up again and the lock kept only when it
 * still names the very file locked (same device and inode); else it
 * starts over.  Whoever holds a lock on the file the path names is thus
 * the only updater, and no lock file stays behind an update.
 *
 * The alternatives were weighed and dropped: a lock on the target itself
 * needs the same re-check (rename gives it a new inode) and would create
 * an empty config.json, which Docker then reads, where none was; a lock
 * on the directory serialises every program that locks $HOME, and on NFS
 * flock() becomes a POSIX lock that a directory, opened read-only, cannot
 * take.  A lock file works wherever flock() does.
 *
 * An X.lock left by an older pierone (which never removed them) or by a
 * process killed with SIGKILL is locked like any other and removed by
 * the next update.  What cannot be made safe: an older pierone running
 * at the same moment as this one (it keeps a lock on a removed file).
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
 * From the lock file's creation to its removal, the signals that end a
 * process by default are held back (but while waiting for another
 * process's lock): a library cannot install handlers (they are the
 * application's), but it can defer them for the few milliseconds of an
 * update, and the process then ends with no copy of a secret and no lock
 * file left behind.  SIGKILL cannot be held: see remove_stale(), and the
 * next update takes over the lock file.
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

/* The caller holds the lock, and the signals back (hold_signals()). */
static int
replace(const char *target, const struct buf *data, mode_t mode,
    struct pierone_err *err)
{
	struct stat st;
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

/* A lock being taken, then held: see the top of the file. */
struct lock {
	char *path;		/* TARGET.lock */
	int fd;
	long long start;	/* mono_ms() of the first try */
	long long limit;	/* ms to wait at most, all tries together */
	bool told;		/* wait_notify() was called */
	const sigset_t *waiting;	/* the signal mask to wait with */
};

static int
lock_gave_up(const struct lock *l, struct pierone_err *err)
{
	return err_set(err, PIERONE_ETIMEOUT, "cannot lock '%s': gave up "
	    "waiting after %lld s for the process holding it "
	    "(PIERONE_LOCK_TIMEOUT)", l->path, l->limit / 1000);
}

/*
 * flock(LOCK_EX), polled: said after a second, given up after a while.
 * A signal may end the process while it sleeps here: the lock file is
 * then another process's, which removes it.
 */
static int
lock_wait(struct lock *l, struct pierone_err *err)
{
	struct timespec pause = { 0, 50 * 1000000 };
	long long waited;
	sigset_t held;

	while (flock(l->fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return err_set(err, PIERONE_EIO, "cannot lock '%s': "
			    "%s", l->path, strerror(errno));
		waited = mono_ms() - l->start;
		if (waited >= l->limit)
			return lock_gave_up(l, err);
		if (waited >= 1000 && !l->told && wait_notify != NULL)
			wait_notify(l->path, wait_arg);
		l->told = l->told || waited >= 1000;
		sigprocmask(SIG_SETMASK, l->waiting, &held);
		nanosleep(&pause, NULL);
		sigprocmask(SIG_SETMASK, &held, NULL);
	}
	return 0;
}

/* Open (create) the lock file; a FIFO put there must not hang us. */
static int
lock_open(struct lock *l, struct pierone_err *err)
{
	struct stat st, owner;

	l->fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK, 0600);
	if (l->fd == -1)
		return err_set(err, PIERONE_EIO, "cannot create '%s': %s",
		    l->path, strerror(errno));
	if (fstat(l->fd, &st) == -1 || !S_ISREG(st.st_mode))
		return err_set(err, PIERONE_EIO, "cannot lock '%s': not a "
		    "regular file", l->path);
	/* one a SIGKILL leaves must stay the user's (sudo -E) */
	if (dir_owner(l->path, &owner) == 0 && (st.st_uid != owner.st_uid ||
	    st.st_gid != owner.st_gid))
		give_to(l->fd, l->path, &owner);
	return 0;
}

/*
 * 0 when the path still names the file locked, 1 when its holder removed
 * it (and maybe another process made a new one) before the lock was ours.
 */
static int
lock_current(const struct lock *l, struct pierone_err *err)
{
	struct stat locked, named;

	if (fstat(l->fd, &locked) == -1)
		return err_set(err, PIERONE_EIO, "cannot lock '%s': %s",
		    l->path, strerror(errno));
	if (lstat(l->path, &named) == -1)
		return errno == ENOENT ? 1 : err_set(err, PIERONE_EIO,
		    "cannot lock '%s': %s", l->path, strerror(errno));
	return locked.st_dev == named.st_dev && locked.st_ino ==
	    named.st_ino ? 0 : 1;
}

/* Take the lock of `target`, signals held back but while waiting. */
static int
lock_take(struct lock *l, const char *target, const sigset_t *waiting,
    struct pierone_err *err)
{
	int rc;

	*l = (struct lock){ .fd = -1, .start = mono_ms(),
	    .limit = lock_timeout_ms(), .waiting = waiting };
	if (asprintf(&l->path, "%s.lock", target) == -1) {
		l->path = NULL;
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	do {
		if ((rc = lock_open(l, err)) == 0 &&
		    (rc = lock_wait(l, err)) == 0)
			rc = lock_current(l, err);
		if (rc != 0 && l->fd != -1) {
			close(l->fd);
			l->fd = -1;
		}
		/* bounded even if something else keeps removing it */
		if (rc == 1 && mono_ms() - l->start >= l->limit)
			rc = lock_gave_up(l, err);
	} while (rc == 1);
	if (rc != 0) {
		free(l->path);
		l->path = NULL;
	}
	return rc;
}

/* Removed while still held (a waiter then retries), then released. */
static void
lock_release(struct lock *l)
{
	(void)unlink(l->path);
	close(l->fd);
	free(l->path);
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
	struct lock lock;
	char *target, *dir;
	sigset_t mask;
	int rc;

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
	hold_signals(&mask);
	if (rc == 0)
		rc = lock_take(&lock, target, &mask, err);
	if (rc != 0) {
		sigprocmask(SIG_SETMASK, &mask, NULL);
		free(target);
		return rc;
	}
	remove_stale(target);
	rc = file_read(&old, target, PIERONE_MAX_FILE, err);
	if (rc == 0 || rc == PIERONE_ENOTFOUND)
		rc = fn(&out, rc == 0 ? &old : NULL, target, arg, err);
	if (rc == 0 && (rc = check_size(target, &out, err)) == 0)
		rc = replace(target, &out, mode, err);
	lock_release(&lock);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	buf_freezero(&old);
	buf_freezero(&out);
	free(target);
	return rc;
}
