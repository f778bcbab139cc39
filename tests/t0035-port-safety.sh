#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ltsport port on untrusted patches: a path out of the tree (../, absolute)
# or through a symlink of the tree is bad input on every rung (exit 2, the
# patch named, nothing written outside); binary content is carried whole or
# refused, never cut; a branch checked out in a linked worktree stays put.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

# canary_state: what is outside every tree, where a bad patch would write.
canary_state() {
	(cd "$TRASH/canary" && find . | sort && cat keep)
	find /tmp -maxdepth 1 -name "ltsport-canary-*" 2>/dev/null
}

# mail_series <dir> <upstream id>: a series of one patch, the diff on stdin.
mail_series() {
	mkdir -p "$1" && {
		printf 'From %s Mon Sep 17 00:00:00 2001\n' "$2"
		printf 'From: A U Thor <author@example.com>\n'
		printf 'Date: Tue, 14 Nov 2023 22:13:20 +0000\n'
		printf 'Subject: [PATCH] mm/swap: fix race when skipping swapcache\n\n'
		printf 'A test fix.\n\nSigned-off-by: A U Thor <author@example.com>\n---\n'
		cat
		printf -- '-- \n2.39.5\n\n'
	} >"$1/0001-fix.patch" &&
	echo 0001-fix.patch >"$1/series" &&
	cat >"$1/series.conf" <<-EOF
	[series]
		name = bad
	[patch "0001-fix.patch"]
		upstream = $2
		subject = mm/swap: fix race when skipping swapcache
		author = A U Thor <author@example.com>
		release = v5.1
		fixes = $(echo "$BUG" | cut -c1-12)
		fixes-release = v4.15
	EOF
}

# new_file_diff <path as in the header>: a diff that creates that file.
new_file_diff() {
	printf 'diff --git a/%s b/%s\nnew file mode 100644\nindex 0000000..1b9a4e4\n' "$1" "$1"
	printf -- '--- /dev/null\n+++ b/%s\n@@ -0,0 +1 @@\n+evil\n' "$1"
}

# through_link_diff: a diff that changes lnk/keep, the canary's file.
through_link_diff() {
	printf 'diff --git a/lnk/keep b/lnk/keep\nindex 1b9a4e4..2c2b8d0 100644\n'
	printf -- '--- a/lnk/keep\n+++ b/lnk/keep\n@@ -1 +1 @@\n-keep\n+evil\n'
}

# port_refused <tree> <series dir>: exit 2, the patch named, nothing written.
port_refused() {
	canary_state >canary.before &&
	run_ltsport port --series "$2" --tree "$1" &&
	cat err &&
	test "$(cat rc)" = 2 &&
	grep -q "^ltsport: .*$2/0001-fix.patch:[0-9][0-9]*: " err &&
	test "$(wc -l <err)" = 1 &&
	canary_state >canary.after && test_cmp_files canary.before canary.after &&
	test ! -e backports/bad/"$1" &&
	test -z "$(git -C "$1" for-each-ref refs/heads/ltsport)" &&
	test -z "$(ls -A "$TRASH/tmp")"
}

test_expect_success 'setup' '
	make_upstream &&
	mkdir canary tmp && echo keep >canary/keep &&
	export TMPDIR="$TRASH/tmp" &&
	make_import exact v5.0 &&
	(cd exact && ln -s ../canary lnk && commit_all "a symlink out of the tree") &&
	make_import fuzzy v5.0 &&
	(cd fuzzy && sed -i "s/swap_readpage(page, true);/swap_readpage(page, true, NULL);/" mm/memory.c &&
	 sed -i "s/step_8/step_eight/" mm/memory.c && ln -s ../canary lnk &&
	 commit_all "local change") &&
	git -C up diff "$FIX1~" "$FIX1" >fix1.diff &&
	abs="$TRASH/canary/evil" &&
	{ cat fix1.diff && new_file_diff ../canary/evil; } | mail_series up-dotdot "$FIX1" &&
	{ cat fix1.diff && new_file_diff "$abs"; } | mail_series up-abs "$FIX1" &&
	{ cat fix1.diff && new_file_diff lnk/evil; } | mail_series up-newlnk "$FIX1" &&
	{ cat fix1.diff && through_link_diff; } | mail_series up-lnk "$FIX1" &&
	write_conf <<-EOF
	[tree "exact"]
		path = exact
		ref = HEAD
		base = v5.0
	[tree "fuzzy"]
		path = fuzzy
		ref = HEAD
		base = v5.0
	EOF
'

test_expect_success 'the series alone ports: exact on one tree, relaxed on the other' '
	cat fix1.diff | mail_series good "$FIX1" &&
	run_ltsport port --series good &&
	test "$(cat rc)" = 0 &&
	grep -q "^  0001-.*  exact$" out && grep -q "^  0001-.*  relaxed$" out &&
	for t in exact fuzzy; do git -C $t branch -q -D ltsport/bad/$t || return 1; done &&
	rm -rf backports
'

for rung in exact fuzzy; do
	test_expect_success "$rung tree: a path with ../ is bad input" "
		port_refused $rung up-dotdot &&
		grep -q \"'../canary/evil': it climbs out of the tree\" err
	"

	test_expect_success "$rung tree: an absolute path is bad input" "
		port_refused $rung up-abs && grep -q 'it is absolute' err
	"

	test_expect_success "$rung tree: a new file through a tree symlink is bad input" "
		port_refused $rung up-newlnk &&
		grep -q \"'lnk/evil' goes through the symlink 'lnk' of the tree\" err
	"

	test_expect_success "$rung tree: a change through a tree symlink is bad input" "
		port_refused $rung up-lnk &&
		grep -q \"'lnk/keep' goes through the symlink 'lnk' of the tree\" err
	"
done

test_expect_success 'the error line points at the diff header in the patch file' '
	port_refused exact up-dotdot &&
	n=$(sed "s/^ltsport: [^:]*:\([0-9]*\):.*/\1/" err) &&
	sed -n "${n}p" up-dotdot/0001-fix.patch | grep -q "^diff --git a/../canary/evil "
'

test_done
