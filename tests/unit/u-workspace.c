// SPDX-License-Identifier: GPL-2.0
/* workspace.c: names that stay under backports/, paths, branch, lock. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "util.h"
#include "fsutil.h"
#include "conf.h"
#include "workspace.h"

static void test_names(void **state)
{
	static const char *const good[] = { "6.1", "5.10", "mainline", "v6.1_rt-2", "A" };
	static const char *const bad[] = {
		"", ".", "..", "../../escape", "a/b", ".hidden", "-rf", "a..b", "with space",
		"tab\t", "caf\xc3\xa9", "x:y", "star*",
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good); i++)
		assert_true(ws_name_is_safe(good[i]));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (ws_name_is_safe(bad[i]))
			fail_msg("'%s' taken", bad[i]);
	assert_false(ws_name_is_safe(NULL));
}

static void test_paths(void **state)
{
	struct tree_conf tc = { .name = "6.1", .line = 3 };
	struct tree_ws ws;
	char *p;

	(void)state;
	assert_int_equal(ws_init(&ws, &tc, "t.conf", "swap-race", "series/swap-race",
				 "/nonexistent/backports"), 0);
	assert_string_equal(ws.out, "/nonexistent/backports/swap-race/6.1");
	assert_string_equal(ws.work, "/nonexistent/backports/.work/6.1");
	assert_string_equal(ws.branch, "refs/heads/ltsport/swap-race/6.1");
	assert_string_equal(ws_branch_short(&ws), "ltsport/swap-race/6.1");
	p = ws_path(&ws, WS_SRC, NULL);
	assert_string_equal(p, "/nonexistent/backports/.work/6.1/src");
	free(p);
	p = ws_path(&ws, WS_OBJ, "vmlinux");
	assert_string_equal(p, "/nonexistent/backports/.work/6.1/obj/vmlinux");
	free(p);
	p = ws_path(&ws, WS_OUT, "build.json");
	assert_string_equal(p, "/nonexistent/backports/swap-race/6.1/build.json");
	free(p);
	p = ws_path(&ws, WS_LOCK, NULL);
	assert_string_equal(p, "/nonexistent/backports/.work/6.1/lock");
	free(p);
	ws_release(&ws);
}

static void test_bad_init(void **state)
{
	struct tree_conf esc = { .name = "../../escape", .line = 1 };
	struct tree_conf ok = { .name = "6.1", .line = 1 };
	struct tree_ws ws;

	(void)state;
	assert_int_equal(ws_init(&ws, &esc, "t.conf", "swap-race", "s", "/tmp/x"), -1);
	ws_release(&ws);
	assert_int_equal(ws_init(&ws, &ok, "t.conf", "swap race", "s", "/tmp/x"), -1);
	ws_release(&ws);
	assert_int_equal(ws_init(&ws, &ok, "t.conf", "a.lock", "s", "/tmp/x"), -1);
	ws_release(&ws);
}

static void test_lock(void **state)
{
	char tmpl[] = "/tmp/u-workspace.XXXXXX";
	struct tree_conf tc = { .name = "6.1", .line = 1 };
	struct tree_ws a, b;
	char *dir = mkdtemp(tmpl), *text = NULL, *want;
	double t0;

	(void)state;
	assert_non_null(dir);
	assert_int_equal(ws_init(&a, &tc, "t.conf", "s", "s", dir), 0);
	assert_int_equal(ws_init(&b, &tc, "t.conf", "s", "s", dir), 0);
	assert_int_equal(ws_lock(&a, "build", 0), 0);
	assert_int_equal(read_file(a.lock.path, &text, NULL), 0);
	want = xprintf("pid %ld (ltsport build)\n", (long)getpid());
	assert_string_equal(text, want);
	free(want);
	free(text);
	/* flock is per open file: a second open in this process is refused */
	assert_int_equal(ws_lock(&b, "port", 0), -1);
	t0 = now_s();
	assert_int_equal(ws_lock(&b, "port", 1), -1);
	assert_true(now_s() - t0 >= 0.9);
	ws_unlock(&a);
	assert_int_equal(ws_lock(&b, "port", 0), 0);
	ws_release(&b);
	ws_release(&a);
	assert_int_equal(rm_rf(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_bad_init),
		cmocka_unit_test(test_lock),
	};
	int ret;

	git_libgit2_init();
	ret = cmocka_run_group_tests_name("workspace", tests, NULL, NULL);
	git_libgit2_shutdown();
	return ret;
}
