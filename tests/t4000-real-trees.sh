#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The real job on Debian's kernel trees: 6.1.192 (patch 1 backported by
# hand, patch 2 missing) and 6.12.117 (both). Imports them (once for all
# tests, under build/trees/: tests/lib.sh real_tree), then status, port, a
# compile of the touched objects with the 6.1 backport, build, and backtest.
# With LTSPORT_TEST_NO_BUILD set the kernel builds are skipped: make check
# runs them once, with ltsport-asan, and the rest with both binaries.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

FIX1=13ddaf26be324a7f951891ecd9ccd04466d27458
FIX2=01626a18230246efdcea322aa8f067e60ffe5ccd
SERIES=$TOP/series/swap-race
T61=/usr/src/linux-source-6.1.tar.xz
T612=/usr/src/linux-source-6.12.tar.xz

if [ ! -f $T61 ] || [ ! -f $T612 ] || ! command -v spatch >/dev/null; then
	test_skip real-trees "needs linux-source-6.1, linux-source-6.12 and coccinelle (make deps)"
	test_done
fi

# The trees, imported once for all tests (tests/lib.sh real_tree).
TREES=$TRASH/trees

verdict() {
	jq -r ".[] | select(.tree == \"$1\" and .patch == \"$2\") | .verdict" status.json
}

test_expect_success 'import both Debian trees (no-op when there), a copy of each for this test' '
	real_tree 6.12 "$TREES" && real_tree 6.1 "$TREES" &&
	test "$(git -C "$TREES/6.1" describe --tags)" = v6.1.192 &&
	git -C "$TREES/6.12" describe --tags | grep -q "^v6.12.[0-9]*$" &&
	write_conf <<-EOF
	[tree "6.1"]
		path = $TREES/6.1
		ref = HEAD
		base = v6.1
		toolchain = gcc-12
		kconfig = $TOP/tools/kconfig/swap-repro.config
	[tree "6.12"]
		path = $TREES/6.12
		ref = HEAD
		base = v6.12
	EOF
'

test_expect_success 'status: 6.1 has patch 1 and lacks patch 2; 6.12 has both' '
	"$LTSPORT" status --series "$SERIES" --json >status.json &&
	test "$(verdict 6.1 $FIX1)" = fixed &&
	test "$(verdict 6.1 $FIX2)" = missing &&
	test "$(verdict 6.12 $FIX1)" = fixed &&
	test "$(verdict 6.12 $FIX2)" = fixed &&
	jq -r ".[] | select(.tree == \"6.1\" and .patch == \"$FIX1\") | .evidence" status.json |
		grep -q "^content: 13ddaf26be32.cocci -D report finds the fix (mm/memory.c:[0-9]*: fixed: "
'

test_expect_success 'port: the 6.1 backport of patch 2, nothing for 6.12' '
	snapshot_user_state "$TREES/6.1" >before &&
	run_ltsport port --series "$SERIES" &&
	cat out err && test "$(cat rc)" = 0 &&
	grep -q "^6.1: ported 1 patch " out && grep -q "^6.12: nothing to port (fixed)" out &&
	p=$(ls backports/swap-race/6.1/0001-*.patch) &&
	grep -q "^Subject: \[PATCH 6.1.y\] mm: avoid unconditional one-tick sleep when swapcache_prepare fails$" $p &&
	grep -q "^commit $FIX2 upstream.$" $p &&
	grep -q "^+static DECLARE_WAIT_QUEUE_HEAD(swapcache_wq);$" $p &&
	grep -q "^+				add_wait_queue(&swapcache_wq, &wait);$" $p &&
	test "$(grep -c "^+		if (waitqueue_active(&swapcache_wq))$" $p)" = 2 &&
	snapshot_user_state "$TREES/6.1" >after && test_cmp_files before after
'

if [ -n "${LTSPORT_TEST_NO_BUILD:-}" ]; then
	test_skip 'kernel builds' 'LTSPORT_TEST_NO_BUILD is set (make check builds once, with ltsport-asan)'
else
	test_expect_success 'the 6.1 backport compiles: mm/memory.o and mm/swapfile.o, no new warnings' '
		cp -al "$TREES/6.1" src && rm -rf src/.git &&
		(cd src && QUILT_PATCHES="$TRASH/backports/swap-race/6.1" quilt push -a -q) &&
		mkdir build &&
		timeout 300 make -s -C src O="$TRASH/build" defconfig >/dev/null &&
		src/scripts/config --file build/.config -e SWAP -e ZRAM -e BLK_DEV_RAM &&
		timeout 300 make -s -C src O="$TRASH/build" olddefconfig >/dev/null &&
		timeout 1200 make -s -C src O="$TRASH/build" -j"$(nproc)" prepare >prepare.log 2>&1 &&
		timeout 600 make -C src O="$TRASH/build" -j"$(nproc)" W=0 mm/memory.o mm/swapfile.o >cc.log 2>&1 &&
		cat cc.log && ! grep -q "warning:" cc.log && test -s build/mm/memory.o
	'

	test_expect_success 'build --quick: before and after the series, the touched objects' '
		run_ltsport build --quick --tree 6.1 --series "$SERIES" &&
		cat out err && test "$(cat rc)" = 0 &&
		grep -q "^6.1: build: builds (before [0-9]* s, after [0-9]* s, 0 new warnings)" out &&
		grep -q "CC      mm/memory.o" backports/.work/6.1/build-after.log &&
		grep -q "; log in .*/backports/swap-race/6.1/build.log$" out &&
		sed -n "/^### with the series/,\$p" backports/swap-race/6.1/build.log | grep -q "CC      mm/memory.o" &&
		grep -q "^### without the series" backports/swap-race/6.1/build.log &&
		test "$(jq -r .verdict backports/swap-race/6.1/build.json)" = builds
	'

	test_expect_success 'build tells a series that breaks the build from a broken toolchain' '
		cp -r "$SERIES" broken && sed -i "s/name = swap-race/name = swap-race-broken/" broken/series.conf &&
		tip=$(git -C "$TREES/6.1" rev-parse HEAD) &&
		git -C "$TREES/6.1" show HEAD:mm/memory.c | sed "s/^vm_fault_t do_swap_page(struct vm_fault \*vmf)$/&;;; broken(/" >memory.c &&
		blob=$(git -C "$TREES/6.1" hash-object -w --path mm/memory.c "$TRASH/memory.c") &&
		tree=$(export GIT_INDEX_FILE="$TRASH/broken.index" &&
			git -C "$TREES/6.1" read-tree HEAD &&
			git -C "$TREES/6.1" update-index --cacheinfo 100644,$blob,mm/memory.c &&
			git -C "$TREES/6.1" write-tree) &&
		c=$(echo broken | git -C "$TREES/6.1" commit-tree $tree -p $tip) &&
		git -C "$TREES/6.1" update-ref refs/heads/ltsport/swap-race-broken/6.1 $c &&
		run_ltsport build --quick --tree 6.1 --series broken &&
		test "$(cat rc)" = 0 && grep -q "^6.1: build: the series breaks the build: .*error" out &&
		sed -n "/^### with the series/,\$p" backports/swap-race-broken/6.1/build.log | grep -q "error" &&
		sed -i "s/toolchain = gcc-12/toolchain = no-such-cc/" stable_trees.conf &&
		run_ltsport build --quick --tree 6.1 --series broken &&
		test "$(cat rc)" = 0 && grep -q "^6.1: build: fails without the series too: " out &&
		git -C "$TREES/6.1" update-ref -d refs/heads/ltsport/swap-race-broken/6.1
	'
fi

test_expect_success 'backtest: patch 1 on 6.1 and patch 2 on 6.12 come out identical or equivalent' '
	run_ltsport backtest --series "$SERIES" &&
	cat out &&
	grep -q "^6.1  *13ddaf26be32  *semantic  *\(identical\|equivalent\) " out &&
	grep -q "^6.12  *01626a182302  *semantic  *\(identical\|equivalent\) " out
'

test_done
