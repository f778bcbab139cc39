#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The swap-race reproducer on the host: it builds without warnings, runs
# within a tiny budget, prints one well-formed result line, rejects bad
# options; and the guest initramfs holds init, busybox and the reproducer.
. "$(dirname "$0")/lib.sh"

REPRO_DIR=$TOP/tools/repro
RESULT_RE='^LTSPORT-REPRO result=(loss|clean|error) rounds=[0-9]+ seconds=[0-9]+\.[0-9] lost=[0-9]+ misloads=[0-9]+ first_loss_s=([0-9]+\.[0-9]|-) pswpin=[0-9]+ pswpout=[0-9]+ throughput=[0-9]+ pageout=(madvise|cgroup|none)$'

# run_repro <args>: out, err and rc as run_ltsport leaves them.
run_repro() {
	timeout 60 ./repro "$@" >out 2>err
	echo $? >rc
}

# field <name>: the value of name= on the result line.
field() {
	sed -n "s/.* $1=\([^ ]*\).*/\1/p" out
}

# One line on stdout, and it is a result line.
one_result_line() {
	test "$(wc -l <out)" = 1 && grep -Eq "$RESULT_RE" out
}

test_expect_success 'the reproducer builds static, without warnings' '
	cc -static -O2 -pthread -Wall -Wextra -o repro "$REPRO_DIR/repro.c" 2>cc.err &&
	cat cc.err && test ! -s cc.err &&
	! readelf -l repro | grep -q "program interpreter"
'

checkpatch=${CHECKPATCH:-}
if [ -z "$checkpatch" ] && [ -f /usr/src/linux-source-6.1.tar.xz ]; then
	checkpatch=$(linux_source 6.1)/scripts/checkpatch.pl
fi
if [ -f "$checkpatch" ]; then
	test_expect_success 'checkpatch: tools/repro/repro.c' '
		timeout 120 perl "$checkpatch" --no-tree -q --terse -f "$REPRO_DIR/repro.c" >cp.out;
		cat cp.out; grep -q " 0 errors, 0 warnings" cp.out
	'
else
	test_skip 'checkpatch: tools/repro/repro.c' "no checkpatch.pl (set CHECKPATCH or install linux-source-6.1)"
fi

test_expect_success 'a 2-second run without pageout is clean' '
	run_repro --seconds 2 --pages 16 --workers 4 --pageout none &&
	cat out err &&
	test "$(cat rc)" = 0 && one_result_line &&
	test "$(field result)" = clean &&
	test "$(field rounds)" -gt 0 &&
	test "$(field lost)" = 0 && test "$(field misloads)" = 0 &&
	test "$(field first_loss_s)" = - &&
	test "$(field throughput)" -gt 0 &&
	test "$(field pageout)" = none
'

test_expect_success 'the time budget holds' '
	start=$(date +%s) &&
	run_repro --seconds 1 --pages 64 --workers 8 --pageout none &&
	test "$(cat rc)" = 0 && test $(($(date +%s) - start)) -le 4
'

test_expect_success '--rounds bounds the run exactly' '
	run_repro --rounds 3 --seconds 0 --pages 8 --workers 2 --pageout none &&
	test "$(cat rc)" = 0 && one_result_line && test "$(field rounds)" = 3
'

test_expect_success 'odd worker counts and a one-page mapping work' '
	run_repro --rounds 5 --pages 1 --workers 3 --pageout none &&
	test "$(cat rc)" = 0 && test "$(field result)" = clean
'

test_expect_success '--pageout madvise either runs or says why not' '
	run_repro --seconds 1 --pages 16 --workers 4 --pageout madvise &&
	cat out err && one_result_line &&
	case "$(cat rc)" in
	0)	test "$(field result)" = clean && test "$(field pageout)" = madvise ;;
	1)	test "$(field result)" = loss ;;
	2)	test "$(field result)" = error &&
		grep -Eq "no swap is active|MADV_PAGEOUT" err ;;
	*)	false ;;
	esac
'

test_expect_success '--pageout auto resolves to a method or says why not' '
	run_repro --seconds 1 --pageout auto &&
	one_result_line && test "$(field pageout)" != auto &&
	{ test "$(cat rc)" != 2 || test -s err; }
'

# expect_bad <args>: exit 2, a reason and the usage on stderr, an error line.
expect_bad() {
	run_repro "$@" &&
	test "$(cat rc)" = 2 && grep -q "^usage: ltsport-repro" err &&
	one_result_line && test "$(field result)" = error
}

test_expect_success 'bad options: exit 2 with the usage' '
	expect_bad --frobnicate &&
	expect_bad --workers 0 &&
	expect_bad --workers -1 &&
	expect_bad --pages 99999999 &&
	expect_bad --seconds abc &&
	expect_bad --pageout swapfile && grep -q "pageout swapfile" err &&
	expect_bad --seconds 0 --rounds 0 && grep -q "never stop" err &&
	expect_bad stray-argument
'

test_expect_success '--tick: progress lines on stderr, never on stdout' '
	run_repro --seconds 3 --tick 1 --pages 8 --workers 2 --pageout none &&
	cat err &&
	test "$(cat rc)" = 0 && one_result_line && ! grep -q TICK out &&
	grep -Ec "^LTSPORT-TICK seconds=[0-9]+ rounds=[0-9]+$" err >ticks &&
	test "$(cat ticks)" -ge 2 && test "$(cat ticks)" -le 3 &&
	test "$(grep -c "^LTSPORT-TICK" err)" = "$(cat ticks)" &&
	grep -m1 "^LTSPORT-TICK" err | sed "s/.*seconds=\([0-9]*\) .*/\1/" >first &&
	test "$(cat first)" = 1 &&
	expect_bad --tick x &&
	run_repro --seconds 1 --tick 0 --pages 8 --workers 2 --pageout none &&
	test "$(cat rc)" = 0 && ! grep -q TICK err
'

test_expect_success '--help prints the usage and exits 0' '
	run_repro --help &&
	test "$(cat rc)" = 0 && grep -q "^usage: ltsport-repro" out && grep -q -- --pageout out
'

# in_protocol <file>: every LTSPORT-REPRO line of file keeps the result
# protocol of tools/repro/README.md, word by word.
in_protocol() {
	grep '^LTSPORT-REPRO' "$1" >lines && test -s lines &&
	awk '
	length($0) > 4096 { print "too long: " $0; bad = 1 }
	{
		delete seen; has = 0
		for (i = 2; i <= NF; i++) {
			n = index($i, "="); k = substr($i, 1, n - 1); v = substr($i, n + 1)
			if (k == "first_loss_s") k = "first_failure_s"
			if (n < 2 || k !~ /^[a-z0-9_]+$/ || length(k) > 32 || v == "" ||
			    length(v) > 64 || seen[k]++) { print "bad word: " $i; bad = 1; continue }
			if (k == "result") { has = 1; ok = v ~ /^(loss|clean|error)$/ }
			else if (k == "seconds") ok = v ~ /^[0-9]+(\.[0-9]+)?$/
			else if (k == "rounds") ok = v ~ /^[0-9]+$/
			else if (k == "first_failure_s") ok = v ~ /^([0-9]+(\.[0-9]+)?|-)$/
			else ok = v ~ /^([0-9]+|[a-z][a-z0-9_.-]*)$/
			if (!ok) { print "bad value: " $i; bad = 1 }
		}
		if (!has) { print "no result=: " $0; bad = 1 }
	}
	END { exit bad }' lines
}

test_expect_success 'the result line keeps the result protocol, clean or refused' '
	run_repro --rounds 2 --seconds 0 --pageout none && in_protocol out &&
	run_repro --workers 0 && in_protocol out &&
	grep "^ERROR_LINE=" "$REPRO_DIR/init" | sed "s/^ERROR_LINE=.\(.*\).$/\1/" >error-line &&
	in_protocol error-line && grep -q "^LTSPORT-REPRO result=error " error-line
'

# The host's own parser (tools/ltsport/vm.c) on a console, through a small
# driver: what it took from the line, or why it refused it.
parse_console() {
	./parse "$1" >parsed
}

test_expect_success 'the host parser builds' '
	cat >parse.c <<-\EOF &&
	#include <stdio.h>
	#include <stdlib.h>
	#include "fsutil.h"
	#include "vm.h"

	int main(int argc, char **argv)
	{
		struct vm_result r;
		char *buf;
		size_t len, i;

		if (argc != 2 || vm_read_console(argv[1], &buf, &len) < 0)
			return 2;
		if (vm_parse_console(buf, len, &r)) {
			printf("none: %s\n", r.why);
			return 1;
		}
		printf("%s rounds=%lu seconds=%.1f first=%.1f lost=%lu misloads=%lu\n", r.kind,
		       r.rounds, r.seconds, r.first_loss, r.lost, r.misloads);
		for (i = 0; i < r.nr_counters; i++)
			printf("%s=%s\n", r.counters[i].name, r.counters[i].value);
		return 0;
	}
	EOF
	L=$TOP/tools/ltsport &&
	cc -I"$L" $(pkg-config --cflags libgit2) -o parse parse.c "$L/vm.c" "$L/util.c" \
		"$L/fsutil.c" "$L/spawn.c" $(pkg-config --libs libgit2)
'

test_expect_success 'the host takes the reproducer'"'"'s own line, as a console has it' '
	run_repro --rounds 3 --seconds 0 --pages 8 --workers 2 --pageout none &&
	{ printf "[    0.5] Run /init as init process\r\n"; sed "s/$/\r/" out; } >console &&
	parse_console console && cat parsed &&
	grep -q "^clean rounds=3 seconds=[0-9.]* first=-1.0 lost=0 misloads=0$" parsed &&
	grep -qx "pageout=none" parsed && grep -qx "pswpin=0" parsed &&
	test "$(grep -c = parsed)" = 7 &&
	sed "s/$/\r/" error-line >console &&
	parse_console console && grep -q "^error rounds=0 " parsed
'

test_expect_success 'the host refuses a line the reproducer must never print' '
	sed "s/ lost=[0-9]*/ lost=-1/" out >console &&
	! parse_console console &&
	grep -qx "none: malformed LTSPORT-REPRO line: lost=-1: not a decimal counter within 64 bits or a word" parsed &&
	sed "s/ rounds=[0-9]*/ rounds=18446744073709551616/" out >console &&
	! parse_console console && grep -q "^none: malformed LTSPORT-REPRO line: rounds=" parsed &&
	{ cat out; printf "LTSPORT-REPRO result=loss rounds=1"; } >console &&
	parse_console console && grep -q "^clean rounds=3 " parsed
'

test_expect_success 'the guest init is valid sh' '
	sh -n "$REPRO_DIR/init" &&
	{ ! command -v busybox >/dev/null || busybox sh -n "$REPRO_DIR/init"; }
'

if [ -f /bin/busybox ] && ! readelf -l /bin/busybox 2>/dev/null | grep -q "program interpreter" ||
	[ "$(id -u)" = 0 ]; then
	test_expect_success 'the initramfs holds init, busybox and the reproducer' '
		sh "$REPRO_DIR/mkinitramfs.sh" --repro repro ird/initramfs.gz 2>mk.err &&
		cat mk.err && test -f ird/initramfs.gz &&
		! ls ird | grep -q tmp &&
		gzip -dc ird/initramfs.gz | cpio -t --quiet >list &&
		grep -qx init list && grep -qx bin/busybox list &&
		grep -qx bin/ltsport-repro list && grep -qx bin/sh list &&
		gzip -dc ird/initramfs.gz | cpio -i --quiet --to-stdout init | cmp - "$REPRO_DIR/init"
	'
	test_expect_success 'mkinitramfs refuses a dynamic reproducer and bad usage' '
		cc -O2 -o dyn "$REPRO_DIR/repro.c" -pthread &&
		! sh "$REPRO_DIR/mkinitramfs.sh" --repro dyn ird2/initramfs.gz 2>err &&
		grep -q "not statically linked" err && test ! -e ird2/initramfs.gz &&
		sh "$REPRO_DIR/mkinitramfs.sh" 2>err; test $? = 2 && grep -q usage err
	'
else
	test_skip initramfs "no static /bin/busybox (apt-get install busybox-static)"
fi

test_done
