// SPDX-License-Identifier: GPL-2.0
/*
 * gitops.c at the unit level (cmocka): the in-memory revert and
 * cherry-pick, blobs with NUL bytes, and the path checks that keep an
 * untrusted patch inside its tree. Each test runs on a fresh repository
 * in a temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"

struct fixture {
	char *dir;
	git_repository *repo;
	git_signature *sig;
};

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");

	git_libgit2_init();
	fx->dir = make_temp_dir(tmp && *tmp ? tmp : "/tmp", "u-gitops");
	assert_non_null(fx->dir);
	assert_int_equal(git_repository_init(&fx->repo, fx->dir, 1), 0);
	assert_int_equal(git_signature_new(&fx->sig, "A U Thor", "a@example.com", 1700000000, 0), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	git_signature_free(fx->sig);
	git_repository_free(fx->repo);
	rm_rf(fx->dir);
	free(fx->dir);
	free(fx);
	git_libgit2_shutdown();
	return 0;
}

/* A flat tree: name, mode, content (len bytes; -1 for a C string), ..., NULL. */
static git_tree *make_tree(struct fixture *fx, ...)
{
	git_treebuilder *tb = NULL;
	git_tree *tree = NULL;
	const char *name;
	git_oid oid;
	va_list ap;

	assert_int_equal(git_treebuilder_new(&tb, fx->repo, NULL), 0);
	va_start(ap, fx);
	while ((name = va_arg(ap, const char *))) {
		unsigned int mode = va_arg(ap, unsigned int);
		const char *data = va_arg(ap, const char *);
		int len = va_arg(ap, int);

		assert_int_equal(git_blob_create_from_buffer(&oid, fx->repo, data,
							     len < 0 ? strlen(data) : (size_t)len), 0);
		assert_int_equal(git_treebuilder_insert(NULL, tb, name, &oid, mode), 0);
	}
	va_end(ap);
	assert_int_equal(git_treebuilder_write(&oid, tb), 0);
	assert_int_equal(git_tree_lookup(&tree, fx->repo, &oid), 0);
	git_treebuilder_free(tb);
	return tree;
}

static git_commit *make_commit(struct fixture *fx, git_commit *parent, git_tree *tree)
{
	const git_commit *parents[] = { parent };
	git_commit *c = NULL;
	git_oid oid;

	assert_int_equal(git_commit_create(&oid, fx->repo, NULL, fx->sig, fx->sig, NULL, "c",
					   tree, parent ? 1 : 0, parents), 0);
	assert_int_equal(git_commit_lookup(&c, fx->repo, &oid), 0);
	git_tree_free(tree);
	return c;
}

static void assert_blob(struct fixture *fx, git_tree *tree, const char *path, const char *want)
{
	char *data = NULL;
	size_t len;

	assert_int_equal(read_blob_buf(fx->repo, tree, path, &data, &len, NULL), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(data, want, len);
	free(data);
}

#define F GIT_FILEMODE_BLOB

/* A: f; B: f line 2 changed; C: g added. Revert B from C, pick B onto A. */
static void test_revert_and_cherrypick(void **state)
{
	struct fixture *fx = *state;
	git_commit *a = make_commit(fx, NULL, make_tree(fx, "f", F, "a\nb\nc\n", -1, NULL));
	git_commit *b = make_commit(fx, a, make_tree(fx, "f", F, "a\nB\nc\n", -1, NULL));
	git_commit *c = make_commit(fx, b, make_tree(fx, "f", F, "a\nB\nc\n", -1,
						     "g", F, "x\n", -1, NULL));
	git_commit *d = make_commit(fx, b, make_tree(fx, "f", F, "a\nBB\nc\n", -1, NULL));
	git_commit *a2 = make_commit(fx, a, make_tree(fx, "f", F, "a\nb\nc\n", -1,
						      "g", F, "y\n", -1, NULL));
	git_tree *out = NULL, *ct = NULL;

	assert_int_equal(revert_commit_tree(fx->repo, c, b, &out), 0);
	assert_blob(fx, out, "f", "a\nb\nc\n");
	assert_blob(fx, out, "g", "x\n");
	git_tree_free(out);
	out = NULL;

	assert_int_equal(git_commit_tree(&ct, c), 0);
	assert_int_equal(revert_in_tree(fx->repo, ct, b, &out), 0);
	assert_blob(fx, out, "f", "a\nb\nc\n");
	assert_blob(fx, out, "g", "x\n");
	git_tree_free(out);
	git_tree_free(ct);
	out = NULL;

	/* d changed the very line b did: taking b out conflicts */
	assert_int_equal(revert_commit_tree(fx->repo, d, b, &out), 1);
	assert_null(out);

	assert_int_equal(cherrypick_tree(fx->repo, a2, b, &out), 0);
	assert_blob(fx, out, "f", "a\nB\nc\n");
	assert_blob(fx, out, "g", "y\n");
	git_tree_free(out);
	out = NULL;
	assert_int_equal(cherrypick_tree(fx->repo, d, b, &out), 1);

	git_commit_free(a);
	git_commit_free(b);
	git_commit_free(c);
	git_commit_free(d);
	git_commit_free(a2);
}

/* A blob with NUL bytes comes whole with its length; the C-string reader refuses it. */
static void test_blob_with_nul(void **state)
{
	struct fixture *fx = *state;
	static const char bin[] = "fw\0\001\002\0tail";
	git_tree *t = make_tree(fx, "bin", F, bin, (int)sizeof(bin), "txt", F, "text\n", -1,
				NULL);
	char *data = NULL;
	size_t len = 0;
	unsigned int mode = 0;

	assert_int_equal(read_blob_buf(fx->repo, t, "bin", &data, &len, &mode), 0);
	assert_int_equal(len, sizeof(bin));
	assert_memory_equal(data, bin, len);
	assert_int_equal(mode, GIT_FILEMODE_BLOB);
	free(data);
	data = NULL;
	assert_int_equal(read_blob_at(fx->repo, t, "bin", &data), -1);
	assert_null(data);
	assert_int_equal(read_blob_at(fx->repo, t, "txt", &data), 0);
	assert_string_equal(data, "text\n");
	free(data);
	assert_int_equal(read_blob_at(fx->repo, t, "nothing", &data), 1);
	git_tree_free(t);
}

static void test_path_unsafe(void **state)
{
	(void)state;
	assert_null(path_unsafe("mm/memory.c"));
	assert_null(path_unsafe(".gitignore"));
	assert_null(path_unsafe("a/..b/c..d"));
	assert_non_null(path_unsafe(""));
	assert_non_null(path_unsafe("/etc/passwd"));
	assert_non_null(path_unsafe("../x"));
	assert_non_null(path_unsafe("mm/../../x"));
	assert_non_null(path_unsafe("mm/.."));
	assert_non_null(path_unsafe("mm//x"));
	assert_non_null(path_unsafe("./x"));
	assert_non_null(path_unsafe(".git/config"));
	assert_non_null(path_unsafe("sub/.GIT/hooks/x"));
	assert_non_null(path_unsafe("mm/"));
}

static void test_link_inside(void **state)
{
	(void)state;
	assert_true(link_inside("lnk", "mm/memory.c"));
	assert_true(link_inside("a/b/lnk", "../../x"));
	assert_true(link_inside("a/lnk", "../b/c"));
	assert_false(link_inside("lnk", ".."));
	assert_false(link_inside("lnk", "../canary"));
	assert_false(link_inside("a/lnk", "../../x"));
	assert_false(link_inside("lnk", "/tmp"));
	assert_false(link_inside("lnk", ""));
	assert_false(link_inside("lnk", "."));
	/* "inner/.." is the root when inner -> .: nothing climbs after a descent */
	assert_false(link_inside("a/lnk", "inner/../.."));
	assert_false(link_inside("a/lnk", "b/../c"));
}

static void test_diff_check_paths(void **state)
{
	struct fixture *fx = *state;
	git_tree *t = make_tree(fx, "lnk", GIT_FILEMODE_LINK, "../canary", -1,
				"f", F, "a\n", -1, NULL);
	static const char ok[] =
		"diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n";
	static const char through[] =
		"diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"
		"diff --git a/lnk/x b/lnk/x\nnew file mode 100644\n--- /dev/null\n"
		"+++ b/lnk/x\n@@ -0,0 +1 @@\n+x\n";
	static const char absolute[] =
		"diff --git a//etc/x b//etc/x\nnew file mode 100644\n--- /dev/null\n"
		"+++ b//etc/x\n@@ -0,0 +1 @@\n+x\n";
	/* a removed line "-- a/../x" looks like a header: hunk bodies are skipped */
	static const char body[] =
		"diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,2 +1 @@\n--- a/../x\n-a\n+b\n";
	struct path_problem pb;

	assert_int_equal(diff_check_paths(t, ok, strlen(ok), &pb), 0);
	assert_int_equal(diff_check_paths(t, through, strlen(through), &pb), 1);
	assert_string_equal(pb.path, "lnk/x");
	assert_int_equal(pb.line, 7);
	assert_non_null(strstr(pb.why, "symlink 'lnk'"));
	path_problem_release(&pb);
	assert_int_equal(diff_check_paths(t, absolute, strlen(absolute), &pb), 1);
	assert_int_equal(pb.line, 1);
	assert_non_null(strstr(pb.why, "absolute"));
	path_problem_release(&pb);
	assert_int_equal(diff_check_paths(t, body, strlen(body), &pb), 0);
	git_tree_free(t);
}

/*
 * checkout_to_dir from a baseline writes only what differs: a changed,
 * a new (in a new directory), an executable and a link file; a deleted one
 * goes; an unchanged one keeps its inode and mtime (make keeps its object).
 */
static void test_checkout_delta(void **state)
{
	struct fixture *fx = *state;
	git_tree *a = make_tree(fx, "keep.c", F, "k\n", -1, "mod.c", F, "1\n", -1,
				"gone.c", F, "g\n", -1, NULL);
	git_tree *flat = make_tree(fx, "keep.c", F, "k\n", -1, "mod.c", F, "2\n", -1,
				   "run.sh", GIT_FILEMODE_BLOB_EXECUTABLE, "#!/bin/sh\n", -1,
				   "link", GIT_FILEMODE_LINK, "keep.c", -1, NULL);
	struct tree_change ch = { "sub/dir/new.c", "n\n", 2, F };
	char *dir = xprintf("%s/out", fx->dir), *p, *data = NULL;
	struct stat before, after;
	git_tree *b = NULL;
	char target[16];
	ssize_t n;

	assert_int_equal(tree_with_changes(fx->repo, flat, &ch, 1, &b), 0);
	assert_int_equal(mkdir_p(dir), 0);
	assert_int_equal(checkout_to_dir(fx->repo, a, NULL, dir), 0);
	p = xprintf("%s/keep.c", dir);
	assert_int_equal(stat(p, &before), 0);
	assert_int_equal(checkout_to_dir(fx->repo, b, a, dir), 0);
	assert_int_equal(stat(p, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_int_equal(before.st_mtime, after.st_mtime);
	free(p);
	p = xprintf("%s/mod.c", dir);
	assert_int_equal(read_file(p, &data, NULL), 0);
	assert_string_equal(data, "2\n");
	free(data);
	free(p);
	p = xprintf("%s/sub/dir/new.c", dir);
	assert_int_equal(read_file(p, &data, NULL), 0);
	assert_string_equal(data, "n\n");
	free(data);
	free(p);
	p = xprintf("%s/run.sh", dir);
	assert_int_equal(stat(p, &after), 0);
	assert_true(after.st_mode & 0100);
	free(p);
	p = xprintf("%s/link", dir);
	n = readlink(p, target, sizeof(target) - 1);
	assert_int_equal(n, 6);
	target[n] = '\0';
	assert_string_equal(target, "keep.c");
	free(p);
	p = xprintf("%s/gone.c", dir);
	assert_false(path_exists(p));
	free(p);
	/* and back: the new ones go, the old ones come back */
	assert_int_equal(checkout_to_dir(fx->repo, a, b, dir), 0);
	p = xprintf("%s/gone.c", dir);
	assert_true(path_exists(p));
	free(p);
	p = xprintf("%s/sub/dir/new.c", dir);
	assert_false(path_exists(p));
	free(p);
	git_tree_free(a);
	git_tree_free(flat);
	git_tree_free(b);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_revert_and_cherrypick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blob_with_nul, setup, teardown),
		cmocka_unit_test(test_path_unsafe),
		cmocka_unit_test(test_link_inside),
		cmocka_unit_test_setup_teardown(test_diff_check_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkout_delta, setup, teardown),
	};

	return cmocka_run_group_tests_name("gitops", tests, NULL, NULL);
}
