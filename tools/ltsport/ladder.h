/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_LADDER_H
#define LTSPORT_LADDER_H

#include <git2.h>

struct series_patch;
struct tree_state;
struct patch_verdict;
struct tree_conf;
struct rungbuild;

/* What the rungs past exact and their checks use; any field may be NULL. */
struct ladder_opts {
	git_repository *mainline;	/* the three-way rung */
	git_commit *tip;		/* the tree's tip */
	const struct tree_conf *conf;	/* the tree's base = tag */
	struct rungbuild *build;	/* the compile check of every rung */
};

/* How one patch was carried onto one tree. */
struct adaptation {
	const char *rung;	/* "exact", ... */
	char *note;		/* for the stable "[ ... ]" note */
	char *failure;		/* why no rung worked */
	char *report;		/* then: the FAILED report (failed.c), or NULL */
	git_tree *tree;		/* the result */
	int bad_input;		/* the patch names a path not to write */
};

/*
 * Carry patch p onto base: 0 with out->tree, 1 when no rung worked
 * (out->failure says why), -1 on error, -2 when the patch is bad input:
 * a path that climbs out of the tree (../, absolute) or goes through a
 * symlink of it, on any rung; out->failure is then the whole error line
 * ("<patch file>:<line>: bad path ...") and the caller exits 2.
 */
int ladder_apply(git_repository *repo, git_tree *base, struct series_patch *p,
		 const struct ladder_opts *o, struct adaptation *out);
void adaptation_release(struct adaptation *a);
int unapply_patch(struct tree_state *ts, struct series_patch *p, struct patch_verdict *pv,
		  git_tree *t, git_tree **out, const char **how);

#endif
