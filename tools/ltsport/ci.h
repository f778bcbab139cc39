/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_CI_H
#define LTSPORT_CI_H

#include <stddef.h>

/*
 * Pipelines for the CI engines people run: a job per tree of
 * stable_trees.conf, then a job that merges their records into one matrix.
 * The YAML is written by hand: every value and every name that comes from
 * the config is a double-quoted scalar, every shell word of it quoted for
 * the shell first. Nothing is read or printed here.
 */
enum ci_engine {
	CI_GITLAB,
	CI_GITHUB,
};

struct ci_tree {
	const char *name;	/* checked (ws_name_is_safe) */
	char *path;		/* where the job puts the tree, from the checkout */
	char *url;		/* upstream URL, NULL: imported from a tarball */
	char *branch;		/* upstream branch, NULL: the default one */
};

struct ci_pipeline {
	enum ci_engine engine;
	const char *config;	/* --config as given, NULL: the default */
	const char *series;	/* --series as given, NULL: the default */
	const char *series_name;
	struct ci_tree *trees;
	size_t ntrees;
};

/* A YAML double-quoted scalar of s (valid UTF-8 made first). */
char *yaml_quote(const char *s);
/* s as one shell word: itself when plain, else in single quotes. */
char *sh_quote(const char *s);
/* The GitHub job id of a tree: "tree-" and the name with '.' as '_'. */
char *ci_job_id(const char *tree);
/* The variable naming a tree's tarball: LTSPORT_TARBALL_ and the name, [A-Z0-9_]. */
char *ci_tarball_var(const char *tree);

/* The whole pipeline file, to be freed. */
char *ci_render(const struct ci_pipeline *p);

#endif
