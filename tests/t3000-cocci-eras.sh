#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The semantic patches of the swap-race series against one small tree per
# LTS era (tests/fixtures/eras/<era>/): report on the untouched tree, patch
# with 13ddaf26be32 then 01626a182302, compile, report again, patch again
# (no change), revert both and compare with the original bytes.  Then the
# real 6.1 and 6.12 files when Debian's kernel source packages are
# installed: the reports, 01626a182302 on 6.1, and revert-then-patch of the
# fix each tree has (13ddaf26be32 on 6.1, 01626a182302 on 6.12, as ltsport's
# backtest does), which must give the tree back except for comments.
#
# spatch is driven exactly as the C tool drives it: the tree's relevant
# files are copied into a scratch directory with the kernel layout and
# spatch runs over that directory.

. "$(dirname "$0")/lib.sh"

ERAS=$TOP/tests/fixtures/eras
FIX1=$TOP/cocci/fixes/13ddaf26be32.cocci
FIX2=$TOP/cocci/fixes/01626a182302.cocci
FILES="mm/memory.c mm/swapfile.c include/linux/swap.h mm/swap.h"

# cocci_run <rule> <mode> <dir>: the invocation contract of cocci/README.md.
cocci_run() {
	if [ "$2" = report ]; then
		spatch --sp-file "$1" -D "$2" --very-quiet --no-includes \
			--include-headers --timeout 120 --dir "$3"
	else
		spatch --sp-file "$1" -D "$2" --very-quiet --no-includes \
			--include-headers --in-place --timeout 120 --dir "$3"
	fi
}

# stage <tree> <dir>: copy the files spatch works on, as the C tool does.
stage() {
	rm -rf "$2" && mkdir -p "$2" || return 1
	for f in $FILES; do
		if [ -f "$1/$f" ]; then
			mkdir -p "$2/$(dirname "$f")" && cp "$1/$f" "$2/$f" || return 1
		fi
	done
}

# unstage <dir> <tree>: put the results back into the tree.
unstage() {
	for f in $FILES; do
		if [ -f "$1/$f" ]; then
			cp "$1/$f" "$2/$f" || return 1
		fi
	done
}

# step <tree> <rule> <mode>: apply one rule to a tree through a staging copy.
step() {
	stage "$1" "$1.stage" &&
	cocci_run "$2" "$3" "$1.stage" >"$1.stage.out" 2>"$1.stage.err" &&
	unstage "$1.stage" "$1"
}

# report <tree> <rule> <outfile>: report mode; stderr must stay empty.
report() {
	stage "$1" "$1.stage" &&
	cocci_run "$2" report "$1.stage" >"$3" 2>"$3.err" &&
	if [ -s "$3.err" ]; then cat "$3.err"; return 1; fi
}

# Every report line has the documented form.
check_format() {
	if grep -v -E '^[^:]+:[0-9]+: (fixed|missing): .+$' "$1"; then
		echo "malformed report line(s) in $1"
		return 1
	fi
}

# says <fixed|missing> <file>: at least one line of that kind, none of the other.
says() {
	check_format "$2" || return 1
	other=missing
	[ "$1" = missing ] && other=fixed
	grep -q ": $1: " "$2" || { echo "no '$1' line in $2:"; cat "$2"; return 1; }
	if grep -q ": $other: " "$2"; then
		echo "unexpected '$other' line in $2:"; cat "$2"; return 1
	fi
}

# compiles <tree>: mm/*.c with CONFIG_SWAP, mm/memory.c also without.
compiles() {
	for def in -DCONFIG_SWAP ""; do
		gcc -fsyntax-only -Wall -Werror -I "$ERAS/stub" -I "$1/include" \
			-I "$1" $def "$1/mm/memory.c" || return 1
	done
	gcc -fsyntax-only -Wall -Werror -I "$ERAS/stub" -I "$1/include" \
		-I "$1" -DCONFIG_SWAP "$1/mm/swapfile.c"
}

# same <tree-a> <tree-b>: byte-identical kernel files.
same() {
	for f in $FILES; do
		if [ -f "$1/$f" ] || [ -f "$2/$f" ]; then
			cmp "$1/$f" "$2/$f" || return 1
		fi
	done
}

# same_code <tree-a> <tree-b>: the kernel files agree once comments are
# taken out (a line that held only comment goes) and runs of white space
# are one blank; a line ending in a comma goes on with the next (spatch
# wraps long parameter lists); blank lines still count.  For comparing our
# patch with upstream's, whose comments are not ours.
same_code() {
	python3 - "$1" "$2" $FILES <<'EOF'
import difflib, os, sys

def code(path):
	out, incomment = [], False
	for line in open(path, errors="replace"):
		rest, had, i = "", False, 0
		while i < len(line):
			if incomment:
				j = line.find("*/", i)
				had = True
				if j < 0:
					break
				i, incomment = j + 2, False
			else:
				j = line.find("/*", i)
				if j < 0:
					rest += line[i:]
					break
				rest += line[i:j]
				i, incomment, had = j + 2, True, True
		if had and not rest.strip():
			continue
		rest = " ".join(rest.split())
		# a parameter list wrapped at a comma is the same code
		if out and out[-1].endswith(",") and rest:
			out[-1] += " " + rest
		else:
			out.append(rest)
	return out

a, b, ok = sys.argv[1], sys.argv[2], True
for f in sys.argv[3:]:
	fa, fb = os.path.join(a, f), os.path.join(b, f)
	if not os.path.exists(fa) and not os.path.exists(fb):
		continue
	ca, cb = code(fa), code(fb)
	if ca != cb:
		ok = False
		for l in difflib.unified_diff(ca, cb, fa, fb, lineterm=""):
			print(l)
sys.exit(0 if ok else 1)
EOF
}

# wq_after <tree> <text>: the line before 01626a182302's wait queue entry.
wq_after() {
	grep -B1 -F 'DECLARE_WAITQUEUE(wait, current);' "$1/mm/memory.c" |
		head -1 | grep -q -F "$2"
}

if ! command -v spatch >/dev/null 2>&1; then
	test_skip 'cocci eras' 'spatch is not installed'
	test_done
fi

for era in 4.19 5.4 5.10 5.15 6.1 6.6 6.8; do
	test_expect_success "$era: fixture compiles before the series" "
		cp -r '$ERAS/$era' '$era' && cp -r '$ERAS/$era' '$era.orig' &&
		compiles '$era'
	"

	test_expect_success "$era: untouched tree reports missing for both" "
		report '$era' '$FIX1' '$era.r1' && says missing '$era.r1' &&
		report '$era' '$FIX2' '$era.r2' && says missing '$era.r2'
	"

	test_expect_success "$era: 13ddaf26be32 then 01626a182302 apply" "
		step '$era' '$FIX1' patch && ! same '$era' '$era.orig' &&
		cp -r '$era' '$era.p1' &&
		step '$era' '$FIX2' patch && ! same '$era' '$era.p1' &&
		grep -q 'swapcache_prepare(entry)' '$era/mm/memory.c' &&
		test \$(grep -c 'swapcache_clear(si, entry)' '$era/mm/memory.c') = 2 &&
		test \$(grep -c 'wake_up(&swapcache_wq)' '$era/mm/memory.c') = 2 &&
		grep -q '^void swapcache_clear(' '$era/mm/swapfile.c'
	"

	case $era in
	6.*)	wq_line='struct folio *swapcache, *folio = NULL;' ;;
	*)	wq_line='struct vm_area_struct *vma = vmf->vma;' ;;
	esac
	test_expect_success "$era: the wait queue entry follows '$wq_line', as in mainline" "
		wq_after '$era' '$wq_line' &&
		test \$(grep -c -F 'DECLARE_WAITQUEUE(wait, current);' '$era/mm/memory.c') = 1
	"

	test_expect_success "$era: patched tree compiles with and without CONFIG_SWAP" "
		compiles '$era'
	"

	test_expect_success "$era: reports say fixed for both" "
		report '$era' '$FIX1' '$era.f1' && says fixed '$era.f1' &&
		test \$(grep -c ': fixed: ' '$era.f1') = 4 &&
		report '$era' '$FIX2' '$era.f2' && says fixed '$era.f2' &&
		test \$(grep -c ': fixed: ' '$era.f2') = 3
	"

	test_expect_success "$era: patching again changes nothing" "
		cp -r '$era' '$era.p2' &&
		step '$era' '$FIX1' patch && step '$era' '$FIX2' patch &&
		same '$era' '$era.p2'
	"

	test_expect_success "$era: revert 01626a182302 then 13ddaf26be32 gives the original bytes" "
		step '$era' '$FIX2' revert && same '$era' '$era.p1' &&
		step '$era' '$FIX1' revert && same '$era' '$era.orig'
	"
done

test_expect_success '4.14 (no skip-swapcache path): nothing reported, nothing patched' "
	cp -r '$ERAS/4.14' 4.14 && cp -r '$ERAS/4.14' 4.14.orig &&
	report 4.14 '$FIX1' 4.14.r1 && ! test -s 4.14.r1 &&
	report 4.14 '$FIX2' 4.14.r2 && ! test -s 4.14.r2 &&
	step 4.14 '$FIX1' patch && step 4.14 '$FIX2' patch &&
	same 4.14 4.14.orig
"

# real_tree <version> <dir>: the four files out of Debian's source tarball
# (tests/lib.sh: one extraction per tarball for all tests).
real_tree() {
	linux_source_copy "$1" "$2" mm/memory.c mm/swapfile.c mm/swap.h include/linux/swap.h
}

if [ -f /usr/src/linux-source-6.1.tar.xz ]; then
	test_expect_success '6.1: real tree has 13ddaf26be32, lacks 01626a182302' "
		real_tree 6.1 real61 && cp -r real61 real61.orig &&
		report real61 '$FIX1' real61.r1 && says fixed real61.r1 &&
		report real61 '$FIX2' real61.r2 && says missing real61.r2
	"

	test_expect_success '6.1: 01626a182302 applies to the real tree' "
		step real61 '$FIX2' patch && ! same real61 real61.orig &&
		grep -q 'add_wait_queue(&swapcache_wq, &wait);' real61/mm/memory.c &&
		report real61 '$FIX2' real61.f2 && says fixed real61.f2 &&
		step real61 '$FIX2' revert && same real61 real61.orig
	"

	test_expect_success '6.1: revert then patch 13ddaf26be32 gives 6.1.192 but for comments and wrapping' "
		step real61 '$FIX1' revert && ! same_code real61 real61.orig >/dev/null &&
		report real61 '$FIX1' real61.v1 && says missing real61.v1 &&
		step real61 '$FIX1' patch && same_code real61.orig real61
	"
else
	test_skip '6.1: real tree' '/usr/src/linux-source-6.1.tar.xz not found'
fi

if [ -f /usr/src/linux-source-6.12.tar.xz ]; then
	test_expect_success '6.12: real tree reports both fixes present' "
		real_tree 6.12 real612 &&
		report real612 '$FIX1' real612.r1 && says fixed real612.r1 &&
		report real612 '$FIX2' real612.r2 && says fixed real612.r2
	"

	# What ltsport's backtest does with patch 2: take it out of 6.12 and
	# put it back.  Only our comments may differ (the wait queue entry is
	# where mainline has it, and no line gets wrapped).
	test_expect_success '6.12: revert then patch 01626a182302 gives 6.12 but for comments' "
		cp -r real612 real612.orig &&
		step real612 '$FIX2' revert && ! same_code real612 real612.orig >/dev/null &&
		report real612 '$FIX2' real612.v2 && says missing real612.v2 &&
		step real612 '$FIX2' patch && same_code real612.orig real612 &&
		wq_after real612 'struct folio *swapcache, *folio = NULL;'
	"
else
	test_skip '6.12: real tree' '/usr/src/linux-source-6.12.tar.xz not found'
fi

test_done
