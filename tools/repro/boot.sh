#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel with the reproducer's initramfs in QEMU and print its result.
#
# usage: boot.sh [options] BZIMAGE
#
#   --initrd FILE    the guest initramfs [build/repro/initramfs.gz at the top;
#                    make -C tools/repro O=$PWD/build/repro builds it]
#   --log FILE       console log [boot-<pid>.log in $TMPDIR or /tmp]; kept
#   --seconds N      ltsport.seconds, the reproducer's time budget [30]
#   --rounds N       ltsport.rounds [guest default]
#   --pages N        ltsport.pages [guest default]
#   --workers N      ltsport.workers [guest default]
#   --pageout M      ltsport.pageout [guest default]
#   --swap brd|zram  ltsport.swap [guest default]
#   --swapkb N       ltsport.swapkb [guest default]
#   --delay MIN:MAX:EVERY
#                    the race-window knobs of cocci/instrument/swapin-delay.cocci
#                    (ltsport_delay_us_min, _us_max, _every): sleep MIN..MAX
#                    microseconds after one synchronous swap-in read in EVERY.
#                    Without it the knobs are not passed (the hook is off).
#   --append STR     more kernel command line
#   --timeout N      kill QEMU after N s [2 * seconds + 180]
#   --accel A        kvm, tcg or auto [auto: kvm when /dev/kvm can be opened]
#   --memory MB      [512]      --smp N   [2]
#   --verbose        ltsport.verbose=1 (the reproducer reports every round)
#
# QEMU runs as qemu-system-x86_64 -m 512 -smp 2 -nographic -no-reboot with
# the console (ttyS0) in the log file, under `timeout`.  The guest's last
# LTSPORT-REPRO line is printed on stdout; on stderr, the kernel, the guest
# clock when /init started (needs CONFIG_PRINTK_TIME), the host's wall time
# and the log file.  When the guest hangs, panics or powers off without a
# result, stdout gets "no result: <reason>" and the tail of the log goes to
# stderr.
#
# Exit: 0 clean, 1 loss or misload, 2 no result (hang, panic, a guest error,
# QEMU failure) or bad usage.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
initrd=$top/build/repro/initramfs.gz
log=''
seconds=30
timeout=''
accel=auto
memory=512
smp=2
append=''
delay=''
knobs=''
auto_kvm=yes
KVM_GRACE=${KVM_GRACE:-20}
QEMU=${QEMU:-qemu-system-x86_64}

usage() {
	sed -n '/^# usage:/,/^# Exit:/{s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}

die() {
	echo "boot.sh: $*" >&2
	exit 2
}

is_num() {
	case "$1" in
	'' | *[!0-9]*) return 1 ;;
	esac
	return 0
}

# knob NAME VALUE: one ltsport.NAME= word, after checking it is a number.
knob() {
	is_num "$2" || die "--$1 $2: not a whole number"
	knobs="$knobs ltsport.$1=$2"
}

while [ $# -gt 0 ]; do
	case "$1" in
	--initrd | --log | --seconds | --rounds | --pages | --workers | \
	--pageout | --swap | --swapkb | --delay | --append | --timeout | \
	--accel | --memory | --smp)
		[ $# -ge 2 ] || usage
		opt=${1#--}
		val=$2
		shift 2
		case "$opt" in
		initrd) initrd=$val ;;
		log) log=$val ;;
		seconds) is_num "$val" || die "--seconds $val: not a whole number"; seconds=$val ;;
		rounds | pages | workers | swapkb) knob "$opt" "$val" ;;
		pageout | swap) knobs="$knobs ltsport.$opt=$val" ;;
		delay) delay=$val ;;
		append) append="$append $val" ;;
		timeout) is_num "$val" || die "--timeout $val: not a whole number"; timeout=$val ;;
		accel) accel=$val ;;
		memory) is_num "$val" || die "--memory $val: not a whole number"; memory=$val ;;
		smp) is_num "$val" || die "--smp $val: not a whole number"; smp=$val ;;
		esac
		;;
	--verbose) knobs="$knobs ltsport.verbose=1"; shift ;;
	-h | --help) usage ;;
	-*) echo "boot.sh: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage
kernel=$1
[ -f "$kernel" ] || die "no kernel image at $kernel"
[ -f "$initrd" ] || die "no initramfs at $initrd (make -C tools/repro O=$top/build/repro)"
command -v "$QEMU" >/dev/null 2>&1 || die "$QEMU not found (apt-get install qemu-system-x86)"

if [ -n "$delay" ]; then
	old_ifs=$IFS
	IFS=:
	# shellcheck disable=SC2086 # split MIN:MAX:EVERY on the colons
	set -- $delay
	IFS=$old_ifs
	if ! { [ $# -eq 3 ] && is_num "$1" && is_num "$2" && is_num "$3"; }; then
		die "--delay $delay: want MIN:MAX:EVERY, whole numbers"
	fi
	[ "$1" -le "$2" ] || die "--delay $delay: MIN is more than MAX"
	knobs="$knobs ltsport_delay_us_min=$1 ltsport_delay_us_max=$2 ltsport_delay_every=$3"
fi

kvm_ok=no
# Opening the device is the test: it may exist without permission.
if [ -e /dev/kvm ] && { : <>/dev/kvm; } 2>/dev/null; then
	kvm_ok=yes
fi
case "$accel" in
auto) if [ $kvm_ok = yes ]; then accel=kvm; else accel=tcg; fi ;;
kvm) [ $kvm_ok = yes ] || die "--accel kvm: cannot open /dev/kvm"; auto_kvm=no ;;
tcg) auto_kvm=no ;;
*) die "--accel $accel: want kvm, tcg or auto" ;;
esac

# run_qemu <accel>: boot, console to the log; qrc is QEMU's exit (124: the
# timeout killed it).  Under an automatic KVM, a guest that prints nothing
# in $KVM_GRACE s is given up and booted again under TCG: nested KVM can
# hang before the kernel's first line (seen with a 6.1 tinyconfig guest on
# a 2-vCPU VM; -cpu host also fails there, on MSR 0x10a).
run_qemu() {
	echo "boot.sh: $kernel, $1, -m $memory -smp $smp, timeout ${timeout}s" >&2
	start=$(date +%s)
	timeout -k 10 "$timeout" "$QEMU" -accel "$1" -m "$memory" -smp "$smp" \
		-nographic -no-reboot -kernel "$kernel" -initrd "$initrd" \
		-append "$cmdline" </dev/null >"$log" 2>&1 &
	qpid=$!
	if [ "$1" = kvm ] && [ "$auto_kvm" = yes ]; then
		waited=0
		while kill -0 $qpid 2>/dev/null; do
			grep -q 'Linux version\|LTSPORT-' "$log" && break
			if [ $waited -ge "$KVM_GRACE" ]; then
				echo "boot.sh: no kernel output under KVM in ${KVM_GRACE}s: TCG instead" >&2
				kill $qpid 2>/dev/null
				wait $qpid
				accel=tcg
				run_qemu tcg
				return
			fi
			sleep 1
			waited=$((waited + 1))
		done
	fi
	wait $qpid
	qrc=$?
}

[ -n "$timeout" ] || timeout=$((seconds * 2 + 180))
[ -n "$log" ] || log=${TMPDIR:-/tmp}/boot-$$.log
cmdline="console=ttyS0 panic=-1 ltsport.seconds=$seconds$knobs$append"

echo "boot.sh: append: $cmdline" >&2
run_qemu "$accel"
wall=$(($(date +%s) - start))

# The console has CR LF line ends.
guest=$(tr -d '\r' <"$log" | sed -n 's/^.*\(LTSPORT-GUEST kernel=.*\)$/\1/p' | head -n 1)
init_at=$(tr -d '\r' <"$log" |
	sed -n 's/^\[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p' | head -n 1)
result=$(tr -d '\r' <"$log" | grep '^LTSPORT-REPRO ' | tail -n 1)
[ -n "$guest" ] && echo "boot.sh: ${guest#LTSPORT-GUEST }" >&2
echo "boot.sh: /init at ${init_at:-?} s (guest clock), ${wall} s wall ($accel), QEMU exit $qrc, log $log" >&2
if tr -d '\r' <"$log" | grep -q '^Unknown kernel command line parameters.*ltsport_delay_'; then
	echo "boot.sh: warning: the kernel does not know ltsport_delay_*: not instrumented" >&2
fi

no_result() {
	echo "no result: $*"
	echo "boot.sh: last lines of $log:" >&2
	tr -d '\r' <"$log" | tail -n 25 | sed 's/^/  | /' >&2
	exit 2
}

if [ -z "$result" ]; then
	if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
		no_result "the guest was still running after ${timeout}s (hang?)"
	elif tr -d '\r' <"$log" | grep -q 'Kernel panic'; then
		no_result "kernel panic: $(tr -d '\r' <"$log" | grep -m 1 'Kernel panic' | sed 's/^\[[^]]*\] *//')"
	else
		no_result "QEMU exited ($qrc) without a LTSPORT-REPRO line"
	fi
fi
echo "$result"
case "$result" in
*' result=clean '*) exit 0 ;;
*' result=loss '*) exit 1 ;;
*) tr -d '\r' <"$log" | grep '^LTSPORT-GUEST error' >&2; exit 2 ;;
esac
