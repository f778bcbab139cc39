#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The three-way rung: with a [mainline] clone holding the fix and its
# parent, a tree whose file drifted near the fix's context takes it as git
# cherry-pick would; a conflict sends the ladder on to the next rung.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

p1=0001-mm-swap-fix-race-when-skipping-swapcache.patch

test_expect_success 'setup' '
	make_upstream && make_series &&
	make_import drift v5.0 &&
	(cd drift && sed -i "5s/^$/	\/* drifted *\//" mm/memory.c &&
	 commit_all "local drift") &&
	write_conf <<-EOF
	[tree "drift"]
		path = drift
		ref = HEAD
		base = v5.0
	[mainline]
		path = up
	EOF
'

test_expect_success 'exact fails, the three-way merge with mainline carries the fix' '
	run_ltsport port --series series-dir &&
	test "$(cat rc)" = 0 &&
	grep -q "^  $p1  [0-9a-f]*  three-way$" out &&
	j=backports/test-race/drift/port.json &&
	test "$(jq -r ".patches[0].rung" $j)" = three-way &&
	test "$(jq -r ".patches[1].rung" $j)" = exact &&
	git -C up show v5.2:mm/memory.c |
		sed "5s/^$/	\/* drifted *\//" >expect &&
	git -C drift show ltsport/test-race/drift:mm/memory.c >got &&
	test_cmp_files expect got
'

test_expect_success 'the note names the mainline commits, as git cherry-pick' '
	parent=$(git -C up rev-parse --short=12 $FIX1~1) &&
	fix=$(git -C up rev-parse --short=12 $FIX1) &&
	jq -r ".patches[0].note" backports/test-race/drift/port.json >note &&
	grep -q "^ltsport: applied by three-way merge with mainline $parent\.\.$fix (as git cherry-pick)" note &&
	m=backports/test-race/drift/$p1 &&
	sed -n "/^\[ ltsport: applied by three-way/,/ \]$/p" $m | tr "\n" " " >mailnote &&
	grep -q "three-way merge with mainline *$parent\.\.$fix *(as *git *cherry-pick)" mailnote &&
	git clone -q drift amdrift && (cd amdrift && git am -q ../backports/test-race/drift/000[1-9]-*.patch)
'

test_expect_success 'without the [mainline] clone the rung is not tried: relaxed' '
	write_conf <<-EOF &&
	[tree "drift"]
		path = drift
		ref = HEAD
		base = v5.0
	EOF
	run_ltsport port --series series-dir &&
	test "$(cat rc)" = 0 &&
	test "$(jq -r ".patches[0].rung" backports/test-race/drift/port.json)" = relaxed
'

test_expect_success 'a conflict with mainline: the ladder goes on, the reason counts it' '
	make_import clash v5.0 &&
	(cd clash && sed -i "s|/\* skip swapcache \*/|/* bypass the cache */|" mm/memory.c &&
	 commit_all "local change") &&
	write_conf <<-EOF &&
	[tree "clash"]
		path = clash
		ref = HEAD
		base = v5.0
	[mainline]
		path = up
	EOF
	run_ltsport port --series series-dir &&
	test "$(cat rc)" = 1 &&
	grep -q "clash: $p1: exact: mm/memory.c: hunk #1 (@@ .*) does not apply; three-way: mm/memory.c: 1 conflict with mainline; relaxed: .*; semantic: no cocci form for this patch" err &&
	test "$(ls backports/test-race/clash)" = port.json &&
	test -z "$(git -C clash for-each-ref refs/heads/ltsport)"
'

test_expect_success 'backtest ports again with the three-way rung too' '
	git clone -q up human && (cd human && git checkout -q -b stable v5.0 &&
	 sed -i "5s/^$/	\/* drifted *\//" mm/memory.c && commit_all "local drift" &&
	 git cherry-pick -n "$FIX1" >/dev/null &&
	 commit_all "mm/swap: fix race when skipping swapcache" "commit $FIX1 upstream.") &&
	write_conf <<-EOF &&
	[tree "human"]
		path = human
		ref = stable
		base = v5.0
	[mainline]
		path = up
	EOF
	run_ltsport backtest --series series-dir &&
	test "$(cat rc)" = 0 &&
	grep -q "^human  *${FIX1:0:12} *three-way *identical " out
'

test_expect_success 'a fix that creates and deletes files: both carried' '
	(cd up && git checkout -q -b split v5.2 &&
	 sed -i "s/^	int ret = 0;$/	int ret = helper();/" mm/memory.c &&
	 echo "int helper(void) { return 0; }" >mm/helper.c && git rm -q mm/other.c &&
	 commit_all "mm: move to a helper" "Fixes: ${FIX1:0:12}" && git checkout -q master) &&
	FIX3=$(git -C up rev-parse split) &&
	mkdir -p split-dir && git -C up format-patch -q -o ../split-dir -1 $FIX3 &&
	(cd split-dir && ls 0*.patch >series &&
	 printf "[series]\n\tname = split\n[patch \"%s\"]\n\tupstream = %s\n\tsubject = mm: move to a helper\n\tauthor = A U Thor <author@example.com>\n\tfixes = %s\n\tfixes-release = v5.1\n" \
		"$(cat series)" $FIX3 ${FIX1:0:12} >series.conf) &&
	make_import moved v5.2 &&
	(cd moved && sed -i "s|^/\* a small stand-in for mm/memory.c \*/$|/* mm/memory.c, as this tree has it */|" mm/memory.c &&
	 sed -i "s/^	step_3(vmf);$/	step_three(vmf);/" mm/memory.c && commit_all "local drift") &&
	write_conf <<-EOF &&
	[tree "moved"]
		path = moved
		ref = HEAD
		base = v5.2
	[mainline]
		path = up
	EOF
	run_ltsport port --series split-dir &&
	test "$(cat rc)" = 0 &&
	test "$(jq -r ".patches[0].rung" backports/split/moved/port.json)" = three-way &&
	git -C moved show ltsport/split/moved:mm/helper.c >got &&
	echo "int helper(void) { return 0; }" >expect && test_cmp_files expect got &&
	! git -C moved cat-file -e ltsport/split/moved:mm/other.c 2>/dev/null &&
	git -C moved show ltsport/split/moved:mm/memory.c >got &&
	grep -q "^	int ret = helper();$" got && grep -q "^	step_three(vmf);$" got &&
	grep -q "as this tree has it" got
'

test_done
