/*
 * Image references, as docker and every registry tool write them:
 * [REGISTRY/]REPOSITORY[:TAG], checked by Docker's grammar (the
 * distribution/reference package's):
 *
 *   REGISTRY   the first component when it holds '.' or ':', is
 *              "localhost" or has a capital letter: host[:port]
 *   REPOSITORY components of [a-z0-9]+ joined by '.', '_', "__" or
 *              dashes, separated by '/'; 255 characters with REGISTRY
 *   TAG        [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *
 * pierone reads REPOSITORY as TEAM/ARTIFACT: its first component is the
 * team, the rest the artifact ("group/app" of org/group/app, which only
 * registries other than Pier One have).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

#define NAME_MAX_TOTAL	255

/* host[:port]: DNS labels of letters, digits and '-', or [IPv6]. */
static bool
host_valid(const char *s, size_t len)
{
	size_t i = 0, label = 0, port;

	if (len > 0 && s[0] == '[') {
		const char *end = memchr(s, ']', len);

		if (end == NULL || end - s < 3)
			return false;
		for (const char *p = s + 1; p < end; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':')
				return false;
		i = (size_t)(end - s) + 1;
	} else {
		for (; i < len && s[i] != ':'; i++) {
			if (s[i] == '.') {
				if (label == 0 || s[i - 1] == '-')
					return false;
				label = 0;
			} else if (isalnum((unsigned char)s[i]) ||
			    (s[i] == '-' && label > 0)) {
				label++;
			} else {
				return false;
			}
		}
		if (label == 0 || s[i - 1] == '-')
			return false;
	}
	if (i == len)
		return true;
	port = strspn(s + i + 1, "0123456789");
	return s[i] == ':' && port > 0 && port <= 5 && i + 1 + port == len &&
	    strtoul(s + i + 1, NULL, 10) >= 1 &&
	    strtoul(s + i + 1, NULL, 10) <= 65535;
}

/* A first component docker would take for a host only for its capitals. */
static bool
capital_team(const char *s, size_t len)
{
	bool upper = false;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.' || s[i] == ':')
			return false;
		upper |= isupper((unsigned char)s[i]) != 0;
	}
	return upper;
}

/*
 * Docker's rule: which first component names a registry.  (Docker also
 * takes one with capitals for a host; capital_team() refuses those
 * first, as they are mistyped names far more often.)
 */
static bool
names_registry(const char *s, size_t len)
{
	return (len == 9 && strncmp(s, "localhost", 9) == 0) ||
	    memchr(s, '.', len) != NULL || memchr(s, ':', len) != NULL;
}

static int
bad(char *why, size_t size, const char *msg)
{
	strlcpy(why, msg, size);
	return -1;
}

/* The repository's components: valid, two at least; the team's end. */
static int
repository_check(const char *s, size_t len, size_t *team_len, char *why,
    size_t size)
{
	size_t start = 0, n = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '/')
			continue;
		if (!pierone_docker_component_valid(s + start, i - start))
			return bad(why, size, "each path component must be "
			    "lowercase letters and digits, joined by '.', '_', "
			    "'__' or '-'");
		if (n++ == 0)
			*team_len = i;
		start = i + 1;
	}
	if (n < 2)
		return bad(why, size, "it names no TEAM/ARTIFACT repository");
	return 0;
}

int
reference_parse(struct reference *ref, const char *s, char *why,
    size_t size)
{
	const char *repo = s, *slash = strchr(s, '/'), *colon;
	size_t len, team_len = 0;

	memset(ref, 0, sizeof(*ref));
	if (strstr(s, "://") != NULL)
		return bad(why, size, "a reference has no scheme: write "
		    "HOST[:PORT]/TEAM/ARTIFACT");
	if (strchr(s, '@') != NULL)
		return bad(why, size, "digests are not supported; name a tag");
	if (slash != NULL && capital_team(s, (size_t)(slash - s)))
		return bad(why, size, "names must be lowercase (docker would "
		    "read the first component as a registry host)");
	if (slash != NULL && names_registry(s, (size_t)(slash - s))) {
		if (!host_valid(s, (size_t)(slash - s)))
			return bad(why, size, "invalid registry host (HOST or "
			    "HOST:PORT, PORT from 1 to 65535)");
		repo = slash + 1;
	}
	colon = strrchr(repo, ':');
	len = colon != NULL ? (size_t)(colon - s) : strlen(s);
	if (len > NAME_MAX_TOTAL)
		return bad(why, size, "the name is longer than 255 characters");
	if (colon != NULL && !pierone_docker_tag_valid(colon + 1))
		return bad(why, size, "invalid tag: must match "
		    "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
	len = colon != NULL ? (size_t)(colon - repo) : strlen(repo);
	if (repository_check(repo, len, &team_len, why, size) != 0)
		return -1;
	if ((repo != s && (ref->registry = strndup(s,
	    (size_t)(slash - s))) == NULL) ||
	    (ref->team = strndup(repo, team_len)) == NULL ||
	    (ref->artifact = strndup(repo + team_len + 1,
	    len - team_len - 1)) == NULL ||
	    (colon != NULL && (ref->tag = strdup(colon + 1)) == NULL)) {
		reference_free(ref);
		return bad(why, size, "out of memory");
	}
	return 0;
}

void
reference_free(struct reference *ref)
{
	free(ref->registry);
	free(ref->team);
	free(ref->artifact);
	free(ref->tag);
	memset(ref, 0, sizeof(*ref));
}

/* A dotted IPv4 literal of 127.0.0.0/8, `len` bytes of `s`. */
static bool
ipv4_loopback(const char *s, size_t len)
{
	unsigned int part[4];
	int n = 0, end = 0;
	char buf[16];

	if (len >= sizeof(buf) || strspn(s, "0123456789.") < len)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	n = sscanf(buf, "%3u.%3u.%3u.%3u%n", &part[0], &part[1], &part[2],
	    &part[3], &end);
	return n == 4 && (size_t)end == len && part[0] == 127 &&
	    part[1] < 256 && part[2] < 256 && part[3] < 256;
}

/*
 * localhost, 127.0.0.0/8 and [::1] speak plain HTTP, as docker allows:
 * the host itself, never a name that merely starts like one
 * (127.0.0.1.example.org is anywhere).
 */
static bool
loopback(const char *host)
{
	size_t len = strcspn(host, ":");

	if (host[0] == '[')
		return strncmp(host, "[::1]", 5) == 0 &&
		    (host[5] == '\0' || host[5] == ':');
	return (len == 9 && strncasecmp(host, "localhost", 9) == 0) ||
	    ipv4_loopback(host, len);
}

/* Host[:port] of a URL, compared as docker compares them. */
static bool
same_registry(const char *url, const char *host)
{
	struct pierone_err err = { 0 };
	char *h;
	bool same;

	if (url == NULL || pierone_registry_host(&h, url, &err) != 0)
		return false;
	same = strcasecmp(h, host) == 0;
	free(h);
	return same;
}

int
reference_registry_url(struct cli *cli, char **url, bool *same)
{
	const char *typed = cli_string(cli, "url");
	const char *configured = typed != NULL ? typed : cli->config.url;
	const char *host = cli->args.ref.registry;
	char *norm = NULL;
	struct pierone_err err = { 0 };

	*url = NULL;
	*same = false;
	/* a bad --url is told as alone, without what it must not show */
	if (typed != NULL && pierone_url_normalize(&norm, typed, &err) != 0)
		return cli_usage_error(cli->cmd, "%s", err.msg);
	if (norm == NULL && configured != NULL)
		(void)pierone_url_normalize(&norm, configured, &err);
	if (norm != NULL && same_registry(norm, host)) {
		*url = norm;
		*same = true;
		return 0;
	}
	if (typed != NULL) {
		cli_usage_error(cli->cmd, "--url %s and the reference name "
		    "different registries ('%s')", norm, host);
		free(norm);
		return EXIT_USAGE;
	}
	free(norm);
	if (asprintf(url, "%s://%s", loopback(host) ? "http" : "https",
	    host) < 0) {
		*url = NULL;
		cli_warnx("out of memory");
		return EXIT_FAILURE;
	}
	return 0;
}
