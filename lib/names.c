/*
 * Validation and encoding of team, artifact and tag names.  Names become
 * URL path segments, so anything that could leave the segment is refused
 * before a request is made, and the rest is percent-encoded.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Longest name we pass on; the registry's own limits are far lower. */
#define NAME_MAX_LEN 255

int
pierone_team_validate(const char *team, struct pierone_err *err)
{
	const char *p;

	if (team == NULL || team[0] == '\0')
		return err_set(err, PIERONE_EINVAL, "team name is empty");
	if (strlen(team) > NAME_MAX_LEN)
		return err_set(err, PIERONE_EINVAL, "team name is too long");
	if (team[0] < 'a' || team[0] > 'z' || team[1] == '\0')
		goto bad;
	for (p = team + 1; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_' || *p == '-')
			continue;
		goto bad;
	}
	return 0;
bad:
	return err_set(err, PIERONE_EINVAL,
	    "invalid team name '%s': must match [a-z][a-z0-9_-]+", team);
}

int
pierone_segment_validate(const char *what, const char *name,
    struct pierone_err *err)
{
	const unsigned char *p;

	if (name == NULL || name[0] == '\0')
		return err_set(err, PIERONE_EINVAL, "%s name is empty", what);
	if (strlen(name) > NAME_MAX_LEN)
		return err_set(err, PIERONE_EINVAL, "%s name is too long", what);
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return err_set(err, PIERONE_EINVAL,
		    "invalid %s name '%s'", what, name);
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return err_set(err, PIERONE_EINVAL,
			    "invalid %s name: contains a control character",
			    what);
		if (*p == '/' || *p == '?' || *p == '#')
			return err_set(err, PIERONE_EINVAL,
			    "invalid %s name '%s': '%c' is not allowed",
			    what, name, *p);
	}
	return 0;
}

/*
 * A content digest as the OCI image spec writes it, "algorithm:encoded"
 * (sha256:0123...): safe to put in a path and to print.
 */
bool
digest_valid(const char *d)
{
	size_t alg = strspn(d, "abcdefghijklmnopqrstuvwxyz0123456789+._-");
	size_t enc;

	if (alg == 0 || d[alg] != ':' || strchr("+._-", d[0]) != NULL)
		return false;
	enc = strspn(d + alg + 1, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=_-");
	return enc > 0 && d[alg + 1 + enc] == '\0';
}

static int
is_unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

char *
segment_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char *out, *q;

	if ((out = malloc(strlen(s) * 3 + 1)) == NULL)
		return NULL;
	for (p = (const unsigned char *)s, q = out; *p != '\0'; p++) {
		if (is_unreserved(*p)) {
			*q++ = (char)*p;
		} else {
			*q++ = '%';
			*q++ = hex[*p >> 4];
			*q++ = hex[*p & 15];
		}
	}
	*q = '\0';
	return out;
}
