/*
 * Test helpers: fixtures, temporary directories, the fake registry and
 * running the pierone binary with its output captured.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests.h"

extern char **environ;

const char *
test_data_dir(void)
{
	const char *d = getenv("TEST_DATA");

	return d != NULL ? d : "tests/data";
}

const char *
test_data(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", test_data_dir(), name);
	return path;
}

char *
test_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (fp == NULL)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
		got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
	} while (got > 0);
	fclose(fp);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

void
test_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	ck_assert_msg(n >= 0 && (size_t)n < size, "buffer too small");
}

void
test_write_file(const char *path, const char *content)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	size_t len = strlen(content);

	ck_assert_msg(fd != -1, "cannot create %s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, content, len), (ssize_t)len);
	close(fd);
}

char *
test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	ck_assert_int_ne(asprintf(&dir, "%s/pierone-test.XXXXXX",
	    base != NULL ? base : "/tmp"), -1);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		chmod(path, 0700);
	return remove(path);
}

void
test_rmtree(const char *dir)
{
	if (dir != NULL)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Read the port line the fake registry prints, waiting at most 10 s. */
static int
read_port(int fd)
{
	char line[32];
	size_t n = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t got;

	while (n < sizeof(line) - 1) {
		if (poll(&p, 1, 10000) <= 0)
			return -1;
		if ((got = read(fd, line + n, 1)) <= 0)
			return -1;
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	return atoi(line);
}

void
fake_start(struct fake *f, const char *const *args)
{
	const char *bin = getenv("FAKE_REGISTRY");
	const char *argv[64];
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int fds[2], n = 0;

	memset(f, 0, sizeof(*f));
	ck_assert_msg(bin != NULL, "FAKE_REGISTRY is not set");
	f->dir = test_tmpdir();
	snprintf(f->log, sizeof(f->log), "%s/requests.log", f->dir);
	argv[n++] = bin;
	argv[n++] = "--log";
	argv[n++] = f->log;
	for (; args != NULL && *args != NULL && n < 62; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	ck_assert_int_eq(pipe(fds), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	ck_assert_int_eq(posix_spawn(&pid, bin, &fa, NULL,
	    (char *const *)argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	f->pid = pid;
	f->port = read_port(fds[0]);
	close(fds[0]);
	if (f->port <= 0) {
		fake_stop(f);
		ck_abort_msg("fake registry did not start");
	}
	snprintf(f->url, sizeof(f->url), "http://127.0.0.1:%d", f->port);
}

/*
 * Every token and password the CLI-level suites hand to pierone.  None may
 * show in what pierone prints or in any file but those meant to hold it.
 */
static const char *const secrets[] = {
	"test-token-0123456789", "wrong-token", "issued-token-1234",
	"b2F1dGgyOmlzc3VlZC10b2tlbi0xMjM0", "env-token-5678",
	"b2F1dGgyOmVudi10b2tlbi01Njc4", "p&ss w%rd=1", "csecret",
	"wr0ng-pa55", "lib-test-token", "test-token-v2v2v2v2",
	"b2F1dGgyOnRlc3QtdG9rZW4tdjJ2MnYydjI",
};

bool test_stdout_may_hold_secret;

static const char *
secret_in(const char *text)
{
	for (size_t i = 0; text != NULL && i < sizeof(secrets) /
	    sizeof(secrets[0]); i++)
		if (strstr(text, secrets[i]) != NULL)
			return secrets[i];
	return NULL;
}

/* Files whose purpose is to hold a token or a password. */
static bool
meant_for_secrets(const char *path)
{
	static const char *const names[] = { "tokens.yaml", "config.json",
	    ".dockercfg", "pierone-token-secret", "user.json", "client.json" };
	const char *base = strrchr(path, '/');

	base = base != NULL ? base + 1 : path;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(base, names[i]) == 0)
			return true;
	return false;
}

static int
scan_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *found;
	char *text;

	(void)ftw;
	if (flag != FTW_F || !S_ISREG(st->st_mode) || meant_for_secrets(path))
		return 0;
	text = test_slurp(path, NULL);
	found = secret_in(text);
	free(text);
	ck_assert_msg(found == NULL, "secret '%s' written to %s", found, path);
	return 0;
}

void
test_assert_no_secrets(const char *dir)
{
	if (dir != NULL)
		nftw(dir, scan_one, 16, FTW_PHYS);
}

void
fake_stop(struct fake *f)
{
	int st;

	if (f->dir != NULL)
		test_assert_no_secrets(f->dir);		/* the request log */
	if (f->pid > 0) {
		kill(f->pid, SIGTERM);
		waitpid(f->pid, &st, 0);
		f->pid = 0;
	}
	test_rmtree(f->dir);
	free(f->dir);
	f->dir = NULL;
}

char *
fake_log(const struct fake *f)
{
	char *s = test_slurp(f->log, NULL);

	return s != NULL ? s : strdup("");
}

/* Collect both pipes until the child closes them. */
static void
drain(int outfd, int errfd, struct run *r)
{
	struct pollfd p[2] = { { outfd, POLLIN, 0 }, { errfd, POLLIN, 0 } };
	char **dst[2] = { &r->out, &r->err };
	size_t len[2] = { 0, 0 };
	char chunk[4096];
	ssize_t n;
	int nopen = 2;

	r->out = strdup("");
	r->err = strdup("");
	while (nopen > 0 && poll(p, 2, 30000) > 0) {
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || p[i].revents == 0)
				continue;
			if ((n = read(p[i].fd, chunk, sizeof(chunk))) <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				nopen--;
				continue;
			}
			*dst[i] = realloc(*dst[i], len[i] + (size_t)n + 1);
			memcpy(*dst[i] + len[i], chunk, (size_t)n);
			len[i] += (size_t)n;
			(*dst[i])[len[i]] = '\0';
		}
	}
	for (int i = 0; i < 2; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
}

/* environ plus `env` (NAME=VALUE sets, NAME unsets); caller frees array. */
static char **
make_env(const char *const *env)
{
	size_t n = 0, k = 0, m = 0;
	char **out;

	while (environ[n] != NULL)
		n++;
	while (env != NULL && env[m] != NULL)
		m++;
	out = calloc(n + m + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		bool drop = false;

		for (size_t j = 0; j < m; j++) {
			size_t len = strcspn(env[j], "=");

			if (strncmp(environ[i], env[j], len) == 0 &&
			    environ[i][len] == '=')
				drop = true;
		}
		if (!drop)
			out[k++] = environ[i];
	}
	/* A later entry for the same name wins over an earlier one. */
	for (size_t j = 0; j < m; j++) {
		size_t len = strcspn(env[j], "=");
		bool later = false;

		for (size_t l = j + 1; l < m; l++)
			if (strncmp(env[l], env[j], len) == 0 &&
			    (env[l][len] == '=' || env[l][len] == '\0'))
				later = true;
		if (!later && env[j][len] == '=')
			out[k++] = (char *)env[j];
	}
	out[k] = NULL;
	return out;
}

void
run_cmd(struct run *r, const char *const *argv, const char *const *env)
{
	run_cmd_input(r, argv, env, NULL);
}

/* A file holding `input` for a child's stdin; caller unlinks and frees. */
static char *
input_file(const char *input)
{
	char *path;
	int fd;

	ck_assert_int_ne(asprintf(&path, "%s/pierone-stdin.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp"), -1);
	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_int_eq(write(fd, input, strlen(input)),
	    (ssize_t)strlen(input));
	close(fd);
	return path;
}

void
run_cmd_input(struct run *r, const char *const *argv, const char *const *env,
    const char *input)
{
	posix_spawn_file_actions_t fa;
	int out[2], err[2], st;
	char **envp = make_env(env);
	char *in = input != NULL ? input_file(input) : NULL;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(pipe(out), 0);
	ck_assert_int_eq(pipe(err), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO,
	    in != NULL ? in : "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	posix_spawn_file_actions_addclose(&fa, err[0]);
	posix_spawn_file_actions_addclose(&fa, out[1]);
	posix_spawn_file_actions_addclose(&fa, err[1]);
	ck_assert_int_eq(posix_spawn(&pid, argv[0], &fa, NULL,
	    (char *const *)argv, envp), 0);
	posix_spawn_file_actions_destroy(&fa);
	free(envp);
	close(out[1]);
	close(err[1]);
	drain(out[0], err[0], r);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	if (in != NULL)
		unlink(in);
	free(in);
	ck_assert_msg(test_stdout_may_hold_secret || secret_in(r->out) == NULL,
	    "%s printed a secret on stdout: %s", argv[0], r->out);
	ck_assert_msg(secret_in(r->err) == NULL,
	    "%s printed a secret on stderr: %s", argv[0], r->err);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/* Saved by test_env_isolate(), put back by test_env_restore(). */
static struct {
	const char *name;
	char *value;
} env_saved[32];
static size_t env_nsaved;

void
test_env_isolate(const char *const *names, size_t n)
{
	ck_assert_uint_le(n, sizeof(env_saved) / sizeof(env_saved[0]));
	for (size_t i = 0; i < n; i++) {
		const char *v = getenv(names[i]);

		env_saved[i].name = names[i];
		env_saved[i].value = v != NULL ? strdup(v) : NULL;
		unsetenv(names[i]);
	}
	env_nsaved = n;
}

void
test_env_restore(void)
{
	for (size_t i = 0; i < env_nsaved; i++) {
		if (env_saved[i].value != NULL)
			setenv(env_saved[i].name, env_saved[i].value, 1);
		else
			unsetenv(env_saved[i].name);
		free(env_saved[i].value);
		env_saved[i].value = NULL;
	}
	env_nsaved = 0;
}

void
run_pierone_v(struct run *r, const char *const *base, const char *const *env,
    va_list ap)
{
	const char *argv[32] = { getenv("PIERONE_BIN") };
	const char *envp[64];
	int n = 1, m = 0;

	ck_assert_msg(argv[0] != NULL, "PIERONE_BIN is not set");
	while (n < 31 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	argv[n] = NULL;
	for (; base != NULL && *base != NULL && m < 63; base++)
		envp[m++] = *base;
	for (; env != NULL && *env != NULL && m < 63; env++)
		envp[m++] = *env;
	envp[m] = NULL;
	run_cmd(r, argv, envp);
}

/* Names in `dir` that look like a temporary copy of a file. */
int
test_count_temporaries(const char *dir, bool print)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		const char *name = e->d_name;
		const char *dot = strrchr(name, '.');

		if (strstr(name, ".pierone-") != NULL || (dot != NULL &&
		    strlen(dot) == 7 && strcmp(dot, ".lock") != 0 &&
		    strcmp(dot, ".dockercfg") != 0 && dot != name)) {
			if (print)
				fprintf(stderr, "left behind: %s/%s\n", dir,
				    name);
			n++;
		}
	}
	closedir(d);
	return n;
}

static int locks_found;
static bool locks_print;

static int
lock_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	size_t len = strlen(path);

	(void)st;
	(void)ftw;
	if (flag != FTW_D && flag != FTW_DP && len > 5 &&
	    strcmp(path + len - 5, ".lock") == 0) {
		if (locks_print)
			fprintf(stderr, "lock file left: %s\n", path);
		locks_found++;
	}
	return 0;
}

int
test_count_locks(const char *root, bool print)
{
	locks_found = 0;
	locks_print = print;
	nftw(root, lock_one, 16, FTW_PHYS);
	return locks_found;
}

/* The site: one fake registry, a throwaway HOME, the runs' environment. */
struct site site;

/* What a user may have set that would change a run: unset in every one. */
static const char *const site_unset[] = {
	"XDG_CONFIG_HOME", "CREDENTIALS_DIR", "DOCKER_CONFIG", "PIERONE_API",
	"PIERONE_TIMEOUT", "PIERONE_CONNECT_TIMEOUT", "PIERONE_CA_BUNDLE",
	"PIERONE_JOBS", "PIERONE_RETRIES", "NO_COLOR", "TERM=dumb",
};

void
site_open(const char *tokens, int flags)
{
	size_t n = 0;

	memset(&site, 0, sizeof(site));
	site.home = test_tmpdir();
	test_fmt(site.env_home, sizeof(site.env_home), "HOME=%s", site.home);
	if (tokens != NULL)
		test_fmt(site.env_tokens, sizeof(site.env_tokens),
		    "OAUTH2_ACCESS_TOKENS=%s", tokens);
	else
		strlcpy(site.env_tokens, "OAUTH2_ACCESS_TOKENS",
		    sizeof(site.env_tokens));
	site.env[n++] = site.env_home;
	site.env[n++] = site.env_url;
	site.env[n++] = site.env_tokens;
	/* Credential helpers are looked for in HOME/bin first. */
	if (flags & SITE_HOME_BIN) {
		test_fmt(site.env_path, sizeof(site.env_path),
		    "PATH=%s/bin:/bin:/usr/bin", site.home);
		site.env[n++] = site.env_path;
	}
	for (size_t i = 0; i < sizeof(site_unset) / sizeof(site_unset[0]); i++)
		site.env[n++] = site_unset[i];
	site.env[n] = NULL;
	/* PIERONE_URL is set when the fake has started */
	strlcpy(site.env_url, "PIERONE_URL", sizeof(site.env_url));
}

void
site_fake_start(const char *const *args, const char *const *extra)
{
	const char *all[64];
	size_t n = 0;

	for (; args != NULL && *args != NULL && n < 63; args++)
		all[n++] = *args;
	for (; extra != NULL && *extra != NULL && n < 63; extra++)
		all[n++] = *extra;
	all[n] = NULL;
	fake_start(&site.fake, all);
	test_fmt(site.env_url, sizeof(site.env_url), "PIERONE_URL=%s",
	    site.fake.url);
}

void
site_fake_restart(const char *const *args)
{
	fake_stop(&site.fake);
	site_fake_start(args, NULL);
}

void
site_close(bool check_home)
{
	fake_stop(&site.fake);
	if (check_home)
		test_assert_no_secrets(site.home);
	test_rmtree(site.home);
	free(site.home);
	site.home = NULL;
}

void
site_pierone(struct run *r, const char *const *env, ...)
{
	va_list ap;

	va_start(ap, env);
	run_pierone_v(r, site.env, env, ap);
	va_end(ap);
}

int
test_count(const char *s, const char *what)
{
	int n = 0;

	for (; (s = strstr(s, what)) != NULL; s += strlen(what))
		n++;
	return n;
}

void
test_assert_failed(const struct run *r, int status, const char *what)
{
	ck_assert_int_eq(r->status, status);
	ck_assert_str_eq(r->out, "");
	ck_assert_msg(strncmp(r->err, "pierone: ", 9) == 0, "stderr: %s",
	    r->err);
	ck_assert_msg(strstr(r->err, what) != NULL, "'%s' not in: %s", what,
	    r->err);
	if (status == 1)
		ck_assert_int_eq(test_count(r->err, "\n"), 1);
}

const char *
test_path(const char *dir, const char *rel)
{
	static char path[4][1024];
	static int i;

	i = (i + 1) % 4;
	test_fmt(path[i], sizeof(path[i]), "%s/%s", dir, rel);
	return path[i];
}

void
test_put(const char *dir, const char *rel, const char *content, mode_t mode)
{
	char path[1024], parent[1024], *slash;

	test_fmt(path, sizeof(path), "%s/%s", dir, rel);
	test_fmt(parent, sizeof(parent), "%s", path);
	if ((slash = strrchr(parent, '/')) != NULL) {
		*slash = '\0';
		(void)mkdir(parent, 0700);	/* it may be there */
	}
	test_write_file(path, content);
	ck_assert_int_eq(chmod(path, mode), 0);
}
