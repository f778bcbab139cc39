#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bad series input: one clear error naming file and line, exit 2, no output.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

test_expect_success 'setup' '
	make_upstream && make_series && make_import imp v5.0 &&
	write_conf <<-EOF
	[tree "5.0"]
		path = imp
		ref = HEAD
		base = v5.0
	EOF
'

# fresh_series: a pristine copy of the good series in "s".
fresh_series() {
	rm -rf s && cp -r series-dir s
}

# expect_port_error <pattern>: port fails with exit 2, one error line, no output.
expect_port_error() {
	rm -rf backports &&
	run_ltsport port --series s &&
	test "$(cat rc)" = 2 &&
	grep -q "$1" err &&
	test "$(wc -l <err)" = 1 &&
	test ! -s out &&
	test ! -e backports &&
	test -z "$(git -C imp for-each-ref refs/heads/ltsport)"
}

test_expect_success 'the good series ports (control)' '
	fresh_series && run_ltsport port --series s --backports good &&
	test "$(cat rc)" = 0 && test -d good/test-race/5.0 &&
	git -C imp branch -D -q ltsport/test-race/5.0
'

test_expect_success 'a corrupt patch' '
	fresh_series &&
	sed -i "0,/^@@ .*/s//@@ -5,6 +5,11 @@/; /^+		need_clear_cache/d" s/0001-*.patch &&
	sed -i "s/^ 	step_8/ 	step_8\nbroken line without prefix/" s/0001-*.patch &&
	expect_port_error "s/0001-mm-swap-fix-race-when-skipping-swapcache.patch:[0-9]*: corrupt patch: .*; regenerate it"
'

test_expect_success 'a series line naming a patch with no file and no section' '
	fresh_series && echo "0003-missing.patch" >>s/series &&
	expect_port_error "s/series:3: the series names .0003-missing.patch. but series.conf has no \[patch \"0003-missing.patch\"\] section"
'

test_expect_success 'a series line naming a described patch whose file is missing' '
	fresh_series && rm s/0002-*.patch &&
	expect_port_error "s/series:2: patch .0002-.*. not found in .*, no mainline repo"
'

test_expect_success 'a CRLF patch' '
	fresh_series && sed -i "s/$/\r/" s/0002-*.patch &&
	expect_port_error "s/0002-.*.patch:1: CRLF line ending; convert the patch with dos2unix"
'

test_expect_success 'a patch that is not a mail' '
	fresh_series && p=$(ls s/0001-*.patch) && sed -n "/^diff --git/,\$p" $p >x && mv x $p &&
	expect_port_error "s/0001-.*.patch:1: not a git format-patch mail"
'

test_expect_success 'an unknown key in series.conf' '
	fresh_series && sed -i "0,/upstream = /s//upstraem = /" s/series.conf &&
	expect_port_error "s/series.conf:4: unknown key .upstraem."
'

test_expect_success 'a short upstream id' '
	fresh_series && sed -i "0,/upstream = \([0-9a-f]\{12\}\).*/s//upstream = \1/" s/series.conf &&
	expect_port_error "s/series.conf:3: \[patch \"0001-.*\"\] needs upstream = <full 40-digit commit id>"
'

test_expect_success 'a section for a patch the series does not name' '
	fresh_series && printf "[patch \"0009-x.patch\"]\n\tupstream = %s\n" $FIX1 >>s/series.conf &&
	expect_port_error "s/series.conf:17: \[patch \"0009-x.patch\"\] is not in the series file"
'

test_expect_success 'an unsupported quilt option' '
	fresh_series && sed -i "1s/$/ -p0/" s/series &&
	expect_port_error "s/series:1: option .-p0. is not supported"
'

test_expect_success '[series] name without a value: an error, not a crash' '
	fresh_series && sed -i "s/^	name = test-race$/	name/" s/series.conf &&
	expect_port_error "s/series.conf:2: .name. has no value; write name = VALUE"
'

test_expect_success 'a key before any section of series.conf' '
	fresh_series && sed -i "1i\\cve = CVE-0000-0002" s/series.conf &&
	expect_port_error "s/series.conf:1: .cve. is outside any section"
'

test_expect_success 'a patch key without a value' '
	fresh_series && sed -i "0,/^	cve = .*/s//	cve/" s/series.conf &&
	expect_port_error "s/series.conf:10: .cve. has no value"
'

test_expect_success 'a series name with a space is refused before anything is written' '
	fresh_series && sed -i "s/^	name = test-race$/	name = test race/" s/series.conf &&
	expect_port_error "s/series.conf:2: series name .test race. cannot name a branch and a directory"
'

test_expect_success 'a series name that climbs out is refused' '
	fresh_series && sed -i "s|^	name = test-race$|	name = ../../x|" s/series.conf &&
	expect_port_error "s/series.conf:2: series name .\.\./\.\./x. cannot name a branch"
'

test_expect_success 'a series named after a directory with a space needs [series] name' '
	rm -rf "my series" && cp -r series-dir "my series" &&
	sed -i "/^\[series\]$/d; /^	name = test-race$/d" "my series/series.conf" &&
	run_ltsport port --series "./my series" &&
	test "$(cat rc)" = 2 && test "$(wc -l <err)" = 1 &&
	grep -q "my series/series.conf: the series is named .my series. after its directory.*add \[series\] name = NAME" err &&
	test ! -e backports && rm -rf "my series"
'

test_expect_success 'a key set twice in series.conf: the second line, naming the first' '
	fresh_series && sed -i "7a\\	subject = another subject" s/series.conf &&
	expect_port_error "s/series.conf:8: .subject. is set twice in \[patch \"0001-.*\"\] (first at line 5); keep one"
'

test_expect_success '[series] name set twice' '
	fresh_series && printf "[series]\n\tname = other\n" >>s/series.conf &&
	expect_port_error "s/series.conf:18: .name. is set twice in \[series\] (first at line 2)"
'

test_expect_success 'quoted values keep ; and #' '
	fresh_series &&
	sed -i "s|^	subject = mm/swap: fix race.*|	subject = \"mm/swap: fix race; when #skipping\" # a comment|" s/series.conf &&
	run_ltsport status --series s --json &&
	test "$(cat rc)" = 0 && grep -q "\"mm/swap: fix race; when #skipping\"" out
'

test_expect_success 'a NUL byte in a patch: its line, not a shorter patch' '
	fresh_series && p=$(ls s/0001-*.patch) &&
	n=$(grep -n "^@@ " $p | sed -n "2s/:.*//p") && test -n "$n" &&
	perl -pi -e "s/^(\@\@ -)/\\0\$1/ if \$. == $n" $p &&
	test "$(tr -d "\\000" <$p | wc -c)" = "$(($(wc -c <$p) - 1))" &&
	expect_port_error "s/0001-.*.patch:$n: contains a NUL byte"
'

# expect_bad_path <sed script> <pattern>: the mangled 0001 is refused at its line.
expect_bad_path() {
	fresh_series && p=$(ls s/0001-*.patch) && sed -i "$1" $p &&
	n=$(grep -n "$2" $p | sed "s/:.*//;q") && test -n "$n" &&
	expect_port_error "s/0001-.*.patch:$n: unsafe path in a diff header: $3"
}

test_expect_success 'a diff --git path with ..' '
	expect_bad_path "s|^diff --git a/mm/memory.c b/mm/memory.c|diff --git a/../mm/memory.c b/../mm/memory.c|" \
		"^diff --git" "a .\.\.. component"
'

test_expect_success 'an absolute +++ path' '
	expect_bad_path "s|^+++ b/mm/memory.c|+++ /etc/passwd|" "^+++ " "an absolute path"
'

test_expect_success 'a --- path with an empty name' '
	expect_bad_path "s|^--- a/mm/memory.c|--- a/|" "^--- a" "an empty path"
'

test_expect_success 'a rename to a path outside the tree' '
	expect_bad_path "s|^index .*|similarity index 90%\nrename from mm/memory.c\nrename to ../memory.c|" \
		"^rename to" "a .\.\.. component"
'

test_expect_success 'a quoted path whose escapes spell ..' '
	expect_bad_path "s|^diff --git .*|diff --git \"a/\\\\056\\\\056/x\" \"b/\\\\056\\\\056/x\"|" \
		"^diff --git" "a .\.\.. component"
'

test_expect_success 'a quoted path with an escaped NUL' '
	expect_bad_path "s|^+++ .*|+++ \"b/mm/memory.c\\\\000x\"|" "^+++ " "a NUL byte"
'

test_expect_success 'a series that does not exist' '
	run_ltsport port --series nothere && test "$(cat rc)" = 2 &&
	grep -q "series .nothere.: no such directory" err && test ! -e backports
'

test_done
