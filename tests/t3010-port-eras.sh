#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The real swap-race series, ported by ltsport's semantic rung to a small
# fixture tree of every era (tests/fixtures/eras/, written from
# ../shared/kernel-facts.md): status, port, compile, status again, backtest.
. "$(dirname "$0")/lib.sh"

ERAS="4.19 5.4 5.10 5.15 6.1 6.6 6.8"
FIX1=13ddaf26be324a7f951891ecd9ccd04466d27458
FIX2=01626a18230246efdcea322aa8f067e60ffe5ccd
FIXTURES=$TOP/tests/fixtures/eras

if ! command -v spatch >/dev/null; then
	test_skip eras "spatch is not installed (apt-get install coccinelle)"
	test_done
fi

test_expect_success 'setup: one single-commit repo per era fixture' '
	for e in $ERAS; do
		cp -r "$FIXTURES/$e" "era-$e" &&
		(cd "era-$e" && git init -q && git add -A && git commit -q -m "fixture $e" &&
		 git tag "v$e") || return 1
		printf "[tree \"%s\"]\n\tpath = era-%s\n\tref = HEAD\n\tbase = v%s\n" $e $e $e
	done >stable_trees.conf
'

# compiles <dir>: memory.c with and without CONFIG_SWAP, swapfile.c (built only with it).
compiles() {
	for c in "mm/memory.c -DCONFIG_SWAP" "mm/memory.c -UCONFIG_SWAP" "mm/swapfile.c -DCONFIG_SWAP"; do
		set -- "$1" $c
		gcc -fsyntax-only -Wall -Werror $3 -I "$FIXTURES/stub" -I "$1/include" -I "$1" "$1/$2" ||
			return 1
	done
}

test_expect_success 'status: both patches missing in every era, from content' '
	"$LTSPORT" status --series "$TOP/series/swap-race" --json >before.json &&
	for e in $ERAS; do
		test "$(jq -r ".[] | select(.tree == \"$e\" and .patch == \"$FIX1\") | .verdict" before.json)" = missing &&
		jq -r ".[] | select(.tree == \"$e\" and .patch == \"$FIX1\") | .evidence" before.json |
			grep -q "^content: 13ddaf26be32.cocci -D report finds the target without the fix" &&
		test "$(jq -r ".[] | select(.tree == \"$e\" and .patch == \"$FIX2\") | .verdict" before.json)" = missing ||
		{ echo "era $e"; return 1; }
	done
'

test_expect_success 'port: the semantic rung carries both patches to every era' '
	run_ltsport port --series "$TOP/series/swap-race" &&
	cat out err && test "$(cat rc)" = 0 &&
	for e in $ERAS; do
		grep -q "^$e: ported 2 patches" out &&
		test "$(cat backports/swap-race/$e/000[1-9]-*.patch | sed -n "/^\[ ltsport: rewritten/,/ \]$/p" |
			tr "\n" " " | grep -o "rewritten for this tree (semantic): [^]]* adapted by *cocci/fixes/" |
			wc -l)" = 2 &&
		grep -q "^From: Kairui Song <kasong@tencent.com>$" backports/swap-race/$e/0001-*.patch &&
		grep -q "^commit $FIX2 upstream.$" backports/swap-race/$e/0002-*.patch ||
		{ echo "era $e"; return 1; }
	done
'

test_expect_success 'every era compiles before and after, as the branch has it' '
	for e in $ERAS; do
		compiles "era-$e" &&
		git clone -q "era-$e" "after-$e" && git -C "after-$e" checkout -q "ltsport/swap-race/$e" &&
		compiles "after-$e" || { echo "era $e"; return 1; }
	done
'

test_expect_success 'the quilt series applies to every era' '
	for e in $ERAS; do
		cp -r "$FIXTURES/$e" "quilt-$e" &&
		(cd "quilt-$e" && QUILT_PATCHES="$TRASH/backports/swap-race/$e" quilt push -a -q >/dev/null) &&
		diff -r -x .pc "quilt-$e" "after-$e" -x .git || { echo "era $e"; return 1; }
	done
'

test_expect_success 'status on the result branches: fixed, from content' '
	sed "s/ref = HEAD/ref = ltsport\/swap-race/" stable_trees.conf >after.conf &&
	for e in $ERAS; do sed -i "/path = era-$e\$/{n;s|ref = .*|ref = ltsport/swap-race/$e|}" after.conf; done &&
	"$LTSPORT" status --config after.conf --series "$TOP/series/swap-race" --json >after.json &&
	test "$(jq -r "[.[] | select(.verdict == \"fixed\")] | length" after.json)" = 14
'

test_expect_success 'backtest on the result branches: the revert round-trips' '
	run_ltsport backtest --config after.conf --series "$TOP/series/swap-race" &&
	cat out && test "$(cat rc)" = 0 && grep -q "^14 backtests: 14 identical or equivalent" out
'

test_done
