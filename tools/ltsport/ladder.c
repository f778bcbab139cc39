// SPDX-License-Identifier: GPL-2.0
/*
 * The adaptation ladder: try the cheapest faithful way first. Rung one is
 * the upstream patch applied exactly, in memory, with no fuzz.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "series.h"
#include "gitops.h"
#include "ladder.h"

static int rung_exact(git_repository *repo, git_tree *base, struct series_patch *p,
		      struct adaptation *a)
{
	struct apply_failure fail;
	int rc;

	rc = apply_diff(repo, base, p->diff, &a->tree, &fail);
	if (rc == 0) {
		a->rung = "exact";
		a->note = xstrdup("ltsport: applied as upstream (exact: every hunk unchanged)");
	} else if (rc > 0) {
		if (fail.path)
			a->failure = xprintf("%s: hunk #%d (%s) does not apply", fail.path,
					     fail.hunk, fail.header ? fail.header : "?");
		else
			a->failure = xstrdup("the patch does not apply");
	}
	apply_failure_release(&fail);
	return rc;
}

/* 0 with a->tree set, 1 when no rung worked (a->failure says why), -1 on error. */
int ladder_apply(git_repository *repo, git_tree *base, struct series_patch *p,
		 struct adaptation *a)
{
	memset(a, 0, sizeof(*a));
	if (!p->diff) {
		a->failure = xstrdup("no patch body: add the patch file to the series or configure [mainline]");
		return 1;
	}
	return rung_exact(repo, base, p, a);
}

void adaptation_release(struct adaptation *a)
{
	free(a->note);
	free(a->failure);
	git_tree_free(a->tree);
	memset(a, 0, sizeof(*a));
}
