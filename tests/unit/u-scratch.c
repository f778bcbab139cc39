// SPDX-License-Identifier: GPL-2.0
/*
 * scratch.c at the unit level (cmocka): what may go into a scratch copy
 * and what may come back from it. Nothing is written outside the copy.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"
#include "scratch.h"

struct fixture {
	char *dir;
	git_repository *repo;
	git_tree *tree;
};

#define F GIT_FILEMODE_BLOB
#define L GIT_FILEMODE_LINK

static int setup(void **state)
{
	static const struct { const char *name; unsigned int mode; const char *data; } ents[] = {
		{ "f.c", F, "int f;\n" }, { "in", L, "f.c" }, { "out", L, "../canary" },
		{ "abs", L, "/tmp" },
	};
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");
	git_treebuilder *tb = NULL;
	git_oid oid;
	size_t i;

	git_libgit2_init();
	fx->dir = make_temp_dir(tmp && *tmp ? tmp : "/tmp", "u-scratch");
	assert_non_null(fx->dir);
	assert_int_equal(git_repository_init(&fx->repo, fx->dir, 1), 0);
	assert_int_equal(git_treebuilder_new(&tb, fx->repo, NULL), 0);
	for (i = 0; i < ARRAY_SIZE(ents); i++) {
		assert_int_equal(git_blob_create_from_buffer(&oid, fx->repo, ents[i].data,
							     strlen(ents[i].data)), 0);
		assert_int_equal(git_treebuilder_insert(NULL, tb, ents[i].name, &oid,
							ents[i].mode), 0);
	}
	assert_int_equal(git_treebuilder_write(&oid, tb), 0);
	assert_int_equal(git_tree_lookup(&fx->tree, fx->repo, &oid), 0);
	git_treebuilder_free(tb);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	git_tree_free(fx->tree);
	git_repository_free(fx->repo);
	rm_rf(fx->dir);
	free(fx->dir);
	free(fx);
	git_libgit2_shutdown();
	return 0;
}

static void test_refused_paths(void **state)
{
	struct fixture *fx = *state;
	static const char *const bad[] = { "out/x", "abs/x", "../x", "/tmp/x", "a/./b" };
	struct scratch sc = {0};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(scratch_export(&sc, fx->repo, fx->tree, bad[i]), -2);
		assert_non_null(sc.why);
		scratch_release(&sc);
	}
	/* a symlink out of the tree is not given to text tools */
	assert_int_equal(scratch_export(&sc, fx->repo, fx->tree, "f.c out"), 1);
	assert_non_null(strstr(sc.why, "pointing out of the tree"));
	scratch_release(&sc);
}

static void test_inward_symlink_and_read_back(void **state)
{
	struct fixture *fx = *state;
	struct scratch sc = {0};
	struct sbuf changed = {0};
	git_tree *out = NULL;
	char target[64], *p;
	ssize_t n;

	assert_int_equal(scratch_export(&sc, fx->repo, fx->tree, "f.c in new/file.c"), 0);
	p = path_join(sc.dir, "in");
	n = readlink(p, target, sizeof(target) - 1);
	free(p);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, "f.c");
	assert_int_equal(scratch_collect(&sc, fx->repo, fx->tree, &out, &changed), 1);

	/* a tool made a new file and turned f.c into a symlink out: refused */
	p = path_join(sc.dir, "new");
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	p = path_join(sc.dir, "new/file.c");
	assert_int_equal(write_file(p, "int g;\n", 7), 0);
	free(p);
	assert_int_equal(scratch_collect(&sc, fx->repo, fx->tree, &out, &changed), 0);
	assert_string_equal(changed.buf, "new/file.c");
	git_tree_free(out);
	out = NULL;
	p = path_join(sc.dir, "f.c");
	assert_int_equal(unlink(p), 0);
	assert_int_equal(symlink("/etc/passwd", p), 0);
	free(p);
	assert_int_equal(scratch_collect(&sc, fx->repo, fx->tree, &out, &changed), -2);
	assert_non_null(strstr(sc.why, "pointing out of the tree"));
	assert_null(out);
	sbuf_release(&changed);
	scratch_release(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refused_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inward_symlink_and_read_back, setup, teardown),
	};

	return cmocka_run_group_tests_name("scratch", tests, NULL, NULL);
}
