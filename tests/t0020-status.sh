#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ltsport status: verdicts and the evidence that decided them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

test_expect_success 'setup: upstream, series and five kinds of tree' '
	make_upstream && make_series &&
	make_import old v4.14 &&
	make_import imp v5.0 &&
	make_import impfixed v5.2 &&
	make_stable st-upstream v5.0 upstream &&
	make_stable st-bracket v5.0 bracket &&
	make_stable st-cherry v5.0 cherry &&
	git clone -q up hist && git -C hist checkout -q -b work v5.1 &&
	git clone -q up nomark && (cd nomark && git checkout -q -b stable v5.0 &&
		echo "int x;" >>mm/other.c && commit_all "mm: unrelated stable change") &&
	git clone -q up subj && (cd subj && git checkout -q -b stable v5.0 &&
		echo "int y;" >>mm/other.c &&
		commit_all "mm/swap: fix race when skipping swapcache") &&
	write_conf <<-EOF
	[tree "4.14"]
		path = old
		ref = HEAD
		base = v4.14
	[tree "imp"]
		path = imp
		ref = HEAD
		base = v5.0
	[tree "impfixed"]
		path = impfixed
		ref = HEAD
	[tree "st-upstream"]
		path = st-upstream
		ref = linux-stable
		base = v5.0
	[tree "st-bracket"]
		path = st-bracket
		ref = HEAD
		base = v5.0
	[tree "st-cherry"]
		path = st-cherry
		ref = HEAD
		base = v5.0
	[tree "hist"]
		path = hist
		ref = work
		base = v5.1
	[tree "nomark"]
		path = nomark
		ref = stable
		base = v5.0
	[tree "subj"]
		path = subj
		ref = stable
		base = v5.0
	[tree "6.6"]
		path = trees/6.6
		ref = HEAD
	EOF
'

# verdict <tree> <patch id>: the verdict field; evidence likewise.
verdict() {
	jq -r ".[] | select(.tree == \"$1\" and .patch == \"$2\") | .verdict" status.json
}
evidence() {
	jq -r ".[] | select(.tree == \"$1\" and .patch == \"$2\") | .evidence" status.json
}
state() {
	jq -r "[.[] | select(.tree == \"$1\")][0].series_state" status.json
}

test_expect_success 'status --json runs and prints one object per (tree, patch)' '
	"$LTSPORT" status --series series-dir --json >status.json &&
	test "$(jq length status.json)" = 20 &&
	jq -e "all(.[]; has(\"tree\") and has(\"patch\") and has(\"verdict\") and has(\"evidence\"))" status.json
'

test_expect_success 'before the Fixes: target: not affected, by version' '
	test "$(verdict 4.14 $FIX1)" = not-affected &&
	evidence 4.14 $FIX1 | grep -q "^version: 4.14.0 is older than v4.15" &&
	test "$(verdict 4.14 $FIX2)" = not-affected &&
	evidence 4.14 $FIX2 | grep -q "^series: fixes ${FIX1:0:12}, which is not-affected" &&
	test "$(state 4.14)" = not-affected
'

test_expect_success 'import without the fix: missing, by content' '
	test "$(verdict imp $FIX1)" = missing &&
	evidence imp $FIX1 | grep -q "^content: the patch applies to HEAD$" &&
	test "$(verdict imp $FIX2)" = missing &&
	evidence imp $FIX2 | grep -q "^content: the patch applies to HEAD, with the series. earlier fixes$" &&
	test "$(state imp)" = missing
'

test_expect_success 'import with both fixes: fixed, by content' '
	test "$(verdict impfixed $FIX1)" = fixed &&
	test "$(verdict impfixed $FIX2)" = fixed &&
	evidence impfixed $FIX2 | grep -q "^content: the patch reverse-applies" &&
	test "$(state impfixed)" = fixed
'

test_expect_success 'stable markers since the base tag: fixed, by history' '
	for t in st-upstream st-bracket st-cherry; do
		test "$(verdict $t $FIX1)" = fixed &&
		evidence $t $FIX1 | grep -q "^history: [0-9a-f]\{12\} (\"mm/swap: fix race when skipping swapcache\") carries the marker for ${FIX1:0:12}" &&
		test "$(verdict $t $FIX2)" = missing &&
		test "$(state $t)" = partial || return 1
	done
'

test_expect_success 'ancestry: fixed, by history' '
	test "$(verdict hist $FIX1)" = fixed &&
	evidence hist $FIX1 | grep -q "^history: upstream ${FIX1:0:12} is an ancestor of work"
'

test_expect_success 'stable history without a marker: missing' '
	test "$(verdict nomark $FIX1)" = missing
'

test_expect_success 'a subject match alone is a warning, never proof' '
	test "$(verdict subj $FIX1)" = missing &&
	jq -r ".[] | select(.tree == \"subj\" and .patch == \"$FIX1\") | .warning" status.json |
		grep -q "^subject match only:"
'

test_expect_success 'an absent tree is listed as absent' '
	test "$(verdict 6.6 $FIX1)" = absent
'

test_expect_success 'the matrix names the evidence for every verdict' '
	"$LTSPORT" status --series series-dir >matrix &&
	grep -q "^tree  *series  *${FIX1:0:12}  *${FIX2:0:12}" matrix &&
	grep -q "^st-cherry  *partial  *fixed  *missing" matrix &&
	test "$(grep -c "^  [^ ]* [0-9a-f]\{12\} [a-z-]*: " matrix)" = 18
'

test_expect_success '--tree narrows the work' '
	"$LTSPORT" status --series series-dir --tree imp --tree 4.14 --json >two.json &&
	test "$(jq -r "[.[].tree] | unique | join(\",\")" two.json)" = "4.14,imp"
'

test_expect_success 'a base tag that is absent: said, no walk' '
	git -C nomark tag -d v5.0 >/dev/null &&
	"$LTSPORT" status --series series-dir --tree nomark >m &&
	grep -q "nomark: base v5.0 absent: no history walk" m
'

test_expect_success 'a subject that is not UTF-8 (Latin-1) still gives valid JSON' '
	cp -r series-dir latin1 &&
	printf "s/^\\tsubject = mm: avoid unconditional/\\tsubject = mm: caf\\351 avoid unconditional/\\n" >sed.latin1 &&
	sed -i -f sed.latin1 latin1/series.conf &&
	grep -q "caf.\\{1\\} avoid" latin1/series.conf &&
	"$LTSPORT" status --series latin1 --tree imp --json >latin1.json &&
	python3 -m json.tool latin1.json >/dev/null &&
	jq -e "[.[] | select(.subject | test(\"caf\\ufffd avoid\"))] | length == 1" latin1.json
'

status_record=backports/.work/imp/status.json

test_expect_success 'status keeps the verdicts in a record keyed by its inputs' '
	rm -rf backports &&
	"$LTSPORT" status --series series-dir --tree imp --json >first.json &&
	test "$(jq -r .stage $status_record)" = status &&
	test "$(jq -r .tip $status_record)" = "$(git -C imp rev-parse HEAD)" &&
	test "$(jq -r ".patches | length" $status_record)" = 2 &&
	jq ".patches[0].evidence = \"from the record\"" $status_record >rec.tmp &&
	mv rec.tmp $status_record &&
	"$LTSPORT" status --series series-dir --tree imp --json >second.json &&
	test "$(jq -r ".[0].evidence" second.json)" = "from the record"
'

test_expect_success 'the record is decided again when the series or the tree changes' '
	cp -r series-dir changed-series &&
	sed -i "s/^\\tfixes-release = v4.15/\\tfixes-release = v4.16/" changed-series/series.conf &&
	! cmp -s series-dir/series.conf changed-series/series.conf &&
	"$LTSPORT" status --series changed-series --tree imp --json >third.json &&
	test "$(jq -r ".[0].evidence" third.json)" != "from the record" &&
	jq ".patches[0].evidence = \"from the record\"" $status_record >rec.tmp &&
	mv rec.tmp $status_record &&
	(cd imp && echo "int later;" >>mm/other.c && commit_all "later") &&
	"$LTSPORT" status --series changed-series --tree imp --json >fourth.json &&
	test "$(jq -r ".[0].evidence" fourth.json)" != "from the record" &&
	test "$(jq -r .tip $status_record)" = "$(git -C imp rev-parse HEAD)"
'

test_expect_success 'the record is decided again when a cocci/api bridge changes' '
	mkdir api && cp "$TOP"/cocci/api/*.cocci api/ &&
	LTSPORT_COCCI_API=$TRASH/api "$LTSPORT" status --series changed-series --tree imp --json >b1.json &&
	jq ".patches[0].evidence = \"from the record\"" $status_record >rec.tmp &&
	mv rec.tmp $status_record &&
	LTSPORT_COCCI_API=$TRASH/api "$LTSPORT" status --series changed-series --tree imp --json >b2.json &&
	test "$(jq -r ".[0].evidence" b2.json)" = "from the record" &&
	echo "// a reader.s comment" >>api/timer_delete.cocci &&
	LTSPORT_COCCI_API=$TRASH/api "$LTSPORT" status --series changed-series --tree imp --json >b3.json &&
	test "$(jq -r ".[0].evidence" b3.json)" != "from the record"
'

test_expect_success 'a corrupt record is decided again, never taken' '
	echo "{\\"schema\\":1," >$status_record &&
	"$LTSPORT" status --series series-dir --tree imp --json >fifth.json &&
	test "$(jq -r ".[0].verdict" fifth.json)" = missing &&
	jq -e .inputs $status_record >/dev/null
'

test_expect_success 'a shallow clone: the walk stops at its edge, status still decides' '
	git clone -q --depth 1 "file://$TRASH/up" shallow &&
	git -C shallow fetch -q --depth 1 origin tag v5.0 &&
	cat >shallow.conf <<-EOF &&
	[tree "5.2"]
		path = shallow
		ref = HEAD
		base = v5.0
	EOF
	"$LTSPORT" status --config shallow.conf --series "$TRASH/series-dir" --json >shallow.json &&
	test "$(jq -r ".[0].series_state" shallow.json)" = fixed &&
	git clone -q --depth 3 "file://$TRASH/up" shallow3 &&
	git -C shallow3 fetch -q --depth 3 origin tag v5.1 &&
	sed "s/shallow$/shallow3/; s/v5.0/v5.1/" shallow.conf >shallow3.conf &&
	"$LTSPORT" status --config shallow3.conf --series "$TRASH/series-dir" >shallow3.out &&
	grep -q "^  5.2: 2 commits walked since v5.1$" shallow3.out
'

test_done
