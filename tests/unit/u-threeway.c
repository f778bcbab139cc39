// SPDX-License-Identifier: GPL-2.0
/* The three-way rung's file merge (gitops.c merge_file_bufs), on buffers. */
#include <string.h>
#include <stdlib.h>

#include "unit.h"
#include "util.h"
#include "gitops.h"

static const char base[] = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n";

static void merge(const char *ours, const char *theirs, struct file_merge *fm)
{
	assert_int_equal(merge_file_bufs("x.c", base, strlen(base), ours, strlen(ours),
					 theirs, strlen(theirs), fm), 0);
}

static void test_clean(void **state)
{
	struct file_merge fm;

	(void)state;
	/* the tree changed a, the fix changed f: both kept */
	merge("A\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n", "a\nb\nc\nd\ne\nF\ng\nh\ni\nj\nk\n", &fm);
	assert_int_equal(fm.conflicts, 0);
	assert_string_equal(fm.data, "A\nb\nc\nd\ne\nF\ng\nh\ni\nj\nk\n");
	assert_int_equal(fm.len, strlen(fm.data));
	free(fm.data);
}

static void test_conflicts_counted(void **state)
{
	struct file_merge fm;

	(void)state;
	/* both sides changed b and j, differently: two regions */
	merge("a\nB1\nc\nd\ne\nf\ng\nh\ni\nJ1\nk\n", "a\nB2\nc\nd\ne\nf\ng\nh\ni\nJ2\nk\n", &fm);
	assert_int_equal(fm.conflicts, 2);
	assert_non_null(strstr(fm.data, "<<<<<<< x.c"));
	free(fm.data);
	/* as git merge-file: conflicts three lines apart are one region */
	merge("a\nB1\nc\nd\ne\nF1\ng\nh\ni\nj\nk\n", "a\nB2\nc\nd\ne\nF2\ng\nh\ni\nj\nk\n", &fm);
	assert_int_equal(fm.conflicts, 1);
	free(fm.data);
	/* the same change on both sides is no conflict */
	merge("a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\n", "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\n", &fm);
	assert_int_equal(fm.conflicts, 0);
	free(fm.data);
}

static void test_adjacent_is_a_conflict(void **state)
{
	struct file_merge fm;

	(void)state;
	/* as git: changes on touching lines conflict */
	merge("a\nb\nC\nd\ne\nf\ng\nh\ni\nj\nk\n", "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n", &fm);
	assert_int_equal(fm.conflicts, 1);
	free(fm.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_conflicts_counted),
		cmocka_unit_test(test_adjacent_is_a_conflict),
	};

	return cmocka_run_group_tests_name("threeway", tests, unit_git_setup, unit_git_teardown);
}
