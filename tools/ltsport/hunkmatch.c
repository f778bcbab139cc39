// SPDX-License-Identifier: GPL-2.0
/*
 * An anchored locator for unified-diff hunks, for trees that drifted from
 * the patch's base: the hunk is searched near the line its header gives,
 * then in the whole file; exact first, then ignoring whitespace (trailing
 * blanks, tabs against spaces, changed indentation), then with one, then two
 * outer context lines dropped per end (fuzz, as patch -F2). A place counts
 * only if the function git would name for it is the one the @@ header
 * names; the nearest place wins, and two equally near, or two in different
 * functions when the header names none, are refused as ambiguous.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "gitops.h"
#include "hunkmatch.h"

#define HM_MAX_FUZZ 2

/* Parsing, through libgit2. */

static void add_line(struct hm_hunk *h, size_t *alloc, char origin, const char *s, size_t n)
{
	struct hm_line *l;

	if (h->nr == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 16;
		h->lines = xrealloc(h->lines, *alloc * sizeof(*h->lines));
	}
	l = &h->lines[h->nr++];
	while (n && (s[n - 1] == '\n'))
		n--;
	l->origin = origin;
	l->no_eol = 0;
	l->s = xstrndup(s, n);
	l->n = n;
}

static int parse_hunk(git_patch *patch, size_t k, struct hm_hunk *h)
{
	const git_diff_hunk *gh;
	size_t nlines, j, alloc = 0;
	const char *at;

	if (git_patch_get_hunk(&gh, &nlines, patch, k) < 0)
		return git_fail("parsing a hunk");
	h->old_start = gh->old_start;
	h->old_lines = gh->old_lines;
	h->new_start = gh->new_start;
	h->new_lines = gh->new_lines;
	j = gh->header_len;
	while (j && (gh->header[j - 1] == '\n' || gh->header[j - 1] == '\r'))
		j--;
	h->header = xstrndup(gh->header, j);
	at = strstr(h->header + 2, "@@");
	h->func = at ? hm_func_name(at + 2, strlen(at + 2)) : NULL;
	for (j = 0; j < nlines; j++) {
		const git_diff_line *gl;

		if (git_patch_get_line_in_hunk(&gl, patch, k, j) < 0)
			return git_fail("parsing a hunk's line");
		switch (gl->origin) {
		case GIT_DIFF_LINE_CONTEXT:
		case GIT_DIFF_LINE_ADDITION:
		case GIT_DIFF_LINE_DELETION:
			add_line(h, &alloc, gl->origin, gl->content, gl->content_len);
			break;
		case GIT_DIFF_LINE_CONTEXT_EOFNL:
		case GIT_DIFF_LINE_ADD_EOFNL:
		case GIT_DIFF_LINE_DEL_EOFNL:
			if (h->nr)
				h->lines[h->nr - 1].no_eol = 1;
			break;
		default:
			break;
		}
	}
	return 0;
}

static enum hm_kind kind_of(const git_diff_delta *d)
{
	if (d->flags & GIT_DIFF_FLAG_BINARY)
		return HM_BINARY;
	switch (d->status) {
	case GIT_DELTA_ADDED:
		return HM_ADD;
	case GIT_DELTA_DELETED:
		return HM_DELETE;
	case GIT_DELTA_RENAMED:
		return HM_RENAME;
	case GIT_DELTA_MODIFIED:
		return HM_MODIFY;
	default:
		return HM_OTHER;
	}
}

static int is_func_line(const char *s, size_t n);

/*
 * The functions the file's '+' lines declare: in the fixed file a hunk may
 * sit below one of them, where upstream's header (from the old file) names
 * the function before it.
 */
static void collect_added(struct hm_file *f)
{
	size_t k, j;

	for (k = 0; k < f->nr; k++) {
		f->hunks[k].nadded_before = f->nadded;
		for (j = 0; j < f->hunks[k].nr; j++) {
			const struct hm_line *l = &f->hunks[k].lines[j];
			char *name;

			if (l->origin != '+' || !is_func_line(l->s, l->n))
				continue;
			name = hm_func_name(l->s, l->n);
			if (!name)
				continue;
			f->added = xrealloc(f->added, (f->nadded + 1) * sizeof(*f->added));
			f->added[f->nadded++] = name;
		}
	}
	for (k = 0; k < f->nr; k++) {
		f->hunks[k].added = f->added;
		f->hunks[k].nadded = f->nadded;
	}
}

/* Every file of the diff text with its hunks: 0, or -1 (the error said). */
int hm_parse(struct hm_patch *hp, const char *diff, size_t len)
{
	git_diff *d = NULL;
	size_t i, k;
	int ret = 0;

	memset(hp, 0, sizeof(*hp));
	if (diff_parse_buf(&d, diff, len) < 0)
		return -1;
	hp->nr = git_diff_num_deltas(d);
	hp->files = xcalloc(hp->nr ? hp->nr : 1, sizeof(*hp->files));
	for (i = 0; i < hp->nr && !ret; i++) {
		const git_diff_delta *gd = git_diff_get_delta(d, i);
		struct hm_file *f = &hp->files[i];
		git_patch *patch = NULL;

		f->old_path = xstrdup(gd->old_file.path);
		f->new_path = xstrdup(gd->new_file.path);
		f->old_mode = gd->old_file.mode;
		f->new_mode = gd->new_file.mode;
		f->kind = kind_of(gd);
		if (git_patch_from_diff(&patch, d, i) < 0) {
			ret = git_fail("parsing a patch");
			break;
		}
		f->nr = patch ? git_patch_num_hunks(patch) : 0;
		f->hunks = xcalloc(f->nr ? f->nr : 1, sizeof(*f->hunks));
		for (k = 0; k < f->nr && !ret; k++)
			ret = parse_hunk(patch, k, &f->hunks[k]);
		git_patch_free(patch);
		if (!ret)
			collect_added(f);
	}
	git_diff_free(d);
	if (ret)
		hm_patch_release(hp);
	return ret;
}

void hm_patch_release(struct hm_patch *hp)
{
	size_t i, k, j;

	for (i = 0; i < hp->nr; i++) {
		struct hm_file *f = &hp->files[i];

		for (k = 0; k < f->nr; k++) {
			for (j = 0; j < f->hunks[k].nr; j++)
				free(f->hunks[k].lines[j].s);
			free(f->hunks[k].lines);
			free(f->hunks[k].header);
			free(f->hunks[k].func);
		}
		for (k = 0; k < f->nadded; k++)
			free(f->added[k]);
		free(f->added);
		free(f->hunks);
		free(f->old_path);
		free(f->new_path);
	}
	free(hp->files);
	memset(hp, 0, sizeof(*hp));
}

/* Texts. */

static void text_push(struct hm_text *t, const char *s, size_t n)
{
	if (t->nr == t->alloc) {
		t->alloc = t->alloc ? 2 * t->alloc : 64;
		t->s = xrealloc(t->s, t->alloc * sizeof(*t->s));
		t->n = xrealloc(t->n, t->alloc * sizeof(*t->n));
	}
	t->s[t->nr] = xstrndup(s, n);
	t->n[t->nr++] = n;
}

void hm_text_init(struct hm_text *t, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	memset(t, 0, sizeof(*t));
	t->final_nl = 1;
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);

		text_push(t, p, (eol ? eol : end) - p);
		if (!eol)
			t->final_nl = 0;
		p = eol ? eol + 1 : end;
	}
}

char *hm_text_join(const struct hm_text *t, size_t *len)
{
	struct sbuf sb = {0};
	size_t i;

	for (i = 0; i < t->nr; i++) {
		sbuf_add(&sb, t->s[i], t->n[i]);
		if (i + 1 < t->nr || t->final_nl)
			sbuf_add(&sb, "\n", 1);
	}
	*len = sb.len;
	return sb.len ? sbuf_detach(&sb) : xstrdup("");
}

void hm_text_release(struct hm_text *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		free(t->s[i]);
	free(t->s);
	free(t->n);
	memset(t, 0, sizeof(*t));
}

/* Function names, as git puts them in hunk headers. */

char *hm_func_name(const char *s, size_t n)
{
	const char *paren = memchr(s, '(', n), *b, *e;

	if (!paren)
		return NULL;
	for (e = paren; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	for (b = e; b > s && (isalnum((unsigned char)b[-1]) || b[-1] == '_'); b--)
		;
	return b < e ? xstrndup(b, e - b) : NULL;
}

/* "out:", "err_free:" */
static int is_label(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
		i++;
	return i && i < n && s[i] == ':' && (i + 1 == n || s[i + 1] != ':');
}

/* A line git takes for a function line: a letter, '_' or '$' first, no label. */
static int is_func_line(const char *s, size_t n)
{
	return n && (isalpha((unsigned char)*s) || *s == '_' || *s == '$') && !is_label(s, n);
}

/* The function named by the nearest function line above 0-based line i of t. */
static char *text_func_above(const struct hm_text *t, size_t i)
{
	while (i-- > 0)
		if (is_func_line(t->s[i], t->n[i]))
			return hm_func_name(t->s[i], t->n[i]);
	return NULL;
}

/*
 * The function around line (1-based) of text as git names it in a hunk
 * header: the nearest line above starting with a letter, '_' or '$' that
 * is not a label. NULL when that line declares no function.
 */
char *hm_func_above(const char *text, size_t len, long line)
{
	struct hm_text t;
	char *name;

	hm_text_init(&t, text, len);
	name = text_func_above(&t, line < 1 ? 0 :
			       (size_t)line - 1 > t.nr ? t.nr : (size_t)line - 1);
	hm_text_release(&t);
	return name;
}

/* Locating. */

/* Lines equal, or (ws) equal once every run of blanks is one space and the ends trimmed. */
static int line_eq(const char *a, size_t an, const char *b, size_t bn, int ws)
{
	size_t i = 0, j = 0;

	if (!ws)
		return an == bn && !memcmp(a, b, an);
	for (;;) {
		int sa = 0, sb = 0;

		while (i < an && isspace((unsigned char)a[i])) {
			i++;
			sa = 1;
		}
		while (j < bn && isspace((unsigned char)b[j])) {
			j++;
			sb = 1;
		}
		if (i == an || j == bn)
			return i == an && j == bn;
		/* inside a line a run of blanks must match a run of blanks */
		if (i > 0 && j > 0 && sa != sb)
			return 0;
		if (a[i] != b[j])
			return 0;
		i++;
		j++;
	}
}

/* The lines of h's image on side dir: context and '-' (forward) or '+' (reverse). */
static int on_side(char origin, int dir)
{
	return origin == ' ' || origin == (dir == HM_FORWARD ? '-' : '+');
}

/* The lines only the image of side dir has: '-' forward, '+' in reverse. */
static size_t side_lines(const struct hm_hunk *h, int dir)
{
	size_t i, nr = 0;

	for (i = 0; i < h->nr; i++)
		nr += h->lines[i].origin != ' ' && on_side(h->lines[i].origin, dir);
	return nr;
}

static void context_ends(const struct hm_hunk *h, size_t *lead, size_t *trail)
{
	size_t i;

	for (i = 0; i < h->nr && h->lines[i].origin == ' '; i++)
		;
	*lead = i;
	for (i = 0; i < h->nr && h->lines[h->nr - 1 - i].origin == ' '; i++)
		;
	*trail = i;
	if (*lead == h->nr)
		*trail = 0;
}

/*
 * The fuzz a content check may use. An image of context only (a pure
 * addition forward, a pure deletion in reverse) tells the states apart only
 * while context is left on both sides of the change: dropping the last line
 * of one side makes it match the other state too. So for it, fuzz only up
 * to one line short of the shorter side, none when a side has no context.
 */
int hm_check_fuzz(const struct hm_hunk *h, int dir, int max_fuzz)
{
	size_t lead, trail, keep;

	if (side_lines(h, dir))
		return max_fuzz;
	context_ends(h, &lead, &trail);
	if (!lead || !trail)
		return 0;
	keep = (lead < trail ? lead : trail) - 1;
	return keep < (size_t)max_fuzz ? (int)keep : max_fuzz;
}

static int blank(const char *s, size_t n)
{
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return !n;
}

/* The image without top and bottom context lines: pointers into h. */
static size_t image(const struct hm_hunk *h, int dir, size_t top, size_t bottom,
		    const struct hm_line **img)
{
	size_t i, nr = 0, skipped = 0, last = h->nr - bottom;

	for (i = 0; i < last; i++) {
		if (!on_side(h->lines[i].origin, dir))
			continue;
		if (skipped < top) {
			skipped++;
			continue;
		}
		img[nr++] = &h->lines[i];
	}
	return nr;
}

static int match_at(const struct hm_text *t, size_t at, const struct hm_line **img, size_t nr,
		    int ws)
{
	size_t k;

	if (at + nr > t->nr)
		return 0;
	for (k = 0; k < nr; k++)
		if (!line_eq(t->s[at + k], t->n[at + k], img[k]->s, img[k]->n, ws))
			return 0;
	return 1;
}

/*
 * A match of an image of context only that needed fuzz, with a block of
 * the other side's lines near it (a pure addition forward whose added
 * lines are already there a line or two off; in reverse, a pure deletion
 * whose lines are still there): no evidence of either state.
 */
static int fuzzed_beside_other_side(const struct hm_text *t, const struct hm_hunk *h, int dir,
				    const struct hm_where *w)
{
	char origin = dir == HM_FORWARD ? '+' : '-';
	size_t lo = w->start > h->nr ? w->start - h->nr : 0;
	size_t hi = w->start + w->span + h->nr, i = 0;
	const struct hm_line **blk;
	int found = 0;

	if (!w->fuzz || side_lines(h, dir))
		return 0;
	blk = xcalloc(h->nr + 1, sizeof(*blk));
	while (i < h->nr && !found) {
		size_t nr = 0, at, real = 0;

		for (; i < h->nr && h->lines[i].origin != origin; i++)
			;
		for (; i < h->nr && h->lines[i].origin == origin; i++) {
			blk[nr++] = &h->lines[i];
			real += !blank(h->lines[i].s, h->lines[i].n);
		}
		for (at = lo; real && !found && at <= hi; at++)
			found = match_at(t, at, blk, nr, 1);
	}
	free(blk);
	return found;
}

static int same_name(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/*
 * fn is where h may sit: its header's function, or one the patch adds: in
 * reverse any, forward one a hunk above it added (the hunks apply in
 * order, and the header names the function as the old file had it).
 */
static int func_ok(const struct hm_hunk *h, int dir, const char *fn)
{
	size_t i, nr = dir == HM_REVERSE ? h->nadded : h->nadded_before;

	if (!h->func || same_name(fn, h->func))
		return 1;
	for (i = 0; fn && i < nr; i++)
		if (!strcmp(fn, h->added[i]))
			return 1;
	return 0;
}

/* One name inside the other (foo, foo_ctx, __foo), the shorter not too short to mean it. */
static int related_names(const char *a, const char *b)
{
	size_t an = strlen(a), bn = strlen(b);

	if (an > bn)
		return related_names(b, a);
	return an >= 4 && an < bn && strstr(b, a);
}

/* Some line of t declares the function name (as git finds function lines). */
static int text_has_func(const struct hm_text *t, const char *name)
{
	size_t i;
	int hit = 0;

	for (i = 0; i < t->nr && !hit; i++) {
		char *fn;

		if (!is_func_line(t->s[i], t->n[i]))
			continue;
		fn = hm_func_name(t->s[i], t->n[i]);
		hit = fn && !strcmp(fn, name);
		free(fn);
	}
	return hit;
}

/*
 * One level (ws, fuzz): the candidates that count, nearest first. 0 found,
 * 1 none, 2 ambiguous (*why).
 */
static int locate_level(const struct hm_text *t, const struct hm_hunk *h, int dir, long expect,
			size_t from, size_t top, size_t bottom, int ws, int anyfunc,
			const struct hm_line **img, struct hm_where *w, char **why,
			char **elsewhere)
{
	size_t nr = image(h, dir, top, bottom, img), at, best = 0, found = 0;
	long best_dist = -1;
	char *best_func = NULL;
	int tie = 0, split = 0;

	if (!nr)
		return 1;
	for (at = from; at + nr <= t->nr; at++) {
		long first = (long)at - (long)top + 1, dist;
		char *fn;

		if (!match_at(t, at, img, nr, ws))
			continue;
		fn = text_func_above(t, first < 1 ? 0 : (size_t)first - 1);
		if (anyfunc && found) {
			free(fn);
			found++;
			tie = 1;
			continue;
		}
		if (!anyfunc && !func_ok(h, dir, fn)) {
			if (!*elsewhere && fn)
				*elsewhere = fn;
			else
				free(fn);
			continue;
		}
		if (found && !same_name(fn, best_func))
			split = 1;
		dist = labs(first - expect);
		if (!found || dist < best_dist) {
			best = at;
			best_dist = dist;
			tie = 0;
			free(best_func);
			best_func = fn;
			fn = NULL;
		} else if (dist == best_dist) {
			tie = 1;
		}
		free(fn);
		found++;
	}
	if (!found) {
		free(best_func);
		return 1;
	}
	if (anyfunc && tie) {
		*why = xprintf("matches %zu places under other functions' names (the file has no %s()), refusing to guess",
			       found, h->func);
		free(best_func);
		return 2;
	}
	if (tie || split) {
		*why = xprintf("matches %zu places%s (%s), refusing to guess",
			       found, ws ? " ignoring whitespace" : "",
			       tie ? "two as near as each other to the expected line" :
			       "in different functions");
		free(best_func);
		return 2;
	}
	if (anyfunc && best_func)
		snprintf(w->renamed, sizeof(w->renamed), "%s", best_func);
	free(best_func);
	w->start = best;
	w->span = nr;
	w->top = top;
	w->bottom = bottom;
	w->fuzz = top > bottom ? top : bottom;
	w->ws = ws;
	w->line = (long)best - (long)top + 1;
	w->offset = w->line - expect;
	return 0;
}

int hm_locate(const struct hm_text *t, const struct hm_hunk *h, int dir, long expect,
	      size_t from, int max_fuzz, struct hm_where *w, char **why)
{
	const struct hm_line **img = xcalloc(h->nr + 1, sizeof(*img));
	size_t lead, trail, f;
	char *elsewhere = NULL;
	int rc = 1, ws;

	*why = NULL;
	memset(w, 0, sizeof(*w));
	context_ends(h, &lead, &trail);
	if (max_fuzz > HM_MAX_FUZZ)
		max_fuzz = HM_MAX_FUZZ;

	for (f = 0; rc == 1 && f <= (size_t)max_fuzz; f++) {
		size_t top = f < lead ? f : lead, bottom = f < trail ? f : trail;

		if (f && top + bottom < f)
			break;	/* no more context to drop */
		for (ws = 0; rc == 1 && ws <= 1; ws++)
			rc = locate_level(t, h, dir, expect, from, top, bottom, ws, 0, img, w, why,
					  &elsewhere);
	}
	/*
	 * Found only under another function's name that is upstream's with
	 * a prefix or suffix more or less, and the file has no function by
	 * upstream's name: renamed since (foo() became foo_ctx() upstream).
	 * The one exact place in the file counts, as git apply would take
	 * it; two such places, any fuzz, or an unrelated name do not.
	 */
	if (rc == 1 && elsewhere && related_names(elsewhere, h->func) &&
	    !text_has_func(t, h->func)) {
		rc = locate_level(t, h, dir, expect, 0, 0, 0, 0, 1, img, w, why, &elsewhere);
		if (!rc && w->start < from) {
			memset(w, 0, sizeof(*w));
			rc = 1;
		}
	}
	free(img);
	if (rc == 1 && elsewhere)
		*why = xprintf("would land in %s(), upstream has it in %s()", elsewhere, h->func);
	else if (rc == 1)
		*why = xprintf("(%s): %s is not in %s%s", h->header,
			       dir == HM_FORWARD ? "its preimage" : "its postimage",
			       h->func ? h->func : "the file", h->func ? "()" : "");
	free(elsewhere);
	return rc;
}

void hm_apply_at(struct hm_text *t, const struct hm_hunk *h, int dir, const struct hm_where *w)
{
	struct hm_text out = {0};
	size_t i, pos = w->start, skipped = 0, last = h->nr - w->bottom;
	int eol_end = t->final_nl, at_end = w->start + w->span == t->nr;
	int last_from_hunk = 0, last_no_eol = 0;

	for (i = 0; i < w->start; i++)
		text_push(&out, t->s[i], t->n[i]);
	for (i = 0; i < last; i++) {
		const struct hm_line *l = &h->lines[i];

		if (on_side(l->origin, dir) && skipped < (size_t)w->top) {
			skipped++;
			continue;
		}
		if (!on_side(l->origin, dir) && skipped < (size_t)w->top)
			continue;	/* the other side's lines among dropped context */
		if (l->origin == ' ') {
			text_push(&out, t->s[pos], t->n[pos]);
			pos++;
			last_from_hunk = 0;
		} else if (on_side(l->origin, dir)) {
			pos++;
		} else {
			text_push(&out, l->s, l->n);
			last_from_hunk = 1;
			last_no_eol = l->no_eol;
		}
	}
	for (i = pos; i < t->nr; i++)
		text_push(&out, t->s[i], t->n[i]);
	if (at_end && last_from_hunk)
		eol_end = !last_no_eol;
	out.final_nl = eol_end;
	hm_text_release(t);
	*t = out;
}

void hm_where_note(struct sbuf *sb, int nr, const struct hm_where *w)
{
	int paren = 0;

	sbuf_addf(sb, "hunk #%d at %ld", nr, w->line);
	if (w->offset) {
		sbuf_addf(sb, " (offset %ld line%s", w->offset, labs(w->offset) == 1 ? "" : "s");
		paren = 1;
	}
	if (w->fuzz) {
		sbuf_addf(sb, "%sfuzz %d", paren ? ", " : " (", w->fuzz);
		paren = 1;
	}
	if (w->ws) {
		sbuf_adds(sb, paren ? ", whitespace" : " (whitespace");
		paren = 1;
	}
	if (paren)
		sbuf_adds(sb, ")");
	if (*w->renamed)
		sbuf_addf(sb, " in %s(), the file having no function by upstream's name", w->renamed);
}

/* Trees. */

static int text_equals_side(const struct hm_text *t, const struct hm_hunk *h, int dir)
{
	const struct hm_line **img;
	size_t nr;
	int eq;

	if (!h)
		return t->nr == 0;
	img = xcalloc(h->nr + 1, sizeof(*img));
	nr = image(h, dir, 0, 0, img);
	eq = nr == t->nr && match_at(t, 0, img, nr, 1);
	free(img);
	return eq;
}

/* Read path of tree as text: 0, 1 absent, 2 binary (a NUL at *nul), -1 error. */
static int read_text(git_repository *repo, git_tree *tree, const char *path, struct hm_text *t,
		     unsigned int *mode, size_t *nul)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = read_blob_buf(repo, tree, path, &buf, &len, mode);

	if (rc)
		return rc;
	if (strlen(buf) != len) {
		*nul = strlen(buf);
		free(buf);
		return 2;
	}
	hm_text_init(t, buf, len);
	free(buf);
	return 0;
}

struct changes {
	struct tree_change *ch;
	char **bufs;
	size_t nr;
};

static void change_add(struct changes *c, const char *path, char *data, size_t len,
		       unsigned int mode)
{
	c->ch = xrealloc(c->ch, (c->nr + 1) * sizeof(*c->ch));
	c->bufs = xrealloc(c->bufs, (c->nr + 1) * sizeof(*c->bufs));
	c->ch[c->nr].path = path;
	c->ch[c->nr].data = data;
	c->ch[c->nr].len = len;
	c->ch[c->nr].mode = mode;
	c->bufs[c->nr++] = data;
}

static void changes_release(struct changes *c)
{
	size_t i;

	for (i = 0; i < c->nr; i++)
		free(c->bufs[i]);
	free(c->bufs);
	free(c->ch);
	memset(c, 0, sizeof(*c));
}

/* The new file's text: the postimage of its one hunk. */
static char *new_content(const struct hm_file *f, size_t *len)
{
	struct hm_text t = {0};
	struct hm_where w = {0};
	char *buf;

	t.final_nl = 1;
	if (f->nr) {
		const struct hm_hunk *h = &f->hunks[0];

		w.span = 0;
		hm_apply_at(&t, h, HM_FORWARD, &w);
	}
	buf = hm_text_join(&t, len);
	hm_text_release(&t);
	return buf;
}

static void sbuf_cut(struct sbuf *sb, size_t len)
{
	if (sb->buf && len < sb->len) {
		sb->len = len;
		sb->buf[len] = '\0';
	}
}

/* The mode the file gets: the patch's when it changes it, else the tree's. */
static unsigned int mode_after(const struct hm_file *f, unsigned int tree_mode)
{
	if (f->new_mode && (f->new_mode != f->old_mode || !tree_mode))
		return f->new_mode;
	return tree_mode ? tree_mode : GIT_FILEMODE_BLOB;
}

/*
 * Forward-apply the hunks of f to t, one after the other; per hunk that
 * lands, a note (and ok[k] set); per one that does not, a problem. The
 * number landed.
 */
static size_t forward_hunks(const struct hm_file *f, struct hm_text *t, int max_fuzz,
			    int check, char *ok, struct sbuf *notes, struct sbuf *problems)
{
	size_t k, landed = 0, from = 0;
	long delta = 0;

	for (k = 0; k < f->nr; k++) {
		const struct hm_hunk *h = &f->hunks[k];
		struct hm_where w;
		char *why = NULL;
		size_t post = 0, i;
		int fuzz = check ? hm_check_fuzz(h, HM_FORWARD, max_fuzz) : max_fuzz;
		int rc = hm_locate(t, h, HM_FORWARD, h->new_start + delta, from, fuzz, &w, &why);

		if (!rc && check && fuzzed_beside_other_side(t, h, HM_FORWARD, &w)) {
			why = xprintf("(%s): matches only with fuzz %d, and lines it adds are already near line %ld: refusing to add them twice",
				      h->header, w.fuzz, w.line);
			rc = 1;
		}
		if (!rc) {
			hm_apply_at(t, h, HM_FORWARD, &w);
			for (i = 0; i < h->nr; i++)
				post += on_side(h->lines[i].origin, HM_REVERSE);
			from = w.start + post - w.top - w.bottom;
			delta += w.offset;
			if (notes && !landed)
				sbuf_addf(notes, "%s%s: ", notes->len ? "; " : "", f->new_path);
			else if (notes)
				sbuf_adds(notes, ", ");
			if (notes)
				hm_where_note(notes, (int)k + 1, &w);
			if (ok)
				ok[k] = 1;
			landed++;
		} else if (problems) {
			sbuf_addf(problems, "%s%s: hunk #%zu %s", problems->len ? "; " : "",
				  f->new_path, k + 1, why);
		}
		free(why);
	}
	return landed;
}

/* Reverse-locate the hunks of f in t (unchanged), ok[k] per hunk found; how many. */
static size_t reverse_hunks(const struct hm_file *f, const struct hm_text *t, int max_fuzz,
			    char *ok)
{
	size_t k, found = 0, from = 0;
	long delta = 0;

	for (k = 0; k < f->nr; k++) {
		const struct hm_hunk *h = &f->hunks[k];
		struct hm_where w;
		char *why = NULL;

		if (!hm_locate(t, h, HM_REVERSE, h->new_start + delta, from,
			       hm_check_fuzz(h, HM_REVERSE, max_fuzz), &w, &why) &&
		    !fuzzed_beside_other_side(t, h, HM_REVERSE, &w)) {
			from = w.start + w.span;
			delta += w.offset;
			ok[k] = 1;
			found++;
		}
		free(why);
	}
	return found;
}

static void problem(struct sbuf *sb, const char *path, const char *what)
{
	sbuf_addf(sb, "%s%s: %s", sb->len ? "; " : "", path, what);
}

static void count_unit(struct hm_state *st, int fw, int rv)
{
	st->units++;
	st->forward += fw && !rv;
	st->reverse += rv && !fw;
	st->both += fw && rv;
	st->neither += !fw && !rv;
}

/* A new or deleted file: one unit, by presence and content. */
static void check_whole(const struct hm_file *f, const struct hm_text *t, int present,
			struct hm_state *st, struct changes *c, int *whole)
{
	const struct hm_hunk *h = f->nr ? &f->hunks[0] : NULL;
	int fw, rv;

	if (f->kind == HM_ADD) {
		fw = !present;
		rv = present && text_equals_side(t, h, HM_REVERSE);
		if (fw) {
			size_t len;
			char *buf = new_content(f, &len);

			change_add(c, f->new_path, buf, len, mode_after(f, 0));
		}
	} else {
		rv = !present;
		fw = present && text_equals_side(t, h, HM_FORWARD);
		if (fw)
			change_add(c, f->old_path, NULL, 0, 0);
	}
	if (!fw && !rv)
		problem(st->problems, f->kind == HM_ADD ? f->new_path : f->old_path,
			f->kind == HM_ADD ? "a new file, yet the tree has it with other content" :
			"deleted upstream, yet the tree has it with other content");
	*whole &= fw;
	count_unit(st, fw, rv);
}

/*
 * One file's units (a hunk each, or the file when it has none or is new or
 * deleted), forward and reverse; c collects the forward result.
 */
static int check_file(git_repository *repo, git_tree *base, const struct hm_file *f,
		      struct hm_state *st, struct changes *c, int *whole)
{
	struct hm_text t = {0}, nt = {0};
	unsigned int mode = 0;
	size_t k, before = st->problems->len, nul = 0;
	char *fok = xcalloc(f->nr + 1, 1), *rok = xcalloc(f->nr + 1, 1);
	int old_rc = 1, new_rc = 1, ret = 0;

	if (f->kind == HM_BINARY || f->kind == HM_OTHER) {
		problem(st->problems, f->new_path, f->kind == HM_BINARY ?
			"a binary change: no content check" : "a copy or type change: no content check");
		count_unit(st, 0, 0);
		*whole = 0;
		goto out;
	}
	if (f->kind != HM_ADD)
		old_rc = read_text(repo, base, f->old_path, &t, &mode, &nul);
	if (f->kind == HM_ADD || f->kind == HM_RENAME)
		new_rc = read_text(repo, base, f->new_path, &nt, NULL, &nul);
	if (old_rc < 0 || new_rc < 0) {
		ret = -1;
		goto out;
	}
	if (old_rc == 2 || new_rc == 2) {
		problem(st->problems, old_rc == 2 ? f->old_path : f->new_path,
			"binary content here: no content check");
		for (k = 0; k < (f->nr ? f->nr : 1); k++)
			count_unit(st, 0, 0);
		*whole = 0;
		goto out;
	}
	if (f->kind == HM_ADD) {
		check_whole(f, &nt, !new_rc, st, c, whole);
		goto out;
	}
	if (f->kind == HM_DELETE) {
		check_whole(f, &t, !old_rc, st, c, whole);
		goto out;
	}
	if (f->kind == HM_RENAME && (old_rc == new_rc)) {
		problem(st->problems, f->old_path, old_rc ? "renamed, yet neither name is in the tree" :
			"renamed, yet both names are in the tree");
		for (k = 0; k < (f->nr ? f->nr : 1); k++)
			count_unit(st, 0, 0);
		*whole = 0;
		goto out;
	}
	if (f->kind == HM_MODIFY && old_rc) {
		problem(st->problems, f->old_path, "not in the tree");
		for (k = 0; k < (f->nr ? f->nr : 1); k++)
			count_unit(st, 0, 0);
		*whole = 0;
		goto out;
	}
	if (!f->nr) {
		/* a mode change, or a rename without content change */
		int fw = f->kind == HM_RENAME ? !old_rc : mode == f->old_mode;
		int rv = f->kind == HM_RENAME ? !new_rc : mode == f->new_mode;

		count_unit(st, fw, rv);
		*whole &= fw;
		if (fw) {
			size_t len;
			char *buf = hm_text_join(&t, &len);

			if (f->kind == HM_RENAME)
				change_add(c, f->old_path, NULL, 0, 0);
			change_add(c, f->new_path, buf, len, f->new_mode ? f->new_mode : mode);
		}
		goto out;
	}
	if (f->kind == HM_RENAME) {
		/* forward: the old name holds the preimage; reverse: the new one the postimage */
		if (!old_rc)
			forward_hunks(f, &t, HM_MAX_FUZZ, 1, fok, st->fwd_notes, st->problems);
		else
			reverse_hunks(f, &nt, HM_MAX_FUZZ, rok);
	} else {
		reverse_hunks(f, &t, HM_MAX_FUZZ, rok);
		forward_hunks(f, &t, HM_MAX_FUZZ, 1, fok, st->fwd_notes, st->problems);
	}
	{
		size_t fw = 0, rv = 0;

		for (k = 0; k < f->nr; k++) {
			count_unit(st, fok[k], rok[k]);
			fw += fok[k];
			rv += rok[k];
		}
		if (rv == f->nr)
			sbuf_cut(st->problems, before);
		if (fw == f->nr) {
			size_t len;
			char *buf = hm_text_join(&t, &len);

			if (f->kind == HM_RENAME)
				change_add(c, f->old_path, NULL, 0, 0);
			change_add(c, f->new_path, buf, len, mode_after(f, mode));
		} else {
			*whole = 0;
		}
	}
out:
	free(fok);
	free(rok);
	hm_text_release(&t);
	hm_text_release(&nt);
	return ret;
}

int hm_check_tree(git_repository *repo, git_tree *base, const struct hm_patch *hp,
		  unsigned int flags, struct hm_state *st)
{
	struct changes c = {0};
	size_t i;
	int whole = 1, ret = 0;

	memset(st, 0, sizeof(*st));
	st->fwd_notes = xcalloc(1, sizeof(struct sbuf));
	st->problems = xcalloc(1, sizeof(struct sbuf));
	for (i = 0; i < hp->nr && !ret; i++)
		ret = check_file(repo, base, &hp->files[i], st, &c, &whole);
	if (!ret && whole && hp->nr && (flags & HM_TREE)) {
		ret = tree_with_changes(repo, base, c.ch, c.nr, &st->applied);
		if (ret > 0) {
			problem(st->problems, "the result", "its paths make no tree");
			ret = 0;
		}
	}
	changes_release(&c);
	return ret;
}

void hm_state_release(struct hm_state *st)
{
	if (st->fwd_notes)
		sbuf_release(st->fwd_notes);
	if (st->problems)
		sbuf_release(st->problems);
	free(st->fwd_notes);
	free(st->problems);
	git_tree_free(st->applied);
	memset(st, 0, sizeof(*st));
}

int hm_apply_tree(git_repository *repo, git_tree *base, const struct hm_patch *hp,
		  int max_fuzz, git_tree **out, struct sbuf *notes, struct sbuf *why)
{
	struct changes c = {0};
	size_t i;
	int ret = 0;

	*out = NULL;
	for (i = 0; i < hp->nr && !ret; i++) {
		const struct hm_file *f = &hp->files[i];
		struct hm_text t = {0};
		unsigned int mode = 0;
		size_t nul = 0;
		int rc;

		if (f->kind == HM_BINARY || f->kind == HM_OTHER) {
			sbuf_addf(why, "%s: %s", f->new_path, f->kind == HM_BINARY ?
				  "a binary change" : "a copy or type change");
			ret = 1;
			break;
		}
		if (f->kind == HM_ADD) {
			size_t len;
			char *buf;

			rc = read_text(repo, base, f->new_path, &t, NULL, &nul);
			hm_text_release(&t);
			if (rc != 1) {
				if (rc >= 0)
					sbuf_addf(why, "%s: a new file, yet the tree has it", f->new_path);
				ret = rc < 0 ? -1 : 1;
				break;
			}
			buf = new_content(f, &len);
			change_add(&c, f->new_path, buf, len, mode_after(f, 0));
			continue;
		}
		rc = read_text(repo, base, f->old_path, &t, &mode, &nul);
		if (rc == 2)
			sbuf_addf(why, "'%s' has binary content (a NUL byte at offset %zu); only the exact rung carries it",
				  f->old_path, nul);
		if (rc) {
			if (rc == 1)
				sbuf_addf(why, "%s: not in the tree", f->old_path);
			ret = rc < 0 ? -1 : 1;
			break;
		}
		if (f->kind == HM_RENAME) {
			struct hm_text nt = {0};
			int nrc = read_text(repo, base, f->new_path, &nt, NULL, &nul);

			hm_text_release(&nt);
			if (nrc != 1) {
				if (nrc >= 0)
					sbuf_addf(why, "%s: renamed to %s, which the tree has already",
						  f->old_path, f->new_path);
				hm_text_release(&t);
				ret = nrc < 0 ? -1 : 1;
				break;
			}
		}
		if (f->kind == HM_DELETE) {
			if (!text_equals_side(&t, f->nr ? &f->hunks[0] : NULL, HM_FORWARD)) {
				sbuf_addf(why, "%s: deleted upstream, but its content here differs",
					  f->old_path);
				ret = 1;
			} else {
				change_add(&c, f->old_path, NULL, 0, 0);
			}
		} else {
			struct sbuf probs = {0};
			size_t landed = forward_hunks(f, &t, max_fuzz, 0, NULL, notes, &probs);

			if (landed != f->nr) {
				sbuf_adds(why, probs.buf);
				ret = 1;
			} else {
				size_t len;
				char *buf = hm_text_join(&t, &len);

				if (f->kind == HM_RENAME)
					change_add(&c, f->old_path, NULL, 0, 0);
				change_add(&c, f->new_path, buf, len, mode_after(f, mode));
			}
			sbuf_release(&probs);
		}
		hm_text_release(&t);
	}
	if (!ret) {
		ret = tree_with_changes(repo, base, c.ch, c.nr, out);
		if (ret > 0)
			sbuf_adds(why, "the result's paths make no tree (a file where a directory is)");
	}
	changes_release(&c);
	return ret;
}
