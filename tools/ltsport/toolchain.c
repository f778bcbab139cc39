// SPDX-License-Identifier: GPL-2.0
/*
 * toolchain = auto: the compilers worth trying for a tree, newest first.
 * The installed gcc-N on PATH, less those older than the tree's own minimum
 * (scripts/min-tool-version.sh, else Documentation/process/changes.rst)
 * and those known to break the tree; each skip says why. Which one builds
 * is for the caller to find out (kstage.c tries prepare with each).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "fsutil.h"
#include "toolchain.h"

#define GCC_NEWEST 20
#define GCC_OLDEST 4

/* Known breakage, as data: gcc from major on, on trees up to version.patchlevel. */
static const struct toolchain_break {
	int gcc_from;
	int tree_upto[2];
	const char *why;
} breaks[] = {
	{ 12, { 5, 10 }, "tools/objtool stops with -Werror=use-after-free (seen on 4.19.108 and 5.10.89)" },
};

int toolchain_installed(const char *prog)
{
	const char *path = getenv("PATH");
	char *dirs, *d, *save = NULL;
	int found = 0;

	if (!path)
		return 0;
	dirs = xstrdup(path);
	for (d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *exe = path_join(*d ? d : ".", prog);

		found = !access(exe, X_OK);
		free(exe);
	}
	free(dirs);
	return found;
}

/*
 * The gcc case of scripts/min-tool-version.sh, up to its ";;": the lowest
 * "echo N" there (6.x asks gcc 12 of parisc64 only, 5.1 of the rest); -1.
 */
static int min_from_script(const char *text)
{
	const char *p = strstr(text, "\ngcc)"), *end;
	int min = -1, major;

	if (!p)
		return -1;
	end = strstr(p, ";;");
	if (!end)
		end = p + strlen(p);
	while ((p = strstr(p, "echo")) && p < end) {
		if (sscanf(p, "echo %d", &major) == 1 && (min < 0 || major < min))
			min = major;
		p += 4;
	}
	return min;
}

/* The "GNU C   4.6   gcc --version" row of changes.rst, or -1. */
static int min_from_changes(const char *text)
{
	const char *p = text;

	while ((p = strstr(p, "GNU C"))) {
		const char *q = p + 5;
		int major;

		while (*q == ' ' || *q == '\t')
			q++;
		if ((p == text || p[-1] == '\n') && isdigit((unsigned char)*q) &&
		    sscanf(q, "%d", &major) == 1)
			return major;
		p += 5;
	}
	return -1;
}

int toolchain_min_gcc(const char *script, const char *changes)
{
	int m = script ? min_from_script(script) : -1;

	if (m < 0 && changes)
		m = min_from_changes(changes);
	return m;
}

static const struct toolchain_break *known_break(int gcc, const int tree[2])
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(breaks); i++) {
		const struct toolchain_break *b = &breaks[i];

		if (gcc >= b->gcc_from &&
		    (tree[0] < b->tree_upto[0] ||
		     (tree[0] == b->tree_upto[0] && tree[1] <= b->tree_upto[1])))
			return b;
	}
	return NULL;
}

int toolchain_candidates(const int tree[2], int min_gcc, const char *prefix,
			 int (*exists)(const char *prog), struct toolchain_list *out)
{
	int major;

	memset(out, 0, sizeof(*out));
	if (!exists)
		exists = toolchain_installed;
	for (major = GCC_NEWEST; major >= GCC_OLDEST; major--) {
		char *cc = xprintf("%sgcc-%d", prefix ? prefix : "", major);
		const struct toolchain_break *b;

		if (!exists(cc)) {
			free(cc);
			continue;
		}
		b = tree ? known_break(major, tree) : NULL;
		if (min_gcc > 0 && major < min_gcc) {
			sbuf_addf(&out->skipped, "%s%s: older than the tree's minimum gcc %d",
				  out->skipped.len ? "; " : "", cc, min_gcc);
			free(cc);
		} else if (b) {
			sbuf_addf(&out->skipped, "%s%s: %s", out->skipped.len ? "; " : "", cc,
				  b->why);
			free(cc);
		} else if (out->nr < ARRAY_SIZE(out->cc)) {
			out->cc[out->nr++] = cc;
		} else {
			free(cc);
		}
	}
	if (!out->nr && !out->skipped.len) {
		char *cc = xprintf("%sgcc", prefix ? prefix : "");

		if (exists(cc))
			out->cc[out->nr++] = cc;
		else
			free(cc);
	}
	return out->nr ? 0 : 1;
}

void toolchain_list_release(struct toolchain_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		free(l->cc[i]);
	sbuf_release(&l->skipped);
	memset(l, 0, sizeof(*l));
}

int toolchain_is_auto(const char *toolchain)
{
	return !toolchain || !strcmp(toolchain, "auto");
}
