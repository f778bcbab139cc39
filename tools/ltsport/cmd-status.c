// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport status: per tree and patch, is the tree affected and is the fix
 * there, with the evidence that decided.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "context.h"
#include "commands.h"

static const char status_usage[] =
	"usage: ltsport status [options]\n"
	"  --json             one JSON array, an object per (tree, patch)\n"
	COMMON_USAGE;

static void print_matrix(struct ctx *ctx)
{
	struct series *s = &ctx->series;
	size_t i, k;

	printf("series %s: %zu patch%s, %zu tree%s\n\n", s->name, s->nr, s->nr == 1 ? "" : "es",
	       ctx->nts, ctx->nts == 1 ? "" : "s");
	printf("%-10s %-13s", "tree", "series");
	for (k = 0; k < s->nr; k++)
		printf(" %-13.12s", s->patches[k].upstream);
	printf("\n");
	for (i = 0; i < ctx->nts; i++) {
		struct tree_state *ts = &ctx->ts[i];

		printf("%-10s %-13s", ts->conf->name, verdict_name(ts->state));
		for (k = 0; k < s->nr; k++)
			printf(" %-13s", ts->repo ? verdict_name(ts->pv[k].v) : "-");
		printf("\n");
	}
}

static void print_evidence(struct ctx *ctx)
{
	struct series *s = &ctx->series;
	size_t i, k;

	printf("\nevidence:\n");
	for (i = 0; i < ctx->nts; i++) {
		struct tree_state *ts = &ctx->ts[i];

		if (!ts->repo) {
			printf("  %s: absent: %s%s%s\n", ts->conf->name, ts->absent,
			       ts->conf->upstream ? "; get it from " : "",
			       ts->conf->upstream ? ts->conf->upstream : "");
			continue;
		}
		if (ts->history_note)
			printf("  %s: %s\n", ts->conf->name, ts->history_note);
		for (k = 0; k < s->nr; k++) {
			struct patch_verdict *pv = &ts->pv[k];

			printf("  %s %.12s %s: %s\n", ts->conf->name, s->patches[k].upstream,
			       verdict_name(pv->v), pv->evidence);
			if (pv->notes.len)
				printf("      also: %s\n", pv->notes.buf);
			if (pv->warning)
				printf("      warning: %s\n", pv->warning);
		}
	}
}

static void json_object(struct sbuf *sb, struct tree_state *ts, struct series_patch *p,
			struct patch_verdict *pv)
{
	sbuf_adds(sb, "{\"tree\":");
	sbuf_add_json(sb, ts->conf->name);
	sbuf_adds(sb, ",\"patch\":");
	sbuf_add_json(sb, p->upstream);
	sbuf_adds(sb, ",\"subject\":");
	sbuf_add_json(sb, p->subject);
	sbuf_adds(sb, ",\"verdict\":");
	sbuf_add_json(sb, ts->repo ? verdict_name(pv->v) : "absent");
	sbuf_adds(sb, ",\"evidence\":");
	sbuf_add_json(sb, ts->repo ? pv->evidence : ts->absent);
	sbuf_adds(sb, ",\"notes\":");
	sbuf_add_json(sb, pv->notes.len ? pv->notes.buf : "");
	sbuf_adds(sb, ",\"warning\":");
	if (pv->warning)
		sbuf_add_json(sb, pv->warning);
	else
		sbuf_adds(sb, "null");
	sbuf_adds(sb, ",\"series_state\":");
	sbuf_add_json(sb, verdict_name(ts->state));
	sbuf_adds(sb, "}");
}

static void print_json(struct ctx *ctx)
{
	struct sbuf sb = {0};
	size_t i, k, n = 0;

	sbuf_adds(&sb, "[");
	for (i = 0; i < ctx->nts; i++) {
		for (k = 0; k < ctx->series.nr; k++) {
			sbuf_adds(&sb, n++ ? ",\n " : "\n ");
			json_object(&sb, &ctx->ts[i], &ctx->series.patches[k], &ctx->ts[i].pv[k]);
		}
	}
	sbuf_adds(&sb, "\n]\n");
	fputs(sb.buf, stdout);
	sbuf_release(&sb);
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctx ctx = {0};
	int ret = EXIT_USAGE;

	if (ctx_start(&ctx, argc, argv, opts, ctx_json_option, &ctx, status_usage, 1, &ret))
		goto out;
	if (ctx.json) {
		print_json(&ctx);
	} else {
		print_matrix(&ctx);
		print_evidence(&ctx);
	}
	ret = EXIT_OK;
out:
	ctx_release(&ctx);
	return ret;
}
