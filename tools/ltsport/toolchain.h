/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_TOOLCHAIN_H
#define LTSPORT_TOOLCHAIN_H

#include "util.h"

/* The compilers to try, newest first, and why the others were left out. */
struct toolchain_list {
	char *cc[24];
	size_t nr;
	struct sbuf skipped;	/* "gcc-12: tools/objtool stops ...; ..." */
};

/* 1 when prog is an executable on PATH. */
int toolchain_installed(const char *prog);

/* toolchain unset or "auto". */
int toolchain_is_auto(const char *toolchain);

/*
 * The tree's minimum gcc major from the text of its
 * scripts/min-tool-version.sh or, without one, its
 * Documentation/process/changes.rst (either may be NULL); -1 when neither
 * says.
 */
int toolchain_min_gcc(const char *script, const char *changes);

/*
 * The installed <prefix>gcc-N (exists() says; NULL: on PATH) for a tree of
 * version tree[0].tree[1] (NULL: unknown), newest first, without those
 * older than min_gcc or known to break the tree; plain gcc when no gcc-N is
 * installed at all. 0 with out filled, 1 when none is left.
 */
int toolchain_candidates(const int tree[2], int min_gcc, const char *prefix,
			 int (*exists)(const char *prog), struct toolchain_list *out);
void toolchain_list_release(struct toolchain_list *l);

#endif
