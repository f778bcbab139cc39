/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_HUNKMATCH_H
#define LTSPORT_HUNKMATCH_H

#include <stddef.h>
#include <git2.h>

struct sbuf;

/*
 * Drift-tolerant hunk matching: where a unified-diff hunk's preimage
 * (forward) or postimage (reverse) sits in a file, anchored to the
 * function its @@ header names; near the expected line first, exact, then
 * whitespace-tolerant, then with up to 2 outer context lines dropped.
 */

enum hm_kind { HM_MODIFY, HM_ADD, HM_DELETE, HM_RENAME, HM_BINARY, HM_OTHER };

struct hm_line {
	char origin;		/* ' ', '-' or '+' */
	int no_eol;		/* "\ No newline at end of file" follows */
	char *s;		/* without its newline */
	size_t n;
};

struct hm_hunk {
	long old_start, old_lines, new_start, new_lines;
	char *header;		/* the @@ line, without its newline */
	char *func;		/* the function it names, or NULL */
	struct hm_line *lines;
	size_t nr;
	char **added;		/* functions the file's '+' lines declare (the file's) */
	size_t nadded;
	size_t nadded_before;	/* of them, those the hunks above this one declare */
};

struct hm_file {
	char *old_path, *new_path;
	enum hm_kind kind;
	unsigned int old_mode, new_mode;
	struct hm_hunk *hunks;
	size_t nr;
	char **added;		/* functions its '+' lines declare */
	size_t nadded;
};

struct hm_patch {
	struct hm_file *files;
	size_t nr;
};

/* A file's text as lines (each owned, without its newline). */
struct hm_text {
	char **s;
	size_t *n;
	size_t nr, alloc;
	int final_nl;		/* the last line ends in a newline */
};

struct hm_where {
	long line;		/* 1-based first line of the hunk (fuzz lines included) */
	long offset;		/* line - expected */
	int ws;			/* matched only ignoring whitespace */
	int fuzz;		/* outer context lines dropped, on either end */
	int top, bottom;	/* of them at the top and at the bottom */
	size_t start, span;	/* 0-based matched lines */
	char renamed[128];	/* the function it is in, when the file has none by the header's name */
};

enum { HM_FORWARD = 0, HM_REVERSE = 1 };

int hm_parse(struct hm_patch *hp, const char *diff, size_t len);
void hm_patch_release(struct hm_patch *hp);

void hm_text_init(struct hm_text *t, const char *buf, size_t len);
char *hm_text_join(const struct hm_text *t, size_t *len);
void hm_text_release(struct hm_text *t);

/* The function a line declares (the identifier before its first '('), or NULL. */
char *hm_func_name(const char *s, size_t n);
/* The function git names for a hunk starting at line (1-based) of text, or NULL. */
char *hm_func_above(const char *text, size_t len, long line);

/*
 * Find hunk h in t (dir: HM_FORWARD looks for its preimage, HM_REVERSE for
 * its postimage), expected at line expect (1-based), at or after 0-based
 * line from, with at most max_fuzz context lines dropped per end.
 * 0 with *w; 1 not found, 2 ambiguous: *why says so (owned by the caller).
 */
int hm_locate(const struct hm_text *t, const struct hm_hunk *h, int dir, long expect,
	      size_t from, int max_fuzz, struct hm_where *w, char **why);

/* The fuzz a content check may use for h on side dir: none for an image of context only. */
int hm_check_fuzz(const struct hm_hunk *h, int dir, int max_fuzz);

/* Replace the span w matched by the hunk's other side, keeping t's context lines. */
void hm_apply_at(struct hm_text *t, const struct hm_hunk *h, int dir, const struct hm_where *w);

/* "hunk #2 at 3901 (offset 12 lines, fuzz 1, whitespace)" bits: ", offset ..." or "". */
void hm_where_note(struct sbuf *sb, int nr, const struct hm_where *w);

/* The content state of a patch on a tree, per unit (a hunk or a whole-file change). */
struct hm_state {
	size_t units, forward, reverse, both, neither;
	struct sbuf *fwd_notes;		/* where the forward matches are */
	struct sbuf *problems;		/* per unit that matched neither way or only forward, why */
	git_tree *applied;		/* the tree with every unit applied, when all go forward */
};

/* HM_TREE: build st->applied when every unit goes forward (written to the repository). */
#define HM_TREE 0x1

int hm_check_tree(git_repository *repo, git_tree *base, const struct hm_patch *hp,
		  unsigned int flags, struct hm_state *st);
void hm_state_release(struct hm_state *st);

/*
 * Apply hp to base with the locator: 0 with *out and notes ("f: hunk #2 at
 * 3901 (offset 12 lines)"), 1 when a unit does not land (why), -1 on error.
 */
int hm_apply_tree(git_repository *repo, git_tree *base, const struct hm_patch *hp,
		  int max_fuzz, git_tree **out, struct sbuf *notes, struct sbuf *why);

#endif
