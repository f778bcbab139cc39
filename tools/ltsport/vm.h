/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_VM_H
#define LTSPORT_VM_H

#include <stddef.h>

/*
 * The result protocol (tools/repro/README.md, "Result protocol"): the guest
 * prints one line on its console,
 *
 *	LTSPORT-REPRO key=value key=value ...
 *
 * at the start of a line and ended by a newline (CR before it is dropped).
 * Words are separated by spaces; a name is [a-z0-9_]+ (at most 32 bytes), a
 * value at most 64 bytes; each name at most once; at most 4096 bytes and
 * VM_MAX_COUNTERS other words. Generic keys:
 *
 *	result=loss|clean|error		required
 *	seconds=S			decimal (digits, optional .digits)
 *	first_failure_s=S|-		seconds to the first failure, - for
 *					none (first_loss_s is the same key)
 *	rounds=N			unsigned decimal
 *
 * Any other word is a counter: an unsigned decimal that fits 64 bits, or a
 * label (a lowercase word: [a-z][a-z0-9_.-]*), kept by name as text. A line
 * breaking any of this is malformed: no result, and why says what is wrong.
 * The last complete line counts (a line cut at the end of the console does
 * not); an earlier one is never taken instead of a malformed last one.
 */
#define VM_MAX_COUNTERS 32
#define VM_CONSOLE_MAX (4 << 20)	/* bytes of a console's end that are read */

/* One boot of a kernel with the reproducer's initramfs under QEMU. */
struct vm_boot {
	const char *kernel;
	const char *initrd;
	const char *cmdline;	/* the guest's words; console= and panic= are added */
	const char *console;	/* the serial console goes to this file */
	const char *accel;	/* "kvm" or "tcg" */
	const char *arch;	/* the tree's arch (x86_64, i386, arm64); NULL: x86_64 */
	int seconds;		/* the reproducer's budget (ltsport.seconds) */
	int timeout_s;		/* QEMU is killed after this */
	int first_output_s;	/* ... or when the console is still empty then; 0: no such limit */
	const char *label;	/* "6.1: repro before": the guest's ticks as progress; NULL: none */
};

/* How a boot ended. */
enum vm_outcome {
	VM_RESULT,		/* a well-formed LTSPORT-REPRO line */
	VM_MALFORMED,		/* the last LTSPORT-REPRO line broke the protocol */
	VM_HANG,		/* killed at the time limit */
	VM_PANIC,		/* the kernel panicked */
	VM_GUEST_ERROR,		/* an LTSPORT-GUEST error line, no result */
	VM_NO_LINE,		/* the kernel ran, no LTSPORT-REPRO line */
	VM_NO_KERNEL,		/* the kernel printed nothing */
	VM_QEMU_FAILED,		/* QEMU said why on stderr, the kernel said nothing */
	VM_NO_CONSOLE,		/* QEMU exited before the console was written */
};

/* A key=value of the result line that is not one of the generic keys. */
struct vm_counter {
	char *name;
	char *value;
};

/* What the console said. */
struct vm_result {
	int has_result;		/* a well-formed LTSPORT-REPRO line was printed */
	enum vm_outcome outcome;
	char *kind;		/* its result=: loss, clean or error */
	unsigned long rounds;
	double seconds;
	double first_loss;	/* first_failure_s; -1: none */
	struct vm_counter *counters;
	size_t nr_counters;
	/* counters of the swap-race guest, 0 when absent (vm_counter_ull) */
	unsigned long lost, misloads;
	unsigned long long pswpin, pswpout, throughput;
	double init_at;		/* guest clock at /init, -1 if unknown */
	double wall;		/* host seconds the boot took */
	int timed_out;
	int silent;		/* stopped at first_output_s: the console was empty */
	int not_instrumented;	/* the kernel did not know the knobs */
	char *why;		/* without a result: hang, panic, QEMU's exit */
	char *tail;		/* the console's last lines, without a result */
	char *guest_error;	/* an LTSPORT-GUEST error line */
};

int vm_run(const struct vm_boot *b, struct vm_result *r);
const char *vm_pick_accel(const char *want, const struct vm_boot *probe, char **note);
/*
 * What vm_pick_accel()'s probe depends on, as text: the QEMU of arch found
 * on PATH (path, size, time), the host's kernel and its /dev/kvm. NULL when
 * /dev/kvm does not open or QEMU is not found: no probe to remember.
 */
char *vm_host_key(const char *arch);
void vm_result_release(struct vm_result *r);

/*
 * The console in buf (len bytes, NUL and CR allowed; it is untrusted) into
 * r, which is reset first. 0 with a result, 1 without (r->why says why).
 */
int vm_parse_console(const char *buf, size_t len, struct vm_result *r);

/*
 * The last complete LTSPORT-TICK seconds=S rounds=N line of buf (a console's
 * end, untrusted): 0 with its numbers, -1 if there is none or it is bad.
 */
#define VM_TICK_BYTES (64 << 10)	/* of the console's end, read for a tick */
#define VM_TICK_EVERY_S 2
int vm_last_tick(const char *buf, size_t len, unsigned long *secs, unsigned long *rounds);

/* A console file, at most its first 64 KiB, LTSPORT- lines and VM_CONSOLE_MAX of its end. */
int vm_read_console(const char *path, char **buf, size_t *len);

/* A counter's text, NULL if the line had none. */
const char *vm_counter(const struct vm_result *r, const char *name);
/* A decimal counter into *val: 0, or -1 if absent or a label (*val = 0). */
int vm_counter_ull(const struct vm_result *r, const char *name, unsigned long long *val);

/* The kernel image a build of arch makes (arch/x86/boot/bzImage), NULL if unknown. */
const char *vm_kernel_image(const char *arch);

#endif
