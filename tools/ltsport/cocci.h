/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_COCCI_H
#define LTSPORT_COCCI_H

#include <stddef.h>
#include <git2.h>

struct series_patch;

/* What a fix's semantic patch says of a tree in report mode. */
struct cocci_report {
	int fixed;		/* lines saying the fix's shape is there */
	int missing;		/* lines saying the target is there, the fix not */
	char *first_fixed;	/* "mm/memory.c:4012: swapcache_prepare pin ..." */
	char *first_missing;
};

enum cocci_kind { COCCI_NONE, COCCI_FIXED, COCCI_MISSING };

/* A report line, parsed; pointers are into the line. */
struct cocci_line {
	enum cocci_kind kind;
	const char *file;	/* NULL unless the line starts "file:N:" */
	size_t file_len;
	int line;
	const char *what;	/* the text after the mark */
	size_t what_len;
};

int cocci_parse_report_line(const char *line, size_t len, struct cocci_line *out);
int cocci_report(git_repository *repo, git_tree *tree, struct series_patch *p,
		 struct cocci_report *rep);
void cocci_report_release(struct cocci_report *rep);
int cocci_apply(git_repository *repo, git_tree *tree, const char *rule, const char *files,
		const char *mode, git_tree **out, char **changed);
int cocci_transform(git_repository *repo, git_tree *tree, struct series_patch *p,
		    const char *mode, git_tree **out, char **note);

#endif
