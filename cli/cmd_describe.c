/*
 * describe and mark-production-ready.  describe prints sections like
 * stups-pierone 0.22's DetailsBox (a title line, then "KEY ┃ VALUE"
 * lines); every value is escaped line by line, as it comes from a
 * server and may hold what a terminal would act on.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/ioctl.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define REVERSE_ON	"\033[7m"
#define STYLE_OFF	"\033[0m"
#define MAX_ENTRIES	32

struct entry {
	const char *section;
	const char *key;
	const char *value;	/* may hold newlines; NULL prints empty */
};

/* The details as sections of keys and values, in the order shown. */
struct box {
	struct entry e[MAX_ENTRIES];
	size_t n;
	char num[4][32];	/* numbers written for the box */
	char *owned;		/* a value made for the box (labels) */
	char *shown[MAX_ENTRIES];	/* values of other types, as 0.22 */
	size_t nshown;
};

static void
box_set(struct box *b, const char *section, const char *key,
    const char *value)
{
	if (b->n < MAX_ENTRIES)
		b->e[b->n++] = (struct entry){ section, key, value };
}

/*
 * A list or an object as 0.22 showed it (Python's str(): ['a', 'b']),
 * kept by the box; its JSON text when that cannot be made.
 */
static const char *
shown_other(struct box *b, const char *json)
{
	char *s;

	if (b == NULL || b->nshown == MAX_ENTRIES ||
	    pierone_json_render(&s, json, PIERONE_RENDER_TEXT, NULL) != 0)
		return json;
	return b->shown[b->nshown++] = s;
}

/* A value as text: null empty, booleans yes/no, the rest as written. */
static const char *
value_text_in(struct box *b, const struct pierone_value *v,
    const char *absent)
{
	if (v->type == PIERONE_VALUE_OTHER && v->text != NULL)
		return shown_other(b, v->text);
	switch (v->type) {
	case PIERONE_VALUE_ABSENT:
		return absent;
	case PIERONE_VALUE_NULL:
		return "";
	case PIERONE_VALUE_BOOL:
		return strcmp(v->text, "true") == 0 ? "yes" : "no";
	default:
		return v->text;
	}
}

static const char *
value_text(const struct pierone_value *v, const char *absent)
{
	return value_text_in(NULL, v, absent);
}

/* 0.22's title: reverse video to the terminal's width, on a terminal. */
static void
print_title(const char *title, int color)
{
	struct winsize ws;
	size_t width = 100, len = strlen(title);

	if (!isatty(STDOUT_FILENO)) {
		printf("%s\n", title);
		return;
	}
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		width = ws.ws_col;
	printf("%s%s%*s%s\n", color ? REVERSE_ON : "", title,
	    (int)(len < width ? width - len : 0), "", color ? STYLE_OFF : "");
}

static void
print_kv(const char *key, size_t width, const char *line, size_t len)
{
	char *raw = strndup(line, len), *safe;

	safe = raw != NULL ? pierone_text_escape(raw) : NULL;
	printf("%-*s \u2503 %s\n", (int)width, key, safe != NULL ? safe : "");
	free(safe);
	free(raw);
}

/* One value, a line each as Python's splitlines() on '\n' cuts it. */
static void
print_value(const char *key, size_t width, const char *v)
{
	const char *nl;

	if (v == NULL || *v == '\0') {
		print_kv(key, width, "", 0);
		return;
	}
	for (; *v != '\0'; v = nl + 1, key = "") {
		if ((nl = strchr(v, '\n')) == NULL) {
			print_kv(key, width, v, strlen(v));
			break;
		}
		print_kv(key, width, v, (size_t)(nl - v));
	}
}

static void
box_print(const struct box *b)
{
	int color = output_color();
	size_t width = 1;

	for (size_t i = 0; i < b->n; i++)
		if (strlen(b->e[i].key) > width)
			width = strlen(b->e[i].key);
	for (size_t i = 0; i < b->n; i++) {
		if (i == 0 || strcmp(b->e[i].section, b->e[i - 1].section) != 0)
			print_title(b->e[i].section, color);
		print_value(b->e[i].key, width, b->e[i].value);
	}
}

#define GENERAL		"General Information"
#define COMMIT		"Commit Information"
#define COMPLIANCE	"Compliance Information"
#define IMAGE		"Image Information"

static void
box_general(struct box *b, const struct cli_operands *a)
{
	box_set(b, GENERAL, "Team", a->team);
	box_set(b, GENERAL, "Artifact", a->artifact);
	box_set(b, GENERAL, "Tag", a->tag);
}

/* Pier One: the tag, where it was built from, its compliance status. */
static void
box_pierone(struct box *b, const struct pierone_image_details *d)
{
	const struct pierone_value *by = &d->created_by;

	box_set(b, GENERAL, "Author", by->type == PIERONE_VALUE_STRING ?
	    cli_user_name(by->text) : value_text_in(b, by, ""));
	box_set(b, GENERAL, "Created in", value_text_in(b, &d->created, ""));
	if (d->scm.found) {
		box_set(b, COMMIT, "Repository", d->scm.url);
		box_set(b, COMMIT, "Hash", d->scm.revision);
		if (d->scm.created_text != NULL)
			box_set(b, COMMIT, "Time", d->scm.created_text);
		box_set(b, COMMIT, "Author", d->scm.author);
	} else {
		box_set(b, COMPLIANCE, "Valid SCM Source", "No SCM Source");
	}
	box_set(b, COMPLIANCE, "Effective Status", value_text_in(b,
	    &d->status, "Not Processed"));
	box_set(b, COMPLIANCE, "Status Reason", value_text_in(b,
	    &d->status_reason, "Not Processed"));
	box_set(b, COMPLIANCE, "Status Date",
	    value_text_in(b, &d->status_received_at, ""));
	box_set(b, COMPLIANCE, "Image", value_text_in(b, &d->image, ""));
}

/* "a\nb": the list's items, one a line; "KEY=VALUE" for labels. */
static char *
join_lines(const struct pierone_image_details *d, bool labels)
{
	size_t n = labels ? d->nlabels : d->platforms.count, len = 1;
	char *s, *p;

	for (size_t i = 0; i < n; i++)
		len += labels ? strlen(d->labels[i].key) + 2 +
		    strlen(value_text(&d->labels[i].value, "")) :
		    strlen(d->platforms.items[i]) + 1;
	if ((s = p = malloc(len)) == NULL)
		return NULL;
	*p = '\0';
	for (size_t i = 0; i < n; i++)
		p += labels ? sprintf(p, "%s%s=%s", i ? "\n" : "",
		    d->labels[i].key, value_text(&d->labels[i].value, "")) :
		    sprintf(p, "%s%s", i ? "\n" : "", d->platforms.items[i]);
	return s;
}

/* v2: the manifest and config. */
static int
box_v2(struct box *b, const struct pierone_image_details *d, char **plat)
{
	box_set(b, GENERAL, "Created in", value_text_in(b, &d->config_created, ""));
	box_set(b, IMAGE, "Digest", d->digest);
	box_set(b, IMAGE, "Media Type", d->media_type);
	if ((*plat = join_lines(d, false)) == NULL ||
	    (b->owned = join_lines(d, true)) == NULL)
		return -1;
	box_set(b, IMAGE, "Platforms", *plat);
	if (d->nlayers >= 0)
		snprintf(b->num[0], sizeof(b->num[0]), "%ld", d->nlayers);
	if (d->size >= 0)
		snprintf(b->num[1], sizeof(b->num[1]), "%" PRId64, d->size);
	box_set(b, IMAGE, "Layers", b->num[0]);
	box_set(b, IMAGE, "Size", b->num[1]);
	box_set(b, IMAGE, "Labels", b->owned);
	return 0;
}

static int
describe_text(const struct cli_operands *a,
    const struct pierone_image_details *d)
{
	struct box b = { .n = 0 };
	char *plat = NULL;
	int rc = 0;

	box_general(&b, a);
	if (d->api == PIERONE_API_V2)
		rc = box_v2(&b, d, &plat);
	else
		box_pierone(&b, d);
	if (rc == 0)
		box_print(&b);
	else
		cli_warnx("out of memory");
	free(plat);
	free(b.owned);
	for (size_t i = 0; i < b.nshown; i++)
		free(b.shown[i]);
	return rc == 0 ? 0 : EXIT_FAILURE;
}

/* A value in JSON: strings escaped, numbers and lists as written. */
static void
json_value(const struct pierone_value *v, const char *absent)
{
	char *r = NULL;

	switch (v->type) {
	case PIERONE_VALUE_ABSENT:
		if (absent != NULL)
			json_string(stdout, absent);
		else
			fputs("null", stdout);
		break;
	case PIERONE_VALUE_NULL:
		fputs("null", stdout);
		break;
	case PIERONE_VALUE_STRING:
		json_string(stdout, v->text);
		break;
	default:	/* as json.dumps(sort_keys=True) writes it, as tags does */
		if (pierone_json_render(&r, v->text, PIERONE_RENDER_JSON,
		    NULL) == 0)
			fputs(r, stdout);
		else
			json_ascii(stdout, v->text);
		free(r);
		break;
	}
}

/* "KEY": with the separator before it; then the caller's value. */
static void
json_key(const char *key, bool first)
{
	fputs(first ? "{" : ", ", stdout);
	json_string(stdout, key);
	fputs(": ", stdout);
}

static void
json_str_or_null(const char *s)
{
	if (s != NULL)
		json_string(stdout, s);
	else
		fputs("null", stdout);
}

static void
json_scm(const struct pierone_scm_source *s)
{
	if (!s->found) {
		fputs("null", stdout);
		return;
	}
	json_key("author", true);
	json_str_or_null(s->author);
	json_key("created", false);
	json_str_or_null(s->created_text);
	json_key("revision", false);
	json_str_or_null(s->revision);
	json_key("url", false);
	json_str_or_null(s->url);
	putchar('}');
}

/* Keys sorted, as the other commands' json. */
static void
json_pierone(const struct cli_operands *a,
    const struct pierone_image_details *d)
{
	json_key("artifact", true);
	json_string(stdout, a->artifact);
	json_key("created", false);
	json_value(&d->created, NULL);
	json_key("created_by", false);
	json_value(&d->created_by, NULL);
	json_key("image", false);
	json_value(&d->image, NULL);
	json_key("scm_source", false);
	json_scm(&d->scm);
	json_key("status", false);
	json_value(&d->status, "Not Processed");
	json_key("status_reason", false);
	json_value(&d->status_reason, "Not Processed");
	json_key("status_received_at", false);
	json_value(&d->status_received_at, NULL);
}

static void
json_number(long long n)
{
	if (n < 0)
		fputs("null", stdout);
	else
		printf("%lld", n);
}

static void
json_v2(const struct cli_operands *a, const struct pierone_image_details *d)
{
	json_key("artifact", true);
	json_string(stdout, a->artifact);
	json_key("created", false);
	json_value(&d->config_created, NULL);
	json_key("digest", false);
	json_str_or_null(d->digest);
	json_key("labels", false);
	for (size_t i = 0; i < d->nlabels; i++) {
		json_key(d->labels[i].key, i == 0);
		json_value(&d->labels[i].value, NULL);
	}
	fputs(d->nlabels > 0 ? "}" : "{}", stdout);
	json_key("layers", false);
	json_number(d->nlayers);
	json_key("media_type", false);
	json_str_or_null(d->media_type);
	json_key("platforms", false);
	putchar('[');
	for (size_t i = 0; i < d->platforms.count; i++) {
		fputs(i > 0 ? ", " : "", stdout);
		json_string(stdout, d->platforms.items[i]);
	}
	putchar(']');
	json_key("size", false);
	json_number((long long)d->size);
}

static int
describe_json(const struct cli_operands *a,
    const struct pierone_image_details *d)
{
	if (d->api == PIERONE_API_V2)
		json_v2(a, d);
	else
		json_pierone(a, d);
	json_key("tag", false);
	json_string(stdout, a->tag);
	json_key("team", false);
	json_string(stdout, a->team);
	fputs("}\n", stdout);
	return 0;
}

int
cmd_describe(struct cli *cli)
{
	const struct cli_operands *a = &cli->args;
	struct pierone_image_details *d;
	int rc;

	if ((rc = pierone_image_describe(&d, cli->client, a->team, a->artifact,
	    a->tag)) != 0)
		return cli_lib_fail(cli, rc);
	rc = cli->format == OUT_JSON ? describe_json(a, d) :
	    describe_text(a, d);
	pierone_image_details_free(d);
	return rc;
}

int
cmd_mark_production_ready(struct cli *cli)
{
	const struct cli_operands *a = &cli->args;
	struct pierone_err err = { 0 };
	char *host, *incident;
	int rc;

	if ((rc = pierone_mark_production_ready(cli->client, a->team,
	    a->artifact, a->tag, a->incident)) != 0)
		return cli_lib_fail(cli, rc);
	if (pierone_registry_host(&host, pierone_client_url(cli->client),
	    &err) != 0) {
		cli_warnx("%s", err.msg);
		return EXIT_FAILURE;
	}
	/* The incident is the user's, but may have come from anywhere. */
	if ((incident = pierone_text_escape(a->incident)) == NULL) {
		free(host);
		cli_warnx("out of memory");
		return EXIT_FAILURE;
	}
	printf("Marked %s/%s/%s:%s as 'production_ready' due to incident "
	    "%s.\n", host, a->team, a->artifact, a->tag, incident);
	free(incident);
	free(host);
	return 0;
}
