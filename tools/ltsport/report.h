/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_REPORT_H
#define LTSPORT_REPORT_H

#include <time.h>

#include "results.h"

struct json_object;

/*
 * The report's rows, typed, and its formats: pure functions from the rows
 * to text or json-c objects. cmd-report.c reads the records and logs, then
 * prints or writes what one of these made.
 */

/* The stages a row shows, in its order. */
#define REPORT_NSTAGES 6
extern const enum stage_kind report_stages[REPORT_NSTAGES];

struct report_cell {
	enum rec_load load;
	int stale;
	char *why;			/* corrupt: the file and the reason */
	char *text;			/* the stage's result in a few words */
	char inputs[INPUTS_HEXSZ + 1];	/* what the stage would read now */
	char *log;			/* the stage's log (path), NULL when none */
	char *log_tail;			/* its last lines, NULL when not at hand */
	time_t written;			/* the record's mtime, 0 when unknown */
};

struct report_row {
	const char *tree;
	const char *state;		/* the series' verdict on the tree */
	int present;			/* the tree's repo is there */
	char tip[GIT_OID_HEXSZ + 1];	/* "" when absent */
	const char *upstream;		/* "URL [BRANCH]" of the tree, or NULL */
	const struct status_result *status;	/* NULL when absent */
	struct port_result port;
	struct build_result build, sparse;
	struct checkpatch_result checkpatch;
	struct repro_result repro;
	struct backtest_result backtest;
	struct report_cell cells[STAGE__NR];
	char *action;			/* what to do next */
};

struct report {
	const char *series;
	const char *origin;		/* KCIDB origin: [a-z0-9_]+ */
	struct report_row *rows;
	size_t nrows;
};

enum report_format {
	REPORT_TEXT,
	REPORT_JSON,
	REPORT_MARKDOWN,
	REPORT_JUNIT,
	REPORT_KCIDB,
	REPORT__NR,
};

/* "text", "json", ...; -1 for an unknown name. */
int report_format_parse(const char *name);
/* 1 when name is a KCIDB origin: lower-case letters, digits and '_'. */
int report_origin_ok(const char *name);

void *report_record(struct report_row *r, enum stage_kind s);
/* The KCIDB status of a stage of a row: "PASS", "FAIL", "ERROR" or "SKIP". */
const char *report_status(const struct report_row *r, enum stage_kind s);

/* The whole output of a format, ending in a newline; to be freed. */
char *report_render(const struct report *rp, enum report_format f);

char *report_text(const struct report *rp);
char *report_markdown(const struct report *rp);
char *report_junit(const struct report *rp);
struct json_object *report_json(const struct report *rp);
struct json_object *report_kcidb(const struct report *rp);

/* s escaped for XML text and attributes, made valid UTF-8 first. */
char *xml_escape(const char *s);

#endif
