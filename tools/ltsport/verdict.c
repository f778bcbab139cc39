// SPDX-License-Identifier: GPL-2.0
/*
 * Per (tree, patch) verdicts with the evidence that decided them,
 * strongest first: history (ancestry, stable markers since the base tag),
 * content (the patch reverse-applies, or applies), then version (the
 * tree's Makefile against the releases of the fix and of its Fixes:
 * target). A subject match alone is only ever a warning.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>

#include "util.h"
#include "conf.h"
#include "series.h"
#include "gitops.h"
#include "fsutil.h"
#include "cocci.h"
#include "kversion.h"
#include "tristate.h"
#include "hunkmatch.h"
#include "bridge.h"
#include "pathfind.h"
#include "verdict.h"

#define MIN_MARKER_ID 12

const char *const verdict_names[V__NR] = {
	[V_UNKNOWN] = "unknown",
	[V_NOT_AFFECTED] = "not-affected",
	[V_FIXED] = "fixed",
	[V_MISSING] = "missing",
	[V_PARTIAL] = "partial",
	[V_ABSENT] = "absent",
};

const char *verdict_name(enum verdict v)
{
	return verdict_names[v];
}

static void read_version(struct tree_state *ts, git_tree *tree)
{
	struct kversion kv;
	char *mk = NULL;

	if (read_blob_at(ts->repo, tree, "Makefile", &mk))
		return;
	if (!kversion_parse(mk, strlen(mk), &kv)) {
		ts->has_version = 1;
		ts->version[0] = (int)kv.version;
		ts->version[1] = (int)kv.patchlevel;
		ts->version[2] = (int)kv.sublevel;
		ts->rc = kv.extra[0] != '\0';
	}
	free(mk);
}

/* Open the tree's repo and its ref; an absent repo is a state, not an error. */
int tree_open(struct tree_state *ts, struct tree_conf *conf, const char *conffile)
{
	git_tree *tree = NULL;
	int rc;

	memset(ts, 0, sizeof(*ts));
	ts->conf = conf;
	rc = repo_open(&ts->repo, conf->path);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		ts->absent = xprintf("no git repository at %s", conf->path);
		ts->state = V_ABSENT;
		return 0;
	}
	if (resolve_commit(ts->repo, conf->ref, &ts->tip) < 0)
		return error("%s:%d: ref '%s' of tree %s does not exist in %s; set ref = to a branch, tag or commit there",
			     conffile, conf_line_of(conffile, "tree", conf->name, "ref"),
			     conf->ref, conf->name, conf->path);
	if (git_commit_tree(&tree, ts->tip) < 0)
		return git_fail(conf->path);
	read_version(ts, tree);
	git_tree_free(tree);
	return 0;
}

struct marker_scan {
	struct series *s;
	char **marker;		/* per patch: "<commit> carries '<line>'" */
	git_oid *marker_id;	/* per patch: that commit */
	char **fixes_marker;	/* per patch: the Fixes: target was backported */
	char **subject_hit;	/* per patch: same subject, no marker */
};

/* The hex id after one of the stable marker forms, or NULL. */
static const char *marker_id(const char *line, size_t *len)
{
	static const char *const forms[][2] = {
		{ "commit ", " upstream" },
		{ "[ Upstream commit ", " ]" },
		{ "(cherry picked from commit ", ")" },
	};
	size_t i, n;

	while (*line == ' ' || *line == '\t')
		line++;
	for (i = 0; i < ARRAY_SIZE(forms); i++) {
		const char *id;

		if (!starts_with(line, forms[i][0]))
			continue;
		id = line + strlen(forms[i][0]);
		for (n = 0; isxdigit((unsigned char)id[n]); n++)
			;
		if (n >= MIN_MARKER_ID && starts_with(id + n, forms[i][1])) {
			*len = n;
			return id;
		}
	}
	return NULL;
}

static char *summary_of(const char *msg)
{
	return xstrndup(msg, strcspn(msg, "\n"));
}

static void note_marker(struct marker_scan *m, const git_oid *id, const char *msg,
			const char *hex, size_t n)
{
	size_t i;

	for (i = 0; i < m->s->nr; i++) {
		struct series_patch *p = &m->s->patches[i];
		char sha[GIT_OID_HEXSZ + 1];
		char *summary;

		git_oid_tostr(sha, sizeof(sha), id);
		if (!m->marker[i] && !strncmp(p->upstream, hex, n)) {
			summary = summary_of(msg);
			m->marker[i] = xprintf("history: %.12s (\"%s\") carries the marker for %.12s",
					       sha, summary, p->upstream);
			git_oid_cpy(&m->marker_id[i], id);
			free(summary);
		}
		if (!m->fixes_marker[i] && p->fixes &&
		    !strncmp(hex, p->fixes, n < strlen(p->fixes) ? n : strlen(p->fixes))) {
			m->fixes_marker[i] = xprintf("history: %.12s backports the Fixes: target %s",
						     sha, p->fixes);
		}
	}
}

static int scan_commit(const git_oid *id, const char *msg, void *payload)
{
	struct marker_scan *m = payload;
	const char *line = msg;
	size_t i, n, slen = strcspn(msg, "\n");

	while (line && *line) {
		const char *hex = marker_id(line, &n);

		if (hex)
			note_marker(m, id, msg, hex, n);
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	for (i = 0; i < m->s->nr; i++) {
		const char *subj = m->s->patches[i].subject;
		char sha[GIT_OID_HEXSZ + 1];

		if (m->subject_hit[i] || strlen(subj) != slen || strncmp(subj, msg, slen))
			continue;
		git_oid_tostr(sha, sizeof(sha), id);
		m->subject_hit[i] = xprintf("%.12s has the subject \"%s\"", sha, subj);
	}
	return 0;
}

/* Walk base..tip once for the markers of every patch of the series. */
static int walk_markers(struct tree_state *ts, struct marker_scan *m)
{
	const char *base = ts->conf->base;
	git_commit *bc = NULL;
	int ret;

	if (!base) {
		ts->history_note = xstrdup("no base configured: no history walk");
		return 0;
	}
	if (resolve_commit(ts->repo, base, &bc) < 0) {
		git_error_clear();
		ts->history_note = xprintf("base %s absent: no history walk", base);
		return 0;
	}
	if (!git_commit_parentcount(ts->tip) && git_oid_equal(git_commit_id(bc), git_commit_id(ts->tip))) {
		ts->history_note = xprintf("single-commit import at %s: no history", base);
		git_commit_free(bc);
		return 0;
	}
	ret = walk_range(ts->repo, git_commit_id(ts->tip), git_commit_id(bc), scan_commit,
			 m, &ts->walked);
	git_commit_free(bc);
	if (!ret) {
		ts->history = 1;
		ts->history_note = xprintf("%zu commits walked since %s", ts->walked, base);
	} else if (ret > 0) {
		/* markers found count; a marker not found proves nothing */
		ts->history_note = xprintf("shallow clone: %zu commits walked to its edge, before %s: history incomplete",
					   ts->walked, base);
		ret = 0;
	}
	return ret;
}

static int parse_release(const char *rel, int *maj, int *min)
{
	if (!rel)
		return -1;
	if (*rel == 'v')
		rel++;
	return sscanf(rel, "%d.%d", maj, min) == 2 ? 0 : -1;
}

/* <0, 0, >0 as the tree's version is before, at or after the release. */
static int cmp_release(struct tree_state *ts, int maj, int min)
{
	if (ts->version[0] != maj)
		return ts->version[0] - maj;
	return ts->version[1] - min;
}

static void add_note(struct patch_verdict *pv, const char *note)
{
	if (pv->notes.len)
		sbuf_adds(&pv->notes, "; ");
	sbuf_adds(&pv->notes, note);
}

static void decide(struct patch_verdict *pv, enum verdict v, char *evidence)
{
	pv->v = v;
	pv->evidence = evidence;
}

/* Whether the bug the patch fixes is in the tree, and why. */
static enum tristate affectedness(struct tree_state *ts, struct series *s, size_t i,
				  struct marker_scan *m, char **why)
{
	struct series_patch *p = &s->patches[i];
	struct series_patch *dep = p->fixes ? series_find_upstream(s, p->fixes) : NULL;
	int maj, min;
	git_oid fid;

	if (!p->fixes) {
		*why = xstrdup("no Fixes: target: assumed affected");
		return TRI_YES;
	}
	if (dep) {
		struct patch_verdict *dv = &ts->pv[dep - s->patches];

		*why = xprintf("series: fixes %.12s, which is %s here", dep->upstream,
			       verdict_name(dv->v));
		if (dv->v == V_FIXED || dv->v == V_MISSING)
			return TRI_YES;
		return dv->v == V_NOT_AFFECTED ? TRI_NO : TRI_UNKNOWN;
	}
	if (commit_exists(ts->repo, p->fixes, &fid) &&
	    is_ancestor(ts->repo, &fid, git_commit_id(ts->tip))) {
		*why = xprintf("history: Fixes: target %s is an ancestor of %s", p->fixes,
			       ts->conf->ref);
		return TRI_YES;
	}
	if (m->fixes_marker[i]) {
		*why = xstrdup(m->fixes_marker[i]);
		return TRI_YES;
	}
	if (ts->has_version && !parse_release(p->fixes_release, &maj, &min)) {
		int c = cmp_release(ts, maj, min);

		*why = xprintf("version: %d.%d.%d is %s %s, which introduced %s",
			       ts->version[0], ts->version[1], ts->version[2],
			       c < 0 ? "older than" : "at or after", p->fixes_release, p->fixes);
		return c < 0 ? TRI_NO : TRI_YES;
	}
	*why = xstrdup("neither history nor version tells whether the bug is present");
	return TRI_UNKNOWN;
}

enum content { C_NONE, C_FIXED, C_APPLIES, C_NEITHER };

/*
 * The fix's semantic patch in report mode. When it finds the target without
 * the fix, the fix is also applied (patch mode) so that later patches of
 * the series are judged on top of it.
 */
static enum content cocci_content(struct tree_state *ts, struct series_patch *p,
				  git_tree *cur, struct patch_verdict *pv, char **ev)
{
	struct cocci_report rep;
	enum content c = C_NEITHER;
	char *note = NULL;

	if (!p->cocci || !path_exists(p->cocci))
		return C_NONE;
	progress("%s: %s report", ts->conf->name, base_name(p->cocci));
	if (cocci_report(ts->repo, cur, p, &rep) < 0)
		return C_NONE;
	if (rep.missing) {
		*ev = xprintf("content: %s -D report finds the target without the fix (%s)",
			      base_name(p->cocci), rep.first_missing);
		c = C_APPLIES;
		if (cocci_transform(ts->repo, cur, p, "patch", &pv->applied, &note) != 0)
			pv->applied = NULL;
	} else if (rep.fixed) {
		*ev = xprintf("content: %s -D report finds the fix (%s)", base_name(p->cocci),
			      rep.first_fixed);
		c = C_FIXED;
	} else {
		*ev = xprintf("content: %s -D report finds neither the fix nor its target",
			      base_name(p->cocci));
	}
	free(note);
	cocci_report_release(&rep);
	return c;
}

/*
 * The anchored locator (hunkmatch.c), for trees that drifted: per unit (a
 * hunk, a new or deleted file) its postimage found (fixed), its preimage
 * found (missing), both or neither. Every unit reverse, one of them only
 * reverse: fixed; every unit forward, one only forward: missing, with
 * where; else neither (a unit found both ways decides nothing by itself),
 * with why per unit.
 */
static enum content anchored_content(struct tree_state *ts, struct series_patch *p,
				     git_tree *cur, struct patch_verdict *pv, char **ev)
{
	struct hm_patch hp;
	struct hm_state st;
	enum content c = C_NEITHER;

	if (hm_parse(&hp, p->diff, strlen(p->diff)) < 0) {
		*ev = xstrdup("content: the patch neither applies nor reverse-applies (and does not parse)");
		return C_NEITHER;
	}
	if (hm_check_tree(ts->repo, cur, &hp, HM_TREE, &st) < 0) {
		*ev = xstrdup("content: the patch neither applies nor reverse-applies (the locator failed)");
	} else if (st.reverse && st.reverse + st.both == st.units) {
		*ev = xprintf("content: every hunk's postimage is in %s (anchored, with offsets or whitespace)",
			      ts->conf->ref);
		c = C_FIXED;
	} else if (st.forward && st.forward + st.both == st.units && st.applied) {
		*ev = xprintf("content: the patch applies to %s anchored: %s", ts->conf->ref,
			      st.fwd_notes->len ? st.fwd_notes->buf : "every file as upstream");
		pv->applied = st.applied;
		st.applied = NULL;
		c = C_APPLIES;
	} else {
		*ev = xprintf("content: of %zu hunks %zu only apply, %zu are only there already, %zu both, %zu neither: %s",
			      st.units, st.forward, st.reverse, st.both, st.neither,
			      st.problems->len ? st.problems->buf : "no hunk decides");
	}
	hm_state_release(&st);
	hm_patch_release(&hp);
	return c;
}

/*
 * A tree of an older API era: its touched files lifted by the cocci/api
 * bridges (a rename that keeps the meaning), then located again. The
 * lifted tree is a carrier: its forward result is not the tree's, so it
 * is not kept for the later patches.
 */
static enum content bridged_content(struct tree_state *ts, struct series_patch *p,
				    git_tree *cur, struct patch_verdict *pv, char **ev)
{
	git_tree *lifted = NULL;
	char *names = NULL, *lev = NULL;
	enum content c;

	if (bridge_lift(ts->repo, cur, p->diff, &lifted, &names))
		return C_NEITHER;
	progress("%s: content once lifted by %s", ts->conf->name, names);
	c = anchored_content(ts, p, lifted, pv, &lev);
	git_tree_free(pv->applied);
	pv->applied = NULL;
	if (c != C_NEITHER) {
		free(*ev);
		*ev = xprintf("%s, once lifted by the bridge %s", lev, names);
	}
	free(lev);
	free(names);
	git_tree_free(lifted);
	return c;
}

static enum content content_as_written(struct tree_state *ts, struct series_patch *p,
					git_tree *cur, struct patch_verdict *pv, char **ev);

/*
 * The content evidence, on the patch as upstream wrote it or, when the
 * tree has some of its files under other names (pathfind.c), with those
 * paths rewritten, the evidence saying so.
 */
static enum content content_check(struct tree_state *ts, struct series_patch *p,
				  git_tree *cur, struct patch_verdict *pv, char **ev)
{
	struct series_patch moved;
	char *note, *e;
	enum content c;

	if (!patch_for_tree(ts->repo, cur, p, &moved, &note))
		return content_as_written(ts, p, cur, pv, ev);
	c = content_as_written(ts, &moved, cur, pv, ev);
	e = xprintf("%s; %s", note, *ev ? *ev : "");
	free(*ev);
	*ev = e;
	free(moved.diff);
	free(note);
	return c;
}

static enum content content_as_written(struct tree_state *ts, struct series_patch *p,
					git_tree *cur, struct patch_verdict *pv, char **ev)
{
	struct apply_failure fail;
	git_tree *out = NULL;
	enum content c;
	char *rev;
	int rc;

	if (!p->diff)
		return cocci_content(ts, p, cur, pv, ev);
	rev = reverse_diff_text(p->diff);
	rc = apply_diff(ts->repo, cur, rev, &out, &fail);
	free(rev);
	apply_failure_release(&fail);
	git_tree_free(out);
	if (rc == 0) {
		*ev = xprintf("content: the patch reverse-applies to %s", ts->conf->ref);
		return C_FIXED;
	}
	rc = apply_diff(ts->repo, cur, p->diff, &pv->applied, &fail);
	apply_failure_release(&fail);
	if (rc == 0) {
		*ev = xprintf("content: the patch applies to %s", ts->conf->ref);
		return C_APPLIES;
	}
	c = anchored_content(ts, p, cur, pv, ev);
	if (c == C_NEITHER)
		c = bridged_content(ts, p, cur, pv, ev);
	if (c != C_NEITHER)
		return c;
	if (p->cocci && path_exists(p->cocci)) {
		free(*ev);
		*ev = NULL;
		return cocci_content(ts, p, cur, pv, ev);
	}
	return C_NEITHER;
}

static void verdict_patch(struct tree_state *ts, struct series *s, size_t i,
			  struct marker_scan *m, git_tree *cur, int carried)
{
	struct series_patch *p = &s->patches[i];
	struct patch_verdict *pv = &ts->pv[i];
	char *aff_why = NULL, *content_ev = NULL;
	enum tristate aff;
	enum content content;
	git_oid uid;
	int maj, min;

	if (commit_exists(ts->repo, p->upstream, &uid) &&
	    is_ancestor(ts->repo, &uid, git_commit_id(ts->tip))) {
		decide(pv, V_FIXED, xprintf("history: upstream %.12s is an ancestor of %s",
					    p->upstream, ts->conf->ref));
		git_oid_cpy(&pv->backport, &uid);
		pv->has_backport = 1;
		return;
	}
	if (m->marker[i]) {
		decide(pv, V_FIXED, xstrdup(m->marker[i]));
		git_oid_cpy(&pv->backport, &m->marker_id[i]);
		pv->has_backport = 1;
		return;
	}
	if (m->subject_hit[i])
		pv->warning = xprintf("subject match only: %s but no upstream marker; check it by hand",
				      m->subject_hit[i]);
	content = content_check(ts, p, cur, pv, &content_ev);
	if (content == C_FIXED) {
		decide(pv, V_FIXED, content_ev);
		return;
	}
	aff = affectedness(ts, s, i, m, &aff_why);
	if (aff == TRI_NO) {
		decide(pv, V_NOT_AFFECTED, aff_why);
		free(content_ev);
		return;
	}
	if (content == C_APPLIES) {
		decide(pv, V_MISSING, xprintf("%s%s", content_ev,
					      carried ? ", with the series' earlier fixes" : ""));
		add_note(pv, aff_why);
		free(aff_why);
		free(content_ev);
		return;
	}
	if (content_ev)
		add_note(pv, content_ev);
	free(content_ev);
	if (aff == TRI_YES && ts->has_version && !ts->rc &&
	    !parse_release(p->release, &maj, &min) && cmp_release(ts, maj, min) >= 0) {
		decide(pv, V_FIXED, xprintf("version: %d.%d is at or after %s, the first release with the fix",
					    ts->version[0], ts->version[1], p->release));
		add_note(pv, aff_why);
		free(aff_why);
		return;
	}
	if (aff == TRI_YES && ts->history) {
		decide(pv, V_MISSING, xprintf("history: no commit since %s carries a marker for %.12s",
					      ts->conf->base, p->upstream));
		add_note(pv, aff_why);
		free(aff_why);
		return;
	}
	decide(pv, V_UNKNOWN, xprintf("undecided: %s", aff_why));
	free(aff_why);
}

static enum verdict series_state(struct tree_state *ts, size_t n)
{
	size_t i, fixed = 0, missing = 0, na = 0;

	for (i = 0; i < n; i++) {
		switch (ts->pv[i].v) {
		case V_FIXED:
			fixed++;
			break;
		case V_MISSING:
			missing++;
			break;
		case V_NOT_AFFECTED:
			na++;
			break;
		default:
			return V_UNKNOWN;
		}
	}
	if (na == n)
		return V_NOT_AFFECTED;
	if (!missing)
		return V_FIXED;
	return fixed ? V_PARTIAL : V_MISSING;
}

static void marker_scan_release(struct marker_scan *m)
{
	size_t i;

	for (i = 0; i < m->s->nr; i++) {
		free(m->marker[i]);
		free(m->fixes_marker[i]);
		free(m->subject_hit[i]);
	}
	free(m->marker);
	free(m->marker_id);
	free(m->fixes_marker);
	free(m->subject_hit);
}

int verdict_tree(struct tree_state *ts, struct series *s)
{
	struct marker_scan m = { .s = s };
	git_tree *cur = NULL;
	size_t i;
	int ret = 0, carried = 0;

	ts->pv = xcalloc(s->nr, sizeof(*ts->pv));
	if (!ts->repo)
		return 0;
	m.marker = xcalloc(s->nr, sizeof(char *));
	m.marker_id = xcalloc(s->nr, sizeof(git_oid));
	m.fixes_marker = xcalloc(s->nr, sizeof(char *));
	m.subject_hit = xcalloc(s->nr, sizeof(char *));
	if (walk_markers(ts, &m) < 0 || git_commit_tree(&cur, ts->tip) < 0) {
		ret = -1;
		goto out;
	}
	for (i = 0; i < s->nr; i++) {
		verdict_patch(ts, s, i, &m, cur, carried);
		if (ts->pv[i].v == V_MISSING && ts->pv[i].applied) {
			/* later patches of the series are checked on top of this one */
			git_tree_free(cur);
			git_tree_dup(&cur, ts->pv[i].applied);
			carried = 1;
		}
	}
	ts->state = series_state(ts, s->nr);
out:
	git_tree_free(cur);
	marker_scan_release(&m);
	return ret;
}

void tree_state_release(struct tree_state *ts, size_t npatches)
{
	size_t i;

	for (i = 0; ts->pv && i < npatches; i++) {
		free(ts->pv[i].evidence);
		free(ts->pv[i].warning);
		sbuf_release(&ts->pv[i].notes);
		git_tree_free(ts->pv[i].applied);
	}
	free(ts->pv);
	free(ts->absent);
	free(ts->history_note);
	git_commit_free(ts->tip);
	git_repository_free(ts->repo);
	memset(ts, 0, sizeof(*ts));
}
