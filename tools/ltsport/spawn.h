/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_SPAWN_H
#define LTSPORT_SPAWN_H

#include <signal.h>
#include <sys/types.h>

struct sbuf;

#define SPAWN_GRACE_S	3	/* SIGTERM to SIGKILL, when grace_s is 0 */

/*
 * One child process, in its own process group, held to a time limit.
 * Standard input is /dev/null unless keep_stdin is set. With out, standard
 * output is captured there and standard error goes to log (appended) or is
 * dropped; without out, standard output and standard error both go to log
 * through one open file, in the order the program wrote them (or are
 * dropped when log is NULL).
 */
struct spawn {
	const char *const *argv;
	const char *cwd;		/* NULL: ours */
	int timeout_s;			/* then SIGTERM to the group */
	int grace_s;			/* then SIGKILL; 0: SPAWN_GRACE_S */
	const char *log;
	struct sbuf *out;
	int keep_stdin;
	/*
	 * Called from spawn_wait() about every tick_s seconds while the child
	 * runs (from its poll loop, never from a signal handler); NULL: none.
	 * Nonzero stops the child as its time limit would (timed_out).
	 */
	int (*tick)(void *arg);
	void *tick_arg;
	int tick_s;

	/* set by spawn_start() */
	pid_t pid;			/* also the process group */
	int exec_errno;			/* why it could not be started, or 0 */
	int out_fd, wait_fd;
	double t0;
};

struct spawn_status {
	int code;			/* exit code, or 128 + signal */
	int signal;			/* the signal that ended it, or 0 */
	int timed_out;			/* stopped at its time limit */
	double seconds;
};

extern int spawn_pidfd;		/* 0: wait through SIGCHLD, as without pidfds */

int spawn_start(struct spawn *sp);
int spawn_wait(struct spawn *sp, struct spawn_status *st);

/*
 * On SIGINT, SIGTERM and SIGHUP: stop every live child's group, remove the
 * registered temporary files and directories, and die of the signal.
 */
int spawn_signals_init(void);
void spawn_temp_add(const char *path);
void spawn_temp_forget(const char *path);
void spawn_hold_signals(sigset_t *old);
void spawn_release_signals(const sigset_t *old);

/* The older interface, over the one above. */
struct spawn_result {
	int status;		/* exit code, or 128 + signal */
	int timed_out;
	char *out;		/* captured standard output */
};

int spawn_run_limited(const char *const argv[], const char *cwd, int timeout_s,
		      const char *errlog, struct spawn_result *res);
int spawn_run(const char *const argv[], const char *cwd, int timeout_s,
	      const char *errlog, struct spawn_result *res);
void spawn_result_release(struct spawn_result *res);

#endif
