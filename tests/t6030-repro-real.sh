#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The proof on Debian's real 6.1.192: ltsport repro builds two kernels with
# the tree's own toolchain, identical but for the series (before: patch 1,
# which the tree has, taken out again by its semantic patch; after: the tree
# plus our backport of patch 2), both instrumented alike, boots each under
# QEMU with the shared reproducer, and must see data loss before and none
# after for max(60 s, 10x the first loss). Two kernel builds (ccache makes
# the second run quick) and two boots: several minutes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

SERIES=$TOP/series/swap-race
T61=/usr/src/linux-source-6.1.tar.xz

for need in spatch qemu-system-x86_64 gcc-12 busybox; do
	command -v $need >/dev/null || missing="${missing:-} $need"
done
if [ ! -f $T61 ] || [ -n "${missing:-}" ]; then
	test_skip repro-real "needs linux-source-6.1 and${missing:- its tools} (make deps)"
	test_done
fi

# Debian's 6.1 imported once for all tests (tests/lib.sh real_tree).
TREES=$TRASH/trees

test_expect_success 'setup: Debian 6.1.192 (imported, no-op when there), the series ported' '
	real_tree 6.1 "$TREES" &&
	write_conf <<-EOF &&
	[tree "6.1"]
		path = $TREES/6.1
		ref = HEAD
		base = v6.1
		toolchain = gcc-12
		kconfig = $TOP/tools/kconfig/swap-repro.config
	EOF
	run_ltsport port --series "$SERIES" && test "$(cat rc)" = 0
'

test_expect_success 'repro: loss before the series, none after, on the real 6.1.192' '
	snapshot_user_state "$TREES/6.1" >user.before &&
	run_ltsport repro --series "$SERIES" &&
	cat out err && test "$(cat rc)" = 0 &&
	grep -q "^6.1: before (13ddaf26be32 taken out by the semantic patch in revert mode): reproduced: [1-9][0-9]* pages\{0,1\} lost" out &&
	grep -q "^6.1: after (branch ltsport/swap-race/6.1): no loss in [1-9][0-9]* rounds" out &&
	grep -q "^6.1: repro: proven: " out &&
	j=backports/swap-race/6.1/repro.json &&
	test "$(jq -r .proven $j)" = true &&
	test "$(jq -r .before.result $j)" = loss &&
	test "$(jq -r .after.result $j)" = clean &&
	jq -e ".after.seconds >= .required_s and .required_s >= 60" $j >/dev/null &&
	jq -e ".required_s >= 10 * .before.first_loss_s" $j >/dev/null &&
	grep -q "^LTSPORT-GUEST kernel=6.1.192" backports/swap-race/6.1/repro-before.log &&
	grep -q "^LTSPORT-GUEST instrument every=1 us=2000..8000" backports/swap-race/6.1/repro-after.log &&
	snapshot_user_state "$TREES/6.1" >user.after && test_cmp_files user.before user.after
'

test_done
