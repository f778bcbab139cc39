// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport port: carry the series' missing patches onto each tree, write
 * a quilt series in stable format to backports/<series>/<tree>/ and the
 * same commits to refs/heads/ltsport/<series>/<tree>. A tree gets all of
 * its patches or nothing: never a half-adapted series.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"
#include "context.h"
#include "ladder.h"
#include "stablefmt.h"
#include "commands.h"

static const char port_usage[] =
	"usage: ltsport port [options]\n"
	COMMON_USAGE;

struct ported {
	struct series_patch *p;
	struct adaptation a;
	git_commit *commit;
	char *file;
	char *mail;
};

struct tree_port {
	struct ctx *ctx;
	struct tree_state *ts;
	struct ported *items;
	size_t nr;
	git_signature *signoff;
};

static void tree_port_release(struct tree_port *tp)
{
	size_t i;

	for (i = 0; i < tp->nr; i++) {
		adaptation_release(&tp->items[i].a);
		git_commit_free(tp->items[i].commit);
		free(tp->items[i].file);
		free(tp->items[i].mail);
	}
	free(tp->items);
	git_signature_free(tp->signoff);
}

/* The patches to port; 1 when a verdict is unknown and nothing may be ported. */
static int select_patches(struct tree_port *tp)
{
	struct series *s = &tp->ctx->series;
	size_t k;

	tp->items = xcalloc(s->nr, sizeof(*tp->items));
	for (k = 0; k < s->nr; k++) {
		struct patch_verdict *pv = &tp->ts->pv[k];

		if (pv->v == V_UNKNOWN) {
			error("%s: %s: verdict unknown (%s); not porting this tree",
			      tp->ts->conf->name, s->patches[k].name, pv->evidence);
			return 1;
		}
		if (pv->v == V_MISSING)
			tp->items[tp->nr++].p = &s->patches[k];
	}
	return 0;
}

/* The upstream author: from the body, else series.conf's author = (dated now). */
static const git_signature *author_of(struct series_patch *p, const git_signature *fallback)
{
	if (!p->sig && p->author && make_sig(&p->sig, p->author, fallback->when.time,
					     fallback->when.offset) < 0)
		p->sig = NULL;
	return p->sig ? p->sig : fallback;
}

static int adapt_all(struct tree_port *tp)
{
	git_repository *repo = tp->ts->repo;
	git_commit *parent = tp->ts->tip;
	size_t i;

	for (i = 0; i < tp->nr; i++) {
		struct ported *it = &tp->items[i];
		git_tree *base = NULL;
		char *msg;
		int rc;

		if (git_commit_tree(&base, parent) < 0)
			return git_fail(tp->ts->conf->path);
		rc = ladder_apply(repo, base, it->p, &it->a);
		git_tree_free(base);
		if (rc == -2)
			error("%s", it->a.failure);
		if (rc < 0)
			return rc;
		if (rc) {
			error("%s: %s: %s; no output written for %s", tp->ts->conf->name,
			      it->p->name, it->a.failure, tp->ts->conf->name);
			return 1;
		}
		msg = stable_message(it->p, it->a.note, tp->signoff);
		rc = commit_on_top(repo, parent, it->a.tree, author_of(it->p, tp->signoff),
				   tp->signoff, msg, &it->commit);
		free(msg);
		if (rc < 0)
			return -1;
		parent = it->commit;
	}
	return 0;
}

static int format_mails(struct tree_port *tp)
{
	char *prefix = stable_subject_prefix(tp->ts->conf->name);
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < tp->nr; i++) {
		struct ported *it = &tp->items[i];

		it->file = patch_file_name(i + 1, it->p->subject);
		ret = email_for_commit(tp->ts->repo, it->commit, i + 1, tp->nr, prefix, &it->mail);
	}
	free(prefix);
	return ret;
}

static char *port_json(struct tree_port *tp, const char *branch)
{
	struct sbuf sb = {0};
	char sha[GIT_OID_HEXSZ + 1];
	size_t i;

	sbuf_adds(&sb, "{\"tree\":");
	sbuf_add_json(&sb, tp->ts->conf->name);
	sbuf_adds(&sb, ",\"series\":");
	sbuf_add_json(&sb, tp->ctx->series.name);
	git_oid_tostr(sha, sizeof(sha), git_commit_id(tp->ts->tip));
	sbuf_adds(&sb, ",\"base_commit\":");
	sbuf_add_json(&sb, sha);
	sbuf_adds(&sb, ",\"branch\":");
	sbuf_add_json(&sb, branch);
	sbuf_adds(&sb, ",\"patches\":[");
	for (i = 0; i < tp->nr; i++) {
		struct ported *it = &tp->items[i];

		git_oid_tostr(sha, sizeof(sha), git_commit_id(it->commit));
		sbuf_adds(&sb, i ? ",{\"file\":" : "{\"file\":");
		sbuf_add_json(&sb, it->file);
		sbuf_adds(&sb, ",\"upstream\":");
		sbuf_add_json(&sb, it->p->upstream);
		sbuf_adds(&sb, ",\"rung\":");
		sbuf_add_json(&sb, it->a.rung);
		sbuf_adds(&sb, ",\"note\":");
		sbuf_add_json(&sb, it->a.note);
		sbuf_adds(&sb, ",\"commit\":");
		sbuf_add_json(&sb, sha);
		sbuf_addf(&sb, ",\"upstream_message\":%s}", it->p->msg ? "true" : "false");
	}
	sbuf_adds(&sb, "]}\n");
	return sbuf_detach(&sb);
}

static int write_into(struct tree_port *tp, const char *dir, const char *branch)
{
	struct sbuf series = {0};
	char *json, *path;
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < tp->nr; i++) {
		path = path_join(dir, tp->items[i].file);
		ret = write_file(path, tp->items[i].mail, strlen(tp->items[i].mail));
		free(path);
		sbuf_addf(&series, "%s\n", tp->items[i].file);
	}
	path = path_join(dir, "series");
	if (!ret)
		ret = write_file(path, series.buf, series.len);
	free(path);
	json = port_json(tp, branch);
	path = path_join(dir, "port.json");
	if (!ret)
		ret = write_file(path, json, strlen(json));
	free(path);
	free(json);
	sbuf_release(&series);
	return ret;
}

static int write_output(struct tree_port *tp, const char *branch, char **dest)
{
	const char *out = tp->ctx->out_dir;
	char *tmp;
	int ret;

	if (mkdir_p(out) < 0)
		return -1;
	tmp = make_temp_dir(out, tp->ts->conf->name);
	if (!tmp)
		return -1;
	*dest = path_join(out, tp->ts->conf->name);
	ret = write_into(tp, tmp, branch);
	if (!ret)
		ret = install_dir(tmp, *dest);
	if (ret)
		rm_rf(tmp);
	free(tmp);
	return ret;
}

static void print_ported(struct tree_port *tp, const char *dest, const char *branch)
{
	size_t i;

	printf("%s: ported %zu patch%s -> %s (branch %s)\n", tp->ts->conf->name, tp->nr,
	       tp->nr == 1 ? "" : "es", dest, branch);
	for (i = 0; i < tp->nr; i++)
		printf("  %s  %.12s  %s\n", tp->items[i].file, tp->items[i].p->upstream,
		       tp->items[i].a.rung);
}

/* 0 ported or nothing to do, 1 could not port, -1 error. */
static int port_tree(struct ctx *ctx, struct tree_state *ts)
{
	struct tree_port tp = { .ctx = ctx, .ts = ts };
	char *branch = NULL, *dest = NULL;
	int ret;

	if (!ts->repo) {
		printf("%s: absent (%s)%s%s\n", ts->conf->name, ts->absent,
		       ts->conf->upstream ? "; get it from " : "",
		       ts->conf->upstream ? ts->conf->upstream : "");
		return 0;
	}
	ret = select_patches(&tp);
	if (ret || !tp.nr) {
		if (!ret)
			printf("%s: nothing to port (%s)\n", ts->conf->name, verdict_name(ts->state));
		goto out;
	}
	branch = xstrdup(ctx_ws_of(ctx, ts)->branch);
	if (branch_checked_out_at(ts->repo, branch, &dest)) {
		error("%s: %s is checked out in %s; switch to another branch first",
		      ts->conf->name, branch, dest);
		ret = 1;
		goto out;
	}
	if (git_signature_default(&tp.signoff, ts->repo) < 0) {
		ret = error("%s: no committer identity for the Signed-off-by; set git config --global user.name and user.email",
			    ts->conf->path);
		goto out;
	}
	progress("%s: adapting %zu patch(es)", ts->conf->name, tp.nr);
	ret = adapt_all(&tp);
	if (ret)
		goto out;
	ret = format_mails(&tp);
	if (!ret)
		ret = write_output(&tp, branch, &dest);
	if (!ret)
		ret = update_branch(ts->repo, branch, git_commit_id(tp.items[tp.nr - 1].commit),
				    "ltsport port");
	if (!ret)
		print_ported(&tp, dest, branch + strlen("refs/heads/"));
out:
	free(branch);
	free(dest);
	tree_port_release(&tp);
	return ret;
}

int cmd_port(int argc, char **argv)
{
	struct ctx ctx = {0};
	int ret = EXIT_USAGE, failed = 0;
	size_t i;

	if (ctx_start(&ctx, argc, argv, NULL, NULL, NULL, port_usage, 1, &ret))
		goto out;
	ret = EXIT_ERROR;
	for (i = 0; i < ctx.nts; i++) {
		int rc = port_tree(&ctx, &ctx.ts[i]);

		if (rc < 0) {
			ret = rc == -2 ? EXIT_USAGE : EXIT_ERROR;
			goto out;
		}
		failed += rc;
	}
	ret = failed ? EXIT_VERDICT : EXIT_OK;
out:
	ctx_release(&ctx);
	return ret;
}
