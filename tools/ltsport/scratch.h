/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_SCRATCH_H
#define LTSPORT_SCRATCH_H

#include <stddef.h>
#include <git2.h>

struct sbuf;

struct scratch {
	char *dir;
	char **paths;		/* tree paths present in the tree */
	char **orig;		/* their contents */
	size_t nr;
};

int scratch_export(struct scratch *sc, git_repository *repo, git_tree *tree,
		   const char *files);
int scratch_collect(struct scratch *sc, git_repository *repo, git_tree *tree,
		    git_tree **out, struct sbuf *changed);
void scratch_release(struct scratch *sc);

#endif
