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

test_expect_success 'a stage result says what it found; a moved tree makes the port stale' '
	printf "{\"tree\":\"5.0\",\"mode\":\"quick\",\"verdict\":\"the series breaks the build\",\"new_warnings\":0}\n" \
		>backports/test-race/5.0/build.json &&
	"$LTSPORT" report --series series-dir --json >report.json &&
	test "$(next_of 5.0)" = "fix the build: see build.log and sparse.log" &&
	(cd imp && echo "int z;" >>mm/other.c && commit_all "later stable change") &&
	"$LTSPORT" report --series series-dir --json >report.json &&
	test "$(jq -r ".[] | select(.tree == \"5.0\") | .port" report.json)" = "2 patches (exact,exact) STALE" &&
	test "$(next_of 5.0)" = "run ltsport port"
'

test_done
