#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stable_trees.conf: good and bad inputs, each bad one with file, line and remedy.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

test_expect_success 'setup: upstream, series, one tree' '
	make_upstream && make_series && make_import imp v5.0
'

# expect_conf_error <line> <pattern>: status fails with exit 2 naming conf:line.
# (A good run keeps its verdicts in backports/.work: cleared first.)
expect_conf_error() {
	rm -rf backports &&
	run_ltsport status --series series-dir &&
	test "$(cat rc)" = 2 &&
	grep -q "stable_trees.conf:$1: $2" err &&
	test "$(wc -l <err)" = 1 &&
	test ! -s out &&
	test ! -e backports
}

test_expect_success 'a good conf is read, comments and all' '
	write_conf <<-EOF &&
	# the trees
	[tree "5.0"]
		path = imp        # relative to this file
		ref = HEAD
		base = v5.0
		toolchain = gcc-12
		arch = x86_64
		kconfig = tools/kconfig/swap-repro.config
		upstream = https://example.org/linux.git linux-5.0.y
	EOF
	run_ltsport status --series series-dir &&
	test "$(cat rc)" = 0 && grep -q "^5.0 " out
'

test_expect_success 'unknown key: file, line, key and the known ones' '
	write_conf <<-EOF &&
	[tree "5.0"]
		path = imp
		brnach = master
		ref = HEAD
	EOF
	expect_conf_error 3 "unknown key .brnach. in \[tree \"5.0\"\]"
'

test_expect_success 'duplicate tree section' '
	write_conf <<-EOF &&
	[tree "5.0"]
		path = imp
		ref = HEAD
	[tree "5.0"]
		base = v5.0
	EOF
	expect_conf_error 4 "tree \"5.0\" is defined again (first at line 1)"
'

test_expect_success 'a key set twice' '
	write_conf <<-EOF &&
	[tree "5.0"]
		path = imp
		ref = HEAD
		ref = master
	EOF
	expect_conf_error 4 ".ref. is set twice for tree 5.0 (first at line 3)"
'

test_expect_success 'a key without a value: file and line, exit 2' '
	write_conf <<-EOF &&
	[tree "5.0"]
		path
		ref = HEAD
	EOF
	expect_conf_error 2 ".path. has no value; write path = VALUE"
'

test_expect_success 'a key before any section (found by fuzz-conf)' '
	write_conf <<-EOF &&
	path = imp
	[tree "5.0"]
		path = imp
		ref = HEAD
	EOF
	expect_conf_error 1 ".path. is outside any section"
'

test_expect_success 'a tree name that leaves the directory is refused' '
	write_conf <<-EOF &&
	[tree "5.0"]
		path = imp
		ref = HEAD
	[tree "../../escape"]
		path = imp
		ref = HEAD
	EOF
	expect_conf_error 4 "tree name .\.\./\.\./escape. cannot name a branch and a directory"
'

test_expect_success 'a tree name with a space is refused' '
	write_conf <<-EOF &&
	[tree "5 0"]
		path = imp
		ref = HEAD
	EOF
	expect_conf_error 1 "tree name .5 0. cannot name a branch and a directory"
'

test_expect_success 'a line over 4096 bytes is one line' '
	{
		printf "#%04094d[tree \"5.0\"]\n" 0 &&
		printf "[tree \"5.0\"]\n\tpath = imp\n\tref = HEAD\n" &&
		printf "# %05000d\n\tbrnach = master\n" 0
	} >stable_trees.conf &&
	expect_conf_error 6 "unknown key .brnach."
'

test_expect_success 'a NUL byte in the conf: its line' '
	printf "[tree \"5.0\"]\n\tpath = imp\n\tref = HE\000AD\n" >stable_trees.conf &&
	expect_conf_error 3 "contains a NUL byte"
'

test_expect_success '[include] is refused before libgit2 reads what it names' '
	write_conf <<-EOF &&
	[tree "5.0"]
		path = imp
		ref = HEAD
	[include]
		path = other.conf
	EOF
	expect_conf_error 4 "\[include\] is not supported here"
'

test_expect_success 'missing required key: path' '
	write_conf <<-EOF &&
	[tree "5.0"]
		ref = HEAD
	EOF
	expect_conf_error 1 "\[tree \"5.0\"\] has no .path.; add path ="
'

test_expect_success 'missing required key: ref' '
	write_conf <<-EOF &&
	[tree "5.0"]
		path = imp
	EOF
	expect_conf_error 1 "\[tree \"5.0\"\] has no .ref."
'

test_expect_success 'unknown section' '
	write_conf <<-EOF &&
	[tree "5.0"]
		path = imp
		ref = HEAD
	[trees "5.1"]
		path = imp
	EOF
	expect_conf_error 5 "unknown section"
'

test_expect_success 'malformed syntax: libgit2 names the line' '
	write_conf <<-EOF &&
	[tree "5.0"]
		path = imp
		ref = HEAD
	[tree "6.6"
		path = imp
	EOF
	run_ltsport status --series series-dir &&
	test "$(cat rc)" = 2 && grep -q "stable_trees.conf" err &&
	grep -q "stable_trees.conf:4)" err && test ! -s out
'

test_expect_success 'a ref that does not exist' '
	write_conf <<-EOF &&
	[tree "5.0"]
		path = imp
		ref = no-such-branch
	EOF
	expect_conf_error 3 "ref .no-such-branch. of tree 5.0 does not exist"
'

test_expect_success 'a missing repo is "absent", not an error' '
	write_conf <<-EOF &&
	[tree "5.0"]
		path = imp
		ref = HEAD
	[tree "6.6"]
		path = trees/6.6
		ref = HEAD
		upstream = https://example.org/linux.git linux-6.6.y
	EOF
	run_ltsport status --series series-dir &&
	test "$(cat rc)" = 0 &&
	grep -q "^6.6 *absent" out &&
	grep -q "6.6: absent: no git repository at .*trees/6.6; get it from https://example.org/linux.git linux-6.6.y" out
'

test_expect_success 'no conf file' '
	run_ltsport status --config nowhere.conf --series series-dir &&
	test "$(cat rc)" = 2 && grep -q "nowhere.conf: cannot read the tree list" err
'

test_expect_success '--tree naming no tree' '
	run_ltsport status --series series-dir --tree 9.9 &&
	test "$(cat rc)" = 2 && grep -q -- "--tree 9.9: no such tree" err
'

test_expect_success 'unknown option and unknown command' '
	run_ltsport status --frobnicate && test "$(cat rc)" = 2 && grep -q usage err &&
	run_ltsport frobnicate && test "$(cat rc)" = 2 && grep -q "not a command" err
'

test_done
