// SPDX-License-Identifier: GPL-2.0
/*
 * A scratch directory holding the files a fix touches, copied out of a
 * tree's objects (never from a worktree) with the kernel's layout, for the
 * external programs of the ladder (patch, spatch). What they change goes
 * back into an in-memory index and from there into a new tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"
#include "scratch.h"

void scratch_release(struct scratch *sc)
{
	size_t i;

	if (sc->dir)
		rm_rf(sc->dir);
	for (i = 0; i < sc->nr; i++) {
		free(sc->paths[i]);
		free(sc->orig[i]);
	}
	free(sc->paths);
	free(sc->orig);
	free(sc->dir);
	memset(sc, 0, sizeof(*sc));
}

static int export_one(struct scratch *sc, git_repository *repo, git_tree *tree,
		      const char *path)
{
	char *data = NULL, *dest, *dir;
	int rc = read_blob_at(repo, tree, path, &data);

	if (rc)
		return rc < 0 ? -1 : 0;	/* a file the tree lacks is no error */
	dest = path_join(sc->dir, path);
	dir = dir_of(dest);
	rc = mkdir_p(dir);
	if (!rc)
		rc = write_file(dest, data, strlen(data));
	free(dir);
	free(dest);
	sc->paths = xrealloc(sc->paths, (sc->nr + 1) * sizeof(char *));
	sc->orig = xrealloc(sc->orig, (sc->nr + 1) * sizeof(char *));
	sc->paths[sc->nr] = xstrdup(path);
	sc->orig[sc->nr++] = data;
	return rc;
}

int scratch_export(struct scratch *sc, git_repository *repo, git_tree *tree,
			const char *files)
{
	const char *tmp = getenv("TMPDIR");
	char *list = xstrdup(files), *save = NULL, *f;
	int ret = 0;

	sc->dir = make_temp_dir(tmp && *tmp ? tmp : "/tmp", "ltsport-scratch");
	if (!sc->dir) {
		free(list);
		return -1;
	}
	for (f = strtok_r(list, " \t", &save); f && !ret; f = strtok_r(NULL, " \t", &save))
		ret = export_one(sc, repo, tree, f);
	free(list);
	if (!ret && !sc->nr)
		ret = error("none of the files '%s' is in the tree", files);
	return ret;
}

/* Put the changed files back into an index of the tree; count changes. */
int scratch_collect(struct scratch *sc, git_repository *repo, git_tree *tree,
			   git_tree **out, struct sbuf *changed)
{
	git_index *idx = NULL;
	git_oid oid;
	size_t i;
	int ret = -1, n = 0;

	if (git_index_new(&idx) < 0 || git_index_read_tree(idx, tree) < 0) {
		git_fail("semantic rung: index");
		goto out;
	}
	for (i = 0; i < sc->nr; i++) {
		char *path = path_join(sc->dir, sc->paths[i]), *now = NULL;
		const git_index_entry *old = git_index_get_bypath(idx, sc->paths[i], 0);
		git_index_entry e;
		size_t len;
		int rc = read_file(path, &now, &len);

		free(path);
		if (rc < 0 || !old)
			goto out;
		if (!strcmp(now, sc->orig[i])) {
			free(now);
			continue;
		}
		e = *old;
		e.path = sc->paths[i];
		/* an in-memory index has no repo: write the blob, then add by id */
		rc = git_blob_create_from_buffer(&e.id, repo, now, len);
		if (!rc)
			rc = git_index_add(idx, &e);
		free(now);
		if (rc < 0) {
			git_fail(sc->paths[i]);
			goto out;
		}
		sbuf_addf(changed, "%s%s", n++ ? ", " : "", sc->paths[i]);
	}
	if (!n) {
		ret = 1;
		goto out;
	}
	if (git_index_write_tree_to(&oid, idx, repo) < 0 || git_tree_lookup(out, repo, &oid) < 0) {
		git_fail("semantic rung: writing the tree");
		goto out;
	}
	ret = 0;
out:
	git_index_free(idx);
	return ret;
}
