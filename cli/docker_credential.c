/*
 * docker-credential-pierone: Docker's credential-helper protocol, so that
 * docker asks for a fresh token on every push and pull.  Actions come as
 * the first argument, input on stdin; answers and errors go to stdout, as
 * docker reads them from there.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/resource.h>

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "pierone.h"

/* What docker takes for "no credentials here", not an error. */
#define NOT_FOUND "credentials not found in native keychain"

static int
fail(const char *msg)
{
	printf("%s\n", msg);
	return EXIT_FAILURE;
}

/* The server URL docker sends on stdin, without surrounding blanks. */
static int
read_server(char *buf, size_t size)
{
	size_t n = fread(buf, 1, size - 1, stdin), i = 0;

	if (n == size - 1 && !feof(stdin))
		return -1;
	buf[n] = '\0';
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	while (isspace((unsigned char)buf[i]))
		i++;
	memmove(buf, buf + i, n - i + 1);
	return n > i ? 0 : -1;
}

/*
 * The configured registry URL in *out (caller frees; NULL when none).  A
 * broken configuration is said, not taken for "no credentials".
 */
static int
registry_url(char **out)
{
	struct pierone_config cfg;
	struct pierone_err err = { 0 };

	*out = NULL;
	if (pierone_config_load(&cfg, NULL, &err) != 0)
		return fail(err.msg);
	if (cfg.url != NULL && (*out = strdup(cfg.url)) == NULL) {
		pierone_config_clear(&cfg);
		return fail("out of memory");
	}
	pierone_config_clear(&cfg);
	return 0;
}

static bool
same_host(const char *a, const char *b)
{
	struct pierone_err err = { 0 };
	char *ha = NULL, *hb = NULL;
	bool same;

	/* Host names are case-insensitive. */
	same = pierone_registry_host(&ha, a, &err) == 0 &&
	    pierone_registry_host(&hb, b, &err) == 0 && strcasecmp(ha, hb) == 0;
	free(ha);
	free(hb);
	return same;
}

static int
print_secret(const char *server, const char *token)
{
	cJSON *o = cJSON_CreateObject();
	char *text;
	int rc = 0;

	if (o == NULL || cJSON_AddStringToObject(o, "ServerURL", server) == NULL ||
	    cJSON_AddStringToObject(o, "Username", PIERONE_DOCKER_USER) == NULL ||
	    cJSON_AddStringToObject(o, "Secret", token) == NULL ||
	    (text = cJSON_PrintUnformatted(o)) == NULL) {
		cJSON_Delete(o);
		return fail("out of memory");
	}
	if (printf("%s\n", text) < 0 || fflush(stdout) != 0)
		rc = EXIT_FAILURE;
	freezero(text, strlen(text));
	explicit_bzero(cJSON_GetObjectItem(o, "Secret")->valuestring,
	    strlen(token));
	cJSON_Delete(o);
	return rc;
}

static int
action_get(void)
{
	struct pierone_token tok;
	struct pierone_err err = { 0 };
	char server[4096], *url;
	int rc;

	if (read_server(server, sizeof(server)) != 0)
		return fail("no server URL on standard input");
	if (registry_url(&url) != 0)
		return EXIT_FAILURE;
	if (url == NULL || !same_host(server, url)) {
		free(url);
		return fail(NOT_FOUND);
	}
	free(url);
	/*
	 * No token (none, or an empty one) is what the protocol calls
	 * "credentials not found": docker then goes on without; how to get
	 * one goes to stderr, for people.
	 */
	if ((rc = pierone_token_find(&tok, 0, &err)) != 0) {
		if (rc != PIERONE_ENOTOKEN)
			return fail(err.msg);
		fprintf(stderr, "docker-credential-pierone: %s\n", err.msg);
		return fail(NOT_FOUND);
	}
	rc = print_secret(server, tok.access_token);
	pierone_token_clear(&tok);
	return rc;
}

static int
action_list(void)
{
	cJSON *o;
	char *url, *text = NULL;

	if (registry_url(&url) != 0)
		return EXIT_FAILURE;
	o = cJSON_CreateObject();
	if (o != NULL && url != NULL)
		cJSON_AddStringToObject(o, url, PIERONE_DOCKER_USER);
	if (o != NULL)
		text = cJSON_PrintUnformatted(o);
	free(url);
	cJSON_Delete(o);
	if (text == NULL)
		return fail("out of memory");
	printf("%s\n", text);
	free(text);
	return EXIT_SUCCESS;
}

/* store and erase: tokens are not stored by docker; drain the input. */
static int
action_ignore(void)
{
	char buf[4096];

	while (fread(buf, 1, sizeof(buf), stdin) > 0)
		;
	explicit_bzero(buf, sizeof(buf));
	return EXIT_SUCCESS;
}

/* A token passes through memory: no core file may keep it. */
static void
no_core_dumps(void)
{
	struct rlimit none = { 0, 0 };

	(void)setrlimit(RLIMIT_CORE, &none);
}

#define USAGE "usage: docker-credential-pierone get|store|erase|list|version"

/* --help: what it is and does, on stdout as docker reads everything. */
static int
help(void)
{
	return printf("%s\n\n"
	    "Docker's credential helper for the Pier One registry: docker runs\n"
	    "it with one action and writes the action's input to its stdin.\n\n"
	    "actions:\n"
	    "  get      the token for the server URL read from stdin\n"
	    "  list     the configured registry and its user name\n"
	    "  store    ignored: the token is never stored\n"
	    "  erase    ignored\n"
	    "  version  print the version\n\n"
	    "See docker-credential-pierone(1).\n", USAGE) < 0;
}

int
main(int argc, char *argv[])
{
	int rc;

	no_core_dumps();
	signal(SIGPIPE, SIG_IGN);
	if (argc != 2)
		return fail(USAGE);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		rc = help();
	else if (strcmp(argv[1], "get") == 0)
		rc = action_get();
	else if (strcmp(argv[1], "list") == 0)
		rc = action_list();
	else if (strcmp(argv[1], "store") == 0 ||
	    strcmp(argv[1], "erase") == 0)
		rc = action_ignore();
	else if (strcmp(argv[1], "version") == 0)
		rc = printf("docker-credential-pierone (pierone) %s\n",
		    PIERONE_VERSION) < 0;
	else {
		printf("unknown action: %s\n", argv[1]);
		rc = EXIT_FAILURE;
	}
	if (fflush(stdout) != 0)
		rc = EXIT_FAILURE;
	return rc;
}
