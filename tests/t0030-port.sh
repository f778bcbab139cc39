#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ltsport port: stable-format quilt output that quilt and git am accept, a
# result branch, and nothing of the user's touched.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

test_expect_success 'setup' '
	make_upstream && make_series &&
	make_import imp v5.0 && make_stable st v5.0 upstream &&
	make_import old v4.14 &&
	(cd imp && echo "local edit" >>Makefile && echo "untracked" >notes.txt &&
	 echo "staged" >staged.txt && git add staged.txt) &&
	write_conf <<-EOF
	[tree "5.0"]
		path = imp
		ref = HEAD
		base = v5.0
	[tree "5.0-stable"]
		path = st
		ref = HEAD
		base = v5.0
	[tree "4.14"]
		path = old
		ref = HEAD
	EOF
'

test_expect_success 'port writes a quilt series per tree that needs one' '
	snapshot_user_state imp >before.imp && snapshot_user_state st >before.st &&
	run_ltsport port --series series-dir &&
	test "$(cat rc)" = 0 &&
	grep -q "^5.0: ported 2 patches -> .*backports/test-race/5.0 (branch ltsport/test-race/5.0)" out &&
	grep -q "^5.0-stable: ported 1 patch " out &&
	grep -q "^4.14: nothing to port (not-affected)" out &&
	test ! -e backports/test-race/4.14 &&
	printf "%s\n" 0001-mm-swap-fix-race-when-skipping-swapcache.patch \
		0002-mm-avoid-unconditional-one-tick-sleep-when-swapcache.patch \
		>expect && test_cmp_files expect backports/test-race/5.0/series
'

test_expect_success 'the user state of every tree is byte-for-byte unchanged' '
	snapshot_user_state imp >after.imp && test_cmp_files before.imp after.imp &&
	snapshot_user_state st >after.st && test_cmp_files before.st after.st
'

test_expect_success 'stable headers: subject prefix, upstream line, note, sign-off' '
	p=backports/test-race/5.0/0001-mm-swap-fix-race-when-skipping-swapcache.patch &&
	grep -q "^Subject: \[PATCH 5.0.y 1/2\] mm/swap: fix race when skipping swapcache$" $p &&
	grep -q "^From: A U Thor <author@example.com>$" $p &&
	sed -n "/^$/,\$p" $p | sed -n 2p >first && echo "commit $FIX1 upstream." >expect &&
	test_cmp_files expect first &&
	grep -q "^Signed-off-by: Kai Ruisong <kai@example.org>$" $p &&
	sed -n "/^\[ ltsport: applied as upstream/,/ \]$/p" $p | tr "\n" " " >note &&
	grep -q "^\[ ltsport: applied as upstream (exact: every hunk unchanged); not *compile-checked (no *prepared *build; .*) \] $" note &&
	grep -B1 "^---$" $p | head -1 | grep -q "^Signed-off-by: C O Mitter <committer@example.com>$" &&
	q=backports/test-race/5.0-stable/0001-mm-avoid-unconditional-one-tick-sleep-when-swapcache.patch &&
	grep -q "^Subject: \[PATCH 5.0-stable\] \|^Subject: \[PATCH\] " $q &&
	grep -q "^commit $FIX2 upstream.$" $q
'

test_expect_success 'port.json records rung and commits' '
	j=backports/test-race/5.0/port.json &&
	test "$(jq -r ".patches | length" $j)" = 2 &&
	test "$(jq -r ".patches[0].rung" $j)" = exact &&
	test "$(jq -r ".patches[1].upstream" $j)" = "$FIX2" &&
	test "$(jq -r ".tip" $j)" = "$(git -C imp rev-parse HEAD)"
'

test_expect_success 'port.json has the common head: schema, stage, tree, inputs, outcome' '
	j=backports/test-race/5.0/port.json &&
	test "$(jq -r ".schema" $j)" = 1 &&
	test "$(jq -r ".stage" $j)" = port &&
	test "$(jq -r ".tree" $j)" = 5.0 &&
	test "$(jq -r ".outcome" $j)" = done &&
	test "$(jq -r ".inputs | length" $j)" = 40 &&
	test "$(jq -r ".branch" $j)" = ltsport/test-race/5.0 &&
	jq -e ".seconds >= 0" $j >/dev/null
'

test_expect_success 'a re-port keeps the other stages records and logs' '
	d=backports/test-race/5.0 &&
	echo "{\"kept\":1}" >$d/build.json && echo "a log" >$d/build.log &&
	inputs=$(jq -r ".inputs" $d/port.json) &&
	run_ltsport port --series series-dir --tree 5.0 &&
	test "$(cat rc)" = 0 &&
	test "$(jq -r ".kept" $d/build.json)" = 1 && test "$(cat $d/build.log)" = "a log" &&
	test "$(jq -r ".inputs" $d/port.json)" = "$inputs" &&
	rm $d/build.json $d/build.log
'

test_expect_success 'the series applies with quilt push -a on a copy of the tree' '
	git -C imp archive --prefix=quiltcopy/ HEAD | tar -x &&
	(cd quiltcopy && QUILT_PATCHES=../backports/test-race/5.0 quilt push -a -q) >quilt.log 2>&1 &&
	grep -q "Now at patch .*0002-" quilt.log &&
	git -C up show v5.2:mm/memory.c >expect && test_cmp_files expect quiltcopy/mm/memory.c
'

test_expect_success 'the series applies with git am on a copy of the tree' '
	git clone -q imp amcopy && (cd amcopy &&
	git am -q $(sed "s,^,../backports/test-race/5.0/," ../backports/test-race/5.0/series)) &&
	git -C up show v5.2:mm/memory.c >expect && test_cmp_files expect amcopy/mm/memory.c &&
	test "$(git -C amcopy log -1 --format=%s)" = "mm: avoid unconditional one-tick sleep when swapcache_prepare fails"
'

test_expect_success 'the result branch holds the same commits on top of the ref' '
	test "$(git -C imp rev-parse ltsport/test-race/5.0~2)" = "$(git -C imp rev-parse HEAD)" &&
	test "$(git -C imp rev-parse ltsport/test-race/5.0)" = "$(jq -r ".patches[1].commit" backports/test-race/5.0/port.json)" &&
	git -C imp show ltsport/test-race/5.0:mm/memory.c >got &&
	git -C up show v5.2:mm/memory.c >expect && test_cmp_files expect got
'

test_expect_success 'port again: the result is replaced whole, no temp dirs left' '
	run_ltsport port --series series-dir &&
	test "$(cat rc)" = 0 &&
	test "$(ls -A backports/test-race | sort | tr "\n" " ")" = "5.0 5.0-stable " &&
	status_after=$("$LTSPORT" status --series series-dir --tree 5.0 --json | jq -r ".[0].verdict") &&
	test "$status_after" = missing
'

test_expect_success 'a checked-out result branch is refused, nothing written' '
	git clone -q imp co && git -C co checkout -q -b ltsport/test-race/co &&
	write_conf <<-EOF &&
	[tree "co"]
		path = co
		ref = master
	EOF
	run_ltsport port --series series-dir &&
	test "$(cat rc)" = 1 && grep -q "is checked out" err &&
	test ! -e backports/test-race/co
'

test_expect_success 'fuzzy context: the relaxed rung, with a note per hunk' '
	make_import fuzzy v5.0 &&
	(cd fuzzy && sed -i "s/swap_readpage(page, true);/swap_readpage(page, true, NULL);/" mm/memory.c &&
	 sed -i "s/step_8/step_eight/" mm/memory.c && commit_all "local change") &&
	write_conf <<-EOF &&
	[tree "fuzzy"]
		path = fuzzy
		ref = HEAD
		base = v5.0
	EOF
	run_ltsport port --series series-dir &&
	test "$(cat rc)" = 0 &&
	grep -q "0001-mm-swap-fix-race-when-skipping-swapcache.patch  [0-9a-f]*  relaxed" out &&
	p=backports/test-race/fuzzy/0001-mm-swap-fix-race-when-skipping-swapcache.patch &&
	sed -n "/^\[ ltsport: applied with fuzz/,/ \]$/p" $p | tr "\n" " " >note &&
	grep -q "^\[ ltsport: applied with fuzz or offsets (relaxed): mm/memory.c: *hunk *#1 *at *5 *(fuzz *2), *hunk *#2 *at *22 *(fuzz *2)[;)].*\] $" note &&
	test "$(sed -n "/^\[ ltsport: applied with fuzz/,/ \]$/p" $p | awk "length > 75" | wc -l)" = 0 &&
	git clone -q fuzzy amfuzzy && (cd amfuzzy && git am -q ../$p)
'

test_expect_success 'a patch that does not apply names file and hunk; nothing written' '
	make_import conflict v5.0 &&
	(cd conflict &&
	 sed -i -e "s/synchronous_device(si)/si->flags \& SWP_SYNCHRONOUS_IO/" \
		-e "s|/\* skip swapcache \*/|/* bypass */|" -e "s/alloc_page_vma(/alloc_page(/" mm/memory.c &&
	 commit_all "local change") &&
	write_conf <<-EOF &&
	[tree "conflict"]
		path = conflict
		ref = HEAD
		base = v5.0
	EOF
	run_ltsport port --series series-dir &&
	test "$(cat rc)" = 1 &&
	grep -q "conflict: 0001-.*: exact: mm/memory.c: hunk #1 (@@ .*) does not apply; relaxed: mm/memory.c: hunk #1 (@@ .*): its preimage is not in do_swap_page(); semantic: no cocci form for this patch; no output written for conflict" err &&
	test "$(ls backports/test-race/conflict)" = port.json &&
	test -z "$(git -C conflict for-each-ref refs/heads/ltsport)"
'

test_expect_success 'without patch files, bodies come from the [mainline] repo' '
	mkdir -p bodiless && cp series-dir/series series-dir/series.conf bodiless/ &&
	make_import plain v5.0 &&
	write_conf <<-EOF &&
	[tree "5.0"]
		path = plain
		ref = HEAD
		base = v5.0
	[mainline]
		path = up
	EOF
	run_ltsport port --series bodiless &&
	test "$(cat rc)" = 0 &&
	p=backports/test-race/5.0/0001-mm-swap-fix-race-when-skipping-swapcache.patch &&
	grep -q "^commit $FIX1 upstream.$" $p &&
	grep -q "^Signed-off-by: Kai Ruisong <kai@example.org>$" $p &&
	git clone -q plain amplain && (cd amplain &&
	 git am -q $(sed "s,^,../backports/test-race/5.0/," ../backports/test-race/5.0/series)) &&
	git -C up show v5.2:mm/memory.c >expect && test_cmp_files expect amplain/mm/memory.c
'

test_expect_success 'without patch files or mainline: the series names what is missing' '
	write_conf <<-EOF &&
	[tree "5.0"]
		path = plain
		ref = HEAD
	EOF
	run_ltsport port --series bodiless &&
	test "$(cat rc)" = 2 &&
	grep -q "bodiless/series:1: patch .0001-.*. not found in .*, no mainline repo in stable_trees.conf and no cocci form" err
'

test_done
