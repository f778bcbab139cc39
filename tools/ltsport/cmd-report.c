// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport report: one row per tree a maintainer can act on: the verdicts,
 * then what each stage left in backports/<series>/<tree>/ (port, build,
 * sparse, checkpatch, repro), and what to do next. A stage that did not run says
 * so; a result made on another commit of the tree is marked stale.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "util.h"
#include "fsutil.h"
#include "context.h"
#include "commands.h"

static const char report_usage[] =
	"usage: ltsport report [options]\n"
	"  --json             one JSON object per tree\n"
	COMMON_USAGE;

struct row {
	const char *tree;
	const char *state;
	char *port;
	char *build;
	char *sparse;
	char *checkpatch;
	char *repro;
	int proven;
	char *action;
};

static json_object *load_json(const char *dir, const char *name)
{
	char *path = path_join(dir, name);
	json_object *o = NULL;

	if (path_exists(path))
		o = json_object_from_file(path);
	free(path);
	return o;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return json_object_get_string(v);
}

static char *port_cell(struct tree_state *ts, json_object *port, int *stale)
{
	char sha[GIT_OID_HEXSZ + 1];
	json_object *patches, *p;
	const char *base = jstr(port, "base_commit");
	struct sbuf sb = {0};
	size_t i, n;

	if (!port)
		return xstrdup("-");
	git_oid_tostr(sha, sizeof(sha), git_commit_id(ts->tip));
	*stale = base && strcmp(base, sha);
	if (!json_object_object_get_ex(port, "patches", &patches))
		return xstrdup("?");
	n = json_object_array_length(patches);
	sbuf_addf(&sb, "%zu patch%s", n, n == 1 ? "" : "es");
	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(patches, i);
		sbuf_addf(&sb, "%s%s", i ? "," : " (", jstr(p, "rung") ? jstr(p, "rung") : "?");
	}
	sbuf_adds(&sb, n ? ")" : "");
	if (*stale)
		sbuf_adds(&sb, " STALE");
	return sbuf_detach(&sb);
}

static char *stage_cell(json_object *o)
{
	json_object *v;
	int nw = 0, quick;

	if (!o)
		return xstrdup("not run");
	if (json_object_object_get_ex(o, "new_warnings", &v))
		nw = json_object_get_int(v);
	quick = jstr(o, "mode") && !strcmp(jstr(o, "mode"), "quick");
	return xprintf("%s%s, %d new warning%s", jstr(o, "verdict"), quick ? " (quick)" : "",
		       nw, nw == 1 ? "" : "s");
}

static char *checkpatch_cell(const char *dir)
{
	char *path = path_join(dir, "checkpatch.log"), *text = NULL, *cell;
	int errors = 0, warnings = 0;
	const char *line;

	if (read_file_quiet(path, &text)) {
		free(path);
		return xstrdup("not run");
	}
	for (line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		size_t n = strcspn(line, "\n");
		char *l = xstrndup(line, n);

		if (!strstr(l, "(upstream too)") && !strstr(l, "not counted)")) {
			errors += !!strstr(l, ": ERROR:");
			warnings += !!strstr(l, ": WARNING:");
		}
		free(l);
	}
	cell = xprintf("%d error%s, %d warning%s", errors, errors == 1 ? "" : "s", warnings,
		       warnings == 1 ? "" : "s");
	free(text);
	free(path);
	return cell;
}

static char *repro_cell(struct tree_state *ts, json_object *o, int *proven)
{
	char sha[GIT_OID_HEXSZ + 1];
	const char *tip = jstr(o, "tip");
	json_object *v;
	int stale;

	if (!o)
		return xstrdup("not run");
	git_oid_tostr(sha, sizeof(sha), git_commit_id(ts->tip));
	stale = tip && strcmp(tip, sha);
	*proven = !stale && json_object_object_get_ex(o, "proven", &v) &&
		  json_object_get_boolean(v);
	return xprintf("%s%s", jstr(o, "verdict") ? jstr(o, "verdict") : "?",
		       stale ? " STALE" : "");
}

/* 1 when a ported patch's mail lacks upstream's own message. */
static int lacks_upstream_message(json_object *port)
{
	json_object *patches, *v;
	size_t i, n;

	if (!port || !json_object_object_get_ex(port, "patches", &patches))
		return 0;
	n = json_object_array_length(patches);
	for (i = 0; i < n; i++)
		if (json_object_object_get_ex(json_object_array_get_idx(patches, i),
					      "upstream_message", &v) &&
		    !json_object_get_boolean(v))
			return 1;
	return 0;
}

static int stage_failed(const char *cell)
{
	return strcmp(cell, "not run") && strncmp(cell, "builds", 6);
}

static char *next_action(struct tree_state *ts, struct row *r, int stale, int ported,
			 int no_message)
{
	if (!ts->repo)
		return xprintf("get the tree%s%s", ts->conf->upstream ? ": " : "",
			       ts->conf->upstream ? ts->conf->upstream : "");
	switch (ts->state) {
	case V_NOT_AFFECTED:
	case V_FIXED:
		return xstrdup("nothing to do");
	case V_UNKNOWN:
		return xstrdup("decide by hand: see ltsport status");
	default:
		break;
	}
	if (!ported || stale)
		return xstrdup("run ltsport port");
	if (stage_failed(r->build) || stage_failed(r->sparse))
		return xstrdup("fix the build: see build.log and sparse.log");
	if (no_message)
		return xstrdup("give the upstream message: a [mainline] clone in stable_trees.conf or the upstream mail in the series directory, then run ltsport port again");
	if (atoi(r->checkpatch) > 0)
		return xstrdup("fix the checkpatch errors: see checkpatch.log");
	if (!strcmp(r->build, "not run") || !strcmp(r->sparse, "not run") ||
	    !strcmp(r->checkpatch, "not run"))
		return xstrdup("run ltsport check and build");
	if (!strcmp(r->repro, "not run") || strstr(r->repro, "STALE"))
		return xstrdup("run ltsport repro (the proof in QEMU), then review and send");
	if (!r->proven)
		return xstrdup("look into the repro: see repro-before.log and repro-after.log");
	return xstrdup("review the series and send it");
}

static void fill_row(struct ctx *ctx, struct tree_state *ts, struct row *r)
{
	char *dir = path_join(ctx->out_dir, ts->conf->name);
	json_object *port = load_json(dir, "port.json");
	json_object *build = load_json(dir, "build.json");
	json_object *sparse = load_json(dir, "sparse.json");
	json_object *repro = load_json(dir, "repro.json");
	int stale = 0;

	r->tree = ts->conf->name;
	r->state = verdict_name(ts->state);
	r->port = ts->repo ? port_cell(ts, port, &stale) : xstrdup("-");
	r->build = stage_cell(build);
	r->sparse = stage_cell(sparse);
	r->checkpatch = checkpatch_cell(dir);
	r->repro = ts->repo ? repro_cell(ts, repro, &r->proven) : xstrdup("-");
	r->action = next_action(ts, r, stale, port != NULL, lacks_upstream_message(port));
	json_object_put(port);
	json_object_put(build);
	json_object_put(sparse);
	json_object_put(repro);
	free(dir);
}

static void row_release(struct row *r)
{
	free(r->port);
	free(r->build);
	free(r->sparse);
	free(r->checkpatch);
	free(r->repro);
	free(r->action);
}

static void print_text(struct ctx *ctx, struct row *rows)
{
	size_t i, k;

	printf("series %s\n\n", ctx->series.name);
	for (i = 0; i < ctx->nts; i++) {
		struct tree_state *ts = &ctx->ts[i];

		printf("%s: %s", rows[i].tree, rows[i].state);
		for (k = 0; ts->repo && k < ctx->series.nr; k++)
			printf("%s%.12s %s", k ? ", " : " (", ctx->series.patches[k].upstream,
			       verdict_name(ts->pv[k].v));
		printf("%s\n", ts->repo ? ")" : "");
		if (ts->repo)
			printf("  port: %s\n  build: %s\n  sparse: %s\n  checkpatch: %s\n  repro: %s\n",
			       rows[i].port, rows[i].build, rows[i].sparse, rows[i].checkpatch,
			       rows[i].repro);
		printf("  next: %s\n", rows[i].action);
	}
}

static void print_json(struct ctx *ctx, struct row *rows)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < ctx->nts; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "tree", json_object_new_string(rows[i].tree));
		json_object_object_add(o, "state", json_object_new_string(rows[i].state));
		json_object_object_add(o, "port", json_object_new_string(rows[i].port));
		json_object_object_add(o, "build", json_object_new_string(rows[i].build));
		json_object_object_add(o, "sparse", json_object_new_string(rows[i].sparse));
		json_object_object_add(o, "checkpatch", json_object_new_string(rows[i].checkpatch));
		json_object_object_add(o, "repro", json_object_new_string(rows[i].repro));
		json_object_object_add(o, "next", json_object_new_string(rows[i].action));
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
	int ret = EXIT_USAGE;
	size_t i;

	if (ctx_start(&ctx, argc, argv, opts, ctx_json_option, &ctx, report_usage, 1, &ret))
		goto out;
	rows = xcalloc(ctx.nts, sizeof(*rows));
	for (i = 0; i < ctx.nts; i++)
		fill_row(&ctx, &ctx.ts[i], &rows[i]);
	if (ctx.json)
		print_json(&ctx, rows);
	else
		print_text(&ctx, rows);
	for (i = 0; i < ctx.nts; i++)
		row_release(&rows[i]);
	ret = EXIT_OK;
out:
	free(rows);
	ctx_release(&ctx);
	return ret;
}
