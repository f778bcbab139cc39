// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport series new: a series directory from where fixes come from, a
 * `git show` file, an mbox (git format-patch --stdout, b4 am, a lore
 * thread) or one mail. Each patch becomes a format-patch mail holding the
 * upstream author, date (with its zone), message and diff; series.conf
 * holds what the mail does not: the upstream id, the Fixes: target, a CVE.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "util.h"
#include "gitops.h"
#include "fsutil.h"
#include "conf.h"
#include "mail.h"
#include "series.h"
#include "series-new.h"
#include "spawn.h"
#include "stablefmt.h"

struct mainline;

struct new_patch {
	struct series_mail m;
	char *upstream;
	char *fixes;
	char *fixes_release;
	char *release;
	char *cve;
	int n;			/* its n of [PATCH n/N], 0 when unnumbered */
	int total;		/* N */
	int line;		/* where it starts in file */
	const char *file;
};

struct new_list {
	struct new_patch *v;
	size_t nr;
	struct mainline *ml;	/* for ids, and to find a mail's commit */
};

static struct new_patch *list_add(struct new_list *l)
{
	l->v = xrealloc(l->v, (l->nr + 1) * sizeof(*l->v));
	memset(&l->v[l->nr], 0, sizeof(*l->v));
	return &l->v[l->nr++];
}

static void list_release(struct new_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		series_mail_release(&l->v[i].m);
		free(l->v[i].upstream);
		free(l->v[i].fixes);
		free(l->v[i].fixes_release);
		free(l->v[i].release);
		free(l->v[i].cve);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int is_lower_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * The stable marker of the upstream id at the head of a body, "commit <id>
 * upstream." or "[ Upstream commit <id> ]": its id, and the body without
 * it (and the blank line after it).
 */
static char *take_upstream_marker(char **body)
{
	static const char *const forms[][2] = {
		{ "commit ", " upstream." }, { "[ Upstream commit ", " ]" },
		{ "Upstream commit ", "" },
	};
	char *b = *body, *p = b, *id = NULL;
	size_t i;

	while (*p == '\n')
		p++;
	for (i = 0; i < ARRAY_SIZE(forms) && !id; i++) {
		size_t k = strlen(forms[i][0]), t = strlen(forms[i][1]);
		char *eol = strchrnul(p, '\n');

		if (strncmp(p, forms[i][0], k) || !is_lower_hex(p + k, 40) ||
		    strncmp(p + k + 40, forms[i][1], t) ||
		    p + k + 40 + t + strspn(p + k + 40 + t, " \t") != eol)
			continue;
		id = xstrndup(p + k, 40);
		p = eol;
		while (*p == '\n')
			p++;
		memmove(b, p, strlen(p) + 1);
	}
	return id;
}

/* The first "Fixes: <id>" trailer's id. */
static char *fixes_of(const char *body)
{
	const char *p = body;

	for (; *p; p = strchrnul(p, '\n'), p += !!*p) {
		size_t n;

		if (strncasecmp(p, "Fixes:", 6))
			continue;
		p += 6;
		p += strspn(p, " \t");
		n = strspn(p, "0123456789abcdef");
		if (n >= 7 && n <= 40 && (!p[n] || strchr(" \t\n(", p[n])))
			return xstrndup(p, n);
	}
	return NULL;
}

/* The first CVE-YYYY-NNNN the message names. */
static char *cve_of(const char *subject, const char *body)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		const char *p = i ? body : subject;

		while ((p = strstr(p, "CVE-"))) {
			size_t y = strspn(p + 4, "0123456789"), n;

			n = y == 4 && p[8] == '-' ? strspn(p + 9, "0123456789") : 0;
			if (n >= 4 && n <= 7)
				return xstrndup(p, 9 + n);
			p += 4;
		}
	}
	return NULL;
}

/* "[PATCH v2 3/10] x": 3 and 10; "Re: ..." is a reply (-1); else 0. */
static int subject_number(const char *subj, int *n, int *total)
{
	const char *e;

	*n = *total = 0;
	subj += strspn(subj, " \t");
	if (!strncasecmp(subj, "Re:", 3) || !strncasecmp(subj, "Aw:", 3))
		return -1;
	if (*subj != '[')
		return 0;
	e = strchr(subj, ']');
	for (; e && subj < e; subj++) {
		int a, b, used = 0;

		if (!isdigit((unsigned char)*subj) ||
		    (subj[-1] != ' ' && subj[-1] != '['))
			continue;
		if (sscanf(subj, "%d/%d%n", &a, &b, &used) == 2 && subj + used == e && b > 0 &&
		    a >= 0 && a <= b) {
			*n = a;
			*total = b;
			return 0;
		}
	}
	return 0;
}

/* The mainline clone of --config's [mainline], opened once for the ids. */
struct mainline {
	const char *config;
	git_repository *repo;
	struct rel_tag { unsigned long x, y; git_oid commit; git_time_t time; } *tags;
	size_t nr;
	int loaded;
};

static int add_release_tag(const char *name, git_oid *oid, void *payload)
{
	struct mainline *ml = payload;
	unsigned long x, y;
	int used = 0;
	git_object *obj = NULL, *peeled = NULL;

	(void)oid;
	if (!starts_with(name, "refs/tags/v") ||
	    sscanf(name + 11, "%lu.%lu%n", &x, &y, &used) != 2 || name[11 + used] ||
	    !isdigit((unsigned char)name[11]))
		return 0;
	/* "v6.8" only: not -rc, not a stable v6.8.1 */
	if (git_revparse_single(&obj, ml->repo, name) < 0 ||
	    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		git_error_clear();
		git_object_free(obj);
		return 0;
	}
	ml->tags = xrealloc(ml->tags, (ml->nr + 1) * sizeof(*ml->tags));
	ml->tags[ml->nr].x = x;
	ml->tags[ml->nr].y = y;
	git_oid_cpy(&ml->tags[ml->nr].commit, git_object_id(peeled));
	ml->tags[ml->nr].time = git_commit_time((git_commit *)peeled);
	ml->nr++;
	git_object_free(peeled);
	git_object_free(obj);
	return 0;
}

static int by_version(const void *a, const void *b)
{
	const struct rel_tag *x = a, *y = b;

	if (x->x != y->x)
		return x->x < y->x ? -1 : 1;
	return x->y < y->y ? -1 : x->y > y->y;
}

static int mainline_open(struct mainline *ml)
{
	struct stable_conf conf;
	int ret;

	if (ml->loaded)
		return ml->repo ? 0 : -1;
	ml->loaded = 1;
	if (!path_exists(ml->config))
		return error("%s: no such file; a mainline id needs a [mainline] clone: pass --config FILE or give a git show file",
			     ml->config);
	if (conf_load(&conf, ml->config))
		return -1;
	if (!conf.mainline || !conf.mainline->path) {
		ret = error("%s: no [mainline] path; a mainline id is looked up in that clone: add [mainline] path = DIR",
			    ml->config);
	} else {
		ret = repo_open(&ml->repo, conf.mainline->path);
		if (ret > 0)
			ret = error("%s:%d: [mainline] %s is not a git repository; clone mainline there or fix the path",
				    ml->config, conf.mainline->line, conf.mainline->path);
	}
	conf_release(&conf);
	if (ret)
		return -1;
	if (git_tag_foreach(ml->repo, add_release_tag, ml) < 0)
		return git_fail("listing mainline's tags");
	qsort(ml->tags, ml->nr, sizeof(*ml->tags), by_version);
	return 0;
}

static void mainline_close(struct mainline *ml)
{
	git_repository_free(ml->repo);
	free(ml->tags);
}

/*
 * The first release vX.Y whose commit has c: tags are tried oldest first;
 * one made more than a month before c (by committer time) cannot have it.
 */
static char *release_of(struct mainline *ml, git_commit *c)
{
	git_time_t t = git_commit_time(c);
	size_t i;

	for (i = 0; i < ml->nr; i++) {
		if (ml->tags[i].time < t - 30 * 86400)
			continue;
		if (is_ancestor(ml->repo, git_commit_id(c), &ml->tags[i].commit))
			return xprintf("v%lu.%lu", ml->tags[i].x, ml->tags[i].y);
	}
	return NULL;
}

static int lookup_commit(struct mainline *ml, const char *id, git_commit **c)
{
	git_oid oid;
	size_t n = strlen(id);

	if (git_oid_fromstrn(&oid, id, n) < 0 ||
	    git_commit_lookup_prefix(c, ml->repo, &oid, n) < 0) {
		int ambiguous = git_error_last() && git_error_last()->klass == GIT_ERROR_ODB &&
				strstr(git_error_last()->message, "ambiguous");

		git_error_clear();
		return ambiguous ? -2 : -1;
	}
	return 0;
}

/* 1 when config names a [mainline] clone (nothing printed when it does not). */
static int has_mainline(struct mainline *ml)
{
	struct stable_conf conf;
	int ret;

	if (ml->loaded)
		return !!ml->repo;
	if (!path_exists(ml->config) || conf_load(&conf, ml->config))
		return 0;
	ret = conf.mainline && conf.mainline->path;
	conf_release(&conf);
	return ret;
}

struct find_mail {
	const char *subject, *email;
	git_time_t since;
	git_oid found;
	int nr;
};

/*
 * The mainline commit of a mail that names none (b4 am, a lore thread): its
 * subject and author's email, among the commits since its date (a day's
 * slack; a commit is made after it is posted). 0 with *id, 1 when none or
 * more than one matches.
 */
static int find_in_mainline(struct mainline *ml, struct new_patch *np, char **id)
{
	const char *lt = strchr(np->m.from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	long long when = 0;
	int offset, n = 0;
	git_revwalk *walk = NULL;
	git_oid oid, found;
	char *email;

	if (!gt || mainline_open(ml))
		return 1;
	email = xstrndup(lt + 1, gt - lt - 1);
	if (np->m.date && mail_parse_date(np->m.date, &when, &offset))
		when = 0;
	if (git_revwalk_new(&walk, ml->repo) < 0 || git_revwalk_push_head(walk) < 0) {
		git_error_clear();
		goto out;
	}
	git_revwalk_sorting(walk, GIT_SORT_TIME);
	while (!git_revwalk_next(&oid, walk)) {
		git_commit *c;
		int match;

		if (git_commit_lookup(&c, ml->repo, &oid) < 0)
			break;
		if (when && git_commit_time(c) < when - 86400) {
			git_commit_free(c);
			break;
		}
		match = !strcmp(git_commit_summary(c), np->m.subject) &&
			!strcasecmp(git_commit_author(c)->email, email);
		git_commit_free(c);
		if (match && !n++)
			git_oid_cpy(&found, &oid);
	}
out:
	git_error_clear();
	git_revwalk_free(walk);
	free(email);
	if (n != 1)
		return 1;
	*id = xstrdup(git_oid_tostr_s(&found));
	return 0;
}

/* Fill what comes from the message; an error when no upstream id is known. */
static int finish_patch(struct new_list *l, struct new_patch *np)
{
	np->upstream = take_upstream_marker(&np->m.body);
	if (!np->upstream && np->m.commit)
		np->upstream = xstrdup(np->m.commit);
	if (!np->upstream && (!has_mainline(l->ml) || find_in_mainline(l->ml, np, &np->upstream)))
		return error("%s:%d: no upstream commit id (no 'commit <id> upstream.', '[ Upstream commit <id> ]' or 'From <id>' line%s); give the commit as git show prints it, or its mainline id",
			     np->file, np->line, has_mainline(l->ml) ?
			     ", and no one mainline commit has its subject and author" :
			     ", and no [mainline] clone in --config to find it by subject");
	if (!np->m.commit && l->ml->repo) {
		/* found in mainline: its releases too */
		git_commit *c = NULL;

		if (!lookup_commit(l->ml, np->upstream, &c)) {
			np->release = release_of(l->ml, c);
			git_commit_free(c);
		}
	}
	np->fixes = fixes_of(np->m.body);
	np->cve = cve_of(np->m.subject, np->m.body);
	if (np->release && np->fixes) {
		git_commit *fc = NULL;

		if (!lookup_commit(l->ml, np->fixes, &fc)) {
			np->fixes_release = release_of(l->ml, fc);
			git_commit_free(fc);
		}
	}
	return 0;
}

static int read_git_show(struct new_list *l, const char *file, const char *buf, size_t len)
{
	size_t off = 0;
	int line = 1;

	while (off < len) {
		struct new_patch *np;
		size_t used = 0, i;

		while (off < len && buf[off] == '\n') {
			off++;
			line++;
		}
		if (off >= len)
			break;
		np = list_add(l);
		np->file = file;
		np->line = line;
		if (series_parse_git_show(&np->m, file, line, buf + off, len - off, &used) ||
		    finish_patch(l, np))
			return -1;
		for (i = off; i < off + used; i++)
			line += buf[i] == '\n';
		off += used;
	}
	return 0;
}

static int mbox_last_line(const char *buf, size_t len)
{
	int n = 1;
	size_t i;

	for (i = 0; i + 1 < len; i++)
		n += buf[i] == '\n';
	return n;
}

static int by_number(const void *a, const void *b)
{
	const struct new_patch *x = a, *y = b;

	return x->n - y->n;
}

/* The messages of an mbox that are patches, in [PATCH n/N] order. */
static int read_mbox(struct new_list *l, const char *file, const char *buf, size_t len)
{
	struct mail_part *parts = NULL;
	size_t nr = 0, i, first = l->nr;
	int numbered = 0, plain = 0, ret = 0, total = 0;

	mail_split_mbox(buf, len, &parts, &nr);
	for (i = 0; i < nr && !ret; i++) {
		const char *text = buf + parts[i].off;
		char *subj = series_mail_subject(text, parts[i].len);
		struct new_patch *np;
		int n, t;

		if (!subj) {
			ret = error("%s:%d: a message without a Subject: header; give git format-patch, b4 am or lore mbox output",
				    file, parts[i].line);
			break;
		}
		if (subject_number(subj, &n, &t) < 0 || (t && !n) ||
		    (!memmem(text, parts[i].len, "\ndiff --git ", 12) &&
		     !strcasestr(subj, "PATCH"))) {
			/* a reply, a cover letter, or a message that is no patch */
			free(subj);
			continue;
		}
		free(subj);
		np = list_add(l);
		np->file = file;
		np->line = parts[i].line;
		np->n = n;
		np->total = t;
		if (total && t && t != total) {
			ret = error("%s:%d: patch %d/%d in a series of %d; give one version of the series (b4 am -v N)",
				    file, np->line, n, t, total);
			break;
		}
		if (t)
			total = t;
		numbered += !!n;
		plain += !n;
		if (starts_with(text, "From mboxrd@z ")) {
			size_t plen;
			char *plain = mail_mboxrd_unescape(text, parts[i].len, &plen);

			ret = series_parse_mail_at(&np->m, file, parts[i].line, plain, plen);
			free(plain);
		} else {
			ret = series_parse_mail_at(&np->m, file, parts[i].line, text,
						   parts[i].len);
		}
		if (!ret)
			ret = finish_patch(l, np);
	}
	free(parts);
	if (ret)
		return -1;
	if (l->nr == first)
		return error("%s: no patch in it (only replies or a cover letter); give the mbox of the series",
			     file);
	if (numbered && plain)
		return error("%s:%d: an unnumbered patch among [PATCH n/N] ones; give one series",
			     file, l->v[first].line);
	if (numbered) {
		qsort(l->v + first, l->nr - first, sizeof(*l->v), by_number);
		for (i = first; i < l->nr; i++) {
			if (l->v[i].n == (int)(i - first + 1))
				continue;
			if (i > first && l->v[i].n == l->v[i - 1].n)
				return error("%s:%d: a second patch %d/%d (the first at line %d); give one version of the series",
					     file, l->v[i].line, l->v[i].n, total, l->v[i - 1].line);
			return error("%s:%d: patch %d/%d comes before %zu/%d (the mbox is incomplete or truncated); fetch the whole series (b4 am)",
				     file, l->v[i].line, l->v[i].n, total, i - first + 1, total);
		}
		if ((int)(l->nr - first) != total)
			return error("%s:%d: the mbox ends before patch %zu/%d (it is incomplete or truncated); fetch the whole series (b4 am)",
				     file, mbox_last_line(buf, len), l->nr - first + 1, total);
	}
	return 0;
}

static int read_mainline(struct new_list *l, const char *id)
{
	struct mainline *ml = l->ml;
	const git_signature *a;
	struct new_patch *np;
	git_commit *c = NULL, *fc = NULL;
	const char *body;
	int rc, ret = -1;

	if (mainline_open(ml))
		return -1;
	rc = lookup_commit(ml, id, &c);
	if (rc)
		return error("%s: %s in the mainline clone of %s; %s", id,
			     rc == -2 ? "ambiguous" : "no such commit", ml->config,
			     rc == -2 ? "give more digits" : "fetch mainline or check the id");
	if (git_commit_parentcount(c) != 1) {
		error("%s: commit %.12s is a merge or a root; give the commit that has the fix", id,
		      git_oid_tostr_s(git_commit_id(c)));
		goto out;
	}
	np = list_add(l);
	np->file = id;
	np->line = 0;
	np->upstream = xstrdup(git_oid_tostr_s(git_commit_id(c)));
	a = git_commit_author(c);
	np->m.from = xprintf("%s <%s>", a->name, a->email);
	np->m.date = rfc2822_date(a->when.time, a->when.offset);
	np->m.subject = xstrdup(git_commit_summary(c));
	body = git_commit_body(c);
	np->m.body = xstrdup(body ? body : "");
	if (np->m.body[0] && np->m.body[strlen(np->m.body) - 1] != '\n') {
		char *b = xprintf("%s\n", np->m.body);

		free(np->m.body);
		np->m.body = b;
	}
	if (diff_text_of_commit(ml->repo, c, &np->m.diff) < 0)
		goto out;
	np->release = release_of(ml, c);
	np->fixes = fixes_of(np->m.body);
	np->cve = cve_of(np->m.subject, np->m.body);
	if (np->fixes && !lookup_commit(ml, np->fixes, &fc)) {
		np->fixes_release = release_of(ml, fc);
		git_commit_free(fc);
	}
	ret = 0;
out:
	git_commit_free(c);
	return ret;
}

static int read_source(struct new_list *l, const char *src)
{
	char *text = NULL;
	size_t len = 0;
	int ret;

	if (!path_exists(src) || is_dir(src))
		return error("%s: no such file; give a git show file, an mbox or a mail%s", src,
			     is_hex_id(src, 12, 40) ? " (an id needs a [mainline] clone)" : "");
	ret = read_file(src, &text, &len);
	if (!ret && !len)
		ret = error("%s: empty; give a git show file, an mbox or a mail", src);
	if (!ret)
		ret = mail_is_git_show(text, len) ? read_git_show(l, src, text, len) :
		      read_mbox(l, src, text, len);
	free(text);
	return ret;
}

/* A git-config value, quoted when it holds what the syntax would take. */
static void add_conf_value(struct sbuf *sb, const char *key, const char *v)
{
	size_t n = strlen(v);
	const char *p;

	sbuf_addf(sb, "\t%s = ", key);
	if (n && !strpbrk(v, ";#\"\\\t") && !isspace((unsigned char)v[0]) &&
	    !isspace((unsigned char)v[n - 1])) {
		sbuf_addf(sb, "%s\n", v);
		return;
	}
	sbuf_adds(sb, "\"");
	for (p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			sbuf_add(sb, "\\", 1);
		if (*p == '\t')
			sbuf_adds(sb, "\\t");
		else
			sbuf_add(sb, p, 1);
	}
	sbuf_adds(sb, "\"\n");
}

static int has_8bit(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* The patch as format-patch writes it: what series_parse_mail reads back. */
static char *mail_text(const struct new_patch *np)
{
	const struct series_mail *m = &np->m;
	struct sbuf sb = {0};

	const char *lt = strchr(m->from, '<');
	char *name, *enc;

	sbuf_addf(&sb, "From %s Mon Sep 17 00:00:00 2001\n", np->upstream);
	/* non-ASCII as format-patch writes it: RFC 2047 words, decoded on reading */
	name = xstrndup(m->from, lt ? (size_t)(lt - m->from) : 0);
	while (*name && name[strlen(name) - 1] == ' ')
		name[strlen(name) - 1] = '\0';
	enc = mail_encode_header(name, 1);
	sbuf_addf(&sb, "From: %s%s%s\n", enc, *enc ? " " : "", lt ? lt : m->from);
	free(enc);
	free(name);
	if (m->date)
		sbuf_addf(&sb, "Date: %s\n", m->date);
	enc = mail_encode_header(m->subject, 0);
	sbuf_addf(&sb, "Subject: [PATCH] %s\n", enc);
	free(enc);
	if (has_8bit(m->body))
		sbuf_adds(&sb, "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
			  "Content-Transfer-Encoding: 8bit\n");
	sbuf_adds(&sb, "\n");
	if (*m->body) {
		sbuf_adds(&sb, m->body);
		if (m->body[strlen(m->body) - 1] != '\n')
			sbuf_adds(&sb, "\n");
	}
	sbuf_adds(&sb, "---\n\n");
	sbuf_adds(&sb, m->diff);
	return sbuf_detach(&sb);
}

static char *conf_text(const struct series_new_opts *o, struct new_list *l, char **names)
{
	struct sbuf sb = {0};
	size_t i;

	sbuf_adds(&sb, "# ltsport series new from");
	for (i = 0; i < (size_t)o->nr; i++)
		sbuf_addf(&sb, " %s", base_name(o->sources[i]));
	sbuf_addf(&sb, "\n[series]\n\tname = %s\n", o->name);
	for (i = 0; i < l->nr; i++) {
		struct new_patch *np = &l->v[i];

		sbuf_addf(&sb, "\n[patch \"%s\"]\n", names[i]);
		add_conf_value(&sb, "upstream", np->upstream);
		add_conf_value(&sb, "subject", np->m.subject);
		if (np->release)
			add_conf_value(&sb, "release", np->release);
		if (np->fixes)
			add_conf_value(&sb, "fixes", np->fixes);
		if (np->fixes_release)
			add_conf_value(&sb, "fixes-release", np->fixes_release);
		if (np->cve)
			add_conf_value(&sb, "cve", np->cve);
	}
	return sbuf_detach(&sb);
}

/* Read the written series back: what series_load sees is what was meant. */
static int check_written(const char *tmp, struct new_list *l)
{
	struct series s;
	size_t i;
	int ret = series_load(&s, tmp);

	if (!ret)
		ret = series_load_bodies(&s, NULL);
	for (i = 0; !ret && i < l->nr; i++)
		if (s.nr != l->nr || strcmp(s.patches[i].subject, l->v[i].m.subject) ||
		    strcmp(s.patches[i].upstream, l->v[i].upstream))
			ret = error("%s: series.conf does not read back as written (patch %zu); this is a bug in ltsport",
				    tmp, i + 1);
	series_release(&s);
	return ret;
}

static int write_series(const struct series_new_opts *o, struct new_list *l, const char *tmp,
			char **names)
{
	struct sbuf list = {0};
	char *text, *path;
	size_t i;
	int ret = 0;

	sbuf_adds(&list, "# quilt order (ltsport series new)\n");
	for (i = 0; i < l->nr && !ret; i++) {
		names[i] = patch_file_name(i + 1, l->v[i].m.subject);
		sbuf_addf(&list, "%s\n", names[i]);
		text = mail_text(&l->v[i]);
		path = path_join(tmp, names[i]);
		ret = write_file(path, text, strlen(text));
		free(path);
		free(text);
	}
	if (!ret) {
		path = path_join(tmp, "series");
		ret = write_file(path, list.buf, list.len);
		free(path);
	}
	if (!ret) {
		text = conf_text(o, l, names);
		path = path_join(tmp, "series.conf");
		ret = write_file(path, text, strlen(text));
		free(path);
		free(text);
	}
	sbuf_release(&list);
	return ret;
}

/* Where a patch came from, for messages: "file:line", or the id given. */
static char *origin(const struct new_patch *np)
{
	return np->line ? xprintf("%s:%d", np->file, np->line) : xstrdup(np->file);
}

/* One commit once: a second would be ported twice. */
static int check_unique(struct new_list *l)
{
	size_t i, k;

	for (i = 1; i < l->nr; i++)
		for (k = 0; k < i; k++) {
			char *a, *b;

			if (strcmp(l->v[i].upstream, l->v[k].upstream))
				continue;
			a = origin(&l->v[i]);
			b = origin(&l->v[k]);
			error("%s: commit %.12s is there already (%s); give each commit once", a,
			      l->v[i].upstream, b);
			free(a);
			free(b);
			return -1;
		}
	return 0;
}

int series_new(const struct series_new_opts *o, struct series_new_result *r)
{
	struct new_list l = {0};
	struct mainline ml = { .config = o->config };
	char *dest = NULL, *tmp = NULL, **names = NULL;
	size_t i;
	int ret = EXIT_USAGE;

	memset(r, 0, sizeof(*r));
	l.ml = &ml;
	if (!name_is_safe(o->name)) {
		error("series name '%s' cannot name a branch and a directory; use letters, digits, '.', '_' and '-' (not first '.' or '-', no '..')",
		      o->name);
		return EXIT_USAGE;
	}
	dest = path_join(o->into, o->name);
	if (path_exists(dest) && !o->force) {
		error("%s: exists; pass --force to replace it, or another NAME", dest);
		goto out;
	}
	for (i = 0; i < (size_t)o->nr; i++) {
		const char *src = o->sources[i];

		if (is_hex_id(src, 12, 40) && !path_exists(src) ? read_mainline(&l, src) :
		    read_source(&l, src))
			goto out;
	}
	if (check_unique(&l))
		goto out;
	ret = EXIT_ERROR;
	if (mkdir_p(o->into) < 0)
		goto out;
	tmp = make_temp_dir(o->into, o->name);
	if (!tmp)
		goto out;
	names = xcalloc(l.nr, sizeof(*names));
	if (write_series(o, &l, tmp, names) || check_written(tmp, &l) || install_dir(tmp, dest))
		goto out;
	r->dir = dest;
	dest = NULL;
	r->files = names;
	names = NULL;
	r->subjects = xcalloc(l.nr, sizeof(*r->subjects));
	for (i = 0; i < l.nr; i++)
		r->subjects[i] = xstrdup(l.v[i].m.subject);
	r->nr = l.nr;
	ret = EXIT_OK;
out:
	if (tmp && ret != EXIT_OK) {
		rm_rf(tmp);
		spawn_temp_forget(tmp);
	}
	for (i = 0; names && i < l.nr; i++)
		free(names[i]);
	free(names);
	free(tmp);
	free(dest);
	list_release(&l);
	mainline_close(&ml);
	return ret;
}

void series_new_result_release(struct series_new_result *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		free(r->files[i]);
		free(r->subjects[i]);
	}
	free(r->files);
	free(r->subjects);
	free(r->dir);
	memset(r, 0, sizeof(*r));
}
