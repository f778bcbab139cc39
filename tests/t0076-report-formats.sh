#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ltsport report --format text|json|markdown|junit|kcidb and -o FILE.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

# Debian's python3, which has python3-junitparser (a python3 earlier in PATH may not).
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import junitparser' 2>/dev/null; then
		PY=$p
		break
	fi
done
if test -z "$PY"; then
	test_skip 'report formats' 'python3-junitparser is not installed'
	test_done
fi

test_expect_success 'setup: three trees, one ported' '
	make_upstream && make_series &&
	make_import imp v5.0 && make_import old v4.14 &&
	write_conf <<-EOF &&
	[tree "5.0"]
		path = imp
		ref = HEAD
	[tree "4.14"]
		path = old
		ref = HEAD
	[tree "6.6"]
		path = trees/6.6
		ref = HEAD
		upstream = https://example.org/linux.git linux-6.6.y
	EOF
	"$LTSPORT" port --series series-dir >/dev/null &&
	out=backports/test-race/5.0 &&
	test -f $out/port.json
'

# write_rec <stage> <outcome> <jq object>: a record of tree 5.0 as its stage
# writes it, on the tip and with the inputs the report names now.
write_rec() {
	"$LTSPORT" report --series series-dir --json >inputs.json &&
	tip=$(git -C imp rev-parse HEAD) &&
	in=$(jq -r ".[] | select(.tree == \"5.0\") | .records.$1.inputs" inputs.json) &&
	jq -n --arg tip "$tip" --arg in "$in" --arg st "$1" --arg o "$2" \
		"{schema: 1, stage: \$st, tree: \"5.0\", tip: \$tip, inputs: \$in,
		  outcome: \$o, seconds: 4.5} + $3" >$out/$1.json
}

side='{how: "x", summary: "s", result: "loss", rounds: 3, seconds: 60, lost: 7,
	misloads: 0, first_loss_s: 1.5, throughput: 100, pswpin: 1, pswpout: 2,
	init_s: 1, wall_s: 70, log: "repro-before.log"}'

test_expect_success 'records of build, sparse, checkpatch and repro' '
	write_rec build finding "{mode: \"full\", toolchain: \"gcc-12\",
		verdict: \"the series breaks the build\",
		first_error: \"mm/memory.c:3: error: a < b & \\\"c\\\" | d QQ\",
		seconds_before: 100, seconds_after: 90, new_warnings: 1, log: \"build.log\"}" &&
	printf "CC mm/memory.o\nmm/memory.c:3: error: x <y> & \"z\" \377\376\n" >$out/build.log &&
	sed -i "s/QQ/\\xff\\xfe/" $out/build.json &&
	grep -q "$(printf "\377")" $out/build.json &&
	write_rec sparse done "{mode: \"full\", toolchain: \"gcc-12\", verdict: \"builds\",
		first_error: \"\", seconds_before: 1, seconds_after: 2, new_warnings: 0,
		log: \"sparse.log\"}" &&
	write_rec checkpatch finding "{patches: 2, errors: 3, warnings: 1, upstream_too: 0,
		not_counted: 1, log: \"checkpatch.log\"}" &&
	write_rec repro done "{accel: \"kvm\", verdict: \"proven: lost 7 before, 0 after\",
		proven: true, required_s: 60, cmdline: \"\", before: $side,
		after: ($side + {result: \"clean\", lost: 0, log: \"repro-after.log\"})}" &&
	"$LTSPORT" report --series series-dir >report.txt &&
	grep -q "^  build: the series breaks the build, 1 new warning$" report.txt &&
	grep -q "^  repro: proven: lost 7 before, 0 after$" report.txt
'

test_expect_success 'the repro record made on other inputs is stale' '
	jq ".inputs = \"0123456789abcdef0123456789abcdef01234567\"" $out/repro.json >r.tmp &&
	mv r.tmp $out/repro.json &&
	"$LTSPORT" report --series series-dir --format text >report.txt &&
	grep -q "^  repro: proven: lost 7 before, 0 after STALE$" report.txt
'

test_expect_success '--json is --format json' '
	"$LTSPORT" report --series series-dir --json >a.json &&
	"$LTSPORT" report --series series-dir --format json >b.json &&
	test_cmp_files a.json b.json &&
	test "$(jq -r ".[] | select(.tree == \"5.0\") | .records.repro.record" a.json)" = stale
'

test_expect_success 'markdown: the matrix, a row per tree, | escaped' '
	"$LTSPORT" report --series series-dir --format markdown >report.md &&
	grep -qx "| tree | state | port | build | sparse | checkpatch | repro | backtest | next |" report.md &&
	grep -qx "| --- | --- | --- | --- | --- | --- | --- | --- | --- |" report.md &&
	test "$(grep -c "^| " report.md)" = 5 &&
	grep -q "^| 5.0 | missing | 2 patches (exact,exact) | the series breaks the build, 1 new warning | builds, 0 new warnings | 3 errors, 1 warning | proven: lost 7 before, 0 after STALE | not run | fix the build: see build.log and sparse.log |$" report.md &&
	grep -q "^| 6.6 | absent | - | - | - | - | - | - | get the tree: https://example.org/linux.git linux-6.6.y |$" report.md &&
	cp $out/repro.json repro.save &&
	jq ".verdict = \"not proven: a | b \\\\ c\"" repro.save >$out/repro.json &&
	"$LTSPORT" report --series series-dir --format markdown >report.md &&
	cp repro.save $out/repro.json &&
	row=$(grep "^| 5.0 " report.md) &&
	echo "$row" | grep -qF "| not proven: a \\| b \\\\ c STALE |" &&
	cells=$(echo "$row" | sed "s/\\\\[|\\\\]//g" | tr -cd "|" | wc -c) &&
	test "$cells" = 10
'

test_expect_success 'junit: a testsuite per tree, failures with the reason and the log tail' '
	"$LTSPORT" report --series series-dir --format junit >report.xml &&
	"$PY" - report.xml <<-\PY &&
	import sys
	from junitparser import JUnitXml, Failure, Skipped, Error
	xml = JUnitXml.fromfile(sys.argv[1])
	suites = {s.name: s for s in xml}
	assert sorted(suites) == ["4.14", "5.0", "6.6"], list(suites)
	s = suites["5.0"]
	assert (s.tests, s.failures, s.errors, s.skipped) == (6, 2, 0, 1), \
	    (s.tests, s.failures, s.errors, s.skipped)
	cases = {c.name: c for c in s}
	assert list(cases) == ["port", "build", "sparse", "checkpatch", "repro", "backtest"]
	b = cases["build"].result[0]
	assert isinstance(b, Failure), b
	assert "a < b & \"c\" | d \ufffd\ufffd" in b.message, b.message
	assert "error: x <y> & \"z\" \ufffd\ufffd" in b.text, b.text
	assert isinstance(cases["checkpatch"].result[0], Failure)
	assert "checkpatch.log" in cases["checkpatch"].result[0].text
	assert not cases["repro"].result and not cases["port"].result
	assert isinstance(cases["backtest"].result[0], Skipped)
	for t in ("4.14", "6.6"):
	    assert suites[t].failures == 0 and suites[t].errors == 0
	assert suites["6.6"].skipped == 6
	PY
	grep -q "<property name=\"stale\" value=\"true\"/>" report.xml &&
	! grep -q "STALE (STALE)" report.xml
'

test_expect_success 'junit: a corrupt record is an error with the reason' '
	echo "{\"schema\": 1" >$out/backtest.json &&
	"$LTSPORT" report --series series-dir --format junit >report.xml &&
	rm $out/backtest.json &&
	"$PY" - report.xml <<-\PY
	import sys
	from junitparser import JUnitXml, Error
	s = [s for s in JUnitXml.fromfile(sys.argv[1]) if s.name == "5.0"][0]
	assert (s.failures, s.errors, s.skipped) == (2, 1, 0)
	e = [c for c in s if c.name == "backtest"][0].result[0]
	assert isinstance(e, Error) and "backtest.json: truncated" in e.message, e.message
	PY
'

test_expect_success 'kcidb: the fields and types KCIDB 5.3 requires' '
	"$LTSPORT" report --series series-dir --format kcidb --origin ci_1 >kcidb.json &&
	"$PY" - kcidb.json <<-\PY &&
	import json, re, sys
	d = json.load(open(sys.argv[1]))
	assert d["version"] == {"major": 5, "minor": 3}, d["version"]
	assert set(d) <= {"version", "checkouts", "builds", "tests", "issues", "incidents"}
	status = {"FAIL", "ERROR", "MISS", "PASS", "DONE", "SKIP"}
	rfc3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
	def check(o, required):
	    for k in required:
	        assert k in o, (k, o)
	    for k, v in o.items():
	        assert v is not None, (k, o)
	        if k == "id" or k.endswith("_id"):
	            assert isinstance(v, str) and v.startswith("ci_1:"), (k, v)
	        if k == "origin":
	            assert v == "ci_1"
	        if k == "status":
	            assert v in status, v
	        if k == "start_time":
	            assert rfc3339.match(v), v
	        if k == "duration":
	            assert isinstance(v, (int, float)), v
	        if k == "misc":
	            assert isinstance(v, dict)
	co = d["checkouts"]; bu = d["builds"]; te = d["tests"]
	assert len(co) == 3 and len(bu) == 6 and len(te) == 12, (len(co), len(bu), len(te))
	for c in co:
	    check(c, ["id", "origin"])
	    if "git_commit_hash" in c:
	        assert re.match("^[0-9a-f]{40}$", c["git_commit_hash"])
	    if "git_repository_url" in c:
	        assert c["git_repository_url"].startswith("https://")
	ids = {c["id"] for c in co}
	for b in bu:
	    check(b, ["checkout_id", "id", "origin"])
	    assert b["checkout_id"] in ids
	bids = {b["id"] for b in bu}
	for t in te:
	    check(t, ["build_id", "id", "origin"])
	    assert t["build_id"] in bids
	    assert re.match(r"^([a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)*)?$", t["path"]), t["path"]
	    if "number" in t:
	        assert isinstance(t["number"]["value"], (int, float))
	b = {x["id"]: x for x in bu}
	assert b["ci_1:test-race:5.0:build:after"]["status"] == "FAIL"
	assert b["ci_1:test-race:5.0:build:before"]["status"] == "PASS"
	assert b["ci_1:test-race:5.0:build:after"]["compiler"] == "gcc-12"
	assert b["ci_1:test-race:5.0:build:after"]["misc"]["log"].endswith("5.0/build.log")
	assert b["ci_1:test-race:5.0:build:after"]["log_url"].startswith("file:///")
	t = {x["id"]: x for x in te}
	assert t["ci_1:test-race:5.0:checkpatch"]["status"] == "FAIL"
	assert t["ci_1:test-race:5.0:checkpatch"]["number"]["value"] == 3
	assert t["ci_1:test-race:5.0:sparse"]["status"] == "PASS"
	r = t["ci_1:test-race:5.0:repro"]
	assert r["status"] == "PASS" and r["misc"]["stale"] is True, r
	assert r["misc"]["before"]["lost"] == 7
	assert t["ci_1:test-race:5.0:backtest"]["status"] == "SKIP"
	assert t["ci_1:test-race:6.6:repro"]["status"] == "SKIP"
	c66 = [c for c in co if c["tree_name"] == "6.6"][0]
	assert c66["git_repository_url"] == "https://example.org/linux.git"
	assert c66["git_repository_branch"] == "linux-6.6.y"
	PY
	"$LTSPORT" report --series series-dir --format kcidb >kcidb2.json &&
	test "$(jq -r ".checkouts[0].origin" kcidb2.json)" = ltsport
'

test_expect_success 'bad input: exit 2, one error, nothing written' '
	run_ltsport report --series series-dir --format yaml -o out.txt &&
	test "$(cat rc)" = 2 && test ! -e out.txt && test ! -s out &&
	test "$(wc -l <err)" = 1 && grep -q "^ltsport: --format yaml: unknown format" err &&
	run_ltsport report --series series-dir -o nodir/out.txt &&
	test "$(cat rc)" = 2 && test ! -e nodir && test "$(wc -l <err)" = 1 &&
	grep -q "no directory nodir" err &&
	run_ltsport report --series series-dir --format kcidb --origin Bad-Name &&
	test "$(cat rc)" = 2 && test "$(wc -l <err)" = 1 &&
	run_ltsport report --series series-dir -o backports &&
	test "$(cat rc)" = 2 && test "$(wc -l <err)" = 1
'

test_expect_success '-o FILE: written whole; a failed run leaves the previous file' '
	"$LTSPORT" report --series series-dir --format markdown -o report.out &&
	"$LTSPORT" report --series series-dir --format markdown >expect.md &&
	test_cmp_files expect.md report.out &&
	"$LTSPORT" report --series series-dir --format junit -oreport.xml &&
	"$PY" -c "from junitparser import JUnitXml; JUnitXml.fromfile(\"report.xml\")" &&
	run_ltsport report --series series-dir --format nope -o report.out &&
	test "$(cat rc)" = 2 && test_cmp_files expect.md report.out &&
	run_ltsport report --series no-such-series --format json -o report.out &&
	test "$(cat rc)" = 2 && test_cmp_files expect.md report.out &&
	test -z "$(ls | grep "report.out.tmp")"
'

test_done
