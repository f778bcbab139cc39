/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_STAGES_H
#define LTSPORT_STAGES_H

#include <git2.h>

#include "results.h"

struct tree_ws;
struct kstage;
struct sbuf;

/*
 * The kernel stages on one tree's workspace: each computes its typed
 * record and prints nothing; the command prints it and saves it. They
 * return 0 when the record is filled (a tree that does not build, NOT
 * FIXED, checkpatch errors are results in it) and -1, with the error said
 * and nothing to save, when they could not do their work.
 */

/* build.json and sparse.json (stage-build.c): without the series, then with it. */
struct build_opts {
	enum stage_kind stage;		/* STAGE_BUILD or STAGE_SPARSE */
	int quick;			/* prepare and the touched objects only */
	const char *const *extra;	/* more make arguments */
	struct sbuf *new_warnings;	/* gets the new warnings, a line each; may be NULL */
};

int stage_build(struct tree_ws *ws, const struct build_opts *o, struct build_result *r);

/* The make target and built file of the tree's kernel image (arch/x86/boot/bzImage). */
const char *kernel_image_of(const struct tree_ws *ws);

/*
 * One kernel of a git tree in the work place, its image copied to image.
 * A kernel that does not configure or build is a result: *failure says
 * why and where the log is, 0 is returned.
 */
int build_kernel(struct kstage *ks, git_tree *tree, const char *log, const char *image,
		 char **failure);

/* checkpatch.json (stage-check.c): the tree's checkpatch.pl on every mail port wrote. */
int stage_checkpatch(struct tree_ws *ws, struct checkpatch_result *r);

/* repro.json (stage-repro.c): the proof in QEMU, before and after the series. */

/* A counter a result shows: "<kind> <name> <words>" of [repro] counters =. */
struct repro_shown {
	char *kind;			/* loss or clean */
	char *name;			/* the result line's key */
	char *one, *many;		/* the words after a count of 1, of another */
};

struct repro_counters {
	struct repro_shown *v;
	size_t nr;
};

/* [repro] counters = text: -1 with *why (to free) when it is not good. */
int repro_counters_parse(const char *text, struct repro_counters *c, char **why);
void repro_counters_release(struct repro_counters *c);

struct repro_opts {
	int seconds;			/* the before kernel's budget */
	int timeout_s;			/* 0: from the budget */
	int mid;			/* also the after kernel without the last patch */
	const char *accel;		/* kvm, tcg or auto */
	const char *append;		/* more guest words */
	const struct repro_counters *shown;
};

/* What the trees of one run share: the guest, built once, and the accelerator. */
struct repro_env {
	char *initrd;
	const char *accel;		/* NULL until picked */
	char *accel_arch;		/* the arch it was picked for */
	char *note;			/* how it was picked, once: for the command to say */
};

int stage_repro(struct tree_ws *ws, const struct repro_opts *o, struct repro_env *env,
		struct repro_result *r);
void repro_env_release(struct repro_env *env);

#endif
