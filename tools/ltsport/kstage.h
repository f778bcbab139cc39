/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_KSTAGE_H
#define LTSPORT_KSTAGE_H

struct ctx;
struct tree_state;

struct build_run {
	const char *name;		/* "build" or "sparse": logs and result file */
	int quick;			/* prepare and the touched objects only */
	const char *const *extra;	/* more make arguments */
};

int build_tree(struct ctx *ctx, struct tree_state *ts, const struct build_run *run);

#endif
