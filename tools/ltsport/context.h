/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_CONTEXT_H
#define LTSPORT_CONTEXT_H

#include <getopt.h>
#include <git2.h>

#include "conf.h"
#include "series.h"
#include "verdict.h"
#include "workspace.h"

struct status_result;

/* What every subcommand works on: the trees, the series, their verdicts. */
struct ctx {
	const char *config;
	const char *series_arg;
	const char *backports;
	char **only;			/* --tree filters */
	size_t nonly;
	int json;
	int wait_s;			/* --wait: for a tree another run holds */
	const char *cmd;		/* the subcommand, for the lock */

	struct stable_conf conf;
	struct series series;
	git_repository *mainline;
	struct tree_state *ts;
	struct tree_ws *ws;		/* ws[i] is the workspace of ts[i] */
	struct status_result *status;	/* status[i]: the verdicts of ts[i], as a record */
	size_t nws;
	size_t nts;
	char *root;			/* backports/ */
	char *out_dir;			/* backports/<series> */
};

/* What ctx_start() sets up besides the trees and the series. */
#define CTX_VERDICTS	0x1	/* decide the verdicts */
#define CTX_LOCK	0x2	/* take every present tree's lock for the run */

#define COMMON_USAGE \
	"  --config FILE      tree list (default: ./stable_trees.conf)\n" \
	"  --series NAME|DIR  series to work on (default: swap-race)\n" \
	"  --tree NAME        only this tree (repeatable)\n" \
	"  --backports DIR    output directory (default: backports/ beside the config)\n" \
	"  --wait SECONDS     wait that long for a tree another run holds (default 0)\n" \
	"  --verbose          say what is being done on long steps\n" \
	"  --quiet            no progress lines\n"

/*
 * A subcommand's own options: 0 when taken, -1 when not one of its own,
 * -2 when its value is bad and the error was said (no usage follows).
 */
typedef int (*cmd_option_fn)(int c, const char *arg, void *data);

int ctx_parse_args(struct ctx *ctx, int argc, char **argv, const struct option *extra,
		   cmd_option_fn fn, void *data, const char *usage);
int ctx_json_option(int c, const char *arg, void *data);
int ctx_start(struct ctx *ctx, int argc, char **argv, const struct option *extra,
	      cmd_option_fn fn, void *data, const char *usage, unsigned int flags,
	      int *exit_code);
int ctx_setup(struct ctx *ctx);
int ctx_lock(struct ctx *ctx);
int ctx_verdicts(struct ctx *ctx);
void ctx_release(struct ctx *ctx);

#endif
