/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_RESULTS_H
#define LTSPORT_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include <git2.h>

#include "util.h"

struct tree_ws;

/*
 * Typed stage records, through json-c only, one file per (tree, stage):
 * backports/<series>/<tree>/<stage>.json (the status cache lives in the
 * work dir). Every record starts with struct stage_record; a field table
 * per record type (sd_json_dispatch's shape) checks types on load, names
 * the file and key on error and tells a missing record from a corrupt one.
 */
#define RECORD_SCHEMA 1
#define INPUTS_HEXSZ 64		/* room for sha256; git hashes use 40 */

enum stage_kind {
	STAGE_PORT,
	STAGE_BUILD,
	STAGE_SPARSE,
	STAGE_CHECKPATCH,
	STAGE_REPRO,
	STAGE_BACKTEST,
	STAGE_STATUS,
	STAGE__NR,
};

enum outcome {
	OUTCOME_DONE,		/* the stage did its work, nothing to flag */
	OUTCOME_FINDING,	/* it did its work and found something (a result) */
	OUTCOME_NOT_RUN,	/* it had nothing to work on (not ported, absent) */
	OUTCOME_FAILED_TO_RUN,	/* it could not do its work */
	OUTCOME__NR,
};

const char *stage_name(enum stage_kind s);
const char *outcome_name(enum outcome o);

/* The head of every record. */
struct stage_record {
	int schema;
	enum stage_kind stage;
	char *tree;
	char tip[GIT_OID_HEXSZ + 1];		/* the tree's tip it was made on */
	char inputs[INPUTS_HEXSZ + 1];		/* hash of what the stage read */
	enum outcome outcome;
	double seconds;
};

/* port.json */
struct port_patch {
	char *file;			/* 0001-....patch */
	char *upstream;
	char *rung;
	char *note;
	char commit[GIT_OID_HEXSZ + 1];
	int upstream_message;		/* the mail carries upstream's message */
};

struct port_result {
	struct stage_record head;
	char *series;
	char *branch;			/* ltsport/<series>/<tree> */
	char *failure;			/* NULL, or why the tree could not be ported */
	struct port_patch *patches;
	size_t npatches;
};

/* build.json and sparse.json (kstage.c) */
enum build_verdict {
	BUILD_BUILDS,			/* "builds" */
	BUILD_NOTHING_PORTED,		/* "builds (nothing ported)" */
	BUILD_BREAKS,			/* "the series breaks the build" */
	BUILD_FAILS_BEFORE,		/* "fails without the series too" */
	BUILD__NR,
};

const char *build_verdict_name(enum build_verdict v);

struct build_result {
	struct stage_record head;
	char *mode;			/* "quick" or "full" */
	char *toolchain;		/* the compiler the build used */
	char *toolchain_why;		/* toolchain = auto: how it was chosen; NULL otherwise */
	enum build_verdict verdict;
	char *first_error;		/* "" when none */
	double seconds_before;
	double seconds_after;
	int new_warnings;
	char *log;			/* build.log / sparse.log beside the record */
};

/* checkpatch.json (cmd-check.c) */
struct checkpatch_result {
	struct stage_record head;
	int patches;			/* mails checked */
	int errors;			/* ours: counted */
	int warnings;
	int upstream_too;		/* findings upstream's patch has too */
	int not_counted;		/* the stable header line, a missing upstream message */
	char *log;			/* checkpatch.log; NULL when it did not run */
	char *why;			/* NULL, or why checkpatch did not run */
};

/* repro.json (stage-repro.c) */
struct repro_counter {
	char *name;			/* a word of the result line, by its key */
	char *value;
};

struct repro_side {
	int present;			/* the side was in the record */
	char *how;
	char *summary;
	char *result;			/* "loss", "clean", "none", "not booted", ... */
	uint64_t rounds;
	double seconds;
	uint64_t lost;
	uint64_t misloads;
	double first_loss_s;
	uint64_t throughput;
	uint64_t pswpin;
	uint64_t pswpout;
	double init_s;
	double wall_s;
	char *log;			/* "" when not booted */
	char *tail;			/* NULL, or the console's last lines without a result */
	struct repro_counter *counters;	/* every counter of the result line */
	size_t ncounters;
};

struct repro_result {
	struct stage_record head;
	char *accel;
	char *verdict;			/* "proven: ...", "NOT FIXED: ...", "not proven: ..." */
	int proven;
	int required_s;
	char *cmdline;
	struct repro_side before, after, mid;
};

/* backtest.json */
enum backtest_outcome {
	BACKTEST_IDENTICAL,
	BACKTEST_EQUIVALENT,
	BACKTEST_DIFFERS,
	BACKTEST_FAILED,
	BACKTEST__NR,
};

const char *backtest_outcome_name(enum backtest_outcome o);

struct backtest_entry {
	char *upstream;
	char *rung;			/* "-" when no rung worked */
	enum backtest_outcome result;
	char *taken_out_by;
	char *why;			/* NULL, or why it failed */
	char *diff;			/* NULL when identical */
};

struct backtest_result {
	struct stage_record head;
	struct backtest_entry *entries;
	size_t nentries;
};

/* status.json, the verdict cache in the work dir */
struct status_patch {
	char *upstream;
	int verdict;			/* enum verdict */
	char *evidence;
	char *notes;			/* "" when none */
	char *warning;			/* NULL when none */
	char backport[GIT_OID_HEXSZ + 1];	/* "" when none */
};

struct status_result {
	struct stage_record head;
	int state;			/* enum verdict of the series */
	char *history_note;		/* NULL when none */
	int history;
	uint64_t walked;
	struct status_patch *patches;
	size_t npatches;
	int from_cache;			/* not in the record: it was read, not decided */
};

/* One of the record types above: its stage, size and field table. */
struct rec_desc;
extern const struct rec_desc port_desc, build_desc, sparse_desc, checkpatch_desc,
	repro_desc, backtest_desc, status_desc;
const struct rec_desc *rec_desc_of(enum stage_kind s);

/* A record's file name: "port.json", ... */
const char *record_file(enum stage_kind s);

/* Fill the head: schema, stage, tree, tip, inputs, outcome, seconds. */
void record_head(struct stage_record *h, enum stage_kind s, const char *tree,
		 const git_oid *tip, const char *inputs, enum outcome o, double seconds);

/*
 * Parse a record from a buffer; name is the file, for messages. 0 when
 * good; -1 when corrupt, with *why ("port.json: key 'tip': want a string")
 * to be freed. rec is zeroed first and holds nothing to release on error.
 */
int record_parse(const char *buf, size_t len, const char *name, const struct rec_desc *d,
		 void *rec, char **why);

enum rec_load {
	REC_OK = 0,
	REC_MISSING = 1,	/* no such file: the stage did not run */
	REC_CORRUPT = -1,	/* unreadable or not a good record: *why says */
};

enum rec_load record_load(const char *path, const struct rec_desc *d, void *rec, char **why);
/* The record as json-c objects; strings made valid UTF-8. */
struct json_object *record_to_json(const struct rec_desc *d, const void *rec);
/* Atomically and durably, through fsutil.c's write_file_atomic. */
int record_save(const char *path, const struct rec_desc *d, const void *rec);
void record_release(const struct rec_desc *d, void *rec);

/* 1 when the record was made on another tip or other inputs. */
int record_is_stale(const struct stage_record *h, const git_oid *tip, const char *inputs);

/*
 * The hash of a stage's inputs: lines of "key value" hashed as a git blob
 * (40 hex digits). inputs_add_blob() takes text (a patch body, a rule
 * file's content) by its git hash.
 */
struct inputs {
	struct sbuf text;
};

void inputs_init(struct inputs *in);
void inputs_add(struct inputs *in, const char *key, const char *value);
void inputs_add_oid(struct inputs *in, const char *key, const git_oid *id);
void inputs_add_blob(struct inputs *in, const char *key, const char *data, size_t len);
/* A file's content by its git hash; an absent file is "absent". */
void inputs_add_file(struct inputs *in, const char *key, const char *path);
/* The first prog on PATH by path, size and time; "absent" when none. */
void inputs_add_program(struct inputs *in, const char *key, const char *prog);
int inputs_final(struct inputs *in, char out[INPUTS_HEXSZ + 1]);

/*
 * The inputs of a stage on a workspace, the same for its writer and for the
 * report: the tip, the series' patches and rules (port, status, backtest),
 * the ported branch, toolchain and config fragment (build, sparse, repro),
 * the ported branch (checkpatch).
 */
int stage_inputs(struct tree_ws *ws, enum stage_kind s, char out[INPUTS_HEXSZ + 1]);

/* A copy of s with every byte that is not UTF-8 replaced by U+FFFD. */
char *utf8_valid(const char *s);
/* A json-c string of s made valid UTF-8; NULL s gives JSON null. */
struct json_object *json_string_utf8(const char *s);

#endif
