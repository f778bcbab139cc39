// SPDX-License-Identifier: GPL-2.0
/*
 * A scratch directory holding the files a fix touches, copied out of a
 * tree's objects (never from a worktree) with the kernel's layout, for the
 * external programs of the ladder (patch, spatch). What they change goes
 * back into an in-memory index and from there into a new tree.
 *
 * The paths come from patches, which come from mail: every one is checked
 * against the tree first (tree_path_check), and every component is then
 * opened with O_NOFOLLOW, writing and reading back alike, so that nothing
 * outside the copy is ever written or read. Symlinks are copied only when
 * they point inside; text tools never see binary content.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"
#include "scratch.h"

void scratch_release(struct scratch *sc)
{
	size_t i;

	if (sc->top)
		rm_rf(sc->top);
	for (i = 0; i < sc->nr; i++) {
		free(sc->files[i].path);
		free(sc->files[i].data);
	}
	free(sc->files);
	free(sc->top);
	free(sc->dir);
	free(sc->why);
	memset(sc, 0, sizeof(*sc));
}

int scratch_has(struct scratch *sc, const char *path)
{
	size_t i;

	for (i = 0; i < sc->nr; i++)
		if (!strcmp(sc->files[i].path, path))
			return 1;
	return 0;
}

/*
 * The directory holding path's last component, opened below root one
 * component at a time without following a symlink; made when create is
 * set. *base points at the last component. -1 with errno on failure
 * (ELOOP or ENOTDIR: something other than a directory is in the way).
 */
static int open_parent(int root, const char *path, int create, const char **base)
{
	int fd = dup(root);
	const char *p = path, *slash;

	while (fd >= 0 && (slash = strchr(p, '/'))) {
		char *name = xstrndup(p, slash - p);
		int next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (next < 0 && errno == ENOENT && create && mkdirat(fd, name, 0755) == 0)
			next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		free(name);
		close(fd);
		fd = next;
		p = slash + 1;
	}
	*base = p;
	return fd;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= n;
	}
	return 0;
}

/* Create path below root: a new file (or symlink), never an existing one. */
static int create_at(int root, const char *path, const struct scratch_file *f)
{
	const char *base;
	int dir = open_parent(root, path, 1, &base), fd, rc = -1;

	if (dir < 0)
		return -1;
	if (f->mode == GIT_FILEMODE_LINK) {
		rc = symlinkat(f->data, dir, base);
	} else {
		fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    f->mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644);
		if (fd >= 0) {
			rc = write_all(fd, f->data, f->len);
			if (close(fd) < 0)
				rc = -1;
		}
	}
	close(dir);
	return rc;
}

static int export_one(struct scratch *sc, int root, git_repository *repo, git_tree *tree,
		      const char *path)
{
	struct scratch_file f = { .path = xstrdup(path) };
	char *why = NULL;
	const char *nul = NULL;
	int rc;

	if (tree_path_check(tree, path, &why)) {
		sc->why = why;
		free(f.path);
		return -2;
	}
	rc = read_blob_buf(repo, tree, path, &f.data, &f.len, &f.mode);
	if (rc < 0) {
		free(f.path);
		return -1;
	}
	if (!rc)
		nul = memchr(f.data, '\0', f.len);
	if (rc > 0) {
		f.mode = 0;		/* a file the tree lacks: one the patch may create */
		rc = 0;
	} else if (f.mode == GIT_FILEMODE_LINK &&
		   (strlen(f.data) != f.len || !link_inside(path, f.data))) {
		sc->why = xprintf("'%s' is a symlink pointing out of the tree (-> %.*s); it is not copied for text tools",
				  path, (int)strnlen(f.data, f.len), f.data);
		rc = 1;
	} else if (nul) {
		sc->why = xprintf("'%s' has binary content (a NUL byte at offset %zu); patch and spatch work on text, only the exact rung carries it",
				  path, (size_t)(nul - f.data));
		rc = 1;
	} else if (create_at(root, path, &f) < 0) {
		rc = error("%s: cannot copy into %s: %s", path, sc->dir, strerror(errno));
	}
	sc->files = xrealloc(sc->files, (sc->nr + 1) * sizeof(*sc->files));
	sc->files[sc->nr++] = f;
	return rc;
}

/*
 * Copy the given files (space-separated tree paths) of tree. 0; 1 when a
 * file cannot go to text tools (binary, or a symlink out), -2 when a path
 * is not one to write (../, absolute, through a symlink), both with
 * sc->why; -1 on error.
 */
int scratch_export(struct scratch *sc, git_repository *repo, git_tree *tree,
		   const char *files)
{
	const char *tmp = getenv("TMPDIR");
	char *list = xstrdup(files), *save = NULL, *f;
	size_t i, present = 0;
	int ret = 0, root = -1;

	sc->top = make_temp_dir(tmp && *tmp ? tmp : "/tmp", "ltsport-scratch");
	if (!sc->top) {
		free(list);
		return -1;
	}
	sc->dir = path_join(sc->top, "tree");
	if (mkdir(sc->dir, 0755) == 0)
		root = open(sc->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0)
		ret = error("%s: %s", sc->dir, strerror(errno));
	for (f = strtok_r(list, " \t", &save); f && !ret; f = strtok_r(NULL, " \t", &save))
		if (!scratch_has(sc, f))
			ret = export_one(sc, root, repo, tree, f);
	for (i = 0; i < sc->nr; i++)
		present += sc->files[i].mode != 0;
	if (!ret && !present)
		ret = error("none of the files '%s' is in the tree", files);
	if (root >= 0)
		close(root);
	free(list);
	return ret;
}

static int read_all(int fd, size_t size, char **out, size_t *len)
{
	char *buf = xmalloc(size + 1);
	size_t got = 0;

	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return got == size ? 0 : -1;
}

/*
 * What the tools left at path: 0 with its content and mode (0 when it is
 * gone), -2 when it is not a file to take (sc->why), -1 on error.
 */
static int read_back(struct scratch *sc, int root, const char *path, char **out,
		     size_t *len, unsigned int *mode)
{
	const char *base;
	struct stat st;
	int dir = open_parent(root, path, 0, &base), fd, rc = -1;

	*out = NULL;
	*len = 0;
	*mode = 0;
	if (dir < 0) {
		if (errno == ENOENT)
			return 0;
		sc->why = xprintf("'%s': something other than a directory is in its way in the scratch copy",
				  path);
		return -2;
	}
	if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		rc = errno == ENOENT ? 0 : error("%s: %s", path, strerror(errno));
	} else if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(dir, base, target, sizeof(target) - 1);

		if (n < 0)
			error("%s: %s", path, strerror(errno));
		if (n >= 0) {
			target[n] = '\0';
			*out = xstrdup(target);
			*len = n;
			*mode = GIT_FILEMODE_LINK;
			rc = 0;
		}
		if (n >= 0 && !link_inside(path, target)) {
			sc->why = xprintf("'%s' was made a symlink pointing out of the tree (-> %s)",
					  path, target);
			rc = -2;
		}
	} else if (!S_ISREG(st.st_mode)) {
		sc->why = xprintf("'%s' is no longer a regular file in the scratch copy", path);
		rc = -2;
	} else {
		fd = openat(dir, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			rc = read_all(fd, st.st_size, out, len);
			close(fd);
		}
		*mode = st.st_mode & 0100 ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
		if (rc < 0)
			error("%s: cannot read it back: %s", path, strerror(errno));
	}
	close(dir);
	return rc;
}

static int same_file(const struct scratch_file *f, const char *now, size_t len,
		     unsigned int mode)
{
	if (!f->mode || !mode)
		return f->mode == mode;
	return f->mode == mode && f->len == len && !memcmp(f->data, now, len);
}

/* Put one file as the tools left it into idx: 0, -2 (sc->why), -1. */
static int collect_one(struct scratch *sc, int root, git_repository *repo, git_index *idx,
		       const struct scratch_file *f, int *changed)
{
	const git_index_entry *old = git_index_get_bypath(idx, f->path, 0);
	git_index_entry e;
	char *now = NULL;
	size_t len;
	unsigned int mode;
	int rc = read_back(sc, root, f->path, &now, &len, &mode);

	*changed = 0;
	if (rc < 0 || same_file(f, now, len, mode))
		goto out;
	*changed = 1;
	if (!mode) {
		rc = git_index_remove_bypath(idx, f->path);
		goto out;
	}
	if (old)
		e = *old;
	else
		memset(&e, 0, sizeof(e));
	e.path = f->path;
	e.mode = mode;
	/* an in-memory index has no repo: write the blob, then add by id */
	rc = git_blob_create_from_buffer(&e.id, repo, now, len);
	if (!rc)
		rc = git_index_add(idx, &e);
out:
	if (rc < 0 && rc != -2 && *changed)
		rc = git_fail(f->path);
	free(now);
	return rc;
}

/*
 * Put the changed files back into an index of the tree. 0 with *out and
 * the changed paths in *changed, 1 when nothing changed, -2 when the
 * tools left something that is not to be taken (sc->why), -1 on error.
 */
int scratch_collect(struct scratch *sc, git_repository *repo, git_tree *tree,
		    git_tree **out, struct sbuf *changed)
{
	git_index *idx = NULL;
	git_oid oid;
	size_t i;
	int ret = -1, n = 0, root, ch;

	root = open(sc->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0)
		return error("%s: %s", sc->dir, strerror(errno));
	if (git_index_new(&idx) < 0 || git_index_read_tree(idx, tree) < 0) {
		git_fail("scratch copy: index");
		goto out;
	}
	for (i = 0; i < sc->nr; i++) {
		ret = collect_one(sc, root, repo, idx, &sc->files[i], &ch);
		if (ret < 0)
			goto out;
		if (ch)
			sbuf_addf(changed, "%s%s", n++ ? ", " : "", sc->files[i].path);
	}
	if (!n) {
		ret = 1;
		goto out;
	}
	ret = -1;
	if (git_index_write_tree_to(&oid, idx, repo) < 0 || git_tree_lookup(out, repo, &oid) < 0) {
		git_fail("scratch copy: writing the tree");
		goto out;
	}
	ret = 0;
out:
	close(root);
	git_index_free(idx);
	return ret;
}
