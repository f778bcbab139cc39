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
	progress("%s: writing the sources to %s", ks->ws->name, ks->src);
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
	ks->kb.cc = conf->toolchain ? conf->toolchain : "gcc";
	ks->kb.arch = conf->arch;
	ks->kb.fragment = conf->kconfig;
	ks->kb.key = ks->key;
	ks->kb.timeout_s = BUILD_TIMEOUT;
	return 0;
}

int kstage_config(struct kstage *ks, char **failure)
{
	char *cfglog = ws_path(ks->ws, WS_LOG, "config.log");
	int rc;

	*failure = NULL;
	unlink(cfglog);
	rc = kbuild_config(&ks->kb, cfglog);
	if (rc > 0)
		*failure = xprintf("configuring failed; see %s", cfglog);
	free(cfglog);
	return rc < 0 ? -1 : 0;
}

void kstage_release(struct kstage *ks)
{
	free(ks->src);
	free(ks->obj);
	memset(ks, 0, sizeof(*ks));
}
