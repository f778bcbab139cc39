// SPDX-License-Identifier: GPL-2.0
/*
 * The adaptation ladder: the cheapest faithful way first.
 *   1. exact: the upstream patch applied in memory by libgit2, no fuzz;
 *   2. relaxed: GNU patch with fuzz 2 on a scratch copy; offsets and fuzz
 *      per hunk go into the note;
 *   3. semantic: the fix's Coccinelle form in patch mode, for trees whose
 *      code has drifted from mainline (or when no patch body is at hand).
 * A rung either yields a whole new tree or nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "fsutil.h"
#include "series.h"
#include "gitops.h"
#include "spawn.h"
#include "scratch.h"
#include "verdict.h"
#include "cocci.h"
#include "ladder.h"

#define PATCH_TIMEOUT 60

static int rung_exact(git_repository *repo, git_tree *base, struct series_patch *p,
		      struct adaptation *a, struct sbuf *why)
{
	struct apply_failure fail;
	int rc;

	rc = apply_diff(repo, base, p->diff, &a->tree, &fail);
	if (rc == 0) {
		a->rung = "exact";
		a->note = xstrdup("ltsport: applied as upstream (exact: every hunk unchanged)");
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

/*
 * GNU patch's "patching file F" and "Hunk #2 succeeded at 3901 with fuzz 1
 * (offset 12 lines)." lines, folded into "F: hunk #2 at 3901 with fuzz 1
 * (offset 12 lines)"; hunks patch does not mention applied as they were.
 */
static char *hunk_notes(const char *patch_out)
{
	struct sbuf sb = {0};
	const char *line = patch_out;
	int first = 1;

	while (line && *line) {
		size_t n = strcspn(line, "\n");

		while (n && line[n - 1] == '.')
			n--;
		if (starts_with(line, "Hunk #")) {
			const char *rest = line + 6;
			const char *ok = strstr(rest, " succeeded");

			if (ok && ok < line + n) {
				sbuf_addf(&sb, "%shunk #%.*s%.*s", first ? " " : ", ",
					  (int)(ok - rest), rest,
					  (int)(line + n - ok - 10), ok + 10);
			} else {
				sbuf_addf(&sb, "%shunk #%.*s", first ? " " : ", ", (int)(n - 6), rest);
			}
			first = 0;
		} else if (starts_with(line, "patching file ")) {
			sbuf_addf(&sb, "%s%.*s:", sb.len ? "; " : "", (int)(n - 14), line + 14);
			first = 1;
		}
		line += strcspn(line, "\n");
		line += *line == '\n';
	}
	return sbuf_detach(&sb);
}

static int rung_relaxed(git_repository *repo, git_tree *base, struct series_patch *p,
			struct adaptation *a, struct sbuf *why)
{
	const char *const argv[] = {
		"patch", "-p1", "-F2", "-N", "-t", "--no-backup-if-mismatch",
		"-r", "-", "-i", "ltsport.diff", NULL,
	};
	struct scratch sc = {0};
	struct spawn_result res = {0};
	struct sbuf changed = {0};
	char *files = diff_paths(p->diff), *diffpath = NULL;
	int rc = -1;

	if (!files || scratch_export(&sc, repo, base, files) < 0)
		goto out;
	diffpath = path_join(sc.dir, "ltsport.diff");
	if (write_file(diffpath, p->diff, strlen(p->diff)) < 0 ||
	    spawn_run(argv, sc.dir, PATCH_TIMEOUT, NULL, &res) < 0)
		goto out;
	if (res.status) {
		char *hunks = hunk_notes(res.out);

		sbuf_addf(why, "; relaxed: patch -F2 fails (%s)", hunks);
		free(hunks);
		rc = 1;
		goto out;
	}
	rc = scratch_collect(&sc, repo, base, &a->tree, &changed);
	if (!rc) {
		char *hunks = hunk_notes(res.out);

		a->rung = "relaxed";
		a->note = xprintf("ltsport: applied with fuzz or offsets (relaxed): %s", hunks);
		free(hunks);
	}
out:
	free(diffpath);
	free(files);
	sbuf_release(&changed);
	spawn_result_release(&res);
	scratch_release(&sc);
	return rc;
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
	if (rc == 0) {
		a->rung = "semantic";
		a->note = xprintf("ltsport: rewritten for this tree (semantic): %s", note);
	} else if (rc > 0) {
		sbuf_addf(why, "%ssemantic: %s changed nothing", why->len ? "; " : "", p->cocci);
	}
	free(note);
	return rc;
}

/* 0 with a->tree set, 1 when no rung worked (a->failure says why), -1 on error. */
int ladder_apply(git_repository *repo, git_tree *base, struct series_patch *p,
		 struct adaptation *a)
{
	struct sbuf why = {0};
	int rc = 1;

	memset(a, 0, sizeof(*a));
	if (p->diff) {
		rc = rung_exact(repo, base, p, a, &why);
		if (rc > 0)
			rc = rung_relaxed(repo, base, p, a, &why);
	}
	if (rc > 0)
		rc = rung_semantic(repo, base, p, a, &why);
	if (rc > 0)
		a->failure = sbuf_detach(&why);
	sbuf_release(&why);
	return rc;
}

void adaptation_release(struct adaptation *a)
{
	free(a->note);
	free(a->failure);
	git_tree_free(a->tree);
	memset(a, 0, sizeof(*a));
}

/*
 * Take patch p out of tree t, the way the tree got it if we know: the
 * tree's own commit, else the fix's semantic patch in revert mode, else the
 * upstream diff reversed. 0 with *out, 1 when nothing could take it out.
 */
int unapply_patch(struct tree_state *ts, struct series_patch *p, struct patch_verdict *pv,
		   git_tree *t, git_tree **out, const char **how)
{
	struct apply_failure fail;
	char *diff = NULL, *rev, *note = NULL;
	git_commit *c = NULL;
	int rc;

	if (pv->has_backport && git_commit_lookup(&c, ts->repo, &pv->backport) == 0) {
		rc = diff_text_of_commit(ts->repo, c, &diff);
		git_commit_free(c);
		if (rc < 0)
			return -1;
		*how = "reverting the tree's own commit";
	} else if (p->cocci) {
		*how = "the semantic patch in revert mode";
		rc = cocci_transform(ts->repo, t, p, "revert", out, &note);
		free(note);
		return rc;
	} else if (p->diff) {
		diff = xstrdup(p->diff);
		*how = "reverse-applying the upstream patch";
	} else {
		*how = "nothing to take it out with";
		return 1;
	}
	rev = reverse_diff_text(diff);
	rc = apply_diff(ts->repo, t, rev, out, &fail);
	apply_failure_release(&fail);
	free(rev);
	free(diff);
	return rc;
}
