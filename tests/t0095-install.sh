#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make install: the binary, the man page made from README.md, and what
# ltsport reads at run time (series, cocci rules, kconfig fragments, the
# reproducer) under DESTDIR/PREFIX; the page documents every command.
. "$(dirname "$0")/lib.sh"

ROOT=$TRASH/root

test_expect_success 'make install puts everything under DESTDIR/PREFIX' '
	timeout 120 make -s -C "$TOP" install DESTDIR="$ROOT" PREFIX=/usr >install.out 2>&1 &&
	test -x "$ROOT/usr/bin/ltsport" &&
	test -f "$ROOT/usr/share/man/man1/ltsport.1" &&
	test -f "$ROOT/usr/share/ltsport/series/swap-race/series.conf" &&
	test -f "$ROOT/usr/share/ltsport/cocci/fixes/13ddaf26be32.cocci" &&
	test -f "$ROOT/usr/share/ltsport/tools/kconfig/swap-repro.config" &&
	test -f "$ROOT/usr/share/ltsport/tools/repro/repro.c" &&
	test -f "$ROOT/usr/share/ltsport/stable_trees.conf"
'

test_expect_success 'the installed series finds its rules beside it' '
	share=$ROOT/usr/share/ltsport &&
	git config -f "$share/series/swap-race/series.conf" --get-regexp "patch\..*\.cocci" >rules &&
	test -s rules &&
	while read -r key rule; do
		test -f "$share/series/swap-race/$rule" || { echo "missing $rule"; return 1; }
	done <rules
'

test_expect_success 'the man page renders without warnings' '
	MANWIDTH=80 man --warnings -l "$ROOT/usr/share/man/man1/ltsport.1" >page.txt 2>warn.txt &&
	cat warn.txt && ! test -s warn.txt &&
	grep -q "^NAME" page.txt && grep -q "^SYNOPSIS" page.txt
'

test_expect_success 'every command of ltsport is in the man page' '
	"$ROOT/usr/bin/ltsport" --help >help.txt &&
	sed -n "s/^  \([a-z][a-z-]*\)  .*/\1/p" help.txt >commands &&
	test -s commands &&
	while read -r cmd; do
		grep -q "ltsport $cmd" page.txt || { echo "not in the page: $cmd"; return 1; }
	done <commands
'

test_done
