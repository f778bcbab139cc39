// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU boots of reproducer kernels: qemu-system-<arch> with the serial
 * console in a file, under a hard time limit, and what the console said:
 * the guest's LTSPORT-REPRO result line (the protocol is in vm.h and
 * tools/repro/README.md), or why there is none (the guest hung, the kernel
 * panicked, QEMU failed), with the console's tail. The console is the
 * guest's output: untrusted, read within bounds, taken by its length.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util.h"
#include "fsutil.h"
#include "spawn.h"
#include "vm.h"

#define VM_MEMORY "512"
#define VM_SMP "2"
#define TAIL_LINES 25
#define TAIL_BYTES 8192
#define KVM_PROBE_TIMEOUT 45
/* a kernel under a working KVM prints its first line in well under a second */
#define KVM_PROBE_FIRST_OUTPUT_S 10

#define RESULT_WORD "LTSPORT-REPRO"
#define LINE_MAX_BYTES 4096	/* a result line, CR LF not counted */
#define NAME_MAX_BYTES 32
#define VALUE_MAX_BYTES 64
#define SECONDS_DIGITS 15	/* before the point */
#define SHOWN_BYTES 40		/* of a bad word, in why */
#define WHY_BYTES 300

#define CONSOLE_HEAD (64 << 10)	/* the boot: Linux version, Run /init */
#define KEPT_MAX (64 << 10)	/* LTSPORT- lines between head and end */
#define CHUNK (1 << 20)

/* What each arch = of stable_trees.conf boots with. */
struct vm_arch {
	const char *arch;
	const char *qemu;
	const char *image;	/* in the build's object dir */
	const char *console;
	const char *machine;	/* NULL: QEMU's default */
	const char *cpu;
};

static const struct vm_arch arches[] = {
	{ "x86_64", "qemu-system-x86_64", "arch/x86/boot/bzImage", "ttyS0", NULL, NULL },
	{ "i386", "qemu-system-i386", "arch/x86/boot/bzImage", "ttyS0", NULL, NULL },
	{ "arm64", "qemu-system-aarch64", "arch/arm64/boot/Image", "ttyAMA0", "virt", "max" },
};

static const struct vm_arch *find_arch(const char *arch)
{
	size_t i;

	if (!arch)
		arch = "x86_64";
	for (i = 0; i < ARRAY_SIZE(arches); i++)
		if (!strcmp(arches[i].arch, arch))
			return &arches[i];
	return NULL;
}

const char *vm_kernel_image(const char *arch)
{
	const struct vm_arch *a = find_arch(arch);

	return a ? a->image : NULL;
}

/* ---- text from the guest ---- */

static int is_shown(unsigned char c, int lines)
{
	return (c >= 0x20 && c < 0x7f) || (lines && (c == '\n' || c == '\t'));
}

/*
 * A copy of n bytes fit to print: CR dropped, other control and non-ASCII
 * bytes as '?', at most max bytes and "..." after a cut.
 */
static char *shown(const char *s, size_t n, size_t max, int lines)
{
	struct sbuf sb = {0};
	size_t i;

	sbuf_add(&sb, "", 0);
	for (i = 0; i < n && sb.len < max; i++) {
		if (s[i] == '\r')
			continue;
		sbuf_add(&sb, is_shown(s[i], lines) ? &s[i] : "?", 1);
	}
	if (i < n)
		sbuf_adds(&sb, "...");
	return sbuf_detach(&sb);
}

static int has_prefix(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && !memcmp(s, prefix, k);
}

static int word_is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && !memcmp(s, word, n);
}

/* ---- the result line ---- */

/* An unsigned decimal of n bytes into *v; -1 if not one or past 64 bits. */
static int parse_ull(const char *s, size_t n, unsigned long long *v)
{
	size_t i;

	*v = 0;
	if (!n)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned int d = (unsigned char)s[i] - '0';

		if (d > 9 || *v > (~0ULL - d) / 10)
			return -1;
		*v = *v * 10 + d;
	}
	return 0;
}

/* digits, or digits.digits, at most SECONDS_DIGITS before the point. */
static int parse_seconds(const char *s, size_t n, double *v)
{
	char buf[VALUE_MAX_BYTES + 1];
	size_t i = 0, dot;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	dot = i;
	if (!dot || dot > SECONDS_DIGITS || n > VALUE_MAX_BYTES)
		return -1;
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == dot + 1)
			return -1;
	}
	if (i != n)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*v = strtod(buf, NULL);
	return 0;
}

static int is_name(const char *s, size_t n)
{
	size_t i;

	if (!n || n > NAME_MAX_BYTES)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* A label: [a-z][a-z0-9_.-]* */
static int is_label(const char *s, size_t n)
{
	size_t i;

	if (!n || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

/* What the generic keys have been given, to refuse a second one. */
struct seen {
	unsigned int seconds:1, first:1, rounds:1;
};

static char *bad_value(const char *name, size_t nn, const char *v, size_t vn,
		       const char *want)
{
	char *s = shown(v, vn, SHOWN_BYTES, 0);
	char *why = xprintf("%.*s=%s: not %s", (int)nn, name, s, want);

	free(s);
	return why;
}

static char *add_counter(struct vm_result *r, const char *name, size_t nn,
			 const char *v, size_t vn)
{
	unsigned long long ull;
	struct vm_counter *c;
	size_t i;

	for (i = 0; i < r->nr_counters; i++)
		if (word_is(name, nn, r->counters[i].name))
			return xprintf("%.*s= given twice", (int)nn, name);
	if (r->nr_counters == VM_MAX_COUNTERS)
		return xprintf("more than %d counters", VM_MAX_COUNTERS);
	if (!is_label(v, vn) && parse_ull(v, vn, &ull) < 0)
		return bad_value(name, nn, v, vn, "a decimal counter within 64 bits or a word");
	r->counters = xrealloc(r->counters, (r->nr_counters + 1) * sizeof(*r->counters));
	c = &r->counters[r->nr_counters++];
	c->name = xstrndup(name, nn);
	c->value = xstrndup(v, vn);
	return NULL;
}

/* One key=value word into r; NULL, or what is wrong with it. */
static char *parse_word(struct vm_result *r, struct seen *seen, const char *w, size_t n)
{
	const char *eq = memchr(w, '=', n), *v;
	unsigned long long ull;
	size_t nn, vn;

	if (!eq || !is_name(w, eq - w)) {
		char *s = shown(w, n, SHOWN_BYTES, 0);
		char *why = xprintf("'%s' is not name=value with a name of [a-z0-9_]", s);

		free(s);
		return why;
	}
	nn = eq - w;
	v = eq + 1;
	vn = n - nn - 1;
	if (!vn || vn > VALUE_MAX_BYTES)
		return xprintf("%.*s=: %s value", (int)nn, w, vn ? "a too long" : "an empty");
	if (word_is(w, nn, "result")) {
		if (r->kind)
			return xstrdup("result= given twice");
		if (!word_is(v, vn, "loss") && !word_is(v, vn, "clean") && !word_is(v, vn, "error"))
			return bad_value(w, nn, v, vn, "loss, clean or error");
		r->kind = xstrndup(v, vn);
	} else if (word_is(w, nn, "seconds")) {
		if (seen->seconds)
			return xstrdup("seconds= given twice");
		seen->seconds = 1;
		if (parse_seconds(v, vn, &r->seconds) < 0)
			return bad_value(w, nn, v, vn, "seconds (digits[.digits])");
	} else if (word_is(w, nn, "first_failure_s") || word_is(w, nn, "first_loss_s")) {
		if (seen->first)
			return xstrdup("first_failure_s= (or first_loss_s=) given twice");
		seen->first = 1;
		if (!word_is(v, vn, "-") && parse_seconds(v, vn, &r->first_loss) < 0)
			return bad_value(w, nn, v, vn, "seconds or -");
	} else if (word_is(w, nn, "rounds")) {
		if (seen->rounds)
			return xstrdup("rounds= given twice");
		seen->rounds = 1;
		if (parse_ull(v, vn, &ull) < 0 || ull > (unsigned long)-1)
			return bad_value(w, nn, v, vn, "a decimal count");
		r->rounds = ull;
	} else {
		return add_counter(r, w, nn, v, vn);
	}
	return NULL;
}

static void clear_line(struct vm_result *r)
{
	size_t i;

	for (i = 0; i < r->nr_counters; i++) {
		free(r->counters[i].name);
		free(r->counters[i].value);
	}
	free(r->counters);
	free(r->kind);
	r->counters = NULL;
	r->nr_counters = 0;
	r->kind = NULL;
	r->rounds = 0;
	r->seconds = 0;
	r->first_loss = -1;
}

static unsigned long long counter_or_0(const struct vm_result *r, const char *name)
{
	unsigned long long v;

	vm_counter_ull(r, name, &v);
	return v;
}

/* The line (n bytes from "LTSPORT-REPRO") into r; NULL, or what is wrong. */
static char *parse_result(struct vm_result *r, const char *line, size_t n)
{
	struct seen seen = {0};
	size_t i = strlen(RESULT_WORD);
	char *why = NULL;

	if (n > LINE_MAX_BYTES)
		return xprintf("longer than %d bytes", LINE_MAX_BYTES);
	while (!why && i < n) {
		size_t start;

		if (line[i] == ' ') {
			i++;
			continue;
		}
		for (start = i; i < n && line[i] != ' '; i++)
			;
		why = parse_word(r, &seen, line + start, i - start);
	}
	if (!why && !r->kind)
		why = xstrdup("no result= word");
	if (why) {
		clear_line(r);
		return why;
	}
	r->has_result = 1;
	r->lost = counter_or_0(r, "lost");
	r->misloads = counter_or_0(r, "misloads");
	r->pswpin = counter_or_0(r, "pswpin");
	r->pswpout = counter_or_0(r, "pswpout");
	r->throughput = counter_or_0(r, "throughput");
	return NULL;
}

const char *vm_counter(const struct vm_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nr_counters; i++)
		if (!strcmp(r->counters[i].name, name))
			return r->counters[i].value;
	return NULL;
}

int vm_counter_ull(const struct vm_result *r, const char *name, unsigned long long *val)
{
	const char *v = vm_counter(r, name);

	*val = 0;
	if (!v || parse_ull(v, strlen(v), val) < 0) {
		*val = 0;
		return -1;
	}
	return 0;
}

/* ---- the console ---- */

/* "[   12.345678] Run /init ...": the guest clock, -1 if not one. */
static double boot_stamp(const char *line, size_t n)
{
	size_t i = 1, start;
	double v;

	while (i < n && line[i] == ' ')
		i++;
	for (start = i; i < n && line[i] != ']'; i++)
		;
	if (i == n || parse_seconds(line + start, i - start, &v) < 0)
		return -1;
	return v;
}

/* The last TAIL_LINES lines, at most TAIL_BYTES, fit to print. */
static char *tail_of(const char *buf, size_t len)
{
	size_t i = len, start = 0, lines = 0;
	struct sbuf sb = {0};

	if (i && buf[i - 1] == '\n')
		i--;
	for (; i > 0; i--)
		if (buf[i - 1] == '\n' && ++lines == TAIL_LINES) {
			start = i;
			break;
		}
	if (len - start > TAIL_BYTES)
		start = len - TAIL_BYTES;
	sbuf_add(&sb, "", 0);
	for (i = start; i < len; i++)
		if (buf[i] != '\r')
			sbuf_add(&sb, is_shown(buf[i], 1) ? &buf[i] : "?", 1);
	if (sb.len && sb.buf[sb.len - 1] != '\n')
		sbuf_adds(&sb, "\n");
	return sbuf_detach(&sb);
}

/* Why there is no result, from the console alone (vm_run adds QEMU's side). */
static void explain(struct vm_result *r, const char *buf, size_t len, char *malformed)
{
	const char *panic = memmem(buf, len, "Kernel panic", 12);

	if (malformed) {
		r->outcome = VM_MALFORMED;
		r->why = xprintf("malformed %s line: %s", RESULT_WORD, malformed);
	} else if (panic) {
		const char *nl = memchr(panic, '\n', buf + len - panic);

		r->outcome = VM_PANIC;
		r->why = shown(panic, nl ? (size_t)(nl - panic) : (size_t)(buf + len - panic),
			       WHY_BYTES, 0);
	} else if (r->guest_error) {
		r->outcome = VM_GUEST_ERROR;
		r->why = xstrdup(r->guest_error);
	} else if (!memmem(buf, len, "Linux version", 13)) {
		r->outcome = VM_NO_KERNEL;
		r->why = xstrdup("the kernel printed nothing");
	} else {
		r->outcome = VM_NO_LINE;
		r->why = xstrdup("no " RESULT_WORD " line");
	}
	r->tail = tail_of(buf, len);
}

static void result_init(struct vm_result *r)
{
	memset(r, 0, sizeof(*r));
	r->first_loss = -1;
	r->init_at = -1;
}

/* The console's lines; the last complete result line counts. */
static int parse_console(const char *buf, size_t len, struct vm_result *r)
{
	const char *result = NULL;
	size_t off = 0, result_n = 0, k = strlen(RESULT_WORD);
	char *malformed = NULL;

	while (off < len) {
		const char *line = buf + off, *nl = memchr(line, '\n', len - off);
		size_t n = nl ? (size_t)(nl - line) : len - off, m = n;

		while (m && line[m - 1] == '\r')
			m--;
		if (has_prefix(line, m, RESULT_WORD) && (m == k || line[k] == ' ')) {
			if (nl) {
				result = line;
				result_n = m;
			}
		} else if (has_prefix(line, m, "LTSPORT-GUEST instrument=none")) {
			r->not_instrumented = 1;
		} else if (has_prefix(line, m, "LTSPORT-GUEST error") && !r->guest_error) {
			r->guest_error = shown(line, m, WHY_BYTES, 0);
		} else if (r->init_at < 0 && m && line[0] == '[' && memmem(line, m, "] Run /init", 11)) {
			r->init_at = boot_stamp(line, m);
		}
		off += n + !!nl;
	}
	if (result)
		malformed = parse_result(r, result, result_n);
	if (!r->has_result)
		explain(r, buf, len, result ? malformed : NULL);
	free(malformed);
	return r->has_result ? 0 : 1;
}

int vm_parse_console(const char *buf, size_t len, struct vm_result *r)
{
	result_init(r);
	return parse_console(buf ? buf : "", buf ? len : 0, r);
}

/* ---- reading a console of any size ---- */

static size_t read_at(int fd, char *buf, size_t n, off_t off)
{
	size_t done = 0;

	while (done < n) {
		ssize_t k = pread(fd, buf + done, n - done, off + done);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		done += k;
	}
	return done;
}

/* LTSPORT- lines of the console's middle, found chunk by chunk. */
struct scan {
	enum { AT_START, SKIP, KEEP } state;
	size_t matched;		/* of "LTSPORT-", at a line's start */
	struct sbuf line, kept;
};

static void keep_line(struct scan *s)
{
	const char *cut;

	if (s->line.buf[s->line.len - 1] != '\n')
		sbuf_add(&s->line, "\n", 1);
	sbuf_add(&s->kept, s->line.buf, s->line.len);
	s->line.len = 0;
	if (s->kept.len <= KEPT_MAX)
		return;
	/* the older half goes: the last lines are the ones that count */
	cut = memchr(s->kept.buf + s->kept.len / 2, '\n', s->kept.len - s->kept.len / 2);
	cut++;
	s->kept.len -= cut - s->kept.buf;
	memmove(s->kept.buf, cut, s->kept.len);
	s->kept.buf[s->kept.len] = '\0';
}

static void scan_chunk(struct scan *s, const char *p, size_t n)
{
	static const char prefix[] = "LTSPORT-";
	size_t i = 0;

	while (i < n) {
		char c;

		if (s->state == SKIP) {
			const char *nl = memchr(p + i, '\n', n - i);

			if (!nl)
				return;
			i = nl - p + 1;
			s->state = AT_START;
			s->matched = 0;
			continue;
		}
		c = p[i++];
		if (s->state == AT_START) {
			if (c == prefix[s->matched]) {
				if (++s->matched == sizeof(prefix) - 1) {
					s->state = KEEP;
					sbuf_add(&s->line, prefix, s->matched);
				}
			} else if (c == '\n') {
				s->matched = 0;
			} else {
				s->state = SKIP;
			}
			continue;
		}
		/* one byte past the limit: the parser calls such a line too long */
		if (s->line.len <= LINE_MAX_BYTES + 2 || c == '\n')
			sbuf_add(&s->line, &c, 1);
		if (c == '\n') {
			keep_line(s);
			s->state = AT_START;
			s->matched = 0;
		}
	}
}

/* The middle of a big console: head, the LTSPORT- lines between, the end. */
static void read_big(int fd, off_t size, struct sbuf *sb)
{
	struct scan s = { .state = AT_START };
	char *chunk = xmalloc(CHUNK);
	off_t tail_off = size - VM_CONSOLE_MAX, off;
	size_t n, head, skip;
	const char *nl;

	n = read_at(fd, chunk, CONSOLE_HEAD, 0);
	for (head = n; head && chunk[head - 1] != '\n'; head--)
		;
	if (!head) {
		head = n;
		s.state = SKIP;
	}
	sbuf_add(sb, chunk, head);
	if (head && chunk[head - 1] != '\n')
		sbuf_add(sb, "\n", 1);
	for (off = head; off < tail_off; off += n) {
		n = read_at(fd, chunk, tail_off - off < CHUNK ? tail_off - off : CHUNK, off);
		if (!n)
			break;
		scan_chunk(&s, chunk, n);
	}
	free(chunk);
	chunk = xmalloc(VM_CONSOLE_MAX);
	n = read_at(fd, chunk, VM_CONSOLE_MAX, tail_off);
	/* the line running into the end is scanned too, the end shown from the next one */
	nl = memchr(chunk, '\n', n);
	skip = nl ? (size_t)(nl - chunk) + 1 : 0;
	scan_chunk(&s, chunk, skip);
	sbuf_addf(sb, "[ltsport: %lld bytes of the console left out but for their LTSPORT- lines]\n",
		  (long long)(tail_off + skip - head));
	if (s.kept.len)
		sbuf_add(sb, s.kept.buf, s.kept.len);
	if (!nl)
		sbuf_adds(sb, "[ltsport: cut] ");
	sbuf_add(sb, chunk + skip, n - skip);
	free(chunk);
	sbuf_release(&s.line);
	sbuf_release(&s.kept);
}

int vm_read_console(const char *path, char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct sbuf sb = {0};
	struct stat st;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if (st.st_size <= CONSOLE_HEAD + VM_CONSOLE_MAX) {
		char *data = xmalloc(st.st_size + 1);
		size_t n = read_at(fd, data, st.st_size, 0);

		sbuf_add(&sb, data, n);
		free(data);
	} else {
		read_big(fd, st.st_size, &sb);
	}
	close(fd);
	sbuf_add(&sb, "", 0);
	*len = sb.len;
	*buf = sbuf_detach(&sb);
	return 0;
}

/* ---- the boot ---- */

/* QEMU's standard error on one line, "" if it said nothing. */
static char *qemu_said(const char *errlog)
{
	char buf[WHY_BYTES + 1], *s;
	int fd = open(errlog, O_RDONLY | O_CLOEXEC);
	size_t n = 0, i;

	if (fd >= 0) {
		n = read_at(fd, buf, WHY_BYTES, 0);
		close(fd);
	}
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		n--;
	for (i = 0; i < n; i++)
		if (buf[i] == '\n')
			buf[i] = ' ';
	s = shown(buf, n, WHY_BYTES, 0);
	return s;
}

/* Why there is no result, now that QEMU's side is known. */
static void explain_boot(struct vm_result *r, int console_errno, int status, const char *errlog)
{
	char *qerr = qemu_said(errlog);

	if (console_errno) {
		r->outcome = VM_NO_CONSOLE;
		free(r->why);
		if (console_errno != ENOENT)
			r->why = xprintf("QEMU exited (%d), its console cannot be read: %s%s%s", status,
					 strerror(console_errno), *qerr ? "; QEMU said: " : "", qerr);
		else if (r->timed_out)
			r->why = xstrdup("QEMU was still running at the time limit and had written no console");
		else if (*qerr)
			r->why = xprintf("QEMU failed (%d): %s", status, qerr);
		else
			r->why = xprintf("QEMU exited (%d) before the console was written", status);
	} else if (r->outcome == VM_MALFORMED) {
		/* the guest spoke: its words count more than how QEMU ended */
	} else if (r->timed_out) {
		r->outcome = VM_HANG;
		free(r->why);
		r->why = xstrdup("the guest was still running at the time limit (hang?)");
	} else if (r->outcome == VM_NO_KERNEL) {
		free(r->why);
		if (*qerr) {
			r->outcome = VM_QEMU_FAILED;
			r->why = xprintf("QEMU failed (%d): %s", status, qerr);
		} else {
			r->why = xprintf("QEMU exited (%d) before the kernel printed anything", status);
		}
	} else if (r->outcome == VM_NO_LINE) {
		free(r->why);
		r->why = xprintf("QEMU exited (%d) without a %s line", status, RESULT_WORD);
	}
	free(qerr);
}

/* ---- the guest's ticks while it runs ---- */

#define TICK_WORD "LTSPORT-TICK "

static int tick_number(const char **p, const char *end, const char *key, unsigned long *v)
{
	size_t k = strlen(key);
	unsigned long long x;
	const char *q;

	if ((size_t)(end - *p) <= k || memcmp(*p, key, k))
		return -1;
	*p += k;
	for (q = *p; q < end && *q >= '0' && *q <= '9'; q++)
		;
	if (parse_ull(*p, q - *p, &x) || x > ULONG_MAX)
		return -1;
	*v = x;
	*p = q;
	return 0;
}

int vm_last_tick(const char *buf, size_t len, unsigned long *secs, unsigned long *rounds)
{
	const char *end = buf + len, *line, *p;

	/* back from the last newline: a line cut at the end does not count */
	while (end > buf && end[-1] != '\n')
		end--;
	while (end > buf) {
		const char *stop = end - 1;

		line = stop;
		while (line > buf && line[-1] != '\n')
			line--;
		while (stop > line && stop[-1] == '\r')
			stop--;
		p = line + strlen(TICK_WORD);
		if (has_prefix(line, stop - line, TICK_WORD))
			return (tick_number(&p, stop, "seconds=", secs) ||
				tick_number(&p, stop, " rounds=", rounds) || p != stop) ? -1 : 0;
		end = line;
	}
	return -1;
}

struct tick_state {
	const struct vm_boot *b;
	unsigned long secs, rounds;
	int seen;
	int silent;		/* stopped: nothing on the console by first_output_s */
	double t0, next_label;
};

/* The console's last VM_TICK_BYTES, a file QEMU may not have made yet. */
static void console_tick(struct tick_state *ts)
{
	unsigned long secs, rounds;
	char *buf;
	off_t size, off;
	size_t n;
	int fd = open(ts->b->console, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0) {
		close(fd);
		return;
	}
	off = size > VM_TICK_BYTES ? size - VM_TICK_BYTES : 0;
	buf = xmalloc(size - off);
	n = read_at(fd, buf, size - off, off);
	close(fd);
	/* a line the window cut at its start is not one */
	if (off) {
		char *nl = memchr(buf, '\n', n);
		size_t skip = nl ? (size_t)(nl + 1 - buf) : n;

		memmove(buf, buf + skip, n - skip);
		n -= skip;
	}
	if (!vm_last_tick(buf, n, &secs, &rounds) &&
	    (!ts->seen || secs != ts->secs || rounds != ts->rounds)) {
		ts->seen = 1;
		ts->secs = secs;
		ts->rounds = rounds;
		progress_update("%s: guest %lu s, %lu rounds", ts->b->label, secs, rounds);
	}
	free(buf);
}

static int console_is_empty(const char *console)
{
	struct stat st;

	return stat(console, &st) < 0 || st.st_size == 0;
}

/* The guest's ticks as progress, and the first-output limit. */
static int boot_tick(void *arg)
{
	struct tick_state *ts = arg;
	double now = now_s();

	if (ts->b->first_output_s && !ts->silent && now - ts->t0 >= ts->b->first_output_s &&
	    console_is_empty(ts->b->console)) {
		ts->silent = 1;
		return 1;
	}
	if (ts->b->label && now >= ts->next_label) {
		console_tick(ts);
		ts->next_label = now + VM_TICK_EVERY_S;
	}
	return 0;
}

int vm_run(const struct vm_boot *b, struct vm_result *r)
{
	const struct vm_arch *a = find_arch(b->arch);
	struct sbuf qout = {0};
	struct tick_state ts = { .b = b };
	struct spawn sp = {
		.timeout_s = b->timeout_s, .out = &qout,
	};
	struct spawn_status st = {0};
	const char *argv[32];
	char *serial, *append, *errlog, *text = NULL;
	size_t len = 0;
	int ret, console_errno = 0, n = 0, status;
	double t0 = now_s();

	result_init(r);
	if (!a)
		return error("arch '%s': no QEMU known for it; use x86_64, i386 or arm64 (stable_trees.conf arch =)",
			     b->arch);
	serial = xprintf("file:%s", b->console);
	append = xprintf("console=%s panic=-1 ltsport.seconds=%d %s", a->console, b->seconds,
			 b->cmdline ? b->cmdline : "");
	errlog = xprintf("%s.qemu", b->console);
	argv[n++] = a->qemu;
	if (a->machine) {
		argv[n++] = "-machine";
		argv[n++] = a->machine;
	}
	if (a->cpu) {
		argv[n++] = "-cpu";
		argv[n++] = a->cpu;
	}
	argv[n++] = "-accel";
	argv[n++] = b->accel;
	argv[n++] = "-m";
	argv[n++] = VM_MEMORY;
	argv[n++] = "-smp";
	argv[n++] = VM_SMP;
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-monitor";
	argv[n++] = "none";
	argv[n++] = "-serial";
	argv[n++] = serial;
	argv[n++] = "-no-reboot";
	argv[n++] = "-kernel";
	argv[n++] = b->kernel;
	argv[n++] = "-initrd";
	argv[n++] = b->initrd;
	argv[n++] = "-append";
	argv[n++] = append;
	argv[n] = NULL;

	unlink(b->console);
	unlink(errlog);
	sp.argv = argv;
	sp.log = errlog;
	if (b->label || b->first_output_s) {
		ts.t0 = t0;
		ts.next_label = t0 + VM_TICK_EVERY_S;
		sp.tick = boot_tick;
		sp.tick_arg = &ts;
		sp.tick_s = b->first_output_s ? 1 : VM_TICK_EVERY_S;
	}
	/* a boot killed at its time limit is a verdict (a hang), not an error */
	ret = spawn_start(&sp);
	if (!ret)
		ret = spawn_wait(&sp, &st);
	if (ret < 0)
		goto out;
	status = st.code;
	if (vm_read_console(b->console, &text, &len) < 0)
		console_errno = errno ? errno : EIO;
	parse_console(text ? text : "", len, r);
	r->wall = now_s() - t0;
	r->timed_out = st.timed_out;
	r->silent = ts.silent;
	if (!r->has_result)
		explain_boot(r, console_errno, status, errlog);
	free(text);
out:
	sbuf_release(&qout);
	free(serial);
	free(append);
	free(errlog);
	return ret;
}

/*
 * KVM when asked, or when /dev/kvm opens and a short probe boot gives a
 * result under it: a nested KVM can hang before the kernel's first line
 * (seen on this project's 2-vCPU build VM), and a hang must not cost a run.
 */
const char *vm_pick_accel(const char *want, const struct vm_boot *probe, char **note)
{
	struct vm_boot b = *probe;
	struct vm_result r;
	int fd, ok, silent;

	*note = NULL;
	if (strcmp(want, "auto"))
		return want;
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		*note = xstrdup("no usable /dev/kvm: TCG");
		return "tcg";
	}
	close(fd);
	b.accel = "kvm";
	b.seconds = 1;
	if (!b.timeout_s || b.timeout_s > KVM_PROBE_TIMEOUT)
		b.timeout_s = KVM_PROBE_TIMEOUT;
	if (b.timeout_s > KVM_PROBE_FIRST_OUTPUT_S)
		b.first_output_s = KVM_PROBE_FIRST_OUTPUT_S;
	ok = vm_run(&b, &r) == 0 && r.has_result;
	silent = r.silent;
	vm_result_release(&r);
	unlink(b.console);
	if (ok)
		return "kvm";
	if (silent)
		*note = xprintf("a probe boot under KVM printed nothing in %d s: TCG",
				b.first_output_s);
	else
		*note = xprintf("a probe boot under KVM gave no result in %d s: TCG", b.timeout_s);
	return "tcg";
}

/* The first name on PATH that is an executable, NULL if none. */
static char *on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char *dirs, *d, *save = NULL, *found = NULL;

	if (!path)
		return NULL;
	dirs = xstrdup(path);
	for (d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *exe = path_join(*d ? d : ".", prog);

		if (!access(exe, X_OK))
			found = exe;
		else
			free(exe);
	}
	free(dirs);
	return found;
}

char *vm_host_key(const char *arch)
{
	const struct vm_arch *a = find_arch(arch);
	char *exe = NULL, *key = NULL;
	struct stat st, kvm;
	struct utsname u;
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	/* no usable /dev/kvm: no probe, nothing to remember */
	if (fd < 0)
		return NULL;
	if (a && fstat(fd, &kvm) == 0 && uname(&u) == 0)
		exe = on_path(a->qemu);
	if (exe && stat(exe, &st) == 0)
		key = xprintf("qemu %s %lld %lld\nhost %s %s\nkvm %u:%u\n", exe,
			      (long long)st.st_size, (long long)st.st_mtime, u.release,
			      u.version, major(kvm.st_rdev), minor(kvm.st_rdev));
	close(fd);
	free(exe);
	return key;
}

void vm_result_release(struct vm_result *r)
{
	clear_line(r);
	free(r->why);
	free(r->tail);
	free(r->guest_error);
	memset(r, 0, sizeof(*r));
}
