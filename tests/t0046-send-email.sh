#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# backports/<series>/<tree>/ as git send-email takes it: a cover letter for
# two patches or more, To the stable list, Cc the upstream author and the
# trailers' people, Message-IDs stable across re-runs, --in-reply-to.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

out5=backports/test-race/5.0
outst=backports/test-race/5.0-st
cover=$out5/0000-cover-letter.patch
m1=$out5/0001-mm-swap-fix-race-when-skipping-swapcache.patch
m2=$out5/0002-mm-avoid-unconditional-one-tick-sleep-when-swapcache.patch
one=$outst/0001-mm-avoid-unconditional-one-tick-sleep-when-swapcache.patch

# headers <mail> <name>: the field, its continuation lines joined by a newline.
headers() {
	sed -n '/^$/q; p' "$1" | awk -v f="$2:" '
		index($0, f) == 1 { on = 1; print; next }
		on && /^[ \t]/ { print; next }
		{ on = 0 }'
}

test_expect_success 'setup' '
	make_upstream && make_series &&
	f=$(ls series-dir/0001-*.patch) &&
	sed -i "s/^Signed-off-by: Kai Ruisong <kai@example.org>\$/Reported-by: syzbot+1a2b@example.com\n&\nCc: stable@vger.kernel.org # 4.15+\nAcked-by: \"Ack, Er\" <ack@example.org>\nReviewed-by: J$(printf "\303\274")rgen Gro$(printf "\303\237") <jg@example.org>\nTested-by: Kai Ruisong <KAI@example.org>\nCc: C O Mitter <committer@example.com>\nLink: https:\/\/lore.example.org\/r\/1@example.org/" $f &&
	grep -q "^Reviewed-by: J.*rgen" $f &&
	make_import imp v5.0 && make_stable st v5.0 upstream &&
	write_conf <<-EOF
	[tree "5.0"]
		path = imp
		ref = HEAD
		base = v5.0
	[tree "5.0-st"]
		path = st
		ref = HEAD
		base = v5.0
	EOF
'

test_expect_success 'two patches: a cover letter beside them, not in the series file' '
	run_ltsport port --series series-dir &&
	test "$(cat rc)" = 0 && test ! -s err &&
	grep -q "^  0000-cover-letter.patch  (not in series)$" out &&
	test -f $cover && ! grep -q cover-letter $out5/series &&
	test "$(wc -l <$out5/series)" = 2 &&
	headers $cover Subject >subj &&
	echo "Subject: [PATCH 5.0.y 0/2] mm/swap: fix race when skipping swapcache" >expect &&
	test_cmp_files expect subj &&
	grep -q "^Subject: \[PATCH 5.0.y 1/2\] mm/swap: fix race when skipping swapcache$" $m1 &&
	grep -q "^Subject: \[PATCH 5.0.y 2/2\] mm: avoid unconditional" $m2 &&
	test "$(headers $cover From)" = "From: C O Mitter <committer@example.com>" &&
	headers $cover Date | grep -Eq "^Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} [-+][0-9]{4}$"
'

test_expect_success 'the cover letter: each patch, its verdict, rung and note' '
	fix1=$(echo $FIX1 | cut -c1-12) && fix2=$(echo $FIX2 | cut -c1-12) &&
	sed -n "/^$/,\$p" $cover >body &&
	grep -q "^The 2 patches of the series test-race that 5.0 lacks, ported onto its$" body &&
	grep -q "^tip $(git -C imp rev-parse --short=12 HEAD) by ltsport" body &&
	grep -A1 "^1/2 mm/swap: fix race when skipping swapcache$" body | tail -1 >l1 &&
	echo "    upstream $fix1: missing here; ported by the exact rung" >expect &&
	test_cmp_files expect l1 &&
	grep -A1 "^2/2 mm: avoid unconditional one-tick sleep when swapcache_prepare fails$" body |
		tail -1 >l2 &&
	echo "    upstream $fix2: missing here; ported by the exact rung" >expect &&
	test_cmp_files expect l2 &&
	test "$(grep -c "^\[ ltsport: applied as upstream (exact: every hunk unchanged)" body)" = 2
'

test_expect_success 'To the list, Cc the author and the trailers, each once, not the backporter' '
	{ headers $m1 To && headers $m1 Cc; } >rcpt &&
	cat >expect <<-EOF &&
	To: stable@vger.kernel.org
	Cc: A U Thor <author@example.com>,
	    syzbot+1a2b@example.com,
	    Kai Ruisong <kai@example.org>,
	    "Ack, Er" <ack@example.org>,
	    =?UTF-8?b?SsO8cmdlbiBHcm/Dnw==?= <jg@example.org>
	EOF
	test_cmp_files expect rcpt &&
	headers $m1 Cc | perl -MEncode -CS -ne "print decode(\"MIME-Header\", \$_)" |
		tail -1 >decoded &&
	printf "    J\303\274rgen Gro\303\237 <jg@example.org>\n" >expect &&
	test_cmp_files expect decoded &&
	{ headers $m2 To && headers $m2 Cc; } >rcpt &&
	printf "%s\n" "To: stable@vger.kernel.org" "Cc: A U Thor <author@example.com>," \
		"    Barry Sung <barry@example.org>" >expect &&
	test_cmp_files expect rcpt &&
	headers $cover Cc >rcpt &&
	cat >expect <<-EOF &&
	Cc: A U Thor <author@example.com>,
	    syzbot+1a2b@example.com,
	    Kai Ruisong <kai@example.org>,
	    "Ack, Er" <ack@example.org>,
	    =?UTF-8?b?SsO8cmdlbiBHcm/Dnw==?= <jg@example.org>,
	    Barry Sung <barry@example.org>
	EOF
	test_cmp_files expect rcpt &&
	for m in $cover $m1 $m2; do
		! headers $m Cc | grep -qi committer@example.com || return 1
	done &&
	grep -q "^Content-Type: text/plain; charset=UTF-8$" $m1 &&
	! grep -q "^Content-Type:" $m2 $cover
'

test_expect_success 'Message-IDs: one per mail, the patches under the cover letter' '
	c=$(headers $cover Message-ID | sed "s/^Message-ID: //") &&
	echo "$c" | grep -q "^<ltsport\.[0-9a-f]\{16\}\.0@example\.com>$" &&
	! grep -q "^In-Reply-To:\|^References:" $cover &&
	for p in $m1 $m2; do
		test "$(headers $p In-Reply-To)" = "In-Reply-To: $c" &&
		test "$(headers $p References)" = "References: $c" || return 1
	done &&
	cat $cover $m1 $m2 | grep "^Message-ID:" | sort -u >ids &&
	test "$(wc -l <ids)" = 3 &&
	test "$(headers $one Message-ID | wc -l)" = 1 &&
	! grep -q "^In-Reply-To:\|^References:" $one
'

test_expect_success 'Message-IDs: the same on a re-run, new on a new tip' '
	cat $cover $m1 $m2 $one | grep "^Message-ID:\|^In-Reply-To:\|^References:" >before &&
	run_ltsport port --series series-dir && test "$(cat rc)" = 0 &&
	cat $cover $m1 $m2 $one | grep "^Message-ID:\|^In-Reply-To:\|^References:" >again &&
	test_cmp_files before again &&
	grep -h "^Message-ID:" $cover $m1 $m2 >old &&
	(cd imp && echo "int tip_moved;" >>mm/other.c && git commit -q -am "mm: move the tip") &&
	run_ltsport port --series series-dir && test "$(cat rc)" = 0 &&
	grep -h "^Message-ID:" $cover $m1 $m2 >new &&
	test "$(wc -l <new)" = 3 && test "$(wc -l <old)" = 3 &&
	test -z "$(sort old new | uniq -d)"
'

test_expect_success 'one patch: no cover letter, the mail not numbered (as format-patch)' '
	test ! -e $outst/0000-cover-letter.patch &&
	test "$(cat $outst/series)" = "$(basename $one)" &&
	grep -q "^Subject: \[PATCH\] mm: avoid unconditional one-tick sleep" $one &&
	{ headers $one To && headers $one Cc; } >rcpt &&
	printf "%s\n" "To: stable@vger.kernel.org" "Cc: A U Thor <author@example.com>," \
		"    Barry Sung <barry@example.org>" >expect &&
	test_cmp_files expect rcpt
'

test_expect_success '--in-reply-to: the cover letter (or the one patch) answers it' '
	run_ltsport port --series series-dir --in-reply-to 20261201.failed-1@kernel.org &&
	test "$(cat rc)" = 0 && test ! -s err &&
	m="<20261201.failed-1@kernel.org>" &&
	c=$(headers $cover Message-ID | sed "s/^Message-ID: //") &&
	test "$(headers $cover In-Reply-To)" = "In-Reply-To: $m" &&
	test "$(headers $cover References)" = "References: $m" &&
	for p in $m1 $m2; do
		test "$(headers $p In-Reply-To)" = "In-Reply-To: $c" &&
		test "$(headers $p References)" = "References: $m $c" || return 1
	done &&
	test "$(headers $one In-Reply-To)" = "In-Reply-To: $m" &&
	test "$(headers $one References)" = "References: $m" &&
	run_ltsport port --series series-dir --in-reply-to "$m" &&
	test "$(cat rc)" = 0 &&
	test "$(headers $one In-Reply-To)" = "In-Reply-To: $m"
'

test_expect_success 'a bad --in-reply-to: exit 2, one error, nothing written' '
	for bad in "" "no-at-sign" "<a@b" "a@b@c" "@kernel.org" "<a@b> <c@d>" "a b@c" "<a@b><c@d>"; do
		rm -rf backports &&
		git -C imp for-each-ref --format="delete %(refname)" refs/heads/ltsport |
			git -C imp update-ref --stdin &&
		git -C st for-each-ref --format="delete %(refname)" refs/heads/ltsport |
			git -C st update-ref --stdin &&
		run_ltsport port --series series-dir --in-reply-to "$bad" &&
		test "$(cat rc)" = 2 &&
		test "$(wc -l <err)" = 1 &&
		grep -q "^ltsport: port: --in-reply-to .*; give the Message-ID of the mail to answer, <id@host>$" err &&
		test ! -s out && test ! -e backports &&
		test -z "$(git -C imp for-each-ref refs/heads/ltsport)" ||
		{ echo "taken: \"$bad\""; cat err; return 1; }
	done
'

test_expect_success 'git mailinfo reads every mail' '
	run_ltsport port --series series-dir && test "$(cat rc)" = 0 &&
	git mailinfo msg patch <$cover >info &&
	grep -q "^Author: C O Mitter$" info &&
	grep -q "^Subject: mm/swap: fix race when skipping swapcache$" info &&
	test ! -s patch &&
	for p in $m1 $m2 $one; do
		git mailinfo msg patch <$p >info &&
		grep -q "^Author: A U Thor$" info && grep -q "^diff --git a/mm/memory.c" patch &&
		grep -q "^commit [0-9a-f]\{40\} upstream.$" msg || return 1
	done
'

if git send-email -h 2>&1 | grep -q -- "--dry-run"; then
	test_expect_success 'git send-email --dry-run takes the files' '
		timeout 120 git send-email --dry-run --to=x@example.com --suppress-cc=all \
			$out5/*.patch </dev/null >se.out 2>se.err &&
		test "$(grep -c "^Result: OK$" se.out)" = 3 &&
		test "$(grep -c "^Message-Id: <ltsport\." se.out)" = 3 &&
		test "$(grep -c "^Subject: \[PATCH 5.0.y [0-2]/2\]" se.out)" = 3 &&
		grep -q "^RCPT TO:<stable@vger.kernel.org>$" se.out &&
		timeout 120 git send-email --dry-run --to=x@example.com --suppress-cc=body \
			--suppress-cc=author --suppress-cc=self $m1 </dev/null >se.out 2>se.err &&
		grep -q "^RCPT TO:<jg@example.org>$" se.out &&
		grep -q "^RCPT TO:<ack@example.org>$" se.out &&
		! grep -q "^RCPT TO:<committer@example.com>$" se.out
	'
else
	test_skip 'git send-email --dry-run takes the files' 'no git send-email (apt-get install git-email)'
fi

test_done
