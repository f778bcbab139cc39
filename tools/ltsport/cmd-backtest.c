// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport backtest: where a tree already has a fix, take it out again,
 * port it with our own ladder, and compare with what the humans did.
 * identical / equivalent (whitespace and comments only) / differs: the
 * accuracy of ltsport, measured on real backports.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "gitops.h"
#include "context.h"
#include "ladder.h"
#include "cocci.h"
#include "commands.h"

static const char backtest_usage[] =
	"usage: ltsport backtest [options]\n"
	"  --diff             print the diff of every result that differs\n"
	COMMON_USAGE;

struct backtest_opts {
	int show_diff;
};

enum outcome { BT_IDENTICAL, BT_EQUIVALENT, BT_DIFFERS, BT_FAILED };

static const char *const outcome_names[] = {
	"identical", "equivalent", "differs", "failed",
};

/* C text without comments and with all runs of white space dropped. */
static char *normalise(const char *s)
{
	struct sbuf sb = {0};

	while (*s) {
		if (s[0] == '/' && s[1] == '*') {
			const char *e = strstr(s + 2, "*/");

			s = e ? e + 2 : s + strlen(s);
		} else if (s[0] == '/' && s[1] == '/') {
			s += strcspn(s, "\n");
		} else {
			if (!isspace((unsigned char)*s))
				sbuf_add(&sb, s, 1);
			s++;
		}
	}
	return sbuf_detach(&sb);
}

static int files_equivalent(git_repository *repo, git_tree *a, git_tree *b,
			    const char *files)
{
	char *list = xstrdup(files), *save = NULL, *f;
	int same = 1;

	for (f = strtok_r(list, " ", &save); f && same; f = strtok_r(NULL, " ", &save)) {
		char *x = NULL, *y = NULL, *nx, *ny;
		int rx = read_blob_at(repo, a, f, &x), ry = read_blob_at(repo, b, f, &y);

		if (rx || ry) {
			same = rx == ry;
		} else {
			nx = normalise(x);
			ny = normalise(y);
			same = !strcmp(nx, ny);
			free(nx);
			free(ny);
		}
		free(x);
		free(y);
	}
	free(list);
	return same;
}

static enum outcome compare(struct tree_state *ts, git_tree *want, git_tree *got,
			    char **diff)
{
	char *files;
	int same;

	if (git_oid_equal(git_tree_id(want), git_tree_id(got)))
		return BT_IDENTICAL;
	if (diff_trees_text(ts->repo, want, got, diff) < 0)
		return BT_FAILED;
	files = diff_paths(*diff);
	same = files && files_equivalent(ts->repo, want, got, files);
	free(files);
	return same ? BT_EQUIVALENT : BT_DIFFERS;
}

/* Backtest patch k on one tree: later present patches are taken out first. */
static enum outcome backtest_one(struct ctx *ctx, struct tree_state *ts, size_t k,
				 const char **how, const char **rung, char **diff)
{
	struct series *s = &ctx->series;
	git_tree *want = NULL, *without = NULL, *next;
	struct adaptation a = {0};
	enum outcome o = BT_FAILED;
	size_t j;

	if (git_commit_tree(&want, ts->tip) < 0)
		return BT_FAILED;
	for (j = s->nr; j-- > k + 1; ) {
		if (ts->pv[j].v != V_FIXED)
			continue;
		if (unapply_patch(ts, &s->patches[j], &ts->pv[j], want, &next, how))
			goto out;
		git_tree_free(want);
		want = next;
	}
	if (unapply_patch(ts, &s->patches[k], &ts->pv[k], want, &without, how))
		goto out;
	if (ladder_apply(ts->repo, without, &s->patches[k], &a)) {
		*diff = a.failure ? xstrdup(a.failure) : NULL;
		goto out;
	}
	*rung = a.rung;
	o = compare(ts, want, a.tree, diff);
out:
	adaptation_release(&a);
	git_tree_free(without);
	git_tree_free(want);
	return o;
}

static int backtest_option(int c, const char *arg, void *data)
{
	struct backtest_opts *o = data;

	(void)arg;
	if (c != 'd')
		return -1;
	o->show_diff = 1;
	return 0;
}

static int run_backtests(struct ctx *ctx, struct backtest_opts *o)
{
	size_t i, k, n = 0, bad = 0;

	printf("%-8s %-13s %-9s %-11s %s\n", "tree", "patch", "rung", "result", "taken out by");
	for (i = 0; i < ctx->nts; i++) {
		struct tree_state *ts = &ctx->ts[i];

		for (k = 0; ts->repo && k < ctx->series.nr; k++) {
			const char *how = "?", *rung = "-";
			char *diff = NULL;
			enum outcome out;

			if (ts->pv[k].v != V_FIXED)
				continue;
			progress("%s: backtest of %.12s", ts->conf->name,
				 ctx->series.patches[k].upstream);
			out = backtest_one(ctx, ts, k, &how, &rung, &diff);
			printf("%-8s %-13.12s %-9s %-11s %s\n", ts->conf->name,
			       ctx->series.patches[k].upstream, rung, outcome_names[out], how);
			if (diff && out == BT_FAILED)
				printf("  why: %s\n", diff);
			else if (diff && o->show_diff)
				printf("(- as the tree has it, + as ltsport ports it)\n%s\n", diff);
			free(diff);
			n++;
			bad += out == BT_DIFFERS || out == BT_FAILED;
		}
	}
	printf("\n%zu backtests: %zu identical or equivalent, %zu differ or failed\n", n,
	       n - bad, bad);
	/* a backtest that differs is a finding, not a failure of the stage */
	return EXIT_OK;
}

int cmd_backtest(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "diff", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct backtest_opts o = {0};
	struct ctx ctx = {0};
	int ret = EXIT_USAGE;

	if (ctx_start(&ctx, argc, argv, opts, backtest_option, &o, backtest_usage, 1, &ret))
		goto out;
	ret = run_backtests(&ctx, &o);
out:
	ctx_release(&ctx);
	return ret;
}
