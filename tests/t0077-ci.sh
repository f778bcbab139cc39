#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ltsport ci --gitlab|--github: a job per tree and a merge job, YAML that
# parses (Debian's python3-yaml); report --merge of per-tree records.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-trees.sh"

# Debian's python3, which has python3-yaml (a python3 earlier in PATH may not).
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import yaml' 2>/dev/null; then
		PY=$p
		break
	fi
done
Q="'"
if test -z "$PY"; then
	test_skip 'ci pipelines' 'python3-yaml is not installed (make deps)'
	test_done
fi

test_expect_success 'setup: a config of three trees, one without upstream' '
	make_upstream && make_series &&
	write_conf <<-\EOF
	[tree "4.19"]
		path = trees/4.19
		ref = HEAD
		upstream = https://example.org/stable.git linux-4.19.y
	[tree "6.1"]
		path = trees/6.1
		ref = HEAD
	[tree "mainline"]
		path = trees/mainline
		ref = HEAD
		upstream = https://example.org/it'"'"'s&$(x).git
	EOF
'

# check_pipeline <engine> <file> <tree>...: the jobs of the trees and the
# merge that needs them, each command as the shell will see it.
check_pipeline() {
	"$PY" - "$@" <<-\PY
	import subprocess, sys, yaml
	engine, path, trees = sys.argv[1], sys.argv[2], sys.argv[3:]
	doc = yaml.safe_load(open(path))

	def words(line):
	    """the argv of a command line, through a real shell"""
	    out = subprocess.run(["bash", "-c", "w() { printf \"%s\\0\" \"$@\"; }; " +
	                          line.replace("./ltsport ", "w ./ltsport ", 1)
	                              .replace("git clone ", "w git clone ", 1)
	                              .replace("mkdir ", "w mkdir ", 1)],
	                         capture_output=True, text=True, check=True).stdout
	    return out.split("\0")[:-1]

	def cmds(lines, name):
	    return [words(l) for l in lines if l.startswith("./ltsport " + name + " ")]

	if engine == "gitlab":
	    assert doc["stages"] == ["trees", "merge"], doc["stages"]
	    jobs = {k: v for k, v in doc.items() if k not in ("stages", "variables")}
	    assert sorted(jobs) == sorted(["tree " + t for t in trees] + ["merge"]), sorted(jobs)
	    for t in trees:
	        j = jobs["tree " + t]
	        assert j["image"] == "debian:12" and j["stage"] == "trees", j
	        assert "make deps" in j["before_script"], j["before_script"]
	        script = j["script"]
	        c = cmds(script, "run")
	        assert len(c) == 1 and [l for l in script if l.startswith("./ltsport ") and
	                                 not l.startswith("./ltsport trees import ")] == \
	            [l for l in script if l.startswith("./ltsport run ")], (t, script)
	        assert c[0][c[0].index("--tree") + 1] == t, c
	        assert c[0][c[0].index("--backports") + 1] == "backports-" + t, c
	        rep = cmds(j["after_script"], "report")
	        assert [r[r.index("--format") + 1] for r in rep] == ["kcidb", "junit"], rep
	        assert [r[r.index("-o") + 1] for r in rep] == ["kcidb-%s.json" % t, "junit-%s.xml" % t]
	        a = j["artifacts"]
	        assert a["when"] == "always" and a["reports"]["junit"] == "junit-%s.xml" % t, a
	        assert "backports-%s/test-race/" % t in a["paths"], a["paths"]
	        assert "backports-%s/.work/%s/status.json" % (t, t) in a["paths"], a["paths"]
	        assert "kcidb-%s.json" % t in a["paths"], a["paths"]
	    m = jobs["merge"]
	    assert m["needs"] == ["tree " + t for t in trees], m["needs"]
	    assert m["when"] == "always" and m["stage"] == "merge", m
	    merge_lines = m["script"]
	    merge = cmds(merge_lines, "report")
	    assert m["artifacts"]["reports"]["junit"] == "junit.xml", m["artifacts"]
	    fetch = {t: [words(l) for l in jobs["tree " + t]["script"]
	                 if l.startswith("git clone ") or "trees import" in l] for t in trees}
	else:
	    assert doc["on"] == ["push", "workflow_dispatch"], doc["on"]
	    jobs = doc["jobs"]
	    ids = ["tree-" + t.replace(".", "_") for t in trees]
	    assert sorted(jobs) == sorted(ids + ["merge"]), sorted(jobs)
	    fetch = {}
	    for t, i in zip(trees, ids):
	        j = jobs[i]
	        assert j["container"] == "debian:12" and j["name"] == "tree " + t, j
	        steps = {s.get("name", s.get("uses")): s for s in j["steps"]}
	        w = words(steps["run"]["run"])
	        assert w[1] == "run" and w[w.index("--tree") + 1] == t, w
	        assert w[w.index("--backports") + 1] == "backports-" + t, w
	        rep = steps["kcidb and junit reports"]
	        assert rep["if"] == "always()", rep
	        assert [words(l)[-1] for l in rep["run"].split("\n")] == \
	            ["kcidb-%s.json" % t, "junit-%s.xml" % t], rep["run"]
	        up = steps["keep the records and reports"]
	        assert up["uses"] == "actions/upload-artifact@v4" and up["if"] == "always()", up
	        assert up["with"]["name"] == "tree-" + t, up
	        assert up["with"]["include-hidden-files"] == "true", up
	        assert up["with"]["path"].split("\n") == ["backports-%s/test-race/" % t,
	            "backports-%s/.work/%s/status.json" % (t, t),
	            "kcidb-%s.json" % t, "junit-%s.xml" % t], up["with"]["path"]
	        fetch[t] = [words(l) for l in steps["get the tree"]["run"].split("\n")
	                    if l.startswith("git clone ") or "trees import" in l]
	    m = jobs["merge"]
	    assert m["needs"] == ids and m["if"] == "always()", m
	    steps = {s.get("name", s.get("uses")): s for s in m["steps"]}
	    dl = steps["the tree jobs' records"]["with"]
	    assert dl == {"pattern": "tree-*", "merge-multiple": "true"}, dl
	    merge_lines = steps["merge"]["run"].split("\n")
	    merge = cmds(merge_lines, "report")
	mk = [l for l in merge_lines if l.startswith("mkdir ")]
	assert [words(l) for l in mk] == [["mkdir", "-p"] + ["backports-" + t for t in trees]], mk
	fmts = [r[r.index("--format") + 1] for r in merge]
	assert sorted(fmts) == ["json", "junit", "kcidb", "markdown", "text"], fmts
	for r in merge:
	    i = r.index("--merge")
	    assert r[i + 1:] == ["backports-" + t for t in trees], r
	    assert [r[k + 1] for k, w in enumerate(r) if w == "--tree"] == trees, r
	for t in trees:
	    f = fetch[t]
	    assert len(f) == 1, f
	    if t == "4.19":
	        assert f[0] == ["git", "clone", "--branch", "linux-4.19.y",
	                        "https://example.org/stable.git", "trees/4.19"], f
	    elif t == "mainline":
	        assert f[0] == ["git", "clone",
	                        "https://example.org/it\x27s&$(x).git", "trees/mainline"], f
	    else:
	        assert f[0][:3] == ["./ltsport", "trees", "import"], f
	        assert f[0][3:] == ["", "--into", "trees", "--name", "6.1"], f
	print("ok", engine, trees)
	PY
}

test_expect_success 'ci --gitlab: a job per tree, the merge job needs them all' '
	run_ltsport ci --gitlab --series series-dir &&
	test "$(cat rc)" = 0 && test ! -s err &&
	grep -q "^# Each tree job runs ltsport run for its tree" out &&
	check_pipeline gitlab out 4.19 6.1 mainline
'

test_expect_success 'ci --github: a job per tree, artifacts, the merge job needs them all' '
	run_ltsport ci --github --series series-dir &&
	test "$(cat rc)" = 0 && test ! -s err &&
	check_pipeline github out 4.19 6.1 mainline
'

test_expect_success 'ci --tree narrows the jobs and the merge' '
	"$LTSPORT" ci --gitlab --series series-dir --tree 6.1 --tree 4.19 >one.yml &&
	check_pipeline gitlab one.yml 4.19 6.1 &&
	"$LTSPORT" ci --github --series series-dir --tree mainline >one.yml &&
	check_pipeline github one.yml mainline
'

test_expect_success 'ci -o FILE: written whole by a rename, the same as stdout' '
	"$LTSPORT" ci --gitlab --series series-dir >expect.yml &&
	echo old >ci.yml && ln ci.yml ci.link &&
	"$LTSPORT" ci --gitlab --series series-dir -o ci.yml >out 2>err &&
	test ! -s out && test ! -s err &&
	test_cmp_files expect.yml ci.yml &&
	test "$(cat ci.link)" = old &&
	"$LTSPORT" ci --github --series series-dir -ogh.yml &&
	check_pipeline github gh.yml 4.19 6.1 mainline &&
	test -z "$(ls -A | grep "\.tmp")"
'

test_expect_success 'ci: bad input is exit 2 and writes nothing' '
	echo old >ci.yml &&
	run_ltsport ci --series series-dir -o ci.yml &&
	test "$(cat rc)" = 2 && grep -q "no engine; give --gitlab or --github" err &&
	run_ltsport ci --gitlab --github --series series-dir -o ci.yml &&
	test "$(cat rc)" = 2 && grep -q "two engines" err &&
	run_ltsport ci --gitlab --series series-dir --tree 9.9 -o ci.yml &&
	test "$(cat rc)" = 2 && grep -q "tree 9.9: no such tree" err &&
	run_ltsport ci --gitlab --series series-dir -o nodir/ci.yml &&
	test "$(cat rc)" = 2 && grep -q "no directory nodir" err &&
	test ! -e nodir &&
	test "$(cat ci.yml)" = old && test ! -s out
'

test_expect_success 'ci: two trees that give one job id are refused' '
	mkdir clash && cat >clash/stable_trees.conf <<-\EOF &&
	[tree "4.19"]
		path = a
		ref = HEAD
	[tree "4_19"]
		path = b
		ref = HEAD
	EOF
	run_ltsport ci --github --config clash/stable_trees.conf --series series-dir &&
	test "$(cat rc)" = 2 && test ! -s out &&
	grep -q "^ltsport: .*clash/stable_trees.conf:4: trees 4.19 and 4_19 give one job id (tree-4_19)" err
'

test_expect_success 'ci: quotes, backslashes and bytes not UTF-8 from the config survive' '
	mkdir odd && cat >odd/stable_trees.conf <<-\EOF &&
	[tree "5.4"]
		path = t/5.4
		ref = HEAD
		upstream = "https://example.org/a\\b\"c$(x)QQ.git" x
	EOF
	sed -i "s/QQ/\\xff/" odd/stable_trees.conf &&
	grep -q "$(printf "\377")" odd/stable_trees.conf &&
	"$LTSPORT" ci --gitlab --config odd/stable_trees.conf --series series-dir >odd.yml &&
	"$PY" - odd.yml <<-\PY
	import subprocess, sys, yaml
	doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
	line = [l for l in doc["tree 5.4"]["script"] if l.startswith("git clone ")][0]
	argv = subprocess.run(["bash", "-c", "w() { printf \"%s\\0\" \"$@\"; }; w " + line],
	                      capture_output=True, text=True, check=True).stdout.split("\0")[:-1]
	assert argv[-2] == "https://example.org/a\\b\"c$(x)\ufffd.git", argv
	assert argv[-3] == "x" and argv[-1] == "odd/t/5.4", argv
	PY
'

test_expect_success 'ci --github: a GitHub expression from the config is refused' '
	mkdir expr && printf "%s\n" "[tree \"5.4\"]" "	path = t/5.4" "	ref = HEAD" \
		"	upstream = https://example.org/\${{github.token}}.git" >expr/stable_trees.conf &&
	run_ltsport ci --github --config expr/stable_trees.conf --series series-dir &&
	test "$(cat rc)" = 2 && test ! -s out &&
	grep -q "expr/stable_trees.conf:1: tree 5.4: .\${{. in its path or upstream" err &&
	"$LTSPORT" ci --gitlab --config expr/stable_trees.conf --series series-dir >/dev/null
'

# run_jobs <pipeline>: each tree job's commands in a dir of its own (its
# stages up to port, and its reports), only its artifacts carried to the
# merge dir, then the merge job's commands there: GitLab's way, on one host.
run_jobs() {
	"$PY" - "$1" "$LTSPORT" <<-\PY
	import os, shutil, subprocess, sys, yaml
	doc = yaml.safe_load(open(sys.argv[1]))
	ltsport = sys.argv[2]
	top = os.getcwd()

	def run(lines, cwd):
	    script = "set -e\n" + "\n".join(l.replace("./ltsport ", ltsport + " ") for l in lines)
	    subprocess.run(["bash", "-c", script], cwd=cwd, check=True)

	os.mkdir("merge")
	for name, job in doc.items():
	    if not name.startswith("tree "):
	        continue
	    d = os.path.join(top, "job " + name[5:])
	    os.mkdir(d)
	    shutil.copy("stable_trees.conf", d)
	    # these trees hold no kernel to check, build or boot: the job's
	    # ltsport run becomes its stages that need none, with its options
	    script = []
	    for l in job["script"]:
	        if l.startswith("./ltsport run "):
	            script += [l.replace(" run ", " %s " % s, 1) for s in ("status", "port", "report")]
	        else:
	            script.append(l)
	    assert len(script) == len(job["script"]) + 2, job["script"]
	    run(script, d)
	    run(job["after_script"], d)
	    for a in job["artifacts"]["paths"]:
	        src, dst = os.path.join(d, a), os.path.join(top, "merge", a)
	        os.makedirs(os.path.dirname(dst.rstrip("/")), exist_ok=True)
	        if not os.path.exists(src):
	            continue	# GitLab warns and keeps the others
	        if os.path.isdir(src):
	            shutil.copytree(src, dst)
	        else:
	            shutil.copy(src, dst)
	shutil.copy("stable_trees.conf", "merge")
	run(doc["merge"]["script"], os.path.join(top, "merge"))
	PY
}

test_expect_success 'the pipeline runs: clones from its upstream, stages, reports, artifacts, merge' '
	mkdir run && cd run && ln -s ../up up &&
	git clone -q up hist && git -C hist checkout -q -b linux-5.0.y v5.0 &&
	(cd hist && echo "int stable_only;" >>mm/other.c && commit_all "mm: a stable-only change") &&
	make_import old v4.14 &&
	write_conf <<-EOF &&
	[tree "5.0"]
		path = trees/5.0
		ref = HEAD
		base = v5.0
		upstream = file://$TRASH/run/hist linux-5.0.y
	[tree "4.14"]
		path = trees/4.14
		ref = HEAD
		upstream = file://$TRASH/run/old master
	EOF
	"$LTSPORT" ci --gitlab --series "$TRASH/series-dir" >pipeline.yml &&
	run_jobs pipeline.yml >jobs.out 2>&1 &&
	test "$(git -C "job 5.0/trees/5.0" rev-parse HEAD)" = "$(git -C hist rev-parse HEAD)" &&
	grep -q "commits walked since v5.0" "job 5.0/backports-5.0/.work/5.0/status.json" &&
	test -f merge/backports-5.0/test-race/5.0/port.json &&
	test -f merge/backports-4.14/.work/4.14/status.json &&
	test ! -e merge/backports-5.0/.work/5.0/lock &&
	jq -e ".checkouts[0].tree_name == \"5.0\"" merge/kcidb-5.0.json >/dev/null &&
	cat >expect <<-EOF &&
	5.0: missing (${FIX1:0:12} missing, ${FIX2:0:12} missing)
	  port: 2 patches (exact,exact)
	4.14: not-affected (${FIX1:0:12} not-affected, ${FIX2:0:12} not-affected)
	  port: not run
	EOF
	grep -E "^(5.0|4.14|  port):" merge/report.txt >actual &&
	test_cmp_files expect actual &&
	grep -q "^| 5.0 | missing | 2 patches (exact,exact) |" merge/report.md &&
	"$PY" -c "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); assert [s.get(\"name\") for s in r] == [\"5.0\", \"4.14\"]" merge/junit.xml &&
	test "$(jq -r ".[0].next" merge/report.json)" = "run ltsport check and build"
'

# report --merge: two trees' records made by two jobs, each in its own dir.
test_expect_success 'merge setup: two trees, each job in its own --backports dir' '
	mkdir m && cd m && ln -s ../up up &&
	make_import imp v5.0 && make_import old v4.14 &&
	write_conf <<-\EOF &&
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
	for t in 5.0 4.14; do
		"$LTSPORT" status --series ../series-dir --tree $t --backports job-$t >/dev/null &&
		"$LTSPORT" port --series ../series-dir --tree $t --backports job-$t >/dev/null ||
		return 1
	done &&
	test -f job-5.0/test-race/5.0/port.json && test -f job-5.0/.work/5.0/status.json &&
	test -f job-4.14/.work/4.14/status.json && test ! -e job-5.0/test-race/4.14 &&
	"$LTSPORT" status --series ../series-dir >/dev/null &&
	"$LTSPORT" port --series ../series-dir >/dev/null &&
	test -f backports/test-race/5.0/port.json
'

both="--series ../series-dir --tree 5.0 --tree 4.14"

test_expect_success 'report --merge of the two dirs is the report of one run over both' '
	cd m &&
	for f in text json markdown; do
		"$LTSPORT" report $both --format $f >one.$f &&
		"$LTSPORT" report $both --format $f --merge job-5.0 job-4.14 >merged.$f 2>err &&
		test ! -s err && test_cmp_files one.$f merged.$f || return 1
	done &&
	grep -q "^5.0: missing (" merged.text && grep -q "^4.14: not-affected" merged.text &&
	grep -q "^  port: 2 patches (exact,exact)$" merged.text &&
	test "$(jq -r ".[] | select(.tree == \"5.0\") | .records.port.record" merged.json)" = fresh &&
	"$LTSPORT" report $both --merge job-4.14 job-5.0 --format json >swapped.json &&
	test_cmp_files one.json swapped.json &&
	"$LTSPORT" report $both --merge job-5.0/test-race job-4.14 --format json >series.json &&
	test_cmp_files one.json series.json
'

test_expect_success 'report --merge: junit and kcidb of the merge, the logs where the job left them' '
	cd m &&
	"$LTSPORT" report $both --format kcidb --merge job-5.0 job-4.14 >merged.kcidb &&
	test "$(jq -r ".checkouts | map(.tree_name) | join(\" \")" merged.kcidb)" = "5.0 4.14" &&
	test "$(jq -r ".checkouts[0].git_commit_hash" merged.kcidb)" = "$(git -C imp rev-parse HEAD)" &&
	"$LTSPORT" report $both --format junit -o merged.xml --merge job-5.0 job-4.14 &&
	"$PY" -c "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); assert [s.get(\"name\") for s in r] == [\"5.0\", \"4.14\"]" merged.xml
'

test_expect_success 'report --merge needs no trees: the records as the jobs left them' '
	cd m &&
	mv imp imp.away && mv old old.away &&
	"$LTSPORT" report $both --merge job-5.0 job-4.14 >away.text 2>err;
	rc=$? && mv imp.away imp && mv old.away old &&
	test $rc = 0 && test ! -s err &&
	test_cmp_files one.text away.text &&
	"$LTSPORT" report $both --format markdown --merge job-5.0 job-4.14 >away.md &&
	test_cmp_files one.markdown away.md
'

test_expect_success 'report --merge without the tree: a record made on another tip is STALE' '
	cd m &&
	cp -R job-5.0 stale && mv imp imp.away &&
	jq ".tip = \"0123456789abcdef0123456789abcdef01234567\"" job-5.0/test-race/5.0/port.json \
		>stale/test-race/5.0/port.json &&
	"$LTSPORT" report $both --merge stale job-4.14 >stale.text;
	rc=$? && mv imp.away imp &&
	test $rc = 0 &&
	grep -q "^  port: 2 patches (exact,exact) STALE$" stale.text &&
	grep -q "^  next: run ltsport port$" stale.text
'

test_expect_success 'report --merge: a tree in no dir is said so, not hidden' '
	cd m &&
	"$LTSPORT" report --series ../series-dir --json --merge job-5.0 job-4.14 >all.json &&
	test "$(jq -r ".[] | select(.tree == \"6.6\") | .state" all.json)" = "no records" &&
	test "$(jq -r ".[] | select(.tree == \"6.6\") | .next" all.json)" = "see the tree${Q}s job: none of the merged dirs has its records" &&
	test "$(jq length all.json)" = 3
'

test_expect_success 'report --merge: the same records in two dirs are one tree' '
	cd m &&
	cp -R job-5.0 copy &&
	"$LTSPORT" report $both --merge job-5.0 copy job-4.14 >copy.text &&
	test_cmp_files one.text copy.text
'

test_expect_success 'report --merge: differing records of one tree in two dirs are exit 2, nothing written' '
	cd m &&
	rm -rf other && cp -R job-5.0 other &&
	jq ".seconds = 99" job-5.0/test-race/5.0/port.json >other/test-race/5.0/port.json &&
	echo old >r.txt &&
	run_ltsport report $both -o r.txt --merge job-5.0 job-4.14 other &&
	test "$(cat rc)" = 2 && test ! -s out && test "$(cat r.txt)" = old &&
	test "$(wc -l <err)" = 1 &&
	grep -q "^ltsport: --merge job-5.0 other: both have records of tree 5.0 and they differ (port.json); give each tree${Q}s records once$" err &&
	rm other/test-race/5.0/port.json &&
	run_ltsport report $both --merge other job-5.0 &&
	test "$(cat rc)" = 2 && grep -q "merge other job-5.0: both have records of tree 5.0 and they differ (port.json)" err &&
	cp job-5.0/test-race/5.0/port.json other/test-race/5.0/ &&
	cp job-4.14/.work/4.14/status.json other/.work/5.0/status.json &&
	run_ltsport report $both --merge job-5.0 other &&
	test "$(cat rc)" = 2 && grep -q "differ (status.json)" err
'

test_expect_success 'report --merge: bad dirs are exit 2' '
	cd m &&
	run_ltsport report $both --merge &&
	test "$(cat rc)" = 2 && grep -q "^ltsport: --merge: no directory; give the --backports dirs" err &&
	run_ltsport report $both --merge nosuch &&
	test "$(cat rc)" = 2 && grep -q "^ltsport: --merge nosuch: no such directory" err &&
	mkdir -p plain/x &&
	run_ltsport report $both --merge job-5.0 plain &&
	test "$(cat rc)" = 2 && grep -q "^ltsport: --merge plain: neither a backports/ dir" err &&
	mkdir -p unknown/test-race/9.9 &&
	run_ltsport report $both --merge job-5.0 unknown &&
	test "$(cat rc)" = 2 &&
	grep -q "^ltsport: --merge unknown: records of tree 9.9, which .*stable_trees.conf has not; give --config" err &&
	mkdir empty &&
	"$LTSPORT" report --series ../series-dir --json --merge job-5.0 empty >empty.json &&
	test "$(jq -r ".[] | select(.tree == \"4.14\") | .state" empty.json)" = "no records" &&
	mkdir -p left/test-race/6.6 &&
	"$LTSPORT" report $both --merge job-5.0 job-4.14 left >left.text &&
	test_cmp_files one.text left.text
'

test_done
