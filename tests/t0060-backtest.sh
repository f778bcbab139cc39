#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ltsport backtest: take out a human backport, port again, compare.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

# human_backport <dir> <sed expression>: a stable tree whose backport of FIX1
# was edited by hand with the expression.
human_backport() {
	git clone -q up "$1" && (cd "$1" && git checkout -q -b stable v5.0 &&
		git cherry-pick -n "$FIX1" >/dev/null && sed -i "$2" mm/memory.c &&
		commit_all "mm/swap: fix race when skipping swapcache" "commit $FIX1 upstream.")
}

test_expect_success 'setup' '
	make_upstream && make_series &&
	make_stable same v5.0 upstream &&
	human_backport comment "s|need_clear_cache = true;|need_clear_cache = true; /* pinned */|" &&
	human_backport changed "s|schedule_timeout_uninterruptible(1);|cond_resched();|" &&
	make_import both v5.2 &&
	write_conf <<-EOF
	[tree "same"]
		path = same
		ref = HEAD
		base = v5.0
	[tree "comment"]
		path = comment
		ref = HEAD
		base = v5.0
	[tree "changed"]
		path = changed
		ref = HEAD
		base = v5.0
	[tree "both"]
		path = both
		ref = HEAD
	EOF
'

test_expect_success 'backtest prints the table and exits 0 when one differs: a finding, not a failure' '
	snapshot_user_state changed >before &&
	run_ltsport backtest --series series-dir --diff &&
	test "$(cat rc)" = 0 &&
	grep -q "^same  *${FIX1:0:12}  *exact  *identical  *reverting the tree.s own commit$" out &&
	grep -q "^comment  *${FIX1:0:12}  *exact  *equivalent " out &&
	grep -q "^changed  *${FIX1:0:12}  *exact  *differs " out &&
	grep -q "^(- as the tree has it, + as ltsport ports it)$" out &&
	grep -q "^+.*schedule_timeout_uninterruptible(1);" out &&
	grep -q "^-.*cond_resched();" out &&
	grep -q "^both  *${FIX1:0:12}  *exact  *identical  *reverse-applying the upstream patch, anchored (offsets, fuzz)$" out &&
	grep -q "^both  *${FIX2:0:12}  *exact  *identical " out &&
	grep -q "^5 backtests: 4 identical or equivalent, 1 differ or failed$" out &&
	snapshot_user_state changed >after && test_cmp_files before after &&
	test ! -e backports/test-race/changed/series
'

test_expect_success 'backtest.json per tree: the entries, the outcome, the diff' '
	j=backports/test-race/changed/backtest.json &&
	test "$(jq -r .stage $j)" = backtest &&
	test "$(jq -r .outcome $j)" = finding &&
	test "$(jq -r ".entries[0].upstream" $j)" = "$FIX1" &&
	test "$(jq -r ".entries[0].result" $j)" = differs &&
	jq -r ".entries[0].diff" $j | grep -q "^+.*schedule_timeout_uninterruptible(1);" &&
	test "$(jq -r .outcome backports/test-race/same/backtest.json)" = done &&
	test "$(jq -r ".entries | length" backports/test-race/both/backtest.json)" = 2
'

test_expect_success 'backtest on trees that all agree exits 0' '
	run_ltsport backtest --series series-dir --tree same --tree both &&
	test "$(cat rc)" = 0 && grep -q "^3 backtests: 3 identical or equivalent, 0 differ" out
'

test_done
