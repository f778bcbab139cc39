/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_KSTAGE_H
#define LTSPORT_KSTAGE_H

#include <git2.h>

#include "kbuild.h"

struct ctx;
struct tree_state;

struct build_run {
	const char *name;		/* "build" or "sparse": logs and result file */
	int quick;			/* prepare and the touched objects only */
	const char *const *extra;	/* more make arguments */
};

/*
 * A tree's kernel work place, shared by build, check and repro:
 * backports/.work/<tree>/ with one source dir (written from any git tree,
 * incrementally) and one object dir, so switching between the kernels of
 * one tree recompiles only what differs.
 */
struct kstage {
	struct tree_state *ts;
	char *work;
	char *src;
	char *obj;
	char key[GIT_OID_HEXSZ + 1];	/* the tip: what the config is made on */
	struct kbuild kb;
};

int find_ported(struct ctx *ctx, struct tree_state *ts, git_commit **out);
int kstage_open(struct kstage *ks, struct ctx *ctx, struct tree_state *ts);
int kstage_checkout(struct kstage *ks, git_tree *tree);
int kstage_config(struct kstage *ks, char **failure);
void kstage_release(struct kstage *ks);

int build_tree(struct ctx *ctx, struct tree_state *ts, const struct build_run *run);

#endif
