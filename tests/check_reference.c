/*
 * Image references: [REGISTRY/]REPOSITORY[:TAG] wherever a command takes
 * TEAM ARTIFACT [TAG]; repositories of more than two components on v2;
 * a registry host that overrides the configured one and gets Docker's
 * credentials, never the OAuth2 token.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests.h"

#define TOKEN "test-token-reference"

static void
start(const char *api, const char *auth)
{
	const char *args[] = { "--data", test_data("reference.json"),
	    "--token", TOKEN, "--api", api, "--auth", auth, NULL };

	site_open("pierone=" TOKEN, 0);
	site_fake_start(args, NULL);
}

static void
setup_pierone(void)
{
	start("pierone", "token");
}

static void
setup_v2(void)
{
	start("v2", "basic");
}

static void
teardown(void)
{
	site_close(true);
}

#define pierone(r, ...) site_run(r, __VA_ARGS__)

/* HOST:PORT of the fake, as a reference names it. */
static const char *
fake_host(void)
{
	return site.fake.url + strlen("http://");
}

/* "HOST:PORT/rest" into buf. */
static const char *
with_host(char *buf, size_t size, const char *host, const char *rest)
{
	test_fmt(buf, size, "%s/%s", host, rest);
	return buf;
}

static void
assert_same(struct run *a, struct run *b)
{
	ck_assert_msg(a->status == 0, "status %d: %s", a->status, a->err);
	ck_assert_int_eq(a->status, b->status);
	ck_assert_str_eq(a->out, b->out);
	ck_assert_str_eq(a->err, b->err);
	run_free(a);
	run_free(b);
}

static int
log_count(const char *what)
{
	char *log = fake_log(&site.fake);
	int n = test_count(log, what);

	free(log);
	return n;
}

/* ------------------------------------------------------------ Pier One */

/* The reference form prints exactly what the positional form prints. */
START_TEST(reference_and_positional_forms_agree)
{
	struct run a, b;

	pierone(&a, "latest", "org/app");
	pierone(&b, "latest", "org", "app");
	assert_same(&a, &b);
	pierone(&a, "tags", "-o", "tsv", "org/app");
	pierone(&b, "tags", "-o", "tsv", "org", "app");
	assert_same(&a, &b);
	pierone(&a, "describe", "-o", "json", "org/app:1.0");
	pierone(&b, "describe", "-o", "json", "org", "app", "1.0");
	assert_same(&a, &b);
	pierone(&a, "describe", "org/app", "1.0");
	pierone(&b, "describe", "org", "app", "1.0");
	assert_same(&a, &b);
	pierone(&a, "scm-source", "-o", "tsv", "org/app:1.0", "1.1");
	pierone(&b, "scm-source", "-o", "tsv", "org", "app", "1.0", "1.1");
	assert_same(&a, &b);
	/* marked once: the second time is "already" */
	pierone(&a, "mark-production-ready", "INC-1", "org/app:1.0");
	ck_assert_msg(a.status == 0, "%s", a.err);
	ck_assert_ptr_nonnull(strstr(a.out, "org/app:1.0"));
	run_free(&a);
	ck_assert_int_eq(log_count("POST /teams/org/artifacts/app/tags/1.0/"
	    "production-ready 2"), 1);
}
END_TEST

/* The configured registry named in the reference: its token, its API. */
START_TEST(the_configured_host_keeps_the_token)
{
	char ref[128];
	struct run r;

	pierone(&r, "latest", with_host(ref, sizeof(ref), fake_host(),
	    "org/app"));
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "1.1\n");
	run_free(&r);
	ck_assert_int_eq(log_count(" 200"), 1);	/* with the token */
}
END_TEST

/*
 * Another host (the same server, named otherwise) is another registry:
 * no OAuth2 token goes there, so this token-only server refuses.
 */
START_TEST(another_host_never_gets_the_token)
{
	char ref[128], host[64];
	struct run r;

	test_fmt(host, sizeof(host), "localhost:%d", site.fake.port);
	pierone(&r, "latest", with_host(ref, sizeof(ref), host, "org/app"));
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "");
	ck_assert_ptr_null(strstr(r.err, TOKEN));
	/* how to get in: docker's login, not pierone's */
	ck_assert_msg(strstr(r.err, "is not the configured registry, asked "
	    "with Docker's credentials only: run 'docker login localhost:")
	    != NULL, "%s", r.err);
	ck_assert_ptr_null(strstr(r.err, "pierone login"));
	run_free(&r);
	ck_assert_int_eq(log_count(" 200"), 0);
	ck_assert_int_ge(log_count(" 401"), 1);
}
END_TEST

START_TEST(invalid_references_are_usage_errors)
{
	static const char *const bad[][2] = {
		{ "org/App", "each path component must be lowercase" },
		{ "org//app", "each path component must be lowercase" },
		{ "org/app-", "each path component must be lowercase" },
		{ "org/a..b", "each path component must be lowercase" },
		{ "org/../app", "each path component must be lowercase" },
		{ "org/app:", "invalid tag" },
		{ "org/app:-x", "invalid tag" },
		{ "localhost:0/org/app", "invalid registry host" },
		{ "localhost:65536/org/app", "invalid registry host" },
		{ "h.example:1x/org/app", "invalid registry host" },
		{ "Org/app", "names must be lowercase" },
		{ "bad_host:x/org/app", "invalid registry host" },
		{ "localhost/app", "it names no TEAM/ARTIFACT repository" },
	};
	char msg[160];
	struct run r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pierone(&r, "describe", bad[i][0]);
		test_fmt(msg, sizeof(msg), "pierone: invalid reference '%s': "
		    "%s", bad[i][0], bad[i][1]);
		ck_assert_msg(r.status == 2 && strncmp(r.err, msg,
		    strlen(msg)) == 0, "%s: status %d, %s", bad[i][0],
		    r.status, r.err);
		run_free(&r);
	}
	/* what may be a secret is not repeated */
	pierone(&r, "latest", "https://u:pw@h.example/org/app");
	test_assert_failed(&r, 2, "invalid reference: a reference has no "
	    "scheme");
	ck_assert_ptr_null(strstr(r.err, "pw"));
	run_free(&r);
	pierone(&r, "latest", "org/app@sha256:00");
	test_assert_failed(&r, 2, "invalid reference: digests are not "
	    "supported");
	run_free(&r);
	pierone(&r, "latest", "--url", "http://u:pw@127.0.0.1:1",
	    "127.0.0.1:1/org/app");
	test_assert_failed(&r, 2, "refusing the URL 'http://127.0.0.1:1'");
	ck_assert_ptr_null(strstr(r.err, "pw"));
	run_free(&r);
	pierone(&r, "latest", "org/app:1.0");
	test_assert_failed(&r, 2, "latest takes no tag: drop ':1.0'");
	run_free(&r);
	pierone(&r, "tags", "org/app", "other");
	test_assert_failed(&r, 2, "a reference names one repository");
	run_free(&r);
	pierone(&r, "describe", "org/app");
	test_assert_failed(&r, 2, "missing TAG");
	run_free(&r);
	pierone(&r, "mark-production-ready", "org/app:1.0");
	test_assert_failed(&r, 2, "missing INCIDENT before the reference");
	run_free(&r);
	pierone(&r, "latest", "--url", "http://127.0.0.1:1",
	    "localhost:5000/org/app");
	test_assert_failed(&r, 2, "--url http://127.0.0.1:1 and the "
	    "reference name different registries ('localhost:5000')");
	run_free(&r);
	ck_assert_int_eq(log_count("GET"), 0);
}
END_TEST

/*
 * Plain HTTP for localhost, 127.0.0.0/8 and [::1] only, never for a name
 * that starts like one.  A proxy that refuses keeps names unresolved.
 */
START_TEST(plain_http_only_for_loopback_hosts)
{
	static const char *const proxy[] = { "https_proxy=http://127.0.0.1:1",
	    "http_proxy=http://127.0.0.1:1", "PIERONE_RETRIES=0", NULL };
	static const char *const cases[][2] = {
		{ "127.0.0.1.example:1/org/app", "https://127.0.0.1.example:1/" },
		{ "127.attacker.example:1/org/app",
		    "https://127.attacker.example:1/" },
		{ "localhost.example:1/org/app", "https://localhost.example:1/" },
		{ "127.1.2.3:1/org/app", "http://127.1.2.3:1/" },
		{ "LOCALHOST:1/org/app", "http://LOCALHOST:1/" },
		{ "[::1]:1/org/app", "http://[::1]:1/" },
		{ "127.0.0.256:1/org/app", "https://127.0.0.256:1/" },
	};
	char want[160];
	struct run r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		site_pierone(&r, proxy, "latest", "-v", cases[i][0],
		    (const char *)NULL);
		ck_assert_int_eq(r.status, 1);
		test_fmt(want, sizeof(want), "pierone: GET %s", cases[i][1]);
		ck_assert_msg(strstr(r.err, want) != NULL, "%s: %s",
		    cases[i][0], r.err);
		ck_assert_ptr_null(strstr(r.err, TOKEN));
		run_free(&r);
	}
}
END_TEST

/* What bash's completion offers for `line` (pierone's path put first). */
static char *
bash_complete(const char *line)
{
	static const char script[] = ". cli/completion.bash || exit 1; "
	    "COMP_LINE=\"$1\"; COMP_POINT=${#COMP_LINE}; _pierone; "
	    "printf '%s\\n' \"${COMPREPLY[@]}\"";
	char full[256];
	const char *argv[] = { "/bin/bash", "--norc", "--noprofile", "-c",
	    script, "sh", full, NULL };
	struct run r;
	char *out;

	test_fmt(full, sizeof(full), "%s %s", getenv("PIERONE_BIN"), line);
	run_cmd(&r, argv, site.env);
	ck_assert_msg(r.status == 0, "%s", r.err);
	out = strdup(r.out);
	ck_assert_ptr_nonnull(out);
	run_free(&r);
	return out;
}

START_TEST(bash_completes_references)
{
	static const char *const cases[][2] = {
		{ "latest org/", "org/a/b/c\norg/app\norg/group/app\n" },
		{ "latest org/gr", "org/group/app\n" },
		/* after ':' bash puts back only what follows it */
		{ "describe org/app:", "1.0\n1.1\n" },
		{ "describe org/app:1.1", "1.1\n" },
		{ "describe org/app ", "1.0\n1.1\n" },
		{ "scm-source org/app:1.0 ", "1.0\n1.1\n" },
		{ "mark-production-ready INC-1 org/a", "org/a/b/c\norg/app\n" },
		{ "latest org/app:", "\n" },
		{ "tags org/app ", "\n" },
	};
	char *got;

	ck_assert_msg(access("/bin/bash", X_OK) == 0, "no /bin/bash");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = bash_complete(cases[i][0]);
		ck_assert_msg(strcmp(got, cases[i][1]) == 0, "'%s': '%s'",
		    cases[i][0], got);
		free(got);
	}
}
END_TEST

/* ------------------------------------------------------------------ v2 */

START_TEST(nested_repositories_on_v2)
{
	char ref[128];
	struct run r;

	pierone(&r, "latest", "org/group/app");
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "2.1\n");
	run_free(&r);
	ck_assert_int_eq(log_count("GET /v2/org/group/app/tags/list?n=1000 "
	    "200"), 1);
	/* Docker's first components that Pier One's team rule refuses */
	/* (my.org/x alone would name the registry my.org) */
	pierone(&r, "latest", with_host(ref, sizeof(ref), fake_host(),
	    "my.org/x"));
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "4.0\n");
	run_free(&r);
	pierone(&r, "latest", "1org/app");
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "5.0\n");
	run_free(&r);
	pierone(&r, "tags", "-o", "tsv", "org/a/b/c");
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "\norg\ta/b/c\t3.0\t"));
	run_free(&r);
	pierone(&r, "describe", "-o", "json", "org/group/app:2.0");
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "\"artifact\": \"group/app\""));
	run_free(&r);
	pierone(&r, "latest", "--digest", with_host(ref, sizeof(ref),
	    fake_host(), "org/group/app"));
	ck_assert_msg(r.status == 0, "%s", r.err);
	test_fmt(ref, sizeof(ref), "%s/org/group/app:2.1@sha256:",
	    fake_host());
	ck_assert_msg(strncmp(r.out, ref, strlen(ref)) == 0, "%s", r.out);
	run_free(&r);
}
END_TEST

/* Another host gets the Docker credentials stored for it, not the token. */
START_TEST(another_host_gets_its_docker_credentials)
{
	char ref[128], host[64], json[256];
	struct run r;

	test_fmt(host, sizeof(host), "localhost:%d", site.fake.port);
	with_host(ref, sizeof(ref), host, "org/app");
	/* the token would do (Basic oauth2:TOKEN): it is not offered */
	pierone(&r, "latest", ref);
	ck_assert_int_eq(r.status, 1);
	run_free(&r);
	ck_assert_int_eq(log_count(" 200 auth"), 0);
	/* base64("oauth2:test-token-reference") */
	test_fmt(json, sizeof(json), "{\"auths\":{\"%s\":{\"auth\":"
	    "\"b2F1dGgyOnRlc3QtdG9rZW4tcmVmZXJlbmNl\"}}}", host);
	test_put(site.home, ".docker/config.json", json, 0600);
	pierone(&r, "latest", ref);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "1.1\n");
	run_free(&r);
	ck_assert_int_ge(log_count(" 200 auth"), 1);
	/* -v names the credential each request carried, never the secret */
	pierone(&r, "latest", "-v", ref);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "is not the configured registry: "
	    "Docker's credentials for it, no OAuth2 token\n"));
	ck_assert_ptr_nonnull(strstr(r.err, " 200 ("));
	ck_assert_ptr_nonnull(strstr(r.err, " bytes, Docker's credentials)"));
	ck_assert_ptr_null(strstr(r.err, TOKEN));
	ck_assert_ptr_null(strstr(r.err, "b2F1dGgyOnRlc3QtdG9rZW4tcmVmZXJlbmNl"));
	run_free(&r);
}
END_TEST

/* -v: the token's source once, then each try with its number. */
START_TEST(verbose_tells_retries_and_credentials)
{
	const char *args[] = { "--data", test_data("reference.json"),
	    "--token", TOKEN, "--api", "pierone", "--fault",
	    "status=503@/tags#1", NULL };
	static const char first[] = "pierone: the OAuth2 token from "
	    "OAUTH2_ACCESS_TOKENS\n";
	struct run r;

	site_fake_restart(args);
	pierone(&r, "latest", "-v", "org/app");
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "1.1\n");
	ck_assert_msg(strncmp(r.err, first, strlen(first)) == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "/teams/org/artifacts/app/tags 503 "
	    "("));
	ck_assert_ptr_nonnull(strstr(r.err, " bytes, the OAuth2 token)\n"));
	ck_assert_ptr_nonnull(strstr(r.err, "/teams/org/artifacts/app/tags 200 "
	    "("));
	ck_assert_ptr_nonnull(strstr(r.err, " bytes, try 2, the OAuth2 "
	    "token)\n"));
	ck_assert_ptr_null(strstr(r.err, TOKEN));
	run_free(&r);
}
END_TEST

/*
 * libcurl drops the Authorization header on a redirect to another
 * host: -v names what the answer's request really carried.
 */
START_TEST(a_redirect_elsewhere_is_traced_without_the_credential)
{
	const char *oargs[] = { "--data", test_data("reference.json"),
	    "--token", TOKEN, "--api", "v2", "--auth", "none", NULL };
	struct fake other = { 0 };
	char fault[160], want[160];
	struct run r;

	fake_start(&other, oargs);
	test_fmt(fault, sizeof(fault), "redirect=http://localhost:%d/v2/org/"
	    "app/tags/list@/tags/list#1", other.port);
	{
		const char *args[] = { "--data", test_data("reference.json"),
		    "--token", TOKEN, "--api", "v2", "--auth", "none",
		    "--fault", fault, NULL };

		site_fake_restart(args);
	}
	pierone(&r, "latest", "-v", "org/app");
	test_fmt(want, sizeof(want), "GET http://localhost:%d/v2/org/app/"
	    "tags/list 200 (", other.port);
	ck_assert_msg(strstr(r.err, want) != NULL, "%s", r.err);
	ck_assert_msg(strstr(strstr(r.err, want), " bytes, no credentials)\n")
	    != NULL, "%s", r.err);
	/* what stayed on the configured host carried the token */
	ck_assert_ptr_nonnull(strstr(r.err, " bytes, the OAuth2 token)\n"));
	run_free(&r);
	fake_stop(&other);
}
END_TEST

Suite *
reference_suite(void)
{
	Suite *s = suite_create("reference");
	TCase *tc = tcase_create("pierone");

	tcase_add_checked_fixture(tc, setup_pierone, teardown);
	tcase_add_test(tc, reference_and_positional_forms_agree);
	tcase_add_test(tc, the_configured_host_keeps_the_token);
	tcase_add_test(tc, another_host_never_gets_the_token);
	tcase_add_test(tc, invalid_references_are_usage_errors);
	tcase_add_test(tc, bash_completes_references);
	tcase_add_test(tc, plain_http_only_for_loopback_hosts);
	tcase_add_test(tc, verbose_tells_retries_and_credentials);
	suite_add_tcase(s, tc);
	tc = tcase_create("v2");
	tcase_add_checked_fixture(tc, setup_v2, teardown);
	tcase_add_test(tc, nested_repositories_on_v2);
	tcase_add_test(tc, another_host_gets_its_docker_credentials);
	tcase_add_test(tc, a_redirect_elsewhere_is_traced_without_the_credential);
	suite_add_tcase(s, tc);
	return s;
}
