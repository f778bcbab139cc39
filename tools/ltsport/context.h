/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_CONTEXT_H
#define LTSPORT_CONTEXT_H

#include <getopt.h>
#include <git2.h>

#include "conf.h"
#include "series.h"
#include "verdict.h"

/* What every subcommand works on: the trees, the series, their verdicts. */
struct ctx {
	const char *config;
	const char *series_arg;
	const char *backports;
	char **only;			/* --tree filters */
	size_t nonly;
	int json;

	struct stable_conf conf;
	struct series series;
	git_repository *mainline;
	struct tree_state *ts;
	size_t nts;
	char *out_dir;			/* backports/<series> */
};

#define COMMON_USAGE \
	"  --config FILE      tree list (default: ./stable_trees.conf)\n" \
	"  --series NAME|DIR  series to work on (default: swap-race)\n" \
	"  --tree NAME        only this tree (repeatable)\n" \
	"  --backports DIR    output directory (default: backports/ beside the config)\n" \
	"  --verbose          say what is being done on long steps\n" \
	"  --quiet            no progress lines\n"

/* A subcommand's own options: 0 when taken, -1 when not one of its own. */
typedef int (*cmd_option_fn)(int c, const char *arg, void *data);

int ctx_parse_args(struct ctx *ctx, int argc, char **argv, const struct option *extra,
		   cmd_option_fn fn, void *data, const char *usage);
int ctx_json_option(int c, const char *arg, void *data);
int ctx_start(struct ctx *ctx, int argc, char **argv, const struct option *extra,
	      cmd_option_fn fn, void *data, const char *usage, int verdicts, int *exit_code);
int ctx_setup(struct ctx *ctx);
int ctx_verdicts(struct ctx *ctx);
void ctx_release(struct ctx *ctx);

#endif
