/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_PATHFIND_H
#define LTSPORT_PATHFIND_H

#include <stddef.h>
#include <git2.h>

/*
 * For each file the patch changes in place that base lacks, the file of
 * base that holds most of its hunks' old lines (same directory and
 * extension, or same name elsewhere), when one clearly does. 0 with *out
 * the patch with those files' headers renamed and *note naming each
 * ("a is b here (found by content: 9 of 10 lines)"), or *out NULL when no
 * file moved or none was found; -1 on error.
 */
int diff_find_moved(struct git_repository *repo, struct git_tree *base,
		    const char *text, size_t len,
		    char **out, char **note);

struct series_patch;

int patch_for_tree(struct git_repository *repo, struct git_tree *base,
		   const struct series_patch *p, struct series_patch *moved, char **note);

#endif
