// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport ci --gitlab|--github: a pipeline with a job per tree of
 * stable_trees.conf and a merge job, printed or written atomically (-o).
 * The trees need not be here: only the config and the series are read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#include "util.h"
#include "context.h"
#include "fsutil.h"
#include "ci.h"
#include "commands.h"

static const char ci_usage[] =
	"usage: ltsport ci (--gitlab | --github) [options]\n"
	"  --gitlab           a .gitlab-ci.yml\n"
	"  --github           a GitHub Actions workflow (.github/workflows/ltsport.yml)\n"
	"  -o, --output FILE  write it to FILE (atomically), not to stdout\n"
	COMMON_USAGE;

struct ci_opts {
	int gitlab, github;
	const char *output;
};

static int ci_option(int c, const char *arg, void *data)
{
	struct ci_opts *o = data;

	switch (c) {
	case 'G':
		o->gitlab = 1;
		return 0;
	case 'H':
		o->github = 1;
		return 0;
	case 'o':
		o->output = arg;
		return 0;
	default:
		return -1;
	}
}

/* "-o FILE" and "-oFILE" as "--output FILE" and "--output=FILE" (before a "--"). */
static char **long_args(int argc, char **argv)
{
	char **v = xcalloc(argc + 1, sizeof(*v));
	int i, done = 0;

	for (i = 0; i < argc; i++) {
		if (!done && i && !strcmp(argv[i], "--"))
			done = 1;
		if (!done && i && !strcmp(argv[i], "-o"))
			v[i] = xstrdup("--output");
		else if (!done && i && starts_with(argv[i], "-o"))
			v[i] = xprintf("--output=%s", argv[i] + 2);
		else
			v[i] = xstrdup(argv[i]);
	}
	return v;
}

static int check_opts(const struct ci_opts *o)
{
	char *dir;
	int bad = 0;

	if (o->gitlab == o->github)
		return error("ci: %s; give --gitlab or --github", o->gitlab ?
			     "--gitlab and --github: two engines" : "no engine");
	if (!o->output)
		return 0;
	if (!*o->output || is_dir(o->output))
		return error("-o %s: a directory, not a file; name the file to write", o->output);
	dir = dir_of(o->output);
	if (!is_dir(dir))
		bad = error("-o %s: no directory %s; make it first or write elsewhere",
			    o->output, dir);
	free(dir);
	return bad;
}

/* Where the job puts the tree: its path, from the checkout (the config's dir as given). */
static char *job_path(const struct ctx *ctx, const struct tree_conf *t)
{
	size_t n = strlen(ctx->conf.dir);
	char *cdir, *p;

	if (strncmp(t->path, ctx->conf.dir, n) || t->path[n] != '/')
		return xstrdup(t->path);
	cdir = dir_of(ctx->config);
	if (!strcmp(cdir, "."))
		p = xstrdup(t->path + n + 1);
	else
		p = path_join(cdir, t->path + n + 1);
	free(cdir);
	return p;
}

/* "URL [BRANCH]" of stable_trees.conf. */
static void split_upstream(const char *up, char **url, char **branch)
{
	size_t n, b;

	*url = *branch = NULL;
	if (!up)
		return;
	up += strspn(up, " \t");
	if (!*up)
		return;
	n = strcspn(up, " \t");
	*url = xstrndup(up, n);
	b = n + strspn(up + n, " \t");
	if (up[b])
		*branch = xstrndup(up + b, strcspn(up + b, " \t"));
}

/* Two trees whose job ids or tarball variables are one: -1 with the error. */
static int check_names(const struct ctx *ctx, const struct ci_pipeline *p)
{
	size_t i, k;
	int bad = 0;

	for (i = 0; i < p->ntrees && !bad; i++) {
		for (k = 0; k < i && !bad; k++) {
			char *a = ci_job_id(p->trees[i].name), *b = ci_job_id(p->trees[k].name);
			char *va = ci_tarball_var(p->trees[i].name);
			char *vb = ci_tarball_var(p->trees[k].name);

			if (!strcmp(a, b) || !strcmp(va, vb))
				bad = error("%s:%d: trees %s and %s give one job id (%s) and tarball variable (%s) in a pipeline; rename one of them",
					    ctx->conf.file, ctx->ws[i].conf->line,
					    p->trees[k].name, p->trees[i].name, a, va);
			free(a);
			free(b);
			free(va);
			free(vb);
		}
	}
	return bad;
}

/* GitHub evaluates "${{ ... }}" wherever it stands: no value of ours may hold one. */
static int check_expr(const struct ctx *ctx, const struct ci_pipeline *p)
{
	size_t i;

	if (p->engine != CI_GITHUB)
		return 0;
	if ((p->config && strstr(p->config, "${{")) || (p->series && strstr(p->series, "${{")))
		return error("--config or --series: '${{' would be a GitHub Actions expression; use a path without it");
	for (i = 0; i < p->ntrees; i++) {
		const struct ci_tree *t = &p->trees[i];

		if (strstr(t->path, "${{") || (t->url && strstr(t->url, "${{")) ||
		    (t->branch && strstr(t->branch, "${{")))
			return error("%s:%d: tree %s: '${{' in its path or upstream would be a GitHub Actions expression; remove it",
				     ctx->conf.file, ctx->ws[i].conf->line, t->name);
	}
	return 0;
}

int cmd_ci(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "gitlab", no_argument, NULL, 'G' },
		{ "github", no_argument, NULL, 'H' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct ci_opts o = {0};
	struct ctx ctx = {0};
	struct ci_pipeline p = {0};
	char **args = long_args(argc, argv), *text;
	int ret = EXIT_USAGE;
	size_t i;

	switch (ctx_parse_args(&ctx, argc, args, opts, ci_option, &o, ci_usage)) {
	case 1:
		ret = EXIT_OK;
		goto out;
	case -1:
		goto out;
	}
	if (check_opts(&o) < 0 || ctx_setup(&ctx) < 0)
		goto out;
	p.engine = o.gitlab ? CI_GITLAB : CI_GITHUB;
	p.config = ctx.config && strcmp(ctx.config, "stable_trees.conf") ? ctx.config : NULL;
	p.series = strcmp(ctx.series_arg, "swap-race") ? ctx.series_arg : NULL;
	p.series_name = ctx.series.name;
	p.trees = xcalloc(ctx.nws + 1, sizeof(*p.trees));
	for (i = 0; i < ctx.nws; i++) {
		struct ci_tree *t = &p.trees[p.ntrees++];

		t->name = ctx.ws[i].name;
		t->path = job_path(&ctx, ctx.ws[i].conf);
		split_upstream(ctx.ws[i].conf->upstream, &t->url, &t->branch);
	}
	if (check_names(&ctx, &p) < 0 || check_expr(&ctx, &p) < 0)
		goto out;
	ret = EXIT_ERROR;
	text = ci_render(&p);
	if (!write_text_out(o.output, text, "pipeline"))
		ret = EXIT_OK;
	free(text);
out:
	for (i = 0; i < p.ntrees; i++) {
		free(p.trees[i].path);
		free(p.trees[i].url);
		free(p.trees[i].branch);
	}
	free(p.trees);
	ctx_release(&ctx);
	for (i = 0; i < (size_t)argc; i++)
		free(args[i]);
	free(args);
	return ret;
}
