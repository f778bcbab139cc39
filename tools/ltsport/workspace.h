/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_WORKSPACE_H
#define LTSPORT_WORKSPACE_H

#include <git2.h>

struct tree_conf;
struct tree_state;
struct series;

/*
 * One tree's places, in the manner of git_repository_item_path(): every
 * path and the result branch of a (series, tree) come from here.
 *
 *	backports/<series>/<tree>/		WS_OUT: patches, records, logs
 *	backports/.work/<tree>/			WS_WORK: the work dir
 *	backports/.work/<tree>/src, obj		WS_SRC, WS_OBJ
 *	backports/.work/<tree>/<name>		WS_LOG: the pieces of logs
 *	backports/.work/<tree>/lock		WS_LOCK
 *	refs/heads/ltsport/<series>/<tree>	ws->branch
 */
enum ws_item {
	WS_OUT,
	WS_WORK,
	WS_SRC,
	WS_OBJ,
	WS_LOG,
	WS_LOCK,
};

/* A lock on the tree's work dir, held for a run by the commands that write. */
struct ws_lock {
	int fd;			/* -1 when not held */
	char *path;
};

struct tree_ws {
	const char *name;		/* the tree's name, checked */
	const char *series_name;	/* checked */
	struct tree_conf *conf;
	const char *conffile;		/* stable_trees.conf, for messages */
	struct tree_state *ts;		/* repo, tip and verdicts: NULL until attached */
	struct series *series;		/* may be NULL (unit tests) */
	git_repository *repo;		/* ts->repo, NULL when the tree is absent */
	git_commit *tip;		/* ts->tip */
	char *root;			/* backports/ (absolute) */
	char *out;			/* backports/<series>/<tree> */
	char *work;			/* backports/.work/<tree> */
	char *branch;			/* refs/heads/ltsport/<series>/<tree> */
	struct ws_lock lock;
};

/*
 * 1 when name may name a directory under backports/: letters, digits, '.',
 * '_' and '-', not starting with '.' or '-', no "..".
 */
int ws_name_is_safe(const char *name);

/*
 * Check the names and compute every path; nothing is written. root is
 * backports/ (made absolute here); conffile and series_where say where the
 * names came from, for the error. -1 with one error on bad input.
 */
int ws_init(struct tree_ws *ws, struct tree_conf *conf, const char *conffile,
	    const char *series_name, const char *series_where, const char *root);
/* The tree's state (repo, tip, verdicts), once it is open. */
void ws_attach(struct tree_ws *ws, struct tree_state *ts, struct series *s);

/* A path of the workspace: name is under the item (NULL: the item itself). */
char *ws_path(const struct tree_ws *ws, enum ws_item item, const char *name);
/* The branch without "refs/heads/", for messages. */
const char *ws_branch_short(const struct tree_ws *ws);
/* Make the work dir (and backports/), then use its canonical path. */
int ws_make_work(struct tree_ws *ws);

/*
 * Take the tree's lock for cmd ("port", "build", ...): when another run
 * holds it, say who and wait up to wait_s seconds (0: do not wait).
 * -1 with the error when it could not be had.
 */
int ws_lock(struct tree_ws *ws, const char *cmd, int wait_s);
void ws_unlock(struct tree_ws *ws);

/*
 * The branch port made: 1 with *out when it stands on top of the tip, 0
 * when there is none, 2 (*out set) when it was made on another tip, -1 on
 * a libgit2 error.
 */
int ws_find_ported(struct tree_ws *ws, git_commit **out);

void ws_release(struct tree_ws *ws);

/* backports/.work/<name>: what the trees of a run share (repro's guest). */
char *ws_shared_path(const struct tree_ws *ws, const char *name);

#endif
