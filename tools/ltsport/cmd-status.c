// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport status: per tree and patch, is the tree affected and is the fix
 * there, with the evidence that decided (status.c, from its record when
 * nothing changed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "util.h"
#include "context.h"
#include "results.h"
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
		struct status_result *st = &ctx->status[i];
		struct tree_ws *ws = &ctx->ws[i];

		printf("%-10s %-13s", ws->name,
		       verdict_name(ws->repo ? (enum verdict)st->state : V_ABSENT));
		for (k = 0; k < s->nr; k++)
			printf(" %-13s", ws->repo ? verdict_name(st->patches[k].verdict) : "-");
		printf("\n");
	}
}

static void print_evidence(struct ctx *ctx)
{
	struct series *s = &ctx->series;
	size_t i, k;

	printf("\nevidence:\n");
	for (i = 0; i < ctx->nts; i++) {
		struct status_result *st = &ctx->status[i];
		struct tree_ws *ws = &ctx->ws[i];

		if (!ws->repo) {
			printf("  %s: absent: %s%s%s\n", ws->name, ws->ts->absent,
			       ws->conf->upstream ? "; get it from " : "",
			       ws->conf->upstream ? ws->conf->upstream : "");
			continue;
		}
		if (st->history_note)
			printf("  %s: %s\n", ws->name, st->history_note);
		for (k = 0; k < s->nr; k++) {
			struct status_patch *sp = &st->patches[k];

			printf("  %s %.12s %s: %s\n", ws->name, sp->upstream,
			       verdict_name(sp->verdict), sp->evidence);
			if (*sp->notes)
				printf("      also: %s\n", sp->notes);
			if (sp->warning)
				printf("      warning: %s\n", sp->warning);
		}
	}
}

static struct json_object *json_row(struct tree_ws *ws, struct status_result *st,
				    struct series_patch *p, size_t k)
{
	struct json_object *o = json_object_new_object();
	struct status_patch *sp = ws->repo ? &st->patches[k] : NULL;

	json_object_object_add(o, "tree", json_string_utf8(ws->name));
	json_object_object_add(o, "patch", json_string_utf8(p->upstream));
	json_object_object_add(o, "subject", json_string_utf8(p->subject));
	json_object_object_add(o, "verdict", json_string_utf8(sp ? verdict_name(sp->verdict) :
							      "absent"));
	json_object_object_add(o, "evidence", json_string_utf8(sp ? sp->evidence :
							       ws->ts->absent));
	json_object_object_add(o, "notes", json_string_utf8(sp ? sp->notes : ""));
	json_object_object_add(o, "warning", json_string_utf8(sp ? sp->warning : NULL));
	json_object_object_add(o, "series_state",
			       json_string_utf8(verdict_name(sp ? (enum verdict)st->state :
							     V_ABSENT)));
	return o;
}

static void print_json(struct ctx *ctx)
{
	struct json_object *arr = json_object_new_array();
	size_t i, k;

	for (i = 0; i < ctx->nts; i++)
		for (k = 0; k < ctx->series.nr; k++)
			json_object_array_add(arr, json_row(&ctx->ws[i], &ctx->status[i],
							    &ctx->series.patches[k], k));
	printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctx ctx = {0};
	int ret;

	if (ctx_start(&ctx, argc, argv, opts, ctx_json_option, &ctx, status_usage,
		      CTX_VERDICTS, &ret))
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
