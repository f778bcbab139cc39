#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The API bridges of cocci/api/ against one small tree per LTS era
# (tests/fixtures/eras/<era>/): each bridge's report names the form the era
# writes, on the line that has it; swapin_read's instrument mode puts one
# hook after the read of every tree with a skip-swapcache path (none in
# 4.14) and uninstrument takes it out again; swap_count_arity's to_new and
# to_old round-trip.  Then the reports on the real 6.1 and 6.12 files when
# Debian's kernel source packages are installed.
#
# spatch is driven as the C tool drives the fix rules (cocci/README.md):
# the tree's files copied into a scratch directory with the kernel layout.

. "$(dirname "$0")/lib.sh"

ERAS=$TOP/tests/fixtures/eras
API=$TOP/cocci/api
FILES="mm/memory.c mm/swapfile.c include/linux/swap.h mm/swap.h"

cocci_run() {
	if [ "$2" = report ]; then
		spatch --sp-file "$1" -D "$2" --very-quiet --no-includes \
			--include-headers --timeout 120 --dir "$3"
	else
		spatch --sp-file "$1" -D "$2" --very-quiet --no-includes \
			--include-headers --in-place --timeout 120 --dir "$3"
	fi
}

stage() {
	rm -rf "$2" && mkdir -p "$2" || return 1
	for f in $FILES; do
		if [ -f "$1/$f" ]; then
			mkdir -p "$2/$(dirname "$f")" && cp "$1/$f" "$2/$f" || return 1
		fi
	done
}

unstage() {
	for f in $FILES; do
		if [ -f "$1/$f" ]; then
			cp "$1/$f" "$2/$f" || return 1
		fi
	done
}

# step <tree> <rule> <mode>: a rewriting mode through a staging copy;
# stderr must stay empty.
step() {
	stage "$1" "$1.stage" &&
	cocci_run "$API/$2.cocci" "$3" "$1.stage" >"$1.stage.out" 2>"$1.stage.err" &&
	if [ -s "$1.stage.err" ]; then cat "$1.stage.err"; return 1; fi &&
	unstage "$1.stage" "$1"
}

# report <tree> <rule> <outfile>: report mode; stderr must stay empty.
report() {
	stage "$1" "$1.stage" &&
	cocci_run "$API/$2.cocci" report "$1.stage" >"$3" 2>"$3.err" &&
	if [ -s "$3.err" ]; then cat "$3.err"; return 1; fi
}

same() {
	for f in $FILES; do
		if [ -f "$1/$f" ] || [ -f "$2/$f" ]; then
			cmp "$1/$f" "$2/$f" || return 1
		fi
	done
}

# reports <tree> <rule> <expected>: the report, line numbers aside, is
# exactly <expected> (one finding a line, "" for none), and each line
# number points at a line of the file that holds the call it names.
reports() {
	report "$1" "$2" "$1.$2" || return 1
	sed 's/^\([^:]*\):[0-9]*: /\1:N: /' "$1.$2" >"$1.$2.forms"
	printf '%s' "$3" >"$1.$2.want"
	if [ -n "$3" ]; then echo >>"$1.$2.want"; fi
	test_cmp_files "$1.$2.want" "$1.$2.forms" || return 1
	while IFS= read -r line; do
		file=${line%%:*}
		rest=${line#*:}
		num=${rest%%:*}
		form=${rest#*: }
		form=${form#*: }	# the label, where the rule prints one
		name=${form%%(*}	# "if " for a guarded statement
		sed -n "${num}p" "$1/$file" | grep -q -F "$name(" || {
			echo "$1/$file:$num does not hold $name(): $line"
			return 1
		}
	done <"$1.$2"
}

if ! command -v spatch >/dev/null 2>&1; then
	test_skip 'cocci api' 'spatch is not installed'
	test_done
fi

NL='
'
for era in 4.14 4.19 5.4 5.10 5.15 6.1 6.6 6.8; do
	case $era in
	4.14)	read=''; count='' ;;
	4.19)	read='swap_readpage(page, true)'; count='__swap_count(si, entry)' ;;
	5.*)	read='swap_readpage(page, true)'; count='__swap_count(entry)' ;;
	6.1|6.6) read='swap_readpage(page, true, NULL)'; count='__swap_count(entry)' ;;
	6.8)	read='swap_read_folio(folio, true, NULL)'; count='__swap_count(entry)' ;;
	esac
	case $era in
	6.6|6.8) unlock='unlock: if (vmf->pte) pte_unmap_unlock(vmf->pte, vmf->ptl)' ;;
	*)	unlock='unlock: pte_unmap_unlock(vmf->pte, vmf->ptl)' ;;
	esac
	case $era in
	6.*)	kind=folio
		exits="out_page: folio_unlock(folio)${NL}out_release: folio_put(folio)"
		exits="$exits${NL}swapcache: folio_unlock(swapcache)${NL}swapcache: folio_put(swapcache)" ;;
	*)	kind=page
		exits="out_page: unlock_page(page)${NL}out_release: put_page(page)"
		exits="$exits${NL}swapcache: unlock_page(swapcache)${NL}swapcache: put_page(swapcache)" ;;
	esac
	# "mm/memory.c:N: " before each expected form
	prefix() {
		if [ -n "$1" ]; then
			printf '%s\n' "$1" | sed 's|^|mm/memory.c:N: |'
		fi
	}
	want_read=$(prefix "$read")
	want_count=$(prefix "$count")
	want_unlock=$(prefix "$unlock")
	want_exits=$(prefix "$exits")

	test_expect_success "$era: swapin_read reports '${read:-nothing}'" "
		cp -r '$ERAS/$era' '$era' && cp -r '$ERAS/$era' '$era.orig' &&
		reports '$era' swapin_read '$want_read'
	"

	test_expect_success "$era: swap_count_arity reports '${count:-nothing}'" "
		reports '$era' swap_count_arity '$want_count'
	"

	test_expect_success "$era: pte_unlock_guard reports '$unlock'" "
		reports '$era' pte_unlock_guard '$want_unlock'
	"

	test_expect_success "$era: page_folio_exits reports the $kind calls" "
		reports '$era' page_folio_exits '$want_exits'
	"

	if [ -n "$read" ]; then
		test_expect_success "$era: instrument puts one hook right after the read" "
			step '$era' swapin_read instrument &&
			test \$(grep -c 'ltsport_swapin_delay();' '$era/mm/memory.c') = 1 &&
			grep -A1 -F '$read;' '$era/mm/memory.c' | tail -1 |
				grep -q '^	*ltsport_swapin_delay();\$' &&
			for f in mm/swapfile.c include/linux/swap.h mm/swap.h; do
				! grep -q ltsport_swapin_delay '$era/'\$f 2>/dev/null || return 1
			done
		"
	else
		test_expect_success "$era: instrument finds no read and changes nothing" "
			step '$era' swapin_read instrument && same '$era' '$era.orig'
		"
	fi

	test_expect_success "$era: instrument again changes nothing; uninstrument gives the original bytes" "
		cp -r '$era' '$era.hooked' &&
		step '$era' swapin_read instrument && same '$era' '$era.hooked' &&
		step '$era' swapin_read uninstrument && same '$era' '$era.orig'
	"

	case $era in
	4.14)	test_expect_success "$era: to_new and to_old change nothing" "
			step '$era' swap_count_arity to_new && same '$era' '$era.orig' &&
			step '$era' swap_count_arity to_old && same '$era' '$era.orig'
		" ;;
	4.19)	test_expect_success "$era: to_old changes nothing; to_new then to_old round-trips" "
			step '$era' swap_count_arity to_old && same '$era' '$era.orig' &&
			step '$era' swap_count_arity to_new &&
			reports '$era' swap_count_arity 'mm/memory.c:N: __swap_count(entry)' &&
			step '$era' swap_count_arity to_old && same '$era' '$era.orig'
		" ;;
	*)	test_expect_success "$era: to_new changes nothing; to_old then to_new round-trips" "
			step '$era' swap_count_arity to_new && same '$era' '$era.orig' &&
			step '$era' swap_count_arity to_old &&
			reports '$era' swap_count_arity 'mm/memory.c:N: __swap_count(si, entry)' &&
			step '$era' swap_count_arity to_new && same '$era' '$era.orig'
		" ;;
	esac
done

# real_tree <version> <dir>: the four files out of Debian's source tarball
# (tests/lib.sh: one extraction per tarball for all tests).
real_tree() {
	linux_source_copy "$1" "$2" mm/memory.c mm/swapfile.c mm/swap.h include/linux/swap.h
}

for v in 6.1 6.12; do
	if [ ! -f "/usr/src/linux-source-$v.tar.xz" ]; then
		test_skip "$v: real tree" "/usr/src/linux-source-$v.tar.xz not found"
		continue
	fi
	case $v in
	6.1)	read='swap_readpage(page, true, NULL)'
		unlock='unlock: pte_unmap_unlock(vmf->pte, vmf->ptl)' ;;
	6.12)	read='swap_read_folio(folio, NULL)'
		unlock='unlock: if (vmf->pte) pte_unmap_unlock(vmf->pte, vmf->ptl)' ;;
	esac
	exits="out_page: folio_unlock(folio)${NL}out_release: folio_put(folio)"
	exits="$exits${NL}swapcache: folio_unlock(swapcache)${NL}swapcache: folio_put(swapcache)"
	test_expect_success "$v: real tree: the era forms, one hook" "
		real_tree $v real$v && cp -r real$v real$v.orig &&
		reports real$v swapin_read 'mm/memory.c:N: $read' &&
		reports real$v swap_count_arity 'mm/memory.c:N: __swap_count(entry)' &&
		reports real$v pte_unlock_guard 'mm/memory.c:N: $unlock' &&
		reports real$v page_folio_exits '$(prefix "$exits")' &&
		step real$v swapin_read instrument &&
		test \$(grep -c 'ltsport_swapin_delay();' real$v/mm/memory.c) = 1 &&
		step real$v swapin_read uninstrument && same real$v real$v.orig
	"
done

test_done
