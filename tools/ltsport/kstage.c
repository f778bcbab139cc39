// SPDX-License-Identifier: GPL-2.0
/*
 * A tree's kernel work place: backports/.work/<tree>/src, written from a git
 * tree incrementally, and obj, configured once per tip, toolchain and
 * fragment. The build, check and repro stages build their kernels here.
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
#include "workspace.h"
#include "kbuild.h"
#include "kstage.h"
#include "toolchain.h"
#include "verdict.h"
#include "vm.h"

#define BUILD_TIMEOUT 3600

/*
 * src.tree says what src holds, so a later run writes only the files that
 * differ and make stays incremental; it is removed first, so a killed
 * checkout is never trusted.
 */
int kstage_checkout(struct kstage *ks, git_tree *tree)
{
	char *stamp = ws_path(ks->ws, WS_WORK, "src.tree"), *text = NULL;
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
		git_tree_lookup(&base, ks->ws->repo, &id);
	}
	git_error_clear();
	if (!base && (rm_rf(ks->src) < 0 || mkdir_p(ks->src) < 0))
		goto out;
	unlink(stamp);
	progress_part("%s: writing the sources to %s", ks->ws->name, ks->src);
	if (checkout_to_dir(ks->ws->repo, tree, base, ks->src) < 0)
		goto out;
	git_oid_tostr(sha, sizeof(sha), git_tree_id(tree));
	ret = write_file_atomic(stamp, sha, strlen(sha));
out:
	free(text);
	free(stamp);
	git_tree_free(base);
	return ret;
}

int kstage_conf_check(const struct tree_ws *ws, const char *conffile)
{
	const struct tree_conf *conf = ws->conf;

	if (!conf->kconfig)
		return error("%s:%d: tree %s has no kconfig = fragment; name one from tools/kconfig/",
			     conffile, conf->line, ws->name);
	if (!vm_kernel_image(conf->arch))
		return error("%s:%d: tree %s: arch '%s' is not known; use x86_64, i386 or arm64",
			     conffile, conf->line, ws->name, conf->arch);
	if (conf->toolchain && !toolchain_valid(conf->toolchain))
		return error("%s:%d: tree %s: toolchain '%s' is not a plain program name (letters, digits, . _ + -); name the compiler, e.g. gcc-12",
			     conffile, conf_line_of(conffile, "tree", ws->name, "toolchain"),
			     ws->name, conf->toolchain);
	return 0;
}

int kstage_open(struct kstage *ks, struct tree_ws *ws)
{
	const struct tree_conf *conf = ws->conf;

	memset(ks, 0, sizeof(*ks));
	ks->ws = ws;
	if (!ws->repo || !ws->tip)
		return error("%s: the tree is not open", ws->name);
	if (!conf->kconfig)
		return error("%s: no kconfig = fragment; name one from tools/kconfig/", ws->name);
	/* canonical, so that logs name plain paths */
	if (ws_make_work(ws) < 0)
		return -1;
	ks->src = ws_path(ws, WS_SRC, NULL);
	ks->obj = ws_path(ws, WS_OBJ, NULL);
	git_oid_tostr(ks->key, sizeof(ks->key), git_commit_id(ws->tip));
	ks->kb.src = ks->src;
	ks->kb.obj = ks->obj;
	ks->kb.cc = toolchain_is_auto(conf->toolchain) ? NULL : conf->toolchain;
	ks->kb.arch = conf->arch;
	ks->kb.fragment = conf->kconfig;
	ks->kb.key = ks->key;
	ks->kb.timeout_s = BUILD_TIMEOUT;
	return 0;
}

#define CHOICE_FILE "toolchain.choice"

/* The choice kept for this tip: "<tip>\n<cc>\n<why>\n", when cc is still there. */
static int load_choice(struct kstage *ks)
{
	char *path = ws_path(ks->ws, WS_WORK, CHOICE_FILE), *text = NULL;
	char tip[GIT_OID_HEXSZ + 1], cc[64];
	int n = 0, ok = 0;

	if (!read_file_quiet(path, &text) &&
	    sscanf(text, "%40s\n%63s\n%n", tip, cc, &n) == 2 && n > 0 &&
	    !strcmp(tip, ks->key) && toolchain_valid(cc) && toolchain_installed(cc)) {
		const char *why = text + n;

		ks->cc = xstrdup(cc);
		ks->toolchain_why = xstrndup(why, strcspn(why, "\n"));
		ok = 1;
	}
	free(text);
	free(path);
	return ok;
}

static int save_choice(struct kstage *ks)
{
	char *path = ws_path(ks->ws, WS_WORK, CHOICE_FILE);
	char *text = xprintf("%s\n%s\n%s\n", ks->key, ks->cc, ks->toolchain_why);
	int ret = write_file_atomic(path, text, strlen(text));

	free(text);
	free(path);
	return ret;
}

static int tree_min_gcc(struct kstage *ks)
{
	char *script = path_join(ks->src, "scripts/min-tool-version.sh");
	char *changes = path_join(ks->src, "Documentation/process/changes.rst");
	char *a = NULL, *b = NULL;
	int m;

	if (read_file_quiet(script, &a))
		a = NULL;
	if (read_file_quiet(changes, &b))
		b = NULL;
	m = toolchain_min_gcc(a, b);
	free(a);
	free(b);
	free(script);
	free(changes);
	return m;
}

/* Does cc configure the tree and build prepare? 1 yes, 0 no (*why), -1 error. */
static int try_toolchain(struct kstage *ks, const char *cc, char **why)
{
	char *cfglog = ws_path(ks->ws, WS_LOG, "config.log");
	char *name = xprintf("toolchain-%s.log", cc);
	char *log = ws_path(ks->ws, WS_LOG, name);
	const char *const targets[] = { "prepare", NULL };
	const char *const *extra = ks->kb.extra;
	struct kbuild_result res;
	int rc;

	ks->kb.cc = cc;
	ks->kb.extra = NULL;
	progress_push("%s: toolchain auto: trying %s", ks->ws->name, cc);
	unlink(cfglog);
	rc = kbuild_config(&ks->kb, cfglog);
	if (rc > 0) {
		*why = xprintf("%s: configuring fails (see %s)", cc, cfglog);
		rc = 0;
		progress_done();
	} else if (rc < 0) {
		progress_done();
	} else {
		if (kbuild_make(&ks->kb, targets, log, &res) < 0 && !res.first_error)
			rc = -1;
		else if (res.ok)
			rc = 1;
		else
			*why = xprintf("%s: prepare fails: %s", cc,
				       res.first_error ? res.first_error : "see its log");
		kbuild_result_release(&res);
	}
	ks->kb.extra = extra;
	free(cfglog);
	free(name);
	free(log);
	return rc;
}

/* toolchain = auto: the newest candidate that builds prepare. */
static int choose_toolchain(struct kstage *ks, char **failure)
{
	const struct tree_state *ts = ks->ws->ts;
	const int *tree = ts && ts->has_version ? ts->version : NULL;
	const char *arch = ks->kb.arch;
	const char *prefix = arch && !strcmp(arch, "arm64") ? "aarch64-linux-gnu-" : "";
	struct toolchain_list l;
	struct sbuf tried = {0};
	size_t i;
	int rc = 0;

	if (load_choice(ks))
		return 0;
	if (toolchain_candidates(tree, tree_min_gcc(ks), prefix, NULL, &l) && !l.skipped.len) {
		toolchain_list_release(&l);
		return error("%s: toolchain auto: no %sgcc-N or %sgcc on PATH; install one (make deps) or set toolchain = in %s",
			     ks->ws->name, prefix, prefix, ks->ws->conffile);
	}
	if (!l.nr) {
		*failure = xprintf("toolchain auto: no installed %sgcc fits this tree%s%s", prefix,
				   l.skipped.len ? ": " : "", l.skipped.len ? l.skipped.buf : "");
		toolchain_list_release(&l);
		return 0;
	}
	for (i = 0; i < l.nr && !ks->cc; i++) {
		char *why = NULL;

		rc = try_toolchain(ks, l.cc[i], &why);
		if (rc < 0)
			break;
		if (rc) {
			ks->cc = xstrdup(l.cc[i]);
			ks->toolchain_why = xprintf("auto: %s, the newest that builds prepare%s%s%s%s",
						    ks->cc, tried.len ? "; " : "", tried.len ? tried.buf : "",
						    l.skipped.len ? "; skipped " : "",
						    l.skipped.len ? l.skipped.buf : "");
		} else {
			sbuf_addf(&tried, "%s%s", tried.len ? "; " : "", why);
		}
		free(why);
	}
	if (rc >= 0 && !ks->cc)
		*failure = xprintf("toolchain auto: no installed gcc builds prepare here: %s%s%s",
				   tried.buf, l.skipped.len ? "; skipped " : "",
				   l.skipped.len ? l.skipped.buf : "");
	/* the trials pointed kb.cc into the list */
	ks->kb.cc = ks->cc;
	toolchain_list_release(&l);
	sbuf_release(&tried);
	if (rc < 0)
		return -1;
	return ks->cc ? save_choice(ks) : 0;
}

int kstage_config(struct kstage *ks, char **failure)
{
	char *cfglog;
	int rc;

	*failure = NULL;
	if (!ks->kb.cc && !ks->cc && choose_toolchain(ks, failure) < 0)
		return -1;
	if (*failure)
		return 0;
	if (ks->cc)
		ks->kb.cc = ks->cc;
	cfglog = ws_path(ks->ws, WS_LOG, "config.log");
	unlink(cfglog);
	rc = kbuild_config(&ks->kb, cfglog);
	if (rc > 0)
		*failure = xprintf("configuring failed; see %s", cfglog);
	free(cfglog);
	return rc < 0 ? -1 : 0;
}

void kstage_release(struct kstage *ks)
{
	free(ks->cc);
	free(ks->toolchain_why);
	free(ks->src);
	free(ks->obj);
	memset(ks, 0, sizeof(*ks));
}
