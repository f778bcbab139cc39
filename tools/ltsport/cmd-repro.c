// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport repro: the proof in QEMU. Per tree, two kernels that differ only
 * by the series: "before" (the tree without it: the patches it already has
 * are taken out again) and "after" (the ported branch, or the tree as it is
 * when it has the whole series). Both get the series' race-window
 * instrumentation, identically, and boot the same reproducer. The fix is
 * proven when before loses data and after stays clean for at least ten
 * times as long as before needed, and at least a minute.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"
#include "spawn.h"
#include "context.h"
#include "ladder.h"
#include "cocci.h"
#include "kstage.h"
#include "vm.h"
#include "commands.h"

#define MIN_CLEAN_S 60
#define CLEAN_FACTOR 10
#define INITRD_TIMEOUT 900
#define BOOT_SLACK_S 240

static const char repro_usage[] =
	"usage: ltsport repro [options]\n"
	"  --seconds N        budget of the before kernel [60]; after runs\n"
	"                     max(60, 10 x before's first loss) seconds\n"
	"  --accel A          kvm, tcg or auto [auto: KVM if a probe boot works]\n"
	"  --append WORDS     more guest kernel command line (after the series')\n"
	"  --timeout N        kill QEMU after N s [2 x the guest's budget + 240]\n"
	"  --mid              also boot the after kernel without the series' last patch\n"
	"                     (for this series: patch 1 alone), to compare throughput\n"
	COMMON_USAGE;

struct repro_opts {
	int seconds;
	int timeout_s;			/* 0: from the budget */
	int mid;
	const char *accel;
	const char *append;
};

/* Per run: what every tree shares. */
struct repro_run {
	struct ctx *ctx;
	struct repro_opts *o;
	char *initrd;
	const char *accel;
};

struct side {
	const char *name;		/* "before" or "after" */
	git_tree *tree;
	char *how;
	char *image;
	char *console;			/* in the work dir while it runs */
	char *failure;			/* it could not be made or built */
	int booted;
	struct vm_result vr;
};

struct tree_repro {
	struct repro_run *run;
	struct tree_state *ts;
	struct kstage ks;
	struct side before, after, mid;
	char *cmdline;			/* the series', the tree's, --append */
	int required_s;
	char *verdict;
	int proven;
};

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
	struct tree_state *ts = tr->ts;
	struct series *s = &tr->run->ctx->series;
	struct sbuf how = {0};
	git_tree *t = NULL, *next;
	size_t j;

	if (git_commit_tree(&t, ts->tip) < 0)
		return git_fail(ts->conf->name);
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
	struct tree_state *ts = tr->ts;
	struct series *s = &tr->run->ctx->series;
	git_commit *c = NULL;
	size_t j, missing = 0;
	int rc = find_ported(tr->run->ctx, ts, &c), ret = 0;

	for (j = 0; j < s->nr; j++)
		missing += ts->pv[j].v == V_MISSING;
	if (rc == 1) {
		if (git_commit_tree(&tr->after.tree, c) < 0)
			ret = git_fail(ts->conf->name);
		tr->after.how = xprintf("branch ltsport/%s/%s", s->name, ts->conf->name);
	} else if (rc < 0) {
		ret = -1;
	} else if (!missing) {
		ret = git_commit_tree(&tr->after.tree, ts->tip) < 0 ? git_fail(ts->conf->name) : 0;
		tr->after.how = xstrdup("the tree as it is (it has the whole series)");
	} else {
		tr->after.failure = xprintf("not ported (no ltsport/%s/%s on top of %s); run ltsport port",
					    s->name, ts->conf->name, ts->conf->ref);
	}
	git_commit_free(c);
	return ret;
}

/*
 * The after kernel without the series' last patch: what a follow-up fix is
 * worth shows in the throughput of the two.
 */
static int make_mid(struct tree_repro *tr)
{
	struct series *s = &tr->run->ctx->series;
	struct series_patch *last = &s->patches[s->nr - 1];
	struct patch_verdict pv = tr->ts->pv[s->nr - 1];
	const char *by = "?";

	if (s->nr < 2) {
		tr->mid.failure = xstrdup("the series has one patch: no mid kernel");
		return 0;
	}
	/* the after tree has the last patch whether or not the tip does */
	pv.has_backport = 0;
	if (unapply_patch(tr->ts, last, &pv, tr->after.tree, &tr->mid.tree, &by)) {
		tr->mid.failure = xprintf("cannot take %.12s out of the after tree (%s)",
					  last->upstream, by);
		return 0;
	}
	tr->mid.how = xprintf("after with %.12s taken out by %s", last->upstream, by);
	return 0;
}

/* The same race-window instrumentation on both kernels. */
static int instrument(struct tree_repro *tr, struct side *sd)
{
	struct series_repro *r = &tr->run->ctx->series.repro;
	git_tree *out = NULL;
	char *changed = NULL;
	int rc;

	if (!r->instrument)
		return 0;
	rc = cocci_apply(tr->ts->repo, sd->tree, r->instrument, r->files, "patch", &out,
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

/* Write the side's sources, make bzImage, keep a copy of it. */
static int build_kernel(struct tree_repro *tr, struct side *sd)
{
	const char *const targets[] = { "bzImage", NULL };
	struct kbuild_result res;
	char *log = xprintf("%s/repro-build-%s.log", tr->ks.work, sd->name);
	char *built = path_join(tr->ks.obj, "arch/x86/boot/bzImage"), *data = NULL;
	size_t len = 0;
	int ret = -1;

	progress("%s: building the %s kernel", tr->ts->conf->name, sd->name);
	if (kstage_checkout(&tr->ks, sd->tree) < 0 || kstage_config(&tr->ks, &sd->failure) < 0)
		goto out;
	if (sd->failure) {
		ret = 0;
		goto out;
	}
	if (kbuild_make(&tr->ks.kb, targets, log, &res) < 0)
		goto out;
	ret = 0;
	if (!res.ok)
		sd->failure = xprintf("the %s kernel does not build: %s (see %s)", sd->name,
				      res.first_error, log);
	else if (read_file(built, &data, &len) == 0)
		ret = write_file_atomic(sd->image, data, len);
	else
		ret = -1;
	kbuild_result_release(&res);
out:
	free(data);
	free(built);
	free(log);
	return ret;
}

/* The guest, once per run: make -C <repro dir> O=backports/.work/repro. */
static int build_initrd(struct repro_run *run)
{
	const char *dir = run->ctx->series.repro.dir;
	char *o = xprintf("%s/../.work/repro", run->ctx->out_dir);
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
		run->initrd = path_join(o, "initramfs.gz");
out:
	spawn_result_release(&res);
	free(log);
	free(oarg);
	free(o);
	return ret;
}

static int boot(struct tree_repro *tr, struct side *sd, int seconds)
{
	struct vm_boot b = {
		.kernel = sd->image, .initrd = tr->run->initrd, .cmdline = tr->cmdline,
		.console = sd->console, .accel = tr->run->accel, .seconds = seconds,
		.timeout_s = tr->run->o->timeout_s ? tr->run->o->timeout_s :
			     2 * seconds + BOOT_SLACK_S,
	};

	progress("%s: booting the %s kernel (%s, %d s)", tr->ts->conf->name, sd->name,
		 b.accel, seconds);
	if (vm_run(&b, &sd->vr) < 0)
		return -1;
	sd->booted = 1;
	return 0;
}

static char *describe(const struct side *sd)
{
	const struct vm_result *r = &sd->vr;

	if (sd->failure)
		return xstrdup(sd->failure);
	if (!sd->booted)
		return xstrdup("not booted");
	if (!r->has_result)
		return xprintf("no result: %s", r->why);
	if (!strcmp(r->kind, "loss"))
		return xprintf("reproduced: %lu page%s lost, %lu misload%s in %lu round%s, first after %.1f s",
			       r->lost, r->lost == 1 ? "" : "s", r->misloads,
			       r->misloads == 1 ? "" : "s", r->rounds, r->rounds == 1 ? "" : "s",
			       r->first_loss);
	if (!strcmp(r->kind, "clean"))
		return xprintf("no loss in %lu round%s, %.1f s (%llu writes/s, %llu pages swapped in)",
			       r->rounds, r->rounds == 1 ? "" : "s", r->seconds, r->throughput,
			       r->pswpin);
	return xprintf("the reproducer could not run: %s",
		       r->guest_error ? r->guest_error : "see the console log");
}

static int is_kind(const struct side *sd, const char *kind)
{
	return sd->booted && sd->vr.has_result && !strcmp(sd->vr.kind, kind);
}

/* The verdict, from both boots; proven is the only good news. */
static void decide(struct tree_repro *tr)
{
	struct side *b = &tr->before, *a = &tr->after;

	if (b->failure || a->failure) {
		tr->verdict = xprintf("not run: %s", b->failure ? b->failure : a->failure);
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
		tr->verdict = xprintf("proven: loss in %.1f s before, none in %.0f s after (needed %d s)",
				      b->vr.first_loss, a->vr.seconds, tr->required_s);
	}
}

static void add_side_json(struct sbuf *sb, struct side *sd)
{
	const struct vm_result *r = &sd->vr;
	char *text = describe(sd);

	sbuf_addf(sb, ",\"%s\":{\"how\":", sd->name);
	sbuf_add_json(sb, sd->how ? sd->how : "");
	sbuf_adds(sb, ",\"summary\":");
	sbuf_add_json(sb, text);
	sbuf_adds(sb, ",\"result\":");
	sbuf_add_json(sb, r->has_result ? r->kind : sd->booted ? "none" : "not booted");
	sbuf_addf(sb, ",\"rounds\":%lu,\"seconds\":%.1f,\"lost\":%lu,\"misloads\":%lu",
		  r->rounds, r->seconds, r->lost, r->misloads);
	sbuf_addf(sb, ",\"first_loss_s\":%.1f,\"throughput\":%llu,\"pswpin\":%llu",
		  r->first_loss, r->throughput, r->pswpin);
	sbuf_addf(sb, ",\"pswpout\":%llu,\"init_s\":%.2f,\"wall_s\":%.1f,\"log\":",
		  r->pswpout, r->init_at, r->wall);
	sbuf_add_json(sb, sd->booted ? sd->console : "");
	sbuf_adds(sb, "}");
	free(text);
}

/* The consoles next to repro.json, then repro.json: results land together. */
static int write_results(struct tree_repro *tr)
{
	struct ctx *ctx = tr->run->ctx;
	char *out = path_join(ctx->out_dir, tr->ts->conf->name), *path = NULL;
	char tip[GIT_OID_HEXSZ + 1];
	struct sbuf sb = {0};
	struct side *sides[] = { &tr->before, &tr->after, &tr->mid };
	size_t i;
	int ret = mkdir_p(out);

	for (i = 0; !ret && i < ARRAY_SIZE(sides); i++) {
		char *dest;

		if (!sides[i]->booted)
			continue;
		dest = xprintf("%s/repro-%s.log", out, sides[i]->name);
		if (rename(sides[i]->console, dest) < 0)
			ret = error("%s: cannot move the console log there", dest);
		free(sides[i]->console);
		sides[i]->console = dest;
	}
	git_oid_tostr(tip, sizeof(tip), git_commit_id(tr->ts->tip));
	sbuf_adds(&sb, "{\"tree\":");
	sbuf_add_json(&sb, tr->ts->conf->name);
	sbuf_addf(&sb, ",\"tip\":\"%s\",\"accel\":\"%s\",\"verdict\":", tip,
		  tr->run->accel ? tr->run->accel : "");
	sbuf_add_json(&sb, tr->verdict);
	sbuf_addf(&sb, ",\"proven\":%s,\"required_s\":%d,\"cmdline\":",
		  tr->proven ? "true" : "false", tr->required_s);
	sbuf_add_json(&sb, tr->cmdline);
	add_side_json(&sb, &tr->before);
	add_side_json(&sb, &tr->after);
	if (tr->run->o->mid)
		add_side_json(&sb, &tr->mid);
	sbuf_adds(&sb, "}\n");
	path = path_join(out, "repro.json");
	if (!ret)
		ret = write_file_atomic(path, sb.buf, sb.len);
	sbuf_release(&sb);
	free(path);
	free(out);
	return ret;
}

static void print_side(struct tree_repro *tr, struct side *sd)
{
	char *text = describe(sd);

	printf("%s: %s (%s): %s\n", tr->ts->conf->name, sd->name,
	       sd->how ? sd->how : "-", text);
	if (sd->booted && !sd->vr.has_result && sd->vr.tail)
		printf("  last lines of the console:\n%s", sd->vr.tail);
	free(text);
}

static int prepare_sides(struct tree_repro *tr)
{
	struct side *sides[] = { &tr->before, &tr->after, &tr->mid };
	size_t i, n = tr->run->o->mid ? 3 : 2;

	if (make_before(tr) < 0 || make_after(tr) < 0)
		return -1;
	if (n == 3 && !tr->after.failure && make_mid(tr) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (!sides[i]->failure && instrument(tr, sides[i]) < 0)
			return -1;
	if (tr->before.failure || tr->after.failure)
		return 0;
	if (kstage_open(&tr->ks, tr->run->ctx, tr->ts) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		sides[i]->image = xprintf("%s/repro-%s.bzImage", tr->ks.work, sides[i]->name);
		sides[i]->console = xprintf("%s/repro-%s.console", tr->ks.work, sides[i]->name);
	}
	for (i = 0; i < n; i++)
		if (!sides[i]->failure && (i == 0 || !tr->before.failure) &&
		    build_kernel(tr, sides[i]) < 0)
			return -1;
	return 0;
}

/* The guest and the accelerator, once per run, at the first tree booted. */
static int pick_accel(struct tree_repro *tr)
{
	struct vm_boot probe = {
		.kernel = tr->before.image, .cmdline = tr->cmdline,
		.console = tr->before.console, .timeout_s = tr->run->o->timeout_s,
	};
	char *note = NULL;

	if (tr->run->accel)
		return 0;
	if (!tr->run->initrd && build_initrd(tr->run) < 0)
		return -1;
	probe.initrd = tr->run->initrd;
	tr->run->accel = vm_pick_accel(tr->run->o->accel, &probe, &note);
	if (note)
		printf("repro: %s\n", note);
	free(note);
	return 0;
}

/* The guest's words: the series', then the tree's, then --append (last wins). */
static char *guest_cmdline(struct ctx *ctx, struct tree_state *ts, struct repro_opts *o)
{
	const char *const parts[] = {
		ctx->series.repro.cmdline, ts->conf->repro_cmdline, o->append,
	};
	struct sbuf sb = {0};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(parts); i++)
		if (parts[i] && *parts[i])
			sbuf_addf(&sb, "%s%s", sb.len ? " " : "", parts[i]);
	return sb.len ? sbuf_detach(&sb) : xstrdup("");
}

static int repro_tree(struct repro_run *run, struct tree_state *ts)
{
	struct tree_repro tr = { .run = run, .ts = ts, .before.name = "before",
				 .after.name = "after", .mid.name = "mid" };
	int ret = -1;

	tr.cmdline = guest_cmdline(run->ctx, ts, run->o);

	if (prepare_sides(&tr) < 0)
		goto out;
	if (!tr.before.failure && !tr.after.failure) {
		if (pick_accel(&tr) < 0 || boot(&tr, &tr.before, run->o->seconds) < 0)
			goto out;
		if (is_kind(&tr.before, "loss")) {
			double need = CLEAN_FACTOR * tr.before.vr.first_loss;

			tr.required_s = (int)need + ((int)need < need);
			if (tr.required_s < MIN_CLEAN_S)
				tr.required_s = MIN_CLEAN_S;
			if (boot(&tr, &tr.after, tr.required_s) < 0)
				goto out;
			if (run->o->mid && !tr.mid.failure && !tr.after.failure &&
			    boot(&tr, &tr.mid, tr.required_s) < 0)
				goto out;
		}
	}
	decide(&tr);
	print_side(&tr, &tr.before);
	print_side(&tr, &tr.after);
	if (run->o->mid)
		print_side(&tr, &tr.mid);
	printf("%s: repro: %s\n", ts->conf->name, tr.verdict);
	ret = write_results(&tr) < 0 ? -1 : !tr.proven;
out:
	side_release(&tr.before);
	side_release(&tr.after);
	side_release(&tr.mid);
	kstage_release(&tr.ks);
	free(tr.cmdline);
	free(tr.verdict);
	return ret;
}

static int parse_seconds(const char *opt, const char *arg, int *out)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (!*arg || *end || v < 1 || v > 86400)
		return error("--%s %s: want a whole number of seconds, 1 to 86400", opt, arg);
	*out = (int)v;
	return 0;
}

static int repro_option(int c, const char *arg, void *data)
{
	struct repro_opts *o = data;

	switch (c) {
	case 'S':
		return parse_seconds("seconds", arg, &o->seconds);
	case 'T':
		return parse_seconds("timeout", arg, &o->timeout_s);
	case 'a':
		if (strcmp(arg, "kvm") && strcmp(arg, "tcg") && strcmp(arg, "auto"))
			return error("--accel %s: want kvm, tcg or auto", arg), -1;
		o->accel = arg;
		return 0;
	case 'A':
		o->append = arg;
		return 0;
	case 'm':
		o->mid = 1;
		return 0;
	}
	return -1;
}

int cmd_repro(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 'S' },
		{ "accel", required_argument, NULL, 'a' },
		{ "append", required_argument, NULL, 'A' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "mid", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	struct repro_opts o = { .seconds = 60, .accel = "auto" };
	struct repro_run run = { .o = &o };
	struct ctx ctx = {0};
	int ret = EXIT_USAGE;
	size_t i;

	if (ctx_start(&ctx, argc, argv, opts, repro_option, &o, repro_usage, 1, &ret))
		goto out;
	if (!ctx.series.repro.dir) {
		error("%s/series.conf: no [repro] section; name the guest's dir = there",
		      ctx.series.dir);
		goto out;
	}
	run.ctx = &ctx;
	for (i = 0; i < ctx.nts; i++) {
		struct tree_state *ts = &ctx.ts[i];
		int rc;

		if (!ts->repo) {
			printf("%s: repro: tree absent, not booted\n", ts->conf->name);
			continue;
		}
		if (ts->state == V_NOT_AFFECTED) {
			printf("%s: repro: not affected, nothing to reproduce\n", ts->conf->name);
			continue;
		}
		/* NOT FIXED and not proven are verdicts in repro.json */
		rc = repro_tree(&run, ts);
		if (rc < 0) {
			ret = EXIT_ERROR;
			goto out;
		}
	}
	ret = EXIT_OK;
out:
	free(run.initrd);
	ctx_release(&ctx);
	return ret;
}
