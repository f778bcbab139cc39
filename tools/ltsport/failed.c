// SPDX-License-Identifier: GPL-2.0
/*
 * The FAILED report: when no rung of the ladder works, say per hunk what
 * went wrong, show where the hunk should go in the tree, and name the
 * mainline commits the fix probably depends on, as the stable team's
 * "FAILED: patch ... failed to apply to X-stable tree" mails do.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "conf.h"
#include "gitops.h"
#include "series.h"
#include "ladder.h"
#include "failed.h"

#define AROUND 2		/* tree lines shown before and after the hunk's place */
#define MAX_SHOWN 16

/* A text split into lines (pointers into it, not terminated). */
struct lines {
	const char **at;
	size_t *len;
	size_t nr;
};

static void lines_split(struct lines *l, const char *text, size_t n)
{
	const char *p = text, *end = text + n;

	memset(l, 0, sizeof(*l));
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		size_t k = (eol ? eol : end) - p;

		l->at = xrealloc(l->at, (l->nr + 1) * sizeof(*l->at));
		l->len = xrealloc(l->len, (l->nr + 1) * sizeof(*l->len));
		l->at[l->nr] = p;
		l->len[l->nr++] = k;
		p += k + 1;
	}
}

static void lines_release(struct lines *l)
{
	free(l->at);
	free(l->len);
	memset(l, 0, sizeof(*l));
}

/* Two lines equal but for leading and trailing blanks; blank lines never count. */
static int same_trimmed(const char *a, size_t an, const char *b, size_t bn)
{
	while (an && isspace((unsigned char)*a))
		a++, an--;
	while (an && isspace((unsigned char)a[an - 1]))
		an--;
	while (bn && isspace((unsigned char)*b))
		b++, bn--;
	while (bn && isspace((unsigned char)b[bn - 1]))
		bn--;
	return an && an == bn && !memcmp(a, b, an);
}

/*
 * What the rung said of this hunk, from its reason: the words after
 * "<file>: hunk #N", or what it said of the whole file; NULL when it
 * names another hunk of the file or not the file at all.
 */
static char *said_of(const char *text, const char *file, int hunk)
{
	size_t fl = strlen(file);
	const char *at = text, *seg, *end, *h;
	char tag[32];

	for (;;) {
		at = strstr(at, file);
		if (!at)
			return NULL;
		if ((at == text || strchr(" (", at[-1])) && !strncmp(at + fl, ": ", 2))
			break;
		at += fl;
	}
	seg = at + fl + 2;
	end = seg + strcspn(seg, ";");
	snprintf(tag, sizeof(tag), "hunk #%d", hunk);
	h = memmem(seg, end - seg, tag, strlen(tag));
	if (h && !isdigit((unsigned char)h[strlen(tag)])) {
		const char *w = h + strlen(tag), *stop;

		while (*w == ' ')
			w++;
		if (*w == '(') {	/* exact's "(@@ ... @@ f(x))" */
			int depth = 0;

			for (stop = w; *stop; stop++) {
				depth += (*stop == '(') - (*stop == ')');
				if (!depth)
					break;
			}
			w = *stop ? stop + 1 : stop;
			while (*w == ' ' || *w == ':')
				w++;
		}
		/* up to the next rung, or the next hunk of a list */
		stop = w + strcspn(w, ";");
		h = memmem(w, stop - w, ", hunk #", 8);
		return xstrndup(w, (h ? h : stop) - w);
	}
	if (memmem(seg, end - seg, "hunk #", 6))
		return NULL;
	return xstrdup(seg);
}

/* Each "rung: reason" of why that speaks of this hunk, a line each. */
static void add_rungs(struct sbuf *sb, const char *why, const char *file, int hunk)
{
	const char *p = why;

	while (p && *p) {
		const char *q = p, *colon;
		int depth = 0;
		char *entry, *said;

		for (; *q && !(depth == 0 && q[0] == ';' && q[1] == ' '); q++)
			depth += (*q == '(') - (*q == ')');
		entry = xstrndup(p, q - p);
		colon = strstr(entry, ": ");
		said = colon ? said_of(colon + 2, file, hunk) : NULL;
		if (said)
			sbuf_addf(sb, "  %.*s: %s\n", (int)(colon - entry), entry, said);
		free(said);
		free(entry);
		p = *q ? q + 2 : NULL;
	}
}

/* The hunk's preimage (context and removed lines) as lines of its own. */
static void preimage(git_patch *patch, size_t h, size_t nlines, struct sbuf *out)
{
	const git_diff_line *l;
	size_t i;

	for (i = 0; i < nlines; i++) {
		if (git_patch_get_line_in_hunk(&l, patch, h, i) < 0)
			break;
		if (l->origin == GIT_DIFF_LINE_CONTEXT || l->origin == GIT_DIFF_LINE_DELETION) {
			sbuf_add(out, l->content, l->content_len);
			if (!l->content_len || l->content[l->content_len - 1] != '\n')
				sbuf_adds(out, "\n");
		}
	}
}

/* Where the hunk's preimage matches the tree's file best: its 0-based line. */
static size_t best_place(const struct lines *t, const struct lines *pre, long old_start,
			 size_t *score)
{
	size_t i, j, best = old_start > 0 ? (size_t)old_start - 1 : 0;

	*score = 0;
	for (i = 0; i < t->nr; i++) {
		size_t s = 0;

		for (j = 0; j < pre->nr && i + j < t->nr; j++)
			s += same_trimmed(t->at[i + j], t->len[i + j], pre->at[j], pre->len[j]);
		if (s > *score || (s && s == *score &&
				   labs((long)i + 1 - old_start) < labs((long)best + 1 - old_start))) {
			*score = s;
			best = i;
		}
	}
	if (best >= t->nr && t->nr)
		best = t->nr - 1;
	return best;
}

static void add_place(struct sbuf *sb, git_repository *repo, git_tree *base, const char *path,
		      const git_diff_hunk *dh, const char *pre_text, size_t pre_len)
{
	struct lines t, pre;
	char *text = NULL;
	size_t len, at, score, from, to, i;

	if (read_blob_buf(repo, base, path, &text, &len, NULL)) {
		sbuf_addf(sb, "  the tree has no %s\n", path);
		return;
	}
	lines_split(&t, text, len);
	lines_split(&pre, pre_text, pre_len);
	at = best_place(&t, &pre, dh->old_start, &score);
	from = at > AROUND ? at - AROUND : 0;
	to = at + pre.nr + AROUND;
	if (to > t.nr)
		to = t.nr;
	if (to > from + MAX_SHOWN)
		to = from + MAX_SHOWN;
	if (score)
		sbuf_addf(sb, "  where it should go: %s line %zu (%zu of its %zu lines there):\n",
			  path, at + 1, score, pre.nr);
	else
		sbuf_addf(sb, "  where it should go: not found in %s; its lines %zu-%zu:\n", path,
			  from + 1, to);
	for (i = from; i < to; i++)
		sbuf_addf(sb, "    %6zu  %.*s\n", i + 1, (int)t.len[i], t.at[i]);
	lines_release(&t);
	lines_release(&pre);
	free(text);
}

/* The fix's parent in mainline: 0 with *parent, 1 when mainline lacks it. */
static int fix_parent(const struct ladder_opts *o, const struct series_patch *p,
		      git_commit **parent)
{
	git_commit *fix = NULL;
	git_oid id;
	int rc = 1;

	*parent = NULL;
	if (!o || !o->mainline || !p->upstream || !commit_exists(o->mainline, p->upstream, &id))
		return 1;
	if (!git_commit_lookup(&fix, o->mainline, &id) && git_commit_parentcount(fix) &&
	    !git_commit_parent(parent, fix, 0))
		rc = 0;
	git_error_clear();
	git_commit_free(fix);
	return rc;
}

struct dep {
	git_oid id;
	git_time_t when;
	size_t order;		/* as blame met it, for equal times */
	int has;		/* the tree has it */
};

struct deps {
	struct dep *v;
	size_t nr;
};

static void dep_add(struct deps *d, const git_oid *id)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		if (git_oid_equal(&d->v[i].id, id))
			return;
	d->v = xrealloc(d->v, (d->nr + 1) * sizeof(*d->v));
	memset(&d->v[d->nr], 0, sizeof(*d->v));
	d->v[d->nr].order = d->nr;
	d->v[d->nr++].id = *id;
}

/* A stable marker of a candidate in the tree's history since its base. */
static int mark_marked(const git_oid *id, const char *msg, void *payload)
{
	struct deps *d = payload;
	char hex[GIT_OID_HEXSZ + 1];
	size_t i;

	(void)id;
	for (i = 0; i < d->nr; i++) {
		git_oid_tostr(hex, sizeof(hex), &d->v[i].id);
		if (!d->v[i].has && strstr(msg, hex))
			d->v[i].has = 1;
	}
	return 0;
}

/* What the tree has: by ancestry, or a marker since its base. */
static int mark_had(git_repository *repo, const struct ladder_opts *o, struct deps *d)
{
	git_commit *base = NULL;
	size_t i, n;
	int ret = 0;

	if (!o->tip)
		return 0;
	for (i = 0; i < d->nr; i++) {
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), &d->v[i].id);
		d->v[i].has = commit_exists(repo, hex, NULL) &&
			      is_ancestor(repo, &d->v[i].id, git_commit_id(o->tip));
	}
	if (o->conf && o->conf->base && !resolve_commit(repo, o->conf->base, &base))
		ret = walk_range(repo, git_commit_id(o->tip), git_commit_id(base), mark_marked,
				 d, &n);
	git_error_clear();
	git_commit_free(base);
	return ret;
}

static int by_time(const void *a, const void *b)
{
	const struct dep *x = a, *y = b;

	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* "Possible dependencies:" and a line per commit, or why none can be named. */
static int add_deps(struct sbuf *sb, git_repository *repo, const struct ladder_opts *o,
		    git_commit *parent, git_diff *diff)
{
	const char *tag = o->conf ? o->conf->base : NULL;
	git_commit *base = NULL;
	struct deps d = {0};
	size_t i, h, shown = 0;
	int ret = -1;

	if (!tag) {
		sbuf_adds(sb, "Possible dependencies: not known (the tree has no base = tag)\n");
		return 0;
	}
	if (resolve_commit(o->mainline, tag, &base)) {
		git_error_clear();
		sbuf_addf(sb, "Possible dependencies: not known (the mainline clone has no %s)\n",
			  tag);
		return 0;
	}
	for (i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *dd = git_diff_get_delta(diff, i);
		git_patch *patch = NULL;

		if (dd->status == GIT_DELTA_ADDED || git_patch_from_diff(&patch, diff, i) < 0)
			continue;
		for (h = 0; h < git_patch_num_hunks(patch); h++) {
			const git_diff_hunk *dh;
			git_oid *ids = NULL;
			size_t n = 0, k;

			if (git_patch_get_hunk(&dh, NULL, patch, h) < 0 || dh->old_lines <= 0)
				continue;
			/* the walk stops at the base: older lines are its own */
			if (blame_lines(o->mainline, git_commit_id(parent), git_commit_id(base),
					dd->old_file.path, dh->old_start,
					dh->old_start + dh->old_lines - 1, &ids, &n) < 0)
				git_error_clear();
			for (k = 0; k < n; k++)
				if (!is_ancestor(o->mainline, &ids[k], git_commit_id(base)))
					dep_add(&d, &ids[k]);
			free(ids);
		}
		git_patch_free(patch);
	}
	if (mark_had(repo, o, &d) < 0)
		goto out;
	for (i = 0; i < d.nr; i++) {
		git_commit *c = NULL;

		if (!git_commit_lookup(&c, o->mainline, &d.v[i].id))
			d.v[i].when = git_commit_time(c);
		git_commit_free(c);
	}
	if (d.nr)
		qsort(d.v, d.nr, sizeof(*d.v), by_time);
	sbuf_addf(sb, "Possible dependencies (mainline commits since %s that touched these lines):\n",
		  tag);
	for (i = 0; i < d.nr; i++) {
		char hex[13];
		git_commit *c = NULL;

		if (d.v[i].has || git_commit_lookup(&c, o->mainline, &d.v[i].id))
			continue;
		git_oid_tostr(hex, sizeof(hex), &d.v[i].id);
		sbuf_addf(sb, "  %s (\"%s\")\n", hex, git_commit_summary(c));
		git_commit_free(c);
		shown++;
	}
	if (!shown)
		sbuf_adds(sb, "  none the tree lacks\n");
	ret = 0;
out:
	git_error_clear();
	free(d.v);
	git_commit_free(base);
	return ret;
}

char *failed_report(git_repository *repo, git_tree *base, const struct series_patch *p,
		    const struct ladder_opts *o, const char *why)
{
	struct sbuf sb = {0};
	git_commit *parent = NULL;
	git_diff *diff = NULL;
	size_t i, h;

	if (!p->diff || diff_parse_buf(&diff, p->diff, strlen(p->diff)) < 0) {
		git_error_clear();
		return NULL;
	}
	sbuf_addf(&sb, "FAILED: %s (upstream %.12s) could not be ported to %s:\n", p->name,
		  p->upstream ? p->upstream : "?", o && o->conf ? o->conf->name : "the tree");
	for (i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *dd = git_diff_get_delta(diff, i);
		git_patch *patch = NULL;

		if (git_patch_from_diff(&patch, diff, i) < 0)
			continue;
		for (h = 0; h < git_patch_num_hunks(patch); h++) {
			const git_diff_hunk *dh;
			struct sbuf pre = {0};
			size_t nlines;

			if (git_patch_get_hunk(&dh, &nlines, patch, h) < 0)
				continue;
			sbuf_addf(&sb, "%s hunk #%zu %.*s\n", dd->new_file.path, h + 1,
				  (int)strcspn(dh->header, "\n"), dh->header);
			add_rungs(&sb, why ? why : "", dd->new_file.path, (int)h + 1);
			if (dd->status != GIT_DELTA_ADDED) {
				preimage(patch, h, nlines, &pre);
				add_place(&sb, repo, base, dd->old_file.path, dh,
					  pre.buf ? pre.buf : "", pre.len);
			}
			sbuf_release(&pre);
		}
		git_patch_free(patch);
	}
	git_error_clear();
	if (!fix_parent(o, p, &parent))
		add_deps(&sb, repo, o, parent, diff);
	else if (o && o->mainline)
		sbuf_addf(&sb, "Possible dependencies: not known (the mainline clone has no %.12s or its parent)\n",
			  p->upstream ? p->upstream : "?");
	else
		sbuf_adds(&sb, "Possible dependencies: not known (no [mainline] clone in stable_trees.conf)\n");
	git_commit_free(parent);
	git_diff_free(diff);
	while (sb.len && sb.buf[sb.len - 1] == '\n')
		sb.buf[--sb.len] = '\0';
	return sbuf_detach(&sb);
}
