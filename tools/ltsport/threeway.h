/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_THREEWAY_H
#define LTSPORT_THREEWAY_H

#include <git2.h>

struct sbuf;

/*
 * The three-way rung: each file of diff merged as git cherry-pick merges
 * it, base the file at the fix's parent in mainline, theirs the file at
 * the fix (upstream), ours the file in base. Files the fix creates or
 * deletes are carried, renames too. 0 with *out (in repo) and *note; 1
 * when the rung does not work or cannot run (mainline lacks the commit, a
 * conflict): the reason goes to why as "three-way: ..."; -1 on error.
 */
int threeway_apply(git_repository *repo, git_tree *base, git_repository *mainline,
		   const char *upstream, const char *diff, git_tree **out, char **note,
		   struct sbuf *why);

#endif
