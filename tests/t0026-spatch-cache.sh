#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The spatch cache (tools/ltsport/spcache.c): a rule run on the same bytes
# with the same spatch is taken from the cache, anything else runs spatch;
# a torn entry is not used; LTSPORT_SPATCH_CACHE=0 turns it off; a cache
# that cannot be written is said once and the run goes on.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

SPATCH=$(command -v spatch) || {
	test_skip spatch-cache "spatch is not installed (apt-get install coccinelle)"
	test_done
}

# A spatch on PATH that counts its runs, then runs the real one.
mkdir -p "$TRASH/bin"
cat >"$TRASH/bin/spatch" <<EOF
#!/bin/sh
echo "spatch \$*" >>"$TRASH/spatch.calls"
exec "$SPATCH" "\$@"
EOF
chmod +x "$TRASH/bin/spatch"
export PATH="$TRASH/bin:$PATH"
# this test's cache is its own, where a user's is
unset LTSPORT_CACHE_DIR
CACHE=$HOME/.cache/ltsport/spatch

calls() {
	if [ -f "$TRASH/spatch.calls" ]; then wc -l <"$TRASH/spatch.calls"; else echo 0; fi
}

# st <backports dir>: status of the fixture, in a work dir of its own (no status.json)
st() {
	: >"$TRASH/spatch.calls" &&
	run_ltsport status --series "$TOP/series/swap-race" --backports "$1" &&
	test "$(cat rc)" = 0
}

test_expect_success 'setup: the 6.1 fixture' '
	cp -r "$TOP/tests/fixtures/eras/6.1" base &&
	(cd base && git init -q && git add -A && git commit -q -m "fixture 6.1") &&
	printf "[tree \"6.1\"]\n\tpath = base\n\tref = HEAD\n" >stable_trees.conf
'

test_expect_success 'a first status runs spatch and keeps its reports' '
	st b1 && cp out status.1 &&
	grep -q "^6.1  *missing" out &&
	test "$(calls)" -ge 2 &&
	test "$(find "$CACHE" -type f | wc -l)" -ge 2 &&
	test ! -s err
'

test_expect_success 'the same again: no spatch, the same verdicts' '
	st b2 && test "$(calls)" = 0 && test_cmp_files status.1 out
'

test_expect_success 'LTSPORT_SPATCH_CACHE=0: spatch runs, nothing is added' '
	n=$(find "$CACHE" -type f | wc -l) &&
	LTSPORT_SPATCH_CACHE=0 st b3 && test "$(calls)" -ge 2 && test_cmp_files status.1 out &&
	test "$(find "$CACHE" -type f | wc -l)" = "$n"
'

test_expect_success 'a torn entry is not used: spatch runs again and the entry is made anew' '
	for f in $(find "$CACHE" -type f); do
		head -c -1 "$f" >"$f.t" && mv "$f.t" "$f" || return 1
	done &&
	st b4 && test "$(calls)" -ge 2 && test_cmp_files status.1 out &&
	st b5 && test "$(calls)" = 0 && test_cmp_files status.1 out
'

test_expect_success 'an entry changed in its body is not used either' '
	for f in $(find "$CACHE" -type f); do
		sed -i "0,/missing/s//MISSING/" "$f" || return 1
	done &&
	st b6 && test "$(calls)" -ge 2 && test_cmp_files status.1 out
'

test_expect_success 'another tree content: spatch runs' '
	(cd base && echo "/* a change */" >>mm/memory.c && git commit -q -am "a change") &&
	st b7 && test "$(calls)" -ge 1 && grep -q "^6.1  *missing" out
'

test_expect_success 'port twice: the patch mode is taken from the cache, the same patches' '
	rm -rf "$CACHE" && : >"$TRASH/spatch.calls" &&
	run_ltsport port --series "$TOP/series/swap-race" --backports p1 && test "$(cat rc)" = 0 &&
	grep -q " -D patch " "$TRASH/spatch.calls" &&
	git -C base branch -m ltsport/swap-race/6.1 first &&
	: >"$TRASH/spatch.calls" &&
	run_ltsport port --series "$TOP/series/swap-race" --backports p2 && test "$(cat rc)" = 0 &&
	test "$(calls)" = 0 &&
	# the commit id and, without the upstream mail, the date are of the run
	for p in p1/swap-race/6.1/000[1-9]-*.patch; do
		sed "1d; /^Date: /d" "$p" >a && sed "1d; /^Date: /d" "p2/swap-race/6.1/${p##*/}" >b &&
		test_cmp_files a b || return 1
	done &&
	test "$(git -C base rev-parse first^{tree})" = "$(git -C base rev-parse ltsport/swap-race/6.1^{tree})"
'

test_expect_success 'LTSPORT_CACHE_DIR holds the cache when set' '
	LTSPORT_CACHE_DIR="$TRASH/elsewhere" st b8 && test "$(calls)" -ge 1 &&
	test "$(find elsewhere/spatch -type f | wc -l)" -ge 1
'

test_expect_success 'a cache that cannot be made: said once, the status is the same' '
	echo file >notadir &&
	LTSPORT_CACHE_DIR="$TRASH/notadir/sub" st b9 && test "$(calls)" -ge 2 &&
	test "$(grep -c "spatch results are not cached in this run: .*notadir.*: Not a directory" err)" = 1 &&
	test "$(wc -l <err)" = 1 && grep -q "^6.1  *missing" out
'

# A spatch that gives up on mm/memory.c at its --timeout, as the real one
# says it (on stderr, exit 0): nothing it printed or left counts.
mkdir -p "$TRASH/slow"
cat >"$TRASH/slow/spatch" <<'EOF'
#!/bin/sh
while [ $# -gt 0 ]; do
	[ "$1" = --dir ] && dir=$2
	shift
done
echo "EXN: Coccinelle_modules.Common.Timeout in $dir/mm/memory.c" >&2
exit 0
EOF
chmod +x "$TRASH/slow/spatch"

test_expect_success 'a file spatch gave up on at its --timeout: no verdict from it, said, not cached' '
	n=$(find "$CACHE" -type f | wc -l) &&
	PATH="$TRASH/slow:$PATH" run_ltsport status --series "$TOP/series/swap-race" --backports b10 &&
	cat out err &&
	grep -q "spatch -D report with .*13ddaf26be32.cocci gave up on mm/memory.c at its --timeout of 240 s" err &&
	! grep -q "^6.1  *\\(missing\\|fixed\\|not affected\\)" out &&
	test "$(find "$CACHE" -type f | wc -l)" = "$n"
'

test_done
