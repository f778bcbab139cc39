/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_FAILED_H
#define LTSPORT_FAILED_H

#include <git2.h>

struct series_patch;
struct ladder_opts;

/*
 * The report of a patch no rung could carry onto base, in the manner of
 * the stable team's FAILED mail: per hunk what each rung said of it
 * (from why, the ladder's "rung: reason; ..." line), the tree's lines
 * where the hunk should go, and the possible dependencies: the mainline
 * commits since the tree's base tag that last touched the hunks' lines
 * at the fix's parent, less those the tree has (ancestry or a stable
 * marker). Lines, the last without its '\n'; NULL when there is no diff.
 */
char *failed_report(git_repository *repo, git_tree *base, const struct series_patch *p,
		    const struct ladder_opts *o, const char *why);

#endif
