/*
 * pierone(1): declarations shared by the command files.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef PIERONE_CLI_H
#define PIERONE_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "pierone.h"

#define EXIT_USAGE 2

/* What a command needs before it can run; see cli_connect(). */
#define NEED_CONFIG	0x1
#define NEED_TOKEN	0x2
/* Options beyond --url, -o and -h that a listing command takes. */
#define OPT_LIMIT	0x10	/* -l, --limit N */
#define OPT_JOBS	0x20	/* -j, --jobs N */
#define OPT_LATEST	0x40	/* --digest, --no-snapshot */

enum out_format { OUT_TEXT, OUT_JSON, OUT_TSV };

/* State of one run, filled by main() and the command's options. */
struct cli {
	const char *config_path;	/* -c FILE, or NULL for the default */
	const char *url;		/* --url */
	enum out_format format;		/* -o */
	long limit;			/* -l; -1 when not given */
	long jobs;			/* -j; 0 when not given */
	long timeout;			/* --timeout; 0 when not given */
	bool digest;			/* --digest */
	bool no_snapshot;		/* --no-snapshot */
	const struct cmd *cmd;		/* the command being run */
	struct pierone_config config;
	pierone_client *client;
	/*
	 * No OAuth2 token was found, and the command went on without one
	 * (registries other than Pier One may want none, or Docker's
	 * credentials): why, told instead if the registry refuses us.
	 */
	char no_token[PIERONE_ERRMSG_SIZE];
};

struct cmd {
	const char *name;
	const char *usage;	/* arguments after the name, as in the manual */
	const char *summary;
	const char *options;	/* the options part of -h */
	int flags;
	int (*fn)(struct cli *cli, int argc, char **argv);
};

/* main.c */
void cli_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage_error(const struct cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int cli_help(const struct cmd *cmd);
int cli_bad_option(const struct cmd *cmd, int ch, char **argv);
int cli_connect(struct cli *cli);
void cli_client_options(const struct cli *cli, struct pierone_options *opts,
    const char *token);
int cli_parse_options(struct cli *cli, int argc, char **argv);
int cli_parse_timeout(struct cli *cli, const char *arg);
extern const struct option cli_common_opts[];

/* cmd_scm.c */
int cmd_image(struct cli *, int, char **);
int cmd_scm_source(struct cli *, int, char **);

/* cmd_describe.c */
int cmd_describe(struct cli *, int, char **);
int cmd_mark_production_ready(struct cli *, int, char **);

/* cmd_inspect.c */
int cmd_inspect_contents(struct cli *, int, char **);

/* cmd_login.c */
int cmd_login(struct cli *, int, char **);

/* cmd_list.c */
int cmd_artifacts(struct cli *, int, char **);
int cmd_latest(struct cli *, int, char **);
int cmd_tags(struct cli *, int, char **);
int cmd_teams(struct cli *, int, char **);

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

struct table {
	const struct column *cols;
	size_t ncols;
	struct cell *cells;	/* nrows * ncols */
	size_t nrows;
	size_t cap;
	char **owned;		/* strings the table frees */
	size_t nowned;
};

void table_init(struct table *t, const struct column *cols, size_t ncols);
/* A new row of empty cells, or NULL when out of memory. */
struct cell *table_add_row(struct table *t);
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
int cli_parse_args(struct cli *cli, int *argc, char ***argv, int min,
    int max);
int cli_check_team(struct cli *cli, const char *team);
int cli_check_name(struct cli *cli, const char *what, const char *name);
int cli_print_table(struct cli *cli, const struct table *t);
/* Where the configuration is or would be, quoted, for messages. */
char *cli_config_where(const struct cli *cli);
/* created_by as 0.22 showed it: CDP's robots as "[CDP]", else itself. */
const char *cli_user_name(const char *created_by);
int cli_lib_fail(struct cli *cli, int rc);

#endif /* PIERONE_CLI_H */
