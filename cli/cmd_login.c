/*
 * pierone login: a token (cached, or new from the token service), then
 * Docker's credentials, so that docker push/pull work against Pier One.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <errno.h>
#include <readpassphrase.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define MAX_TRIES	3
/* The longest password, as pierone(1) says; the buffer holds a CRLF more. */
#define PASSWORD_LEN	1023
#define PASSWORD_MAX	(PASSWORD_LEN + 3)

struct login {
	const char *user;		/* -U */
	bool credential_helper;		/* --credential-helper */
	bool password_stdin;		/* --password-stdin */
	bool refresh;			/* --refresh */
	char *url;		/* normalised registry URL */
	bool store_url;		/* typed at the prompt */
};

/* Ask for the URL on the terminal; NULL when there is none. */
static char *
prompt_url(void)
{
	char line[1024];
	FILE *tty;
	size_t n;

	if ((tty = fopen("/dev/tty", "r+e")) == NULL)
		return NULL;
	fputs("Pier One URL: ", tty);
	fflush(tty);
	if (fgets(line, sizeof(line), tty) == NULL)
		line[0] = '\0';
	fclose(tty);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	return n > 0 ? strdup(line) : NULL;
}

static int
login_url(struct cli *cli, struct login *l)
{
	struct pierone_err err = { 0 };
	char *typed = NULL;
	const char *url = cli_string(cli, "url");

	if (url == NULL && cli->config.url == NULL && isatty(STDIN_FILENO))
		url = typed = prompt_url();
	if (url == NULL && cli->config.url == NULL) {
		char *where = cli_config_where(cli);

		cli_warnx("no registry URL configured: use --url URL, set "
		    "PIERONE_URL or 'url' in %s", where != NULL ? where :
		    "pierone.yaml");
		free(where);
		return EXIT_FAILURE;
	}
	/* --url is for this run only; a URL typed at the prompt is kept */
	l->store_url = typed != NULL;
	if (url == NULL)
		url = cli->config.url;
	if (pierone_url_normalize(&l->url, url, &err) != 0) {
		free(typed);
		return cli_usage_error(cli->cmd, "%s", err.msg);
	}
	free(typed);
	return 0;
}

/* Remember a URL typed at the prompt, once it has served a login. */
static int
save_url(struct cli *cli, const struct login *l)
{
	struct pierone_err err = { 0 };

	if (!l->store_url)
		return 0;
	if (pierone_config_store_url(cli->config.path, l->url, &err) != 0) {
		cli_warnx("%s", err.msg);
		return EXIT_FAILURE;
	}
	cli_warnx("saved the URL %s in '%s'", l->url, cli->config.path);
	return 0;
}

/* --password-stdin: everything up to EOF, one trailing newline dropped. */
static int
password_stdin(char *buf, size_t size)
{
	size_t n = 0;
	ssize_t got;

	while (n < size - 1) {
		got = read(STDIN_FILENO, buf + n, size - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return n > PASSWORD_LEN ? -1 : 0;
}

/* The password: environment, stdin, or the terminal (`*asked` set). */
static int
get_password(const struct login *l, const char *user, char *buf, size_t size,
    bool *asked)
{
	const char *env = getenv("PIERONE_PASSWORD");
	char prompt[256];

	*asked = false;
	/* The option asks for stdin explicitly: it beats the environment. */
	if (l->password_stdin) {
		if (password_stdin(buf, size) == 0)
			return 0;
		cli_warnx("password on standard input longer than %d bytes",
		    PASSWORD_LEN);
		return -1;
	}
	if (env != NULL && *env != '\0') {
		if (strlen(env) <= PASSWORD_LEN && strlcpy(buf, env, size) < size)
			return 0;
		cli_warnx("PIERONE_PASSWORD longer than %d bytes",
		    PASSWORD_LEN);
		return -1;
	}
	snprintf(prompt, sizeof(prompt), "Password for %s: ", user);
	if (readpassphrase(prompt, buf, size, RPP_REQUIRE_TTY) == NULL) {
		cli_warnx("no password: set PIERONE_PASSWORD, use "
		    "--password-stdin or run on a terminal");
		return -1;
	}
	*asked = true;
	if (strlen(buf) > PASSWORD_LEN) {
		cli_warnx("password longer than %d bytes", PASSWORD_LEN);
		return -1;
	}
	/* An empty answer is no attempt: the service would count it. */
	if (buf[0] == '\0') {
		cli_warnx("no password given");
		return -1;
	}
	return 0;
}

static const char *
login_user(const struct login *l)
{
	static const char *const vars[] = { "PIERONE_USER", "ZIGN_USER",
	    "USER" };
	const char *u;

	if (l->user != NULL && *l->user != '\0')
		return l->user;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if ((u = getenv(vars[i])) != NULL && *u != '\0')
			return u;
	return NULL;
}

/* Ask the token service, with at most MAX_TRIES passwords typed. */
static int
ask_service(struct login *l, struct pierone_login *req,
    struct pierone_token *tok)
{
	struct pierone_err err = { 0 };
	char password[PASSWORD_MAX];
	bool asked = false;
	int rc = PIERONE_EAUTH;

	for (int try = 0; try < MAX_TRIES && rc == PIERONE_EAUTH; try++) {
		if (req->password == NULL || try > 0) {
			if (get_password(l, req->user, password,
			    sizeof(password), &asked) != 0) {
				explicit_bzero(password, sizeof(password));
				return EXIT_FAILURE;
			}
			req->password = password;
		}
		rc = pierone_token_request(tok, req, &err);
		if (rc != 0)
			cli_warnx("%s", err.msg);
		if (!asked)
			break;
	}
	explicit_bzero(password, sizeof(password));
	req->password = NULL;
	return rc == 0 ? 0 : EXIT_FAILURE;
}

static int
new_token(struct cli *cli, struct login *l, struct pierone_token *tok)
{
	struct pierone_login req = PIERONE_LOGIN_INIT;
	struct pierone_app_credentials app;
	struct pierone_err err = { 0 };
	int rc;

	req.flow = cli->config.token_flow;
	req.token_url = cli->config.token_url;
	req.realm = cli->config.realm;
	req.ca_file = cli->config.ca_bundle;
	req.timeout_ms = cli_number(cli, "timeout", cli->config.timeout) *
	    1000;
	req.connect_timeout_ms = cli->config.connect_timeout * 1000;
	/* Platform credentials let servers and CI log in without a prompt. */
	rc = pierone_app_credentials_load(&app, &err);
	if (rc != 0 && rc != PIERONE_ENOTFOUND) {
		cli_warnx("%s", err.msg);
		pierone_app_credentials_clear(&app);
		return EXIT_FAILURE;
	}
	req.client_id = cli->config.client_id ? cli->config.client_id :
	    app.client_id;
	req.client_secret = cli->config.client_id ?
	    cli->config.client_secret : app.client_secret;
	if (app.username != NULL && l->user == NULL) {
		req.user = app.username;
		req.password = app.password;
	} else if ((req.user = login_user(l)) == NULL) {
		pierone_app_credentials_clear(&app);
		return cli_usage_error(cli->cmd, "no user name: use -U USER");
	}
	rc = ask_service(l, &req, tok);
	pierone_app_credentials_clear(&app);
	return rc;
}

/*
 * A token is about to go into `path`: say so when others may read it.
 * Its mode is kept (the user chose it); docker itself writes 0600.
 */
static void
warn_readable(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 044) != 0)
		cli_warnx("warning: '%s' is readable by others (mode %04o); "
		    "docker writes it 0600", path,
		    (unsigned int)(st.st_mode & 07777));
}

static int
docker_write(const struct login *l, const char *token)
{
	static const enum pierone_docker_format fmts[] = {
		PIERONE_DOCKER_CONFIG_JSON, PIERONE_DOCKER_DOCKERCFG,
	};
	struct pierone_err err = { 0 };
	char *paths[2] = { NULL, NULL };
	bool shadowed = false;
	int rc = 0;

	for (size_t i = 0; i < 2 && rc == 0; i++) {
		if (l->credential_helper && fmts[i] != PIERONE_DOCKER_CONFIG_JSON)
			break;
		if ((rc = pierone_docker_default_path(&paths[i], fmts[i],
		    &err)) != 0)
			break;
		if (!l->credential_helper)
			warn_readable(paths[i]);
		rc = l->credential_helper ? pierone_docker_store_helper(paths[i], l->url,
		    "pierone", &err) : pierone_docker_store_auth(paths[i],
		    fmts[i], l->url, token, i == 0 ? &shadowed : NULL, &err);
	}
	if (rc != 0)
		cli_warnx("%s", err.msg);
	else if (l->credential_helper)
		cli_warnx("docker now asks docker-credential-pierone for %s "
		    "(credHelpers in '%s')", l->url, paths[0]);
	else
		cli_warnx("stored credentials for %s in '%s' and '%s'",
		    l->url, paths[0], paths[1]);
	if (rc == 0 && shadowed)
		cli_warnx("warning: '%s' names a credential helper (credHelpers "
		    "or credsStore) that docker will ask instead; use 'pierone "
		    "login --credential-helper' or remove it", paths[0]);
	free(paths[0]);
	free(paths[1]);
	return rc == 0 ? 0 : EXIT_FAILURE;
}

/* Where the token came from, for a message. */
static void
token_source(char *buf, size_t size, const struct pierone_token *t)
{
	switch (t->source) {
	case PIERONE_TOKEN_ENV:
		snprintf(buf, size, "from OAUTH2_ACCESS_TOKENS");
		break;
	case PIERONE_TOKEN_SECRET_FILE:
		snprintf(buf, size, "from the secret file '%s'", t->origin);
		break;
	case PIERONE_TOKEN_ZIGN_CACHE:
		snprintf(buf, size, "cached in '%s'", t->origin);
		break;
	default:
		snprintf(buf, size, "the token service %s issued", t->origin);
		break;
	}
}

/*
 * As docker login does, before anything is written: the URL answers as a
 * registry (no token is needed for that), then, with one, the registry
 * takes the token.  NULL token: the first check.
 */
static int
registry_check(struct cli *cli, const struct login *l,
    const struct pierone_token *tok)
{
	struct pierone_options opts;
	struct pierone_err err = { 0 };
	pierone_client *c;
	char from[PIERONE_ERRMSG_SIZE];
	int rc;

	cli_client_options(cli, &opts, tok != NULL ? tok->access_token : NULL);
	opts.url = l->url;
	if (pierone_client_new(&c, &opts, &err) != 0) {
		cli_warnx("%s", err.msg);
		return EXIT_FAILURE;
	}
	rc = tok == NULL ? pierone_registry_ping(c) :
	    pierone_registry_token_check(c);
	if (rc == PIERONE_EAUTH && tok != NULL) {
		token_source(from, sizeof(from), tok);
		cli_warnx("%s refused the token %s; nothing was written%s",
		    l->url, from, tok->source == PIERONE_TOKEN_SERVICE ? "" :
		    " (run 'pierone login --refresh' for a new one)");
	} else if (rc != 0) {
		cli_warnx("%s; nothing was written", pierone_errmsg(c));
	}
	pierone_client_free(c);
	return rc == 0 ? 0 : EXIT_FAILURE;
}

/*
 * A token we have, else what getting one needs: told before any prompt.
 * 0 to go on (*have says whether tok holds one), else the exit status.
 */
static int
token_ready(struct cli *cli, struct login *l, struct pierone_token *tok,
    bool *have)
{
	struct pierone_err err = { 0 };
	int rc = PIERONE_ENOTOKEN;

	/*
	 * Like zign: a token that is still valid is used again.  One no
	 * bearer token may be is refused, not replaced behind the user's back.
	 */
	if (!l->refresh && (rc = pierone_token_find(tok, 0, &err)) != 0 &&
	    rc != PIERONE_ENOTOKEN) {
		cli_warnx("%s", err.msg);
		return EXIT_FAILURE;
	}
	*have = rc == 0;
	if (!*have && cli->config.token_url == NULL) {
		char *where = cli_config_where(cli);

		cli_warnx("no token service configured: set 'token_url' in %s "
		    "or PIERONE_TOKEN_URL", where != NULL ? where :
		    "pierone.yaml");
		free(where);
		return EXIT_FAILURE;
	}
	return 0;
}

int
cmd_login(struct cli *cli)
{
	struct pierone_token tok = { 0 };
	struct pierone_err err = { 0 };
	struct login l = {
		.user = cli_string(cli, "user"),
		.credential_helper = cli_flag(cli, "credential-helper"),
		.password_stdin = cli_flag(cli, "password-stdin"),
		.refresh = cli_flag(cli, "refresh"),
	};
	bool have = false;
	int rc;

	if ((rc = token_ready(cli, &l, &tok, &have)) == 0 &&
	    (rc = login_url(cli, &l)) == 0 &&
	    (rc = registry_check(cli, &l, NULL)) == 0 &&
	    (have || (rc = new_token(cli, &l, &tok)) == 0) &&
	    (rc = registry_check(cli, &l, &tok)) == 0) {
		/* only a token the registry took is cached */
		if (!have && pierone_token_cache_store(&tok, &err) != 0)
			cli_warnx("warning: token not cached: %s", err.msg);
		if ((rc = docker_write(&l, tok.access_token)) == 0)
			rc = save_url(cli, &l);
	}
	pierone_token_clear(&tok);
	free(l.url);
	return rc;
}
