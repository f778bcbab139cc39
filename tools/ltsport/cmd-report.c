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
	COMMON_USAGE;

#define shown report_stages

struct report_opts {
	const char *format;
	const char *output;
	const char *origin;
	int json;
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

/* One stage's record of one tree: read, checked, and said in a few words. */
static int fill_cell(struct tree_ws *ws, struct report_row *r, enum stage_kind s)
{
	struct report_cell *c = &r->cells[s];
	struct stage_record *h = report_record(r, s);
	char *path = ws_path(ws, WS_OUT, record_file(s)), *text;
	const char *log;
	struct stat st;

	if (stage_inputs(ws, s, c->inputs) < 0) {
		free(path);
		return -1;
	}
	c->load = record_load(path, rec_desc_of(s), h, &c->why);
	if (c->load == REC_OK && !stat(path, &st))
		c->written = st.st_mtime;
	free(path);
	if (c->load == REC_OK && strcmp(h->tree, ws->name)) {
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
		c->stale = record_is_stale(h, git_commit_id(ws->tip), c->inputs);
		text = record_text(r, s);
		c->text = xprintf("%s%s", text, c->stale ? " STALE" : "");
		free(text);
		log = log_of(r, s);
		if (log && *log && !strchr(log, '/')) {
			c->log = ws_path(ws, WS_OUT, log);
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

static char *next_action(struct tree_ws *ws, struct report_row *r)
{
	size_t i;

	if (!ws->repo)
		return xprintf("get the tree%s%s", ws->conf->upstream ? ": " : "",
			       ws->conf->upstream ? ws->conf->upstream : "");
	switch (ws->ts->state) {
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
		if (fill_cell(ws, r, shown[k]) < 0)
			return -1;
	r->action = next_action(ws, r);
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
 * become "--output FILE" and "--output=FILE" (before a "--").
 */
static char **long_args(int argc, char **argv)
{
	char **v = xcalloc(argc + 1, sizeof(*v));
	int i, done = 0;

	for (i = 0; i < argc; i++) {
		if (!done && i && !strcmp(argv[i], "--"))
			done = 1;
		if (!done && i && !strcmp(argv[i], "-o"))
			v[i] = xstrdup("--output");
		else if (!done && i && starts_with(argv[i], "-o"))
			v[i] = xprintf("--output=%s", argv[i] + 2);
		else
			v[i] = xstrdup(argv[i]);
	}
	return v;
}

static int emit(const struct report_opts *o, const char *text)
{
	if (o->output)
		return write_file_atomic(o->output, text, strlen(text));
	if (fputs(text, stdout) == EOF || fflush(stdout))
		return error("stdout: cannot write the report: %s", strerror(errno));
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "origin", required_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 }
	};
	struct report_opts o = { .origin = "ltsport" };
	struct ctx ctx = {0};
	struct report rp = {0};
	char **args = long_args(argc, argv), *text;
	int ret = EXIT_USAGE, format;
	size_t i, n = 0;

	switch (ctx_parse_args(&ctx, argc, args, opts, report_option, &o, report_usage)) {
	case 1:
		ret = EXIT_OK;
		goto out;
	case -1:
		goto out;
	}
	if (check_opts(&o, &format) < 0 || ctx_setup(&ctx) < 0)
		goto out;
	ret = EXIT_ERROR;
	if (ctx_verdicts(&ctx) < 0)
		goto out;
	rp.series = ctx.series.name;
	rp.origin = o.origin;
	rp.rows = xcalloc(ctx.nts, sizeof(*rp.rows));
	for (n = 0; n < ctx.nts; n++) {
		if (fill_row(&ctx, n, &rp.rows[n]) < 0) {
			n++;
			goto out;
		}
	}
	rp.nrows = n;
	text = report_render(&rp, format);
	if (!emit(&o, text))
		ret = EXIT_OK;
	free(text);
out:
	for (i = 0; i < n; i++)
		row_release(&rp.rows[i]);
	free(rp.rows);
	ctx_release(&ctx);
	for (i = 0; i < (size_t)argc; i++)
		free(args[i]);
	free(args);
	return ret;
}
