/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_VERDICT_H
#define LTSPORT_VERDICT_H

#include <git2.h>
#include "util.h"

struct tree_conf;
struct series;

enum verdict {
	V_UNKNOWN,
	V_NOT_AFFECTED,
	V_FIXED,
	V_MISSING,
	V_PARTIAL,	/* series state only */
	V_ABSENT,	/* tree state only: no repository */
	V__NR,
};

/* Their names, as status prints them and the status record keeps them. */
extern const char *const verdict_names[V__NR];

const char *verdict_name(enum verdict v);

struct patch_verdict {
	enum verdict v;
	char *evidence;		/* the evidence that decided, one line */
	struct sbuf notes;	/* further evidence, "; "-separated */
	char *warning;		/* e.g. a subject match without a marker */
	git_tree *applied;	/* content: the tree with this fix applied */
	git_oid backport;	/* history: the commit that carries the fix */
	int has_backport;
};

struct tree_state {
	struct tree_conf *conf;
	git_repository *repo;	/* NULL when absent */
	git_commit *tip;
	char *absent;		/* why the tree is absent */
	int version[3];
	int has_version;
	int rc;			/* -rc or other EXTRAVERSION */
	int history;		/* the tree has history since its base */
	char *history_note;
	size_t walked;		/* commits walked since base */
	struct patch_verdict *pv;
	enum verdict state;
};

int tree_open(struct tree_state *ts, struct tree_conf *conf, const char *conffile);
int verdict_tree(struct tree_state *ts, struct series *s);
void tree_state_release(struct tree_state *ts, size_t npatches);

#endif
