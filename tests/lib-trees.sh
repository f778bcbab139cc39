# SPDX-License-Identifier: GPL-2.0
# Small synthetic kernel trees for the integration tests, made afresh by
# each test script in its scratch directory.
#
# make_upstream builds "up", a mainline-like history:
#   v4.14  base code
#   v4.15  BUG: "mm, swap: skip swapcache for swapin of synchronous device"
#   v5.0   an unrelated change
#   FIX1   "mm/swap: fix race when skipping swapcache"          (v5.1)
#   FIX2   "mm: avoid unconditional one-tick sleep ..."          (v5.2)
# and exports BUG, FIX1, FIX2 (full ids).

set_version() {
	printf 'VERSION = %s\nPATCHLEVEL = %s\nSUBLEVEL = %s\nEXTRAVERSION =\nNAME = Test\n' \
		"$1" "$2" "${3:-0}" >Makefile
}

write_memory_c() {
	mkdir -p mm
	{
		echo '/* a small stand-in for mm/memory.c */'
		echo 'int do_swap_page(struct vm_fault *vmf)'
		echo '{'
		echo '	int ret = 0;'
		echo ''
		if [ "$1" -ge 1 ]; then
			echo '	if (synchronous_device(si) && __swap_count(entry) == 1) {'
			echo '		/* skip swapcache */'
			if [ "$1" -ge 2 ]; then
				echo '		if (swapcache_prepare(entry)) {'
				if [ "$1" -ge 3 ]; then
					echo '			add_wait_queue(&swapcache_wq, &wait);'
					echo '			schedule_timeout_uninterruptible(1);'
					echo '			remove_wait_queue(&swapcache_wq, &wait);'
				else
					echo '			schedule_timeout_uninterruptible(1);'
				fi
				echo '			goto out;'
				echo '		}'
				echo '		need_clear_cache = true;'
			fi
			echo '		page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, vmf->address);'
			echo '		swap_readpage(page, true);'
			echo '	}'
		fi
		for i in 1 2 3 4 5 6 7 8; do
			echo "	step_$i(vmf);"
		done
		echo 'out:'
		if [ "$1" -ge 2 ]; then
			echo '	if (need_clear_cache)'
			echo '		swapcache_clear(si, entry);'
			if [ "$1" -ge 3 ]; then
				echo '	wake_up_swapcache_waiters();'
			fi
		fi
		echo '	return ret;'
		echo '}'
	} >mm/memory.c
}

write_other_c() {
	{
		echo '/* unrelated code */'
		for i in 1 2 3 4 5 6; do echo "int other_$i;"; done
		if [ "${1:-}" = changed ]; then
			echo 'int other_new;'
		fi
	} >mm/other.c
}

commit_all() {
	git add -A && git commit -q -m "$1" ${2:+-m "$2"}
}

make_upstream() {
	git init -q up && (
		cd up &&
		set_version 4 14 && write_memory_c 0 && write_other_c && commit_all 'Linux 4.14' &&
		git tag v4.14 &&
		write_memory_c 1 && commit_all 'mm, swap: skip swapcache for swapin of synchronous device' &&
		set_version 4 15 && commit_all 'Linux 4.15' && git tag v4.15 &&
		write_other_c changed && commit_all 'mm: unrelated change' &&
		set_version 5 0 && commit_all 'Linux 5.0' && git tag v5.0 &&
		write_memory_c 2 &&
		commit_all 'mm/swap: fix race when skipping swapcache' \
			"Fixes: $(git rev-parse --short=12 HEAD~3) (\"mm, swap: skip swapcache\")
Signed-off-by: Kai Ruisong <kai@example.org>" &&
		set_version 5 1 && commit_all 'Linux 5.1' && git tag v5.1 &&
		write_memory_c 3 &&
		commit_all 'mm: avoid unconditional one-tick sleep when swapcache_prepare fails' \
			"Fixes: $(git rev-parse --short=12 HEAD~1)
Signed-off-by: Barry Sung <barry@example.org>" &&
		set_version 5 2 && commit_all 'Linux 5.2' && git tag v5.2
	) || return 1
	BUG=$(git -C up log --format=%H --grep='skip swapcache for swapin' -1)
	FIX1=$(git -C up log --format=%H --grep='fix race when skipping' -1)
	FIX2=$(git -C up log --format=%H --grep='one-tick sleep' -1)
	export BUG FIX1 FIX2
}

# A series directory "series-dir" with the two fixes as format-patch files.
make_series() {
	mkdir -p series-dir &&
	git -C up format-patch -q -o ../series-dir -1 "$FIX1" &&
	git -C up format-patch -q -o ../series-dir --start-number 2 -1 "$FIX2" &&
	(cd series-dir && ls 0*.patch >series) &&
	p1=$(sed -n 1p series-dir/series) && p2=$(sed -n 2p series-dir/series) &&
	cat >series-dir/series.conf <<EOT
[series]
	name = test-race
[patch "$p1"]
	upstream = $FIX1
	subject = mm/swap: fix race when skipping swapcache
	author = Kai Ruisong <kai@example.org>
	release = v5.1
	fixes = $(echo "$BUG" | cut -c1-12)
	fixes-release = v4.15
	cve = CVE-0000-0001
[patch "$p2"]
	upstream = $FIX2
	subject = mm: avoid unconditional one-tick sleep when swapcache_prepare fails
	author = Barry Sung <barry@example.org>
	release = v5.2
	fixes = $(echo "$FIX1" | cut -c1-12)
EOT
}

# A tree imported from a "tarball": one root commit with the content of rev.
make_import() {
	git -C up archive --prefix="$1/" "$2" | tar -x &&
	(cd "$1" && git init -q && git add -A && git commit -q -m "Import linux $2" &&
	 git tag "$2")
}

# A stable branch cloned at tag $2, with a stable backport of FIX1 carrying
# the marker form $3 ("upstream", "bracket" or "cherry").
make_stable() {
	git clone -q up "$1" && (
		cd "$1" && git checkout -q -b linux-stable "$2" &&
		echo 'int stable_only;' >>mm/other.c && commit_all 'mm: a stable-only change' &&
		git cherry-pick -n "$FIX1" >/dev/null &&
		case "$3" in
		upstream) m="commit $FIX1 upstream." ;;
		bracket) m="[ Upstream commit $FIX1 ]" ;;
		cherry) m="(cherry picked from commit $FIX1)" ;;
		esac &&
		commit_all 'mm/swap: fix race when skipping swapcache' "$m" &&
		git remote remove origin
	)
}

# Everything a tree's owner could notice: HEAD, branches, index, worktree.
snapshot_user_state() {
	(cd "$1" && git rev-parse HEAD && git symbolic-ref -q HEAD;
	 git for-each-ref --format='%(refname) %(objectname)' | grep -v ' refs/heads/ltsport/' | grep -v '^refs/heads/ltsport/';
	 sha1sum .git/index; git --no-optional-locks status --porcelain --ignored;
	 find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha1sum)
}

write_conf() {
	cat >stable_trees.conf
}
