// SPDX-License-Identifier: GPL-2.0
/*
 * The only module that talks to libgit2 about repositories: opening,
 * resolving, walking history, applying patches to in-memory indexes and
 * writing result commits and branches. Nothing here touches a worktree,
 * an index file or HEAD.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>

#include "util.h"
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

int is_ancestor(git_repository *repo, const git_oid *anc, const git_oid *tip)
{
	if (git_oid_equal(anc, tip))
		return 1;
	return git_graph_descendant_of(repo, tip, anc) == 1;
}

int read_blob_at(git_repository *repo, git_tree *tree, const char *path, char **out)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;

	if (git_tree_entry_bypath(&e, tree, path) < 0) {
		git_error_clear();
		return 1;
	}
	if (git_blob_lookup(&blob, repo, git_tree_entry_id(e)) < 0) {
		git_tree_entry_free(e);
		return git_fail(path);
	}
	*out = xstrndup(git_blob_rawcontent(blob), git_blob_rawsize(blob));
	git_blob_free(blob);
	git_tree_entry_free(e);
	return 0;
}

/*
 * Call fn for every commit reachable from tip but not from hide. The raw
 * message is read from the object database without building commit
 * objects, which keeps a walk of 100k commits well under a second.
 */
int walk_range(git_repository *repo, const git_oid *tip, const git_oid *hide,
	       walk_fn fn, void *payload, size_t *count)
{
	git_revwalk *walk = NULL;
	git_odb *odb = NULL;
	git_oid id;
	int rc, ret = -1;

	*count = 0;
	if (git_repository_odb(&odb, repo) < 0 || git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_push(walk, tip) < 0 || (hide && git_revwalk_hide(walk, hide) < 0)) {
		git_fail("history walk");
		goto out;
	}
	while (!(rc = git_revwalk_next(&id, walk))) {
		git_odb_object *obj;
		char *text, *msg;

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
	if (rc < 0 && rc != GIT_ITEROVER) {
		git_fail("history walk");
		goto out;
	}
	ret = 0;
out:
	git_revwalk_free(walk);
	git_odb_free(odb);
	return ret;
}

int diff_parse(git_diff **out, const char *text)
{
	if (git_diff_from_buffer(out, text, strlen(text)) < 0)
		return git_fail("parsing a patch");
	return 0;
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
 * when the patch does not apply (fail names the file and hunk), -1 on
 * other errors.
 */
int apply_diff(git_repository *repo, git_tree *base, const char *diff_text,
	       git_tree **out, struct apply_failure *fail)
{
	git_apply_options opts;
	git_diff *diff = NULL;
	git_index *index = NULL;
	git_oid oid;
	int rc, ret = -1;

	memset(fail, 0, sizeof(*fail));
	if (git_apply_options_init(&opts, GIT_APPLY_OPTIONS_VERSION) < 0)
		return git_fail("apply options");
	if (diff_parse(&diff, diff_text) < 0)
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

void apply_failure_release(struct apply_failure *f)
{
	free(f->path);
	free(f->header);
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
	char *line, *minus = NULL;
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

/* A branch HEAD points at belongs to the user's worktree: never move it. */
int branch_checked_out(git_repository *repo, const char *refname)
{
	git_reference *head = NULL;
	int checked_out = 0;

	if (git_reference_lookup(&head, repo, "HEAD") == 0 &&
	    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC)
		checked_out = !strcmp(git_reference_symbolic_target(head), refname);
	git_reference_free(head);
	git_error_clear();
	return checked_out;
}

int update_branch(git_repository *repo, const char *refname, const git_oid *id,
		  const char *log)
{
	git_reference *ref = NULL;

	if (branch_checked_out(repo, refname))
		return error("%s is checked out in %s; switch to another branch first",
			     refname, git_repository_path(repo));
	if (git_reference_create(&ref, repo, refname, id, 1, log) < 0)
		return git_fail(refname);
	git_reference_free(ref);
	return 0;
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
	opts.flags = GIT_EMAIL_CREATE_ALWAYS_NUMBER;
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

/* The paths a git diff touches, space-separated, for the scratch copies. */
char *diff_paths(const char *diff_text)
{
	struct sbuf sb = {0};
	git_diff *diff = NULL;
	size_t i;

	if (diff_parse(&diff, diff_text) < 0)
		return NULL;
	for (i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		sbuf_addf(&sb, "%s%s", i ? " " : "", d->old_file.path);
	}
	git_diff_free(diff);
	return sbuf_detach(&sb);
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

	if (git_checkout_options_init(&opts, GIT_CHECKOUT_OPTIONS_VERSION) < 0)
		return git_fail("checkout options");
	if (!baseline && empty_tree(repo, &empty) < 0)
		return -1;
	opts.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX |
				 GIT_CHECKOUT_DONT_WRITE_INDEX;
	opts.target_directory = dir;
	opts.baseline = baseline ? baseline : empty;
	if (git_checkout_tree(repo, (git_object *)tree, &opts) < 0)
		ret = git_fail(dir);
	git_tree_free(empty);
	return ret;
}
