#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# toolchain = auto (the default): the installed gcc-N tried newest first,
# those older than the tree's minimum or known to break it skipped with the
# reason, the first whose prepare builds chosen, kept for the tip and said
# in build.json and the report. make and the compilers are fakes: prepare
# fails when CC is in FAKE_BAD_CC.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

FAKE=$TRASH/fake
mkdir -p "$FAKE"
cat >"$FAKE/make" <<'EOF2'
#!/bin/sh
o= cc=
for a in "$@"; do
	case "$a" in
	O=*) o=${a#O=} ;;
	CC=*) cc=${a#CC=} ;;
	esac
done
echo "make $*" >>"$FAKE_LOG"
for a in "$@"; do
	case "$a" in
	tinyconfig | olddefconfig) mkdir -p "$o" && echo CONFIG_SWAP=y >"$o/.config"; exit 0 ;;
	prepare)
		for bad in ${FAKE_BAD_CC:-}; do
			[ "$cc" != "$bad" ] || { echo "tools/objtool/elf.c:1: error: pointer used after free" >&2; exit 2; }
		done ;;
	*.o | bzImage) mkdir -p "$o/$(dirname "$a")" && : >"$o/$a" ;;
	esac
done
exit 0
EOF2
for cc in gcc-13 gcc-12 gcc-11; do printf '#!/bin/sh\nexit 0\n' >"$FAKE/$cc"; done
chmod +x "$FAKE"/*
export FAKE_LOG="$TRASH/make.log" LTSPORT_CCACHE=0
# the fakes only: no real gcc-N of this machine takes part
mkdir -p "$TRASH/bin" && for p in sh git cat mkdir rm mv cp sed grep jq; do
	ln -s "$(command -v $p)" "$TRASH/bin/$p"
done
PATH_FAKES="$FAKE:$TRASH/bin"

# tree <name> <version> <patchlevel> [min-gcc]: a small tree of that version
tree() {
	git init -q "$1" && (
		cd "$1" && set_version "$2" "$3" && write_memory_c 0 &&
		mkdir -p scripts/kconfig && echo "exit 0" >scripts/kconfig/merge_config.sh &&
		if [ -n "${4:-}" ]; then
			printf '#!/bin/sh\ncase "$1" in\ngcc)\n\techo %s.1.0\n\t;;\nesac\n' "$4" \
				>scripts/min-tool-version.sh
		fi &&
		commit_all "Linux $2.$3"
	)
}

lt_build() {
	(PATH=$PATH_FAKES && run_ltsport build --quick --series "$TRASH/series-dir" --tree "$1")
}

test_expect_success 'setup' '
	make_upstream && make_series &&
	tree t61 6 1 && tree t419 4 19 && tree tmin 6 6 12 &&
	for t in t61 t419 tmin; do
		printf "[tree \"%s\"]\n\tpath = %s\n\tref = HEAD\n\tkconfig = %s\n" \
			$t $t "$TOP/tools/kconfig/swap-repro.config"
	done >stable_trees.conf
'

test_expect_success 'the newest whose prepare builds is chosen, the others said why' '
	: >"$FAKE_LOG" &&
	FAKE_BAD_CC=gcc-13 lt_build t61 && cat out err && test "$(cat rc)" = 0 &&
	test "$(jq -r .toolchain backports/test-race/t61/build.json)" = gcc-12 &&
	jq -r .toolchain_why backports/test-race/t61/build.json >why &&
	grep -q "^auto: gcc-12, the newest that builds prepare; gcc-13: prepare fails: " why &&
	grep -q "CC=gcc-13 .*prepare" "$FAKE_LOG" && ! grep -q "CC=gcc-11" "$FAKE_LOG" &&
	"$LTSPORT" report --series "$TRASH/series-dir" --tree t61 >report.txt &&
	grep -q "^  toolchain: auto: gcc-12, the newest that builds prepare" report.txt
'

test_expect_success 'the choice is kept for the tip: no second trial' '
	: >"$FAKE_LOG" &&
	FAKE_BAD_CC=gcc-13 lt_build t61 && test "$(cat rc)" = 0 &&
	! grep -q "CC=gcc-13" "$FAKE_LOG" &&
	test "$(jq -r .toolchain backports/test-race/t61/build.json)" = gcc-12
'

test_expect_success '4.19: gcc 12 and later are known to break objtool there, not tried' '
	: >"$FAKE_LOG" &&
	lt_build t419 && test "$(cat rc)" = 0 &&
	test "$(jq -r .toolchain backports/test-race/t419/build.json)" = gcc-11 &&
	! grep -q "CC=gcc-1[23]" "$FAKE_LOG" &&
	jq -r .toolchain_why backports/test-race/t419/build.json | grep -q "skipped gcc-13: tools/objtool stops with -Werror=use-after-free"
'

test_expect_success 'the tree'"'"'s minimum (scripts/min-tool-version.sh) leaves older ones out' '
	FAKE_BAD_CC="gcc-13 gcc-12" lt_build tmin && test "$(cat rc)" = 0 &&
	test "$(jq -r .verdict backports/test-race/tmin/build.json)" = "fails without the series too" &&
	test "$(jq -r .toolchain backports/test-race/tmin/build.json)" = auto &&
	jq -r .first_error backports/test-race/tmin/build.json >err.txt &&
	grep -q "gcc-11: older than the tree.s minimum gcc 12" err.txt
'

test_expect_success 'no gcc at all: the stage cannot work, exit 3' '
	rm "$FAKE"/gcc-* &&
	(PATH=$PATH_FAKES && run_ltsport build --quick --series "$TRASH/series-dir" --tree t61 --backports nogcc) &&
	test "$(cat rc)" = 3 &&
	grep -q "toolchain auto: no gcc-N or gcc on PATH" err
'

test_done
