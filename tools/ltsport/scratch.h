/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_SCRATCH_H
#define LTSPORT_SCRATCH_H

#include <stddef.h>
#include <git2.h>

struct sbuf;

/* One file of the copy, as the tree has it. */
struct scratch_file {
	char *path;		/* tree path */
	char *data;		/* its blob (a symlink's target) */
	size_t len;
	unsigned int mode;	/* its git mode; 0 when the tree lacks it */
};

/*
 * A scratch copy: top holds the tools' own files (logs, the diff), dir the
 * tree's files and nothing else. Nothing is ever written outside top, and
 * no symlink in dir points out of it.
 */
struct scratch {
	char *top;
	char *dir;
	struct scratch_file *files;
	size_t nr;
	char *why;		/* why a copy or a read-back was refused */
};

int scratch_export(struct scratch *sc, git_repository *repo, git_tree *tree,
		   const char *files);
int scratch_collect(struct scratch *sc, git_repository *repo, git_tree *tree,
		    git_tree **out, struct sbuf *changed);
int scratch_has(struct scratch *sc, const char *path);
void scratch_release(struct scratch *sc);

#endif
