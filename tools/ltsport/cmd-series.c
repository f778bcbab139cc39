// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport series new NAME SOURCE... [--into DIR] [--force]: options and
 * printing; the job is series-new.c's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "series-new.h"
#include "commands.h"

static const char series_usage[] =
	"usage: ltsport series new NAME SOURCE... [--into DIR] [--force]\n"
	"\n"
	"Make the series directory DIR/NAME (series, series.conf and a format-patch\n"
	"mail per patch) from each SOURCE in turn:\n"
	"  an upstream id (12 to 40 hex digits) in the [mainline] clone of --config:\n"
	"  message, author and date, diff, release (the first vX.Y with it), Fixes:\n"
	"  and the release that brought the commit it fixes;\n"
	"  a file of `git show` (or `git log -p`) output, one patch per commit;\n"
	"  an mbox (git format-patch --stdout, b4 am, a lore thread): the cover\n"
	"  letter and replies are skipped, patches go in [PATCH n/N] order;\n"
	"  one format-patch mail.\n"
	"\n"
	"  --into DIR       where NAME goes (default: series)\n"
	"  --force          replace an existing DIR/NAME\n"
	"  --config FILE    stable_trees.conf, for its [mainline] clone (default:\n"
	"                   ./stable_trees.conf)\n"
	"\n"
	"The directory is built aside and renamed into place: on an error nothing\n"
	"is written.\n";

static const struct option new_options[] = {
	{ "into", required_argument, NULL, 'i' },
	{ "force", no_argument, NULL, 'f' },
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int usage(int asked)
{
	fputs(series_usage, asked ? stdout : stderr);
	return asked ? EXIT_OK : EXIT_USAGE;
}

static int cmd_series_new(int argc, char **argv)
{
	struct series_new_opts o = { .into = "series", .config = "stable_trees.conf" };
	struct series_new_result r;
	size_t i;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", new_options, NULL)) != -1) {
		if (c == 'i')
			o.into = optarg;
		else if (c == 'f')
			o.force = 1;
		else if (c == 'c')
			o.config = optarg;
		else
			return usage(c == 'h');
	}
	if (argc - optind < 2)
		return usage(0);
	o.name = argv[optind];
	o.sources = argv + optind + 1;
	o.nr = argc - optind - 1;
	ret = series_new(&o, &r);
	if (ret)
		return ret;
	printf("series %s: %zu patch%s in %s\n", o.name, r.nr, r.nr == 1 ? "" : "es", r.dir);
	for (i = 0; i < r.nr; i++)
		printf("  %s  %s\n", r.files[i], r.subjects[i]);
	series_new_result_release(&r);
	return EXIT_OK;
}

int cmd_series(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "new"))
		return cmd_series_new(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help")))
		return usage(1);
	return usage(0);
}
