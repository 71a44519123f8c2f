/*
 * libFuzzer target: what any registry may send when pierone speaks the
 * Docker Registry API v2 (regauth.c, v2.c).  The first byte picks:
 *
 *   0  challenge_parse(): a WWW-Authenticate header;
 *   1  v2_link_next(): a Link header, for base https://reg.example.org/base;
 *   2  v2_manifest_parse(): "CONTENT-TYPE\nJSON";
 *   3  v2_config_created(): an image config;
 *   4  scope_of_path(): a request path.
 *
 * Invariants checked on every input:
 *  - challenges: a known scheme or none, Bearer/Basic only with their
 *    parameters, values shorter than the parser's limit;
 *  - links: success or PIERONE_EBADRESPONSE; a next page is a path or
 *    query of the base (starts with '/' or '?') without blanks, so it can
 *    never lead to another host;
 *  - manifests: an image or index names a valid digest, schema 1 none,
 *    and a failure leaves nothing allocated;
 *  - configs: a valid time has ms 0..999, an invalid one is zeroed;
 *  - scopes: "repository:NAME:pull" or "registry:catalog:*";
 *  - each parse gives the same answer twice.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "common.h"

#define BASE	"https://reg.example.org/base"

static bool
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL &&
	    strcmp(a, b) == 0);
}

static void
check_challenge(const char *s)
{
	struct challenge ch, again;

	CHECK(challenge_parse(&ch, s) == 0);
	CHECK(ch.scheme == CH_NONE || ch.scheme == CH_BASIC ||
	    ch.scheme == CH_BEARER);
	if (ch.scheme == CH_NONE)
		CHECK(ch.realm == NULL && ch.service == NULL && ch.scope == NULL);
	CHECK(ch.scheme != CH_BEARER || ch.realm != NULL);
	CHECK(ch.realm == NULL || strlen(ch.realm) < 2048);
	CHECK(challenge_parse(&again, s) == 0);
	CHECK(again.scheme == ch.scheme && same_str(again.realm, ch.realm) &&
	    same_str(again.service, ch.service) &&
	    same_str(again.scope, ch.scope));
	challenge_clear(&ch);
	challenge_clear(&again);
}

static void
check_link(const char *s)
{
	struct pierone_err err = { 0 };
	char *next = NULL;
	int rc;

	rc = v2_link_next(&next, BASE, "/v2/_catalog?n=1000", s, &err);
	CHECK(rc == 0 || rc == PIERONE_EBADRESPONSE);
	CHECK(rc == 0 || next == NULL);
	if (next != NULL) {
		CHECK(next[0] == '/' || next[0] == '?');
		CHECK(next[strcspn(next, " \t\r\n")] == '\0');
	}
	free(next);
}

static void
check_manifest(const char *s)
{
	struct pierone_err err = { 0 };
	struct v2_manifest m, again;
	const char *nl = strchr(s, '\n');
	char *ct = NULL;
	const char *json = s;
	int rc;

	if (nl != NULL) {
		ct = strndup(s, (size_t)(nl - s));
		json = nl + 1;
	}
	rc = v2_manifest_parse(&m, json, strlen(json), ct, &err);
	CHECK(rc == 0 || rc == PIERONE_EBADRESPONSE);
	if (rc != 0) {
		CHECK(m.digest == NULL);
	} else if (m.kind == MANIFEST_V1) {
		CHECK(m.digest == NULL);
	} else {
		CHECK(m.kind == MANIFEST_IMAGE || m.kind == MANIFEST_INDEX);
		CHECK(m.digest != NULL && digest_valid(m.digest));
	}
	CHECK(v2_manifest_parse(&again, json, strlen(json), ct, &err) == rc);
	CHECK(again.kind == m.kind && same_str(again.digest, m.digest));
	free(m.digest);
	free(again.digest);
	free(ct);
}

static void
check_config(const char *s)
{
	struct pierone_err err = { 0 };
	struct pierone_time t;
	int rc;

	rc = v2_config_created(&t, s, strlen(s), &err);
	CHECK(rc == 0 || rc == PIERONE_EBADRESPONSE);
	if (t.valid)
		CHECK(t.ms >= 0 && t.ms <= 999);
	else
		CHECK(t.sec == 0 && t.ms == 0);
}

static void
check_scope(const char *s)
{
	char *scope = scope_of_path(s);
	size_t len;

	if (scope == NULL)
		return;
	len = strlen(scope);
	CHECK(strcmp(scope, "registry:catalog:*") == 0 ||
	    (strncmp(scope, "repository:", 11) == 0 && len > 16 &&
	    strcmp(scope + len - 5, ":pull") == 0));
	free(scope);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1)
		return 0;
	/* C strings from here on: the parsers take headers and paths. */
	if ((s = strndup((const char *)data + 1, size - 1)) == NULL)
		return 0;
	switch (data[0] % 5) {
	case 0:
		check_challenge(s);
		break;
	case 1:
		check_link(s);
		break;
	case 2:
		check_manifest(s);
		break;
	case 3:
		check_config(s);
		break;
	default:
		check_scope(s);
		break;
	}
	free(s);
	return 0;
}
