// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport ci: the pipeline files of GitLab CI and GitHub Actions. A job per
 * tree on Debian 12: the packages (make deps), ltsport built, the tree
 * cloned from its upstream or imported from a tarball, ltsport run for
 * the tree, then the KCIDB and JUnit reports and the records as artifacts; a
 * last job needs them all and merges the records (report --merge).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "fsutil.h"
#include "results.h"
#include "ci.h"

#define CI_IMAGE "debian:12"
#define CI_TOOLS \
	"apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends make git ca-certificates"

char *yaml_quote(const char *s)
{
	struct sbuf sb = {0};
	char *u = utf8_valid(s ? s : "");
	unsigned char *p;

	sbuf_adds(&sb, "\"");
	for (p = (unsigned char *)u; *p; p++) {
		if (*p == '"' || *p == '\\')
			sbuf_addf(&sb, "\\%c", *p);
		else if (*p == '\n')
			sbuf_adds(&sb, "\\n");
		else if (*p == '\t')
			sbuf_adds(&sb, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			sbuf_addf(&sb, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			sbuf_addf(&sb, "\\x%02x", *++p);	/* C1 controls: not printable */
		else
			sbuf_add(&sb, (char *)p, 1);
	}
	sbuf_adds(&sb, "\"");
	free(u);
	return sbuf_detach(&sb);
}

char *sh_quote(const char *s)
{
	struct sbuf sb = {0};
	const char *p;

	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@+-,%") ==
	    strlen(s))
		return xstrdup(s);
	sbuf_adds(&sb, "'");
	for (p = s; *p; p++) {
		if (*p == '\'')
			sbuf_adds(&sb, "'\\''");
		else
			sbuf_add(&sb, p, 1);
	}
	sbuf_adds(&sb, "'");
	return sbuf_detach(&sb);
}

char *ci_job_id(const char *tree)
{
	char *id = xprintf("tree-%s", tree), *p;

	for (p = id; *p; p++)
		if (*p == '.')
			*p = '_';
	return id;
}

char *ci_tarball_var(const char *tree)
{
	char *v = xprintf("LTSPORT_TARBALL_%s", tree), *p;

	for (p = v + strlen("LTSPORT_TARBALL_"); *p; p++) {
		if (*p >= 'a' && *p <= 'z')
			*p -= 'a' - 'A';
		else if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			*p = '_';
	}
	return v;
}

/* The YAML writer: every scalar double-quoted. */
static void y_key(struct sbuf *sb, int indent, const char *key)
{
	char *k = yaml_quote(key);

	sbuf_addf(sb, "%*s%s:\n", indent, "", k);
	free(k);
}

static void y_kv(struct sbuf *sb, int indent, const char *key, const char *value)
{
	char *k = yaml_quote(key), *v = yaml_quote(value);

	sbuf_addf(sb, "%*s%s: %s\n", indent, "", k, v);
	free(k);
	free(v);
}

static void y_item(struct sbuf *sb, int indent, const char *value)
{
	char *v = yaml_quote(value);

	sbuf_addf(sb, "%*s- %s\n", indent, "", v);
	free(v);
}

/* "- key: value", the first pair of a mapping in a sequence. */
static void y_item_kv(struct sbuf *sb, int indent, const char *key, const char *value)
{
	sbuf_addf(sb, "%*s- ", indent, "");
	y_kv(sb, 0, key, value);
}

/* A growable list of lines. */
struct lines {
	char **v;
	size_t n;
};

__printf(2, 3) static void add_line(struct lines *l, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = xmalloc(n + 1);
	va_start(ap, fmt);
	vsnprintf(s, n + 1, fmt, ap);
	va_end(ap);
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = s;
}

static void lines_release(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static char *joined(const struct lines *l)
{
	struct sbuf sb = {0};
	size_t i;

	for (i = 0; i < l->n; i++)
		sbuf_addf(&sb, "%s%s", i ? "\n" : "", l->v[i]);
	return sb.buf ? sbuf_detach(&sb) : xstrdup("");
}

/* backports-<tree>: a tree job's --backports, and its artifact's top. */
static char *out_of(const char *tree)
{
	return xprintf("backports-%s", tree);
}

/* "./ltsport CMD [--config C] [--series S]": the words every command starts with. */
static void add_cmd(struct sbuf *sb, const struct ci_pipeline *p, const char *cmd)
{
	char *q;

	sbuf_addf(sb, "./ltsport %s", cmd);
	if (p->config) {
		q = sh_quote(p->config);
		sbuf_addf(sb, " --config %s", q);
		free(q);
	}
	if (p->series) {
		q = sh_quote(p->series);
		sbuf_addf(sb, " --series %s", q);
		free(q);
	}
}

/* A stage of one tree: "./ltsport CMD ... --tree T --backports backports-T EXTRA". */
static char *tree_cmd(const struct ci_pipeline *p, const struct ci_tree *t, const char *cmd,
		      const char *extra)
{
	struct sbuf sb = {0};
	char *out = out_of(t->name), *qt = sh_quote(t->name), *qo = sh_quote(out);

	add_cmd(&sb, p, cmd);
	sbuf_addf(&sb, " --tree %s --backports %s%s%s", qt, qo, extra ? " " : "",
		  extra ? extra : "");
	free(out);
	free(qt);
	free(qo);
	return sbuf_detach(&sb);
}

/* The commands that put the tree where stable_trees.conf says it is. */
static void fetch_lines(struct lines *l, const struct ci_tree *t)
{
	char *path = sh_quote(t->path), *var, *dir, *into, *name;

	if (t->url) {
		char *url = sh_quote(t->url), *br = t->branch ? sh_quote(t->branch) : NULL;

		add_line(l, "git clone ${LTSPORT_GIT_REFERENCE:+--reference-if-able \"$LTSPORT_GIT_REFERENCE\"}%s%s %s %s",
			 br ? " --branch " : "", br ? br : "", url, path);
		free(url);
		free(br);
		free(path);
		return;
	}
	var = ci_tarball_var(t->name);
	dir = dir_of(t->path);
	into = sh_quote(dir);
	name = sh_quote(base_name(t->path));
	add_line(l, "test -n \"${%s:-}\" || { echo \"ltsport ci: tree %s has no upstream: set %s to its source tarball\" >&2; exit 2; }",
		 var, t->name, var);
	add_line(l, "./ltsport trees import \"$%s\" --into %s --name %s", var, into, name);
	free(var);
	free(dir);
	free(into);
	free(name);
	free(path);
}

/* The tree's stages, as a maintainer runs them: ltsport run, its exit code the job's. */
static void stage_lines(struct lines *l, const struct ci_pipeline *p, const struct ci_tree *t)
{
	char *c = tree_cmd(p, t, "run", NULL);

	add_line(l, "%s", c);
	free(c);
}

static void report_lines(struct lines *l, const struct ci_pipeline *p, const struct ci_tree *t)
{
	char *extra = xprintf("--format kcidb -o kcidb-%s.json", t->name);
	char *c = tree_cmd(p, t, "report", extra);

	add_line(l, "%s", c);
	free(c);
	free(extra);
	extra = xprintf("--format junit -o junit-%s.xml", t->name);
	c = tree_cmd(p, t, "report", extra);
	add_line(l, "%s", c);
	free(c);
	free(extra);
}

/* What a tree job keeps: the records, its status record, the two reports. */
static void artifact_lines(struct lines *l, const struct ci_pipeline *p, const struct ci_tree *t)
{
	add_line(l, "backports-%s/%s/", t->name, p->series_name);
	add_line(l, "backports-%s/.work/%s/%s", t->name, t->name, record_file(STAGE_STATUS));
	add_line(l, "kcidb-%s.json", t->name);
	add_line(l, "junit-%s.xml", t->name);
}

static const char *const merged_formats[][2] = {
	{ "text", "report.txt" }, { "markdown", "report.md" }, { "json", "report.json" },
	{ "kcidb", "kcidb.json" }, { "junit", "junit.xml" },
};

/* The merge job's reports: "report [--tree T]... --format F -o FILE --merge DIR...". */
static void merge_lines(struct lines *l, const struct ci_pipeline *p)
{
	struct sbuf dirs = {0};
	size_t i, k;

	/* a job that kept nothing (its tree absent, or it failed early) is a tree without records */
	sbuf_adds(&dirs, "mkdir -p");
	for (i = 0; i < p->ntrees; i++) {
		char *out = out_of(p->trees[i].name), *q = sh_quote(out);

		sbuf_addf(&dirs, " %s", q);
		free(q);
		free(out);
	}
	add_line(l, "%s", dirs.buf);
	sbuf_release(&dirs);
	for (k = 0; k < ARRAY_SIZE(merged_formats); k++) {
		struct sbuf sb = {0};

		add_cmd(&sb, p, "report");
		for (i = 0; i < p->ntrees; i++) {
			char *q = sh_quote(p->trees[i].name);

			sbuf_addf(&sb, " --tree %s", q);
			free(q);
		}
		sbuf_addf(&sb, " --format %s -o %s --merge", merged_formats[k][0],
			  merged_formats[k][1]);
		for (i = 0; i < p->ntrees; i++) {
			char *out = out_of(p->trees[i].name), *q = sh_quote(out);

			sbuf_addf(&sb, " %s", q);
			free(q);
			free(out);
		}
		add_line(l, "%s", sb.buf);
		sbuf_release(&sb);
	}
	add_line(l, "cat report.txt");
}

static void y_list(struct sbuf *sb, int indent, const char *key, const struct lines *l)
{
	size_t i;

	y_key(sb, indent, key);
	for (i = 0; i < l->n; i++)
		y_item(sb, indent + 2, l->v[i]);
}

static void header(struct sbuf *sb, const struct ci_pipeline *p)
{
	sbuf_addf(sb, "# Made by ltsport ci --%s: a job per tree of the config, then \"merge\",\n"
		  "# which merges their records into one matrix (ltsport report --merge).\n"
		  "# Each tree job runs ltsport run for its tree: every stage, each skipped\n"
		  "# while its records are up to date; its exit code is the job's (1: the\n"
		  "# tree needs a maintainer, the reason in the matrix); the reports and the\n"
		  "# records are kept whatever happened.\n"
		  "# A tree without upstream is imported from the tarball its variable names\n"
		  "# (LTSPORT_TARBALL_<TREE>). The clones are whole (status's history walk\n"
		  "# stops at a shallow clone's edge with a missing object); give a local\n"
		  "# clone to borrow objects from in LTSPORT_GIT_REFERENCE to make them quick.\n",
		  p->engine == CI_GITLAB ? "gitlab" : "github");
}

static void gitlab_tree(struct sbuf *sb, const struct ci_pipeline *p, const struct ci_tree *t)
{
	struct lines before = {0}, script = {0}, after = {0}, keep = {0};
	char *job = xprintf("tree %s", t->name), *junit = xprintf("junit-%s.xml", t->name);

	add_line(&before, "%s", CI_TOOLS);
	add_line(&before, "make deps");
	add_line(&before, "make ltsport");
	fetch_lines(&script, t);
	stage_lines(&script, p, t);
	report_lines(&after, p, t);
	artifact_lines(&keep, p, t);
	sbuf_adds(sb, "\n");
	y_key(sb, 0, job);
	y_kv(sb, 2, "stage", "trees");
	y_kv(sb, 2, "image", CI_IMAGE);
	y_list(sb, 2, "before_script", &before);
	y_list(sb, 2, "script", &script);
	y_list(sb, 2, "after_script", &after);
	y_key(sb, 2, "artifacts");
	y_kv(sb, 4, "when", "always");
	y_list(sb, 4, "paths", &keep);
	y_key(sb, 4, "reports");
	y_kv(sb, 6, "junit", junit);
	free(job);
	free(junit);
	lines_release(&before);
	lines_release(&script);
	lines_release(&after);
	lines_release(&keep);
}

static void gitlab(struct sbuf *sb, const struct ci_pipeline *p)
{
	struct lines before = {0}, script = {0}, needs = {0}, keep = {0};
	size_t i;

	header(sb, p);
	y_key(sb, 0, "stages");
	y_item(sb, 2, "trees");
	y_item(sb, 2, "merge");
	y_key(sb, 0, "variables");
	y_kv(sb, 2, "LTSPORT_GIT_REFERENCE", "");
	for (i = 0; i < p->ntrees; i++) {
		gitlab_tree(sb, p, &p->trees[i]);
		add_line(&needs, "tree %s", p->trees[i].name);
	}
	add_line(&before, "%s", CI_TOOLS);
	add_line(&before, "make deps");
	add_line(&before, "make ltsport");
	merge_lines(&script, p);
	for (i = 0; i < ARRAY_SIZE(merged_formats); i++)
		add_line(&keep, "%s", merged_formats[i][1]);
	sbuf_adds(sb, "\n");
	y_key(sb, 0, "merge");
	y_kv(sb, 2, "stage", "merge");
	y_kv(sb, 2, "image", CI_IMAGE);
	y_kv(sb, 2, "when", "always");
	y_list(sb, 2, "needs", &needs);
	y_list(sb, 2, "before_script", &before);
	y_list(sb, 2, "script", &script);
	y_key(sb, 2, "artifacts");
	y_kv(sb, 4, "when", "always");
	y_list(sb, 4, "paths", &keep);
	y_key(sb, 4, "reports");
	y_kv(sb, 6, "junit", "junit.xml");
	lines_release(&before);
	lines_release(&script);
	lines_release(&needs);
	lines_release(&keep);
}

/* "- name: N" and "run: R" of a step; always: run after a failure too. */
static void gh_run(struct sbuf *sb, const char *name, const char *run, int always)
{
	y_item_kv(sb, 6, "name", name);
	if (always)
		y_kv(sb, 8, "if", "always()");
	y_kv(sb, 8, "run", run);
}

static void gh_setup(struct sbuf *sb)
{
	gh_run(sb, "tools", CI_TOOLS, 0);
	y_item_kv(sb, 6, "uses", "actions/checkout@v4");
	gh_run(sb, "make deps", "make deps && make ltsport", 0);
}

static void gh_job_head(struct sbuf *sb, const char *id, const char *name)
{
	y_key(sb, 2, id);
	y_kv(sb, 4, "name", name);
	y_kv(sb, 4, "runs-on", "ubuntu-latest");
	y_kv(sb, 4, "container", CI_IMAGE);
}

static void gh_upload(struct sbuf *sb, const char *name, const struct lines *paths, int hidden)
{
	char *p = joined(paths);

	y_item_kv(sb, 6, "name", "keep the records and reports");
	y_kv(sb, 8, "if", "always()");
	y_kv(sb, 8, "uses", "actions/upload-artifact@v4");
	y_key(sb, 8, "with");
	y_kv(sb, 10, "name", name);
	y_kv(sb, 10, "path", p);
	/* backports-T/.work/T/status.json: the verdicts */
	if (hidden)
		y_kv(sb, 10, "include-hidden-files", "true");
	free(p);
}

static void github_tree(struct sbuf *sb, const struct ci_pipeline *p, const struct ci_tree *t)
{
	struct lines fetch = {0}, after = {0}, keep = {0};
	char *id = ci_job_id(t->name), *name = xprintf("tree %s", t->name);
	char *art = xprintf("tree-%s", t->name), *run;

	fetch_lines(&fetch, t);
	report_lines(&after, p, t);
	artifact_lines(&keep, p, t);
	gh_job_head(sb, id, name);
	y_key(sb, 4, "steps");
	gh_setup(sb);
	run = joined(&fetch);
	gh_run(sb, "get the tree", run, 0);
	free(run);
	run = tree_cmd(p, t, "run", NULL);
	gh_run(sb, "run", run, 0);
	free(run);
	run = joined(&after);
	gh_run(sb, "kcidb and junit reports", run, 1);
	free(run);
	gh_upload(sb, art, &keep, 1);
	free(id);
	free(name);
	free(art);
	lines_release(&fetch);
	lines_release(&after);
	lines_release(&keep);
}

static void github(struct sbuf *sb, const struct ci_pipeline *p)
{
	struct lines script = {0}, keep = {0};
	size_t i;
	char *run;

	header(sb, p);
	y_kv(sb, 0, "name", "ltsport");
	y_key(sb, 0, "on");
	y_item(sb, 2, "push");
	y_item(sb, 2, "workflow_dispatch");
	y_key(sb, 0, "env");
	y_kv(sb, 2, "LTSPORT_GIT_REFERENCE", "");
	y_key(sb, 0, "jobs");
	for (i = 0; i < p->ntrees; i++)
		github_tree(sb, p, &p->trees[i]);
	gh_job_head(sb, "merge", "merge");
	y_kv(sb, 4, "if", "always()");
	y_key(sb, 4, "needs");
	for (i = 0; i < p->ntrees; i++) {
		char *id = ci_job_id(p->trees[i].name);

		y_item(sb, 6, id);
		free(id);
	}
	y_key(sb, 4, "steps");
	gh_setup(sb);
	y_item_kv(sb, 6, "name", "the tree jobs' records");
	y_kv(sb, 8, "uses", "actions/download-artifact@v4");
	y_key(sb, 8, "with");
	y_kv(sb, 10, "pattern", "tree-*");
	y_kv(sb, 10, "merge-multiple", "true");
	merge_lines(&script, p);
	run = joined(&script);
	gh_run(sb, "merge", run, 0);
	free(run);
	for (i = 0; i < ARRAY_SIZE(merged_formats); i++)
		add_line(&keep, "%s", merged_formats[i][1]);
	gh_upload(sb, "merged", &keep, 0);
	lines_release(&script);
	lines_release(&keep);
}

char *ci_render(const struct ci_pipeline *p)
{
	struct sbuf sb = {0};

	if (p->engine == CI_GITLAB)
		gitlab(&sb, p);
	else
		github(&sb, p);
	return sbuf_detach(&sb);
}
