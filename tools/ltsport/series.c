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
#include <unistd.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "conf.h"
#include "series.h"
#include "gitops.h"
#include "mail.h"

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

#ifndef LTSPORT_SHARE
#define LTSPORT_SHARE "/usr/local/share/ltsport"
#endif

/* The project the running binary was built in: the directory holding it. */
static char *project_dir(void)
{
	char *exe = realpath("/proc/self/exe", NULL);
	char *dir;

	if (!exe)
		return NULL;
	dir = dir_of(exe);
	free(exe);
	return dir;
}

/*
 * --series NAME: beside the --config file (its dir's series/NAME), then the
 * project's series/ (the ltsport binary's), then PREFIX/share/ltsport/series.
 * A path (with a '/' or an existing directory) is taken as it is.
 */
int series_resolve_dir(const char *arg, const char *confdir, char **dir)
{
	char *places[3], *proj, *d = NULL;
	struct sbuf looked = {0};
	size_t n = 0, i, k;

	if (strchr(arg, '/') || is_dir(arg)) {
		d = realpath(arg, NULL);
		if (d && is_dir(d)) {
			*dir = d;
			return 0;
		}
		free(d);
		return error("series '%s': no such directory; pass --series NAME or DIR", arg);
	}
	places[n++] = xprintf("%s/series", confdir);
	proj = project_dir();
	if (proj)
		places[n++] = xprintf("%s/series", proj);
	free(proj);
	places[n++] = xstrdup(LTSPORT_SHARE "/series");
	for (i = 0; i < n && !d; i++) {
		char *named = xprintf("%s/%s", places[i], arg);

		d = realpath(named, NULL);
		if (d && !is_dir(d)) {
			free(d);
			d = NULL;
		}
		free(named);
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < i && strcmp(places[k], places[i]); k++)
			;
		if (k == i)
			sbuf_addf(&looked, "%s%s/", looked.len ? ", " : "", places[i]);
	}
	for (i = 0; i < n; i++)
		free(places[i]);
	if (!d) {
		error("series '%s': no such directory (looked in %s); pass --series NAME or DIR, or make it with ltsport series new",
		      arg, looked.buf);
		sbuf_release(&looked);
		return -1;
	}
	sbuf_release(&looked);
	*dir = d;
	return 0;
}

/* One quilt series line: a patch name, optionally followed by -p1. */
static int parse_series_line(struct series *s, const char *file, int n, char *line)
{
	char *name, *opt, *save;
	struct series_patch *p;

	line[strcspn(line, "#")] = '\0';
	name = strtok_r(line, " \t\r", &save);
	if (!name)
		return 0;
	opt = strtok_r(NULL, " \t\r", &save);
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

int series_parse_list(struct series *s, const char *file, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	int n = 0, ret = 0, nul = conf_find_nul(buf, len);

	if (nul)
		return error("%s:%d: contains a NUL byte; the series file is text, remove it",
			     file, nul);
	while (!ret && p < end) {
		const char *eol = memchr(p, '\n', end - p);
		char *line;

		if (!eol)
			eol = end;
		line = xstrndup(p, eol - p);
		ret = parse_series_line(s, file, ++n, line);
		free(line);
		p = eol + 1;
	}
	if (!ret && !s->nr)
		ret = error("%s: names no patch", file);
	return ret;
}

static int read_series_file(struct series *s)
{
	char *file = path_join(s->dir, "series");
	char *text = NULL;
	size_t len = 0;
	int ret;

	if (!path_exists(file))
		ret = error("%s: cannot read the quilt series file; a series directory needs 'series' and 'series.conf'",
			    file);
	else
		ret = read_file(file, &text, &len);
	if (!ret)
		ret = series_parse_list(s, file, text, len);
	free(text);
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

/* A series.conf being read: its text, for the lines of messages. */
struct sconf_text {
	struct series *s;
	const char *file;
	const char *buf;
	size_t len;
	int name_line;		/* of [series] name, once set */
};

static int line_of(struct sconf_text *st, const char *sec, const char *sub, const char *key,
		   int nth)
{
	return conf_line_of_buf(st->buf, st->len, sec, sub, key, nth);
}

/* A key's second value, or one without any value: an error, else 0. */
static int check_value(struct sconf_text *st, const char *sec, const char *sub,
		       const char *key, int line, int is_set, const char *value)
{
	if (is_set)
		return error("%s:%d: '%s' is set twice in [%s%s%s%s] (first at line %d); keep one",
			     st->file, line_of(st, sec, sub, key, 2), key, sec,
			     sub ? " \"" : "", sub ? sub : "", sub ? "\"" : "", line);
	if (!value)
		return error("%s:%d: '%s' has no value; write %s = VALUE", st->file, line, key,
			     key);
	return 0;
}

static int set_repro_entry(struct sconf_text *st, int line, const char *key,
			   const char *value)
{
	struct series *s = st->s;
	struct series_repro *r = &s->repro;
	char **field = !strcmp(key, "dir") ? &r->dir :
		       !strcmp(key, "instrument") ? &r->instrument :
		       !strcmp(key, "files") ? &r->files :
		       !strcmp(key, "cmdline") ? &r->cmdline :
		       !strcmp(key, "counters") ? &r->counters : NULL;

	if (!field)
		return error("%s:%d: unknown key '%s' in [repro]; known: dir, instrument, files, cmdline, counters",
			     st->file, line, key);
	if (check_value(st, "repro", NULL, key, line, !!*field, value))
		return -1;
	if (!*value)
		return error("%s:%d: [repro] %s is empty; give it a value or remove the line",
			     st->file, line, key);
	*field = field == &r->dir || field == &r->instrument ? series_path(s, value) :
		 xstrdup(value);
	return 0;
}

static int check_repro(struct sconf_text *st)
{
	struct series_repro *r = &st->s->repro;
	int line = line_of(st, "repro", NULL, NULL, 1);

	if (!line)
		return 0;
	if (!r->dir)
		return error("%s:%d: [repro] needs dir = <the directory whose Makefile builds the guest>",
			     st->file, line);
	if (r->instrument && !r->files)
		return error("%s:%d: [repro] has an instrument rule but no files = <the files it changes>",
			     st->file, line);
	return 0;
}

static int set_series_name(struct sconf_text *st, int line, const char *value)
{
	if (check_value(st, "series", NULL, "name", line, !!st->name_line, value))
		return -1;
	if (!name_is_safe(value))
		return error("%s:%d: series name '%s' cannot name a branch and a directory; use letters, digits, '.', '_' and '-' (not first '.' or '-', no '..')",
			     st->file, line, value);
	free(st->s->name);
	st->s->name = xstrdup(value);
	st->name_line = line;
	return 0;
}

static int set_patch_entry(struct sconf_text *st, const git_config_entry *e)
{
	struct series *s = st->s;
	char *sec, *sub, *key;
	struct series_patch *p;
	char **field;
	int ret = 0, line;

	conf_split_name(e->name, &sec, &sub, &key);
	line = line_of(st, sec, sub, key, 1);
	if (!*sec) {
		ret = error("%s:%d: '%s' is outside any section; put it under [series], [repro] or [patch \"NAME\"]",
			    st->file, line, key);
		goto out;
	}
	if (!strcmp(sec, "series") && !sub && !strcmp(key, "name")) {
		ret = set_series_name(st, line, e->value);
		goto out;
	}
	if (!strcmp(sec, "repro") && !sub) {
		ret = set_repro_entry(st, line, key, e->value);
		goto out;
	}
	if (strcmp(sec, "patch") || !sub) {
		ret = error("%s:%d: unknown key '%s'; expected [series] name, [repro] or [patch \"NAME\"] sections",
			    st->file, line, e->name);
		goto out;
	}
	p = find_patch(s, sub);
	if (!p) {
		ret = error("%s:%d: [patch \"%s\"] is not in the series file; add it there or remove the section",
			    st->file, line_of(st, sec, sub, NULL, 1), sub);
		goto out;
	}
	field = patch_field(p, key);
	if (!field) {
		ret = error("%s:%d: unknown key '%s' in [patch \"%s\"]; known: upstream, subject, author, release, fixes, fixes-release, cve, cocci, files",
			    st->file, line, key, sub);
		goto out;
	}
	ret = check_value(st, sec, sub, key, line, !!*field, e->value);
	if (!ret)
		*field = xstrdup(e->value);
out:
	free(sec);
	free(sub);
	free(key);
	return ret;
}

static int check_patch(struct sconf_text *st, struct series_patch *p)
{
	struct series *s = st->s;
	const char *file = st->file;
	char *series_file = path_join(s->dir, "series");
	int line = line_of(st, "patch", p->name, NULL, 1);
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

/*
 * series.conf from its text, once the series file named the patches;
 * libgit2 parses the file at gitpath, or the text in memory when NULL.
 */
static int parse_conf(struct series *s, const char *file, const char *gitpath,
		      const char *buf, size_t len)
{
	struct sconf_text st = { s, file, buf, len, 0 };
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	size_t i;
	int ret = 0, rc, fd = -1;

	if (conf_check_text(file, buf, len))
		return -1;
	if (gitpath)
		ret = git_config_open_ondisk(&cfg, gitpath) < 0 ? git_fail(file) : 0;
	else
		ret = conf_open_buf(&cfg, &fd, file, buf, len);
	if (!ret && git_config_iterator_new(&it, cfg) < 0)
		ret = git_fail(file);
	while (!ret && !(rc = git_config_next(&e, it)))
		ret = set_patch_entry(&st, e);
	if (!ret && rc != GIT_ITEROVER)
		ret = git_fail(file);
	git_config_iterator_free(it);
	git_config_free(cfg);
	if (fd >= 0)
		close(fd);
	for (i = 0; !ret && i < s->nr; i++)
		ret = check_patch(&st, &s->patches[i]);
	if (!ret)
		ret = check_repro(&st);
	if (!ret && !st.name_line && !name_is_safe(s->name))
		ret = error("%s: the series is named '%s' after its directory, which cannot name a branch and a directory; add [series] name = NAME (letters, digits, '.', '_', '-')",
			    file, s->name);
	return ret;
}

int series_parse_conf(struct series *s, const char *file, const char *buf, size_t len)
{
	return parse_conf(s, file, NULL, buf, len);
}

static int read_series_conf(struct series *s)
{
	char *file = path_join(s->dir, "series.conf");
	char *text = NULL;
	size_t len = 0;
	int ret;

	if (!path_exists(file))
		ret = error("%s: missing; describe each patch there ([patch \"NAME\"] upstream = ...)",
			    file);
	else
		ret = read_file(file, &text, &len);
	if (!ret)
		ret = parse_conf(s, file, file, text, len);
	free(text);
	free(file);
	return ret;
}

void series_init(struct series *s, const char *dir)
{
	const char *slash;

	memset(s, 0, sizeof(*s));
	s->dir = xstrdup(dir);
	slash = strrchr(dir, '/');
	s->name = xstrdup(slash ? slash + 1 : dir);
}

int series_load(struct series *s, const char *dir)
{
	series_init(s, dir);
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

/* A mail's Date: with its zone (mail.c; timegm() would reset tm_gmtoff). */
static int parse_date(const char *s, git_time_t *when, int *offset)
{
	long long t;

	if (mail_parse_date(s, &t, offset))
		return -1;
	*when = (git_time_t)t;
	return 0;
}

/* Drop "[PATCH ...]" from a mail subject. */
static const char *strip_subject_prefix(const char *subj)
{
	while (*subj == ' ' || *subj == '\t')
		subj++;
	if (*subj == '[') {
		const char *e = strchr(subj, ']');

		if (e)
			subj = e + 1;
	}
	while (*subj == ' ' || *subj == '\t')
		subj++;
	return subj;
}

static const char *next_line(const char *p, const char **eol)
{
	*eol = strchrnul(p, '\n');
	return *eol + (**eol ? 1 : 0);
}

/* One unfolded header: keep the ones we use, values without leading blanks. */
static void take_header(struct series_mail *m, struct sbuf *h, struct sbuf *subject)
{
	char **slot = NULL;
	const char *v;

	if (!h->len)
		return;
	if (!strncasecmp(h->buf, "Subject:", 8) && !subject->len)
		sbuf_adds(subject, h->buf + 8);
	else if (!strncasecmp(h->buf, "From:", 5))
		slot = &m->from;
	else if (!strncasecmp(h->buf, "Date:", 5))
		slot = &m->date;
	if (slot && !*slot) {
		v = h->buf + 5;
		*slot = xstrdup(v + strspn(v, " \t"));
	}
	sbuf_release(h);
}

/* Headers of a format-patch mail, with RFC 2822 continuation lines. */
static const char *parse_headers_raw(struct series_mail *m, const char *p, int *line,
				     struct sbuf *subject)
{
	struct sbuf h = {0};
	const char *eol, *next;

	if (starts_with(p, "From ")) {
		p = next_line(p, &eol);
		++*line;
	}
	while (*p && *p != '\n') {
		next = next_line(p, &eol);
		if (*p != ' ' && *p != '\t')
			take_header(m, &h, subject);
		sbuf_add(&h, p, eol - p);
		p = next;
		++*line;
	}
	take_header(m, &h, subject);
	if (*p) {
		++*line;
		p++;
	}
	return p;
}

static const char *parse_headers(struct series_mail *m, const char *p, int *line)
{
	struct sbuf subject = {0};

	p = parse_headers_raw(m, p, line, &subject);
	if (subject.len)
		m->subject = xstrdup(strip_subject_prefix(subject.buf));
	sbuf_release(&subject);
	return p;
}

/* A field GMime decoded replaces the hand parser's (kept when GMime has none). */
static void take_field(char **slot, char *decoded, int strip)
{
	if (!decoded)
		return;
	free(*slot);
	*slot = xstrdup(strip ? strip_subject_prefix(decoded) : decoded);
}

/*
 * The headers as a mail reader decodes them (mail.c): RFC 2047 words,
 * charsets, folding. The hand parser above only finds where the body starts.
 */
static void take_decoded_headers(struct series_mail *m, const char *text, size_t len)
{
	struct mail_headers h;

	if (mail_headers_parse(&h, text, len))
		return;
	take_field(&m->from, h.from, 0);
	take_field(&m->date, h.date, 0);
	take_field(&m->subject, h.subject, 1);
	mail_headers_release(&h);
}

char *series_mail_subject(const char *buf, size_t len)
{
	struct series_mail m = {0};
	struct sbuf subject = {0};
	struct mail_headers h;
	char *text = xstrndup(buf, len);
	int line = 1;
	const char *v;

	if (!mail_headers_parse(&h, text, len)) {
		char *subj = h.subject ? xstrdup(h.subject + strspn(h.subject, " \t")) : NULL;

		mail_headers_release(&h);
		if (subj) {
			free(text);
			return subj;
		}
	}
	parse_headers_raw(&m, text, &line, &subject);
	series_mail_release(&m);
	free(text);
	if (!subject.len)
		return NULL;
	v = subject.buf + strspn(subject.buf, " \t");
	text = xstrdup(v);
	sbuf_release(&subject);
	return text;
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

/* Undo git's C-style quoting of a path; NULL (with *why) when it hides a trick. */
static char *unquote_path(const char *p, size_t n, const char **why)
{
	struct sbuf sb = {0};
	static const char from[] = "abtnvfr\"\\", to[] = "\a\b\t\n\v\f\r\"\\";
	size_t i;

	for (i = 1; i + 1 < n; i++) {
		char c = p[i];

		if (c == '\\') {
			const char *e = NULL;

			c = p[++i];
			if (c >= '0' && c <= '3' && i + 2 < n - 1 &&
			    p[i + 1] >= '0' && p[i + 1] <= '7' && p[i + 2] >= '0' && p[i + 2] <= '7') {
				c = (char)((c - '0') << 6 | (p[i + 1] - '0') << 3 | (p[i + 2] - '0'));
				i += 2;
			} else if (i + 1 < n && c && strchr(from, c)) {
				e = strchr(from, c);
				c = to[e - from];
			} else {
				*why = "an unknown escape in a quoted path";
				goto bad;
			}
			if (!c) {
				*why = "a NUL byte (an escape) in the path";
				goto bad;
			}
		} else if (c == '"') {
			*why = "a stray quote in the path";
			goto bad;
		}
		sbuf_add(&sb, &c, 1);
	}
	if (n < 2 || p[n - 1] != '"' || i + 1 != n) {
		*why = "an unterminated quoted path";
		goto bad;
	}
	return sbuf_detach(&sb);
bad:
	sbuf_release(&sb);
	return NULL;
}

/*
 * Why a path of a diff header is unsafe, or NULL. strip: it carries an a/
 * or b/ prefix (git's -p1); devnull: /dev/null stands for no file.
 */
static const char *bad_path(const char *p, size_t n, int strip, int devnull)
{
	const char *why = NULL, *c;
	char *path;

	if (n && *p == '"') {
		path = unquote_path(p, n, &why);
		if (!path)
			return why;
	} else {
		path = xstrndup(p, n);
	}
	if (devnull && !strcmp(path, "/dev/null"))
		goto out;
	c = path;
	if (*c == '/') {
		why = "an absolute path";
		goto out;
	}
	if (strip) {
		c = strchr(path, '/');
		if (!c) {
			why = "no a/ or b/ prefix";
			goto out;
		}
		c++;
		if (*c == '/') {
			why = "an absolute path";
			goto out;
		}
	}
	if (!*c) {
		why = "an empty path";
		goto out;
	}
	while (*c) {
		size_t k = strcspn(c, "/");

		if (!k)
			why = "an empty component";
		else if (k == 2 && c[0] == '.' && c[1] == '.')
			why = "a '..' component";
		if (why)
			break;
		c += k + (c[k] == '/');
		if (c[-1] == '/' && !*c)
			why = "an empty component";
	}
out:
	free(path);
	return why;
}

/* The end of a quoted name starting at p (at its closing quote), or NULL. */
static const char *end_of_quoted(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		else if (*p == '"')
			return p;
	}
	return NULL;
}

/* "diff --git a/X b/Y": split the two names, then check each. */
static const char *bad_git_header(const char *r, const char *end)
{
	const char *split = NULL, *q, *why;
	size_t best = 0;

	if (r < end && *r == '"') {
		q = end_of_quoted(r, end);
		if (!q || q + 1 >= end || q[1] != ' ')
			return "an unterminated quoted path";
		split = q + 1;
	} else {
		/* Names may hold spaces: prefer the split where both sides agree. */
		for (q = r; q < end; q++) {
			size_t a, b;

			if (*q != ' ')
				continue;
			a = q - r;
			b = end - q - 1;
			if (!split || (!best && (q[1] == '"' || starts_with(q + 1, "b/")))) {
				split = q;
				best = q[1] == '"' || starts_with(q + 1, "b/");
			}
			if (a == b && a > 2 && !memcmp(r + 2, q + 3, a - 2)) {
				split = q;
				break;
			}
		}
	}
	if (!split)
		return "one path where two are needed";
	why = bad_path(r, split - r, 1, 0);
	return why ? why : bad_path(split + 1, end - split - 1, 1, 0);
}

/* Old and new line counts of a "@@ -a,b +c,d @@" line; -1 when malformed. */
static int hunk_counts(const char *p, long *old, long *new)
{
	char *e;

	if (!starts_with(p, "@@ -"))
		return -1;
	strtoul(p + 4, &e, 10);
	*old = 1;
	if (*e == ',')
		*old = (long)strtoul(e + 1, &e, 10);
	if (strncmp(e, " +", 2))
		return -1;
	strtoul(e + 2, &e, 10);
	*new = 1;
	if (*e == ',')
		*new = (long)strtoul(e + 1, &e, 10);
	if (*old < 0 || *new < 0 || *old > 100000000 || *new > 100000000)
		return -1;
	return 0;
}

/* The first six name paths; none may come twice in one file's header. */
static const char *const diff_headers[] = {
	"--- ", "+++ ", "rename from ", "rename to ", "copy from ", "copy to ",
	"index ", "similarity index ", "dissimilarity index ", "old mode ", "new mode ",
	"new file mode ", "deleted file mode ",
};

/*
 * Patches come from mail: every path its headers name must stay inside the
 * tree. Hunk lines are skipped by their counts, so a removed line reading
 * "-- x" is not taken for a header.
 */
static int check_diff_headers(const char *file, const char *diff, int first_line)
{
	const char *p = diff, *eol, *next, *why = NULL;
	long old = 0, new = 0;
	int line = first_line, hunk_line = 0;
	unsigned int seen = 0;
	size_t i;

	for (; *p; p = next, line++) {
		next = next_line(p, &eol);
		if (old > 0 || new > 0) {
			if (*p == ' ' || p == eol) {
				old--;
				new--;
				continue;
			} else if (*p == '-') {
				old--;
				continue;
			} else if (*p == '+') {
				new--;
				continue;
			} else if (*p == '\\') {
				continue;
			}
			old = new = 0;
		}
		if (starts_with(p, "diff --git ")) {
			why = bad_git_header(p + 11, eol);
			seen = 0;
		} else if (starts_with(p, "@@ ")) {
			if (hunk_counts(p, &old, &new))
				old = new = 0;
			hunk_line = line;
		} else {
			for (i = 0; i < ARRAY_SIZE(diff_headers); i++) {
				size_t k = strlen(diff_headers[i]);
				const char *end = eol;

				if (strncmp(p, diff_headers[i], k))
					continue;
				/* libgit2 1.5 leaks the first of two such lines. */
				if (seen & 1u << i)
					return error("%s:%d: corrupt patch: a second '%.*s' line in one file's header; regenerate it with git format-patch",
						     file, line, (int)k - 1, diff_headers[i]);
				seen |= 1u << i;
				if (i >= 6)
					break;
				if (i < 2 && p[k] != '"')
					end = p + k + strcspn(p + k, "\t\n");
				why = bad_path(p + k, end - p - k, i < 2, i < 2);
				break;
			}
		}
		if (why)
			return error("%s:%d: unsafe path in a diff header: %s ('%.*s'); a patch may only name files inside the tree",
				     file, line, why, (int)(eol - p > 200 ? 200 : eol - p), p);
	}
	if (old > 0 || new > 0)
		return error("%s:%d: truncated patch: the hunk starting here ends %ld line%s early; the file was cut: get it again",
			     file, hunk_line, old > new ? old : new, (old > new ? old : new) == 1 ? "" : "s");
	return 0;
}

/* libgit2 says "... at line N" of the diff: that line of the file, else the diff's first. */
static int diff_error_line(const char *msg, int first_line)
{
	const char *at = msg ? strstr(msg, "line ") : NULL;
	int n;

	if (at && sscanf(at + 5, "%d", &n) == 1 && n > 0 && n < 100000000)
		return first_line + n - 1;
	return first_line;
}

static int check_diff(const char *file, const char *diff, int first_line)
{
	git_diff *d = NULL;
	size_t i;

	if (git_diff_from_buffer(&d, diff, strlen(diff)) < 0) {
		const git_error *e = git_error_last();

		return error("%s:%d: corrupt patch: %s; regenerate it with git format-patch",
			     file, diff_error_line(e ? e->message : NULL, first_line),
			     e ? e->message : "unparsable");
	}
	if (!git_diff_num_deltas(d)) {
		git_diff_free(d);
		return error("%s: the patch changes no file", file);
	}
	for (i = 0; i < git_diff_num_deltas(d); i++) {
		const git_diff_delta *delta = git_diff_get_delta(d, i);

		if (!delta->old_file.path || !delta->new_file.path) {
			git_diff_free(d);
			return error("%s: corrupt patch: file %zu has a header without a name; regenerate it with git format-patch",
				     file, i + 1);
		}
	}
	git_diff_free(d);
	return 0;
}

/* The "From <id> Mon Sep 17 00:00:00 2001" line's id, when it is one. */
static char *mbox_commit(const char *text)
{
	const char *id = text + 5;
	size_t n;

	if (!starts_with(text, "From "))
		return NULL;
	n = strspn(id, "0123456789abcdef");
	if (n != 40 || id[n] != ' ')
		return NULL;
	return xstrndup(id, n);
}

/* The diff from p on (line: its line), checked; 0 or -1 after an error. */
static int take_diff(struct series_mail *m, const char *file, const char *p, int line,
		     int signature)
{
	m->diff = signature ? diff_without_signature(p) : xstrdup(p);
	m->diff_line = line;
	if (check_diff_headers(file, m->diff, line))
		return -1;
	return check_diff(file, m->diff, line);
}

int series_parse_mail_at(struct series_mail *m, const char *file, int first_line,
			 const char *buf, size_t len)
{
	const char *p, *eol, *next, *cr;
	struct sbuf body = {0};
	char *text;
	int line = first_line, ret = 0, nul = conf_find_nul(buf, len);

	memset(m, 0, sizeof(*m));
	if (nul)
		return error("%s:%d: contains a NUL byte; a patch mail is text: regenerate it with git format-patch (--binary for binary files)",
			     file, first_line + nul - 1);
	cr = memmem(buf, len, "\r\n", 2);
	if (cr) {
		for (p = buf; p < cr; p++)
			line += *p == '\n';
		return error("%s:%d: CRLF line ending; convert the patch with dos2unix (or git format-patch again)",
			     file, line);
	}
	if (mail_decode_body(buf, len, &text, &len) > 0) {
		/* quoted-printable or base64: parse the decoded text */
		nul = conf_find_nul(text, len);
		if (nul) {
			free(text);
			return error("%s:%d: the decoded body holds a NUL byte; a patch mail is text",
				     file, first_line);
		}
	} else {
		text = xstrndup(buf, len);
	}
	m->commit = mbox_commit(text);
	p = parse_headers(m, text, &line);
	take_decoded_headers(m, text, len);
	if (!m->from || !m->subject) {
		ret = error("%s:%d: not a git format-patch mail (no From:/Subject: header); regenerate it with git format-patch",
			    file, first_line);
		goto out;
	}
	for (; *p && !starts_with(p, "diff --git "); p = next, line++) {
		next = next_line(p, &eol);
		if (!strcmp(p, "---") || starts_with(p, "---\n"))
			break;
		sbuf_add(&body, p, next - p);
	}
	for (; *p && !starts_with(p, "diff --git "); line++)
		p = next_line(p, &eol);
	if (!*p) {
		ret = error("%s:%d: no 'diff --git' section; the patch must be made by git format-patch",
			    file, first_line);
		goto out;
	}
	m->body = sbuf_detach(&body);
	ret = take_diff(m, file, p, line, 1);
out:
	sbuf_release(&body);
	free(text);
	if (ret)
		series_mail_release(m);
	return ret;
}

int series_parse_mail(struct series_mail *m, const char *file, const char *buf, size_t len)
{
	return series_parse_mail_at(m, file, 1, buf, len);
}

/* git's default date, "Fri Jan 7 01:57:16 2022 +0300", as a mail's, zone kept. */
static char *mail_date_of_git(const char *s)
{
	char wd[4], mon[4], zone[6];
	int d, H, M, S, Y, n = 0;

	if (sscanf(s, "%3s %3s %d %d:%d:%d %d %5s%n", wd, mon, &d, &H, &M, &S, &Y, zone, &n) != 8 ||
	    s[n] || (zone[0] != '+' && zone[0] != '-') || strspn(zone + 1, "0123456789") != 4)
		return NULL;
	return xprintf("%s, %d %s %d %02d:%02d:%02d %s", wd, d, mon, Y, H, M, S, zone);
}

/* The value of a git show header line ("Author: x"), or NULL. */
static const char *show_header(const char *p, const char *key)
{
	size_t k = strlen(key);

	if (strncmp(p, key, k) || p[k] != ':')
		return NULL;
	p += k + 1;
	return p + strspn(p, " \t");
}

/* The end of one commit of git show/log -p text: the next "commit <id>" line. */
static const char *end_of_commit(const char *p)
{
	const char *q = p;

	while ((q = strstr(q, "\ncommit "))) {
		if (mail_is_git_show(q + 1, strlen(q + 1)))
			return q + 1;
		q++;
	}
	return p + strlen(p);
}

int series_parse_git_show(struct series_mail *m, const char *file, int first_line,
			  const char *buf, size_t len, size_t *used)
{
	const char *p, *eol, *next, *v, *stop;
	struct sbuf msg = {0};
	char *text = NULL, *date = NULL, *c;
	int line = first_line, ret = 0, nul = conf_find_nul(buf, len);
	size_t slen;

	memset(m, 0, sizeof(*m));
	if (nul)
		return error("%s:%d: contains a NUL byte; git show output is text: run git show again (--binary for binary files)",
			     file, first_line + nul - 1);
	if (!mail_is_git_show(buf, len))
		return error("%s:%d: not git show output (no 'commit <id>' line); give git show's output or a format-patch mail",
			     file, first_line);
	text = xstrndup(buf, len);
	stop = end_of_commit(text + 7);
	*used = (size_t)(stop - text);
	m->commit = xstrndup(text + 7, 40);
	p = next_line(text, &eol);
	line++;
	for (; *p && *p != '\n' && p < stop; p = next, line++) {
		const char *author = show_header(p, "Author");
		const char *when = show_header(p, "Date");

		next = next_line(p, &eol);
		if (!when)
			when = show_header(p, "AuthorDate");
		if (show_header(p, "Merge")) {
			ret = error("%s:%d: commit %.12s is a merge; give the commit that has the fix",
				    file, line, m->commit);
			goto out;
		} else if (author && !m->from) {
			m->from = xstrndup(author, eol - author);
		} else if (when && !m->date) {
			date = xstrndup(when, eol - when);
			m->date = mail_date_of_git(date);
			if (!m->date) {
				ret = error("%s:%d: date '%s' is not git's default format (Fri Jan 7 01:57:16 2022 +0300); run git show without --date",
					    file, line, date);
				goto out;
			}
		}
	}
	if (!m->from || !m->date) {
		ret = error("%s:%d: commit %.12s has no Author:/Date: line; give git show's output as it prints it",
			    file, first_line, m->commit);
		goto out;
	}
	if (*p == '\n') {
		p++;
		line++;
	}
	/* the message, indented by four spaces; empty lines may be bare */
	for (; p < stop && (starts_with(p, "    ") || *p == '\n'); p = next, line++) {
		next = next_line(p, &eol);
		if (*p != '\n')
			sbuf_add(&msg, p + 4, next - p - 4);
		else
			sbuf_adds(&msg, "\n");
	}
	while (msg.len && msg.buf[msg.len - 1] == '\n' &&
	       (msg.len < 2 || msg.buf[msg.len - 2] == '\n'))
		msg.buf[--msg.len] = '\0';
	for (; p < stop && !starts_with(p, "diff --git "); line++)
		p = next_line(p, &eol);
	if (p >= stop || !msg.len) {
		ret = error("%s:%d: commit %.12s has %s; give the commit that has the fix, as git show prints it",
			    file, first_line, m->commit, msg.len ? "no 'diff --git' section" : "no message");
		goto out;
	}
	/* subject: the first paragraph, its lines joined (git's %s) */
	slen = msg.len;
	v = strstr(msg.buf, "\n\n");
	if (v)
		slen = v - msg.buf;
	while (slen && isspace((unsigned char)msg.buf[slen - 1]))
		slen--;
	m->subject = xstrndup(msg.buf, slen);
	for (c = m->subject; *c; c++)
		if (*c == '\n')
			*c = ' ';
	v = msg.buf + slen;
	m->body = xstrdup(v + strspn(v, "\n"));
	text[stop - text] = '\0';
	/* the blank line git log -p puts before the next commit */
	while (stop > p && stop[-1] == '\n' && stop - 1 > p && stop[-2] == '\n')
		text[--stop - text] = '\0';
	ret = take_diff(m, file, p, line, 0);
out:
	free(date);
	sbuf_release(&msg);
	free(text);
	if (ret)
		series_mail_release(m);
	return ret;
}

void series_mail_release(struct series_mail *m)
{
	free(m->from);
	free(m->date);
	free(m->subject);
	free(m->body);
	free(m->diff);
	free(m->commit);
	memset(m, 0, sizeof(*m));
}

static int load_from_file(struct series_patch *p, const char *file)
{
	struct series_mail m;
	char *text = NULL;
	size_t len = 0;
	git_time_t when = 0;
	int offset = 0, ret;

	ret = read_file(file, &text, &len);
	if (!ret)
		ret = series_parse_mail(&m, file, text, len);
	free(text);
	if (ret)
		return ret;
	if (m.date && parse_date(m.date, &when, &offset))
		warn("%s: unreadable Date: header; using the epoch", file);
	if (make_sig(&p->sig, m.from, when, offset) < 0)
		ret = error("%s: From: header '%s' is not 'Name <email>'", file, m.from);
	p->msg = xprintf("%s\n\n%s", m.subject, m.body);
	p->body_source = xprintf("patch file %s", file);
	p->diff = m.diff;
	p->diff_line = m.diff_line;
	m.diff = NULL;
	series_mail_release(&m);
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
