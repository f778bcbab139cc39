/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_IMPORTER_H
#define LTSPORT_IMPORTER_H

#include <stddef.h>
#include <git2.h>

/*
 * Turning an extracted source tree into a git repository in place: one root
 * commit of every file (ignore rules do not apply), a tag, HEAD on a branch
 * and an index that matches the files, so that git status is clean.
 */

struct kernel_version {
	unsigned long version, patchlevel, sublevel;
	char extra[64];		/* EXTRAVERSION, e.g. "-rc3" or "" */
	char str[160];		/* 6.1.192; 6.1 for a .0 release; 6.2-rc3 */
	char series[48];	/* 6.1 */
};

int kernel_version_read(const char *root, struct kernel_version *kv);

struct import_result {
	git_oid commit;
	size_t files;
};

int import_tree(const char *root, const char *msg, git_time_t when, const char *tag,
		struct import_result *res);

/* What import_recorded() found at a path. */
enum import_found {
	IMPORT_OTHER,		/* something, but not an import that records this tarball */
	IMPORT_SAME,		/* a repository whose HEAD commit records this tarball */
};

enum import_found import_recorded(const char *path, const char *record, char **subject,
				  git_oid *id);

/* The job of trees import (tarball.c). */
struct import_opts {
	const char *tarball;
	const char *into;	/* where the repository goes */
	const char *name;	/* its directory name there, or NULL: X.Y */
};

struct import_outcome {
	int already;		/* dest holds this import already: nothing done */
	char *dest;
	char *subject;		/* already: the subject of the import found */
	char *pkg;		/* the tarball's name without .tar.* */
	struct kernel_version kv;
	git_oid commit;
	size_t files;
	double seconds;
};

#define IMPORT_BAD	(-2)	/* bad input: one error printed, nothing left */

int import_tarball(const struct import_opts *o, struct import_outcome *out);
void import_outcome_release(struct import_outcome *out);

#endif
