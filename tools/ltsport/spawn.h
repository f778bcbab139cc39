/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_SPAWN_H
#define LTSPORT_SPAWN_H

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
