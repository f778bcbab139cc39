#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the reproducer guest's initramfs (cpio newc, gzip): /init, a static
# busybox (Debian's busybox-static) and the static reproducer.
#
# usage: mkinitramfs.sh [--repro FILE] [--busybox FILE] [--init FILE] OUTPUT
#
# Without --repro, the reproducer is compiled from repro.c next to this
# script with $CC (default cc). The output is written to a temporary file and
# renamed into place. Each external program runs under `timeout`.
# Exit: 0 built, 1 failed, 2 bad usage.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repro=''
busybox=/bin/busybox
init=$here/init
CC=${CC:-cc}

die() {
	echo "mkinitramfs: $*" >&2
	exit 1
}

usage() {
	echo "usage: mkinitramfs.sh [--repro FILE] [--busybox FILE] [--init FILE] OUTPUT" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--repro) [ $# -ge 2 ] || usage; repro=$2; shift 2 ;;
	--busybox) [ $# -ge 2 ] || usage; busybox=$2; shift 2 ;;
	--init) [ $# -ge 2 ] || usage; init=$2; shift 2 ;;
	-h | --help) usage ;;
	-*) echo "mkinitramfs: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage
out=$1

# An ELF file with a program interpreter is dynamically linked.
is_static() {
	[ -f "$1" ] || return 1
	command -v readelf >/dev/null 2>&1 || return 0
	! timeout 30 readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'
}

get_busybox() {
	is_static "$busybox" && return 0
	[ "$busybox" = /bin/busybox ] ||
		die "$busybox is missing or not statically linked"
	[ "$(id -u)" = 0 ] ||
		die "/bin/busybox is missing or dynamic; install it with: sudo apt-get install busybox-static"
	echo "mkinitramfs: installing busybox-static" >&2
	DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q busybox-static >&2 ||
		die "apt-get install busybox-static failed"
	is_static "$busybox" || die "$busybox is still not a static busybox"
}

mkdir -p "$(dirname "$out")" || die "cannot create the directory of $out"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
tmp=$out.tmp.$$
stage=$(mktemp -d "${TMPDIR:-/tmp}/ltsport-initramfs.XXXXXX")
trap 'rm -rf "$stage" "$tmp" "$tmp.cpio"' EXIT
trap 'exit 1' HUP INT TERM

get_busybox
if [ -z "$repro" ]; then
	repro=$stage/repro.bin
	timeout 300 "$CC" -static -O2 -pthread -Wall -Wextra -o "$repro" "$here/repro.c" ||
		die "cannot compile $here/repro.c"
fi
is_static "$repro" || die "$repro is missing or not statically linked"
[ -f "$init" ] || die "no init script at $init"

root=$stage/root
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp"
cp "$init" "$root/init"
cp "$busybox" "$root/bin/busybox"
cp "$repro" "$root/bin/ltsport-repro"
chmod 0755 "$root/init" "$root/bin/busybox" "$root/bin/ltsport-repro"
ln -s busybox "$root/bin/sh"

(cd "$root" && timeout 60 find . -mindepth 1 >"$stage/list") ||
	die "cannot list $root"
timeout 60 sort -o "$stage/list" "$stage/list" || die "cannot sort the file list"
(cd "$root" && timeout 120 cpio -o -H newc -R 0:0 --quiet <"$stage/list" >"$tmp.cpio") ||
	die "cpio failed"
timeout 120 gzip -9 -n <"$tmp.cpio" >"$tmp" || die "gzip failed"
mv -f "$tmp" "$out"
echo "mkinitramfs: wrote $out" >&2
