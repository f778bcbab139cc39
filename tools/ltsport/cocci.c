// SPDX-License-Identifier: GPL-2.0
/*
 * The spatch driver: spatch runs with a time limit in a scratch copy of the
 * files a fix touches (see scratch.c), its log beside that copy, never in
 * it, so that no tree path can clash with it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"
#include "spawn.h"
#include "scratch.h"
#include "series.h"
#include "cocci.h"

#define SPATCH_TIMEOUT 300

static int run_spatch(struct scratch *sc, const char *rule, const char *mode,
		      int in_place, struct spawn_result *res)
{
	char *log = path_join(sc->top, "spatch.log");
	const char *const argv[] = {
		"spatch", "--sp-file", rule, "-D", mode, "--very-quiet",
		"--no-includes", "--include-headers", "--timeout", "240",
		"--dir", sc->dir, in_place ? "--in-place" : NULL, NULL,
	};
	int ret = spawn_run(argv, sc->dir, SPATCH_TIMEOUT, log, res);

	if (!ret && res->status) {
		char *text = NULL;

		read_file(log, &text, NULL);
		ret = error("spatch -D %s with %s failed (exit %d): %.400s", mode, rule,
			    res->status, text ? text : "");
		free(text);
	}
	free(log);
	return ret;
}

static void note_line(char **slot, const char *line, size_t n)
{
	if (!*slot)
		*slot = xstrndup(line, n);
}

/*
 * The fix's semantic patch in report mode: 0 with *rep, -2 when a file of
 * files = is not one to copy (the ladder says so, as bad input), -1.
 */
int cocci_report(git_repository *repo, git_tree *tree, struct series_patch *p,
		 struct cocci_report *rep)
{
	struct scratch sc = {0};
	struct spawn_result res = {0};
	const char *line;
	int ret;

	memset(rep, 0, sizeof(*rep));
	ret = scratch_export(&sc, repo, tree, p->files);
	if (ret > 0)
		ret = error("%s: %s", base_name(p->cocci), sc.why);
	if (!ret)
		ret = run_spatch(&sc, p->cocci, "report", 0, &res);
	for (line = res.out; !ret && line && *line; ) {
		size_t n = strcspn(line, "\n");

		if (memmem(line, n, ": fixed: ", 9)) {
			rep->fixed++;
			note_line(&rep->first_fixed, line, n);
		} else if (memmem(line, n, ": missing: ", 11)) {
			rep->missing++;
			note_line(&rep->first_missing, line, n);
		}
		line += n + (line[n] == '\n');
	}
	spawn_result_release(&res);
	scratch_release(&sc);
	return ret;
}

void cocci_report_release(struct cocci_report *rep)
{
	free(rep->first_fixed);
	free(rep->first_missing);
	memset(rep, 0, sizeof(*rep));
}

/*
 * Run a semantic patch in the scratch copy and take back what it changed.
 * 0 with *out and *changed; 1 when nothing changed, -2 when a file is not
 * to be written (../, through a symlink), with *why when a file could not
 * be given to spatch (binary, symlink) or was not to be taken back; -1.
 */
static int apply_in_scratch(git_repository *repo, git_tree *tree, const char *rule,
			    const char *files, const char *mode, git_tree **out,
			    char **changed, char **why)
{
	struct scratch sc = {0};
	struct spawn_result res = {0};
	struct sbuf sb = {0};
	int ret;

	ret = scratch_export(&sc, repo, tree, files);
	if (!ret)
		ret = run_spatch(&sc, rule, mode, 1, &res);
	if (!ret)
		ret = scratch_collect(&sc, repo, tree, out, &sb);
	if (!ret)
		*changed = sbuf_detach(&sb);
	if (sc.why) {
		*why = sc.why;
		sc.why = NULL;
	}
	sbuf_release(&sb);
	spawn_result_release(&res);
	scratch_release(&sc);
	return ret;
}

/*
 * Run a semantic patch in mode "patch" or "revert" (any virtual rule) on
 * the given files of the tree. 0 with the new tree and the changed files
 * in *changed, 1 when the rule changed nothing, -2 when a file is not one
 * to write (printed), -1 on error.
 */
int cocci_apply(git_repository *repo, git_tree *tree, const char *rule, const char *files,
		const char *mode, git_tree **out, char **changed)
{
	char *why = NULL;
	int ret = apply_in_scratch(repo, tree, rule, files, mode, out, changed, &why);

	if (ret == -2)
		error("%s: %s", base_name(rule), why);
	else if (ret > 0 && why)
		warn("%s: %s", base_name(rule), why);
	free(why);
	return ret;
}

/*
 * The fix's own semantic patch, with a note for the stable message; when
 * it cannot run or take a file back (1, -2), *note says why, if known.
 */
int cocci_transform(git_repository *repo, git_tree *tree, struct series_patch *p,
		    const char *mode, git_tree **out, char **note)
{
	char *changed = NULL, *why = NULL;
	int ret = apply_in_scratch(repo, tree, p->cocci, p->files, mode, out, &changed, &why);

	if (!ret)
		*note = xprintf("%s adapted by cocci/fixes/%s (-D %s)", changed,
				base_name(p->cocci), mode);
	else if (why)
		*note = why;
	else
		*note = NULL;
	if (ret)
		why = NULL;
	free(why);
	free(changed);
	return ret;
}
