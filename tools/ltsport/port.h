/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_PORT_H
#define LTSPORT_PORT_H

struct tree_ws;
struct port_result;

#include <git2.h>

#include "rungbuild.h"

struct port_opts {
	int assume_missing;	/* --assume missing: port patches whose verdict is unknown */
	git_repository *mainline;	/* NULL: no three-way rung */
	enum compile_check compile;	/* --compile-check */
	const char *in_reply_to;	/* --in-reply-to, "<id@host>"; NULL: a new thread */
};

/*
 * Port the series' missing patches onto one tree: the quilt series, the
 * mails and port.json go to the workspace's out dir (built aside, swapped
 * in whole, the other stages' records carried over), the commits to its
 * branch. res->head.outcome: done (ported), not-run (absent, nothing to
 * port), finding (could not port: res->failure says why; when no rung
 * worked it ends in the FAILED report and port.json alone is written).
 * Prints nothing; -1 when the stage could not do its work.
 */
int stage_port(struct tree_ws *ws, const struct port_opts *o, struct port_result *res);

#endif
