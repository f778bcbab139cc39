// SPDX-License-Identifier: GPL-2.0
/*
 * The backtest stage: where a tree already has a fix, take it out again,
 * port it with our own ladder, and compare with what the humans did:
 * identical / equivalent (whitespace and comments only) / differs. The
 * accuracy of ltsport, measured on real backports.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"
#include "series.h"
#include "verdict.h"
#include "ladder.h"
#include "workspace.h"
#include "results.h"
#include "backtest.h"

/* C text without comments and with all runs of white space dropped. */
static char *normalise(const char *s)
{
	struct sbuf sb = {0};

	sbuf_adds(&sb, "");
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

static enum backtest_outcome compare(git_repository *repo, git_tree *want, git_tree *got,
				     char **diff)
{
	char *files;
	int same;

	if (git_oid_equal(git_tree_id(want), git_tree_id(got)))
		return BACKTEST_IDENTICAL;
	if (diff_trees_text(repo, want, got, diff) < 0)
		return BACKTEST_FAILED;
	files = diff_paths(*diff);
	same = files && files_equivalent(repo, want, got, files);
	free(files);
	return same ? BACKTEST_EQUIVALENT : BACKTEST_DIFFERS;
}

/* Backtest patch k on one tree: later present patches are taken out first. */
static void backtest_one(struct tree_ws *ws, const struct backtest_opts *o, size_t k,
			 struct backtest_entry *e)
{
	struct ladder_opts lo = { .mainline = o->mainline, .tip = ws->tip, .conf = ws->conf };
	struct series *s = ws->series;
	struct tree_state *ts = ws->ts;
	git_tree *want = NULL, *without = NULL, *next;
	struct adaptation a = {0};
	const char *how = "?";
	size_t j;

	e->upstream = xstrdup(s->patches[k].upstream);
	e->result = BACKTEST_FAILED;
	if (git_commit_tree(&want, ws->tip) < 0) {
		e->why = xprintf("%s", git_error_last() ? git_error_last()->message : "no tree");
		goto out;
	}
	for (j = s->nr; j-- > k + 1; ) {
		if (ts->pv[j].v != V_FIXED)
			continue;
		if (unapply_patch(ts, &s->patches[j], &ts->pv[j], want, &next, &how))
			goto out;
		git_tree_free(want);
		want = next;
	}
	if (unapply_patch(ts, &s->patches[k], &ts->pv[k], want, &without, &how))
		goto out;
	if (ladder_apply(ws->repo, without, &s->patches[k], &lo, &a)) {
		e->why = a.failure ? xstrdup(a.failure) : NULL;
		goto out;
	}
	e->rung = xstrdup(a.rung);
	e->result = compare(ws->repo, want, a.tree, &e->diff);
out:
	if (!e->rung)
		e->rung = xstrdup("-");
	e->taken_out_by = xstrdup(how);
	adaptation_release(&a);
	git_tree_free(without);
	git_tree_free(want);
}

int stage_backtest(struct tree_ws *ws, const struct backtest_opts *o,
		   struct backtest_result *res)
{
	char inputs[INPUTS_HEXSZ + 1], *path;
	double started = now_s();
	size_t k, bad = 0;
	int ret;

	memset(res, 0, sizeof(*res));
	res->head.outcome = OUTCOME_NOT_RUN;
	if (!ws->repo)
		return 0;
	res->entries = xcalloc(ws->series->nr, sizeof(*res->entries));
	for (k = 0; k < ws->series->nr; k++) {
		struct backtest_entry *e = &res->entries[res->nentries];

		if (ws->ts->pv[k].v != V_FIXED)
			continue;
		progress("%s: backtest of %.12s", ws->name, ws->series->patches[k].upstream);
		backtest_one(ws, o, k, e);
		res->nentries++;
		bad += e->result == BACKTEST_DIFFERS || e->result == BACKTEST_FAILED;
	}
	if (!res->nentries)
		return 0;
	if (stage_inputs(ws, STAGE_BACKTEST, inputs) < 0)
		return -1;
	record_head(&res->head, STAGE_BACKTEST, ws->name, git_commit_id(ws->tip), inputs,
		    bad ? OUTCOME_FINDING : OUTCOME_DONE, now_s() - started);
	if (mkdir_p(ws->out) < 0)
		return -1;
	path = ws_path(ws, WS_OUT, record_file(STAGE_BACKTEST));
	ret = record_save(path, &backtest_desc, res);
	free(path);
	return ret;
}
