/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_SERIES_NEW_H
#define LTSPORT_SERIES_NEW_H

#include <stddef.h>

struct series_new_opts {
	const char *name;	/* the series' name, a directory in into */
	const char *into;	/* where series/NAME goes */
	const char *config;	/* stable_trees.conf, for [mainline] */
	int force;		/* replace an existing NAME */
	char **sources;		/* mainline ids, mbox or mail files, git show files */
	int nr;
};

/* What series_new wrote, for the command to print. */
struct series_new_result {
	char *dir;
	char **files;		/* the patch files, in series order */
	char **subjects;
	size_t nr;
};

/*
 * Write into/NAME (series, series.conf, a format-patch mail per patch),
 * built aside and renamed into place; nothing is left on error. Returns an
 * exit code: EXIT_OK, EXIT_USAGE (bad input, one error printed) or
 * EXIT_ERROR.
 */
int series_new(const struct series_new_opts *o, struct series_new_result *r);
void series_new_result_release(struct series_new_result *r);

#endif
