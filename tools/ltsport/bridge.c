// SPDX-License-Identifier: GPL-2.0
/*
 * The bridged rung: a patch written against a newer API era than the
 * tree's. The tree's touched files are lifted to upstream's era with the
 * cocci/api bridges, upstream's patch is applied to them as it is, the
 * result is lowered back with each bridge's inverse, and only upstream's
 * own lines are kept: what the round trip lift+lower alone does to the
 * untouched files is taken out again (a three-way merge, base the round
 * trip, ours the tree, theirs the lowered result). So upstream's code and
 * comments come through unchanged wherever the tree allows.
 *
 * Bridges are data: a rule says in its header, one line per bridge,
 *	// Bridge: lift=<mode> lower=<mode> needs=<word> [tree=<word>]
 *	//         [unless=<word>] era=<text>		(on one line)
 * and declares both modes as virtual; needs= must occur in upstream's diff,
 * tree= (when given) in the tree's files and unless= not, for the bridge
 * to be tried; era= names the era lift gives.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"
#include "spawn.h"
#include "scratch.h"
#include "series.h"
#include "cocci.h"
#include "bridge.h"

#define PATCH_TIMEOUT 60
#define BRIDGE_LEAD "// Bridge: "

/* "key=" in s (up to end): its value up to the next " key=" or the end. */
static char *field(const char *s, const char *end, const char *key, int last)
{
	size_t kl = strlen(key);
	const char *p = s, *v, *e;

	while (p < end) {
		if ((p == s || p[-1] == ' ') && (size_t)(end - p) > kl &&
		    !strncmp(p, key, kl) && p[kl] == '=')
			break;
		p++;
	}
	if (p >= end)
		return NULL;
	v = p + kl + 1;
	e = last ? end : v + strcspn(v, " ");
	if (e > end)
		e = end;
	return e > v ? xstrndup(v, e - v) : NULL;
}

static int has_virtual(const char *text, const char *mode)
{
	char *want = xprintf("\nvirtual %s\n", mode);
	int ok = strstr(text, want) != NULL;

	free(want);
	return ok;
}

/*
 * The "// Bridge:" lines of rule (its text): 0 with the bridges appended
 * to *out, -1 after an error naming rule:line.
 */
int bridge_parse(const char *rule, const char *text, struct bridge **out, size_t *nr)
{
	const char *line = text;
	int lineno = 1;

	for (; *line; lineno++) {
		size_t n = strcspn(line, "\n");
		const char *s = line + strlen(BRIDGE_LEAD), *end = line + n;

		if (n > strlen(BRIDGE_LEAD) && starts_with(line, BRIDGE_LEAD)) {
			struct bridge b = {0};
			const char *bad = NULL;

			b.lift = field(s, end, "lift", 0);
			b.lower = field(s, end, "lower", 0);
			b.needs = field(s, end, "needs", 0);
			b.tree = field(s, end, "tree", 0);
			b.unless = field(s, end, "unless", 0);
			b.era = field(s, end, "era", 1);
			if (!b.lift || !b.lower || !b.needs || !b.era)
				bad = "lift=, lower=, needs= and era= are all needed";
			else if (!has_virtual(text, b.lift) || !has_virtual(text, b.lower))
				bad = "a mode it names is not one of the rule's virtual lines";
			if (bad) {
				error("%s:%d: bad bridge line: %s; write \"%slift=<mode> lower=<mode> needs=<word> era=<text>\"",
				      rule, lineno, bad, BRIDGE_LEAD);
				bridges_release(&b, 1);
				return -1;
			}
			b.rule = xstrdup(rule);
			b.name = xprintf("%.*s -D %s", (int)(strlen(base_name(rule)) - 6),
					 base_name(rule), b.lift);
			*out = xrealloc(*out, (*nr + 1) * sizeof(**out));
			(*out)[(*nr)++] = b;
		}
		line += n + (line[n] == '\n');
	}
	return 0;
}

static int is_rule(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 6 && !strcmp(d->d_name + n - 6, ".cocci");
}

/* Every bridge of the rules in dir, by file name then line: 0, -1. */
int bridges_load(const char *dir, struct bridge **out, size_t *nr)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, is_rule, alphasort), i, ret = 0;

	*out = NULL;
	*nr = 0;
	if (n < 0)
		return error("%s: cannot list the bridges: %m; install cocci/api beside ltsport or set LTSPORT_COCCI_API",
			     dir);
	for (i = 0; i < n; i++) {
		char *path = path_join(dir, ents[i]->d_name), *text = NULL;

		if (!ret && read_file(path, &text, NULL) < 0)
			ret = -1;
		if (!ret)
			ret = bridge_parse(path, text, out, nr);
		free(text);
		free(path);
		free(ents[i]);
	}
	free(ents);
	return ret;
}

void bridges_release(struct bridge *b, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		free(b[i].rule);
		free(b[i].name);
		free(b[i].lift);
		free(b[i].lower);
		free(b[i].needs);
		free(b[i].tree);
		free(b[i].unless);
		free(b[i].era);
	}
}

#ifndef LTSPORT_SHARE
#define LTSPORT_SHARE "/usr/local/share/ltsport"
#endif

/*
 * $LTSPORT_COCCI_API, else cocci/api beside the ltsport binary (the
 * project it was built in), else the installed PREFIX/share/ltsport/cocci/api.
 */
char *bridge_dir(void)
{
	const char *env = getenv("LTSPORT_COCCI_API");
	char exe[PATH_MAX], *dir, *api;
	ssize_t n;

	if (env && *env)
		return xstrdup(env);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return xstrdup(LTSPORT_SHARE "/cocci/api");
	exe[n] = '\0';
	dir = dir_of(exe);
	api = path_join(dir, "cocci/api");
	free(dir);
	if (!is_dir(api) && is_dir(LTSPORT_SHARE "/cocci/api")) {
		free(api);
		api = xstrdup(LTSPORT_SHARE "/cocci/api");
	}
	return api;
}

/* word in a body line ('+', '-', ' ') of the diff. */
static int diff_mentions(const char *diff, const char *word)
{
	const char *line = diff;

	while (line && *line) {
		size_t n = strcspn(line, "\n");

		if ((*line == '+' || *line == '-' || *line == ' ') &&
		    !starts_with(line, "+++ ") && !starts_with(line, "--- ") &&
		    memmem(line, n, word, strlen(word)))
			return 1;
		line += n + (line[n] == '\n');
	}
	return 0;
}

/* word in one of the (space-separated) files of tree. */
static int tree_mentions(git_repository *repo, git_tree *tree, const char *files,
			 const char *word)
{
	char *list = xstrdup(files), *save = NULL, *f;
	int hit = 0;

	for (f = strtok_r(list, " ", &save); f && !hit; f = strtok_r(NULL, " ", &save)) {
		char *data = NULL;
		size_t len;

		if (read_blob_buf(repo, tree, f, &data, &len, NULL) == 0)
			hit = memmem(data, len, word, strlen(word)) != NULL;
		free(data);
	}
	free(list);
	return hit;
}

/* The diff's C files (.c, .h) that the tree has, space-separated, or NULL. */
static char *c_files(git_repository *repo, git_tree *base, const char *diff)
{
	char *all = diff_paths_buf(diff, strlen(diff)), *save = NULL, *f;
	struct sbuf sb = {0};

	for (f = all ? strtok_r(all, " ", &save) : NULL; f; f = strtok_r(NULL, " ", &save)) {
		size_t n = strlen(f);
		char *data = NULL;
		size_t len;

		if (n < 3 || f[n - 2] != '.' || (f[n - 1] != 'c' && f[n - 1] != 'h'))
			continue;
		if (read_blob_buf(repo, base, f, &data, &len, NULL) == 0 &&
		    !memchr(data, '\0', len) && !strstr(sb.buf ? sb.buf : "", f))
			sbuf_addf(&sb, "%s%s", sb.len ? " " : "", f);
		free(data);
	}
	free(all);
	return sbuf_detach(&sb);
}

/*
 * Upstream's diff on the lifted tree: in memory as it is, else GNU patch
 * with offsets and no fuzz on a scratch copy. 0 with *out, 1 with *why.
 */
static int apply_upstream(git_repository *repo, git_tree *lifted, struct series_patch *p,
			  git_tree **out, struct sbuf *why)
{
	struct apply_failure fail;
	struct scratch sc = {0};
	struct spawn_result res = {0};
	struct sbuf changed = {0};
	char *files = NULL, *diffpath = NULL;
	int rc;

	rc = apply_diff_buf(repo, lifted, p->diff, strlen(p->diff), out, &fail);
	apply_failure_release(&fail);
	if (rc == -2)
		sbuf_adds(why, "upstream's diff names a path not to write");
	if (rc <= 0)
		return rc == -2 ? 1 : rc;
	files = diff_paths_buf(p->diff, strlen(p->diff));
	rc = files ? scratch_export(&sc, repo, lifted, files) : -1;
	if (rc > 0 || rc == -2) {
		sbuf_addf(why, "%s", sc.why ? sc.why : "no scratch copy");
		rc = 1;
		goto out;
	}
	if (rc < 0)
		goto out;
	diffpath = path_join(sc.top, "ltsport.diff");
	{
		const char *const argv[] = {
			"patch", "-d", sc.dir, "-p1", "-F0", "-N", "-t", "--no-backup-if-mismatch",
			"-r", "-", "-i", diffpath, NULL,
		};

		rc = -1;
		if (write_file(diffpath, p->diff, strlen(p->diff)) < 0 ||
		    spawn_run(argv, sc.dir, PATCH_TIMEOUT, NULL, &res) < 0)
			goto out;
	}
	if (res.status) {
		const char *say = res.out ? res.out : "";

		size_t n;

		if (strstr(say, "Hunk #"))
			say = strstr(say, "Hunk #");
		for (n = strcspn(say, "\n"); n && say[n - 1] == '.'; n--)
			;
		sbuf_addf(why, "upstream does not apply to the lifted files either (patch -F0: %.*s)",
			  (int)n, say);
		rc = 1;
		goto out;
	}
	rc = scratch_collect(&sc, repo, lifted, out, &changed);
	if (rc > 0 || rc == -2) {
		sbuf_addf(why, "patch -F0 on the lifted files %s",
			  rc > 0 ? "changed nothing" : sc.why);
		rc = 1;
	}
out:
	free(diffpath);
	free(files);
	sbuf_release(&changed);
	spawn_result_release(&res);
	scratch_release(&sc);
	return rc;
}

/*
 * Only upstream's lines: the lowered result low, less what the round trip
 * rt of the untouched tree did to base. 0 with *out, 1 on a conflict.
 */
static int keep_upstream(git_repository *repo, git_tree *base, git_tree *rt, git_tree *low,
			 git_tree **out, struct sbuf *why)
{
	git_index *idx = NULL;
	git_oid oid;
	int rc = -1;

	if (!git_oid_cmp(git_tree_id(rt), git_tree_id(base)))
		return git_tree_dup(out, low) < 0 ? git_fail("bridged: a tree") : 0;
	if (git_merge_trees(&idx, repo, rt, base, low, NULL) < 0) {
		git_fail("bridged: taking out the round trip's own changes");
		goto out;
	}
	if (git_index_has_conflicts(idx)) {
		const git_index_entry *anc, *ours, *theirs;
		git_index_conflict_iterator *it = NULL;
		const char *path = "?";

		if (git_index_conflict_iterator_new(&it, idx) == 0 &&
		    git_index_conflict_next(&anc, &ours, &theirs, it) == 0)
			path = ours ? ours->path : theirs ? theirs->path : anc->path;
		sbuf_addf(why, "the bridges' round trip changes %s where upstream's hunks do", path);
		git_index_conflict_iterator_free(it);
		rc = 1;
		goto out;
	}
	if (git_index_write_tree_to(&oid, idx, repo) < 0 || git_tree_lookup(out, repo, &oid) < 0) {
		git_fail("bridged: writing the tree");
		goto out;
	}
	rc = 0;
out:
	git_index_free(idx);
	git_error_clear();
	return rc;
}

/* The code of a line, comments out: NULL when it is all comment. */
static char *code_of(const char *s, size_t n)
{
	struct sbuf sb = {0};
	const char *e = s + n;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	if (s < e && (*s == '*' || starts_with(s, "/*") || starts_with(s, "//")) &&
	    !memmem(s, e - s, "*/", 2))
		return NULL;
	while (s < e) {
		const char *c = memmem(s, e - s, "/*", 2), *cl;

		if (!c) {
			sbuf_add(&sb, s, e - s);
			break;
		}
		sbuf_add(&sb, s, c - s);
		cl = memmem(c + 2, e - c - 2, "*/", 2);
		s = cl ? cl + 2 : e;
	}
	return sbuf_detach(&sb);
}

/* line (n bytes) is one of text's lines. */
static int has_line(const char *text, size_t len, const char *line, size_t n)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		size_t l = (eol ? eol : end) - p;

		if (l == n && !memcmp(p, line, n))
			return 1;
		p = eol ? eol + 1 : end;
	}
	return 0;
}

/*
 * A line of code the result has and the tree had not, with the bridge's
 * word outside comments: upstream code the lower could not bring back to
 * the tree's era. 1 with *why, else 0.
 */
static int leftover(git_repository *repo, git_tree *base, git_tree *result,
		    const struct bridge *b, const char *files, struct sbuf *why)
{
	char *list = xstrdup(files), *save = NULL, *f;
	int bad = 0;

	for (f = strtok_r(list, " ", &save); f && !bad; f = strtok_r(NULL, " ", &save)) {
		char *was = NULL, *now = NULL;
		size_t wl = 0, nl = 0;
		const char *p, *end;

		if (read_blob_buf(repo, base, f, &was, &wl, NULL) ||
		    read_blob_buf(repo, result, f, &now, &nl, NULL))
			nl = 0;
		for (p = now, end = now + nl; p && p < end && !bad; ) {
			const char *eol = memchr(p, '\n', end - p);
			size_t n = (eol ? eol : end) - p;
			char *code = memmem(p, n, b->needs, strlen(b->needs)) ? code_of(p, n) : NULL;

			if (code && strstr(code, b->needs) && !has_line(was, wl, p, n)) {
				const char *s = p;

				while (*s == '\t' || *s == ' ')
					s++;
				sbuf_addf(why, "%s: upstream's \"%.*s\" stays in %s's era after %s",
					  f, (int)(p + n - s), s, b->needs, b->name);
				bad = 1;
			}
			free(code);
			p = eol ? eol + 1 : end;
		}
		free(was);
		free(now);
	}
	free(list);
	return bad;
}

/* The names of list ("a, b") not yet in sb, added to it. */
static void add_names(struct sbuf *sb, const char *list)
{
	char *copy = xstrdup(list ? list : ""), *save = NULL, *f;

	for (f = strtok_r(copy, ", ", &save); f; f = strtok_r(NULL, ", ", &save)) {
		char *have = sb->buf ? xprintf(", %s, ", sb->buf) : NULL, *want = xprintf(", %s, ", f);

		if (!have || !strstr(have, want))
			sbuf_addf(sb, "%s%s", sb->len ? ", " : "", f);
		free(have);
		free(want);
	}
	free(copy);
}

/* Lower t with the used bridges, last lifted first: 0 with *out, -1. */
static int lower_all(git_repository *repo, git_tree *t, struct bridge **used, size_t nu,
		     const char *files, git_tree **out)
{
	git_tree *cur = NULL;
	size_t i;

	if (git_tree_dup(&cur, t) < 0)
		return git_fail("bridged: a tree");
	for (i = nu; i-- > 0; ) {
		git_tree *next = NULL;
		char *changed = NULL;
		int rc = cocci_apply(repo, cur, used[i]->rule, files, used[i]->lower, &next,
				     &changed);

		free(changed);
		if (rc < 0) {
			git_tree_free(cur);
			return -1;
		}
		if (!rc) {
			git_tree_free(cur);
			cur = next;
		}
	}
	*out = cur;
	return 0;
}

/* The base's C files that a diff touches, lifted by the bridges that changed them. */
struct lifting {
	char *files;		/* space-separated */
	struct bridge *all, **used;
	size_t nr, nu;
	git_tree *lifted;
	struct sbuf lifts, eras, lifted_files;	/* names, what they give, files changed */
};

static void lifting_release(struct lifting *l)
{
	git_tree_free(l->lifted);
	sbuf_release(&l->lifts);
	sbuf_release(&l->eras);
	sbuf_release(&l->lifted_files);
	bridges_release(l->all, l->nr);
	free(l->all);
	free(l->used);
	free(l->files);
	memset(l, 0, sizeof(*l));
}

/*
 * Each rule lifts once, by its first bridge that the diff needs, the
 * tree's files allow and that changes something. 0 with l filled (l->nu
 * bridges used), 1 when the diff touches no C file of base, -1 on error.
 */
static int lifting_start(git_repository *repo, git_tree *base, const char *diff,
			 struct lifting *l)
{
	const char *last_rule = NULL;
	char *dir;
	size_t i;
	int rc;

	memset(l, 0, sizeof(*l));
	l->files = diff ? c_files(repo, base, diff) : NULL;
	if (!l->files)
		return 1;
	dir = bridge_dir();
	rc = bridges_load(dir, &l->all, &l->nr);
	free(dir);
	if (rc < 0)
		return -1;
	l->used = xcalloc(l->nr + 1, sizeof(*l->used));
	if (git_tree_dup(&l->lifted, base) < 0)
		return git_fail("bridged: a tree");
	for (i = 0; i < l->nr; i++) {
		const struct bridge *b = &l->all[i];
		git_tree *next = NULL;
		char *changed = NULL;
		int r;

		if ((last_rule && !strcmp(last_rule, b->rule)) || !diff_mentions(diff, b->needs) ||
		    (b->tree && !tree_mentions(repo, l->lifted, l->files, b->tree)) ||
		    (b->unless && tree_mentions(repo, l->lifted, l->files, b->unless)))
			continue;
		r = cocci_apply(repo, l->lifted, b->rule, l->files, b->lift, &next, &changed);
		if (r < 0 && r != -2)
			return -1;
		if (!r) {
			git_tree_free(l->lifted);
			l->lifted = next;
			l->used[l->nu++] = &l->all[i];
			last_rule = b->rule;
			sbuf_addf(&l->lifts, "%s%s", l->lifts.len ? ", " : "", b->name);
			sbuf_addf(&l->eras, "%s%s", l->eras.len ? " and " : "", b->era);
			add_names(&l->lifted_files, changed);
		}
		free(changed);
	}
	return 0;
}

/*
 * The verdict's view of a tree in an older era: its files that diff
 * touches lifted to the newer forms. 0 with *out and *names (the bridges
 * that changed something), 1 when none did, -1 on error.
 */
int bridge_lift(git_repository *repo, git_tree *base, const char *diff, git_tree **out,
		char **names)
{
	struct lifting l;
	int rc = lifting_start(repo, base, diff, &l);

	*out = NULL;
	*names = NULL;
	if (!rc && !l.nu)
		rc = 1;
	if (!rc) {
		*names = xprintf("%s (%s)", l.lifts.buf, l.eras.buf);
		*out = l.lifted;
		l.lifted = NULL;
	}
	lifting_release(&l);
	return rc;
}

/*
 * The rung: 0 with *out and *note; 1 when no bridge helps, with *why
 * when some bridge lifted the files (NULL when none applied); -1 on error.
 */
int bridge_apply(git_repository *repo, git_tree *base, struct series_patch *p,
		 git_tree **out, char **note, char **why)
{
	struct sbuf sb = {0};
	struct lifting l;
	git_tree *rt = NULL, *applied = NULL, *low = NULL;
	size_t i;
	int rc;

	*out = NULL;
	*note = NULL;
	*why = NULL;
	rc = lifting_start(repo, base, p->diff, &l);
	/* No bridge lifted anything: the rung does not apply, and says nothing. */
	if (!rc && !l.nu)
		rc = 1;
	if (!rc)
		rc = lower_all(repo, l.lifted, l.used, l.nu, l.files, &rt);
	if (!rc)
		rc = apply_upstream(repo, l.lifted, p, &applied, &sb);
	if (!rc)
		rc = lower_all(repo, applied, l.used, l.nu, l.files, &low);
	if (!rc)
		rc = keep_upstream(repo, base, rt, low, out, &sb);
	for (i = 0; !rc && i < l.nu; i++)
		if (leftover(repo, base, *out, l.used[i], l.files, &sb))
			rc = 1;
	if (rc > 0 && sb.len) {
		char *reason = sbuf_detach(&sb);

		sbuf_addf(&sb, "%s: %s", l.lifts.buf, reason);
		free(reason);
	}
	if (!rc)
		*note = xprintf("ltsport: bridged (%s): lifted %s to %s, applied upstream, lowered back",
				l.lifts.buf, l.lifted_files.buf, l.eras.buf);
	if (rc) {
		git_tree_free(*out);
		*out = NULL;
	}
	if (rc > 0 && sb.len)
		*why = sbuf_detach(&sb);
	sbuf_release(&sb);
	git_tree_free(rt);
	git_tree_free(applied);
	git_tree_free(low);
	lifting_release(&l);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Upstream's comments onto a recipe's result (the semantic rung).     */

/* A line of text, split. */
struct tline {
	const char *s;
	size_t n;
};

static size_t split_lines(const char *text, size_t len, struct tline **out)
{
	const char *p = text, *end = text + len;
	size_t nr = 0, alloc = 0;

	*out = NULL;
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);

		if (nr == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			*out = xrealloc(*out, alloc * sizeof(**out));
		}
		(*out)[nr].s = p;
		(*out)[nr++].n = (eol ? eol : end) - p;
		p = eol ? eol + 1 : end;
	}
	return nr;
}

static size_t indent_of(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* The same line but for leading and trailing white space. */
static int same_trimmed(const char *a, size_t an, const char *b, size_t bn)
{
	size_t ai = indent_of(a, an), bi = indent_of(b, bn);

	while (an > ai && (a[an - 1] == ' ' || a[an - 1] == '\t'))
		an--;
	while (bn > bi && (b[bn - 1] == ' ' || b[bn - 1] == '\t'))
		bn--;
	return an - ai == bn - bi && !memcmp(a + ai, b + bi, an - ai);
}

static int is_blank(const char *s, size_t n)
{
	return indent_of(s, n) == n;
}

/* The trimmed line starts with lead. */
static int opens_with(const char *s, size_t n, const char *lead)
{
	size_t i = indent_of(s, n);

	return n - i >= strlen(lead) && !memcmp(s + i, lead, strlen(lead));
}

/* The trimmed line ends with "*\/". */
static int closes_comment(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n >= 2 && s[n - 2] == '*' && s[n - 1] == '/';
}

/*
 * The comment that starts at line k of side (all lines added): the index
 * after it, or k when line k starts none. A comment is a "/\*" line up to
 * the line that ends in "*\/", or a run of "//" lines.
 */
static size_t comment_end(const struct tline *side, const unsigned char *added, size_t ns,
			  size_t k)
{
	size_t e = k;

	if (!added[k])
		return k;
	if (opens_with(side[k].s, side[k].n, "//")) {
		while (e < ns && added[e] && opens_with(side[e].s, side[e].n, "//"))
			e++;
		return e;
	}
	if (!opens_with(side[k].s, side[k].n, "/*"))
		return k;
	for (; e < ns && added[e]; e++)
		if (closes_comment(side[e].s, side[e].n))
			return e + 1;
	return k;
}

/* One comment block upstream adds, and the code line it goes above. */
struct graft {
	char *file;
	char *func;		/* the function the hunk's @@ header names, or NULL */
	struct tline *lines;	/* the block, as upstream writes it */
	size_t nr;
	struct tline anchor;	/* the code line after it */
	struct tline above;	/* the line before it (non-blank), or {NULL, 0} */
};

/* The identifier before the first '(' of s, or NULL. */
static char *ident_before_paren(const char *s, size_t n)
{
	const char *paren = memchr(s, '(', n), *b, *e;

	if (!paren)
		return NULL;
	for (e = paren; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	for (b = e; b > s && (isalnum((unsigned char)b[-1]) || b[-1] == '_'); b--)
		;
	return b < e ? xstrndup(b, e - b) : NULL;
}

/* The comment blocks each hunk of diff adds in front of a code line. */
static size_t find_grafts(const char *diff, struct graft **out)
{
	struct tline *l = NULL, *side = NULL;
	size_t nl = split_lines(diff, strlen(diff), &l), i = 0, ng = 0;
	char *file = NULL;

	*out = NULL;
	side = xcalloc(nl + 1, sizeof(*side));
	while (i < nl) {
		char *func = NULL;
		unsigned char *added;
		size_t ns = 0, k;

		if (l[i].n > 6 && starts_with(l[i].s, "+++ b/")) {
			free(file);
			file = xstrndup(l[i].s + 6, l[i].n - 6);
			i++;
			continue;
		}
		if (!file || l[i].n < 2 || strncmp(l[i].s, "@@", 2)) {
			i++;
			continue;
		}
		{
			const char *at = memmem(l[i].s + 2, l[i].n - 2, "@@", 2);

			if (at)
				func = ident_before_paren(at + 2, l[i].s + l[i].n - at - 2);
		}
		added = xcalloc(nl + 1, 1);
		for (i++; i < nl && l[i].n && strchr(" +-\\", l[i].s[0]); i++) {
			if (l[i].s[0] == '-' || l[i].s[0] == '\\')
				continue;
			side[ns].s = l[i].s + 1;
			side[ns].n = l[i].n - 1;
			added[ns++] = l[i].s[0] == '+';
		}
		for (k = 0; k < ns; ) {
			size_t e = comment_end(side, added, ns, k);
			struct graft g = {0};
			long b;

			if (e == k) {
				k++;
				continue;
			}
			if (e < ns && !is_blank(side[e].s, side[e].n) &&
			    !opens_with(side[e].s, side[e].n, "/*") &&
			    !opens_with(side[e].s, side[e].n, "//")) {
				g.file = xstrdup(file);
				g.func = func ? xstrdup(func) : NULL;
				g.nr = e - k;
				g.lines = xmalloc(g.nr * sizeof(*g.lines));
				memcpy(g.lines, side + k, g.nr * sizeof(*g.lines));
				g.anchor = side[e];
				for (b = (long)k - 1; b >= 0 && is_blank(side[b].s, side[b].n); b--)
					;
				if (b >= 0)
					g.above = side[b];
				*out = xrealloc(*out, (ng + 1) * sizeof(**out));
				(*out)[ng++] = g;
			}
			k = e;
		}
		free(added);
		free(func);
	}
	free(file);
	free(side);
	free(l);
	return ng;
}

/* Lines [*from, *to) of the function named func in l (the whole file if not found). */
static void func_bounds(struct tline *l, size_t nl, const char *func, size_t *from, size_t *to)
{
	size_t i;

	*from = 0;
	*to = nl;
	for (i = 0; func && i < nl; i++) {
		char *name;

		if (!l[i].n || !(isalpha((unsigned char)l[i].s[0]) || l[i].s[0] == '_') ||
		    l[i].s[l[i].n - 1] == ';')
			continue;
		name = ident_before_paren(l[i].s, l[i].n);
		if (name && !strcmp(name, func)) {
			size_t j;

			for (j = i + 1; j < nl && !(l[j].n == 1 && l[j].s[0] == '}'); j++)
				;
			*from = i;
			*to = j < nl ? j + 1 : nl;
			free(name);
			return;
		}
		free(name);
	}
}

/* Where g goes in l: the anchor's index, or -1 when not one place. */
static long graft_place(struct tline *l, size_t nl, const struct graft *g)
{
	size_t from, to, i, hits = 0, close = 0;
	long at = -1, at_close = -1;

	func_bounds(l, nl, g->func, &from, &to);
	for (i = from; i < to; i++) {
		long b;

		if (!same_trimmed(l[i].s, l[i].n, g->anchor.s, g->anchor.n))
			continue;
		hits++;
		at = i;
		for (b = (long)i - 1; b >= 0 && is_blank(l[b].s, l[b].n); b--)
			;
		if (g->above.s && b >= 0 && same_trimmed(l[b].s, l[b].n, g->above.s, g->above.n)) {
			close++;
			at_close = i;
		}
	}
	if (hits == 1)
		return at;
	return close == 1 ? at_close : -1;
}

/* path's new content in tree: 0 with *out, -1. */
static int tree_with_blob(git_repository *repo, git_tree *tree, const char *path,
			  const char *data, size_t len, git_tree **out)
{
	git_index *idx = NULL;
	const git_index_entry *old;
	git_index_entry e;
	git_oid oid;
	int ret = -1;

	if (git_index_new(&idx) < 0 || git_index_read_tree(idx, tree) < 0)
		goto out;
	old = git_index_get_bypath(idx, path, 0);
	if (!old)
		goto out;
	e = *old;
	if (git_blob_create_from_buffer(&e.id, repo, data, len) < 0 || git_index_add(idx, &e) < 0 ||
	    git_index_write_tree_to(&oid, idx, repo) < 0 || git_tree_lookup(out, repo, &oid) < 0)
		goto out;
	ret = 0;
out:
	if (ret)
		git_fail("grafting upstream's comments");
	git_index_free(idx);
	return ret;
}

/* g's block into text before line at, re-indented to that line. */
static void add_block(struct sbuf *sb, const struct graft *g, const struct tline *at)
{
	size_t ui = indent_of(g->anchor.s, g->anchor.n), ti = indent_of(at->s, at->n), k;

	for (k = 0; k < g->nr; k++) {
		const struct tline *c = &g->lines[k];

		if (c->n >= ui && !memcmp(c->s, g->anchor.s, ui)) {
			sbuf_add(sb, at->s, ti);
			sbuf_add(sb, c->s + ui, c->n - ui);
		} else {
			sbuf_add(sb, c->s, c->n);
		}
		sbuf_adds(sb, "\n");
	}
}

/*
 * Upstream's comment blocks onto result (a recipe's work on base): each
 * block that upstream's diff adds right above a code line goes above the
 * same line of result, in the function its hunk names, where that line is
 * one place and has no comment above it already. 0 with *out (result
 * itself when nothing was grafted) and *grafted, -1 on error.
 */
int bridge_graft_comments(git_repository *repo, git_tree *result, const char *diff,
			  git_tree **out, int *grafted)
{
	struct graft *g = NULL;
	size_t ng = find_grafts(diff, &g), i, j;
	git_tree *cur = NULL;
	int ret = 0;

	*grafted = 0;
	if (git_tree_dup(&cur, result) < 0)
		return git_fail("grafting upstream's comments");
	for (i = 0; i < ng && !ret; i++) {
		struct sbuf sb = {0};
		struct tline *l = NULL;
		char *text = NULL;
		size_t len = 0, nl;
		long at;

		if (read_blob_buf(repo, cur, g[i].file, &text, &len, NULL))
			continue;
		nl = split_lines(text, len, &l);
		at = graft_place(l, nl, &g[i]);
		if (at >= 0 && !(at > 0 && (closes_comment(l[at - 1].s, l[at - 1].n) ||
					    opens_with(l[at - 1].s, l[at - 1].n, "//")))) {
			git_tree *next = NULL;

			sbuf_add(&sb, text, l[at].s - text);
			add_block(&sb, &g[i], &l[at]);
			sbuf_add(&sb, l[at].s, text + len - l[at].s);
			ret = tree_with_blob(repo, cur, g[i].file, sb.buf, sb.len, &next);
			if (!ret) {
				git_tree_free(cur);
				cur = next;
				(*grafted)++;
			}
		}
		sbuf_release(&sb);
		free(l);
		free(text);
	}
	for (j = 0; j < ng; j++) {
		free(g[j].file);
		free(g[j].func);
		free(g[j].lines);
	}
	free(g);
	if (ret) {
		git_tree_free(cur);
		return -1;
	}
	*out = cur;
	return 0;
}
