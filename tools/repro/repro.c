// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport-repro: look for the swap-in race fixed by "mm/swap: fix race when
 * skipping swapcache" (CVE-2024-26759).
 *
 * Several threads share one private anonymous mapping. Each round they all
 * add one to the first word of every page, half of them walking up and half
 * walking down, while the pages are pushed out to swap (MADV_PAGEOUT, or a
 * memory cgroup limit on kernels without it). When two threads fault the same
 * swap entry in at once on a synchronous swap device, an unfixed kernel can
 * map a stale copy of the page and an increment disappears.
 *
 * One result line on stdout in the result protocol of README.md (generic
 * result, rounds, seconds, first_loss_s; the rest are counters and a label),
 * exit 0 (no loss), 1 (loss) or 2 (could not run):
 * LTSPORT-REPRO result=clean rounds=N seconds=S lost=N misloads=N
 *	first_loss_s=S|- pswpin=N pswpout=N throughput=N pageout=METHOD
 * and, every --tick seconds of the run, a progress line on stderr (the
 * guest's console) that is never a result:
 * LTSPORT-TICK seconds=S rounds=N
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define EXIT_CLEAN	0
#define EXIT_LOSS	1
#define EXIT_TROUBLE	2

#define MAX_WORKERS	4096
#define MAX_PAGES	(1UL << 18)
#define CHUNK_BYTES	(1UL << 20)
#define WORKER_STACK	(64UL << 10)
#define CG_SLACK	(256UL << 10)
#define CG_SLACK_THREAD	(32UL << 10)
#define CG_NAME		"ltsport-repro"

enum pageout { PO_AUTO, PO_MADVISE, PO_CGROUP, PO_NONE };

static const char * const pageout_names[] = {
	[PO_AUTO] = "auto",
	[PO_MADVISE] = "madvise",
	[PO_CGROUP] = "cgroup",
	[PO_NONE] = "none",
};

struct opts {
	unsigned long seconds;
	unsigned long rounds;
	unsigned long pages;
	unsigned long workers;
	unsigned long tick;
	enum pageout pageout;
	int verbose;
	int keep_going;
};

struct cgroup {
	char mnt[PATH_MAX];
	char parent[PATH_MAX];
	char dir[PATH_MAX + 64];
	int v2;
	int mounted;
	int joined;
};

struct run {
	struct opts o;
	char *map;
	size_t pgsz;
	size_t len;
	enum pageout method;
	struct cgroup cg;
	pthread_t pusher;
	int squeeze;			/* cgroup: the pusher pulls the limit down */
	int pusher_running;
	int pusher_stop;
	unsigned long pageout_errors;
	double t0;
	double deadline;
	unsigned long rounds_done;
	unsigned long lost;
	unsigned long misloads;
	double first_loss;
	double write_secs;
	unsigned long long increments;
	unsigned long long swpin0, swpout0;
};

/* Workers wait at the gate until all of them exist, then set off together. */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t open;
	int is_open;
};

struct worker {
	struct run *r;
	struct gate *gate;
	pthread_t tid;
	int down;
	int abandoned;
};

/* Set by a signal or a failure: drop the round in progress and stop. */
static int stop_now;

static void on_signal(int sig)
{
	(void)sig;
	__atomic_store_n(&stop_now, 1, __ATOMIC_RELAXED);
}

static int stopping(void)
{
	return __atomic_load_n(&stop_now, __ATOMIC_RELAXED);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pause_briefly(void)
{
	struct timespec ts = { 0, 1000 };

	nanosleep(&ts, NULL);
}

static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("ltsport-repro: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Current pswpin and pswpout from /proc/vmstat; -1 if unreadable. */
static int read_vmstat(unsigned long long *in, unsigned long long *out)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char key[64];
	unsigned long long val;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %llu", key, &val) == 2) {
		if (!strcmp(key, "pswpin"))
			*in = val;
		else if (!strcmp(key, "pswpout"))
			*out = val;
	}
	fclose(f);
	return 0;
}

static void print_result(const struct run *r, const char *result)
{
	char first[32] = "-";
	double secs = r->t0 ? now() - r->t0 : 0;
	unsigned long long tput = 0;
	unsigned long long in = r->swpin0, out = r->swpout0;

	read_vmstat(&in, &out);
	if (r->rounds_done && r->first_loss >= 0)
		snprintf(first, sizeof(first), "%.1f", r->first_loss);
	if (r->write_secs > 0)
		tput = r->increments / r->write_secs;
	printf("LTSPORT-REPRO result=%s rounds=%lu seconds=%.1f lost=%lu misloads=%lu first_loss_s=%s pswpin=%llu pswpout=%llu throughput=%llu pageout=%s\n",
	       result, r->rounds_done, secs, r->lost, r->misloads, first,
	       in >= r->swpin0 ? in - r->swpin0 : 0,
	       out >= r->swpout0 ? out - r->swpout0 : 0,
	       tput, pageout_names[r->method]);
	fflush(stdout);
}

/* ---- options ---- */

static void show_help(FILE *f)
{
	fprintf(f,
		"usage: ltsport-repro [options]\n"
		"  -s, --seconds N   stop after N seconds (0: no time bound; default 10)\n"
		"  -r, --rounds N    stop after N rounds (0: no round bound; default 0)\n"
		"  -p, --pages N     pages in the shared mapping (default 16)\n"
		"  -w, --workers N   writer threads, half walking up, half down (default 4)\n"
		"  -o, --pageout M   madvise, cgroup, none or auto (default auto)\n"
		"  -t, --tick N      a progress line on stderr every N seconds (0: none; default 5)\n"
		"  -k, --keep-going  go on after a round that lost data\n"
		"  -v, --verbose     report each round on stderr\n"
		"  -h, --help        this text\n"
		"exit: 0 no loss, 1 loss, 2 could not run\n");
}

static int parse_ulong(const char *opt, const char *s, unsigned long max,
		       unsigned long *val)
{
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	*val = strtoul(s, &end, 10);
	if (errno || *end || *val > max)
		goto bad;
	return 0;
bad:
	say("--%s %s: want a whole number from 0 to %lu", opt, s, max);
	return -1;
}

static int parse_pageout(const char *s, enum pageout *po)
{
	int i;

	for (i = PO_AUTO; i <= PO_NONE; i++) {
		if (!strcmp(s, pageout_names[i])) {
			*po = i;
			return 0;
		}
	}
	say("--pageout %s: want madvise, cgroup, none or auto", s);
	return -1;
}

static const struct option long_opts[] = {
	{ "seconds", required_argument, NULL, 's' },
	{ "rounds", required_argument, NULL, 'r' },
	{ "pages", required_argument, NULL, 'p' },
	{ "workers", required_argument, NULL, 'w' },
	{ "pageout", required_argument, NULL, 'o' },
	{ "tick", required_argument, NULL, 't' },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_one(struct opts *o, int c, const char *arg)
{
	switch (c) {
	case 's':
		return parse_ulong("seconds", arg, 1UL << 31, &o->seconds);
	case 'r':
		return parse_ulong("rounds", arg, ULONG_MAX / 2, &o->rounds);
	case 'p':
		return parse_ulong("pages", arg, MAX_PAGES, &o->pages);
	case 'w':
		return parse_ulong("workers", arg, MAX_WORKERS, &o->workers);
	case 'o':
		return parse_pageout(arg, &o->pageout);
	case 't':
		return parse_ulong("tick", arg, 1UL << 31, &o->tick);
	case 'k':
		o->keep_going = 1;
		return 0;
	case 'v':
		o->verbose = 1;
		return 0;
	}
	return -1;
}

/* Returns 0 to run, 1 after --help, -1 on a bad command line. */
static int parse_opts(struct opts *o, int argc, char **argv)
{
	int c;

	o->seconds = 10;
	o->pages = 16;
	o->workers = 4;
	o->tick = 5;
	o->pageout = PO_AUTO;
	while ((c = getopt_long(argc, argv, "s:r:p:w:o:t:kvh", long_opts, NULL)) != -1) {
		if (c == 'h')
			return 1;
		if (parse_one(o, c, optarg))
			return -1;
	}
	if (optind < argc) {
		say("unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (!o->seconds && !o->rounds) {
		say("--seconds 0 with --rounds 0 would never stop; bound one of them");
		return -1;
	}
	if (!o->pages || !o->workers) {
		say("--pages and --workers must be at least 1");
		return -1;
	}
	return 0;
}

/* ---- small file helpers ---- */

static int write_file(const char *dir, const char *name, const char *val)
{
	char path[PATH_MAX * 2];
	int fd, ret = 0;
	size_t n = strlen(val);

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	if (write(fd, val, n) != (ssize_t)n)
		ret = -1;
	if (close(fd))
		ret = -1;
	return ret;
}

static int read_file(const char *dir, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX * 2];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static int has_word(const char *list, const char *word, const char *seps)
{
	char copy[4096];
	char *tok, *save;

	snprintf(copy, sizeof(copy), "%s", list);
	for (tok = strtok_r(copy, seps, &save); tok;
	     tok = strtok_r(NULL, seps, &save)) {
		if (!strcmp(tok, word))
			return 1;
	}
	return 0;
}

/* Number of active swap areas in /proc/swaps, or -1 if unreadable. */
static int swap_areas(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[512];
	int n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n < 0 ? 0 : n;
}

/* ---- memory cgroup ---- */

static int cg_v2_has_memory(const char *mnt)
{
	char buf[512];

	if (read_file(mnt, "cgroup.controllers", buf, sizeof(buf)))
		return 0;
	return has_word(buf, "memory", "\t\n ");
}

/* Look for a mounted memory cgroup hierarchy, v1 or v2. */
static int cg_find_mounted(struct cgroup *cg)
{
	FILE *f = fopen("/proc/self/mounts", "r");
	char dev[256], mnt[PATH_MAX], type[64], opts[1024];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fscanf(f, "%255s %4095s %63s %1023s %*d %*d",
				dev, mnt, type, opts) == 4) {
		if (!strcmp(type, "cgroup2") && cg_v2_has_memory(mnt))
			found = 2;
		else if (!strcmp(type, "cgroup") && has_word(opts, "memory", ","))
			found = 1;
		if (found)
			snprintf(cg->mnt, sizeof(cg->mnt), "%s", mnt);
	}
	fclose(f);
	cg->v2 = found == 2;
	return found;
}

/* Nothing mounted: mount a hierarchy ourselves, v2 first, then v1. */
static int cg_mount(struct cgroup *cg)
{
	const char *mp = "/sys/fs/cgroup";
	struct stat st;

	if (stat(mp, &st) || !S_ISDIR(st.st_mode)) {
		mp = "/tmp/ltsport-cgroup";
		if (mkdir(mp, 0700) && errno != EEXIST)
			return -1;
	}
	snprintf(cg->mnt, sizeof(cg->mnt), "%s", mp);
	if (!mount("cgroup2", mp, "cgroup2", 0, NULL)) {
		if (cg_v2_has_memory(mp)) {
			cg->v2 = 1;
			cg->mounted = 1;
			return 0;
		}
		umount(mp);
	}
	if (!mount("cgroup", mp, "cgroup", 0, "memory")) {
		cg->mounted = 1;
		return 0;
	}
	say("cannot mount a memory cgroup on %s: %s", mp, strerror(errno));
	return -1;
}

static const char *cg_limit_file(const struct cgroup *cg)
{
	return cg->v2 ? "memory.max" : "memory.limit_in_bytes";
}

static unsigned long long cg_usage(const struct cgroup *cg)
{
	char buf[64];

	if (read_file(cg->dir, cg->v2 ? "memory.current" : "memory.usage_in_bytes",
		      buf, sizeof(buf)))
		return 0;
	return strtoull(buf, NULL, 10);
}

/* Our present group in the hierarchy at cg->mnt, from /proc/self/cgroup. */
static void cg_find_parent(struct cgroup *cg)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[PATH_MAX + 256], *ctl, *path;
	const char *own = "";

	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		ctl = strchr(line, ':');
		path = ctl ? strchr(ctl + 1, ':') : NULL;
		if (!path)
			continue;
		*path++ = '\0';
		ctl++;
		if (cg->v2 ? !strcmp(line, "0") && !*ctl : has_word(ctl, "memory", ",")) {
			own = path;
			break;
		}
	}
	snprintf(cg->parent, sizeof(cg->parent), "%s%s", cg->mnt,
		 strcmp(own, "/") ? own : "");
	if (f)
		fclose(f);
}

static int cg_join(struct cgroup *cg)
{
	char pid[32];

	cg_find_parent(cg);
	if (cg->v2 && write_file(cg->parent, "cgroup.subtree_control", "+memory"))
		say("note: cannot enable memory in %s/cgroup.subtree_control: %s",
		    cg->parent, strerror(errno));
	snprintf(cg->dir, sizeof(cg->dir), "%s/%s.%d", cg->parent, CG_NAME, getpid());
	if (mkdir(cg->dir, 0755) && errno != EEXIST) {
		say("cannot create cgroup %s: %s", cg->dir, strerror(errno));
		return -1;
	}
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	if (write_file(cg->dir, "cgroup.procs", pid)) {
		say("cannot move into cgroup %s: %s", cg->dir, strerror(errno));
		rmdir(cg->dir);
		return -1;
	}
	cg->joined = 1;
	return 0;
}

/* Leave the group and remove it; undo our mount. Best effort. */
static void cg_teardown(struct cgroup *cg)
{
	char pid[32];

	if (cg->joined) {
		snprintf(pid, sizeof(pid), "%d\n", getpid());
		write_file(cg->parent, "cgroup.procs", pid);
		rmdir(cg->dir);
		cg->joined = 0;
	}
	if (cg->mounted) {
		umount(cg->mnt);
		cg->mounted = 0;
	}
}

/*
 * Join a memory cgroup whose limit holds about half the mapping (plus what
 * the process already uses and room for thread stacks), so that writing the
 * whole mapping makes the kernel swap the rest out, round after round.
 */
static int cg_setup(struct run *r)
{
	struct cgroup *cg = &r->cg;
	unsigned long long fixed, limit;
	char buf[64];

	if (!cg_find_mounted(cg) && cg_mount(cg))
		return -1;
	if (cg_join(cg))
		goto fail;
	fixed = cg_usage(cg) + CG_SLACK + CG_SLACK_THREAD * r->o.workers;
	limit = (fixed + r->len / 2 + r->pgsz - 1) / r->pgsz * r->pgsz;
	if (limit >= r->len) {
		/*
		 * A mapping this small cannot be half out under a fixed limit
		 * (the slack for stacks and tables is bigger than it): the
		 * pusher squeezes the group instead, as MADV_PAGEOUT would.
		 */
		r->squeeze = 1;
		if (r->o.verbose)
			say("cgroup v%d %s: squeezed by the pusher (%zu KiB mapping)",
			    cg->v2 ? 2 : 1, cg->dir, r->len >> 10);
		return 0;
	}
	snprintf(buf, sizeof(buf), "%llu\n", limit);
	if (write_file(cg->dir, cg_limit_file(cg), buf)) {
		say("cannot set %s/%s: %s", cg->dir, cg_limit_file(cg), strerror(errno));
		goto fail;
	}
	if (r->o.verbose)
		say("cgroup v%d %s: limit %llu KiB for a %zu KiB mapping",
		    cg->v2 ? 2 : 1, cg->dir, limit >> 10, r->len >> 10);
	return 0;
fail:
	cg_teardown(cg);
	return -1;
}

/* ---- pushing pages out ---- */

static void *pusher_main(void *arg)
{
	struct run *r = arg;
	size_t chunk = r->len / 8;
	size_t off, n;

	chunk = chunk > CHUNK_BYTES ? CHUNK_BYTES : chunk;
	chunk = chunk < r->pgsz ? r->pgsz : chunk / r->pgsz * r->pgsz;
	while (!__atomic_load_n(&r->pusher_stop, __ATOMIC_RELAXED)) {
		for (off = 0; off < r->len; off += chunk) {
			n = r->len - off < chunk ? r->len - off : chunk;
			if (madvise(r->map + off, n, MADV_PAGEOUT))
				__atomic_fetch_add(&r->pageout_errors, 1, __ATOMIC_RELAXED);
			pause_briefly();
		}
		if (madvise(r->map, r->len, MADV_PAGEOUT))
			__atomic_fetch_add(&r->pageout_errors, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * Kernels without MADV_PAGEOUT, small mappings: pull the group's bound half
 * a mapping below its usage, so reclaim swaps the mapping out, then let go.
 * v2 uses memory.high, which reclaims and never kills (memory.max would
 * call the OOM killer when it cannot be met); v1's limit fails with EBUSY
 * after reclaiming what it could, which is all we want of it.
 */
static void *squeeze_main(void *arg)
{
	struct run *r = arg;
	struct cgroup *cg = &r->cg;
	const char *file = cg->v2 ? "memory.high" : "memory.limit_in_bytes";
	const char *unlimited = cg->v2 ? "max\n" : "-1\n";
	char buf[32];

	while (!__atomic_load_n(&r->pusher_stop, __ATOMIC_RELAXED)) {
		unsigned long long use = cg_usage(cg);
		unsigned long long low = use > r->len ? use - r->len / 2 : use;

		snprintf(buf, sizeof(buf), "%llu\n", low / r->pgsz * r->pgsz);
		write_file(cg->dir, file, buf);
		if (write_file(cg->dir, file, unlimited))
			__atomic_fetch_add(&r->pageout_errors, 1, __ATOMIC_RELAXED);
		pause_briefly();
	}
	return NULL;
}

/* 0: MADV_PAGEOUT works; 1: the kernel does not know it; -1: other error. */
static int probe_madvise(struct run *r)
{
	if (!madvise(r->map, r->len, MADV_PAGEOUT))
		return 0;
	if (errno == EINVAL)
		return 1;
	say("madvise(MADV_PAGEOUT): %s", strerror(errno));
	return -1;
}

/* Decide how pages get pushed out; called before the mapping is touched. */
static int choose_pageout(struct run *r)
{
	int ret;

	r->method = r->o.pageout;
	if (r->method == PO_NONE)
		return 0;
	if (r->method == PO_MADVISE || r->method == PO_AUTO) {
		ret = probe_madvise(r);
		if (!ret) {
			r->method = PO_MADVISE;
			return 0;
		}
		if (ret < 0 || r->method == PO_MADVISE) {
			if (ret > 0)
				say("this kernel has no MADV_PAGEOUT (it came in Linux 5.4); try --pageout cgroup");
			r->method = PO_MADVISE;
			return -1;
		}
		if (r->o.verbose)
			say("no MADV_PAGEOUT here; falling back to a memory cgroup");
	}
	r->method = PO_CGROUP;
	return cg_setup(r);
}

static int check_swap(void)
{
	int n = swap_areas();

	if (n < 0) {
		say("cannot read /proc/swaps (%s); going on", strerror(errno));
		return 0;
	}
	if (!n) {
		say("no swap is active (see /proc/swaps), so nothing can be pushed out; swapon a device or use --pageout none");
		return -1;
	}
	return 0;
}

static int start_pusher(struct run *r)
{
	int err;

	if (r->method != PO_MADVISE && !(r->method == PO_CGROUP && r->squeeze))
		return 0;
	err = pthread_create(&r->pusher, NULL, r->squeeze ? squeeze_main : pusher_main, r);
	if (err) {
		say("cannot start the pageout thread: %s", strerror(err));
		return -1;
	}
	r->pusher_running = 1;
	return 0;
}

static void stop_pusher(struct run *r)
{
	if (!r->pusher_running)
		return;
	__atomic_store_n(&r->pusher_stop, 1, __ATOMIC_RELAXED);
	pthread_join(r->pusher, NULL);
	r->pusher_running = 0;
}

/* ---- rounds ---- */

static unsigned long *page_word(const struct run *r, unsigned long page, int word)
{
	return (unsigned long *)(r->map + page * r->pgsz) + word;
}

/* Past the deadline, a round in progress is dropped, but never the first. */
static int must_abandon(const struct run *r)
{
	if (stopping())
		return 1;
	return r->rounds_done && r->deadline && now() > r->deadline;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	const struct run *r = w->r;
	unsigned long i, n = r->o.pages;

	pthread_mutex_lock(&w->gate->lock);
	while (!w->gate->is_open)
		pthread_cond_wait(&w->gate->open, &w->gate->lock);
	pthread_mutex_unlock(&w->gate->lock);
	for (i = 0; i < n; i++) {
		unsigned long page = w->down ? n - 1 - i : i;

		__atomic_fetch_add(page_word(r, page, 0), 1, __ATOMIC_RELAXED);
		if (must_abandon(r)) {
			w->abandoned = 1;
			break;
		}
		pause_briefly();
	}
	return NULL;
}

static void prepare_round(struct run *r)
{
	unsigned long i;

	memset(r->map, 0, r->len);
	for (i = 0; i < r->o.pages; i++)
		*page_word(r, i, 1) = i;
}

static void open_gate(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->is_open = 1;
	pthread_cond_broadcast(&g->open);
	pthread_mutex_unlock(&g->lock);
}

/*
 * Start the workers, let them go together and wait for them. Returns 0 when
 * the round ran to its end, 1 when it was given up, -1 when not all workers
 * could be started.
 */
static int run_workers(struct run *r, struct worker *w, pthread_attr_t *attr)
{
	struct gate gate = {
		PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0
	};
	unsigned long i, n = r->o.workers;
	int err = 0, ret = 0;

	for (i = 0; i < n; i++) {
		w[i] = (struct worker){ .r = r, .gate = &gate, .down = i & 1 };
		err = pthread_create(&w[i].tid, attr, worker_main, &w[i]);
		if (err)
			break;
	}
	if (err) {
		say("cannot start worker %lu of %lu: %s", i + 1, n, strerror(err));
		__atomic_store_n(&stop_now, 1, __ATOMIC_RELAXED);
		ret = -1;
	}
	open_gate(&gate);
	n = i;
	for (i = 0; i < n; i++) {
		pthread_join(w[i].tid, NULL);
		if (w[i].abandoned && !ret)
			ret = 1;
	}
	pthread_cond_destroy(&gate.open);
	pthread_mutex_destroy(&gate.lock);
	return ret;
}

static void check_round(struct run *r)
{
	unsigned long i, count, lost = 0, mis = 0;

	for (i = 0; i < r->o.pages; i++) {
		count = *page_word(r, i, 0);
		if (*page_word(r, i, 1) != i || count > r->o.workers)
			mis++;
		else if (count < r->o.workers)
			lost++;
	}
	r->lost += lost;
	r->misloads += mis;
	if ((lost || mis) && r->first_loss < 0)
		r->first_loss = now() - r->t0;
	if (r->o.verbose || lost || mis)
		say("round %lu: %lu pages lost an increment, %lu misloaded",
		    r->rounds_done + 1, lost, mis);
}

static int budget_spent(const struct run *r)
{
	if (stopping())
		return 1;
	if (r->o.rounds && r->rounds_done >= r->o.rounds)
		return 1;
	if (r->o.seconds && now() - r->t0 >= r->o.seconds)
		return 1;
	return !r->o.keep_going && (r->lost || r->misloads);
}

/*
 * Every --tick seconds, the run so far on stderr in one write, so that the
 * line reaches the console whole: LTSPORT-TICK seconds=S rounds=N.
 */
static void tick(const struct run *r, double *next)
{
	char line[96];
	double t = now();
	ssize_t n;

	if (!r->o.tick || t < *next)
		return;
	while (*next <= t)
		*next += r->o.tick;
	n = snprintf(line, sizeof(line), "LTSPORT-TICK seconds=%lu rounds=%lu\n",
		     (unsigned long)(t - r->t0), r->rounds_done);
	n = write(2, line, n);
	(void)n;
}

/* Returns 0, or -1 when the workers could not be started. */
static int run_rounds(struct run *r)
{
	struct worker *w = calloc(r->o.workers, sizeof(*w));
	pthread_attr_t attr;
	int ret = 0;
	double t, next_tick;

	if (!w) {
		say("out of memory for %lu workers", r->o.workers);
		return -1;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WORKER_STACK);
	r->t0 = now();
	r->deadline = r->o.seconds ? r->t0 + r->o.seconds : 0;
	next_tick = r->t0 + r->o.tick;
	while (!budget_spent(r)) {
		prepare_round(r);
		t = now();
		ret = run_workers(r, w, &attr);
		if (ret)
			break;
		r->write_secs += now() - t;
		r->increments += (unsigned long long)r->o.workers * r->o.pages;
		check_round(r);
		r->rounds_done++;
		tick(r, &next_tick);
	}
	pthread_attr_destroy(&attr);
	free(w);
	return ret < 0 ? -1 : 0;
}

/* ---- main ---- */

static int setup(struct run *r)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	r->pgsz = sysconf(_SC_PAGESIZE);
	r->len = r->o.pages * r->pgsz;
	r->first_loss = -1;
	if (read_vmstat(&r->swpin0, &r->swpout0))
		say("cannot read /proc/vmstat (%s): swap counts will read 0",
		    strerror(errno));
	r->map = mmap(NULL, r->len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->map == MAP_FAILED) {
		say("cannot map %zu bytes: %s", r->len, strerror(errno));
		r->map = NULL;
		return -1;
	}
	r->method = r->o.pageout == PO_AUTO ? PO_NONE : r->o.pageout;
	if (r->o.pageout != PO_NONE && check_swap())
		return -1;
	if (choose_pageout(r))
		return -1;
	return start_pusher(r);
}

int main(int argc, char **argv)
{
	static struct run run;
	struct run *r = &run;
	int ret;

	r->method = PO_NONE;
	ret = parse_opts(&r->o, argc, argv);
	if (ret) {
		show_help(ret > 0 ? stdout : stderr);
		if (ret > 0)
			return EXIT_CLEAN;
		print_result(r, "error");
		return EXIT_TROUBLE;
	}
	if (r->o.verbose)
		say("%lu pages, %lu workers, %lu s, %lu rounds, pageout %s",
		    r->o.pages, r->o.workers, r->o.seconds, r->o.rounds,
		    pageout_names[r->o.pageout]);
	ret = setup(r);
	if (!ret)
		ret = run_rounds(r);
	stop_pusher(r);
	cg_teardown(&r->cg);
	if (r->pageout_errors)
		say("MADV_PAGEOUT failed %lu times", r->pageout_errors);
	if (!ret && !r->rounds_done) {
		say("no round completed");
		ret = -1;
	}
	if (ret) {
		print_result(r, "error");
		return EXIT_TROUBLE;
	}
	if (r->lost || r->misloads) {
		print_result(r, "loss");
		return EXIT_LOSS;
	}
	print_result(r, "clean");
	return EXIT_CLEAN;
}
