// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel builds with the tree's own tools: tinyconfig merged with a
 * fragment by the tree's scripts/kconfig/merge_config.sh, then make with
 * the tree's toolchain, out of tree, under a time limit. Compiler warnings
 * are kept, without the build dir's paths, so before and after compare.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "fsutil.h"
#include "spawn.h"
#include "kbuild.h"
#include "toolchain.h"

#define CONFIG_TIMEOUT 600
#define CONFIG_STAMP ".ltsport-config"

/*
 * Run a step of the build with its standard output and standard error
 * appended to log in one stream, so the log keeps their order.
 */
static int run_logged(const char *const argv[], const char *cwd, int timeout_s,
		      const char *log, int *status, int *timed_out)
{
	struct spawn sp = { .argv = argv, .cwd = cwd, .timeout_s = timeout_s, .log = log };
	struct spawn_status st = {0};
	int ret = spawn_start(&sp);

	if (!ret)
		ret = spawn_wait(&sp, &st);
	if (ret < 0 && !st.code)
		st.code = sp.exec_errno == ENOENT ? 127 : 126;
	if (!ret && st.timed_out)
		ret = error("%s: killed after its time limit of %d s; see %s", argv[0],
			    timeout_s, log);
	*status = st.code;
	if (timed_out)
		*timed_out = st.timed_out;
	return ret;
}

/* A plain program name (gcc-12, clang-14, x86_64-linux-gnu-gcc-11): 1, else 0. */
int toolchain_valid(const char *cc)
{
	const char *p;

	if (!cc || !*cc || *cc == '-')
		return 0;
	for (p = cc; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._+-", *p))
			return 0;
	return 1;
}

static int check_toolchain(const struct kbuild *kb)
{
	if (toolchain_valid(kb->cc))
		return 0;
	return error("%s: toolchain '%s' is not a plain program name (letters, digits, . _ + -); name the compiler, e.g. gcc-12",
		     kb->src, kb->cc ? kb->cc : "");
}

/*
 * ccache when it is installed (LTSPORT_CCACHE=0 turns it off): the before
 * and after builds of a tree share most objects, and a fresh build
 * directory rebuilds from the cache.
 */
static int want_ccache(void)
{
	const char *env = getenv("LTSPORT_CCACHE");

	return !(env && !strcmp(env, "0")) && toolchain_installed("ccache");
}

/*
 * The kernel's build names sources by absolute path; ccache hashes them
 * relative to the work dir (the parent of src and obj) instead, so that a
 * fresh work dir of a known tree, or another checkout's, hits the cache.
 * Depend mode takes the headers from the -MMD file kbuild asks gcc for:
 * a miss compiles once instead of preprocessing first (6.1's repro
 * kernel with an empty cache: 210 s, 275 s without), and hits are
 * as before (99.5% from another work dir).
 */
static void ccache_env(const struct kbuild *kb)
{
	char *base = dir_of(kb->obj);

	setenv("CCACHE_BASEDIR", base, 1);
	setenv("CCACHE_NOHASHDIR", "1", 1);
	setenv("CCACHE_DEPEND", "1", 1);
	free(base);
}

static char *cc_arg(const struct kbuild *kb)
{
	if (!want_ccache())
		return xprintf("CC=%s", kb->cc);
	ccache_env(kb);
	return xprintf("CC=ccache %s", kb->cc);
}

/*
 * What the config was made from: the toolchain, the fragment's text and
 * the caller's key (the sources it was made on). The same key again means
 * the .config is still right and configuring is skipped.
 */
static char *config_key(const struct kbuild *kb)
{
	char *frag = NULL, *key;

	if (read_file(kb->fragment, &frag, NULL) < 0)
		return NULL;
	key = xprintf("cc %s\narch %s\nsources %s\n%s", kb->cc, kb->arch ? kb->arch : "-",
		      kb->key ? kb->key : "-", frag);
	free(frag);
	return key;
}

static int config_is_current(const struct kbuild *kb, const char *key)
{
	char *cfg = path_join(kb->obj, ".config");
	char *stamp = path_join(kb->obj, CONFIG_STAMP), *text = NULL;
	int same;

	same = path_exists(cfg) && !read_file_quiet(stamp, &text) && !strcmp(text, key);
	free(text);
	free(stamp);
	free(cfg);
	return same;
}

/* ARCH=<arch> when the tree names one, else "" (dropped from argv). */
static char *arch_arg(const struct kbuild *kb)
{
	return kb->arch ? xprintf("ARCH=%s", kb->arch) : xstrdup("");
}

/* make -s O= [ARCH=] CC= HOSTCC= target: argv has room for 8 */
static void config_argv(const char **argv, char *const words[4], const char *target)
{
	size_t i, n = 0;

	argv[n++] = "make";
	argv[n++] = "-s";
	for (i = 0; i < 4; i++)
		if (*words[i])
			argv[n++] = words[i];
	argv[n++] = target;
	argv[n] = NULL;
}

/* tinyconfig + fragment, unless the stamp says .config was made from the same. */
int kbuild_config(struct kbuild *kb, const char *log)
{
	char *cfg = path_join(kb->obj, ".config");
	char *stamp = path_join(kb->obj, CONFIG_STAMP);
	char *merge = path_join(kb->src, "scripts/kconfig/merge_config.sh");
	char *objarg = xprintf("O=%s", kb->obj), *ccarg = cc_arg(kb);
	char *hostcc = xprintf("HOSTCC=%s", kb->cc), *archarg = arch_arg(kb);
	char *const words[4] = { objarg, archarg, ccarg, hostcc };
	const char *const merged[] = { "sh", merge, "-m", "-O", kb->obj, cfg, kb->fragment, NULL };
	const char *tiny[8], *olddef[8];
	char *key = config_key(kb);
	int status = 0, ret = -1;

	config_argv(tiny, words, "tinyconfig");
	config_argv(olddef, words, "olddefconfig");
	if (!key || check_toolchain(kb) < 0)
		goto out;
	if (config_is_current(kb, key)) {
		ret = 0;
		goto out;
	}
	unlink(stamp);
	ret = mkdir_p(kb->obj);
	if (!ret)
		ret = run_logged(tiny, kb->src, CONFIG_TIMEOUT, log, &status, NULL);
	if (!ret && !status)
		ret = run_logged(merged, kb->src, CONFIG_TIMEOUT, log, &status, NULL);
	if (!ret && !status)
		ret = run_logged(olddef, kb->src, CONFIG_TIMEOUT, log, &status, NULL);
	/* a tree or toolchain that cannot configure is a result: the log says why */
	if (!ret && status)
		ret = 1;
	if (!ret)
		ret = write_file_atomic(stamp, key, strlen(key));
out:
	free(key);
	free(cfg);
	free(stamp);
	free(merge);
	free(objarg);
	free(ccarg);
	free(hostcc);
	free(archarg);
	return ret;
}

/* "mm/memory.c:12:3: warning: ..." with the source dir's prefix cut off. */
static void collect_diagnostics(const char *log, const char *src, struct kbuild_result *res)
{
	char *text = NULL, *line, *save = NULL;
	size_t n = strlen(src);

	if (read_file(log, &text, NULL) < 0)
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, src, n) && line[n] == '/')
			line += n + 1;
		if (strstr(line, "warning: ")) {
			res->warnings = xrealloc(res->warnings,
						 (res->nwarnings + 1) * sizeof(char *));
			res->warnings[res->nwarnings++] = xstrdup(line);
		} else if (!res->first_error && (strstr(line, "error: ") ||
						 strstr(line, "Error "))) {
			res->first_error = xstrdup(line);
		}
	}
	free(text);
}

int kbuild_make(struct kbuild *kb, const char *const targets[], const char *log,
		struct kbuild_result *res)
{
	char *objarg = xprintf("O=%s", kb->obj), *ccarg = cc_arg(kb);
	char *hostcc = xprintf("HOSTCC=%s", kb->cc);
	char *jobs = xprintf("-j%ld", sysconf(_SC_NPROCESSORS_ONLN)), *archarg = arch_arg(kb);
	size_t n = 0, i, nextra = 0, ntargets = 0;
	const char **argv;
	int status = 0, ret;
	double t0 = now_s();

	memset(res, 0, sizeof(*res));
	if (check_toolchain(kb) < 0) {
		res->first_error = xprintf("toolchain '%s' is not a program name", kb->cc);
		ret = -1;
		goto out;
	}
	while (kb->extra && kb->extra[nextra])
		nextra++;
	while (targets[ntargets])
		ntargets++;
	argv = xcalloc(6 + nextra + ntargets + 1, sizeof(*argv));
	argv[n++] = "make";
	argv[n++] = objarg;
	if (*archarg)
		argv[n++] = archarg;
	argv[n++] = ccarg;
	argv[n++] = hostcc;
	argv[n++] = jobs;
	for (i = 0; i < nextra; i++)
		argv[n++] = kb->extra[i];
	for (i = 0; i < ntargets; i++)
		argv[n++] = targets[i];
	argv[n] = NULL;
	unlink(log);
	ret = run_logged(argv, kb->src, kb->timeout_s, log, &status, &res->timed_out);
	progress_done();
	free(argv);
	res->seconds = now_s() - t0;
	collect_diagnostics(log, kb->src, res);
	res->ok = !ret && !status;
	if (!res->ok && !res->first_error)
		res->first_error = res->timed_out ?
			xprintf("killed after its time limit of %d s", kb->timeout_s) :
			xprintf("make exited with %d", status);
out:
	free(objarg);
	free(ccarg);
	free(hostcc);
	free(jobs);
	free(archarg);
	return ret && !res->timed_out ? -1 : 0;
}

/* A warning without its line and column: the series moves lines. */
static char *without_position(const char *w)
{
	struct sbuf sb = {0};
	const char *p = w;

	while (*p) {
		if (*p == ':' && p[1] >= '0' && p[1] <= '9') {
			p++;
			while (*p >= '0' && *p <= '9')
				p++;
			continue;
		}
		sbuf_add(&sb, p++, 1);
	}
	return sbuf_detach(&sb);
}

static int has_line(const struct kbuild_result *r, const char *line)
{
	char *want = without_position(line);
	size_t i;
	int found = 0;

	for (i = 0; i < r->nwarnings && !found; i++) {
		char *have = without_position(r->warnings[i]);

		found = !strcmp(have, want);
		free(have);
	}
	free(want);
	return found;
}

/* Warnings of after that before did not have. */
size_t kbuild_new_warnings(const struct kbuild_result *before,
			   const struct kbuild_result *after, struct sbuf *out)
{
	size_t i, n = 0;

	for (i = 0; i < after->nwarnings; i++) {
		if (has_line(before, after->warnings[i]))
			continue;
		sbuf_addf(out, "%s\n", after->warnings[i]);
		n++;
	}
	return n;
}

void kbuild_result_release(struct kbuild_result *res)
{
	size_t i;

	for (i = 0; i < res->nwarnings; i++)
		free(res->warnings[i]);
	free(res->warnings);
	free(res->first_error);
	memset(res, 0, sizeof(*res));
}
