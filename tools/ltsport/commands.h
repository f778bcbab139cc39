/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_COMMANDS_H
#define LTSPORT_COMMANDS_H

int cmd_status(int argc, char **argv);
int cmd_port(int argc, char **argv);
int cmd_trees(int argc, char **argv);
int cmd_series(int argc, char **argv);
int cmd_backtest(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_repro(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_ci(int argc, char **argv);

#endif
