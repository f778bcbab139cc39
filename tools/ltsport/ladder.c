// SPDX-License-Identifier: GPL-2.0
/*
 * The adaptation ladder: the cheapest faithful way first.
 *   1. exact: the upstream patch applied in memory by libgit2, no fuzz;
 *   2. relaxed: GNU patch with fuzz 2 on a scratch copy; offsets and fuzz
 *      per hunk go into the note;
 *   3. semantic: the fix's Coccinelle form in patch mode, for trees whose
 *      code has drifted from mainline (or when no patch body is at hand).
 * A rung either yields a whole new tree or nothing.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "fsutil.h"
#include "series.h"
#include "gitops.h"
#include "spawn.h"
#include "scratch.h"
#include "verdict.h"
#include "cocci.h"
#include "bridge.h"
#include "ladder.h"

#define PATCH_TIMEOUT 60

/*
 * Where a patch's line is, for an error: "<patch file>:<line>" when the
 * patch came from a file (p->diff is a piece of it), else the patch's name
 * and the line within its diff.
 */
static char *patch_place(struct series_patch *p, int diff_line)
{
	const char *lead = "patch file ";
	char *text = NULL, *place = NULL;
	size_t len = 0;

	if (p->body_source && starts_with(p->body_source, lead) && p->diff) {
		const char *file = p->body_source + strlen(lead);
		const char *at;

		if (read_file_quiet(file, &text) == 0) {
			len = strlen(text);
			at = memmem(text, len, p->diff, strlen(p->diff));
			if (at && diff_line > 0) {
				int line = diff_line;
				const char *c;

				for (c = text; c < at; c++)
					line += *c == '\n';
				place = xprintf("%s:%d", file, line);
			}
		}
		if (!place && diff_line > 0)
			place = xprintf("%s: diff line %d", file, diff_line);
		if (!place)
			place = xstrdup(file);
	} else {
		place = xprintf("%s (%s): diff line %d", p->name,
				p->body_source ? p->body_source : "no body", diff_line);
	}
	free(text);
	return place;
}

/* Bad input: a->failure is the whole error line, the rung's result is -2. */
static int bad_input(struct adaptation *a, struct series_patch *p, int diff_line,
		     const char *why)
{
	char *place = diff_line >= 0 ? patch_place(p, diff_line) :
		      xprintf("series.conf: [patch \"%s\"] files", p->name);

	free(a->failure);
	a->failure = xprintf("%s: bad path %s; a patch may only change files inside the tree: fix the patch or drop it from the series",
			     place, why);
	free(place);
	git_tree_free(a->tree);
	a->tree = NULL;
	a->bad_input = 1;
	return -2;
}

/*
 * Every path the patch names, before any rung: in its diff (as libgit2 and
 * as GNU patch read it) and in series.conf's files = (what spatch gets).
 */
static int check_input(git_tree *base, struct series_patch *p, struct adaptation *a)
{
	struct path_problem pb;
	int rc = 0;

	if (p->diff) {
		rc = diff_check_paths(base, p->diff, strlen(p->diff), &pb);
		if (rc > 0)
			rc = bad_input(a, p, pb.line, pb.why);
		path_problem_release(&pb);
	}
	if (!rc && p->cocci && p->files) {
		char *list = xstrdup(p->files), *save = NULL, *f, *why = NULL;

		for (f = strtok_r(list, " \t", &save); f && !rc; f = strtok_r(NULL, " \t", &save))
			if (tree_path_check(base, f, &why))
				rc = bad_input(a, p, -1, why);
		free(why);
		free(list);
	}
	return rc;
}

/* What a rung made: nothing under a symlink, no symlink pointing out. */
static int check_result(git_repository *repo, git_tree *base, struct series_patch *p,
			struct adaptation *a)
{
	struct path_problem pb;
	int rc = tree_check_result(repo, base, a->tree, p->diff,
				   p->diff ? strlen(p->diff) : 0, &pb);

	if (rc > 0)
		rc = bad_input(a, p, p->diff ? pb.line : -1, pb.why);
	path_problem_release(&pb);
	return rc;
}

static int rung_exact(git_repository *repo, git_tree *base, struct series_patch *p,
		      struct adaptation *a, struct sbuf *why)
{
	struct apply_failure fail;
	int rc;

	rc = apply_diff_buf(repo, base, p->diff, strlen(p->diff), &a->tree, &fail);
	if (rc == 0) {
		a->rung = "exact";
		a->note = xstrdup("ltsport: applied as upstream (exact: every hunk unchanged)");
	} else if (rc == -2) {
		rc = bad_input(a, p, fail.line, fail.unsafe);
	} else if (rc > 0) {
		if (fail.path)
			sbuf_addf(why, "exact: %s: hunk #%d (%s) does not apply", fail.path,
				  fail.hunk, fail.header ? fail.header : "?");
		else
			sbuf_adds(why, "exact: the patch does not apply");
	}
	apply_failure_release(&fail);
	return rc;
}

/*
 * GNU patch's "patching file F" and "Hunk #2 succeeded at 3901 with fuzz 1
 * (offset 12 lines)." lines, folded into "F: hunk #2 at 3901 with fuzz 1
 * (offset 12 lines)"; hunks patch does not mention applied as they were.
 */
static char *hunk_notes(const char *patch_out)
{
	struct sbuf sb = {0};
	const char *line = patch_out;
	int first = 1;

	while (line && *line) {
		size_t n = strcspn(line, "\n");

		while (n && line[n - 1] == '.')
			n--;
		if (starts_with(line, "Hunk #")) {
			const char *rest = line + 6;
			const char *ok = strstr(rest, " succeeded");

			if (ok && ok < line + n) {
				sbuf_addf(&sb, "%shunk #%.*s%.*s", first ? " " : ", ",
					  (int)(ok - rest), rest,
					  (int)(line + n - ok - 10), ok + 10);
			} else {
				sbuf_addf(&sb, "%shunk #%.*s", first ? " " : ", ", (int)(n - 6), rest);
			}
			first = 0;
		} else if (starts_with(line, "patching file ")) {
			sbuf_addf(&sb, "%s%.*s:", sb.len ? "; " : "", (int)(n - 14), line + 14);
			first = 1;
		}
		line += strcspn(line, "\n");
		line += *line == '\n';
	}
	return sbuf_detach(&sb);
}

/* A file name GNU patch printed: 'quoted' when odd, " (renamed from X)" after it. */
static char *reported_name(const char *s, size_t n)
{
	static const char *const tails[] = { " (renamed from ", " (copied from ", " (read from " };
	size_t k;

	for (k = 0; k < ARRAY_SIZE(tails); k++) {
		const char *t = memmem(s, n, tails[k], strlen(tails[k]));

		if (t && s[n - 1] == ')')
			n = t - s;
	}
	if (n >= 2 && s[0] == '\'' && s[n - 1] == '\'') {
		s++;
		n -= 2;
	}
	return xstrndup(s, n);
}

/* Every file GNU patch says it patched must be one of the diff's: 0, else 1 with *bad. */
static int check_reported(struct scratch *sc, const char *patch_out, char **bad)
{
	static const char *const leads[] = {
		"patching file ", "patching symbolic link ", "checking file ",
	};
	const char *line = patch_out;

	while (line && *line) {
		size_t n = strcspn(line, "\n"), k;

		for (k = 0; k < ARRAY_SIZE(leads); k++) {
			size_t l = strlen(leads[k]);
			char *name;

			if (n <= l || strncmp(line, leads[k], l))
				continue;
			name = reported_name(line + l, n - l);
			if (!scratch_has(sc, name)) {
				*bad = xprintf("'%s': GNU patch wrote it, yet the diff's headers do not name it",
					       name);
				free(name);
				return 1;
			}
			free(name);
		}
		line += n + (line[n] == '\n');
	}
	return 0;
}

/* The function a line declares: the identifier before its first '(', or NULL. */
static char *func_name(const char *s, size_t n)
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

/*
 * The function around line (1-based) of text as git names it in a hunk
 * header: the nearest line above starting with a letter, '_' or '$' that
 * is not a label. NULL when that line declares no function.
 */
static char *func_above(const char *text, size_t len, long line)
{
	const char **starts = xcalloc(line + 1, sizeof(char *));
	const char *p = text, *end = text + len;
	char *name = NULL;
	long i, nr = 0;

	while (p < end && nr < line) {
		const char *eol = memchr(p, '\n', end - p);

		starts[nr++] = p;
		p = eol ? eol + 1 : end;
	}
	for (i = nr - 2; i >= 0 && !name; i--) {
		const char *s = starts[i], *eol = memchr(s, '\n', end - s);
		size_t n = (eol ? eol : end) - s;

		if (!n || !(isalpha((unsigned char)*s) || *s == '_' || *s == '$') || is_label(s, n))
			continue;
		name = func_name(s, n);
		if (!name)
			name = xstrdup("");
	}
	free(starts);
	if (name && !*name) {
		free(name);
		name = NULL;
	}
	return name;
}

/* The function a hunk of upstream's diff sits in (its @@ header), or NULL. */
static char *hunk_func(git_diff *diff, const char *path, int hunk)
{
	const git_diff_hunk *h = NULL;
	git_patch *patch = NULL;
	char *name = NULL;
	size_t i;

	for (i = 0; i < git_diff_num_deltas(diff) && !patch; i++)
		if (!strcmp(git_diff_get_delta(diff, i)->new_file.path, path) &&
		    git_patch_from_diff(&patch, diff, i) < 0)
			patch = NULL;
	if (patch && git_patch_get_hunk(&h, NULL, patch, hunk - 1) == 0) {
		const char *at = memmem(h->header + 2, h->header_len - 2, "@@", 2);

		if (at)
			name = func_name(at + 2, h->header + h->header_len - at - 2);
	}
	git_patch_free(patch);
	git_error_clear();
	return name;
}

/*
 * A hunk GNU patch moved (offset or fuzz) must still sit in the function
 * upstream's header names: 0 when every one does, 1 with *bad otherwise.
 */
static int check_landings(git_repository *repo, git_tree *result, struct series_patch *p,
			  const char *patch_out, char **bad)
{
	const char *line = patch_out;
	git_diff *diff = NULL;
	char *file = NULL;
	int ret = 0;

	if (diff_parse_buf(&diff, p->diff, strlen(p->diff)) < 0)
		return -1;
	while (!ret && line && *line) {
		size_t n = strcspn(line, "\n");
		int hunk;
		long at;

		if (starts_with(line, "patching file ")) {
			free(file);
			file = reported_name(line + 14, n - 14);
		} else if (file && sscanf(line, "Hunk #%d succeeded at %ld", &hunk, &at) == 2) {
			char *want = hunk_func(diff, file, hunk), *got = NULL, *text = NULL;
			size_t len;

			if (want && read_blob_buf(repo, result, file, &text, &len, NULL) == 0)
				got = func_above(text, len, at);
			if (want && got && strcmp(want, got)) {
				*bad = xprintf("%s: hunk #%d would land in %s(), upstream has it in %s()",
					       file, hunk, got, want);
				ret = 1;
			}
			free(want);
			free(got);
			free(text);
		}
		line += n + (line[n] == '\n');
	}
	free(file);
	git_diff_free(diff);
	return ret;
}

/* A binary change in the diff, which GNU patch cannot carry. */
static const char *binary_change(const char *diff)
{
	const char *p = diff;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (starts_with(p, "GIT binary patch") || starts_with(p, "Binary files "))
			return p;
	return NULL;
}

/*
 * GNU patch with fuzz 2 on a scratch copy holding only the diff's files,
 * run in that copy (-d) with the diff beside it; the files it reports
 * patched are checked against the diff's, moved hunks against upstream's
 * functions, and only the copy's files are taken back.
 */
static int rung_relaxed(git_repository *repo, git_tree *base, struct series_patch *p,
			struct adaptation *a, struct sbuf *why)
{
	struct scratch sc = {0};
	struct spawn_result res = {0};
	struct sbuf changed = {0};
	char *files = diff_paths_buf(p->diff, strlen(p->diff)), *diffpath = NULL, *bad = NULL;
	int rc = -1;

	if (!files)
		goto out;
	if (binary_change(p->diff)) {
		sbuf_adds(why, "; relaxed: the patch has a binary change, which GNU patch cannot carry");
		rc = 1;
		goto out;
	}
	rc = scratch_export(&sc, repo, base, files);
	if (rc) {
		if (rc == -2)
			rc = bad_input(a, p, 0, sc.why);
		else if (rc > 0)
			sbuf_addf(why, "; relaxed: %s", sc.why ? sc.why : "no copy");
		goto out;
	}
	diffpath = path_join(sc.top, "ltsport.diff");
	{
		const char *const argv[] = {
			"patch", "-d", sc.dir, "-p1", "-F2", "-N", "-t", "--no-backup-if-mismatch",
			"-r", "-", "-i", diffpath, NULL,
		};

		rc = -1;
		if (write_file(diffpath, p->diff, strlen(p->diff)) < 0 ||
		    spawn_run(argv, sc.dir, PATCH_TIMEOUT, NULL, &res) < 0)
			goto out;
	}
	if (check_reported(&sc, res.out, &bad)) {
		rc = bad_input(a, p, 0, bad);
		goto out;
	}
	if (res.status) {
		char *hunks = hunk_notes(res.out);

		sbuf_addf(why, "; relaxed: patch -F2 fails (%s)", hunks);
		free(hunks);
		rc = 1;
		goto out;
	}
	rc = scratch_collect(&sc, repo, base, &a->tree, &changed);
	if (rc == -2) {
		rc = bad_input(a, p, 0, sc.why);
	} else if (rc > 0) {
		sbuf_adds(why, "; relaxed: patch -F2 changed nothing");
	} else if (!rc) {
		rc = check_landings(repo, a->tree, p, res.out, &bad);
		if (rc > 0) {
			sbuf_addf(why, "; relaxed: %s", bad);
			git_tree_free(a->tree);
			a->tree = NULL;
		}
	}
	if (!rc) {
		char *hunks = hunk_notes(res.out);

		a->rung = "relaxed";
		a->note = xprintf("ltsport: applied with fuzz or offsets (relaxed): %s", hunks);
		free(hunks);
	}
out:
	free(bad);
	free(diffpath);
	free(files);
	sbuf_release(&changed);
	spawn_result_release(&res);
	scratch_release(&sc);
	return rc;
}

/*
 * Between relaxed and semantic: the bridged rung (bridge.c), the tree's
 * files lifted to upstream's API era, upstream applied, lowered back.
 */
static int rung_bridged(git_repository *repo, git_tree *base, struct series_patch *p,
			struct adaptation *a, struct sbuf *why)
{
	char *note = NULL, *fail = NULL;
	int rc = bridge_apply(repo, base, p, &a->tree, &note, &fail);

	if (!rc) {
		a->rung = "bridged";
		a->note = note;
	} else if (rc > 0 && fail) {
		sbuf_addf(why, "%sbridged: %s", why->len ? "; " : "", fail);
	}
	free(fail);
	return rc;
}

/* The recipe's code with upstream's comments, grafted by bridge.c. */
static int rung_semantic_comments(git_repository *repo, struct series_patch *p,
				  struct adaptation *a, char **note)
{
	git_tree *t = NULL;
	int n = 0;

	if (bridge_graft_comments(repo, a->tree, p->diff, &t, &n) < 0)
		return -1;
	git_tree_free(a->tree);
	a->tree = t;
	if (n) {
		char *more = xprintf("%s, with upstream's comments (%d)", *note, n);

		free(*note);
		*note = more;
	}
	return 0;
}

static int rung_semantic(git_repository *repo, git_tree *base, struct series_patch *p,
			 struct adaptation *a, struct sbuf *why)
{
	char *note = NULL;
	int rc;

	if (!p->cocci || !path_exists(p->cocci)) {
		sbuf_addf(why, "%ssemantic: no cocci form for this patch", why->len ? "; " : "");
		return 1;
	}
	rc = cocci_transform(repo, base, p, "patch", &a->tree, &note);
	if (rc == 0 && p->diff)
		rc = rung_semantic_comments(repo, p, a, &note);
	if (rc == 0) {
		a->rung = "semantic";
		a->note = xprintf("ltsport: rewritten for this tree (semantic): %s", note);
	} else if (rc == -2) {
		rc = bad_input(a, p, -1, note ? note : "in files =");
	} else if (rc > 0 && note) {
		sbuf_addf(why, "%ssemantic: %s", why->len ? "; " : "", note);
	} else if (rc > 0) {
		sbuf_addf(why, "%ssemantic: %s changed nothing", why->len ? "; " : "", p->cocci);
	}
	free(note);
	return rc;
}

/*
 * 0 with a->tree set, 1 when no rung worked (a->failure says why), -2 when
 * the patch is bad input: a path out of the tree or through a symlink
 * (a->failure is the whole error line), -1 on error.
 */
int ladder_apply(git_repository *repo, git_tree *base, struct series_patch *p,
		 struct adaptation *a)
{
	struct sbuf why = {0};
	int rc;

	memset(a, 0, sizeof(*a));
	rc = check_input(base, p, a);
	if (rc)
		return rc;
	rc = 1;
	if (p->diff) {
		rc = rung_exact(repo, base, p, a, &why);
		if (rc > 0)
			rc = rung_relaxed(repo, base, p, a, &why);
		if (rc > 0)
			rc = rung_bridged(repo, base, p, a, &why);
	}
	if (rc > 0)
		rc = rung_semantic(repo, base, p, a, &why);
	if (rc == 0)
		rc = check_result(repo, base, p, a);
	if (rc > 0)
		a->failure = sbuf_detach(&why);
	sbuf_release(&why);
	return rc;
}

void adaptation_release(struct adaptation *a)
{
	free(a->note);
	free(a->failure);
	git_tree_free(a->tree);
	memset(a, 0, sizeof(*a));
}

/*
 * Take patch p out of tree t, the way the tree got it if we know: the
 * tree's own commit, else the fix's semantic patch in revert mode, else the
 * upstream diff reversed. 0 with *out, 1 when nothing could take it out.
 */
int unapply_patch(struct tree_state *ts, struct series_patch *p, struct patch_verdict *pv,
		  git_tree *t, git_tree **out, const char **how)
{
	struct apply_failure fail;
	char *rev, *note = NULL;
	git_commit *c = NULL;
	int rc;

	if (pv->has_backport && git_commit_lookup(&c, ts->repo, &pv->backport) == 0) {
		*how = "reverting the tree's own commit";
		rc = revert_in_tree(ts->repo, t, c, out);
		git_commit_free(c);
		return rc;
	} else if (p->cocci) {
		*how = "the semantic patch in revert mode";
		rc = cocci_transform(ts->repo, t, p, "revert", out, &note);
		free(note);
		return rc;
	} else if (!p->diff) {
		*how = "nothing to take it out with";
		return 1;
	}
	*how = "reverse-applying the upstream patch";
	rev = reverse_diff_text(p->diff);
	rc = apply_diff_buf(ts->repo, t, rev, strlen(rev), out, &fail);
	apply_failure_release(&fail);
	free(rev);
	return rc;
}
