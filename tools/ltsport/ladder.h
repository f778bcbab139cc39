/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_LADDER_H
#define LTSPORT_LADDER_H

#include <git2.h>

struct series_patch;
struct tree_state;
struct patch_verdict;

/* How one patch was carried onto one tree. */
struct adaptation {
	const char *rung;	/* "exact", ... */
	char *note;		/* for the stable "[ ... ]" note */
	char *failure;		/* why no rung worked */
	git_tree *tree;		/* the result */
};

int ladder_apply(git_repository *repo, git_tree *base, struct series_patch *p,
		 struct adaptation *out);
void adaptation_release(struct adaptation *a);
int unapply_patch(struct tree_state *ts, struct series_patch *p, struct patch_verdict *pv,
		  git_tree *t, git_tree **out, const char **how);

#endif
