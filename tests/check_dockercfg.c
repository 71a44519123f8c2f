/*
 * Docker's credential files: default paths, registry hosts, and updates
 * of config.json and .dockercfg that keep everything else, never touch an
 * invalid file and survive concurrent writers.  Every test works in a
 * temporary directory with HOME and DOCKER_CONFIG set by the test.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "tests.h"
#include "pierone.h"

#define REG	"https://pierone.example.org"
#define TOKEN	"T0KEN"
#define AUTH	"b2F1dGgyOlQwS0VO"	/* base64("oauth2:T0KEN") */

static char *saved_home, *saved_dc;
static char *dir;		/* the test's temporary directory */

static void
restore(const char *name, char *value)
{
	if (value != NULL)
		setenv(name, value, 1);
	else
		unsetenv(name);
	free(value);
}

static void
setup(void)
{
	const char *h = getenv("HOME"), *d = getenv("DOCKER_CONFIG");

	saved_home = h != NULL ? strdup(h) : NULL;
	saved_dc = d != NULL ? strdup(d) : NULL;
	dir = test_tmpdir();
	setenv("HOME", dir, 1);
	unsetenv("DOCKER_CONFIG");
}

static void
teardown(void)
{
	restore("HOME", saved_home);
	restore("DOCKER_CONFIG", saved_dc);
	saved_home = saved_dc = NULL;
	test_rmtree(dir);
	free(dir);
	dir = NULL;
}

/* "$dir/name" in one of a few static buffers. */
static const char *
tpath(const char *name)
{
	static char paths[4][1024];
	static int next;
	char *p = paths[next++ % 4];

	test_fmt(p, sizeof(paths[0]), "%s/%s", dir, name);
	return p;
}

static void
copy_fixture(const char *fixture, const char *dst)
{
	char *text = test_slurp(test_data(fixture), NULL);

	ck_assert_msg(text != NULL, "fixture %s missing", fixture);
	test_write_file(dst, text);
	free(text);
}

static cJSON *
parse_file(const char *path)
{
	char *text = test_slurp(path, NULL);
	cJSON *j;

	ck_assert_msg(text != NULL, "cannot read %s", path);
	j = cJSON_Parse(text);
	ck_assert_msg(j != NULL, "%s is not valid JSON:\n%s", path, text);
	free(text);
	return j;
}

static void
assert_same_json(const char *path, const char *fixture)
{
	cJSON *got = parse_file(path), *want = parse_file(test_data(fixture));
	char *g = cJSON_Print(got);

	ck_assert_msg(cJSON_Compare(got, want, 1), "%s differs from %s:\n%s",
	    path, fixture, g);
	cJSON_free(g);
	cJSON_Delete(got);
	cJSON_Delete(want);
}

/* auths[registry].auth of a config.json (or root[registry] for .dockercfg). */
static char *
stored_auth(const char *path, const char *registry, bool wrapped)
{
	cJSON *root = parse_file(path), *list, *auth;
	char *s;

	list = wrapped ? cJSON_GetObjectItemCaseSensitive(root, "auths") : root;
	auth = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(list, registry), "auth");
	ck_assert_msg(cJSON_IsString(auth), "no auth for %s in %s", registry,
	    path);
	s = strdup(auth->valuestring);
	cJSON_Delete(root);
	return s;
}

/* Strict standard base64 decoder; NULL when `s` is not canonical. */
static char *
b64_decode(const char *s)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789+/";
	size_t len = strlen(s), n = 0;
	char *out;
	int v[4];

	if (len % 4 != 0 || (out = malloc(len / 4 * 3 + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < len; i += 4) {
		for (int k = 0; k < 4; k++) {
			const char *c = strchr(tab, s[i + k]);
			bool pad = s[i + k] == '=' && i + 4 == len && k >= 2;

			v[k] = pad ? -1 : c != NULL && *c != '\0' ?
			    (int)(c - tab) : -2;
			if (v[k] == -2 || (k == 3 && v[2] == -1 && !pad)) {
				free(out);
				return NULL;
			}
		}
		out[n++] = (char)(v[0] << 2 | v[1] >> 4);
		if (v[2] >= 0)
			out[n++] = (char)((v[1] & 15) << 4 | v[2] >> 2);
		if (v[3] >= 0)
			out[n++] = (char)((v[2] & 3) << 6 | v[3]);
	}
	out[n] = '\0';
	return out;
}

/* Names in `d`, sorted, joined by ','. */
static char *
listing(const char *d)
{
	struct dirent **names;
	char *out = calloc(1, 4096);
	int n = scandir(d, &names, NULL, alphasort);

	ck_assert_int_ge(n, 0);
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") != 0 &&
		    strcmp(names[i]->d_name, "..") != 0) {
			if (*out != '\0')
				strlcat(out, ",", 4096);
			strlcat(out, names[i]->d_name, 4096);
		}
		free(names[i]);
	}
	free(names);
	return out;
}

static void
assert_listing(const char *d, const char *want)
{
	char *got = listing(d);

	ck_assert_str_eq(got, want);
	free(got);
}

static void
assert_msg_has(const struct pierone_err *err, const char *what)
{
	ck_assert_msg(strstr(err->msg, what) != NULL, "'%s' not in '%s'",
	    what, err->msg);
	ck_assert_msg(strstr(err->msg, TOKEN) == NULL, "token in '%s'",
	    err->msg);
}

static off_t
file_size(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_size;
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* ------------------------------------------------------------------ */

START_TEST(registry_host_drops_scheme_and_trailing_slash)
{
	char *h;

	ck_assert_int_eq(pierone_registry_host(&h,
	    "https://pierone.example.org/", NULL), 0);
	ck_assert_str_eq(h, "pierone.example.org");
	free(h);
	ck_assert_int_eq(pierone_registry_host(&h, "http://a.example.org",
	    NULL), 0);
	ck_assert_str_eq(h, "a.example.org");
	free(h);
}
END_TEST

START_TEST(registry_host_keeps_port)
{
	char *h;

	ck_assert_int_eq(pierone_registry_host(&h,
	    "https://pierone.example.org:8443/", NULL), 0);
	ck_assert_str_eq(h, "pierone.example.org:8443");
	free(h);
	ck_assert_int_eq(pierone_registry_host(&h, "http://[::1]:5000", NULL),
	    0);
	ck_assert_str_eq(h, "[::1]:5000");
	free(h);
}
END_TEST

START_TEST(registry_host_accepts_url_without_scheme)
{
	char *h;

	ck_assert_int_eq(pierone_registry_host(&h, "localhost:5000", NULL), 0);
	ck_assert_str_eq(h, "localhost:5000");
	free(h);
}
END_TEST

START_TEST(registry_host_drops_path_and_user)
{
	char *h;

	ck_assert_int_eq(pierone_registry_host(&h,
	    "https://u:p@pierone.example.org/v2/team/app?x=1", NULL), 0);
	ck_assert_str_eq(h, "pierone.example.org");
	free(h);
	ck_assert_int_eq(pierone_registry_host(&h, "reg.example.org/a/b",
	    NULL), 0);
	ck_assert_str_eq(h, "reg.example.org");
	free(h);
}
END_TEST

START_TEST(registry_host_rejects_empty_urls)
{
	struct pierone_err err = { 0 };
	char *h = (char *)1;

	ck_assert_int_eq(pierone_registry_host(&h, NULL, &err),
	    PIERONE_EINVAL);
	ck_assert_ptr_null(h);
	ck_assert_int_eq(pierone_registry_host(&h, "", &err), PIERONE_EINVAL);
	ck_assert_int_eq(pierone_registry_host(&h, "https://", &err),
	    PIERONE_EINVAL);
	assert_msg_has(&err, "no host");
	ck_assert_int_eq(pierone_registry_host(&h, "https:///path", NULL),
	    PIERONE_EINVAL);
}
END_TEST

/* ------------------------------------------------------------------ */

START_TEST(default_path_uses_docker_config_when_set)
{
	char *p;

	setenv("DOCKER_CONFIG", "/srv/docker-conf/", 1);
	ck_assert_int_eq(pierone_docker_default_path(&p,
	    PIERONE_DOCKER_CONFIG_JSON, NULL), 0);
	ck_assert_str_eq(p, "/srv/docker-conf/config.json");
	free(p);
}
END_TEST

START_TEST(default_path_ignores_empty_docker_config)
{
	char *p;

	setenv("DOCKER_CONFIG", "", 1);
	ck_assert_int_eq(pierone_docker_default_path(&p,
	    PIERONE_DOCKER_CONFIG_JSON, NULL), 0);
	ck_assert_str_eq(p, tpath(".docker/config.json"));
	free(p);
}
END_TEST

START_TEST(default_path_falls_back_to_home_dot_docker)
{
	char *p;

	ck_assert_int_eq(pierone_docker_default_path(&p,
	    PIERONE_DOCKER_CONFIG_JSON, NULL), 0);
	ck_assert_str_eq(p, tpath(".docker/config.json"));
	free(p);
}
END_TEST

START_TEST(default_path_of_dockercfg_is_in_home_even_with_docker_config)
{
	char *p;

	setenv("DOCKER_CONFIG", "/srv/docker-conf", 1);
	ck_assert_int_eq(pierone_docker_default_path(&p,
	    PIERONE_DOCKER_DOCKERCFG, NULL), 0);
	ck_assert_str_eq(p, tpath(".dockercfg"));
	free(p);
}
END_TEST

/* ------------------------------------------------------------------ */

START_TEST(store_auth_encodes_user_and_token_in_base64)
{
	static const struct { const char *token, *b64; } known[] = {
		{ "a", "b2F1dGgyOmE=" }, { "ab", "b2F1dGgyOmFi" },
		{ "abc", "b2F1dGgyOmFiYw==" }, { "abcd", "b2F1dGgyOmFiY2Q=" },
		{ "\xc3\xa9\xe2\x98\x95", "b2F1dGgyOsOp4piV" },
	};
	const char *path = tpath("config.json");
	char token[1500], want[1600], *auth, *plain;

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		ck_assert_int_eq(pierone_docker_store_auth(path,
		    PIERONE_DOCKER_CONFIG_JSON, REG, known[i].token, NULL,
		    NULL), 0);
		auth = stored_auth(path, REG, true);
		ck_assert_str_eq(auth, known[i].b64);
		free(auth);
	}
	/* Long tokens of every length modulo 3, decoded by the test. */
	for (size_t len = 1000; len < 1003; len++) {
		for (size_t i = 0; i < len; i++)
			token[i] = "AZaz09-_."[i % 9];
		token[len] = '\0';
		ck_assert_int_eq(pierone_docker_store_auth(path,
		    PIERONE_DOCKER_CONFIG_JSON, REG, token, NULL, NULL), 0);
		auth = stored_auth(path, REG, true);
		ck_assert_ptr_null(strpbrk(auth, "\n\r "));
		ck_assert_ptr_nonnull(plain = b64_decode(auth));
		test_fmt(want, sizeof(want), "oauth2:%s", token);
		ck_assert_str_eq(plain, want);
		free(plain);
		free(auth);
	}
}
END_TEST

START_TEST(store_auth_creates_file_0600_in_new_directory_0700)
{
	const char *path = tpath("new/.docker/config.json");
	cJSON *root;

	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, NULL), 0);
	ck_assert_int_eq(mode_of(path), 0600);
	ck_assert_int_eq(mode_of(tpath("new/.docker")), 0700);
	ck_assert_int_eq(mode_of(tpath("new")), 0700);
	root = parse_file(path);
	ck_assert_int_eq(cJSON_GetArraySize(root), 1);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(root, "auths"), REG), "email")->valuestring,
	    PIERONE_DOCKER_EMAIL);
	cJSON_Delete(root);
}
END_TEST

START_TEST(store_auth_keeps_mode_of_existing_file)
{
	const char *path = tpath("config.json");

	test_write_file(path, "{}");
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, NULL), 0);
	ck_assert_int_eq(mode_of(path), 0644);
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, NULL), 0);
	ck_assert_int_eq(mode_of(path), 0640);
}
END_TEST

START_TEST(store_auth_keeps_everything_else_in_the_file)
{
	const char *path = tpath("config.json");
	bool shadowed = true;

	copy_fixture("docker/config-full.json", path);
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, &shadowed, NULL), 0);
	assert_same_json(path, "docker/config-full-expected.json");
	ck_assert(!shadowed);
}
END_TEST

START_TEST(store_auth_keeps_numbers_and_key_order_as_written)
{
	const char *path = tpath("config.json");
	char *got, *want;

	copy_fixture("docker/config-full.json", path);
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, NULL), 0);
	got = test_slurp(path, NULL);
	want = test_slurp(test_data("docker/config-full-printed.json"), NULL);
	ck_assert_ptr_nonnull(want);
	ck_assert_str_eq(got, want);
	ck_assert_ptr_nonnull(strstr(got, "\"big\":\t12345678901234567890,"));
	ck_assert_ptr_nonnull(strstr(got, "\"decimal\":\t1.10,"));
	ck_assert_ptr_nonnull(strstr(got, "\"precise\":\t9007199254740993,"));
	free(got);
	free(want);
}
END_TEST

START_TEST(store_auth_keeps_numbers_cjson_cannot_represent)
{
	const char *path = tpath("config.json");
	char *got;

	test_write_file(path, "{\"a\": [1e400, -1e400, 1E-400, "
	    "123456789012345678901234567890.000]}");
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, NULL), 0);
	got = test_slurp(path, NULL);
	ck_assert_ptr_nonnull(strstr(got, "[1e400, -1e400, 1E-400, "
	    "123456789012345678901234567890.000]"));
	free(got);
}
END_TEST

START_TEST(store_auth_writes_tab_indented_text_with_final_newline)
{
	const char *path = tpath("config.json");
	char *got;

	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, NULL), 0);
	got = test_slurp(path, NULL);
	ck_assert_str_eq(got, "{\n\t\"auths\":\t{\n\t\t\"" REG "\":\t{\n"
	    "\t\t\t\"auth\":\t\"" AUTH "\",\n\t\t\t\"email\":\t\""
	    PIERONE_DOCKER_EMAIL "\"\n\t\t}\n\t}\n}\n");
	free(got);
}
END_TEST

START_TEST(store_auth_updates_existing_entry_keeping_its_other_keys)
{
	const char *path = tpath("config.json");
	cJSON *root, *e;

	test_write_file(path, "{\"auths\": {\"" REG "\": {\"auth\": \"old\", "
	    "\"identitytoken\": \"id\", \"email\": \"me@x.org\", "
	    "\"registrytoken\": \"rt\"}}}");
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, NULL), 0);
	root = parse_file(path);
	e = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "auths"), REG);
	ck_assert_int_eq(cJSON_GetArraySize(e), 4);
	ck_assert_str_eq(cJSON_GetArrayItem(e, 0)->string, "auth");
	ck_assert_str_eq(cJSON_GetArrayItem(e, 0)->valuestring, AUTH);
	ck_assert_str_eq(cJSON_GetArrayItem(e, 1)->valuestring, "id");
	ck_assert_str_eq(cJSON_GetArrayItem(e, 2)->string, "email");
	ck_assert_str_eq(cJSON_GetArrayItem(e, 2)->valuestring,
	    PIERONE_DOCKER_EMAIL);
	ck_assert_str_eq(cJSON_GetArrayItem(e, 3)->valuestring, "rt");
	cJSON_Delete(root);
}
END_TEST

START_TEST(store_auth_leaves_one_entry_when_the_key_is_duplicated)
{
	const char *path = tpath("config.json");
	cJSON *root, *auths;

	test_write_file(path, "{\"auths\": {\"" REG "\": {\"auth\": \"a\"}, "
	    "\"x\": {}, \"" REG "\": {\"auth\": \"b\", \"keep\": 1}}}");
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, NULL), 0);
	root = parse_file(path);
	auths = cJSON_GetObjectItem(root, "auths");
	ck_assert_int_eq(cJSON_GetArraySize(auths), 2);
	/* The last one is the one Docker reads: its other keys stay. */
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(cJSON_GetObjectItem(auths,
	    REG), "keep"));
	cJSON_Delete(root);
}
END_TEST

START_TEST(store_auth_writes_dockercfg_without_auths_wrapper)
{
	const char *path = tpath(".dockercfg");
	bool shadowed = true;
	char *auth;

	copy_fixture("docker/dockercfg.json", path);
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_DOCKERCFG, REG, TOKEN, &shadowed, NULL), 0);
	assert_same_json(path, "docker/dockercfg-expected.json");
	ck_assert(!shadowed);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_DOCKERCFG, REG, TOKEN, NULL, NULL), 0);
	auth = stored_auth(path, REG, false);
	ck_assert_str_eq(auth, AUTH);
	free(auth);
	auth = test_slurp(path, NULL);
	ck_assert_ptr_null(strstr(auth, "auths"));
	free(auth);
}
END_TEST

START_TEST(store_auth_treats_empty_and_blank_files_as_empty_objects)
{
	static const char *const texts[] = { "", " \n\t\r\n" };
	const char *path = tpath("config.json");
	char *auth;

	for (size_t i = 0; i < 2; i++) {
		test_write_file(path, texts[i]);
		ck_assert_int_eq(pierone_docker_store_auth(path,
		    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, NULL), 0);
		auth = stored_auth(path, REG, true);
		ck_assert_str_eq(auth, AUTH);
		free(auth);
	}
}
END_TEST

/* Store into a copy of `fixture`: must fail with ECONFIG, file untouched. */
static void
assert_rejected(const char *fixture, const char *where)
{
	const char *path = tpath("config.json");
	struct pierone_err err = { 0 };
	struct stat before, after;
	char *orig, *now, want[1100];

	copy_fixture(fixture, path);
	orig = test_slurp(path, NULL);
	ck_assert_int_eq(stat(path, &before), 0);
	usleep(20000);		/* a rewrite would show in the mtime */
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, &err),
	    PIERONE_ECONFIG);
	ck_assert_int_eq(err.code, PIERONE_ECONFIG);
	test_fmt(want, sizeof(want), "cannot update '%s': ", path);
	ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0,
	    "'%s' does not start with '%s'", err.msg, want);
	assert_msg_has(&err, where);
	now = test_slurp(path, NULL);
	ck_assert_str_eq(now, orig);
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert_int_eq(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	ck_assert_int_eq(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
	ck_assert_int_eq(after.st_ino, before.st_ino);
	assert_listing(dir, "config.json");
	free(orig);
	free(now);
}

START_TEST(store_auth_refuses_truncated_json_and_leaves_it_alone)
{
	assert_rejected("docker/truncated.json",
	    "not valid JSON at line 10, column 3");
}
END_TEST

START_TEST(store_auth_refuses_trailing_garbage_and_leaves_it_alone)
{
	assert_rejected("docker/trailing-garbage.json", "at line 4, column 1");
}
END_TEST

START_TEST(store_auth_refuses_array_root_and_leaves_it_alone)
{
	assert_rejected("docker/array-root.json",
	    "not a JSON object at line 1, column 1");
}
END_TEST

START_TEST(store_auth_refuses_auths_string_and_leaves_it_alone)
{
	assert_rejected("docker/auths-string.json",
	    "'auths' is not a JSON object at line 3, column 11");
}
END_TEST

START_TEST(store_auth_refuses_nul_byte_and_leaves_it_alone)
{
	const char *path = tpath("config.json");
	struct pierone_err err = { 0 };
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_eq(write(fd, "{\"a\": \"x\0y\"}", 12), 12);
	close(fd);
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, &err),
	    PIERONE_ECONFIG);
	assert_msg_has(&err, "line 1, column 9");
	ck_assert_int_eq(file_size(path), 12);
}
END_TEST

START_TEST(store_auth_follows_symlink_and_keeps_it_a_link)
{
	const char *link = tpath(".docker/config.json");
	const char *target = tpath("dotfiles/docker.json");
	struct stat st;
	char *auth;

	ck_assert_int_eq(mkdir(tpath(".docker"), 0700), 0);
	ck_assert_int_eq(mkdir(tpath("dotfiles"), 0700), 0);
	test_write_file(target, "{\"credsStore\": \"\"}");
	ck_assert_int_eq(symlink("../dotfiles/docker.json", link), 0);
	ck_assert_int_eq(pierone_docker_store_auth(link,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, NULL), 0);
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	auth = stored_auth(target, REG, true);
	ck_assert_str_eq(auth, AUTH);
	free(auth);
	assert_listing(tpath(".docker"), "config.json");
	assert_listing(tpath("dotfiles"), "docker.json");
}
END_TEST

START_TEST(store_auth_creates_the_target_of_a_dangling_symlink)
{
	const char *link = tpath("config.json");
	struct stat st;
	char *auth;

	ck_assert_int_eq(symlink("elsewhere/real.json", link), 0);
	ck_assert_int_eq(pierone_docker_store_auth(link,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, NULL), 0);
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	auth = stored_auth(tpath("elsewhere/real.json"), REG, true);
	ck_assert_str_eq(auth, AUTH);
	free(auth);
}
END_TEST

START_TEST(store_auth_fails_with_eio_in_read_only_directory)
{
	const char *path = tpath("ro/config.json");
	struct pierone_err err = { 0 };
	char *before, *after;
	int rc;

	ck_assert_int_eq(mkdir(tpath("ro"), 0700), 0);
	test_write_file(path, "{\"auths\": {}}");
	ck_assert_int_eq(chmod(tpath("ro"), 0500), 0);
	if (access(tpath("ro"), W_OK) == 0) {
		/* root writes anyway; the next test covers EIO for root. */
		chmod(tpath("ro"), 0700);
		return;
	}
	before = test_slurp(path, NULL);
	rc = pierone_docker_store_auth(path, PIERONE_DOCKER_CONFIG_JSON, REG,
	    TOKEN, NULL, &err);
	ck_assert_int_eq(rc, PIERONE_EIO);
	assert_msg_has(&err, "Permission denied");
	assert_msg_has(&err, tpath("ro/config.json"));
	after = test_slurp(path, NULL);
	ck_assert_str_eq(after, before);
	assert_listing(tpath("ro"), "config.json");
	free(before);
	free(after);
}
END_TEST

START_TEST(store_auth_fails_with_eio_when_the_parent_is_a_file)
{
	struct pierone_err err = { 0 };

	test_write_file(tpath("plain"), "x");
	ck_assert_int_eq(pierone_docker_store_auth(tpath("plain/config.json"),
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, &err), PIERONE_EIO);
	assert_msg_has(&err, "plain/config.json");
	ck_assert_int_eq(err.code, PIERONE_EIO);
	ck_assert_int_eq(file_size(tpath("plain")), 1);
	/* Without a message buffer the code alone must still come back. */
	ck_assert_int_eq(pierone_docker_store_auth(tpath("plain/config.json"),
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, NULL), PIERONE_EIO);
}
END_TEST

START_TEST(store_auth_fails_with_eio_when_the_lock_cannot_be_made)
{
	const char *path = tpath("config.json");
	struct pierone_err err = { 0 };
	char *after;

	test_write_file(path, "{\"auths\": {}}");
	ck_assert_int_eq(mkdir(tpath("config.json.lock"), 0700), 0);
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, &err), PIERONE_EIO);
	assert_msg_has(&err, "config.json.lock");
	after = test_slurp(path, NULL);
	ck_assert_str_eq(after, "{\"auths\": {}}");
	free(after);
}
END_TEST

/* In a child: the file size limit makes every write past 64 bytes fail. */
START_TEST(store_auth_leaves_the_file_alone_when_writing_fails)
{
	const char *path = tpath("config.json");
	struct rlimit small = { 64, 64 };
	struct pierone_err err = { 0 };
	char *after;
	pid_t pid;
	int st, rc;

	test_write_file(path, "{\"auths\": {}}");
	if ((pid = fork()) == 0) {
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &small);
		rc = pierone_docker_store_auth(path,
		    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, &err);
		/* EFBIG: the temporary file hit the limit. */
		_exit(rc == PIERONE_EIO &&
		    strstr(err.msg, "too large") != NULL ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	after = test_slurp(path, NULL);
	ck_assert_str_eq(after, "{\"auths\": {}}");
	assert_listing(dir, "config.json");
	free(after);
}
END_TEST

static int
write_map(const char *file, const char *text)
{
	int fd = open(file, O_WRONLY | O_CLOEXEC), rc;

	rc = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	if (fd >= 0)
		close(fd);
	return rc ? 0 : -1;
}

/* A private mount namespace (as root, or in a new user namespace). */
static int
private_mounts(void)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWNS) != 0) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
			return -1;
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		if (write_map("/proc/self/setgroups", "deny") != 0 ||
		    write_map("/proc/self/uid_map", map) != 0)
			return -1;
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		if (write_map("/proc/self/gid_map", map) != 0)
			return -1;
	}
	return mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL);
}

/* In a child with its own mounts: config.json is a bind mount. */
START_TEST(store_auth_rewrites_a_bind_mounted_file_in_place)
{
	const char *path = tpath("docker/config.json");
	const char *src = tpath("outside.json");
	char *auth;
	pid_t pid;
	int st;

	ck_assert_int_eq(mkdir(tpath("docker"), 0700), 0);
	test_write_file(src, "{\"credsStore\": \"\"}");
	test_write_file(path, "");
	if ((pid = fork()) == 0) {
		if (private_mounts() != 0 ||
		    mount(src, path, "none", MS_BIND, NULL) != 0)
			_exit(77);
		_exit(pierone_docker_store_auth(path,
		    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, NULL) == 0 ?
		    0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77) {
		fprintf(stderr, "%s: no mount namespace here, not tested\n",
		    __func__);
		return;
	}
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	auth = stored_auth(src, REG, true);
	ck_assert_str_eq(auth, AUTH);
	free(auth);
	assert_listing(tpath("docker"), "config.json");
}
END_TEST

START_TEST(store_auth_sees_cred_helper_for_the_host_as_shadowing)
{
	const char *path = tpath("config.json");
	bool shadowed = false;
	char *text;

	test_write_file(path, "{\"credHelpers\": {\"pierone.example.org\": "
	    "\"ecr-login\"}}");
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG "/", TOKEN, &shadowed, NULL), 0);
	ck_assert(shadowed);
	text = test_slurp(path, NULL);
	ck_assert_ptr_nonnull(strstr(text, "\"pierone.example.org\":\t"
	    "\"ecr-login\""));
	free(text);
}
END_TEST

START_TEST(store_auth_sees_a_creds_store_as_shadowing)
{
	const char *path = tpath("config.json");
	bool shadowed = false;

	test_write_file(path, "{\"credsStore\": \"desktop\"}");
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, &shadowed, NULL), 0);
	ck_assert(shadowed);
	test_write_file(path, "{\"credsStore\": \"\"}");
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, &shadowed, NULL), 0);
	ck_assert(!shadowed);
}
END_TEST

START_TEST(store_auth_sees_cred_helper_for_the_url_as_shadowing)
{
	const char *path = tpath("config.json");
	bool shadowed = false;

	test_write_file(path, "{\"credHelpers\": {\"" REG "\": \"x\"}}");
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, &shadowed, NULL), 0);
	ck_assert(shadowed);
}
END_TEST

START_TEST(store_auth_is_not_shadowed_by_helpers_for_other_hosts)
{
	const char *path = tpath("config.json");
	bool shadowed = true;

	test_write_file(path, "{\"credHelpers\": {\"gcr.io\": \"gcloud\", "
	    "\"pierone.example.org:8443\": \"x\"}}");
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, &shadowed, NULL), 0);
	ck_assert(!shadowed);
	/* .dockercfg has no helpers: a "credHelpers" key there is data. */
	test_write_file(tpath(".dockercfg"), "{\"credHelpers\": "
	    "{\"pierone.example.org\": \"x\"}}");
	shadowed = true;
	ck_assert_int_eq(pierone_docker_store_auth(tpath(".dockercfg"),
	    PIERONE_DOCKER_DOCKERCFG, REG, TOKEN, &shadowed, NULL), 0);
	ck_assert(!shadowed);
}
END_TEST

START_TEST(store_auth_rejects_missing_arguments)
{
	const char *path = tpath("config.json");
	struct pierone_err err = { 0 };

	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, NULL, TOKEN, NULL, &err),
	    PIERONE_EINVAL);
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, "", TOKEN, NULL, &err),
	    PIERONE_EINVAL);
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, NULL, NULL, &err),
	    PIERONE_EINVAL);
	ck_assert_int_eq(pierone_docker_store_auth(path,
	    PIERONE_DOCKER_CONFIG_JSON, REG, "", NULL, NULL), PIERONE_EINVAL);
	ck_assert_int_eq(pierone_docker_store_auth(NULL,
	    PIERONE_DOCKER_CONFIG_JSON, REG, TOKEN, NULL, &err),
	    PIERONE_EINVAL);
	ck_assert_int_eq(pierone_docker_store_auth(path, 0, REG, TOKEN, NULL,
	    &err), PIERONE_EINVAL);
	ck_assert_int_eq(access(path, F_OK), -1);
	assert_listing(dir, "");
}
END_TEST

#define NCHILD 50

START_TEST(store_auth_keeps_every_entry_of_50_concurrent_writers)
{
	const char *path = tpath(".docker/config.json");
	char reg[64];
	cJSON *root, *auths;
	pid_t pids[NCHILD];
	int st;

	ck_assert_int_eq(mkdir(tpath(".docker"), 0700), 0);
	copy_fixture("docker/config-full.json", path);
	for (int i = 0; i < NCHILD; i++) {
		ck_assert_int_ge(pids[i] = fork(), 0);
		if (pids[i] == 0) {
			snprintf(reg, sizeof(reg), "https://reg-%d.example.org",
			    i);
			_exit(pierone_docker_store_auth(path,
			    PIERONE_DOCKER_CONFIG_JSON, reg, TOKEN, NULL,
			    NULL) == 0 ? 0 : 1);
		}
	}
	for (int i = 0; i < NCHILD; i++) {
		ck_assert_int_eq(waitpid(pids[i], &st, 0), pids[i]);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	root = parse_file(path);
	auths = cJSON_GetObjectItem(root, "auths");
	ck_assert_int_eq(cJSON_GetArraySize(auths), 3 + NCHILD);
	for (int i = 0; i < NCHILD; i++) {
		test_fmt(reg, sizeof(reg), "https://reg-%d.example.org", i);
		ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(auths,
		    reg), "auth")->valuestring, AUTH);
	}
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(auths,
	    "registry.example.com:5000"));
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(root, "HttpHeaders"));
	cJSON_Delete(root);
	assert_listing(tpath(".docker"), "config.json");
}
END_TEST

/* ------------------------------------------------------------------ */

START_TEST(store_helper_sets_helper_and_drops_the_registry_auths)
{
	static const char *const regs[] = {
		REG, REG "/", "pierone.example.org",
		"http://pierone.example.org",
	};
	const char *path = tpath("config.json");

	/* However the registry is written, all its host's entries go. */
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		copy_fixture("docker/helper.json", path);
		ck_assert_int_eq(pierone_docker_store_helper(path, regs[i],
		    "pierone", NULL), 0);
		assert_same_json(path, "docker/helper-expected.json");
	}
	assert_listing(dir, "config.json");
}
END_TEST

START_TEST(store_helper_creates_a_new_file)
{
	const char *path = tpath(".docker/config.json");
	char *text;

	ck_assert_int_eq(pierone_docker_store_helper(path,
	    "pierone.example.org:8443", "pierone", NULL), 0);
	text = test_slurp(path, NULL);
	ck_assert_str_eq(text, "{\n\t\"credHelpers\":\t{\n\t\t"
	    "\"pierone.example.org:8443\":\t\"pierone\"\n\t}\n}\n");
	free(text);
	ck_assert_int_eq(mode_of(path), 0600);
}
END_TEST

START_TEST(store_helper_refuses_wrong_shapes_and_leaves_them_alone)
{
	static const char *const texts[] = {
		"{\"credHelpers\": [\"pierone\"]}",
		"{\n  \"auths\": 3\n}",
	};
	static const char *const where[] = {
		"'credHelpers' is not a JSON object at line 1, column 17",
		"'auths' is not a JSON object at line 2, column 12",
	};
	const char *path = tpath("config.json");
	struct pierone_err err = { 0 };
	char *text;

	for (size_t i = 0; i < 2; i++) {
		test_write_file(path, texts[i]);
		ck_assert_int_eq(pierone_docker_store_helper(path, REG,
		    "pierone", &err), PIERONE_ECONFIG);
		assert_msg_has(&err, where[i]);
		text = test_slurp(path, NULL);
		ck_assert_str_eq(text, texts[i]);
		free(text);
	}
}
END_TEST

START_TEST(store_helper_rejects_missing_arguments)
{
	const char *path = tpath("config.json");

	ck_assert_int_eq(pierone_docker_store_helper(path, REG, NULL, NULL),
	    PIERONE_EINVAL);
	ck_assert_int_eq(pierone_docker_store_helper(path, REG, "", NULL),
	    PIERONE_EINVAL);
	ck_assert_int_eq(pierone_docker_store_helper(path, "", "pierone",
	    NULL), PIERONE_EINVAL);
	ck_assert_int_eq(pierone_docker_store_helper(NULL, REG, "pierone",
	    NULL), PIERONE_EINVAL);
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

/* A test case with the temporary directory and environment fixture. */
static TCase *
new_case(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	/* 50 processes under valgrind take a while. */
	tcase_set_timeout(tc, 120);
	return tc;
}

static TCase *
registry_host_case(void)
{
	TCase *tc = new_case("registry_host");

	tcase_add_test(tc, registry_host_drops_scheme_and_trailing_slash);
	tcase_add_test(tc, registry_host_keeps_port);
	tcase_add_test(tc, registry_host_accepts_url_without_scheme);
	tcase_add_test(tc, registry_host_drops_path_and_user);
	tcase_add_test(tc, registry_host_rejects_empty_urls);
	return tc;
}

static TCase *
default_path_case(void)
{
	TCase *tc = new_case("default_path");

	tcase_add_test(tc, default_path_uses_docker_config_when_set);
	tcase_add_test(tc, default_path_ignores_empty_docker_config);
	tcase_add_test(tc, default_path_falls_back_to_home_dot_docker);
	tcase_add_test(tc,
	    default_path_of_dockercfg_is_in_home_even_with_docker_config);
	return tc;
}

static TCase *
store_auth_case(void)
{
	TCase *tc = new_case("store_auth");

	tcase_add_test(tc, store_auth_encodes_user_and_token_in_base64);
	tcase_add_test(tc, store_auth_creates_file_0600_in_new_directory_0700);
	tcase_add_test(tc, store_auth_keeps_mode_of_existing_file);
	tcase_add_test(tc, store_auth_keeps_everything_else_in_the_file);
	tcase_add_test(tc, store_auth_keeps_numbers_and_key_order_as_written);
	tcase_add_test(tc, store_auth_keeps_numbers_cjson_cannot_represent);
	tcase_add_test(tc,
	    store_auth_writes_tab_indented_text_with_final_newline);
	tcase_add_test(tc,
	    store_auth_updates_existing_entry_keeping_its_other_keys);
	tcase_add_test(tc,
	    store_auth_leaves_one_entry_when_the_key_is_duplicated);
	tcase_add_test(tc, store_auth_writes_dockercfg_without_auths_wrapper);
	tcase_add_test(tc,
	    store_auth_treats_empty_and_blank_files_as_empty_objects);
	tcase_add_test(tc, store_auth_follows_symlink_and_keeps_it_a_link);
	tcase_add_test(tc, store_auth_creates_the_target_of_a_dangling_symlink);
	tcase_add_test(tc, store_auth_rewrites_a_bind_mounted_file_in_place);
	tcase_add_test(tc,
	    store_auth_sees_cred_helper_for_the_host_as_shadowing);
	tcase_add_test(tc,
	    store_auth_sees_cred_helper_for_the_url_as_shadowing);
	tcase_add_test(tc, store_auth_sees_a_creds_store_as_shadowing);
	tcase_add_test(tc,
	    store_auth_is_not_shadowed_by_helpers_for_other_hosts);
	tcase_add_test(tc,
	    store_auth_keeps_every_entry_of_50_concurrent_writers);
	return tc;
}

static TCase *
store_auth_failures_case(void)
{
	TCase *tc = new_case("store_auth_failures");

	tcase_add_test(tc,
	    store_auth_refuses_truncated_json_and_leaves_it_alone);
	tcase_add_test(tc,
	    store_auth_refuses_trailing_garbage_and_leaves_it_alone);
	tcase_add_test(tc, store_auth_refuses_array_root_and_leaves_it_alone);
	tcase_add_test(tc, store_auth_refuses_auths_string_and_leaves_it_alone);
	tcase_add_test(tc, store_auth_refuses_nul_byte_and_leaves_it_alone);
	tcase_add_test(tc, store_auth_fails_with_eio_in_read_only_directory);
	tcase_add_test(tc, store_auth_fails_with_eio_when_the_parent_is_a_file);
	tcase_add_test(tc,
	    store_auth_fails_with_eio_when_the_lock_cannot_be_made);
	tcase_add_test(tc, store_auth_leaves_the_file_alone_when_writing_fails);
	tcase_add_test(tc, store_auth_rejects_missing_arguments);
	return tc;
}

static TCase *
store_helper_case(void)
{
	TCase *tc = new_case("store_helper");

	tcase_add_test(tc,
	    store_helper_sets_helper_and_drops_the_registry_auths);
	tcase_add_test(tc, store_helper_creates_a_new_file);
	tcase_add_test(tc,
	    store_helper_refuses_wrong_shapes_and_leaves_them_alone);
	tcase_add_test(tc, store_helper_rejects_missing_arguments);
	return tc;
}

Suite *
dockercfg_suite(void)
{
	Suite *s = suite_create("dockercfg");

	suite_add_tcase(s, registry_host_case());
	suite_add_tcase(s, default_path_case());
	suite_add_tcase(s, store_auth_case());
	suite_add_tcase(s, store_auth_failures_case());
	suite_add_tcase(s, store_helper_case());
	return s;
}
