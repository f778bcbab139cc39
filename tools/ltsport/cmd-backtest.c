// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport backtest: where a tree already has a fix, take it out again,
 * port it with our own ladder, and compare with what the humans did
 * (backtest.c); the table, and backtest.json per tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "context.h"
#include "results.h"
#include "backtest.h"
#include "commands.h"

static const char backtest_usage[] =
	"usage: ltsport backtest [options]\n"
	"  --diff             print the diff of every result that differs\n"
	COMMON_USAGE;

static int backtest_option(int c, const char *arg, void *data)
{
	struct backtest_opts *o = data;

	(void)arg;
	if (c != 'd')
		return -1;
	o->show_diff = 1;
	return 0;
}

static void print_entries(struct tree_ws *ws, const struct backtest_result *res,
			  const struct backtest_opts *o, size_t *n, size_t *bad)
{
	size_t i;

	for (i = 0; i < res->nentries; i++) {
		const struct backtest_entry *e = &res->entries[i];

		printf("%-8s %-13.12s %-9s %-11s %s\n", ws->name, e->upstream, e->rung,
		       backtest_outcome_name(e->result), e->taken_out_by);
		if (e->why && e->result == BACKTEST_FAILED)
			printf("  why: %s\n", e->why);
		else if (e->diff && o->show_diff)
			printf("(- as the tree has it, + as ltsport ports it)\n%s\n", e->diff);
		(*n)++;
		*bad += e->result == BACKTEST_DIFFERS || e->result == BACKTEST_FAILED;
	}
}

int cmd_backtest(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "diff", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct backtest_opts o = {0};
	struct ctx ctx = {0};
	size_t i, n = 0, bad = 0;
	int ret;

	if (ctx_start(&ctx, argc, argv, opts, backtest_option, &o, backtest_usage,
		      CTX_LOCK | CTX_VERDICTS, &ret))
		goto out;
	o.mainline = ctx.mainline;
	ret = EXIT_ERROR;
	printf("%-8s %-13s %-9s %-11s %s\n", "tree", "patch", "rung", "result", "taken out by");
	for (i = 0; i < ctx.nts; i++) {
		struct backtest_result res;
		int rc = stage_backtest(&ctx.ws[i], &o, &res);

		print_entries(&ctx.ws[i], &res, &o, &n, &bad);
		record_release(&backtest_desc, &res);
		if (rc < 0)
			goto out;
	}
	printf("\n%zu backtests: %zu identical or equivalent, %zu differ or failed\n", n,
	       n - bad, bad);
	/* a backtest that differs is a finding, not a failure of the stage */
	ret = EXIT_OK;
out:
	ctx_release(&ctx);
	return ret;
}
