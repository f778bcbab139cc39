// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU boots of reproducer kernels: qemu-system-x86_64 with the serial
 * console in a file, under a hard time limit, and what the console said:
 * the reproducer's LTSPORT-REPRO result line, or why there is none (the
 * guest hung, the kernel panicked, QEMU failed), with the console's tail.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "fsutil.h"
#include "spawn.h"
#include "vm.h"

#define VM_MEMORY "512"
#define VM_SMP "2"
#define TAIL_LINES 25
#define KVM_PROBE_TIMEOUT 45

/* The console with its CR LF line ends made plain. */
static char *read_console(const char *path)
{
	char *text = NULL, *in, *out;

	if (read_file_quiet(path, &text) < 0)
		return xstrdup("");
	for (in = out = text; *in; in++)
		if (*in != '\r')
			*out++ = *in;
	*out = '\0';
	return text;
}

static const char *word_value(const char *line, const char *key)
{
	size_t n = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ') && p[n] == '=')
			return p + n + 1;
		p += n;
	}
	return NULL;
}

static unsigned long long word_ull(const char *line, const char *key)
{
	const char *v = word_value(line, key);

	return v ? strtoull(v, NULL, 10) : 0;
}

static double word_double(const char *line, const char *key, double none)
{
	const char *v = word_value(line, key);

	return v && *v != '-' ? strtod(v, NULL) : none;
}

static void parse_result(struct vm_result *r, const char *line)
{
	const char *kind = word_value(line, "result");

	r->has_result = 1;
	r->kind = xstrndup(kind ? kind : "error", kind ? strcspn(kind, " ") : 5);
	r->rounds = word_ull(line, "rounds");
	r->lost = word_ull(line, "lost");
	r->misloads = word_ull(line, "misloads");
	r->pswpin = word_ull(line, "pswpin");
	r->pswpout = word_ull(line, "pswpout");
	r->throughput = word_ull(line, "throughput");
	r->seconds = word_double(line, "seconds", 0);
	r->first_loss = word_double(line, "first_loss_s", -1);
}

static char *tail_of(const char *text)
{
	const char *p = text + strlen(text);
	int n = 0;

	while (p > text && n <= TAIL_LINES)
		if (*--p == '\n' && p[1])
			n++;
	return xstrdup(p == text ? p : p + 1);
}

static void parse_console(struct vm_result *r, const char *text)
{
	const char *line = text, *result = NULL;

	while (*line) {
		size_t n = strcspn(line, "\n");

		if (starts_with(line, "LTSPORT-REPRO "))
			result = line;
		else if (starts_with(line, "LTSPORT-GUEST instrument=none"))
			r->not_instrumented = 1;
		else if (starts_with(line, "LTSPORT-GUEST error") && !r->guest_error)
			r->guest_error = xstrndup(line, n);
		else if (line[0] == '[' && memmem(line, n, "] Run /init", 11))
			r->init_at = strtod(line + 1, NULL);
		line += n + (line[n] == '\n');
	}
	if (result) {
		char *copy = xstrndup(result, strcspn(result, "\n"));

		parse_result(r, copy);
		free(copy);
	}
}

static void explain_no_result(struct vm_result *r, const char *text, int status)
{
	const char *panic = strstr(text, "Kernel panic");

	if (r->timed_out)
		r->why = xstrdup("the guest was still running at the time limit (hang?)");
	else if (panic)
		r->why = xstrndup(panic, strcspn(panic, "\n"));
	else if (r->guest_error)
		r->why = xstrdup(r->guest_error);
	else if (!strstr(text, "Linux version"))
		r->why = xprintf("QEMU exited (%d) before the kernel printed anything", status);
	else
		r->why = xprintf("QEMU exited (%d) without a LTSPORT-REPRO line", status);
	r->tail = tail_of(text);
}

int vm_run(const struct vm_boot *b, struct vm_result *r)
{
	char *serial = xprintf("file:%s", b->console);
	char *append = xprintf("console=ttyS0 panic=-1 ltsport.seconds=%d %s", b->seconds,
			       b->cmdline ? b->cmdline : "");
	char *errlog = xprintf("%s.qemu", b->console);
	const char *const argv[] = {
		"qemu-system-x86_64", "-accel", b->accel, "-m", VM_MEMORY, "-smp", VM_SMP,
		"-display", "none", "-monitor", "none", "-serial", serial, "-no-reboot",
		"-kernel", b->kernel, "-initrd", b->initrd, "-append", append, NULL,
	};
	struct spawn_result res = {0};
	double t0 = now_s();
	char *text;
	int ret;

	memset(r, 0, sizeof(*r));
	r->first_loss = -1;
	r->init_at = -1;
	unlink(b->console);
	unlink(errlog);
	/* a boot killed at its time limit is a verdict (a hang), not an error */
	ret = spawn_run_limited(argv, NULL, b->timeout_s, errlog, &res);
	r->wall = now_s() - t0;
	r->timed_out = res.timed_out;
	if (ret < 0 && !res.timed_out)
		goto out;
	ret = 0;
	text = read_console(b->console);
	parse_console(r, text);
	if (!r->has_result) {
		char *qerr = NULL;

		explain_no_result(r, text, res.status);
		if (!read_file_quiet(errlog, &qerr) && *qerr && !strstr(text, "Linux version")) {
			free(r->why);
			r->why = xprintf("QEMU failed (%d): %.300s", res.status, qerr);
		}
		free(qerr);
	}
	free(text);
out:
	spawn_result_release(&res);
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
	int fd, ok;

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
	ok = vm_run(&b, &r) == 0 && r.has_result;
	vm_result_release(&r);
	unlink(b.console);
	if (ok)
		return "kvm";
	*note = xprintf("a probe boot under KVM gave no result in %d s: TCG", b.timeout_s);
	return "tcg";
}

void vm_result_release(struct vm_result *r)
{
	free(r->kind);
	free(r->why);
	free(r->tail);
	free(r->guest_error);
	memset(r, 0, sizeof(*r));
}
