// SPDX-License-Identifier: GPL-2.0
/* ltsport build: build-test every tree before and after the series. */
#include <stdio.h>

#include "util.h"
#include "context.h"
#include "kstage.h"
#include "kbuild.h"
#include "commands.h"

static const char build_usage[] =
	"usage: ltsport build [options]\n"
	"  --quick            build only the objects the series touches (after prepare)\n"
	COMMON_USAGE;

static int build_option(int c, const char *arg, void *data)
{
	struct build_run *run = data;

	(void)arg;
	if (c != 'q')
		return -1;
	run->quick = 1;
	return 0;
}

int cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	struct build_run run = { .name = "build" };
	struct ctx ctx = {0};
	int ret = EXIT_USAGE;
	size_t i;

	if (ctx_start(&ctx, argc, argv, opts, build_option, &run, build_usage, 0, &ret))
		goto out;
	for (i = 0; i < ctx.nts; i++) {
		const struct tree_conf *t = ctx.ts[i].conf;

		if (t->toolchain && !toolchain_valid(t->toolchain)) {
			error("%s:%d: tree %s: toolchain '%s' is not a plain program name (letters, digits, . _ + -); name the compiler, e.g. gcc-12",
			      ctx.conf.file, conf_line_of(ctx.conf.file, "tree", t->name, "toolchain"),
			      t->name, t->toolchain);
			goto out;
		}
	}
	ret = EXIT_ERROR;
	for (i = 0; i < ctx.nts; i++) {
		int rc;

		if (!ctx.ts[i].repo) {
			printf("%s: tree absent, not built\n", ctx.ts[i].conf->name);
			continue;
		}
		/* a tree that does not build is a finding, in build.json */
		rc = build_tree(&ctx, &ctx.ts[i], &run);
		if (rc < 0)
			goto out;
	}
	ret = EXIT_OK;
out:
	ctx_release(&ctx);
	return ret;
}
