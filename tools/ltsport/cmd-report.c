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
#include <string.h>
#include <json-c/json.h>

#include "util.h"
#include "context.h"
#include "results.h"
#include "commands.h"

static const char report_usage[] =
	"usage: ltsport report [options]\n"
	"  --json             one JSON object per tree\n"
	COMMON_USAGE;

/* The stages a row shows, in its order. */
static const enum stage_kind shown[] = {
	STAGE_PORT, STAGE_BUILD, STAGE_SPARSE, STAGE_CHECKPATCH, STAGE_REPRO, STAGE_BACKTEST,
};

struct cell {
	enum rec_load load;
	int stale;
	char *why;			/* corrupt: the file and the reason */
	char *text;
	char inputs[INPUTS_HEXSZ + 1];	/* what the stage would read now */
};

struct row {
	struct tree_ws *ws;
	struct port_result port;
	struct build_result build, sparse;
	struct checkpatch_result checkpatch;
	struct repro_result repro;
	struct backtest_result backtest;
	struct cell cells[STAGE__NR];
	char *action;
};

static void *record_of(struct row *r, enum stage_kind s)
{
	switch (s) {
	case STAGE_PORT:
		return &r->port;
	case STAGE_BUILD:
		return &r->build;
	case STAGE_SPARSE:
		return &r->sparse;
	case STAGE_CHECKPATCH:
		return &r->checkpatch;
	case STAGE_REPRO:
		return &r->repro;
	case STAGE_BACKTEST:
		return &r->backtest;
	default:
		return NULL;
	}
}

static int good(const struct row *r, enum stage_kind s)
{
	return r->cells[s].load == REC_OK;
}

static int fresh(const struct row *r, enum stage_kind s)
{
	return good(r, s) && !r->cells[s].stale;
}

static char *port_text(const struct port_result *p)
{
	struct sbuf sb = {0};
	size_t i;

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

static char *record_text(struct row *r, enum stage_kind s)
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

/* One stage's record of one tree: read, checked, and said in a few words. */
static int fill_cell(struct row *r, enum stage_kind s)
{
	struct cell *c = &r->cells[s];
	struct stage_record *h = record_of(r, s);
	char *path = ws_path(r->ws, WS_OUT, record_file(s)), *text;

	if (stage_inputs(r->ws, s, c->inputs) < 0) {
		free(path);
		return -1;
	}
	c->load = record_load(path, rec_desc_of(s), h, &c->why);
	free(path);
	if (c->load == REC_OK && strcmp(h->tree, r->ws->name)) {
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
		c->stale = record_is_stale(h, git_commit_id(r->ws->tip), c->inputs);
		text = record_text(r, s);
		c->text = xprintf("%s%s", text, c->stale ? " STALE" : "");
		free(text);
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

static int build_failed(const struct row *r, enum stage_kind s)
{
	const struct build_result *b = s == STAGE_BUILD ? &r->build : &r->sparse;

	return fresh(r, s) && (b->verdict == BUILD_BREAKS || b->verdict == BUILD_FAILS_BEFORE);
}

static char *next_action(struct row *r)
{
	struct tree_ws *ws = r->ws;
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
	for (i = 0; i < ARRAY_SIZE(shown); i++)
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

static int fill_row(struct tree_ws *ws, struct row *r)
{
	size_t i;

	r->ws = ws;
	for (i = 0; ws->repo && i < ARRAY_SIZE(shown); i++)
		if (fill_cell(r, shown[i]) < 0)
			return -1;
	r->action = next_action(r);
	return 0;
}

static void row_release(struct row *r)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(shown); i++) {
		struct cell *c = &r->cells[shown[i]];

		if (c->load == REC_OK)
			record_release(rec_desc_of(shown[i]), record_of(r, shown[i]));
		free(c->why);
		free(c->text);
	}
	free(r->action);
}

static const char *cell_text(const struct row *r, enum stage_kind s)
{
	return r->cells[s].text ? r->cells[s].text : "-";
}

static void print_text(struct ctx *ctx, struct row *rows)
{
	size_t i, k;

	printf("series %s\n\n", ctx->series.name);
	for (i = 0; i < ctx->nts; i++) {
		struct tree_ws *ws = &ctx->ws[i];
		struct status_result *st = &ctx->status[i];

		printf("%s: %s", ws->name,
		       verdict_name(ws->repo ? (enum verdict)st->state : V_ABSENT));
		for (k = 0; ws->repo && k < st->npatches; k++)
			printf("%s%.12s %s", k ? ", " : " (", st->patches[k].upstream,
			       verdict_name(st->patches[k].verdict));
		printf("%s\n", ws->repo ? ")" : "");
		for (k = 0; ws->repo && k < ARRAY_SIZE(shown); k++)
			printf("  %s: %s\n", stage_name(shown[k]), cell_text(&rows[i], shown[k]));
		printf("  next: %s\n", rows[i].action);
	}
}

static const char *cell_state(const struct cell *c)
{
	if (c->load == REC_MISSING)
		return "not run";
	if (c->load == REC_CORRUPT)
		return "corrupt";
	return c->stale ? "stale" : "fresh";
}

static void print_json(struct ctx *ctx, struct row *rows)
{
	struct json_object *arr = json_object_new_array();
	size_t i, k;

	for (i = 0; i < ctx->nts; i++) {
		struct json_object *o = json_object_new_object();
		struct json_object *records = json_object_new_object();
		struct tree_ws *ws = &ctx->ws[i];
		struct row *r = &rows[i];

		json_object_object_add(o, "tree", json_string_utf8(ws->name));
		json_object_object_add(o, "state", json_string_utf8(
			verdict_name(ws->repo ? (enum verdict)ctx->status[i].state : V_ABSENT)));
		for (k = 0; k < ARRAY_SIZE(shown); k++) {
			const struct cell *c = &r->cells[shown[k]];
			struct json_object *rec;

			json_object_object_add(o, stage_name(shown[k]),
					       json_string_utf8(cell_text(r, shown[k])));
			if (!ws->repo)
				continue;
			rec = json_object_new_object();
			json_object_object_add(rec, "record", json_string_utf8(cell_state(c)));
			json_object_object_add(rec, "inputs", json_string_utf8(c->inputs));
			if (c->load == REC_CORRUPT)
				json_object_object_add(rec, "why", json_string_utf8(c->why));
			json_object_object_add(records, stage_name(shown[k]), rec);
		}
		json_object_object_add(o, "next", json_string_utf8(r->action));
		json_object_object_add(o, "records", records);
		json_object_array_add(arr, o);
	}
	printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctx ctx = {0};
	struct row *rows = NULL;
	int ret;
	size_t i, n = 0;

	if (ctx_start(&ctx, argc, argv, opts, ctx_json_option, &ctx, report_usage,
		      CTX_VERDICTS, &ret))
		goto out;
	ret = EXIT_ERROR;
	rows = xcalloc(ctx.nts, sizeof(*rows));
	for (n = 0; n < ctx.nts; n++) {
		if (fill_row(&ctx.ws[n], &rows[n]) < 0) {
			n++;
			goto out;
		}
	}
	if (ctx.json)
		print_json(&ctx, rows);
	else
		print_text(&ctx, rows);
	ret = EXIT_OK;
out:
	for (i = 0; i < n; i++)
		row_release(&rows[i]);
	free(rows);
	ctx_release(&ctx);
	return ret;
}
