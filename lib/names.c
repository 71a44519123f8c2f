/*
 * Validation and encoding of team, artifact and tag names.  Names become
 * URL path segments.  What the user types is validated strictly
 * (pierone_*_validate); names from the server are data, percent-encoded
 * whatever they hold, and only those no encoding keeps in one segment
 * ("", ".", "..") are refused.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

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

int
pierone_docker_tag_valid(const char *name)
{
	size_t n;

	if (name == NULL || !(isalnum((unsigned char)name[0]) ||
	    name[0] == '_'))
		return 0;
	n = strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.-");
	/* isalnum() of the C locale: ASCII letters and digits only */
	return name[n] == '\0' && n <= 128 && (unsigned char)name[0] < 0x80;
}

static bool
is_lower_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component: alphanumerics joined by [._], "__" or dashes. */
int
pierone_docker_component_valid(const char *s, size_t len)
{
	size_t i = 0, sep;

	while (i < len) {
		if (!is_lower_alnum((unsigned char)s[i]))
			return 0;
		while (i < len && is_lower_alnum((unsigned char)s[i]))
			i++;
		if (i == len)
			return 1;
		sep = i;
		while (i < len && s[i] == '-')
			i++;
		if (i == sep && (s[i] == '.' || s[i] == '_'))
			i += s[i] == '_' && i + 1 < len && s[i + 1] == '_' ?
			    2 : 1;
		if (i == sep || i == len)
			return 0;
	}
	return 0;	/* empty */
}

int
pierone_segment_requestable(const char *name)
{
	return name != NULL && name[0] != '\0' && strcmp(name, ".") != 0 &&
	    strcmp(name, "..") != 0;
}

/*
 * A name from a server becomes a path segment percent-encoded, whatever it
 * holds ('/', '?', controls, 300 characters); only what no encoding can
 * keep in its segment is refused.
 */
static int
segment_check(const char *what, const char *name, struct pierone_err *err)
{
	if (pierone_segment_requestable(name))
		return 0;
	return err_set(err, PIERONE_EINVAL, "%s name '%s' cannot be "
	    "requested", what, name != NULL ? name : "");
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

/*
 * ARTIFACT in a v2 path: the repository's name goes on after TEAM, so
 * "group/app" (of org/group/app) is two segments, each encoded.  NULL
 * when out of memory, or set in *bad when a component cannot be
 * requested.
 */
static char *
repo_encode(const char *artifact, struct pierone_err *err, int *bad)
{
	char *copy, *out, *part, *p, *enc;
	size_t len = 0;

	if ((copy = strdup(artifact)) == NULL ||
	    (out = calloc(1, strlen(artifact) * 3 + 1)) == NULL) {
		free(copy);
		return NULL;
	}
	for (p = copy; (part = strsep(&p, "/")) != NULL;) {
		if ((*bad = segment_check("artifact", part, err)) != 0 ||
		    (enc = segment_encode(part)) == NULL) {
			free(copy);
			free(out);
			return NULL;
		}
		len += (size_t)sprintf(out + len, "%s%s", len > 0 ? "/" : "",
		    enc);
		free(enc);
	}
	free(copy);
	return out;
}

/*
 * The request path for TEAM/ARTIFACT (and `ref`: a tag, or a digest for
 * REPO_BLOB), every name checked first and percent-encoded: in Pier
 * One's paths ARTIFACT is one segment whatever it holds, in v2's its
 * '/' goes on the repository's name (org/group/app).  *out is the
 * caller's.
 */
int
repo_path(char **out, enum repo_path kind, const char *team,
    const char *artifact, const char *ref, struct pierone_err *err)
{
	char *a = NULL, *r = NULL;
	int n = -1, rc;

	*out = NULL;
	/* Pier One's team names, or Docker's first path component */
	if ((team == NULL || !pierone_docker_component_valid(team,
	    strlen(team))) && (rc = pierone_team_validate(team, err)) != 0)
		return rc;
	if ((rc = segment_check("artifact", artifact, err)) != 0 ||
	    ((kind == REPO_SCM_SOURCE || kind == REPO_MANIFEST ||
	    kind == REPO_TAG || kind == REPO_PRODUCTION_READY) &&
	    (rc = segment_check("tag", ref, err)) != 0))
		return rc;
	/* A digest goes as it is: ':' is fine in a path, as registries expect. */
	if (kind == REPO_BLOB && (ref == NULL || !digest_valid(ref)))
		return err_set(err, PIERONE_EINVAL, "invalid digest");
	a = kind == REPO_TAGS_LIST || kind == REPO_MANIFEST ||
	    kind == REPO_BLOB ? repo_encode(artifact, err, &rc) :
	    segment_encode(artifact);
	if (rc != 0)
		return rc;
	if (a != NULL && (kind == REPO_TAGS ||
	    kind == REPO_TAGS_LIST || (r = kind == REPO_BLOB ||
	    digest_valid(ref) ? strdup(ref) : segment_encode(ref)))) {
		switch (kind) {
		case REPO_TAGS:
			n = asprintf(out, "/teams/%s/artifacts/%s/tags", team, a);
			break;
		case REPO_TAGS_LIST:
			n = asprintf(out, "/v2/%s/%s/tags/list?n=%d", team, a,
			    V2_PAGE_MAX);
			break;
		case REPO_SCM_SOURCE:
			n = asprintf(out, "/teams/%s/artifacts/%s/tags/%s/"
			    "scm-source", team, a, r);
			break;
		case REPO_MANIFEST:
			n = asprintf(out, "/v2/%s/%s/manifests/%s", team, a, r);
			break;
		case REPO_BLOB:
			n = asprintf(out, "/v2/%s/%s/blobs/%s", team, a, r);
			break;
		case REPO_TAG:
			n = asprintf(out, "/teams/%s/artifacts/%s/tags/%s",
			    team, a, r);
			break;
		case REPO_PRODUCTION_READY:
			n = asprintf(out, "/teams/%s/artifacts/%s/tags/%s/"
			    "production-ready", team, a, r);
			break;
		}
	}
	free(a);
	free(r);
	if (n < 0) {
		*out = NULL;
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	return 0;
}
