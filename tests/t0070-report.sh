#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ltsport report: a row per tree with what each stage left and what to do next.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

test_expect_success 'setup' '
	make_upstream && make_series &&
	make_import imp v5.0 && make_import old v4.14 && make_import new v5.2 &&
	write_conf <<-EOF
	[tree "5.0"]
		path = imp
		ref = HEAD
	[tree "4.14"]
		path = old
		ref = HEAD
	[tree "5.2"]
		path = new
		ref = HEAD
	[tree "6.6"]
		path = trees/6.6
		ref = HEAD
		upstream = https://example.org/linux.git linux-6.6.y
	EOF
'

next_of() {
	jq -r ".[] | select(.tree == \"$1\") | .next" report.json
}

test_expect_success 'before port: the report says to port, or that nothing is to be done' '
	"$LTSPORT" report --series series-dir --json >report.json &&
	test "$(next_of 5.0)" = "run ltsport port" &&
	test "$(next_of 4.14)" = "nothing to do" &&
	test "$(next_of 5.2)" = "nothing to do" &&
	test "$(next_of 6.6)" = "get the tree: https://example.org/linux.git linux-6.6.y"
'

test_expect_success 'after port: the rungs, and that check and build have not run' '
	"$LTSPORT" port --series series-dir >/dev/null &&
	"$LTSPORT" report --series series-dir --json >report.json &&
	test "$(jq -r ".[] | select(.tree == \"5.0\") | .port" report.json)" = "2 patches (exact,exact)" &&
	test "$(jq -r ".[] | select(.tree == \"5.0\") | .build" report.json)" = "not run" &&
	test "$(next_of 5.0)" = "run ltsport check and build" &&
	"$LTSPORT" report --series series-dir >report.txt &&
	grep -q "^5.0: missing (${FIX1:0:12} missing, ${FIX2:0:12} missing)$" report.txt &&
	grep -q "^  next: run ltsport check and build$" report.txt
'

# write_build <tree> <verdict> [inputs]: a build record as the build stage
# writes it, on the tree's tip, with the inputs the report names (or these).
write_build() {
	"$LTSPORT" report --series series-dir --json >inputs.json &&
	tip=$(git -C imp rev-parse HEAD) &&
	in=${3:-$(jq -r ".[] | select(.tree == \"$1\") | .records.build.inputs" inputs.json)} &&
	jq -n --arg tip "$tip" --arg in "$in" --arg v "$2" --arg tree "$1" \
		"{schema: 1, stage: \"build\", tree: \$tree, tip: \$tip, inputs: \$in,
		  outcome: \"finding\", seconds: 3.5, mode: \"quick\", toolchain: \"gcc\",
		  verdict: \$v, first_error: \"mm/memory.c:3: error: x\", seconds_before: 1,
		  seconds_after: 2, new_warnings: 0, log: \"build.log\"}" \
		>backports/test-race/$1/build.json
}

row_of() {
	jq -r ".[] | select(.tree == \"$1\") | .$2" report.json
}

test_expect_success 'a stage result says what it found' '
	write_build 5.0 "the series breaks the build" &&
	"$LTSPORT" report --series series-dir --json >report.json &&
	test "$(row_of 5.0 build)" = "the series breaks the build (quick), 0 new warnings" &&
	test "$(row_of 5.0 records.build.record)" = fresh &&
	test "$(next_of 5.0)" = "fix the build: see build.log and sparse.log"
'

test_expect_success 'a record made on other inputs is marked STALE, never hidden' '
	write_build 5.0 "the series breaks the build" 0123456789abcdef0123456789abcdef01234567 &&
	"$LTSPORT" report --series series-dir --json >report.json &&
	test "$(row_of 5.0 build)" = "the series breaks the build (quick), 0 new warnings STALE" &&
	test "$(next_of 5.0)" = "run ltsport check and build"
'

test_expect_success 'a build.json without a verdict is corrupt, not "(null)"' '
	write_build 5.0 builds &&
	jq "del(.verdict)" backports/test-race/5.0/build.json >b.tmp &&
	mv b.tmp backports/test-race/5.0/build.json &&
	"$LTSPORT" report --series series-dir >report.txt &&
	! grep -q "(null)" report.txt &&
	grep -q "^  build: corrupt: .*backports/test-race/5.0/build.json: key .verdict.: missing$" report.txt &&
	grep -q "^  next: run ltsport build again: build.json is corrupt$" report.txt
'

test_expect_success 'an unreadable record is corrupt, never "not run"' '
	echo "{\"schema\": 1, \"stage\": \"repro\"" >backports/test-race/5.0/repro.json &&
	"$LTSPORT" report --series series-dir --json >report.json &&
	row_of 5.0 repro | grep -q "^corrupt: .*repro.json: truncated$" &&
	test "$(row_of 5.0 records.repro.record)" = corrupt &&
	echo "{\"tree\":\"5.0\",\"verdict\":\"builds\"}" >backports/test-race/5.0/sparse.json &&
	"$LTSPORT" report --series series-dir --json >report.json &&
	row_of 5.0 sparse | grep -q "^corrupt: .*sparse.json: key .schema.: missing$" &&
	rm backports/test-race/5.0/repro.json backports/test-race/5.0/sparse.json
'

test_expect_success 'the backtest record shows in the report' '
	"$LTSPORT" backtest --series series-dir --tree 5.2 >/dev/null &&
	"$LTSPORT" report --series series-dir --json >report.json &&
	test "$(row_of 5.2 backtest)" = "2 identical or equivalent, 0 differ or failed"
'

test_expect_success 'a moved tree makes the port stale' '
	(cd imp && echo "int z;" >>mm/other.c && commit_all "later stable change") &&
	"$LTSPORT" report --series series-dir --json >report.json &&
	test "$(row_of 5.0 port)" = "2 patches (exact,exact) STALE" &&
	test "$(next_of 5.0)" = "run ltsport port"
'

test_expect_success 'a changed series makes the port stale too' '
	"$LTSPORT" port --series series-dir --tree 5.0 >/dev/null &&
	"$LTSPORT" report --series series-dir --json >report.json &&
	test "$(row_of 5.0 port)" = "2 patches (exact,exact)" &&
	sed -i "s/^\tfixes-release = v4.15/\tfixes-release = v4.16/" series-dir/series.conf &&
	"$LTSPORT" report --series series-dir --json >report.json &&
	test "$(row_of 5.0 port)" = "2 patches (exact,exact) STALE"
'

test_done
