#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ltsport check for real on a small tree of our own that has the real
# scripts/checkpatch.pl (from linux-source-6.1): findings of ours counted,
# upstream's marked, checkpatch.json written; a tree without checkpatch.pl
# says checkpatch did not run and why. sparse goes through a fake make, so
# no kernel is built.
. "$(dirname "$0")/lib.sh"

cpdir=/nonexistent
if [ -f /usr/src/linux-source-6.1.tar.xz ]; then
	cpdir=$(linux_source 6.1)/scripts
fi
if [ ! -f "$cpdir/checkpatch.pl" ] || ! command -v perl >/dev/null; then
	test_skip check "no kernel tree's checkpatch.pl (install linux-source-6.1) or no perl"
	test_done
fi

mkdir -p "$TRASH/fake"
export FAKE_LOG="$TRASH/fake.log"
cat >"$TRASH/fake/make" <<'EOT'
#!/bin/sh
# fake make: a .config for the config targets, nothing to build for the rest
o=
for a in "$@"; do
	case "$a" in O=*) o=${a#O=} ;; esac
done
echo "make $*" >>"$FAKE_LOG"
mkdir -p "$o" && echo CONFIG_SWAP=y >"$o/.config"
EOT
chmod +x "$TRASH/fake/make"
export PATH="$TRASH/fake:$PATH"

LONG="This message line is longer than the seventy-five columns checkpatch wants for a description."

test_expect_success 'setup: a kernel-shaped tree with checkpatch.pl, a one-patch series' '
	git init -q up && (
		cd up &&
		printf "VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\nEXTRAVERSION =\nNAME = Test\n" >Makefile &&
		for f in COPYING CREDITS Kbuild MAINTAINERS README; do echo "$f" >$f; done &&
		for d in Documentation arch include drivers fs init ipc kernel lib; do
			mkdir -p $d && echo "$d" >$d/README
		done &&
		mkdir -p scripts/kconfig mm &&
		linux_source_copy 6.1 . scripts/checkpatch.pl scripts/spelling.txt \
			scripts/const_structs.checkpatch &&
		echo "exit 0" >scripts/kconfig/merge_config.sh &&
		printf "int count_pages(int n)\n{\n\treturn n;\n}\n" >mm/pages.c &&
		git add -A && git commit -q -m "Linux 6.1" && git tag v6.1 &&
		bug=$(git rev-parse --short=12 HEAD) &&
		printf "int count_pages(int n)\n{\n\tif (n < 0)\n\t\treturn 0; \n\treturn n;\n}\n" >mm/pages.c &&
		git commit -q -a -m "mm: count no pages below zero" -m "$LONG" \
			-m "Fixes: $bug (\"Linux 6.1\")
Signed-off-by: A U Thor <author@example.com>" &&
		git tag v6.2
	) &&
	fix=$(git -C up rev-parse v6.2) &&
	git -C up archive --prefix=t/ v6.1 | tar -x &&
	(cd t && git init -q && git add -A && git commit -q -m "Import linux v6.1") &&
	git clone -q t nocp && git -C nocp rm -q scripts/checkpatch.pl &&
	git -C nocp commit -q -m "no checkpatch" &&
	mkdir s && git -C up format-patch -q -o ../s -1 v6.2 && (cd s && ls 0*.patch >series) &&
	cat >s/series.conf <<-EOT &&
	[series]
		name = cp
	[patch "$(cat s/series)"]
		upstream = $fix
		subject = mm: count no pages below zero
		author = A U Thor <author@example.com>
		release = v6.2
		fixes = $(git -C up rev-parse --short=12 v6.1)
		fixes-release = v6.1
	EOT
	for t in t nocp; do
		printf "[tree \"%s\"]\n\tpath = %s\n\tref = HEAD\n\ttoolchain = gcc\n\tkconfig = %s\n" \
			$t $t "$TOP/tools/kconfig/swap-repro.config"
	done >stable_trees.conf &&
	run_ltsport port --series s && cat out err && test "$(cat rc)" = 0 &&
	grep -q "^t: ported 1 patch" out && grep -q "^nocp: ported 1 patch" out
'

test_expect_success 'check: our finding counted, upstream'"'"'s marked, checkpatch.json' '
	: >"$FAKE_LOG" &&
	run_ltsport check --series s --tree t &&
	cat out err && test "$(cat rc)" = 0 &&
	grep -q "^t: sparse: builds (before [0-9]* s, after [0-9]* s, 0 new warnings); log in .*/backports/cp/t/sparse.log$" out &&
	grep -q "^make .* C=2 CHECK=sparse prepare mm/pages.o$" "$FAKE_LOG" &&
	grep -q "^t: checkpatch: 0 errors, 1 warning of ours (1 upstream has too); see .*/backports/cp/t/checkpatch.log$" out &&
	log=backports/cp/t/checkpatch.log &&
	grep -q ": WARNING:COMMIT_LOG_LONG_LINE: Possible unwrapped commit description (prefer a maximum 75 chars per line)$" $log &&
	grep -q ": ERROR:TRAILING_WHITESPACE: trailing whitespace  (upstream too)$" $log &&
	j=backports/cp/t/checkpatch.json &&
	test "$(jq -r .stage $j)" = checkpatch && test "$(jq -r .outcome $j)" = finding &&
	test "$(jq -r .patches $j)" = 1 && test "$(jq -r .errors $j)" = 0 &&
	test "$(jq -r .warnings $j)" = 1 && test "$(jq -r .upstream_too $j)" = 1 &&
	test "$(jq -r .tip $j)" = "$(git -C t rev-parse HEAD)" &&
	test "$(jq -r .inputs $j | wc -c)" = 41 && test "$(jq -r .why $j)" = null &&
	test "$(jq -r .log $j)" = "$PWD/$log" &&
	test "$(jq -r .verdict backports/cp/t/sparse.json)" = builds &&
	test "$(jq -r .stage backports/cp/t/sparse.json)" = sparse
'

test_expect_success 'upstream'"'"'s patch is checked in a temp dir, removed: nothing left beside ours' '
	test ! -e backports/cp/t/upstream.patch &&
	ls -a backports/.work/t >work.ls && ! grep -q checkpatch work.ls &&
	ls backports/cp/t >out.ls && ! grep -q upstream out.ls
'

test_expect_success 'no scripts/checkpatch.pl in the tree: said so, recorded, exit 3, no counts' '
	run_ltsport check --series s --tree nocp &&
	cat out err && test "$(cat rc)" = 3 &&
	grep -q "^nocp: checkpatch: did not run: scripts/checkpatch.pl missing in the tree$" out &&
	! grep -q "checkpatch: [0-9]" out &&
	grep -q "^ltsport: nocp: checkpatch did not run: scripts/checkpatch.pl missing in the tree; " err &&
	j=backports/cp/nocp/checkpatch.json &&
	test "$(jq -r .outcome $j)" = failed-to-run &&
	test "$(jq -r .why $j)" = "scripts/checkpatch.pl missing in the tree" &&
	test "$(jq -r .log $j)" = null && test ! -e backports/cp/nocp/checkpatch.log &&
	test ! -e backports/cp/nocp/upstream.patch &&
	test "$(jq -r .verdict backports/cp/nocp/sparse.json)" = builds
'

test_expect_success 'build: a whole typed build.json (tip, inputs); the image of the tree'"'"'s arch' '
	: >"$FAKE_LOG" &&
	run_ltsport build --series s --tree t &&
	cat out err && test "$(cat rc)" = 0 &&
	grep -q "^t: build: builds (before [0-9]* s, after [0-9]* s, 0 new warnings); log in .*/backports/cp/t/build.log$" out &&
	grep -q "^make O=[^ ]*/backports/.work/t/obj CC=[^=]*gcc HOSTCC=gcc -j[0-9]* bzImage$" "$FAKE_LOG" &&
	j=backports/cp/t/build.json &&
	test "$(jq -r .stage $j)" = build && test "$(jq -r .outcome $j)" = done &&
	test "$(jq -r .verdict $j)" = builds && test "$(jq -r .mode $j)" = full &&
	test "$(jq -r .first_error $j)" = "" && test "$(jq -r .tip $j)" = "$(git -C t rev-parse HEAD)" &&
	test "$(jq -r .log $j)" = "$PWD/backports/cp/t/build.log" &&
	sed "s/^\(\tref = HEAD\)$/\1\n\tarch = arm64/" stable_trees.conf >arm.conf &&
	: >"$FAKE_LOG" &&
	run_ltsport build --series s --tree t --config arm.conf &&
	test "$(cat rc)" = 0 &&
	grep -q "^make O=[^ ]* ARCH=arm64 CC=.* Image$" "$FAKE_LOG" &&
	grep -q "^make -s O=[^ ]* ARCH=arm64 CC=.* tinyconfig$" "$FAKE_LOG" &&
	sed "s/arch = arm64/arch = vax/" arm.conf >vax.conf &&
	run_ltsport build --series s --tree t --config vax.conf &&
	test "$(cat rc)" = 2 &&
	grep -q "^ltsport: .*vax.conf:1: tree t: arch .vax. is not known; use x86_64, i386 or arm64$" err
'

test_expect_success 'build that cannot run (no make): exit 3 with the cause, no record written' '
	rm backports/cp/t/build.json &&
	mkdir empty && (export PATH="$TRASH/empty" && run_ltsport build --series s --tree t) &&
	cat out err && test "$(cat rc)" = 3 &&
	grep -q "^ltsport: make: not found; " err &&
	! grep -q "^t: build:" out && test ! -e backports/cp/t/build.json
'

test_expect_success 'a tree without a kconfig fragment: bad input, exit 2, nothing written' '
	printf "[tree \"bare\"]\n\tpath = t\n\tref = HEAD\n" >bare.conf &&
	run_ltsport check --series s --config bare.conf &&
	test "$(cat rc)" = 2 &&
	grep -q "^ltsport: .*bare.conf:1: tree bare has no kconfig = fragment; name one from tools/kconfig/$" err &&
	test ! -e backports/cp/bare && test ! -e backports/.work/bare
'

test_done
