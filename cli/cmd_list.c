/*
 * The read commands: teams, artifacts, tags, latest.  Output is the
 * contract stups-pierone 0.22 set for scripts; see output.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define NOT_PROCESSED "Not Processed"

int
cmd_teams(struct cli *cli)
{
	static const struct column cols[] = { { "name", "Name", COL_STR, 0 } };
	struct pierone_strlist *teams;
	struct table t;
	struct cell *row;
	int rc;

	if ((rc = pierone_teams_list(&teams, cli->client)) != 0)
		return cli_lib_fail(cli, rc);
	pierone_strlist_sort(teams);
	table_init(&t, cols, 1);
	for (size_t i = 0; i < teams->count && rc == 0; i++) {
		if ((row = table_add_row(&t)) == NULL)
			rc = EXIT_FAILURE;
		else
			row[0].s = teams->items[i];
	}
	if (rc == 0)
		rc = cli_print_table(cli, &t);
	else
		cli_warnx("out of memory");
	table_free(&t);
	pierone_strlist_free(teams);
	return rc;
}

int
cmd_artifacts(struct cli *cli)
{
	static const struct column cols[] = {
		{ "team", "Team", COL_STR, 0 }, { "artifact", "Artifact", COL_STR, 0 },
	};
	const char *team = cli->args.team;
	struct pierone_strlist *arts;
	struct table t;
	struct cell *row;
	int rc;

	if ((rc = pierone_artifacts_list(&arts, cli->client, team)) != 0)
		return cli_lib_fail(cli, rc);
	pierone_strlist_sort(arts);
	table_init(&t, cols, 2);
	for (size_t i = 0; i < arts->count && rc == 0; i++) {
		if ((row = table_add_row(&t)) == NULL) {
			rc = EXIT_FAILURE;
		} else {
			row[0].s = team;
			row[1].s = arts->items[i];
		}
	}
	if (rc == 0)
		rc = cli_print_table(cli, &t);
	else
		cli_warnx("out of memory");
	table_free(&t);
	pierone_strlist_free(arts);
	return rc;
}

/* REGISTRY/TEAM/ARTIFACT:TAG@DIGEST of the tag. */
static int
print_digest(struct cli *cli, const char *team, const char *artifact,
    const char *tag)
{
	struct pierone_err err = { 0 };
	char *digest, *host;
	int rc;

	if ((rc = pierone_manifest_digest(&digest, cli->client, team, artifact,
	    tag)) != 0)
		return cli_lib_fail(cli, rc);
	if (pierone_registry_host(&host, pierone_client_url(cli->client),
	    &err) != 0) {
		free(digest);
		cli_warnx("%s", err.msg);
		return EXIT_FAILURE;
	}
	printf("%s/%s/%s:%s@%s\n", host, team, artifact, tag, digest);
	free(host);
	free(digest);
	return 0;
}

/* latest -o json|tsv: team, artifact, tag, created_time [, digest]. */
static int
print_latest_row(struct cli *cli, const char *team, const char *artifact,
    const char *tag, const struct pierone_time *created)
{
	static const struct column cols[] = {
		{ "team", "Team", COL_STR, 0 },
		{ "artifact", "Artifact", COL_STR, 0 },
		{ "tag", "Tag", COL_STR, 0 },
		{ "created_time", "Created", COL_TIME, 0 },
		{ "digest", "Digest", COL_STR, 0 },
	};
	bool want_digest = cli_flag(cli, "digest");
	char *digest = NULL;
	struct table t;
	struct cell *row;
	int rc;

	if (want_digest && (rc = pierone_manifest_digest(&digest, cli->client,
	    team, artifact, tag)) != 0)
		return cli_lib_fail(cli, rc);
	table_init(&t, cols, want_digest ? 5 : 4);
	if ((row = table_add_row(&t)) == NULL) {
		cli_warnx("out of memory");
		rc = EXIT_FAILURE;
	} else {
		row[3].t = *created;
		row[0].s = team;
		row[1].s = artifact;
		row[2].s = tag;
		if (want_digest)
			row[4].s = digest;
		if (cli->format == OUT_JSON)
			cli->format = OUT_JSON_OBJECT;
		rc = cli_print_table(cli, &t);
	}
	table_free(&t);
	free(digest);
	return rc;
}

static int
latest_print(struct cli *cli)
{
	const char *team = cli->args.team, *artifact = cli->args.artifact;
	struct pierone_time created;
	char *tag;
	int rc;

	if ((rc = pierone_latest_time(&tag, &created, cli->client, team,
	    artifact, cli_flag(cli, "no-snapshot") ?
	    PIERONE_LATEST_NO_SNAPSHOT : 0)) != 0)
		return cli_lib_fail(cli, rc);
	/* $(pierone latest ...) must be one tag, never two words or an ESC */
	if (!pierone_docker_tag_valid(tag)) {
		cli_warnx("the latest tag of '%s/%s' is not a valid Docker "
		    "tag: '%s'", team, artifact, tag);
		free(tag);
		return EXIT_FAILURE;
	}
	if (cli->format != OUT_TEXT)
		rc = print_latest_row(cli, team, artifact, tag, &created);
	else if (cli_flag(cli, "digest"))
		rc = print_digest(cli, team, artifact, tag);
	else
		printf("%s\n", tag);
	free(tag);
	return rc;
}

int
cmd_latest(struct cli *cli)
{
	struct tag_filter filter;
	int rc;

	if ((rc = tag_filter_setup(cli, &filter)) == 0)
		rc = latest_print(cli);
	tag_filter_free(&filter);
	return rc;
}

/* Artifacts sort by name; equal names are the same artifact. */
static int
cmp_name_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * A member of a tag into its cell as 0.22 showed it: a value of another
 * type than string as Python printed it, a missing status as "Not
 * Processed" (an explicit null stays null), CDP's robots as "[CDP]".
 */
static int
tag_cell(struct table *t, struct cell *c, enum out_format fmt,
    const struct pierone_tag *tag, unsigned int member, const char *val)
{
	if (tag->raw & member)
		return table_set_raw(t, c, val, fmt);
	if (val == NULL && !(tag->null & member) &&
	    (member & (PIERONE_TAG_STATUS | PIERONE_TAG_STATUS_REASON)))
		val = NOT_PROCESSED;
	c->s = member == PIERONE_TAG_CREATED_BY ? cli_user_name(val) : val;
	return 0;
}

/* A tag and its place in the registry's list, for a stable sort. */
struct sorted {
	struct pierone_tag tag;
	size_t pos;
};

/* --sort created: oldest first, tags without a time before all. */
static int
cmp_created(const void *a, const void *b)
{
	const struct sorted *x = a, *y = b;
	const struct pierone_time *s = &x->tag.created, *t = &y->tag.created;

	if (s->valid != t->valid)
		return s->valid ? 1 : -1;
	if (s->valid && (s->sec != t->sec || s->ms != t->ms))
		return s->sec != t->sec ? (s->sec < t->sec ? -1 : 1) :
		    (s->ms < t->ms ? -1 : 1);
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* --sort name: byte order of the names. */
static int
cmp_name(const void *a, const void *b)
{
	const struct sorted *x = a, *y = b;
	int c = strcmp(x->tag.name, y->tag.name);

	if (c != 0)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * The artifact's tags in --sort order (key 0 created, 1 name; -1 the
 * registry's), equal ones as listed.  0, or -1 when out of memory.
 */
static int
tags_sort(struct pierone_tag_list *l, long key)
{
	struct sorted *s;

	if (key < 0 || l->count < 2)
		return 0;
	if ((s = calloc(l->count, sizeof(*s))) == NULL)
		return -1;
	for (size_t i = 0; i < l->count; i++)
		s[i] = (struct sorted){ l->tags[i], i };
	qsort(s, l->count, sizeof(*s), key == 0 ? cmp_created : cmp_name);
	for (size_t i = 0; i < l->count; i++)
		l->tags[i] = s[i].tag;
	free(s);
	return 0;
}

/*
 * The group's rows: the last `limit` tags of its order (all if 0), in
 * reverse when `reverse`.
 */
static int
tags_rows(struct table *t, const char *team, const char *artifact,
    const struct pierone_tag_list *l, long limit, enum out_format fmt,
    bool reverse)
{
	size_t first = 0, n = l->count;
	const struct pierone_tag *tag;
	struct cell *row;

	if (limit > 0 && n > (size_t)limit)
		first = n - (size_t)limit;
	for (size_t k = first; k < n; k++) {
		tag = &l->tags[reverse ? n - 1 - (k - first) : k];
		if ((row = table_add_row(t)) == NULL)
			return -1;
		row[0].s = team;
		row[1].s = artifact;
		row[3].t = tag->created;
		if (tag_cell(t, &row[2], fmt, tag, PIERONE_TAG_NAME,
		    tag->name) != 0 ||
		    tag_cell(t, &row[4], fmt, tag, PIERONE_TAG_CREATED_BY,
		    tag->created_by) != 0 ||
		    tag_cell(t, &row[5], fmt, tag, PIERONE_TAG_STATUS,
		    tag->status) != 0 ||
		    tag_cell(t, &row[6], fmt, tag, PIERONE_TAG_STATUS_REASON,
		    tag->status_reason) != 0)
			return -1;
	}
	return 0;
}

static const struct column tags_cols[] = {
	{ "team", "Team", COL_STR, 0 },
	{ "artifact", "Artifact", COL_STR, 0 },
	{ "tag", "Tag", COL_STR, 0 },
	{ "created_time", "Created", COL_TIME, 0 },
	{ "created_by", "By", COL_STR, 0 },
	{ "status", "Status", COL_STR, 0 },
	{ "status_reason", "Status Reason", COL_STR, 0 },
};

/* The tags table as the lists come. */
struct tags_out {
	struct cli *cli;
	const char *team;
	const char *const *names;	/* in the table's order */
	long limit, sort;
	bool reverse;
	struct table t;
};

/*
 * Artifact i's list, in its turn: its rows into the table, the list
 * freed, so that only the table grows with the team.
 */
static int
tags_took(struct pierone_tag_list *l, size_t i, void *arg)
{
	struct tags_out *o = arg;
	int rc = 0;

	if (tags_sort(l, o->sort) != 0 || tags_rows(&o->t, o->team,
	    o->names[i], l, o->limit, o->cli->format, o->reverse) != 0 ||
	    table_pack(&o->t) != 0)
		rc = PIERONE_ENOMEM;
	pierone_tag_list_free(l);
	return rc;
}

/* The tags of the n artifacts `names` (sorted here) as one table. */
static int
tags_print(struct cli *cli, const char *team, const char **names, size_t n,
    long limit)
{
	struct tags_out o = { .cli = cli, .team = team, .names = names,
	    .limit = limit, .sort = cli_number(cli, "sort", -1),
	    .reverse = cli_flag(cli, "reverse") };
	long jobs = cli_number(cli, "jobs", cli->config.jobs);
	int rc;

	qsort(names, n, sizeof(*names), cmp_name_ptr);
	table_init(&o.t, tags_cols, sizeof(tags_cols) / sizeof(tags_cols[0]));
	rc = pierone_tags_each(cli->client, team, names, n, (unsigned int)jobs,
	    tags_took, &o);
	rc = rc != 0 ? cli_lib_fail(cli, rc) : cli_print_table(cli, &o.t);
	table_free(&o.t);
	return rc;
}

/*
 * Names from the server are listed whatever they hold; one that cannot be
 * requested at all ("", "..") is left out with a warning.
 */
static void
skip_unrequestable(struct pierone_strlist *arts)
{
	size_t k = 0;

	for (size_t i = 0; i < arts->count; i++) {
		if (pierone_segment_requestable(arts->items[i])) {
			arts->items[k++] = arts->items[i];
			continue;
		}
		cli_warnx("skipping artifact '%s': its name cannot be "
		    "requested", arts->items[i]);
		free(arts->items[i]);
	}
	arts->count = k;
}

/* tags, once the filter is set */
static int
tags_team(struct cli *cli, const char *team, long limit)
{
	struct pierone_strlist *arts = NULL;
	const char **names;
	size_t n;
	int rc;

	if (cli->args.nnames == 0) {
		if ((rc = pierone_artifacts_list(&arts, cli->client, team)))
			return cli_lib_fail(cli, rc);
		if (arts->count == 0) {
			pierone_strlist_free(arts);
			cli_warnx("team '%s' has no artifacts", team);
			return EXIT_FAILURE;
		}
	}
	if (arts != NULL)
		skip_unrequestable(arts);
	n = arts != NULL ? arts->count : cli->args.nnames;
	if ((names = calloc(n + 1, sizeof(*names))) == NULL) {
		pierone_strlist_free(arts);
		cli_warnx("out of memory");
		return EXIT_FAILURE;
	}
	for (size_t i = 0; i < n; i++)
		names[i] = arts != NULL ? arts->items[i] : cli->args.names[i];
	rc = tags_print(cli, team, names, n, limit);
	free(names);
	pierone_strlist_free(arts);
	return rc;
}

int
cmd_tags(struct cli *cli)
{
	struct tag_filter filter;
	long limit;
	int rc;

	limit = cli_number(cli, "limit", cli->args.nnames > 0 ? 20 : 3);
	if (cli_flag(cli, "no-dates") && cli_number(cli, "sort", -1) == 0)
		return cli_usage_error(cli->cmd, "--sort created needs the dates "
		    "that --no-dates leaves out");
	if ((rc = tag_filter_setup(cli, &filter)) == 0)
		rc = tags_team(cli, cli->args.team, limit);
	tag_filter_free(&filter);
	return rc;
}
