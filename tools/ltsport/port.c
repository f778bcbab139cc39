// SPDX-License-Identifier: GPL-2.0
/*
 * The port stage: carry the series' missing patches onto one tree, write a
 * quilt series in stable format to backports/<series>/<tree>/ and the same
 * commits to refs/heads/ltsport/<series>/<tree>. A tree gets all of its
 * patches or nothing: never a half-adapted series.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"
#include "conf.h"
#include "series.h"
#include "verdict.h"
#include "ladder.h"
#include "stablefmt.h"
#include "workspace.h"
#include "results.h"
#include "port.h"

struct ported {
	struct series_patch *p;
	struct adaptation a;
	git_commit *commit;
	char *file;
	char *mail;
	int assumed;		/* verdict unknown, ported on --assume missing */
};

struct tree_port {
	struct tree_ws *ws;
	struct port_result *res;
	struct ported *items;
	size_t nr;
	git_signature *signoff;
	const struct port_opts *o;
	char *cover;		/* 0000-cover-letter.patch, for two patches or more */
};

static void tree_port_release(struct tree_port *tp)
{
	size_t i;

	for (i = 0; i < tp->nr; i++) {
		adaptation_release(&tp->items[i].a);
		git_commit_free(tp->items[i].commit);
		free(tp->items[i].file);
		free(tp->items[i].mail);
	}
	free(tp->items);
	free(tp->cover);
	git_signature_free(tp->signoff);
}

/*
 * The patches to port; 1 when a verdict is unknown and nothing may be
 * ported, unless the maintainer said --assume missing.
 */
static int select_patches(struct tree_port *tp)
{
	struct series *s = tp->ws->series;
	struct tree_state *ts = tp->ws->ts;
	size_t k;

	tp->items = xcalloc(s->nr, sizeof(*tp->items));
	for (k = 0; k < s->nr; k++) {
		struct patch_verdict *pv = &ts->pv[k];

		if (pv->v == V_UNKNOWN && tp->o && tp->o->assume_missing) {
			tp->items[tp->nr].assumed = 1;
			tp->items[tp->nr++].p = &s->patches[k];
			continue;
		}
		if (pv->v == V_UNKNOWN) {
			tp->res->failure = xprintf("%s: %s: verdict unknown (%s); not porting this tree",
						   tp->ws->name, s->patches[k].name, pv->evidence);
			return 1;
		}
		if (pv->v == V_MISSING)
			tp->items[tp->nr++].p = &s->patches[k];
	}
	return 0;
}

/* The upstream author: from the body, else series.conf's author = (dated now). */
static const git_signature *author_of(struct series_patch *p, const git_signature *fallback)
{
	if (!p->sig && p->author && make_sig(&p->sig, p->author, fallback->when.time,
					     fallback->when.offset) < 0)
		p->sig = NULL;
	return p->sig ? p->sig : fallback;
}

static int adapt_all(struct tree_port *tp, const struct ladder_opts *lo)
{
	git_repository *repo = tp->ws->repo;
	git_commit *parent = tp->ws->tip;
	size_t i;

	for (i = 0; i < tp->nr; i++) {
		struct ported *it = &tp->items[i];
		git_tree *base = NULL;
		char *msg;
		int rc;

		if (git_commit_tree(&base, parent) < 0)
			return git_fail(tp->ws->conf->path);
		rc = ladder_apply(repo, base, it->p, lo, &it->a);
		git_tree_free(base);
		if (rc == -2)	/* an untrusted path: bad input */
			error("%s", it->a.failure);
		if (rc < 0)
			return rc;
		if (rc) {
			tp->res->failure = xprintf("%s: %s: %s; no output written for %s%s%s",
						   tp->ws->name, it->p->name, it->a.failure,
						   tp->ws->name, it->a.report ? "\n" : "",
						   it->a.report ? it->a.report : "");
			return 1;
		}
		if (it->assumed) {
			char *note = xprintf("%s; verdict unknown here; ported on the maintainer's --assume missing",
					     it->a.note);

			free(it->a.note);
			it->a.note = note;
		}
		msg = stable_message(it->p, it->a.note, tp->signoff);
		rc = commit_on_top(repo, parent, it->a.tree, author_of(it->p, tp->signoff),
				   tp->signoff, msg, &it->commit);
		free(msg);
		if (rc < 0)
			return -1;
		parent = it->commit;
	}
	return 0;
}

/*
 * What the Message-IDs are made of: the tree, its tip and each ported
 * patch's upstream id and result, so a re-run on the same input gives the
 * same ids and a port onto a new tip new ones.
 */
static int thread_key(struct tree_port *tp, char *key, size_t size)
{
	struct sbuf sb = {0};
	git_oid oid;
	size_t i;
	int rc;

	sbuf_addf(&sb, "%s %s\n", tp->ws->name, git_oid_tostr_s(git_commit_id(tp->ws->tip)));
	for (i = 0; i < tp->nr; i++)
		sbuf_addf(&sb, "%s %s\n", tp->items[i].p->upstream,
			  git_oid_tostr_s(git_commit_tree_id(tp->items[i].commit)));
	rc = git_odb_hash(&oid, sb.buf, sb.len, GIT_OBJECT_BLOB);
	sbuf_release(&sb);
	if (rc < 0)
		return git_fail("hashing the Message-IDs");
	git_oid_tostr(key, size, &oid);
	return 0;
}

/* The upstream author and the people its trailers name. */
static void add_ccs(struct stable_ccs *cc, struct ported *it)
{
	const git_signature *a = git_commit_author(it->commit);
	char *who = xprintf("%s <%s>", a->name, a->email);

	stable_cc_add(cc, who);
	free(who);
	if (it->p->msg)
		stable_cc_add_trailers(cc, it->p->msg);
}

static void make_cover(struct tree_port *tp, const char *prefix)
{
	struct series *s = tp->ws->series;
	struct stable_cover_item *items = xcalloc(s->nr, sizeof(*items));
	struct stable_cover c = {
		.tree = tp->ws->name, .series = tp->ws->series_name, .prefix = prefix,
		.title = tp->items[0].p->subject, .from = tp->signoff, .total = tp->nr,
		.items = items, .nitems = s->nr,
	};
	char tip[GIT_OID_HEXSZ + 1];
	size_t k, j;

	git_oid_tostr(tip, sizeof(tip), git_commit_id(tp->ws->tip));
	c.tip = tip;
	for (k = 0; k < s->nr; k++) {
		enum verdict v = tp->ws->ts->pv[k].v;

		items[k].subject = s->patches[k].subject;
		items[k].upstream = s->patches[k].upstream;
		items[k].verdict = verdict_name(v);
		for (j = 0; j < tp->nr; j++) {
			if (tp->items[j].p != &s->patches[k])
				continue;
			items[k].n = j + 1;
			items[k].rung = tp->items[j].a.rung;
			items[k].note = tp->items[j].a.note;
			if (tp->items[j].assumed)
				items[k].verdict = "unknown (--assume missing)";
		}
	}
	tp->cover = stable_cover_letter(&c);
	free(items);
}

/*
 * The headers git send-email wants: To the stable list, Cc the authors,
 * a Message-ID each; two patches or more thread under a cover letter,
 * which (or the one patch) answers --in-reply-to.
 */
static int thread_mails(struct tree_port *tp, const char *prefix)
{
	const char *irt = tp->o ? tp->o->in_reply_to : NULL;
	const char *email = tp->signoff->email;
	struct stable_ccs all = {0};
	char key[17], *cover_id = NULL, *refs = NULL, *rcpt, *mail;
	size_t i;

	if (thread_key(tp, key, sizeof(key)) < 0)
		return -1;
	if (tp->nr >= 2) {
		cover_id = stable_msgid(key, 0, email);
		refs = irt ? xprintf("%s %s", irt, cover_id) : xstrdup(cover_id);
	}
	for (i = 0; i < tp->nr; i++) {
		struct ported *it = &tp->items[i];
		struct stable_ccs cc = {0};
		char *id = stable_msgid(key, i + 1, email);

		add_ccs(&cc, it);
		add_ccs(&all, it);
		rcpt = stable_recipients(&cc, email);
		mail = stable_mail_headers(it->mail, id, cover_id ? cover_id : irt,
					   cover_id ? refs : irt, rcpt);
		free(it->mail);
		it->mail = mail;
		free(rcpt);
		free(id);
		stable_cc_release(&cc);
	}
	if (cover_id) {
		make_cover(tp, prefix);
		rcpt = stable_recipients(&all, email);
		mail = stable_mail_headers(tp->cover, cover_id, irt, irt, rcpt);
		free(tp->cover);
		tp->cover = mail;
		free(rcpt);
	}
	stable_cc_release(&all);
	free(cover_id);
	free(refs);
	return 0;
}

static int format_mails(struct tree_port *tp)
{
	char *prefix = stable_subject_prefix(tp->ws->name);
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < tp->nr; i++) {
		struct ported *it = &tp->items[i];

		it->file = patch_file_name(i + 1, it->p->subject);
		ret = email_for_commit(tp->ws->repo, it->commit, i + 1, tp->nr, prefix, &it->mail);
		if (!ret)
			stable_mail_date(&it->mail, git_commit_author(it->commit));
	}
	if (!ret)
		ret = thread_mails(tp, prefix);
	free(prefix);
	return ret;
}

/* The typed record of what was ported. */
static int fill_result(struct tree_port *tp, double started)
{
	struct port_result *res = tp->res;
	char inputs[INPUTS_HEXSZ + 1];
	size_t i;

	if (stage_inputs(tp->ws, STAGE_PORT, inputs) < 0)
		return -1;
	record_head(&res->head, STAGE_PORT, tp->ws->name, git_commit_id(tp->ws->tip), inputs,
		    OUTCOME_DONE, now_s() - started);
	res->series = xstrdup(tp->ws->series_name);
	res->branch = xstrdup(ws_branch_short(tp->ws));
	res->patches = xcalloc(tp->nr, sizeof(*res->patches));
	res->npatches = tp->nr;
	for (i = 0; i < tp->nr; i++) {
		struct port_patch *pp = &res->patches[i];
		struct ported *it = &tp->items[i];

		pp->file = xstrdup(it->file);
		pp->upstream = xstrdup(it->p->upstream);
		pp->rung = xstrdup(it->a.rung);
		pp->note = xstrdup(it->a.note ? it->a.note : "");
		git_oid_tostr(pp->commit, sizeof(pp->commit), git_commit_id(it->commit));
		pp->upstream_message = it->p->msg != NULL;
	}
	return 0;
}

/*
 * A tree no rung could port: its port.json alone, with the FAILED report
 * in failure, so that ltsport report shows it; no patch, no branch.
 */
static int fill_failure(struct tree_port *tp, double started)
{
	char inputs[INPUTS_HEXSZ + 1];

	if (stage_inputs(tp->ws, STAGE_PORT, inputs) < 0)
		return -1;
	record_head(&tp->res->head, STAGE_PORT, tp->ws->name, git_commit_id(tp->ws->tip),
		    inputs, OUTCOME_FINDING, now_s() - started);
	tp->res->series = xstrdup(tp->ws->series_name);
	tp->res->branch = xstrdup(ws_branch_short(tp->ws));
	return 0;
}

/* Port's own files: what a new port replaces rather than carries over. */
static int ours(const char *name)
{
	size_t n = strlen(name);

	return !strcmp(name, "series") || !strcmp(name, record_file(STAGE_PORT)) ||
	       (n > 6 && !strcmp(name + n - 6, ".patch"));
}

/*
 * The other stages' records and logs of the previous port go with the new
 * one: the report marks them stale when their inputs changed, it never
 * loses them.
 */
static int carry_over(const char *old, const char *tmp)
{
	DIR *d = opendir(old);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return 0;
	while (!ret && (de = readdir(d))) {
		char *from, *to, *data = NULL;
		struct stat st;
		size_t len;

		if (de->d_name[0] == '.' || ours(de->d_name))
			continue;
		from = path_join(old, de->d_name);
		to = path_join(tmp, de->d_name);
		if (!lstat(from, &st) && S_ISREG(st.st_mode)) {
			ret = read_file(from, &data, &len);
			if (!ret)
				ret = write_file(to, data, len);
		}
		free(data);
		free(from);
		free(to);
	}
	closedir(d);
	return ret;
}

static int write_into(struct tree_port *tp, const char *dir)
{
	struct sbuf series = {0};
	char *path;
	size_t i;
	int ret = carry_over(tp->ws->out, dir);

	for (i = 0; !ret && !tp->res->failure && i < tp->nr; i++) {
		path = path_join(dir, tp->items[i].file);
		ret = write_file(path, tp->items[i].mail, strlen(tp->items[i].mail));
		free(path);
		sbuf_addf(&series, "%s\n", tp->items[i].file);
	}
	/* the cover letter is mailed, never applied: not in series */
	path = path_join(dir, STABLE_COVER_FILE);
	if (!ret && !tp->res->failure && tp->cover)
		ret = write_file(path, tp->cover, strlen(tp->cover));
	free(path);
	path = path_join(dir, "series");
	if (!ret && !tp->res->failure)
		ret = write_file(path, series.buf, series.len);
	free(path);
	path = path_join(dir, record_file(STAGE_PORT));
	if (!ret)
		ret = record_save(path, &port_desc, tp->res);
	free(path);
	sbuf_release(&series);
	return ret;
}

static int write_output(struct tree_port *tp)
{
	char *parent = dir_of(tp->ws->out), *tmp = NULL;
	int ret = -1;

	if (mkdir_p(parent) < 0)
		goto out;
	tmp = make_temp_dir(parent, tp->ws->name);
	if (!tmp)
		goto out;
	ret = write_into(tp, tmp);
	if (!ret)
		ret = install_dir(tmp, tp->ws->out);
	if (ret)
		rm_rf(tmp);
out:
	free(tmp);
	free(parent);
	return ret;
}

int stage_port(struct tree_ws *ws, const struct port_opts *o, struct port_result *res)
{
	struct tree_port tp = { .ws = ws, .res = res, .o = o };
	struct rungbuild rb;
	struct ladder_opts lo = { .mainline = o->mainline, .tip = ws->tip, .conf = ws->conf,
				  .build = &rb };
	double started = now_s();
	char *where = NULL;
	int ret;

	memset(res, 0, sizeof(*res));
	res->head.outcome = OUTCOME_NOT_RUN;
	if (!ws->repo)
		return 0;
	ret = select_patches(&tp);
	if (ret || !tp.nr)
		goto out;
	if (branch_checked_out_at(ws->repo, ws->branch, &where)) {
		res->failure = xprintf("%s: %s is checked out in %s; switch to another branch first",
				       ws->name, ws->branch, where);
		free(where);
		ret = 1;
		goto out;
	}
	if (git_signature_default(&tp.signoff, ws->repo) < 0) {
		ret = error("%s: no committer identity for the Signed-off-by; set git config --global user.name and user.email",
			    ws->conf->path);
		goto out;
	}
	progress("%s: adapting %zu patch(es)", ws->name, tp.nr);
	rungbuild_init(&rb, ws, o->compile);
	ret = adapt_all(&tp, &lo);
	rungbuild_release(&rb);
	if (ret > 0 && (fill_failure(&tp, started) < 0 || write_output(&tp) < 0))
		ret = -1;
	if (!ret)
		ret = format_mails(&tp);
	if (!ret)
		ret = fill_result(&tp, started);
	if (!ret)
		ret = write_output(&tp);
	if (!ret)
		ret = update_branch(ws->repo, ws->branch,
				    git_commit_id(tp.items[tp.nr - 1].commit), "ltsport port");
out:
	if (ret > 0) {
		res->head.outcome = OUTCOME_FINDING;
		ret = 0;
	}
	tree_port_release(&tp);
	return ret;
}
