/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_BACKTEST_H
#define LTSPORT_BACKTEST_H

#include <git2.h>

struct tree_ws;
struct backtest_result;

struct backtest_opts {
	int show_diff;		/* for the command: print every diff that differs */
	git_repository *mainline;	/* the ladder's three-way rung; may be NULL */
};

/*
 * Where the tree has a fix of the series, take it out again, port it with
 * the ladder and compare with what the humans did. Every entry goes to
 * res and, when there is one, to backtest.json in the out dir. Outcome:
 * done (all identical or equivalent), finding (one differs or failed),
 * not-run (absent, or no fix to take out). Prints nothing; -1 when the
 * stage could not do its work.
 */
int stage_backtest(struct tree_ws *ws, const struct backtest_opts *o,
		   struct backtest_result *res);

#endif
