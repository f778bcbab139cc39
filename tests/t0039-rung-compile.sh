#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The compile check of every rung: a rung's result counts only when the
# objects it touches build with the tree's toolchain in the work place of
# ltsport build --quick. A fake make configures and compiles each X.o from
# X.c with the real compiler it is given (CC=), so errors are the compiler's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

if ! command -v gcc >/dev/null || ! command -v spatch >/dev/null; then
	test_skip rung-compile "no gcc or no spatch"
	test_done
fi

export LTSPORT_CCACHE=0
mkdir -p "$TRASH/fake"
export FAKE_LOG="$TRASH/fake.log"
cat >"$TRASH/fake/make" <<'EOT'
#!/bin/sh
# fake make: a .config for the config targets; X.o is $CC -c X.c into O=
o= cc=cc rc=0
for a in "$@"; do
	case "$a" in O=*) o=${a#O=} ;; CC=*) cc=${a#CC=} ;; esac
done
echo "make $*" >>"$FAKE_LOG"
for a in "$@"; do
	case "$a" in
	tinyconfig | olddefconfig) mkdir -p "$o" && echo CONFIG_MM=y >"$o/.config" ;;
	prepare) mkdir -p "$o" ;;
	*.o) mkdir -p "$o/$(dirname "$a")" && $cc -Wall -c "${a%.o}.c" -o "$o/$a" || rc=2 ;;
	esac
done
exit $rc
EOT
chmod +x "$TRASH/fake/make"
export PATH="$TRASH/fake:$PATH"

pages() {
	printf '#include "limits.h"\n\nint count_pages(int n)\n{\n%s\treturn n;\n}\n' "$1" >mm/pages.c
}

write_series() {
	mkdir -p "$1" && git -C up format-patch -q -o "../$1" -1 "$fix" &&
	(cd "$1" && ls 0*.patch >series &&
	 printf "[series]\n\tname = pages\n[patch \"%s\"]\n\tupstream = %s\n\tsubject = mm: count no pages below the minimum\n\tauthor = A U Thor <author@example.com>\n\tfixes = %s\n\tfixes-release = v6.1\n" \
		"$(cat series)" "$fix" "$bug" >series.conf &&
	 if [ -n "${2:-}" ]; then
		printf "\tcocci = fix.cocci\n\tfiles = mm/pages.c\n" >>series.conf &&
		cat >fix.cocci <<-\EOC
		virtual patch
		virtual revert
		virtual report

		@depends on patch@
		identifier n;
		@@
		 int count_pages(int n)
		 {
		+	if (n < 0)
		+		return 0;
		 	return n;
		 }
		EOC
	 fi)
}

test_expect_success 'setup: mainline where the fix needs an earlier commit, a tree without it' '
	git init -q up && (
		cd up && set_version 6 1 && mkdir -p mm scripts/kconfig &&
		echo "exit 0" >scripts/kconfig/merge_config.sh &&
		echo "#define PAGES_MAX 512" >mm/limits.h && pages "" &&
		commit_all "Linux 6.1" && git tag v6.1 &&
		printf "#define PAGES_MAX 512\n#define PAGES_MIN 0\n" >mm/limits.h &&
		commit_all "mm: PAGES_MIN" &&
		pages "	if (n < 0)
		return PAGES_MIN;
" && commit_all "mm: count no pages below the minimum" "Fixes: $(git rev-parse --short=12 v6.1)"
	) &&
	fix=$(git -C up rev-parse HEAD) && bug=$(git -C up rev-parse --short=12 v6.1) &&
	write_series plain && write_series recipe cocci &&
	make_import t v6.1 &&
	echo "CONFIG_MM=y" >frag.config &&
	write_conf <<-EOF
	[tree "t"]
		path = t
		ref = HEAD
		base = v6.1
		kconfig = $TRASH/frag.config
	EOF
'

test_expect_success 'auto without a prepared build: not compile-checked, and the note says so' '
	run_ltsport port --series plain &&
	test "$(cat rc)" = 0 &&
	test "$(jq -r ".patches[0].rung" backports/pages/t/port.json)" = exact &&
	jq -r ".patches[0].note" backports/pages/t/port.json >note &&
	echo "ltsport: applied as upstream (exact: every hunk unchanged); not compile-checked (no prepared build; run ltsport build --quick or port --compile-check yes)" >expect &&
	test_cmp_files expect note &&
	test ! -e fake.log
'

test_expect_success '--compile-check yes: a result that does not compile goes to the next rung' '
	run_ltsport port --series recipe --compile-check yes &&
	test "$(cat rc)" = 0 &&
	j=backports/pages/t/port.json &&
	test "$(jq -r ".patches[0].rung" $j)" = semantic &&
	jq -r ".patches[0].note" $j >note &&
	grep -q "; compile-checked with gcc[-0-9]*: mm/pages.o builds$" note &&
	grep -q "make .*tinyconfig" fake.log && grep -q "make .*prepare" fake.log &&
	git -C t show ltsport/pages/t:mm/pages.c >got &&
	grep -q "^		return 0;$" got
'

test_expect_success 'no rung compiles: the failure has each rung s first error, exit 1' '
	run_ltsport port --series plain --compile-check yes &&
	test "$(cat rc)" = 1 &&
	grep -q "^ltsport: t: 0001-.*: exact: mm/pages.c: does not compile: mm/pages.c:[0-9]*:[0-9]*: error: .PAGES_MIN. undeclared.*; relaxed: mm/pages.c: does not compile: mm/pages.c:[0-9]*:[0-9]*: error: .PAGES_MIN. undeclared.*; semantic: no cocci form for this patch; no output written for t" err &&
	test "$(jq -r ".outcome" backports/pages/t/port.json)" = finding &&
	test -z "$(ls backports/pages/t/*.patch 2>/dev/null)"
'

test_expect_success 'auto after ltsport build --quick: the check runs in its object dir' '
	rm -rf backports fake.log &&
	run_ltsport build --series plain --quick &&
	test "$(cat rc)" = 0 &&
	test -f backports/.work/t/obj/.config &&
	run_ltsport port --series plain &&
	test "$(cat rc)" = 1 &&
	grep -q "exact: mm/pages.c: does not compile: mm/pages.c:[0-9]*:[0-9]*: error: .PAGES_MIN. undeclared" err &&
	grep -q "make O=.*/obj .* mm/pages.o" fake.log
'

test_expect_success 'with the [mainline] clone the three-way result is compiled too' '
	cat stable_trees.conf - >conf2 <<-EOF &&
	[mainline]
		path = up
	EOF
	run_ltsport port --config conf2 --series plain &&
	test "$(cat rc)" = 1 &&
	grep -q "; three-way: mm/pages.c: does not compile: mm/pages.c:[0-9]*:[0-9]*: error: .PAGES_MIN. undeclared.*; relaxed: mm/pages.c: does not compile" err
'

test_expect_success '--compile-check no: not compile-checked, the note says why' '
	run_ltsport port --series plain --compile-check no &&
	test "$(cat rc)" = 0 &&
	jq -r ".patches[0].note" backports/pages/t/port.json >note &&
	grep -q "; not compile-checked (--compile-check no)$" note
'

test_expect_success 'no toolchain: the check cannot run and does not pretend' '
	write_conf <<-EOF &&
	[tree "t"]
		path = t
		ref = HEAD
		base = v6.1
		kconfig = $TRASH/frag.config
		toolchain = gcc-ltsport-none
	EOF
	run_ltsport port --series plain --compile-check yes &&
	test "$(cat rc)" = 0 &&
	jq -r ".patches[0].note" backports/pages/t/port.json >note &&
	grep -q "; not compile-checked (no toolchain: gcc-ltsport-none is not on PATH)$" note
'

test_expect_success 'no make: the check cannot run either' '
	mkdir -p nomake && ln -s "$(command -v gcc)" nomake/gcc &&
	sed -i "/toolchain =/d" stable_trees.conf &&
	(PATH="$TRASH/nomake:/usr/bin/nonexistent" && export PATH &&
	 "$LTSPORT" port --series plain --compile-check yes >out 2>err; echo $? >rc) &&
	test "$(cat rc)" = 0 &&
	jq -r ".patches[0].note" backports/pages/t/port.json >note &&
	grep -q "; not compile-checked (no toolchain: make is not on PATH)$" note
'

test_expect_success 'a fix that changes no .c file: nothing to compile, the note says so' '
	(cd up && git checkout -q -b header v6.1 && echo "#define PAGES_LOW 1" >>mm/limits.h &&
	 commit_all "mm: PAGES_LOW" "Fixes: $bug" && git checkout -q master) &&
	fix=$(git -C up rev-parse header) && write_series header &&
	run_ltsport port --series header --compile-check yes &&
	test "$(cat rc)" = 0 &&
	jq -r ".patches[0].note" backports/pages/t/port.json >note &&
	grep -q "; not compile-checked (it changes no .c file)$" note
'

test_expect_success 'a result with a symlink out of the tree is refused before it is compiled' '
	(cd up && git checkout -q -b link v6.1 && ln -s ../../../.. mm/out &&
	 pages "	n += 0;
" && commit_all "mm: a link out" "Fixes: $bug" && git checkout -q master) &&
	fix=$(git -C up rev-parse link) && write_series link &&
	run_ltsport port --series link --compile-check yes &&
	test "$(cat rc)" = 2 &&
	grep -q "bad path .*mm/out" err &&
	test -d backports/.work/t/src/mm &&
	! test -L backports/.work/t/src/mm/out
'

test_expect_success 'a bad --compile-check is bad input, nothing written' '
	rm -rf backports &&
	run_ltsport port --series plain --compile-check sometimes &&
	test "$(cat rc)" = 2 &&
	grep -q "^ltsport: port: --compile-check .sometimes.: not auto, yes or no" err &&
	test ! -e backports
'

test_done
