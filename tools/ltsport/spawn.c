// SPDX-License-Identifier: GPL-2.0
/*
 * Every external program (spatch, patch, make, qemu, ...) runs through here:
 * in its own process group, with a hard time limit, standard output
 * captured and standard error kept in a log.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "spawn.h"

static void child(const char *const argv[], const char *cwd, int out, const char *errlog)
{
	int err = errlog ? open(errlog, O_WRONLY | O_CREAT | O_APPEND, 0644) :
			   open("/dev/null", O_WRONLY);

	setpgid(0, 0);
	if (err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(126);
	if (cwd && chdir(cwd) < 0)
		_exit(126);
	execvp(argv[0], (char *const *)argv);
	_exit(errno == ENOENT ? 127 : 126);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read the child's output until it closes it or the deadline passes. */
static int drain(int fd, long deadline, struct sbuf *sb)
{
	char buf[65536];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			return 1;
		if (poll(&p, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (!p.revents)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		sbuf_add(sb, buf, n);
	}
}

/*
 * Wait for the child until the deadline: a program that closed its output
 * early is still held to its time limit. 1 when the deadline passed.
 */
static int reap(pid_t pid, long deadline, int *wst)
{
	for (;;) {
		pid_t r = waitpid(pid, wst, WNOHANG);

		if (r == pid || (r < 0 && errno != EINTR))
			return 0;
		if (now_ms() >= deadline)
			return 1;
		usleep(20000);
	}
}

/*
 * Run argv with a time limit. Returns 0 when the program ran (its exit
 * status is in res), -1 when it could not be started or was killed at its
 * time limit (res->timed_out, said by the caller).
 */
int spawn_run_limited(const char *const argv[], const char *cwd, int timeout_s,
		      const char *errlog, struct spawn_result *res)
{
	struct sbuf sb = {0};
	int pipefd[2], wst = 0;
	long deadline;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return error("%s: cannot make a pipe: %s", argv[0], strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return error("%s: cannot fork: %s", argv[0], strerror(errno));
	}
	if (!pid)
		child(argv, cwd, pipefd[1], errlog);
	setpgid(pid, pid);
	close(pipefd[1]);
	deadline = now_ms() + timeout_s * 1000L;
	res->timed_out = drain(pipefd[0], deadline, &sb) == 1;
	close(pipefd[0]);
	if (!res->timed_out)
		res->timed_out = reap(pid, deadline, &wst);
	if (res->timed_out) {
		kill(-pid, SIGKILL);
		while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
			;
	}
	res->out = sbuf_detach(&sb);
	res->status = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
	if (res->timed_out)
		return -1;
	if (res->status == 127)
		return error("%s: not found; install it (see tools/install-deps.sh)", argv[0]);
	return 0;
}

/* spawn_run_limited(), saying so when the time limit killed the program. */
int spawn_run(const char *const argv[], const char *cwd, int timeout_s,
	      const char *errlog, struct spawn_result *res)
{
	int ret = spawn_run_limited(argv, cwd, timeout_s, errlog, res);

	if (ret < 0 && res->timed_out)
		return error("%s: killed after its time limit of %d s%s%s", argv[0], timeout_s,
			     errlog ? "; see " : "", errlog ? errlog : "");
	return ret;
}

void spawn_result_release(struct spawn_result *res)
{
	free(res->out);
	memset(res, 0, sizeof(*res));
}
