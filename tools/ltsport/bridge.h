/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_BRIDGE_H
#define LTSPORT_BRIDGE_H

#include <git2.h>

struct series_patch;

/* One "// Bridge:" line of a cocci/api rule's header. */
struct bridge {
	char *rule;		/* path of the .cocci file */
	char *name;		/* "swapin_read -D lift" */
	char *lift, *lower;	/* its virtual modes */
	char *needs;		/* a word upstream's diff must have for it to be tried */
	char *tree;		/* a word the tree's files must have, or NULL */
	char *unless;		/* a word they must not have, or NULL */
	char *era;		/* what lift gives: "swap_read_folio(folio, NULL) (6.10) ..." */
};

int bridge_parse(const char *rule, const char *text, struct bridge **out, size_t *nr);
int bridges_load(const char *dir, struct bridge **out, size_t *nr);
void bridges_release(struct bridge *b, size_t nr);
char *bridge_dir(void);
int bridge_apply(git_repository *repo, git_tree *base, struct series_patch *p,
		 git_tree **out, char **note, char **why);
int bridge_lift(git_repository *repo, git_tree *base, const char *diff, git_tree **out,
		char **names);
int bridge_graft_comments(git_repository *repo, git_tree *result, const char *diff,
			  git_tree **out, int *grafted);

#endif
