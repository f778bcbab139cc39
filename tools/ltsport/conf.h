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

/* Where a key or section stands in a git-config file, for messages. */
int conf_line_of(const char *file, const char *section, const char *subsection,
		 const char *key);

int conf_load(struct stable_conf *conf, const char *file);
void conf_release(struct stable_conf *conf);
struct tree_conf *conf_find_tree(struct stable_conf *conf, const char *name);

#endif
