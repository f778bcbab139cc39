// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport check: sparse on the objects the series touches, before and
 * after (only new warnings are reported: sparse.json), and the tree's own
 * scripts/checkpatch.pl on every generated patch (checkpatch.json).
 */
#include <stdio.h>
#include <stdlib.h>

#include "util.h"
#include "fsutil.h"
#include "context.h"
#include "results.h"
#include "kstage.h"
#include "stages.h"
#include "commands.h"
#include "cmd-build.h"

static const char check_usage[] =
	"usage: ltsport check [options]\n"
	COMMON_USAGE;

static void print_checkpatch(const char *tree, const struct checkpatch_result *r)
{
	switch (r->head.outcome) {
	case OUTCOME_NOT_RUN:
		printf("%s: checkpatch: %s\n", tree, r->why);
		break;
	case OUTCOME_FAILED_TO_RUN:
		printf("%s: checkpatch: did not run: %s\n", tree, r->why);
		break;
	default:
		printf("%s: checkpatch: %d error%s, %d warning%s of ours (%d upstream has too); see %s\n",
		       tree, r->errors, r->errors == 1 ? "" : "s", r->warnings,
		       r->warnings == 1 ? "" : "s", r->upstream_too, r->log);
	}
}

/* 0 done (findings included), -1 when checkpatch could not do its work. */
static int checkpatch_one(struct tree_ws *ws)
{
	struct checkpatch_result r;
	char *path;
	int ret;

	if (stage_checkpatch(ws, &r) < 0)
		return -1;
	print_checkpatch(ws->name, &r);
	path = ws_path(ws, WS_OUT, record_file(STAGE_CHECKPATCH));
	ret = mkdir_p(ws->out);
	if (!ret)
		ret = record_save(path, &checkpatch_desc, &r);
	if (!ret && r.head.outcome == OUTCOME_FAILED_TO_RUN)
		ret = error("%s: checkpatch did not run: %s; check a tree with its own scripts/ (the result is in %s)",
			    ws->name, r.why, path);
	free(path);
	record_release(&checkpatch_desc, &r);
	return ret;
}

int cmd_check(int argc, char **argv)
{
	static const char *const sparse_args[] = { "C=2", "CHECK=sparse", NULL };
	struct build_opts sparse = { .stage = STAGE_SPARSE, .quick = 1, .extra = sparse_args };
	struct ctx ctx = {0};
	int ret = EXIT_USAGE, failed = 0;
	size_t i;

	if (ctx_start(&ctx, argc, argv, NULL, NULL, NULL, check_usage, 0, &ret))
		goto out;
	for (i = 0; i < ctx.nts; i++)
		if (ctx.ts[i].repo && kstage_conf_check(&ctx.ws[i], ctx.conf.file) < 0)
			goto out;
	for (i = 0; i < ctx.nts; i++) {
		struct tree_ws *ws = &ctx.ws[i];

		if (!ctx.ts[i].repo) {
			printf("%s: tree absent, not checked\n", ws->name);
			continue;
		}
		/* held for the run; findings are results (sparse.json, checkpatch.json) */
		if (ws_lock(ws, "check", ctx.wait_s) < 0) {
			failed = 1;
			continue;
		}
		if (build_one(ws, &sparse) < 0)
			failed = 1;
		if (checkpatch_one(ws) < 0)
			failed = 1;
	}
	ret = failed ? EXIT_ERROR : EXIT_OK;
out:
	ctx_release(&ctx);
	return ret;
}
