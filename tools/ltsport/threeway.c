// SPDX-License-Identifier: GPL-2.0
/*
 * The three-way rung of the ladder: when the mainline clone holds the fix
 * and its parent, a tree whose file drifted from the fix's context still
 * takes the fix where the drift is away from the fix's lines, exactly as
 * `git cherry-pick` would merge it. A conflict is never resolved here: the
 * rung fails and the ladder goes on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "gitops.h"
#include "threeway.h"

/* The fix, its parent and their trees in the mainline clone. */
struct upstream_side {
	git_commit *fix, *parent;
	git_tree *after, *before;
};

static void upstream_release(struct upstream_side *u)
{
	git_tree_free(u->after);
	git_tree_free(u->before);
	git_commit_free(u->parent);
	git_commit_free(u->fix);
}

/* 0 when mainline has the fix and its parent; 1 (why set) when not. */
static int upstream_open(git_repository *mainline, const char *upstream,
			 struct upstream_side *u, struct sbuf *why)
{
	git_oid id;

	memset(u, 0, sizeof(*u));
	if (!upstream || !commit_exists(mainline, upstream, &id)) {
		sbuf_addf(why, "; three-way: the mainline clone has no commit %.12s",
			  upstream ? upstream : "(none named)");
		return 1;
	}
	if (git_commit_lookup(&u->fix, mainline, &id) < 0 ||
	    git_commit_tree(&u->after, u->fix) < 0)
		return git_fail("mainline");
	if (git_commit_parentcount(u->fix) < 1 || git_commit_parent(&u->parent, u->fix, 0) < 0 ||
	    git_commit_tree(&u->before, u->parent) < 0) {
		git_error_clear();
		sbuf_addf(why, "; three-way: the mainline clone has no parent of %.12s", upstream);
		return 1;
	}
	return 0;
}

struct merge_run {
	git_repository *repo;
	git_tree *base;
	git_repository *mainline;
	struct upstream_side u;
	struct file_put *puts;
	char **bufs;		/* what puts[] point at, to free */
	size_t nr, nbufs;
	struct sbuf *why;
};

static void keep(struct merge_run *m, char *buf)
{
	m->bufs = xrealloc(m->bufs, (m->nbufs + 1) * sizeof(*m->bufs));
	m->bufs[m->nbufs++] = buf;
}

static void put(struct merge_run *m, const char *path, const char *data, size_t len,
		unsigned int mode)
{
	m->puts = xrealloc(m->puts, (m->nr + 1) * sizeof(*m->puts));
	m->puts[m->nr].path = path;
	m->puts[m->nr].data = data;
	m->puts[m->nr].len = len;
	m->puts[m->nr].mode = mode;
	m->nr++;
}

/* A blob or nothing: 0 with *buf (kept), 1 when absent, -1 on error. */
static int blob(struct merge_run *m, git_repository *repo, git_tree *tree, const char *path,
		char **buf, size_t *len, unsigned int *mode)
{
	int rc = read_blob_buf(repo, tree, path, buf, len, mode);

	if (!rc)
		keep(m, *buf);
	return rc;
}

/* One file of the fix: 0 done, 1 the rung fails (why says how), -1 error. */
static int merge_delta(struct merge_run *m, const git_diff_delta *d)
{
	const char *old = d->old_file.path, *new = d->new_file.path;
	char *b = NULL, *o = NULL, *t = NULL;
	size_t bl = 0, ol = 0, tl = 0;
	unsigned int bm = 0, om = 0, tm = 0;
	struct file_merge fm;
	int rb = 1, ro = 1, rt = 1;

	if (d->status != GIT_DELTA_ADDED)
		rb = blob(m, m->mainline, m->u.before, old, &b, &bl, &bm);
	if (d->status != GIT_DELTA_DELETED)
		rt = blob(m, m->mainline, m->u.after, new, &t, &tl, &tm);
	ro = blob(m, m->repo, m->base, d->status == GIT_DELTA_ADDED ? new : old, &o, &ol, &om);
	if (rb < 0 || rt < 0 || ro < 0)
		return -1;
	if (d->status == GIT_DELTA_ADDED) {
		if (!ro && (ol != tl || memcmp(o, t, ol))) {
			sbuf_addf(m->why, "; three-way: %s: the fix creates it, the tree has another one",
				  new);
			return 1;
		}
		put(m, new, t, tl, tm);
		return 0;
	}
	if (rb) {
		sbuf_addf(m->why, "; three-way: %s: not in mainline at the fix's parent", old);
		return 1;
	}
	if (ro) {
		sbuf_addf(m->why, "; three-way: %s: not in the tree", old);
		return 1;
	}
	if (d->status == GIT_DELTA_DELETED) {
		if (ol != bl || memcmp(o, b, bl)) {
			sbuf_addf(m->why, "; three-way: %s: the fix deletes it, the tree changed it",
				  old);
			return 1;
		}
		put(m, old, NULL, 0, 0);
		return 0;
	}
	if (rt) {
		sbuf_addf(m->why, "; three-way: %s: not in mainline at the fix", new);
		return 1;
	}
	if (merge_file_bufs(new, b, bl, o, ol, t, tl, &fm) < 0)
		return -1;
	keep(m, fm.data);
	if (fm.conflicts) {
		sbuf_addf(m->why, "; three-way: %s: %d conflict%s with mainline", new,
			  fm.conflicts, fm.conflicts == 1 ? "" : "s");
		return 1;
	}
	if (strcmp(old, new))
		put(m, old, NULL, 0, 0);
	put(m, new, fm.data, fm.len, bm == tm ? om : tm);
	return 0;
}

int threeway_apply(git_repository *repo, git_tree *base, git_repository *mainline,
		   const char *upstream, const char *diff, git_tree **out, char **note,
		   struct sbuf *why)
{
	struct merge_run m = { .repo = repo, .base = base, .mainline = mainline, .why = why };
	char pid[13], fid[13];
	git_diff *parsed = NULL;
	size_t i;
	int rc;

	*out = NULL;
	*note = NULL;
	rc = upstream_open(mainline, upstream, &m.u, why);
	if (rc)
		goto out;
	rc = diff_parse_buf(&parsed, diff, strlen(diff));
	if (rc < 0)
		goto out;
	for (i = 0; !rc && i < git_diff_num_deltas(parsed); i++)
		rc = merge_delta(&m, git_diff_get_delta(parsed, i));
	if (!rc && !m.nr) {
		sbuf_adds(why, "; three-way: the diff names no file");
		rc = 1;
	}
	if (!rc)
		rc = tree_with_files(repo, base, m.puts, m.nr, out);
	if (!rc && git_oid_equal(git_tree_id(*out), git_tree_id(base))) {
		sbuf_adds(why, "; three-way: the merge changed nothing");
		git_tree_free(*out);
		*out = NULL;
		rc = 1;
	}
	if (!rc) {
		git_oid_tostr(pid, sizeof(pid), git_commit_id(m.u.parent));
		git_oid_tostr(fid, sizeof(fid), git_commit_id(m.u.fix));
		*note = xprintf("ltsport: applied by three-way merge with mainline %s..%s (as git cherry-pick)",
				pid, fid);
	}
out:
	for (i = 0; i < m.nbufs; i++)
		free(m.bufs[i]);
	free(m.bufs);
	free(m.puts);
	git_diff_free(parsed);
	upstream_release(&m.u);
	return rc;
}
