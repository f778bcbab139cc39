// SPDX-License-Identifier: GPL-2.0
/*
 * hunkmatch.c at the unit level (cmocka): the anchored locator on small
 * texts of our own: offsets, whitespace, fuzz, identical context in two
 * functions, reverse matches, and applying with the tree's own context.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"
#include "series.h"
#include "ladder.h"
#include "hunkmatch.h"

/* Two functions with the same body; the patch changes the body of bar(). */
static const char two_funcs[] =
	"int foo(int x)\n"
	"{\n"
	"\tint r = x;\n"
	"\n"
	"\tr += 1;\n"
	"\treturn r;\n"
	"}\n"
	"\n"
	"int bar(int x)\n"
	"{\n"
	"\tint r = x;\n"
	"\n"
	"\tr += 1;\n"
	"\treturn r;\n"
	"}\n";

static const char bar_diff[] =
	"diff --git a/f.c b/f.c\n"
	"--- a/f.c\n"
	"+++ b/f.c\n"
	"@@ -11,4 +11,4 @@ int bar(int x)\n"
	" \tint r = x;\n"
	"\x20\n"		/* a blank context line */
	"-\tr += 1;\n"
	"+\tr += 2;\n"
	" \treturn r;\n";

static const char nofunc_diff[] =
	"diff --git a/f.c b/f.c\n"
	"--- a/f.c\n"
	"+++ b/f.c\n"
	"@@ -11,4 +11,4 @@\n"
	" \tint r = x;\n"
	"\x20\n"		/* a blank context line */
	"-\tr += 1;\n"
	"+\tr += 2;\n"
	" \treturn r;\n";

static struct hm_hunk *first_hunk(struct hm_patch *hp, const char *diff)
{
	assert_int_equal(hm_parse(hp, diff, strlen(diff)), 0);
	assert_int_equal(hp->nr, 1);
	assert_int_equal(hp->files[0].nr, 1);
	return &hp->files[0].hunks[0];
}

static void test_parse(void **state)
{
	struct hm_patch hp;
	struct hm_hunk *h = first_hunk(&hp, bar_diff);

	(void)state;
	assert_int_equal(hp.files[0].kind, HM_MODIFY);
	assert_string_equal(h->func, "bar");
	assert_int_equal(h->old_start, 11);
	assert_int_equal(h->nr, 5);
	assert_int_equal(h->lines[2].origin, '-');
	assert_string_equal(h->lines[3].s, "\tr += 2;");
	hm_patch_release(&hp);
}

static void test_offset(void **state)
{
	struct hm_patch hp;
	struct hm_hunk *h = first_hunk(&hp, bar_diff);
	char *text = xprintf("/* one */\n/* two */\n/* three */\n%s", two_funcs), *why = NULL;
	struct hm_text t;
	struct hm_where w;

	(void)state;
	hm_text_init(&t, text, strlen(text));
	assert_int_equal(hm_locate(&t, h, HM_FORWARD, h->old_start, 0, 2, &w, &why), 0);
	assert_int_equal(w.line, 14);
	assert_int_equal(w.offset, 3);
	assert_int_equal(w.ws, 0);
	assert_int_equal(w.fuzz, 0);
	hm_text_release(&t);
	free(text);
	hm_patch_release(&hp);
}

static void test_named_function_wins(void **state)
{
	struct hm_patch hp;
	struct hm_hunk *h = first_hunk(&hp, bar_diff);
	struct hm_text t;
	struct hm_where w;
	char *why = NULL, *out;
	size_t len;

	(void)state;
	hm_text_init(&t, two_funcs, strlen(two_funcs));
	/* expected right at foo()'s copy: still bar()'s is taken */
	assert_int_equal(hm_locate(&t, h, HM_FORWARD, 3, 0, 2, &w, &why), 0);
	assert_int_equal(w.line, 11);
	hm_apply_at(&t, h, HM_FORWARD, &w);
	out = hm_text_join(&t, &len);
	assert_non_null(strstr(out, "int foo(int x)\n{\n\tint r = x;\n\n\tr += 1;"));
	assert_non_null(strstr(out, "int bar(int x)\n{\n\tint r = x;\n\n\tr += 2;"));
	free(out);
	hm_text_release(&t);
	hm_patch_release(&hp);
}

static void test_ambiguous(void **state)
{
	struct hm_patch hp;
	struct hm_hunk *h = first_hunk(&hp, nofunc_diff);
	struct hm_text t;
	struct hm_where w;
	char *why = NULL;

	(void)state;
	hm_text_init(&t, two_funcs, strlen(two_funcs));
	assert_int_equal(hm_locate(&t, h, HM_FORWARD, 11, 0, 2, &w, &why), 2);
	assert_non_null(strstr(why, "different functions"));
	free(why);
	hm_text_release(&t);
	hm_patch_release(&hp);
}

static void test_wrong_function_refused(void **state)
{
	static const char only_foo[] =
		"int foo(int x)\n{\n\tint r = x;\n\n\tr += 1;\n\treturn r;\n}\n";
	struct hm_patch hp;
	struct hm_hunk *h = first_hunk(&hp, bar_diff);
	struct hm_text t;
	struct hm_where w;
	char *why = NULL;

	(void)state;
	hm_text_init(&t, only_foo, strlen(only_foo));
	assert_int_equal(hm_locate(&t, h, HM_FORWARD, 11, 0, 2, &w, &why), 1);
	assert_non_null(strstr(why, "would land in foo(), upstream has it in bar()"));
	free(why);
	hm_text_release(&t);
	hm_patch_release(&hp);
}

static void test_whitespace(void **state)
{
	static const char spaces[] =
		"int bar(int x)\n{\n        int r = x;\x20\x20\x20\n\n    r += 1;\n\treturn r;\n}\n";
	struct hm_patch hp;
	struct hm_hunk *h = first_hunk(&hp, bar_diff);
	struct hm_text t;
	struct hm_where w;
	char *why = NULL, *out;
	size_t len;

	(void)state;
	hm_text_init(&t, spaces, strlen(spaces));
	assert_int_equal(hm_locate(&t, h, HM_FORWARD, 11, 0, 2, &w, &why), 0);
	assert_int_equal(w.ws, 1);
	assert_int_equal(w.fuzz, 0);
	assert_int_equal(w.line, 3);
	hm_apply_at(&t, h, HM_FORWARD, &w);
	out = hm_text_join(&t, &len);
	/* the tree's own context lines are kept, the new line is upstream's */
	assert_string_equal(out, "int bar(int x)\n{\n        int r = x;\x20\x20\x20\n\n\tr += 2;\n\treturn r;\n}\n");
	free(out);
	hm_text_release(&t);
	hm_patch_release(&hp);
}

static void test_fuzz(void **state)
{
	static const char drift[] =
		"int bar(int x)\n{\n\tlong r = x;\n\n\tr += 1;\n\treturn r;\n}\n";
	struct hm_patch hp;
	struct hm_hunk *h = first_hunk(&hp, bar_diff);
	struct hm_text t;
	struct hm_where w;
	char *why = NULL;

	(void)state;
	hm_text_init(&t, drift, strlen(drift));
	assert_int_equal(hm_locate(&t, h, HM_FORWARD, 11, 0, 0, &w, &why), 1);
	free(why);
	assert_int_equal(hm_locate(&t, h, HM_FORWARD, 11, 0, 2, &w, &why), 0);
	assert_int_equal(w.fuzz, 1);
	assert_int_equal(w.top, 1);
	assert_int_equal(w.line, 3);
	hm_text_release(&t);
	hm_patch_release(&hp);
}

static void test_reverse(void **state)
{
	static const char fixed[] =
		"\n\nint bar(int x)\n{\n\tint r = x;\n\n\tr += 2;\n\treturn r;\n}\n";
	struct hm_patch hp;
	struct hm_hunk *h = first_hunk(&hp, bar_diff);
	struct hm_text t;
	struct hm_where w;
	char *why = NULL;

	(void)state;
	hm_text_init(&t, fixed, strlen(fixed));
	assert_int_equal(hm_locate(&t, h, HM_FORWARD, 11, 0, 2, &w, &why), 1);
	free(why);
	assert_int_equal(hm_locate(&t, h, HM_REVERSE, 11, 0, 2, &w, &why), 0);
	assert_int_equal(w.line, 5);
	assert_int_equal(w.offset, -6);
	hm_text_release(&t);
	hm_patch_release(&hp);
}

/*
 * In the fixed file a hunk may sit below a function the patch adds, while
 * upstream's header (from the old file) names the one before: reverse only.
 */
static void test_reverse_below_added_function(void **state)
{
	static const char diff[] =
		"diff --git a/g.c b/g.c\n--- a/g.c\n+++ b/g.c\n"
		"@@ -3,4 +3,9 @@ int a(void)\n"
		" \treturn 1;\n }\n\x20\n"
		"+int helper(void)\n+{\n+\treturn 3;\n+}\n+\n"
		" #define X 1\n"
		"@@ -11,3 +16,3 @@ int a(void)\n"
		" #define U 6\n #define T 7\n-#define S 8\n+#define S 9\n";
	static const char fixed[] =
		"int a(void)\n{\n\treturn 1;\n}\n\nint helper(void)\n{\n\treturn 3;\n}\n\n"
		"#define X 1\n#define Y 2\n#define Z 3\n#define W 4\n#define V 5\n"
		"#define U 6\n#define T 7\n#define S 9\n";
	struct hm_patch hp;
	struct hm_text t;
	struct hm_where w;
	char *why = NULL;

	(void)state;
	assert_int_equal(hm_parse(&hp, diff, strlen(diff)), 0);
	assert_int_equal(hp.files[0].nr, 2);
	assert_int_equal(hp.files[0].nadded, 1);
	hm_text_init(&t, fixed, strlen(fixed));
	assert_int_equal(hm_locate(&t, &hp.files[0].hunks[1], HM_REVERSE, 16, 0, 2, &w, &why), 0);
	assert_int_equal(w.line, 16);
	assert_int_equal(hm_locate(&t, &hp.files[0].hunks[0], HM_REVERSE, 3, 0, 2, &w, &why), 0);
	assert_int_equal(hm_locate(&t, &hp.files[0].hunks[1], HM_FORWARD, 16, 0, 2, &w, &why), 1);
	free(why);
	hm_text_release(&t);
	hm_patch_release(&hp);
}

/*
 * A pure addition near a function's end: a content check uses no fuzz for
 * it, or it would be found in the fixed text too; applying may (patch -F2).
 */
static void test_context_only_image_no_fuzz(void **state)
{
	static const char diff[] =
		"diff --git a/h.c b/h.c\n--- a/h.c\n+++ b/h.c\n"
		"@@ -3,4 +3,5 @@ int f(void)\n"
		" \ta();\n \tb();\n \tc();\n+\tx();\n \td();\n";
	static const char fixed[] =
		"int f(void)\n{\n\ta();\n\tb();\n\tc();\n\tx();\n\td();\n}\n";
	static const char missing[] =
		"int f(void)\n{\n\ta();\n\tb();\n\tc();\n\td();\n}\n";
	struct hm_patch hp;
	struct hm_hunk *h = first_hunk(&hp, diff);
	struct hm_text t;
	struct hm_where w;
	char *why = NULL;

	(void)state;
	assert_int_equal(hm_check_fuzz(h, HM_FORWARD, 2), 0);
	assert_int_equal(hm_check_fuzz(h, HM_REVERSE, 2), 2);
	hm_text_init(&t, fixed, strlen(fixed));
	assert_int_equal(hm_locate(&t, h, HM_FORWARD, 3, 0, 2, &w, &why), 0);
	assert_int_equal(w.fuzz, 1);
	assert_int_equal(hm_locate(&t, h, HM_FORWARD, 3, 0, hm_check_fuzz(h, HM_FORWARD, 2),
				   &w, &why), 1);
	free(why);
	assert_int_equal(hm_locate(&t, h, HM_REVERSE, 3, 0, 2, &w, &why), 0);
	hm_text_release(&t);
	hm_text_init(&t, missing, strlen(missing));
	assert_int_equal(hm_locate(&t, h, HM_FORWARD, 3, 0, 2, &w, &why), 0);
	assert_int_equal(w.fuzz, 0);
	hm_text_release(&t);
	hm_patch_release(&hp);
}

/* A one-file tree of a repository in a temporary directory. */
static git_tree *one_file_tree(git_repository *repo, const char *path, const char *text)
{
	struct tree_change ch = { path, text, strlen(text), GIT_FILEMODE_BLOB };
	git_treebuilder *tb = NULL;
	git_tree *empty = NULL, *t = NULL;
	git_oid oid;

	assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
	assert_int_equal(git_treebuilder_write(&oid, tb), 0);
	assert_int_equal(git_tree_lookup(&empty, repo, &oid), 0);
	assert_int_equal(tree_with_changes(repo, empty, &ch, 1, &t), 0);
	git_treebuilder_free(tb);
	git_tree_free(empty);
	return t;
}

/*
 * The ladder never applies a fix twice: with the fix there at an offset
 * it refuses before any rung; without it the relaxed rung lands it in bar().
 */
static void test_ladder_already_there(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = make_temp_dir(tmp && *tmp ? tmp : "/tmp", "u-hunkmatch");
	char *fixed = xprintf("/* moved */\n%s", two_funcs), *missing = xstrdup(fixed), *at;
	struct series_patch p = { .name = "0001-fix.patch" };
	struct adaptation a;
	git_repository *repo = NULL;
	git_tree *t;
	char *out = NULL;
	size_t len;

	(void)state;
	assert_non_null(dir);
	assert_int_equal(git_repository_init(&repo, dir, 1), 0);
	at = strstr(strstr(fixed, "int bar"), "r += 1;");
	at[5] = '2';
	p.diff = xstrdup(bar_diff);

	t = one_file_tree(repo, "f.c", fixed);
	assert_int_equal(ladder_apply(repo, t, &p, NULL, &a), 1);
	assert_non_null(strstr(a.failure, "already there"));
	assert_null(a.tree);
	adaptation_release(&a);
	git_tree_free(t);

	t = one_file_tree(repo, "f.c", missing);
	assert_int_equal(ladder_apply(repo, t, &p, NULL, &a), 0);
	assert_string_equal(a.rung, "relaxed");
	assert_non_null(strstr(a.note, "f.c: hunk #1 at 12 (offset 1 line)"));
	assert_int_equal(read_blob_buf(repo, a.tree, "f.c", &out, &len, NULL), 0);
	assert_string_equal(out, fixed);
	free(out);
	adaptation_release(&a);
	git_tree_free(t);

	free(p.diff);
	free(fixed);
	free(missing);
	git_repository_free(repo);
	rm_rf(dir);
	free(dir);
}

/* add_range() of the tree is what upstream has since renamed add_range_ctx(). */
static const char add_range_ctx_diff[] =
	"diff --git a/f.c b/f.c\n"
	"--- a/f.c\n"
	"+++ b/f.c\n"
	"@@ -3,4 +3,4 @@ int add_range_ctx(int x)\n"
	" \tint r = x;\n"
	"\x20\n"
	"-\tr += 1;\n"
	"+\tr += 2;\n"
	" \treturn r;\n";

static void test_renamed_function(void **state)
{
	static const char only_bar[] =
		"int add_range(int x)\n{\n\tint r = x;\n\n\tr += 1;\n\treturn r;\n}\n";
	static const char both[] =
		"int add_range(int x)\n{\n\tint r = x;\n\n\tr += 1;\n\treturn r;\n}\n"
		"int add_range_ctx(int x)\n{\n\treturn x;\n}\n";
	static const char two_copies[] =
		"int add_range(int x)\n{\n\tint r = x;\n\n\tr += 1;\n\treturn r;\n}\n"
		"int add_range2(int x)\n{\n\tint r = x;\n\n\tr += 1;\n\treturn r;\n}\n";
	struct hm_patch hp;
	struct hm_hunk *h = first_hunk(&hp, add_range_ctx_diff);
	struct hm_text t;
	struct hm_where w;
	struct sbuf sb = {0};
	char *why = NULL;

	(void)state;
	hm_text_init(&t, only_bar, strlen(only_bar));
	assert_int_equal(hm_locate(&t, h, HM_FORWARD, 3, 0, 2, &w, &why), 0);
	assert_string_equal(w.renamed, "add_range");
	assert_int_equal(w.fuzz, 0);
	hm_where_note(&sb, 1, &w);
	assert_string_equal(sb.buf, "hunk #1 at 3 in add_range(), the file having no function by upstream's name");
	sbuf_release(&sb);
	hm_text_release(&t);

	/* upstream's name is in the file: the other function is another one */
	hm_text_init(&t, both, strlen(both));
	assert_int_equal(hm_locate(&t, h, HM_FORWARD, 3, 0, 2, &w, &why), 1);
	assert_non_null(strstr(why, "would land in add_range(), upstream has it in add_range_ctx()"));
	free(why);
	hm_text_release(&t);

	/* two places: no guessing */
	hm_text_init(&t, two_copies, strlen(two_copies));
	assert_int_equal(hm_locate(&t, h, HM_FORWARD, 3, 0, 2, &w, &why), 2);
	assert_non_null(strstr(why, "refusing to guess"));
	free(why);
	hm_text_release(&t);
	hm_patch_release(&hp);
}

/* The content check of a tree of one file: forward, reverse, neither. */
static void check_one(const char *diff, const char *text, size_t *fw, size_t *rv, char **problems)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = make_temp_dir(tmp && *tmp ? tmp : "/tmp", "u-hunkmatch");
	git_repository *repo = NULL;
	struct hm_patch hp;
	struct hm_state st;
	git_tree *t;

	assert_non_null(dir);
	assert_int_equal(git_repository_init(&repo, dir, 1), 0);
	assert_int_equal(hm_parse(&hp, diff, strlen(diff)), 0);
	t = one_file_tree(repo, "f.c", text);
	assert_int_equal(hm_check_tree(repo, t, &hp, HM_TREE, &st), 0);
	*fw = st.forward;
	*rv = st.reverse;
	*problems = xstrdup(st.problems->len ? st.problems->buf : "");
	hm_state_release(&st);
	hm_patch_release(&hp);
	git_tree_free(t);
	git_repository_free(repo);
	rm_rf(dir);
	free(dir);
}

/*
 * A pure addition whose outer context drifted: found with fuzz while
 * context is left on both sides (missing); not when the lines it adds are
 * already next to it (the fix, placed a line off): never added twice.
 */
static void test_pure_addition_fuzz(void **state)
{
	static const char diff[] =
		"diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n"
		"@@ -3,6 +3,7 @@ int f(void)\n"
		" \ta();\n \tb();\n \tc();\n+\tx();\n \td();\n \te();\n \tf();\n";
	static const char drifted[] =
		"int f(void)\n{\n\tA();\n\tb();\n\tc();\n\td();\n\te();\n\tF();\n}\n";
	static const char placed_off[] =
		"int f(void)\n{\n\tA();\n\tb();\n\tx();\n\tc();\n\td();\n\te();\n\tF();\n}\n";
	size_t fw, rv;
	char *problems;

	(void)state;
	check_one(diff, drifted, &fw, &rv, &problems);
	assert_int_equal(fw, 1);
	assert_int_equal(rv, 0);
	free(problems);
	check_one(diff, placed_off, &fw, &rv, &problems);
	assert_int_equal(fw, 0);
	assert_int_equal(rv, 0);
	assert_non_null(strstr(problems, "already near line"));
	free(problems);
}

/*
 * A pure deletion whose last deleted line is its first context line again:
 * its reverse image, with fuzz, is found at the end of the lines it deletes,
 * which are still there. No evidence of "fixed" then: missing, not both.
 */
static void test_pure_deletion_fuzz(void **state)
{
	static const char diff[] =
		"diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n"
		"@@ -3,8 +3,6 @@ int f(void)\n"
		" \ta();\n \tb();\n \tgoto out;\n-\tif (c)\n-\t\tgoto out;\n"
		"\x20\n \td();\n \te();\n";
	static const char missing[] =
		"int f(void)\n{\n\ta();\n\tb();\n\tgoto out;\n\tif (c)\n\t\tgoto out;\n"
		"\n\td();\n\te();\nout:\n\treturn 0;\n}\n";
	size_t fw, rv;
	char *problems;

	(void)state;
	check_one(diff, missing, &fw, &rv, &problems);
	assert_int_equal(fw, 1);
	assert_int_equal(rv, 0);
	free(problems);
}

/* Hunk 1 renames foo() to __foo(); hunk 2, below it, names foo() as the old file did. */
static void test_forward_below_renamed_function(void **state)
{
	static const char diff[] =
		"diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n"
		"@@ -1,4 +1,4 @@\n"
		" static void\n-foo(int x)\n+__foo(int x)\n {\n \ta();\n"
		"@@ -5,6 +5,11 @@ foo(int x)\n"
		" \tb();\n \tc();\n }\n+\n+static void foo(int x)\n+{\n+\t__foo(x);\n+}\n"
		"\x20\n static void\n baz(void)\n";
	static const char text[] =
		"static void\nfoo(int x)\n{\n\ta();\n\tb();\n\tc();\n}\n\nstatic void\nbaz(void)\n{\n}\n";
	size_t fw, rv;
	char *problems;

	(void)state;
	check_one(diff, text, &fw, &rv, &problems);
	assert_string_equal(problems, "");
	assert_int_equal(fw, 2);
	assert_int_equal(rv, 0);
	free(problems);
}

static void test_note_and_func_above(void **state)
{
	struct hm_where w = { .line = 3901, .offset = 12, .fuzz = 1 };
	struct sbuf sb = {0};
	char *fn;

	(void)state;
	hm_where_note(&sb, 2, &w);
	assert_string_equal(sb.buf, "hunk #2 at 3901 (offset 12 lines, fuzz 1)");
	sbuf_release(&sb);
	fn = hm_func_above(two_funcs, strlen(two_funcs), 12);
	assert_string_equal(fn, "bar");
	free(fn);
	fn = hm_func_above("out:\nx\n", 7, 2);
	assert_null(fn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_offset),
		cmocka_unit_test(test_named_function_wins),
		cmocka_unit_test(test_ambiguous),
		cmocka_unit_test(test_wrong_function_refused),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_reverse),
		cmocka_unit_test(test_reverse_below_added_function),
		cmocka_unit_test(test_context_only_image_no_fuzz),
		cmocka_unit_test(test_note_and_func_above),
		cmocka_unit_test(test_ladder_already_there),
		cmocka_unit_test(test_renamed_function),
		cmocka_unit_test(test_pure_addition_fuzz),
		cmocka_unit_test(test_forward_below_renamed_function),
		cmocka_unit_test(test_pure_deletion_fuzz),
	};

	git_libgit2_init();
	return cmocka_run_group_tests_name("hunkmatch", tests, NULL, NULL);
}
