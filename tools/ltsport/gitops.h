/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_GITOPS_H
#define LTSPORT_GITOPS_H

#include <git2.h>

/*
 * libgit2 on the trees ltsport works on: opening, history, diffs, applying,
 * merging (revert, cherry-pick), refs and commits go through this module.
 * The other callers, each for one thing of its own:
 *	importer.c	writes the new repositories it creates
 *	scratch.c	a scratch copy's files into an in-memory index
 *	series.c	upstream commits of the mainline clone; parsing a diff
 *	hunkmatch.c	the deltas, hunks and lines of a parsed diff
 *	pathfind.c	a parsed diff's old lines; the tree's files, to find a moved one
 *	threeway.c	the deltas of a parsed diff, the fix and its parent in mainline
 *	failed.c	the hunks of a parsed diff, commits' subjects in mainline
 *	workspace.c	the result branch: its name, lookup, place on the tip
 *	conf.c		git-config syntax (git_config_*) for stable_trees.conf
 *	results.c	git's object hash, for the hash of a stage's inputs
 *	verdict.c, kstage.c, port.c	a commit's parents, a tree by id, the
 *			committer's signature
 * Every module uses libgit2's value types (git_oid, git_commit, git_tree,
 * git_signature) and their accessors.
 */

int repo_open(struct git_repository **repo, const char *path);
int resolve_commit(git_repository *repo, const char *spec, git_commit **out);
int commit_exists(git_repository *repo, const char *id, git_oid *out);
int is_ancestor(git_repository *repo, const git_oid *anc, const git_oid *tip);
int read_blob_buf(git_repository *repo, git_tree *tree, const char *path, char **out,
		  size_t *len, unsigned int *mode);
int read_blob_at(git_repository *repo, git_tree *tree, const char *path, char **out);

/*
 * fn on every commit of hide..tip: 0 when the walk was whole, 1 when a
 * shallow clone's edge came before hide (the range is incomplete), -1 on
 * error.
 */
typedef int (*walk_fn)(const git_oid *id, const char *msg, void *payload);
int walk_range(git_repository *repo, const git_oid *tip, const git_oid *hide,
	       walk_fn fn, void *payload, size_t *count);

struct apply_failure {
	char *path;		/* file whose hunk failed */
	int hunk;		/* 1-based hunk number within that file */
	char *header;		/* that hunk's @@ line */
	char *unsafe;		/* rc -2: why a path of the patch is not to write */
	int line;		/* rc -2: the diff's line naming it */
};

int diff_parse_buf(git_diff **out, const char *text, size_t len);
int diff_parse(git_diff **out, const char *text);
int apply_diff_buf(git_repository *repo, git_tree *base, const char *diff_text,
		   size_t len, git_tree **out, struct apply_failure *fail);
int apply_diff(git_repository *repo, git_tree *base, const char *diff_text,
	       git_tree **out, struct apply_failure *fail);
char *reverse_diff_text(const char *diff);
char *diff_paths_buf(const char *diff_text, size_t len);
char *diff_paths(const char *diff_text);
int diff_text_of_commit(git_repository *repo, git_commit *c, char **out);
int diff_trees_text(git_repository *repo, git_tree *a, git_tree *b, char **out);
struct tree_change {
	const char *path;
	const char *data;
	size_t len;
	unsigned int mode;	/* 0: the path is removed */
};
int tree_with_changes(git_repository *repo, git_tree *base, const struct tree_change *ch,
		      size_t n, git_tree **out);
int checkout_to_dir(git_repository *repo, git_tree *tree, git_tree *baseline,
		    const char *dir);
void apply_failure_release(struct apply_failure *f);

/* A path of a patch that may not be written (see diff_check_paths). */
struct path_problem {
	char *path;
	char *why;		/* "'lnk/x' goes through the symlink 'lnk' of the tree" */
	int line;		/* the line of the diff text naming it, 1-based; 0 unknown */
};

const char *path_unsafe(const char *path);
int link_inside(const char *path, const char *target);
int tree_path_check(git_tree *tree, const char *path, char **why);
int diff_header_line(const char *text, size_t len, const char *path);
int diff_check_paths(git_tree *tree, const char *text, size_t len, struct path_problem *pb);
int tree_check_result(git_repository *repo, git_tree *base, git_tree *result,
		      const char *text, size_t len, struct path_problem *pb);
void path_problem_release(struct path_problem *pb);

int revert_commit_tree(git_repository *repo, git_commit *tip, git_commit *c, git_tree **out);
int cherrypick_tree(git_repository *repo, git_commit *onto, git_commit *c, git_tree **out);
int revert_in_tree(git_repository *repo, git_tree *t, git_commit *c, git_tree **out);

/* A file merged three ways (merge_file_bufs). */
struct file_merge {
	char *data;
	size_t len;
	int conflicts;		/* conflict regions; 0 when clean */
};

int merge_file_bufs(const char *path, const char *base, size_t blen, const char *ours,
		    size_t olen, const char *theirs, size_t tlen, struct file_merge *out);

/* A file to put into a tree: mode 0 removes it. */
struct file_put {
	const char *path;
	const char *data;
	size_t len;
	unsigned int mode;
};

int tree_with_files(git_repository *repo, git_tree *base, const struct file_put *files,
		    size_t nr, git_tree **out);
int blame_lines(git_repository *repo, const git_oid *at, const git_oid *oldest,
		const char *path, size_t start, size_t end, git_oid **ids, size_t *nr);

int commit_on_top(git_repository *repo, git_commit *parent, git_tree *tree,
		  const git_signature *author, const git_signature *committer,
		  const char *msg, git_commit **out);
int branch_checked_out_at(git_repository *repo, const char *refname, char **where);
int update_branch(git_repository *repo, const char *refname, const git_oid *id,
		  const char *log);
int email_for_commit(git_repository *repo, git_commit *c, size_t idx, size_t total,
		     const char *prefix, char **out);

#endif
