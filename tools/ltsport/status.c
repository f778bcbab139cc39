// SPDX-License-Identifier: GPL-2.0
/*
 * The status stage: a tree's verdicts, kept in a record keyed by the hash
 * of what decided them, so that report and the stages after status do not
 * run the semantic patches again (seconds per tree) when nothing changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "fsutil.h"
#include "conf.h"
#include "series.h"
#include "verdict.h"
#include "workspace.h"
#include "results.h"
#include "status.h"

/* The record from the tree state. */
static void fill(struct tree_ws *ws, const char *inputs, double seconds,
		 struct status_result *res)
{
	struct tree_state *ts = ws->ts;
	struct series *s = ws->series;
	size_t k;

	record_head(&res->head, STAGE_STATUS, ws->name, git_commit_id(ws->tip), inputs,
		    OUTCOME_DONE, seconds);
	res->state = ts->state;
	res->history_note = ts->history_note ? xstrdup(ts->history_note) : NULL;
	res->history = ts->history;
	res->walked = ts->walked;
	res->npatches = s->nr;
	res->patches = xcalloc(s->nr, sizeof(*res->patches));
	for (k = 0; k < s->nr; k++) {
		struct patch_verdict *pv = &ts->pv[k];
		struct status_patch *sp = &res->patches[k];

		sp->upstream = xstrdup(s->patches[k].upstream);
		sp->verdict = pv->v;
		sp->evidence = xstrdup(pv->evidence ? pv->evidence : "");
		sp->notes = xstrdup(pv->notes.len ? pv->notes.buf : "");
		sp->warning = pv->warning ? xstrdup(pv->warning) : NULL;
		if (pv->has_backport)
			git_oid_tostr(sp->backport, sizeof(sp->backport), &pv->backport);
	}
}

/* 1 when the record is about this series, in its order. */
static int matches(const struct status_result *rec, const struct series *s)
{
	size_t k;

	if (rec->npatches != s->nr)
		return 0;
	for (k = 0; k < s->nr; k++)
		if (strcmp(rec->patches[k].upstream, s->patches[k].upstream))
			return 0;
	return 1;
}

/* The tree state from the record. */
static int restore(struct tree_ws *ws, const struct status_result *rec)
{
	struct tree_state *ts = ws->ts;
	struct series *s = ws->series;
	size_t k;

	ts->pv = xcalloc(s->nr, sizeof(*ts->pv));
	for (k = 0; k < s->nr; k++) {
		const struct status_patch *sp = &rec->patches[k];
		struct patch_verdict *pv = &ts->pv[k];

		pv->v = sp->verdict;
		pv->evidence = xstrdup(sp->evidence);
		if (*sp->notes)
			sbuf_adds(&pv->notes, sp->notes);
		pv->warning = sp->warning ? xstrdup(sp->warning) : NULL;
		if (*sp->backport) {
			if (git_oid_fromstr(&pv->backport, sp->backport) < 0)
				return git_fail(sp->backport);
			pv->has_backport = 1;
		}
	}
	ts->state = rec->state;
	ts->history = rec->history;
	ts->walked = rec->walked;
	ts->history_note = rec->history_note ? xstrdup(rec->history_note) : NULL;
	return 0;
}

int stage_status(struct tree_ws *ws, struct status_result *res)
{
	char inputs[INPUTS_HEXSZ + 1], *path, *why = NULL;
	struct status_result cached;
	double started = now_s();
	int ret = 0;

	memset(res, 0, sizeof(*res));
	res->head.outcome = OUTCOME_NOT_RUN;
	if (!ws->repo)
		return verdict_tree(ws->ts, ws->series);
	if (stage_inputs(ws, STAGE_STATUS, inputs) < 0)
		return -1;
	path = ws_path(ws, WS_WORK, record_file(STAGE_STATUS));
	switch (record_load(path, &status_desc, &cached, &why)) {
	case REC_OK:
		if (!record_is_stale(&cached.head, git_commit_id(ws->tip), inputs) &&
		    matches(&cached, ws->series)) {
			ret = restore(ws, &cached);
			if (!ret) {
				fill(ws, inputs, cached.head.seconds, res);
				res->from_cache = 1;
			}
			record_release(&status_desc, &cached);
			goto out;
		}
		record_release(&status_desc, &cached);
		break;
	case REC_CORRUPT:
		/* a cache: decided again and written anew */
		progress("%s: %s; deciding again", ws->name, why);
		free(why);
		break;
	case REC_MISSING:
		break;
	}
	ret = verdict_tree(ws->ts, ws->series);
	if (ret < 0)
		goto out;
	fill(ws, inputs, now_s() - started, res);
	if (mkdir_p(ws->work) < 0 || record_save(path, &status_desc, res) < 0)
		warn("%s: the verdicts could not be kept in %s; the next run decides them again",
		     ws->name, path);
out:
	free(path);
	return ret;
}
