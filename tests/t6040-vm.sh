#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/ltsport/vm.c on its own: the cmocka unit test (the console parser on
# every shape of console, the bounded reader, fake QEMUs: one that exits
# before the console exists, the arch table) and the fuzz corpus of
# tests/fuzz/corpora/console replayed under ASan/UBSan.
. "$(dirname "$0")/lib.sh"

L=$TOP/tools/ltsport
SRC="$L/vm.c $L/util.c $L/fsutil.c $L/spawn.c"
SAN="-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
export ASAN_OPTIONS=detect_leaks=1

if ! echo '#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>' | cc -E - >/dev/null 2>&1; then
	test_skip u-vm "no cmocka (apt-get install libcmocka-dev)"
else
	test_expect_success 'u-vm builds without warnings' '
		cc $SAN -Wall -Wextra -I"$L" $(pkg-config --cflags libgit2) -o u-vm \
			"$TOP/tests/unit/u-vm.c" $SRC -lcmocka $(pkg-config --libs libgit2) 2>cc.err &&
		cat cc.err && test ! -s cc.err
	'
	test_expect_success 'u-vm passes' '
		timeout 300 ./u-vm >u.out 2>&1; rc=$?; cat u.out; test $rc = 0 &&
		grep -q "PASSED.* 15 test" u.out && grep -q "PASSED.* 6 test" u.out
	'
fi

test_expect_success 'the console corpus replays clean under ASan/UBSan' '
	cat >replay.c <<-\EOF &&
	#include <stdint.h>
	#include <stdio.h>
	#include <stdlib.h>
	#include "fsutil.h"

	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

	int main(int argc, char **argv)
	{
		int i;

		for (i = 1; i < argc; i++) {
			char *buf;
			size_t len;

			if (read_file(argv[i], &buf, &len) < 0)
				return 2;
			LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
			free(buf);
		}
		printf("%d inputs\n", argc - 1);
		return 0;
	}
	EOF
	cc $SAN -Wall -Wextra -I"$L" $(pkg-config --cflags libgit2) -o replay replay.c \
		"$TOP/tests/fuzz/fuzz-console.c" $SRC $(pkg-config --libs libgit2) &&
	n=$(ls "$TOP/tests/fuzz/corpora/console" | wc -l) && test "$n" -ge 10 &&
	timeout 120 ./replay "$TOP"/tests/fuzz/corpora/console/* >r.out &&
	test "$(cat r.out)" = "$n inputs"
'

test_done
