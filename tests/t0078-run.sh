#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ltsport run: status, then per tree port, check, build --quick, backtest
# (and repro unless --no-repro), each skipped while its records are up to
# date, then the report; the exit code is the verdict. make and
# checkpatch.pl are fakes here (builds and checks that always pass).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

mkdir -p "$TRASH/fake"
cat >"$TRASH/fake/make" <<'EOF2'
#!/bin/sh
# fake make: configs get a .config, builds touch the objects asked for
[ -z "${CCACHE_BASEDIR:-}" ] || echo "$CCACHE_BASEDIR $CCACHE_NOHASHDIR" >>"$FAKE_LOG"
o=
for a in "$@"; do
	case "$a" in
	O=*) o=${a#O=} ;;
	esac
done
for a in "$@"; do
	case "$a" in
	tinyconfig | olddefconfig | defconfig) mkdir -p "$o" && echo CONFIG_SWAP=y >"$o/.config"; exit 0 ;;
	*.o) mkdir -p "$o/$(dirname "$a")" && : >"$o/$a" ;;
	esac
done
exit 0
EOF2
chmod +x "$TRASH/fake/make"
printf '#!/bin/sh\nexec "$@"\n' >"$TRASH/fake/ccache"
chmod +x "$TRASH/fake/ccache"
export FAKE_LOG="$TRASH/make.env"
export PATH="$TRASH/fake:$PATH"

add_checkpatch() {
	mkdir -p "$1/scripts" &&
	printf '#!/usr/bin/perl\nprint "total: 0 errors, 0 warnings, 1 lines checked\\n";\n' \
		>"$1/scripts/checkpatch.pl" &&
	git -C "$1" add scripts/checkpatch.pl && git -C "$1" commit -q -m checkpatch
}

test_expect_success 'setup' '
	make_upstream && make_series &&
	make_import old v4.14 && make_import new v5.2 && make_import imp v5.0 &&
	add_checkpatch old && add_checkpatch new && add_checkpatch imp &&
	echo CONFIG_SWAP=y >frag.config &&
	mkdir -p scripts/kconfig &&
	write_conf <<-EOF
	[tree "4.14"]
		path = old
		ref = HEAD
		toolchain = gcc
		kconfig = frag.config
	[tree "5.2"]
		path = new
		ref = HEAD
		toolchain = gcc
		kconfig = frag.config
	[tree "6.6"]
		path = trees/6.6
		ref = HEAD
	EOF
'

test_expect_success 'fixed and not-affected trees: exit 0, the report at the end' '
	"$LTSPORT" run --series series-dir --no-repro >out 2>err &&
	grep -q "^tree  *series" out &&
	grep -q "^4.14: not-affected" out &&
	grep -q "^5.2: fixed" out &&
	! grep -q "needs a maintainer" out
'

test_expect_success 'builds go through ccache, paths hashed relative to the work dir' '
	grep -qx "$TRASH/backports/.work/5.2 1" make.env &&
	! grep -qv "^$TRASH/backports/.work/[0-9.]* 1\$" make.env
'

test_expect_success 'a second run skips what is up to date' '
	"$LTSPORT" run --series series-dir --no-repro >out2 2>err2 &&
	grep -q "^5.2: backtest: up to date" out2 &&
	grep -q "^5.2: build: up to date" out2 &&
	grep -q "^4.14: check: up to date" out2 &&
	"$LTSPORT" run --series series-dir --no-repro --force >out3 2>err3 &&
	! grep -q "up to date" out3
'

test_expect_success 'a missing tree not proven in QEMU needs a maintainer: exit 1' '
	cat >>stable_trees.conf <<-EOF &&
	[tree "5.0"]
		path = imp
		ref = HEAD
		toolchain = gcc
		kconfig = frag.config
	EOF
	run_ltsport run --series series-dir --no-repro --tree 5.0 &&
	test "$(cat rc)" = 1 &&
	grep -q "^5.0: needs a maintainer: missing: not proven in QEMU (repro not run)" out &&
	git -C imp rev-parse --verify -q refs/heads/ltsport/test-race/5.0 >/dev/null
'

test_expect_success '--jobs 2: the trees at once, each logged, the same report' '
	"$LTSPORT" report --series series-dir >want &&
	run_ltsport run --series series-dir --no-repro --jobs 2 --force &&
	test "$(cat rc)" = 1 &&
	test -s backports/.work/4.14/run.log &&
	test -s backports/.work/5.0/run.log &&
	"$LTSPORT" report --series series-dir >got &&
	test_cmp_files want got
'

test_expect_success 'bad input stops the run: exit 2' '
	printf "[tree \"x\"]\n\tpath = new\n\tref = HEAD\n" >bad.conf &&
	run_ltsport run --config bad.conf --series "$TRASH/series-dir" --no-repro &&
	test "$(cat rc)" = 2 &&
	grep -q "no kconfig" err &&
	run_ltsport run --series series-dir --jobs 0 &&
	test "$(cat rc)" = 2 &&
	grep -q "jobs 0" err
'

test_done
