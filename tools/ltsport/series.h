/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_SERIES_H
#define LTSPORT_SERIES_H

#include <stddef.h>
#include <git2.h>

struct series_patch {
	char *name;		/* its name in the quilt series file */
	int line;		/* its line there */
	char *upstream;		/* full id of the upstream commit */
	char *subject;
	char *author;
	char *release;		/* first mainline release with the fix */
	char *fixes;		/* id of the commit it fixes (Fixes:) */
	char *fixes_release;	/* release that introduced that commit */
	char *cve;
	char *cocci;		/* semantic form (absolute path) or NULL */
	char *files;		/* files the fix touches, space-separated */

	/* The body, once series_load_bodies() found one. */
	char *body_source;	/* where it came from, for the evidence */
	char *msg;		/* upstream message: subject, blank line, body */
	char *diff;		/* the change as git diff text */
	int diff_line;		/* line of its file where the diff starts (0: mainline) */
	git_signature *sig;	/* upstream author and date */
};

/* How the series is proven in QEMU ([repro] in series.conf). */
struct series_repro {
	char *dir;		/* builds the guest: make -C dir O=... */
	char *instrument;	/* semantic patch for the reproducer kernels */
	char *files;		/* the files it changes */
	char *cmdline;		/* kernel command line words for the guest */
	char *counters;		/* what a result shows: "<result> <name> <words>, ..." */
};

struct series {
	char *name;
	char *dir;
	struct series_repro repro;
	struct series_patch *patches;
	size_t nr;
};

/* A git format-patch mail, split. */
struct series_mail {
	char *from;		/* "Name <email>" */
	char *date;
	char *subject;		/* unfolded, without "[PATCH ...]" */
	char *body;		/* the message after the subject */
	char *diff;		/* from the first "diff --git", without the signature */
	int diff_line;		/* the mail's line where the diff starts */
	char *commit;		/* "From <id>" line's or git show's commit id, or NULL */
};

/*
 * A mail from a buffer: 0, or -1 after one error naming file (and line):
 * a NUL byte, CRLF, no From:/Subject:, no diff, a path leaving the tree,
 * a diff libgit2 cannot parse.
 */
int series_parse_mail(struct series_mail *m, const char *file, const char *buf, size_t len);
/* The same, for a mail starting at the file's line first_line (an mbox's). */
int series_parse_mail_at(struct series_mail *m, const char *file, int first_line,
			 const char *buf, size_t len);
/*
 * One commit of `git show` or `git log -p` output at buf (its file's line
 * first_line): *used is where the next one starts. Errors as for mail.
 */
int series_parse_git_show(struct series_mail *m, const char *file, int first_line,
			  const char *buf, size_t len, size_t *used);
void series_mail_release(struct series_mail *m);
/* A mail's Subject: as written ("[PATCH 2/3] ..." kept), or NULL. */
char *series_mail_subject(const char *buf, size_t len);

/* series_load in steps, for tests: a series named after dir, then its texts. */
void series_init(struct series *s, const char *dir);
int series_parse_list(struct series *s, const char *file, const char *buf, size_t len);
int series_parse_conf(struct series *s, const char *file, const char *buf, size_t len);

int make_sig(git_signature **sig, const char *who, git_time_t when, int offset);
int series_resolve_dir(const char *arg, const char *confdir, char **dir);
int series_load(struct series *s, const char *dir);
int series_load_bodies(struct series *s, git_repository *mainline);
void series_release(struct series *s);
struct series_patch *series_find_upstream(struct series *s, const char *id);

#endif
