#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Children, signals, durable writes and progress: spawn.c through
# tests/helpers/test-spawn, and ltsport build --quick with a fake make that
# sleeps, talks on both outputs and reads its input; SIGINT and SIGTERM stop
# its whole group, leave no temporaries and keep the earlier results.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

HELPER=$TOP/tests/helpers/test-spawn
[ -x "$HELPER" ] || make -s -C "$TOP" tests/helpers/test-spawn >/dev/null 2>&1
if ! [ -x "$HELPER" ]; then
	test_skip spawn "tests/helpers/test-spawn is not built (make tests/helpers/test-spawn)"
	test_done
fi

export FAKE_DIR="$TRASH/fake.out"
mkdir -p "$TRASH/fake" "$FAKE_DIR"
cat >"$TRASH/fake/make" <<'EOF2'
#!/bin/sh
# fake make: configs; a build writes its pids, reads its input (FAKE_STDIN),
# talks on stdout and stderr in turn, then sleeps FAKE_SLEEP seconds in a
# child (ignoring SIGTERM with FAKE_NOTERM)
o=
for a in "$@"; do
	case "$a" in
	O=*) o=${a#O=} ;;
	tinyconfig | olddefconfig) mkdir -p "$o" && echo CONFIG_SWAP=y >"$o/.config"; exit 0 ;;
	esac
done
echo "make $*" >>"$FAKE_DIR/calls"
echo $$ >"$FAKE_DIR/make.pid"
if [ -n "${FAKE_STDIN:-}" ]; then
	timeout 5 cat >/dev/null
	echo $? >"$FAKE_DIR/stdin.rc"
fi
for i in 1 2 3; do
	echo "fake-out $i"
	echo "fake-err $i" >&2
done
if [ -n "${FAKE_SLEEP:-}" ]; then
	[ -z "${FAKE_NOTERM:-}" ] || trap '' TERM
	sleep "$FAKE_SLEEP" &
	echo $! >"$FAKE_DIR/sleep.pid"
	: >"$FAKE_DIR/started"
	wait
fi
exit 0
EOF2
chmod +x "$TRASH/fake/make"
export PATH="$TRASH/fake:$PATH"

# alive PID: a process that runs (a zombie has died; pid 1 may not reap it)
alive() {
	kill -0 "$1" 2>/dev/null && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null
}

# gone PID: the process has died within 5 s (a loaded machine may take a
# moment to deliver the signal and run the exit)
gone() {
	n=0
	while alive "$1"; do
		n=$((n + 1))
		[ $n -lt 50 ] || return 1
		sleep 0.1
	done
}

# wait_for FILE: up to 20 s
wait_for() {
	n=0
	while ! [ -e "$1" ]; do
		n=$((n + 1))
		[ $n -lt 200 ] || return 1
		sleep 0.1
	done
}

lt_build() {
	run_ltsport build --quick --series "$TRASH/series-dir" "$@"
}

# stop_build SIG: build in the background (job control, so that SIGINT is
# not ignored), SIG to ltsport once make sleeps; its exit code in rc
stop_build() {
	rm -f "$FAKE_DIR/started" "$FAKE_DIR/make.pid" "$FAKE_DIR/sleep.pid" || return 1
	set -m
	# SIGINT and SIGTERM as they are by default, even when whoever runs the
	# tests ignores them (a job started with & outside job control, such
	# as make check run in the background, ignores SIGINT)
	FAKE_SLEEP=60 env --default-signal=INT,TERM \
		"$LTSPORT" build --quick --series "$TRASH/series-dir" >out 2>err &
	pid=$!
	set +m
	wait_for "$FAKE_DIR/started" &&
	kill -"$1" $pid
	wait $pid
	echo $? >rc
}

# nothing of the fake make left, no temporaries, the earlier results kept
check_stopped() {
	for p in $(cat "$FAKE_DIR/make.pid" "$FAKE_DIR/sleep.pid"); do
		gone $p || { echo "pid $p still runs"; return 1; }
	done &&
	test -z "$(find backports \( -name ".*.??????" -o -name "*.tmp.*" \) -print)" &&
	test_cmp_files build.json.first backports/test-race/t/build.json &&
	test_cmp_files build.log.first backports/test-race/t/build.log
}

test_expect_success 'setup: a tree, a series, a build that went through' '
	make_upstream && make_series &&
	git clone -q up t && (cd t && git checkout -q v5.0 && mkdir -p scripts/kconfig &&
		echo "exit 0" >scripts/kconfig/merge_config.sh && commit_all "merge_config") &&
	echo CONFIG_SWAP=y >frag.config &&
	write_conf <<-EOF &&
	[tree "t"]
		path = t
		ref = HEAD
		toolchain = gcc-12
		kconfig = $TRASH/frag.config
	EOF
	lt_build && cat err && test "$(cat rc)" = 0 &&
	grep -q "^t: build: builds (nothing ported)" out &&
	grep -q "^make O=.* CC=.*gcc-12 HOSTCC=gcc-12 .* prepare$" "$FAKE_DIR/calls" &&
	cp backports/test-race/t/build.json build.json.first &&
	cp backports/test-race/t/build.log build.log.first
'

test_expect_success 'build.log keeps the order of the outputs of make' '
	sed -n "/^### without the series/,/^###/p" backports/test-race/t/build.log |
		grep "^fake-" >order &&
	printf "fake-%s %s\n" out 1 err 1 out 2 err 2 out 3 err 3 >order.want &&
	test_cmp_files order.want order
'

test_expect_success 'SIGINT: make stopped, its child too, exit 130, earlier results kept' '
	stop_build INT &&
	test "$(cat rc)" = 130 &&
	grep -q "^ltsport: interrupted (SIGINT): stopping" err &&
	check_stopped
'

test_expect_success 'SIGTERM: the same, exit 143' '
	stop_build TERM &&
	test "$(cat rc)" = 143 &&
	grep -q "^ltsport: terminated (SIGTERM)" err &&
	check_stopped
'

test_expect_success 'SIGINT to a make that ignores SIGTERM: KILLed after the grace' '
	start=$(date +%s) &&
	FAKE_NOTERM=1 stop_build INT &&
	test "$(cat rc)" = 130 &&
	test $(($(date +%s) - start)) -lt 30 &&
	check_stopped
'

test_expect_success 'make does not read our standard input, even when it stays open' '
	mkfifo fifo &&
	exec 8<>fifo &&
	FAKE_STDIN=1 lt_build <&8
	rc=$(cat rc)
	exec 8>&-
	test "$rc" = 0 &&
	test "$(cat "$FAKE_DIR/stdin.rc")" = 0 &&
	cp backports/test-race/t/build.json build.json.first
'

test_expect_success 'a toolchain that is not a program name: exit 2, the tree named, nothing built' '
	sed "s/toolchain = gcc-12/toolchain = \"gcc; rm -rf x\"/" stable_trees.conf >bad.conf &&
	: >"$FAKE_DIR/calls" &&
	lt_build --config bad.conf &&
	test "$(cat rc)" = 2 && test ! -s out && test "$(wc -l <err)" = 1 &&
	grep -q "^ltsport: .*bad.conf:4: tree t: toolchain .gcc; rm -rf x. is not a plain program name" err &&
	test ! -s "$FAKE_DIR/calls" &&
	test_cmp_files build.json.first backports/test-race/t/build.json
'

test_expect_success 'make gets every target, not the first 32 arguments' '
	cp -r series-dir series-many &&
	files=$(for i in $(seq 1 40); do printf "mm/f%d.c " $i; done) &&
	sed -i "/^\[patch \"0001-/a\\
	files = $files" series-many/series.conf &&
	: >"$FAKE_DIR/calls" &&
	run_ltsport build --quick --series "$TRASH/series-many" && test "$(cat rc)" = 0 &&
	tail -1 "$FAKE_DIR/calls" | tr " " "\n" | grep -c "^mm/f[0-9]*\.o$" >count &&
	test "$(cat count)" = 40 &&
	tail -1 "$FAKE_DIR/calls" | grep -q " prepare mm/f1.o .* mm/f40.o$"
'

test_expect_success 'spawn: a time limit stops a program that ignores SIGTERM with SIGKILL after the grace' '
	start=$(date +%s) &&
	"$HELPER" --timeout 1 --grace 2 -- sh -c "trap \"\" TERM; echo \$\$ >tpid; sleep 30" >res &&
	el=$(($(date +%s) - start)) &&
	cat res &&
	grep -q "^ret=0 code=137 signal=9 timed_out=1 " res &&
	test $el -ge 3 && test $el -lt 10 &&
	gone $(cat tpid)
'

test_expect_success 'spawn: a program that stops on SIGTERM is not waited the grace for' '
	"$HELPER" --timeout 1 --grace 20 -- sleep 30 >res &&
	grep -q "^ret=0 code=143 signal=15 timed_out=1 exec_errno=0 seconds=1$" res
'

test_expect_success 'spawn: without pidfds, the wait goes through SIGCHLD' '
	"$HELPER" --sigchld --capture -- sh -c "sleep 1; echo done; exit 4" >res &&
	grep -q "^ret=0 code=4 signal=0 timed_out=0 exec_errno=0 seconds=1$" res &&
	grep -q "^done$" res &&
	"$HELPER" --sigchld --timeout 1 --grace 1 -- sh -c "trap \"\" TERM; sleep 30" >res &&
	grep -q "^ret=0 code=137 signal=9 timed_out=1 exec_errno=0 seconds=2$" res
'

test_expect_success 'spawn: the tick hook runs every tick_s while the child runs, not after' '
	"$HELPER" --tick 1 -- sleep 3.5 >res &&
	cat res &&
	grep -q "^ret=0 code=0 signal=0 timed_out=0 " res &&
	sed -n "s/^ticks=//p" res >ticks &&
	test "$(cat ticks)" -ge 2 && test "$(cat ticks)" -le 3 &&
	"$HELPER" --sigchld --tick 1 -- sleep 2.5 >res &&
	sed -n "s/^ticks=//p" res >ticks &&
	test "$(cat ticks)" -ge 1 && test "$(cat ticks)" -le 2 &&
	"$HELPER" --tick 5 -- true >res &&
	grep -q "^ticks=0$" res
'

test_expect_success 'spawn: a child is stopped when ltsport dies by SIGKILL, no handler of ours running' '
	rm -f cpid || return 1
	"$HELPER" -- sh -c "echo \$\$ >cpid; exec sleep 30" >res 2>err &
	hp=$! &&
	wait_for cpid && kill -KILL $hp && { wait $hp; true; } &&
	gone "$(cat cpid)"
'

test_expect_success 'spawn: a tick hook that asks to stop ends the child as its time limit would' '
	"$HELPER" --tick 1 --tick-stop 2 -- sleep 30 >res &&
	grep -q "^ret=0 code=143 signal=15 timed_out=1 " res &&
	grep -q "^ticks=2$" res &&
	s=$(sed -n "s/.* seconds=\([0-9]*\)$/\1/p" res) && test "$s" -ge 2 && test "$s" -le 4
'

test_expect_success 'spawn: "not found" from exec, not from an exit code of 127' '
	"$HELPER" -- no-such-program-here >res 2>err &&
	grep -q "^ret=-1 .*exec_errno=2 " res &&
	grep -q "^ltsport: no-such-program-here: not found; install it" err &&
	"$HELPER" -- sh -c "exit 127" >res 2>err &&
	grep -q "^ret=0 code=127 signal=0 timed_out=0 exec_errno=0 " res && test ! -s err &&
	"$HELPER" --run -- sh -c "exit 127" >res 2>err &&
	test "$(cat res)" = "ret=0 status=127 timed_out=0" && test ! -s err &&
	"$HELPER" --run -- no-such-program-here >res 2>err &&
	test "$(cat res)" = "ret=-1 status=127 timed_out=0" && grep -q "not found" err &&
	chmod -x "$TRASH/fake/make" &&
	"$HELPER" -- "$TRASH/fake/make" >res 2>err
	chmod +x "$TRASH/fake/make" &&
	grep -q "^ret=-1 .*exec_errno=13 " res && grep -q "cannot run it: Permission denied" err
'

test_expect_success 'spawn: standard output captured, standard error in the log, stdin /dev/null' '
	echo "not for the child" | "$HELPER" --capture --log elog -- \
		sh -c "echo one; echo two >&2; cat; echo three" >res &&
	printf "one\nthree\n" >want && sed 1d res >got && test_cmp_files want got &&
	test "$(cat elog)" = two
'

test_expect_success 'spawn: a signal removes the temporary dir and file and kills the group' '
	mkdir tmpd || return 1
	set -m
	# a SIGHUP ignored by whoever runs the tests (nohup) stays ignored in spawn
	env --default-signal=HUP "$HELPER" --temp-dir tmpd --temp-file tmpd/res.json -- \
		sh -c "echo \$\$ >hpid; sleep 60 & echo \$! >hcpid; wait" >res 2>err &
	pid=$!
	set +m
	wait_for hcpid && sleep 0.2 &&
	test -n "$(ls -A tmpd)" &&
	kill -HUP $pid
	wait $pid
	test $? = 129 &&
	test -z "$(ls -A tmpd)" &&
	gone $(cat hpid) && gone $(cat hcpid) &&
	grep -q "hung up (SIGHUP)" err
'

test_expect_success 'durable writes: a stale temp of a dead pid is removed by the next write' '
	(exit 0) & dead=$! && wait $dead &&
	echo old >backports/test-race/t/build.json.tmp.$dead &&
	echo mine >backports/test-race/t/build.json.tmp.$$ &&
	lt_build && test "$(cat rc)" = 0 &&
	test ! -e backports/test-race/t/build.json.tmp.$dead &&
	test -e backports/test-race/t/build.json.tmp.$$
'

test_expect_success 'progress: timestamped lines in a pipe, with the seconds of make' '
	LTSPORT_QUIET= lt_build && test "$(cat rc)" = 0 &&
	grep -q "^\[[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\] t: build before the series$" err &&
	grep -q "^\[[0-9:]*\] t: build before the series ([0-9]* s)$" err &&
	LTSPORT_QUIET= lt_build --quiet && test "$(cat rc)" = 0 && test ! -s err
'

if command -v script >/dev/null; then
	test_expect_success 'progress: one updating line on a terminal, cleared before output' '
		LTSPORT_QUIET= FAKE_SLEEP=2 script -qec "$LTSPORT build --quick --series $TRASH/series-dir" \
			/dev/null >tty.out &&
		grep -q "t: build before the series (1 s)" tty.out &&
		grep -q "$(printf "\r\033\\[K")t: build: builds" tty.out &&
		! grep -q "^\[[0-9:]*\] " tty.out
	'
else
	test_skip progress "script(1) is not installed"
fi

test_done
