// SPDX-License-Identifier: GPL-2.0
/*
 * vm.c: the console parser (vm_parse_console) on every shape of console a
 * guest can leave, the bounded console reader, the arch table, and vm_run
 * against fake QEMUs (shell scripts first in PATH).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "util.h"
#include "fsutil.h"
#include "vm.h"

#define CLEAN "LTSPORT-REPRO result=clean rounds=50 seconds=60.0 lost=0 misloads=0 " \
	"first_loss_s=- pswpin=900 pswpout=1000 throughput=6000 pageout=madvise"
#define LOSS "LTSPORT-REPRO result=loss rounds=3 seconds=2.5 lost=12 misloads=1 " \
	"first_loss_s=2.4 pswpin=100 pswpout=200 throughput=3000 pageout=madvise"
#define BOOT "[    0.000000] Linux version 6.1.0-fake\r\n" \
	"[    0.612345] Run /init as init process\r\n" \
	"LTSPORT-GUEST kernel=6.1.0-fake\r\n"

static int parse(const char *text, struct vm_result *r)
{
	return vm_parse_console(text, strlen(text), r);
}

/* A well-formed line of words: its why is NULL, or the test fails showing it. */
static void assert_refused(const char *line, const char *why)
{
	struct vm_result r;
	char *text = xprintf(BOOT "%s\r\n", line);

	assert_int_equal(parse(text, &r), 1);
	assert_false(r.has_result);
	assert_int_equal(r.outcome, VM_MALFORMED);
	assert_non_null(r.why);
	if (!strstr(r.why, why))
		fail_msg("'%s': why is '%s', wanted '%s'", line, r.why, why);
	assert_null(r.kind);
	assert_int_equal(r.nr_counters, 0);
	vm_result_release(&r);
	free(text);
}

static void test_clean(void **state)
{
	struct vm_result r;
	unsigned long long v;

	(void)state;
	assert_int_equal(parse(BOOT "LTSPORT-GUEST instrument every=4 us=200..2000\r\n"
			       CLEAN "\r\nLTSPORT-GUEST exit=0\r\n", &r), 0);
	assert_true(r.has_result);
	assert_int_equal(r.outcome, VM_RESULT);
	assert_string_equal(r.kind, "clean");
	assert_int_equal(r.rounds, 50);
	assert_true(r.seconds == 60.0);
	assert_true(r.first_loss == -1);
	assert_int_equal(r.lost, 0);
	assert_int_equal(r.pswpin, 900);
	assert_int_equal(r.pswpout, 1000);
	assert_int_equal(r.throughput, 6000);
	assert_true(r.init_at > 0.61 && r.init_at < 0.62);
	assert_false(r.not_instrumented);
	assert_null(r.why);
	assert_null(r.tail);
	assert_string_equal(vm_counter(&r, "pageout"), "madvise");
	assert_int_equal(vm_counter_ull(&r, "pageout", &v), -1);
	assert_int_equal(v, 0);
	assert_int_equal(vm_counter_ull(&r, "pswpin", &v), 0);
	assert_int_equal(v, 900);
	assert_null(vm_counter(&r, "nothing"));
	assert_int_equal(vm_counter_ull(&r, "nothing", &v), -1);
	vm_result_release(&r);
}

static void test_loss(void **state)
{
	struct vm_result r;

	(void)state;
	assert_int_equal(parse(BOOT "LTSPORT-GUEST instrument=none\r\n" LOSS "\r\n", &r), 0);
	assert_string_equal(r.kind, "loss");
	assert_int_equal(r.rounds, 3);
	assert_int_equal(r.lost, 12);
	assert_int_equal(r.misloads, 1);
	assert_true(r.first_loss > 2.39 && r.first_loss < 2.41);
	assert_true(r.not_instrumented);
	vm_result_release(&r);
}

/* The generic key and a series of another kind: counters by name. */
static void test_generic_keys(void **state)
{
	struct vm_result r;
	unsigned long long v;

	(void)state;
	assert_int_equal(parse("LTSPORT-REPRO result=loss first_failure_s=7 rounds=2 uaf_hits=5\n",
			       &r), 0);
	assert_true(r.first_loss == 7);
	assert_int_equal(r.rounds, 2);
	assert_true(r.seconds == 0);
	assert_int_equal(r.nr_counters, 1);
	assert_int_equal(vm_counter_ull(&r, "uaf_hits", &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(r.lost, 0);
	assert_int_equal(r.pswpin, 0);
	vm_result_release(&r);
	/* the largest 64-bit counter is taken whole */
	assert_int_equal(parse("LTSPORT-REPRO result=clean hits=18446744073709551615\n", &r), 0);
	assert_int_equal(vm_counter_ull(&r, "hits", &v), 0);
	assert_true(v == 18446744073709551615ULL);
	vm_result_release(&r);
	/* spaces between words, spaces at the end */
	assert_int_equal(parse("LTSPORT-REPRO   result=error  rounds=0 \r\n", &r), 0);
	assert_string_equal(r.kind, "error");
	vm_result_release(&r);
}

/* The last complete line counts; a line cut at the end does not. */
static void test_cut_line(void **state)
{
	struct vm_result r;

	(void)state;
	assert_int_equal(parse(BOOT "LTSPORT-REPRO result=loss rounds=3 seco", &r), 1);
	assert_int_equal(r.outcome, VM_NO_LINE);
	assert_string_equal(r.why, "no LTSPORT-REPRO line");
	assert_non_null(strstr(r.tail, "LTSPORT-REPRO result=loss rounds=3 seco\n"));
	vm_result_release(&r);
	assert_int_equal(parse(BOOT CLEAN "\r\nLTSPORT-REPRO result=loss rou", &r), 0);
	assert_string_equal(r.kind, "clean");
	vm_result_release(&r);
}

static void test_two_lines(void **state)
{
	struct vm_result r;

	(void)state;
	/* the watchdog's error line after the reproducer's: the last one */
	assert_int_equal(parse(BOOT LOSS "\r\nLTSPORT-GUEST error: still running after 180s\r\n"
			       "LTSPORT-REPRO result=error rounds=0 seconds=0.0\r\n", &r), 0);
	assert_string_equal(r.kind, "error");
	assert_int_equal(r.lost, 0);
	assert_string_equal(r.guest_error, "LTSPORT-GUEST error: still running after 180s");
	vm_result_release(&r);
	/* a malformed last line is refused, not replaced by the earlier one */
	assert_int_equal(parse(BOOT LOSS "\r\nLTSPORT-REPRO result=maybe\r\n", &r), 1);
	assert_int_equal(r.outcome, VM_MALFORMED);
	assert_string_equal(r.why, "malformed LTSPORT-REPRO line: result=maybe: not loss, clean or error");
	vm_result_release(&r);
}

static void test_crlf(void **state)
{
	struct vm_result r;

	(void)state;
	assert_int_equal(parse("LTSPORT-REPRO result=clean rounds=4\r\r\n", &r), 0);
	assert_int_equal(r.rounds, 4);
	vm_result_release(&r);
	/* a CR inside the line is no separator */
	assert_refused("LTSPORT-REPRO result=clean\rrounds=4", "not loss, clean or error");
	/* LF CR: the CR starts the next line, which is not a result */
	assert_int_equal(parse("x\n\rLTSPORT-REPRO result=clean\n", &r), 1);
	vm_result_release(&r);
}

static void test_nul_bytes(void **state)
{
	static const char text[] = "[    0.000000] Linux version 6.1\n\0\0garbage\0\n"
		"LTSPORT-REPRO result=loss rounds=1 lost=2\n\0tail\0";
	static const char inside[] = "Linux version 6.1\nLTSPORT-REPRO result=loss\0 rounds=1\n";
	static const char name[] = "Linux version 6.1\nLTSPORT-REPRO result=loss lo\0st=1\n";
	struct vm_result r;

	(void)state;
	assert_int_equal(vm_parse_console(text, sizeof(text) - 1, &r), 0);
	assert_string_equal(r.kind, "loss");
	assert_int_equal(r.lost, 2);
	vm_result_release(&r);
	assert_int_equal(vm_parse_console(inside, sizeof(inside) - 1, &r), 1);
	assert_string_equal(r.why, "malformed LTSPORT-REPRO line: result=loss?: not loss, clean or error");
	vm_result_release(&r);
	assert_int_equal(vm_parse_console(name, sizeof(name) - 1, &r), 1);
	assert_int_equal(r.outcome, VM_MALFORMED);
	vm_result_release(&r);
	/* NUL in the console's last lines: shown as ?, the tail stays whole */
	assert_int_equal(vm_parse_console(text, sizeof(text) - 10, &r), 1);
	vm_result_release(&r);
	assert_int_equal(vm_parse_console("a\0b\n", 4, &r), 1);
	assert_string_equal(r.tail, "a?b\n");
	assert_string_equal(r.why, "the kernel printed nothing");
	vm_result_release(&r);
	/* nothing at all */
	assert_int_equal(vm_parse_console(NULL, 0, &r), 1);
	assert_int_equal(r.outcome, VM_NO_KERNEL);
	vm_result_release(&r);
}

static void test_huge_numbers(void **state)
{
	(void)state;
	assert_refused("LTSPORT-REPRO result=clean hits=18446744073709551616", "hits=18446744073709551616: not a decimal counter");
	assert_refused("LTSPORT-REPRO result=clean hits=99999999999999999999999", "hits=");
	assert_refused("LTSPORT-REPRO result=clean rounds=18446744073709551616", "rounds=");
	assert_refused("LTSPORT-REPRO result=clean seconds=1234567890123456", "seconds=");
	assert_refused("LTSPORT-REPRO result=clean seconds=1e9", "seconds=1e9");
	assert_refused("LTSPORT-REPRO result=clean first_loss_s=inf", "first_loss_s=inf");
	assert_refused("LTSPORT-REPRO result=clean x=00000000000000000000000000000000000000000000000000000000000000001",
		       "x=: a too long value");
}

static void test_negative_numbers(void **state)
{
	(void)state;
	assert_refused("LTSPORT-REPRO result=loss lost=-1", "lost=-1: not a decimal counter");
	assert_refused("LTSPORT-REPRO result=loss rounds=-3", "rounds=-3: not a decimal count");
	assert_refused("LTSPORT-REPRO result=loss seconds=-2.0", "seconds=-2.0");
	assert_refused("LTSPORT-REPRO result=loss first_failure_s=-1", "first_failure_s=-1");
	assert_refused("LTSPORT-REPRO result=loss rounds=+3", "rounds=+3");
	assert_refused("LTSPORT-REPRO result=loss lost=1.5", "lost=1.5");
}

static void test_missing_fields(void **state)
{
	struct vm_result r;

	(void)state;
	assert_refused("LTSPORT-REPRO", "no result= word");
	assert_refused("LTSPORT-REPRO rounds=3 lost=1", "no result= word");
	assert_refused("LTSPORT-REPRO result=", "result=: an empty value");
	assert_refused("LTSPORT-REPRO result=loss lost", "'lost' is not name=value");
	assert_refused("LTSPORT-REPRO result=loss =3", "'=3' is not name=value");
	assert_refused("LTSPORT-REPRO result=loss Lost=3", "'Lost=3' is not name=value");
	assert_refused("LTSPORT-REPRO result=loss result=clean", "result= given twice");
	assert_refused("LTSPORT-REPRO result=loss lost=1 lost=2", "lost= given twice");
	assert_refused("LTSPORT-REPRO result=loss first_loss_s=1 first_failure_s=1", "given twice");
	assert_refused("LTSPORT-REPRO result=loss \x1b[2J=1", "'?[2J=1' is not name=value");
	/* only result= is required: the rest defaults */
	assert_int_equal(parse("LTSPORT-REPRO result=clean\n", &r), 0);
	assert_int_equal(r.rounds, 0);
	assert_true(r.first_loss == -1);
	assert_int_equal(r.nr_counters, 0);
	vm_result_release(&r);
	/* not a result line at all */
	assert_int_equal(parse(BOOT "LTSPORT-REPROX result=clean\n x LTSPORT-REPRO result=clean\n",
			       &r), 1);
	assert_int_equal(r.outcome, VM_NO_LINE);
	vm_result_release(&r);
}

static void test_limits(void **state)
{
	struct sbuf sb = {0};
	int i;

	(void)state;
	sbuf_adds(&sb, "LTSPORT-REPRO result=clean");
	for (i = 0; i <= VM_MAX_COUNTERS; i++)
		sbuf_addf(&sb, " c%d=%d", i, i);
	assert_refused(sb.buf, "more than 32 counters");
	sbuf_release(&sb);
	sbuf_adds(&sb, "LTSPORT-REPRO result=clean");
	while (sb.len <= 4096)
		sbuf_adds(&sb, "    ");
	assert_refused(sb.buf, "longer than 4096 bytes");
	sbuf_release(&sb);
	assert_refused("LTSPORT-REPRO result=clean a_name_of_thirty_three_bytes_xxxx=1", "is not name=value");
}

static void test_panic(void **state)
{
	struct vm_result r;

	(void)state;
	assert_int_equal(parse(BOOT "[    0.700000] Kernel panic - not syncing: fake\r\n"
			       "[    0.700001] ---[ end Kernel panic ]---\r\n", &r), 1);
	assert_int_equal(r.outcome, VM_PANIC);
	assert_string_equal(r.why, "Kernel panic - not syncing: fake");
	assert_non_null(strstr(r.tail, "Linux version"));
	assert_null(strchr(r.tail, '\r'));
	vm_result_release(&r);
	assert_int_equal(parse(BOOT "LTSPORT-GUEST error: cannot mount /proc\r\n", &r), 1);
	assert_int_equal(r.outcome, VM_GUEST_ERROR);
	assert_string_equal(r.why, "LTSPORT-GUEST error: cannot mount /proc");
	vm_result_release(&r);
}

static void test_init_timing(void **state)
{
	struct vm_result r;

	(void)state;
	parse("[    1.250000] Run /init as init process\n", &r);
	assert_true(r.init_at == 1.25);
	vm_result_release(&r);
	parse("[12.5] Run /init as init process\n[   2.0] Run /init again\n", &r);
	assert_true(r.init_at == 12.5);
	vm_result_release(&r);
	parse("[  abc] Run /init\n[-1.0] Run /init\n[ 99999999999999999.0] Run /init\n", &r);
	assert_true(r.init_at == -1);
	vm_result_release(&r);
	parse("[    3.0", &r);
	assert_true(r.init_at == -1);
	vm_result_release(&r);
}

/* Only the last TAIL_LINES lines of a console without a result. */
static void test_tail(void **state)
{
	struct sbuf sb = {0};
	struct vm_result r;
	int i;

	(void)state;
	sbuf_adds(&sb, BOOT);
	for (i = 0; i < 100; i++)
		sbuf_addf(&sb, "line %d\r\n", i);
	vm_parse_console(sb.buf, sb.len, &r);
	assert_non_null(strstr(r.tail, "line 99\n"));
	assert_non_null(strstr(r.tail, "line 75\n"));
	assert_null(strstr(r.tail, "line 74\n"));
	assert_string_equal(r.why, "no LTSPORT-REPRO line");
	vm_result_release(&r);
	sbuf_release(&sb);
}

/* ---- the console file ---- */

static char *tmp;

static int make_tmp(void **state)
{
	(void)state;
	tmp = xstrdup("/tmp/u-vm.XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int remove_tmp(void **state)
{
	(void)state;
	rm_rf(tmp);
	free(tmp);
	return 0;
}

static void test_read_console_small(void **state)
{
	char *path = path_join(tmp, "small"), *buf;
	size_t len;

	(void)state;
	assert_int_equal(write_file(path, "a\0b\r\n", 5), 0);
	assert_int_equal(vm_read_console(path, &buf, &len), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(buf, "a\0b\r\n", 5);
	free(buf);
	unlink(path);
	assert_int_equal(vm_read_console(path, &buf, &len), -1);
	assert_null(buf);
	assert_int_equal(vm_read_console(tmp, &buf, &len), -1);
	free(path);
}

/* A guest that prints far too much: bounded, and the result line kept. */
static void test_read_console_big(void **state)
{
	char *path = path_join(tmp, "big"), *buf, *junk = xmalloc(1 << 20);
	struct vm_result r;
	FILE *f = fopen(path, "w");
	size_t len;
	int i;

	(void)state;
	assert_non_null(f);
	memset(junk, 'x', 1 << 20);
	for (i = 1; i < 1 << 20; i += 100)
		junk[i] = '\n';
	fputs(BOOT, f);
	fwrite(junk, 1, 1 << 20, f);
	fputs("\nLTSPORT-GUEST instrument=none\r\n", f);
	fputs("LTSPORT-REPRO result=loss lost=1\r\nLTSPORT-REPRO result=loss lost=7\r\n", f);
	for (i = 0; i < 8; i++)
		fwrite(junk, 1, 1 << 20, f);
	/* a line that runs into the part read whole, and one cut at the end */
	fputs("LTSPORT-GUEST error: at the seam", f);
	for (i = 0; i < 3; i++)
		fwrite(junk, 1, 1 << 20, f);
	fputs("\n[  9.0] Kernel panic - not syncing: end\n", f);
	fwrite("x", 1, 1, f);
	assert_int_equal(fclose(f), 0);
	/* the part read whole starts inside the long line */
	assert_int_equal(vm_read_console(path, &buf, &len), 0);
	assert_true(len < VM_CONSOLE_MAX + (200 << 10));
	assert_true(len > VM_CONSOLE_MAX - (1 << 20));
	assert_non_null(memmem(buf, len, "bytes of the console left out", 29));
	assert_int_equal(vm_parse_console(buf, len, &r), 0);
	assert_int_equal(r.lost, 7);
	assert_true(r.not_instrumented);
	assert_true(r.init_at > 0.6);
	vm_result_release(&r);
	free(buf);
	free(junk);
	free(path);
}

/* ---- vm_run with fake QEMUs ---- */

static char *fake_qemu(const char *name, const char *body)
{
	char *dir = path_join(tmp, "bin"), *path = path_join(dir, name);
	char *script = xprintf("#!/bin/sh\n{ echo \"${0##*/}\"; for a; do echo \"$a\"; done; } >\"%s/argv\"\n"
			       "while [ $# -gt 0 ]; do\n"
			       "\tcase $1 in -serial) console=${2#file:}; shift ;; esac\n"
			       "\tshift\ndone\n%s\n", tmp, body);
	char *old = getenv("PATH"), *env = xprintf("%s:%s", dir, old ? old : "/usr/bin:/bin");

	assert_int_equal(mkdir_p(dir), 0);
	assert_int_equal(write_file(path, script, strlen(script)), 0);
	assert_int_equal(chmod(path, 0755), 0);
	setenv("PATH", env, 1);
	free(env);
	free(script);
	free(path);
	return dir;
}

static void restore_path(char *dir)
{
	char *path = getenv("PATH");

	if (path && starts_with(path, dir))
		setenv("PATH", path + strlen(dir) + 1, 1);
	rm_rf(dir);
	free(dir);
}

static int boot(const char *arch, struct vm_result *r)
{
	char *console = path_join(tmp, "console");
	struct vm_boot b = {
		.kernel = "bzImage", .initrd = "initramfs.gz", .cmdline = "ltsport.swapkb=64",
		.console = console, .accel = "tcg", .arch = arch, .seconds = 5, .timeout_s = 20,
	};
	int ret = vm_run(&b, r);

	free(console);
	return ret;
}

/* Defect 9: QEMU gone before the console exists was a NULL dereference. */
static void test_run_no_console(void **state)
{
	char *console, *dir = fake_qemu("qemu-system-x86_64",
			      "echo \"qemu-system-x86_64: -kernel bzImage: no such file\" >&2\nexit 1");
	struct vm_result r;

	(void)state;
	assert_int_equal(boot(NULL, &r), 0);
	assert_false(r.has_result);
	assert_int_equal(r.outcome, VM_NO_CONSOLE);
	assert_string_equal(r.why, "QEMU failed (1): qemu-system-x86_64: -kernel bzImage: no such file");
	vm_result_release(&r);
	restore_path(dir);
	dir = fake_qemu("qemu-system-x86_64", "exit 0");
	assert_int_equal(boot("x86_64", &r), 0);
	assert_string_equal(r.why, "QEMU exited (0) before the console was written");
	vm_result_release(&r);
	restore_path(dir);
	/* a console that cannot be read says so, with QEMU's words */
	dir = fake_qemu("qemu-system-x86_64", "mkdir \"$console\"\necho odd >&2\nexit 0");
	assert_int_equal(boot(NULL, &r), 0);
	assert_int_equal(r.outcome, VM_NO_CONSOLE);
	assert_string_equal(r.why, "QEMU exited (0), its console cannot be read: Invalid argument; QEMU said: odd");
	vm_result_release(&r);
	restore_path(dir);
	console = path_join(tmp, "console");
	assert_int_equal(rmdir(console), 0);
	free(console);
}

static void test_run_result(void **state)
{
	char *dir = fake_qemu("qemu-system-x86_64",
			      "printf '" BOOT CLEAN "\\r\\n' >\"$console\"");
	char *argv = path_join(tmp, "argv"), *args = NULL;
	struct vm_result r;

	(void)state;
	assert_int_equal(boot(NULL, &r), 0);
	assert_true(r.has_result);
	assert_string_equal(r.kind, "clean");
	assert_int_equal(r.throughput, 6000);
	assert_true(r.wall >= 0);
	assert_int_equal(read_file(argv, &args, NULL), 0);
	assert_true(starts_with(args, "qemu-system-x86_64\n-accel\ntcg\n"));
	assert_non_null(strstr(args, "\nconsole=ttyS0 panic=-1 ltsport.seconds=5 ltsport.swapkb=64\n"));
	assert_null(strstr(args, "-machine"));
	free(args);
	vm_result_release(&r);
	restore_path(dir);
	free(argv);
}

static void test_run_stderr_no_kernel(void **state)
{
	char *dir = fake_qemu("qemu-system-x86_64",
			      ": >\"$console\"\necho 'qemu: could not load kernel' >&2\n"
			      "echo 'second line' >&2\nexit 1");
	struct vm_result r;

	(void)state;
	assert_int_equal(boot(NULL, &r), 0);
	assert_int_equal(r.outcome, VM_QEMU_FAILED);
	assert_string_equal(r.why, "QEMU failed (1): qemu: could not load kernel second line");
	vm_result_release(&r);
	restore_path(dir);
	dir = fake_qemu("qemu-system-x86_64", "printf 'Linux version 6\\n' >\"$console\"\nexit 0");
	assert_int_equal(boot(NULL, &r), 0);
	assert_int_equal(r.outcome, VM_NO_LINE);
	assert_string_equal(r.why, "QEMU exited (0) without a LTSPORT-REPRO line");
	vm_result_release(&r);
	restore_path(dir);
}

static void test_run_arch(void **state)
{
	char *dir = fake_qemu("qemu-system-aarch64", "printf '" LOSS "\\n' >\"$console\"");
	char *argv = path_join(tmp, "argv"), *args = NULL;
	struct vm_result r;

	(void)state;
	assert_int_equal(boot("arm64", &r), 0);
	assert_string_equal(r.kind, "loss");
	assert_int_equal(read_file(argv, &args, NULL), 0);
	assert_true(starts_with(args, "qemu-system-aarch64\n-machine\nvirt\n-cpu\nmax\n-accel\n"));
	assert_non_null(strstr(args, "\nconsole=ttyAMA0 panic=-1 "));
	free(args);
	vm_result_release(&r);
	restore_path(dir);
	/* an unknown arch is an error naming it; nothing runs */
	assert_int_equal(boot("sparc", &r), -1);
	assert_false(r.has_result);
	vm_result_release(&r);
	free(argv);
}

static void test_kernel_image(void **state)
{
	(void)state;
	assert_string_equal(vm_kernel_image(NULL), "arch/x86/boot/bzImage");
	assert_string_equal(vm_kernel_image("x86_64"), "arch/x86/boot/bzImage");
	assert_string_equal(vm_kernel_image("i386"), "arch/x86/boot/bzImage");
	assert_string_equal(vm_kernel_image("arm64"), "arch/arm64/boot/Image");
	assert_null(vm_kernel_image("sparc"));
	assert_null(vm_kernel_image(""));
}

static int last_tick(const char *text, unsigned long *secs, unsigned long *rounds)
{
	*secs = 7;
	*rounds = 7;
	return vm_last_tick(text, strlen(text), secs, rounds);
}

/* The guest's progress lines: the last complete one counts, never as a result. */
static void test_last_tick(void **state)
{
	unsigned long secs, rounds;
	struct vm_result r;

	(void)state;
	assert_int_equal(last_tick(BOOT "LTSPORT-TICK seconds=5 rounds=120\r\n", &secs, &rounds), 0);
	assert_int_equal(secs, 5);
	assert_int_equal(rounds, 120);
	assert_int_equal(last_tick("LTSPORT-TICK seconds=5 rounds=120\n[ 9.1] printk\n"
				   "LTSPORT-TICK seconds=10 rounds=340\nLTSPORT-TICK seconds=15 rou",
				   &secs, &rounds), 0);
	assert_int_equal(secs, 10);
	assert_int_equal(rounds, 340);
	/* none, cut, not at a line's start, or bad: nothing */
	assert_int_equal(last_tick("", &secs, &rounds), -1);
	assert_int_equal(last_tick(BOOT, &secs, &rounds), -1);
	assert_int_equal(last_tick("LTSPORT-TICK seconds=5 rounds=120", &secs, &rounds), -1);
	assert_int_equal(last_tick("x LTSPORT-TICK seconds=5 rounds=1\n", &secs, &rounds), -1);
	assert_int_equal(last_tick("LTSPORT-TICK seconds=-5 rounds=1\n", &secs, &rounds), -1);
	assert_int_equal(last_tick("LTSPORT-TICK seconds=5 rounds=1 x=2\n", &secs, &rounds), -1);
	assert_int_equal(last_tick("LTSPORT-TICK rounds=1 seconds=5\n", &secs, &rounds), -1);
	assert_int_equal(last_tick("LTSPORT-TICK seconds=5 rounds=\n", &secs, &rounds), -1);
	assert_int_equal(last_tick("LTSPORT-TICK seconds=99999999999999999999999 rounds=1\n",
				   &secs, &rounds), -1);
	/* a bad last tick is not replaced by an earlier good one */
	assert_int_equal(last_tick("LTSPORT-TICK seconds=5 rounds=1\nLTSPORT-TICK seconds=x\n",
				   &secs, &rounds), -1);
	/* ticks are no result, and do not hide one */
	assert_int_equal(parse(BOOT "LTSPORT-TICK seconds=5 rounds=120\r\n", &r), 1);
	assert_false(r.has_result);
	assert_int_equal(r.outcome, VM_NO_LINE);
	vm_result_release(&r);
	assert_int_equal(parse(BOOT CLEAN "\r\nLTSPORT-TICK seconds=5 rounds=120\r\n", &r), 0);
	assert_true(r.has_result);
	assert_int_equal(r.rounds, 50);
	vm_result_release(&r);
}

/* One group, so that the TAP output has one plan; make_tmp/remove_tmp run for all. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_loss),
		cmocka_unit_test(test_generic_keys),
		cmocka_unit_test(test_cut_line),
		cmocka_unit_test(test_two_lines),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_huge_numbers),
		cmocka_unit_test(test_negative_numbers),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_panic),
		cmocka_unit_test(test_init_timing),
		cmocka_unit_test(test_tail),
		cmocka_unit_test(test_kernel_image),
		cmocka_unit_test(test_last_tick),
		cmocka_unit_test(test_read_console_small),
		cmocka_unit_test(test_read_console_big),
		cmocka_unit_test(test_run_no_console),
		cmocka_unit_test(test_run_result),
		cmocka_unit_test(test_run_stderr_no_kernel),
		cmocka_unit_test(test_run_arch),
	};

	return cmocka_run_group_tests_name("vm", tests, make_tmp, remove_tmp);
}
