// SPDX-License-Identifier: GPL-2.0
/* Loading what every subcommand needs, once, in one place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"
#include "context.h"

static const struct option common_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "series", required_argument, NULL, 's' },
	{ "tree", required_argument, NULL, 't' },
	{ "backports", required_argument, NULL, 'b' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'Q' },
	{ "help", no_argument, NULL, 'h' },
};

/* 1 when the option was a common one, 0 when not ours. */
static int common_option(struct ctx *ctx, int c, const char *arg)
{
	switch (c) {
	case 'c':
		ctx->config = arg;
		return 1;
	case 's':
		ctx->series_arg = arg;
		return 1;
	case 'b':
		ctx->backports = arg;
		return 1;
	case 't':
		ctx->only = xrealloc(ctx->only, (ctx->nonly + 1) * sizeof(char *));
		ctx->only[ctx->nonly++] = xstrdup(arg);
		return 1;
	case 'v':
		verbose = 1;
		return 1;
	case 'Q':
		quiet = 1;
		return 1;
	}
	return 0;
}

static struct option *all_options(const struct option *extra)
{
	size_t n = 0, k = ARRAY_SIZE(common_options);
	struct option *all;

	while (extra && extra[n].name)
		n++;
	all = xcalloc(k + n + 1, sizeof(*all));
	memcpy(all, common_options, sizeof(common_options));
	if (n)
		memcpy(all + k, extra, n * sizeof(*all));
	return all;
}

/*
 * Parse a subcommand's arguments: the common options here, its own through
 * fn. Returns 0 to go on, 1 when --help was answered, -1 on a usage error.
 */
int ctx_parse_args(struct ctx *ctx, int argc, char **argv, const struct option *extra,
		   cmd_option_fn fn, void *data, const char *usage)
{
	struct option *opts = all_options(extra);
	int c, ret = 0;

	optind = 1;
	while (!ret && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (common_option(ctx, c, optarg))
			continue;
		if (c != 'h' && c != '?' && fn && !fn(c, optarg, data))
			continue;
		fputs(usage, c == 'h' ? stdout : stderr);
		ret = c == 'h' ? 1 : -1;
	}
	if (!ret && optind < argc)
		ret = error("%s: unexpected argument '%s'", argv[0], argv[optind]);
	free(opts);
	return ret;
}

/* --json, for the subcommands that print JSON; data is the ctx. */
int ctx_json_option(int c, const char *arg, void *data)
{
	struct ctx *ctx = data;

	(void)arg;
	if (c != 'j')
		return -1;
	ctx->json = 1;
	return 0;
}

/*
 * A subcommand's start: its arguments, then the trees and the series, and
 * with verdicts set the verdicts too. Returns 0 to go on, 1 to stop with
 * *exit_code (EXIT_OK after --help, EXIT_USAGE on bad input).
 */
int ctx_start(struct ctx *ctx, int argc, char **argv, const struct option *extra,
	      cmd_option_fn fn, void *data, const char *usage, int verdicts, int *exit_code)
{
	*exit_code = EXIT_USAGE;
	switch (ctx_parse_args(ctx, argc, argv, extra, fn, data, usage)) {
	case 1:
		*exit_code = EXIT_OK;
		return 1;
	case -1:
		return 1;
	}
	return ctx_setup(ctx) < 0 || (verdicts && ctx_verdicts(ctx) < 0);
}

static int wanted(struct ctx *ctx, const char *name)
{
	size_t i;

	if (!ctx->nonly)
		return 1;
	for (i = 0; i < ctx->nonly; i++)
		if (!strcmp(ctx->only[i], name))
			return 1;
	return 0;
}

static int check_filters(struct ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nonly; i++)
		if (!conf_find_tree(&ctx->conf, ctx->only[i]))
			return error("--tree %s: no such tree in %s", ctx->only[i],
				     ctx->conf.file);
	return 0;
}

static int open_mainline(struct ctx *ctx)
{
	int rc;

	if (!ctx->conf.mainline)
		return 0;
	rc = repo_open(&ctx->mainline, ctx->conf.mainline->path);
	if (rc > 0)
		warn("mainline repo %s is absent: patch bodies come from the series directory",
			ctx->conf.mainline->path);
	return rc < 0 ? -1 : 0;
}

static int open_trees(struct ctx *ctx)
{
	size_t i;

	ctx->ts = xcalloc(ctx->conf.nr, sizeof(*ctx->ts));
	for (i = 0; i < ctx->conf.nr; i++) {
		struct tree_conf *t = &ctx->conf.trees[i];

		if (!wanted(ctx, t->name))
			continue;
		if (tree_open(&ctx->ts[ctx->nts++], t, ctx->conf.file) < 0)
			return -1;
	}
	return 0;
}

int ctx_setup(struct ctx *ctx)
{
	char *sdir = NULL;
	int ret;

	if (!ctx->config)
		ctx->config = "stable_trees.conf";
	if (!ctx->series_arg)
		ctx->series_arg = "swap-race";
	if (conf_load(&ctx->conf, ctx->config) < 0 || check_filters(ctx) < 0)
		return -1;
	if (series_resolve_dir(ctx->series_arg, ctx->conf.dir, &sdir) < 0)
		return -1;
	ret = series_load(&ctx->series, sdir);
	free(sdir);
	if (ret < 0 || open_mainline(ctx) < 0 ||
	    series_load_bodies(&ctx->series, ctx->mainline) < 0 || open_trees(ctx) < 0)
		return -1;
	if (ctx->backports)
		ctx->out_dir = xprintf("%s/%s", ctx->backports, ctx->series.name);
	else
		ctx->out_dir = xprintf("%s/backports/%s", ctx->conf.dir, ctx->series.name);
	return 0;
}

int ctx_verdicts(struct ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nts; i++) {
		progress("%s: deciding verdicts", ctx->ts[i].conf->name);
		if (verdict_tree(&ctx->ts[i], &ctx->series) < 0)
			return -1;
	}
	return 0;
}

void ctx_release(struct ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nts; i++)
		tree_state_release(&ctx->ts[i], ctx->series.nr);
	free(ctx->ts);
	for (i = 0; i < ctx->nonly; i++)
		free(ctx->only[i]);
	free(ctx->only);
	git_repository_free(ctx->mainline);
	series_release(&ctx->series);
	conf_release(&ctx->conf);
	free(ctx->out_dir);
}
