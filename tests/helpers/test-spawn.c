// SPDX-License-Identifier: GPL-2.0
/*
 * test-spawn: spawn.c and fsutil.c from the shell, for tests/t0080 (in the
 * manner of git's t/helper/test-run-command.c).
 *
 *   test-spawn [--timeout S] [--grace S] [--log FILE] [--capture]
 *              [--keep-stdin] [--temp-dir DIR] [--temp-file FILE] [--sigchld]
 *              [--tick S] [--tick-stop N]
 *              -- PROG ARGS...
 *   test-spawn --run [--timeout S] [--log FILE] -- PROG ARGS...
 *
 * Runs PROG through spawn_start()/spawn_wait() with the signal handling of
 * ltsport installed and prints "code=N signal=N timed_out=N exec_errno=N
 * seconds=S"; with --capture then the captured standard output. --temp-dir
 * makes a temporary directory (with a file in it) in DIR first and
 * --temp-file starts an atomic write of FILE, both left registered while
 * PROG runs, as ltsport's own temporaries are. --sigchld waits through
 * the SIGCHLD pipe that kernels without pidfds need. --run goes through
 * spawn_run(), as most callers do, and prints "ret=N status=N timed_out=N".
 * --tick S sets the periodic hook to every S seconds and then prints
 * "ticks=N", the times it was called; --tick-stop N makes the hook ask
 * for the child to be stopped at its Nth call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tools/ltsport/util.h"
#include "../../tools/ltsport/fsutil.h"
#include "../../tools/ltsport/spawn.h"

static int tick_stop;

static int count_tick(void *arg)
{
	return ++*(int *)arg == tick_stop;
}

int main(int argc, char **argv)
{
	struct sbuf out = {0};
	struct spawn sp = { .timeout_s = 60 };
	struct spawn_status st = {0};
	char *tdir = NULL, *tfile = NULL;
	int i, capture = 0, run = 0, ret, ticks = 0;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			sp.timeout_s = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--grace") && i + 1 < argc)
			sp.grace_s = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--log") && i + 1 < argc)
			sp.log = argv[++i];
		else if (!strcmp(argv[i], "--sigchld"))
			spawn_pidfd = 0;
		else if (!strcmp(argv[i], "--run"))
			run = 1;
		else if (!strcmp(argv[i], "--capture"))
			capture = 1;
		else if (!strcmp(argv[i], "--tick") && i + 1 < argc)
			sp.tick_s = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--tick-stop") && i + 1 < argc)
			tick_stop = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--keep-stdin"))
			sp.keep_stdin = 1;
		else if (!strcmp(argv[i], "--temp-dir") && i + 1 < argc)
			tdir = argv[++i];
		else if (!strcmp(argv[i], "--temp-file") && i + 1 < argc)
			tfile = argv[++i];
		else
			return error("test-spawn: unknown option %s", argv[i]), 2;
	}
	if (i + 1 >= argc)
		return error("test-spawn: no program after --"), 2;
	if (spawn_signals_init() < 0)
		return 3;
	if (tdir) {
		char *d = make_temp_dir(tdir, "test-spawn"), *f;

		if (!d)
			return 3;
		f = path_join(d, "inside");
		if (write_file(f, "x\n", 2) < 0)
			return 3;
		printf("temp-dir %s\n", d);
		free(f);
		free(d);
	}
	if (tfile) {
		char *tmp = xprintf("%s.tmp.%ld", tfile, (long)getpid());

		/* the first half of write_file_atomic(), as if stopped there */
		spawn_temp_add(tmp);
		if (write_file(tmp, "half\n", 5) < 0)
			return 3;
		printf("temp-file %s\n", tmp);
		free(tmp);
	}
	fflush(stdout);
	if (run) {
		struct spawn_result res;

		ret = spawn_run((const char *const *)argv + i + 1, NULL, sp.timeout_s, sp.log,
				&res);
		printf("ret=%d status=%d timed_out=%d\n", ret, res.status, res.timed_out);
		spawn_result_release(&res);
		return 0;
	}
	sp.argv = (const char *const *)argv + i + 1;
	if (capture)
		sp.out = &out;
	if (sp.tick_s) {
		sp.tick = count_tick;
		sp.tick_arg = &ticks;
	}
	ret = spawn_start(&sp);
	if (!ret)
		ret = spawn_wait(&sp, &st);
	printf("ret=%d code=%d signal=%d timed_out=%d exec_errno=%d seconds=%.0f\n", ret,
	       st.code, st.signal, st.timed_out, sp.exec_errno, st.seconds);
	if (sp.tick_s)
		printf("ticks=%d\n", ticks);
	if (capture && out.buf)
		fputs(out.buf, stdout);
	sbuf_release(&out);
	return 0;
}
