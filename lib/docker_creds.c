/*
 * Reading the Docker credentials of a registry host, as the docker client
 * finds them: config.json's credHelpers[HOST] (a helper program), its
 * "auths" entry for the host, its credsStore (a helper for every host),
 * and last the legacy ~/.dockercfg.  Used to answer a registry's 401.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "base.h"
#include "files.h"
#include "auth.h"

#define HELPER_OUT_MAX	(64 * 1024)	/* a helper's answer is tiny */
#define HELPER_WAIT_MS	30000		/* it may ask a keyring to unlock */

extern char **environ;

/*
 * The host[:port] a key of "auths" names: Docker accepts "host",
 * "https://host", "http://host/v1/" and the like.
 */
static bool
key_is_host(const char *key, const char *host)
{
	size_t len;
	const char *h = host_span(key, &len);

	return len == strlen(host) && strncasecmp(h, host, len) == 0;
}

static const cJSON *
host_entry(const cJSON *obj, const char *host)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, obj)
		if (e->string != NULL && key_is_host(e->string, host))
			return e;
	return NULL;
}

/* "user:secret" base64-encoded, as the Basic scheme sends it. */
static int
basic_of(char **out, const char *user, const char *secret)
{
	char *plain;
	int rc = 0;

	if (asprintf(&plain, "%s:%s", user, secret) == -1)
		return PIERONE_ENOMEM;
	if ((*out = base64_encode((unsigned char *)plain, strlen(plain))) ==
	    NULL)
		rc = PIERONE_ENOMEM;
	freezero(plain, strlen(plain) + 1);
	return rc;
}

/* An "auths" entry: "auth" (base64 user:password) or both fields. */
static int
entry_creds(char **out, const cJSON *e)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(e, "auth"),
	    *u = cJSON_GetObjectItemCaseSensitive(e, "username"),
	    *p = cJSON_GetObjectItemCaseSensitive(e, "password");

	if (cJSON_IsString(a) && a->valuestring[0] != '\0')
		return (*out = strdup(a->valuestring)) != NULL ? 0 :
		    PIERONE_ENOMEM;
	if (cJSON_IsString(u) && cJSON_IsString(p) && u->valuestring[0])
		return basic_of(out, u->valuestring, p->valuestring);
	return 0;
}

/* Names fit for "docker-credential-NAME": no path, no option. */
static bool
helper_name_ok(const char *name)
{
	if (*name == '\0' || *name == '-' || strlen(name) > 64)
		return false;
	return name[strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")] == '\0';
}

/*
 * Read the child's stdout until EOF, HELPER_WAIT_MS in all at most.  The
 * buffer is made big enough first: growing it would leave copies of the
 * secret behind.
 */
static int
read_all(int fd, struct buf *out)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long long deadline = mono_ms() + HELPER_WAIT_MS, left;
	ssize_t n;

	if (buf_reserve(out, HELPER_OUT_MAX + 1) != 0)
		return PIERONE_ENOMEM;
	for (;;) {
		if ((left = deadline - mono_ms()) <= 0 ||
		    poll(&pfd, 1, (int)left) == 0)
			return PIERONE_ETIMEOUT;
		n = read(fd, out->data + out->len, HELPER_OUT_MAX - out->len);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return PIERONE_EIO;
		}
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len == HELPER_OUT_MAX)
			return PIERONE_EIO;	/* no answer is that long */
	}
}

/*
 * The environment a helper gets: ours without pierone's secrets
 * (OAUTH2_ACCESS_TOKENS, PIERONE_PASSWORD, any PIERONE_*SECRET* or
 * *TOKEN*); NULL when out of memory.  The strings stay environ's.
 */
static char **
helper_env(void)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n] != NULL)
		n++;
	if ((env = calloc(n + 1, sizeof(*env))) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *v = environ[i];
		size_t len = strcspn(v, "=");

		if ((len == 20 && strncmp(v, "OAUTH2_ACCESS_TOKENS", 20) == 0) ||
		    (strncmp(v, "PIERONE_", 8) == 0 &&
		    (memmem(v, len, "PASSWORD", 8) != NULL ||
		    memmem(v, len, "SECRET", 6) != NULL ||
		    memmem(v, len, "TOKEN", 5) != NULL)))
			continue;
		env[k++] = environ[i];
	}
	return env;
}

/* A pipe whose ends are closed on exec (macOS has no pipe2). */
static int
pipe_cloexec(int fd[2])
{
#ifdef __APPLE__
	if (pipe(fd) != 0)
		return -1;
	if (fcntl(fd[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(fd[1], F_SETFD, FD_CLOEXEC) != 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	return 0;
#else
	return pipe2(fd, O_CLOEXEC);
#endif
}

/* Only stdio reaches a helper: no socket or file of ours leaks to it. */
static void
close_the_rest(posix_spawn_file_actions_t *fa)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	posix_spawn_file_actions_addclosefrom_np(fa, 3);
#else
	(void)fa;	/* our descriptors are close-on-exec */
#endif
}

/*
 * Run "docker-credential-NAME get" with the host on its standard input,
 * as Docker does (the secret travels on pipes, never in argv).  Its
 * standard error is Docker's too: it may say why it has nothing.
 */
static int
helper_run(struct buf *out, const char *name, const char *host,
    struct pierone_err *err)
{
	posix_spawn_file_actions_t fa;
	int in[2] = { -1, -1 }, outp[2] = { -1, -1 }, status, rc = 0;
	char prog[96];
	char *argv[] = { prog, "get", NULL }, **env;
	pid_t pid;

	snprintf(prog, sizeof(prog), "docker-credential-%s", name);
	if (pipe_cloexec(in) != 0 || pipe_cloexec(outp) != 0) {
		rc = err_set(err, PIERONE_EIO, "%s: pipe: %s", prog,
		    strerror(errno));
		goto out;
	}
	if ((env = helper_env()) == NULL) {
		rc = err_set(err, PIERONE_ENOMEM, "out of memory");
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	close_the_rest(&fa);
	errno = posix_spawnp(&pid, prog, &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	if (errno != 0) {
		rc = err_set(err, PIERONE_ECONFIG, "cannot run %s (named in "
		    "Docker's config.json): %s", prog, strerror(errno));
		goto out;
	}
	close(in[0]);
	close(outp[1]);
	in[0] = outp[1] = -1;
	/* A helper that exits early closes the pipe: no SIGPIPE wanted. */
	{
		struct sigaction ign = { .sa_handler = SIG_IGN }, old;

		sigaction(SIGPIPE, &ign, &old);
		(void)!write(in[1], host, strlen(host));
		sigaction(SIGPIPE, &old, NULL);
	}
	close(in[1]);
	in[1] = -1;
	if ((rc = read_all(outp[0], out)) != 0) {
		kill(pid, SIGKILL);	/* it had its time; waitpid must end */
		err_set(err, rc, "%s get: no answer", prog);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		continue;
	/*
	 * 127 is the shell's "command not found", and what a spawn whose exec
	 * failed exits with where posix_spawnp() cannot tell (vfork-less
	 * systems, valgrind).  Any other failure, as exit status 1 for
	 * "credentials not found", means nothing to use.
	 */
	if (rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127 &&
	    out->len == 0)
		rc = err_set(err, PIERONE_ECONFIG, "cannot run %s (named in "
		    "Docker's config.json)", prog);
	if (rc != 0 || !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		buf_freezero(out);
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] != -1)
			close(in[i]);
		if (outp[i] != -1)
			close(outp[i]);
	}
	return rc;
}

/* A helper's {"Username": ..., "Secret": ...}. */
static int
helper_creds(char **out, const char *name, const char *host,
    struct pierone_err *err)
{
	struct buf text = { 0 };
	cJSON *root;
	const cJSON *u, *s;
	int rc;

	if (!helper_name_ok(name))
		return err_set(err, PIERONE_ECONFIG, "Docker's config.json "
		    "names an invalid credential helper '%.64s'", name);
	if ((rc = helper_run(&text, name, host, err)) != 0 || text.len == 0) {
		buf_freezero(&text);
		return rc;
	}
	root = cJSON_ParseWithLength(text.data, text.len);
	buf_freezero(&text);
	u = cJSON_GetObjectItemCaseSensitive(root, "Username");
	s = cJSON_GetObjectItemCaseSensitive(root, "Secret");
	/* "<token>" marks an identity token, not a password: not usable. */
	if (cJSON_IsString(u) && cJSON_IsString(s) && s->valuestring[0] &&
	    strcmp(u->valuestring, "<token>") != 0)
		rc = basic_of(out, u->valuestring, s->valuestring);
	else if (root == NULL)
		rc = err_set(err, PIERONE_EBADRESPONSE, "docker-credential-%s "
		    "get: answer is not JSON", name);
	json_wipe(root);
	cJSON_Delete(root);
	return rc == PIERONE_ENOMEM ? err_set(err, rc, "out of memory") : rc;
}

static cJSON *
load_json(const char *path, struct pierone_err *err, int *rc)
{
	struct buf text = { 0 };
	cJSON *root = NULL;

	*rc = 0;
	if (path == NULL)
		return NULL;
	if ((*rc = file_read(&text, path, PIERONE_MAX_FILE, err)) != 0) {
		if (*rc == PIERONE_ENOTFOUND) {
			*rc = 0;	/* no file, no credentials */
			err->code = 0;
			err->msg[0] = '\0';
		}
		return NULL;
	}
	if ((root = cJSON_ParseWithLength(text.data, text.len)) == NULL ||
	    !cJSON_IsObject(root))
		*rc = err_set(err, PIERONE_ECONFIG, "%s: not a JSON object",
		    path);
	buf_freezero(&text);
	return root;
}

static void
json_free_secret(cJSON *root)
{
	json_wipe(root);
	cJSON_Delete(root);
}

static int
from_config_json(char **out, const char *host, bool *found,
    struct pierone_err *err)
{
	char *path = NULL;
	const cJSON *h, *e;
	cJSON *root;
	int rc;

	if (pierone_docker_default_path(&path, PIERONE_DOCKER_CONFIG_JSON,
	    err) != 0)
		return 0;	/* no home: nothing to read */
	root = load_json(path, err, &rc);
	free(path);
	if (root == NULL)
		return rc;
	h = host_entry(cJSON_GetObjectItemCaseSensitive(root, "credHelpers"),
	    host);
	e = host_entry(cJSON_GetObjectItemCaseSensitive(root, "auths"), host);
	/*
	 * docker's order: the host's helper, else the store (whose "auths"
	 * entries are empty placeholders), else "auths".  What the store
	 * lacks may still be in "auths", as 'pierone login' writes there.
	 */
	if (cJSON_IsString(h) && h->valuestring[0] != '\0') {
		*found = true;
		rc = helper_creds(out, h->valuestring, host, err);
	} else {
		h = cJSON_GetObjectItemCaseSensitive(root, "credsStore");
		if (cJSON_IsString(h) && h->valuestring[0] != '\0')
			rc = helper_creds(out, h->valuestring, host, err);
		/* A store that cannot be run matters only if "auths" fails. */
		if (*out == NULL && e != NULL) {
			if (entry_creds(out, e) != 0)
				rc = err_set(err, PIERONE_ENOMEM, "out of memory");
			else if (*out != NULL)
				rc = 0;
		}
		*found = *out != NULL;
	}
	json_free_secret(root);
	return rc;
}

int
docker_credentials(char **out, const char *host, struct pierone_err *err)
{
	const cJSON *e;
	char *path = NULL;
	bool found = false;
	cJSON *root;
	int rc;

	*out = NULL;
	if ((rc = from_config_json(out, host, &found, err)) != 0 || found)
		return rc;
	if (pierone_docker_default_path(&path, PIERONE_DOCKER_DOCKERCFG,
	    err) != 0)
		return 0;
	root = load_json(path, err, &rc);
	free(path);
	if ((e = host_entry(root, host)) != NULL &&
	    (rc = entry_creds(out, e)) != 0)
		rc = err_set(err, rc, "out of memory");
	json_free_secret(root);
	return rc;
}
