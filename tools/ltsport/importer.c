// SPDX-License-Identifier: GPL-2.0
/*
 * Making a git repository of an extracted source tree, in place.
 *
 * The walk collects every file and symlink with its stat data; ignore rules
 * play no part. A few threads then hash and write the blobs, each through
 * its own object database handle, since libgit2 serialises the writes made
 * through one handle. The index is filled in path order from the stat data
 * of the walk, so git status finds every file clean without reading it
 * again; the tree, the root commit, HEAD's branch and the tag follow.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <git2.h>
#include <git2/sys/odb_backend.h>

#include "util.h"
#include "fsutil.h"
#include "importer.h"
#include "kversion.h"

#define MAX_WORKERS	8
#define IMPORT_NAME	"ltsport import"
#define IMPORT_EMAIL	"ltsport@localhost"

/* 0 when mk has the version of a kernel Makefile (kversion_parse), 1 when not. */
static int parse_version(const char *mk, size_t len, struct kernel_version *kv)
{
	struct kversion v;

	if (kversion_parse(mk, len, &v) || !v.extra_plain)
		return 1;
	kv->version = v.version;
	kv->patchlevel = v.patchlevel;
	kv->sublevel = v.sublevel;
	snprintf(kv->extra, sizeof(kv->extra), "%s", v.extra);
	snprintf(kv->series, sizeof(kv->series), "%lu.%lu", kv->version, kv->patchlevel);
	if (kv->sublevel)
		snprintf(kv->str, sizeof(kv->str), "%s.%lu%s", kv->series, kv->sublevel, kv->extra);
	else
		snprintf(kv->str, sizeof(kv->str), "%s%s", kv->series, kv->extra);
	return 0;
}

/*
 * The version in root/Makefile, named the way kernel.org names releases.
 * 0 when found, 1 when root is not a kernel tree, -1 on a read error.
 */
int kernel_version_read(const char *root, struct kernel_version *kv)
{
	char *path = path_join(root, "Makefile");
	char *mk = NULL;
	struct stat st;
	size_t len = 0;
	int ret = 1;

	memset(kv, 0, sizeof(*kv));
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		ret = read_file(path, &mk, &len);
		if (!ret)
			ret = parse_version(mk, len, kv);
	}
	free(mk);
	free(path);
	return ret;
}

struct entry {
	char *path;		/* relative to the root */
	struct stat st;
	git_oid id;
};

struct entries {
	struct entry *v;
	size_t nr, alloc;
};

static void entries_add(struct entries *es, char *path, const struct stat *st)
{
	if (es->nr == es->alloc) {
		es->alloc = es->alloc ? es->alloc * 2 : 4096;
		es->v = xrealloc(es->v, es->alloc * sizeof(*es->v));
	}
	memset(&es->v[es->nr], 0, sizeof(es->v[0]));
	es->v[es->nr].path = path;
	es->v[es->nr].st = *st;
	es->nr++;
}

static void entries_release(struct entries *es)
{
	size_t i;

	for (i = 0; i < es->nr; i++)
		free(es->v[i].path);
	free(es->v);
	memset(es, 0, sizeof(*es));
}

static int walk(struct entries *es, int rootfd, const char *rel);

/* Take one directory entry of rel (NULL: the root) into es. */
static int walk_entry(struct entries *es, int rootfd, int dfd, const char *rel,
		      const char *name)
{
	char *path;
	struct stat st;
	int ret = 0;

	if (!strcmp(name, ".") || !strcmp(name, "..") || (!rel && !strcmp(name, ".git")))
		return 0;
	path = rel ? xprintf("%s/%s", rel, name) : xstrdup(name);
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		ret = error("%s: cannot stat: %s", path, strerror(errno));
	else if (S_ISDIR(st.st_mode))
		ret = walk(es, rootfd, path);
	else if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		warn("%s: not a file, symlink or directory; left out", path);
	if (!ret && (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
		entries_add(es, path, &st);
	else
		free(path);
	return ret;
}

/* Collect the files and symlinks under rel, leaving out the repository's .git. */
static int walk(struct entries *es, int rootfd, const char *rel)
{
	int fd = openat(rootfd, rel ? rel : ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (fd < 0)
		return error("%s: cannot open: %s", rel ? rel : ".", strerror(errno));
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return error("%s: cannot read: %s", rel ? rel : ".", strerror(errno));
	}
	while (!ret && (de = readdir(d)))
		ret = walk_entry(es, rootfd, dirfd(d), rel, de->d_name);
	closedir(d);
	return ret;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

/* The blob writers: shared state, and each thread's own. */
struct hasher {
	struct entries *es;
	int rootfd;
	const char *objects;	/* the objects directory */
	size_t next;		/* the next entry to take */
	int stop;		/* a writer failed */
};

struct worker {
	pthread_t thread;
	struct hasher *h;
	char *err;		/* why it stopped: the main thread prints it */
	char *buf;
	size_t alloc;
};

static char *git_reason(const char *what)
{
	const git_error *e = git_error_last();

	return xprintf("%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

static ssize_t read_full(int fd, char *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			break;
		done += n;
	}
	return done;
}

/* Read a file's bytes or a symlink's target; it must not have changed since the walk. */
static int read_content(struct worker *w, const struct entry *e)
{
	size_t size = e->st.st_size;
	ssize_t n;
	int fd, err;

	if (size + 1 > w->alloc) {
		w->alloc = size + 1;
		w->buf = xrealloc(w->buf, w->alloc);
	}
	if (S_ISLNK(e->st.st_mode)) {
		n = readlinkat(w->h->rootfd, e->path, w->buf, size + 1);
	} else {
		fd = openat(w->h->rootfd, e->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		n = fd < 0 ? -1 : read_full(fd, w->buf, size + 1);
		err = errno;
		if (fd >= 0)
			close(fd);
		errno = err;
	}
	if (n < 0)
		w->err = xprintf("%s: cannot read: %s", e->path, strerror(errno));
	else if ((size_t)n != size)
		w->err = xprintf("%s: changed while being imported", e->path);
	return w->err ? -1 : 0;
}

/*
 * Blobs go straight to a loose object backend of the writer's own:
 * git_odb_write() would first look for each object and, not finding it,
 * rescan objects/pack, which in a repository made a moment ago only costs
 * time. The default compression level of loose objects is the fastest.
 */
static int write_blob(struct worker *w, git_odb_backend *loose, struct entry *e)
{
	if (read_content(w, e) < 0)
		return -1;
	if (git_odb_hash(&e->id, w->buf, e->st.st_size, GIT_OBJECT_BLOB) < 0 ||
	    loose->write(loose, &e->id, w->buf, e->st.st_size, GIT_OBJECT_BLOB) < 0) {
		w->err = git_reason(e->path);
		return -1;
	}
	return 0;
}

static void *blob_writer(void *arg)
{
	struct worker *w = arg;
	struct hasher *h = w->h;
	git_odb_backend *loose = NULL;
	size_t i;

	if (git_odb_backend_loose(&loose, h->objects, -1, 0, 0, 0) < 0) {
		w->err = git_reason(h->objects);
		goto out;
	}
	while (!__atomic_load_n(&h->stop, __ATOMIC_RELAXED)) {
		i = __atomic_fetch_add(&h->next, 1, __ATOMIC_RELAXED);
		if (i >= h->es->nr || write_blob(w, loose, &h->es->v[i]) < 0)
			break;
	}
out:
	if (w->err)
		__atomic_store_n(&h->stop, 1, __ATOMIC_RELAXED);
	if (loose)
		loose->free(loose);
	free(w->buf);
	w->buf = NULL;
	return NULL;
}

static int worker_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > MAX_WORKERS ? MAX_WORKERS : (int)n;
}

/* Write the blob of every entry and fill in its id. */
static int write_blobs(struct entries *es, int rootfd, const char *objects)
{
	struct hasher h = { .es = es, .rootfd = rootfd, .objects = objects };
	struct worker w[MAX_WORKERS];
	int n = worker_count(), started = 0, i, ret = 0;
	double t0 = now_s();

	memset(w, 0, sizeof(w));
	for (i = 0; i < n; i++) {
		w[i].h = &h;
		if (pthread_create(&w[i].thread, NULL, blob_writer, &w[i]))
			break;
		started++;
	}
	if (!started)
		blob_writer(&w[0]);
	for (i = 0; i < started; i++)
		pthread_join(w[i].thread, NULL);
	for (i = 0; i < n; i++) {
		if (w[i].err && !ret)
			ret = error("%s", w[i].err);
		free(w[i].err);
	}
	progress("%zu blobs written in %.1f s by %d threads", es->nr, now_s() - t0,
		 started ? started : 1);
	return ret;
}

static unsigned int entry_mode(const struct stat *st)
{
	if (S_ISLNK(st->st_mode))
		return GIT_FILEMODE_LINK;
	return st->st_mode & 0100 ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
}

/* An index entry with the stat data git compares to call a file unchanged. */
static void index_entry_of(git_index_entry *ie, const struct entry *e)
{
	memset(ie, 0, sizeof(*ie));
	ie->ctime.seconds = e->st.st_ctim.tv_sec;
	ie->ctime.nanoseconds = e->st.st_ctim.tv_nsec;
	ie->mtime.seconds = e->st.st_mtim.tv_sec;
	ie->mtime.nanoseconds = e->st.st_mtim.tv_nsec;
	ie->dev = e->st.st_dev;
	ie->ino = e->st.st_ino;
	ie->mode = entry_mode(&e->st);
	ie->uid = e->st.st_uid;
	ie->gid = e->st.st_gid;
	ie->file_size = e->st.st_size;
	ie->id = e->id;
	ie->path = e->path;
}

/* Fill the index in path order, which keeps each insertion at the end. */
static int fill_index(git_index *index, const struct entries *es)
{
	git_index_entry ie;
	size_t i;

	for (i = 0; i < es->nr; i++) {
		index_entry_of(&ie, &es->v[i]);
		if (git_index_add(index, &ie) < 0)
			return git_fail(es->v[i].path);
	}
	return 0;
}

static int commit_and_tag(git_repository *repo, const git_oid *tree_id, const char *msg,
			  git_time_t when, const char *tag, git_oid *out)
{
	git_signature *sig = NULL;
	git_object *commit = NULL;
	git_tree *tree = NULL;
	git_oid tag_id;
	int ret = -1;

	if (git_signature_new(&sig, IMPORT_NAME, IMPORT_EMAIL, when, 0) < 0) {
		git_fail("the import's signature");
		goto out;
	}
	if (git_tree_lookup(&tree, repo, tree_id) < 0) {
		git_fail("reading the imported tree");
		goto out;
	}
	if (git_commit_create(out, repo, "HEAD", sig, sig, NULL, msg, tree, 0, NULL) < 0) {
		git_fail("committing the import");
		goto out;
	}
	if (git_object_lookup(&commit, repo, out, GIT_OBJECT_COMMIT) < 0) {
		git_fail("reading the import commit");
		goto out;
	}
	if (git_tag_create_lightweight(&tag_id, repo, tag, commit, 0) < 0) {
		git_fail(tag);
		goto out;
	}
	ret = 0;
out:
	git_object_free(commit);
	git_tree_free(tree);
	git_signature_free(sig);
	return ret;
}

/* The index from the entries, then its tree; both written to the repository. */
static int write_index_and_tree(git_repository *repo, const struct entries *es,
				git_oid *tree_id)
{
	git_index *index = NULL;
	double t0 = now_s();
	int ret = -1;

	/*
	 * Every blob was written a moment ago: checking that each exists,
	 * once as it enters the index and again for its tree, only costs time.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
	if (git_repository_index(&index, repo) < 0) {
		git_fail("opening the new index");
		goto out;
	}
	if (fill_index(index, es) < 0)
		goto out;
	if (git_index_write_tree(tree_id, index) < 0) {
		git_fail("writing the imported tree");
		goto out;
	}
	if (git_index_write(index) < 0) {
		git_fail("writing the new index");
		goto out;
	}
	progress("index and trees written in %.1f s", now_s() - t0);
	ret = 0;
out:
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 1);
	git_index_free(index);
	return ret;
}

static int collect(const char *root, int rootfd, struct entries *es)
{
	double t0 = now_s();

	if (walk(es, rootfd, NULL) < 0)
		return -1;
	qsort(es->v, es->nr, sizeof(*es->v), entry_cmp);
	progress("%zu files found in %.1f s", es->nr, now_s() - t0);
	if (!es->nr)
		return error("%s: no files to import", root);
	return 0;
}

/*
 * Make root a repository whose HEAD branch has one root commit of every
 * file below it, tagged tag, with an index that matches the files.
 */
int import_tree(const char *root, const char *msg, git_time_t when, const char *tag,
		struct import_result *res)
{
	struct entries es = {0};
	git_repository *repo = NULL;
	char *objects = NULL;
	git_oid tree_id;
	int rootfd, ret = -1;

	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return error("%s: cannot open: %s", root, strerror(errno));
	if (collect(root, rootfd, &es) < 0)
		goto out;
	if (git_repository_init(&repo, root, 0) < 0) {
		git_fail(root);
		goto out;
	}
	objects = xprintf("%sobjects", git_repository_path(repo));
	if (write_blobs(&es, rootfd, objects) < 0 ||
	    write_index_and_tree(repo, &es, &tree_id) < 0 ||
	    commit_and_tag(repo, &tree_id, msg, when, tag, &res->commit) < 0)
		goto out;
	res->files = es.nr;
	ret = 0;
out:
	free(objects);
	git_repository_free(repo);
	entries_release(&es);
	close(rootfd);
	return ret;
}

/* Whether text has line as one of its lines. */
static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = strstr(text, line); p; p = strstr(p + 1, line))
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return 1;
	return 0;
}

/*
 * What is at path: a repository whose HEAD commit records this tarball
 * (record is a line of its message), or something else. subject says what
 * it is when it is a repository: its HEAD commit's subject (id gets its id).
 */
enum import_found import_recorded(const char *path, const char *record, char **subject,
				  git_oid *id)
{
	enum import_found found = IMPORT_OTHER;
	git_repository *repo = NULL;
	git_object *head = NULL;
	const char *s;

	*subject = NULL;
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		goto out;
	if (git_revparse_single(&head, repo, "HEAD^{commit}") < 0) {
		*subject = xstrdup("a git repository without a HEAD commit");
		goto out;
	}
	s = git_commit_summary((git_commit *)head);
	*subject = xstrdup(s ? s : "");
	git_oid_cpy(id, git_object_id(head));
	if (has_line(git_commit_message((git_commit *)head), record))
		found = IMPORT_SAME;
out:
	git_error_clear();
	git_object_free(head);
	git_repository_free(repo);
	return found;
}
