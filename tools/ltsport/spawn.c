// SPDX-License-Identifier: GPL-2.0
/*
 * Every external program (spatch, patch, make, qemu, ...) runs through here:
 * in its own process group, standard input /dev/null, with a time limit
 * (SIGTERM to the group, a grace, then SIGKILL), standard output captured
 * or, with standard error, kept in one log in the order it was written.
 * A program that could not be started says why over a close-on-exec pipe,
 * as git's run-command.c does, so "not found" is known, not guessed from
 * an exit code. The wait is a poll() on a pidfd (or, on kernels without
 * pidfds, on a pipe that a SIGCHLD handler writes to), never a sleep loop.
 *
 * Signals (spawn_signals_init): ltsport keeps a registry of the process
 * groups of its live children and of its temporary files and directories.
 * On SIGINT, SIGTERM or SIGHUP the handler itself does the whole shutdown,
 * with async-signal-safe calls only: kill() to forward SIGTERM to every
 * live group, waitpid() and poll() as a clock for the grace, SIGKILL to
 * what is left, waitpid() until every descendant is reaped (ltsport is a
 * child subreaper, so orphans of make come to it), then unlink()/rmdir()
 * of the registered temporaries (directories are emptied with openat(),
 * getdents64() and unlinkat(), no allocation) and the signal is raised
 * again with its default action, so the exit status is 128 + signal. Doing
 * it in the handler rather than setting a flag means a signal is obeyed
 * at once wherever ltsport is (a checkout, libgit2 work, a poll), and the
 * work is only ever cut short, never resumed: results are renamed into
 * place when complete, so the previous ones stay. The handler runs only on
 * the main thread (another thread passes the signal on with pthread_kill),
 * and the registry is changed there with the signals held, so the handler
 * never sees a half-made entry.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "spawn.h"

#define MAX_LIVE	16
#define MAX_TEMP	64
#define KILL_WAIT_MS	3000	/* after SIGKILL, for the group to be gone */
#define RM_DEPTH	64

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

static pid_t owner_pid;
static pthread_t main_thread;
static sig_atomic_t stopping;	/* the handler's own: a second signal waits */
static struct { pid_t pid; int grace_s; } live[MAX_LIVE];
static char *temps[MAX_TEMP];
static int chld_pipe[2] = { -1, -1 };
int spawn_pidfd = 1;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void spawn_hold_signals(sigset_t *old)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < ARRAY_SIZE(stop_signals); i++)
		sigaddset(&set, stop_signals[i]);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

void spawn_release_signals(const sigset_t *old)
{
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

static int track(pid_t pid, int grace_s)
{
	size_t i;

	for (i = 0; i < MAX_LIVE; i++) {
		if (live[i].pid)
			continue;
		live[i].grace_s = grace_s;
		__atomic_store_n(&live[i].pid, pid, __ATOMIC_SEQ_CST);
		return 0;
	}
	return -1;
}

static void untrack(pid_t pid)
{
	size_t i;

	for (i = 0; i < MAX_LIVE; i++)
		if (live[i].pid == pid)
			__atomic_store_n(&live[i].pid, 0, __ATOMIC_SEQ_CST);
}

static int tracked(pid_t pid)
{
	size_t i;

	for (i = 0; i < MAX_LIVE; i++)
		if (live[i].pid == pid)
			return 1;
	return 0;
}

/* A temporary file or directory, removed if a signal stops ltsport. */
void spawn_temp_add(const char *path)
{
	char *copy = xstrdup(path);
	sigset_t old;
	size_t i;

	spawn_hold_signals(&old);
	for (i = 0; i < MAX_TEMP && temps[i]; i++)
		;
	if (i < MAX_TEMP)
		__atomic_store_n(&temps[i], copy, __ATOMIC_SEQ_CST);
	spawn_release_signals(&old);
	if (i == MAX_TEMP) {
		warn("%s: more than %d temporary files at once; not removed on a signal",
		     path, MAX_TEMP);
		free(copy);
	}
}

/* The temporary is gone or in place: no longer ours to remove. */
void spawn_temp_forget(const char *path)
{
	size_t i;

	for (i = 0; i < MAX_TEMP; i++) {
		char *p = temps[i];

		if (p && !strcmp(p, path)) {
			__atomic_store_n(&temps[i], NULL, __ATOMIC_SEQ_CST);
			free(p);
		}
	}
}

/* --- the signal handler and what it calls: async-signal-safe only --- */

static void say(const char *s)
{
	ssize_t n = write(2, s, strlen(s));

	(void)n;
}

static void pause_ms(int ms)
{
	poll(NULL, 0, ms);
}

/* Remove name in dirfd, a directory emptied first; no allocation. 0 when gone. */
static int rm_tree_safe(int dirfd, const char *name, int depth)
{
	char buf[2048];
	int fd, removed;

	if (!unlinkat(dirfd, name, 0) || errno == ENOENT)
		return 0;
	if ((errno != EISDIR && errno != EPERM) || depth >= RM_DEPTH)
		return -1;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	do {
		ssize_t n;

		removed = 0;
		lseek(fd, 0, SEEK_SET);
		while ((n = getdents64(fd, buf, sizeof(buf))) > 0) {
			ssize_t off = 0;

			while (off < n) {
				struct dirent64 *de = (struct dirent64 *)(buf + off);

				off += de->d_reclen;
				if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
				    !rm_tree_safe(fd, de->d_name, depth + 1))
					removed = 1;
			}
		}
	} while (removed && unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno == ENOTEMPTY);
	close(fd);
	return unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT ? 0 : -1;
}

static void stop_children(void)
{
	long start = now_ms(), grace_ms = 0;
	int left, st;
	size_t i;

	for (i = 0; i < MAX_LIVE; i++) {
		pid_t pid = __atomic_load_n(&live[i].pid, __ATOMIC_SEQ_CST);

		if (!pid)
			continue;
		kill(-pid, SIGTERM);
		kill(-pid, SIGCONT);
		if ((live[i].grace_s ? live[i].grace_s : SPAWN_GRACE_S) * 1000L > grace_ms)
			grace_ms = (live[i].grace_s ? live[i].grace_s : SPAWN_GRACE_S) * 1000L;
	}
	do {
		left = 0;
		for (i = 0; i < MAX_LIVE; i++) {
			pid_t pid = __atomic_load_n(&live[i].pid, __ATOMIC_SEQ_CST);

			if (pid && waitpid(pid, &st, WNOHANG) == 0)
				left = 1;
		}
		if (left)
			pause_ms(20);
	} while (left && now_ms() - start < grace_ms);
	/* what ignored SIGTERM, and what the leaders left in their groups */
	for (i = 0; i < MAX_LIVE; i++) {
		pid_t pid = __atomic_load_n(&live[i].pid, __ATOMIC_SEQ_CST);

		if (pid)
			kill(-pid, SIGKILL);
	}
	start = now_ms();
	for (;;) {
		pid_t r = waitpid(-1, &st, WNOHANG);

		if (r < 0 && errno == ECHILD)
			break;
		if (r <= 0) {
			if (now_ms() - start > KILL_WAIT_MS)
				break;
			pause_ms(10);
		}
	}
}

static void remove_temps(void)
{
	size_t i;

	for (i = MAX_TEMP; i-- > 0; ) {
		char *p = __atomic_load_n(&temps[i], __ATOMIC_SEQ_CST);

		if (p)
			rm_tree_safe(AT_FDCWD, p, 0);
	}
}

static void on_signal(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t set;

	if (getpid() != owner_pid) {
		/* a child between fork and exec: just die of it */
		sigaction(sig, &dfl, NULL);
		raise(sig);
		_exit(128 + sig);
	}
	if (!pthread_equal(pthread_self(), main_thread)) {
		pthread_kill(main_thread, sig);
		return;
	}
	if (stopping)
		return;
	stopping = 1;
	progress_clear_signal();
	say(sig == SIGINT ? "ltsport: interrupted (SIGINT)" :
	    sig == SIGTERM ? "ltsport: terminated (SIGTERM)" : "ltsport: hung up (SIGHUP)");
	say(": stopping the programs it runs, removing its temporary files; earlier results are kept\n");
	stop_children();
	remove_temps();
	sigaction(sig, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

static void on_sigchld(int sig)
{
	int saved = errno;
	ssize_t n = write(chld_pipe[1], "", 1);

	(void)sig;
	(void)n;
	errno = saved;
}

/* --- end of the signal handler's world --- */

int spawn_signals_init(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	size_t i;

	owner_pid = getpid();
	main_thread = pthread_self();
	/* orphans of our children come to us, so that a stop can reap them all */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(stop_signals); i++)
		sigaddset(&sa.sa_mask, stop_signals[i]);
	for (i = 0; i < ARRAY_SIZE(stop_signals); i++) {
		struct sigaction old;

		/* a signal ignored by whoever started us (nohup) stays ignored */
		if (sigaction(stop_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		if (sigaction(stop_signals[i], &sa, NULL) < 0)
			return error("cannot handle signal %d: %s", stop_signals[i],
				     strerror(errno));
	}
	return 0;
}

/* Without pidfds: a pipe that SIGCHLD writes to, made once. */
static int sigchld_fd(void)
{
	struct sigaction sa = { .sa_handler = on_sigchld, .sa_flags = SA_RESTART };

	if (chld_pipe[0] >= 0)
		return chld_pipe[0];
	if (pipe2(chld_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	return chld_pipe[0];
}

static int open_wait_fd(pid_t pid)
{
#ifdef SYS_pidfd_open
	int fd = spawn_pidfd ? syscall(SYS_pidfd_open, pid, 0) : -1;

	if (fd >= 0) {
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		return fd;
	}
#endif
	return sigchld_fd();
}

static void child_report(int fd, int step)
{
	int msg[2] = { step, errno };
	ssize_t n = write(fd, msg, sizeof(msg));

	(void)n;
	_exit(127);
}

/* fd as target, open across exec (dup2 of an fd onto itself keeps O_CLOEXEC) */
static int move_fd(int fd, int target)
{
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, target);
}

/*
 * Between fork and exec: async-signal-safe calls only. The child gets
 * SIGTERM when ltsport dies, even by SIGKILL (no handler of ours runs
 * then): a QEMU or make is not left behind.
 */
static void child(const struct spawn *sp, pid_t parent, int in, int out, int log, int report)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(stop_signals); i++) {
		struct sigaction old;

		if (sigaction(stop_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(stop_signals[i], &dfl, NULL);
	}
	sigaction(SIGCHLD, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() != parent)
		_exit(128 + SIGTERM);
	if ((in >= 0 && move_fd(in, 0) < 0) || move_fd(out >= 0 ? out : log, 1) < 0 ||
	    move_fd(log, 2) < 0)
		child_report(report, 1);
	if (sp->cwd && chdir(sp->cwd) < 0)
		child_report(report, 2);
	execvp(sp->argv[0], (char *const *)sp->argv);
	child_report(report, 0);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int start_failed(struct spawn *sp, const int msg[2])
{
	int st;

	while (waitpid(sp->pid, &st, 0) < 0 && errno == EINTR)
		;
	untrack(sp->pid);
	sp->pid = -1;
	sp->exec_errno = msg[1];
	close_fd(&sp->out_fd);
	if (!msg[0] && msg[1] == ENOENT)
		return error("%s: not found; install it (see tools/install-deps.sh)",
			     sp->argv[0]);
	if (!msg[0])
		return error("%s: cannot run it: %s", sp->argv[0], strerror(msg[1]));
	if (msg[0] == 2)
		return error("%s: cannot enter %s: %s", sp->argv[0], sp->cwd, strerror(msg[1]));
	return error("%s: cannot set up its input and output: %s", sp->argv[0],
		     strerror(msg[1]));
}

/* Start the program: 0, or -1 with the reason said (sp->exec_errno). */
int spawn_start(struct spawn *sp)
{
	int in = -1, log = -1, outp[2] = { -1, -1 }, rep[2] = { -1, -1 }, msg[2];
	const char *logname = sp->log ? sp->log : "/dev/null";
	ssize_t n = 0;
	int ret = -1, tracked_ok = 0;
	pid_t parent;
	sigset_t old;

	sp->pid = -1;
	sp->exec_errno = 0;
	sp->out_fd = sp->wait_fd = -1;
	if (!sp->keep_stdin)
		in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!sp->keep_stdin && in < 0) {
		error("/dev/null: cannot open: %s", strerror(errno));
		goto out;
	}
	log = open(logname, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log < 0) {
		error("%s: cannot open the log of %s: %s", logname, sp->argv[0], strerror(errno));
		goto out;
	}
	if ((sp->out && pipe2(outp, O_CLOEXEC) < 0) || pipe2(rep, O_CLOEXEC) < 0) {
		error("%s: cannot make a pipe: %s", sp->argv[0], strerror(errno));
		goto out;
	}
	spawn_hold_signals(&old);
	parent = getpid();
	sp->pid = fork();
	if (!sp->pid)
		child(sp, parent, in, outp[1], log, rep[1]);
	if (sp->pid > 0) {
		setpgid(sp->pid, sp->pid);
		tracked_ok = track(sp->pid, sp->grace_s) == 0;
	}
	spawn_release_signals(&old);
	if (sp->pid < 0) {
		error("%s: cannot fork: %s", sp->argv[0], strerror(errno));
		goto out;
	}
	if (!tracked_ok) {
		kill(-sp->pid, SIGKILL);
		while (waitpid(sp->pid, NULL, 0) < 0 && errno == EINTR)
			;
		sp->pid = -1;
		error("%s: more than %d programs at once", sp->argv[0], MAX_LIVE);
		goto out;
	}
	close_fd(&rep[1]);
	close_fd(&outp[1]);
	sp->out_fd = outp[0];
	outp[0] = -1;
	do
		n = read(rep[0], msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	if (n == sizeof(msg)) {
		start_failed(sp, msg);
		goto out;
	}
	sp->t0 = now_s();
	sp->wait_fd = open_wait_fd(sp->pid);
	ret = 0;
out:
	close_fd(&in);
	close_fd(&log);
	close_fd(&outp[0]);
	close_fd(&outp[1]);
	close_fd(&rep[0]);
	close_fd(&rep[1]);
	return ret;
}

/* Orphans of make handed to us as subreaper: reap them, not a live child. */
static void reap_orphans(void)
{
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || !si.si_pid ||
		    tracked(si.si_pid))
			return;
		waitpid(si.si_pid, NULL, WNOHANG);
	}
}

static int drain(struct spawn *sp)
{
	char buf[65536];
	ssize_t n = read(sp->out_fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		close_fd(&sp->out_fd);
		return 0;
	}
	sbuf_add(sp->out, buf, n);
	return 0;
}

/* Has the program ended? 1 yes (*wst), 0 not yet, -1 on a wait error. */
static int check_exit(struct spawn *sp, int *wst)
{
	pid_t r;

	if (sp->wait_fd == chld_pipe[0]) {
		char b[64];

		while (read(sp->wait_fd, b, sizeof(b)) > 0)
			;
	}
	do
		r = waitpid(sp->pid, wst, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return error("%s: cannot wait for pid %d: %s", sp->argv[0], (int)sp->pid,
			     strerror(errno));
	return r == sp->pid;
}

/*
 * Wait for the program: until it has exited and closed its output, or its
 * time limit passed (then SIGTERM to its group, the grace, SIGKILL). 0 with
 * st filled, -1 when it could not be waited for (said).
 */
int spawn_wait(struct spawn *sp, struct spawn_status *st)
{
	long deadline = (long)(sp->t0 * 1000) + sp->timeout_s * 1000L;
	int grace = sp->grace_s > 0 ? sp->grace_s : SPAWN_GRACE_S;
	int done = 0, phase = 0, wst = 0, ret = 0;
	int tick_ms = sp->tick && sp->tick_s > 0 ? sp->tick_s * 1000 : 0;
	long next_tick = (long)(sp->t0 * 1000) + tick_ms;

	memset(st, 0, sizeof(*st));
	for (;;) {
		struct pollfd p[2];
		nfds_t n = 0;
		long left;
		int rc;

		if (!done) {
			done = check_exit(sp, &wst);
			if (done < 0)
				break;
		}
		if (done && sp->out_fd < 0)
			break;
		left = deadline - now_ms();
		if (left <= 0) {
			if (phase == 2) {
				ret = error("%s: still there %d ms after SIGKILL", sp->argv[0],
					    KILL_WAIT_MS);
				break;
			}
			st->timed_out = 1;
			kill(-sp->pid, phase ? SIGKILL : SIGTERM);
			deadline = now_ms() + (phase ? KILL_WAIT_MS : grace * 1000L);
			phase++;
			continue;
		}
		if (sp->out_fd >= 0)
			p[n++] = (struct pollfd){ .fd = sp->out_fd, .events = POLLIN };
		if (!done)
			p[n++] = (struct pollfd){ .fd = sp->wait_fd, .events = POLLIN };
		if (tick_ms && !done && !phase) {
			long now = now_ms();

			if (next_tick <= now) {
				if (sp->tick(sp->tick_arg)) {
					deadline = now;
					left = 0;
				}
				while (next_tick <= now)
					next_tick += tick_ms;
			}
			if (left > next_tick - now)
				left = next_tick - now;
		}
		if (progress_ticking() && left > 1000)
			left = 1000;
		rc = poll(p, n, (int)left);
		if (rc < 0 && errno != EINTR) {
			ret = error("%s: poll: %s", sp->argv[0], strerror(errno));
			break;
		}
		if (rc > 0 && sp->out_fd >= 0 && p[0].revents)
			drain(sp);
		progress_tick();
	}
	if (done <= 0 || ret) {
		/* a wait error: do not leave it running unseen */
		kill(-sp->pid, SIGKILL);
		while (waitpid(sp->pid, &wst, 0) < 0 && errno == EINTR)
			;
		ret = -1;
	}
	untrack(sp->pid);
	reap_orphans();
	close_fd(&sp->out_fd);
	if (sp->wait_fd != chld_pipe[0])
		close_fd(&sp->wait_fd);
	st->seconds = now_s() - sp->t0;
	if (WIFSIGNALED(wst)) {
		st->signal = WTERMSIG(wst);
		st->code = 128 + st->signal;
	} else {
		st->code = WEXITSTATUS(wst);
	}
	return ret;
}

/*
 * Run argv with a time limit. Returns 0 when the program ran (its exit
 * status is in res), -1 when it could not be started or was stopped at its
 * time limit (res->timed_out, said by the caller).
 */
int spawn_run_limited(const char *const argv[], const char *cwd, int timeout_s,
		      const char *errlog, struct spawn_result *res)
{
	struct sbuf sb = {0};
	struct spawn sp = {
		.argv = argv, .cwd = cwd, .timeout_s = timeout_s, .log = errlog, .out = &sb,
	};
	struct spawn_status st;
	int ret;

	memset(res, 0, sizeof(*res));
	ret = spawn_start(&sp);
	if (!ret)
		ret = spawn_wait(&sp, &st);
	res->out = sbuf_detach(&sb);
	if (ret < 0) {
		res->status = sp.exec_errno == ENOENT ? 127 : 126;
		return -1;
	}
	res->status = st.code;
	res->timed_out = st.timed_out;
	return st.timed_out ? -1 : 0;
}

/* spawn_run_limited(), saying so when the time limit stopped the program. */
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
