/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_CONF_H
#define LTSPORT_CONF_H

#include <stddef.h>

struct tree_conf {
	char *name;		/* "5.10", or "mainline" */
	char *path;		/* absolute path of the git repo */
	char *ref;
	char *base;		/* may be NULL: no history walk */
	char *upstream;
	char *toolchain;
	char *arch;
	char *kconfig;
	char *repro_cmdline;	/* this tree's guest words, after the series' */
	int line;		/* line of its section header */
};

struct stable_conf {
	char *file;
	char *dir;
	struct tree_conf *trees;
	size_t nr;
	struct tree_conf *mainline;	/* NULL when none is configured */
};

/*
 * A name that becomes a branch component and a directory: letters, digits,
 * '.', '_' and '-', not first '.' or '-', no "..", not ending in '.' or
 * ".lock", at most 255 bytes. 1 when safe.
 */
int name_is_safe(const char *name);

/* Line of the first NUL byte in buf, 0 when there is none. */
int conf_find_nul(const char *buf, size_t len);

/*
 * Where the nth (from 1) occurrence of a key, or with key NULL of the
 * section's header, stands in a git-config text; 0 when there are fewer.
 */
int conf_line_of_buf(const char *buf, size_t len, const char *section,
		     const char *subsection, const char *key, int nth);
/* A conf text libgit2 may read: no NUL byte, no [include]; else an error. */
int conf_check_text(const char *file, const char *buf, size_t len);
/* The first occurrence in a file, for messages. */
int conf_line_of(const char *file, const char *section, const char *subsection,
		 const char *key);

/* "tree.5.10.path" into "tree", "5.10", "path"; "path" alone into "", NULL, "path". */
void conf_split_name(const char *name, char **sec, char **sub, char **key);

/* libgit2's config of a text in memory; close *fd when done with *cfg. */
struct git_config;
int conf_open_buf(struct git_config **cfg, int *fd, const char *name, const char *buf,
		  size_t len);

/* A stable_trees.conf text; name is the file named in messages. */
int conf_parse_buf(struct stable_conf *conf, const char *name, const char *buf, size_t len);
int conf_load(struct stable_conf *conf, const char *file);
void conf_release(struct stable_conf *conf);
struct tree_conf *conf_find_tree(struct stable_conf *conf, const char *name);

#endif
