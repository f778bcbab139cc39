// SPDX-License-Identifier: GPL-2.0
/*
 * The repro stage: the proof in QEMU. Per tree, two kernels that differ
 * only by the series: "before" (the tree without it: the patches it
 * already has are taken out again) and "after" (the ported branch, or the
 * tree as it is when it has the whole series). Both get the series'
 * instrumentation, identically, and boot the same reproducer. The fix is
 * proven when before fails and after stays clean for at least ten times as
 * long as before needed, and at least a minute. The decision reads only the
 * result protocol's generic words (result, seconds, first failure); the
 * counters a result shows are the series' ([repro] counters =).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "spawn.h"
#include "conf.h"
#include "series.h"
#include "verdict.h"
#include "workspace.h"
#include "results.h"
#include "ladder.h"
#include "cocci.h"
#include "kstage.h"
#include "vm.h"
#include "stages.h"

#define MIN_CLEAN_S 60
#define CLEAN_FACTOR 10
#define INITRD_TIMEOUT 900
#define BOOT_SLACK_S 240

struct side {
	const char *name;		/* "before", "after" or "mid" */
	git_tree *tree;
	char *how;
	char *image;
	char *console;			/* in the work dir while it runs, then beside the record */
	char *failure;			/* it could not be made or built */
	int booted;
	struct vm_result vr;
};

struct tree_repro {
	struct tree_ws *ws;
	const struct repro_opts *o;
	struct repro_env *env;
	struct kstage ks;
	struct side before, after, mid;
	char *cmdline;			/* the series', the tree's, --append */
	int required_s;
	char *verdict;
	int proven;
	enum outcome outcome;
};

/* ---- [repro] counters = ---- */

static int is_counter_name(const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return p != s && p - s <= 32;
}

/* "page|pages lost" -> "page lost", "pages lost"; no '|': the same words. */
static void split_words(const char *words, char **one, char **many)
{
	const char *bar = strchr(words, '|'), *start, *end;

	if (!bar) {
		*one = xstrdup(words);
		*many = xstrdup(words);
		return;
	}
	for (start = bar; start > words && start[-1] != ' '; start--)
		;
	end = bar + strcspn(bar, " ");
	*one = xprintf("%.*s%.*s", (int)(bar - words), words, (int)strlen(end), end);
	*many = xprintf("%.*s%s", (int)(start - words), words, bar + 1);
}

static char *trimmed(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return xstrndup(s, n);
}

int repro_counters_parse(const char *text, struct repro_counters *c, char **why)
{
	const char *p = text;

	memset(c, 0, sizeof(*c));
	*why = NULL;
	while (p && *p) {
		size_t n = strcspn(p, ",");
		char *item = trimmed(p, n), *save = NULL;
		char *kind = strtok_r(item, " \t", &save);
		char *name = kind ? strtok_r(NULL, " \t", &save) : NULL;
		char *words = name ? save + strspn(save, " \t") : NULL;
		struct repro_shown *s;

		if (!kind || !name || !words || !*words || strchr(words, '|') != strrchr(words, '|') ||
		    (strcmp(kind, "loss") && strcmp(kind, "clean")) || !is_counter_name(name)) {
			*why = xprintf("'%.*s': want <loss|clean> <counter> <words>, counter of [a-z0-9_], at most one | in the words",
				       (int)n, p);
			free(item);
			repro_counters_release(c);
			return -1;
		}
		c->v = xrealloc(c->v, (c->nr + 1) * sizeof(*c->v));
		s = &c->v[c->nr++];
		s->kind = xstrdup(kind);
		s->name = xstrdup(name);
		split_words(words, &s->one, &s->many);
		free(item);
		p += n + (p[n] == ',');
	}
	return 0;
}

void repro_counters_release(struct repro_counters *c)
{
	size_t i;

	for (i = 0; i < c->nr; i++) {
		free(c->v[i].kind);
		free(c->v[i].name);
		free(c->v[i].one);
		free(c->v[i].many);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* "12 pages lost, 1 misload": the counters the series shows for this kind. */
static void add_shown(struct sbuf *sb, const struct repro_counters *c, const struct vm_result *r)
{
	size_t i, k = 0;

	for (i = 0; c && i < c->nr; i++) {
		const char *v = vm_counter(r, c->v[i].name);

		if (!v || strcmp(c->v[i].kind, r->kind))
			continue;
		sbuf_addf(sb, "%s%s %s", k++ ? ", " : "", v,
			  !strcmp(v, "1") ? c->v[i].one : c->v[i].many);
	}
}

/* ---- the kernels ---- */

static void side_release(struct side *s)
{
	git_tree_free(s->tree);
	free(s->how);
	free(s->image);
	free(s->console);
	free(s->failure);
	vm_result_release(&s->vr);
}

/* The tip with every series patch it has taken out, last first. */
static int make_before(struct tree_repro *tr)
{
	struct tree_state *ts = tr->ws->ts;
	struct series *s = tr->ws->series;
	struct sbuf how = {0};
	git_tree *t = NULL, *next;
	size_t j;

	if (git_commit_tree(&t, ts->tip) < 0)
		return git_fail(tr->ws->name);
	for (j = s->nr; j-- > 0; ) {
		const char *by = "?";

		if (ts->pv[j].v != V_FIXED)
			continue;
		if (unapply_patch(ts, &s->patches[j], &ts->pv[j], t, &next, &by)) {
			tr->before.failure = xprintf("cannot take %.12s out (%s)",
						     s->patches[j].upstream, by);
			break;
		}
		sbuf_addf(&how, "%s%.12s taken out by %s", how.len ? ", " : "",
			  s->patches[j].upstream, by);
		git_tree_free(t);
		t = next;
	}
	tr->before.tree = t;
	tr->before.how = how.len ? sbuf_detach(&how) : xstrdup("the tree as it is");
	sbuf_release(&how);
	return 0;
}

/* The ported branch, or the tip when it has the whole series. */
static int make_after(struct tree_repro *tr)
{
	struct tree_ws *ws = tr->ws;
	git_commit *c = NULL;
	size_t j, missing = 0;
	int rc = ws_find_ported(ws, &c), ret = 0;

	for (j = 0; j < ws->series->nr; j++)
		missing += ws->ts->pv[j].v == V_MISSING;
	if (rc == 1) {
		if (git_commit_tree(&tr->after.tree, c) < 0)
			ret = git_fail(ws->name);
		tr->after.how = xprintf("branch %s", ws_branch_short(ws));
	} else if (rc < 0) {
		ret = -1;
	} else if (!missing) {
		ret = git_commit_tree(&tr->after.tree, ws->tip) < 0 ? git_fail(ws->name) : 0;
		tr->after.how = xstrdup("the tree as it is (it has the whole series)");
	} else {
		tr->after.failure = xprintf("not ported (no %s on top of %s); run ltsport port",
					    ws_branch_short(ws), ws->conf->ref);
	}
	git_commit_free(c);
	return ret;
}

/*
 * The after kernel without the series' last patch: what a follow-up fix is
 * worth shows in the counters of the two.
 */
static int make_mid(struct tree_repro *tr)
{
	struct series *s = tr->ws->series;
	struct series_patch *last = &s->patches[s->nr - 1];
	struct patch_verdict pv = tr->ws->ts->pv[s->nr - 1];
	const char *by = "?";

	if (s->nr < 2) {
		tr->mid.failure = xstrdup("the series has one patch: no mid kernel");
		return 0;
	}
	/* the after tree has the last patch whether or not the tip does */
	pv.has_backport = 0;
	if (unapply_patch(tr->ws->ts, last, &pv, tr->after.tree, &tr->mid.tree, &by)) {
		tr->mid.failure = xprintf("cannot take %.12s out of the after tree (%s)",
					  last->upstream, by);
		return 0;
	}
	tr->mid.how = xprintf("after with %.12s taken out by %s", last->upstream, by);
	return 0;
}

/* The same instrumentation on every kernel. */
static int instrument(struct tree_repro *tr, struct side *sd)
{
	struct series_repro *r = &tr->ws->series->repro;
	git_tree *out = NULL;
	char *changed = NULL;
	int rc;

	if (!r->instrument)
		return 0;
	rc = cocci_apply(tr->ws->repo, sd->tree, r->instrument, r->files, "patch", &out,
			 &changed);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		sd->failure = xprintf("%s changes nothing here: no place to widen the race",
				      base_name(r->instrument));
		return 0;
	}
	git_tree_free(sd->tree);
	sd->tree = out;
	free(changed);
	return 0;
}

/* The side's kernel, by the build stage; a kernel that does not build is said so. */
static int side_kernel(struct tree_repro *tr, struct side *sd)
{
	char *name = xprintf("repro-build-%s.log", sd->name);
	char *log = ws_path(tr->ws, WS_LOG, name), *why = NULL;
	int ret;

	progress("%s: building the %s kernel", tr->ws->name, sd->name);
	ret = build_kernel(&tr->ks, sd->tree, log, sd->image, &why);
	if (!ret && why)
		sd->failure = xprintf("the %s kernel does not build: %s", sd->name, why);
	free(why);
	free(log);
	free(name);
	return ret;
}

/* The guest, once per run: make -C <repro dir> O=backports/.work/repro. */
static int build_initrd(struct tree_repro *tr)
{
	const char *dir = tr->ws->series->repro.dir;
	char *o = ws_shared_path(tr->ws, "repro");
	char *oarg = xprintf("O=%s", o), *log = path_join(o, "make.log");
	const char *const argv[] = { "make", "-s", "-C", dir, oarg, NULL };
	struct spawn_result res = {0};
	int ret = mkdir_p(o);

	if (ret < 0) {
		error("%s: cannot make the directory", o);
		goto out;
	}
	progress("building the guest in %s", o);
	unlink(log);
	ret = spawn_run(argv, NULL, INITRD_TIMEOUT, log, &res);
	if (!ret && res.status)
		ret = error("make -C %s failed (exit %d); see %s", dir, res.status, log);
	if (!ret)
		tr->env->initrd = path_join(o, "initramfs.gz");
out:
	spawn_result_release(&res);
	free(log);
	free(oarg);
	free(o);
	return ret;
}

static const char *arch_of(const struct tree_repro *tr)
{
	return tr->ws->conf->arch ? tr->ws->conf->arch : "x86_64";
}

static int boot(struct tree_repro *tr, struct side *sd, int seconds)
{
	char *label = xprintf("%s: repro %s", tr->ws->name, sd->name);
	struct vm_boot b = {
		.kernel = sd->image, .initrd = tr->env->initrd, .cmdline = tr->cmdline,
		.console = sd->console, .accel = tr->env->accel, .arch = tr->ws->conf->arch,
		.seconds = seconds,
		.timeout_s = tr->o->timeout_s ? tr->o->timeout_s : 2 * seconds + BOOT_SLACK_S,
		.label = label,
	};
	int ret;

	progress("%s: booting the %s kernel (%s, %d s)", tr->ws->name, sd->name, b.accel,
		 seconds);
	ret = vm_run(&b, &sd->vr);
	free(label);
	if (ret < 0)
		return -1;
	sd->booted = 1;
	return 0;
}

/*
 * --accel auto's choice, kept in backports/.work/repro/accel-<arch> with
 * what the probe depends on (vm_host_key): a later run, or the next tree
 * of this one, takes it without the probe boot (up to 45 s where nested
 * KVM hangs). Removing the file probes again.
 */
static char *accel_file(const struct tree_repro *tr)
{
	char *name = xprintf("repro/accel-%s", arch_of(tr));
	char *path = ws_shared_path(tr->ws, name);

	free(name);
	return path;
}

/* The kept choice for this key: "<key>accel <kvm|tcg>\n<note>\n". */
static int load_accel(struct tree_repro *tr, const char *file, const char *key)
{
	struct repro_env *env = tr->env;
	char *text = NULL, *p, *note;
	size_t n = strlen(key);
	int ok = 0;

	if (read_file_quiet(file, &text) || strncmp(text, key, n))
		goto out;
	p = text + n;
	if (!strncmp(p, "accel kvm\n", 10) || !strncmp(p, "accel tcg\n", 10)) {
		note = p + 10;
		env->accel = !strncmp(p + 6, "kvm", 3) ? "kvm" : "tcg";
		if (*note && *note != '\n')
			env->note = xprintf("%.*s (kept from an earlier probe in %s)",
					    (int)strcspn(note, "\n"), note, file);
		ok = 1;
	}
out:
	free(text);
	return ok;
}

static int save_accel(struct tree_repro *tr, const char *file, const char *key)
{
	const char *note = tr->env->note ? tr->env->note : "";
	char *text = xprintf("%saccel %s\n%s\n", key, tr->env->accel, note);
	int ret = write_file_atomic(file, text, strlen(text));

	free(text);
	return ret;
}

/*
 * The guest once per run, the accelerator once per arch, at the first
 * tree booted; under auto, the choice of an earlier probe on this host.
 */
static int pick_accel(struct tree_repro *tr)
{
	struct vm_boot probe = {
		.kernel = tr->before.image, .cmdline = tr->cmdline, .arch = tr->ws->conf->arch,
		.console = tr->before.console, .timeout_s = tr->o->timeout_s,
	};
	struct repro_env *env = tr->env;
	char *file = NULL, *key = NULL;
	int ret = 0;

	if (env->accel && !strcmp(env->accel_arch, arch_of(tr)))
		return 0;
	if (!env->initrd && build_initrd(tr) < 0)
		return -1;
	free(env->note);
	env->note = NULL;
	free(env->accel_arch);
	env->accel_arch = xstrdup(arch_of(tr));
	if (!strcmp(tr->o->accel, "auto")) {
		file = accel_file(tr);
		key = vm_host_key(arch_of(tr));
		if (key && load_accel(tr, file, key))
			goto out;
		progress("%s: probing KVM with a short boot of the before kernel", tr->ws->name);
	}
	probe.initrd = env->initrd;
	env->accel = vm_pick_accel(tr->o->accel, &probe, &env->note);
	if (key)
		ret = save_accel(tr, file, key);
out:
	free(file);
	free(key);
	return ret;
}

static int prepare_sides(struct tree_repro *tr)
{
	struct side *sides[] = { &tr->before, &tr->after, &tr->mid };
	const char *img = kernel_image_of(tr->ws);
	size_t i, n = tr->o->mid ? 3 : 2;

	if (make_before(tr) < 0 || make_after(tr) < 0)
		return -1;
	if (n == 3 && !tr->after.failure && make_mid(tr) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (!sides[i]->failure && instrument(tr, sides[i]) < 0)
			return -1;
	if (tr->before.failure || tr->after.failure)
		return 0;
	if (kstage_open(&tr->ks, tr->ws) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		char *file = xprintf("repro-%s.%s", sides[i]->name, img ? base_name(img) : "img");

		sides[i]->image = ws_path(tr->ws, WS_WORK, file);
		free(file);
		file = xprintf("repro-%s.console", sides[i]->name);
		sides[i]->console = ws_path(tr->ws, WS_WORK, file);
		free(file);
	}
	for (i = 0; i < n; i++)
		if (!sides[i]->failure && (i == 0 || !tr->before.failure) &&
		    side_kernel(tr, sides[i]) < 0)
			return -1;
	return 0;
}

/* ---- the decision ---- */

static int is_kind(const struct side *sd, const char *kind)
{
	return sd->booted && sd->vr.has_result && !strcmp(sd->vr.kind, kind);
}

/* The verdict, from both boots; proven is the only good news. */
static void decide(struct tree_repro *tr)
{
	struct side *b = &tr->before, *a = &tr->after;

	tr->outcome = OUTCOME_FINDING;
	if (b->failure || a->failure) {
		tr->verdict = xprintf("not run: %s", b->failure ? b->failure : a->failure);
		tr->outcome = OUTCOME_NOT_RUN;
	} else if (b->vr.not_instrumented || a->vr.not_instrumented) {
		tr->verdict = xprintf("not proven: the %s kernel is not instrumented",
				      b->vr.not_instrumented ? "before" : "after");
	} else if (!is_kind(b, "loss") && !is_kind(b, "clean")) {
		tr->verdict = xstrdup("not proven: the before kernel gave no result");
	} else if (is_kind(b, "clean")) {
		tr->verdict = xprintf("not proven: no loss without the series in %.0f s; raise --seconds or the delay",
				      b->vr.seconds);
	} else if (is_kind(a, "loss")) {
		tr->verdict = xstrdup("NOT FIXED: the after kernel loses data too");
	} else if (!is_kind(a, "clean")) {
		tr->verdict = xstrdup("not proven: the after kernel gave no result");
	} else if (a->vr.seconds + 0.5 < tr->required_s) {
		tr->verdict = xprintf("not proven: after ran %.0f s of the %d s needed",
				      a->vr.seconds, tr->required_s);
	} else {
		tr->proven = 1;
		tr->outcome = OUTCOME_DONE;
		tr->verdict = xprintf("proven: loss in %.1f s before, none in %.0f s after (needed %d s)",
				      b->vr.first_loss, a->vr.seconds, tr->required_s);
	}
}

static char *describe(const struct tree_repro *tr, const struct side *sd)
{
	const struct vm_result *r = &sd->vr;
	struct sbuf sb = {0};
	char *text;

	if (sd->failure)
		return xstrdup(sd->failure);
	if (!sd->booted)
		return xstrdup("not booted");
	if (!r->has_result)
		return xprintf("no result: %s", r->why);
	if (!strcmp(r->kind, "loss")) {
		add_shown(&sb, tr->o->shown, r);
		text = xprintf("reproduced%s%s in %lu round%s, first after %.1f s",
			       sb.len ? ": " : "", sb.len ? sb.buf : "", r->rounds,
			       r->rounds == 1 ? "" : "s", r->first_loss);
		sbuf_release(&sb);
		return text;
	}
	if (!strcmp(r->kind, "clean")) {
		add_shown(&sb, tr->o->shown, r);
		text = xprintf("no loss in %lu round%s, %.1f s%s%s%s", r->rounds,
			       r->rounds == 1 ? "" : "s", r->seconds, sb.len ? " (" : "",
			       sb.len ? sb.buf : "", sb.len ? ")" : "");
		sbuf_release(&sb);
		return text;
	}
	return xprintf("the reproducer could not run: %s",
		       r->guest_error ? r->guest_error : "see the console log");
}

/* ---- the record ---- */

static uint64_t counter_u64(const struct vm_result *r, const char *name)
{
	unsigned long long v;

	vm_counter_ull(r, name, &v);
	return v;
}

/* v as the console and the clock are worth: digits after the point */
static double rounded(double v, int digits)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.*f", digits, v);
	return strtod(buf, NULL);
}

static void fill_side(struct tree_repro *tr, struct side *sd, struct repro_side *rs)
{
	const struct vm_result *r = &sd->vr;
	size_t i;

	rs->present = 1;
	rs->how = xstrdup(sd->how ? sd->how : "");
	rs->summary = describe(tr, sd);
	rs->result = xstrdup(r->has_result ? r->kind : sd->booted ? "none" : "not booted");
	rs->rounds = r->rounds;
	rs->seconds = rounded(r->seconds, 1);
	rs->first_loss_s = rounded(r->first_loss, 1);
	/* the record's fixed fields: the counters of the same name, 0 when absent */
	rs->lost = counter_u64(r, "lost");
	rs->misloads = counter_u64(r, "misloads");
	rs->throughput = counter_u64(r, "throughput");
	rs->pswpin = counter_u64(r, "pswpin");
	rs->pswpout = counter_u64(r, "pswpout");
	rs->init_s = rounded(r->init_at, 2);
	rs->wall_s = rounded(r->wall, 1);
	rs->log = xstrdup(sd->booted ? sd->console : "");
	rs->tail = sd->booted && !r->has_result && r->tail ? xstrdup(r->tail) : NULL;
	rs->counters = r->nr_counters ? xcalloc(r->nr_counters, sizeof(*rs->counters)) : NULL;
	rs->ncounters = r->nr_counters;
	for (i = 0; i < r->nr_counters; i++) {
		rs->counters[i].name = xstrdup(r->counters[i].name);
		rs->counters[i].value = xstrdup(r->counters[i].value);
	}
}

/* The consoles beside the record: results land together. */
static int keep_consoles(struct tree_repro *tr)
{
	struct side *sides[] = { &tr->before, &tr->after, &tr->mid };
	size_t i;

	if (mkdir_p(tr->ws->out) < 0)
		return error("%s: cannot make the directory", tr->ws->out);
	for (i = 0; i < ARRAY_SIZE(sides); i++) {
		char *name, *dest;

		if (!sides[i]->booted)
			continue;
		name = xprintf("repro-%s.log", sides[i]->name);
		dest = ws_path(tr->ws, WS_OUT, name);
		free(name);
		if (rename(sides[i]->console, dest) < 0) {
			error("%s: cannot move the console log there", dest);
			free(dest);
			return -1;
		}
		free(sides[i]->console);
		sides[i]->console = dest;
	}
	return 0;
}

/* The guest's words: the series', then the tree's, then --append (last wins). */
static char *guest_cmdline(const struct tree_ws *ws, const struct repro_opts *o)
{
	const char *const parts[] = {
		ws->series->repro.cmdline, ws->conf->repro_cmdline, o->append,
	};
	struct sbuf sb = {0};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(parts); i++)
		if (parts[i] && *parts[i])
			sbuf_addf(&sb, "%s%s", sb.len ? " " : "", parts[i]);
	return sb.len ? sbuf_detach(&sb) : xstrdup("");
}

static int boot_all(struct tree_repro *tr)
{
	double need;

	if (pick_accel(tr) < 0 || boot(tr, &tr->before, tr->o->seconds) < 0)
		return -1;
	if (!is_kind(&tr->before, "loss"))
		return 0;
	need = CLEAN_FACTOR * tr->before.vr.first_loss;
	tr->required_s = (int)need + ((int)need < need);
	if (tr->required_s < MIN_CLEAN_S)
		tr->required_s = MIN_CLEAN_S;
	if (boot(tr, &tr->after, tr->required_s) < 0)
		return -1;
	if (tr->o->mid && !tr->mid.failure && boot(tr, &tr->mid, tr->required_s) < 0)
		return -1;
	return 0;
}

int stage_repro(struct tree_ws *ws, const struct repro_opts *o, struct repro_env *env,
		struct repro_result *r)
{
	struct tree_repro tr = { .ws = ws, .o = o, .env = env, .before.name = "before",
				 .after.name = "after", .mid.name = "mid" };
	char inputs[INPUTS_HEXSZ + 1];
	double t0 = now_s();
	int ret = -1;

	memset(r, 0, sizeof(*r));
	if (!ws->ts || !ws->series || !ws->series->nr)
		return error("%s: no tree state or series to reproduce", ws->name);
	if (stage_inputs(ws, STAGE_REPRO, inputs) < 0)
		return -1;
	tr.cmdline = guest_cmdline(ws, o);
	if (prepare_sides(&tr) < 0)
		goto out;
	if (!tr.before.failure && !tr.after.failure && boot_all(&tr) < 0)
		goto out;
	decide(&tr);
	if (keep_consoles(&tr) < 0)
		goto out;
	r->accel = xstrdup(env->accel && tr.before.booted ? env->accel : "");
	r->verdict = xstrdup(tr.verdict);
	r->proven = tr.proven;
	r->required_s = tr.required_s;
	r->cmdline = xstrdup(tr.cmdline);
	fill_side(&tr, &tr.before, &r->before);
	fill_side(&tr, &tr.after, &r->after);
	if (o->mid)
		fill_side(&tr, &tr.mid, &r->mid);
	record_head(&r->head, STAGE_REPRO, ws->name, git_commit_id(ws->tip), inputs, tr.outcome,
		    now_s() - t0);
	ret = 0;
out:
	side_release(&tr.before);
	side_release(&tr.after);
	side_release(&tr.mid);
	kstage_release(&tr.ks);
	free(tr.cmdline);
	free(tr.verdict);
	return ret;
}

void repro_env_release(struct repro_env *env)
{
	free(env->initrd);
	free(env->accel_arch);
	free(env->note);
	memset(env, 0, sizeof(*env));
}
