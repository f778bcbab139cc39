#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Drift: single-commit trees (no history, no Fixes:) whose code moved away
# from the fix's base. Content decides the verdict through the anchored
# locator; port lands each hunk in the function its header names, carries
# new, deleted and renamed files, never applies a fix twice, and refuses
# a hunk it cannot place without guessing.
. "$(dirname "$0")/lib.sh"

# The base: two functions with the same body, a file to delete, one to rename.
write_base() {
	mkdir -p mm &&
	printf '#include "a.h"\n\nint foo(int x)\n{\n\tint r = x;\n\n\tr += 1;\n\treturn r;\n}\n\nint bar(int x)\n{\n\tint r = x;\n\n\tr += 1;\n\treturn r;\n}\n' >mm/a.c &&
	printf 'int gone(void)\n{\n\treturn 0;\n}\n' >mm/gone.c &&
	printf 'int old(void)\n{\n\tint a = 1;\n\tint b = 2;\n\tint c = 3;\n\n\treturn a + b + c;\n}\n' >mm/old.c
}

# import <dir> <from dir>: a single-commit repository of that directory's files.
import() {
	mkdir "$1" && (cd "$2" && tar -c --exclude=.git .) | (cd "$1" && tar -x) &&
	(cd "$1" && git init -q && git add -A && git commit -q -m "Import $1")
}

# five lines above everything in mm/a.c
prepend() {
	{ printf '/*\n * A comment\n * the tree\n * added.\n */\n'; cat "$1"; } >"$1.new" && mv "$1.new" "$1"
}

# series <dir> <diff file>: a series of one mailed patch, no Fixes: line.
series() {
	mkdir -p "$1" && {
		printf 'From %s Mon Sep 17 00:00:00 2001\n' "$UPID"
		printf 'From: A U Thor <author@example.com>\n'
		printf 'Date: Tue, 14 Nov 2023 22:13:20 +0000\n'
		printf 'Subject: [PATCH] mm: fix bar\n\n'
		printf 'Fix bar.\n\nSigned-off-by: A U Thor <author@example.com>\n---\n'
		cat "$2"
		printf -- '-- \n2.39.5\n\n'
	} >"$1/0001-fix.patch" &&
	echo 0001-fix.patch >"$1/series" &&
	cat >"$1/series.conf" <<-EOF
	[series]
		name = drift
	[patch "0001-fix.patch"]
		upstream = $UPID
		subject = mm: fix bar
		author = A U Thor <author@example.com>
	EOF
}

verdict() {
	jq -r ".[] | select(.tree == \"$1\") | .verdict" status.json
}

test_expect_success 'setup: upstream, its fix, and drifted trees' '
	mkdir base && (cd base && write_base) &&
	import up base &&
	(cd up && sed -i "15s/r += 1;/r += 2;/" mm/a.c &&
	 printf "int fresh(void)\n{\n\treturn 1;\n}\n" >mm/new.c &&
	 git rm -q mm/gone.c && git mv mm/old.c mm/renamed.c &&
	 sed -i "s/int b = 2;/int b = 20;/" mm/renamed.c &&
	 git add -A && git commit -q -m "mm: fix bar" && git show -M --format= HEAD >../fix.diff) &&
	UPID=$(git -C up rev-parse HEAD) &&
	grep -q "^@@ .* @@ int bar(int x)$" fix.diff && grep -q "^rename from mm/old.c$" fix.diff &&
	grep -q "^new file mode" fix.diff && grep -q "^deleted file mode" fix.diff &&
	series fix fix.diff &&
	import drift base && (cd drift && prepend mm/a.c && git commit -q -am "drift") &&
	mkdir fixedsrc && (cd up && tar -c --exclude=.git .) | (cd fixedsrc && tar -x) &&
	import fixedoff fixedsrc && (cd fixedoff && prepend mm/a.c && git commit -q -am "drift") &&
	cat >stable_trees.conf <<-EOF
	[tree "drift"]
		path = drift
		ref = HEAD
	[tree "fixedoff"]
		path = fixedoff
		ref = HEAD
	EOF
'

test_expect_success 'status: the fix at an offset is missing here, there at an offset is fixed' '
	"$LTSPORT" status --series fix --json >status.json 2>status.err && test ! -s status.err &&
	test "$(verdict drift)" = missing && test "$(verdict fixedoff)" = fixed &&
	jq -r ".[] | select(.tree == \"drift\") | .evidence" status.json >ev &&
	grep -q "anchored: mm/a.c: hunk #1 at 17 (offset 5 lines)" ev &&
	jq -r ".[] | select(.tree == \"fixedoff\") | .evidence" status.json |
		grep -q "every hunk.s postimage is in HEAD"
'

test_expect_success 'port lands the hunk in bar(), not in the nearer foo(), and carries the files' '
	run_ltsport port --series fix &&
	cat err && test "$(cat rc)" = 0 &&
	grep -q "^drift: ported 1 patch" out && grep -q "^  0001-mm-fix-bar.patch  [0-9a-f]*  relaxed$" out &&
	grep -q "^fixedoff: nothing to port (fixed)" out &&
	test -z "$(git -C fixedoff for-each-ref refs/heads/ltsport)" &&
	cp base/mm/a.c expect && sed -i "15s/r += 1;/r += 2;/" expect && prepend expect &&
	git -C drift cat-file blob ltsport/drift/drift:mm/a.c >got && test_cmp_files expect got &&
	git -C drift cat-file blob ltsport/drift/drift:mm/new.c >got && test_cmp_files up/mm/new.c got &&
	git -C drift cat-file blob ltsport/drift/drift:mm/renamed.c >got &&
	test_cmp_files up/mm/renamed.c got &&
	test -z "$(git -C drift ls-tree ltsport/drift/drift mm/gone.c mm/old.c)" &&
	sed -n "/^\[ ltsport: applied/,/ \]$/p" backports/drift/drift/0001-mm-fix-bar.patch | tr "\n" " " >note &&
	grep -q "mm/a.c: hunk #1 at 17 *(offset 5 *lines)" note &&
	git -C drift status --porcelain >st && test ! -s st
'

test_expect_success 'port --assume missing still leaves the tree that has the fix alone' '
	cat >stable_trees.conf <<-EOF &&
	[tree "fixedoff"]
		path = fixedoff
		ref = HEAD
	EOF
	run_ltsport port --series fix --assume missing &&
	test "$(cat rc)" = 0 && grep -q "^fixedoff: nothing to port (fixed)" out &&
	test -z "$(git -C fixedoff for-each-ref refs/heads/ltsport)"
'

test_expect_success 'a header naming no function, identical context in two: unknown, port refuses' '
	sed "s/^\(@@ [^@]* @@\).*/\1/" fix.diff >nofunc.diff && ! grep -q "@@ int bar" nofunc.diff &&
	series nofunc nofunc.diff && sed -i "s/name = drift/name = nofunc/" nofunc/series.conf &&
	cat >stable_trees.conf <<-EOF &&
	[tree "drift"]
		path = drift
		ref = HEAD
	EOF
	"$LTSPORT" status --series nofunc --json >status.json 2>status.err && cat status.err && test ! -s status.err &&
	test "$(verdict drift)" = unknown &&
	jq -r ".[].notes" status.json | grep -q "mm/a.c: hunk #1 matches 2 places (in different functions), refusing to guess" &&
	run_ltsport port --series nofunc &&
	test "$(cat rc)" = 1 && grep -q "verdict unknown" err &&
	run_ltsport port --series nofunc --assume missing &&
	test "$(cat rc)" = 1 &&
	grep -q "relaxed: mm/a.c: hunk #1 matches 2 places (in different functions), refusing to guess" err &&
	test -z "$(git -C drift for-each-ref refs/heads/ltsport/nofunc)"
'

test_expect_success 'a rename onto a file the tree has already is refused, never overwritten' '
	import both base && (cd both && prepend mm/a.c && echo "int mine;" >mm/renamed.c &&
	 git add -A && git commit -q -m "a renamed.c of its own") &&
	cat >stable_trees.conf <<-EOF &&
	[tree "both"]
		path = both
		ref = HEAD
	EOF
	"$LTSPORT" status --series fix --json >status.json &&
	test "$(verdict both)" = unknown &&
	jq -r ".[].notes" status.json | grep -q "mm/old.c: renamed, yet both names are in the tree" &&
	run_ltsport port --series fix --assume missing &&
	test "$(cat rc)" = 1 &&
	grep -q "relaxed: mm/old.c: renamed to mm/renamed.c, which the tree has already" err &&
	test -z "$(git -C both for-each-ref refs/heads/ltsport)"
'

# A deletion at the top of a file: its postimage (the context below) is in
# both states, so it decides nothing; whitespace drift keeps the exact checks out.
test_expect_success 'a hunk found both ways alone never makes a fix "fixed"' '
	mkdir delsrc && printf "int a;\nint b;\nint c;\nint d;\nint e;\n" >delsrc/list.c &&
	import delup delsrc && (cd delup && sed -i "1,2d" list.c && git commit -q -am "drop a, b" &&
	 git show --format= HEAD >../del.diff) &&
	series del del.diff && sed -i "s/name = drift/name = del/" del/series.conf &&
	import wsdel delsrc && (cd wsdel && sed -i "1s/\$/  /" list.c && git commit -q -am "blanks") &&
	cat >stable_trees.conf <<-EOF &&
	[tree "wsdel"]
		path = wsdel
		ref = HEAD
	EOF
	"$LTSPORT" status --series del --json >status.json &&
	test "$(verdict wsdel)" = unknown &&
	jq -r ".[].notes" status.json | grep -q "of 1 hunks 0 only apply, 0 are only there already, 1 both"
'

test_expect_success 'port --assume takes only missing' '
	cat >stable_trees.conf <<-EOF &&
	[tree "drift"]
		path = drift
		ref = HEAD
	EOF
	cp backports/drift/drift/port.json port.before &&
	run_ltsport port --series fix --assume fixed &&
	test "$(cat rc)" = 2 && grep -q "^ltsport: port: --assume fixed: only .missing. can be assumed; use --assume missing$" err &&
	test_cmp_files port.before backports/drift/drift/port.json
'

test_expect_success 'a file the tree has under another name: found by content, named in the note' '
	mkdir teamsrc && mkdir teamsrc/drv &&
	printf "int team_port_add(struct team *team)\n{\n\tint err = team_port_enter(team);\n\n\tif (err)\n\t\treturn err;\n\tteam_port_count_inc(team);\n\treturn team_port_notify(team);\n}\n" >teamsrc/drv/team.c &&
	import teamup teamsrc && (cd teamup && git mv drv/team.c drv/team_core.c &&
	 git commit -q -m "team: rename team.c to team_core.c" &&
	 sed -i "s/^\tteam_port_count_inc(team);$/&\n\tteam_port_sync(team);/" drv/team_core.c &&
	 git commit -q -am "team: sync the port" && git show --format= HEAD >../team.diff) &&
	grep -q "^+++ b/drv/team_core.c$" team.diff &&
	series team team.diff && sed -i "s/name = drift/name = team/" team/series.conf &&
	import teamtree teamsrc &&
	cat >stable_trees.conf <<-EOF &&
	[tree "teamtree"]
		path = teamtree
		ref = HEAD
	EOF
	"$LTSPORT" status --series team --json >status.json &&
	test "$(verdict teamtree)" = missing &&
	jq -r ".[].evidence" status.json | grep -q "drv/team_core.c is drv/team.c here (found by content" &&
	run_ltsport port --series team &&
	cat out err && test "$(cat rc)" = 0 &&
	git -C teamtree cat-file blob ltsport/team/teamtree:drv/team.c >got &&
	grep -q "^	team_port_sync(team);$" got &&
	test -z "$(git -C teamtree ls-tree ltsport/team/teamtree drv/team_core.c)" &&
	sed -n "/^\[ ltsport: /,/ \]$/p" backports/team/teamtree/0001-mm-fix-bar.patch | tr "\n" " " | tr -s " " >note &&
	grep -q "drv/team_core.c is drv/team.c here (found by content" note &&
	grep -q "^+++ b/drv/team.c" backports/team/teamtree/0001-mm-fix-bar.patch
'

test_expect_success 'port --assume missing ports where the verdict is unknown, and the note says so' '
	mkdir asrc && printf "int f(void)\n{\n\ta();\n\tb();\n\tc();\n\td();\n}\n" >asrc/f.c &&
	import aup asrc && (cd aup && sed -i "s/^\tc();$/&\n\tx();/" f.c && git commit -q -am "add x" &&
	 git show --format= HEAD >../add.diff) &&
	series add add.diff && sed -i "s/name = drift/name = add/" add/series.conf &&
	import atree asrc && (cd atree && sed -i "s/^\td();$/\tD();/" f.c && git commit -q -am "d is D") &&
	cat >stable_trees.conf <<-EOF &&
	[tree "atree"]
		path = atree
		ref = HEAD
	EOF
	"$LTSPORT" status --series add --json >status.json &&
	test "$(verdict atree)" = unknown &&
	run_ltsport port --series add &&
	test "$(cat rc)" = 1 && grep -q "verdict unknown" err &&
	test -z "$(git -C atree for-each-ref refs/heads/ltsport)" &&
	run_ltsport port --series add --assume missing &&
	cat out err && test "$(cat rc)" = 0 &&
	git -C atree cat-file blob ltsport/add/atree:f.c >got &&
	printf "int f(void)\n{\n\ta();\n\tb();\n\tc();\n\tx();\n\tD();\n}\n" >want && test_cmp_files want got &&
	sed -n "/^\[ ltsport: /,/ \]$/p" backports/add/atree/0001-mm-fix-bar.patch | tr "\n" " " | tr -s " " >note &&
	grep -q "verdict unknown here; ported on the maintainer.s --assume missing" note
'

test_expect_success 'port --assume missing never applies a fix that is already there' '
	cat >stable_trees.conf <<-EOF &&
	[tree "wsdel"]
		path = wsdel
		ref = HEAD
	EOF
	run_ltsport port --series del --assume missing &&
	test "$(cat rc)" = 1 && grep -q "already there: every hunk.s postimage is in the tree" err &&
	test -z "$(git -C wsdel for-each-ref refs/heads/ltsport)"
'

test_done
