// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport run: the maintainer's day in one command. status over every
 * tree, then per tree port, check, build --quick, backtest and repro, each
 * skipped while its record is up to date (same tip, same inputs), then the
 * report. Every stage is this same program run as a child (the stages keep
 * their own locks, limits and records); with --jobs N, N trees go at once,
 * each as a child `ltsport run --tree T` whose output goes to the tree's
 * run.log. The exit code is the verdict: 0 every present tree is fixed or
 * proven in QEMU, 1 a tree needs a maintainer (the reason is printed), 2
 * bad input, 3 a stage could not do its work.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "fsutil.h"
#include "spawn.h"
#include "context.h"
#include "results.h"
#include "commands.h"

static const char run_usage[] =
	"usage: ltsport run [options]\n"
	"  --jobs N           trees worked on at once (default: cores / 2, at least 1)\n"
	"  --force            run every stage, even where its record is up to date\n"
	"  --no-repro         stop before the proof in QEMU\n"
	COMMON_USAGE;

struct run_opts {
	int jobs;
	int force;
	int no_repro;
	int no_report;		/* a child of --jobs: the parent reports */
};

/* A stage as run for one tree, and the records that say it is done. */
struct run_stage {
	const char *name;
	const char *arg;		/* one option of its own, or NULL */
	int timeout_s;
	enum stage_kind records[2];
	size_t nrecords;
};

static const struct run_stage stages[] = {
	{ "port", NULL, 1800, { STAGE_PORT }, 1 },
	{ "check", NULL, 3600, { STAGE_SPARSE, STAGE_CHECKPATCH }, 2 },
	{ "build", "--quick", 7200, { STAGE_BUILD }, 1 },
	{ "backtest", NULL, 1800, { STAGE_BACKTEST }, 1 },
	{ "repro", NULL, 4 * 3600, { STAGE_REPRO }, 1 },
};

#define STATUS_TIMEOUT_S 1800
#define REPORT_TIMEOUT_S 600
#define TREE_TIMEOUT_S (8 * 3600)

union any_record {
	struct stage_record head;
	struct port_result port;
	struct build_result build;
	struct checkpatch_result checkpatch;
	struct repro_result repro;
	struct backtest_result backtest;
};

static int run_option(int c, const char *arg, void *data)
{
	struct run_opts *o = data;
	char *end;
	long v;

	switch (c) {
	case 'J':
		v = strtol(arg, &end, 10);
		if (!*arg || *end || v < 1 || v > 64)
			return error("--jobs %s: want a whole number from 1 to 64", arg), 1;
		o->jobs = (int)v;
		return 0;
	case 'F':
		o->force = 1;
		return 0;
	case 'R':
		o->no_repro = 1;
		return 0;
	case 'N':
		o->no_report = 1;
		return 0;
	default:
		return -1;
	}
}

/* argv of this program for one subcommand: the common options passed on. */
struct child_args {
	const char *v[64];
	size_t n;
	char wait[16];
};

static void child_args(struct child_args *a, const struct ctx *ctx, const char *self,
		       const char *cmd, const char *arg, const char *tree)
{
	a->n = 0;
	a->v[a->n++] = self;
	a->v[a->n++] = cmd;
	if (arg)
		a->v[a->n++] = arg;
	a->v[a->n++] = "--config";
	a->v[a->n++] = ctx->config;
	a->v[a->n++] = "--series";
	a->v[a->n++] = ctx->series_arg;
	if (ctx->backports) {
		a->v[a->n++] = "--backports";
		a->v[a->n++] = ctx->backports;
	}
	snprintf(a->wait, sizeof(a->wait), "%d", ctx->wait_s);
	a->v[a->n++] = "--wait";
	a->v[a->n++] = a->wait;
	if (verbose)
		a->v[a->n++] = "--verbose";
	if (quiet)
		a->v[a->n++] = "--quiet";
	if (tree) {
		a->v[a->n++] = "--tree";
		a->v[a->n++] = tree;
	}
	a->v[a->n] = NULL;
}

/* The --tree filters, for the commands over every tree (status, report). */
static void add_trees(struct child_args *a, const struct ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nonly && a->n + 3 < ARRAY_SIZE(a->v); i++) {
		a->v[a->n++] = "--tree";
		a->v[a->n++] = ctx->only[i];
	}
	a->v[a->n] = NULL;
}

/*
 * Run one child to its end: its standard output printed when it is done,
 * its standard error (progress) appended to errlog, or to ours when NULL.
 * The child's exit code, or EXIT_ERROR when it could not be run.
 */
static int run_child(const char *const *argv, int timeout_s, const char *errlog)
{
	struct sbuf out = {0};
	struct spawn sp = {
		.argv = argv, .timeout_s = timeout_s, .out = &out,
		.log = errlog ? errlog : "/dev/stderr",
	};
	struct spawn_status st;
	int code;

	if (spawn_start(&sp) < 0 || spawn_wait(&sp, &st) < 0) {
		sbuf_release(&out);
		return EXIT_ERROR;
	}
	progress_clear();
	if (out.len)
		fwrite(out.buf, 1, out.len, stdout);
	fflush(stdout);
	sbuf_release(&out);
	code = st.code;
	if (st.timed_out) {
		error("%s %s: stopped after %d s (its time limit)", argv[0], argv[1], timeout_s);
		code = EXIT_ERROR;
	} else if (st.signal) {
		error("%s %s: killed by signal %d", argv[0], argv[1], st.signal);
		code = EXIT_ERROR;
	}
	return code;
}

/* 1 when every record of the stage is good and made on this tip with these inputs. */
static int stage_up_to_date(struct tree_ws *ws, const struct run_stage *st)
{
	size_t k;

	for (k = 0; k < st->nrecords; k++) {
		enum stage_kind s = st->records[k];
		char inputs[INPUTS_HEXSZ + 1], *path, *why = NULL;
		union any_record rec;
		int fresh;

		if (stage_inputs(ws, s, inputs) < 0)
			return 0;
		path = ws_path(ws, WS_OUT, record_file(s));
		fresh = record_load(path, rec_desc_of(s), &rec, &why) == REC_OK;
		free(path);
		free(why);
		if (!fresh)
			return 0;
		fresh = rec.head.outcome != OUTCOME_FAILED_TO_RUN &&
			!record_is_stale(&rec.head, git_commit_id(ws->tip), inputs);
		record_release(rec_desc_of(s), &rec);
		if (!fresh)
			return 0;
	}
	return 1;
}

/* Worst first: bad input, then a stage that could not work, then a verdict. */
static int worse(int a, int b)
{
	static const int rank[] = { [EXIT_OK] = 0, [EXIT_VERDICT] = 1, [EXIT_ERROR] = 2,
				    [EXIT_USAGE] = 3 };
	int ra = a >= 0 && a <= EXIT_ERROR ? rank[a] : 2;
	int rb = b >= 0 && b <= EXIT_ERROR ? rank[b] : 2;

	return ra >= rb ? a : b;
}

/* The stages of one tree, in order, in this process's children. */
static int run_tree(struct ctx *ctx, struct tree_ws *ws, const struct run_opts *o,
		    const char *self)
{
	size_t i, n = ARRAY_SIZE(stages) - !!o->no_repro;
	int ret = EXIT_OK;

	for (i = 0; i < n; i++) {
		const struct run_stage *st = &stages[i];
		struct child_args a;
		double t0 = now_s();
		int code;

		if (!o->force && stage_up_to_date(ws, st)) {
			progress_clear();
			printf("%s: %s: up to date (its records match the tip and inputs)\n",
			       ws->name, st->name);
			fflush(stdout);
			continue;
		}
		progress("%s: %s", ws->name, st->name);
		child_args(&a, ctx, self, st->name, st->arg, ws->name);
		code = run_child(a.v, st->timeout_s, NULL);
		progress("%s: %s exited %d after %.0f s", ws->name, st->name, code, now_s() - t0);
		/* port's 1 is a tree it could not port: the later stages say "not ported" */
		ret = worse(ret, code);
		if (code == EXIT_USAGE)
			break;
	}
	return ret;
}

struct tree_job {
	struct tree_ws *ws;
	struct spawn sp;
	struct child_args a;
	char *log;
	int running;
};

static int start_job(struct ctx *ctx, struct tree_job *j, const struct run_opts *o,
		     const char *self)
{
	child_args(&j->a, ctx, self, "run", "--no-report", j->ws->name);
	/* one tree, its stages in order, with this run's own options */
	j->a.v[j->a.n++] = "--jobs";
	j->a.v[j->a.n++] = "1";
	if (o->force)
		j->a.v[j->a.n++] = "--force";
	if (o->no_repro)
		j->a.v[j->a.n++] = "--no-repro";
	j->a.v[j->a.n] = NULL;
	if (ws_make_work(j->ws) < 0)
		return -1;
	j->log = ws_path(j->ws, WS_WORK, "run.log");
	if (write_file(j->log, "", 0) < 0)
		return -1;
	memset(&j->sp, 0, sizeof(j->sp));
	j->sp.argv = j->a.v;
	j->sp.timeout_s = TREE_TIMEOUT_S;
	j->sp.log = j->log;
	if (spawn_start(&j->sp) < 0)
		return -1;
	j->running = 1;
	progress("%s: started (log: %s)", j->ws->name, j->log);
	return 0;
}

/* The index of a job that has ended, waiting for one; -1 on error. */
static int wait_any(struct tree_job *jobs, size_t n)
{
	struct pollfd p[64];
	size_t idx[64], k = 0, i;

	for (i = 0; i < n && k < ARRAY_SIZE(p); i++) {
		if (!jobs[i].running)
			continue;
		p[k] = (struct pollfd){ .fd = jobs[i].sp.wait_fd, .events = POLLIN };
		idx[k++] = i;
	}
	if (!k)
		return -1;
	/* without pidfds the fds are one SIGCHLD pipe: then wait in order */
	if (!spawn_pidfd)
		return (int)idx[0];
	while (poll(p, k, 1000) <= 0)
		progress_tick();
	for (i = 0; i < k; i++)
		if (p[i].revents)
			return (int)idx[i];
	return (int)idx[0];
}

static int run_parallel(struct ctx *ctx, size_t *todo, size_t ntodo,
			const struct run_opts *o, const char *self)
{
	struct tree_job *j = xcalloc(ntodo, sizeof(*j));
	size_t next = 0, running = 0, i;
	int ret = EXIT_OK;

	for (i = 0; i < ntodo; i++)
		j[i].ws = &ctx->ws[todo[i]];
	while (next < ntodo || running) {
		struct spawn_status st;
		int k;

		while (next < ntodo && running < (size_t)o->jobs) {
			if (start_job(ctx, &j[next], o, self) < 0)
				ret = worse(ret, EXIT_ERROR);
			else
				running++;
			next++;
		}
		if (!running)
			break;
		k = wait_any(j, ntodo);
		if (k < 0 || spawn_wait(&j[k].sp, &st) < 0) {
			ret = worse(ret, EXIT_ERROR);
			break;
		}
		j[k].running = 0;
		running--;
		progress("%s: done, exit %d after %.0f s (log: %s)", j[k].ws->name, st.code,
			 st.seconds, j[k].log);
		ret = worse(ret, st.timed_out || st.signal ? EXIT_ERROR : st.code);
	}
	for (i = 0; i < ntodo; i++)
		free(j[i].log);
	free(j);
	return ret;
}

/* Why a present tree still needs a maintainer, or NULL when it is fixed or proven. */
static char *needs_maintainer(struct ctx *ctx, size_t i)
{
	struct tree_ws *ws = &ctx->ws[i];
	enum verdict v = (enum verdict)ctx->status[i].state;
	char inputs[INPUTS_HEXSZ + 1], *path, *why = NULL, *need = NULL;
	union any_record rec;
	enum rec_load load;

	if (v == V_FIXED || v == V_NOT_AFFECTED)
		return NULL;
	if (v == V_UNKNOWN)
		return xstrdup("verdict unknown: decide by hand (ltsport status)");
	if (stage_inputs(ws, STAGE_REPRO, inputs) < 0)
		return xstrdup("the repro record's inputs cannot be computed");
	path = ws_path(ws, WS_OUT, record_file(STAGE_REPRO));
	load = record_load(path, rec_desc_of(STAGE_REPRO), &rec, &why);
	free(path);
	if (load != REC_OK) {
		need = xprintf("%s: not proven in QEMU (repro %s)", verdict_name(v),
			       load == REC_MISSING ? "not run" : why);
	} else {
		if (record_is_stale(&rec.head, git_commit_id(ws->tip), inputs))
			need = xprintf("%s: the repro record is stale", verdict_name(v));
		else if (!rec.repro.proven)
			need = xprintf("%s: %s", verdict_name(v), rec.repro.verdict);
		record_release(rec_desc_of(STAGE_REPRO), &rec);
	}
	free(why);
	return need;
}

static int self_path(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	if (n < 0)
		return error("/proc/self/exe: %s; ltsport run needs /proc", strerror(errno));
	buf[n] = '\0';
	return 0;
}

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n >= 4 ? (int)(n / 2) : 1;
}

static int verdict_exit(struct ctx *ctx)
{
	size_t i, need = 0;

	if (ctx_verdicts(ctx) < 0)
		return EXIT_ERROR;
	for (i = 0; i < ctx->nts; i++) {
		char *why = ctx->ts[i].repo ? needs_maintainer(ctx, i) : NULL;

		if (!why)
			continue;
		printf("%s: needs a maintainer: %s\n", ctx->ws[i].name, why);
		free(why);
		need++;
	}
	return need ? EXIT_VERDICT : EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "jobs", required_argument, NULL, 'J' },
		{ "force", no_argument, NULL, 'F' },
		{ "no-repro", no_argument, NULL, 'R' },
		{ "no-report", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 }
	};
	struct run_opts o = { .jobs = default_jobs() };
	struct ctx ctx = {0};
	struct child_args a;
	char self[PATH_MAX];
	size_t *todo = NULL, ntodo = 0, i;
	int ret = EXIT_USAGE, code;

	switch (ctx_parse_args(&ctx, argc, argv, opts, run_option, &o, run_usage)) {
	case 1:
		ret = EXIT_OK;
		goto out;
	case -1:
		goto out;
	}
	if (ctx.nonly > 16) {
		error("run: %zu --tree options; give at most 16 (or none for every tree)",
		      ctx.nonly);
		goto out;
	}
	if (ctx_setup(&ctx) < 0)
		goto out;
	ret = EXIT_ERROR;
	if (self_path(self, sizeof(self)) < 0)
		goto out;
	ret = EXIT_OK;
	if (!o.no_report) {
		child_args(&a, &ctx, self, "status", NULL, NULL);
		add_trees(&a, &ctx);
		ret = worse(ret, run_child(a.v, STATUS_TIMEOUT_S, NULL));
		if (ret == EXIT_USAGE)
			goto out;
	}
	todo = xcalloc(ctx.nts, sizeof(*todo));
	for (i = 0; i < ctx.nts; i++)
		if (ctx.ts[i].repo)
			todo[ntodo++] = i;
	if (o.jobs == 1 || ntodo < 2) {
		for (i = 0; i < ntodo && ret != EXIT_USAGE; i++)
			ret = worse(ret, run_tree(&ctx, &ctx.ws[todo[i]], &o, self));
	} else {
		ret = worse(ret, run_parallel(&ctx, todo, ntodo, &o, self));
	}
	if (o.no_report || ret == EXIT_USAGE)
		goto out;
	child_args(&a, &ctx, self, "report", NULL, NULL);
	add_trees(&a, &ctx);
	code = run_child(a.v, REPORT_TIMEOUT_S, NULL);
	if (code != EXIT_OK) {
		ret = worse(ret, code);
		goto out;
	}
	/* stages that could not work, or bad input, outrank the verdicts */
	code = verdict_exit(&ctx);
	ret = ret == EXIT_OK || ret == EXIT_VERDICT ? worse(code, ret) : ret;
out:
	free(todo);
	ctx_release(&ctx);
	return ret;
}
