// SPDX-License-Identifier: GPL-2.0
/*
 * The compile check of every rung: a result counts only when the objects
 * of the .c files it touches build with the tree's toolchain, in the work
 * place the build stage uses (same source dir, object dir and config), so
 * an object is made as `make O=<obj> mm/foo.o` would make it. When no
 * build is prepared or the toolchain is missing, the check does not run
 * and says so; it never passes by default.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"
#include "conf.h"
#include "workspace.h"
#include "kbuild.h"
#include "kstage.h"
#include "rungbuild.h"
#include "toolchain.h"

#define CHECK_TIMEOUT 600
#define NO_BUILD "no prepared build; run ltsport build --quick or port --compile-check yes"

int compile_check_parse(const char *arg, enum compile_check *out)
{
	if (!strcmp(arg, "auto"))
		*out = COMPILE_AUTO;
	else if (!strcmp(arg, "yes"))
		*out = COMPILE_YES;
	else if (!strcmp(arg, "no"))
		*out = COMPILE_NO;
	else
		return -1;
	return 0;
}

void rungbuild_init(struct rungbuild *rb, struct tree_ws *ws, enum compile_check mode)
{
	memset(rb, 0, sizeof(*rb));
	rb->ws = ws;
	rb->mode = mode;
}

/* The compiler on PATH (a plain name, kbuild checks that): 1, else 0. */
static int on_path(const char *cc)
{
	return toolchain_valid(cc) && toolchain_installed(cc);
}

/* toolchain = auto: is there any gcc for kstage to choose from? */
static int any_gcc(void)
{
	struct toolchain_list l;
	int rc = toolchain_candidates(NULL, -1, "", NULL, &l);

	toolchain_list_release(&l);
	return !rc;
}

/* A build ltsport build --quick left: the object dir has its config. */
static int prepared(struct tree_ws *ws)
{
	char *cfg = ws_path(ws, WS_OBJ, ".config");
	int yes = path_exists(cfg);

	free(cfg);
	return yes;
}

/* Open and configure the work place once: 0, 2 (rb->cannot), -1. */
static int get_ready(struct rungbuild *rb, git_tree *tree)
{
	const struct tree_conf *conf = rb->ws->conf;
	int autocc = toolchain_is_auto(conf->toolchain);
	const char *cc = autocc ? "gcc" : conf->toolchain;
	char *failure = NULL;
	int was_prepared;

	if (rb->ready)
		return 0;
	if (rb->cannot)
		return 2;
	if (rb->mode == COMPILE_NO) {
		rb->cannot = xstrdup("not compile-checked (--compile-check no)");
		return 2;
	}
	was_prepared = prepared(rb->ws);
	if (rb->mode == COMPILE_AUTO && !was_prepared) {
		rb->cannot = xstrdup("not compile-checked (" NO_BUILD ")");
		return 2;
	}
	if (!conf->kconfig) {
		rb->cannot = xprintf("not compile-checked (tree %s has no kconfig = fragment)",
				     rb->ws->name);
		return 2;
	}
	if (!(autocc ? any_gcc() : on_path(cc)) || !on_path("make")) {
		rb->cannot = xprintf("not compile-checked (no toolchain: %s is not on PATH)",
				     on_path(cc) ? "make" : cc);
		return 2;
	}
	if (kstage_open(&rb->ks, rb->ws) < 0)
		return -1;
	rb->ks.kb.timeout_s = CHECK_TIMEOUT;
	if (kstage_checkout(&rb->ks, tree) < 0 || kstage_config(&rb->ks, &failure) < 0)
		return -1;
	if (failure) {
		rb->cannot = xprintf("not compile-checked (%s)", failure);
		free(failure);
		return 2;
	}
	if (!was_prepared) {
		static const char *const prep[] = { "prepare", NULL };
		char *log = ws_path(rb->ws, WS_LOG, "compile-check-prepare.log");
		struct kbuild_result res = {0};
		int rc = kbuild_make(&rb->ks.kb, prep, log, &res);

		if (!rc && !res.ok)
			rb->cannot = xprintf("not compile-checked (make prepare fails: %s; see %s)",
					     res.first_error, log);
		kbuild_result_release(&res);
		free(log);
		if (rc < 0)
			return -1;
		if (rb->cannot)
			return 2;
	}
	rb->ready = 1;
	return 0;
}

/* The objects of the .c files after touches (deleted ones aside). */
static size_t object_targets(struct rungbuild *rb, git_tree *before, git_tree *after,
			     char ***out)
{
	char *diff = NULL, *paths = NULL, *save = NULL, *f, *data = NULL;
	char **t = NULL;
	size_t nr = 0, len;

	if (diff_trees_text(rb->ws->repo, before, after, &diff) == 0)
		paths = diff_paths(diff);
	for (f = paths ? strtok_r(paths, " ", &save) : NULL; f; f = strtok_r(NULL, " ", &save)) {
		size_t n = strlen(f);

		if (n < 3 || strcmp(f + n - 2, ".c") ||
		    read_blob_buf(rb->ws->repo, after, f, &data, &len, NULL))
			continue;
		free(data);
		t = xrealloc(t, (nr + 2) * sizeof(*t));
		t[nr] = xstrdup(f);
		t[nr++][n - 1] = 'o';
		t[nr] = NULL;
	}
	free(paths);
	free(diff);
	*out = t;
	return nr;
}

/* The .c file an error line names, else the first one built. */
static char *failing_file(char **targets, size_t nr, const char *first)
{
	size_t i;

	for (i = 0; first && i < nr; i++) {
		size_t n = strlen(targets[i]);

		if (!strncmp(first, targets[i], n - 1) && first[n - 1] == 'c' &&
		    first[n] == ':')
			break;
	}
	if (i == nr)
		i = 0;
	return xprintf("%.*sc", (int)strlen(targets[i]) - 1, targets[i]);
}

int rungbuild_check(struct rungbuild *rb, git_tree *before, git_tree *after, char **msg)
{
	struct kbuild_result res = {0};
	char **targets = NULL, *log = NULL, *file;
	size_t nr, i;
	int rc;

	*msg = NULL;
	nr = object_targets(rb, before, after, &targets);
	if (!nr) {
		*msg = xstrdup("not compile-checked (it changes no .c file)");
		return 2;
	}
	rc = get_ready(rb, after);
	if (rc) {
		if (rc == 2)
			*msg = xstrdup(rb->cannot);
		goto out;
	}
	rc = -1;
	log = ws_path(rb->ws, WS_LOG, "compile-check.log");
	if (kstage_checkout(&rb->ks, after) < 0 ||
	    kbuild_make(&rb->ks.kb, (const char *const *)targets, log, &res) < 0)
		goto out;
	if (res.ok) {
		struct sbuf sb = {0};

		for (i = 0; i < nr; i++)
			sbuf_addf(&sb, "%s%s", i ? ", " : "", targets[i]);
		*msg = xprintf("compile-checked with %s: %s builds", rb->ks.kb.cc, sb.buf);
		sbuf_release(&sb);
		rc = 0;
		goto out;
	}
	file = failing_file(targets, nr, res.first_error);
	*msg = xprintf("%s: does not compile: %s", file, res.first_error);
	free(file);
	rc = 1;
out:
	kbuild_result_release(&res);
	for (i = 0; i < nr; i++)
		free(targets[i]);
	free(targets);
	free(log);
	return rc;
}

void rungbuild_release(struct rungbuild *rb)
{
	if (rb->ks.ws)
		kstage_release(&rb->ks);
	free(rb->cannot);
	memset(rb, 0, sizeof(*rb));
}
