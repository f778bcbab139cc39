// SPDX-License-Identifier: GPL-2.0
/* kversion.c: the one Makefile-version parser. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "kversion.h"

static void test_release(void **state)
{
	static const char mk[] =
		"# SPDX-License-Identifier: GPL-2.0\nVERSION = 6\nPATCHLEVEL = 1\n"
		"SUBLEVEL = 192\nEXTRAVERSION =\nNAME = Curry Ramen\n";
	struct kversion kv;

	(void)state;
	assert_int_equal(kversion_parse(mk, strlen(mk), &kv), 0);
	assert_int_equal(kv.version, 6);
	assert_int_equal(kv.patchlevel, 1);
	assert_int_equal(kv.sublevel, 192);
	assert_string_equal(kv.extra, "");
	assert_true(kv.extra_plain);
}

static void test_rc_and_spacing(void **state)
{
	static const char mk[] =
		"VERSION=6\r\nPATCHLEVEL\t=\t12 \r\nSUBLEVEL =\nEXTRAVERSION = -rc3\n";
	struct kversion kv;

	(void)state;
	assert_int_equal(kversion_parse(mk, strlen(mk), &kv), 0);
	assert_int_equal(kv.patchlevel, 12);
	assert_int_equal(kv.sublevel, 0);
	assert_string_equal(kv.extra, "-rc3");
	assert_true(kv.extra_plain);
}

static void test_not_a_kernel(void **state)
{
	static const char *const bad[] = {
		"", "VERSION = 6\n", "VERSION = six\nPATCHLEVEL = 1\n",
		"VERSIONS = 6\nPATCHLEVEL = 1\n", "VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = x\n",
		"VERSION = 1234567890\nPATCHLEVEL = 1\n",
	};
	struct kversion kv;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(kversion_parse(bad[i], strlen(bad[i]), &kv), 1);
}

static void test_bounded(void **state)
{
	static const char mk[] = "VERSION = 5\nPATCHLEVEL = 10\nSUBLEVEL = 9";
	struct kversion kv;

	(void)state;
	/* only the first len bytes count: SUBLEVEL is cut to "9" -> 9, then to nothing */
	assert_int_equal(kversion_parse(mk, strlen(mk), &kv), 0);
	assert_int_equal(kv.sublevel, 9);
	assert_int_equal(kversion_parse(mk, strlen(mk) - 1, &kv), 0);
	assert_int_equal(kv.sublevel, 0);
	assert_int_equal(kversion_parse(mk, 20, &kv), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_rc_and_spacing),
		cmocka_unit_test(test_not_a_kernel),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests_name("kversion", tests, NULL, NULL);
}
