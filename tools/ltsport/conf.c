// SPDX-License-Identifier: GPL-2.0
/*
 * stable_trees.conf: one [tree "X.Y"] section per LTS tree and an optional
 * [mainline] section, in git-config syntax. libgit2 parses the file; the
 * text is only scanned again to name the line of a semantic error, which
 * libgit2 does not keep.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "conf.h"

static const char *const tree_keys[] = {
	"path", "ref", "base", "upstream", "toolchain", "arch", "kconfig", "repro-cmdline",
};

int name_is_safe(const char *name)
{
	size_t n = strlen(name), i;

	if (!n || n > 255 || name[0] == '.' || name[0] == '-' || name[n - 1] == '.' ||
	    strstr(name, "..") || (n >= 5 && !strcmp(name + n - 5, ".lock")))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			return 0;
	return 1;
}

int conf_find_nul(const char *buf, size_t len)
{
	const char *nul = memchr(buf, '\0', len);
	const char *p;
	int line = 1;

	if (!nul)
		return 0;
	for (p = buf; p < nul; p++)
		line += *p == '\n';
	return line;
}

static const char *skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v'))
		p++;
	return p;
}

/*
 * Scan a value from p to the end of its line: 1 when it goes on to the next
 * line (a backslash before the newline), 0 when it ends here.
 */
static int value_continues(const char *p, const char *eol, int *quote)
{
	for (; p < eol; p++) {
		if (*p == '\\') {
			if (p + 1 == eol)
				return 1;
			p++;
		} else if (*p == '"') {
			*quote = !*quote;
		} else if (!*quote && (*p == ';' || *p == '#')) {
			return 0;
		}
	}
	return 0;
}

/* Does the header at p ("[name" after the bracket) name section and subsection? */
static const char *match_header(const char *p, const char *eol, const char *section,
				const char *sub, int any_sub, int *in)
{
	const char *name = p, *dot = NULL;
	size_t n = strlen(section);
	int ok;

	while (p < eol && (isalnum((unsigned char)*p) || *p == '-' || *p == '.')) {
		if (*p == '.' && !dot)
			dot = p;
		p++;
	}
	if (dot) {
		/* The old [section.sub] form: libgit2 lowercases it all. */
		ok = (size_t)(dot - name) == n && !strncasecmp(name, section, n) &&
		     (any_sub || (sub && (size_t)(p - dot - 1) == strlen(sub) &&
				  !strncasecmp(dot + 1, sub, p - dot - 1)));
		*in = ok && p < eol && *p == ']';
		return p < eol ? p + 1 : p;
	}
	ok = (size_t)(p - name) == n && !strncasecmp(name, section, n);
	p = skip_blank(p, eol);
	if (p < eol && *p == '"') {
		const char *want = sub;

		for (p++; p < eol && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < eol)
				p++;
			if (want && *want && *want == *p)
				want++;
			else
				want = NULL;
		}
		ok = ok && (any_sub || (want && !*want)) && p < eol;
		p = p < eol ? skip_blank(p + 1, eol) : p;
	} else {
		ok = ok && (any_sub || !sub);
	}
	*in = ok && p < eol && *p == ']';
	return p < eol ? p + 1 : p;
}

static int scan_buf(const char *buf, size_t len, const char *section,
		    const char *subsection, int any_sub, const char *key, int nth)
{
	const char *p = buf, *end = buf + len;
	/* Section "" is the top of the file, before any header. */
	int line = 0, in = !*section, cont = 0, quote = 0, seen = 0;

	for (; p < end; p++) {
		const char *eol = memchr(p, '\n', end - p);

		if (!eol)
			eol = end;
		line++;
		if (cont) {
			cont = value_continues(p, eol, &quote);
			p = eol;
			continue;
		}
		p = skip_blank(p, eol);
		if (p < eol && *p == '[') {
			p = match_header(p + 1, eol, section, subsection, any_sub, &in);
			if (in && !key && ++seen == nth)
				return line;
			p = skip_blank(p, eol);
		}
		if (p < eol && isalpha((unsigned char)*p)) {
			const char *k = p;

			while (p < eol && (isalnum((unsigned char)*p) || *p == '-'))
				p++;
			if (in && key && (size_t)(p - k) == strlen(key) &&
			    !strncasecmp(k, key, p - k) && ++seen == nth)
				return line;
			p = skip_blank(p, eol);
			quote = 0;
			if (p < eol && *p == '=')
				cont = value_continues(p + 1, eol, &quote);
		}
		p = eol;
	}
	return 0;
}

int conf_line_of_buf(const char *buf, size_t len, const char *section,
		     const char *subsection, const char *key, int nth)
{
	return scan_buf(buf, len, section, subsection, 0, key, nth);
}

int conf_check_text(const char *file, const char *buf, size_t len)
{
	static const char *const refused[] = { "include", "includeif" };
	int line = conf_find_nul(buf, len);
	size_t i;

	if (line)
		return error("%s:%d: contains a NUL byte; a conf is text, remove it", file, line);
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		line = scan_buf(buf, len, refused[i], NULL, 1, NULL, 1);
		if (line)
			return error("%s:%d: [%s] is not supported here; copy what it includes into this file",
				     file, line, refused[i]);
	}
	return 0;
}

int conf_line_of(const char *file, const char *section, const char *subsection,
		 const char *key)
{
	char *text = NULL;
	size_t len = 0;
	int line;

	if (read_file(file, &text, &len) < 0)
		return 0;
	line = conf_line_of_buf(text, len, section, subsection, key, 1);
	free(text);
	return line;
}

/*
 * libgit2 reads a config from a file only: give it the text in a memfd,
 * open until the caller closes *fd once done with *cfg.
 */
int conf_open_buf(git_config **cfg, int *fd, const char *name, const char *buf, size_t len)
{
	const git_error *e;
	const char *msg, *at;
	char fdpath[64];
	size_t done = 0;

	*fd = memfd_create("ltsport-conf", MFD_CLOEXEC);
	if (*fd < 0)
		return error("memfd_create: %s", strerror(errno));
	while (done < len) {
		ssize_t n = write(*fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error("writing a config to memory: %s", strerror(errno));
		done += n;
	}
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", *fd);
	if (!git_config_open_ondisk(cfg, fdpath))
		return 0;
	/* libgit2 names the line in the memfd: name the file instead. */
	e = git_error_last();
	msg = e && e->message ? e->message : "unknown libgit2 error";
	at = strstr(msg, fdpath);
	if (at)
		return error("%s: %.*s%s%s", name, (int)(at - msg), msg, name, at + strlen(fdpath));
	return error("%s: %s", name, msg);
}

/* Split "tree.5.10.path" into section, subsection and key. */
void conf_split_name(const char *name, char **sec, char **sub, char **key)
{
	const char *first = strchr(name, '.');
	const char *last = strrchr(name, '.');

	if (!first) {
		*sec = xstrdup("");
		*sub = NULL;
		*key = xstrdup(name);
		return;
	}
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

/* A conf being read: its text, for the lines of messages. */
struct conf_text {
	struct stable_conf *conf;
	const char *buf;
	size_t len;
};

static int line_of(struct conf_text *ct, const char *sec, const char *sub, const char *key,
		   int nth)
{
	return conf_line_of_buf(ct->buf, ct->len, sec, sub, key, nth);
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

static int set_entry(struct conf_text *ct, const git_config_entry *e)
{
	struct stable_conf *conf = ct->conf;
	char *sec, *sub, *key;
	struct tree_conf *t = NULL;
	char **field;
	int ret = 0, line;

	conf_split_name(e->name, &sec, &sub, &key);
	line = line_of(ct, sec, sub, key, 1);
	if (!*sec) {
		ret = error("%s:%d: '%s' is outside any section; put it under [tree \"X.Y\"] or [mainline]",
			    conf->file, line, key);
		goto out;
	}
	if (!strcmp(sec, "tree") && sub) {
		if (!name_is_safe(sub)) {
			ret = error("%s:%d: tree name '%s' cannot name a branch and a directory; use letters, digits, '.', '_' and '-' (not first '.' or '-', no '..')",
				    conf->file, line_of(ct, sec, sub, NULL, 1), sub);
			goto out;
		}
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
		ret = error("%s:%d: '%s' is set twice for %s %s (first at line %d); keep one",
			    conf->file, line_of(ct, sec, sub, key, 2), key, sec,
			    sub ? sub : "", line);
		goto out;
	}
	if (!e->value) {
		ret = error("%s:%d: '%s' has no value; write %s = VALUE",
			    conf->file, line, key, key);
		goto out;
	}
	*field = xstrdup(e->value);
out:
	free(sec);
	free(sub);
	free(key);
	return ret;
}

static int check_tree(struct conf_text *ct, struct tree_conf *t, int is_mainline)
{
	struct stable_conf *conf = ct->conf;
	const char *sub = is_mainline ? NULL : t->name;
	const char *sec = is_mainline ? "mainline" : "tree";
	int dup;

	t->line = line_of(ct, sec, sub, NULL, 1);
	dup = line_of(ct, sec, sub, NULL, 2);
	if (dup)
		return error("%s:%d: %s \"%s\" is defined again (first at line %d); merge the two sections",
			     conf->file, dup, sec, t->name, t->line);
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

static int collect(git_config *cfg, struct conf_text *ct)
{
	git_config_iterator *it;
	git_config_entry *e;
	int ret = 0, rc;

	if (git_config_iterator_new(&it, cfg) < 0)
		return git_fail(ct->conf->file);
	while (!ret && !(rc = git_config_next(&e, it)))
		ret = set_entry(ct, e);
	if (!ret && rc != GIT_ITEROVER)
		ret = git_fail(ct->conf->file);
	git_config_iterator_free(it);
	return ret;
}

/*
 * Read the conf from its text; libgit2 parses the file at gitpath, or the
 * same text in memory when gitpath is NULL.
 */
static int conf_parse(struct stable_conf *conf, const char *gitpath, const char *buf,
		      size_t len)
{
	struct conf_text ct = { conf, buf, len };
	git_config *cfg = NULL;
	int fd = -1, ret;
	size_t i;

	if (conf_check_text(conf->file, buf, len))
		return -1;
	if (gitpath)
		ret = git_config_open_ondisk(&cfg, gitpath) < 0 ? git_fail(conf->file) : 0;
	else
		ret = conf_open_buf(&cfg, &fd, conf->file, buf, len);
	if (!ret)
		ret = collect(cfg, &ct);
	git_config_free(cfg);
	if (fd >= 0)
		close(fd);
	for (i = 0; !ret && i < conf->nr; i++)
		ret = check_tree(&ct, &conf->trees[i], 0);
	if (!ret && conf->mainline)
		ret = check_tree(&ct, conf->mainline, 1);
	if (!ret && !conf->nr)
		ret = error("%s: no [tree \"X.Y\"] section; add one per tree to work on",
			    conf->file);
	return ret;
}

int conf_parse_buf(struct stable_conf *conf, const char *name, const char *buf, size_t len)
{
	memset(conf, 0, sizeof(*conf));
	conf->file = xstrdup(name);
	conf->dir = dir_of(name);
	return conf_parse(conf, NULL, buf, len);
}

int conf_load(struct stable_conf *conf, const char *file)
{
	char *real, *text = NULL;
	size_t len = 0;
	int ret;

	memset(conf, 0, sizeof(*conf));
	real = realpath(file, NULL);
	if (!real)
		return error("%s: cannot read the tree list; pass --config FILE or create stable_trees.conf",
			     file);
	if (read_file(real, &text, &len) < 0) {
		free(real);
		return -1;
	}
	conf->file = real;
	conf->dir = dir_of(real);
	ret = conf_parse(conf, real, text, len);
	free(text);
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
