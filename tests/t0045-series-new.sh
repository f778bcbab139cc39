#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ltsport series new: a series directory from git show output, an mbox or a
# mail; bad input is refused with its file and line, and nothing is written.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

# conf_get FILE KEY: a value of series.conf as git reads it.
conf_get() {
	git config -f "$1" --get "$2"
}

# expect_refused <pattern> NAME SOURCE...: exit 2, one error line, no sd/NAME
# and no temporary directory left in sd/.
expect_refused() {
	pat=$1 && shift &&
	run_ltsport series new "$@" --into sd &&
	test "$(cat rc)" = 2 &&
	grep -q "$pat" err &&
	test "$(wc -l <err)" = 1 &&
	test ! -s out &&
	test ! -e "sd/$1" &&
	test -z "$(ls -A sd 2>/dev/null | grep "^\.")"
}

test_expect_success 'setup: a mainline-like history and a small repo' '
	make_upstream &&
	git init -q sm && (
		cd sm &&
		printf "%s\n" a b c d e f g h >f.c && git add f.c && git commit -q -m base &&
		for i in 1 2 3; do
			sed -i "${i}s/.*/line $i changed/" f.c &&
			GIT_AUTHOR_DATE="170000000$i +0530" git commit -q -a -m "f: change $i" \
				-m "Body of change $i." || return 1
		done
	)
'

test_expect_success 'git show output: one patch, upstream id and Fixes: in series.conf' '
	git -C up show "$FIX1" >fix1.show &&
	run_ltsport series new s1 fix1.show --into sd &&
	test "$(cat rc)" = 0 && test ! -s err &&
	name=$(grep -v "^#" sd/s1/series) &&
	test "$name" = 0001-mm-swap-fix-race-when-skipping-swapcache.patch &&
	test "$(conf_get sd/s1/series.conf "patch.$name.upstream")" = "$FIX1" &&
	test "$(conf_get sd/s1/series.conf "patch.$name.fixes")" = "$(echo "$BUG" | cut -c1-12)" &&
	test "$(conf_get sd/s1/series.conf "patch.$name.subject")" = \
		"mm/swap: fix race when skipping swapcache" &&
	! conf_get sd/s1/series.conf "patch.$name.release" &&
	grep -q "^From: A U Thor <author@example.com>$" "sd/s1/$name" &&
	grep -q "^Date: $(git -C up log -1 --format=%aD "$FIX1")$" "sd/s1/$name" &&
	grep -q "^Signed-off-by: Kai Ruisong <kai@example.org>$" "sd/s1/$name" &&
	git -C up show --format= "$FIX1" >expect.diff &&
	sed -n "/^diff --git/,\$p" "sd/s1/$name" >got.diff &&
	test_cmp_files expect.diff got.diff
'

test_expect_success 'a series from git show ports (two commits in one file)' '
	make_import imp v5.0 &&
	write_conf <<-EOF &&
	[tree "5.0"]
		path = imp
		ref = HEAD
		base = v5.0
	EOF
	git -C up show "$FIX1" "$FIX2" >fixes.show &&
	run_ltsport series new gs fixes.show --into sd &&
	test "$(cat rc)" = 0 &&
	test "$(grep -c "^0" sd/gs/series)" = 2 &&
	run_ltsport port --series sd/gs &&
	test "$(cat rc)" = 0 &&
	test "$(git -C imp log --format=%s ltsport/gs/5.0 | head -2 | tail -1)" = \
		"mm/swap: fix race when skipping swapcache"
'

test_expect_success 'an encoded author and folded encoded subject are decoded' '
	# (the blank between two encoded words is no text: RFC 2047 6.2)
	git -C up format-patch -q --stdout -1 "$FIX1" >fix1.mail &&
	sed -i -e "s/^From: .*/From: =?UTF-8?q?J=C3=B6rg?= =?ISO-8859-1?q?_Ex=E4mple?= <jorg@example.com>/" \
		-e "s/^Subject: .*/Subject: [PATCH] mm\/swap: =?UTF-8?q?f=C3=BCr?= race when\n skipping/" \
		fix1.mail &&
	run_ltsport series new enc fix1.mail --into sd &&
	test "$(cat rc)" = 0 && test ! -s err &&
	n=$(grep -v "^#" sd/enc/series) &&
	grep -q "^From: =?UTF-8?[bq]?[^ ]*?= <jorg@example.com>$" "sd/enc/$n" &&
	git mailinfo msg.txt patch.txt <"sd/enc/$n" >info &&
	grep -q "^Author: Jörg Exämple$" info &&
	grep -q "^Subject: mm/swap: für race when skipping$" info &&
	test "$(conf_get sd/enc/series.conf "patch.$n.subject")" = \
		"mm/swap: für race when skipping" &&
	test "$(conf_get sd/enc/series.conf "patch.$n.upstream")" = "$FIX1" &&
	run_ltsport port --series sd/enc &&
	test "$(cat rc)" = 0 &&
	test "$(git -C imp log -1 --format=%an ltsport/enc/5.0)" = "Jörg Exämple"
'

test_expect_success 'git show keeps the author date zone (+0530)' '
	git -C sm show HEAD~2 >c1.show &&
	run_ltsport series new z c1.show --into sd &&
	test "$(cat rc)" = 0 &&
	grep -q "^Date: $(git -C sm log -1 --format=%aD HEAD~2)$" sd/z/0001-f-change-1.patch &&
	grep -q "^Date: .* +0530$" sd/z/0001-f-change-1.patch
'

test_expect_success 'git log -p output: every commit, in the file order' '
	git -C sm log -p --reverse -3 >three.log &&
	run_ltsport series new lg three.log --into sd &&
	test "$(cat rc)" = 0 &&
	printf "%s\n" 0001-f-change-1.patch 0002-f-change-2.patch 0003-f-change-3.patch >expect &&
	grep -v "^#" sd/lg/series >got && test_cmp_files expect got
'

test_expect_success 'port keeps the upstream author date and zone (-0930): branch and mail' '
	git init -q zr && (
		cd zr && printf "%s\n" a b c d e f g h >f.c && git add f.c && git commit -q -m base &&
		sed -i "2s/.*/fixed/" f.c &&
		GIT_AUTHOR_DATE="1700000000 -0930" GIT_AUTHOR_NAME="Zo West" \
			git commit -q -a -m "f: fix b" -m "Fixes: $(git rev-parse --short=12 HEAD)"
	) &&
	git clone -q zr zt && git -C zt reset -q --hard HEAD~1 &&
	printf "[tree \"1.0\"]\n\tpath = zt\n\tref = HEAD\n" >zone.conf &&
	git -C zr show HEAD >zr.show &&
	run_ltsport series new zr zr.show --into sd &&
	run_ltsport port --config zone.conf --series sd/zr --backports zb &&
	test "$(cat rc)" = 0 &&
	want=$(git -C zr log -1 --format=%aD) &&
	test "$want" = "Tue, 14 Nov 2023 12:43:20 -0930" &&
	test "$(git -C zt log -1 --format=%aD ltsport/zr/1.0)" = "$want" &&
	test "$(git -C zt log -1 --format="%an <%ae>" ltsport/zr/1.0)" = \
		"Zo West <author@example.com>" &&
	grep -q "^Date: $want$" zb/zr/1.0/0001-f-fix-b.patch &&
	grep -q "^From: Zo West <author@example.com>$" zb/zr/1.0/0001-f-fix-b.patch
'

test_expect_success 'mainline ids: message, author, date, release, fixes, fixes-release' '
	git -C up tag v5.1-rc1 "$FIX1" &&
	{ cat stable_trees.conf && printf "[mainline]\n\tpath = up\n"; } >ml.conf &&
	run_ltsport series new ml "$(echo "$FIX1" | cut -c1-12)" "$FIX2" --config ml.conf --into sd &&
	test "$(cat rc)" = 0 && test ! -s err &&
	c=sd/ml/series.conf &&
	p1=0001-mm-swap-fix-race-when-skipping-swapcache.patch &&
	p2=$(sed -n 3p sd/ml/series) &&
	test "$(conf_get $c "patch.$p1.upstream")" = "$FIX1" &&
	test "$(conf_get $c "patch.$p1.release")" = v5.1 &&
	test "$(conf_get $c "patch.$p1.fixes")" = "$(echo "$BUG" | cut -c1-12)" &&
	test "$(conf_get $c "patch.$p1.fixes-release")" = v4.15 &&
	test "$(conf_get $c "patch.$p2.upstream")" = "$FIX2" &&
	test "$(conf_get $c "patch.$p2.release")" = v5.2 &&
	test "$(conf_get $c "patch.$p2.fixes-release")" = v5.1 &&
	grep -q "^Date: $(git -C up log -1 --format=%aD "$FIX1")$" "sd/ml/$p1" &&
	git -C up log -1 --format=%b "$FIX1" | sed "\${/^\$/d}" >expect.body &&
	sed -n "/^Subject/,/^---$/p" "sd/ml/$p1" | sed "1,2d;\$d" >got.body &&
	test_cmp_files expect.body got.body &&
	git -C up show --format= "$FIX1" >expect.diff &&
	sed -n "/^diff --git/,\$p" "sd/ml/$p1" >got.diff &&
	test_cmp_files expect.diff got.diff
'

test_expect_success 'mainline ids: an unreleased fix has no release; bad ids' '
	(cd up && echo "int later;" >>mm/other.c && commit_all "mm: later" "Fixes: 0123456789ab") &&
	run_ltsport series new ml2 "$(git -C up rev-parse HEAD)" --config ml.conf --into sd &&
	test "$(cat rc)" = 0 &&
	n=$(grep -v "^#" sd/ml2/series) &&
	! conf_get sd/ml2/series.conf "patch.$n.release" &&
	test "$(conf_get sd/ml2/series.conf "patch.$n.fixes")" = 0123456789ab &&
	! conf_get sd/ml2/series.conf "patch.$n.fixes-release" &&
	expect_refused "^ltsport: 0123456789abcdef: no such commit in the mainline clone of ml.conf" \
		bad 0123456789abcdef --config ml.conf &&
	expect_refused "^ltsport: nosuch.conf: no such file; a mainline id needs" \
		bad "$FIX1" --config nosuch.conf &&
	expect_refused "^ltsport: fix1.show:1: commit $(echo "$FIX1" | cut -c1-12) is there already ($FIX1)" \
		bad "$FIX1" fix1.show --config ml.conf
'

test_expect_success 'a lore mbox (mboxrd, quoted-printable, a reply): its commit found in mainline' '
	git -C up format-patch -q --stdout -1 "$FIX1" >fix1.fp &&
	{
		echo "From mboxrd@z Thu Jan  1 00:00:00 1970" &&
		sed -n "2,/^\$/p" fix1.fp | sed "/^\$/d" &&
		echo "Content-Transfer-Encoding: quoted-printable" && echo &&
		echo ">From the report: a =3D b, caf=C3=A9 =" && echo "joined" &&
		sed "1,/^\$/d" fix1.fp &&
		echo && echo "From mboxrd@z Thu Jan  1 00:00:00 1970" &&
		printf "From: R <r@example.com>\nSubject: Re: [PATCH] x\n\n> quoted\n"
	} >lore.mbox &&
	run_ltsport series new lore lore.mbox --config ml.conf --into sd &&
	test "$(cat rc)" = 0 && test ! -s err &&
	n=$(grep -v "^#" sd/lore/series) &&
	test "$(conf_get sd/lore/series.conf "patch.$n.upstream")" = "$FIX1" &&
	test "$(conf_get sd/lore/series.conf "patch.$n.release")" = v5.1 &&
	test "$(conf_get sd/lore/series.conf "patch.$n.fixes-release")" = v4.15 &&
	grep -q "^From the report: a = b, café joined$" "sd/lore/$n" &&
	expect_refused "^ltsport: lore.mbox:1: no upstream commit id .*no \[mainline\] clone" \
		lore2 lore.mbox --config nosuch.conf
'

test_expect_success '--series NAME: beside --config, then the project, then the share dir' '
	mkdir -p c &&
	printf "[tree \"5.0\"]\n\tpath = %s/imp\n\tref = HEAD\n" "$TRASH" >c/stable_trees.conf &&
	run_ltsport status --config c/stable_trees.conf --series swap-race &&
	test "$(cat rc)" = 0 && grep -q "^series swap-race: 2 patches" out &&
	run_ltsport series new swap-race fix1.show --into c/series &&
	run_ltsport status --config c/stable_trees.conf --series swap-race &&
	test "$(cat rc)" = 0 && grep -q "^series swap-race: 1 patch," out &&
	run_ltsport status --config c/stable_trees.conf --series nosuch &&
	test "$(cat rc)" = 2 && test ! -s out &&
	grep -q "series .nosuch.: no such directory (looked in $TRASH/c/series/, $TOP/series/, /[^ ]*/share/ltsport/series/)" err
'

# mbox_part FILE N: the Nth message of an mbox (from 1).
mbox_part() {
	awk -v n="$2" "/^From [0-9a-f]+ Mon Sep 17/ { k++ } k == n" "$1"
}

test_expect_success 'an mbox of three patches and a cover letter, out of order, with a reply' '
	git -C sm format-patch -q --stdout --cover-letter -3 >fp.mbox &&
	{
		mbox_part fp.mbox 4 && mbox_part fp.mbox 1 &&
		printf "From x@y Mon Sep 17 00:00:00 2001\nFrom: R <r@example.com>\n" &&
		printf "Subject: Re: [PATCH 2/3] f: change 2\n\n> diff --git a/f.c b/f.c\nLooks good.\n\n" &&
		mbox_part fp.mbox 3 && mbox_part fp.mbox 2
	} >mixed.mbox &&
	run_ltsport series new mb mixed.mbox --into sd &&
	test "$(cat rc)" = 0 && test ! -s err &&
	grep -v "^#" sd/mb/series >got && test_cmp_files expect got &&
	for i in 1 2 3; do
		n=$(sed -n "$((i + 1))p" sd/mb/series) &&
		test "$(conf_get sd/mb/series.conf "patch.$n.upstream")" = \
			"$(git -C sm rev-parse HEAD~$((3 - i)))" &&
		grep -q "^Body of change $i.$" "sd/mb/$n" || return 1
	done
'

test_expect_success 'a subject with ; and # round-trips through series.conf; the CVE named' '
	(cd sm && echo x >>f.c && git commit -q -a -m "f: a; b # c \"q\"" -m "Fixes CVE-2024-12345.") &&
	git -C sm show HEAD >semi.show &&
	run_ltsport series new semi semi.show --into sd &&
	test "$(cat rc)" = 0 &&
	n=$(grep -v "^#" sd/semi/series) &&
	test "$(conf_get sd/semi/series.conf "patch.$n.subject")" = "f: a; b # c \"q\"" &&
	test "$(conf_get sd/semi/series.conf "patch.$n.cve")" = CVE-2024-12345
'

test_expect_success 'an existing series is refused, then replaced with --force' '
	run_ltsport series new s1 c1.show --into sd &&
	test "$(cat rc)" = 2 && grep -q "sd/s1: exists; pass --force" err &&
	grep -q fix-race sd/s1/series &&
	run_ltsport series new s1 c1.show --into sd --force &&
	test "$(cat rc)" = 0 && grep -q f-change-1 sd/s1/series &&
	test -z "$(ls -A sd | grep "^\.")"
'

test_expect_success 'bad input: a mail without a diff' '
	rm -rf sd &&
	printf "From: A <a@example.com>\nSubject: [PATCH] x\n\nno diff\n" >nodiff.mail &&
	expect_refused "^ltsport: nodiff.mail:1: no .diff --git. section" nd nodiff.mail
'

test_expect_success 'bad input: a truncated mbox (cut in a diff, cut between patches)' '
	head -c $(($(wc -c <fp.mbox) - 120)) fp.mbox >cut.mbox &&
	line=$(grep -n "^diff --git" cut.mbox | tail -1 | cut -d: -f1) &&
	expect_refused "^ltsport: cut.mbox:$((line + 1)): corrupt patch" ct cut.mbox &&
	{ mbox_part fp.mbox 1 && mbox_part fp.mbox 2; } >two.mbox &&
	expect_refused "^ltsport: two.mbox:[0-9]*: the mbox ends before patch 2/3" ct two.mbox
'

test_expect_success 'bad input: a source that does not exist, a bad name' '
	expect_refused "^ltsport: nosuch.patch: no such file" ns nosuch.patch &&
	expect_refused "series name .\.bad. cannot name" .bad c1.show
'

test_done
