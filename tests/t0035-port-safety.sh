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

# add_trees <name>...: more trees (each in the directory of its name) in stable_trees.conf.
add_trees() {
	for t in "$@"; do
		printf "[tree \"%s\"]\n\tpath = %s\n\tref = HEAD\n\tbase = v5.0\n" $t $t
	done >>stable_trees.conf
}

# port_refused <tree> <series dir>: exit 2, the patch named, nothing written.
# Each check says what failed.
port_refused() {
	canary_state >canary.before || { echo "canary_state failed"; return 1; }
	run_ltsport port --series "$2" --tree "$1" &&
	cat err &&
	{ test "$(cat rc)" = 2 || { echo "exit code $(cat rc), not 2"; return 1; }; } &&
	grep -q "^ltsport: .*$2/0001-fix.patch:[0-9][0-9]*: " err &&
	{ test "$(wc -l <err)" = 1 || { echo "more than one line on stderr"; return 1; }; } &&
	canary_state >canary.after && test_cmp_files canary.before canary.after &&
	{ test ! -e backports/bad/"$1" || { echo "backports/bad/$1 was written"; return 1; }; } &&
	{ test -z "$(git -C "$1" for-each-ref refs/heads/ltsport)" ||
		{ echo "a branch was made"; return 1; }; } &&
	{ test -z "$(ls -A "$TRASH/tmp")" || { echo "left in TMPDIR:"; ls -la "$TRASH/tmp"; return 1; }; }
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
		grep -q \"unsafe path in a diff header: a '..' component\" err
	"

	test_expect_success "$rung tree: an absolute path is bad input" "
		port_refused $rung up-abs && grep -q 'unsafe path in a diff header: an absolute path' err
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

# cocci_series <dir> <files>: a body-less series whose patch has only a semantic form.
cocci_series() {
	mkdir -p "$1" && echo 0001-fix.patch >"$1/series" &&
	cat >"$1/rule.cocci" <<-\EOF &&
	/// test rule: step_1 becomes step_one
	virtual patch
	virtual revert
	virtual report

	@depends on patch@
	@@
	- step_1(vmf);
	+ step_one(vmf);
	EOF
	cat >"$1/series.conf" <<-EOF
	[series]
		name = bad
	[patch "0001-fix.patch"]
		upstream = $FIX1
		subject = mm/swap: fix race when skipping swapcache
		author = A U Thor <author@example.com>
		release = v5.1
		fixes = $(echo "$BUG" | cut -c1-12)
		fixes-release = v4.15
		cocci = rule.cocci
		files = $2
	EOF
}

test_expect_success 'semantic rung: files = through a tree symlink or with ../ is bad input' '
	cocci_series sem-lnk "mm/memory.c lnk/keep" &&
	cocci_series sem-dotdot "mm/memory.c ../canary/keep" &&
	for s in sem-lnk sem-dotdot; do
		canary_state >canary.before &&
		run_ltsport port --series $s --tree exact &&
		cat err && test "$(cat rc)" = 2 && test "$(wc -l <err)" = 1 &&
		grep -q "^ltsport: series.conf: \[patch \"0001-fix.patch\"\] files: bad path " err &&
		canary_state >canary.after && test_cmp_files canary.before canary.after &&
		test ! -e backports/bad/exact && test -z "$(ls -A tmp)" || return 1
	done &&
	grep -q "climbs out of the tree" err
'

test_expect_success 'semantic rung: the same series with sound files ports' '
	if ! command -v spatch >/dev/null; then echo "no spatch: skipped"; return 0; fi &&
	cocci_series sem-good "mm/memory.c" &&
	run_ltsport port --series sem-good --tree exact &&
	test "$(cat rc)" = 0 && grep -q "^  0001-.*  semantic$" out &&
	git -C exact show ltsport/bad/exact:mm/memory.c | grep -q "step_one(vmf);" &&
	git -C exact branch -q -D ltsport/bad/exact && rm -rf backports
'

test_expect_success 'a patch that makes a symlink out of the tree is bad input' '
	git init -q mklink && (cd mklink && ln -s ../canary evil-link && git add evil-link &&
	 git diff --cached) >link.diff &&
	grep -q "^new file mode 120000" link.diff &&
	{ cat fix1.diff link.diff; } | mail_series up-mklink "$FIX1" &&
	port_refused exact up-mklink &&
	grep -q "evil-link. is made a symlink pointing out of the tree (-> ../canary)" err
'

test_expect_success 'relaxed rung: a file the patch creates is carried, not dropped' '
	{ cat fix1.diff && new_file_diff mm/new.c; } | mail_series up-new "$FIX1" &&
	run_ltsport port --series up-new --tree fuzzy &&
	cat err && test "$(cat rc)" = 0 && grep -q "^  0001-.*  relaxed$" out &&
	test "$(git -C fuzzy cat-file blob ltsport/bad/fuzzy:mm/new.c)" = evil &&
	git -C fuzzy branch -q -D ltsport/bad/fuzzy && rm -rf backports
'

# Binary content: carried whole by the exact rung, refused by text tools, never cut.
test_expect_success 'setup: trees with a binary file' '
	for t in bin binfuzzy; do
		make_import $t v5.0 &&
		(cd $t && mkdir fw && printf "\000\001\002fw\000\377" >fw/blob.bin &&
		 { for i in 1 2 3 4 5 6 7; do echo "line $i"; done; printf "\000tail\n"; } >mm/table.c &&
		 commit_all "firmware and a table") || return 1
	done &&
	(cd binfuzzy && sed -i "s/swap_readpage(page, true);/swap_readpage(page, true, NULL);/" mm/memory.c &&
	 sed -i "s/step_8/step_eight/" mm/memory.c && sed -i "s/^line 1$/line one/" mm/table.c &&
	 commit_all "local change") &&
	git clone -q bin binup && (cd binup &&
	 printf "\000\001\003new\000\000\377\376" >fw/blob.bin && git diff --binary >../blob.diff &&
	 git checkout -q fw && sed -i "s/^line 4$/line four/" mm/table.c && git diff --text >../table.diff) &&
	grep -q "^GIT binary patch" blob.diff && grep -q "^+line four" table.diff &&
	add_trees bin binfuzzy &&
	printf "\000\001\003new\000\000\377\376" >blob.expect &&
	{ cat fix1.diff blob.diff; } | mail_series up-blob "$FIX1" &&
	{ cat fix1.diff table.diff; } | mail_series up-table "$FIX1"
'

test_expect_success 'exact rung: a binary change is carried byte for byte' '
	run_ltsport port --series up-blob --tree bin &&
	cat err && test "$(cat rc)" = 0 && grep -q "^  0001-.*  exact$" out &&
	git -C bin cat-file blob ltsport/bad/bin:fw/blob.bin >blob.got &&
	test_cmp_files blob.expect blob.got &&
	git -C bin cat-file blob ltsport/bad/bin:mm/table.c >table.got &&
	git -C bin cat-file blob HEAD:mm/table.c >table.expect && test_cmp_files table.expect table.got
'

test_expect_success 'relaxed rung: a binary change is refused with the reason' '
	run_ltsport port --series up-blob --tree binfuzzy &&
	cat err && test "$(cat rc)" = 1 &&
	grep -q "relaxed: the patch has a binary change, which only the exact rung carries" err &&
	test "$(ls backports/bad/binfuzzy)" = port.json && test -z "$(git -C binfuzzy for-each-ref refs/heads/ltsport)"
'

test_expect_success 'relaxed rung: a file with a NUL byte is refused, not cut' '
	run_ltsport port --series up-table --tree binfuzzy &&
	cat err && test "$(cat rc)" = 1 &&
	grep -q "relaxed: .mm/table.c. has binary content (a NUL byte at offset 51)" err &&
	test "$(ls backports/bad/binfuzzy)" = port.json && test -z "$(git -C binfuzzy for-each-ref refs/heads/ltsport)"
'

test_expect_success 'exact rung: a text change to a file with a NUL byte keeps the rest' '
	run_ltsport port --series up-table --tree bin &&
	cat err && test "$(cat rc)" = 0 &&
	{ for i in 1 2 3; do echo "line $i"; done; echo "line four";
	  for i in 5 6 7; do echo "line $i"; done; printf "\000tail\n"; } >table.expect &&
	git -C bin cat-file blob ltsport/bad/bin:mm/table.c >table.got &&
	test_cmp_files table.expect table.got
'

# The relaxed rung must not move a hunk into another function.
test_expect_success 'relaxed rung: a hunk that would land in another function is refused' '
	make_import twofn v5.0 &&
	(cd twofn && {
		echo "int foo(void)"; echo "{"; echo "	x1;"; echo "	y2;"; echo "	y3;"
		echo "	y4;"; echo "	x5;"; echo "}"; echo "int bar(void)"; echo "{"
		for i in 1 2 3 4 5; do echo "	z$i;"; done; echo "}"
	} >mm/two.c && commit_all "two functions") && add_trees twofn &&
	git clone -q twofn twoup && (cd twoup && {
		echo "int foo(void)"; echo "{"; for i in 1 2 3 4 5; do echo "	x$i;"; done
		echo "}"; echo "int bar(void)"; echo "{"; for i in 1 2 3 4 5; do echo "	y$i;"; done
		echo "}"
	} >mm/two.c && commit_all "upstream" && sed -i "s/	y3;/	Y3;/" mm/two.c && git diff >../two.diff) &&
	grep -q "^@@ .* @@ int bar(void)$" two.diff &&
	mail_series up-two "$FIX1" <two.diff &&
	run_ltsport port --series up-two --tree twofn &&
	cat err && test "$(cat rc)" = 1 &&
	grep -q "relaxed: mm/two.c: hunk #1 would land in foo(), upstream has it in bar()" err &&
	test -z "$(git -C twofn for-each-ref refs/heads/ltsport)"
'

# A branch checked out in a linked worktree belongs to the user.
test_expect_success 'a result branch checked out in a linked worktree is refused and stays put' '
	make_import wt v5.0 && add_trees wt &&
	cat fix1.diff | mail_series good "$FIX1" &&
	run_ltsport port --series good --tree wt && test "$(cat rc)" = 0 &&
	git -C wt worktree add -q ../wt-linked ltsport/bad/wt &&
	before=$(git -C wt rev-parse ltsport/bad/wt) &&
	cp backports/bad/wt/port.json port.before &&
	(cd wt && echo "int more;" >>mm/other.c && commit_all "a later stable change") &&
	run_ltsport port --series good --tree wt &&
	cat err && test "$(cat rc)" = 1 &&
	grep -q "ltsport/bad/wt is checked out in $TRASH/wt-linked" err &&
	test "$(git -C wt rev-parse ltsport/bad/wt)" = "$before" &&
	test_cmp_files port.before backports/bad/wt/port.json
'

test_done
