#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The reproducer-kernel instrumentation, cocci/instrument/swapin-delay.cocci,
# on one small tree per LTS era (tests/fixtures/eras/<era>/, plus a 6.10+
# shape made from the 6.8 fixture): exactly one ltsport_swapin_delay() call,
# on the line right after the skip-swapcache read, the hook defined once
# before do_swap_page(), the result compiles, a second run changes nothing,
# and the report says so.  4.14 (no skip-swapcache path) is left alone.
# Then the real 6.1 and 6.12 files when Debian's kernel source packages are
# installed: the same lines go into 6.1.192 with and without 13ddaf26be32.
#
# spatch is driven as cocci/README.md says: the tree's files are copied into
# a scratch directory with the kernel layout and spatch runs over it.

. "$(dirname "$0")/lib.sh"

ERAS=$TOP/tests/fixtures/eras
RULE=$TOP/cocci/instrument/swapin-delay.cocci
FIX1=$TOP/cocci/fixes/13ddaf26be32.cocci
API=$TOP/cocci/api/swapin_read.cocci
FILES="mm/memory.c mm/swapfile.c include/linux/swap.h mm/swap.h"
READ_RE='swap_read\(page(page, true\(, NULL\)\{0,1\})\|_folio(folio, \(true, \)\{0,1\}NULL)\);$'

cocci_run() {
	if [ "$2" = report ]; then
		spatch --sp-file "$1" -D "$2" --very-quiet --no-includes \
			--include-headers --timeout 120 --dir "$3"
	else
		spatch --sp-file "$1" -D "$2" --very-quiet --no-includes \
			--include-headers --in-place --timeout 120 --dir "$3"
	fi
}

stage() {
	rm -rf "$2" && mkdir -p "$2" || return 1
	for f in $FILES; do
		if [ -f "$1/$f" ]; then
			mkdir -p "$2/$(dirname "$f")" && cp "$1/$f" "$2/$f" || return 1
		fi
	done
}

unstage() {
	for f in $FILES; do
		if [ -f "$1/$f" ]; then
			cp "$1/$f" "$2/$f" || return 1
		fi
	done
}

# step <tree> <rule> <mode>: apply a rule through a staging copy; spatch
# must say nothing on stderr.
step() {
	stage "$1" "$1.stage" &&
	cocci_run "$2" "$3" "$1.stage" >"$1.stage.out" 2>"$1.stage.err" &&
	if [ -s "$1.stage.err" ]; then cat "$1.stage.err"; return 1; fi &&
	unstage "$1.stage" "$1"
}

report() {
	stage "$1" "$1.stage" &&
	cocci_run "$RULE" report "$1.stage" >"$2" 2>"$2.err" &&
	if [ -s "$2.err" ]; then cat "$2.err"; return 1; fi
}

same() {
	for f in $FILES; do
		if [ -f "$1/$f" ] || [ -f "$2/$f" ]; then
			cmp "$1/$f" "$2/$f" || return 1
		fi
	done
}

# hooked <memory.c>: one hook call, on the line after the read; one
# definition with its three knobs, before do_swap_page(); the includes.
hooked() {
	test "$(grep -c 'ltsport_swapin_delay();' "$1")" = 1 || {
		echo "want one ltsport_swapin_delay() call in $1:"
		grep -n 'ltsport_swapin_delay();' "$1"; return 1; }
	grep -B1 'ltsport_swapin_delay();' "$1" | head -n 1 | grep -q "$READ_RE" || {
		echo "the call does not follow the read in $1:"
		grep -n -B2 'ltsport_swapin_delay();' "$1"; return 1; }
	def=$(grep -n '^static void ltsport_swapin_delay(void)$' "$1" | cut -d: -f1)
	dsp=$(grep -n '^vm_fault_t do_swap_page(' "$1" | cut -d: -f1)
	if ! { test "$(echo "$def" | wc -w)" = 1 && test "$def" -lt "$dsp"; }; then
		echo "want one definition, before do_swap_page(), in $1"
		return 1
	fi
	for k in every us_min us_max; do
		test "$(grep -c "^core_param(ltsport_delay_$k, ltsport_delay_$k, uint, 0644);$" "$1")" = 1 ||
			{ echo "no core_param for ltsport_delay_$k in $1"; return 1; }
	done
	grep -q '^#include <linux/delay.h>$' "$1" &&
	grep -q '^#include <linux/moduleparam.h>$' "$1"
}

# What linux/delay.h, linux/moduleparam.h and (through linux/mm.h) the
# atomics give the hook in a real tree, for gcc -fsyntax-only.
mkdir -p "$TRASH/instr-stub/linux"
cat >"$TRASH/instr-stub/linux/delay.h" <<'EOF'
/* ltsport test stub for t6010. */
#ifndef STUB_LINUX_DELAY_H
#define STUB_LINUX_DELAY_H
void usleep_range(unsigned long min, unsigned long max);
#endif
EOF
cat >"$TRASH/instr-stub/linux/moduleparam.h" <<'EOF'
/* ltsport test stub for t6010: core_param() checks the variable's type. */
#ifndef STUB_LINUX_MODULEPARAM_H
#define STUB_LINUX_MODULEPARAM_H
typedef unsigned int stub_param_uint;
#define core_param(name, var, type, perm)				\
	static inline __attribute__((unused)) stub_param_##type *	\
	__check_##name(void) { (void)(perm); return &(var); }
#endif
EOF
cat >"$TRASH/instr-stub/atomic.h" <<'EOF'
/* ltsport test stub for t6010: what linux/mm.h brings in a real tree. */
typedef struct { int counter; } atomic_t;
#define ATOMIC_INIT(i)		{ (i) }
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
int atomic_inc_return(atomic_t *v);
EOF

compiles() {
	for def in -DCONFIG_SWAP ""; do
		gcc -fsyntax-only -Wall -Werror -I "$ERAS/stub" \
			-I "$TRASH/instr-stub" -include "$TRASH/instr-stub/atomic.h" \
			-I "$1/include" -I "$1" $def "$1/mm/memory.c" || return 1
	done
}

if ! command -v spatch >/dev/null 2>&1; then
	test_skip 'instrumentation' 'spatch is not installed'
	test_done
fi

# 6.10 and later: swap_read_folio() lost its synchronous flag.
test_expect_success '6.10: fixture made from 6.8 compiles' "
	cp -r '$ERAS/6.8' 6.10 &&
	sed -i 's/swap_read_folio(folio, true, NULL);/swap_read_folio(folio, NULL);/' 6.10/mm/memory.c &&
	sed -i 's/ bool do_poll,\$//' 6.10/mm/swap.h &&
	grep -q 'swap_read_folio(folio, NULL);' 6.10/mm/memory.c &&
	compiles 6.10
"

for era in 4.19 5.4 5.10 5.15 6.1 6.6 6.8 6.10; do
	test_expect_success "$era: untouched tree reports the hook missing" "
		{ [ -d '$era' ] || cp -r '$ERAS/$era' '$era'; } && cp -r '$era' '$era.orig' &&
		report '$era' '$era.r0' && cat '$era.r0' &&
		test \$(grep -c ': missing: ' '$era.r0') = 2 &&
		test \$(wc -l <'$era.r0') = 2
	"

	test_expect_success "$era: one hook call right after the read, defined before do_swap_page()" "
		step '$era' '$RULE' patch && ! same '$era' '$era.orig' &&
		hooked '$era/mm/memory.c' &&
		for f in mm/swapfile.c include/linux/swap.h mm/swap.h; do
			if [ -f '$era'/\$f ]; then cmp '$era'/\$f '$era.orig'/\$f || return 1; fi
		done
	"

	test_expect_success "$era: instrumented tree compiles with and without CONFIG_SWAP" "
		compiles '$era'
	"

	test_expect_success "$era: report says instrumented; a second run changes nothing" "
		report '$era' '$era.r1' && cat '$era.r1' &&
		test \$(grep -c ': instrumented: ' '$era.r1') = 2 &&
		test \$(wc -l <'$era.r1') = 2 &&
		cp -r '$era' '$era.p1' && step '$era' '$RULE' patch && same '$era' '$era.p1'
	"
done

test_expect_success '4.14 (no skip-swapcache path): nothing reported, nothing changed' "
	cp -r '$ERAS/4.14' 4.14 && cp -r '$ERAS/4.14' 4.14.orig &&
	report 4.14 4.14.r && ! test -s 4.14.r &&
	step 4.14 '$RULE' patch && same 4.14 4.14.orig
"

# The API bridge's instrument mode, when it has one, puts the call in the
# same place (it does not define the hook).
if [ -f "$API" ] && grep -q '^virtual instrument' "$API"; then
	test_expect_success 'cocci/api/swapin_read.cocci -D instrument agrees on the place' "
		for era in 4.19 5.4 5.10 5.15 6.1 6.6 6.8 6.10; do
			cp -r \$era.orig \$era.api && step \$era.api '$API' instrument &&
			test \"\$(grep -B1 'ltsport_swapin_delay();' \$era.api/mm/memory.c)\" = \
			     \"\$(grep -B1 'ltsport_swapin_delay();' \$era/mm/memory.c)\" || {
				echo \"\$era differs\"; return 1; }
		done
	"
else
	test_skip 'cocci/api/swapin_read.cocci -D instrument' 'not there'
fi

real_tree() {
	linux_source_copy "$1" "$2" mm/memory.c mm/swapfile.c mm/swap.h include/linux/swap.h
}

# added <orig> <new>: the lines the rule added, without diff's line numbers.
added() {
	diff -u "$1" "$2" | grep '^+' | grep -v '^+++'
}

if [ -f /usr/src/linux-source-6.1.tar.xz ]; then
	test_expect_success '6.1.192: instrumented, the same lines with and without 13ddaf26be32' "
		real_tree 6.1 r61 && cp -r r61 r61.orig &&
		step r61 '$RULE' patch && hooked r61/mm/memory.c &&
		grep -A1 'swap_readpage(page, true, NULL);' r61/mm/memory.c | grep -q 'ltsport_swapin_delay();' &&
		real_tree 6.1 r61b && step r61b '$FIX1' revert && cp -r r61b r61b.orig &&
		step r61b '$RULE' patch && hooked r61b/mm/memory.c &&
		added r61.orig/mm/memory.c r61/mm/memory.c >a.add &&
		added r61b.orig/mm/memory.c r61b/mm/memory.c >b.add &&
		test_cmp_files a.add b.add
	"
else
	test_skip '6.1.192: real tree' '/usr/src/linux-source-6.1.tar.xz not found'
fi

if [ -f /usr/src/linux-source-6.12.tar.xz ]; then
	test_expect_success '6.12: instrumented after swap_read_folio(folio, NULL)' "
		real_tree 6.12 r612 &&
		step r612 '$RULE' patch && hooked r612/mm/memory.c &&
		grep -A1 'swap_read_folio(folio, NULL);' r612/mm/memory.c | grep -q 'ltsport_swapin_delay();' &&
		report r612 r612.r && test \$(grep -c ': instrumented: ' r612.r) = 2
	"
else
	test_skip '6.12: real tree' '/usr/src/linux-source-6.12.tar.xz not found'
fi

test_done
