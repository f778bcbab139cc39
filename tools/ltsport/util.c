// SPDX-License-Identifier: GPL-2.0
/*
 * Messages and memory helpers shared by every module. Allocation failure
 * is not recoverable for a command-line tool, so the x* helpers exit.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ctype.h>
#include <signal.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <git2.h>

#include "util.h"

int verbose;
int quiet;

int error(const char *fmt, ...)
{
	va_list ap;

	progress_clear();
	va_start(ap, fmt);
	fputs("ltsport: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return -1;
}

void warn(const char *fmt, ...)
{
	va_list ap;

	progress_clear();
	va_start(ap, fmt);
	fputs("ltsport: warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/*
 * Progress of long steps on standard error. On a terminal, one line that
 * each step replaces (and spawn_wait() ticks once a second with the
 * step's seconds); anywhere else, or with --verbose, a timestamped line
 * per step and one when it is done; --quiet (or LTSPORT_QUIET=1) none.
 * Errors, warnings and, on a terminal, standard output clear the line
 * first, so they never run into it.
 */
static void sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap);

enum { PROGRESS_UNSET, PROGRESS_NONE, PROGRESS_LINE, PROGRESS_PLAIN };

static struct {
	int mode;
	char *msg;		/* the step under way, or NULL */
	char *now;		/* a part of it or news of it, shown instead; or NULL */
	char *outer;		/* the step progress_push() nested this one in, or NULL */
	double outer_t0;
	double t0;
	long shown_s;		/* the seconds the line shows */
	double plain_at;	/* the last progress_update() line, in a pipe */
} pg;
static int line_shown;		/* read by the signal handler: __atomic */

static ssize_t clearing_write(void *cookie, const char *buf, size_t len)
{
	size_t done = 0;

	(void)cookie;
	progress_clear();
	while (done < len) {
		ssize_t n = write(1, buf + done, len - done);

		if (n < 0)
			return done ? (ssize_t)done : -1;
		done += n;
	}
	return done;
}

/* Standard output on the same terminal clears the progress line first. */
static void wrap_stdout(void)
{
	cookie_io_functions_t io = { .write = clearing_write };
	FILE *f;

	if (!isatty(1))
		return;
	fflush(stdout);
	f = fopencookie(NULL, "w", io);
	if (!f)
		return;
	setvbuf(f, NULL, _IOLBF, 0);
	stdout = f;
}

static int progress_mode(void)
{
	const char *env = getenv("LTSPORT_QUIET");

	if (pg.mode != PROGRESS_UNSET)
		return pg.mode;
	if (quiet || (env && *env && strcmp(env, "0")))
		pg.mode = PROGRESS_NONE;
	else if (!verbose && isatty(2))
		pg.mode = PROGRESS_LINE;
	else
		pg.mode = PROGRESS_PLAIN;
	if (pg.mode == PROGRESS_LINE)
		wrap_stdout();
	return pg.mode;
}

static int term_width(void)
{
	struct winsize ws;

	if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
		return ws.ws_col;
	return 80;
}

static void show_line(const char *msg, long secs)
{
	char tail[32] = "";
	int width = term_width() - 1, n;

	if (secs >= 0)
		snprintf(tail, sizeof(tail), " (%ld s)", secs);
	n = (int)strlen(tail);
	fprintf(stderr, "\r\033[K%.*s%s", width > n ? width - n : 0, msg, tail);
	fflush(stderr);
	__atomic_store_n(&line_shown, 1, __ATOMIC_SEQ_CST);
	pg.shown_s = secs;
}

static void plain_line(const char *msg, long secs)
{
	char stamp[16];
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	if (secs >= 0)
		fprintf(stderr, "[%s] %s (%ld s)\n", stamp, msg, secs);
	else
		fprintf(stderr, "[%s] %s\n", stamp, msg);
}

/* What the line shows: the part under way, else the step. */
static const char *shown_msg(void)
{
	return pg.now ? pg.now : pg.msg;
}

/* A line of the step under way: on the terminal line, or a line of its own in a pipe. */
static void show(const char *msg, long secs)
{
	if (pg.mode == PROGRESS_LINE)
		show_line(msg, secs);
	else
		plain_line(msg, secs);
}

/* The step under way is now msg (taken), its clock started. */
static void start_step(char *msg)
{
	free(pg.msg);
	free(pg.now);
	pg.now = NULL;
	pg.msg = msg;
	pg.t0 = now_s();
	pg.plain_at = 0;
	show(pg.msg, -1);
}

/* A new step: what it does. */
void progress(const char *fmt, ...)
{
	struct sbuf sb = {0};
	va_list ap;

	if (progress_mode() == PROGRESS_NONE)
		return;
	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	start_step(sbuf_detach(&sb));
}

/*
 * A step inside the step under way (a toolchain trial inside a kernel
 * build): timed by progress_done() like any step, which then takes the
 * enclosing step up again, its name and clock kept. One level.
 */
void progress_push(const char *fmt, ...)
{
	struct sbuf sb = {0};
	va_list ap;

	if (progress_mode() == PROGRESS_NONE)
		return;
	if (pg.msg && !pg.outer) {
		pg.outer = pg.msg;
		pg.outer_t0 = pg.t0;
		pg.msg = NULL;
	}
	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	start_step(sbuf_detach(&sb));
}

/*
 * A part of the step under way (writing the sources of a kernel build):
 * shown like a step, but the step keeps its name and its clock, so that
 * progress_done() says how long the whole step took. Without a step under
 * way, a step of its own.
 */
void progress_part(const char *fmt, ...)
{
	struct sbuf sb = {0};
	va_list ap;

	if (progress_mode() == PROGRESS_NONE)
		return;
	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (!pg.msg) {
		pg.msg = sbuf_detach(&sb);
		pg.t0 = now_s();
	} else {
		free(pg.now);
		pg.now = sbuf_detach(&sb);
	}
	pg.plain_at = 0;
	show(shown_msg(), -1);
}

/*
 * News of the step under way (what a guest says it did so far): the line
 * says it instead, with the step's seconds; in a pipe, a timestamped line
 * at most every PROGRESS_PLAIN_EVERY_S. Without a step, nothing.
 */
void progress_update(const char *fmt, ...)
{
	struct sbuf sb = {0};
	double t = now_s();
	va_list ap;

	if (progress_mode() == PROGRESS_NONE || !pg.msg)
		return;
	if (pg.mode == PROGRESS_PLAIN && pg.plain_at &&
	    t - pg.plain_at < PROGRESS_PLAIN_EVERY_S)
		return;
	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(pg.now);
	pg.now = sbuf_detach(&sb);
	if (pg.mode == PROGRESS_LINE) {
		show_line(pg.now, (long)(t - pg.t0));
	} else {
		plain_line(pg.now, (long)(t - pg.t0));
		pg.plain_at = t;
	}
}

/* The step is done: say how long it took, by its name. */
void progress_done(void)
{
	if (progress_mode() == PROGRESS_NONE || !pg.msg)
		return;
	show(pg.msg, (long)(now_s() - pg.t0));
	free(pg.msg);
	free(pg.now);
	pg.msg = pg.outer;
	pg.t0 = pg.outer_t0;
	pg.now = NULL;
	pg.outer = NULL;
	if (pg.msg && pg.mode == PROGRESS_LINE)
		show_line(pg.msg, (long)(now_s() - pg.t0));
}

/* 1 while a terminal line shows a step under way (worth a tick a second). */
int progress_ticking(void)
{
	return pg.mode == PROGRESS_LINE && pg.msg;
}

/* Show the step's seconds so far on the terminal line. */
void progress_tick(void)
{
	long secs;

	if (!progress_ticking())
		return;
	secs = (long)(now_s() - pg.t0);
	if (secs >= 1 && (secs != pg.shown_s || !line_shown))
		show_line(shown_msg(), secs);
}

/* Before other output: take the terminal line away. */
void progress_clear(void)
{
	if (!line_shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	__atomic_store_n(&line_shown, 0, __ATOMIC_SEQ_CST);
}

/* The same from a signal handler: write() only. */
void progress_clear_signal(void)
{
	if (__atomic_load_n(&line_shown, __ATOMIC_SEQ_CST)) {
		ssize_t n = write(2, "\r\033[K", 4);

		(void)n;
	}
}

/* Report a failed libgit2 call with the library's own reason. */
int git_fail(const char *what)
{
	const git_error *e = git_error_last();

	return error("%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

static void die_oom(void)
{
	fputs("ltsport: out of memory\n", stderr);
	exit(EXIT_FAILURE);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		die_oom();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		die_oom();
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		die_oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if (sb->len + n + 1 > sb->alloc) {
		sb->alloc = (sb->len + n + 1) * 2;
		sb->buf = xrealloc(sb->buf, sb->alloc);
	}
	vsnprintf(sb->buf + sb->len, n + 1, fmt, ap);
	sb->len += n;
}

char *xprintf(const char *fmt, ...)
{
	struct sbuf sb = {0};
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return sbuf_detach(&sb);
}

void sbuf_add(struct sbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->alloc) {
		sb->alloc = (sb->len + n + 1) * 2;
		sb->buf = xrealloc(sb->buf, sb->alloc);
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sbuf_adds(struct sbuf *sb, const char *s)
{
	sbuf_add(sb, s, strlen(s));
}

void sbuf_addf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

/* Append s as a quoted JSON string. */
char *sbuf_detach(struct sbuf *sb)
{
	char *s = sb->buf ? sb->buf : xstrdup("");

	sb->buf = NULL;
	sb->len = 0;
	sb->alloc = 0;
	return s;
}

void sbuf_release(struct sbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = 0;
	sb->alloc = 0;
}

int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

int is_hex_id(const char *s, size_t min, size_t max)
{
	size_t n = 0;

	while (s[n] && isxdigit((unsigned char)s[n]) && !isupper((unsigned char)s[n]))
		n++;
	return !s[n] && n >= min && n <= max;
}

/* Seconds on the monotonic clock, for how long a step took. */
double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
