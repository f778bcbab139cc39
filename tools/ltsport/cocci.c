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
#include "spcache.h"

#define SPATCH_TIMEOUT 300
#define SPATCH_FILE_TIMEOUT "240"	/* spatch's own limit per file */

/*
 * What spatch said on stderr after exit 0: *clean when nothing, and *file
 * (to be freed) when it gave up on a file at its --timeout ("EXN:
 * ...Common.Timeout in <file>"), the path under dir.
 */
static void spatch_stderr(const char *log, const char *dir, int *clean, char **file)
{
	const char *mark = "Common.Timeout in ", *at, *name;
	char *text = NULL;
	size_t n = strlen(dir);

	*clean = 0;
	*file = NULL;
	if (read_file_quiet(log, &text))
		return;
	*clean = !*text;
	at = strstr(text, mark);
	if (at) {
		name = at + strlen(mark);
		if (!strncmp(name, dir, n) && name[n] == '/')
			name += n + 1;
		*file = xstrndup(name, strcspn(name, "\n"));
	}
	free(text);
}

/*
 * spatch on the scratch copy, or what it did on the same bytes before
 * (spcache.c): 0 with its output in res, -1 when it failed.
 */
static int run_spatch(struct scratch *sc, const char *rule, const char *mode,
		      int in_place, struct spawn_result *res)
{
	char *log = path_join(sc->top, "spatch.log");
	const char *const argv[] = {
		"spatch", "--sp-file", rule, "-D", mode, "--very-quiet",
		"--no-includes", "--include-headers", "--timeout", SPATCH_FILE_TIMEOUT,
		"--dir", sc->dir, in_place ? "--in-place" : NULL, NULL,
	};
	char key[SPCACHE_KEYSZ + 1], *file = NULL;
	int cached = !spcache_key(rule, mode, in_place, sc, key), clean = 0, ret;

	memset(res, 0, sizeof(*res));
	if (cached && spcache_load(key, sc, &res->out)) {
		free(log);
		return 0;
	}
	ret = spawn_run(argv, sc->dir, SPATCH_TIMEOUT, log, res);
	if (!ret && res->status) {
		char *text = NULL;

		read_file(log, &text, NULL);
		ret = error("spatch -D %s with %s failed (exit %d): %.400s", mode, rule,
			    res->status, text ? text : "");
		free(text);
	} else if (!ret) {
		spatch_stderr(log, sc->dir, &clean, &file);
	}
	/* exit 0, but a file it gave up on is one it neither reported nor changed */
	if (file)
		ret = error("spatch -D %s with %s gave up on %s at its --timeout of %s s", mode,
			    rule, file, SPATCH_FILE_TIMEOUT);
	free(file);
	/* a diff names the scratch copy: only a report's output is kept */
	if (!ret && cached && clean)
		spcache_store(key, sc, in_place ? NULL : res->out);
	free(log);
	return ret;
}

/*
 * One line of a rule's report ("<file>:<line>: fixed: <what>" or with
 * "missing:"): its kind, and where it points when it starts "file:N:".
 */
int cocci_parse_report_line(const char *line, size_t len, struct cocci_line *out)
{
	const char *fixed = memmem(line, len, ": fixed: ", 9);
	const char *missing = memmem(line, len, ": missing: ", 11);
	const char *mark, *colon, *p;
	struct cocci_line l = { COCCI_NONE, NULL, 0, 0, NULL, 0 };

	if (fixed && (!missing || fixed < missing)) {
		l.kind = COCCI_FIXED;
		mark = fixed;
		l.what = fixed + 9;
	} else if (missing) {
		l.kind = COCCI_MISSING;
		mark = missing;
		l.what = missing + 11;
	} else {
		goto out;
	}
	l.what_len = line + len - l.what;
	/* "file:N" before the mark: N all digits, file not empty. */
	colon = memrchr(line, ':', mark - line);
	if (colon && colon > line && colon + 1 < mark) {
		int n = 0;

		for (p = colon + 1; p < mark && *p >= '0' && *p <= '9' && n < 100000000; p++)
			n = n * 10 + (*p - '0');
		if (p == mark) {
			l.file = line;
			l.file_len = colon - line;
			l.line = n;
		}
	}
out:
	if (out)
		*out = l;
	return l.kind;
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
		char **first = NULL;

		switch (cocci_parse_report_line(line, n, NULL)) {
		case COCCI_FIXED:
			rep->fixed++;
			first = &rep->first_fixed;
			break;
		case COCCI_MISSING:
			rep->missing++;
			first = &rep->first_missing;
			break;
		}
		if (first && !*first)
			*first = xstrndup(line, n);
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
