/*
 * A command's options and operands, parsed and checked as its entry in
 * the command table (commands.c) describes them; its -h from the same.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_OPTS	32
#define MAX_NAME_LEN	64
#define OPT_VAL		256	/* getopt_long's value of the long option 0 */

/*
 * What getopt_long is given.  Besides the command's own options come the
 * others' (unless either has OWN_OPTIONS): one of those is taken with its
 * value and refused by name, as when all shared one parser.
 */
struct optset {
	const struct cli_option *spec[MAX_OPTS];
	struct option longs[MAX_OPTS + 1];
	char shorts[2 * MAX_OPTS + 2];
	size_t n;
	size_t own;		/* spec[0..own) are the command's */
};

static const char *const format_names[] = { "text", "json", "tsv" };

static const char *const operand_names[] = {
	[OPD_INCIDENT] = "INCIDENT", [OPD_TEAM] = "TEAM",
	[OPD_ARTIFACT] = "ARTIFACT", [OPD_TAG] = "TAG",
	[OPD_PREFIX] = "PREFIX", [OPD_COMMAND] = "COMMAND",
};

/* "a, b or c" (`last` " or ") of the n words into buf, for messages. */
static void
join_words(char *buf, size_t size, const char *const *words, size_t n,
    const char *last)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strlcat(buf, i == 0 ? "" : i + 1 == n ? last : ", ", size);
		strlcat(buf, words[i], size);
	}
}

/* " [--name ARG]" or " [-x ARG]" */
static void
usage_option(FILE *fp, const struct cli_option *o)
{
	if (o->short_name != 0)
		fprintf(fp, " [-%c", o->short_name);
	else
		fprintf(fp, " [--%s", o->name);
	if (o->arg != NULL)
		fprintf(fp, " %s", o->arg);
	putc(']', fp);
}

/*
 * The options but -h, long-only ones first, each group in the table's
 * order (by name); then the operands, the optional ones in brackets.
 */
void
cli_cmd_usage(FILE *fp, const struct cmd *cmd)
{
	const struct cli_option *const *o;
	const struct cli_operand *op;

	fprintf(fp, "usage: pierone %s", cmd->name);
	for (int shorts = 0; shorts < 2; shorts++)
		for (o = cmd->opts; *o != NULL; o++)
			if (!(*o)->hidden && (*o)->kind != OPTK_HELP &&
			    ((*o)->short_name != 0) == shorts)
				usage_option(fp, *o);
	for (size_t i = 0; i < cmd->noperands; i++) {
		op = &cmd->operands[i];
		if (op->min == 1)
			fprintf(fp, " %s", operand_names[op->kind]);
		else
			fprintf(fp, " [%s%s]", operand_names[op->kind],
			    op->max != 1 ? " ..." : "");
	}
	putc('\n', fp);
}

static void
add_options(struct optset *s, const struct cli_option *const *opts)
{
	const struct cli_option *o;
	size_t len;

	for (; (o = *opts) != NULL && s->n < MAX_OPTS; opts++) {
		for (size_t i = 0; i < s->n; i++)
			if (strcmp(s->spec[i]->name, o->name) == 0)
				goto next;
		s->spec[s->n] = o;
		s->longs[s->n] = (struct option){ o->name, o->arg != NULL ?
		    required_argument : no_argument, NULL, OPT_VAL + (int)s->n };
		len = strlen(s->shorts);
		if (o->short_name != 0) {
			s->shorts[len++] = (char)o->short_name;
			if (o->arg != NULL)
				s->shorts[len++] = ':';
		}
		s->n++;
next:		;
	}
}

static void
optset_init(struct optset *s, const struct cmd *cmd)
{
	memset(s, 0, sizeof(*s));
	s->shorts[0] = ':';	/* a missing value returns ':' */
	add_options(s, cmd->opts);
	s->own = s->n;
	if (cmd->flags & OWN_OPTIONS)
		return;
	for (size_t i = 0; i < cli_ncommands; i++)
		if (!(cli_commands[i].flags & OWN_OPTIONS))
			add_options(s, cli_commands[i].opts);
}

/* The entry getopt_long's `ch` stands for: its index, or -1. */
static int
optset_find(const struct optset *s, int ch)
{
	if (ch >= OPT_VAL && ch < OPT_VAL + (int)s->n)
		return ch - OPT_VAL;
	for (size_t i = 0; i < s->n && ch != 0; i++)
		if (s->spec[i]->short_name == ch)
			return (int)i;
	return -1;
}

/* The long names `typed` (--name[=value]) may have been meant as. */
static const char *
suggest_option(const struct cmd *cmd, const char *typed)
{
	static const char *const global[] = { "config-file", "help",
	    "verbose", "version" };
	const char *names[MAX_OPTS];
	char name[MAX_NAME_LEN];
	size_t n = 0;

	if (cmd == NULL) {
		memcpy(names, global, sizeof(global));
		n = sizeof(global) / sizeof(global[0]);
	}
	for (size_t i = 0; cmd != NULL && cmd->opts[i] != NULL &&
	    n < MAX_OPTS; i++)
		if (!cmd->opts[i]->hidden)
			names[n++] = cmd->opts[i]->name;
	if (snprintf(name, sizeof(name), "%.*s", (int)strcspn(typed + 2, "="),
	    typed + 2) >= (int)sizeof(name))
		return NULL;
	return cli_suggest(name, names, n);
}

int
cli_bad_option(const struct cmd *cmd, int ch, char **argv)
{
	char name[3] = { '-', (char)optopt, '\0' };
	const char *typed = argv[optind - 1];
	const char *opt = optopt != 0 ? name : typed, *best;
	int len = (int)strcspn(typed, "=");

	/* a long option as typed (--url, not the -U it maps to) */
	if (strncmp(typed, "--", 2) == 0 && ch == ':')
		return cli_usage_error(cmd, "option '%.*s' needs a value",
		    len, typed);
	/* getopt_long tells a known flag given a value so */
	if (strncmp(typed, "--", 2) == 0 && typed[len] == '=' && optopt != 0)
		return cli_usage_error(cmd, "option '%.*s' takes no value",
		    len, typed);
	if (strncmp(typed, "--", 2) == 0 &&
	    (best = suggest_option(cmd, typed)) != NULL)
		return cli_usage_error(cmd, "unknown option '%.*s'; did you "
		    "mean '--%s'?", len, typed, best);
	if (strncmp(typed, "--", 2) == 0)
		return cli_usage_error(cmd, "unknown option '%.*s'", len,
		    typed);
	if (ch == ':')
		return cli_usage_error(cmd, "option '%s' needs a value", opt);
	return cli_usage_error(cmd, "unknown option '%s'", opt);
}

/* The command's option --`name`: its index in cmd->opts, or -1. */
static int
option_index(const struct cmd *cmd, const char *name)
{
	for (int i = 0; i < CMD_MAX_OPTIONS && cmd->opts[i] != NULL; i++)
		if (strcmp(cmd->opts[i]->name, name) == 0)
			return i;
	return -1;
}

bool
cli_flag(const struct cli *cli, const char *name)
{
	int i = option_index(cli->cmd, name);

	return i >= 0 && cli->values[i].given;
}

const char *
cli_string(const struct cli *cli, const char *name)
{
	int i = option_index(cli->cmd, name);

	return i >= 0 && cli->values[i].given ? cli->values[i].string : NULL;
}

long
cli_number(const struct cli *cli, const char *name, long unset)
{
	int i = option_index(cli->cmd, name);

	return i >= 0 && cli->values[i].given ? cli->values[i].number : unset;
}

size_t
cli_strings(const struct cli *cli, const char *name,
    const char *const **values)
{
	int i = option_index(cli->cmd, name);

	*values = NULL;
	if (i < 0 || !cli->values[i].given)
		return 0;
	*values = cli->values[i].list;
	return cli->values[i].nlist;
}

void
cli_values_free(struct cli *cli)
{
	reference_free(&cli->args.ref);
	free(cli->args.argv);
	cli->args.argv = NULL;
	for (size_t i = 0; i < CMD_MAX_OPTIONS; i++) {
		free(cli->values[i].list);
		cli->values[i].list = NULL;
		cli->values[i].nlist = 0;
	}
}

/* One more value of an option that repeats. */
static int
add_value(struct cli_value *v)
{
	const char **list;

	if ((list = reallocarray(v->list, v->nlist + 1, sizeof(*list))) ==
	    NULL) {
		cli_warnx("out of memory");
		return EXIT_FAILURE;
	}
	v->list = list;
	v->list[v->nlist++] = optarg;
	return 0;
}

/* "invalid sort key 'x': use created or name" */
static int
parse_choice(struct cli *cli, struct cli_value *v, const struct cli_option *o)
{
	char list[128];
	size_t n = 0;

	for (; o->choices[n] != NULL; n++) {
		if (strcmp(optarg, o->choices[n]) == 0) {
			v->string = o->choices[n];
			v->number = (long)n;
			return 0;
		}
	}
	join_words(list, sizeof(list), o->choices, n, " or ");
	return cli_usage_error(cli->cmd, "invalid %s '%s': use %s", o->what,
	    optarg, list);
}

static int
parse_format(struct cli *cli, const char *arg)
{
	for (size_t i = 0; i < 3; i++) {
		if (strcmp(arg, format_names[i]) == 0) {
			cli->format = (enum out_format)i;
			return 0;
		}
	}
	return cli_usage_error(cli->cmd, "invalid output format '%s': use "
	    "text, json or tsv", arg);
}

/* The command's option `o` as given: 0 or a usage error's status. */
static int
set_option(struct cli *cli, const struct cli_option *o)
{
	int i = option_index(cli->cmd, o->name);
	struct cli_value *v = &cli->values[i < 0 ? 0 : i];
	const char *errstr;
	char why[160];

	/* past CMD_MAX_OPTIONS (check_cli counts every command's) */
	if (i < 0)
		return cli_usage_error(cli->cmd, "option '--%s' not "
		    "supported", o->name);
	if (o->check != NULL && o->check(optarg, why, sizeof(why)) != 0)
		return cli_usage_error(cli->cmd, "invalid --%s '%s': %s",
		    o->name, optarg, why);
	v->given = true;
	switch (o->kind) {
	case OPTK_HELP:
		cli->help = true;
		return 0;
	case OPTK_FLAG:
		return 0;
	case OPTK_STRING:
		v->string = optarg;
		return 0;
	case OPTK_FORMAT:
		return parse_format(cli, optarg);
	case OPTK_LIST:
		return add_value(v);
	case OPTK_CHOICE:
		return parse_choice(cli, v, o);
	case OPTK_NUMBER:
		break;
	}
	v->number = (long)strtonum(optarg, o->min, o->max, &errstr);
	if (errstr != NULL)
		return cli_usage_error(cli->cmd, "invalid %s '%s': %s%s",
		    o->what, optarg, errstr, o->hint != NULL ? o->hint : "");
	return 0;
}

/*
 * An option of another command, named as typed: its word is the last
 * one getopt took, or the one before when its value came apart.
 */
static int
other_option(const struct cmd *cmd, const struct cli_option *o, char **argv)
{
	const char *w;

	for (int k = optind - 1; k >= optind - 2 && k > 0; k--) {
		w = argv[k];
		if (strncmp(w, "--", 2) == 0 && w[2] != '\0' &&
		    strncmp(o->name, w + 2, strcspn(w + 2, "=")) == 0)
			return cli_usage_error(cmd, "unknown option '%.*s'",
			    (int)strcspn(w, "="), w);
		if (w[0] == '-' && w[1] != '-' && o->short_name != 0 &&
		    strchr(w + 1, o->short_name) != NULL)
			return cli_usage_error(cmd, "unknown option '-%c'",
			    o->short_name);
	}
	return cli_usage_error(cmd, "unknown option '--%s'", o->name);
}

/* The options, up to the first -h: 0 or a usage error's status. */
static int
parse_options(struct cli *cli, int argc, char **argv)
{
	struct optset s;
	int ch, i, rc;

	optset_init(&s, cli->cmd);
	opterr = 0;
	while (!cli->help && (ch = getopt_long(argc, argv, s.shorts, s.longs,
	    NULL)) != -1) {
		if ((i = optset_find(&s, ch)) < 0)
			return cli_bad_option(cli->cmd, ch, argv);
		if ((size_t)i >= s.own)		/* another command's */
			return other_option(cli->cmd, s.spec[i], argv);
		if ((rc = set_option(cli, s.spec[i])) != 0)
			return rc;
	}
	return 0;
}

static const char **
operand_slot(struct cli_operands *a, enum operand_kind kind)
{
	switch (kind) {
	case OPD_INCIDENT:
		return &a->incident;
	case OPD_TEAM:
		return &a->team;
	case OPD_ARTIFACT:
		return &a->artifact;
	case OPD_TAG:
		return &a->tag;
	case OPD_PREFIX:
		return &a->prefix;
	case OPD_COMMAND:
		break;
	}
	return &a->command;
}

/* "missing ARTIFACT", "missing TEAM and ARTIFACT": those not typed. */
static int
missing_operands(const struct cmd *cmd, int argc)
{
	const char *miss[CMD_MAX_OPERANDS];
	char list[64];
	size_t n = 0;

	for (size_t i = 0; i < cmd->noperands; i++) {
		if (cmd->operands[i].min == 0)
			continue;
		if (argc > 0)
			argc--;
		else
			miss[n++] = operand_names[cmd->operands[i].kind];
	}
	join_words(list, sizeof(list), miss, n, " and ");
	return cli_usage_error(cmd, "missing %s", list);
}

/* argv (the operands) into cli->args: 0 or a usage error's status. */
static int
take_operands(struct cli *cli, int argc, char **argv)
{
	const struct cmd *cmd = cli->cmd;
	const struct cli_operand *o;
	int min = 0, max = 0, used = 0;

	for (size_t i = 0; i < cmd->noperands; i++) {
		min += cmd->operands[i].min;
		max = max < 0 || cmd->operands[i].max < 0 ? -1 :
		    max + cmd->operands[i].max;
	}
	if (argc < min)
		return missing_operands(cmd, argc);
	if (max >= 0 && argc > max)
		return cli_usage_error(cmd, "too many arguments");
	for (size_t i = 0; i < cmd->noperands; i++) {
		o = &cmd->operands[i];
		if (o->max == 1 && used < argc) {
			*operand_slot(&cli->args, o->kind) = argv[used++];
		} else if (o->max != 1) {
			cli->args.names = argv + used;
			cli->args.nnames = (size_t)(argc - used);
			used = argc;
		}
	}
	return 0;
}

/* Where TEAM ARTIFACT come in the command's operands, or -1. */
static int
team_operand(const struct cmd *cmd)
{
	size_t at = cmd->noperands > 0 &&
	    cmd->operands[0].kind == OPD_INCIDENT ? 1 : 0;

	if (cmd->noperands < at + 2 || cmd->operands[at].kind != OPD_TEAM ||
	    cmd->operands[at + 1].kind != OPD_ARTIFACT)
		return -1;
	return (int)at;
}

/*
 * TEAM ARTIFACT [TAG] typed as one reference, which holds a '/': the
 * operands (*argc of *argv) rewritten with it taken apart.  0 or a usage
 * error's status.
 */
static int
take_reference(struct cli *cli, int *argc, char ***argv)
{
	const struct cmd *cmd = cli->cmd;
	struct reference *ref = &cli->args.ref;
	int at = team_operand(cmd), n = 0;
	bool takes_tag;
	char why[128], **v;

	/* mark-production-ready org/app:1.0: the reference came too soon */
	if (at > 0 && *argc == at && strchr((*argv)[0], '/') != NULL)
		return cli_usage_error(cmd, "missing INCIDENT before the "
		    "reference");
	if (at < 0 || *argc <= at || strchr((*argv)[at], '/') == NULL)
		return 0;
	/* a URL's user info is never shown, not even back to its writer */
	if (reference_parse(ref, (*argv)[at], why, sizeof(why)) != 0)
		return strchr((*argv)[at], '@') != NULL ?
		    cli_usage_error(cmd, "invalid reference: %s", why) :
		    cli_usage_error(cmd, "invalid reference '%s': %s",
		    (*argv)[at], why);
	takes_tag = (size_t)at + 2 < cmd->noperands &&
	    cmd->operands[at + 2].kind == OPD_TAG;
	if (ref->tag != NULL && !takes_tag)
		return cli_usage_error(cmd, "%s takes no tag: drop ':%s'",
		    cmd->name, ref->tag);
	if (cmd->operands[at + 1].max != 1 && *argc > at + 1)
		return cli_usage_error(cmd, "a reference names one "
		    "repository: no ARTIFACT after it");
	if ((v = calloc((size_t)*argc + 3, sizeof(*v))) == NULL) {
		cli_warnx("out of memory");
		return EXIT_FAILURE;
	}
	for (int i = 0; i < at; i++)
		v[n++] = (*argv)[i];
	v[n++] = ref->team;
	v[n++] = ref->artifact;
	if (ref->tag != NULL)
		v[n++] = ref->tag;
	for (int i = at + 1; i < *argc; i++)
		v[n++] = (*argv)[i];
	cli->args.argv = v;
	*argv = v;
	*argc = n;
	return 0;
}

static int
check_operand(struct cli *cli, enum operand_kind kind, const char *value)
{
	static const char *const what[] = {
		[OPD_ARTIFACT] = "artifact", [OPD_TAG] = "tag",
		[OPD_PREFIX] = "image",
	};
	struct pierone_err err = { 0 };
	int rc;

	if (kind == OPD_COMMAND)	/* cmd_help() looks it up */
		return 0;
	/* the reference's grammar checked these already */
	if (value == cli->args.ref.team || value == cli->args.ref.artifact ||
	    value == cli->args.ref.tag)
		return 0;
	if (kind == OPD_INCIDENT)
		return value[0] == '\0' ? cli_usage_error(cli->cmd,
		    "incident is empty") : 0;
	if (kind == OPD_TEAM)
		rc = pierone_team_validate(value, &err);
	else
		rc = pierone_segment_validate(what[kind], value, &err);
	return rc != 0 ? cli_usage_error(cli->cmd, "%s", err.msg) : 0;
}

/* The names in the order typed, then what is free text. */
static int
check_operands(struct cli *cli)
{
	const struct cmd *cmd = cli->cmd;
	const struct cli_operand *o;
	int rc;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < cmd->noperands; i++) {
			o = &cmd->operands[i];
			if ((o->kind == OPD_INCIDENT) != (pass == 1))
				continue;
			if (o->max == 1) {
				rc = check_operand(cli, o->kind,
				    *operand_slot(&cli->args, o->kind));
				if (rc != 0)
					return rc;
				continue;
			}
			for (size_t j = 0; j < cli->args.nnames; j++)
				if ((rc = check_operand(cli, o->kind,
				    cli->args.names[j])) != 0)
					return rc;
		}
	}
	return 0;
}

/* A format all commands know, but this one does not print. */
static int
check_format(struct cli *cli)
{
	const struct cli_option *const *o;
	char list[32];

	for (o = cli->cmd->opts; *o != NULL; o++)
		if ((*o)->kind == OPTK_FORMAT && cli->format > (*o)->max)
			break;
	if (*o == NULL)
		return 0;
	join_words(list, sizeof(list), format_names, (size_t)(*o)->max + 1,
	    " or ");
	return cli_usage_error(cli->cmd, "invalid output format '%s': use %s",
	    format_names[cli->format], list);
}

int
cli_parse(struct cli *cli, int argc, char **argv)
{
	int rc;

	if ((rc = parse_options(cli, argc, argv)) != 0 || cli->help)
		return rc;
	argc -= optind;
	argv += optind;
	if ((rc = take_reference(cli, &argc, &argv)) != 0)
		return rc;
	if ((rc = take_operands(cli, argc, argv)) != 0 ||
	    (rc = check_operands(cli)) != 0)
		return rc;
	return check_format(cli);
}

/* "--name ARG" into buf (of `size`), its length returned. */
static size_t
option_words(char *buf, size_t size, const struct cli_option *o)
{
	int n = snprintf(buf, size, "--%s%s%s", o->name, o->arg != NULL ?
	    " " : "", o->arg != NULL ? o->arg : "");

	return n < 0 ? 0 : (size_t)n;
}

/* "example: pierone ...", or "examples:" and one per line. */
static void
help_examples(const struct cmd *cmd)
{
	size_t n = 0;

	while (n < CMD_MAX_EXAMPLES && cmd->examples[n] != NULL)
		n++;
	if (n == 1)
		printf("\nexample: %s\n", cmd->examples[0]);
	else if (n > 1)
		fputs("\nexamples:\n", stdout);
	for (size_t i = 0; i < n && n > 1; i++)
		printf("  %s\n", cmd->examples[i]);
}

/* The reference form of TEAM ARTIFACT [TAG]. */
static void
help_reference(const struct cmd *cmd)
{
	bool tag = team_operand(cmd) + 2 < (int)cmd->noperands;

	printf("\nTEAM ARTIFACT%s may be one image reference, "
	    "[REGISTRY/]TEAM/ARTIFACT%s;\nwith REGISTRY, that registry "
	    "is asked instead (with Docker's credentials\nfor it unless it "
	    "is the configured one); on registries other than\nPier One, "
	    "its ARTIFACT may have more components (org/group/app),\n"
	    "which only this form reaches.\n", tag ? " TAG" : "",
	    tag ? "[:TAG]" : "");
}

void
cli_help(const struct cmd *cmd)
{
	const struct cli_option *const *o;
	char words[64];
	int width = 15;		/* the help at column 23 at least */

	cli_cmd_usage(stdout, cmd);
	printf("\n%s\n", cmd->summary);
	if (team_operand(cmd) >= 0)
		help_reference(cmd);
	fputs("\noptions:\n", stdout);
	for (o = cmd->opts; *o != NULL; o++)
		if (!(*o)->hidden && (int)option_words(words, sizeof(words),
		    *o) > width)
			width = (int)option_words(words, sizeof(words), *o);
	width += 2;
	for (o = cmd->opts; *o != NULL; o++) {
		if ((*o)->hidden)
			continue;
		option_words(words, sizeof(words), *o);
		if ((*o)->short_name != 0)
			printf("  -%c, %-*s", (*o)->short_name, width, words);
		else
			printf("      %-*s", width, words);
		for (const char *p = (*o)->help; *p != '\0'; p++)
			if (*p == '\n')
				printf("\n%*s", width + 6, "");
			else
				putchar(*p);
		putchar('\n');
	}
	help_examples(cmd);
}
