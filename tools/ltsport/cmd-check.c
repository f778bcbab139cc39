// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport check: the tree's own scripts/checkpatch.pl on every generated
 * patch (findings the upstream patch has too are marked, so only ours
 * count), and sparse on the objects the series touches, before and after:
 * only new warnings are reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "fsutil.h"
#include "spawn.h"
#include "context.h"
#include "kstage.h"
#include "commands.h"

#define CHECKPATCH_TIMEOUT 300

static const char check_usage[] =
	"usage: ltsport check [options]\n"
	COMMON_USAGE;

struct cp_count {
	int errors;
	int warnings;
	int upstream_too;
	struct sbuf log;
};

/* "file:12: WARNING:TYPE: message" -> "WARNING:TYPE: message" */
static const char *finding_of(const char *line)
{
	const char *p = strstr(line, ": ERROR:");

	if (!p)
		p = strstr(line, ": WARNING:");
	if (!p)
		p = strstr(line, ": CHECK:");
	return p ? p + 2 : NULL;
}

static int run_checkpatch(const char *script, const char *root, const char *patch,
			  char **out)
{
	char *rootarg = xprintf("--root=%s", root);
	const char *const argv[] = {
		"perl", script, rootarg, "--terse", "--show-types", "--no-summary", patch, NULL,
	};
	struct spawn_result res;
	int ret = spawn_run(argv, NULL, CHECKPATCH_TIMEOUT, NULL, &res);

	*out = res.out ? xstrdup(res.out) : xstrdup("");
	spawn_result_release(&res);
	free(rootarg);
	return ret;
}

/*
 * Without upstream's message the mail lacks the authors' Signed-off-by:
 * that is the missing input's doing (the report asks for it), not ours.
 */
static int missing_message_finding(const char *f, int have_msg)
{
	return !have_msg && (starts_with(f, "ERROR:NO_AUTHOR_SIGN_OFF:") ||
			     starts_with(f, "ERROR:MISSING_SIGN_OFF:"));
}

static void count_findings(const char *ours, const char *upstream, int have_msg,
			   struct cp_count *c)
{
	const char *line = ours;

	while (line && *line) {
		size_t n = strcspn(line, "\n");
		char *l = xstrndup(line, n);
		const char *f = finding_of(l);

		if (f) {
			int both = upstream && strstr(upstream, f);
			/* checkpatch reads the stable "commit <id> upstream." as a bad reference */
			int header = starts_with(f, "ERROR:GIT_COMMIT_ID:") ||
				     starts_with(f, "WARNING:UNKNOWN_COMMIT_ID:");

			int nomsg = missing_message_finding(f, have_msg);

			sbuf_addf(&c->log, "%s%s\n", l, both ? "  (upstream too)" :
				  header ? "  (the stable header line; not counted)" :
				  nomsg ? "  (no upstream message to take it from; not counted)" : "");
			if (header || nomsg)
				goto next;
			c->upstream_too += both;
			c->errors += !both && starts_with(f, "ERROR:");
			c->warnings += !both && starts_with(f, "WARNING:");
		}
next:
		free(l);
		line += n + (line[n] == '\n');
	}
}

/* Upstream's own findings, from its body when we have one. */
static char *upstream_findings(struct series_patch *p, const char *script, const char *root,
			       const char *tmpdir)
{
	char *file, *out = NULL;

	if (!p->diff || !p->msg)
		return NULL;
	file = path_join(tmpdir, "upstream.patch");
	if (write_file(file, p->diff, strlen(p->diff)) == 0)
		run_checkpatch(script, root, file, &out);
	free(file);
	return out;
}

static struct series_patch *patch_by_upstream_id(struct series *s, const char *mail)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (strstr(mail, s->patches[i].upstream))
			return &s->patches[i];
	return NULL;
}

static int checkpatch_tree(struct ctx *ctx, struct tree_state *ts, struct cp_count *c)
{
	char *dir = path_join(ctx->out_dir, ts->conf->name);
	char *series = path_join(dir, "series"), *list = NULL, *save = NULL, *name;
	char *root = xprintf("%s/../.work/%s/src", ctx->out_dir, ts->conf->name);
	char *script = path_join(root, "scripts/checkpatch.pl");
	int ret = 0;

	if (read_file_quiet(series, &list)) {
		printf("%s: checkpatch: nothing ported, nothing to check\n", ts->conf->name);
		goto out;
	}
	for (name = strtok_r(list, "\n", &save); name && !ret; name = strtok_r(NULL, "\n", &save)) {
		char *patch = path_join(dir, name), *mail = NULL, *ours = NULL, *up = NULL;

		ret = read_file(patch, &mail, NULL);
		if (!ret)
			ret = run_checkpatch(script, root, patch, &ours);
		if (!ret) {
			struct series_patch *p = patch_by_upstream_id(&ctx->series, mail);

			up = p ? upstream_findings(p, script, root, dir) : NULL;
			count_findings(ours, up, p && p->msg, c);
		}
		free(up);
		free(ours);
		free(mail);
		free(patch);
	}
	if (!ret) {
		char *log = path_join(dir, "checkpatch.log");

		ret = write_file_atomic(log, c->log.buf ? c->log.buf : "", c->log.len);
		printf("%s: checkpatch: %d error%s, %d warning%s of ours (%d upstream has too); see %s\n",
		       ts->conf->name, c->errors, c->errors == 1 ? "" : "s", c->warnings,
		       c->warnings == 1 ? "" : "s", c->upstream_too, log);
		free(log);
	}
out:
	free(list);
	free(series);
	free(script);
	free(root);
	free(dir);
	return ret;
}

int cmd_check(int argc, char **argv)
{
	static const char *const sparse_args[] = { "C=2", "CHECK=sparse", NULL };
	struct build_run run = { .name = "sparse", .quick = 1, .extra = sparse_args };
	struct ctx ctx = {0};
	int ret = EXIT_USAGE;
	size_t i;

	if (ctx_start(&ctx, argc, argv, NULL, NULL, NULL, check_usage, 0, &ret))
		goto out;
	ret = EXIT_ERROR;
	for (i = 0; i < ctx.nts; i++) {
		struct cp_count c = {0};
		int rc;

		if (!ctx.ts[i].repo) {
			printf("%s: tree absent, not checked\n", ctx.ts[i].conf->name);
			continue;
		}
		rc = build_tree(&ctx, &ctx.ts[i], &run);
		if (rc >= 0 && checkpatch_tree(&ctx, &ctx.ts[i], &c) < 0)
			rc = -1;
		sbuf_release(&c.log);
		/* findings are results (sparse.json, checkpatch.log), not failures */
		if (rc < 0)
			goto out;
	}
	ret = EXIT_OK;
out:
	ctx_release(&ctx);
	return ret;
}
