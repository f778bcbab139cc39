// SPDX-License-Identifier: GPL-2.0
/*
 * toolchain.c: the tree's minimum gcc from its own files, and the
 * candidates of toolchain = auto, newest first, with the skipped ones and
 * why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util.h"
#include "toolchain.h"

static const char *const installed[] = { "gcc-13", "gcc-12", "gcc-11", "gcc-9", NULL };

static int fake_exists(const char *prog)
{
	size_t i;

	for (i = 0; installed[i]; i++)
		if (!strcmp(prog, installed[i]))
			return 1;
	return 0;
}

static void test_min_gcc(void **state)
{
	static const char script[] =
		"#!/bin/sh\ncase \"$1\" in\nbinutils)\n\techo 2.25.0\n\t;;\ngcc)\n\techo 5.1.0\n\t;;\nesac\n";
	static const char changes[] =
		"====================== ===============  ========================================\n"
		"        Program        Minimal version       Command to check the version\n"
		"GNU C                  4.6              gcc --version\n"
		"GNU make               3.81             make --version\n";

	(void)state;
	static const char arch_script[] =
		"case \"$1\" in\ngcc)\n\tif [ \"$ARCH\" = parisc64 ]; then\n\t\techo 12.0.0\n"
		"\telse\n\t\techo 5.1.0\n\tfi\n\t;;\nllvm)\n\techo 13.0.1\n\t;;\nesac\n";

	assert_int_equal(toolchain_min_gcc(script, changes), 5);
	assert_int_equal(toolchain_min_gcc(arch_script, NULL), 5);
	assert_int_equal(toolchain_min_gcc(NULL, changes), 4);
	assert_int_equal(toolchain_min_gcc(NULL, "no table here"), -1);
	assert_int_equal(toolchain_min_gcc(NULL, NULL), -1);
}

static void test_candidates_newest_first(void **state)
{
	const int tree[2] = { 6, 1 };
	struct toolchain_list l;

	(void)state;
	assert_int_equal(toolchain_candidates(tree, 5, "", fake_exists, &l), 0);
	assert_int_equal(l.nr, 4);
	assert_string_equal(l.cc[0], "gcc-13");
	assert_string_equal(l.cc[3], "gcc-9");
	assert_int_equal(l.skipped.len, 0);
	toolchain_list_release(&l);
}

static void test_known_break_and_minimum(void **state)
{
	const int t419[2] = { 4, 19 }, t510[2] = { 5, 10 }, t515[2] = { 5, 15 };
	struct toolchain_list l;

	(void)state;
	assert_int_equal(toolchain_candidates(t419, 4, "", fake_exists, &l), 0);
	assert_int_equal(l.nr, 2);
	assert_string_equal(l.cc[0], "gcc-11");
	assert_non_null(strstr(l.skipped.buf, "gcc-12: tools/objtool stops with -Werror=use-after-free"));
	toolchain_list_release(&l);
	assert_int_equal(toolchain_candidates(t510, 10, "", fake_exists, &l), 0);
	assert_int_equal(l.nr, 1);
	assert_string_equal(l.cc[0], "gcc-11");
	assert_non_null(strstr(l.skipped.buf, "gcc-9: older than the tree's minimum gcc 10"));
	toolchain_list_release(&l);
	assert_int_equal(toolchain_candidates(t515, 5, "", fake_exists, &l), 0);
	assert_string_equal(l.cc[0], "gcc-13");
	toolchain_list_release(&l);
	assert_int_equal(toolchain_candidates(t419, 12, "", fake_exists, &l), 1);
	assert_int_equal(l.nr, 0);
	toolchain_list_release(&l);
}

static void test_prefix(void **state)
{
	struct toolchain_list l;

	(void)state;
	assert_int_equal(toolchain_candidates(NULL, -1, "aarch64-linux-gnu-", fake_exists, &l), 1);
	assert_int_equal(l.skipped.len, 0);
	toolchain_list_release(&l);
	assert_true(toolchain_is_auto(NULL));
	assert_true(toolchain_is_auto("auto"));
	assert_false(toolchain_is_auto("gcc-12"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_min_gcc),
		cmocka_unit_test(test_candidates_newest_first),
		cmocka_unit_test(test_known_break_and_minimum),
		cmocka_unit_test(test_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
