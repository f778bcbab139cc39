// SPDX-License-Identifier: GPL-2.0
/* ltsport build: build-test every tree before and after the series. */
#include <stdio.h>
#include <stdlib.h>

#include "util.h"
#include "context.h"
#include "results.h"
#include "kstage.h"
#include "stages.h"
#include "commands.h"
#include "cmd-build.h"

static const char build_usage[] =
	"usage: ltsport build [options]\n"
	"  --quick            build only the objects the series touches (after prepare)\n"
	COMMON_USAGE;

static int build_option(int c, const char *arg, void *data)
{
	struct build_opts *o = data;

	(void)arg;
	if (c != 'q')
		return -1;
	o->quick = 1;
	return 0;
}

/* "<tree>: build: <verdict>...; log in <log>", then the new warnings. */
static void print_build(const char *tree, const struct build_result *r,
			const char *warnings)
{
	const char *stage = stage_name(r->head.stage);

	printf("%s: %s: %s", tree, stage, build_verdict_name(r->verdict));
	if (r->verdict == BUILD_FAILS_BEFORE || r->verdict == BUILD_BREAKS)
		printf(": %s", r->first_error);
	else
		printf(" (before %.0f s, after %.0f s, %d new warning%s)", r->seconds_before,
		       r->seconds_after, r->new_warnings, r->new_warnings == 1 ? "" : "s");
	printf("; log in %s\n", r->log);
	if (warnings && *warnings)
		printf("%s", warnings);
}

/* One tree: the stage, then its line and its record. -1 when it could not. */
int build_one(struct tree_ws *ws, const struct build_opts *o)
{
	struct build_result r;
	struct sbuf warnings = {0};
	struct build_opts opts = *o;
	char *path;
	int ret;

	opts.new_warnings = &warnings;
	if (stage_build(ws, &opts, &r) < 0) {
		sbuf_release(&warnings);
		return -1;
	}
	print_build(ws->name, &r, warnings.buf);
	path = ws_path(ws, WS_OUT, record_file(o->stage));
	ret = record_save(path, rec_desc_of(o->stage), &r);
	free(path);
	record_release(rec_desc_of(o->stage), &r);
	sbuf_release(&warnings);
	return ret;
}

int cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	struct build_opts o = { .stage = STAGE_BUILD };
	struct ctx ctx = {0};
	int ret = EXIT_USAGE, failed = 0;
	size_t i;

	if (ctx_start(&ctx, argc, argv, opts, build_option, &o, build_usage, 0, &ret))
		goto out;
	for (i = 0; i < ctx.nts; i++)
		if (ctx.ts[i].repo && kstage_conf_check(&ctx.ws[i], ctx.conf.file) < 0)
			goto out;
	for (i = 0; i < ctx.nts; i++) {
		if (!ctx.ts[i].repo) {
			printf("%s: tree absent, not built\n", ctx.ws[i].name);
			continue;
		}
		/* held for the run; a tree that does not build is a finding, in build.json */
		if (ws_lock(&ctx.ws[i], "build", ctx.wait_s) < 0 || build_one(&ctx.ws[i], &o) < 0)
			failed = 1;
	}
	ret = failed ? EXIT_ERROR : EXIT_OK;
out:
	ctx_release(&ctx);
	return ret;
}
