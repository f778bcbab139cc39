// SPDX-License-Identifier: GPL-2.0
/*
 * A tree's workspace: its checked names, every path it writes under
 * backports/, its result branch and its lock. Nothing is written before the
 * names are known to stay inside backports/.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "conf.h"
#include "verdict.h"
#include "workspace.h"

#define LOCK_POLL_US 100000

/*
 * The same rule as conf.c's name_is_safe(), which another branch adds;
 * once both are in, this one calls it.
 */
int ws_name_is_safe(const char *name)
{
	const char *p;

	if (!name || !*name || *name == '.' || *name == '-' || strstr(name, ".."))
		return 0;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

/* An absolute root: canonical when it exists, else cwd-joined. */
static char *absolute_root(const char *root)
{
	char *real = realpath(root, NULL);
	char cwd[PATH_MAX];

	if (real)
		return real;
	if (*root == '/' || !getcwd(cwd, sizeof(cwd)))
		return xstrdup(root);
	return path_join(cwd, root);
}

int ws_init(struct tree_ws *ws, struct tree_conf *conf, const char *conffile,
	    const char *series_name, const char *series_where, const char *root)
{
	int valid = 0;

	memset(ws, 0, sizeof(*ws));
	ws->lock.fd = -1;
	ws->conf = conf;
	ws->conffile = conffile;
	ws->name = conf->name;
	ws->series_name = series_name;
	if (!ws_name_is_safe(conf->name))
		return error("%s:%d: tree name '%s' cannot name a directory under backports/; use letters, digits, '.', '_' and '-', not starting with '.' or '-'",
			     conffile, conf->line, conf->name);
	if (!ws_name_is_safe(series_name))
		return error("%s: series name '%s' cannot name a directory under backports/ nor a branch; rename the series directory with letters, digits, '.', '_' and '-'",
			     series_where, series_name);
	ws->branch = xprintf("refs/heads/ltsport/%s/%s", series_name, conf->name);
	if (git_reference_name_is_valid(&valid, ws->branch) < 0 || !valid) {
		git_error_clear();
		return error("%s:%d: tree %s, series %s: %s is not a valid branch name; rename the tree or the series",
			     conffile, conf->line, conf->name, series_name, ws->branch);
	}
	ws->root = absolute_root(root);
	ws->out = xprintf("%s/%s/%s", ws->root, series_name, conf->name);
	ws->work = xprintf("%s/.work/%s", ws->root, conf->name);
	return 0;
}

void ws_attach(struct tree_ws *ws, struct tree_state *ts, struct series *s)
{
	ws->ts = ts;
	ws->series = s;
	ws->repo = ts ? ts->repo : NULL;
	ws->tip = ts ? ts->tip : NULL;
}

char *ws_path(const struct tree_ws *ws, enum ws_item item, const char *name)
{
	const char *base;
	char *dir, *p;

	switch (item) {
	case WS_OUT:
		base = ws->out;
		break;
	case WS_SRC:
		dir = path_join(ws->work, "src");
		goto sub;
	case WS_OBJ:
		dir = path_join(ws->work, "obj");
		goto sub;
	case WS_LOCK:
		return path_join(ws->work, "lock");
	case WS_WORK:
	case WS_LOG:
	default:
		base = ws->work;
		break;
	}
	return name ? path_join(base, name) : xstrdup(base);
sub:
	if (!name)
		return dir;
	p = path_join(dir, name);
	free(dir);
	return p;
}

const char *ws_branch_short(const struct tree_ws *ws)
{
	return ws->branch + strlen("refs/heads/");
}

int ws_make_work(struct tree_ws *ws)
{
	char *real;

	if (mkdir_p(ws->work) < 0)
		return error("%s: %s: cannot make the work directory", ws->name, ws->work);
	real = realpath(ws->work, NULL);
	if (!real)
		return error("%s: %s: %s", ws->name, ws->work, strerror(errno));
	free(ws->work);
	ws->work = real;
	return 0;
}

/* "pid N (ltsport cmd) since HH:MM:SS", from the lock file and its mtime. */
static char *lock_holder(int fd)
{
	char buf[128], when[16] = "?";
	struct stat st;
	struct tm tm;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return xstrdup("another run");
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!fstat(fd, &st) && localtime_r(&st.st_mtime, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	return xprintf("%s since %s", buf, when);
}

static int lock_write_holder(int fd, const char *cmd)
{
	char *text = xprintf("pid %ld (ltsport %s)\n", (long)getpid(), cmd);
	size_t len = strlen(text);
	int ret = 0;

	if (ftruncate(fd, 0) < 0 || pwrite(fd, text, len, 0) != (ssize_t)len)
		ret = -1;
	free(text);
	return ret;
}

int ws_lock(struct tree_ws *ws, const char *cmd, int wait_s)
{
	double deadline;
	char *who;
	int fd;

	if (ws->lock.fd >= 0)
		return 0;
	if (ws_make_work(ws) < 0)
		return -1;
	free(ws->lock.path);
	ws->lock.path = ws_path(ws, WS_LOCK, NULL);
	fd = open(ws->lock.path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return error("%s: %s: cannot open the lock: %s", ws->name, ws->lock.path,
			     strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK) {
			error("%s: %s: cannot lock: %s", ws->name, ws->lock.path, strerror(errno));
			goto fail;
		}
		who = lock_holder(fd);
		if (!wait_s) {
			error("%s: locked by %s; wait for it to finish, or pass --wait SECONDS",
			      ws->name, who);
			free(who);
			goto fail;
		}
		fprintf(stderr, "ltsport: %s: locked by %s; waiting\n", ws->name, who);
		free(who);
		deadline = now_s() + wait_s;
		while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			if (errno != EWOULDBLOCK || now_s() >= deadline) {
				who = lock_holder(fd);
				error("%s: still locked by %s after %d s; try again later",
				      ws->name, who, wait_s);
				free(who);
				goto fail;
			}
			usleep(LOCK_POLL_US);
		}
	}
	if (lock_write_holder(fd, cmd) < 0) {
		error("%s: %s: cannot write the lock: %s", ws->name, ws->lock.path,
		      strerror(errno));
		goto fail;
	}
	ws->lock.fd = fd;
	return 0;
fail:
	close(fd);
	return -1;
}

void ws_unlock(struct tree_ws *ws)
{
	if (ws->lock.fd >= 0) {
		/* leave the file: removing a flock file races with the next taker */
		if (ftruncate(ws->lock.fd, 0) < 0)
			warn("%s: cannot clear the lock", ws->lock.path);
		close(ws->lock.fd);
	}
	ws->lock.fd = -1;
	free(ws->lock.path);
	ws->lock.path = NULL;
}

int ws_find_ported(struct tree_ws *ws, git_commit **out)
{
	git_oid id;
	int ret = 0;

	*out = NULL;
	if (!ws->repo)
		return 0;
	if (git_reference_name_to_id(&id, ws->repo, ws->branch) == 0) {
		if (git_commit_lookup(out, ws->repo, &id) < 0)
			ret = git_fail(ws->branch);
		else
			ret = git_graph_descendant_of(ws->repo, &id, git_commit_id(ws->tip)) == 1 ?
			      1 : 2;
	}
	git_error_clear();
	return ret;
}

void ws_release(struct tree_ws *ws)
{
	ws_unlock(ws);
	free(ws->root);
	free(ws->out);
	free(ws->work);
	free(ws->branch);
	memset(ws, 0, sizeof(*ws));
	ws->lock.fd = -1;
}

char *ws_shared_path(const struct tree_ws *ws, const char *name)
{
	return xprintf("%s/.work/%s", ws->root, name);
}
