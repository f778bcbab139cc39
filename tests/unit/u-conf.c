// SPDX-License-Identifier: GPL-2.0
/* conf.c: stable_trees.conf from a buffer, the line scanner, name_is_safe. */
#include <string.h>
#include <stdlib.h>

#include "unit.h"
#include "conf.h"
#include "util.h"

#define F "/etc/ltsport/stable_trees.conf"

static int parse(struct stable_conf *c, const char *text)
{
	unit_reset();
	return conf_parse_buf(c, F, text, strlen(text));
}

/* The text must be refused with one error holding want. */
static void refused(const char *text, const char *want)
{
	struct stable_conf c;

	assert_int_equal(parse(&c, text), -1);
	assert_int_equal(unit_errors, 1);
	assert_error_has(want);
	conf_release(&c);
}

static void test_name_is_safe(void **state)
{
	static const char *const good[] = {
		"5.10", "mainline", "swap-race", "a_b", "A9", "x.y-z_1", "5.4.lock2",
	};
	static const char *const bad[] = {
		"", ".x", "-x", "a..b", "..", "a b", "a/b", "x.", "x.lock", "a\tb",
		"\xc3\xa9", "a:b", "a~1", "a^", "a@{1}", "a\\b", "*", "a\nb",
	};
	char longname[300];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good); i++)
		if (!name_is_safe(good[i]))
			fail_msg("'%s' should be safe", good[i]);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (name_is_safe(bad[i]))
			fail_msg("'%s' should not be safe", bad[i]);
	memset(longname, 'a', sizeof(longname));
	longname[255] = '\0';
	assert_true(name_is_safe(longname));
	longname[255] = 'a';
	longname[256] = '\0';
	assert_false(name_is_safe(longname));
}

static void test_good_conf(void **state)
{
	struct stable_conf c;
	struct tree_conf *t;

	(void)state;
	assert_int_equal(parse(&c,
			       "# trees\n"
			       "[tree \"5.10\"]\n"
			       "\tpath = trees/5.10   ; relative to the conf\n"
			       "\tref = HEAD\n"
			       "\tupstream = \"https://example.org/l.git; #5.10\"\n"
			       "[tree \"6.1\"] path = /abs/6.1\n"
			       "\tref = linux-6.1.y\n"
			       "\tkconfig = k.config\n"
			       "[mainline]\n"
			       "\tpath = ../linux\n"), 0);
	assert_int_equal(c.nr, 2);
	t = conf_find_tree(&c, "5.10");
	assert_non_null(t);
	assert_string_equal(t->path, "/etc/ltsport/trees/5.10");
	assert_string_equal(t->ref, "HEAD");
	assert_string_equal(t->upstream, "https://example.org/l.git; #5.10");
	assert_int_equal(t->line, 2);
	t = conf_find_tree(&c, "6.1");
	assert_non_null(t);
	assert_string_equal(t->path, "/abs/6.1");
	assert_string_equal(t->kconfig, "/etc/ltsport/k.config");
	assert_int_equal(t->line, 6);
	assert_non_null(c.mainline);
	assert_string_equal(c.mainline->path, "/etc/ltsport/../linux");
	assert_string_equal(c.mainline->ref, "HEAD");
	assert_null(conf_find_tree(&c, "4.19"));
	conf_release(&c);
}

static void test_bad_confs(void **state)
{
	(void)state;
	refused("[tree \"5.0\"]\n\tpath\n\tref = HEAD\n",
		F ":2: 'path' has no value; write path = VALUE");
	refused("[tree \"5.0\"]\n\tpath = a\n\tref = HEAD\n\tref = b\n",
		F ":4: 'ref' is set twice for tree 5.0 (first at line 3)");
	refused("[tree \"5.0\"]\n\tpath = a\n\tref = HEAD\n[tree \"../../escape\"]\n\tpath = a\n",
		F ":4: tree name '../../escape' cannot name a branch");
	refused("[tree \"5 0\"]\n\tpath = a\n", F ":1: tree name '5 0'");
	refused("[tree \"5.0\"]\n\tpath = a\n\tbrnach = x\n", F ":3: unknown key 'brnach'");
	refused("[tree \"5.0\"]\n\tpath = a\n\tref = H\n[tree \"5.0\"]\n\tbase = x\n",
		F ":4: tree \"5.0\" is defined again (first at line 1)");
	refused("[tree \"5.0\"]\n\tref = HEAD\n", F ":1: [tree \"5.0\"] has no 'path'");
	refused("# nothing\n", F ": no [tree \"X.Y\"] section");
	refused("[tree \"5.0\"]\n\tpath = a\n[tree \"6.6\"\n", "(in " F ":3)");
	refused("# top\npath = x\n[tree \"5.0\"]\n\tpath = a\n\tref = HEAD\n",
		F ":2: 'path' is outside any section");
	refused("[include]\n\tpath = other.conf\n[tree \"5.0\"]\n\tpath = a\n\tref = HEAD\n",
		F ":1: [include] is not supported");
	refused("[tree \"5.0\"]\n\tpath = a\n[includeIf \"gitdir:/x\"]\n\tpath = b\n",
		F ":3: [includeif] is not supported");
}

static void test_nul_byte(void **state)
{
	static const char text[] = "[tree \"5.0\"]\n\tpath = a\n\tref = HE\0AD\n";
	struct stable_conf c;

	(void)state;
	unit_reset();
	assert_int_equal(conf_parse_buf(&c, F, text, sizeof(text) - 1), -1);
	assert_error_has(F ":3: contains a NUL byte");
	conf_release(&c);
}

/* A comment line over 4096 bytes holding what looks like a header. */
static void test_long_line(void **state)
{
	struct stable_conf c;
	size_t n = 10000;
	char *text = malloc(n + 200);

	(void)state;
	memset(text, 'x', n);
	text[0] = '#';
	memcpy(text + 4095, "[tree \"5.0\"]", 12);
	strcpy(text + n, "\n[tree \"5.0\"]\n\tpath = a\n\tref = HEAD\n\tbrnach = x\n");
	unit_reset();
	assert_int_equal(conf_parse_buf(&c, F, text, strlen(text)), -1);
	assert_error_has(F ":5: unknown key 'brnach'");
	conf_release(&c);
	free(text);
}

static void test_line_of_buf(void **state)
{
	static const char text[] =
		"[tree \"5.0\"] path = a\n"		/* 1 */
		"\tref = \"x ; \\\n"			/* 2: continues */
		"[tree \\\"5.0\\\"]\"\n"		/* 3: inside the value */
		"[Tree \"5.0\"]\n"			/* 4 */
		"\tPATH = b # [tree \"5.0\"]\n"	/* 5 */
		"[tree.Old]\n"				/* 6: the old form */
		"\tkey\n"				/* 7 */
		"[tree \"a\\\"b\"]\n"			/* 8 */
		"\tk = v\n";				/* 9 */
	size_t n = sizeof(text) - 1;

	(void)state;
	assert_int_equal(conf_line_of_buf(text, n, "tree", "5.0", NULL, 1), 1);
	assert_int_equal(conf_line_of_buf(text, n, "tree", "5.0", NULL, 2), 4);
	assert_int_equal(conf_line_of_buf(text, n, "tree", "5.0", NULL, 3), 0);
	assert_int_equal(conf_line_of_buf(text, n, "tree", "5.0", "path", 1), 1);
	assert_int_equal(conf_line_of_buf(text, n, "tree", "5.0", "path", 2), 5);
	assert_int_equal(conf_line_of_buf(text, n, "tree", "5.0", "ref", 1), 2);
	assert_int_equal(conf_line_of_buf(text, n, "tree", "old", "key", 1), 7);
	assert_int_equal(conf_line_of_buf(text, n, "tree", "a\"b", "k", 1), 9);
	assert_int_equal(conf_line_of_buf(text, n, "tree", "5.1", NULL, 1), 0);
	assert_int_equal(conf_line_of_buf(text, n, "mainline", NULL, NULL, 1), 0);
	assert_int_equal(conf_line_of_buf("", 0, "tree", NULL, NULL, 1), 0);
	/* A NUL in the text is no end of the name looked for (fuzz-conf). */
	assert_int_equal(conf_line_of_buf("[tree \"5.10\0\"]\n", 15, "tree", "5.10", NULL, 1), 0);
	/* Not NUL-terminated: the scanner stops at len. */
	assert_int_equal(conf_line_of_buf("[mainline]\n[mainline]", 11, "mainline", NULL,
					  NULL, 2), 0);
}

static void test_find_nul(void **state)
{
	(void)state;
	assert_int_equal(conf_find_nul("a\nb\nc", 5), 0);
	assert_int_equal(conf_find_nul("a\nb\n\0", 5), 3);
	assert_int_equal(conf_find_nul("\0", 1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_is_safe),
		cmocka_unit_test(test_good_conf),
		cmocka_unit_test(test_bad_confs),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_line_of_buf),
		cmocka_unit_test(test_find_nul),
	};

	return cmocka_run_group_tests_name("conf", tests, unit_git_setup, unit_git_teardown);
}
