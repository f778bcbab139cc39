// SPDX-License-Identifier: GPL-2.0
/* cocci.c: the spatch report-line parser. */
#include <string.h>

#include "unit.h"
#include "cocci.h"

static struct cocci_line parse(const char *line, int want)
{
	struct cocci_line l;

	assert_int_equal(cocci_parse_report_line(line, strlen(line), &l), want);
	assert_int_equal(l.kind, want);
	return l;
}

static void test_fixed_and_missing(void **state)
{
	const char *fixed = "mm/memory.c:3851: fixed: do_swap_page() pins the entry";
	const char *missing = "mm/memory.c:4111: missing: no wake-up";
	struct cocci_line l;

	(void)state;
	l = parse(fixed, COCCI_FIXED);
	assert_ptr_equal(l.file, fixed);
	assert_int_equal(l.file_len, strlen("mm/memory.c"));
	assert_int_equal(l.line, 3851);
	assert_int_equal(l.what_len, strlen("do_swap_page() pins the entry"));
	assert_memory_equal(l.what, "do_swap_page() pins the entry", l.what_len);

	l = parse(missing, COCCI_MISSING);
	assert_int_equal(l.line, 4111);
	assert_memory_equal(l.what, "no wake-up", l.what_len);
}

static void test_other_lines(void **state)
{
	struct cocci_line l;

	(void)state;
	parse("", COCCI_NONE);
	parse("spatch: warning: something", COCCI_NONE);
	parse("mm/memory.c:1:fixed: no blank", COCCI_NONE);
	parse("fixed: at the start", COCCI_NONE);
	/* A mark without "file:N" before it: counted, no place. */
	l = parse("mm/memory.c: fixed: no line", COCCI_FIXED);
	assert_null(l.file);
	l = parse(": missing: nothing before", COCCI_MISSING);
	assert_null(l.file);
	l = parse("a:1x: fixed: not a number", COCCI_FIXED);
	assert_null(l.file);
	/* The first mark decides. */
	l = parse("a:7: missing: then : fixed: both", COCCI_MISSING);
	assert_int_equal(l.line, 7);
	assert_memory_equal(l.what, "then : fixed: both", l.what_len);
	/* No out: just the kind. */
	assert_int_equal(cocci_parse_report_line("a:1: fixed: x", 13, NULL), COCCI_FIXED);
}

/* Only len bytes are read: the mark past it does not count. */
static void test_length(void **state)
{
	const char *line = "a:1: fixed: x";

	(void)state;
	assert_int_equal(cocci_parse_report_line(line, 5, NULL), COCCI_NONE);
	assert_int_equal(cocci_parse_report_line(line, 12, NULL), COCCI_FIXED);
	assert_int_equal(cocci_parse_report_line("a:1: fix\0ed: x", 14, NULL), COCCI_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_and_missing),
		cmocka_unit_test(test_other_lines),
		cmocka_unit_test(test_length),
	};

	return cmocka_run_group_tests_name("cocci", tests, NULL, NULL);
}
