#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages ltsport and its tests need; quick when they are there.
set -e
PKGS="build-essential pkg-config libgit2-dev libjson-c-dev libgmime-3.0-dev git quilt jq perl xz-utils
coccinelle sparse patch bc flex bison libelf-dev libssl-dev cpio gcc-11
busybox-static qemu-system-x86 linux-source-6.1 linux-source-6.12
libcmocka-dev clang-14 libclang-rt-14-dev ccache python3-junitparser python3-jsonschema python3-yaml
man-db groff-base git-email"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "ltsport: missing packages:$missing; install them with: sudo apt-get install$missing" >&2
	exit 1
fi
echo "ltsport: installing$missing"
timeout 600 apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get install -y -q $missing >/dev/null
