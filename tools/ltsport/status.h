/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_STATUS_H
#define LTSPORT_STATUS_H

struct tree_ws;
struct status_result;

/*
 * The verdicts of one tree, into its tree_state and *res: read from the
 * status record in the work dir when its inputs (tip, base, the series'
 * patches and rules, spatch) are unchanged, else decided (verdict.c) and
 * the record written for the next run (a record that cannot be written is
 * only a warning). res->head.outcome is not-run for an absent tree.
 * Prints nothing; -1 when the verdicts could not be decided.
 */
int stage_status(struct tree_ws *ws, struct status_result *res);

#endif
