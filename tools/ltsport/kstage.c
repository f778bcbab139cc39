// SPDX-License-Identifier: GPL-2.0
/*
 * The build stage, shared by build and check (sparse): build each tree
 * without the series, then with it (incrementally, same config, the tree's
 * own toolchain), and tell a tree or toolchain problem ("fails without the
 * series too") from a series problem ("the series breaks the build"),
 * listing new warnings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"
#include "context.h"
#include "kbuild.h"
#include "kstage.h"

#define BUILD_TIMEOUT 3600

struct tree_build {
	const struct build_run *run;
	struct ctx *ctx;
	struct tree_state *ts;
	struct kstage ks;
	char *out;		/* backports/<series>/<tree> */
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
	free(tb->out);
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
static int quick_targets(struct tree_build *tb, git_tree *before, git_tree *after)
{
	const char *files = NULL;
	char *diff = NULL, *paths = NULL, *list, *save = NULL, *f;

	add_target(tb, "prepare");
	if (after && diff_trees_text(tb->ts->repo, before, after, &diff) == 0)
		files = paths = diff_paths(diff);
	if (!files) {
		size_t i;

		for (i = 0; i < tb->ctx->series.nr && !files; i++)
			files = tb->ctx->series.patches[i].files;
	}
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
	return 0;
}

/*
 * The branch port made for this tree, ltsport/<series>/<tree>: 1 with *out
 * when it stands on top of the tip, 0 when there is none, 2 (*out set) when
 * it was made on another tip, -1 on a libgit2 error.
 */
int find_ported(struct ctx *ctx, struct tree_state *ts, git_commit **out)
{
	return ws_find_ported(ctx_ws_of(ctx, ts), out);
}

static int find_after(struct tree_build *tb)
{
	int rc = find_ported(tb->ctx, tb->ts, &tb->after);

	if (rc == 2)
		return error("%s: ltsport/%s/%s is not on top of %s; run ltsport port again",
			     tb->ts->conf->name, tb->ctx->series.name, tb->ts->conf->name,
			     tb->ts->conf->ref);
	return rc < 0 ? -1 : 0;
}

static int build_side(struct tree_build *tb, struct kbuild *kb, const char *name,
		      struct kbuild_result *res)
{
	char *log = xprintf("%s/%s-%s.log", tb->ks.work, tb->run->name, name);

	progress("%s: %s %s the series", tb->ts->conf->name, tb->run->name, name);
	if (kbuild_make(kb, (const char *const *)tb->targets, log, res) < 0) {
		free(log);
		return -1;
	}
	free(log);
	return 0;
}

static const char *build_verdict(struct tree_build *tb)
{
	if (!tb->before.ok)
		return "fails without the series too";
	if (!tb->after)
		return "builds (nothing ported)";
	if (!tb->res_after.ok)
		return "the series breaks the build";
	return "builds";
}

static void print_build(struct tree_build *tb, const char *verdict)
{
	printf("%s: %s: %s", tb->ts->conf->name, tb->run->name, verdict);
	if (!tb->before.ok)
		printf(": %s", tb->before.first_error);
	else if (tb->after && !tb->res_after.ok)
		printf(": %s", tb->res_after.first_error);
	else
		printf(" (before %.0f s, after %.0f s, %zu new warning%s)", tb->before.seconds,
		       tb->res_after.seconds, tb->nnew, tb->nnew == 1 ? "" : "s");
	printf("; log in %s/%s.log\n", tb->out, tb->run->name);
	if (tb->nnew)
		printf("%s", tb->new_warnings.buf);
}

/*
 * <name>.log beside the result: the config log and both make runs, so that
 * the report's reader finds them with the patches.
 */
static int write_stage_log(struct tree_build *tb)
{
	static const char *const parts[][2] = {
		{ "config", "configuring" },
		{ "before", "without the series" },
		{ "after", "with the series" },
	};
	struct sbuf sb = {0};
	char *path;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		char *log = i ? xprintf("%s/%s-%s.log", tb->ks.work, tb->run->name, parts[i][0]) :
				path_join(tb->ks.work, "config.log");
		char *text = NULL;

		if (!read_file_quiet(log, &text))
			sbuf_addf(&sb, "### %s (%s)\n%s\n", parts[i][1], log, text);
		free(text);
		free(log);
	}
	path = xprintf("%s/%s.log", tb->out, tb->run->name);
	ret = write_file_atomic(path, sb.buf ? sb.buf : "", sb.len);
	free(path);
	sbuf_release(&sb);
	return ret;
}

static int write_result(struct tree_build *tb, const char *verdict, const struct build_run *run)
{
	struct sbuf sb = {0};
	char *path;
	int ret;

	sbuf_adds(&sb, "{\"tree\":");
	sbuf_add_json(&sb, tb->ts->conf->name);
	sbuf_addf(&sb, ",\"mode\":\"%s\",\"toolchain\":", run->quick ? "quick" : "full");
	sbuf_add_json(&sb, tb->ts->conf->toolchain ? tb->ts->conf->toolchain : "gcc");
	sbuf_adds(&sb, ",\"verdict\":");
	sbuf_add_json(&sb, verdict);
	sbuf_adds(&sb, ",\"first_error\":");
	sbuf_add_json(&sb, !tb->before.ok ? tb->before.first_error :
		      tb->res_after.first_error ? tb->res_after.first_error : "");
	sbuf_addf(&sb, ",\"seconds_before\":%.1f,\"seconds_after\":%.1f,\"new_warnings\":%zu}\n",
		  tb->before.seconds, tb->res_after.seconds, tb->nnew);
	if (mkdir_p(tb->out) < 0 || write_stage_log(tb) < 0) {
		sbuf_release(&sb);
		return -1;
	}
	path = xprintf("%s/%s.json", tb->out, run->name);
	ret = write_file_atomic(path, sb.buf, sb.len);
	free(path);
	sbuf_release(&sb);
	return ret;
}

/*
 * Write a git tree's files to src. src.tree says what src holds, so a later
 * run writes only the files that differ and make stays incremental; it is
 * removed first, so a killed checkout is never trusted.
 */
int kstage_checkout(struct kstage *ks, git_tree *tree)
{
	char *stamp = path_join(ks->work, "src.tree"), *text = NULL;
	char sha[GIT_OID_HEXSZ + 1];
	git_tree *base = NULL;
	git_oid id;
	int ret = -1;

	if (!read_file_quiet(stamp, &text) && !git_oid_fromstrn(&id, text, GIT_OID_HEXSZ) &&
	    is_dir(ks->src)) {
		if (git_oid_equal(&id, git_tree_id(tree))) {
			ret = 0;
			goto out;
		}
		git_tree_lookup(&base, ks->ts->repo, &id);
	}
	git_error_clear();
	if (!base && (rm_rf(ks->src) < 0 || mkdir_p(ks->src) < 0))
		goto out;
	unlink(stamp);
	progress("%s: writing the sources to %s", ks->ts->conf->name, ks->src);
	if (checkout_to_dir(ks->ts->repo, tree, base, ks->src) < 0)
		goto out;
	git_oid_tostr(sha, sizeof(sha), git_tree_id(tree));
	ret = write_file_atomic(stamp, sha, strlen(sha));
out:
	free(text);
	free(stamp);
	git_tree_free(base);
	return ret;
}

static int checkout_side(struct tree_build *tb, git_commit *c)
{
	git_tree *tree = NULL;
	int ret;

	if (git_commit_tree(&tree, c) < 0)
		return git_fail(tb->ts->conf->name);
	ret = kstage_checkout(&tb->ks, tree);
	git_tree_free(tree);
	return ret;
}

/* backports/.work/<tree>, made and canonical, so logs name plain paths. */
static char *work_dir(struct ctx *ctx, struct tree_state *ts)
{
	char *dir = xprintf("%s/../.work/%s", ctx->out_dir, ts->conf->name);
	char *real = NULL;

	if (mkdir_p(dir) == 0)
		real = realpath(dir, NULL);
	if (!real)
		error("%s: cannot make the work directory", dir);
	free(dir);
	return real;
}

int kstage_open(struct kstage *ks, struct ctx *ctx, struct tree_state *ts)
{
	memset(ks, 0, sizeof(*ks));
	ks->ts = ts;
	if (!ts->conf->kconfig)
		return error("%s: no kconfig = fragment in %s; name one from tools/kconfig/",
			     ts->conf->name, ctx->conf.file);
	ks->work = work_dir(ctx, ts);
	if (!ks->work)
		return -1;
	ks->src = path_join(ks->work, "src");
	ks->obj = path_join(ks->work, "obj");
	git_oid_tostr(ks->key, sizeof(ks->key), git_commit_id(ts->tip));
	ks->kb.src = ks->src;
	ks->kb.obj = ks->obj;
	ks->kb.cc = ts->conf->toolchain ? ts->conf->toolchain : "gcc";
	ks->kb.fragment = ts->conf->kconfig;
	ks->kb.key = ks->key;
	ks->kb.timeout_s = BUILD_TIMEOUT;
	return 0;
}

/*
 * Configure on what src holds now. A tree or toolchain that cannot even
 * configure is a verdict, not our error: *failure says so, 0 is returned.
 */
int kstage_config(struct kstage *ks, char **failure)
{
	char *cfglog = path_join(ks->work, "config.log");

	*failure = NULL;
	unlink(cfglog);
	if (kbuild_config(&ks->kb, cfglog) < 0)
		*failure = xprintf("configuring failed; see %s", cfglog);
	free(cfglog);
	return 0;
}

void kstage_release(struct kstage *ks)
{
	free(ks->work);
	free(ks->src);
	free(ks->obj);
	memset(ks, 0, sizeof(*ks));
}

int build_tree(struct ctx *ctx, struct tree_state *ts, const struct build_run *run)
{
	struct tree_build tb = { .ctx = ctx, .ts = ts, .run = run };
	git_tree *before = NULL, *after = NULL;
	const char *verdict;
	int ret = -1;

	if (kstage_open(&tb.ks, ctx, ts) < 0)
		goto out;
	tb.ks.kb.extra = run->extra;
	tb.out = path_join(ctx->out_dir, ts->conf->name);
	if (find_after(&tb) < 0 || git_commit_tree(&before, ts->tip) < 0 ||
	    (tb.after && git_commit_tree(&after, tb.after) < 0))
		goto out;
	if (run->quick)
		quick_targets(&tb, before, after);
	else
		add_target(&tb, "bzImage");
	if (checkout_side(&tb, ts->tip) < 0 || kstage_config(&tb.ks, &tb.before.first_error) < 0)
		goto out;
	if (!tb.before.first_error && build_side(&tb, &tb.ks.kb, "before", &tb.before) < 0)
		goto out;
	if (tb.after && tb.before.ok &&
	    (checkout_side(&tb, tb.after) < 0 ||
	     build_side(&tb, &tb.ks.kb, "after", &tb.res_after) < 0))
		goto out;
	tb.nnew = kbuild_new_warnings(&tb.before, &tb.res_after, &tb.new_warnings);
	verdict = build_verdict(&tb);
	print_build(&tb, verdict);
	ret = write_result(&tb, verdict, run);
	if (!ret)
		ret = strcmp(verdict, "builds") && strcmp(verdict, "builds (nothing ported)");
out:
	git_tree_free(before);
	git_tree_free(after);
	tree_build_release(&tb);
	return ret;
}
