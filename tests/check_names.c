/*
 * Team, artifact and tag names: what is refused before a request is made,
 * and how the rest is percent-encoded into a path segment.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tests.h"

static void
assert_team_ok(const char *team)
{
	struct pierone_err err = { 0 };

	ck_assert_msg(pierone_team_validate(team, &err) == 0,
	    "team '%s' refused: %s", team, err.msg);
}

/* Refused with EINVAL, and the message contains `needle`. */
static void
assert_team_refused(const char *team, const char *needle)
{
	struct pierone_err err = { 0 };

	ck_assert_msg(pierone_team_validate(team, &err) == PIERONE_EINVAL,
	    "team '%s' accepted", team != NULL ? team : "(null)");
	ck_assert_int_eq(err.code, PIERONE_EINVAL);
	ck_assert_msg(strstr(err.msg, needle) != NULL,
	    "message '%s' lacks '%s'", err.msg, needle);
}

static void
assert_segment_ok(const char *name)
{
	struct pierone_err err = { 0 };

	ck_assert_msg(pierone_segment_validate("artifact", name, &err) == 0,
	    "'%s' refused: %s", name, err.msg);
}

static void
assert_segment_refused(const char *what, const char *name, const char *needle)
{
	struct pierone_err err = { 0 };

	ck_assert_msg(pierone_segment_validate(what, name, &err) ==
	    PIERONE_EINVAL, "%s name accepted", what);
	ck_assert_int_eq(err.code, PIERONE_EINVAL);
	ck_assert_msg(strstr(err.msg, needle) != NULL,
	    "message '%s' lacks '%s'", err.msg, needle);
}

static void
assert_encoded(const char *in, const char *want)
{
	char *got = segment_encode(in);

	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	free(got);
}

/* A string of n copies of c (caller frees). */
static char *
repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* ------------------------------------------------------------------ */

START_TEST(team_validate_accepts_lowercase_name)
{
	assert_team_ok("myteam");
}
END_TEST

START_TEST(team_validate_accepts_two_characters)
{
	assert_team_ok("a1");
	assert_team_ok("ab");
}
END_TEST

START_TEST(team_validate_accepts_underscore_and_dash)
{
	assert_team_ok("team_x-y");
	assert_team_ok("a-");
	assert_team_ok("a_");
}
END_TEST

START_TEST(team_validate_accepts_255_characters)
{
	char *team = repeat('t', 255);

	assert_team_ok(team);
	free(team);
}
END_TEST

START_TEST(team_validate_does_not_need_err)
{
	ck_assert_int_eq(pierone_team_validate("myteam", NULL), 0);
	ck_assert_int_eq(pierone_team_validate("My team", NULL),
	    PIERONE_EINVAL);
}
END_TEST

START_TEST(team_validate_rejects_empty_name)
{
	assert_team_refused("", "empty");
}
END_TEST

START_TEST(team_validate_rejects_null)
{
	assert_team_refused(NULL, "empty");
}
END_TEST

START_TEST(team_validate_rejects_single_character)
{
	assert_team_refused("a", "'a'");
}
END_TEST

START_TEST(team_validate_rejects_leading_digit)
{
	assert_team_refused("1team", "'1team'");
}
END_TEST

START_TEST(team_validate_rejects_leading_dash)
{
	assert_team_refused("-team", "'-team'");
	assert_team_refused("_team", "'_team'");
}
END_TEST

START_TEST(team_validate_rejects_uppercase)
{
	assert_team_refused("Team", "'Team'");
	assert_team_refused("teaM", "'teaM'");
}
END_TEST

START_TEST(team_validate_rejects_space)
{
	assert_team_refused("my team", "'my team'");
}
END_TEST

START_TEST(team_validate_rejects_slash)
{
	assert_team_refused("my/team", "'my/team'");
}
END_TEST

START_TEST(team_validate_rejects_dot_dot)
{
	assert_team_refused("../x", "'../x'");
	assert_team_refused("a..", "'a..'");
}
END_TEST

START_TEST(team_validate_rejects_question_mark)
{
	assert_team_refused("x?y", "'x?y'");
}
END_TEST

START_TEST(team_validate_rejects_non_ascii)
{
	assert_team_refused("t\xc3\xa9\x61m", "'t\xc3\xa9\x61m'");
}
END_TEST

START_TEST(team_validate_message_names_the_rule)
{
	assert_team_refused("Team", "[a-z][a-z0-9_-]+");
}
END_TEST

START_TEST(team_validate_rejects_too_long_name)
{
	char *team = repeat('t', 256);

	assert_team_refused(team, "team name is too long");
	free(team);
}
END_TEST

/* ------------------------------------------------------------------ */

START_TEST(segment_validate_accepts_plain_name)
{
	assert_segment_ok("app");
}
END_TEST

START_TEST(segment_validate_accepts_version)
{
	assert_segment_ok("1.0");
	assert_segment_ok("1.0-SNAPSHOT");
}
END_TEST

START_TEST(segment_validate_accepts_percent)
{
	/* harmless: it is encoded as %25 on the way out */
	assert_segment_ok("a%2e");
	assert_segment_ok("%2e%2e");
}
END_TEST

START_TEST(segment_validate_accepts_unicode)
{
	assert_segment_ok("\xc3\xbc" "n" "\xc3\xaf" "code");	/* ünïcode */
	assert_segment_ok("\xe6\xb8\xaf");			/* 港 */
}
END_TEST

START_TEST(segment_validate_accepts_three_dots)
{
	assert_segment_ok("...");
	assert_segment_ok(".hidden");
}
END_TEST

START_TEST(segment_validate_accepts_255_characters)
{
	char *name = repeat('x', 255);

	assert_segment_ok(name);
	free(name);
}
END_TEST

START_TEST(segment_validate_rejects_empty_name)
{
	assert_segment_refused("artifact", "", "artifact name is empty");
}
END_TEST

START_TEST(segment_validate_rejects_null)
{
	assert_segment_refused("tag", NULL, "tag name is empty");
}
END_TEST

START_TEST(segment_validate_rejects_dot)
{
	assert_segment_refused("tag", ".", "invalid tag name '.'");
}
END_TEST

START_TEST(segment_validate_rejects_dot_dot)
{
	assert_segment_refused("artifact", "..", "invalid artifact name '..'");
}
END_TEST

START_TEST(segment_validate_rejects_slash)
{
	assert_segment_refused("artifact", "a/b", "'/' is not allowed");
	assert_segment_refused("artifact", "../etc", "'/' is not allowed");
}
END_TEST

START_TEST(segment_validate_rejects_question_mark)
{
	assert_segment_refused("tag", "x?y", "'?' is not allowed");
}
END_TEST

START_TEST(segment_validate_rejects_hash)
{
	assert_segment_refused("tag", "a#b", "'#' is not allowed");
}
END_TEST

START_TEST(segment_validate_rejects_tab)
{
	assert_segment_refused("tag", "a\tb", "control character");
}
END_TEST

START_TEST(segment_validate_rejects_newline)
{
	assert_segment_refused("artifact", "a\nb", "control character");
}
END_TEST

START_TEST(segment_validate_rejects_del)
{
	assert_segment_refused("tag", "a\x7f", "control character");
}
END_TEST

START_TEST(segment_validate_rejects_too_long_name)
{
	char *name = repeat('x', 256);

	assert_segment_refused("artifact", name, "artifact name is too long");
	free(name);
}
END_TEST

/* ------------------------------------------------------------------ */

START_TEST(segment_encode_keeps_unreserved_characters)
{
	assert_encoded("AZaz09-._~", "AZaz09-._~");
	assert_encoded("1.0-SNAPSHOT", "1.0-SNAPSHOT");
}
END_TEST

START_TEST(segment_encode_gives_empty_for_empty)
{
	assert_encoded("", "");
}
END_TEST

START_TEST(segment_encode_encodes_space)
{
	assert_encoded("a b", "a%20b");
}
END_TEST

START_TEST(segment_encode_encodes_percent)
{
	assert_encoded("%", "%25");
}
END_TEST

START_TEST(segment_encode_encodes_plus)
{
	assert_encoded("+", "%2B");
}
END_TEST

START_TEST(segment_encode_encodes_reserved_characters)
{
	assert_encoded("/?#:@", "%2F%3F%23%3A%40");
}
END_TEST

START_TEST(segment_encode_encodes_utf8_bytes_in_uppercase_hex)
{
	assert_encoded("\xc3\xa9", "%C3%A9");
	assert_encoded("\xc3\xbc" "n" "\xc3\xaf" "code", "%C3%BCn%C3%AFcode");
	assert_encoded("\xf0\x9f\x90\xb3", "%F0%9F%90%B3");
}
END_TEST

START_TEST(segment_encode_encodes_high_and_control_bytes)
{
	assert_encoded("\xff\x01\x7f", "%FF%01%7F");
}
END_TEST

START_TEST(segment_encode_double_encodes_encoded_dots)
{
	assert_encoded("%2e%2e", "%252e%252e");
}
END_TEST

START_TEST(digest_valid_accepts_oci_digests_only)
{
	ck_assert(digest_valid("sha256:"
	    "3333333333333333333333333333333333333333333333333333333333333333"));
	ck_assert(digest_valid("sha512:abcDEF0189"));
	ck_assert(digest_valid("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3Tdb"));
	ck_assert(!digest_valid(""));
	ck_assert(!digest_valid("sha256"));
	ck_assert(!digest_valid("sha256:"));
	ck_assert(!digest_valid(":abc"));
	ck_assert(!digest_valid("+sha:abc"));
	ck_assert(!digest_valid("SHA256:abc"));
	ck_assert(!digest_valid("sha256:ab/../c"));
	ck_assert(!digest_valid("sha256:abc?x"));
	ck_assert(!digest_valid("sha256:abc def"));
}
END_TEST

START_TEST(repo_path_encodes_every_kind_and_checks_names_first)
{
	struct pierone_err err = { 0 };
	char *p;

	ck_assert_int_eq(repo_path(&p, REPO_TAGS, "t1", "a b", NULL, &err), 0);
	ck_assert_str_eq(p, "/teams/t1/artifacts/a%20b/tags");
	free(p);
	ck_assert_int_eq(repo_path(&p, REPO_SCM_SOURCE, "t1", "a", "1.0+x",
	    &err), 0);
	ck_assert_str_eq(p, "/teams/t1/artifacts/a/tags/1.0%2Bx/scm-source");
	free(p);
	ck_assert_int_eq(repo_path(&p, REPO_MANIFEST, "t1", "a", "v1", &err),
	    0);
	ck_assert_str_eq(p, "/v2/t1/a/manifests/v1");
	free(p);
	ck_assert_int_eq(repo_path(&p, REPO_BLOB, "t1", "a", "sha256:ab",
	    &err), 0);
	ck_assert_str_eq(p, "/v2/t1/a/blobs/sha256:ab");
	free(p);
	ck_assert_int_eq(repo_path(&p, REPO_BLOB, "t1", "a", "sha256:a/b",
	    &err), PIERONE_EINVAL);
	ck_assert_int_eq(repo_path(&p, REPO_TAGS, "T1", "a", NULL, &err),
	    PIERONE_EINVAL);
	ck_assert_ptr_null(p);
	/* names from servers are data: encoded into their segment */
	ck_assert_int_eq(repo_path(&p, REPO_MANIFEST, "t1", "a", "../x", &err),
	    0);
	ck_assert_str_eq(p, "/v2/t1/a/manifests/..%2Fx");
	free(p);
	ck_assert_int_eq(repo_path(&p, REPO_TAGS, "t1", "a/b?c#d\x1b", NULL,
	    &err), 0);
	ck_assert_str_eq(p, "/teams/t1/artifacts/a%2Fb%3Fc%23d%1B/tags");
	free(p);
	/* only what no encoding keeps in one segment is refused */
	ck_assert_int_eq(repo_path(&p, REPO_MANIFEST, "t1", "a", "..", &err),
	    PIERONE_EINVAL);
	ck_assert_str_eq(err.msg, "tag name '..' cannot be requested");
	ck_assert_ptr_null(p);
	ck_assert_int_eq(repo_path(&p, REPO_TAGS, "t1", "", NULL, &err),
	    PIERONE_EINVAL);
	ck_assert_str_eq(err.msg, "artifact name '' cannot be requested");
	ck_assert_int_eq(repo_path(&p, REPO_SCM_SOURCE, "t1", ".", "1", &err),
	    PIERONE_EINVAL);
}
END_TEST

START_TEST(segment_requestable_refuses_only_empty_and_dots)
{
	char long_name[301];

	memset(long_name, 'x', 300);
	long_name[300] = '\0';
	ck_assert_int_eq(pierone_segment_requestable(long_name), 1);
	ck_assert_int_eq(pierone_segment_requestable("a/b"), 1);
	ck_assert_int_eq(pierone_segment_requestable("..."), 1);
	ck_assert_int_eq(pierone_segment_requestable("\n"), 1);
	ck_assert_int_eq(pierone_segment_requestable(""), 0);
	ck_assert_int_eq(pierone_segment_requestable("."), 0);
	ck_assert_int_eq(pierone_segment_requestable(".."), 0);
	ck_assert_int_eq(pierone_segment_requestable(NULL), 0);
}
END_TEST

START_TEST(docker_tag_valid_takes_what_docker_takes)
{
	char name[130];

	ck_assert_int_eq(pierone_docker_tag_valid("1.8.5"), 1);
	ck_assert_int_eq(pierone_docker_tag_valid("_x-SNAPSHOT"), 1);
	ck_assert_int_eq(pierone_docker_tag_valid("A"), 1);
	ck_assert_int_eq(pierone_docker_tag_valid(".1"), 0);
	ck_assert_int_eq(pierone_docker_tag_valid("-1"), 0);
	ck_assert_int_eq(pierone_docker_tag_valid(""), 0);
	ck_assert_int_eq(pierone_docker_tag_valid(NULL), 0);
	ck_assert_int_eq(pierone_docker_tag_valid("1.0\nrm"), 0);
	ck_assert_int_eq(pierone_docker_tag_valid("1.0 x"), 0);
	ck_assert_int_eq(pierone_docker_tag_valid("\x1b[31m"), 0);
	ck_assert_int_eq(pierone_docker_tag_valid("\xc3\xa9"), 0);
	memset(name, 'a', 128);
	name[128] = '\0';
	ck_assert_int_eq(pierone_docker_tag_valid(name), 1);
	name[128] = 'a';
	name[129] = '\0';
	ck_assert_int_eq(pierone_docker_tag_valid(name), 0);
}
END_TEST

Suite *
names_suite(void)
{
	Suite *s = suite_create("names");
	TCase *team = tcase_create("team");
	TCase *seg = tcase_create("segment");
	TCase *enc = tcase_create("encode");

	tcase_add_test(team,
	    repo_path_encodes_every_kind_and_checks_names_first);
	tcase_add_test(team, digest_valid_accepts_oci_digests_only);
	tcase_add_test(team, segment_requestable_refuses_only_empty_and_dots);
	tcase_add_test(team, docker_tag_valid_takes_what_docker_takes);
	tcase_add_test(team, team_validate_accepts_lowercase_name);
	tcase_add_test(team, team_validate_accepts_two_characters);
	tcase_add_test(team, team_validate_accepts_underscore_and_dash);
	tcase_add_test(team, team_validate_accepts_255_characters);
	tcase_add_test(team, team_validate_does_not_need_err);
	tcase_add_test(team, team_validate_rejects_empty_name);
	tcase_add_test(team, team_validate_rejects_null);
	tcase_add_test(team, team_validate_rejects_single_character);
	tcase_add_test(team, team_validate_rejects_leading_digit);
	tcase_add_test(team, team_validate_rejects_leading_dash);
	tcase_add_test(team, team_validate_rejects_uppercase);
	tcase_add_test(team, team_validate_rejects_space);
	tcase_add_test(team, team_validate_rejects_slash);
	tcase_add_test(team, team_validate_rejects_dot_dot);
	tcase_add_test(team, team_validate_rejects_question_mark);
	tcase_add_test(team, team_validate_rejects_non_ascii);
	tcase_add_test(team, team_validate_message_names_the_rule);
	tcase_add_test(team, team_validate_rejects_too_long_name);
	suite_add_tcase(s, team);

	tcase_add_test(seg, segment_validate_accepts_plain_name);
	tcase_add_test(seg, segment_validate_accepts_version);
	tcase_add_test(seg, segment_validate_accepts_percent);
	tcase_add_test(seg, segment_validate_accepts_unicode);
	tcase_add_test(seg, segment_validate_accepts_three_dots);
	tcase_add_test(seg, segment_validate_accepts_255_characters);
	tcase_add_test(seg, segment_validate_rejects_empty_name);
	tcase_add_test(seg, segment_validate_rejects_null);
	tcase_add_test(seg, segment_validate_rejects_dot);
	tcase_add_test(seg, segment_validate_rejects_dot_dot);
	tcase_add_test(seg, segment_validate_rejects_slash);
	tcase_add_test(seg, segment_validate_rejects_question_mark);
	tcase_add_test(seg, segment_validate_rejects_hash);
	tcase_add_test(seg, segment_validate_rejects_tab);
	tcase_add_test(seg, segment_validate_rejects_newline);
	tcase_add_test(seg, segment_validate_rejects_del);
	tcase_add_test(seg, segment_validate_rejects_too_long_name);
	suite_add_tcase(s, seg);

	tcase_add_test(enc, segment_encode_keeps_unreserved_characters);
	tcase_add_test(enc, segment_encode_gives_empty_for_empty);
	tcase_add_test(enc, segment_encode_encodes_space);
	tcase_add_test(enc, segment_encode_encodes_percent);
	tcase_add_test(enc, segment_encode_encodes_plus);
	tcase_add_test(enc, segment_encode_encodes_reserved_characters);
	tcase_add_test(enc, segment_encode_encodes_utf8_bytes_in_uppercase_hex);
	tcase_add_test(enc, segment_encode_encodes_high_and_control_bytes);
	tcase_add_test(enc, segment_encode_double_encodes_encoded_dots);
	suite_add_tcase(s, enc);
	return s;
}
