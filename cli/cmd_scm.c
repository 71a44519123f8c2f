/*
 * scm-source and image: where a tag was built from, and which tags an
 * image id has.  Output as stups-pierone 0.22 printed it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct column scm_cols[] = {
	{ "tag", "Tag", COL_STR, 0 },
	{ "author", "Author", COL_STR, 0 },
	{ "url", "URL", COL_STR, 0 },
	{ "revision", "Revision", COL_STR, 10 },
	{ "status", "Status", COL_STR, 0 },
	{ "created_time", "Created", COL_TIME, 0 },
	{ "created_by", "By", COL_STR, 0 },
};
#define SCM_NCOLS (sizeof(scm_cols) / sizeof(scm_cols[0]))

/* The named tag in the artifact's list, or NULL. */
static const struct pierone_tag *
find_tag(const struct pierone_tag_list *l, const char *name)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->tags[i].name, name) == 0)
			return &l->tags[i];
	return NULL;
}

/* A row of the table before it is made: rows sort by tag, then time. */
struct scm_row {
	const char *name;
	const struct pierone_tag *tag;	/* NULL when not listed */
	size_t i;			/* in names and src */
};

static int
cmp_rows(const void *a, const void *b)
{
	const struct scm_row *x = a, *y = b;
	static const struct pierone_time none;
	const struct pierone_time *s = x->tag != NULL ? &x->tag->created :
	    &none, *t = y->tag != NULL ? &y->tag->created : &none;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	if (s->valid != t->valid)
		return s->valid ? 1 : -1;
	if (s->sec != t->sec)
		return s->sec < t->sec ? -1 : 1;
	if (s->ms != t->ms)
		return s->ms < t->ms ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int
scm_print(struct cli *cli, const char *const *names, size_t n,
    const struct pierone_scm_source *src, const struct pierone_tag_list *l)
{
	const struct pierone_scm_source *sc;
	const struct pierone_tag *tag;
	struct scm_row *rows;
	struct table t;
	struct cell *row;
	int rc = 0;

	if ((rows = calloc(n + 1, sizeof(*rows))) == NULL) {
		cli_warnx("out of memory");
		return EXIT_FAILURE;
	}
	for (size_t i = 0; i < n; i++)
		rows[i] = (struct scm_row){ names[i], find_tag(l, names[i]), i };
	qsort(rows, n, sizeof(*rows), cmp_rows);
	table_init(&t, scm_cols, SCM_NCOLS);
	for (size_t k = 0; k < n && rc == 0; k++) {
		if ((row = table_add_row(&t)) == NULL) {
			rc = EXIT_FAILURE;
			break;
		}
		tag = rows[k].tag;
		sc = &src[rows[k].i];
		row[0].s = rows[k].name;
		row[1].s = sc->author;
		row[2].s = sc->url;
		row[3].s = sc->revision;
		row[4].s = sc->status;
		if (tag != NULL)
			row[5].t = tag->created;
		/* the raw author, as 0.22 showed it here; another type as text */
		if (tag != NULL && (tag->raw & PIERONE_TAG_CREATED_BY))
			rc = table_set_raw(&t, &row[6], tag->created_by,
			    OUT_TEXT) != 0 ? EXIT_FAILURE : 0;
		else
			row[6].s = tag != NULL && tag->created_by != NULL ?
			    tag->created_by : "";
	}
	if (rc == 0)
		rc = cli_print_table(cli, &t);
	else
		cli_warnx("out of memory");
	table_free(&t);
	free(rows);
	return rc;
}

/* The tags to show: the ones named, or every tag of the artifact. */
static const char **
scm_names(const struct cli_operands *a, const struct pierone_tag_list *l,
    size_t *n)
{
	const char **names;

	*n = a->nnames > 0 ? a->nnames : l->count;
	if ((names = calloc(*n + 1, sizeof(*names))) == NULL)
		return NULL;
	for (size_t i = 0; i < *n; i++)
		names[i] = a->nnames > 0 ? a->names[i] : l->tags[i].name;
	return names;
}

/*
 * The SCM source of every tag in names.  A tag name from the server that
 * cannot be requested at all ("", "..") is told once and keeps its row
 * with empty cells, as a tag without SCM data does.
 */
static int
scm_fetch(struct cli *cli, const char *team, const char *artifact,
    const char **names, size_t n, struct pierone_scm_source **out)
{
	struct pierone_scm_source *all, *got = NULL;
	const char **req;
	size_t k = 0;
	int rc = 0;

	all = calloc(n + 1, sizeof(*all));
	req = calloc(n + 1, sizeof(*req));
	if (all == NULL || req == NULL) {
		free(all);
		free(req);
		cli_warnx("out of memory");
		return EXIT_FAILURE;
	}
	for (size_t i = 0; i < n; i++) {
		if (pierone_segment_requestable(names[i]))
			req[k++] = names[i];
		else
			cli_warnx("skipping the SCM source of tag '%s': its "
			    "name cannot be requested", names[i]);
	}
	if (k > 0 && (rc = pierone_scm_sources(&got, cli->client, team,
	    artifact, req, k, (unsigned int)cli_number(cli, "jobs",
	    cli->config.jobs))) != 0)
		rc = cli_lib_fail(cli, rc);
	/* back into the order of names; the moved strings are all's now */
	for (size_t i = 0, j = 0; rc == 0 && i < n; i++)
		if (j < k && names[i] == req[j])
			all[i] = got[j++];
	free(got);
	free(req);
	if (rc != 0) {
		free(all);
		return rc;
	}
	*out = all;
	return 0;
}

int
cmd_scm_source(struct cli *cli)
{
	const char *team = cli->args.team, *artifact = cli->args.artifact;
	struct pierone_scm_source *src;
	struct pierone_tag_list *l;
	const char **names;
	size_t n;
	int rc;

	if ((rc = pierone_tags_list(&l, cli->client, team, artifact)) != 0)
		return cli_lib_fail(cli, rc);
	if (l->count == 0 && cli->args.nnames == 0) {
		pierone_tag_list_free(l);
		cli_warnx("artifact '%s/%s' has no tags", team, artifact);
		return EXIT_FAILURE;
	}
	if ((names = scm_names(&cli->args, l, &n)) == NULL) {
		pierone_tag_list_free(l);
		cli_warnx("out of memory");
		return EXIT_FAILURE;
	}
	if ((rc = scm_fetch(cli, team, artifact, names, n, &src)) == 0) {
		rc = scm_print(cli, names, n, src, l);
		pierone_scm_sources_free(src, n);
	}
	free(names);
	pierone_tag_list_free(l);
	return rc;
}

int
cmd_image(struct cli *cli)
{
	static const struct column cols[] = {
		{ "team", "Team", COL_STR, 0 },
		{ "artifact", "Artifact", COL_STR, 0 },
		{ "name", "Tag", COL_STR, 0 },
	};
	struct pierone_image_tags *tags;
	struct table t;
	struct cell *row;
	int rc;

	if ((rc = pierone_image_find(&tags, cli->client, cli->args.prefix)) != 0)
		return cli_lib_fail(cli, rc);
	table_init(&t, cols, 3);
	for (size_t i = 0; i < tags->count && rc == 0; i++) {
		if ((row = table_add_row(&t)) == NULL) {
			rc = EXIT_FAILURE;
			break;
		}
		row[0].s = tags->tags[i].team;
		row[1].s = tags->tags[i].artifact;
		row[2].s = tags->tags[i].name;
	}
	if (rc == 0)
		rc = cli_print_table(cli, &t);
	else
		cli_warnx("out of memory");
	table_free(&t);
	pierone_image_tags_free(tags);
	return rc;
}
