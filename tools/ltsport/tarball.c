// SPDX-License-Identifier: GPL-2.0
/*
 * The job of ltsport trees import: a git tree from a kernel source tarball.
 *
 * tar extracts into a temporary directory beside the destination, the
 * importer makes the repository there, and only the finished repository is
 * renamed into place. The temporary directory stays locked (flock) while
 * the run or its tar lives; the next run removes any that is not locked.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "fsutil.h"
#include "spawn.h"
#include "importer.h"

#define TAR_TIMEOUT_S	900
#define TEMP_PREFIX	"import-"

struct import {
	const char *tarball;	/* as given */
	char *into;		/* where the repository goes */
	const char *name;	/* --name */
	char *abs;		/* the tarball's absolute path */
	char *pkg;		/* its file name without .tar.* */
	char *record;		/* the commit's "Tarball:" line, which a re-run matches */
	struct stat st;
	char *made;		/* the topmost directory of into that this run made */
	int into_fd;		/* locked while temporary directories come and go */
	char *tmp;		/* into/.import-<pkg>.XXXXXX */
	int tmp_fd;		/* its lock; tar inherits it */
	char *root;		/* the extracted tree in tmp */
	char *dest;
	struct kernel_version kv;
	struct import_outcome *out;
};

/* Step results besides 0: a no-op, a failure, bad input. */
#define STEP_DONE	1
#define STEP_FAIL	(-1)
#define STEP_BAD	IMPORT_BAD

/* error() for bad input: the same one line, and the step result that exits 2. */
#define bad_input(...) (error(__VA_ARGS__), STEP_BAD)

static int sys_fail(const char *path, const char *what)
{
	return error("%s: %s: %s", path, what, strerror(errno));
}

/* linux-source-6.1.tar.xz -> linux-source-6.1 */
static char *package_name(const char *base)
{
	const char *p, *cut = NULL;

	for (p = strstr(base, ".tar"); p; p = strstr(p + 1, ".tar"))
		if (p[4] == '\0' || p[4] == '.')
			cut = p;
	p = strrchr(base, '.');
	if (!cut && p && p > base && p[1] == 't')
		cut = p;
	return cut ? xstrndup(base, cut - base) : xstrdup(base);
}

static char *tarball_record(const char *base, const struct stat *st)
{
	char when[64];
	struct tm tm;

	gmtime_r(&st->st_mtime, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	return xprintf("Tarball: %s, %lld bytes, mtime %lld (%s)", base,
		       (long long)st->st_size, (long long)st->st_mtime, when);
}

static int check_tarball(struct import *im)
{
	const char *t = im->tarball;

	if (stat(t, &im->st) < 0 || access(t, R_OK) < 0) {
		if (errno == ENOENT)
			return bad_input("%s: no such file; give the path of a kernel source tarball, e.g. /usr/src/linux-source-6.1.tar.xz",
					 t);
		return bad_input("%s: cannot read it: %s; check the path and its permissions", t,
				 strerror(errno));
	}
	if (!S_ISREG(im->st.st_mode))
		return bad_input("%s: not a file; give a kernel source tarball (.tar.xz, .tar.gz, ...)",
				 t);
	im->abs = realpath(t, NULL);
	if (!im->abs)
		return bad_input("%s: cannot resolve its path: %s; check the path", t,
				 strerror(errno));
	im->pkg = package_name(strrchr(im->abs, '/') + 1);
	im->record = tarball_record(strrchr(im->abs, '/') + 1, &im->st);
	return 0;
}

/* The topmost directory on the way to path that does not exist yet, or NULL. */
static char *topmost_missing(const char *path)
{
	char *top = NULL, *p = xstrdup(path), *up;

	while (!path_exists(p)) {
		up = dir_of(p);
		free(top);
		top = p;
		p = up;
		if (!strcmp(p, top))
			break;
	}
	free(p);
	return top;
}

/* Remove the directories this run made for into, if they are still empty. */
static void unmake_into(struct import *im)
{
	char *p, *up;
	int last;

	if (!im->made)
		return;
	p = xstrdup(im->into);
	do {
		last = !strcmp(p, im->made);
		if (rmdir(p) < 0)
			break;
		up = dir_of(p);
		free(p);
		p = up;
	} while (!last);
	free(p);
}

static int is_temp_name(const char *name)
{
	size_t n = strlen(name);

	return starts_with(name, "." TEMP_PREFIX) && n > 8 && name[n - 7] == '.';
}

/* A temporary directory that nobody holds locked is what a killed run left. */
static void remove_if_dead(const char *into, const char *name)
{
	char *path = path_join(into, name);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && !flock(fd, LOCK_EX | LOCK_NB)) {
		progress("%s: removing what an interrupted import left", path);
		rm_rf(path);
	}
	if (fd >= 0)
		close(fd);
	free(path);
}

static void remove_leftovers(const char *into)
{
	DIR *d = opendir(into);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (is_temp_name(de->d_name))
			remove_if_dead(into, de->d_name);
	closedir(d);
}

/* Make into if need be, lock it, and clear what killed runs left there. */
static int prepare_into(struct import *im)
{
	if (path_exists(im->into) && !is_dir(im->into))
		return bad_input("%s: not a directory; give a directory with --into", im->into);
	im->made = topmost_missing(im->into);
	if (im->made && mkdir_p(im->into) < 0)
		return STEP_FAIL;
	im->into_fd = open(im->into, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (im->into_fd < 0)
		return sys_fail(im->into, "cannot open");
	if (flock(im->into_fd, LOCK_EX) < 0)
		return sys_fail(im->into, "cannot lock");
	remove_leftovers(im->into);
	return 0;
}

/* The temporary directory, locked without O_CLOEXEC so that tar holds it too. */
static int make_tmp(struct import *im)
{
	char *prefix = xprintf(TEMP_PREFIX "%s", im->pkg);

	im->tmp = make_temp_dir(im->into, prefix);
	free(prefix);
	if (!im->tmp)
		return STEP_FAIL;
	im->tmp_fd = open(im->tmp, O_RDONLY | O_DIRECTORY);
	if (im->tmp_fd < 0 || flock(im->tmp_fd, LOCK_EX) < 0)
		return sys_fail(im->tmp, "cannot lock");
	return 0;
}

static void found_done(struct import *im, const char *dest, const char *subject,
		       const git_oid *id)
{
	im->out->already = 1;
	im->out->dest = xstrdup(dest);
	im->out->subject = xstrdup(subject);
	im->out->commit = *id;
}

/* 0 when dest is free, STEP_DONE when it holds this import, STEP_BAD else. */
static int check_dest(struct import *im)
{
	char *subject = NULL;
	git_oid id;
	int ret = 0;

	if (!path_exists(im->dest))
		return 0;
	if (import_recorded(im->dest, im->record, &subject, &id) == IMPORT_SAME) {
		found_done(im, im->dest, subject, &id);
		ret = STEP_DONE;
	} else {
		ret = bad_input("%s: already exists and is not an import of %s (%s); remove it or import elsewhere with --into or --name",
				im->dest, im->tarball,
				subject ? subject : "not a git repository");
	}
	free(subject);
	return ret;
}

/* Whether an import subject "Import <pkg> <version> from ..." is of series X.Y. */
static int subject_in_series(const char *subject, const char *pkg, const char *series)
{
	char *prefix = xprintf("Import %s %s", pkg, series);
	size_t n = strlen(prefix);
	int ret = !strncmp(subject, prefix, n) && subject[n] && strchr(".- ", subject[n]);

	free(prefix);
	return ret;
}

static int is_series_name(const char *name)
{
	size_t a = strspn(name, "0123456789"), b;

	if (!a || name[a] != '.')
		return 0;
	b = strspn(name + a + 1, "0123456789");
	return b && !name[a + 1 + b];
}

/* Without --name: a directory X.Y of into that holds this import already. */
static int find_previous(struct import *im)
{
	DIR *d = opendir(im->into);
	struct dirent *de;
	char *path, *subject;
	git_oid id;
	int ret = 0;

	while (d && !ret && (de = readdir(d))) {
		if (!is_series_name(de->d_name))
			continue;
		path = path_join(im->into, de->d_name);
		if (import_recorded(path, im->record, &subject, &id) == IMPORT_SAME &&
		    subject_in_series(subject, im->pkg, de->d_name)) {
			found_done(im, path, subject, &id);
			ret = STEP_DONE;
		}
		free(subject);
		free(path);
	}
	if (d)
		closedir(d);
	return ret;
}

/* The one entry of dir, or NULL when it has none or several. */
static char *single_entry(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *only = NULL;
	int n = 0;

	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!n++)
			only = xstrdup(de->d_name);
	}
	if (d)
		closedir(d);
	if (n != 1) {
		free(only);
		return NULL;
	}
	return only;
}

/* The tree is the tarball's one top directory, or the extraction itself. */
static void find_root(struct import *im, const char *out)
{
	char *mk = path_join(out, "Makefile"), *only = single_entry(out);
	char *top = only ? path_join(out, only) : NULL;
	struct stat st;

	if (!path_exists(mk) && top && lstat(top, &st) == 0 && S_ISDIR(st.st_mode)) {
		im->root = top;
		top = NULL;
	} else {
		im->root = xstrdup(out);
	}
	free(top);
	free(only);
	free(mk);
}

static int tar_failed(struct import *im, const char *log, int status)
{
	char *text = NULL;
	int ret;

	if (read_file(log, &text, NULL) < 0)
		text = xstrdup("");
	text[strcspn(text, "\n")] = '\0';
	ret = bad_input("%s: tar could not extract it (exit %d%s%s); check that it is a complete tar archive (tar -tf %s)",
			im->tarball, status, *text ? ": " : "", text, im->tarball);
	free(text);
	return ret;
}

static int extract(struct import *im)
{
	const char *const argv[] = { "tar", "-x", "--force-local", "--no-same-owner",
				     "--no-same-permissions", "-f", im->abs, NULL };
	char *out = path_join(im->tmp, "tree"), *log = path_join(im->tmp, "tar.log");
	struct spawn_result res = {0};
	double t0 = now_s();
	int ret = STEP_FAIL;

	progress("%s: extracting into %s", im->tarball, out);
	if (mkdir(out, 0755) < 0) {
		sys_fail(out, "cannot create");
		goto out;
	}
	if (spawn_run(argv, out, TAR_TIMEOUT_S, log, &res) < 0)
		goto out;
	if (res.status) {
		ret = tar_failed(im, log, res.status);
		goto out;
	}
	progress("extracted in %.1f s", now_s() - t0);
	find_root(im, out);
	ret = 0;
out:
	spawn_result_release(&res);
	free(log);
	free(out);
	return ret;
}

static int read_version(struct import *im)
{
	char *git = path_join(im->root, ".git");
	int rc = kernel_version_read(im->root, &im->kv), exists = path_exists(git);

	free(git);
	if (rc < 0)
		return STEP_FAIL;
	if (rc > 0)
		return bad_input("%s: not a kernel source tarball: no Makefile with VERSION and PATCHLEVEL at its top; give a Linux source tarball, e.g. /usr/src/linux-source-6.1.tar.xz",
				 im->tarball);
	if (exists)
		return bad_input("%s: holds a .git at its top; clone that repository instead of importing it",
				 im->tarball);
	progress("%s: Linux %s", im->tarball, im->kv.str);
	return 0;
}

static int build(struct import *im, struct import_result *res)
{
	char *msg = xprintf("Import %s %s from %s\n\n%s\n", im->pkg, im->kv.str, im->abs,
			    im->record);
	char *tag = xprintf("v%s", im->kv.str);
	int ret = import_tree(im->root, msg, im->st.st_mtime, tag, res) < 0 ? STEP_FAIL : 0;

	free(tag);
	free(msg);
	return ret;
}

/* The finished repository takes dest's name, unless something took it meanwhile. */
static int install(struct import *im)
{
	if (!renameat2(AT_FDCWD, im->root, AT_FDCWD, im->dest, RENAME_NOREPLACE))
		return 0;
	if (errno == EEXIST || errno == ENOTEMPTY)
		return bad_input("%s: appeared while importing; remove it or import elsewhere with --into or --name",
				 im->dest);
	return sys_fail(im->dest, "cannot rename the new repository into place");
}

static void imported(struct import *im, const struct import_result *res, double t0)
{
	struct import_outcome *out = im->out;

	out->dest = xstrdup(im->dest);
	out->pkg = xstrdup(im->pkg);
	out->kv = im->kv;
	out->commit = res->commit;
	out->files = res->files;
	out->seconds = now_s() - t0;
}

static void unlock_into(struct import *im)
{
	if (im->into_fd >= 0)
		close(im->into_fd);
	im->into_fd = -1;
}

/* Up to the extraction: tarball, destination and a locked temporary directory. */
static int prepare(struct import *im)
{
	int ret = check_tarball(im);

	if (!ret)
		ret = prepare_into(im);
	if (!ret && im->name) {
		im->dest = path_join(im->into, im->name);
		ret = check_dest(im);
	} else if (!ret) {
		ret = find_previous(im);
	}
	if (!ret)
		ret = make_tmp(im);
	unlock_into(im);
	return ret;
}

static int run_import(struct import *im)
{
	struct import_result res;
	double t0 = now_s();
	int ret = prepare(im);

	if (!ret)
		ret = extract(im);
	if (!ret)
		ret = read_version(im);
	if (!ret && !im->dest) {
		im->dest = path_join(im->into, im->kv.series);
		ret = check_dest(im);
	}
	if (!ret)
		ret = build(im, &res);
	if (!ret)
		ret = install(im);
	if (!ret)
		imported(im, &res, t0);
	return ret;
}

static void import_release(struct import *im, int ret)
{
	if (im->tmp && rm_rf(im->tmp) < 0)
		warn("%s: left behind; the next import removes it", im->tmp);
	if (im->tmp_fd >= 0)
		close(im->tmp_fd);
	unlock_into(im);
	if (ret)
		unmake_into(im);
	free(im->into);
	free(im->abs);
	free(im->pkg);
	free(im->record);
	free(im->made);
	free(im->tmp);
	free(im->root);
	free(im->dest);
}

/*
 * Import a tarball: 0 with *out filled (out->already when dest held this
 * import: nothing was done), IMPORT_BAD on bad input (one error printed,
 * nothing left behind), -1 when the import could not be done.
 */
int import_tarball(const struct import_opts *o, struct import_outcome *out)
{
	struct import im = { .into_fd = -1, .tmp_fd = -1, .out = out };
	size_t n;
	int ret;

	memset(out, 0, sizeof(*out));
	im.tarball = o->tarball;
	im.name = o->name;
	im.into = xstrdup(o->into && *o->into ? o->into : ".");
	n = strlen(im.into);
	while (n > 1 && im.into[n - 1] == '/')
		im.into[--n] = '\0';
	ret = run_import(&im);
	import_release(&im, ret < 0);
	return ret == STEP_DONE ? 0 : ret;
}

void import_outcome_release(struct import_outcome *out)
{
	free(out->dest);
	free(out->subject);
	free(out->pkg);
	memset(out, 0, sizeof(*out));
}

