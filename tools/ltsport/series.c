// SPDX-License-Identifier: GPL-2.0
/*
 * A series directory: a quilt "series" file giving the order, and
 * series.conf (git-config syntax, read with libgit2) describing each
 * patch: upstream id, subject, author, releases, Fixes: target, CVE.
 * Patch bodies come from a git format-patch file next to them (test and
 * private series) or from the mainline repo named in stable_trees.conf;
 * upstream bodies are never stored in this project.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "conf.h"
#include "series.h"
#include "gitops.h"

static const char *const patch_keys[] = {
	"upstream", "subject", "author", "release", "fixes",
	"fixes-release", "cve", "cocci", "files",
};

static char **patch_field(struct series_patch *p, const char *key)
{
	char **fields[] = {
		&p->upstream, &p->subject, &p->author, &p->release, &p->fixes,
		&p->fixes_release, &p->cve, &p->cocci, &p->files,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(patch_keys); i++)
		if (!strcmp(key, patch_keys[i]))
			return fields[i];
	return NULL;
}

int series_resolve_dir(const char *arg, const char *confdir, char **dir)
{
	char *d;

	if (strchr(arg, '/') || is_dir(arg)) {
		d = realpath(arg, NULL);
	} else {
		char *named = xprintf("%s/series/%s", confdir, arg);

		d = realpath(named, NULL);
		free(named);
	}
	if (!d || !is_dir(d)) {
		free(d);
		return error("series '%s': no such directory (looked in %s/series/); pass --series NAME or DIR",
			     arg, confdir);
	}
	*dir = d;
	return 0;
}

/* One quilt series line: a patch name, optionally followed by -p1. */
static int parse_series_line(struct series *s, const char *file, int n, char *line)
{
	char *name, *opt, *save;
	struct series_patch *p;

	line[strcspn(line, "#\n")] = '\0';
	name = strtok_r(line, " \t", &save);
	if (!name)
		return 0;
	opt = strtok_r(NULL, " \t", &save);
	if (opt && strcmp(opt, "-p1"))
		return error("%s:%d: option '%s' is not supported; patches must be -p1 (git format)",
			     file, n, opt);
	s->patches = xrealloc(s->patches, (s->nr + 1) * sizeof(*p));
	p = &s->patches[s->nr++];
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	p->line = n;
	return 0;
}

static int read_series_file(struct series *s)
{
	char *file = path_join(s->dir, "series");
	char line[4096];
	FILE *f = fopen(file, "r");
	int n = 0, ret = 0;

	if (!f) {
		ret = error("%s: cannot read the quilt series file; a series directory needs 'series' and 'series.conf'",
			    file);
		goto out;
	}
	while (!ret && fgets(line, sizeof(line), f))
		ret = parse_series_line(s, file, ++n, line);
	fclose(f);
	if (!ret && !s->nr)
		ret = error("%s: names no patch", file);
out:
	free(file);
	return ret;
}

static struct series_patch *find_patch(struct series *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->patches[i].name, name))
			return &s->patches[i];
	return NULL;
}

/* Paths in series.conf are relative to the series directory. */
static char *series_path(struct series *s, const char *value)
{
	return value[0] == '/' ? xstrdup(value) : path_join(s->dir, value);
}

static int set_repro_entry(struct series *s, const char *file, int line, const char *key,
			   const char *value)
{
	struct series_repro *r = &s->repro;
	char **field = !strcmp(key, "dir") ? &r->dir :
		       !strcmp(key, "instrument") ? &r->instrument :
		       !strcmp(key, "files") ? &r->files :
		       !strcmp(key, "cmdline") ? &r->cmdline :
		       !strcmp(key, "counters") ? &r->counters : NULL;

	if (!field)
		return error("%s:%d: unknown key '%s' in [repro]; known: dir, instrument, files, cmdline, counters",
			     file, line, key);
	if (!value || !*value)
		return error("%s:%d: [repro] %s is empty; give it a value or remove the line",
			     file, line, key);
	free(*field);
	*field = field == &r->dir || field == &r->instrument ? series_path(s, value) :
		 xstrdup(value);
	return 0;
}

static int check_repro(struct series *s, const char *file)
{
	struct series_repro *r = &s->repro;
	int line = conf_line_of(file, "repro", NULL, NULL);

	if (!line)
		return 0;
	if (!r->dir)
		return error("%s:%d: [repro] needs dir = <the directory whose Makefile builds the guest>",
			     file, line);
	if (r->instrument && !r->files)
		return error("%s:%d: [repro] has an instrument rule but no files = <the files it changes>",
			     file, line);
	return 0;
}

static int set_patch_entry(struct series *s, const char *file, const git_config_entry *e)
{
	const char *first = strchr(e->name, '.');
	const char *last = strrchr(e->name, '.');
	char *sec = xstrndup(e->name, first - e->name);
	char *sub = first == last ? NULL : xstrndup(first + 1, last - first - 1);
	const char *key = last + 1;
	int line = conf_line_of(file, sec, sub, key);
	struct series_patch *p;
	char **field;
	int ret = 0;

	if (!strcmp(sec, "series") && !sub && !strcmp(key, "name")) {
		free(s->name);
		s->name = xstrdup(e->value);
		goto out;
	}
	if (!strcmp(sec, "repro") && !sub) {
		ret = set_repro_entry(s, file, line, key, e->value);
		goto out;
	}
	if (strcmp(sec, "patch") || !sub) {
		ret = error("%s:%d: unknown key '%s'; expected [series] name, [repro] or [patch \"NAME\"] sections",
			    file, line, e->name);
		goto out;
	}
	p = find_patch(s, sub);
	if (!p) {
		ret = error("%s:%d: [patch \"%s\"] is not in the series file; add it there or remove the section",
			    file, line, sub);
		goto out;
	}
	field = patch_field(p, key);
	if (!field) {
		ret = error("%s:%d: unknown key '%s' in [patch \"%s\"]; known: upstream, subject, author, release, fixes, fixes-release, cve, cocci, files",
			    file, line, key, sub);
		goto out;
	}
	free(*field);
	*field = xstrdup(e->value ? e->value : "");
out:
	free(sec);
	free(sub);
	return ret;
}

static int check_patch(struct series *s, const char *file, struct series_patch *p)
{
	char *series_file = path_join(s->dir, "series");
	int line = conf_line_of(file, "patch", p->name, NULL);
	int ret = 0;

	if (!line)
		ret = error("%s:%d: the series names '%s' but series.conf has no [patch \"%s\"] section; add one with its upstream id",
			    series_file, p->line, p->name, p->name);
	else if (!p->upstream || !is_hex_id(p->upstream, 40, 40))
		ret = error("%s:%d: [patch \"%s\"] needs upstream = <full 40-digit commit id>",
			    file, line, p->name);
	else if (!p->subject)
		ret = error("%s:%d: [patch \"%s\"] needs subject = <upstream subject>",
			    file, line, p->name);
	else if (p->author && (!strchr(p->author, '<') || !strchr(p->author, '>')))
		ret = error("%s:%d: [patch \"%s\"]: author = '%s' is not 'Name <email>'",
			    file, line, p->name, p->author);
	else if (p->cocci && !p->files)
		ret = error("%s:%d: [patch \"%s\"] has a cocci form but no files = <the files it touches>",
			    file, line, p->name);
	else if (p->fixes && !is_hex_id(p->fixes, 7, 40))
		ret = error("%s:%d: [patch \"%s\"]: fixes = '%s' is not a commit id",
			    file, line, p->name, p->fixes);
	if (!ret && p->cocci && p->cocci[0] != '/') {
		char *abs = path_join(s->dir, p->cocci);

		free(p->cocci);
		p->cocci = abs;
	}
	free(series_file);
	return ret;
}

static int read_series_conf(struct series *s)
{
	char *file = path_join(s->dir, "series.conf");
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	size_t i;
	int ret = 0, rc;

	if (!path_exists(file)) {
		ret = error("%s: missing; describe each patch there ([patch \"NAME\"] upstream = ...)",
			    file);
		goto out;
	}
	if (git_config_open_ondisk(&cfg, file) < 0 ||
	    git_config_iterator_new(&it, cfg) < 0) {
		ret = git_fail(file);
		goto out;
	}
	while (!ret && !(rc = git_config_next(&e, it)))
		ret = set_patch_entry(s, file, e);
	if (!ret && rc != GIT_ITEROVER)
		ret = git_fail(file);
	for (i = 0; !ret && i < s->nr; i++)
		ret = check_patch(s, file, &s->patches[i]);
	if (!ret)
		ret = check_repro(s, file);
out:
	git_config_iterator_free(it);
	git_config_free(cfg);
	free(file);
	return ret;
}

int series_load(struct series *s, const char *dir)
{
	const char *slash;

	memset(s, 0, sizeof(*s));
	s->dir = xstrdup(dir);
	slash = strrchr(dir, '/');
	s->name = xstrdup(slash ? slash + 1 : dir);
	if (read_series_file(s) || read_series_conf(s))
		return -1;
	return 0;
}

/* "Name <email>" into a signature dated at the given time; -1 if malformed. */
int make_sig(git_signature **sig, const char *who, git_time_t when, int offset)
{
	const char *lt = strchr(who, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	char *name, *email;
	int ret;

	if (!lt || !gt)
		return -1;
	name = xstrndup(who, lt - who);
	while (*name && isspace((unsigned char)name[strlen(name) - 1]))
		name[strlen(name) - 1] = '\0';
	email = xstrndup(lt + 1, gt - lt - 1);
	ret = git_signature_new(sig, name, email, when, offset);
	free(name);
	free(email);
	return ret;
}

static int parse_date(const char *s, git_time_t *when, int *offset)
{
	struct tm tm = {0};
	const char *end = strptime(s, "%a, %d %b %Y %H:%M:%S %z", &tm);

	if (!end)
		return -1;
	*offset = (int)(tm.tm_gmtoff / 60);
	*when = (git_time_t)timegm(&tm) - tm.tm_gmtoff;
	return 0;
}

/* Drop "[PATCH ...]" from a mail subject. */
static const char *strip_subject_prefix(const char *subj)
{
	while (*subj == ' ')
		subj++;
	if (*subj == '[') {
		const char *e = strchr(subj, ']');

		if (e)
			subj = e + 1;
	}
	while (*subj == ' ')
		subj++;
	return subj;
}

struct mail {
	char *from;
	char *date;
	struct sbuf subject;
	struct sbuf body;
	const char *diff;
};

/* Headers of a format-patch mail, with RFC 2822 continuation lines. */
static const char *parse_headers(struct mail *m, const char *p)
{
	int in_subject = 0;

	if (starts_with(p, "From "))
		p = strchrnul(p, '\n') + (*strchrnul(p, '\n') ? 1 : 0);
	while (*p && *p != '\n') {
		const char *eol = strchrnul(p, '\n');

		if ((*p == ' ' || *p == '\t') && in_subject) {
			sbuf_add(&m->subject, p, eol - p);
		} else {
			in_subject = starts_with(p, "Subject:");
			if (in_subject)
				sbuf_add(&m->subject, p + 8, eol - p - 8);
			else if (starts_with(p, "From:"))
				m->from = xstrndup(p + 5, eol - p - 5);
			else if (starts_with(p, "Date:"))
				m->date = xstrndup(p + 5, eol - p - 5);
		}
		p = *eol ? eol + 1 : eol;
	}
	return *p ? p + 1 : p;
}

static int parse_mail(const char *file, const char *text, struct mail *m)
{
	const char *p, *cr = strstr(text, "\r\n");
	int line = 1;

	if (cr) {
		for (p = text; p < cr; p++)
			line += *p == '\n';
		return error("%s:%d: CRLF line ending; convert the patch with dos2unix (or git format-patch again)",
			     file, line);
	}
	p = parse_headers(m, text);
	if (!m->from || !m->subject.len)
		return error("%s:1: not a git format-patch mail (no From:/Subject: header); regenerate it with git format-patch",
			     file);
	while (*p && !starts_with(p, "---\n") && !starts_with(p, "diff --git ")) {
		const char *eol = strchrnul(p, '\n');

		sbuf_add(&m->body, p, eol - p + (*eol ? 1 : 0));
		p = *eol ? eol + 1 : eol;
	}
	m->diff = strstr(p, "diff --git ");
	if (m->diff && m->diff != text && m->diff[-1] != '\n')
		m->diff = NULL;
	if (!m->diff)
		return error("%s: no 'diff --git' section; the patch must be made by git format-patch",
			     file);
	return 0;
}

/* Cut the signature ("--", a space, then the git version) that format-patch appends. */
static char *diff_without_signature(const char *diff)
{
	const char *sig = NULL, *p = diff;

	while ((p = strstr(p, "\n--\x20\n"))) {
		sig = p;
		p += 5;
	}
	if (sig && !strstr(sig, "\n@@") && !strstr(sig, "\ndiff --git "))
		return xstrndup(diff, sig - diff + 1);
	return xstrdup(diff);
}

static int check_diff(const char *file, const char *diff)
{
	git_diff *d = NULL;

	if (git_diff_from_buffer(&d, diff, strlen(diff)) < 0) {
		const git_error *e = git_error_last();

		return error("%s: corrupt patch: %s; regenerate it with git format-patch",
			     file, e ? e->message : "unparsable");
	}
	if (!git_diff_num_deltas(d)) {
		git_diff_free(d);
		return error("%s: the patch changes no file", file);
	}
	git_diff_free(d);
	return 0;
}

static int load_from_file(struct series_patch *p, const char *file)
{
	struct mail m = {0};
	char *text = NULL;
	git_time_t when = 0;
	int offset = 0, ret;

	ret = read_file(file, &text, NULL);
	if (!ret)
		ret = parse_mail(file, text, &m);
	if (!ret) {
		p->diff = diff_without_signature(m.diff);
		ret = check_diff(file, p->diff);
	}
	if (!ret) {
		const char *subj = strip_subject_prefix(m.subject.buf);

		if (m.date && parse_date(m.date + strspn(m.date, " "), &when, &offset))
			warn("%s: unreadable Date: header; using the epoch", file);
		if (make_sig(&p->sig, m.from, when, offset) < 0)
			ret = error("%s: From: header '%s' is not 'Name <email>'", file, m.from);
		p->msg = xprintf("%s\n\n%s", subj, m.body.buf ? m.body.buf : "");
		p->body_source = xprintf("patch file %s", file);
	}
	free(text);
	free(m.from);
	free(m.date);
	sbuf_release(&m.subject);
	sbuf_release(&m.body);
	return ret;
}

static int load_from_mainline(struct series_patch *p, git_repository *repo)
{
	git_oid id;
	git_commit *c = NULL;
	int ret;

	if (git_oid_fromstr(&id, p->upstream) < 0 || git_commit_lookup(&c, repo, &id) < 0)
		return 1;
	ret = diff_text_of_commit(repo, c, &p->diff);
	if (!ret) {
		p->msg = xstrdup(git_commit_message(c));
		ret = git_signature_dup(&p->sig, git_commit_author(c));
		p->body_source = xprintf("mainline commit %.12s", p->upstream);
	}
	git_commit_free(c);
	return ret;
}

/*
 * Find each patch's body: a file in the series directory first, then the
 * mainline repo. A patch with neither still has its semantic form (cocci)
 * for later stages; only a series line naming nothing at all is an error.
 */
int series_load_bodies(struct series *s, git_repository *mainline)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		struct series_patch *p = &s->patches[i];
		char *file = path_join(s->dir, p->name);
		int ret = 1;

		if (path_exists(file))
			ret = load_from_file(p, file);
		else if (mainline)
			ret = load_from_mainline(p, mainline);
		free(file);
		if (ret < 0)
			return -1;
		if (ret > 0 && !p->cocci && !mainline) {
			char *sf = path_join(s->dir, "series");

			error("%s:%d: patch '%s' not found in %s, no mainline repo in stable_trees.conf and no cocci form; add the file or a [mainline] path",
			      sf, p->line, p->name, s->dir);
			free(sf);
			return -1;
		}
		if (ret > 0 && mainline && !p->cocci)
			return error("%s: commit %s is not in the mainline repo and no patch file or cocci form exists; fetch mainline or add the file",
				     p->name, p->upstream);
	}
	return 0;
}

void series_release(struct series *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		struct series_patch *p = &s->patches[i];
		char **f;
		size_t k;

		free(p->name);
		for (k = 0; k < ARRAY_SIZE(patch_keys); k++) {
			f = patch_field(p, patch_keys[k]);
			free(*f);
		}
		free(p->body_source);
		free(p->msg);
		free(p->diff);
		git_signature_free(p->sig);
	}
	free(s->patches);
	free(s->repro.dir);
	free(s->repro.instrument);
	free(s->repro.files);
	free(s->repro.cmdline);
	free(s->repro.counters);
	free(s->name);
	free(s->dir);
	memset(s, 0, sizeof(*s));
}

/* The series patch whose upstream id starts with the given (short) id. */
struct series_patch *series_find_upstream(struct series *s, const char *id)
{
	size_t i, n = strlen(id);

	if (n < 7)
		return NULL;
	for (i = 0; i < s->nr; i++)
		if (!strncmp(s->patches[i].upstream, id, n))
			return &s->patches[i];
	return NULL;
}
