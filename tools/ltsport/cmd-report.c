// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport report: one row per tree a maintainer can act on: the verdicts,
 * then what each stage left in backports/<series>/<tree>/ (port, build,
 * sparse, checkpatch, repro, backtest), and what to do next. It reads the
 * typed records only: a missing one is "not run", one that cannot be read
 * is "corrupt" with the file and the reason, one made on another tip or
 * other inputs is marked STALE, never hidden.
 */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <json-c/json.h>

#include "util.h"
#include "context.h"
#include "fsutil.h"
#include "results.h"
#include "report.h"
#include "commands.h"

static const char report_usage[] =
	"usage: ltsport report [options]\n"
	"  --format FORMAT    text (default), json, markdown, junit or kcidb (KCIDB 5.3)\n"
	"  --json             the same as --format json\n"
	"  -o, --output FILE  write the report to FILE (atomically), not to stdout\n"
	"  --origin NAME      the KCIDB origin: [a-z0-9_]+ (default: ltsport)\n"
	"  --merge DIR...     the records of tree jobs, each DIR a backports/ dir (or its\n"
	"                     <series> dir): one report as if one run had covered them all\n"
	COMMON_USAGE;

#define shown report_stages

struct report_opts {
	const char *format;
	const char *output;
	const char *origin;
	int json;
	int merge;		/* --merge given */
	char **dirs;		/* its DIRs */
	size_t ndirs;
};

static int good(const struct report_row *r, enum stage_kind s)
{
	return r->cells[s].load == REC_OK;
}

static int fresh(const struct report_row *r, enum stage_kind s)
{
	return good(r, s) && !r->cells[s].stale;
}

static char *port_text(const struct port_result *p)
{
	struct sbuf sb = {0};
	const char *c;
	size_t i;

	/* the FAILED report, its lines under the cell's */
	for (c = p->failure; c && *c; c++) {
		if (*c == '\n')
			sbuf_adds(&sb, "\n    ");
		else
			sbuf_add(&sb, c, 1);
	}
	if (p->failure)
		return sbuf_detach(&sb);
	sbuf_addf(&sb, "%zu patch%s", p->npatches, p->npatches == 1 ? "" : "es");
	for (i = 0; i < p->npatches; i++)
		sbuf_addf(&sb, "%s%s", i ? "," : " (", p->patches[i].rung);
	sbuf_adds(&sb, p->npatches ? ")" : "");
	return sbuf_detach(&sb);
}

static char *build_text(const struct build_result *b)
{
	return xprintf("%s%s, %d new warning%s", build_verdict_name(b->verdict),
		       !strcmp(b->mode, "quick") ? " (quick)" : "", b->new_warnings,
		       b->new_warnings == 1 ? "" : "s");
}

static char *checkpatch_text(const struct checkpatch_result *c)
{
	/* no mail checked is no "0 errors": say why (nothing ported, no checkpatch.pl) */
	if (c->head.outcome == OUTCOME_NOT_RUN || c->head.outcome == OUTCOME_FAILED_TO_RUN)
		return xprintf("%s: %s", c->head.outcome == OUTCOME_NOT_RUN ? "not run" :
			       "did not run", c->why ? c->why : "no reason recorded");
	return xprintf("%d error%s, %d warning%s", c->errors, c->errors == 1 ? "" : "s",
		       c->warnings, c->warnings == 1 ? "" : "s");
}

static char *backtest_text(const struct backtest_result *b)
{
	size_t i, bad = 0;

	for (i = 0; i < b->nentries; i++)
		bad += b->entries[i].result == BACKTEST_DIFFERS ||
		       b->entries[i].result == BACKTEST_FAILED;
	return xprintf("%zu identical or equivalent, %zu differ or failed", b->nentries - bad,
		       bad);
}

static char *record_text(struct report_row *r, enum stage_kind s)
{
	switch (s) {
	case STAGE_PORT:
		return port_text(&r->port);
	case STAGE_BUILD:
		return build_text(&r->build);
	case STAGE_SPARSE:
		return build_text(&r->sparse);
	case STAGE_CHECKPATCH:
		return checkpatch_text(&r->checkpatch);
	case STAGE_REPRO:
		return xstrdup(r->repro.verdict);
	case STAGE_BACKTEST:
		return backtest_text(&r->backtest);
	default:
		return xstrdup("?");
	}
}

/* The last lines of a log, at most LOG_TAIL bytes; NULL when unreadable. */
#define LOG_TAIL 4096

static char *log_tail(const char *path)
{
	char *buf, *tail;
	size_t len, from;

	if (read_file(path, &buf, &len) < 0)
		return NULL;
	from = len > LOG_TAIL ? len - LOG_TAIL : 0;
	while (from && from < len && buf[from - 1] != '\n')
		from++;
	tail = xstrndup(buf + from, len - from);
	free(buf);
	return tail;
}

static const char *log_of(struct report_row *r, enum stage_kind s)
{
	switch (s) {
	case STAGE_BUILD:
		return r->build.log;
	case STAGE_SPARSE:
		return r->sparse.log;
	case STAGE_CHECKPATCH:
		return r->checkpatch.log;
	case STAGE_REPRO:
		return r->repro.after.present && r->repro.after.log && *r->repro.after.log ?
		       r->repro.after.log : r->repro.before.log;
	default:
		return NULL;
	}
}

/*
 * One stage's record of one tree: read, checked, and said in a few words.
 * The record is read where at says; it is stale when made on another tip
 * than tip, or, with ws (the tree is here), on other inputs than ws gives.
 */
static int fill_cell(struct tree_ws *ws, const struct tree_ws *at, const git_oid *tip,
		     struct report_row *r, enum stage_kind s)
{
	struct report_cell *c = &r->cells[s];
	struct stage_record *h = report_record(r, s);
	char *path = ws_path(at, WS_OUT, record_file(s)), *text;
	const char *log;
	struct stat st;

	if (ws && stage_inputs(ws, s, c->inputs) < 0) {
		free(path);
		return -1;
	}
	c->load = record_load(path, rec_desc_of(s), h, &c->why);
	if (c->load == REC_OK && !stat(path, &st))
		c->written = st.st_mtime;
	free(path);
	if (c->load == REC_OK && strcmp(h->tree, at->name)) {
		c->why = xprintf("%s: the record of tree %s", record_file(s), h->tree);
		record_release(rec_desc_of(s), h);
		c->load = REC_CORRUPT;
	}
	switch (c->load) {
	case REC_MISSING:
		c->text = xstrdup("not run");
		break;
	case REC_CORRUPT:
		c->text = xprintf("corrupt: %s", c->why);
		break;
	case REC_OK:
		if (!ws)
			memcpy(c->inputs, h->inputs, sizeof(c->inputs));
		c->stale = record_is_stale(h, tip, ws ? c->inputs : NULL);
		text = record_text(r, s);
		c->text = xprintf("%s%s", text, c->stale ? " STALE" : "");
		free(text);
		log = log_of(r, s);
		if (log && *log && !strchr(log, '/')) {
			c->log = ws_path(at, WS_OUT, log);
			c->log_tail = log_tail(c->log);
		} else if (log && *log) {
			c->log = xstrdup(log);
			c->log_tail = log_tail(c->log);
		}
		break;
	}
	return 0;
}

/* 1 when a ported patch's mail lacks upstream's own message. */
static int lacks_upstream_message(const struct port_result *p)
{
	size_t i;

	for (i = 0; i < p->npatches; i++)
		if (!p->patches[i].upstream_message)
			return 1;
	return 0;
}

static int build_failed(const struct report_row *r, enum stage_kind s)
{
	const struct build_result *b = s == STAGE_BUILD ? &r->build : &r->sparse;

	return fresh(r, s) && (b->verdict == BUILD_BREAKS || b->verdict == BUILD_FAILS_BEFORE);
}

static char *next_action(const struct tree_conf *conf, enum verdict state,
			 struct report_row *r)
{
	size_t i;

	if (!r->present)
		return xprintf("get the tree%s%s", conf->upstream ? ": " : "",
			       conf->upstream ? conf->upstream : "");
	switch (state) {
	case V_NOT_AFFECTED:
	case V_FIXED:
		return xstrdup("nothing to do");
	case V_UNKNOWN:
		return xstrdup("decide by hand: see ltsport status");
	default:
		break;
	}
	if (!fresh(r, STAGE_PORT))
		return xstrdup("run ltsport port");
	if (r->port.failure)
		return xstrdup("port it by hand: see the FAILED report (its possible dependencies first)");
	for (i = 0; i < REPORT_NSTAGES; i++)
		if (r->cells[shown[i]].load == REC_CORRUPT)
			return xprintf("run ltsport %s again: %s is corrupt",
				       shown[i] == STAGE_SPARSE || shown[i] == STAGE_CHECKPATCH ?
				       "check" : stage_name(shown[i]), record_file(shown[i]));
	if (build_failed(r, STAGE_BUILD) || build_failed(r, STAGE_SPARSE))
		return xstrdup("fix the build: see build.log and sparse.log");
	if (lacks_upstream_message(&r->port))
		return xstrdup("give the upstream message: a [mainline] clone in stable_trees.conf or the upstream mail in the series directory, then run ltsport port again");
	if (fresh(r, STAGE_CHECKPATCH) && r->checkpatch.errors > 0)
		return xstrdup("fix the checkpatch errors: see checkpatch.log");
	if (!fresh(r, STAGE_BUILD) || !fresh(r, STAGE_SPARSE) || !fresh(r, STAGE_CHECKPATCH))
		return xstrdup("run ltsport check and build");
	if (!fresh(r, STAGE_REPRO))
		return xstrdup("run ltsport repro (the proof in QEMU), then review and send");
	if (!r->repro.proven)
		return xstrdup("look into the repro: see repro-before.log and repro-after.log");
	return xstrdup("review the series and send it");
}

static int fill_row(struct ctx *ctx, size_t i, struct report_row *r)
{
	struct tree_ws *ws = &ctx->ws[i];
	size_t k;

	r->tree = ws->name;
	r->present = !!ws->repo;
	r->state = verdict_name(ws->repo ? (enum verdict)ctx->status[i].state : V_ABSENT);
	r->status = ws->repo ? &ctx->status[i] : NULL;
	r->upstream = ws->conf->upstream;
	if (ws->repo)
		git_oid_tostr(r->tip, sizeof(r->tip), git_commit_id(ws->tip));
	for (k = 0; ws->repo && k < REPORT_NSTAGES; k++)
		if (fill_cell(ws, ws, git_commit_id(ws->tip), r, shown[k]) < 0)
			return -1;
	r->action = next_action(ws->conf, ws->repo ? (enum verdict)ctx->status[i].state :
				V_ABSENT, r);
	return 0;
}

static void row_release(struct report_row *r)
{
	size_t i;

	for (i = 0; i < REPORT_NSTAGES; i++) {
		struct report_cell *c = &r->cells[shown[i]];

		if (c->load == REC_OK && r->present)
			record_release(rec_desc_of(shown[i]), report_record(r, shown[i]));
		free(c->why);
		free(c->text);
		free(c->log);
		free(c->log_tail);
	}
	free(r->action);
}

/* --merge ---------------------------------------------------------------- */

/* A --merge DIR and the backports/ dir it is or is in. */
struct merge_src {
	const char *dir;
	char *root;
};

/* Where a tree's records were found, and its verdicts from there. */
struct merge_tree {
	int src;			/* the index of its dir, -1 when in none */
	struct tree_ws at;		/* its paths in that dir */
	struct status_result status;
	enum rec_load load;
	char *why;
};

/* 1 when a dir has no entries (a job that left no records: the tree was absent). */
static int is_empty_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int empty = 1;

	if (!d)
		return 0;
	while (empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	return empty;
}

/*
 * A backports/ dir holds <series>/ or .work/, or nothing at all (a job that
 * wrote no record); a <series> dir is named so.
 */
static int merge_root(const struct ctx *ctx, struct merge_src *m)
{
	char *sdir = path_join(m->dir, ctx->series.name), *work = path_join(m->dir, ".work");
	int ok = is_dir(sdir) || is_dir(work) || is_empty_dir(m->dir);

	free(sdir);
	free(work);
	if (!is_dir(m->dir))
		return error("--merge %s: no such directory; give the --backports dir of a tree job",
			     m->dir);
	if (ok) {
		m->root = xstrdup(m->dir);
		return 0;
	}
	if (!strcmp(base_name(m->dir), ctx->series.name)) {
		m->root = path_join(m->dir, "..");
		return 0;
	}
	return error("--merge %s: neither a backports/ dir (no %s/ nor .work/ in it) nor its %s/ dir; give the --backports dir of a tree job",
		     m->dir, ctx->series.name, ctx->series.name);
}

/* 1 when root has records of the tree: its <series>/<tree>/ or its status record. */
static int has_tree(const struct ctx *ctx, const char *root, const char *tree)
{
	char *out = xprintf("%s/%s/%s", root, ctx->series.name, tree);
	char *st = xprintf("%s/.work/%s/%s", root, tree, record_file(STAGE_STATUS));
	int has = is_dir(out) || path_exists(st);

	free(out);
	free(st);
	return has;
}

/* Records of a tree the config does not have are bad input; a tree --tree left out is not. */
static int check_known(const struct ctx *ctx, const struct merge_src *m, const char *sub,
		       int need_status)
{
	char *dir = path_join(m->root, sub), *st;
	struct dirent *de;
	DIR *d = opendir(dir);
	int bad = 0;

	while (d && !bad && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		st = xprintf("%s/%s/%s", dir, de->d_name, record_file(STAGE_STATUS));
		if ((need_status ? path_exists(st) : has_tree(ctx, m->root, de->d_name)) &&
		    !conf_find_tree((struct stable_conf *)&ctx->conf, de->d_name))
			bad = error("--merge %s: records of tree %s, which %s has not; give --config the file the tree jobs used",
				    m->dir, de->d_name, ctx->conf.file);
		free(st);
	}
	if (d)
		closedir(d);
	free(dir);
	return bad;
}

/* 1 when two files have the same bytes or are both missing, 0 when not, -1 on error. */
static int same_file(const char *a, const char *b)
{
	char *da = NULL, *db = NULL;
	size_t la = 0, lb = 0;
	int ea = path_exists(a), eb = path_exists(b), same;

	if (ea != eb)
		return 0;
	if (!ea)
		return 1;
	if (read_file(a, &da, &la) < 0 || read_file(b, &db, &lb) < 0) {
		free(da);
		return -1;
	}
	same = la == lb && !memcmp(da, db, la);
	free(da);
	free(db);
	return same;
}

/* The first record of the tree that differs in the two roots, or NULL; *err on a read error. */
static const char *differing(const struct ctx *ctx, const char *ra, const char *rb,
			     const char *tree, int *err)
{
	size_t k;

	for (k = 0; k <= REPORT_NSTAGES; k++) {
		enum stage_kind s = k < REPORT_NSTAGES ? shown[k] : STAGE_STATUS;
		char *a, *b;
		int same;

		if (s == STAGE_STATUS) {
			a = xprintf("%s/.work/%s/%s", ra, tree, record_file(s));
			b = xprintf("%s/.work/%s/%s", rb, tree, record_file(s));
		} else {
			a = xprintf("%s/%s/%s/%s", ra, ctx->series.name, tree, record_file(s));
			b = xprintf("%s/%s/%s/%s", rb, ctx->series.name, tree, record_file(s));
		}
		same = same_file(a, b);
		free(a);
		free(b);
		if (same < 0)
			*err = 1;
		if (same <= 0)
			return record_file(s);
	}
	return NULL;
}

/* Which dir has the tree's records: one, or several with the same records. */
static int merge_find(const struct ctx *ctx, const struct merge_src *src, size_t nsrc,
		      const char *tree, int *found)
{
	const char *file;
	size_t k;
	int err = 0;

	*found = -1;
	for (k = 0; k < nsrc; k++) {
		if (!has_tree(ctx, src[k].root, tree))
			continue;
		if (*found < 0) {
			*found = k;
			continue;
		}
		file = differing(ctx, src[*found].root, src[k].root, tree, &err);
		if (err)
			return -1;
		if (file)
			return error("--merge %s %s: both have records of tree %s and they differ (%s); give each tree's records once",
				     src[*found].dir, src[k].dir, tree, file);
	}
	return 0;
}

/* The status record is of this series: the same patches in the same order. */
static int of_series(const struct status_result *st, const struct series *s)
{
	size_t k;

	if (st->npatches != s->nr)
		return 0;
	for (k = 0; k < s->nr; k++)
		if (strcmp(st->patches[k].upstream, s->patches[k].upstream))
			return 0;
	return 1;
}

/* The tree's verdicts from the status record its dir has. */
static void merge_status(struct tree_ws *at, struct merge_tree *m, const struct series *s)
{
	char *path = ws_path(at, WS_WORK, record_file(STAGE_STATUS));

	m->load = record_load(path, &status_desc, &m->status, &m->why);
	free(path);
	if (m->load == REC_OK && (strcmp(m->status.head.tree, at->name) ||
				  !of_series(&m->status, s))) {
		m->why = xprintf("%s: the verdicts of %s", record_file(STAGE_STATUS),
				 strcmp(m->status.head.tree, at->name) ? "another tree" :
				 "another series");
		record_release(&status_desc, &m->status);
		m->load = REC_CORRUPT;
	}
}

/*
 * A row from a tree job's records: its verdicts and tip from its status
 * record. Where the tree is here on that tip, the inputs are what one run
 * would compute; elsewhere a record is stale when made on another tip.
 */
static int fill_merged_row(struct ctx *ctx, size_t i, const struct merge_src *src,
			   struct merge_tree *m, struct report_row *r)
{
	struct tree_ws *ws = &ctx->ws[i], *local = NULL;
	char here[GIT_OID_HEXSZ + 1];
	git_oid tip;
	size_t k;

	r->tree = ws->name;
	r->upstream = ws->conf->upstream;
	if (m->src >= 0) {
		if (ws_init(&m->at, ws->conf, ctx->conf.file, ctx->series.name, ctx->series.dir,
			    src[m->src].root) < 0)
			return -1;
		merge_status(&m->at, m, &ctx->series);
	}
	if (m->src >= 0 && m->load == REC_OK && git_oid_fromstr(&tip, m->status.head.tip)) {
		git_error_clear();
		m->why = xprintf("%s: tip '%s' is no commit id", record_file(STAGE_STATUS),
				 m->status.head.tip);
		record_release(&status_desc, &m->status);
		m->load = REC_CORRUPT;
	}
	if (m->src < 0 || m->load != REC_OK) {
		r->state = m->src < 0 ? "no records" : "corrupt";
		r->action = m->src < 0 ? xstrdup("see the tree's job: none of the merged dirs has its records") :
			    xprintf("see the tree's job in %s: %s", src[m->src].dir, m->why);
		return 0;
	}
	r->present = 1;
	r->state = verdict_name(m->status.state);
	r->status = &m->status;
	memcpy(r->tip, m->status.head.tip, sizeof(r->tip));
	if (ws->repo) {
		git_oid_tostr(here, sizeof(here), git_commit_id(ws->tip));
		if (!strcmp(here, r->tip))
			local = ws;
	}
	for (k = 0; k < REPORT_NSTAGES; k++)
		if (fill_cell(local, &m->at, &tip, r, shown[k]) < 0)
			return -1;
	r->action = next_action(ws->conf, m->status.state, r);
	return 0;
}

static void merge_tree_release(struct merge_tree *m)
{
	if (m->load == REC_OK && m->src >= 0)
		record_release(&status_desc, &m->status);
	free(m->why);
	ws_release(&m->at);
}

/* The rows of report --merge; -1 on bad input with *bad set, or on an error. */
static int merge_rows(struct ctx *ctx, const struct report_opts *o, struct report *rp,
		      struct merge_tree *mt, int *bad)
{
	struct merge_src *src = xcalloc(o->ndirs, sizeof(*src));
	size_t i;
	int ret = -1;

	*bad = 1;
	for (i = 0; i < ctx->nts; i++) {
		mt[i].src = -1;
		mt[i].load = REC_MISSING;
		mt[i].at.lock.fd = -1;
	}
	for (i = 0; i < o->ndirs; i++) {
		src[i].dir = o->dirs[i];
		if (merge_root(ctx, &src[i]) < 0 ||
		    check_known(ctx, &src[i], ctx->series.name, 0) < 0 ||
		    check_known(ctx, &src[i], ".work", 1) < 0)
			goto out;
	}
	for (i = 0; i < ctx->nts; i++) {
		if (merge_find(ctx, src, o->ndirs, ctx->ws[i].name, &mt[i].src) < 0)
			goto out;
	}
	*bad = 0;
	for (rp->nrows = 0; rp->nrows < ctx->nts; rp->nrows++)
		if (fill_merged_row(ctx, rp->nrows, src, &mt[rp->nrows], &rp->rows[rp->nrows]) < 0) {
			rp->nrows++;
			goto out;
		}
	ret = 0;
out:
	for (i = 0; i < o->ndirs; i++)
		free(src[i].root);
	free(src);
	return ret;
}

static int report_option(int c, const char *arg, void *data)
{
	struct report_opts *o = data;

	switch (c) {
	case 'j':
		o->json = 1;
		return 0;
	case 'f':
		o->format = arg;
		return 0;
	case 'o':
		o->output = arg;
		return 0;
	case 'O':
		o->origin = arg;
		return 0;
	case 'M':
		o->merge = 1;
		return 0;
	default:
		return -1;
	}
}

/* Bad input is found before anything is read or written. */
static int check_opts(const struct report_opts *o, int *format)
{
	char *dir;
	int bad = 0;

	*format = o->json ? REPORT_JSON : REPORT_TEXT;
	if (o->format) {
		*format = report_format_parse(o->format);
		if (*format < 0)
			return error("--format %s: unknown format; use text, json, markdown, junit or kcidb",
				     o->format);
		if (o->json && *format != REPORT_JSON)
			return error("--json and --format %s: two formats; give one", o->format);
	}
	if (o->merge && !o->ndirs)
		return error("--merge: no directory; give the --backports dirs of the tree jobs");
	if (!report_origin_ok(o->origin))
		return error("--origin %s: not a KCIDB origin; use lower-case letters, digits and '_'",
			     o->origin);
	if (!o->output)
		return 0;
	if (!*o->output || is_dir(o->output))
		return error("-o %s: a directory, not a file; name the file to write", o->output);
	dir = dir_of(o->output);
	if (!is_dir(dir))
		bad = error("-o %s: no directory %s; make it first or write elsewhere",
			    o->output, dir);
	free(dir);
	return bad;
}

/*
 * getopt_long() is given no short options here: "-o FILE" and "-oFILE"
 * become "--output FILE" and "--output=FILE" (before a "--"). The words
 * after "--merge" up to the next option are its DIRs: they go to o->dirs.
 */
static char **long_args(int argc, char **argv, struct report_opts *o, int *n)
{
	char **v = xcalloc(argc + 1, sizeof(*v));
	int i, done = 0, dirs = 0;

	*n = 0;
	for (i = 0; i < argc; i++) {
		if (!done && i && !strcmp(argv[i], "--"))
			done = 1;
		if (dirs && !done && argv[i][0] != '-') {
			o->dirs = xrealloc(o->dirs, (o->ndirs + 1) * sizeof(*o->dirs));
			o->dirs[o->ndirs++] = argv[i];
			continue;
		}
		dirs = !done && i && !strcmp(argv[i], "--merge");
		if (!done && i && !strcmp(argv[i], "-o"))
			v[(*n)++] = xstrdup("--output");
		else if (!done && i && starts_with(argv[i], "-o"))
			v[(*n)++] = xprintf("--output=%s", argv[i] + 2);
		else
			v[(*n)++] = xstrdup(argv[i]);
	}
	return v;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "origin", required_argument, NULL, 'O' },
		{ "merge", no_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 }
	};
	struct report_opts o = { .origin = "ltsport" };
	struct ctx ctx = {0};
	struct report rp = {0};
	struct merge_tree *mt = NULL;
	char **args, *text;
	int ret = EXIT_USAGE, format, nargs, bad;
	size_t i, n = 0;

	args = long_args(argc, argv, &o, &nargs);
	switch (ctx_parse_args(&ctx, nargs, args, opts, report_option, &o, report_usage)) {
	case 1:
		ret = EXIT_OK;
		goto out;
	case -1:
		goto out;
	}
	if (check_opts(&o, &format) < 0 || ctx_setup(&ctx) < 0)
		goto out;
	rp.series = ctx.series.name;
	rp.origin = o.origin;
	rp.rows = xcalloc(ctx.nts + 1, sizeof(*rp.rows));
	if (o.merge) {
		mt = xcalloc(ctx.nts + 1, sizeof(*mt));
		if (merge_rows(&ctx, &o, &rp, mt, &bad) < 0) {
			ret = bad ? EXIT_USAGE : EXIT_ERROR;
			n = rp.nrows;
			goto out;
		}
		n = rp.nrows;
		goto render;
	}
	ret = EXIT_ERROR;
	if (ctx_verdicts(&ctx) < 0)
		goto out;
	for (n = 0; n < ctx.nts; n++) {
		if (fill_row(&ctx, n, &rp.rows[n]) < 0) {
			n++;
			goto out;
		}
	}
	rp.nrows = n;
render:
	ret = EXIT_ERROR;
	text = report_render(&rp, format);
	if (!write_text_out(o.output, text, "report"))
		ret = EXIT_OK;
	free(text);
out:
	for (i = 0; i < n; i++)
		row_release(&rp.rows[i]);
	for (i = 0; mt && i < ctx.nts; i++)
		merge_tree_release(&mt[i]);
	free(mt);
	free(rp.rows);
	ctx_release(&ctx);
	for (i = 0; i < (size_t)nargs; i++)
		free(args[i]);
	free(args);
	free(o.dirs);
	return ret;
}
