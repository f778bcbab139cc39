// SPDX-License-Identifier: GPL-2.0
/*
 * Files a patch changes that the tree has under another name: upstream
 * renamed drivers/net/team/team.c to team_core.c after the tree branched,
 * or moved a driver to another directory. Such a file is looked for by
 * content: the file of the tree, in the same directory or with the same
 * name elsewhere, that holds most of the lines the hunks expect. Only a
 * clear winner counts; otherwise the patch is left as it is and the rungs
 * say the file is missing.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>

#include "util.h"
#include "gitops.h"
#include "series.h"
#include "pathfind.h"

/* A line counts as evidence only when it is specific: not a brace or a bare return. */
#define MIN_EVIDENCE_CHARS 8
#define MAX_CANDIDATES 64

static const char *ext_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');

	return dot ? dot : "";
}

static const char *leaf_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? xstrndup(path, slash - path) : xstrdup("");
}

/* s[0..n) without its leading and trailing blanks. */
static const char *trimmed(const char *s, size_t *n)
{
	while (*n && isspace((unsigned char)*s)) {
		s++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)s[*n - 1]))
		(*n)--;
	return s;
}

struct evidence {
	char **line;
	size_t nr;
};

static void evidence_release(struct evidence *ev)
{
	size_t i;

	for (i = 0; i < ev->nr; i++)
		free(ev->line[i]);
	free(ev->line);
	memset(ev, 0, sizeof(*ev));
}

/* The old lines (context and removed) of every hunk of delta idx. */
static int collect_evidence(git_diff *diff, size_t idx, struct evidence *ev)
{
	git_patch *patch = NULL;
	size_t h, l, alloc = 0;

	if (git_patch_from_diff(&patch, diff, idx) < 0)
		return git_fail("reading a patch's hunks");
	for (h = 0; h < git_patch_num_hunks(patch); h++) {
		for (l = 0; l < (size_t)git_patch_num_lines_in_hunk(patch, h); l++) {
			const git_diff_line *dl = NULL;
			const char *s;
			size_t n;

			if (git_patch_get_line_in_hunk(&dl, patch, h, l) < 0 ||
			    (dl->origin != GIT_DIFF_LINE_CONTEXT && dl->origin != GIT_DIFF_LINE_DELETION))
				continue;
			n = dl->content_len;
			s = trimmed(dl->content, &n);
			if (n < MIN_EVIDENCE_CHARS)
				continue;
			if (ev->nr == alloc) {
				alloc = alloc ? 2 * alloc : 16;
				ev->line = xrealloc(ev->line, alloc * sizeof(char *));
			}
			ev->line[ev->nr++] = xstrndup(s, n);
		}
	}
	git_patch_free(patch);
	return 0;
}

/* How many of the evidence lines text has, as whole (trimmed) lines. */
static size_t lines_found(const struct evidence *ev, const char *text, size_t len)
{
	size_t i, found = 0;

	for (i = 0; i < ev->nr; i++) {
		size_t want = strlen(ev->line[i]);
		const char *p = text, *end = text + len;

		while (p < end) {
			const char *hit = memmem(p, end - p, ev->line[i], want);
			const char *b, *e;

			if (!hit)
				break;
			for (b = hit; b > text && b[-1] != '\n' && isspace((unsigned char)b[-1]); b--)
				;
			for (e = hit + want; e < end && *e != '\n' && isspace((unsigned char)*e); e++)
				;
			if ((b == text || b[-1] == '\n') && (e == end || *e == '\n')) {
				found++;
				break;
			}
			p = hit + 1;
		}
	}
	return found;
}

struct candidates {
	char *path[MAX_CANDIDATES];
	size_t nr;
	const char *leaf;	/* same name elsewhere */
	const char *ext;	/* same kind, in the same directory */
	const char *dir;
	const char *missing;
};

static void add_candidate(struct candidates *c, const char *path)
{
	size_t i;

	if (c->nr == MAX_CANDIDATES || !strcmp(path, c->missing))
		return;
	for (i = 0; i < c->nr; i++)
		if (!strcmp(c->path[i], path))
			return;
	c->path[c->nr++] = xstrdup(path);
}

static int same_name_cb(const char *root, const git_tree_entry *e, void *payload)
{
	struct candidates *c = payload;
	char *path;

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || strcmp(git_tree_entry_name(e), c->leaf))
		return 0;
	path = xprintf("%s%s", root, c->leaf);
	add_candidate(c, path);
	free(path);
	return 0;
}

/* Files of dir with the same extension, then files of that name anywhere. */
static int gather(git_repository *repo, git_tree *base, struct candidates *c)
{
	git_tree_entry *de = NULL;
	git_tree *dt = NULL;
	size_t i;

	if (!*c->dir) {
		git_tree_dup(&dt, base);
	} else if (git_tree_entry_bypath(&de, base, c->dir) == 0 &&
		   git_tree_entry_type(de) == GIT_OBJECT_TREE &&
		   git_tree_lookup(&dt, repo, git_tree_entry_id(de)) < 0) {
		git_tree_entry_free(de);
		return git_fail("reading a directory of the tree");
	}
	git_tree_entry_free(de);
	git_error_clear();
	for (i = 0; dt && i < git_tree_entrycount(dt); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(dt, i);
		const char *name = git_tree_entry_name(e);
		char *path;

		if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || strcmp(ext_of(name), c->ext))
			continue;
		path = *c->dir ? xprintf("%s/%s", c->dir, name) : xstrdup(name);
		add_candidate(c, path);
		free(path);
	}
	git_tree_free(dt);
	if (git_tree_walk(base, GIT_TREEWALK_PRE, same_name_cb, c) < 0)
		return git_fail("walking the tree");
	return 0;
}

/*
 * The tree's file holding the most of ev, when it holds most of it and
 * clearly more than any other: 0 with *found, 1 when none qualifies.
 */
static int best_match(git_repository *repo, git_tree *base, const char *missing,
		      const struct evidence *ev, char **found, size_t *hits)
{
	struct candidates c = { .leaf = leaf_of(missing), .ext = ext_of(missing),
				.missing = missing };
	size_t i, best = 0, second = 0;
	char *dir = dir_of(missing);
	int ret = 1, b = -1;

	c.dir = dir;
	if (gather(repo, base, &c) < 0) {
		ret = -1;
		goto out;
	}
	for (i = 0; i < c.nr; i++) {
		char *text = NULL;
		size_t len, n;

		if (read_blob_buf(repo, base, c.path[i], &text, &len, NULL))
			continue;
		n = lines_found(ev, text, len);
		free(text);
		if (n > best) {
			second = best;
			best = n;
			b = (int)i;
		} else if (n > second) {
			second = n;
		}
	}
	/* most of the lines, and at least twice what the runner-up has */
	if (b >= 0 && 10 * best >= 7 * ev->nr && best >= 2 * second) {
		*found = xstrdup(c.path[b]);
		*hits = best;
		ret = 0;
	}
out:
	for (i = 0; i < c.nr; i++)
		free(c.path[i]);
	free(dir);
	return ret;
}

/* text with the header lines of from's section naming to instead. */
static char *rename_in_headers(const char *text, size_t len, const char *from, const char *to)
{
	char *git_line = xprintf("diff --git a/%s b/%s", from, from);
	char *minus = xprintf("--- a/%s", from), *plus = xprintf("+++ b/%s", from);
	const char *p = text, *end = text + len;
	struct sbuf sb = {0};
	int in_header = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		size_t n = (eol ? eol : end) - p;

		if (n >= 11 && !strncmp(p, "diff --git ", 11))
			in_header = n == strlen(git_line) && !strncmp(p, git_line, n);
		else if (n >= 2 && !strncmp(p, "@@", 2))
			in_header = 0;
		if (in_header && n == strlen(git_line) && !strncmp(p, git_line, n))
			sbuf_addf(&sb, "diff --git a/%s b/%s", to, to);
		else if (in_header && n == strlen(minus) && !strncmp(p, minus, n))
			sbuf_addf(&sb, "--- a/%s", to);
		else if (in_header && n == strlen(plus) && !strncmp(p, plus, n))
			sbuf_addf(&sb, "+++ b/%s", to);
		else
			sbuf_add(&sb, p, n);
		if (eol)
			sbuf_adds(&sb, "\n");
		p = eol ? eol + 1 : end;
	}
	free(git_line);
	free(minus);
	free(plus);
	return sbuf_detach(&sb);
}

static int tree_has(git_tree *base, const char *path)
{
	git_tree_entry *e = NULL;
	int has = git_tree_entry_bypath(&e, base, path) == 0;

	git_tree_entry_free(e);
	git_error_clear();
	return has;
}

int diff_find_moved(git_repository *repo, git_tree *base, const char *text, size_t len,
		    char **out, char **note)
{
	struct sbuf why = {0};
	git_diff *diff = NULL;
	char *cur = NULL;
	size_t i;
	int ret = 0;

	*out = NULL;
	*note = NULL;
	if (diff_parse_buf(&diff, text, len) < 0)
		return -1;
	for (i = 0; i < git_diff_num_deltas(diff) && ret >= 0; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		struct evidence ev = {0};
		char *found = NULL;
		size_t hits = 0;
		int rc;

		if (d->status != GIT_DELTA_MODIFIED || strcmp(d->old_file.path, d->new_file.path) ||
		    tree_has(base, d->old_file.path))
			continue;
		if (collect_evidence(diff, i, &ev) < 0) {
			ret = -1;
			break;
		}
		rc = ev.nr ? best_match(repo, base, d->old_file.path, &ev, &found, &hits) : 1;
		if (rc < 0) {
			ret = -1;
		} else if (rc == 0) {
			char *next = rename_in_headers(cur ? cur : text, cur ? strlen(cur) : len,
						       d->old_file.path, found);

			free(cur);
			cur = next;
			sbuf_addf(&why, "%s%s is %s here (found by content: %zu of %zu lines)",
				  why.len ? "; " : "", d->old_file.path, found, hits, ev.nr);
		}
		free(found);
		evidence_release(&ev);
	}
	git_diff_free(diff);
	if (ret < 0 || !cur) {
		free(cur);
		sbuf_release(&why);
		return ret;
	}
	*out = cur;
	*note = sbuf_detach(&why);
	return 0;
}

/*
 * p as it goes on base: 1 with *moved a copy of p whose diff (the
 * caller's to free) has the paths of the files base has under another
 * name, and *note naming them; 0 when none moved (a failed search is a
 * search that found nothing: the rungs then say the file is missing).
 */
int patch_for_tree(git_repository *repo, git_tree *base, const struct series_patch *p,
		   struct series_patch *moved, char **note)
{
	char *diff = NULL;

	*note = NULL;
	if (p->diff && diff_find_moved(repo, base, p->diff, strlen(p->diff), &diff, note) < 0)
		git_error_clear();
	if (!diff) {
		free(*note);
		*note = NULL;
		return 0;
	}
	*moved = *p;
	moved->diff = diff;
	return 1;
}
