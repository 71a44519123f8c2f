/*
 * The user's files under pressure: logins interrupted by signals, files
 * that are not regular (FIFOs), sudo -E on the user's home, a lock held
 * by another process or left by an older pierone, lock files that come
 * and go under many writers, credentials readable by others, a file size
 * limit (the library-level rewrites are check_rewrite.c's).  pierone runs
 * as a child, through timeout(1) where a bug would make it hang.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "pierone.h"
#include "tests.h"

#define ISSUED		"issued-token-1234"
#define PASSWORD	"p&ss w%rd=1"

static struct fake fake;
static char *home;
static char env_home[512], env_url[128], env_token_url[160];

static const char *base_env[] = {
	env_home, env_url, env_token_url, "PIERONE_USER=alice", "USER=nobody",
	"PIERONE_PASSWORD=" PASSWORD, "XDG_CONFIG_HOME", "CREDENTIALS_DIR",
	"OAUTH2_ACCESS_TOKENS", "OAUTH2_ACCESS_TOKEN_URL", "DOCKER_CONFIG",
	"PIERONE_TOKEN_FLOW", "ZIGN_USER", "PIERONE_TIMEOUT",
	"PIERONE_CLIENT_ID", "PIERONE_CLIENT_SECRET", "PIERONE_REALM",
	"PIERONE_LOCK_TIMEOUT", NULL,
};

static void
setup(void)
{
	const char *args[] = { "--data", test_data("registry.json"),
	    "--token", ISSUED, "--issue", ISSUED,
	    "--user", "alice:" PASSWORD, NULL };

	fake_start(&fake, args);
	home = test_tmpdir();
	test_fmt(env_home, sizeof(env_home), "HOME=%s", home);
	test_fmt(env_url, sizeof(env_url), "PIERONE_URL=%s", fake.url);
	test_fmt(env_token_url, sizeof(env_token_url),
	    "PIERONE_TOKEN_URL=%s/access_token", fake.url);
}

static void
teardown(void)
{
	fake_stop(&fake);
	test_rmtree(home);
	free(home);
	home = NULL;
}

#define hpath(rel) test_path(home, rel)

/* argv for pierone: through timeout(1), or sh -c PREFIX when given. */
static int
build_argv(const char **argv, const char *shell, va_list ap)
{
	int n = 0;

	if (shell != NULL) {
		argv[n++] = "/bin/sh";
		argv[n++] = "-c";
		argv[n++] = shell;
	} else {
		argv[n++] = "/usr/bin/timeout";
		argv[n++] = "-s";
		argv[n++] = "KILL";
		argv[n++] = "20";
	}
	argv[n++] = getenv("PIERONE_BIN");
	ck_assert_msg(argv[n - 1] != NULL, "PIERONE_BIN is not set");
	while (n < 31 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	argv[n] = NULL;
	return n;
}

static void
run_env(struct run *r, const char *const *env, const char *shell, ...)
{
	const char *argv[32], *envp[64];
	va_list ap;
	int m = 0;

	va_start(ap, shell);
	build_argv(argv, shell, ap);
	va_end(ap);
	for (const char *const *e = base_env; *e != NULL; e++)
		envp[m++] = *e;
	for (; env != NULL && *env != NULL && m < 63; env++)
		envp[m++] = *env;
	envp[m] = NULL;
	run_cmd(r, argv, envp);
}

static bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void
assert_has(const struct run *r, const char *what)
{
	ck_assert_msg(strstr(r->err, what) != NULL, "stderr lacks '%s': %s",
	    what, r->err);
}

/* Absent, or valid JSON holding an object. */
static void
assert_json_or_absent(const char *path)
{
	char *text = test_slurp(path, NULL);
	cJSON *j;

	if (text == NULL)
		return;
	j = cJSON_Parse(text);
	ck_assert_msg(cJSON_IsObject(j), "'%s' is not a JSON object: %s",
	    path, text);
	cJSON_Delete(j);
	free(text);
}

/* A config.json big enough that writing it takes a while. */
static void
write_big_config(const char *path, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs("{\"auths\": {}, \"pad\": [", fp);
	for (int i = 0; i < 40000; i++)
		fprintf(fp, "%s\"entry-%06d-xxxxxxxxxxxxxxxxxxxxxxxx\"",
		    i ? ", " : "", i);
	fputs("]}\n", fp);
	fclose(fp);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* `env` (NAME=VALUE sets, NAME unsets) into this process's environment. */
static void
apply_env(const char *const *env)
{
	char name[128];
	const char *eq;

	for (; *env != NULL; env++) {
		if ((eq = strchr(*env, '=')) == NULL) {
			unsetenv(*env);
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(eq - *env), *env);
		setenv(name, eq + 1, 1);
	}
}

/* pierone login in a child, its output thrown away; its pid. */
static pid_t
spawn_login(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	const char *bin = getenv("PIERONE_BIN");
	sigset_t set, old;
	pid_t pid;
	int null;

	ck_assert_ptr_nonnull(bin);
	/*
	 * Check's handlers, inherited by fork, would take a signal meant
	 * for the child before exec as meant for the whole test.
	 */
	sigemptyset(&set);
	for (size_t i = 0; i < 4; i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	if ((pid = fork()) == 0) {
		for (size_t i = 0; i < 4; i++)
			signal(sigs[i], SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		apply_env(base_env);
		execl(bin, "pierone", "login", (char *)NULL);
		_exit(127);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	ck_assert_int_gt(pid, 0);
	return pid;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Every leftover temporary file in the three directories login writes. */
static int
temporaries(bool print)
{
	return test_count_temporaries(home, print) +
	    test_count_temporaries(hpath(".docker"), print) +
	    test_count_temporaries(hpath(".config/zign"), print);
}

static int
file_mode_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return (int)(st.st_mode & 07777);
}

static int
private_one(const char *dir)
{
	struct dirent *e;
	struct stat st;
	char path[1024];
	DIR *d = opendir(dir);
	int bad = 0;

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strstr(e->d_name, ".pierone-") == NULL)
			continue;
		test_fmt(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && (st.st_mode & 077) != 0)
			bad++;
	}
	if (d != NULL)
		closedir(d);
	return bad;
}

/* A temporary file a SIGKILL left is 0600 whatever the target's mode. */
static void
assert_temporaries_private(void)
{
	ck_assert_int_eq(private_one(hpath(".docker")) + private_one(home) +
	    private_one(hpath(".config/zign")), 0);
}

/* A pid no process has: a child's, reaped. */
static pid_t
dead_pid(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return pid;
}

START_TEST(interrupted_logins_leave_no_temporary_copy)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGKILL };
	struct timespec t0;
	unsigned int seed = (unsigned int)time(NULL);
	long took;
	pid_t pid;
	int st, mode;

	ck_assert_int_eq(mkdir(hpath(".docker"), 0700), 0);
	write_big_config(hpath(".docker/config.json"), 0644);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = spawn_login();
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	took = ms_since(&t0) + 1;
	if (took > 200)
		took = 200;
	for (int i = 0; i < 40; i++) {
		long us = (long)(rand_r(&seed) % (unsigned int)(took * 1000));
		struct timespec ts = { 0, us * 1000 };

		pid = spawn_login();
		nanosleep(&ts, NULL);
		kill(pid, sigs[i % 4]);
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		assert_json_or_absent(hpath(".docker/config.json"));
		assert_json_or_absent(hpath(".dockercfg"));
		/*
		 * The new file gets the old one's mode just after the rename:
		 * a SIGKILL in between leaves it 0600, never more open, and
		 * a copy of the token is never readable by others.
		 */
		mode = file_mode_of(hpath(".docker/config.json"));
		ck_assert_msg(mode == 0644 || (sigs[i % 4] == SIGKILL &&
		    mode == 0600), "mode %o after signal %d", (unsigned)mode,
		    sigs[i % 4]);
		if (mode == 0600)
			ck_assert_int_eq(chmod(hpath(".docker/config.json"),
			    0644), 0);
		assert_temporaries_private();
	}
	pid = spawn_login();
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_msg(temporaries(true) == 0, "temporary files left behind "
	    "(seed %u)", seed);
	/* what a SIGKILL left, the last login took over and removed */
	ck_assert_msg(test_count_locks(home, true) == 0, "lock files left "
	    "behind (seed %u)", seed);
}
END_TEST

START_TEST(stale_temporary_files_of_dead_logins_are_removed)
{
	char stale[1024];
	const char *live = hpath(".docker/.config.json.pierone-1.Ab12Cd");
	struct run r;

	test_fmt(stale, sizeof(stale), "%s/.docker/.config.json.pierone-%d."
	    "Ab12Cd", home, (int)dead_pid());

	ck_assert_int_eq(mkdir(hpath(".docker"), 0700), 0);
	test_write_file(stale, "{\"half\": ");
	test_write_file(live, "{\"pid 1 lives\": ");
	run_env(&r, NULL, NULL, "login", NULL);
	ck_assert_msg(r.status == 0, "login failed: %s", r.err);
	ck_assert_msg(!exists(stale), "a dead login's temporary file stays");
	ck_assert_msg(exists(live), "a live process's temporary file went");
	run_free(&r);
}
END_TEST

/* ------------------------------------------------------------------
 * Files that are not regular
 */

/* A FIFO at `rel` (directories made); the run must not hang on it. */
static const char *
make_fifo(const char *rel)
{
	char dir[1024], *slash;
	const char *path = hpath(rel);

	test_fmt(dir, sizeof(dir), "%s", path);
	for (slash = dir + strlen(home) + 1; (slash = strchr(slash, '/'))
	    != NULL; slash++) {
		*slash = '\0';
		mkdir(dir, 0700);
		*slash = '/';
	}
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	return path;
}

static void
assert_refused(const struct run *r, const char *path)
{
	char want[1200], lock[1100];

	ck_assert_msg(r->status != 128 + SIGKILL, "pierone hung on a FIFO");
	test_fmt(want, sizeof(want), "'%s': not a regular file", path);
	assert_has(r, want);
	test_fmt(lock, sizeof(lock), "%s.lock", path);
	ck_assert_msg(!exists(lock), "a lock was made beside '%s'", path);
}

/* pierone ARGS (NULL-ended) with `env` ends with `status`, refusing it. */
static void
assert_run_refuses(const char *path, int status, const char *const *env,
    const char *a1, const char *a2, const char *a3)
{
	struct run r;

	run_env(&r, env, NULL, a1, a2, a3, NULL);
	ck_assert_msg(r.status == status, "status %d: %s", r.status, r.err);
	assert_refused(&r, path);
	run_free(&r);
}

START_TEST(fifo_as_pierone_yaml_is_refused_at_once)
{
	const char *path = make_fifo(".config/pierone/pierone.yaml");

	assert_run_refuses(path, 1, NULL, "teams", NULL, NULL);
	assert_run_refuses(path, 1, NULL, "-c", path, "teams");
}
END_TEST

START_TEST(fifo_as_docker_config_is_refused_at_once)
{
	assert_run_refuses(make_fifo(".docker/config.json"), 1, NULL, "login",
	    NULL, NULL);
}
END_TEST

START_TEST(fifo_as_dockercfg_is_refused_at_once)
{
	assert_run_refuses(make_fifo(".dockercfg"), 1, NULL, "login", NULL,
	    NULL);
}
END_TEST

/* A token not cached is a warning: Docker's files are written. */
START_TEST(fifo_as_token_cache_is_refused_at_once)
{
	assert_run_refuses(make_fifo(".config/zign/tokens.yaml"), 0, NULL,
	    "login", NULL, NULL);
}
END_TEST

START_TEST(fifo_as_credentials_dir_secrets_is_refused_at_once)
{
	const char *names[] = { "creds/user.json", "creds/client.json" };
	char env_dir[1100];
	const char *env[] = { env_dir, NULL };
	struct run r;

	test_fmt(env_dir, sizeof(env_dir), "CREDENTIALS_DIR=%s",
	    hpath("creds"));
	for (size_t i = 0; i < 2; i++) {
		const char *path = make_fifo(names[i]);

		if (i == 1)
			test_write_file(hpath("creds/user.json"),
			    "{\"application_username\": \"app\", "
			    "\"application_password\": \"pw\"}");
		assert_run_refuses(path, 1, env, "login", NULL, NULL);
		unlink(hpath(names[0]));
	}
	make_fifo("creds/pierone-token-secret");
	run_env(&r, env, NULL, "teams", NULL);
	ck_assert_msg(r.status != 128 + SIGKILL, "pierone hung on a FIFO");
	run_free(&r);
}
END_TEST

/* ------------------------------------------------------------------
 * sudo -E: the files belong to the owner of their directory
 */

static void
assert_owner(const char *rel, uid_t uid, gid_t gid)
{
	struct stat st;

	ck_assert_msg(lstat(hpath(rel), &st) == 0, "%s missing", rel);
	ck_assert_msg(st.st_uid == uid && st.st_gid == gid, "%s is owned by "
	    "%d:%d, not %d:%d", rel, (int)st.st_uid, (int)st.st_gid,
	    (int)uid, (int)gid);
}

START_TEST(login_as_root_leaves_the_files_to_the_home_owner)
{
	static const char *const made[] = { ".docker", ".docker/config.json",
	    ".dockercfg", ".config", ".config/zign",
	    ".config/zign/tokens.yaml" };
	uid_t uid = geteuid() == 0 ? 65534 : geteuid();
	gid_t gid = geteuid() == 0 ? 65534 : getegid();
	struct run r;

	if (geteuid() != 0)
		fprintf(stderr, "note: not root; login_as_root_leaves_the_"
		    "files_to_the_home_owner checks only that the files are "
		    "the user's\n");
	ck_assert_int_eq(chown(home, uid, gid), 0);
	run_env(&r, NULL, NULL, "login", NULL);
	ck_assert_msg(r.status == 0, "login failed: %s", r.err);
	run_free(&r);
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		assert_owner(made[i], uid, gid);
	ck_assert_int_eq(test_count_locks(home, true), 0);
}
END_TEST

/* ------------------------------------------------------------------
 * A lock held by another process
 */

START_TEST(login_waiting_for_a_held_lock_says_so_and_gives_up)
{
	const char *env[] = { "PIERONE_LOCK_TIMEOUT=2", NULL };
	struct timespec t0;
	char want[1200];
	struct run r;
	long took;
	int fd;

	ck_assert_int_eq(mkdir(hpath(".docker"), 0700), 0);
	fd = open(hpath(".docker/config.json.lock"), O_RDWR | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run_env(&r, env, NULL, "login", NULL);
	took = ms_since(&t0);
	close(fd);
	ck_assert_msg(r.status == 1, "status %d: %s", r.status, r.err);
	test_fmt(want, sizeof(want), "waiting for the lock on '%s'...",
	    hpath(".docker/config.json.lock"));
	assert_has(&r, want);
	assert_has(&r, "gave up waiting");
	ck_assert_msg(took >= 1900 && took < 10000, "took %ld ms", took);
	ck_assert_msg(!exists(hpath(".docker/config.json")), "written "
	    "without the lock");
	/* never held, so never removed: it is the other process's */
	ck_assert(exists(hpath(".docker/config.json.lock")));
	run_free(&r);
}
END_TEST

START_TEST(a_lock_released_in_time_lets_login_finish_quietly)
{
	const char *env[] = { "PIERONE_LOCK_TIMEOUT=30", NULL };
	struct run r;
	pid_t pid;
	int fd, st;

	ck_assert_int_eq(mkdir(hpath(".docker"), 0700), 0);
	if ((pid = fork()) == 0) {
		fd = open(hpath(".docker/config.json.lock"),
		    O_RDWR | O_CREAT, 0600);
		flock(fd, LOCK_EX);
		usleep(300000);
		_exit(0);
	}
	usleep(100000);
	run_env(&r, env, NULL, "login", NULL);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(r.status == 0, "login failed: %s", r.err);
	ck_assert_ptr_null(strstr(r.err, "waiting"));
	ck_assert_int_eq(test_count_locks(home, true), 0);
	run_free(&r);
}
END_TEST

START_TEST(login_leaves_no_lock_file)
{
	struct run r;

	/* the files new, then existing ones updated */
	for (int i = 0; i < 2; i++) {
		run_env(&r, NULL, NULL, "login", NULL);
		ck_assert_msg(r.status == 0, "login failed: %s", r.err);
		run_free(&r);
		ck_assert(exists(hpath(".docker/config.json")));
		ck_assert(exists(hpath(".dockercfg")));
		ck_assert(exists(hpath(".config/zign/tokens.yaml")));
		ck_assert_int_eq(test_count_locks(home, true), 0);
	}
}
END_TEST

/* Earlier builds left their lock files: the next update removes them. */
START_TEST(lock_files_an_older_pierone_left_are_taken_over_and_removed)
{
	static const char *const old[] = { ".docker/config.json.lock",
	    ".dockercfg.lock", ".config/zign/tokens.yaml.lock" };
	struct run r;
	cJSON *root;
	char *text;

	ck_assert_int_eq(mkdir(hpath(".config"), 0700), 0);
	for (size_t i = 0; i < sizeof(old) / sizeof(old[0]); i++)
		test_put(home, old[i], "", 0600);
	run_env(&r, NULL, NULL, "login", NULL);
	ck_assert_msg(r.status == 0, "login failed: %s", r.err);
	run_free(&r);
	text = test_slurp(hpath(".docker/config.json"), NULL);
	root = cJSON_Parse(text);
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(cJSON_GetObjectItem(root,
	    "auths"), fake.url));
	cJSON_Delete(root);
	free(text);
	ck_assert_int_eq(test_count_locks(home, true), 0);
}
END_TEST

/*
 * The race a removed lock file opens, played step by step: login waits on
 * the lock file; its holder removes it and a third process locks a new
 * one; when the first lock is released, login holds a lock on a file the
 * path no longer names, and must not write until the new one is free.
 */
START_TEST(a_lock_file_its_holder_removed_is_not_taken_by_a_waiter)
{
	const char *lock = hpath(".docker/config.json.lock");
	pid_t pid;
	int first, second, st;

	ck_assert_int_eq(mkdir(hpath(".docker"), 0700), 0);
	/* O_CLOEXEC: login must not share (and keep) this lock */
	first = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_int_ge(first, 0);
	ck_assert_int_eq(flock(first, LOCK_EX), 0);
	pid = spawn_login();
	usleep(400000);		/* login opened the file and waits */
	ck_assert_int_eq(unlink(lock), 0);
	second = open(lock, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(second, 0);
	ck_assert_int_eq(flock(second, LOCK_EX), 0);
	close(first);
	usleep(600000);		/* login got the first lock, saw it gone */
	ck_assert_msg(!exists(hpath(".docker/config.json")), "written under "
	    "a lock on a removed lock file");
	ck_assert_int_eq(unlink(lock), 0);	/* as an update does */
	close(second);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "login: "
	    "status %#x", (unsigned)st);
	ck_assert(exists(hpath(".docker/config.json")));
	ck_assert_int_eq(test_count_locks(home, true), 0);
}
END_TEST

/* ------------------------------------------------------------------
 * Credentials readable by others
 */

START_TEST(login_warns_about_docker_files_readable_by_others)
{
	char want[1200];
	struct run r;

	ck_assert_int_eq(mkdir(hpath(".docker"), 0700), 0);
	test_write_file(hpath(".docker/config.json"), "{}");
	ck_assert_int_eq(chmod(hpath(".docker/config.json"), 0644), 0);
	test_write_file(hpath(".dockercfg"), "{}");
	ck_assert_int_eq(chmod(hpath(".dockercfg"), 0640), 0);
	run_env(&r, NULL, NULL, "login", NULL);
	ck_assert_msg(r.status == 0, "login failed: %s", r.err);
	test_fmt(want, sizeof(want), "pierone: warning: '%s' is readable by "
	    "others (mode 0644); docker writes it 0600",
	    hpath(".docker/config.json"));
	assert_has(&r, want);
	test_fmt(want, sizeof(want), "'%s' is readable by others (mode 0640)",
	    hpath(".dockercfg"));
	assert_has(&r, want);
	ck_assert_int_eq(file_mode_of(hpath(".docker/config.json")), 0644);
	ck_assert_int_eq(file_mode_of(hpath(".dockercfg")), 0640);
	run_free(&r);
	ck_assert_int_eq(chmod(hpath(".docker/config.json"), 0600), 0);
	ck_assert_int_eq(chmod(hpath(".dockercfg"), 0600), 0);
	run_env(&r, NULL, NULL, "login", NULL);
	ck_assert_ptr_null(strstr(r.err, "readable by others"));
	run_free(&r);
}
END_TEST

/* ------------------------------------------------------------------
 * ulimit -f
 */

START_TEST(file_size_limit_is_a_clear_error_and_the_file_stays)
{
	const char *env[] = { "OAUTH2_ACCESS_TOKENS=pierone=" ISSUED, NULL };
	char *before, *after;
	struct run r;

	ck_assert_int_eq(mkdir(hpath(".docker"), 0700), 0);
	write_big_config(hpath(".docker/config.json"), 0600);
	before = test_slurp(hpath(".docker/config.json"), NULL);
	run_env(&r, env, "ulimit -f 8; exec \"$0\" \"$@\"", "login", NULL);
	ck_assert_msg(r.status == 1, "status %d: %s", r.status, r.err);
	assert_has(&r, "file too large");
	assert_has(&r, hpath(".docker/config.json"));
	after = test_slurp(hpath(".docker/config.json"), NULL);
	ck_assert_msg(strcmp(before, after) == 0, "config.json changed");
	ck_assert_int_eq(temporaries(true), 0);
	free(before);
	free(after);
	run_free(&r);
}
END_TEST

/* ------------------------------------------------------------------
 * Through the library: every writer, and many writers at once
 */

static const char *const lib_env[] = { "HOME", "XDG_CONFIG_HOME",
    "DOCKER_CONFIG", "PIERONE_LOCK_TIMEOUT" };

static void
lib_setup(void)
{
	test_env_isolate(lib_env, sizeof(lib_env) / sizeof(lib_env[0]));
	home = test_tmpdir();
	setenv("HOME", home, 1);
}

static void
lib_teardown(void)
{
	test_env_restore();
	test_rmtree(home);
	free(home);
	home = NULL;
}

START_TEST(every_writer_of_the_library_leaves_no_lock_file)
{
	static const char reg[] = "https://pierone.example.org";
	char token[] = "lib-token-5678";
	struct pierone_token t = { .access_token = token,
	    .source = PIERONE_TOKEN_SERVICE, .expires_in = 3600 };
	struct pierone_err err = { 0 };

	t.created = (double)time(NULL);
	t.expires_at = t.created + 3600;
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(pierone_docker_store_auth(
		    hpath(".docker/config.json"), PIERONE_DOCKER_CONFIG_JSON,
		    reg, token, NULL, &err), 0);
		ck_assert_int_eq(pierone_docker_store_auth(hpath(".dockercfg"),
		    PIERONE_DOCKER_DOCKERCFG, reg, token, NULL, &err), 0);
		ck_assert_int_eq(pierone_docker_store_helper(
		    hpath(".docker/config.json"), "other.example.org",
		    "pierone", &err), 0);
		ck_assert_int_eq(pierone_token_cache_store(&t, &err), 0);
		ck_assert_int_eq(pierone_config_store_url(
		    hpath(".config/pierone/pierone.yaml"), reg, &err), 0);
		ck_assert(exists(hpath(".config/zign/tokens.yaml")));
		ck_assert(exists(hpath(".config/pierone/pierone.yaml")));
		ck_assert_int_eq(test_count_locks(home, true), 0);
	}
}
END_TEST

#define WRITERS	12
#define UPDATES	20

/* A child's updates, one entry each; its exit status. */
static int
write_entries(const char *path, int who)
{
	char reg[64];

	for (int i = 0; i < UPDATES; i++) {
		snprintf(reg, sizeof(reg), "https://w%02d-%02d.example.org",
		    who, i);
		if (pierone_docker_store_auth(path, PIERONE_DOCKER_CONFIG_JSON,
		    reg, "writer-token", NULL, NULL) != 0)
			return 1;
	}
	return 0;
}

/*
 * Every update removes the lock file it held, so that under many writers
 * the lock file is made and removed hundreds of times while others wait
 * on it: no update may be lost to a lock held on a removed file.
 */
START_TEST(many_writers_lose_no_update_while_lock_files_come_and_go)
{
	const char *path = hpath(".docker/config.json");
	pid_t pids[WRITERS];
	cJSON *root, *auths;
	char reg[64], *text;
	int st;

	for (int w = 0; w < WRITERS; w++) {
		ck_assert_int_ge(pids[w] = fork(), 0);
		if (pids[w] == 0)
			_exit(write_entries(path, w));
	}
	for (int w = 0; w < WRITERS; w++) {
		ck_assert_int_eq(waitpid(pids[w], &st, 0), pids[w]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "writer %d failed", w);
	}
	text = test_slurp(path, NULL);
	root = cJSON_Parse(text);
	auths = cJSON_GetObjectItem(root, "auths");
	ck_assert_int_eq(cJSON_GetArraySize(auths), WRITERS * UPDATES);
	for (int w = 0; w < WRITERS; w++)
		for (int i = 0; i < UPDATES; i++) {
			test_fmt(reg, sizeof(reg), "https://w%02d-%02d."
			    "example.org", w, i);
			ck_assert_msg(cJSON_GetObjectItem(auths, reg) != NULL,
			    "%s lost", reg);
		}
	cJSON_Delete(root);
	free(text);
	ck_assert_int_eq(test_count_locks(home, true), 0);
	ck_assert_int_eq(test_count_temporaries(hpath(".docker"), true), 0);
}
END_TEST

Suite *
files_suite(void)
{
	Suite *s = suite_create("files");
	TCase *tc = tcase_create("files");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, interrupted_logins_leave_no_temporary_copy);
	tcase_add_test(tc, stale_temporary_files_of_dead_logins_are_removed);
	tcase_add_test(tc, fifo_as_pierone_yaml_is_refused_at_once);
	tcase_add_test(tc, fifo_as_docker_config_is_refused_at_once);
	tcase_add_test(tc, fifo_as_dockercfg_is_refused_at_once);
	tcase_add_test(tc, fifo_as_token_cache_is_refused_at_once);
	tcase_add_test(tc, fifo_as_credentials_dir_secrets_is_refused_at_once);
	tcase_add_test(tc, login_as_root_leaves_the_files_to_the_home_owner);
	tcase_add_test(tc, login_waiting_for_a_held_lock_says_so_and_gives_up);
	tcase_add_test(tc, a_lock_released_in_time_lets_login_finish_quietly);
	tcase_add_test(tc, login_warns_about_docker_files_readable_by_others);
	tcase_add_test(tc, file_size_limit_is_a_clear_error_and_the_file_stays);
	tcase_add_test(tc, login_leaves_no_lock_file);
	tcase_add_test(tc,
	    lock_files_an_older_pierone_left_are_taken_over_and_removed);
	tcase_add_test(tc,
	    a_lock_file_its_holder_removed_is_not_taken_by_a_waiter);
	suite_add_tcase(s, tc);
	tc = tcase_create("library");
	tcase_add_checked_fixture(tc, lib_setup, lib_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, every_writer_of_the_library_leaves_no_lock_file);
	tcase_add_test(tc,
	    many_writers_lose_no_update_while_lock_files_come_and_go);
	suite_add_tcase(s, tc);
	return s;
}
