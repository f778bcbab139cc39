// SPDX-License-Identifier: GPL-2.0
/*
 * The build stage, shared by build and check (sparse): build each tree
 * without the series, then with it (incrementally, same config, the tree's
 * own toolchain), and tell a tree or toolchain problem ("fails without the
 * series too") from a series problem ("the series breaks the build"),
 * listing new warnings. Every kernel ltsport builds is built here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"
#include "conf.h"
#include "series.h"
#include "workspace.h"
#include "results.h"
#include "kbuild.h"
#include "kstage.h"
#include "vm.h"
#include "stages.h"

struct tree_build {
	const struct build_opts *o;
	struct tree_ws *ws;
	const char *name;	/* "build" or "sparse": logs and result file */
	struct kstage ks;
	git_commit *after;	/* the ported branch, or NULL */
	char **targets;
	size_t ntargets;
	struct kbuild_result before, res_after;
	struct sbuf new_warnings;
	size_t nnew;
};

static void tree_build_release(struct tree_build *tb)
{
	size_t i;

	for (i = 0; i < tb->ntargets; i++)
		free(tb->targets[i]);
	free(tb->targets);
	kstage_release(&tb->ks);
	git_commit_free(tb->after);
	kbuild_result_release(&tb->before);
	kbuild_result_release(&tb->res_after);
	sbuf_release(&tb->new_warnings);
}

static void add_target(struct tree_build *tb, const char *t)
{
	tb->targets = xrealloc(tb->targets, (tb->ntargets + 2) * sizeof(char *));
	tb->targets[tb->ntargets++] = xstrdup(t);
	tb->targets[tb->ntargets] = NULL;
}

/* --quick: prepare, then the .o of every .c file the series touches. */
static void quick_targets(struct tree_build *tb, git_tree *before, git_tree *after)
{
	const struct series *s = tb->ws->series;
	const char *files = NULL;
	char *diff = NULL, *paths = NULL, *list, *save = NULL, *f;
	size_t i;

	add_target(tb, "prepare");
	if (after && diff_trees_text(tb->ws->repo, before, after, &diff) == 0)
		files = paths = diff_paths(diff);
	for (i = 0; !files && s && i < s->nr; i++)
		files = s->patches[i].files;
	list = xstrdup(files ? files : "");
	for (f = strtok_r(list, " ", &save); f; f = strtok_r(NULL, " ", &save)) {
		size_t n = strlen(f);

		if (n > 2 && !strcmp(f + n - 2, ".c")) {
			f[n - 1] = 'o';
			add_target(tb, f);
		}
	}
	free(list);
	free(paths);
	free(diff);
}

const char *kernel_image_of(const struct tree_ws *ws)
{
	return vm_kernel_image(ws->conf->arch);
}

static int find_after(struct tree_build *tb)
{
	int rc = ws_find_ported(tb->ws, &tb->after);

	if (rc == 2)
		return error("%s: %s is not on top of %s; run ltsport port again", tb->ws->name,
			     ws_branch_short(tb->ws), tb->ws->conf->ref);
	return rc < 0 ? -1 : 0;
}

static char *side_log(struct tree_build *tb, const char *side)
{
	char *name = xprintf("%s-%s.log", tb->name, side);
	char *log = ws_path(tb->ws, WS_LOG, name);

	free(name);
	return log;
}

static int build_side(struct tree_build *tb, const char *side, struct kbuild_result *res)
{
	char *log = side_log(tb, side);
	int ret;

	progress("%s: %s %s the series", tb->ws->name, tb->name, side);
	ret = kbuild_make(&tb->ks.kb, (const char *const *)tb->targets, log, res);
	free(log);
	return ret;
}

static int checkout_side(struct tree_build *tb, git_commit *c)
{
	git_tree *tree = NULL;
	int ret;

	if (git_commit_tree(&tree, c) < 0)
		return git_fail(tb->ws->name);
	ret = kstage_checkout(&tb->ks, tree);
	git_tree_free(tree);
	return ret;
}

static enum build_verdict build_verdict(const struct tree_build *tb)
{
	if (!tb->before.ok)
		return BUILD_FAILS_BEFORE;
	if (!tb->after)
		return BUILD_NOTHING_PORTED;
	if (!tb->res_after.ok)
		return BUILD_BREAKS;
	return BUILD_BUILDS;
}

/*
 * <name>.log beside the record: the config log and both make runs, so that
 * the report's reader finds them with the patches.
 */
static int write_stage_log(struct tree_build *tb, const char *path)
{
	static const char *const parts[][2] = {
		{ "config", "configuring" },
		{ "before", "without the series" },
		{ "after", "with the series" },
	};
	struct sbuf sb = {0};
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		char *log = i ? side_log(tb, parts[i][0]) : ws_path(tb->ws, WS_LOG, "config.log");
		char *text = NULL;

		if (!read_file_quiet(log, &text))
			sbuf_addf(&sb, "### %s (%s)\n%s\n", parts[i][1], log, text);
		free(text);
		free(log);
	}
	ret = write_file_atomic(path, sb.buf ? sb.buf : "", sb.len);
	sbuf_release(&sb);
	return ret;
}

/* The record, whole: every field set, or nothing (-1). */
static int fill_result(struct tree_build *tb, const char *inputs, double t0,
		       struct build_result *r)
{
	const struct tree_conf *conf = tb->ws->conf;
	enum build_verdict v = build_verdict(tb);
	const char *first = !tb->before.ok ? tb->before.first_error :
			    tb->res_after.first_error;
	char *name = xprintf("%s.log", tb->name);

	memset(r, 0, sizeof(*r));
	r->log = ws_path(tb->ws, WS_OUT, name);
	free(name);
	if (mkdir_p(tb->ws->out) < 0 || write_stage_log(tb, r->log) < 0) {
		free(r->log);
		r->log = NULL;
		return -1;
	}
	r->mode = xstrdup(tb->o->quick ? "quick" : "full");
	r->toolchain = xstrdup(tb->ks.kb.cc ? tb->ks.kb.cc :
			       conf->toolchain ? conf->toolchain : "auto");
	r->toolchain_why = tb->ks.toolchain_why ? xstrdup(tb->ks.toolchain_why) : NULL;
	r->verdict = v;
	r->first_error = xstrdup(first ? first : "");
	r->seconds_before = tb->before.seconds;
	r->seconds_after = tb->res_after.seconds;
	r->new_warnings = (int)tb->nnew;
	record_head(&r->head, tb->o->stage, tb->ws->name, git_commit_id(tb->ws->tip), inputs,
		    v == BUILD_BUILDS || v == BUILD_NOTHING_PORTED ? OUTCOME_DONE :
		    OUTCOME_FINDING, now_s() - t0);
	return 0;
}

int stage_build(struct tree_ws *ws, const struct build_opts *o, struct build_result *r)
{
	struct tree_build tb = { .o = o, .ws = ws, .name = stage_name(o->stage) };
	char inputs[INPUTS_HEXSZ + 1];
	git_tree *before = NULL, *after = NULL;
	double t0 = now_s();
	int ret = -1;

	memset(r, 0, sizeof(*r));
	if (stage_inputs(ws, o->stage, inputs) < 0 || kstage_open(&tb.ks, ws) < 0)
		goto out;
	tb.ks.kb.extra = o->extra;
	if (find_after(&tb) < 0)
		goto out;
	if (git_commit_tree(&before, ws->tip) < 0 ||
	    (tb.after && git_commit_tree(&after, tb.after) < 0)) {
		git_fail(ws->name);
		goto out;
	}
	if (o->quick)
		quick_targets(&tb, before, after);
	else if (kernel_image_of(ws))
		add_target(&tb, base_name(kernel_image_of(ws)));
	else {
		error("%s: arch '%s': no kernel image known for it; use x86_64, i386 or arm64",
		      ws->name, ws->conf->arch);
		goto out;
	}
	if (checkout_side(&tb, ws->tip) < 0 || kstage_config(&tb.ks, &tb.before.first_error) < 0)
		goto out;
	if (!tb.before.first_error && build_side(&tb, "before", &tb.before) < 0)
		goto out;
	if (tb.after && tb.before.ok &&
	    (checkout_side(&tb, tb.after) < 0 || build_side(&tb, "after", &tb.res_after) < 0))
		goto out;
	tb.nnew = kbuild_new_warnings(&tb.before, &tb.res_after, &tb.new_warnings);
	ret = fill_result(&tb, inputs, t0, r);
	if (!ret && o->new_warnings && tb.new_warnings.len)
		sbuf_add(o->new_warnings, tb.new_warnings.buf, tb.new_warnings.len);
out:
	git_tree_free(before);
	git_tree_free(after);
	tree_build_release(&tb);
	return ret;
}

int build_kernel(struct kstage *ks, git_tree *tree, const char *log, const char *image,
		 char **failure)
{
	const char *img = kernel_image_of(ks->ws);
	struct kbuild_result res = {0};
	const char *targets[2];
	char *built = NULL, *data = NULL;
	size_t len = 0;
	int ret = -1;

	*failure = NULL;
	if (!img)
		return error("%s: arch '%s': no kernel image known for it; use x86_64, i386 or arm64",
			     ks->ws->name, ks->ws->conf->arch);
	targets[0] = base_name(img);
	targets[1] = NULL;
	built = path_join(ks->obj, img);
	if (kstage_checkout(ks, tree) < 0 || kstage_config(ks, failure) < 0)
		goto out;
	if (*failure) {
		ret = 0;
		goto out;
	}
	if (kbuild_make(&ks->kb, targets, log, &res) < 0)
		goto out;
	ret = 0;
	if (!res.ok)
		*failure = xprintf("%s (see %s)", res.first_error, log);
	else if (read_file(built, &data, &len) == 0)
		ret = write_file_atomic(image, data, len);
	else
		ret = -1;
out:
	kbuild_result_release(&res);
	free(data);
	free(built);
	return ret;
}
