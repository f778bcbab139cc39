#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The FAILED report: when no rung works, port's failure reads like the
# stable team's FAILED mail: per hunk what each rung said, the tree's lines
# where the hunk should go, and the possible dependencies from a small
# mainline history (a commit the tree lacks is named; those it has, by
# ancestry or by a stable marker, are not).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

body() {
	printf '/* pages */\nint count_pages(int n)\n{\n\tint a = %s;\n\tint b = %s;\n\n\t%s;\n\treturn n;\n}\n' "$@" >mm/pages.c
}

p1=0001-mm-pass-b-to-the-page-call.patch

test_expect_success 'setup: mainline v5.0, then C (the tree has it), D (it lacks), E (picked -x), the fix' '
	git init -q up && (
		cd up && set_version 5 0 && mkdir -p mm &&
		body 1 2 "call_old(n)" && commit_all "Linux 5.0" && git tag v5.0 &&
		body 1 3 "call_old(n)" && commit_all "mm: b is three" &&
		body 1 3 "call_new(n, a)" && commit_all "mm: the new page call" &&
		body 2 3 "call_new(n, a)" && commit_all "mm: a is two" &&
		body 2 3 "call_new(n, a, b)" &&
		commit_all "mm: pass b to the page call" "Fixes: $(git rev-parse --short=12 v5.0)"
	) &&
	C=$(git -C up rev-parse HEAD~3) && D=$(git -C up rev-parse HEAD~2) &&
	E=$(git -C up rev-parse HEAD~1) && fix=$(git -C up rev-parse HEAD) &&
	mkdir -p s && git -C up format-patch -q -o ../s -1 $fix &&
	(cd s && ls 0*.patch >series &&
	 printf "[series]\n\tname = pages\n[patch \"%s\"]\n\tupstream = %s\n\tsubject = mm: pass b to the page call\n\tauthor = A U Thor <author@example.com>\n\tfixes = %s\n\tfixes-release = v5.0\n" \
		"$(cat series)" $fix $(git -C ../up rev-parse --short=12 v5.0) >series.conf) &&
	git clone -q up t && (cd t && git checkout -q -b stable $C &&
		git cherry-pick -x $E >/dev/null && git remote remove origin) &&
	write_conf <<-EOF
	[tree "5.0"]
		path = t
		ref = stable
		base = v5.0
	[mainline]
		path = up
	EOF
'

test_expect_success 'no rung works: exit 1, the FAILED report after the reasons' '
	run_ltsport port --series s &&
	test "$(cat rc)" = 1 &&
	grep -q "^ltsport: 5.0: $p1: exact: mm/pages.c: hunk #1 (@@ .*) does not apply; three-way: mm/pages.c: 1 conflict with mainline; relaxed: .*; semantic: no cocci form for this patch; no output written for 5.0$" err &&
	grep -q "^FAILED: $p1 (upstream ${fix:0:12}) could not be ported to 5.0:$" err &&
	test "$(ls backports/pages/5.0)" = port.json &&
	test -z "$(git -C t for-each-ref refs/heads/ltsport)"
'

test_expect_success 'per hunk: what each rung said of it, and where it should go' '
	sed -n "/^mm\/pages.c hunk #1 @@/,/^Possible/p" err >hunk &&
	grep -q "^  exact: does not apply$" hunk &&
	grep -q "^  three-way: 1 conflict with mainline$" hunk &&
	grep -q "^  relaxed: its preimage is not in count_pages()$" hunk &&
	grep -q "^  where it should go: mm/pages.c line 4 (4 of its 6 lines there):$" hunk &&
	grep -q "^         7  	call_old(n);$" hunk &&
	grep -q "^         5  	int b = 3;$" hunk
'

test_expect_success 'possible dependencies: the commit the tree lacks, only it' '
	sed -n "/^Possible dependencies/,\$p" err >deps &&
	printf "%s\n" "Possible dependencies (mainline commits since v5.0 that touched these lines):" \
		"  ${D:0:12} (\"mm: the new page call\")" >expect &&
	test_cmp_files expect deps
'

test_expect_success 'port.json keeps it (no patch, no series), ltsport report shows it' '
	j=backports/pages/5.0/port.json &&
	test "$(jq -r ".outcome" $j)" = finding &&
	test "$(jq -r ".patches | length" $j)" = 0 &&
	jq -r ".failure" $j >failure &&
	sed "s/^ltsport: //" err >expect && test_cmp_files expect failure &&
	test ! -e backports/pages/5.0/series &&
	run_ltsport report --series s &&
	test "$(cat rc)" = 0 &&
	grep -q "^  port: 5.0: $p1: exact: " out &&
	grep -q "^    FAILED: $p1 " out &&
	grep -q "^      ${D:0:12} (\"mm: the new page call\")$" out &&
	grep -q "^  next: port it by hand: see the FAILED report" out
'

test_expect_success 'without the base tag in mainline the dependencies are not guessed' '
	git -C up tag -d v5.0 >/dev/null &&
	run_ltsport port --series s &&
	test "$(cat rc)" = 1 &&
	grep -q "^Possible dependencies: not known (the mainline clone has no v5.0)$" err &&
	git -C up tag v5.0 $(git -C t rev-parse v5.0)
'

test_expect_success 'a failed tree does not stop the next one; exit 1 at the end' '
	git clone -q up ok && git -C ok checkout -q -b stable $E &&
	cat stable_trees.conf >conf2 &&
	printf "[tree \"ok\"]\n\tpath = ok\n\tref = stable\n\tbase = v5.0\n" >>conf2 &&
	run_ltsport port --config conf2 --series s &&
	test "$(cat rc)" = 1 && grep -q "^FAILED: " err &&
	grep -q "^ok: ported 1 patch " out &&
	test "$(jq -r ".outcome" backports/pages/ok/port.json)" = done
'

test_expect_success 'a tree the stage cannot work on does not stop the next one; exit 3' '
	git clone -q up noid && git -C noid checkout -q -b stable $E &&
	git -C noid config user.name "" &&
	printf "[tree \"noid\"]\n\tpath = noid\n\tref = stable\n\tbase = v5.0\n" >conf3 &&
	printf "[tree \"ok\"]\n\tpath = ok\n\tref = stable\n\tbase = v5.0\n" >>conf3 &&
	run_ltsport port --config conf3 --series s &&
	test "$(cat rc)" = 3 &&
	grep -q "^ltsport: .*no committer identity" err &&
	grep -q "^ok: ported 1 patch " out
'

test_done
