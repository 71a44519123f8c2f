/*
 * "did you mean ...?": the name a mistyped command or option was most
 * likely meant to be.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "cli.h"

#define MAX_DISTANCE	2
#define MIN_STEM	3	/* "mark-ready": the shortest typed stem used */
#define MAX_NAME	64

/*
 * Optimal string alignment distance: insertions, deletions, substitutions
 * and swaps of neighbours ("tgas" is one swap from "tags") cost 1 each.
 */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[MAX_NAME + 1][MAX_NAME + 1];

	if (la > MAX_NAME || lb > MAX_NAME)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/* The one name starting with the first `len` bytes of typed, or NULL. */
static const char *
unique_stem(const char *typed, size_t len, const char *const *names,
    size_t n)
{
	const char *found = NULL;

	for (size_t i = 0; i < n; i++) {
		if (strncmp(names[i], typed, len) != 0)
			continue;
		if (found != NULL)
			return NULL;
		found = names[i];
	}
	return found;
}

const char *
cli_suggest(const char *typed, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t best_d = MAX_DISTANCE + 1, d;

	for (size_t i = 0; i < n; i++) {
		if ((d = distance(typed, names[i])) < best_d) {
			best = names[i];
			best_d = d;
		}
	}
	if (best != NULL)
		return best;
	/* "mark-ready": the longest stem only one name starts with */
	for (size_t len = strlen(typed); len-- > MIN_STEM;)
		if ((best = unique_stem(typed, len, names, n)) != NULL)
			return best;
	return NULL;
}
