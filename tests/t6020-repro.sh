#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ltsport repro on a small 6.1-era fixture tree, with a fake make (it writes
# a "kernel" that says whether its mm/memory.c has the fix and the
# instrumentation) and a fake qemu-system-x86_64 (it writes a console the
# way the guest does, by scenario): the before/after logic, the verdicts
# for every way a boot can go wrong, time limits, output and bad input.
# The real kernels and QEMU are in t6030.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

FIX1=13ddaf26be324a7f951891ecd9ccd04466d27458

if ! command -v spatch >/dev/null; then
	test_skip repro "spatch is not installed (apt-get install coccinelle)"
	test_done
fi

mkdir -p "$TRASH/fake"
export FAKE_LOG="$TRASH/fake.log"
cat >"$TRASH/fake/make" <<'EOF'
#!/bin/sh
# fake make: configs, a "bzImage" naming what mm/memory.c holds, the guest
o= t=
for a in "$@"; do
	case "$a" in
	O=*) o=${a#O=} ;;
	tinyconfig | olddefconfig | bzImage) t=$a ;;
	esac
done
echo "make $*" >>"$FAKE_LOG"
case "$t" in
tinyconfig | olddefconfig) mkdir -p "$o" && echo CONFIG_SWAP=y >"$o/.config" ;;
bzImage)
	[ -z "${FAKE_MAKE_SLEEP:-}" ] || sleep "$FAKE_MAKE_SLEEP"
	if [ -n "${FAKE_BUILD_FAIL:-}" ]; then
		echo "mm/memory.c:1:1: error: fake failure" >&2
		exit "${FAKE_BUILD_EXIT:-2}"
	fi
	mkdir -p "$o/arch/x86/boot" &&
	{
		if grep -q 'swapcache_prepare(' mm/memory.c; then echo fixed; else echo unfixed; fi
		! grep -q 'ltsport_swapin_delay();' mm/memory.c || echo instrumented
	} >"$o/arch/x86/boot/bzImage"
	;;
*) mkdir -p "$o" && echo guest >"$o/initramfs.gz" ;;
esac
EOF
cat >"$TRASH/fake/qemu-system-x86_64" <<'EOF'
#!/bin/sh
# fake QEMU: a console as the guest writes it, by $FAKE_QEMU; with
# FAKE_TICK=S an unfixed kernel prints two tick lines, S seconds apart
while [ $# -gt 0 ]; do
	case "$1" in
	-kernel) kernel=$2; shift ;;
	-serial) console=${2#file:}; shift ;;
	-append) append=$2; shift ;;
	-accel) accel=$2; shift ;;
	esac
	shift
done
echo "qemu $accel $(cat "$kernel" | tr '\n' ' ')| $append" >>"$FAKE_LOG"
secs=$(echo "$append" | sed -n 's/.*ltsport\.seconds=\([0-9]*\).*/\1/p')
[ "$accel" = kvm ] && [ "${FAKE_KVM:-}" = silent ] && exec sleep 600
exec >"$console"
printf '[    0.000000] Linux version 6.1.0-fake\r\n'
[ "$accel" = kvm ] && [ "${FAKE_KVM:-}" = hang ] && exec sleep 600
printf '[    0.612345] Run /init as init process\r\n'
printf 'LTSPORT-GUEST kernel=6.1.0-fake\r\n'
case "${FAKE_QEMU:-}" in
hang) echo $$ >>"$FAKE_LOG.hung"; exec sleep 600 ;;
panic) printf '[    0.700000] Kernel panic - not syncing: fake\r\n'; exit 0 ;;
esac
if [ -n "${FAKE_TICK:-}" ] && grep -q unfixed "$kernel"; then
	printf 'LTSPORT-TICK seconds=5 rounds=120\r\n'
	sleep "$FAKE_TICK"
	printf 'LTSPORT-TICK seconds=10 rounds=240\r\n'
	sleep "$FAKE_TICK"
fi
if grep -q instrumented "$kernel"; then
	printf 'LTSPORT-GUEST instrument every=1 us=2000..8000\r\n'
else
	printf 'LTSPORT-GUEST instrument=none\r\n'
fi
if { grep -q unfixed "$kernel" && [ "${FAKE_QEMU:-}" != neverloss ]; } ||
	[ "${FAKE_QEMU:-}" = alwaysloss ]; then
	printf 'LTSPORT-REPRO result=loss rounds=3 seconds=2.5 lost=12 misloads=1 first_loss_s=%s pswpin=100 pswpout=200 throughput=3000 pageout=madvise\r\n' "${FAKE_FIRST:-2.4}"
else
	[ "${FAKE_QEMU:-}" = short ] && secs=10
	printf 'LTSPORT-REPRO result=clean rounds=50 seconds=%s.0 lost=0 misloads=0 first_loss_s=- pswpin=900 pswpout=1000 throughput=6000 pageout=madvise\r\n' "$secs"
fi
EOF
chmod +x "$TRASH/fake/make" "$TRASH/fake/qemu-system-x86_64"
export PATH="$TRASH/fake:$PATH"

# lt <args>: ltsport with this test's config and series.
lt() {
	run_ltsport "$@" --series "$TOP/series/swap-race"
}

test_expect_success 'setup: the 6.1 fixture ported; "shipped" has patch 1, "full" both' '
	cp -r "$TOP/tests/fixtures/eras/6.1" base &&
	mkdir -p base/scripts/kconfig && echo "exit 0" >base/scripts/kconfig/merge_config.sh &&
	(cd base && git init -q && git add -A && git commit -q -m "fixture 6.1") &&
	printf "[tree \"6.1\"]\n\tpath = base\n\tref = HEAD\n\ttoolchain = gcc-12\n\tkconfig = %s\n" \
		"$TOP/tools/kconfig/swap-repro.config" >port.conf &&
	lt port --config port.conf && test "$(cat rc)" = 0 &&
	git clone -q base shipped && git -C shipped reset -q --hard ltsport/swap-race/6.1~1 2>/dev/null ||
	git -C shipped reset -q --hard origin/ltsport/swap-race/6.1~1 &&
	git clone -q base full && git -C full reset -q --hard origin/ltsport/swap-race/6.1 &&
	for t in shipped full; do
		printf "[tree \"%s\"]\n\tpath = %s\n\tref = HEAD\n\ttoolchain = gcc-12\n\tkconfig = %s\n" \
			$t $t "$TOP/tools/kconfig/swap-repro.config"
	done >stable_trees.conf &&
	lt port --tree shipped && test "$(cat rc)" = 0 && grep -q "^shipped: ported 1 patch" out
'

test_expect_success 'proven: before (patch 1 taken out) loses data, after stays clean 60 s' '
	snapshot_user_state shipped >user.before &&
	: >"$FAKE_LOG" &&
	lt repro --tree shipped --accel tcg &&
	cat out err && test "$(cat rc)" = 0 &&
	grep -q "^shipped: before ($(echo $FIX1 | cut -c1-12) taken out by .*): reproduced: 12 pages lost, 1 misload in 3 rounds, first after 2.4 s$" out &&
	grep -q "^shipped: after (branch ltsport/swap-race/shipped): no loss in 50 rounds, 60.0 s (6000 writes/s, 900 pages swapped in)$" out &&
	grep -q "^shipped: repro: proven: loss in 2.4 s before, none in 60 s after (needed 60 s)$" out &&
	grep -q "^qemu tcg unfixed instrumented | console=ttyS0 panic=-1 ltsport.seconds=60 ltsport_delay_us_min=2000 .*ltsport.swapkb=64$" "$FAKE_LOG" &&
	grep -q "^qemu tcg fixed instrumented | console=ttyS0 panic=-1 ltsport.seconds=60 " "$FAKE_LOG" &&
	test "$(grep -c "^make .*bzImage" "$FAKE_LOG")" = 2 &&
	j=backports/swap-race/shipped/repro.json &&
	test "$(jq -r .proven $j)" = true && test "$(jq -r .accel $j)" = tcg &&
	test "$(jq -r .before.result $j)" = loss && test "$(jq -r .before.lost $j)" = 12 &&
	test "$(jq -r .before.init_s $j)" = 0.61 &&
	test "$(jq -r .after.result $j)" = clean && test "$(jq -r .required_s $j)" = 60 &&
	grep -q "^LTSPORT-REPRO result=loss" backports/swap-race/shipped/repro-before.log &&
	grep -q "^LTSPORT-REPRO result=clean" backports/swap-race/shipped/repro-after.log &&
	snapshot_user_state shipped >user.after && test_cmp_files user.before user.after
'

test_expect_success 'progress: a kernel build is timed by its name, the sources written in it are a part' '
	LTSPORT_QUIET= FAKE_MAKE_SLEEP=1 lt repro --tree shipped --accel tcg &&
	test "$(cat rc)" = 0 &&
	grep -q "^\[[0-9:]*\] shipped: building the before kernel$" err &&
	grep -q "^\[[0-9:]*\] shipped: writing the sources to .*/src$" err &&
	grep -q "^\[[0-9:]*\] shipped: building the before kernel ([1-9][0-9]* s)$" err &&
	grep -q "^\[[0-9:]*\] shipped: building the after kernel ([1-9][0-9]* s)$" err &&
	! grep -q "writing the sources.* s)$" err
'

test_expect_success 'progress: a toolchain trial inside a kernel build is timed apart, the build keeps its name' '
	sed "s/toolchain = gcc-12/toolchain = auto/" stable_trees.conf >auto.conf &&
	LTSPORT_QUIET= FAKE_MAKE_SLEEP=1 lt repro --config auto.conf --tree shipped --accel tcg &&
	test "$(cat rc)" = 0 &&
	grep -q "^\[[0-9:]*\] shipped: toolchain auto: trying gcc-[0-9]* ([0-9]* s)$" err &&
	grep -q "^\[[0-9:]*\] shipped: building the before kernel ([1-9][0-9]* s)$" err &&
	grep -q "^\[[0-9:]*\] shipped: building the after kernel ([1-9][0-9]* s)$" err
'

test_expect_success 'a tree with the whole series: both taken out before, the tree as it is after' '
	lt repro --tree full --accel tcg &&
	cat out && test "$(cat rc)" = 0 &&
	grep -q "^full: before (01626a182302 taken out by .*, 13ddaf26be32 taken out by .*): reproduced" out &&
	grep -q "^full: after (the tree as it is (it has the whole series)): no loss" out &&
	grep -q "^full: repro: proven" out
'

test_expect_success '--mid: the after kernel without patch 2 boots too, for its throughput' '
	: >"$FAKE_LOG" &&
	lt repro --tree shipped --accel tcg --mid &&
	cat out && test "$(cat rc)" = 0 &&
	grep -q "^shipped: mid (after with 01626a182302 taken out by the semantic patch in revert mode): no loss in 50 rounds, 60.0 s (6000 writes/s" out &&
	test "$(grep -c "^make .*bzImage" "$FAKE_LOG")" = 3 &&
	test "$(grep -c "^qemu tcg fixed instrumented .*ltsport.seconds=60 " "$FAKE_LOG")" = 2 &&
	test "$(jq -r .mid.result backports/swap-race/shipped/repro.json)" = clean &&
	grep -q "^LTSPORT-REPRO result=clean" backports/swap-race/shipped/repro-mid.log
'

test_expect_success 'guest words: the series, then the tree (repro-cmdline), then --append' '
	: >"$FAKE_LOG" &&
	sed "/^\[tree \"shipped\"\]/a\\
	repro-cmdline = ltsport.swap=zram" stable_trees.conf >words.conf &&
	lt repro --config words.conf --tree shipped --accel tcg --append "ltsport.pages=8" &&
	test "$(cat rc)" = 0 &&
	grep -q "^qemu tcg unfixed instrumented | console=ttyS0 panic=-1 ltsport.seconds=60 ltsport_delay_us_min=2000 .*ltsport.swapkb=64 ltsport.swap=zram ltsport.pages=8$" "$FAKE_LOG" &&
	test "$(jq -r .cmdline backports/swap-race/shipped/repro.json | sed "s/.* //")" = ltsport.pages=8
'

test_expect_success 'after runs 10x the first loss when that is more than 60 s' '
	: >"$FAKE_LOG" &&
	FAKE_FIRST=7.5 lt repro --tree shipped --accel tcg &&
	test "$(cat rc)" = 0 &&
	grep -q "^qemu tcg fixed .*ltsport.seconds=75 " "$FAKE_LOG" &&
	grep -q "^shipped: repro: proven: loss in 7.5 s before, none in 75 s after (needed 75 s)$" out
'

test_expect_success 'in a pipe: the guest'"'"'s ticks as a timestamped line, at most one per 30 s' '
	(unset LTSPORT_QUIET && FAKE_TICK=2.5 lt repro --tree shipped --accel tcg) &&
	cat err && test "$(cat rc)" = 0 &&
	grep -q "^shipped: repro: proven: loss in 2.4 s before" out &&
	grep -Eq "^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\] shipped: booting the before kernel \(tcg, 60 s\)$" err &&
	grep -E "^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\] shipped: repro before: guest 5 s, 120 rounds \([0-9]+ s\)$" err >ticks &&
	test "$(wc -l <ticks)" = 1 &&
	test "$(grep -c "guest .* rounds" err)" = 1 &&
	! grep -q LTSPORT-TICK out
'

test_expect_success 'the after kernel loses data too: NOT FIXED, a finding: exit 0' '
	FAKE_QEMU=alwaysloss lt repro --tree shipped --accel tcg &&
	test "$(cat rc)" = 0 &&
	grep -q "^shipped: repro: NOT FIXED: the after kernel loses data too$" out &&
	test "$(jq -r .proven backports/swap-race/shipped/repro.json)" = false
'

test_expect_success 'no loss before: not proven, and after is not booted' '
	: >"$FAKE_LOG" &&
	FAKE_QEMU=neverloss lt repro --tree shipped --accel tcg --seconds 5 &&
	test "$(cat rc)" = 0 &&
	grep -q "^shipped: repro: not proven: no loss without the series in 5 s; raise --seconds or the delay$" out &&
	test "$(grep -c "^qemu" "$FAKE_LOG")" = 1
'

test_expect_success 'after stopped early: not proven' '
	FAKE_QEMU=short lt repro --tree shipped --accel tcg &&
	test "$(cat rc)" = 0 &&
	grep -q "^shipped: repro: not proven: after ran 10 s of the 60 s needed$" out
'

test_expect_success 'a hung guest is killed at --timeout: its own verdict, with the console tail' '
	start=$(date +%s) &&
	FAKE_QEMU=hang lt repro --tree shipped --accel tcg --timeout 3 &&
	test $(($(date +%s) - start)) -lt 60 &&
	test "$(cat rc)" = 0 &&
	grep -q "^shipped: before (.*): no result: the guest was still running at the time limit (hang?)$" out &&
	grep -q "LTSPORT-GUEST kernel=6.1.0-fake" out &&
	grep -q "^shipped: repro: not proven: the before kernel gave no result$" out
'

test_expect_success 'a kernel panic is named' '
	FAKE_QEMU=panic lt repro --tree shipped --accel tcg &&
	test "$(cat rc)" = 0 &&
	grep -q "^shipped: before (.*): no result: Kernel panic - not syncing: fake$" out
'

test_expect_success 'auto: KVM only when a probe boot gives a result under it, the choice kept' '
	: >"$FAKE_LOG" &&
	FAKE_KVM=hang lt repro --tree shipped --timeout 3 &&
	test "$(cat rc)" = 0 &&
	grep -q "^repro: .*: TCG$" out &&
	test "$(jq -r .accel backports/swap-race/shipped/repro.json)" = tcg &&
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		grep -q "^qemu kvm .*ltsport.seconds=1 " "$FAKE_LOG" &&
		grep -q "^accel tcg$" backports/.work/repro/accel-x86_64 &&
		: >"$FAKE_LOG" &&
		lt repro --tree shipped --timeout 3 && test "$(cat rc)" = 0 &&
		grep -q "^repro: a probe boot under KVM gave no result in 3 s: TCG (kept from an earlier probe in .*/backports/.work/repro/accel-x86_64)$" out &&
		! grep -q "^qemu kvm " "$FAKE_LOG" &&
		test "$(jq -r .accel backports/swap-race/shipped/repro.json)" = tcg &&
		touch -d 2001-01-01 "$TRASH/fake/qemu-system-x86_64" &&
		lt repro --tree shipped --timeout 3 && test "$(cat rc)" = 0 &&
		grep -q "^qemu kvm .*ltsport.seconds=1 " "$FAKE_LOG" &&
		test "$(jq -r .accel backports/swap-race/shipped/repro.json)" = kvm &&
		grep -q "^accel kvm$" backports/.work/repro/accel-x86_64 &&
		rm backports/.work/repro/accel-x86_64
	else
		test ! -e backports/.work/repro/accel-x86_64
	fi
'

test_expect_success 'auto: a probe boot that prints nothing is stopped after 10 s, not at its time limit' '
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		rm -f backports/.work/repro/accel-x86_64 &&
		: >"$FAKE_LOG" &&
		t0=$(date +%s) &&
		FAKE_KVM=silent lt repro --tree shipped --timeout 40 &&
		t1=$(date +%s) &&
		test "$(cat rc)" = 0 &&
		grep -q "^qemu kvm .*ltsport.seconds=1 " "$FAKE_LOG" &&
		grep -q "^repro: a probe boot under KVM printed nothing in 10 s: TCG$" out &&
		test "$(jq -r .accel backports/swap-race/shipped/repro.json)" = tcg &&
		test $((t1 - t0)) -lt 35 &&
		rm backports/.work/repro/accel-x86_64
	fi
'

test_expect_success 'a kernel without the instrumentation is not a proof' '
	cp -r "$TOP/series/swap-race" noinstr &&
	sed -i "/^\tinstrument = /d; /^\tfiles = mm\/memory.c$/d" noinstr/series.conf &&
	sed -i "s|\.\./\.\./|$TOP/|" noinstr/series.conf &&
	run_ltsport repro --series "$PWD/noinstr" --tree shipped --accel tcg &&
	cat out err && test "$(cat rc)" = 0 &&
	grep -q "^shipped: repro: not proven: the before kernel is not instrumented$" out
'

test_expect_success 'the counters a result shows are the series'"'"' ([repro] counters =)' '
	cp -r "$TOP/series/swap-race" ctr &&
	sed -i "s|\.\./\.\./|$TOP/|" ctr/series.conf &&
	sed -i "s/^\tcounters = .*/\tcounters = loss misloads misload|misloads, clean pswpout page|pages swapped out/" \
		ctr/series.conf &&
	run_ltsport repro --series "$PWD/ctr" --tree shipped --accel tcg &&
	cat out err && test "$(cat rc)" = 0 &&
	grep -q "^shipped: before (.*): reproduced: 1 misload in 3 rounds, first after 2.4 s$" out &&
	grep -q "^shipped: after (.*): no loss in 50 rounds, 60.0 s (1000 pages swapped out)$" out &&
	grep -q "^shipped: repro: proven: " out &&
	j=backports/swap-race/shipped/repro.json &&
	test "$(jq -r ".after.counters[] | select(.name == \"pageout\") | .value" $j)" = madvise &&
	test "$(jq -r ".before.counters[] | select(.name == \"lost\") | .value" $j)" = 12 &&
	test "$(jq -r .before.lost $j)" = 12 && test "$(jq -r .outcome $j)" = done &&
	test "$(jq -r .tip $j)" = "$(git -C shipped rev-parse HEAD)"
'

test_expect_success 'a kernel that does not build: not run, with the first error' '
	FAKE_BUILD_FAIL=1 lt repro --tree shipped --accel tcg &&
	test "$(cat rc)" = 0 &&
	grep -q "^shipped: repro: not run: the before kernel does not build: mm/memory.c:1:1: error: fake failure (see .*repro-build-before.log)$" out
'

test_expect_success 'a make that exits 127 itself is a build that failed, not a missing make' '
	FAKE_BUILD_FAIL=1 FAKE_BUILD_EXIT=127 lt repro --tree shipped --accel tcg &&
	cat out err && test "$(cat rc)" = 0 &&
	! grep -q "not found" err &&
	grep -q "^shipped: repro: not run: the before kernel does not build: mm/memory.c:1:1: error: fake failure" out &&
	test "$(jq -r .proven backports/swap-race/shipped/repro.json)" = false
'

test_expect_success 'a tree that needs the series but has no ported branch: not run' '
	git clone -q base bare61 &&
	printf "[tree \"bare\"]\n\tpath = bare61\n\tref = HEAD\n\tkconfig = %s\n" \
		"$TOP/tools/kconfig/swap-repro.config" >bare.conf &&
	{ git -C bare61 branch -D ltsport/swap-race/6.1 >/dev/null 2>&1 || true; } &&
	lt repro --config bare.conf --accel tcg &&
	test "$(cat rc)" = 0 &&
	grep -q "^bare: repro: not run: not ported (no ltsport/swap-race/bare on top of HEAD); run ltsport port$" out
'

test_expect_success 'absent trees are said so; a killed run leaves the last results' '
	printf "[tree \"gone\"]\n\tpath = nowhere\n\tref = HEAD\n" >gone.conf &&
	lt repro --config gone.conf && test "$(cat rc)" = 0 &&
	grep -q "^gone: repro: tree absent, not booted$" out &&
	lt repro --tree shipped --accel tcg && test "$(cat rc)" = 0 &&
	cp backports/swap-race/shipped/repro.json kept.json &&
	rm -f "$FAKE_LOG.hung" &&
	{ FAKE_QEMU=hang timeout -s KILL 5 "$LTSPORT" repro --tree shipped --accel tcg \
		--series "$TOP/series/swap-race" >/dev/null 2>&1; test $? = 137; } &&
	test_cmp_files kept.json backports/swap-race/shipped/repro.json &&
	# the QEMU of the killed run goes with it (SIGTERM on its parent'"'"'s death)
	q=$(cat "$FAKE_LOG.hung") && n=0 &&
	while kill -0 "$q" 2>/dev/null && ! grep -q "^[0-9]* (.*) Z" "/proc/$q/stat" 2>/dev/null; do
		n=$((n + 1)) && test $n -lt 50 || { echo "QEMU $q still runs"; return 1; }
		sleep 0.1
	done
'

test_expect_success 'bad input: one error naming the option or the file, exit 2, no output' '
	rm -rf backports/swap-race/shipped &&
	lt repro --tree shipped --seconds 0 && test "$(cat rc)" = 2 &&
	grep -q "^ltsport: --seconds 0: want a whole number of seconds, 1 to 86400$" err &&
	lt repro --tree shipped --accel xen && test "$(cat rc)" = 2 &&
	grep -q "^ltsport: --accel xen: want kvm, tcg or auto$" err &&
	cp -r "$TOP/series/swap-race" norepro &&
	sed -i "s|\.\./\.\./|$TOP/|" norepro/series.conf &&
	sed -i "/^\[repro\]/,\$d" norepro/series.conf &&
	run_ltsport repro --series "$PWD/norepro" --tree shipped && test "$(cat rc)" = 2 &&
	grep -q "norepro/series.conf: no \[repro\] section" err &&
	printf "[repro]\n\tdir = x\n\tdelay = 1\n" >>norepro/series.conf &&
	run_ltsport repro --series "$PWD/norepro" --tree shipped && test "$(cat rc)" = 2 &&
	grep -q "norepro/series.conf:[0-9]*: unknown key .delay. in \[repro\]" err &&
	sed -i "s/^\tcounters = .*/\tcounters = loss lost, clean/" ctr/series.conf &&
	run_ltsport repro --series "$PWD/ctr" --tree shipped && test "$(cat rc)" = 2 &&
	grep -q "^ltsport: .*ctr/series.conf:[0-9]*: \[repro\] counters: .loss lost.: want <loss|clean> <counter> <words>" err &&
	test ! -e backports/swap-race/shipped
'

test_done
