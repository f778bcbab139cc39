// SPDX-License-Identifier: GPL-2.0
/*
 * The checkpatch stage: the tree's own scripts/checkpatch.pl on every mail
 * port wrote. Findings the upstream patch has too are marked, so only ours
 * count; checkpatch's complaint about the stable "commit <id> upstream."
 * line, and the sign-offs a mail lacks for want of upstream's message, are
 * marked and not counted. A checkpatch that cannot run is said so, with
 * why, never counted as clean.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "spawn.h"
#include "series.h"
#include "workspace.h"
#include "results.h"
#include "kstage.h"
#include "stages.h"

#define CHECKPATCH_TIMEOUT 300
#define CHECKPATCH "scripts/checkpatch.pl"

struct cp_run {
	struct tree_ws *ws;
	struct kstage ks;
	char *script;
	char *tmp;		/* a temp dir in the work dir, removed */
	struct sbuf log;
	struct checkpatch_result *r;
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

/*
 * checkpatch.pl on one file: 0 with its findings in *out, 1 when it did not
 * run (*why says why: it died, or exited other than 0 or 1), -1 when it
 * could not be started or was killed.
 */
static int run_checkpatch(struct cp_run *cp, const char *patch, char **out, char **why)
{
	char *rootarg = xprintf("--root=%s", cp->ks.src);
	char *errlog = path_join(cp->tmp, "stderr"), *err = NULL;
	const char *const argv[] = {
		"perl", cp->script, rootarg, "--terse", "--show-types", "--no-summary", patch,
		NULL,
	};
	struct spawn_result res;
	int ret;

	*out = NULL;
	unlink(errlog);
	ret = spawn_run(argv, NULL, CHECKPATCH_TIMEOUT, errlog, &res);
	if (!ret && res.status > 1) {
		read_file_quiet(errlog, &err);
		if (err)
			err[strcspn(err, "\n")] = '\0';
		*why = xprintf("%s exited with %d on %s: %s", CHECKPATCH, res.status,
			       base_name(patch), err && *err ? err : "no message");
		ret = 1;
	} else if (!ret) {
		*out = xstrdup(res.out ? res.out : "");
	}
	spawn_result_release(&res);
	free(err);
	free(errlog);
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

static void count_findings(struct cp_run *cp, const char *ours, const char *upstream,
			   int have_msg)
{
	struct checkpatch_result *r = cp->r;
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

			sbuf_addf(&cp->log, "%s%s\n", l, both ? "  (upstream too)" :
				  header ? "  (the stable header line; not counted)" :
				  nomsg ? "  (no upstream message to take it from; not counted)" : "");
			if (header || nomsg) {
				r->not_counted++;
			} else {
				r->upstream_too += both;
				r->errors += !both && starts_with(f, "ERROR:");
				r->warnings += !both && starts_with(f, "WARNING:");
			}
		}
		free(l);
		line += n + (line[n] == '\n');
	}
}

/* Upstream's own findings, from its body when we have one; in the temp dir. */
static int upstream_findings(struct cp_run *cp, const struct series_patch *p, char **out,
			     char **why)
{
	char *file;
	int ret;

	*out = NULL;
	if (!p || !p->diff || !p->msg)
		return 0;
	file = path_join(cp->tmp, "upstream.patch");
	ret = write_file(file, p->diff, strlen(p->diff));
	if (!ret)
		ret = run_checkpatch(cp, file, out, why);
	unlink(file);
	free(file);
	return ret;
}

static const struct series_patch *patch_by_upstream_id(const struct series *s, const char *mail)
{
	size_t i;

	for (i = 0; s && i < s->nr; i++)
		if (strstr(mail, s->patches[i].upstream))
			return &s->patches[i];
	return NULL;
}

/* One mail: 0 counted, 1 checkpatch did not run (r->why), -1 error. */
static int check_mail(struct cp_run *cp, const char *name)
{
	char *patch = ws_path(cp->ws, WS_OUT, name), *mail = NULL, *ours = NULL, *up = NULL;
	const struct series_patch *p;
	int ret;

	ret = read_file(patch, &mail, NULL);
	if (!ret)
		ret = run_checkpatch(cp, patch, &ours, &cp->r->why);
	if (!ret) {
		p = patch_by_upstream_id(cp->ws->series, mail);
		ret = upstream_findings(cp, p, &up, &cp->r->why);
		if (!ret) {
			count_findings(cp, ours, up, p && p->msg);
			cp->r->patches++;
		}
	}
	free(up);
	free(ours);
	free(mail);
	free(patch);
	return ret;
}

/* What src should hold for --root: the ported branch, else the tip. */
static int checkout_checked(struct cp_run *cp)
{
	git_commit *ported = NULL;
	git_tree *tree = NULL;
	int rc = ws_find_ported(cp->ws, &ported), ret = -1;

	if (rc < 0)
		return -1;
	if (git_commit_tree(&tree, ported ? ported : cp->ws->tip) < 0)
		git_fail(cp->ws->name);
	else
		ret = kstage_checkout(&cp->ks, tree);
	git_tree_free(tree);
	git_commit_free(ported);
	return ret;
}

/* Nothing counted: why is the reason, an old log is no longer true. */
static void not_run(struct cp_run *cp, enum outcome o, char *why)
{
	char *log = ws_path(cp->ws, WS_OUT, "checkpatch.log");

	unlink(log);
	free(log);
	if (why != cp->r->why)
		free(cp->r->why);
	cp->r->why = why;
	cp->r->head.outcome = o;
	cp->r->patches = cp->r->errors = cp->r->warnings = 0;
	cp->r->upstream_too = cp->r->not_counted = 0;
}

static int check_all(struct cp_run *cp)
{
	char *series = ws_path(cp->ws, WS_OUT, "series"), *list = NULL, *save = NULL, *name;
	int ret = 0;

	if (read_file_quiet(series, &list)) {
		not_run(cp, OUTCOME_NOT_RUN, xstrdup("nothing ported, nothing to check"));
		goto out;
	}
	if (kstage_open(&cp->ks, cp->ws) < 0 || checkout_checked(cp) < 0) {
		ret = -1;
		goto out;
	}
	cp->script = path_join(cp->ks.src, CHECKPATCH);
	if (!path_exists(cp->script)) {
		not_run(cp, OUTCOME_FAILED_TO_RUN, xstrdup(CHECKPATCH " missing in the tree"));
		goto out;
	}
	cp->tmp = make_temp_dir(cp->ws->work, "checkpatch");
	if (!cp->tmp) {
		ret = -1;
		goto out;
	}
	for (name = strtok_r(list, "\n", &save); name && !ret; name = strtok_r(NULL, "\n", &save))
		ret = check_mail(cp, name);
	if (ret > 0) {
		not_run(cp, OUTCOME_FAILED_TO_RUN, cp->r->why);
		ret = 0;
	} else if (!ret) {
		cp->r->log = ws_path(cp->ws, WS_OUT, "checkpatch.log");
		ret = write_file_atomic(cp->r->log, cp->log.buf ? cp->log.buf : "", cp->log.len);
		cp->r->head.outcome = cp->r->errors || cp->r->warnings ? OUTCOME_FINDING :
				      OUTCOME_DONE;
	}
out:
	free(list);
	free(series);
	return ret;
}

int stage_checkpatch(struct tree_ws *ws, struct checkpatch_result *r)
{
	struct cp_run cp = { .ws = ws, .r = r };
	char inputs[INPUTS_HEXSZ + 1];
	double t0 = now_s();
	int ret = -1;

	memset(r, 0, sizeof(*r));
	if (stage_inputs(ws, STAGE_CHECKPATCH, inputs) < 0)
		goto out;
	ret = check_all(&cp);
	if (!ret)
		record_head(&r->head, STAGE_CHECKPATCH, ws->name, git_commit_id(ws->tip), inputs,
			    r->head.outcome, now_s() - t0);
out:
	if (cp.tmp && rm_rf(cp.tmp) < 0)
		ret = -1;
	if (ret < 0)
		record_release(&checkpatch_desc, r);
	free(cp.tmp);
	free(cp.script);
	sbuf_release(&cp.log);
	kstage_release(&cp.ks);
	return ret;
}
