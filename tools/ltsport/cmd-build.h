/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_CMD_BUILD_H
#define LTSPORT_CMD_BUILD_H

#include "results.h"

struct tree_ws;
struct build_opts;

/*
 * One tree, its lock held: the stage, its line, its record saved. -1 when
 * the stage could not do its work (nothing saved).
 */
int build_one(struct tree_ws *ws, const struct build_opts *o);

#endif
