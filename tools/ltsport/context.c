// SPDX-License-Identifier: GPL-2.0
/* Loading what every subcommand needs, once, in one place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"
#include "context.h"
#include "results.h"
#include "status.h"

static const struct option common_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "series", required_argument, NULL, 's' },
	{ "tree", required_argument, NULL, 't' },
	{ "backports", required_argument, NULL, 'b' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "wait", required_argument, NULL, 'W' },
	{ "quiet", no_argument, NULL, 'Q' },
	{ "help", no_argument, NULL, 'h' },
};

static int parse_wait(struct ctx *ctx, const char *arg)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (!*arg || *end || v < 0 || v > 86400)
		return error("--wait %s: want a whole number of seconds, 0 to 86400", arg);
	ctx->wait_s = (int)v;
	return 0;
}

/* 1 when the option was a common one, 0 when not ours, -1 when bad. */
static int common_option(struct ctx *ctx, int c, const char *arg)
{
	switch (c) {
	case 'W':
		return parse_wait(ctx, arg) < 0 ? -1 : 1;
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
	ctx->cmd = argv[0];
	while (!ret && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int rc = common_option(ctx, c, optarg);

		if (rc < 0) {
			ret = -1;
			break;
		}
		if (rc)
			continue;
		rc = c != 'h' && c != '?' && fn ? fn(c, optarg, data) : -1;
		if (!rc)
			continue;
		if (rc == -2) {		/* a bad value, its error said: no usage */
			ret = -1;
			break;
		}
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
 * A subcommand's start: its arguments, then the trees, the series and
 * their workspaces, then what flags ask for: the trees' locks (CTX_LOCK),
 * the verdicts (CTX_VERDICTS). Returns 0 to go on, 1 to stop with
 * *exit_code: EXIT_OK after --help, EXIT_USAGE on bad input (nothing was
 * written), EXIT_ERROR when a lock or the verdicts could not be had. On 0,
 * *exit_code is EXIT_USAGE again, for the command's own checks of its input.
 */
int ctx_start(struct ctx *ctx, int argc, char **argv, const struct option *extra,
	      cmd_option_fn fn, void *data, const char *usage, unsigned int flags,
	      int *exit_code)
{
	*exit_code = EXIT_USAGE;
	switch (ctx_parse_args(ctx, argc, argv, extra, fn, data, usage)) {
	case 1:
		*exit_code = EXIT_OK;
		return 1;
	case -1:
		return 1;
	}
	if (ctx_setup(ctx) < 0)
		return 1;
	*exit_code = EXIT_ERROR;
	if ((flags & CTX_LOCK) && ctx_lock(ctx) < 0)
		return 1;
	if ((flags & CTX_VERDICTS) && ctx_verdicts(ctx) < 0)
		return 1;
	*exit_code = EXIT_USAGE;
	return 0;
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

/* The workspaces first: every name is checked before a tree is opened. */
static int open_trees(struct ctx *ctx)
{
	size_t i, n = 0;

	ctx->ts = xcalloc(ctx->conf.nr, sizeof(*ctx->ts));
	ctx->ws = xcalloc(ctx->conf.nr, sizeof(*ctx->ws));
	for (i = 0; i < ctx->conf.nr; i++) {
		struct tree_conf *t = &ctx->conf.trees[i];

		if (!wanted(ctx, t->name))
			continue;
		ctx->nws = ++n;
		if (ws_init(&ctx->ws[n - 1], t, ctx->conf.file, ctx->series.name,
			    ctx->series.dir, ctx->root) < 0)
			return -1;
	}
	for (i = 0; i < n; i++) {
		ctx->nts++;	/* released whether or not it opens */
		if (tree_open(&ctx->ts[i], ctx->ws[i].conf, ctx->conf.file) < 0)
			return -1;
		ws_attach(&ctx->ws[i], &ctx->ts[i], &ctx->series);
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
	if (ret < 0)
		return -1;
	if (ctx->backports)
		ctx->root = xstrdup(ctx->backports);
	else
		ctx->root = path_join(ctx->conf.dir, "backports");
	ctx->out_dir = xprintf("%s/%s", ctx->root, ctx->series.name);
	if (open_mainline(ctx) < 0 || series_load_bodies(&ctx->series, ctx->mainline) < 0 ||
	    open_trees(ctx) < 0)
		return -1;
	return 0;
}

/* Every present tree's lock, in the order of the config: held until release. */
int ctx_lock(struct ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nts; i++)
		if (ctx->ts[i].repo && ws_lock(&ctx->ws[i], ctx->cmd, ctx->wait_s) < 0)
			return -1;
	return 0;
}

/* The verdicts of every tree: from the status records when still good. */
int ctx_verdicts(struct ctx *ctx)
{
	size_t i;

	ctx->status = xcalloc(ctx->nts, sizeof(*ctx->status));
	for (i = 0; i < ctx->nts; i++) {
		progress("%s: deciding verdicts", ctx->ts[i].conf->name);
		if (stage_status(&ctx->ws[i], &ctx->status[i]) < 0)
			return -1;
	}
	return 0;
}

void ctx_release(struct ctx *ctx)
{
	size_t i;

	for (i = 0; ctx->status && i < ctx->nts; i++)
		record_release(&status_desc, &ctx->status[i]);
	free(ctx->status);
	for (i = 0; i < ctx->nws; i++)
		ws_release(&ctx->ws[i]);
	free(ctx->ws);
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
	free(ctx->root);
}
