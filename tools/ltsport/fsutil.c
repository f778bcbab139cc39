// SPDX-License-Identifier: GPL-2.0
/*
 * File system helpers. Every output goes to a temporary name first and is
 * renamed into place, so a killed run leaves the previous result intact;
 * the data and then the directory entry are synced, so a crash does too.
 * Temporaries are registered with spawn.c, which removes them when a
 * signal stops ltsport; what a SIGKILL left is removed by the next write.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "spawn.h"
#include "fsutil.h"

int read_file(const char *path, char **out, size_t *len)
{
	struct sbuf sb = {0};
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return error("%s: cannot open: %s", path, strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		sbuf_add(&sb, chunk, n);
	if (n < 0) {
		error("%s: read failed: %s", path, strerror(errno));
		close(fd);
		sbuf_release(&sb);
		return -1;
	}
	close(fd);
	if (len)
		*len = sb.len;
	*out = sbuf_detach(&sb);
	return 0;
}

/* Like read_file, but a missing file is no error: returns 1 silently. */
int read_file_quiet(const char *path, char **out)
{
	if (!path_exists(path))
		return 1;
	return read_file(path, out, NULL);
}

int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t done = 0;

	if (fd < 0)
		return error("%s: cannot create: %s", path, strerror(errno));
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			error("%s: write failed: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		done += n;
	}
	if (fsync(fd) < 0 || close(fd) < 0)
		return error("%s: cannot flush: %s", path, strerror(errno));
	return 0;
}

/* Make a rename or a new entry in dir durable. */
int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return error("%s: cannot open the directory to sync it: %s", dir, strerror(errno));
	if (fsync(fd) < 0 && errno != EINVAL) {
		error("%s: cannot sync the directory: %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * <name>.tmp.<pid> files in dir whose pid is dead: what a run killed with
 * SIGKILL (no handler runs) left behind.
 */
static void remove_stale_temps(const char *dir, const char *name)
{
	size_t n = strlen(name);
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *p = de->d_name;
		char *end;
		long pid;

		if (strncmp(p, name, n) || strncmp(p + n, ".tmp.", 5))
			continue;
		pid = strtol(p + n + 5, &end, 10);
		if (*end || pid <= 0 || pid == (long)getpid() ||
		    !(kill((pid_t)pid, 0) < 0 && errno == ESRCH))
			continue;
		unlinkat(dirfd(d), p, 0);
	}
	closedir(d);
}

/* Write a temp in the same dir, fsync it, rename it into place, fsync the dir. */
int write_file_atomic(const char *path, const char *data, size_t len)
{
	char *tmp = xprintf("%s.tmp.%ld", path, (long)getpid());
	char *dir = dir_of(path);
	int ret;

	remove_stale_temps(dir, base_name(path));
	spawn_temp_add(tmp);
	ret = write_file(tmp, data, len);
	if (!ret && rename(tmp, path) < 0)
		ret = error("%s: cannot rename into place: %s", path, strerror(errno));
	if (ret)
		unlink(tmp);
	spawn_temp_forget(tmp);
	if (!ret)
		ret = fsync_dir(dir);
	free(dir);
	free(tmp);
	return ret;
}

/* mkdir -p: 0, or -1 with errno and *failed (when not NULL) the part that failed. */
int mkdir_p_quiet(const char *path, char **failed)
{
	char *p = xstrdup(path);
	char *s;
	int ret = 0;

	for (s = p + 1; ; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			int e = errno;

			if (failed)
				*failed = xstrdup(p);
			errno = e;
			ret = -1;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return ret;
}

int mkdir_p(const char *path)
{
	char *failed = NULL;
	int ret = mkdir_p_quiet(path, &failed);

	if (ret < 0) {
		int e = errno;

		ret = error("%s: cannot create directory: %s", failed, strerror(e));
		free(failed);
	}
	return ret;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int rm_rf(const char *path)
{
	if (!path_exists(path)) {
		spawn_temp_forget(path);
		return 0;
	}
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS) < 0)
		return error("%s: cannot remove: %s", path, strerror(errno));
	spawn_temp_forget(path);
	return 0;
}

int path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, slash - path);
}

/* The last component of a path, within it. */
const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

char *path_join(const char *dir, const char *name)
{
	if (name[0] == '/')
		return xstrdup(name);
	return xprintf("%s/%s", dir, name);
}

/* A new directory parent/.<prefix>.XXXXXX, removed if a signal stops us. */
char *make_temp_dir(const char *parent, const char *prefix)
{
	char *tmpl = xprintf("%s/.%s.XXXXXX", parent, prefix);
	sigset_t old;
	int made;

	/* made and registered with the signals held: none falls in between */
	spawn_hold_signals(&old);
	made = mkdtemp(tmpl) != NULL;
	if (made)
		spawn_temp_add(tmpl);
	spawn_release_signals(&old);
	if (!made) {
		error("%s: cannot make a temporary directory: %s", parent, strerror(errno));
		free(tmpl);
		return NULL;
	}
	return tmpl;
}

/*
 * Move a finished directory into place. An existing result is swapped out
 * in one step (RENAME_EXCHANGE) and only then removed, so readers see
 * either the old or the new directory, never a mix or nothing. The new
 * directory's entries and the parent's are synced. tmp stays registered
 * as a temporary until the old result it holds after a swap is gone.
 */
int install_dir(const char *tmp, const char *dest)
{
	char *parent = dir_of(dest);
	int ret = fsync_dir(tmp);

	if (ret)
		goto out;
	if (rename(tmp, dest) == 0) {
		spawn_temp_forget(tmp);
		ret = fsync_dir(parent);
		goto out;
	}
	if (errno != ENOTEMPTY && errno != EEXIST) {
		ret = error("%s: cannot rename into place: %s", dest, strerror(errno));
		goto out;
	}
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dest, RENAME_EXCHANGE) < 0) {
		ret = error("%s: cannot swap into place: %s", dest, strerror(errno));
		goto out;
	}
	ret = fsync_dir(parent);
	if (rm_rf(tmp) < 0)
		ret = -1;
out:
	free(parent);
	return ret;
}

int write_text_out(const char *path, const char *text, const char *what)
{
	if (path)
		return write_file_atomic(path, text, strlen(text));
	if (fputs(text, stdout) == EOF || fflush(stdout))
		return error("stdout: cannot write the %s: %s", what, strerror(errno));
	return 0;
}
