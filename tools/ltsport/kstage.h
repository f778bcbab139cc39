/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_KSTAGE_H
#define LTSPORT_KSTAGE_H

#include <git2.h>

#include "kbuild.h"

struct tree_ws;

/*
 * A tree's kernel work place, shared by build, check and repro: the work
 * dir's one source dir (written from any git tree, incrementally) and one
 * object dir, so switching between the kernels of one tree recompiles only
 * what differs. Every path comes from the workspace.
 */
struct kstage {
	struct tree_ws *ws;
	char *src;			/* ws_path(WS_SRC) */
	char *obj;			/* ws_path(WS_OBJ) */
	char key[GIT_OID_HEXSZ + 1];	/* the tip: what the config is made on */
	struct kbuild kb;
	char *cc;			/* toolchain = auto: the one chosen */
	char *toolchain_why;		/* how it was chosen, NULL when configured */
};

/*
 * Bad input before any work: the tree builds kernels only with a kconfig =
 * fragment and an arch it knows the image of. -1 with one error naming
 * conffile and the tree's line.
 */
int kstage_conf_check(const struct tree_ws *ws, const char *conffile);
/* The work dir made, the toolchain and fragment of the tree's conf. */
int kstage_open(struct kstage *ks, struct tree_ws *ws);
/* A git tree's files into src: only those that differ from what it holds. */
int kstage_checkout(struct kstage *ks, git_tree *tree);
/*
 * Configure on what src holds now. A tree or toolchain that cannot even
 * configure is a result, not our error: *failure says so, 0 is returned.
 * With toolchain = auto (or none) the compiler is chosen first: the
 * tree's choice kept in the work dir for this tip, else the candidates of
 * toolchain.c tried newest first, the first that configures and builds
 * prepare; ks->cc and ks->toolchain_why say which and why.
 */
int kstage_config(struct kstage *ks, char **failure);
void kstage_release(struct kstage *ks);

#endif
