#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Our own C: kernel style (a real tree's checkpatch.pl) and no compiler warnings.
. "$(dirname "$0")/lib.sh"

checkpatch=${CHECKPATCH:-}
if [ -z "$checkpatch" ] && [ -f /usr/src/linux-source-6.1.tar.xz ]; then
	checkpatch=$(linux_source 6.1)/scripts/checkpatch.pl
fi

if [ -n "$checkpatch" ] && [ -f "$checkpatch" ]; then
	for f in "$TOP"/tools/ltsport/*.[ch] "$TOP"/tests/unit/*.[ch] "$TOP"/tests/fuzz/*.[ch]; do
		test_expect_success "checkpatch --no-tree -f ${f#$TOP/}" "
			timeout 120 perl '$checkpatch' --no-tree -q --terse --show-types -f '$f' >cp.out;
			cat cp.out; grep -q ' 0 errors, 0 warnings' cp.out
		"
	done
else
	test_skip checkpatch "no kernel tree's checkpatch.pl (install linux-source-6.1 or set CHECKPATCH)"
fi

for f in "$TOP"/tools/ltsport/*.c; do
	test_expect_success "no warnings with -Wall -Wextra: ${f#$TOP/}" "
		cc -fsyntax-only -Wall -Wextra -Werror \$(pkg-config --cflags libgit2 gmime-3.0) '$f'
	"
done

test_done
