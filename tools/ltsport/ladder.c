// SPDX-License-Identifier: GPL-2.0
/*
 * The adaptation ladder: the cheapest faithful way first.
 *   1. exact: the upstream patch applied in memory by libgit2, no fuzz;
 *   2. three-way: merged with the mainline clone's fix and parent, as git
 *      cherry-pick merges (threeway.c);
 *   3. relaxed: the anchored locator (hunkmatch.c) in memory: offsets,
 *      whitespace and fuzz 2, in the function each hunk's header names;
 *      where each hunk landed goes into the note;
 *   4. bridged: the tree's files lifted to upstream's API era by the
 *      cocci/api bridges, upstream applied, lowered back (bridge.c);
 *   5. semantic: the fix's Coccinelle form in patch mode, for trees whose
 *      code has drifted from mainline (or when no patch body is at hand).
 * A rung either yields a whole new tree or nothing, none runs on a tree
 * that already has the fix (every hunk's postimage found anchored), and
 * its tree counts only when the objects it touches compile (rungbuild.c).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "fsutil.h"
#include "series.h"
#include "gitops.h"
#include "verdict.h"
#include "cocci.h"
#include "hunkmatch.h"
#include "bridge.h"
#include "pathfind.h"
#include "ladder.h"
#include "threeway.h"
#include "rungbuild.h"
#include "failed.h"

/*
 * Where a patch's line is, for an error: "<patch file>:<line>" when the
 * patch came from a file (p->diff is a piece of it), else the patch's name
 * and the line within its diff.
 */
static char *patch_place(struct series_patch *p, int diff_line)
{
	const char *lead = "patch file ";
	char *text = NULL, *place = NULL;
	size_t len = 0;

	if (p->body_source && starts_with(p->body_source, lead) && p->diff) {
		const char *file = p->body_source + strlen(lead);
		const char *at;

		if (read_file_quiet(file, &text) == 0) {
			len = strlen(text);
			at = memmem(text, len, p->diff, strlen(p->diff));
			if (at && diff_line > 0) {
				int line = diff_line;
				const char *c;

				for (c = text; c < at; c++)
					line += *c == '\n';
				place = xprintf("%s:%d", file, line);
			}
		}
		if (!place && diff_line > 0)
			place = xprintf("%s: diff line %d", file, diff_line);
		if (!place)
			place = xstrdup(file);
	} else {
		place = xprintf("%s (%s): diff line %d", p->name,
				p->body_source ? p->body_source : "no body", diff_line);
	}
	free(text);
	return place;
}

/* Bad input: a->failure is the whole error line, the rung's result is -2. */
static int bad_input(struct adaptation *a, struct series_patch *p, int diff_line,
		     const char *why)
{
	char *place = diff_line >= 0 ? patch_place(p, diff_line) :
		      xprintf("series.conf: [patch \"%s\"] files", p->name);

	free(a->failure);
	a->failure = xprintf("%s: bad path %s; a patch may only change files inside the tree: fix the patch or drop it from the series",
			     place, why);
	free(place);
	git_tree_free(a->tree);
	a->tree = NULL;
	a->bad_input = 1;
	return -2;
}

/*
 * Every path the patch names, before any rung: in its diff (as libgit2 and
 * as GNU patch read it) and in series.conf's files = (what spatch gets).
 */
static int check_input(git_tree *base, struct series_patch *p, struct adaptation *a)
{
	struct path_problem pb;
	int rc = 0;

	if (p->diff) {
		rc = diff_check_paths(base, p->diff, strlen(p->diff), &pb);
		if (rc > 0)
			rc = bad_input(a, p, pb.line, pb.why);
		path_problem_release(&pb);
	}
	if (!rc && p->cocci && p->files) {
		char *list = xstrdup(p->files), *save = NULL, *f, *why = NULL;

		for (f = strtok_r(list, " \t", &save); f && !rc; f = strtok_r(NULL, " \t", &save))
			if (tree_path_check(base, f, &why))
				rc = bad_input(a, p, -1, why);
		free(why);
		free(list);
	}
	return rc;
}

/* What a rung made: nothing under a symlink, no symlink pointing out. */
static int check_result(git_repository *repo, git_tree *base, struct series_patch *p,
			struct adaptation *a)
{
	struct path_problem pb;
	int rc = tree_check_result(repo, base, a->tree, p->diff,
				   p->diff ? strlen(p->diff) : 0, &pb);

	if (rc > 0)
		rc = bad_input(a, p, p->diff ? pb.line : -1, pb.why);
	path_problem_release(&pb);
	return rc;
}

static int rung_exact(git_repository *repo, git_tree *base, struct series_patch *p,
		      struct adaptation *a, struct sbuf *why)
{
	struct apply_failure fail;
	int rc;

	rc = apply_diff_buf(repo, base, p->diff, strlen(p->diff), &a->tree, &fail);
	if (rc == 0) {
		a->rung = "exact";
		a->note = xstrdup("ltsport: applied as upstream (exact: every hunk unchanged)");
	} else if (rc == -2) {
		rc = bad_input(a, p, fail.line, fail.unsafe);
	} else if (rc > 0) {
		if (fail.path)
			sbuf_addf(why, "exact: %s: hunk #%d (%s) does not apply", fail.path,
				  fail.hunk, fail.header ? fail.header : "?");
		else
			sbuf_adds(why, "exact: the patch does not apply");
	}
	apply_failure_release(&fail);
	return rc;
}

/* A binary change in the diff, which only the exact rung carries. */
static const char *binary_change(const char *diff)
{
	const char *p = diff;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (starts_with(p, "GIT binary patch") || starts_with(p, "Binary files "))
			return p;
	return NULL;
}

/*
 * The anchored locator (hunkmatch.c) in memory: each hunk near its line,
 * exact, then ignoring whitespace, then with up to 2 outer context lines
 * dropped, and only in the function its @@ header names; the tree's own
 * context lines are kept. New, deleted and renamed files are carried.
 */
static int rung_relaxed(git_repository *repo, git_tree *base, struct series_patch *p,
			struct adaptation *a, struct sbuf *why)
{
	struct sbuf notes = {0}, fail = {0};
	struct hm_patch hp;
	int rc;

	if (binary_change(p->diff)) {
		sbuf_adds(why, "; relaxed: the patch has a binary change, which only the exact rung carries");
		return 1;
	}
	if (hm_parse(&hp, p->diff, strlen(p->diff)) < 0)
		return -1;
	rc = hm_apply_tree(repo, base, &hp, 2, &a->tree, &notes, &fail);
	if (rc > 0) {
		sbuf_addf(why, "; relaxed: %s", fail.len ? fail.buf : "a hunk does not land");
	} else if (!rc && git_oid_equal(git_tree_id(a->tree), git_tree_id(base))) {
		sbuf_adds(why, "; relaxed: the patch changes nothing here");
		git_tree_free(a->tree);
		a->tree = NULL;
		rc = 1;
	} else if (!rc) {
		a->rung = "relaxed";
		a->note = xprintf("ltsport: applied with fuzz or offsets (relaxed): %s",
				  notes.len ? notes.buf : "every file as upstream");
	}
	sbuf_release(&notes);
	sbuf_release(&fail);
	hm_patch_release(&hp);
	return rc;
}

/*
 * Already there: every hunk's postimage is in base, found anchored (at an
 * offset, with other whitespace). Such a fix is never applied again: 1
 * with why, 0 when it is not there, -1 on error.
 */
static int already_there(git_repository *repo, git_tree *base, struct series_patch *p,
			 struct sbuf *why)
{
	struct hm_patch hp;
	struct hm_state st;
	int rc = 0;

	if (!p->diff)
		return 0;
	if (hm_parse(&hp, p->diff, strlen(p->diff)) < 0)
		return -1;
	if (hm_check_tree(repo, base, &hp, 0, &st) < 0)
		rc = -1;
	else if (st.units && st.reverse + st.both == st.units) {
		sbuf_addf(why, "already there: every hunk's postimage is in the tree (%zu of %zu); the fix is not applied twice",
			  st.units, st.units);
		rc = 1;
	}
	hm_state_release(&st);
	hm_patch_release(&hp);
	return rc;
}

/*
 * Between relaxed and semantic: the bridged rung (bridge.c), the tree's
 * files lifted to upstream's API era, upstream applied, lowered back.
 */
static int rung_bridged(git_repository *repo, git_tree *base, struct series_patch *p,
			struct adaptation *a, struct sbuf *why)
{
	char *note = NULL, *fail = NULL;
	int rc = bridge_apply(repo, base, p, &a->tree, &note, &fail);

	if (!rc) {
		a->rung = "bridged";
		a->note = note;
	} else if (rc > 0 && fail) {
		sbuf_addf(why, "%sbridged: %s", why->len ? "; " : "", fail);
	}
	free(fail);
	return rc;
}

/* The recipe's code with upstream's comments, grafted by bridge.c. */
static int rung_semantic_comments(git_repository *repo, struct series_patch *p,
				  struct adaptation *a, char **note)
{
	git_tree *t = NULL;
	int n = 0;

	if (bridge_graft_comments(repo, a->tree, p->diff, &t, &n) < 0)
		return -1;
	git_tree_free(a->tree);
	a->tree = t;
	if (n) {
		char *more = xprintf("%s, with upstream's comments (%d)", *note, n);

		free(*note);
		*note = more;
	}
	return 0;
}

static int rung_semantic(git_repository *repo, git_tree *base, struct series_patch *p,
			 struct adaptation *a, struct sbuf *why)
{
	char *note = NULL;
	int rc;

	if (!p->cocci || !path_exists(p->cocci)) {
		sbuf_addf(why, "%ssemantic: no cocci form for this patch", why->len ? "; " : "");
		return 1;
	}
	rc = cocci_transform(repo, base, p, "patch", &a->tree, &note);
	if (rc == 0 && p->diff)
		rc = rung_semantic_comments(repo, p, a, &note);
	if (rc == 0) {
		a->rung = "semantic";
		a->note = xprintf("ltsport: rewritten for this tree (semantic): %s", note);
	} else if (rc == -2) {
		rc = bad_input(a, p, -1, note ? note : "in files =");
	} else if (rc > 0 && note) {
		sbuf_addf(why, "%ssemantic: %s", why->len ? "; " : "", note);
	} else if (rc > 0) {
		sbuf_addf(why, "%ssemantic: %s changed nothing", why->len ? "; " : "", p->cocci);
	}
	free(note);
	return rc;
}

/* The three-way merge with mainline (threeway.c), after exact. */
static int rung_threeway(git_repository *repo, git_tree *base, struct series_patch *p,
			 const struct ladder_opts *o, struct adaptation *a, struct sbuf *why)
{
	int rc = threeway_apply(repo, base, o->mainline, p->upstream, p->diff, &a->tree,
				&a->note, why);

	if (!rc)
		a->rung = "three-way";
	return rc;
}

/*
 * A rung's result counts only when it compiles (rungbuild.c): a compile
 * error sends the ladder on to the next rung, with the error in why; a
 * check that could not run says so in the note. The result's paths are
 * checked before any of it is written out to be compiled.
 */
static int rung_checked(git_repository *repo, git_tree *base, struct series_patch *p,
			const struct ladder_opts *o, struct adaptation *a, int rc,
			struct sbuf *why)
{
	char *msg = NULL, *note;

	if (rc || !o || !o->build)
		return rc;
	rc = check_result(repo, base, p, a);
	if (rc)
		return rc;
	rc = rungbuild_check(o->build, base, a->tree, &msg);
	if (rc == 1) {
		sbuf_addf(why, "%s%s: %s", why->len ? "; " : "", a->rung, msg);
		git_tree_free(a->tree);
		a->tree = NULL;
		free(a->note);
		a->note = NULL;
		a->rung = NULL;
	} else if (rc != -1 && msg) {
		note = xprintf("%s; %s", a->note, msg);
		free(a->note);
		a->note = note;
		rc = 0;
	}
	free(msg);
	return rc;
}

/*
 * 0 with a->tree set, 1 when no rung worked (a->failure says why), -2 when
 * the patch is bad input: a path out of the tree or through a symlink
 * (a->failure is the whole error line), -1 on error.
 */
static int ladder_rungs(git_repository *repo, git_tree *base, struct series_patch *p,
			const struct ladder_opts *o, struct adaptation *a);

/* The failure says which file it was tried on. */
static void note_moved_failure(struct adaptation *a, const char *moved)
{
	char *failure = xprintf("%s; %s", moved, a->failure);

	free(a->failure);
	a->failure = failure;
}

/* "ltsport: <what the rung did>" becomes "ltsport: <moved>; <what the rung did>". */
static void note_moved(struct adaptation *a, const char *moved)
{
	const char *rest = a->note && starts_with(a->note, "ltsport: ") ? a->note + 9 : a->note;
	char *note = xprintf("ltsport: %s%s%s", moved, rest ? "; " : "", rest ? rest : "");

	free(a->note);
	a->note = note;
}

/*
 * The ladder, on the patch as upstream wrote it, or with the paths of the
 * files the tree has under another name (pathfind.c) rewritten first, the
 * note saying so.
 */
int ladder_apply(git_repository *repo, git_tree *base, struct series_patch *p,
		 const struct ladder_opts *o, struct adaptation *a)
{
	struct series_patch moved;
	char *note;
	int rc;

	if (!patch_for_tree(repo, base, p, &moved, &note))
		return ladder_rungs(repo, base, p, o, a);
	rc = ladder_rungs(repo, base, &moved, o, a);
	if (!rc)
		note_moved(a, note);
	else if (a->failure)
		note_moved_failure(a, note);
	free(moved.diff);
	free(note);
	return rc;
}

static int ladder_rungs(git_repository *repo, git_tree *base, struct series_patch *p,
			const struct ladder_opts *o, struct adaptation *a)
{
	struct sbuf why = {0};
	int rc;

	memset(a, 0, sizeof(*a));
	rc = check_input(base, p, a);
	if (rc)
		return rc;
	rc = already_there(repo, base, p, &why);
	if (rc) {
		if (rc > 0)
			a->failure = sbuf_detach(&why);
		sbuf_release(&why);
		return rc;
	}
	rc = 1;
	if (p->diff) {
		rc = rung_exact(repo, base, p, a, &why);
		rc = rung_checked(repo, base, p, o, a, rc, &why);
		if (rc > 0 && o && o->mainline) {
			rc = rung_threeway(repo, base, p, o, a, &why);
			rc = rung_checked(repo, base, p, o, a, rc, &why);
		}
		if (rc > 0) {
			rc = rung_relaxed(repo, base, p, a, &why);
			rc = rung_checked(repo, base, p, o, a, rc, &why);
		}
		if (rc > 0) {
			rc = rung_bridged(repo, base, p, a, &why);
			rc = rung_checked(repo, base, p, o, a, rc, &why);
		}
	}
	if (rc > 0) {
		rc = rung_semantic(repo, base, p, a, &why);
		rc = rung_checked(repo, base, p, o, a, rc, &why);
	}
	if (rc == 0)
		rc = check_result(repo, base, p, a);
	if (rc > 0) {
		a->failure = sbuf_detach(&why);
		a->report = failed_report(repo, base, p, o, a->failure);
	}
	sbuf_release(&why);
	return rc;
}

void adaptation_release(struct adaptation *a)
{
	free(a->note);
	free(a->failure);
	free(a->report);
	git_tree_free(a->tree);
	memset(a, 0, sizeof(*a));
}

/* The upstream patch reversed by the anchored locator: 0 with *out, 1 when it does not land. */
static int unapply_anchored(git_repository *repo, git_tree *t, struct series_patch *p,
			    git_tree **out)
{
	struct sbuf notes = {0}, fail = {0};
	char *rev = reverse_diff_text(p->diff);
	struct hm_patch hp;
	int rc = -1;

	if (hm_parse(&hp, rev, strlen(rev)) == 0) {
		rc = hm_apply_tree(repo, t, &hp, 2, out, &notes, &fail);
		hm_patch_release(&hp);
	}
	if (rc < 0)
		git_error_clear();
	sbuf_release(&notes);
	sbuf_release(&fail);
	free(rev);
	return rc;
}

/*
 * Take patch p out of tree t, the way the tree got it if we know: the
 * tree's own commit, else the upstream diff reversed by the anchored
 * locator, else the fix's semantic patch in revert mode, else the upstream
 * diff reversed exactly. 0 with *out, 1 when nothing could take it out.
 */
int unapply_patch(struct tree_state *ts, struct series_patch *p, struct patch_verdict *pv,
		  git_tree *t, git_tree **out, const char **how)
{
	struct apply_failure fail;
	char *rev, *note = NULL;
	git_commit *c = NULL;
	int rc;

	if (pv->has_backport && git_commit_lookup(&c, ts->repo, &pv->backport) == 0) {
		*how = "reverting the tree's own commit";
		rc = revert_in_tree(ts->repo, t, c, out);
		git_commit_free(c);
		return rc;
	}
	if (p->diff && !binary_change(p->diff) && unapply_anchored(ts->repo, t, p, out) == 0) {
		*how = "reverse-applying the upstream patch, anchored (offsets, fuzz)";
		return 0;
	}
	if (p->cocci) {
		*how = "the semantic patch in revert mode";
		rc = cocci_transform(ts->repo, t, p, "revert", out, &note);
		free(note);
		return rc;
	} else if (!p->diff) {
		*how = "nothing to take it out with";
		return 1;
	}
	*how = "reverse-applying the upstream patch";
	rev = reverse_diff_text(p->diff);
	rc = apply_diff_buf(ts->repo, t, rev, strlen(rev), out, &fail);
	apply_failure_release(&fail);
	free(rev);
	return rc;
}
