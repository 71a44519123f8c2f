/*
 * pierone login and docker-credential-pierone end to end: the built
 * binaries against the fake registry's token service, checking the
 * files they write (Docker's config, the zign cache, pierone.yaml).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "tests.h"

#define ISSUED		"issued-token-1234"
#define ISSUED_AUTH	"b2F1dGgyOmlzc3VlZC10b2tlbi0xMjM0"	/* oauth2:ISSUED */
#define ENV_TOKEN	"env-token-5678"
#define ENV_AUTH	"b2F1dGgyOmVudi10b2tlbi01Njc4"
#define PASSWORD	"p&ss w%rd=1"

static struct fake fake;
static char *home;
static char env_home[512], env_url[128], env_token_url[160];

static const char *base_env[] = {
	env_home, env_url, env_token_url, "PIERONE_USER=alice", "USER=nobody",
	"XDG_CONFIG_HOME", "CREDENTIALS_DIR", "OAUTH2_ACCESS_TOKENS",
	"OAUTH2_ACCESS_TOKEN_URL", "DOCKER_CONFIG", "PIERONE_PASSWORD",
	"PIERONE_TOKEN_FLOW", "ZIGN_USER", "PIERONE_TIMEOUT",
	"PIERONE_CLIENT_ID", "PIERONE_CLIENT_SECRET", "PIERONE_REALM", NULL,
};

static void
setup(void)
{
	const char *args[] = { "--data", test_data("registry.json"),
	    "--token", ISSUED, "--token", ENV_TOKEN, "--issue", ISSUED,
	    "--user", "alice:" PASSWORD, "--client", "cli:csecret", NULL };

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
	test_assert_no_secrets(home);
	test_rmtree(home);
	free(home);
	home = NULL;
}

/* Run `bin` (an environment variable naming it) with args, NULL-ended. */
static void
run_bin(struct run *r, const char *bin, const char *const *env,
    const char *input, va_list ap)
{
	const char *argv[32] = { getenv(bin) };
	const char *envp[64];
	int n = 1, m = 0;

	ck_assert_msg(argv[0] != NULL, "%s is not set", bin);
	while (n < 31 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	argv[n] = NULL;
	for (const char *const *e = base_env; *e != NULL; e++)
		envp[m++] = *e;
	for (; env != NULL && *env != NULL && m < 63; env++)
		envp[m++] = *env;
	envp[m] = NULL;
	run_cmd_input(r, argv, envp, input);
}

static void
pierone(struct run *r, const char *const *env, const char *input, ...)
{
	va_list ap;

	va_start(ap, input);
	run_bin(r, "PIERONE_BIN", env, input, ap);
	va_end(ap);
}

static void
helper(struct run *r, const char *const *env, const char *input, ...)
{
	va_list ap;

	va_start(ap, input);
	run_bin(r, "HELPER_BIN", env, input, ap);
	va_end(ap);
}

#define home_path(rel) test_path(home, rel)

static cJSON *
load_json(const char *rel)
{
	char *text = test_slurp(home_path(rel), NULL);
	cJSON *j;

	ck_assert_msg(text != NULL, "%s missing", rel);
	j = cJSON_Parse(text);
	ck_assert_msg(j != NULL, "%s is not JSON: %s", rel, text);
	free(text);
	return j;
}

/* The "auth" of `url` in config.json (auths) or .dockercfg. */
static void
assert_auth(const char *rel, bool wrapped, const char *url, const char *auth)
{
	cJSON *root = load_json(rel), *e;

	e = wrapped ? cJSON_GetObjectItem(root, "auths") : root;
	e = cJSON_GetObjectItem(e, url);
	ck_assert_msg(e != NULL, "no entry for %s in %s", url, rel);
	ck_assert_str_eq(cJSON_GetObjectItem(e, "auth")->valuestring, auth);
	ck_assert_str_eq(cJSON_GetObjectItem(e, "email")->valuestring,
	    "no-mail-required@example.org");
	cJSON_Delete(root);
}

static int
file_mode(const char *rel)
{
	struct stat st;

	ck_assert_int_eq(stat(home_path(rel), &st), 0);
	return (int)(st.st_mode & 07777);
}

static int
count_in_log(const char *what)
{
	char *log = fake_log(&fake);
	int n = 0;

	for (char *p = log; (p = strstr(p, what)) != NULL; p++)
		n++;
	free(log);
	return n;
}

/* Nothing secret in what the program said. */
static void
assert_no_secrets(const struct run *r)
{
	const char *secrets[] = { ISSUED, ENV_TOKEN, PASSWORD, "csecret",
	    ISSUED_AUTH };

	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		ck_assert_msg(strstr(r->out, secrets[i]) == NULL, "stdout "
		    "holds a secret: %s", r->out);
		ck_assert_msg(strstr(r->err, secrets[i]) == NULL, "stderr "
		    "holds a secret: %s", r->err);
	}
}

START_TEST(login_with_token_service_writes_both_docker_files)
{
	const char *env[] = { "PIERONE_PASSWORD=" PASSWORD, NULL };
	struct run r;
	char *cache;

	pierone(&r, env, NULL, "login", NULL);
	ck_assert_msg(r.status == 0, "login failed: %s", r.err);
	ck_assert_str_eq(r.out, "");
	ck_assert_ptr_nonnull(strstr(r.err, ".docker/config.json"));
	assert_no_secrets(&r);
	assert_auth(".docker/config.json", true, fake.url, ISSUED_AUTH);
	assert_auth(".dockercfg", false, fake.url, ISSUED_AUTH);
	ck_assert_int_eq(file_mode(".docker/config.json"), 0600);
	ck_assert_int_eq(file_mode(".dockercfg"), 0600);
	ck_assert_int_eq(file_mode(".config/zign/tokens.yaml"), 0600);
	ck_assert_int_eq(file_mode(".config/zign"), 0700);
	cache = test_slurp(home_path(".config/zign/tokens.yaml"), NULL);
	ck_assert_ptr_nonnull(strstr(cache, ISSUED));
	ck_assert_ptr_nonnull(strstr(cache, "creation_time"));
	ck_assert_ptr_nonnull(strstr(cache, "expires_in: 3600"));
	free(cache);
	ck_assert_int_eq(count_in_log("GET /access_token?json=true&scope=uid"
	    " 200"), 1);
	run_free(&r);
}
END_TEST

START_TEST(token_from_login_serves_the_read_commands)
{
	const char *env[] = { "PIERONE_PASSWORD=" PASSWORD, NULL };
	struct run r;

	pierone(&r, env, NULL, "login", NULL);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
	pierone(&r, NULL, NULL, "latest", "myteam", "myapp", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "1.8.5\n");
	run_free(&r);
}
END_TEST

START_TEST(password_from_stdin_drops_one_newline)
{
	struct run r;

	pierone(&r, NULL, PASSWORD "\n", "login", "--password-stdin", NULL);
	ck_assert_msg(r.status == 0, "login failed: %s", r.err);
	assert_auth(".docker/config.json", true, fake.url, ISSUED_AUTH);
	run_free(&r);
	/* two newlines: the password keeps the second, and is wrong */
	pierone(&r, NULL, PASSWORD "\n\n", "login", "--refresh",
	    "--password-stdin", NULL);
	ck_assert_int_eq(r.status, 1);
	run_free(&r);
}
END_TEST

START_TEST(wrong_password_fails_and_writes_nothing)
{
	const char *env[] = { "PIERONE_PASSWORD=wrong", NULL };
	struct run r;

	pierone(&r, env, NULL, "login", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "");
	ck_assert_ptr_nonnull(strstr(r.err, "authentication failed"));
	ck_assert_ptr_nonnull(strstr(r.err, "'alice'"));
	ck_assert_ptr_null(strstr(r.err, "wrong"));
	ck_assert_int_eq(access(home_path(".docker/config.json"), F_OK), -1);
	ck_assert_int_eq(access(home_path(".config/zign/tokens.yaml"), F_OK),
	    -1);
	run_free(&r);
}
END_TEST

START_TEST(no_password_without_terminal_says_how)
{
	struct run r;

	pierone(&r, NULL, NULL, "login", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "PIERONE_PASSWORD"));
	ck_assert_ptr_nonnull(strstr(r.err, "--password-stdin"));
	run_free(&r);
}
END_TEST

START_TEST(user_option_beats_the_environment)
{
	const char *env[] = { "PIERONE_PASSWORD=" PASSWORD,
	    "PIERONE_USER=mallory", NULL };
	struct run r;

	pierone(&r, env, NULL, "login", "-U", "alice", NULL);
	ck_assert_msg(r.status == 0, "login failed: %s", r.err);
	run_free(&r);
	pierone(&r, env, NULL, "login", "--refresh", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "'mallory'"));
	run_free(&r);
}
END_TEST

START_TEST(cached_token_is_reused_unless_refresh)
{
	const char *env[] = { "PIERONE_PASSWORD=" PASSWORD, NULL };
	const char *wrong[] = { "PIERONE_PASSWORD=wrong", NULL };
	const char *req = "GET /access_token?json=true&scope=uid 200";
	struct run r;

	pierone(&r, env, NULL, "login", NULL);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
	pierone(&r, wrong, NULL, "login", NULL);
	ck_assert_msg(r.status == 0, "reuse failed: %s", r.err);
	run_free(&r);
	ck_assert_int_eq(count_in_log(req), 1);
	pierone(&r, env, NULL, "login", "--refresh", NULL);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
	ck_assert_int_eq(count_in_log(req), 2);
}
END_TEST

START_TEST(fixed_token_from_environment_is_written)
{
	const char *env[] = { "OAUTH2_ACCESS_TOKENS=pierone=" ENV_TOKEN,
	    NULL };
	struct run r;

	pierone(&r, env, NULL, "login", NULL);
	ck_assert_msg(r.status == 0, "login failed: %s", r.err);
	assert_no_secrets(&r);
	assert_auth(".docker/config.json", true, fake.url, ENV_AUTH);
	ck_assert_int_eq(count_in_log("/access_token"), 0);
	run_free(&r);
}
END_TEST

START_TEST(password_flow_with_application_credentials)
{
	char dir[600], env_dir[640], env_url2[200];
	const char *env[] = { env_dir, "PIERONE_TOKEN_FLOW=password",
	    "PIERONE_TOKEN_URL", env_url2, NULL };
	struct run r;

	test_fmt(dir, sizeof(dir), "%s/creds", home);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	test_fmt(env_dir, sizeof(env_dir), "CREDENTIALS_DIR=%s", dir);
	test_fmt(env_url2, sizeof(env_url2),
	    "OAUTH2_ACCESS_TOKEN_URL=%s/oauth2/access_token", fake.url);
	test_write_file(home_path("creds/user.json"), "{\"application_username"
	    "\": \"alice\", \"application_password\": \"" PASSWORD "\"}");
	test_write_file(home_path("creds/client.json"), "{\"client_id\": "
	    "\"cli\", \"client_secret\": \"csecret\"}");
	pierone(&r, env, NULL, "login", NULL);
	ck_assert_msg(r.status == 0, "login failed: %s", r.err);
	assert_no_secrets(&r);
	assert_auth(".docker/config.json", true, fake.url, ISSUED_AUTH);
	ck_assert_int_eq(count_in_log("POST /oauth2/access_token 200"), 1);
	run_free(&r);
	/* a wrong client secret is an authentication failure */
	test_write_file(home_path("creds/client.json"), "{\"client_id\": "
	    "\"cli\", \"client_secret\": \"nope\"}");
	pierone(&r, env, NULL, "login", "--refresh", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "authentication failed"));
	run_free(&r);
}
END_TEST

START_TEST(password_flow_with_client_from_configuration)
{
	char env_url2[200];
	const char *env[] = { "PIERONE_TOKEN_FLOW=password", env_url2,
	    "PIERONE_CLIENT_ID=cli", "PIERONE_CLIENT_SECRET=csecret",
	    "PIERONE_PASSWORD=" PASSWORD, NULL };
	struct run r;

	test_fmt(env_url2, sizeof(env_url2),
	    "PIERONE_TOKEN_URL=%s/oauth2/access_token", fake.url);
	pierone(&r, env, NULL, "login", "-U", "alice", NULL);
	ck_assert_msg(r.status == 0, "login failed: %s", r.err);
	assert_no_secrets(&r);
	assert_auth(".dockercfg", false, fake.url, ISSUED_AUTH);
	ck_assert_int_eq(count_in_log("POST /oauth2/access_token 200"), 1);
	run_free(&r);
}
END_TEST

START_TEST(password_flow_without_client_says_what_is_missing)
{
	char env_url2[200];
	const char *env[] = { "PIERONE_TOKEN_FLOW=password", env_url2,
	    "PIERONE_PASSWORD=" PASSWORD, NULL };
	struct run r;

	test_fmt(env_url2, sizeof(env_url2),
	    "PIERONE_TOKEN_URL=%s/oauth2/access_token", fake.url);
	pierone(&r, env, NULL, "login", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "client_id"));
	ck_assert_int_eq(count_in_log("/oauth2/"), 0);
	run_free(&r);
}
END_TEST

/* Nothing of Docker's, nor a cache or pierone.yaml, was written. */
static void
assert_nothing_written(void)
{
	ck_assert_int_ne(access(home_path(".docker/config.json"), F_OK), 0);
	ck_assert_int_ne(access(home_path(".dockercfg"), F_OK), 0);
	ck_assert_int_ne(access(home_path(".config/zign/tokens.yaml"), F_OK),
	    0);
	ck_assert_int_ne(access(home_path(".config/pierone/pierone.yaml"),
	    F_OK), 0);
}

START_TEST(login_to_a_host_that_is_no_registry_writes_nothing)
{
	const char *env[] = { "OAUTH2_ACCESS_TOKENS=pierone=" ENV_TOKEN, NULL };
	const char *args[] = { "--data", test_data("registry.json"), "--token",
	    ENV_TOKEN, "--api", "pierone", NULL };
	struct fake web;
	char url[160], want[512];
	struct run r;

	/* a web server answering 404 on /v2/, as a typo'd host might */
	fake_start(&web, args);
	pierone(&r, env, NULL, "login", "--url", web.url, NULL);
	ck_assert_int_eq(r.status, 1);
	test_fmt(want, sizeof(want), "pierone: %s does not look like a Pier "
	    "One or Docker registry: GET %s/v2/: HTTP 404 Not Found; nothing "
	    "was written\n", web.url, web.url);
	ck_assert_str_eq(r.err, want);
	run_free(&r);
	fake_stop(&web);
	/* and a port nobody listens on any more */
	test_fmt(url, sizeof(url), "%s", web.url);
	pierone(&r, env, NULL, "login", "--url", url, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "nothing was written"));
	run_free(&r);
	assert_nothing_written();
}
END_TEST

/* A web site answering every path with its home page (200, text/html). */
START_TEST(login_to_a_web_page_writes_nothing)
{
	const char *env[] = { "OAUTH2_ACCESS_TOKENS=pierone=" ENV_TOKEN, NULL };
	const char *args[] = { "--data", test_data("registry.json"), "--api",
	    "web", NULL };
	struct fake web;
	char want[512];
	struct run r;

	fake_start(&web, args);
	pierone(&r, env, NULL, "login", "--url", web.url, NULL);
	test_fmt(want, sizeof(want), "pierone: %s does not look like a Pier "
	    "One or Docker registry: GET %s/v2/: a web page (HTTP 200, "
	    "text/html); nothing was written\n", web.url, web.url);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.err, want);
	run_free(&r);
	fake_stop(&web);
	assert_nothing_written();
}
END_TEST

/*
 * pierone login with `env` until its message holds `want` (5 tries: the
 * fake answers a TLS handshake with HTTP 400 and closes, and now and then
 * the reset gets to the client first and OpenSSL only says
 * SSL_ERROR_SYSCALL); then the run must have failed, having written
 * nothing.
 */
static void
assert_login_says(const char *const *env, const char *want)
{
	struct run r;

	for (int tries = 0; tries < 5; tries++) {
		pierone(&r, env, NULL, "login", NULL);
		if (strstr(r.err, want) != NULL)
			break;
		run_free(&r);
	}
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, want) != NULL, "'%s' not in: %s", want,
	    r.err);
	run_free(&r);
	assert_nothing_written();
}

START_TEST(login_over_https_to_a_plain_http_port_suggests_http)
{
	char url[160], want[160];
	const char *env[] = { url, "OAUTH2_ACCESS_TOKENS=pierone=" ENV_TOKEN,
	    NULL };

	test_fmt(url, sizeof(url), "PIERONE_URL=https://127.0.0.1:%d",
	    fake.port);
	test_fmt(want, sizeof(want), "wrong version number (the server "
	    "answers plain HTTP: try http://127.0.0.1:%d); nothing was "
	    "written\n", fake.port);
	assert_login_says(env, want);
}
END_TEST

/* The same for the token service's URL. */
START_TEST(a_token_service_over_https_to_a_plain_port_suggests_http)
{
	char url[160], want[160];
	const char *env[] = { url, "PIERONE_PASSWORD=" PASSWORD, NULL };

	test_fmt(url, sizeof(url), "PIERONE_TOKEN_URL=https://127.0.0.1:%d/"
	    "access_token", fake.port);
	test_fmt(want, sizeof(want), " (the server answers plain HTTP: try "
	    "http://127.0.0.1:%d)", fake.port);
	assert_login_says(env, want);
}
END_TEST

START_TEST(a_token_the_registry_refuses_is_told_with_its_source)
{
	const char *env[] = { "OAUTH2_ACCESS_TOKENS=pierone=not-the-one",
	    NULL };
	struct run r;

	pierone(&r, env, NULL, "login", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "refused the token from "
	    "OAUTH2_ACCESS_TOKENS"));
	ck_assert_ptr_nonnull(strstr(r.err, "nothing was written"));
	ck_assert_int_eq(count_in_log("GET /v2/ 401"), 2);
	run_free(&r);
	assert_nothing_written();
}
END_TEST

START_TEST(a_new_token_the_registry_refuses_is_not_cached)
{
	const char *args[] = { "--data", test_data("registry.json"),
	    "--token", ENV_TOKEN, "--issue", "refused-by-the-registry",
	    "--user", "alice:" PASSWORD, NULL };
	static char url[160], token_url[200];
	const char *env[] = { "PIERONE_PASSWORD=" PASSWORD, url, token_url,
	    NULL };
	struct fake other;
	struct run r;

	fake_start(&other, args);
	test_fmt(url, sizeof(url), "PIERONE_URL=%s", other.url);
	test_fmt(token_url, sizeof(token_url), "PIERONE_TOKEN_URL=%s/"
	    "access_token", other.url);
	pierone(&r, env, NULL, "login", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "refused the token the token "
	    "service"));
	run_free(&r);
	fake_stop(&other);
	assert_nothing_written();
}
END_TEST

START_TEST(a_password_of_1023_bytes_works_and_one_more_is_refused)
{
	static char pw[1030], user[1040], env_pw[1060], url[160], tu[200];
	const char *args[] = { "--data", test_data("registry.json"), "--token",
	    ISSUED, "--issue", ISSUED, "--user", user, NULL };
	const char *env[] = { env_pw, url, tu, "PIERONE_USER=bob", NULL };
	const char *stdin_env[] = { url, tu, "PIERONE_USER=bob", NULL };
	struct fake f;
	struct run r;

	memset(pw, 'p', 1024);
	pw[1023] = '\0';	/* 1023 bytes, as pierone(1) promises */
	test_fmt(user, sizeof(user), "bob:%s", pw);
	fake_start(&f, args);
	test_fmt(url, sizeof(url), "PIERONE_URL=%s", f.url);
	test_fmt(tu, sizeof(tu), "PIERONE_TOKEN_URL=%s/access_token", f.url);
	test_fmt(env_pw, sizeof(env_pw), "PIERONE_PASSWORD=%s", pw);
	pierone(&r, env, NULL, "login", "--refresh", NULL);
	ck_assert_msg(r.status == 0, "login failed: %s", r.err);
	run_free(&r);
	test_fmt(env_pw, sizeof(env_pw), "%s\n", pw);
	pierone(&r, stdin_env, env_pw, "login", "--refresh",
	    "--password-stdin", NULL);
	ck_assert_msg(r.status == 0, "login failed: %s", r.err);
	run_free(&r);
	/* one byte more is refused, from either source */
	pw[1023] = 'p';
	test_fmt(env_pw, sizeof(env_pw), "PIERONE_PASSWORD=%s", pw);
	pierone(&r, env, NULL, "login", "--refresh", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "longer than 1023 bytes"));
	run_free(&r);
	test_fmt(env_pw, sizeof(env_pw), "%s\n", pw);
	pierone(&r, stdin_env, env_pw, "login", "--refresh",
	    "--password-stdin", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "longer than 1023 bytes"));
	run_free(&r);
	fake_stop(&f);
}
END_TEST

START_TEST(what_login_needs_is_checked_before_any_request_or_prompt)
{
	const char *env[] = { "PIERONE_TOKEN_URL", "PIERONE_URL", NULL };
	struct run r;

	/* no token, no token service, no URL: the token service is told */
	pierone(&r, env, NULL, "login", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "token_url"));
	ck_assert_int_eq(count_in_log("GET "), 0);
	run_free(&r);
}
END_TEST

START_TEST(no_token_service_configured_fails_clearly)
{
	const char *env[] = { "PIERONE_TOKEN_URL", "PIERONE_PASSWORD=x",
	    NULL };
	struct run r;

	pierone(&r, env, NULL, "login", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "token_url"));
	run_free(&r);
}
END_TEST

START_TEST(url_option_is_for_this_run_and_leaves_pierone_yaml_alone)
{
	const char *env[] = { "PIERONE_URL", "PIERONE_PASSWORD=" PASSWORD,
	    NULL };
	static const char mine[] = "# mine\ntimeout: 30\n"
	    "url: https://old.example.org\nextra:\n  - a\n  - b\n";
	struct run r;
	char *yaml;

	ck_assert_int_eq(mkdir(home_path(".config"), 0700), 0);
	ck_assert_int_eq(mkdir(home_path(".config/pierone"), 0700), 0);
	test_write_file(home_path(".config/pierone/pierone.yaml"), mine);
	pierone(&r, env, NULL, "login", "--url", fake.url, NULL);
	ck_assert_msg(r.status == 0, "login failed: %s", r.err);
	ck_assert_ptr_null(strstr(r.err, "saved"));
	run_free(&r);
	/* as 0.22: --url is not written back; the file is byte for byte */
	yaml = test_slurp(home_path(".config/pierone/pierone.yaml"), NULL);
	ck_assert_str_eq(yaml, mine);
	free(yaml);
	/* the credentials were written for the --url registry */
	assert_auth(".docker/config.json", true, fake.url, ISSUED_AUTH);
}
END_TEST

START_TEST(other_docker_entries_survive_login)
{
	const char *env[] = { "PIERONE_PASSWORD=" PASSWORD, NULL };
	struct run r;
	cJSON *root;

	ck_assert_int_eq(mkdir(home_path(".docker"), 0700), 0);
	test_write_file(home_path(".docker/config.json"), "{\"auths\": "
	    "{\"https://index.docker.io/v1/\": {\"auth\": \"eDp5\"}}, "
	    "\"credsStore\": \"desktop\", \"psFormat\": \"{{.ID}}\", "
	    "\"n\": 1.5, \"proxies\": {\"default\": {\"httpProxy\": \"p\"}}}");
	pierone(&r, env, NULL, "login", NULL);
	ck_assert_msg(r.status == 0, "login failed: %s", r.err);
	run_free(&r);
	root = load_json(".docker/config.json");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(root, "auths"), "https://index.docker.io/v1/"),
	    "auth")->valuestring, "eDp5");
	ck_assert_str_eq(cJSON_GetObjectItem(root, "credsStore")->valuestring,
	    "desktop");
	ck_assert_str_eq(cJSON_GetObjectItem(root, "psFormat")->valuestring,
	    "{{.ID}}");
	ck_assert(cJSON_GetObjectItem(root, "n")->valuedouble == 1.5);
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(root, "proxies"));
	cJSON_Delete(root);
	assert_auth(".docker/config.json", true, fake.url, ISSUED_AUTH);
}
END_TEST

START_TEST(corrupt_docker_config_is_left_untouched)
{
	const char *env[] = { "PIERONE_PASSWORD=" PASSWORD, NULL };
	const char *bad = "{\"auths\": {\n  \"x\": }\n";
	struct run r;
	char *after;

	ck_assert_int_eq(mkdir(home_path(".docker"), 0700), 0);
	test_write_file(home_path(".docker/config.json"), bad);
	pierone(&r, env, NULL, "login", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, home_path(".docker/config.json")));
	ck_assert_ptr_nonnull(strstr(r.err, "line"));
	after = test_slurp(home_path(".docker/config.json"), NULL);
	ck_assert_str_eq(after, bad);
	free(after);
	run_free(&r);
}
END_TEST

START_TEST(credential_helper_mode_configures_cred_helpers)
{
	const char *env[] = { "PIERONE_PASSWORD=" PASSWORD, NULL };
	struct run r;
	cJSON *root;
	const char *host = fake.url + strlen("http://");

	pierone(&r, env, NULL, "login", NULL);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
	pierone(&r, env, NULL, "login", "--credential-helper", NULL);
	ck_assert_msg(r.status == 0, "login failed: %s", r.err);
	run_free(&r);
	root = load_json(".docker/config.json");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(root,
	    "credHelpers"), host)->valuestring, "pierone");
	ck_assert_ptr_null(cJSON_GetObjectItem(cJSON_GetObjectItem(root,
	    "auths"), fake.url));
	cJSON_Delete(root);
}
END_TEST

START_TEST(concurrent_logins_lose_no_entry)
{
	enum { N = 50 };
	pid_t pids[N];
	cJSON *root, *auths;
	char url[N][160];
	int st;

	ck_assert_int_eq(mkdir(home_path(".docker"), 0700), 0);
	test_write_file(home_path(".docker/config.json"),
	    "{\"auths\": {\"https://before.example.org\": {\"auth\": \"YTpi\"}},"
	    " \"keep\": true}");
	for (int i = 0; i < N; i++) {
		/* 50 registries to pierone, one fake (it drops "/_NN") */
		test_fmt(url[i], sizeof(url[i]), "PIERONE_URL=%s/_%02d",
		    fake.url, i);
		if ((pids[i] = fork()) == 0) {
			const char *env[] = { url[i], "OAUTH2_ACCESS_TOKENS="
			    "pierone=" ENV_TOKEN, NULL };
			struct run r;

			pierone(&r, env, NULL, "login", NULL);
			_exit(r.status);
		}
		ck_assert_int_gt(pids[i], 0);
	}
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(waitpid(pids[i], &st, 0), pids[i]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "login %d failed", i);
	}
	root = load_json(".docker/config.json");
	auths = cJSON_GetObjectItem(root, "auths");
	ck_assert_int_eq(cJSON_GetArraySize(auths), N + 1);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(root, "keep")));
	cJSON_Delete(root);
	root = load_json(".dockercfg");
	ck_assert_int_eq(cJSON_GetArraySize(root), N);
	cJSON_Delete(root);
}
END_TEST

START_TEST(helper_get_prints_token_for_our_registry)
{
	const char *env[] = { "OAUTH2_ACCESS_TOKENS=pierone=" ENV_TOKEN,
	    NULL };
	struct run r;
	char want[256];
	const char *host = fake.url + strlen("http://");

	test_stdout_may_hold_secret = true;	/* the answer of "get" */
	helper(&r, env, host, "get", NULL);
	test_stdout_may_hold_secret = false;
	test_fmt(want, sizeof(want), "{\"ServerURL\":\"%s\",\"Username\":"
	    "\"oauth2\",\"Secret\":\"" ENV_TOKEN "\"}\n", host);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, want);
	run_free(&r);
	helper(&r, env, "other.example.org\n", "get", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "credentials not found in native keychain\n");
	run_free(&r);
}
END_TEST

/* As docker-credential-pierone(1) says: host names ignore case, ports not. */
START_TEST(helper_matches_host_names_without_case)
{
	const char *env[] = { "OAUTH2_ACCESS_TOKENS=pierone=" ENV_TOKEN,
	    "PIERONE_URL=https://Pierone.Example.ORG", NULL };
	struct run r;

	test_stdout_may_hold_secret = true;
	helper(&r, env, "pierone.example.org", "get", NULL);
	test_stdout_may_hold_secret = false;
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, ENV_TOKEN));
	run_free(&r);
	helper(&r, env, "PIERONE.example.org:443", "get", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "credentials not found in native keychain\n");
	run_free(&r);
}
END_TEST

START_TEST(helper_get_without_token_says_not_found_and_login)
{
	const char *empty[] = { "OAUTH2_ACCESS_TOKENS=pierone=", NULL };
	struct run r;

	/* the protocol's answer on stdout, the advice on stderr */
	helper(&r, NULL, fake.url, "get", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "credentials not found in native keychain\n");
	ck_assert_ptr_nonnull(strstr(r.err, "pierone login"));
	run_free(&r);
	/* an empty token is none */
	helper(&r, empty, fake.url, "get", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "credentials not found in native keychain\n");
	run_free(&r);
}
END_TEST

START_TEST(a_url_with_user_info_is_refused_and_never_shown_or_written)
{
	const char *env[] = { "PIERONE_PASSWORD=" PASSWORD, NULL };
	char url[256], envurl[300];
	const char *env2[] = { envurl, "PIERONE_PASSWORD=" PASSWORD, NULL };
	struct run r;

	/* user:password@ put in front of the fake's host */
	test_fmt(url, sizeof(url), "http://jdoe:pw-S3CR3T@%s",
	    fake.url + strlen("http://"));
	pierone(&r, env, NULL, "login", "--url", url, NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "user name or password"));
	ck_assert_ptr_null(strstr(r.err, "S3CR3T"));
	ck_assert_ptr_null(strstr(r.out, "S3CR3T"));
	run_free(&r);
	test_fmt(envurl, sizeof(envurl), "PIERONE_URL=%s", url);
	pierone(&r, env2, NULL, "login", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "user name or password"));
	ck_assert_ptr_null(strstr(r.err, "S3CR3T"));
	run_free(&r);
	ck_assert_int_ne(access(home_path(".docker/config.json"), F_OK), 0);
	ck_assert_int_ne(access(home_path(".dockercfg"), F_OK), 0);
	ck_assert_int_ne(access(home_path(".config/pierone/pierone.yaml"),
	    F_OK), 0);
}
END_TEST

START_TEST(a_token_no_bearer_token_may_hold_is_refused_and_never_written)
{
	const char *bad[] = { "OAUTH2_ACCESS_TOKENS=pierone=abc def", NULL };
	const char *ctl[] = { "OAUTH2_ACCESS_TOKENS=pierone=abc\x1b[2Jx",
	    NULL };
	struct run r;

	helper(&r, bad, fake.url, "get", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.out, "RFC 6750"));
	ck_assert_ptr_null(strstr(r.out, "abc def"));
	run_free(&r);
	pierone(&r, ctl, NULL, "login", "--url", fake.url, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "OAUTH2_ACCESS_TOKENS"));
	ck_assert_ptr_nonnull(strstr(r.err, "RFC 6750"));
	ck_assert_ptr_null(strchr(r.err, '\x1b'));
	run_free(&r);
	ck_assert_int_ne(access(home_path(".docker/config.json"), F_OK), 0);
	ck_assert_int_ne(access(home_path(".dockercfg"), F_OK), 0);
}
END_TEST

START_TEST(helper_list_store_erase_version_and_unknown)
{
	struct run r;
	char want[160];

	helper(&r, NULL, NULL, "list", NULL);
	test_fmt(want, sizeof(want), "{\"%s\":\"oauth2\"}\n", fake.url);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, want);
	run_free(&r);
	helper(&r, NULL, "{\"ServerURL\":\"x\",\"Secret\":\"s\"}", "store",
	    NULL);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
	helper(&r, NULL, "x", "erase", NULL);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
	helper(&r, NULL, NULL, "version", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "docker-credential-pierone"));
	run_free(&r);
	helper(&r, NULL, NULL, "frobnicate", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "unknown action: frobnicate\n");
	run_free(&r);
}
END_TEST

START_TEST(helper_help_prints_its_usage_on_stdout)
{
	static const char *const opts[] = { "--help", "-h" };
	static const char usage[] = "usage: docker-credential-pierone "
	    "get|store|erase|list|version\n\n";
	struct run r;

	for (size_t i = 0; i < 2; i++) {
		helper(&r, NULL, NULL, opts[i], NULL);
		ck_assert_int_eq(r.status, 0);
		ck_assert_str_eq(r.err, "");
		ck_assert_msg(strncmp(r.out, usage, strlen(usage)) == 0, "%s",
		    r.out);
		ck_assert_ptr_nonnull(strstr(r.out, "docker-credential-"
		    "pierone(1)"));
		run_free(&r);
	}
	{
		char *log = fake_log(&fake);	/* nothing asked of anyone */

		ck_assert_str_eq(log, "");
		free(log);
	}
}
END_TEST

Suite *
login_suite(void)
{
	Suite *s = suite_create("login");
	TCase *tc = tcase_create("login");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, login_with_token_service_writes_both_docker_files);
	tcase_add_test(tc, token_from_login_serves_the_read_commands);
	tcase_add_test(tc, password_from_stdin_drops_one_newline);
	tcase_add_test(tc, wrong_password_fails_and_writes_nothing);
	tcase_add_test(tc, no_password_without_terminal_says_how);
	tcase_add_test(tc, user_option_beats_the_environment);
	tcase_add_test(tc, cached_token_is_reused_unless_refresh);
	tcase_add_test(tc, fixed_token_from_environment_is_written);
	tcase_add_test(tc, password_flow_with_application_credentials);
	tcase_add_test(tc, password_flow_with_client_from_configuration);
	tcase_add_test(tc, password_flow_without_client_says_what_is_missing);
	tcase_add_test(tc, no_token_service_configured_fails_clearly);
	tcase_add_test(tc, login_to_a_host_that_is_no_registry_writes_nothing);
	tcase_add_test(tc, login_to_a_web_page_writes_nothing);
	tcase_add_test(tc, login_over_https_to_a_plain_http_port_suggests_http);
	tcase_add_test(tc,
	    a_token_service_over_https_to_a_plain_port_suggests_http);
	tcase_add_test(tc, a_token_the_registry_refuses_is_told_with_its_source);
	tcase_add_test(tc, a_new_token_the_registry_refuses_is_not_cached);
	tcase_add_test(tc,
	    what_login_needs_is_checked_before_any_request_or_prompt);
	tcase_add_test(tc,
	    a_password_of_1023_bytes_works_and_one_more_is_refused);
	tcase_add_test(tc, url_option_is_for_this_run_and_leaves_pierone_yaml_alone);
	tcase_add_test(tc, other_docker_entries_survive_login);
	tcase_add_test(tc, corrupt_docker_config_is_left_untouched);
	tcase_add_test(tc, credential_helper_mode_configures_cred_helpers);
	tcase_add_test(tc, concurrent_logins_lose_no_entry);
	tcase_add_test(tc, helper_get_prints_token_for_our_registry);
	tcase_add_test(tc, helper_matches_host_names_without_case);
	tcase_add_test(tc, helper_get_without_token_says_not_found_and_login);
	tcase_add_test(tc, a_token_no_bearer_token_may_hold_is_refused_and_never_written);
	tcase_add_test(tc, a_url_with_user_info_is_refused_and_never_shown_or_written);
	tcase_add_test(tc, helper_list_store_erase_version_and_unknown);
	tcase_add_test(tc, helper_help_prints_its_usage_on_stdout);
	suite_add_tcase(s, tc);
	return s;
}
