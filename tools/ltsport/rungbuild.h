/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_RUNGBUILD_H
#define LTSPORT_RUNGBUILD_H

#include <git2.h>

#include "kstage.h"

struct tree_ws;

/* port --compile-check */
enum compile_check {
	COMPILE_AUTO,		/* when a prepared object dir exists */
	COMPILE_YES,		/* prepare one if needed */
	COMPILE_NO,
};

/* 0 with *out, -1 when arg is not auto, yes or no. */
int compile_check_parse(const char *arg, enum compile_check *out);

/*
 * The compile check of a rung's result: the objects of the .c files it
 * touched, built in the tree's work place (backports/.work/<tree>) with
 * the tree's toolchain and the config of ltsport build --quick.
 */
struct rungbuild {
	struct tree_ws *ws;
	enum compile_check mode;
	struct kstage ks;
	int ready;		/* ks open and configured */
	char *cannot;		/* why the check cannot run, once known */
};

void rungbuild_init(struct rungbuild *rb, struct tree_ws *ws, enum compile_check mode);
/*
 * 0 when after's touched objects build (*msg says what was built), 1 when
 * one does not (*msg: "mm/foo.c: does not compile: <first error>"), 2 when
 * the check cannot run or has nothing to build (*msg: "not compile-checked
 * (...)"), -1 on error. *msg is to free.
 */
int rungbuild_check(struct rungbuild *rb, git_tree *before, git_tree *after, char **msg);
void rungbuild_release(struct rungbuild *rb);

#endif
