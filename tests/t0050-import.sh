#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ltsport trees import: a git tree from a kernel source tarball, with every
# file (a top-level .gitignore ignores everything), modes, symlinks, tag and a
# clean status; re-runs that do nothing; errors that leave nothing behind; a
# killed run that leaves no half repository.
. "$(dirname "$0")/lib.sh"

# A small kernel-like tree in src/<top>: ignore rules, an executable script,
# symlinks, nested directories, odd names, an empty file.
make_tree() {
	local d=src/$1

	mkdir -p "$d/scripts" "$d/arch/x86/boot/compressed" "$d/include/linux" \
		"$d/debian/patches" "$d/Documentation/admin guide" "$d/tools/empty" &&
	printf 'VERSION = 5\nPATCHLEVEL = 10\nSUBLEVEL = 3\nEXTRAVERSION =\nNAME = Dare mighty things\n' \
		>"$d/Makefile" &&
	printf '*\n!debian/\n' >"$d/.gitignore" &&
	printf '*.o\n' >"$d/arch/.gitignore" &&
	printf '#!/bin/sh\necho checking\n' >"$d/scripts/checkpatch.sh" &&
	chmod 755 "$d/scripts/checkpatch.sh" &&
	printf 'int main(void) { return 0; }\n' >"$d/arch/x86/boot/compressed/misc.c" &&
	printf 'built\n' >"$d/arch/x86/boot/compressed/misc.o" &&
	printf '#define SWAP 1\n' >"$d/include/linux/swap.h" &&
	ln -s ../../../include/linux/swap.h "$d/arch/x86/boot/swap.h" &&
	ln -s dangling-target "$d/tools/dangling" &&
	printf 'Source: linux\n' >"$d/debian/control" &&
	printf 'fix.patch\n' >"$d/debian/patches/series" &&
	printf 'guide\n' >"$d/Documentation/admin guide/README" &&
	: >"$d/tools/empty/.keep" &&
	printf 'Linus Torvalds <torvalds@linux-foundation.org>\n' >"$d/.mailmap"
}

# The files and symlinks of a directory, one "mode path" a line, as git sees them.
list_tree() {
	(cd "$1" && find . -path ./.git -prune -o \( -type f -o -type l \) -print |
	 sed 's|^\./||' | LC_ALL=C sort | while IFS= read -r f; do
		if [ -L "$f" ]; then m=120000
		elif [ -x "$f" ]; then m=100755
		else m=100644
		fi
		printf '%s %s\n' "$m" "$f"
	 done)
}

test_expect_success 'setup: a fake kernel tarball with a top-level directory' '
	make_tree linux-5.10.3 &&
	tar -C src -cJf linux-5.10.3.tar.xz linux-5.10.3 &&
	mkdir -p fakebin state
'

test_expect_success 'import makes trees/5.10 with a root commit of the tarball' '
	n=$(list_tree src/linux-5.10.3 | wc -l) &&
	run_ltsport trees import linux-5.10.3.tar.xz &&
	test "$(cat rc)" = 0 && test ! -s err &&
	grep -q "^trees/5.10: imported linux-5.10.3 5.10.3: $n files, commit [0-9a-f]\{12\}, tag v5.10.3 (" out &&
	test "$(git -C trees/5.10 rev-list --count HEAD)" = 1 &&
	test -z "$(git -C trees/5.10 log -1 --format=%P)"
'

test_expect_success 'every file is in HEAD with its mode, ignore rules or not' '
	list_tree src/linux-5.10.3 >expect &&
	git -C trees/5.10 ls-tree -r --full-tree HEAD | sed "s/ blob [0-9a-f]*\t/ /" >actual &&
	test_cmp_files expect actual &&
	grep -q "^100755 scripts/checkpatch.sh$" actual &&
	grep -q "^120000 arch/x86/boot/swap.h$" actual &&
	grep -q "^100644 arch/x86/boot/compressed/misc.o$" actual &&
	grep -q "^100644 Documentation/admin guide/README$" actual
'

test_expect_success 'contents and symlink targets are the tarball bytes' '
	mkdir arch-out && git -C trees/5.10 archive HEAD | tar -x -C arch-out &&
	diff -r --no-dereference src/linux-5.10.3 arch-out &&
	test "$(git -C trees/5.10 cat-file -p HEAD:arch/x86/boot/swap.h)" = ../../../include/linux/swap.h &&
	test "$(git -C trees/5.10 cat-file -p HEAD:tools/dangling)" = dangling-target
'

test_expect_success 'tag v5.10.3, HEAD on master, clean status, sound objects' '
	test "$(git -C trees/5.10 rev-parse v5.10.3)" = "$(git -C trees/5.10 rev-parse HEAD)" &&
	test "$(git -C trees/5.10 cat-file -t v5.10.3)" = commit &&
	test "$(git -C trees/5.10 symbolic-ref HEAD)" = refs/heads/master &&
	test -z "$(git -C trees/5.10 status --porcelain --ignored)" &&
	git -C trees/5.10 diff --quiet HEAD &&
	git -C trees/5.10 fsck --strict --no-progress
'

test_expect_success 'the commit message names package, version, tarball size and mtime' '
	git -C trees/5.10 log -1 --format=%B >msg &&
	test "$(sed -n 1p msg)" = "Import linux-5.10.3 5.10.3 from $TRASH/linux-5.10.3.tar.xz" &&
	size=$(stat -c %s linux-5.10.3.tar.xz) && mtime=$(stat -c %Y linux-5.10.3.tar.xz) &&
	grep -q "^Tarball: linux-5.10.3.tar.xz, $size bytes, mtime $mtime (" msg &&
	test "$(git -C trees/5.10 log -1 --format="%an <%ae> %at")" = \
		"ltsport import <ltsport@localhost> $mtime"
'

test_expect_success 'nothing else is left beside the repository' '
	test "$(ls -A trees)" = 5.10
'

test_expect_success 're-running with the same tarball does nothing and says so' '
	id=$(git -C trees/5.10 rev-parse HEAD) &&
	stat -c %Y trees/5.10/.git/index >before &&
	run_ltsport trees import linux-5.10.3.tar.xz &&
	test "$(cat rc)" = 0 && test ! -s err &&
	grep -q "^trees/5.10: already imported (Import linux-5.10.3 5.10.3 from .*, commit ${id%${id#????????????}}); nothing to do$" out &&
	run_ltsport trees import --name 5.10 linux-5.10.3.tar.xz &&
	test "$(cat rc)" = 0 && grep -q "already imported" out &&
	test "$(git -C trees/5.10 rev-parse HEAD)" = "$id" &&
	stat -c %Y trees/5.10/.git/index >after && test_cmp_files before after &&
	test "$(ls -A trees)" = 5.10
'

test_expect_success '--into and --name choose the place' '
	run_ltsport trees import linux-5.10.3.tar.xz --into other/dir --name stable &&
	test "$(cat rc)" = 0 &&
	grep -q "^other/dir/stable: imported " out &&
	test "$(git -C other/dir/stable rev-parse HEAD)" = "$(git -C trees/5.10 rev-parse HEAD)" &&
	test "$(ls -A other/dir)" = stable
'

test_expect_success 'a tarball without a top-level directory imports too' '
	tar -C src/linux-5.10.3 -czf flat.tar.gz . &&
	run_ltsport trees import --into flat flat.tar.gz &&
	test "$(cat rc)" = 0 &&
	list_tree flat/5.10 >actual && list_tree src/linux-5.10.3 >expect &&
	test_cmp_files expect actual &&
	test -z "$(git -C flat/5.10 status --porcelain --ignored)"
'

# An error: exit 2, one line on stderr naming the file and a remedy, nothing on
# stdout, and the directory where it ran holding only what was there before.
expect_error() {
	test "$(cat rc)" = 2 && test ! -s out && test "$(wc -l <err)" = 1 &&
	grep -q "^ltsport: $1.*; " err
}

test_expect_success 'a missing tarball: exit 2, one line, nothing made' '
	mkdir e1 && cd e1 &&
	run_ltsport trees import ../nope.tar.xz &&
	expect_error "\.\./nope\.tar\.xz: no such file" &&
	test "$(ls -A)" = "$(printf "err\nout\nrc")"
'

test_expect_success 'a tarball without a kernel Makefile: exit 2, nothing left' '
	mkdir -p src/notkernel-1.0 e2 && echo hello >src/notkernel-1.0/README &&
	printf "all:\n\ttrue\n" >src/notkernel-1.0/Makefile &&
	tar -C src -cJf e2/notkernel-1.0.tar.xz notkernel-1.0 && cd e2 &&
	run_ltsport trees import notkernel-1.0.tar.xz &&
	expect_error "notkernel-1.0.tar.xz: not a kernel source tarball" &&
	test ! -e trees
'

test_expect_success 'a tarball tar cannot read: exit 2, tar'"'"'s reason, nothing left' '
	mkdir e3 && size=$(stat -c %s linux-5.10.3.tar.xz) &&
	head -c $((size / 2)) linux-5.10.3.tar.xz >e3/broken.tar.xz &&
	echo "not a tarball" >e3/text.tar && cd e3 && mkdir trees &&
	run_ltsport trees import broken.tar.xz &&
	expect_error "broken.tar.xz: tar could not extract it (exit 2: .*)" &&
	test -z "$(ls -A trees)" &&
	run_ltsport trees import text.tar &&
	expect_error "text.tar: tar could not extract it" &&
	test -z "$(ls -A trees)"
'

test_expect_success 'an occupied destination: exit 2, nothing touched' '
	mkdir -p e4/trees/5.10 && echo mine >e4/trees/5.10/notes && cd e4 &&
	run_ltsport trees import ../linux-5.10.3.tar.xz &&
	expect_error "trees/5.10: already exists and is not an import of ../linux-5.10.3.tar.xz (not a git repository)" &&
	test "$(ls -A trees)" = 5.10 && test "$(ls -A trees/5.10)" = notes &&
	test "$(cat trees/5.10/notes)" = mine &&
	run_ltsport trees import --name 5.10 ../linux-5.10.3.tar.xz &&
	expect_error "trees/5.10: already exists" &&
	test "$(ls -A trees)" = 5.10
'

test_expect_success 'an import of another tarball at the destination: exit 2, kept' '
	cp -p linux-5.10.3.tar.xz e5.tar.xz && touch -d "2020-01-01 00:00:00" e5.tar.xz &&
	id=$(git -C trees/5.10 rev-parse HEAD) &&
	run_ltsport trees import e5.tar.xz &&
	expect_error "trees/5.10: already exists and is not an import of e5.tar.xz (Import linux-5.10.3 5.10.3 from .*)" &&
	test "$(git -C trees/5.10 rev-parse HEAD)" = "$id" &&
	test "$(ls -A trees)" = 5.10 &&
	git init -q e6/trees/5.10 && cd e6 &&
	run_ltsport trees import ../linux-5.10.3.tar.xz &&
	expect_error "trees/5.10: already exists and is not an import of ../linux-5.10.3.tar.xz (a git repository without a HEAD commit)"
'

test_expect_success 'usage: --help, no tarball, a bad --name, an unknown command' '
	run_ltsport trees import --help && test "$(cat rc)" = 0 &&
	grep -q "^usage: ltsport trees import TARBALL" out &&
	run_ltsport trees --help && test "$(cat rc)" = 0 &&
	run_ltsport trees import && test "$(cat rc)" = 2 && grep -q "^usage:" err &&
	run_ltsport trees import --name ../x linux-5.10.3.tar.xz && expect_error "--name \.\./x" &&
	run_ltsport trees frobnicate && test "$(cat rc)" = 2 &&
	test "$(ls -A trees)" = 5.10
'

# A tar that extracts part of the tree, then hangs: the run is killed there.
# It ignores the SIGTERM that its parent's death sends it (spawn.c), so that
# it outlives the killed run, still holding the temporary directory's lock.
cat >"$TRASH/fakebin/tar" <<EOF
#!/bin/sh
mkdir -p linux-5.10.3 && echo partial >linux-5.10.3/Makefile &&
echo \$\$ >"$TRASH/state/tar.pid" && trap '' TERM && exec sleep 60
EOF
chmod +x "$TRASH/fakebin/tar"

test_expect_success 'a killed run leaves no repository at the destination' '
	PATH="$TRASH/fakebin:$PATH" "$LTSPORT" trees import --into k linux-5.10.3.tar.xz \
		>k.out 2>&1 &
	pid=$! &&
	for i in $(seq 50); do
		[ -s state/tar.pid ] && break; sleep 0.1
	done &&
	test -s state/tar.pid && kill -9 $pid && { wait $pid; true; } &&
	test ! -e k/5.10 &&
	ls -d k/.import-linux-5.10.3.* >leftover && test "$(wc -l <leftover)" = 1
'

test_expect_success 'a leftover still locked by its tar is kept; a dead one is removed' '
	run_ltsport trees import --into k linux-5.10.3.tar.xz &&
	test "$(cat rc)" = 0 && git -C k/5.10 diff --quiet HEAD &&
	test -d "$(cat leftover)" &&
	kill -KILL "$(cat state/tar.pid)" && sleep 0.2 &&
	run_ltsport trees import --into k linux-5.10.3.tar.xz &&
	test "$(cat rc)" = 0 && grep -q "already imported" out &&
	test "$(ls -A k)" = 5.10
'

# the fake tar's sleep, if it still runs: a pid that died may be another process's by now
p=$(cat "$TRASH/state/tar.pid" 2>/dev/null) && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null |
	grep -q '^sleep 60' && kill -KILL "$p" 2>/dev/null
test_done
