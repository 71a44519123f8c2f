/*
 * pierone(1): declarations shared by the command files.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef PIERONE_CLI_H
#define PIERONE_CLI_H

#include <regex.h>
#include <stdbool.h>
#include <stdio.h>

#include "pierone.h"

#define EXIT_USAGE 2

/* What a command needs before it runs; main() sets it up (cli_setup()). */
#define NEED_CONFIG	0x1	/* pierone.yaml read into cli->config */
#define NEED_TOKEN	0x2	/* an OAuth2 token looked up for the client */
#define NEED_CLIENT	0x4	/* cli->client connected to the registry */
/*
 * The command's options are its own (login): the other commands' options
 * are not known on its command line, nor its own on theirs.
 */
#define OWN_OPTIONS	0x8

/* OUT_JSON_OBJECT: a table of one row as an object; never given by -o */
enum out_format { OUT_TEXT, OUT_JSON, OUT_TSV, OUT_JSON_OBJECT };

/* reference.c: [REGISTRY/]REPOSITORY[:TAG] */
struct reference {
	char *registry;		/* host[:port], or NULL */
	char *team;		/* REPOSITORY's first component */
	char *artifact;		/* the rest: "app", or "group/app" */
	char *tag;		/* or NULL */
};

/* The operands, as the command's table entry names them. */
struct cli_operands {
	const char *incident;		/* INCIDENT */
	const char *team;		/* TEAM */
	const char *artifact;		/* ARTIFACT */
	const char *tag;		/* TAG */
	const char *prefix;		/* PREFIX of an image id */
	const char *command;		/* help's COMMAND; NULL when not given */
	char **names;			/* the repeated one: ARTIFACT ..., TAG ... */
	size_t nnames;
	/* TEAM ARTIFACT [TAG] given as one reference: checked already */
	struct reference ref;
	char **argv;			/* the operands with it taken apart */
};

#define CMD_MAX_OPTIONS 16

/*
 * What the command line gave for one of the command's options: read
 * with cli_flag(), cli_string() and cli_number() by the option's name.
 */
struct cli_value {
	bool given;
	const char *string;		/* OPTK_STRING, OPTK_CHOICE: as typed */
	long number;			/* OPTK_NUMBER; OPTK_CHOICE: index */
	const char **list;		/* OPTK_LIST: each value, in order */
	size_t nlist;
};

/* State of one run, filled by main() from the command line and set-up. */
struct cli {
	const char *config_path;	/* -c FILE, or NULL for the default */
	enum out_format format;		/* -o, which every printer reads */
	bool help;			/* -h */
	struct cli_value values[CMD_MAX_OPTIONS];	/* as cmd->opts */
	struct cli_operands args;
	const struct cmd *cmd;		/* the command being run */
	struct pierone_config config;
	/*
	 * The registry a reference named (args.ref.registry), for this run;
	 * foreign: not the configured one, so no OAuth2 token goes there.
	 */
	char *registry_url;
	bool foreign_registry;
	pierone_client *client;
	/*
	 * No OAuth2 token was found, and the command went on without one
	 * (registries other than Pier One may want none, or Docker's
	 * credentials): why, told instead if the registry refuses us.
	 */
	char no_token[PIERONE_ERRMSG_SIZE];
};

/* What an option's value is (struct cli_value). */
enum opt_kind {
	OPTK_HELP,	/* -h: cli->help */
	OPTK_FLAG,	/* given or not */
	OPTK_STRING,	/* the value as typed (the last one) */
	OPTK_NUMBER,	/* min..max through strtonum */
	OPTK_FORMAT,	/* cli->format; formats past `max` are refused
			 * after the operands are checked */
	OPTK_LIST,	/* every value as typed: the option repeats */
	OPTK_CHOICE,	/* one of `choices` */
};

/* One option of a command: getopt_long's table and -h come from these. */
struct cli_option {
	const char *name;	/* long name, without -- */
	int short_name;		/* 0: long only */
	const char *arg;	/* the value's name in -h; NULL: takes none */
	const char *help;	/* a \n goes on at the help column */
	enum opt_kind kind;
	long long min, max;	/* OPTK_NUMBER range; OPTK_FORMAT: max */
	const char *what;	/* OPTK_NUMBER: "invalid WHAT '...'" */
	const char *hint;	/* OPTK_NUMBER: said after the reason */
	bool hidden;		/* accepted, but not in -h */
	const char *const *choices;	/* OPTK_CHOICE: NULL-ended */
	/* OPTK_STRING, OPTK_LIST: 0, or -1 and why the value is refused */
	int (*check)(const char *value, char *why, size_t size);
};

enum operand_kind {
	OPD_INCIDENT,	/* not empty; checked after the names */
	OPD_TEAM,	/* pierone_team_validate() */
	OPD_ARTIFACT,	/* pierone_segment_validate("artifact") */
	OPD_TAG,	/* pierone_segment_validate("tag") */
	OPD_PREFIX,	/* pierone_segment_validate("image") */
	OPD_COMMAND,	/* a command's name: looked up by the command */
};

/*
 * One operand: min..max of it on the command line (max -1: no limit).
 * Only the last operand of a command may vary in number; one that may
 * appear more than once goes into cli->args.names.
 */
struct cli_operand {
	enum operand_kind kind;
	int min, max;
};

#define CMD_MAX_OPERANDS 4
#define CMD_MAX_EXAMPLES 2

struct cmd {
	const char *name;
	const char *summary;
	const struct cli_option *const *opts;	/* NULL-ended, -h order */
	struct cli_operand operands[CMD_MAX_OPERANDS];
	size_t noperands;
	int flags;
	int (*fn)(struct cli *cli);
	const char *examples[CMD_MAX_EXAMPLES];	/* the end of -h */
};

/* commands.c: the table, sorted by name */
extern const struct cmd cli_commands[];
extern const size_t cli_ncommands;

/* args.c */
/*
 * The command's options and operands from argv (the command's name
 * first): 0 to go on (cli->help set when -h asks only for the help),
 * else the exit status of a usage error, told.
 */
int cli_parse(struct cli *cli, int argc, char **argv);
int cli_bad_option(const struct cmd *cmd, int ch, char **argv);
/*
 * The value of the command's option --`name`: whether it was given, the
 * string typed (else NULL), the number (else `unset`).  An option the
 * command does not take reads as not given.
 */
bool cli_flag(const struct cli *cli, const char *name);
const char *cli_string(const struct cli *cli, const char *name);
long cli_number(const struct cli *cli, const char *name, long unset);
/* An OPTK_LIST option's values into *values: how many were given. */
size_t cli_strings(const struct cli *cli, const char *name,
    const char *const **values);
void cli_values_free(struct cli *cli);
/* The command's -h text on stdout. */
void cli_help(const struct cmd *cmd);
/* "usage: pierone NAME [OPTIONS] OPERANDS", from the command's entry */
void cli_cmd_usage(FILE *fp, const struct cmd *cmd);

/* suggest.c */
/*
 * Of `names`, the one `typed` was most likely meant to be: the nearest
 * within two edits (a swap of neighbours is one), else the only one that
 * starts with the longest stem of `typed` (3 bytes at least); or NULL.
 */
const char *cli_suggest(const char *typed, const char *const *names,
    size_t n);

/* main.c */
/* pierone(1)'s -h: its usage and the list of commands. */
void cli_usage(FILE *fp);
int cmd_help(struct cli *);
void cli_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage_error(const struct cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cli_client_options(const struct cli *cli, struct pierone_options *opts,
    const char *token);

/* filter.c: --filter, --exclude, --all */
struct tag_filter {
	regex_t *include, *exclude;
	size_t ninclude, nexclude;
};
/*
 * The command's --filter and --exclude compiled, and the client told to
 * list only the tags they keep: 0 or a usage error's status (an invalid
 * expression).  `f` must live as long as the client lists tags.
 */
int tag_filter_setup(struct cli *cli, struct tag_filter *f);
/* A --filter or --exclude value: an extended regular expression. */
int tag_filter_check(const char *value, char *why, size_t size);
void tag_filter_free(struct tag_filter *f);

/*
 * `s` as a reference into *ref: 0, or -1 with the reason in `why`.
 * reference_free() releases it.
 */
int reference_parse(struct reference *ref, const char *s, char *why,
    size_t size);
void reference_free(struct reference *ref);
/*
 * The URL of the reference's registry: the configured one (or --url's)
 * when it is the same host[:port] (*same), else https://HOST, or
 * http://HOST for localhost and 127.0.0.0/8.  0, or the exit status of
 * an error told (--url naming another registry).
 */
int reference_registry_url(struct cli *cli, char **url, bool *same);

/* cmd_scm.c */
int cmd_image(struct cli *);
int cmd_scm_source(struct cli *);

/* cmd_describe.c */
int cmd_describe(struct cli *);
int cmd_mark_production_ready(struct cli *);

/* cmd_inspect.c */
int cmd_inspect_contents(struct cli *);

/* cmd_login.c */
int cmd_login(struct cli *);

/* cmd_list.c */
int cmd_artifacts(struct cli *);
int cmd_latest(struct cli *);
int cmd_tags(struct cli *);
int cmd_teams(struct cli *);

/* output.c: a table printed as text, json or tsv like stups-pierone 0.22 */
/* COL_INT: a number written in `s`, unquoted in json. */
enum col_kind { COL_STR, COL_TIME, COL_INT };

struct column {
	const char *key;	/* json and tsv name */
	const char *title;	/* text header */
	enum col_kind kind;
	size_t max_width;	/* text: cut longer cells to this, 0: none */
};

struct cell {
	const char *s;		/* COL_STR, COL_INT; NULL prints empty / null */
	struct pierone_time t;	/* COL_TIME */
	bool json;		/* json: s is JSON text, written as it is */
	bool right;		/* text: right-aligned, as 0.22 did numbers */
};

/*
 * The rows are packed (output.c) as each next one is added: a cell's
 * string need live only until the next table_add_row() (or the print).
 */
struct chunk;
struct table {
	const struct column *cols;
	size_t ncols;		/* at most 16 */
	struct cell *row;	/* the row being filled */
	bool filling;
	struct cell *above;	/* the last row packed, its strings there */
	struct chunk *first, *last;
	size_t nrows;		/* packed */
	char **owned;		/* table_set_raw()'s, for the row filled */
	size_t nowned;
};

void table_init(struct table *t, const struct column *cols, size_t ncols);
/*
 * A new row of empty cells, or NULL when out of memory: the row before it
 * is packed now, its cells' strings copied.
 */
struct cell *table_add_row(struct table *t);
/* Pack the row being filled now: its strings may go.  -1: no memory. */
int table_pack(struct table *t);
/* The rows added, and the bytes the packed ones take. */
size_t table_rows(const struct table *t);
size_t table_bytes(const struct table *t);
/*
 * A member of a tag that was not a JSON string (pierone_tag.raw) into
 * cell c, as 0.22 showed it in `fmt`; the table keeps the text.  -1 when
 * out of memory.
 */
int table_set_raw(struct table *t, struct cell *c, const char *json,
    enum out_format fmt);
void table_free(struct table *t);
int table_print(FILE *fp, const struct table *t, enum out_format fmt,
    double now, int color);
/* Colour on stdout: a terminal, NO_COLOR unset or empty, TERM not dumb. */
int output_color(void);
/* "3s ago", "5m ago", "7h ago", "12d ago" as stups-pierone printed it. */
void format_ago(char *buf, size_t len, double seconds);
/* A JSON string as Python's json.dumps() writes it: \u escapes for
 * control characters and everything past ASCII. */
void json_string(FILE *fp, const char *str);
/* JSON text with everything past ASCII as \u escapes. */
void json_ascii(FILE *fp, const char *json);

/* common.c */
double cli_now(void);
int cli_print_table(struct cli *cli, const struct table *t);
/* Where the configuration is or would be, quoted, for messages. */
char *cli_config_where(const struct cli *cli);
/* created_by as 0.22 showed it: CDP's robots as "[CDP]", else itself. */
const char *cli_user_name(const char *created_by);
int cli_lib_fail(struct cli *cli, int rc);

#endif /* PIERONE_CLI_H */
