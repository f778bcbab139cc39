// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport: carry an upstream fix series to every LTS tree, with evidence.
 * A table of subcommands in the manner of git's builtin/ and libgit2's
 * examples/lg2.c; each lives in its own cmd-<name>.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <git2.h>

#include "util.h"
#include "spawn.h"
#include "commands.h"

#define LTSPORT_VERSION "0.1.0"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "status", cmd_status, "verdict matrix: affected, fixed or missing, with evidence" },
	{ "port", cmd_port, "adapt the series to every tree that needs it -> backports/" },
	{ "report", cmd_report, "per-tree matrix: verdicts, stage results, what to do next" },
	{ "check", cmd_check, "checkpatch and sparse on what port produced (new findings only)" },
	{ "build", cmd_build, "build-test every tree before and after the series" },
	{ "repro", cmd_repro, "boot each tree's kernel before and after the series with the reproducer" },
	{ "backtest", cmd_backtest, "take out fixes humans backported, port them again, compare" },
	{ "run", cmd_run, "all stages for the trees, skipping what is up to date, then the report" },
	{ "series", cmd_series, "series new NAME SOURCE...: a series from git show, mbox or mail" },
	{ "trees", cmd_trees, "trees import TARBALL: make a git tree from a kernel source tarball" },
	{ "ci", cmd_ci, "--gitlab|--github: a pipeline with a job per tree and a merge job" },
};

static void print_usage(FILE *f)
{
	size_t i;

	fputs("usage: ltsport <command> [options]\n\ncommands:\n", f);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fputs("\n'ltsport <command> --help' for a command's options.\n", f);
}

int main(int argc, char **argv)
{
	size_t i;
	int ret;

	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		print_usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("ltsport %s (libgit2 %s)\n", LTSPORT_VERSION, LIBGIT2_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		if (spawn_signals_init() < 0)
			return EXIT_ERROR;
		if (git_libgit2_init() < 0)
			return git_fail("initialising libgit2"), EXIT_ERROR;
		ret = commands[i].fn(argc - 1, argv + 1);
		git_libgit2_shutdown();
		/* what was printed is the result: a lost stdout is a failure (git.c) */
		if (fflush(stdout) || ferror(stdout)) {
			error("stdout: %s; the output is incomplete", strerror(errno));
			return EXIT_ERROR;
		}
		return ret;
	}
	error("'%s' is not a command; see 'ltsport --help'", argv[1]);
	return EXIT_USAGE;
}
