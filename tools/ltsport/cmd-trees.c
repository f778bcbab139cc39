// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport trees import TARBALL: a git tree from a kernel source tarball.
 * This file parses the options and prints; the job is tarball.c's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "importer.h"
#include "commands.h"

#define DEFAULT_INTO	"trees"

static const char trees_usage[] =
	"usage: ltsport trees import TARBALL [--into DIR] [--name NAME]\n"
	"\n"
	"Make a git repository from a kernel source tarball: one root commit of\n"
	"every file (ignore rules do not apply), tagged v<version> from its\n"
	"Makefile, with HEAD on a branch and an index that matches the files.\n"
	"\n"
	"  --into DIR    where the repository goes (default: trees)\n"
	"  --name NAME   its directory name in DIR (default: X.Y, e.g. 6.1)\n"
	"  --verbose     say what is being done on long steps\n"
	"\n"
	"A re-run with the same tarball (same size and mtime) does nothing.\n";

static const struct option import_options[] = {
	{ "into", required_argument, NULL, 'i' },
	{ "name", required_argument, NULL, 'n' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int usage(int asked)
{
	fputs(trees_usage, asked ? stdout : stderr);
	return asked ? EXIT_OK : EXIT_USAGE;
}

/* -1 to go on, else the exit code (--help answered, or a usage error). */
static int parse_import(struct import_opts *o, int argc, char **argv)
{
	const char *n;
	int c;

	o->into = DEFAULT_INTO;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", import_options, NULL)) != -1) {
		if (c == 'i')
			o->into = optarg;
		else if (c == 'n')
			o->name = optarg;
		else if (c == 'v')
			verbose = 1;
		else
			return usage(c == 'h');
	}
	if (optind + 1 != argc)
		return usage(0);
	o->tarball = argv[optind];
	n = o->name;
	if (n && (!*n || strchr(n, '/') || n[0] == '.')) {
		error("--name %s: not a plain directory name; give one like 6.1", n);
		return EXIT_USAGE;
	}
	return -1;
}

static void print_outcome(const struct import_outcome *out)
{
	char hex[13];

	git_oid_tostr(hex, sizeof(hex), &out->commit);
	if (out->already)
		printf("%s: already imported (%s, commit %s); nothing to do\n", out->dest,
		       out->subject, hex);
	else
		printf("%s: imported %s %s: %zu files, commit %s, tag v%s (%.1f s)\n",
		       out->dest, out->pkg, out->kv.str, out->files, hex, out->kv.str,
		       out->seconds);
}

static int cmd_import(int argc, char **argv)
{
	struct import_opts o = {0};
	struct import_outcome out;
	int ret = parse_import(&o, argc, argv);

	if (ret >= 0)
		return ret;
	ret = import_tarball(&o, &out);
	if (!ret)
		print_outcome(&out);
	import_outcome_release(&out);
	if (ret == IMPORT_BAD)
		return EXIT_USAGE;
	return ret < 0 ? EXIT_ERROR : EXIT_OK;
}

int cmd_trees(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "import"))
		return cmd_import(argc - 1, argv + 1);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(argc >= 2);
	error("trees %s: not a trees command; see 'ltsport trees --help'", argv[1]);
	return EXIT_USAGE;
}
