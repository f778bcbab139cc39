// SPDX-License-Identifier: GPL-2.0
/* bridge.c: the "// Bridge:" header lines of the cocci/api rules. */
#include <string.h>
#include <stdlib.h>

#include "unit.h"
#include "bridge.h"

static void test_parse(void **state)
{
	const char *text = "/// a rule\n"
		"// Bridge: lift=up lower=down needs=folio tree=page unless=*folio era=the folio era (6.0) from pages\n"
		"// Bridge: lift=up2 lower=down needs=x era=y\n"
		"virtual up\nvirtual down\nvirtual up2\n";
	struct bridge *b = NULL;
	size_t nr = 0;

	(void)state;
	unit_reset();
	assert_int_equal(bridge_parse("api/x.cocci", text, &b, &nr), 0);
	assert_int_equal(nr, 2);
	assert_string_equal(b[0].name, "x -D up");
	assert_string_equal(b[0].lift, "up");
	assert_string_equal(b[0].lower, "down");
	assert_string_equal(b[0].needs, "folio");
	assert_string_equal(b[0].tree, "page");
	assert_string_equal(b[0].unless, "*folio");
	assert_string_equal(b[0].era, "the folio era (6.0) from pages");
	assert_null(b[1].tree);
	assert_null(b[1].unless);
	assert_string_equal(b[1].era, "y");
	assert_int_equal(unit_errors, 0);
	bridges_release(b, nr);
	free(b);
}

static void test_bad_lines(void **state)
{
	struct bridge *b = NULL;
	size_t nr = 0;

	(void)state;
	unit_reset();
	assert_int_equal(bridge_parse("api/x.cocci", "virtual up\n// Bridge: lift=up needs=a era=b\n",
				      &b, &nr), -1);
	assert_error_has("api/x.cocci:2: bad bridge line: lift=, lower=, needs= and era= are all needed");
	assert_int_equal(nr, 0);
	unit_reset();
	assert_int_equal(bridge_parse("api/x.cocci",
				      "// Bridge: lift=up lower=down needs=a era=b\nvirtual up\n",
				      &b, &nr), -1);
	assert_error_has("api/x.cocci:1: bad bridge line: a mode it names is not one of the rule's virtual lines");
	/* "virtual upper" does not declare "up". */
	unit_reset();
	assert_int_equal(bridge_parse("api/x.cocci",
				      "// Bridge: lift=up lower=down needs=a era=b\nvirtual upper\nvirtual down\n",
				      &b, &nr), -1);
	assert_int_equal(nr, 0);
	free(b);
}

/* The rules of the repository: every bridge line parses, each api rule with lift modes has one. */
static void test_repo_rules(void **state)
{
	struct bridge *b = NULL;
	size_t nr = 0, i;
	int arity = 0, read = 0, calls = 0;

	(void)state;
	unit_reset();
	assert_int_equal(bridges_load("cocci/api", &b, &nr), 0);
	for (i = 0; i < nr; i++) {
		arity += !strcmp(b[i].name, "swap_count_arity -D to_new");
		read += !strncmp(b[i].name, "swapin_read -D lift", 19);
		calls += !strcmp(b[i].name, "page_folio_calls -D lift");
	}
	assert_int_equal(arity, 1);
	assert_int_equal(read, 3);
	assert_int_equal(calls, 1);
	bridges_release(b, nr);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_repo_rules),
	};

	return cmocka_run_group_tests_name("bridge", tests, NULL, NULL);
}
