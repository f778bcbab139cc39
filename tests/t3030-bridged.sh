#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bridged rung: a folio-era upstream patch carried onto a page-era tree
# by lifting the tree's file with the cocci/api bridges, applying upstream
# as it is and lowering back; upstream's comment kept word for word, the
# tree's own calls as the tree wrote them. And patches no bridge can carry:
# the rung says why and the ladder goes on.
. "$(dirname "$0")/lib.sh"

if ! command -v spatch >/dev/null; then
	test_skip bridged "spatch is not installed (apt-get install coccinelle)"
	test_done
fi

# The skip branch of a small do_swap_page(), in the page era ($1 = page)
# or the folio era ($1 = folio); $2 = extra adds a function with a folio
# call of its own (on a global: a file declaring *folio is not lifted).
write_swapin() {
	mkdir -p mm && {
		echo '/* a small stand-in for mm/memory.c */'
		if [ "${2:-}" = extra ]; then
			echo 'void drop_one(void)'
			echo '{'
			echo '	folio_put(folio);'
			echo '}'
			echo
		fi
		echo 'vm_fault_t do_swap_page(struct vm_fault *vmf)'
		echo '{'
		echo '	vm_fault_t ret = 0;'
		echo
		echo '	if (synchronous(vmf)) {'
		if [ "$1" = page ]; then
			echo '		page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, vmf->address);'
			echo '		if (page) {'
			echo '			__SetPageLocked(page);'
			echo '			__SetPageSwapBacked(page);'
			echo '			swap_readpage(page, true);'
		else
			echo '		folio = vma_alloc_folio(GFP_HIGHUSER_MOVABLE, 0, vma, vmf->address);'
			echo '		if (folio) {'
			echo '			__folio_set_locked(folio);'
			echo '			__folio_set_swapbacked(folio);'
			echo '			swap_read_folio(folio, NULL);'
		fi
		echo '		}'
		echo '	}'
		for i in 1 2 3 4; do
			echo "	step_$i(vmf);"
		done
		echo 'out_page:'
		if [ "$1" = page ]; then
			echo '	unlock_page(page);'
			echo '	put_page(page);'
		else
			echo '	folio_unlock(folio);'
			echo '	folio_put(folio);'
		fi
		echo '	return ret;'
		echo '}'
	} >mm/memory.c
}

# An upstream-style fix of our own on the folio-era file: $1 = known uses
# only helpers the bridges know, unknown one they do not.
upstream_fix() {
	if [ "$1" = known ]; then
		sed -i '/swap_read_folio(folio, NULL);/a\
			/*\
			 * A synchronous read that failed leaves the folio\
			 * !uptodate: give up on it here, before it is mapped.\
			 */\
			if (!folio_test_uptodate(folio))\
				goto out_page;' mm/memory.c
	elif [ "$1" = counted ]; then
		sed -i -e '/swap_read_folio(folio, NULL);/a\
			/*\
			 * A read that skipped the swapcache is counted\
			 * apart: reclaim tuning reads the figure.\
			 */\
			count_vm_event(PSWPIN_SKIP);' -e '/step_4(vmf);/a\
	trace_swapin(vmf);' mm/memory.c
	else
		sed -i '/swap_read_folio(folio, NULL);/a\
			/* Dirty it at once, or reclaim drops the data. */\
			folio_mark_dirty(folio);' mm/memory.c
	fi
}

# make_case <name> <fix: known|unknown> <tree extra or "">: an upstream repo
# "up-<name>" in the folio era with the fix as its last commit, the fix as
# a format-patch in "series-<name>", a page-era tree "tree-<name>".
make_case() {
	git init -q "up-$1" && (
		cd "up-$1" && write_swapin folio && git add -A && git commit -q -m base &&
		upstream_fix "$2" &&
		git commit -q -a -m "mm: swap: a bridged fix ($1)" -m "Signed-off-by: Up Stream <up@example.org>"
	) &&
	mkdir "series-$1" && git -C "up-$1" format-patch -q -o "../series-$1" -1 &&
	(cd "series-$1" && ls 0*.patch >series) &&
	id=$(git -C "up-$1" rev-parse HEAD) &&
	printf '[series]\n\tname = br-%s\n[patch "%s"]\n\tupstream = %s\n\tsubject = mm: swap: a bridged fix (%s)\n\tauthor = A U Thor <author@example.com>\n\trelease = v6.10\n' \
		"$1" "$(cat "series-$1/series")" "$id" "$1" >"series-$1/series.conf" &&
	git init -q "tree-$1" && (
		cd "tree-$1" &&
		printf 'VERSION = 5\nPATCHLEVEL = 10\nSUBLEVEL = 0\nEXTRAVERSION =\nNAME = Test\n' >Makefile &&
		write_swapin page $3 && git add -A && git commit -q -m "Import linux v5.10" && git tag v5.10 &&
		echo "int stable_only;" >mm/other.c && git add mm/other.c &&
		git commit -q -m "mm: a stable-only change"
	) &&
	printf '[tree "%s"]\n\tpath = tree-%s\n\tref = HEAD\n\tbase = v5.10\n' "$1" "$1" >"conf-$1"
}

test_expect_success 'setup: folio-era fixes, page-era trees' '
	make_case good known "" &&
	make_case mixed known extra &&
	make_case nolower unknown ""
'

test_expect_success 'exact and relaxed cannot carry the folio-era patch' '
	! git -C tree-good apply --check ../series-good/0001-*.patch 2>/dev/null &&
	(cd tree-good && ! patch -p1 -F2 --dry-run -s <../series-good/0001-*.patch >/dev/null)
'

test_expect_success 'port: the bridged rung carries it, with a note naming the bridges' '
	run_ltsport port --config conf-good --series series-good &&
	cat out err && test "$(cat rc)" = 0 &&
	grep -q "^good: ported 1 patch" out &&
	test "$(jq -r ".patches[0].rung" backports/br-good/good/port.json)" = bridged &&
	sed -n "/^\[ ltsport: bridged/,/\]$/p" backports/br-good/good/0001-*.patch | tr "\n" " " | tr -s " " >note &&
	grep -q "bridged (page_folio_calls -D lift, swapin_read -D lift): lifted mm/memory.c to the folio helpers (6.0 on) from the page helpers and swap_read_folio(folio, NULL) (6.10) from swap_readpage(page, true), applied upstream, lowered back" note
'

test_expect_success 'the result: upstream lines word for word, lowered; the tree own calls unchanged' '
	git -C tree-good show ltsport/br-good/good:mm/memory.c >got &&
	(write_swapin page && sed -i "/swap_readpage(page, true);/a\\
			/*\\
			 * A synchronous read that failed leaves the folio\\
			 * !uptodate: give up on it here, before it is mapped.\\
			 */\\
			if (!PageUptodate(page))\\
				goto out_page;" mm/memory.c && mv mm/memory.c want) &&
	test_cmp_files want got &&
	git -C tree-good diff HEAD ltsport/br-good/good >d &&
	grep "^+[^+]" d >added && test "$(wc -l <added)" = 6 &&
	! grep "^-[^-]" d && ! grep "folio)" got
'

test_expect_success 'a tree that has folio calls of its own keeps them (the round trip is taken out)' '
	run_ltsport port --config conf-mixed --series series-mixed &&
	cat out err && test "$(cat rc)" = 0 &&
	test "$(jq -r ".patches[0].rung" backports/br-mixed/mixed/port.json)" = bridged &&
	git -C tree-mixed show ltsport/br-mixed/mixed:mm/memory.c >got-mixed &&
	sed -n 1,5p got-mixed >head && sed -n 1,5p tree-mixed/mm/memory.c >head-want &&
	test_cmp_files head-want head &&
	grep -q "^	folio_put(folio);$" got-mixed &&
	grep -q "^			if (!PageUptodate(page))$" got-mixed &&
	grep -q "^			 \* !uptodate: give up on it here, before it is mapped.$" got-mixed
'

test_expect_success 'a file that declares a folio pointer is not lifted by page_folio_calls' '
	git init -q tree-half && (
		cd tree-half && cp ../tree-good/Makefile . &&
		write_swapin page && sed -i "s/^	vm_fault_t ret = 0;$/&\\
	struct folio *folio = NULL;/" mm/memory.c && grep -q "struct folio \*folio" mm/memory.c &&
		git add -A && git commit -q -m "Import linux v5.10" && git tag v5.10 &&
		echo "int stable_only;" >mm/other.c && git add mm/other.c && git commit -q -m "a stable change"
	) &&
	sed "s/tree-good/tree-half/; s/\"good\"/\"half\"/" conf-good >conf-half &&
	run_ltsport port --config conf-half --series series-good &&
	cat out err && test "$(cat rc)" = 1 &&
	grep -q "; bridged: swapin_read -D lift: upstream does not apply to the lifted files either" err
'

test_expect_success 'upstream code no bridge lowers: the rung says so, the ladder goes on' '
	run_ltsport port --config conf-nolower --series series-nolower &&
	cat out err && test "$(cat rc)" = 1 &&
	grep -q "bridged: page_folio_calls -D lift, swapin_read -D lift: mm/memory.c: upstream.s \"folio_mark_dirty(folio);\" stays in folio.s era after page_folio_calls -D lift; semantic: no cocci form for this patch" err &&
	! git -C tree-nolower rev-parse -q --verify ltsport/br-nolower/nolower
'

test_expect_success 'a patch that does not apply to the lifted file either: the reason, then semantic' '
	mkdir series-nofit && cp series-good/series series-good/series.conf series-nofit/ &&
	sed "s/swap_read_folio(folio, NULL);$/swap_read_folio(folio, plug);/" \
		series-good/0001-*.patch >series-nofit/$(cat series-good/series) &&
	sed -i "s/name = br-good/name = br-nofit/" series-nofit/series.conf &&
	run_ltsport port --config conf-good --series series-nofit &&
	cat out err && test "$(cat rc)" = 1 &&
	grep -q "bridged: page_folio_calls -D lift, swapin_read -D lift: upstream does not apply to the lifted files either (patch -F0: Hunk #1 FAILED at 9); semantic: no cocci form" err &&
	mkdir -p fix && cat >fix/guard.cocci <<-\EOF &&
	virtual patch
	virtual revert
	virtual report

	@depends on patch@
	symbol page, true;
	@@
	  swap_readpage(page, true);
	+ if (!PageUptodate(page))
	+	goto out_page;

	@r depends on report@
	symbol page, true;
	position p;
	@@
	swap_readpage@p(page, true);

	@script:python depends on report@
	p << r.p;
	@@
	print("mm/memory.c:%s: missing: no uptodate check after the read" % p[0].line)
	EOF
	printf "\tcocci = ../fix/guard.cocci\n\tfiles = mm/memory.c\n" >>series-nofit/series.conf &&
	run_ltsport port --config conf-good --series series-nofit &&
	cat out err && test "$(cat rc)" = 0 &&
	test "$(jq -r ".patches[0].rung" backports/br-nofit/good/port.json)" = semantic
'

test_expect_success 'another bridge: __swap_count() arity, 4.19 form in the tree, 5.1 form upstream' '
	git init -q up-arity && (
		cd up-arity && mkdir mm &&
		printf "%s\n" "int do_swap_page(struct vm_fault *vmf)" "{" \
			"	if (si->flags & SWP_SYNCHRONOUS_IO &&" \
			"	    __swap_count(entry) == 1) {" \
			"		skip_swapcache(vmf);" "	}" "	return 0;" "}" >mm/memory.c &&
		git add -A && git commit -q -m base &&
		sed -i "/__swap_count(entry) == 1) {/a\\
		/* Pin the entry first: another fault may race us. */\\
		pin_entry(entry);" mm/memory.c &&
		git commit -q -a -m "mm: swap: pin before skipping"
	) &&
	mkdir series-arity && git -C up-arity format-patch -q -o ../series-arity -1 &&
	(cd series-arity && ls 0*.patch >series) &&
	printf "[series]\n\tname = br-arity\n[patch \"%s\"]\n\tupstream = %s\n\tsubject = mm: swap: pin before skipping\n\tauthor = A U Thor <author@example.com>\n\trelease = v5.2\n" \
		"$(cat series-arity/series)" "$(git -C up-arity rev-parse HEAD)" >series-arity/series.conf &&
	git init -q tree-arity && (
		cd tree-arity && mkdir mm &&
		printf "VERSION = 4\nPATCHLEVEL = 19\nSUBLEVEL = 0\nEXTRAVERSION =\nNAME = Test\n" >Makefile &&
		git -C ../up-arity show HEAD~:mm/memory.c | sed "s/__swap_count(entry)/__swap_count(si, entry)/" >mm/memory.c &&
		git add -A && git commit -q -m "Import linux v4.19" && git tag v4.19 &&
		echo "int stable_only;" >mm/other.c && git add mm/other.c && git commit -q -m "a stable change"
	) &&
	printf "[tree \"arity\"]\n\tpath = tree-arity\n\tref = HEAD\n\tbase = v4.19\n" >conf-arity &&
	run_ltsport port --config conf-arity --series series-arity &&
	cat out err && test "$(cat rc)" = 0 &&
	test "$(jq -r ".patches[0].rung" backports/br-arity/arity/port.json)" = bridged &&
	sed -n "/^\[ ltsport: bridged/,/\]$/p" backports/br-arity/arity/0001-*.patch | tr "\n" " " |
		tr -s " " | grep -q "bridged (swap_count_arity -D to_new): lifted mm/memory.c to __swap_count(entry) (5.1) from __swap_count(si, entry), applied upstream, lowered back" &&
	git -C tree-arity show ltsport/br-arity/arity:mm/memory.c >got-arity &&
	printf "%s\n" "int do_swap_page(struct vm_fault *vmf)" "{" \
		"	if (si->flags & SWP_SYNCHRONOUS_IO &&" \
		"	    __swap_count(si, entry) == 1) {" \
		"		/* Pin the entry first: another fault may race us. */" \
		"		pin_entry(entry);" \
		"		skip_swapcache(vmf);" "	}" "	return 0;" "}" >want-arity &&
	test_cmp_files want-arity got-arity
'

# A recipe (cocci/fixes-style rule) that adds upstream's code without comments.
write_recipe() {
	cat >"$1" <<-\EOF
	virtual patch
	virtual revert
	virtual report

	@depends on patch@
	symbol page, true;
	@@
	  swap_readpage(page, true);
	+ count_vm_event(PSWPIN_SKIP);

	@depends on patch@
	symbol vmf;
	@@
	  step_4(vmf);
	+ trace_swapin(vmf);

	@r depends on report@
	symbol page, true;
	position p;
	@@
	swap_readpage@p(page, true);

	@script:python depends on report@
	p << r.p;
	@@
	print("mm/memory.c:%s: missing: the read is not counted" % p[0].line)
	EOF
}

test_expect_success 'semantic rung: the recipe code with upstream comments, word for word, and no others' '
	make_case counted counted "" &&
	sed -i "s/swap_read_folio(folio, NULL);$/swap_read_folio(folio, plug);/" series-counted/0001-*.patch &&
	write_recipe recipe.cocci &&
	printf "\tcocci = ../recipe.cocci\n\tfiles = mm/memory.c\n" >>series-counted/series.conf &&
	run_ltsport port --config conf-counted --series series-counted &&
	cat out err && test "$(cat rc)" = 0 &&
	test "$(jq -r ".patches[0].rung" backports/br-counted/counted/port.json)" = semantic &&
	sed -n "/^\[ ltsport: rewritten/,/\]$/p" backports/br-counted/counted/0001-*.patch |
		tr "\n" " " | tr -s " " | grep -q "with upstream.s comments (1)[;]" &&
	git -C tree-counted show ltsport/br-counted/counted:mm/memory.c >got-counted &&
	(write_swapin page && sed -i -e "/swap_readpage(page, true);/a\\
			/*\\
			 * A read that skipped the swapcache is counted\\
			 * apart: reclaim tuning reads the figure.\\
			 */\\
			count_vm_event(PSWPIN_SKIP);" -e "/step_4(vmf);/a\\
	trace_swapin(vmf);" mm/memory.c && mv mm/memory.c want-counted) &&
	test_cmp_files want-counted got-counted
'

test_expect_success 'semantic rung without upstream diff: the recipe adds no comment' '
	mkdir series-bare && sed "s/name = br-counted/name = br-bare/" series-counted/series.conf \
		>series-bare/series.conf && cp series-counted/series series-bare/ &&
	cat >conf-bare <<-EOF &&
	[tree "counted"]
		path = tree-counted
		ref = master
		base = v5.10
	EOF
	run_ltsport port --config conf-bare --series series-bare &&
	cat out err && test "$(cat rc)" = 0 &&
	git -C tree-counted show ltsport/br-bare/counted:mm/memory.c >got-bare &&
	test "$(grep -c "/\\*" got-bare)" = 1 && ! grep -q "reclaim tuning" got-bare &&
	grep -q "count_vm_event(PSWPIN_SKIP);" got-bare
'

# Every bridge of cocci/api, lift then lower, on the era fixtures: the bytes
# come back wherever the lift changed them (page_folio_calls only where the file has no folio calls of its
# own; elsewhere the rung takes the round trip out, see above).
test_expect_success 'every declared lift then its lower gives the era fixtures back' '
	for e in 4.19 5.4 5.10 5.15 6.1 6.6 6.8; do
		for rule in "$TOP"/cocci/api/*.cocci; do
			grep "^// Bridge: " "$rule" | sed "s/.*lift=\([^ ]*\) lower=\([^ ]*\) .*/\1 \2/" |
			while read lift lower; do
				case "$e:$(basename $rule)" in 6.*:page_folio_calls.cocci) continue ;; esac
				rm -rf rt && mkdir -p rt/mm && cp "$TOP/tests/fixtures/eras/$e/mm/memory.c" rt/mm/ &&
				spatch --sp-file "$rule" -D $lift --very-quiet --no-includes --include-headers \
					--in-place --timeout 120 --dir rt >/dev/null || return 1
				# what lifts nothing is not lowered (as in the rung)
				cmp -s "$TOP/tests/fixtures/eras/$e/mm/memory.c" rt/mm/memory.c && continue
				spatch --sp-file "$rule" -D $lower --very-quiet --no-includes --include-headers \
					--in-place --timeout 120 --dir rt >/dev/null &&
				test_cmp_files "$TOP/tests/fixtures/eras/$e/mm/memory.c" rt/mm/memory.c ||
				{ echo "$e $(basename $rule) $lift/$lower"; return 1; }
			done || return 1
		done
	done
'

# A driver of our own whose cleanup stops two timers, as the tree writes it
# ($1 = old: del_timer_sync, new: timer_delete_sync); $2 = fixed adds the
# guard the fix adds.
write_timers() {
	mkdir -p drivers/tm && {
		echo '/* a small driver of our own */'
		echo 'static void tm_cleanup(struct tm_dev *d)'
		echo '{'
		echo '	d->state = TM_DEAD;'
		echo '	d->timeout = 0;'
		echo
		if [ "${2:-}" = fixed ]; then
			echo '	/* Only timers that were set up can be stopped. */'
			echo '	if (d->kind == TM_RC && d->retry.function) {'
		else
			echo '	if (d->kind == TM_RC) {'
		fi
		if [ "$1" = old ]; then
			echo '		del_timer_sync(&d->retry);'
			echo '		del_timer_sync(&d->nak);'
		else
			echo '		timer_delete_sync(&d->retry);'
			echo '		timer_delete_sync(&d->nak);'
		fi
		echo '	}'
		echo '	tm_free(d);'
		echo '}'
	} >drivers/tm/tm.c
}

test_expect_success 'setup: a fix written after the timer rename, trees before it' '
	git init -q up-tm && (
		cd up-tm && write_timers new && git add -A && git commit -q -m base &&
		write_timers new fixed &&
		git commit -q -a -m "tm: stop only the timers that were set up" -m "Signed-off-by: Up Stream <up@example.org>"
	) &&
	mkdir series-tm && git -C up-tm format-patch -q -o ../series-tm -1 &&
	(cd series-tm && ls 0*.patch >series) &&
	printf "[series]\n\tname = tm\n[patch \"%s\"]\n\tupstream = %s\n\tsubject = tm: stop only the timers that were set up\n\tauthor = A U Thor <author@example.com>\n" \
		"$(cat series-tm/series)" "$(git -C up-tm rev-parse HEAD)" >series-tm/series.conf &&
	for s in missing fixed; do
		git init -q tree-tm-$s && (
			cd tree-tm-$s && cp ../tree-good/Makefile . &&
			if [ $s = fixed ]; then write_timers old fixed; else write_timers old; fi &&
			git add -A && git commit -q -m "Import linux v5.10" && git tag v5.10
		) &&
		printf "[tree \"tm-%s\"]\n\tpath = tree-tm-%s\n\tref = HEAD\n\tbase = v5.10\n" $s $s >conf-tm-$s || return 1
	done &&
	! git -C tree-tm-missing apply --check ../series-tm/0001-*.patch 2>/dev/null
'

test_expect_success 'status: the verdict once the tree is lifted by a bridge (missing, fixed)' '
	run_ltsport status --config conf-tm-missing --series series-tm --json &&
	cat out err && test "$(cat rc)" = 0 &&
	test "$(jq -r ".[0].verdict" out)" = missing &&
	jq -r ".[0].evidence" out | grep -q "once lifted by the bridge timer_delete -D lift (timer_delete_sync() and timer_delete() (6.2) from del_timer_sync() and del_timer())" &&
	run_ltsport status --config conf-tm-fixed --series series-tm --json &&
	cat out err && test "$(cat rc)" = 0 &&
	test "$(jq -r ".[0].verdict" out)" = fixed &&
	jq -r ".[0].evidence" out | grep -q "once lifted by the bridge timer_delete"
'

test_expect_success 'port: bridged, upstream lines as upstream wrote them, the tree calls as the tree does' '
	run_ltsport port --config conf-tm-missing --series series-tm &&
	cat out err && test "$(cat rc)" = 0 &&
	test "$(jq -r ".patches[0].rung" backports/tm/tm-missing/port.json)" = bridged &&
	git -C tree-tm-missing show ltsport/tm/tm-missing:drivers/tm/tm.c >got-tm &&
	(write_timers old fixed && mv drivers/tm/tm.c want-tm) &&
	test_cmp_files want-tm got-tm
'

test_expect_success 'bridges are data: a rule header with a bad bridge line is refused with its place' '
	mkdir api && cp "$TOP"/cocci/api/*.cocci api/ &&
	printf "// Bridge: lift=up lower=down needs=x era=y\nvirtual up\n" >api/zz_bad.cocci &&
	LTSPORT_COCCI_API=$TRASH/api run_ltsport port --config conf-mixed --series series-mixed &&
	cat out err &&
	test "$(cat rc)" = 3 &&
	grep -q "zz_bad.cocci:1: bad bridge line: a mode it names is not one of the rule.s virtual lines" err
'

test_done
