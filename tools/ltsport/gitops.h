/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_GITOPS_H
#define LTSPORT_GITOPS_H

#include <git2.h>

/*
 * libgit2 calls on trees ltsport works on go through this module; importer.c
 * is the other one, and writes only the new repositories it creates.
 */

int repo_open(struct git_repository **repo, const char *path);
int resolve_commit(git_repository *repo, const char *spec, git_commit **out);
int commit_exists(git_repository *repo, const char *id, git_oid *out);
int is_ancestor(git_repository *repo, const git_oid *anc, const git_oid *tip);
int read_blob_at(git_repository *repo, git_tree *tree, const char *path, char **out);

typedef int (*walk_fn)(const git_oid *id, const char *msg, void *payload);
int walk_range(git_repository *repo, const git_oid *tip, const git_oid *hide,
	       walk_fn fn, void *payload, size_t *count);

struct apply_failure {
	char *path;		/* file whose hunk failed */
	int hunk;		/* 1-based hunk number within that file */
	char *header;		/* that hunk's @@ line */
};

int diff_parse(git_diff **out, const char *text);
int apply_diff(git_repository *repo, git_tree *base, const char *diff_text,
	       git_tree **out, struct apply_failure *fail);
char *reverse_diff_text(const char *diff);
char *diff_paths(const char *diff_text);
int diff_text_of_commit(git_repository *repo, git_commit *c, char **out);
int diff_trees_text(git_repository *repo, git_tree *a, git_tree *b, char **out);
int checkout_to_dir(git_repository *repo, git_tree *tree, git_tree *baseline,
		    const char *dir);
void apply_failure_release(struct apply_failure *f);

int commit_on_top(git_repository *repo, git_commit *parent, git_tree *tree,
		  const git_signature *author, const git_signature *committer,
		  const char *msg, git_commit **out);
int branch_checked_out(git_repository *repo, const char *refname);
int update_branch(git_repository *repo, const char *refname, const git_oid *id,
		  const char *log);
int email_for_commit(git_repository *repo, git_commit *c, size_t idx, size_t total,
		     const char *prefix, char **out);

#endif
