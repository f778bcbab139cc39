// SPDX-License-Identifier: GPL-2.0
/*
 * The only module that talks to libgit2 about repositories: opening,
 * resolving, walking history, applying patches to in-memory indexes and
 * writing result commits and branches. Nothing here touches a worktree,
 * an index file or HEAD.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"

/* 0 on success, 1 when there is no repository at path, -1 on error. */
int repo_open(git_repository **repo, const char *path)
{
	int rc = git_repository_open_ext(repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);

	if (rc == GIT_ENOTFOUND)
		return 1;
	if (rc < 0)
		return git_fail(path);
	return 0;
}

int resolve_commit(git_repository *repo, const char *spec, git_commit **out)
{
	git_object *obj = NULL;
	int rc;

	if (git_revparse_single(&obj, repo, spec) < 0)
		return -1;
	rc = git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	return rc < 0 ? -1 : 0;
}

/* Whether the repo has a commit with this (possibly short) id. */
int commit_exists(git_repository *repo, const char *id, git_oid *out)
{
	git_oid oid;
	git_commit *c = NULL;
	size_t n = strlen(id);

	if (git_oid_fromstrn(&oid, id, n) < 0)
		return 0;
	if (git_commit_lookup_prefix(&c, repo, &oid, n) < 0) {
		git_error_clear();
		return 0;
	}
	if (out)
		git_oid_cpy(out, git_commit_id(c));
	git_commit_free(c);
	return 1;
}

/*
 * In a shallow clone libgit2 1.5's graph walk fails at the edge (and
 * leaks on that path): there anc is looked for going down the tip's
 * history with a revwalk, which stops at the edge.
 */
static int shallow_ancestor(git_repository *repo, const git_oid *anc, const git_oid *tip)
{
	git_revwalk *walk = NULL;
	git_oid id;
	int found = 0;

	if (git_revwalk_new(&walk, repo) < 0 || git_revwalk_push(walk, tip) < 0) {
		git_revwalk_free(walk);
		git_error_clear();
		return 0;
	}
	while (!found && !git_revwalk_next(&id, walk))
		found = git_oid_equal(&id, anc);
	git_revwalk_free(walk);
	git_error_clear();
	return found;
}

int is_ancestor(git_repository *repo, const git_oid *anc, const git_oid *tip)
{
	if (git_oid_equal(anc, tip))
		return 1;
	if (git_repository_is_shallow(repo) == 1)
		return shallow_ancestor(repo, anc, tip);
	return git_graph_descendant_of(repo, tip, anc) == 1;
}

/*
 * The blob at path in tree, whole: *len is its size (it may hold NUL
 * bytes), *out is NUL-terminated after it. 0, 1 when the tree has no blob
 * there (nothing, a directory or a submodule), -1 on error.
 */
int read_blob_buf(git_repository *repo, git_tree *tree, const char *path, char **out,
		  size_t *len, unsigned int *mode)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;

	if (git_tree_entry_bypath(&e, tree, path) < 0) {
		git_error_clear();
		return 1;
	}
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		git_tree_entry_free(e);
		return 1;
	}
	if (git_blob_lookup(&blob, repo, git_tree_entry_id(e)) < 0) {
		git_tree_entry_free(e);
		return git_fail(path);
	}
	*len = git_blob_rawsize(blob);
	*out = xmalloc(*len + 1);
	memcpy(*out, git_blob_rawcontent(blob), *len);
	(*out)[*len] = '\0';
	if (mode)
		*mode = git_tree_entry_filemode(e);
	git_blob_free(blob);
	git_tree_entry_free(e);
	return 0;
}

/*
 * The blob as a C string, for text files (Makefile, sources): a blob with
 * a NUL byte is refused, never cut at it.
 */
int read_blob_at(git_repository *repo, git_tree *tree, const char *path, char **out)
{
	size_t len;
	int rc = read_blob_buf(repo, tree, path, out, &len, NULL);

	if (rc || strlen(*out) == len)
		return rc;
	error("%s: binary content (a NUL byte at offset %zu); ltsport reads it only as text",
	      path, strlen(*out));
	free(*out);
	*out = NULL;
	return -1;
}

/*
 * Call fn for every commit reachable from tip but not from hide. The raw
 * message is read from the object database without building commit
 * objects, which keeps a walk of 100k commits well under a second.
 */
int walk_range(git_repository *repo, const git_oid *tip, const git_oid *hide,
	       walk_fn fn, void *payload, size_t *count)
{
	/*
	 * A shallow clone lacks the parents at its edge, and libgit2 cannot
	 * hide what it cannot read: there the walk goes down from the tip to
	 * the edge, and the range is whole only if it met the hidden commit
	 * (in the walk's date order, as a stable branch's linear history
	 * has it: a topological sort would need the missing parents).
	 */
	int shallow = git_repository_is_shallow(repo) == 1, met = 0;
	git_revwalk *walk = NULL;
	git_odb *odb = NULL;
	git_oid id;
	int rc, ret = -1;

	*count = 0;
	if (git_repository_odb(&odb, repo) < 0 || git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_push(walk, tip) < 0 ||
	    (hide && !shallow && git_revwalk_hide(walk, hide) < 0)) {
		git_fail("history walk");
		goto out;
	}
	while (!(rc = git_revwalk_next(&id, walk))) {
		git_odb_object *obj;
		char *text, *msg;

		if (shallow && hide && git_oid_equal(&id, hide)) {
			met = 1;
			break;
		}
		if (git_odb_read(&obj, odb, &id) < 0) {
			git_fail("history walk: reading a commit");
			goto out;
		}
		text = xstrndup(git_odb_object_data(obj), git_odb_object_size(obj));
		git_odb_object_free(obj);
		msg = strstr(text, "\n\n");
		rc = fn(&id, msg ? msg + 2 : "", payload);
		free(text);
		(*count)++;
		if (rc)
			break;
	}
	if (shallow && rc == GIT_ENOTFOUND) {
		git_error_clear();
		rc = GIT_ITEROVER;
	}
	if (rc < 0 && rc != GIT_ITEROVER) {
		git_fail("history walk");
		goto out;
	}
	ret = shallow && hide && !met;
out:
	git_revwalk_free(walk);
	git_odb_free(odb);
	return ret;
}

/* A patch text of len bytes (NUL bytes and all) as a libgit2 diff. */
/*
 * A parsed patch whose every file has both names: libgit2 leaves a side
 * NULL for some malformed headers, and every caller reads both.
 */
int diff_parse_buf(git_diff **out, const char *text, size_t len)
{
	size_t i;

	if (git_diff_from_buffer(out, text, len) < 0)
		return git_fail("parsing a patch");
	for (i = 0; i < git_diff_num_deltas(*out); i++) {
		const git_diff_delta *d = git_diff_get_delta(*out, i);

		if (!d->old_file.path || !d->new_file.path) {
			git_diff_free(*out);
			*out = NULL;
			return error("parsing a patch: file %zu of it has a header without a name; the patch is corrupt",
				     i + 1);
		}
	}
	return 0;
}

int diff_parse(git_diff **out, const char *text)
{
	return diff_parse_buf(out, text, strlen(text));
}

static int track_delta(const git_diff_delta *delta, void *payload)
{
	struct apply_failure *f = payload;

	free(f->path);
	f->path = xstrdup(delta->new_file.path ? delta->new_file.path : delta->old_file.path);
	f->hunk = 0;
	return 0;
}

static int track_hunk(const git_diff_hunk *hunk, void *payload)
{
	struct apply_failure *f = payload;
	size_t n = hunk->header_len;

	while (n && (hunk->header[n - 1] == '\n' || hunk->header[n - 1] == '\r'))
		n--;
	free(f->header);
	f->header = xstrndup(hunk->header, n);
	f->hunk++;
	return 0;
}

/*
 * Apply a git diff to a tree, in memory. Returns 0 with the new tree, 1
 * when the patch does not apply (fail names the file and hunk), -2 when
 * it names a path not to write (fail->unsafe, fail->line: ../, absolute,
 * through a symlink), -1 on other errors.
 */
int apply_diff_buf(git_repository *repo, git_tree *base, const char *diff_text,
		   size_t len, git_tree **out, struct apply_failure *fail)
{
	git_apply_options opts;
	struct path_problem pb;
	git_diff *diff = NULL;
	git_index *index = NULL;
	git_oid oid;
	int rc, ret = -1;

	memset(fail, 0, sizeof(*fail));
	if (git_apply_options_init(&opts, GIT_APPLY_OPTIONS_VERSION) < 0)
		return git_fail("apply options");
	rc = diff_check_paths(base, diff_text, len, &pb);
	if (rc) {
		fail->unsafe = pb.why;
		fail->line = pb.line;
		free(pb.path);
		return rc < 0 ? -1 : -2;
	}
	if (diff_parse_buf(&diff, diff_text, len) < 0)
		return -1;
	opts.delta_cb = track_delta;
	opts.hunk_cb = track_hunk;
	opts.payload = fail;
	rc = git_apply_to_tree(&index, repo, base, diff, &opts);
	if (rc == GIT_EAPPLYFAIL || rc == GIT_ENOTFOUND || rc == GIT_EEXISTS) {
		git_error_clear();
		ret = 1;
		goto out;
	}
	if (rc < 0) {
		git_fail("applying a patch in memory");
		goto out;
	}
	if (git_index_write_tree_to(&oid, index, repo) < 0 ||
	    git_tree_lookup(out, repo, &oid) < 0) {
		git_fail("writing the patched tree");
		goto out;
	}
	ret = 0;
out:
	git_index_free(index);
	git_diff_free(diff);
	return ret;
}

int apply_diff(git_repository *repo, git_tree *base, const char *diff_text,
	       git_tree **out, struct apply_failure *fail)
{
	return apply_diff_buf(repo, base, diff_text, strlen(diff_text), out, fail);
}

void apply_failure_release(struct apply_failure *f)
{
	free(f->path);
	free(f->header);
	free(f->unsafe);
	memset(f, 0, sizeof(*f));
}

static void swap_prefix(struct sbuf *sb, const char *lead, const char *path)
{
	sbuf_adds(sb, lead);
	if (starts_with(path, "a/"))
		sbuf_addf(sb, "b/%s", path + 2);
	else if (starts_with(path, "b/"))
		sbuf_addf(sb, "a/%s", path + 2);
	else
		sbuf_adds(sb, path);
}

static const char *next_line(const char *p, char **line)
{
	const char *eol = strchr(p, '\n');
	size_t n = eol ? (size_t)(eol - p) : strlen(p);

	*line = xstrndup(p, n);
	return p + n + (eol ? 1 : 0);
}

static void reverse_hunk_header(struct sbuf *sb, const char *line, long *old, long *new)
{
	long a = 0, b = 1, c = 0, d = 1;
	const char *rest = strstr(line + 2, "@@");

	if (sscanf(line, "@@ -%ld,%ld +%ld,%ld", &a, &b, &c, &d) < 4) {
		if (sscanf(line, "@@ -%ld +%ld,%ld", &a, &c, &d) == 3)
			b = 1;
		else if (sscanf(line, "@@ -%ld,%ld +%ld", &a, &b, &c) == 3)
			d = 1;
		else
			sscanf(line, "@@ -%ld +%ld", &a, &c);
	}
	*old = b;
	*new = d;
	sbuf_addf(sb, "@@ -%ld,%ld +%ld,%ld %s\n", c, d, a, b, rest ? rest : "@@");
}

/* The same patch with old and new exchanged, so it undoes the change. */
char *reverse_diff_text(const char *diff)
{
	struct sbuf sb = {0};
	const char *p = diff;
	char *line, *minus = NULL, *held = NULL;
	long old = 0, new = 0;

	while (*p) {
		p = next_line(p, &line);
		if (old > 0 || new > 0) {
			if (line[0] == '-') {
				sbuf_addf(&sb, "+%s\n", line + 1);
				old--;
			} else if (line[0] == '+') {
				sbuf_addf(&sb, "-%s\n", line + 1);
				new--;
			} else if (line[0] == '\\') {
				sbuf_addf(&sb, "%s\n", line);
			} else {
				sbuf_addf(&sb, "%s\n", line);
				old--;
				new--;
			}
		} else if (starts_with(line, "@@ ")) {
			reverse_hunk_header(&sb, line, &old, &new);
		} else if (starts_with(line, "--- ")) {
			free(minus);
			minus = xstrdup(line + 4);
		} else if (starts_with(line, "+++ ") && minus) {
			swap_prefix(&sb, "--- ", line + 4);
			swap_prefix(&sb, "\n+++ ", minus);
			sbuf_adds(&sb, "\n");
			free(minus);
			minus = NULL;
		} else if (starts_with(line, "diff --git a/") && strstr(line, " b/")) {
			const char *a = line + 13, *b = strstr(line, " b/");

			sbuf_addf(&sb, "diff --git a/%s b/%.*s\n", b + 3, (int)(b - a), a);
		} else if (starts_with(line, "rename from ") || starts_with(line, "old mode ")) {
			free(held);
			held = xstrdup(line);
		} else if (held && (starts_with(line, "rename to ") || starts_with(line, "new mode "))) {
			int ren = starts_with(line, "rename to ");
			size_t skip = ren ? 10 : 9, hskip = ren ? 12 : 9;

			sbuf_addf(&sb, "%s%s\n%s%s\n", ren ? "rename from " : "old mode ", line + skip,
				  ren ? "rename to " : "new mode ", held + hskip);
			free(held);
			held = NULL;
		} else if (starts_with(line, "new file mode ")) {
			sbuf_addf(&sb, "deleted file mode %s\n", line + 14);
		} else if (starts_with(line, "deleted file mode ")) {
			sbuf_addf(&sb, "new file mode %s\n", line + 18);
		} else if (starts_with(line, "index ") && strstr(line, "..")) {
			const char *dots = strstr(line, "..");
			const char *sp = strchr(dots, ' ');
			char *to = xstrndup(dots + 2, sp ? (size_t)(sp - dots - 2) : strlen(dots + 2));

			sbuf_addf(&sb, "index %s..%.*s%s\n", to, (int)(dots - line - 6),
				  line + 6, sp ? sp : "");
			free(to);
		} else {
			sbuf_addf(&sb, "%s\n", line);
		}
		free(line);
	}
	if (held)
		sbuf_addf(&sb, "%s\n", held);
	free(held);
	free(minus);
	return sbuf_detach(&sb);
}

int commit_on_top(git_repository *repo, git_commit *parent, git_tree *tree,
		  const git_signature *author, const git_signature *committer,
		  const char *msg, git_commit **out)
{
	const git_commit *parents[] = { parent };
	git_oid id;

	if (git_commit_create(&id, repo, NULL, author, committer, "UTF-8", msg,
			      tree, 1, parents) < 0)
		return git_fail("writing a result commit");
	if (git_commit_lookup(out, repo, &id) < 0)
		return git_fail("reading back a result commit");
	return 0;
}

/*
 * A branch checked out in a worktree belongs to the user: never move it.
 * The main worktree's HEAD and every linked worktree's (git worktree add)
 * are looked at; *where is that worktree's path. 1 checked out, 0 not.
 */
int branch_checked_out_at(git_repository *repo, const char *refname, char **where)
{
	git_reference *ref = NULL;
	git_strarray names = {0};
	size_t i;
	int out = 0;

	*where = NULL;
	if (git_reference_lookup(&ref, repo, "HEAD") == 0 &&
	    git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC &&
	    !strcmp(git_reference_symbolic_target(ref), refname)) {
		const char *wd = git_repository_workdir(repo);

		*where = xstrdup(wd ? wd : git_repository_path(repo));
		out = 1;
	}
	git_reference_free(ref);
	ref = NULL;
	if (!out && git_worktree_list(&names, repo) == 0) {
		for (i = 0; !out && i < names.count; i++) {
			git_worktree *wt = NULL;

			if (git_repository_head_for_worktree(&ref, repo, names.strings[i]) == 0 &&
			    !strcmp(git_reference_name(ref), refname) &&
			    git_worktree_lookup(&wt, repo, names.strings[i]) == 0) {
				*where = xstrdup(git_worktree_path(wt));
				out = 1;
			}
			git_worktree_free(wt);
			git_reference_free(ref);
			ref = NULL;
		}
	}
	git_strarray_dispose(&names);
	/* libgit2's own answer covers what the walk above may miss */
	if (!out && git_reference_lookup(&ref, repo, refname) == 0 &&
	    git_branch_is_checked_out(ref) == 1) {
		*where = xstrdup(git_repository_commondir(repo));
		out = 1;
	}
	git_reference_free(ref);
	git_error_clear();
	return out;
}

int update_branch(git_repository *repo, const char *refname, const git_oid *id,
		  const char *log)
{
	git_reference *ref = NULL;
	char *where = NULL;

	if (branch_checked_out_at(repo, refname, &where)) {
		error("%s is checked out in %s; switch to another branch first", refname, where);
		free(where);
		return -1;
	}
	if (git_reference_create(&ref, repo, refname, id, 1, log) < 0)
		return git_fail(refname);
	git_reference_free(ref);
	return 0;
}

/* A merge result as a tree: 0, 1 when it has conflicts, -1 on error. */
static int index_tree(git_repository *repo, git_index *index, const char *what,
		      git_tree **out)
{
	git_oid oid;

	if (git_index_has_conflicts(index))
		return 1;
	if (git_index_write_tree_to(&oid, index, repo) < 0 || git_tree_lookup(out, repo, &oid) < 0)
		return git_fail(what);
	return 0;
}

/*
 * The tree of tip with commit c taken out (git revert, in memory): 0 with
 * *out, 1 when that conflicts, -1 on error. Binary files and modes are
 * handled as git does, not through diff text.
 */
int revert_commit_tree(git_repository *repo, git_commit *tip, git_commit *c, git_tree **out)
{
	git_index *index = NULL;
	int ret;

	if (git_revert_commit(&index, repo, c, tip, 0, NULL) < 0)
		return git_fail("reverting a commit in memory");
	ret = index_tree(repo, index, "writing the reverted tree", out);
	git_index_free(index);
	return ret;
}

/* The tree of onto with commit c picked on top (git cherry-pick, in memory). */
int cherrypick_tree(git_repository *repo, git_commit *onto, git_commit *c, git_tree **out)
{
	git_index *index = NULL;
	int ret;

	if (git_cherrypick_commit(&index, repo, c, onto, 0, NULL) < 0)
		return git_fail("cherry-picking a commit in memory");
	ret = index_tree(repo, index, "writing the cherry-picked tree", out);
	git_index_free(index);
	return ret;
}

/*
 * One file merged as git cherry-pick merges it (git_merge_file): base the
 * fix's parent, ours the tree, theirs the fix. 0 with out->data (to free),
 * out->conflicts the number of conflict regions (0: clean); -1 on error.
 */
int merge_file_bufs(const char *path, const char *base, size_t blen, const char *ours,
		    size_t olen, const char *theirs, size_t tlen, struct file_merge *out)
{
	git_merge_file_input a, o, t;
	git_merge_file_result res = {0};
	const char *p, *end;

	memset(out, 0, sizeof(*out));
	if (git_merge_file_input_init(&a, GIT_MERGE_FILE_INPUT_VERSION) < 0 ||
	    git_merge_file_input_init(&o, GIT_MERGE_FILE_INPUT_VERSION) < 0 ||
	    git_merge_file_input_init(&t, GIT_MERGE_FILE_INPUT_VERSION) < 0)
		return git_fail(path);
	a.ptr = base;
	a.size = blen;
	a.path = path;
	o.ptr = ours;
	o.size = olen;
	o.path = path;
	t.ptr = theirs;
	t.size = tlen;
	t.path = path;
	if (git_merge_file(&res, &a, &o, &t, NULL) < 0)
		return git_fail(path);
	out->data = xmalloc(res.len + 1);
	memcpy(out->data, res.ptr, res.len);
	out->data[res.len] = '\0';
	out->len = res.len;
	end = out->data + out->len;
	for (p = out->data; !res.automergeable && p < end; ) {
		const char *eol = memchr(p, '\n', end - p);

		out->conflicts += starts_with(p, "<<<<<<< ");
		p = eol ? eol + 1 : end;
	}
	if (!res.automergeable && !out->conflicts)
		out->conflicts = 1;
	git_merge_file_result_free(&res);
	return 0;
}

/*
 * base with some files replaced (mode 0: removed), written to repo: 0 with
 * *out, -1 on error.
 */
int tree_with_files(git_repository *repo, git_tree *base, const struct file_put *files,
		    size_t nr, git_tree **out)
{
	git_index *idx = NULL;
	git_oid oid;
	size_t i;
	int ret = -1;

	if (git_index_new(&idx) < 0 || git_index_read_tree(idx, base) < 0)
		goto out;
	for (i = 0; i < nr; i++) {
		git_index_entry e;

		if (!files[i].mode) {
			if (git_index_remove_bypath(idx, files[i].path) < 0)
				goto out;
			continue;
		}
		memset(&e, 0, sizeof(e));
		e.path = files[i].path;
		e.mode = files[i].mode;
		if (git_blob_create_from_buffer(&e.id, repo, files[i].data, files[i].len) < 0 ||
		    git_index_add(idx, &e) < 0)
			goto out;
	}
	if (git_index_write_tree_to(&oid, idx, repo) < 0 || git_tree_lookup(out, repo, &oid) < 0)
		goto out;
	ret = 0;
out:
	if (ret)
		git_fail("writing a merged tree");
	git_index_free(idx);
	return ret;
}

/*
 * The commits that last touched lines start..end (1-based) of path as it
 * stands in commit at: blame, distinct ids in the order met; with oldest,
 * the walk stops there and older lines are oldest's. 0 with *ids (to
 * free) and *nr, -1 on error.
 */
int blame_lines(git_repository *repo, const git_oid *at, const git_oid *oldest,
		const char *path, size_t start, size_t end, git_oid **ids, size_t *nr)
{
	git_blame_options opts;
	git_blame *blame = NULL;
	size_t i, k;

	*ids = NULL;
	*nr = 0;
	if (git_blame_options_init(&opts, GIT_BLAME_OPTIONS_VERSION) < 0)
		return git_fail(path);
	opts.newest_commit = *at;
	if (oldest)
		opts.oldest_commit = *oldest;
	opts.min_line = start;
	opts.max_line = end;
	if (git_blame_file(&blame, repo, path, &opts) < 0)
		return git_fail(path);
	for (i = 0; i < git_blame_get_hunk_count(blame); i++) {
		const git_blame_hunk *h = git_blame_get_hunk_byindex(blame, i);

		for (k = 0; k < *nr && !git_oid_equal(&(*ids)[k], &h->final_commit_id); k++)
			;
		if (k < *nr)
			continue;
		*ids = xrealloc(*ids, (*nr + 1) * sizeof(**ids));
		(*ids)[(*nr)++] = h->final_commit_id;
	}
	git_blame_free(blame);
	return 0;
}

/*
 * Commit c taken out of a tree that is no commit (a tree some patches were
 * already taken out of): the three-way merge revert makes, base c's tree,
 * ours t, theirs c's parent's tree.
 */
int revert_in_tree(git_repository *repo, git_tree *t, git_commit *c, git_tree **out)
{
	git_commit *parent = NULL;
	git_tree *mine = NULL, *before = NULL;
	git_index *index = NULL;
	int ret = -1;

	if (git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(&mine, c) < 0 ||
	    git_commit_tree(&before, parent) < 0 ||
	    git_merge_trees(&index, repo, mine, t, before, NULL) < 0) {
		git_fail("reverting a commit in memory");
		goto out;
	}
	ret = index_tree(repo, index, "writing the reverted tree", out);
out:
	git_index_free(index);
	git_tree_free(before);
	git_tree_free(mine);
	git_commit_free(parent);
	return ret;
}

/* The diff a (non-merge) commit makes against its first parent. */
static int commit_diff(git_repository *repo, git_commit *c, git_diff **diff)
{
	git_commit *parent = NULL;
	git_tree *old = NULL, *new = NULL;
	int ret = 0;

	if (git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(&old, parent) < 0 ||
	    git_commit_tree(&new, c) < 0 ||
	    git_diff_tree_to_tree(diff, repo, old, new, NULL) < 0)
		ret = git_fail("the diff of a commit");
	git_tree_free(old);
	git_tree_free(new);
	git_commit_free(parent);
	return ret;
}

int email_for_commit(git_repository *repo, git_commit *c, size_t idx, size_t total,
		     const char *prefix, char **out)
{
	git_email_create_options opts;
	git_diff *diff = NULL;
	git_buf buf = {0};
	int ret = -1;

	/* what GIT_EMAIL_CREATE_OPTIONS_INIT sets, without its partial initialisers */
	memset(&opts, 0, sizeof(opts));
	opts.version = GIT_EMAIL_CREATE_OPTIONS_VERSION;
	if (git_diff_options_init(&opts.diff_opts, GIT_DIFF_OPTIONS_VERSION) < 0 ||
	    git_diff_find_options_init(&opts.diff_find_opts, GIT_DIFF_FIND_OPTIONS_VERSION) < 0)
		return git_fail("email options");
	opts.diff_opts.flags = GIT_DIFF_SHOW_BINARY;
	opts.subject_prefix = prefix;
	/* "[PATCH 6.1.y 1/2]" in a series; one mail alone is "[PATCH 6.1.y]", as format-patch does */
	opts.flags = total > 1 ? GIT_EMAIL_CREATE_ALWAYS_NUMBER : GIT_EMAIL_CREATE_DEFAULT;
	if (commit_diff(repo, c, &diff) < 0)
		goto out;
	if (git_email_create_from_diff(&buf, diff, idx, total, git_commit_id(c),
				       git_commit_summary(c), git_commit_body(c),
				       git_commit_author(c), &opts) < 0) {
		git_fail("formatting a patch mail");
		goto out;
	}
	*out = xstrndup(buf.ptr, buf.size);
	ret = 0;
out:
	git_buf_dispose(&buf);
	git_diff_free(diff);
	return ret;
}

/*
 * The paths a git diff touches, space-separated, for the scratch copies:
 * old and new names of every file (a rename has two).
 */
char *diff_paths_buf(const char *diff_text, size_t len)
{
	struct sbuf sb = {0};
	git_diff *diff = NULL;
	size_t i;

	if (diff_parse_buf(&diff, diff_text, len) < 0)
		return NULL;
	for (i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		sbuf_addf(&sb, "%s%s", sb.len ? " " : "", d->old_file.path);
		if (strcmp(d->old_file.path, d->new_file.path))
			sbuf_addf(&sb, " %s", d->new_file.path);
	}
	git_diff_free(diff);
	return sbuf_detach(&sb);
}

char *diff_paths(const char *diff_text)
{
	return diff_paths_buf(diff_text, strlen(diff_text));
}

/* The change a (non-merge) commit makes, as git diff text. */
int diff_text_of_commit(git_repository *repo, git_commit *c, char **out)
{
	git_diff *diff = NULL;
	git_buf buf = {0};
	int ret = -1;

	if (commit_diff(repo, c, &diff) < 0)
		goto out;
	if (git_diff_to_buf(&buf, diff, GIT_DIFF_FORMAT_PATCH) < 0) {
		git_fail("the text of a commit's diff");
		goto out;
	}
	*out = xstrndup(buf.ptr, buf.size);
	ret = 0;
out:
	git_buf_dispose(&buf);
	git_diff_free(diff);
	return ret;
}

int diff_trees_text(git_repository *repo, git_tree *a, git_tree *b, char **out)
{
	git_diff *diff = NULL;
	git_buf buf = {0};

	if (git_diff_tree_to_tree(&diff, repo, a, b, NULL) < 0 ||
	    git_diff_to_buf(&buf, diff, GIT_DIFF_FORMAT_PATCH) < 0) {
		git_diff_free(diff);
		return git_fail("comparing two trees");
	}
	*out = xstrndup(buf.ptr, buf.size);
	git_buf_dispose(&buf);
	git_diff_free(diff);
	return 0;
}

/*
 * base with the files of ch written (mode 0: removed), as a new tree in the
 * repository's object database: 0 with *out, 1 when the changes make no
 * tree (a path both a file and a directory, a removed path absent), -1 on
 * error.
 */
int tree_with_changes(git_repository *repo, git_tree *base, const struct tree_change *ch,
		      size_t n, git_tree **out)
{
	git_tree_update *up = xcalloc(n ? n : 1, sizeof(*up));
	git_oid oid;
	size_t i;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		up[i].path = ch[i].path;
		if (!ch[i].mode) {
			up[i].action = GIT_TREE_UPDATE_REMOVE;
			continue;
		}
		up[i].action = GIT_TREE_UPDATE_UPSERT;
		up[i].filemode = ch[i].mode;
		if (git_blob_create_from_buffer(&up[i].id, repo, ch[i].data, ch[i].len) < 0)
			ret = git_fail(ch[i].path);
	}
	if (!ret && git_tree_create_updated(&oid, repo, base, n, up) < 0) {
		git_error_clear();
		ret = 1;
	} else if (!ret && git_tree_lookup(out, repo, &oid) < 0) {
		ret = git_fail("writing a tree");
	}
	free(up);
	return ret;
}

static int empty_tree(git_repository *repo, git_tree **out)
{
	git_treebuilder *tb = NULL;
	git_oid oid;
	int ret = 0;

	if (git_treebuilder_new(&tb, repo, NULL) < 0 || git_treebuilder_write(&oid, tb) < 0 ||
	    git_tree_lookup(out, repo, &oid) < 0)
		ret = git_fail("the empty tree");
	git_treebuilder_free(tb);
	return ret;
}

/* One file of the tree written at dir/path afresh (a new inode, a new mtime). */
static int write_entry(git_repository *repo, const git_diff_file *f, const char *dir)
{
	char *path = xprintf("%s/%s", dir, f->path), *tmp = xprintf("%s.ltsport-new", path);
	char *slash = strrchr(path, '/');
	git_blob *blob = NULL;
	int ret = -1;

	*slash = '\0';
	if (mkdir_p(path) < 0)
		goto out;
	*slash = '/';
	if (git_blob_lookup(&blob, repo, &f->id) < 0) {
		git_fail(f->path);
		goto out;
	}
	unlink(tmp);
	if (f->mode == GIT_FILEMODE_LINK) {
		char *target = xstrndup(git_blob_rawcontent(blob), git_blob_rawsize(blob));

		ret = symlink(target, tmp);
		free(target);
	} else {
		ret = write_file(tmp, git_blob_rawcontent(blob), git_blob_rawsize(blob));
		if (!ret && f->mode == GIT_FILEMODE_BLOB_EXECUTABLE)
			ret = chmod(tmp, 0755);
	}
	if (!ret)
		ret = rm_rf(path);
	if (!ret && rename(tmp, path) < 0)
		ret = -1;
	if (ret < 0)
		error("%s: cannot write it: %s; check the disk and permissions", path,
		      strerror(errno));
out:
	git_blob_free(blob);
	free(tmp);
	free(path);
	return ret;
}

static int diff_to_dir(git_repository *repo, git_diff *diff, const char *dir)
{
	size_t i, n = git_diff_num_deltas(diff);

	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *why = path_unsafe(d->new_file.path);

		if (why || (d->old_file.path && path_unsafe(d->old_file.path))) {
			error("%s: cannot write it: %s; check the tree", d->new_file.path,
			      why ? why : path_unsafe(d->old_file.path));
			return -1;
		}
		if (d->status == GIT_DELTA_DELETED) {
			char *path = xprintf("%s/%s", dir, d->old_file.path);
			int rc = rm_rf(path);

			free(path);
			if (rc < 0)
				return -1;
			continue;
		}
		if (d->new_file.mode == GIT_FILEMODE_COMMIT)
			continue;	/* a submodule: nothing to write */
		if (write_entry(repo, &d->new_file, dir) < 0)
			return -1;
	}
	return 0;
}

/*
 * From baseline (what dir holds) to tree: the files that differ, found by
 * a tree-to-tree diff, without looking at the other files in dir (a
 * checkout would stat all of them: seconds for a kernel tree).
 */
static int checkout_delta(git_repository *repo, git_tree *tree, git_tree *baseline,
			  const char *dir)
{
	git_diff_options opts;
	git_diff *diff = NULL;
	int ret;

	if (git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION) < 0)
		return git_fail("diff options");
	opts.flags |= GIT_DIFF_INCLUDE_TYPECHANGE;
	if (git_diff_tree_to_tree(&diff, repo, baseline, tree, &opts) < 0)
		return git_fail(dir);
	ret = diff_to_dir(repo, diff, dir);
	git_diff_free(diff);
	return ret;
}

/*
 * Write tree's files into dir, which is not the repo's worktree: its index
 * and HEAD stay as they are. With a baseline (what dir holds now) only the
 * files that differ are written, so make rebuilds only what changed.
 */
int checkout_to_dir(git_repository *repo, git_tree *tree, git_tree *baseline,
		    const char *dir)
{
	git_checkout_options opts;
	git_tree *empty = NULL;
	int ret = 0;

	if (baseline)
		return checkout_delta(repo, tree, baseline, dir);
	if (git_checkout_options_init(&opts, GIT_CHECKOUT_OPTIONS_VERSION) < 0)
		return git_fail("checkout options");
	if (empty_tree(repo, &empty) < 0)
		return -1;
	opts.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX |
				 GIT_CHECKOUT_DONT_WRITE_INDEX;
	opts.target_directory = dir;
	opts.baseline = empty;
	if (git_checkout_tree(repo, (git_object *)tree, &opts) < 0)
		ret = git_fail(dir);
	git_tree_free(empty);
	return ret;
}

/*
 * Paths from patches. A patch comes from mail: whatever it names must stay
 * inside the tree, and must not reach through a symlink of the tree, on
 * every rung (libgit2 in memory, or GNU patch and spatch on a scratch copy).
 */

/* Why a tree path cannot be written inside a tree, or NULL when it can. */
const char *path_unsafe(const char *path)
{
	const char *p = path;

	if (!*path)
		return "it is empty";
	if (*path == '/')
		return "it is absolute";
	while (*p) {
		size_t n = strcspn(p, "/");

		if (!n)
			return "it has an empty component (//)";
		if (n == 2 && !strncmp(p, "..", 2))
			return "it climbs out of the tree (..)";
		if (n == 1 && *p == '.')
			return "it has a '.' component";
		if (n == 4 && !strncasecmp(p, ".git", 4))
			return "it reaches into .git";
		p += n;
		if (*p == '/' && !*++p)
			return "it ends in /";
	}
	return NULL;
}

/*
 * Whether a symlink at path pointing at target stays inside the tree: the
 * target is relative, climbs first ("../") no higher than the link's own
 * directory, then only descends. Anything else (a/../b, /x, ..) is refused,
 * so that a chain of links that each pass cannot climb out either.
 */
int link_inside(const char *path, const char *target)
{
	const char *p = target;
	int depth = 0, descending = 0;

	for (; *path; path++)
		depth += *path == '/';
	if (!*target || *target == '/')
		return 0;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (!n || (n == 1 && *p == '.'))
			return 0;
		if (n == 2 && !strncmp(p, "..", 2)) {
			if (descending || --depth < 0)
				return 0;
		} else {
			descending = 1;
		}
		p += n;
		p += *p == '/';
	}
	return 1;
}

/*
 * Whether path may be written in tree: 0 yes; 1 no, with *why, when it is
 * unsafe by itself or one of its leading directories is a symlink or a
 * submodule in the tree (writing there would leave the tree).
 */
int tree_path_check(git_tree *tree, const char *path, char **why)
{
	const char *bad = path_unsafe(path), *slash;
	int ret = 0;

	if (bad) {
		*why = xprintf("'%s': %s", path, bad);
		return 1;
	}
	for (slash = strchr(path, '/'); slash && !ret; slash = strchr(slash + 1, '/')) {
		char *dir = xstrndup(path, slash - path);
		git_tree_entry *e = NULL;

		if (git_tree_entry_bypath(&e, tree, dir) < 0) {
			git_error_clear();
			free(dir);
			break;		/* a new directory: nothing deeper exists either */
		}
		if (git_tree_entry_filemode(e) == GIT_FILEMODE_LINK) {
			*why = xprintf("'%s' goes through the symlink '%s' of the tree", path, dir);
			ret = 1;
		} else if (git_tree_entry_filemode(e) == GIT_FILEMODE_COMMIT) {
			*why = xprintf("'%s' goes into the submodule '%s'", path, dir);
			ret = 1;
		}
		git_tree_entry_free(e);
		free(dir);
	}
	return ret;
}

void path_problem_release(struct path_problem *pb)
{
	free(pb->path);
	free(pb->why);
	memset(pb, 0, sizeof(*pb));
}

static int problem(struct path_problem *pb, const char *path, char *why, int line)
{
	pb->path = xstrdup(path);
	pb->why = why;
	pb->line = line;
	return 1;
}

/* A name of a diff header, C-unquoted when git quoted it. */
static char *header_name(const char *s, size_t n)
{
	struct sbuf sb = {0};
	size_t i;

	if (!n || *s != '"')
		return xstrndup(s, n);
	for (i = 1; i < n && s[i] != '"'; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < n) {
			c = s[++i];
			if (c >= '0' && c <= '7') {
				int v = 0, k;

				for (k = 0; k < 3 && i < n && s[i] >= '0' && s[i] <= '7'; k++)
					v = v * 8 + s[i++] - '0';
				i--;
				c = (char)v;
			} else {
				c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'a' ? '\a' :
				    c == 'b' ? '\b' : c == 'f' ? '\f' : c == 'r' ? '\r' :
				    c == 'v' ? '\v' : c;
			}
		}
		sbuf_add(&sb, &c, 1);
	}
	return sb.buf ? sbuf_detach(&sb) : xstrdup("");
}

/* The name as patch -p1 sees it: the first component taken off. */
static const char *strip_p1(const char *name)
{
	const char *slash = strchr(name, '/');

	return slash ? slash + 1 : name;
}

/* Check one header name; p1: it carries an a/ or b/ prefix. */
static int check_name(const char *s, size_t n, int p1, int line, struct path_problem *pb)
{
	char *name = header_name(s, n);
	const char *path = p1 ? strip_p1(name) : name;
	const char *bad = strcmp(name, "/dev/null") ? path_unsafe(path) : NULL;
	int ret = 0;

	if (bad)
		ret = problem(pb, path, xprintf("'%s': %s", path, bad), line);
	free(name);
	return ret;
}

/* "diff --git a/X b/Y": every way of splitting it in two names. */
static int check_git_line(const char *rest, size_t n, int line, struct path_problem *pb)
{
	size_t i;

	if (*rest == '"') {
		const char *q = rest + 1;

		while (q < rest + n && *q != '"')
			q += *q == '\\' ? 2 : 1;
		q = q < rest + n ? q + 1 : rest + n;
		return check_name(rest, q - rest, 1, line, pb) ||
		       (q < rest + n && check_name(q + 1, rest + n - q - 1, 1, line, pb));
	}
	for (i = 0; i < n; i++)
		if (rest[i] == ' ' && (check_name(rest, i, 1, line, pb) ||
				       check_name(rest + i + 1, n - i - 1, 1, line, pb)))
			return 1;
	return check_name(rest, n, 1, line, pb);
}

static int line_starts(const char *p, size_t n, const char *lead)
{
	size_t l = strlen(lead);

	return n >= l && !strncmp(p, lead, l);
}

static void hunk_counts(const char *line, long *old, long *new)
{
	long a, c;

	*old = *new = 1;
	if (sscanf(line, "@@ -%ld,%ld +%ld,%ld", &a, old, &c, new) == 4)
		return;
	if (sscanf(line, "@@ -%ld +%ld,%ld", &a, &c, new) == 3)
		return;
	*new = 1;
	if (sscanf(line, "@@ -%ld,%ld +%ld", &a, old, &c) < 2)
		*old = 1;
}

/*
 * The header lines of a diff text as written, before any tool reads them:
 * libgit2 and GNU patch do not read names alike (b//etc is etc to one,
 * /etc to the other), so both readings are checked. Hunk bodies are
 * skipped by their counts.
 */
static int check_headers(const char *text, size_t len, struct path_problem *pb)
{
	static const struct { const char *lead; int p1; } heads[] = {
		{ "--- ", 1 }, { "+++ ", 1 }, { "rename from ", 0 }, { "rename to ", 0 },
		{ "copy from ", 0 }, { "copy to ", 0 }, { "Index: ", 0 },
	};
	const char *p = text, *end = text + len;
	long old = 0, new = 0;
	int line = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		size_t n = (eol ? eol : end) - p, k;

		line++;
		if (old > 0 || new > 0) {
			if (*p == '-')
				old--;
			else if (*p == '+')
				new--;
			else if (*p != '\\')
				old--, new--;
		} else if (line_starts(p, n, "@@ ")) {
			char *h = xstrndup(p, n);

			hunk_counts(h, &old, &new);
			free(h);
		} else if (line_starts(p, n, "diff --git ")) {
			if (check_git_line(p + 11, n - 11, line, pb))
				return 1;
		} else {
			for (k = 0; k < ARRAY_SIZE(heads); k++) {
				size_t l = strlen(heads[k].lead);

				const char *tab;

				if (n <= l || strncmp(p, heads[k].lead, l))
					continue;
				tab = memchr(p + l, '\t', n - l);
				if (check_name(p + l, (tab ? tab : p + n) - (p + l), heads[k].p1,
					       line, pb))
					return 1;
			}
		}
		p += n + 1;
	}
	return 0;
}

/* The first header line of the diff text that names path (1-based), else 0. */
int diff_header_line(const char *text, size_t len, const char *path)
{
	const char *p = text, *end = text + len;
	int line = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		size_t n = (eol ? eol : end) - p;

		line++;
		if ((line_starts(p, n, "diff --git ") || line_starts(p, n, "--- ") ||
		     line_starts(p, n, "+++ ") || line_starts(p, n, "rename ") ||
		     line_starts(p, n, "copy ")) && memmem(p, n, path, strlen(path)))
			return line;
		p += n + 1;
	}
	return 0;
}

/* A path of a delta against the tree and the symlinks the patch itself makes. */
static int check_delta_path(git_tree *tree, git_diff *diff, const char *path,
			    const char *text, size_t len, struct path_problem *pb)
{
	char *why = NULL;
	size_t i, n;

	if (tree_path_check(tree, path, &why))
		return problem(pb, path, why, diff_header_line(text, len, path));
	for (i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		n = strlen(d->new_file.path);
		if (d->new_file.mode == GIT_FILEMODE_LINK && !strncmp(path, d->new_file.path, n) &&
		    path[n] == '/')
			return problem(pb, path,
				       xprintf("'%s' goes through the symlink '%s' the patch makes",
					       path, d->new_file.path),
				       diff_header_line(text, len, path));
	}
	return 0;
}

/*
 * Whether every path a patch names may be written in tree: 0 yes, 1 no
 * with *pb (the path, why, the line of the text), -1 when the text does
 * not parse.
 */
int diff_check_paths(git_tree *tree, const char *text, size_t len, struct path_problem *pb)
{
	git_diff *diff = NULL;
	size_t i;
	int ret;

	memset(pb, 0, sizeof(*pb));
	ret = check_headers(text, len, pb);
	if (ret)
		return ret;
	if (diff_parse_buf(&diff, text, len) < 0)
		return -1;
	for (i = 0; !ret && i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		ret = check_delta_path(tree, diff, d->old_file.path, text, len, pb);
		if (!ret)
			ret = check_delta_path(tree, diff, d->new_file.path, text, len, pb);
	}
	git_diff_free(diff);
	return ret;
}

/*
 * What a rung made of base: no path under a symlink, no symlink pointing
 * out of the tree. 0 fine, 1 with *pb, -1 on error.
 */
int tree_check_result(git_repository *repo, git_tree *base, git_tree *result,
		      const char *text, size_t len, struct path_problem *pb)
{
	git_diff *diff = NULL;
	size_t i;
	int ret = 0;

	memset(pb, 0, sizeof(*pb));
	if (git_diff_tree_to_tree(&diff, repo, base, result, NULL) < 0)
		return git_fail("checking the patched tree");
	for (i = 0; !ret && i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->new_file.path;
		char *why = NULL, *target = NULL;
		size_t n;

		if (d->status == GIT_DELTA_DELETED)
			continue;
		if (tree_path_check(result, path, &why)) {
			ret = problem(pb, path, why, text ? diff_header_line(text, len, path) : 0);
		} else if (d->new_file.mode == GIT_FILEMODE_LINK) {
			int rc = read_blob_buf(repo, result, path, &target, &n, NULL);

			if (rc < 0)
				ret = -1;
			else if (!rc && (strlen(target) != n || !link_inside(path, target)))
				ret = problem(pb, path,
					      xprintf("'%s' is made a symlink pointing out of the tree (-> %s)",
						      path, target),
					      text ? diff_header_line(text, len, path) : 0);
			free(target);
		}
	}
	git_diff_free(diff);
	return ret;
}
