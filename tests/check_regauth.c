/*
 * What other registries send and how it is read: WWW-Authenticate
 * challenges, the scope of a request, Link headers, manifests and image
 * configs (regauth.c, v2.c), and the Docker credentials of a host as the
 * docker client finds them (docker_creds.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tests.h"

/* ------------------------------------------------------------------
 * Challenges
 */

START_TEST(bearer_challenge_gives_realm_service_and_scope)
{
	struct challenge ch;

	ck_assert_int_eq(challenge_parse(&ch, "Bearer realm=\"https://auth."
	    "example.org/token\",service=\"registry.example.org\",scope=\""
	    "repository:acid/app:pull\""), 0);
	ck_assert_int_eq(ch.scheme, CH_BEARER);
	ck_assert_str_eq(ch.realm, "https://auth.example.org/token");
	ck_assert_str_eq(ch.service, "registry.example.org");
	ck_assert_str_eq(ch.scope, "repository:acid/app:pull");
	challenge_clear(&ch);
}
END_TEST

START_TEST(challenge_names_are_case_insensitive_and_spaces_allowed)
{
	struct challenge ch;

	ck_assert_int_eq(challenge_parse(&ch, "bearer  Realm = "
	    "\"https://a/t\" , SERVICE=reg,scope=\"a:b:pull,push\""), 0);
	ck_assert_int_eq(ch.scheme, CH_BEARER);
	ck_assert_str_eq(ch.realm, "https://a/t");
	ck_assert_str_eq(ch.service, "reg");
	ck_assert_str_eq(ch.scope, "a:b:pull,push");
	challenge_clear(&ch);
}
END_TEST

START_TEST(quoted_pair_in_a_challenge_is_unescaped)
{
	struct challenge ch;

	ck_assert_int_eq(challenge_parse(&ch, "Basic realm=\"say \\\"hi\\\""
	    "\""), 0);
	ck_assert_int_eq(ch.scheme, CH_BASIC);
	ck_assert_str_eq(ch.realm, "say \"hi\"");
	challenge_clear(&ch);
}
END_TEST

START_TEST(bearer_with_realm_beats_basic_in_either_order)
{
	const char *hdrs[] = {
		"Basic realm=\"r\", Bearer realm=\"https://a/t\",service=s",
		"Bearer realm=\"https://a/t\",service=s, Basic realm=\"r\"",
		"Negotiate abc==, Basic realm=\"r\", Bearer realm=\"https://a/t\"",
	};

	for (size_t i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		struct challenge ch;

		ck_assert_int_eq(challenge_parse(&ch, hdrs[i]), 0);
		ck_assert_msg(ch.scheme == CH_BEARER, "%s", hdrs[i]);
		ck_assert_str_eq(ch.realm, "https://a/t");
		challenge_clear(&ch);
	}
}
END_TEST

START_TEST(basic_beats_bearer_without_realm)
{
	struct challenge ch;

	ck_assert_int_eq(challenge_parse(&ch, "Bearer error=\"invalid\", "
	    "Basic realm=\"x\""), 0);
	ck_assert_int_eq(ch.scheme, CH_BASIC);
	challenge_clear(&ch);
}
END_TEST

START_TEST(unusable_challenges_give_nothing_to_answer)
{
	const char *hdrs[] = { "", "Negotiate", "Negotiate abc==",
	    "Bearer", "Bearer error=\"invalid_token\"", "=,=,,",
	    "\"unterminated", "Bearer realm=\"unterminated" };

	for (size_t i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		struct challenge ch;

		ck_assert_int_eq(challenge_parse(&ch, hdrs[i]), 0);
		/* An unterminated quote still ends the value at the end. */
		if (i == 7) {
			ck_assert_int_eq(ch.scheme, CH_BEARER);
			ck_assert_str_eq(ch.realm, "unterminated");
		} else {
			ck_assert_msg(ch.scheme == CH_NONE, "'%s' gave %d",
			    hdrs[i], ch.scheme);
		}
		challenge_clear(&ch);
	}
}
END_TEST

START_TEST(overlong_challenge_values_are_cut_not_overflowed)
{
	char hdr[10000], *p = hdr;
	struct challenge ch;

	p += sprintf(p, "Bearer realm=\"https://a/");
	memset(p, 'x', 9000);
	strcpy(p + 9000, "\"");
	ck_assert_int_eq(challenge_parse(&ch, hdr), 0);
	ck_assert_int_eq(ch.scheme, CH_BEARER);
	ck_assert_uint_lt(strlen(ch.realm), 4096);
	challenge_clear(&ch);
}
END_TEST

/* ------------------------------------------------------------------
 * Scopes
 */

START_TEST(scope_of_repository_paths)
{
	static const struct { const char *path, *scope; } cases[] = {
		{ "/v2/acid/app/tags/list?n=1000", "repository:acid/app:pull" },
		{ "/v2/acid/app/manifests/1.0", "repository:acid/app:pull" },
		{ "/v2/acid/app/blobs/sha256:ab", "repository:acid/app:pull" },
		/* a repository may itself be called "tags" */
		{ "/v2/acid/tags/tags/list", "repository:acid/tags:pull" },
		{ "/v2/a/b/c/manifests/x", "repository:a/b/c:pull" },
		{ "/v2/_catalog?n=1000", "registry:catalog:*" },
		{ "/v2/_catalog", "registry:catalog:*" },
	};
	char *s;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = scope_of_path(cases[i].path);
		ck_assert_msg(s != NULL && strcmp(s, cases[i].scope) == 0,
		    "%s: %s", cases[i].path, s ? s : "(null)");
		free(s);
	}
	ck_assert_ptr_null(scope_of_path("/v2/"));
	ck_assert_ptr_null(scope_of_path("/teams/acid/artifacts"));
	ck_assert_ptr_null(scope_of_path("/v2/_catalogue"));
	ck_assert_ptr_null(scope_of_path("/v2/tags/list"));
}
END_TEST

/* ------------------------------------------------------------------
 * Link
 */

static char *
next_of(const char *base, const char *cur, const char *link, int want_rc)
{
	struct pierone_err err = { 0 };
	char *next = NULL;

	ck_assert_msg(v2_link_next(&next, base, cur, link, &err) == want_rc,
	    "%s: %s", link, err.msg);
	return next;
}

START_TEST(link_relative_to_the_host_is_followed)
{
	char *n = next_of("http://127.0.0.1:5000", "/v2/_catalog?n=1000",
	    "</v2/_catalog?last=acid%2Fapp&n=1000>; rel=\"next\"", 0);

	ck_assert_str_eq(n, "/v2/_catalog?last=acid%2Fapp&n=1000");
	free(n);
}
END_TEST

START_TEST(link_absolute_on_the_same_registry_is_followed)
{
	char *n = next_of("https://reg.example.org", "/v2/a/b/tags/list",
	    "<https://REG.example.org/v2/a/b/tags/list?last=9>; rel=next", 0);

	ck_assert_str_eq(n, "/v2/a/b/tags/list?last=9");
	free(n);
}
END_TEST

START_TEST(link_with_only_a_query_keeps_the_path)
{
	char *n = next_of("https://reg", "/v2/a/b/tags/list?n=1000",
	    "<?n=1000&last=x>; rel=\"next\"", 0);

	ck_assert_str_eq(n, "/v2/a/b/tags/list?n=1000&last=x");
	free(n);
}
END_TEST

START_TEST(link_under_a_base_path_stays_under_it)
{
	char *n = next_of("https://reg/mirror", "/v2/_catalog",
	    "</mirror/v2/_catalog?last=z>; rel=\"next\"", 0);

	ck_assert_str_eq(n, "/v2/_catalog?last=z");
	free(n);
	ck_assert_ptr_null(next_of("https://reg/mirror", "/v2/_catalog",
	    "</v2/_catalog?last=z>; rel=\"next\"", PIERONE_EBADRESPONSE));
	ck_assert_ptr_null(next_of("https://reg/mirror", "/v2/_catalog",
	    "</mirrorx/v2/_catalog>; rel=\"next\"", PIERONE_EBADRESPONSE));
}
END_TEST

/* Origins are compared as URLs (libcurl's URL API), not as strings. */
START_TEST(link_origin_is_compared_part_by_part)
{
	char *n = next_of("https://reg", "/v2/_catalog",
	    "<https://REG:443/v2/_catalog?last=q>; rel=\"next\"", 0);

	ck_assert_str_eq(n, "/v2/_catalog?last=q");
	free(n);
	n = next_of("http://127.0.0.1:80/base", "/v2/x/tags/list",
	    "<list?last=1>; rel=\"next\"", 0);
	ck_assert_str_eq(n, "/v2/x/tags/list?last=1");
	free(n);
	ck_assert_ptr_null(next_of("https://reg", "/v2/_catalog",
	    "<https://u:pw@reg/v2/_catalog?last=a>; rel=\"next\"",
	    PIERONE_EBADRESPONSE));
	ck_assert_ptr_null(next_of("https://reg:8443", "/v2/_catalog",
	    "<https://reg/v2/_catalog?last=a>; rel=\"next\"",
	    PIERONE_EBADRESPONSE));
}
END_TEST

START_TEST(link_among_others_is_found_by_its_rel)
{
	char *n = next_of("https://reg", "/v2/_catalog",
	    "</v2/_catalog?first>; rel=\"first\", </v2/_catalog?x,y>; "
	    "title=\"a;b\"; rel=\"prefetch next\"", 0);

	ck_assert_str_eq(n, "/v2/_catalog?x,y");
	free(n);
}
END_TEST

START_TEST(link_without_next_ends_the_list)
{
	ck_assert_ptr_null(next_of("https://reg", "/v2/_catalog", NULL, 0));
	ck_assert_ptr_null(next_of("https://reg", "/v2/_catalog",
	    "</v2/_catalog?last=a>; rel=\"prev\"", 0));
	ck_assert_ptr_null(next_of("https://reg", "/v2/_catalog",
	    "</v2/_catalog?last=a>; rel=\"nextpage\"", 0));
	ck_assert_ptr_null(next_of("https://reg", "/v2/_catalog", "garbage",
	    0));
}
END_TEST

START_TEST(link_to_another_registry_is_refused)
{
	static const char *const links[] = {
		"<https://evil.example.org/v2/_catalog?last=a>; rel=\"next\"",
		"<//evil.example.org/v2/_catalog>; rel=\"next\"",
		"<http://reg/v2/_catalog?last=a>; rel=\"next\"",	/* scheme */
		"<https://reg:8443/v2/_catalog?last=a>; rel=\"next\"",	/* port */
		"<https://reg.evil/v2/_catalog>; rel=\"next\"",
		"<https://reg@evil/v2/_catalog>; rel=\"next\"",
		"<file:///etc/passwd>; rel=\"next\"",
		"</v2/_catalog?a b>; rel=\"next\"",
		"<>; rel=\"next\"",
		/* dot segments, which libcurl would resolve after our check */
		"</v2/../../admin>; rel=\"next\"",
		"</v2/./_catalog>; rel=\"next\"",
		"<https://reg/v2/..>; rel=\"next\"",
	};

	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		ck_assert_ptr_null(next_of("https://reg", "/v2/_catalog",
		    links[i], PIERONE_EBADRESPONSE));
}
END_TEST

/* ------------------------------------------------------------------
 * Manifests and configs
 */

static void
parse_manifest(struct v2_manifest *m, const char *json, const char *ct,
    int want_rc)
{
	struct pierone_err err = { 0 };

	ck_assert_msg(v2_manifest_parse(m, json, strlen(json), ct, &err) ==
	    want_rc, "%s: %s", json, err.msg);
}

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

START_TEST(docker_and_oci_image_manifests_name_their_config)
{
	struct v2_manifest m;

	parse_manifest(&m, "{\"schemaVersion\":2,\"mediaType\":\"application/"
	    "vnd.docker.distribution.manifest.v2+json\",\"config\":{\"digest\":"
	    "\"" D1 "\"},\"layers\":[]}", NULL, 0);
	ck_assert_int_eq(m.kind, MANIFEST_IMAGE);
	ck_assert_str_eq(m.digest, D1);
	free(m.digest);
	/* OCI may leave mediaType out: Content-Type tells. */
	parse_manifest(&m, "{\"schemaVersion\":2,\"config\":{\"digest\":\""
	    D2 "\"}}", "application/vnd.oci.image.manifest.v1+json", 0);
	ck_assert_int_eq(m.kind, MANIFEST_IMAGE);
	ck_assert_str_eq(m.digest, D2);
	free(m.digest);
}
END_TEST

START_TEST(index_picks_linux_amd64_and_skips_attestations)
{
	struct v2_manifest m;
	const char *oci = "{\"schemaVersion\":2,\"manifests\":["
	    "{\"digest\":\"" D1 "\",\"platform\":{\"os\":\"linux\","
	    "\"architecture\":\"arm64\"}},"
	    "{\"digest\":\"" D3 "\",\"platform\":{\"os\":\"unknown\","
	    "\"architecture\":\"unknown\"},\"annotations\":{"
	    "\"vnd.docker.reference.type\":\"attestation-manifest\"}},"
	    "{\"digest\":\"" D2 "\",\"platform\":{\"os\":\"linux\","
	    "\"architecture\":\"amd64\"}}]}";

	/* By Content-Type, by mediaType, and by shape alone. */
	parse_manifest(&m, oci, "application/vnd.oci.image.index.v1+json; "
	    "charset=utf-8", 0);
	ck_assert_int_eq(m.kind, MANIFEST_INDEX);
	ck_assert_str_eq(m.digest, D2);
	free(m.digest);
	parse_manifest(&m, oci, NULL, 0);
	ck_assert_int_eq(m.kind, MANIFEST_INDEX);
	ck_assert_str_eq(m.digest, D2);
	free(m.digest);
}
END_TEST

START_TEST(index_without_amd64_takes_the_first_image)
{
	struct v2_manifest m;

	parse_manifest(&m, "{\"schemaVersion\":2,\"mediaType\":\"application/"
	    "vnd.docker.distribution.manifest.list.v2+json\",\"manifests\":["
	    "{\"digest\":\"" D3 "\",\"platform\":{\"os\":\"unknown\","
	    "\"architecture\":\"unknown\"}},"
	    "{\"digest\":\"" D1 "\",\"platform\":{\"os\":\"linux\","
	    "\"architecture\":\"s390x\"}},"
	    "{\"digest\":\"" D2 "\",\"platform\":{\"os\":\"windows\","
	    "\"architecture\":\"amd64\"}}]}", NULL, 0);
	ck_assert_int_eq(m.kind, MANIFEST_INDEX);
	ck_assert_str_eq(m.digest, D1);
	free(m.digest);
}
END_TEST

START_TEST(schema1_manifest_gives_its_history_time)
{
	struct v2_manifest m;

	parse_manifest(&m, "{\"schemaVersion\":1,\"history\":[{"
	    "\"v1Compatibility\":\"{\\\"created\\\":\\\"2016-05-04T03:02:01."
	    "123456789Z\\\"}\"}]}", NULL, 0);
	ck_assert_int_eq(m.kind, MANIFEST_V1);
	ck_assert(m.created.valid);
	ck_assert_int_eq(m.created.sec, 1462330921);
	ck_assert_int_eq(m.created.ms, 123);
	ck_assert_ptr_null(m.digest);
}
END_TEST

START_TEST(bad_manifests_are_bad_responses)
{
	static const char *const bad[] = {
		"", "[]", "\"x\"", "{", "{\"schemaVersion\":2}",
		"{\"schemaVersion\":2,\"config\":{\"digest\":\"nocolon\"}}",
		"{\"schemaVersion\":2,\"config\":{\"digest\":7}}",
		"{\"schemaVersion\":2,\"manifests\":[]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"../x\"}]}",
	};
	struct v2_manifest m;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse_manifest(&m, bad[i], NULL, PIERONE_EBADRESPONSE);
		ck_assert_ptr_null(m.digest);
	}
}
END_TEST

START_TEST(config_created_is_read_to_the_millisecond)
{
	struct pierone_err err = { 0 };
	struct pierone_time t;
	const char *cfg = "{\"architecture\":\"amd64\",\"created\":"
	    "\"2024-05-01T00:00:00.987654321Z\",\"config\":{}}";

	ck_assert_int_eq(v2_config_created(&t, cfg, strlen(cfg), &err), 0);
	ck_assert(t.valid);
	ck_assert_int_eq(t.sec, 1714521600);
	ck_assert_int_eq(t.ms, 987);
	cfg = "{\"created\":null}";
	ck_assert_int_eq(v2_config_created(&t, cfg, strlen(cfg), &err), 0);
	ck_assert(!t.valid);
	cfg = "{}";
	ck_assert_int_eq(v2_config_created(&t, cfg, strlen(cfg), &err), 0);
	ck_assert(!t.valid);
	cfg = "{\"created\":12}";
	ck_assert_int_eq(v2_config_created(&t, cfg, strlen(cfg), &err),
	    PIERONE_EBADRESPONSE);
	cfg = "[1]";
	ck_assert_int_eq(v2_config_created(&t, cfg, strlen(cfg), &err),
	    PIERONE_EBADRESPONSE);
}
END_TEST

/* ------------------------------------------------------------------
 * Docker credentials
 */

static const char *const env_names[] = { "HOME", "DOCKER_CONFIG", "PATH" };
static char *home;

static void
creds_setup(void)
{
	char path[512];

	test_env_isolate(env_names, sizeof(env_names) / sizeof(env_names[0]));
	home = test_tmpdir();
	setenv("HOME", home, 1);
	test_fmt(path, sizeof(path), "%s/bin", home);
	mkdir(path, 0700);
	test_fmt(path, sizeof(path), "%s/.docker", home);
	mkdir(path, 0700);
	/* Only our helpers, and the shell they are written in. */
	test_fmt(path, sizeof(path), "%s/bin:/bin:/usr/bin", home);
	setenv("PATH", path, 1);
}

static void
creds_teardown(void)
{
	test_rmtree(home);
	free(home);
	test_env_restore();
}

static void
write_home(const char *name, const char *content)
{
	test_put(home, name, content, strncmp(name, "bin/", 4) == 0 ? 0700 :
	    0600);
}

/* The credentials found for `host`, "" for none; caller frees. */
static char *
creds_of(const char *host, int want_rc)
{
	struct pierone_err err = { 0 };
	char *b = NULL;

	ck_assert_msg(docker_credentials(&b, host, &err) == want_rc, "%s",
	    err.msg);
	return b != NULL ? b : strdup("");
}

#define ASSERT_CREDS(host, want) do {					\
	char *c_ = creds_of(host, 0);					\
	ck_assert_str_eq(c_, want);					\
	free(c_);							\
} while (0)

START_TEST(auths_entry_is_found_by_any_key_form)
{
	write_home(".docker/config.json", "{\"auths\":{"
	    "\"https://a.example.org\":{\"auth\":\"QTpB\"},"
	    "\"http://b.example.org:5000/v1/\":{\"auth\":\"QjpC\"},"
	    "\"c.example.org\":{\"username\":\"u\",\"password\":\"p:w\"}}}");
	ASSERT_CREDS("a.example.org", "QTpB");
	ASSERT_CREDS("A.EXAMPLE.ORG", "QTpB");
	ASSERT_CREDS("b.example.org:5000", "QjpC");
	ASSERT_CREDS("c.example.org", "dTpwOnc=");	/* u:p:w */
	ASSERT_CREDS("b.example.org", "");		/* port differs */
	ASSERT_CREDS("example.org", "");
}
END_TEST

START_TEST(dockercfg_is_read_when_config_json_has_nothing)
{
	write_home(".docker/config.json", "{\"auths\":{\"other\":{\"auth\":"
	    "\"eDp4\"}}}");
	write_home(".dockercfg", "{\"https://reg.example.org\":{\"auth\":"
	    "\"bzpU\",\"email\":\"x\"}}");
	ASSERT_CREDS("reg.example.org", "bzpU");
	ASSERT_CREDS("other", "eDp4");
}
END_TEST

START_TEST(no_files_means_no_credentials)
{
	ASSERT_CREDS("reg.example.org", "");
}
END_TEST

START_TEST(corrupt_config_json_is_an_error_naming_it)
{
	struct pierone_err err = { 0 };
	char *b = NULL;

	write_home(".docker/config.json", "{\"auths\": ");
	ck_assert_int_eq(docker_credentials(&b, "reg", &err),
	    PIERONE_ECONFIG);
	ck_assert_ptr_null(b);
	ck_assert_ptr_nonnull(strstr(err.msg, "config.json"));
}
END_TEST

START_TEST(cred_helper_gets_the_host_on_stdin_not_in_argv)
{
	write_home("bin/docker-credential-test",
	    "#!/bin/sh\n"
	    "[ \"$#\" = 1 ] && [ \"$1\" = get ] || exit 3\n"
	    "read -r host\n"
	    "[ \"$host\" = reg.example.org ] || exit 1\n"
	    "printf '{\"ServerURL\":\"%s\",\"Username\":\"u\",\"Secret\":"
	    "\"s3cret\"}' \"$host\"\n");
	write_home(".docker/config.json", "{\"credHelpers\":{"
	    "\"reg.example.org\":\"test\"},\"auths\":{\"reg.example.org\":"
	    "{\"auth\":\"bm90OnRoaXM=\"}}}");
	ASSERT_CREDS("reg.example.org", "dTpzM2NyZXQ=");	/* u:s3cret */
}
END_TEST

/* A helper sees neither pierone's secrets nor its descriptors. */
START_TEST(cred_helper_gets_no_secrets_and_no_descriptors_beyond_stdio)
{
	char script[1024], *seen;
	int fd = open("/dev/null", O_RDONLY);	/* not close-on-exec */

	ck_assert_int_ge(fd, 3);
	setenv("PIERONE_PASSWORD", "pw-in-env", 1);
	setenv("OAUTH2_ACCESS_TOKENS", "pierone=tok-in-env", 1);
	setenv("PIERONE_CLIENT_SECRET", "cs-in-env", 1);
	setenv("PIERONE_KEEP_ME", "kept", 1);
	test_fmt(script, sizeof(script), "#!/bin/sh\ncat >/dev/null\n"
	    "{ env; printf '\\nfds: '; ls /proc/self/fd | sort -n | "
	    "tr '\\n' ' '; echo; } > '%s/seen'\n"
	    "echo '{\"Username\":\"u\",\"Secret\":\"s\"}'\n", home);
	write_home("bin/docker-credential-spy", script);
	write_home(".docker/config.json", "{\"credHelpers\":{\"reg\":"
	    "\"spy\"}}");
	ASSERT_CREDS("reg", "dTpz");	/* u:s */
	close(fd);
	unsetenv("PIERONE_PASSWORD");
	unsetenv("OAUTH2_ACCESS_TOKENS");
	unsetenv("PIERONE_CLIENT_SECRET");
	unsetenv("PIERONE_KEEP_ME");
	test_fmt(script, sizeof(script), "%s/seen", home);
	seen = test_slurp(script, NULL);
	ck_assert_ptr_nonnull(seen);
	ck_assert_ptr_null(strstr(seen, "-in-env"));
	ck_assert_ptr_nonnull(strstr(seen, "PIERONE_KEEP_ME=kept"));
	/* what ls inherited: stdio, and 3, its own listing of the dir */
	ck_assert_msg(strstr(seen, "\nfds: 0 1 2 3 \n") != NULL,
	    "descriptors leaked: %s", strstr(seen, "fds:"));
	free(seen);
}
END_TEST

/* As in docker, the store comes first; what it lacks, "auths" may have. */
START_TEST(creds_store_serves_every_host_then_auths)
{
	write_home("bin/docker-credential-store",
	    "#!/bin/sh\nread -r host\n"
	    "case $host in other|mine) echo 'credentials not found'; exit 1;; "
	    "esac\n"
	    "echo '{\"Username\":\"s\",\"Secret\":\"t\"}'\n");
	write_home(".docker/config.json", "{\"credsStore\":\"store\","
	    "\"auths\":{\"mine\":{\"auth\":\"bTpt\"},\"reg.example.org\":"
	    "{\"auth\":\"eDp4\"}}}");
	ASSERT_CREDS("reg.example.org", "czp0");	/* s:t, not x:x */
	ASSERT_CREDS("mine", "bTpt");
	ASSERT_CREDS("other", "");
}
END_TEST

/* docker login with a credsStore leaves an empty "auths" placeholder. */
START_TEST(creds_store_is_asked_before_an_empty_auths_entry)
{
	write_home("bin/docker-credential-store", "#!/bin/sh\ncat >/dev/null\n"
	    "echo '{\"Username\":\"s\",\"Secret\":\"t\"}'\n");
	write_home(".docker/config.json", "{\"credsStore\":\"store\","
	    "\"auths\":{\"reg.example.org\":{}}}");
	ASSERT_CREDS("reg.example.org", "czp0");	/* s:t */
}
END_TEST

/* A store copied from another machine, not installed here. */
START_TEST(a_missing_creds_store_does_not_hide_auths)
{
	char *b;

	write_home(".docker/config.json", "{\"credsStore\":\"desktop\","
	    "\"auths\":{\"mine\":{\"auth\":\"bTpt\"}}}");
	ASSERT_CREDS("mine", "bTpt");
	b = creds_of("other", PIERONE_ECONFIG);
	ck_assert_str_eq(b, "");
	free(b);
}
END_TEST

START_TEST(identity_tokens_from_a_helper_are_not_passwords)
{
	write_home("bin/docker-credential-idt", "#!/bin/sh\ncat >/dev/null\n"
	    "echo '{\"Username\":\"<token>\",\"Secret\":\"refresh\"}'\n");
	write_home(".docker/config.json", "{\"credHelpers\":{\"reg\":\"idt\"}}");
	ASSERT_CREDS("reg", "");
}
END_TEST

START_TEST(missing_or_unsafe_helpers_are_errors)
{
	char *b;

	write_home(".docker/config.json", "{\"credHelpers\":{\"reg\":"
	    "\"absent\",\"r2\":\"../../bin/sh\",\"r3\":\"-x\"}}");
	b = creds_of("reg", PIERONE_ECONFIG);
	ck_assert_str_eq(b, "");
	free(b);
	b = creds_of("r2", PIERONE_ECONFIG);
	free(b);
	b = creds_of("r3", PIERONE_ECONFIG);
	free(b);
}
END_TEST

START_TEST(helper_with_garbage_output_is_a_bad_response)
{
	char *b;

	write_home("bin/docker-credential-junk", "#!/bin/sh\ncat >/dev/null\n"
	    "echo 'not json'\n");
	write_home(".docker/config.json", "{\"credHelpers\":{\"reg\":"
	    "\"junk\"}}");
	b = creds_of("reg", PIERONE_EBADRESPONSE);
	ck_assert_str_eq(b, "");
	free(b);
}
END_TEST

START_TEST(helper_that_exits_without_reading_is_no_credentials)
{
	write_home("bin/docker-credential-quit", "#!/bin/sh\nexit 1\n");
	write_home(".docker/config.json", "{\"credHelpers\":{\"reg\":"
	    "\"quit\"}}");
	ASSERT_CREDS("reg", "");
}
END_TEST

Suite *
regauth_suite(void)
{
	Suite *s = suite_create("regauth");
	TCase *tc = tcase_create("challenge");
	TCase *tl = tcase_create("link");
	TCase *tm = tcase_create("manifest");
	TCase *td = tcase_create("docker_credentials");

	tcase_add_test(tc, bearer_challenge_gives_realm_service_and_scope);
	tcase_add_test(tc,
	    challenge_names_are_case_insensitive_and_spaces_allowed);
	tcase_add_test(tc, quoted_pair_in_a_challenge_is_unescaped);
	tcase_add_test(tc, bearer_with_realm_beats_basic_in_either_order);
	tcase_add_test(tc, basic_beats_bearer_without_realm);
	tcase_add_test(tc, unusable_challenges_give_nothing_to_answer);
	tcase_add_test(tc, overlong_challenge_values_are_cut_not_overflowed);
	tcase_add_test(tc, scope_of_repository_paths);
	suite_add_tcase(s, tc);

	tcase_add_test(tl, link_relative_to_the_host_is_followed);
	tcase_add_test(tl, link_absolute_on_the_same_registry_is_followed);
	tcase_add_test(tl, link_with_only_a_query_keeps_the_path);
	tcase_add_test(tl, link_under_a_base_path_stays_under_it);
	tcase_add_test(tl, link_among_others_is_found_by_its_rel);
	tcase_add_test(tl, link_origin_is_compared_part_by_part);
	tcase_add_test(tl, link_without_next_ends_the_list);
	tcase_add_test(tl, link_to_another_registry_is_refused);
	suite_add_tcase(s, tl);

	tcase_add_test(tm, docker_and_oci_image_manifests_name_their_config);
	tcase_add_test(tm, index_picks_linux_amd64_and_skips_attestations);
	tcase_add_test(tm, index_without_amd64_takes_the_first_image);
	tcase_add_test(tm, schema1_manifest_gives_its_history_time);
	tcase_add_test(tm, bad_manifests_are_bad_responses);
	tcase_add_test(tm, config_created_is_read_to_the_millisecond);
	suite_add_tcase(s, tm);

	tcase_add_checked_fixture(td, creds_setup, creds_teardown);
	tcase_add_test(td, auths_entry_is_found_by_any_key_form);
	tcase_add_test(td, dockercfg_is_read_when_config_json_has_nothing);
	tcase_add_test(td, no_files_means_no_credentials);
	tcase_add_test(td, corrupt_config_json_is_an_error_naming_it);
	tcase_add_test(td, cred_helper_gets_the_host_on_stdin_not_in_argv);
	tcase_add_test(td,
	    cred_helper_gets_no_secrets_and_no_descriptors_beyond_stdio);
	tcase_add_test(td, creds_store_serves_every_host_then_auths);
	tcase_add_test(td, creds_store_is_asked_before_an_empty_auths_entry);
	tcase_add_test(td, a_missing_creds_store_does_not_hide_auths);
	tcase_add_test(td, identity_tokens_from_a_helper_are_not_passwords);
	tcase_add_test(td, missing_or_unsafe_helpers_are_errors);
	tcase_add_test(td, helper_with_garbage_output_is_a_bad_response);
	tcase_add_test(td, helper_that_exits_without_reading_is_no_credentials);
	suite_add_tcase(s, td);
	return s;
}
