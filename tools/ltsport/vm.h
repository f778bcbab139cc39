/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_VM_H
#define LTSPORT_VM_H

/* One boot of a kernel with the reproducer's initramfs under QEMU. */
struct vm_boot {
	const char *kernel;
	const char *initrd;
	const char *cmdline;	/* the guest's words; console= and panic= are added */
	const char *console;	/* the serial console goes to this file */
	const char *accel;	/* "kvm" or "tcg" */
	int seconds;		/* the reproducer's budget (ltsport.seconds) */
	int timeout_s;		/* QEMU is killed after this */
};

/* What the console said. */
struct vm_result {
	int has_result;		/* an LTSPORT-REPRO line was printed */
	char *kind;		/* its result=: loss, clean or error */
	unsigned long rounds, lost, misloads;
	unsigned long long pswpin, pswpout, throughput;
	double seconds;
	double first_loss;	/* -1: none */
	double init_at;		/* guest clock at /init, -1 if unknown */
	double wall;		/* host seconds the boot took */
	int timed_out;
	int not_instrumented;	/* the kernel did not know the knobs */
	char *why;		/* without a result: hang, panic, QEMU's exit */
	char *tail;		/* the console's last lines, without a result */
	char *guest_error;	/* an LTSPORT-GUEST error line */
};

int vm_run(const struct vm_boot *b, struct vm_result *r);
const char *vm_pick_accel(const char *want, const struct vm_boot *probe, char **note);
void vm_result_release(struct vm_result *r);

#endif
