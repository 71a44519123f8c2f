/*
 * inspect-contents: the files in the top layers of an image, with a
 * progress line on stderr while the layers download (on a terminal only).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct column files_cols[] = {
	{ "layer_index", "Idx", COL_INT, 0 },
	{ "layer_id", "Layer", COL_STR, 16 },
	{ "mode", "Mode", COL_STR, 0 },
	{ "name", "Name", COL_STR, 0 },
	{ "size", "Size", COL_INT, 0 },
	{ "created_time", "Created", COL_TIME, 0 },
};
#define FILES_NCOLS (sizeof(files_cols) / sizeof(files_cols[0]))

/* The progress line: redrawn when the layer or the percentage changes. */
struct progress {
	size_t layer;
	int pct;
	int width;		/* of the line last drawn, 0: none */
};

static void
progress_draw(void *arg, size_t layer, size_t nlayers, int64_t done,
    int64_t total)
{
	struct progress *p = arg;
	int pct = total > 0 ? (int)(done * 100 / total) : -1;
	int n;

	if (layer == p->layer && pct == p->pct && p->width > 0)
		return;
	p->layer = layer;
	p->pct = pct;
	if (pct >= 0)
		n = fprintf(stderr, "\rlayer %zu/%zu %3d%%", layer, nlayers,
		    pct);
	else
		n = fprintf(stderr, "\rlayer %zu/%zu", layer, nlayers);
	/* A shorter line than the last leaves its end: blank it. */
	if (n - 1 < p->width)
		fprintf(stderr, "%*s", p->width - (n - 1), "");
	if (n - 1 > p->width)
		p->width = n - 1;
	fflush(stderr);
}

static void
progress_clear(struct progress *p)
{
	if (p->width > 0)
		fprintf(stderr, "\r%*s\r", p->width, "");
	fflush(stderr);
	p->width = 0;
}

/* Numbers as text for the table: two per file. */
typedef char num_pair[2][24];

static int
add_rows(struct table *t, const struct pierone_layer_files *f, num_pair *nums)
{
	const struct pierone_layer_file *file;
	const char *colon;
	struct cell *row;

	for (size_t i = 0; i < f->count; i++) {
		if ((row = table_add_row(t)) == NULL)
			return -1;
		file = &f->files[i];
		snprintf(nums[i][0], sizeof(nums[i][0]), "%zu",
		    file->layer_index);
		snprintf(nums[i][1], sizeof(nums[i][1]), "%" PRId64,
		    file->size);
		colon = strchr(file->layer_id, ':');
		row[0].s = nums[i][0];
		row[1].s = colon != NULL ? colon + 1 : file->layer_id;
		row[2].s = file->mode;
		row[3].s = file->name;
		row[4].s = nums[i][1];
		row[5].t = file->mtime;
	}
	return 0;
}

static int
print_files(struct cli *cli, struct pierone_layer_files **res, size_t n)
{
	num_pair **nums;
	struct table t;
	int rc = 0;

	if ((nums = calloc(n + 1, sizeof(*nums))) == NULL) {
		cli_warnx("out of memory");
		return EXIT_FAILURE;
	}
	table_init(&t, files_cols, FILES_NCOLS);
	for (size_t i = 0; i < n && rc == 0; i++)
		if ((nums[i] = calloc(res[i]->count + 1, sizeof(num_pair))) ==
		    NULL || add_rows(&t, res[i], nums[i]) != 0)
			rc = EXIT_FAILURE;
	if (rc == 0)
		rc = cli_print_table(cli, &t);
	else
		cli_warnx("out of memory");
	table_free(&t);
	for (size_t i = 0; i < n; i++)
		free(nums[i]);
	free(nums);
	return rc;
}

/* The files of one tag (NULL: the latest) into *out. */
static int
inspect_tag(struct cli *cli, const char *team, const char *artifact,
    const char *tag, struct pierone_layer_files **out)
{
	struct progress p = { 0 };
	char *latest = NULL;
	long max = cli_number(cli, "limit", 1);
	int rc;

	if (tag == NULL) {
		if ((rc = pierone_latest(&latest, cli->client, team, artifact,
		    0)) != 0)
			return cli_lib_fail(cli, rc);
		tag = latest;
		/* a name from the server, not a usage error (exit 2) */
		if (!pierone_segment_requestable(tag)) {
			cli_warnx("the latest tag of '%s/%s', '%s', cannot be "
			    "requested", team, artifact, tag);
			free(latest);
			return EXIT_FAILURE;
		}
	}
	rc = pierone_image_files(out, cli->client, team, artifact, tag, max,
	    isatty(STDERR_FILENO) ? progress_draw : NULL, &p);
	progress_clear(&p);
	free(latest);
	return rc != 0 ? cli_lib_fail(cli, rc) : 0;
}

int
cmd_inspect_contents(struct cli *cli)
{
	const struct cli_operands *a = &cli->args;
	struct pierone_layer_files **res;
	size_t n;
	int rc = 0;

	n = a->nnames > 0 ? a->nnames : 1;
	if ((res = calloc(n, sizeof(*res))) == NULL) {
		cli_warnx("out of memory");
		return EXIT_FAILURE;
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = inspect_tag(cli, a->team, a->artifact, a->nnames > 0 ?
		    a->names[i] : NULL, &res[i]);
	if (rc == 0)
		rc = print_files(cli, res, n);
	for (size_t i = 0; i < n; i++)
		pierone_layer_files_free(res[i]);
	free(res);
	return rc;
}
