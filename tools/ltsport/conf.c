// SPDX-License-Identifier: GPL-2.0
/*
 * stable_trees.conf: one [tree "X.Y"] section per LTS tree and an optional
 * [mainline] section, in git-config syntax. libgit2 parses the file; the
 * text is only scanned again to name the line of a semantic error, which
 * libgit2 does not keep.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "conf.h"

static const char *const tree_keys[] = {
	"path", "ref", "base", "upstream", "toolchain", "arch", "kconfig", "repro-cmdline",
};

/* Parse "[section]" or "[section "sub"]"; returns 0 when the line is one. */
static int parse_header(const char *line, char *sec, size_t seclen,
			char *sub, size_t sublen)
{
	const char *p = line, *q;

	while (isspace((unsigned char)*p))
		p++;
	if (*p++ != '[')
		return -1;
	q = p;
	while (*q && (isalnum((unsigned char)*q) || *q == '-' || *q == '.'))
		q++;
	if ((size_t)(q - p) >= seclen)
		return -1;
	memcpy(sec, p, q - p);
	sec[q - p] = '\0';
	sub[0] = '\0';
	while (*q == ' ' || *q == '\t')
		q++;
	if (*q == '"') {
		const char *e = strchr(++q, '"');

		if (!e || (size_t)(e - q) >= sublen)
			return -1;
		memcpy(sub, q, e - q);
		sub[e - q] = '\0';
	}
	return 0;
}

static int key_matches(const char *line, const char *key)
{
	const char *p = line;
	size_t n = strlen(key);

	while (isspace((unsigned char)*p))
		p++;
	if (strncasecmp(p, key, n))
		return 0;
	p += n;
	return *p == '\0' || *p == '=' || isspace((unsigned char)*p);
}

/*
 * Line of the first matching section header (key NULL) or of the key
 * within the matching section; 0 when not found. With key NULL and a
 * second header for the same section, returns that second line negated,
 * which is how duplicates are found.
 */
static int scan_conf(const char *file, const char *section, const char *subsection,
		     const char *key, int want_duplicate)
{
	char line[4096], sec[256], sub[256];
	FILE *f = fopen(file, "r");
	int n = 0, in = 0, found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (!parse_header(line, sec, sizeof(sec), sub, sizeof(sub))) {
			in = !strcasecmp(sec, section) &&
			     !strcmp(sub, subsection ? subsection : "");
			if (in && !key) {
				if (!want_duplicate || found) {
					found = want_duplicate ? -n : n;
					break;
				}
				found = n;
			}
			continue;
		}
		if (in && key && key_matches(line, key)) {
			found = n;
			break;
		}
	}
	fclose(f);
	if (want_duplicate && found > 0)
		return 0;
	return found;
}

int conf_line_of(const char *file, const char *section, const char *subsection,
		 const char *key)
{
	return scan_conf(file, section, subsection, key, 0);
}

/* Split "tree.5.10.path" into section, subsection and key. */
static void split_name(const char *name, char **sec, char **sub, char **key)
{
	const char *first = strchr(name, '.');
	const char *last = strrchr(name, '.');

	*sec = xstrndup(name, first - name);
	*key = xstrdup(last + 1);
	*sub = first == last ? NULL : xstrndup(first + 1, last - first - 1);
}

static char **tree_field(struct tree_conf *t, const char *key)
{
	char **fields[] = {
		&t->path, &t->ref, &t->base, &t->upstream,
		&t->toolchain, &t->arch, &t->kconfig, &t->repro_cmdline,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tree_keys); i++)
		if (!strcmp(key, tree_keys[i]))
			return fields[i];
	return NULL;
}

static struct tree_conf *get_tree(struct stable_conf *conf, const char *name)
{
	struct tree_conf *t = conf_find_tree(conf, name);

	if (t)
		return t;
	conf->trees = xrealloc(conf->trees, (conf->nr + 1) * sizeof(*t));
	t = &conf->trees[conf->nr++];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	return t;
}

static int set_entry(struct stable_conf *conf, const git_config_entry *e)
{
	char *sec, *sub, *key;
	struct tree_conf *t = NULL;
	char **field;
	int ret = 0, line;

	split_name(e->name, &sec, &sub, &key);
	line = conf_line_of(conf->file, sec, sub, key);
	if (!strcmp(sec, "tree") && sub) {
		t = get_tree(conf, sub);
	} else if (!strcmp(sec, "mainline") && !sub) {
		if (!conf->mainline) {
			conf->mainline = xcalloc(1, sizeof(*conf->mainline));
			conf->mainline->name = xstrdup("mainline");
		}
		t = conf->mainline;
	} else {
		ret = error("%s:%d: unknown section '%s%s%s'; expected [tree \"X.Y\"] or [mainline]",
			    conf->file, line, sec, sub ? "." : "", sub ? sub : "");
		goto out;
	}
	field = tree_field(t, key);
	if (!field) {
		ret = error("%s:%d: unknown key '%s' in [%s%s%s%s]; known keys: path, ref, base, upstream, toolchain, arch, kconfig, repro-cmdline",
			    conf->file, line, key, sec, sub ? " \"" : "",
			    sub ? sub : "", sub ? "\"" : "");
		goto out;
	}
	if (*field) {
		ret = error("%s:%d: '%s' is set twice for %s %s; keep one",
			    conf->file, line, key, sec, sub ? sub : "");
		goto out;
	}
	*field = xstrdup(e->value ? e->value : "");
out:
	free(sec);
	free(sub);
	free(key);
	return ret;
}

static int check_tree(struct stable_conf *conf, struct tree_conf *t, int is_mainline)
{
	const char *sub = is_mainline ? NULL : t->name;
	const char *sec = is_mainline ? "mainline" : "tree";
	int dup;

	t->line = conf_line_of(conf->file, sec, sub, NULL);
	dup = scan_conf(conf->file, sec, sub, NULL, 1);
	if (dup < 0)
		return error("%s:%d: %s \"%s\" is defined again (first at line %d); merge the two sections",
			     conf->file, -dup, sec, t->name, t->line);
	if (!t->path || !*t->path)
		return error("%s:%d: [%s%s%s%s] has no 'path'; add path = <git repo of the tree>",
			     conf->file, t->line, sec, sub ? " \"" : "",
			     sub ? sub : "", sub ? "\"" : "");
	if (!is_mainline && (!t->ref || !*t->ref))
		return error("%s:%d: [tree \"%s\"] has no 'ref'; add ref = HEAD (or a branch, tag or commit)",
			     conf->file, t->line, t->name);
	if (!t->ref)
		t->ref = xstrdup("HEAD");
	if (t->path[0] != '/') {
		char *abs = path_join(conf->dir, t->path);

		free(t->path);
		t->path = abs;
	}
	if (t->kconfig && t->kconfig[0] != '/') {
		char *abs = path_join(conf->dir, t->kconfig);

		free(t->kconfig);
		t->kconfig = abs;
	}
	return 0;
}

static int collect(git_config *cfg, struct stable_conf *conf)
{
	git_config_iterator *it;
	git_config_entry *e;
	int ret = 0, rc;

	if (git_config_iterator_new(&it, cfg) < 0)
		return git_fail(conf->file);
	while (!ret && !(rc = git_config_next(&e, it)))
		ret = set_entry(conf, e);
	if (!ret && rc != GIT_ITEROVER)
		ret = git_fail(conf->file);
	git_config_iterator_free(it);
	return ret;
}

int conf_load(struct stable_conf *conf, const char *file)
{
	git_config *cfg = NULL;
	char *real;
	size_t i;
	int ret;

	memset(conf, 0, sizeof(*conf));
	real = realpath(file, NULL);
	if (!real)
		return error("%s: cannot read the tree list; pass --config FILE or create stable_trees.conf",
			     file);
	conf->file = real;
	conf->dir = dir_of(real);
	if (git_config_open_ondisk(&cfg, real) < 0)
		return git_fail(file);
	ret = collect(cfg, conf);
	git_config_free(cfg);
	for (i = 0; !ret && i < conf->nr; i++)
		ret = check_tree(conf, &conf->trees[i], 0);
	if (!ret && conf->mainline)
		ret = check_tree(conf, conf->mainline, 1);
	if (!ret && !conf->nr)
		ret = error("%s: no [tree \"X.Y\"] section; add one per tree to work on", file);
	return ret;
}

static void tree_release(struct tree_conf *t)
{
	free(t->name);
	free(t->path);
	free(t->ref);
	free(t->base);
	free(t->upstream);
	free(t->toolchain);
	free(t->arch);
	free(t->kconfig);
	free(t->repro_cmdline);
}

void conf_release(struct stable_conf *conf)
{
	size_t i;

	for (i = 0; i < conf->nr; i++)
		tree_release(&conf->trees[i]);
	free(conf->trees);
	if (conf->mainline)
		tree_release(conf->mainline);
	free(conf->mainline);
	free(conf->file);
	free(conf->dir);
	memset(conf, 0, sizeof(*conf));
}

struct tree_conf *conf_find_tree(struct stable_conf *conf, const char *name)
{
	size_t i;

	for (i = 0; i < conf->nr; i++)
		if (!strcmp(conf->trees[i].name, name))
			return &conf->trees[i];
	return NULL;
}
