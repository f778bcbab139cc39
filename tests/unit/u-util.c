// SPDX-License-Identifier: GPL-2.0
/* util.c's pure helpers: is_hex_id, starts_with, sbuf. */
#include <string.h>
#include <stdlib.h>

#include "unit.h"
#include "util.h"

static void test_is_hex_id(void **state)
{
	(void)state;
	assert_true(is_hex_id("0123456789abcdef", 7, 40));
	assert_true(is_hex_id("abcdef0", 7, 7));
	assert_false(is_hex_id("abcdef", 7, 40));		/* too short */
	assert_false(is_hex_id("ABCDEF0", 7, 40));		/* upper case */
	assert_false(is_hex_id("abcdefg", 7, 40));
	assert_false(is_hex_id("abcdef0 ", 7, 40));	/* trailing blank */
	assert_false(is_hex_id("", 0 + 1, 40));
	assert_true(is_hex_id("", 0, 40));
	assert_false(is_hex_id("0123456789012345678901234567890123456789a", 40, 40));
	assert_true(is_hex_id("0123456789012345678901234567890123456789", 40, 40));
}

static void test_starts_with(void **state)
{
	(void)state;
	assert_true(starts_with("diff --git a/x", "diff --git "));
	assert_true(starts_with("abc", ""));
	assert_true(starts_with("abc", "abc"));
	assert_false(starts_with("ab", "abc"));
	assert_false(starts_with("", "a"));
	assert_false(starts_with("Abc", "abc"));
}

static void test_sbuf(void **state)
{
	struct sbuf sb = {0};
	char *s;
	int i;

	(void)state;
	sbuf_add(&sb, "ab\0cd", 5);
	assert_int_equal(sb.len, 5);
	assert_memory_equal(sb.buf, "ab\0cd", 6);
	sbuf_release(&sb);
	assert_null(sb.buf);
	assert_int_equal(sb.len, 0);

	for (i = 0; i < 1000; i++)
		sbuf_addf(&sb, "%d,", i);
	assert_int_equal(sb.len, strlen(sb.buf));
	assert_true(starts_with(sb.buf, "0,1,2,"));
	assert_string_equal(sb.buf + sb.len - 4, "999,");
	s = sbuf_detach(&sb);
	assert_null(sb.buf);
	assert_int_equal(sb.alloc, 0);
	free(s);

	/* An empty sbuf detaches to "", never NULL. */
	s = sbuf_detach(&sb);
	assert_string_equal(s, "");
	free(s);

	sbuf_adds(&sb, "x");
	sbuf_adds(&sb, "");
	assert_string_equal(sb.buf, "x");
	sbuf_release(&sb);
}

static void test_xprintf_xstrndup(void **state)
{
	char *s = xprintf("%s:%d", "f", 12);

	(void)state;
	assert_string_equal(s, "f:12");
	free(s);
	s = xstrndup("abcdef", 3);
	assert_string_equal(s, "abc");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_hex_id),
		cmocka_unit_test(test_starts_with),
		cmocka_unit_test(test_sbuf),
		cmocka_unit_test(test_xprintf_xstrndup),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
