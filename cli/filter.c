/*
 * --filter, --exclude and --all of tags and latest: which tags the
 * client lists, by name (pierone_set_tag_filter()).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A tag is kept when it matches a --filter (if any) and no --exclude. */
static bool
keep_tag(const char *name, void *arg)
{
	const struct tag_filter *f = arg;
	bool in = f->ninclude == 0;

	for (size_t i = 0; i < f->ninclude && !in; i++)
		in = regexec(&f->include[i], name, 0, NULL, 0) == 0;
	for (size_t i = 0; i < f->nexclude && in; i++)
		in = regexec(&f->exclude[i], name, 0, NULL, 0) != 0;
	return in;
}

/* Longer patterns are refused: glibc's regcomp() can take gigabytes. */
#define PATTERN_MAX	1024

int
tag_filter_check(const char *value, char *why, size_t size)
{
	regex_t re;
	int rc;

	if (strlen(value) > PATTERN_MAX) {
		snprintf(why, size, "longer than %d bytes", PATTERN_MAX);
		return -1;
	}
	if ((rc = regcomp(&re, value, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(rc, &re, why, size);
		return -1;
	}
	regfree(&re);
	return 0;
}

/* The values of --`option` compiled into *res (n of them). */
static int
compile_all(struct cli *cli, const char *option, regex_t **res, size_t *n)
{
	const char *const *pats;
	size_t count = cli_strings(cli, option, &pats);
	char msg[128];
	int rc;

	*n = 0;
	if (count == 0)
		return 0;
	if ((*res = calloc(count, sizeof(**res))) == NULL) {
		cli_warnx("out of memory");
		return EXIT_FAILURE;
	}
	for (; *n < count; (*n)++) {
		rc = regcomp(&(*res)[*n], pats[*n], REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			regerror(rc, &(*res)[*n], msg, sizeof(msg));
			return cli_usage_error(cli->cmd, "invalid --%s '%s': %s",
			    option, pats[*n], msg);
		}
	}
	return 0;
}

int
tag_filter_setup(struct cli *cli, struct tag_filter *f)
{
	int rc;

	*f = (struct tag_filter){ 0 };
	if ((rc = compile_all(cli, "filter", &f->include, &f->ninclude)) !=
	    0 || (rc = compile_all(cli, "exclude", &f->exclude,
	    &f->nexclude)) != 0)
		return rc;
	pierone_set_tag_filter(cli->client, f->ninclude + f->nexclude > 0 ?
	    keep_tag : NULL, f, (cli_flag(cli, "all") ?
	    PIERONE_TAGS_SIGNATURES : 0) | (cli_flag(cli, "no-dates") ?
	    PIERONE_TAGS_NO_DATES : 0));
	return 0;
}

void
tag_filter_free(struct tag_filter *f)
{
	for (size_t i = 0; i < f->ninclude; i++)
		regfree(&f->include[i]);
	for (size_t i = 0; i < f->nexclude; i++)
		regfree(&f->exclude[i]);
	free(f->include);
	free(f->exclude);
	*f = (struct tag_filter){ 0 };
}
