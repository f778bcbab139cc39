// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport repro: the proof in QEMU (stage-repro.c), per tree, its lines
 * printed and repro.json saved beside the consoles.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "fsutil.h"
#include "conf.h"
#include "context.h"
#include "results.h"
#include "kstage.h"
#include "stages.h"
#include "commands.h"

static const char repro_usage[] =
	"usage: ltsport repro [options]\n"
	"  --seconds N        budget of the before kernel [60]; after runs\n"
	"                     max(60, 10 x before's first failure) seconds\n"
	"  --accel A          kvm, tcg or auto [auto: KVM if a probe boot works]\n"
	"  --append WORDS     more guest kernel command line (after the series')\n"
	"  --timeout N        kill QEMU after N s [2 x the guest's budget + 240]\n"
	"  --mid              also boot the after kernel without the series' last patch,\n"
	"                     to compare the counters of the two\n"
	COMMON_USAGE;

static int parse_seconds(const char *opt, const char *arg, int *out)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (!*arg || *end || v < 1 || v > 86400)
		return error("--%s %s: want a whole number of seconds, 1 to 86400", opt, arg);
	*out = (int)v;
	return 0;
}

static int repro_option(int c, const char *arg, void *data)
{
	struct repro_opts *o = data;

	switch (c) {
	case 'S':
		return parse_seconds("seconds", arg, &o->seconds);
	case 'T':
		return parse_seconds("timeout", arg, &o->timeout_s);
	case 'a':
		if (strcmp(arg, "kvm") && strcmp(arg, "tcg") && strcmp(arg, "auto"))
			return error("--accel %s: want kvm, tcg or auto", arg), -1;
		o->accel = arg;
		return 0;
	case 'A':
		o->append = arg;
		return 0;
	case 'm':
		o->mid = 1;
		return 0;
	}
	return -1;
}

static void print_side(const char *tree, const char *name, const struct repro_side *s)
{
	printf("%s: %s (%s): %s\n", tree, name, *s->how ? s->how : "-", s->summary);
	if (s->tail)
		printf("  last lines of the console:\n%s", s->tail);
}

/* One tree, its lock held: -1 when the stage could not do its work. */
static int repro_one(struct tree_ws *ws, const struct repro_opts *o, struct repro_env *env)
{
	struct repro_result r;
	char *path;
	int ret;

	if (stage_repro(ws, o, env, &r) < 0)
		return -1;
	if (env->note) {
		printf("repro: %s\n", env->note);
		free(env->note);
		env->note = NULL;
	}
	print_side(ws->name, "before", &r.before);
	print_side(ws->name, "after", &r.after);
	if (r.mid.present)
		print_side(ws->name, "mid", &r.mid);
	printf("%s: repro: %s\n", ws->name, r.verdict);
	path = ws_path(ws, WS_OUT, record_file(STAGE_REPRO));
	ret = record_save(path, &repro_desc, &r);
	free(path);
	record_release(&repro_desc, &r);
	return ret;
}

/* The series' [repro] section, checked before anything is done. */
static int repro_conf_check(struct ctx *ctx, struct repro_counters *shown)
{
	char *file = path_join(ctx->series.dir, "series.conf"), *why = NULL;
	int ret = 0;

	if (!ctx->series.repro.dir)
		ret = error("%s: no [repro] section; name the guest's dir = there", file);
	else if (repro_counters_parse(ctx->series.repro.counters, shown, &why) < 0)
		ret = error("%s:%d: [repro] counters: %s", file,
			    conf_line_of(file, "repro", NULL, "counters"), why);
	free(why);
	free(file);
	return ret;
}

int cmd_repro(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 'S' },
		{ "accel", required_argument, NULL, 'a' },
		{ "append", required_argument, NULL, 'A' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "mid", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	struct repro_opts o = { .seconds = 60, .accel = "auto" };
	struct repro_counters shown = {0};
	struct repro_env env = {0};
	struct ctx ctx = {0};
	int ret = EXIT_USAGE, failed = 0;
	size_t i;

	if (ctx_start(&ctx, argc, argv, opts, repro_option, &o, repro_usage, 0, &ret))
		goto out;
	if (repro_conf_check(&ctx, &shown) < 0)
		goto out;
	for (i = 0; i < ctx.nts; i++)
		if (ctx.ts[i].repo && kstage_conf_check(&ctx.ws[i], ctx.conf.file) < 0)
			goto out;
	ret = EXIT_ERROR;
	if (ctx_verdicts(&ctx) < 0)
		goto out;
	o.shown = &shown;
	for (i = 0; i < ctx.nts; i++) {
		struct tree_ws *ws = &ctx.ws[i];

		if (!ctx.ts[i].repo) {
			printf("%s: repro: tree absent, not booted\n", ws->name);
			continue;
		}
		if (ctx.ts[i].state == V_NOT_AFFECTED) {
			printf("%s: repro: not affected, nothing to reproduce\n", ws->name);
			continue;
		}
		/* held for the run; NOT FIXED and not proven are verdicts in repro.json */
		if (ws_lock(ws, "repro", ctx.wait_s) < 0 || repro_one(ws, &o, &env) < 0)
			failed = 1;
	}
	ret = failed ? EXIT_ERROR : EXIT_OK;
out:
	repro_env_release(&env);
	repro_counters_release(&shown);
	ctx_release(&ctx);
	return ret;
}
