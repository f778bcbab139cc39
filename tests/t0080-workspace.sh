#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The per-tree workspace: names that would leave backports/ are refused
# before anything is written (exit 2), a failure after setup exits 3, and a
# tree another run holds is locked.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

test_expect_success 'setup' '
	make_upstream && make_series && make_import imp v5.0 &&
	mkdir -p work && cd work &&
	cat >stable_trees.conf <<-EOF
	[tree "5.0"]
		path = ../imp
		ref = HEAD
		base = v5.0
	EOF
	cp stable_trees.conf good.conf
'

# listing: what is beside work/ (but the test library's own files).
listing() {
	ls -A .. | grep -v "^\.out\." | sort | tr "\n" " "
}

# nothing_written: no backports/ here, nothing new beside work/, no branch.
nothing_written() {
	test ! -e backports && test ! -e ../escape && test ! -e ../backports &&
	test ! -e ../../escape &&
	test "$(listing)" = "$(cat ../listing)" &&
	test -z "$(git -C ../imp for-each-ref refs/heads/ltsport)"
}

test_expect_success 'a tree named ../../escape is refused by port and build, nothing written' '
	cd work && listing >../listing &&
	cat >stable_trees.conf <<-EOF &&
	[tree "../../escape"]
		path = ../imp
		ref = HEAD
		kconfig = /dev/null
	EOF
	for cmd in port build check backtest status report; do
		run_ltsport $cmd --series ../series-dir &&
		test "$(cat rc)" = 2 &&
		grep -q "^ltsport: .*stable_trees.conf:1: tree name .\.\./\.\./escape. cannot name a branch and a directory" err &&
		test "$(wc -l <err)" = 1 && nothing_written || return 1
	done
'

test_expect_success 'a series named with a space is refused before anything is written' '
	cd work && cp good.conf stable_trees.conf &&
	cp -r ../series-dir spaced &&
	sed -i "s/^\tname = test-race/\tname = test race/" spaced/series.conf &&
	grep -q "name = test race" spaced/series.conf &&
	listing >../listing &&
	run_ltsport port --series spaced &&
	test "$(cat rc)" = 2 &&
	grep -q "series.conf\|spaced" err &&
	grep -q "series name .test race. cannot name a branch and a directory" err &&
	nothing_written
'

test_expect_success 'a series name that is no branch name (x.lock) is refused too' '
	cd work && sed -i "s/^\tname = test race/\tname = x.lock/" spaced/series.conf &&
	run_ltsport port --series spaced &&
	test "$(cat rc)" = 2 &&
	grep -q "series name .x.lock. cannot name a branch and a directory" err &&
	nothing_written
'

test_expect_success 'bad input exits 2 and writes nothing: --wait that is no number' '
	cd work &&
	run_ltsport port --series ../series-dir --wait soon &&
	test "$(cat rc)" = 2 && grep -q "^ltsport: --wait soon: want a whole number" err &&
	nothing_written
'

test_expect_success 'a failure after setup exits 3: backports/ cannot be made' '
	cd work && echo "a file, not a directory" >blocker &&
	run_ltsport port --series ../series-dir --backports blocker/backports &&
	test "$(cat rc)" = 3 && grep -q "cannot" err &&
	run_ltsport backtest --series ../series-dir --backports blocker/backports &&
	test "$(cat rc)" = 3 &&
	test -z "$(git -C ../imp for-each-ref refs/heads/ltsport)" && rm blocker
'

# wait_held <lock>: until another process holds the lock (at most 10 s).
wait_held() {
	for i in $(seq 100); do
		flock -n "$1" true || return 0
		sleep 0.1
	done
	return 1
}

# hold_lock <lock> <seconds>: another process holds it that long ($holder).
hold_lock() {
	(flock 9 && sleep "$2" 9>&-) 9>>"$1" &
	holder=$!
	wait_held "$1"
}

test_expect_success 'a stdout that cannot be written is a failure (exit 3), not a result' '
	cd work && cp good.conf stable_trees.conf &&
	{ "$LTSPORT" status --series ../series-dir >/dev/full 2>err; echo $? >rc; } &&
	test "$(cat rc)" = 3 && grep -q "^ltsport: stdout: No space left on device" err
'

test_expect_success 'a port takes the lock and leaves it free' '
	cd work &&
	run_ltsport port --series ../series-dir &&
	test "$(cat rc)" = 0 &&
	test -f backports/.work/5.0/lock && test ! -s backports/.work/5.0/lock &&
	flock -n backports/.work/5.0/lock true
'

test_expect_success 'a tree another run holds: who and since when, exit 3, nothing touched' '
	cd work && lock=backports/.work/5.0/lock &&
	before=$(git -C ../imp rev-parse ltsport/test-race/5.0) &&
	echo "pid 1234 (ltsport build)" >$lock &&
	hold_lock $lock 30 &&
	run_ltsport port --series ../series-dir &&
	test "$(cat rc)" = 3 &&
	grep -q "^ltsport: 5.0: locked by pid 1234 (ltsport build) since [0-9][0-9]:[0-9][0-9]:[0-9][0-9]; wait for it to finish, or pass --wait SECONDS$" err &&
	run_ltsport backtest --series ../series-dir --wait 1 &&
	test "$(cat rc)" = 3 &&
	grep -q "^ltsport: 5.0: locked by pid 1234 (ltsport build) since .*; waiting$" err &&
	grep -q "^ltsport: 5.0: still locked by pid 1234 (ltsport build) since .* after 1 s; try again later$" err &&
	test "$(git -C ../imp rev-parse ltsport/test-race/5.0)" = "$before" &&
	kill $holder && { wait $holder || test $? = 143; } &&
	run_ltsport port --series ../series-dir --wait 5 &&
	test "$(cat rc)" = 0
'

test_expect_success 'with --wait the run goes on once the other is done' '
	cd work && lock=backports/.work/5.0/lock &&
	hold_lock $lock 2 &&
	run_ltsport port --series ../series-dir --wait 20 &&
	test "$(cat rc)" = 0 && grep -q "waiting$" err &&
	grep -q "^5.0: ported 2 patches" out &&
	wait $holder
'

test_done
