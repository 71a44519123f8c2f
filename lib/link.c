/*
 * Link: <...>; rel="next" (RFC 8288), as registries paginate the catalog
 * and tag lists: which page comes next, and that it is on the registry.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base.h"
#include "registry.h"

/* Does the link-param list starting at p (after '>') say rel=next? */
static bool
rel_next(const char *p, const char *end)
{
	const char *v;
	size_t len;

	for (; p < end; p++) {
		if (strncasecmp(p, "rel", 3) != 0 || (p[3] != '=' &&
		    p[3] != ' '))
			continue;
		for (v = p + 3; v < end && (*v == ' ' || *v == '='); v++)
			continue;
		if (v < end && *v == '"')
			v++;
		/* rel may list several relation types. */
		while (v < end && *v != '"' && *v != ';' && *v != ',') {
			len = strcspn(v, " \";,");
			if (len == 4 && strncasecmp(v, "next", 4) == 0)
				return true;
			v += len;
			v += strspn(v, " ");
		}
	}
	return false;
}

/*
 * A "." or ".." segment in the path: resolved by libcurl after our
 * checks, it could climb out of the registry's base path.
 */
static bool
dot_segment(const char *t)
{
	size_t end = strcspn(t, "?#"), len;

	for (const char *p = t; p < t + end; p += len + 1) {
		len = strcspn(p, "/?#");
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' &&
		    p[1] == '.'))
			return true;
		if (p[len] != '/')
			break;
	}
	return false;
}

/* The target of the first link with rel=next, or NULL; caller frees. */
static char *
link_next_target(const char *hdr)
{
	const char *p = hdr, *lt, *gt, *end;

	while ((lt = strchr(p, '<')) != NULL) {
		if ((gt = strchr(lt, '>')) == NULL)
			return NULL;
		/* The parameters run to the next link: "," outside quotes. */
		for (end = gt + 1; *end != '\0' && *end != '<'; end++)
			continue;
		if (rel_next(gt + 1, end))
			return strndup(lt + 1, (size_t)(gt - lt - 1));
		p = end;
	}
	return NULL;
}

/*
 * The request path (relative to the client's URL) of the next page after
 * `cur`, from its Link header; *next NULL when there is none.  A link to
 * another scheme, host or port, out of the client's base path, or with
 * user info, is refused: a registry cannot send us, with our credentials,
 * elsewhere.  libcurl's URL API resolves and takes the target apart.
 */
int
v2_link_next(char **next, const char *base, const char *cur,
    const char *link, struct pierone_err *err)
{
	char *t;
	int rc;

	*next = NULL;
	if (link == NULL || (t = link_next_target(link)) == NULL)
		return 0;
	if (t[strcspn(t, " \t\r\n\"")] != '\0' || *t == '\0' ||
	    dot_segment(t))
		rc = err_set(err, PIERONE_EBADRESPONSE, "invalid Link "
		    "'%.200s'", t);
	else if ((rc = url_resolve_under(next, base, cur, t)) ==
	    PIERONE_ENOMEM)
		err_set(err, rc, "out of memory");
	else if (rc != 0)
		rc = err_set(err, PIERONE_EBADRESPONSE, "refusing to follow "
		    "Link to another registry '%.200s'", t);
	free(t);
	return rc;
}
