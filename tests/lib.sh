# SPDX-License-Identifier: GPL-2.0
# Test library in the manner of git's t/test-lib.sh, printing TAP for prove.
#
# Each test script sources this file, then calls
#	test_expect_success 'description' 'shell commands'
# and ends with test_done. Every script runs in its own scratch directory
# ($TRASH), removed on success and kept on failure for inspection.

set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
LTSPORT=${LTSPORT:-$TOP/ltsport}
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/ltsport-test.XXXXXX")
test_count=0
test_failed=0

export GIT_AUTHOR_NAME='A U Thor' GIT_AUTHOR_EMAIL='author@example.com'
export GIT_COMMITTER_NAME='C O Mitter' GIT_COMMITTER_EMAIL='committer@example.com'
export GIT_AUTHOR_DATE='1700000000 +0000' GIT_COMMITTER_DATE='1700000000 +0000'
# Kernel builds keep using the user's compiler cache, whatever HOME becomes.
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export HOME="$TRASH/home" GIT_CONFIG_NOSYSTEM=1 LC_ALL=C
# spatch's results (tools/ltsport/spcache.c) are shared by the tests of one
# build: they are keyed by the spatch, the rule and every byte spatch reads,
# so a test with its own (fake) spatch or files never meets another's.
export LTSPORT_CACHE_DIR="${LTSPORT_CACHE_DIR:-$TOP/build/cache}"
# No progress lines on stderr, so tests can check it is empty (t0080 tests them).
export LTSPORT_QUIET=1
mkdir -p "$HOME"
git config --global user.name 'C O Mitter'
git config --global user.email 'committer@example.com'
git config --global init.defaultBranch master

# The body runs in this shell, as a function, so that variables it sets
# reach later tests and 'return 1' ends it.
test_expect_success() {
	test_count=$((test_count + 1))
	cd "$TRASH" || exit 1
	eval "test_body() {
$2
}"
	if test_body >"$TRASH/.out.$test_count" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/# /' "$TRASH/.out.$test_count"
	fi
}

test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # skip $1: $2"
}

test_cmp_files() {
	cmp "$1" "$2" || { diff -u "$1" "$2"; return 1; }
}

# Run the tool, keeping stdout, stderr and the exit code apart.
run_ltsport() {
	"$LTSPORT" "$@" >out 2>err
	echo $? >rc
}

test_done() {
	echo "1..$test_count"
	if [ "$test_failed" -eq 0 ]; then
		rm -rf "$TRASH"
		exit 0
	fi
	echo "# kept $TRASH"
	exit 1
}

# Debian's kernel source tarballs are read once per make check, not once per
# test: linux_source VERSION makes (once, under a lock, atomically) and prints
# build/linux-source/<version>-<size>-<mtime>, the files of
# LINUX_SOURCE_FILES out of /usr/src/linux-source-<version>.tar.xz, read
# only; a tarball that changes gets a new directory. Returns 1, saying why,
# when the tarball is absent or cannot be read.
LINUX_SOURCE_FILES='mm/memory.c mm/swapfile.c mm/swap.h include/linux/swap.h
scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch'

linux_source() {
	ls_tar=/usr/src/linux-source-$1.tar.xz
	[ -f "$ls_tar" ] || { echo "linux_source: $ls_tar not found" >&2; return 1; }
	ls_cache=$TOP/build/linux-source
	ls_dir=$ls_cache/$1-$(stat -c %s-%Y "$ls_tar")
	if [ ! -d "$ls_dir" ]; then
		mkdir -p "$ls_cache" && (
			flock 9 || exit 1
			[ -d "$ls_dir" ] && exit 0
			tmp=$(mktemp -d "$ls_dir.tmp.XXXXXX") || exit 1
			timeout 300 tar -xJf "$ls_tar" -C "$tmp" --strip-components=1 \
				$(for f in $LINUX_SOURCE_FILES; do echo "linux-source-$1/$f"; done) &&
			find "$tmp" -type f -exec chmod a-w {} + && mv "$tmp" "$ls_dir" ||
				{ rm -rf "$tmp"; exit 1; }
		) 9>"$ls_cache/.lock" || { echo "linux_source: cannot extract $ls_tar" >&2; return 1; }
	fi
	echo "$ls_dir"
}

# linux_source_copy VERSION DIR [FILE...]: those files (all of
# LINUX_SOURCE_FILES by default) of the tarball's cache, copied into DIR
# with the tree's layout, writable.
linux_source_copy() {
	lsc_src=$(linux_source "$1") || return 1
	lsc_dst=$2
	shift 2
	[ $# -gt 0 ] || set -- $LINUX_SOURCE_FILES
	for f in "$@"; do
		[ -f "$lsc_src/$f" ] ||
			{ echo "linux_source_copy: $f is not in LINUX_SOURCE_FILES" >&2; return 1; }
		mkdir -p "$lsc_dst/$(dirname "$f")" && cp "$lsc_src/$f" "$lsc_dst/$f" &&
			chmod u+w "$lsc_dst/$f" || return 1
	done
}

# real_tree VERSION DIR: Debian's linux-source-VERSION imported by
# "$LTSPORT" trees import into build/trees/<size>-<mtime>/ (the import runs
# for every caller, under a lock: the first one imports, the others see it
# is already there), then hard-linked into DIR/VERSION for this test alone.
# Git and ltsport replace the files they change (a new file, renamed), they
# never write one in place, so the shared import stays as it was made; the
# tests check the user's files are untouched (snapshot_user_state). The
# copy has symlinks of its own (git status in one test saw shared ones as
# modified while other tests linked and unlinked them), ignores the ctime
# the other copies' links change, and its index is refreshed for its files.
real_tree() {
	rt_tar=/usr/src/linux-source-$1.tar.xz
	[ -f "$rt_tar" ] || { echo "real_tree: $rt_tar not found" >&2; return 1; }
	rt_cache=$TOP/build/trees/$1-$(stat -c %s-%Y "$rt_tar")
	mkdir -p "$rt_cache" "$2" && (
		flock 9 || exit 1
		"$LTSPORT" trees import "$rt_tar" --into "$rt_cache"
	) 9>"$rt_cache.lock" &&
	cp -al "$rt_cache/$1" "$2/$1" &&
	find "$2/$1" -path "$2/$1/.git" -prune -o -type l -exec sh -c '
		for l; do t=$(readlink "$l") && rm "$l" && ln -s "$t" "$l" || exit 1; done
	' sh {} + &&
	git -C "$2/$1" config core.trustctime false &&
	git -C "$2/$1" update-index -q --refresh
}
