// SPDX-License-Identifier: GPL-2.0
/*
 * pathfind.c: a file the patch names, which the tree has under another
 * name, is found by its content and named in the patch; a tie, a file
 * with too little of the hunks' lines, or a file the tree has are left
 * alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>

#include "unit.h"
#include "util.h"
#include "fsutil.h"
#include "pathfind.h"

struct fixture {
	char *dir;
	git_repository *repo;
};

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));

	git_libgit2_init();
	fx->dir = make_temp_dir("/tmp", "u-pathfind");
	assert_non_null(fx->dir);
	assert_int_equal(git_repository_init(&fx->repo, fx->dir, 1), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	git_repository_free(fx->repo);
	rm_rf(fx->dir);
	free(fx->dir);
	free(fx);
	git_libgit2_shutdown();
	return 0;
}

/* A tree of path, content pairs, NULL-terminated. */
static git_tree *tree_of(struct fixture *fx, const char *const *files)
{
	git_index *idx = NULL;
	git_tree *tree = NULL;
	git_oid id;

	assert_int_equal(git_index_new(&idx), 0);
	for (; *files; files += 2) {
		git_index_entry e = { .mode = GIT_FILEMODE_BLOB, .path = files[0] };

		assert_int_equal(git_blob_create_from_buffer(&e.id, fx->repo, files[1],
							     strlen(files[1])), 0);
		assert_int_equal(git_index_add(idx, &e), 0);
	}
	assert_int_equal(git_index_write_tree_to(&id, idx, fx->repo), 0);
	assert_int_equal(git_tree_lookup(&tree, fx->repo, &id), 0);
	git_index_free(idx);
	return tree;
}

static const char team_c[] =
	"static int team_port_add(struct team *team, struct net_device *dev)\n"
	"{\n"
	"\tstruct team_port *port;\n"
	"\tint err;\n"
	"\n"
	"\tport = kzalloc(sizeof(*port), GFP_KERNEL);\n"
	"\tif (!port)\n"
	"\t\treturn -ENOMEM;\n"
	"\treturn 0;\n"
	"}\n";

static const char patch[] =
	"diff --git a/drivers/net/team/team_core.c b/drivers/net/team/team_core.c\n"
	"index 1111111..2222222 100644\n"
	"--- a/drivers/net/team/team_core.c\n"
	"+++ b/drivers/net/team/team_core.c\n"
	"@@ -3,7 +3,7 @@ static int team_port_add(struct team *team, struct net_device *dev)\n"
	" \tstruct team_port *port;\n"
	" \tint err;\n"
	"\n"
	"-\tport = kzalloc(sizeof(*port), GFP_KERNEL);\n"
	"+\tport = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);\n"
	" \tif (!port)\n"
	" \t\treturn -ENOMEM;\n"
	" \treturn 0;\n";

static void test_renamed_in_same_dir(void **state)
{
	static const char *const files[] = {
		"drivers/net/team/team.c", team_c,
		"drivers/net/team/team_mode_rr.c", "static int rr_init(void)\n{\n\treturn 0;\n}\n",
		NULL,
	};
	struct fixture *fx = *state;
	git_tree *t = tree_of(fx, files);
	char *out = NULL, *note = NULL;

	assert_int_equal(diff_find_moved(fx->repo, t, patch, strlen(patch), &out, &note), 0);
	assert_non_null(out);
	assert_non_null(strstr(out, "diff --git a/drivers/net/team/team.c b/drivers/net/team/team.c\n"));
	assert_non_null(strstr(out, "--- a/drivers/net/team/team.c\n+++ b/drivers/net/team/team.c\n"));
	assert_null(strstr(out, "team_core.c"));
	/* the hunk's header names the function, not the file: untouched */
	assert_non_null(strstr(out, "@@ -3,7 +3,7 @@ static int team_port_add("));
	assert_non_null(strstr(note, "drivers/net/team/team_core.c is drivers/net/team/team.c here"));
	free(out);
	free(note);
	git_tree_free(t);
}

static void test_moved_dir_same_name(void **state)
{
	static const char *const files[] = {
		"drivers/net/legacy/team/team_core.c", team_c,
		NULL,
	};
	struct fixture *fx = *state;
	git_tree *t = tree_of(fx, files);
	char *out = NULL, *note = NULL;

	assert_int_equal(diff_find_moved(fx->repo, t, patch, strlen(patch), &out, &note), 0);
	assert_non_null(out);
	assert_non_null(strstr(out, "+++ b/drivers/net/legacy/team/team_core.c\n"));
	free(out);
	free(note);
	git_tree_free(t);
}

static void test_tie_or_too_little_left_alone(void **state)
{
	static const char *const tie[] = {
		"drivers/net/team/team.c", team_c,
		"drivers/net/team/team_copy.c", team_c,
		NULL,
	};
	static const char *const little[] = {
		"drivers/net/team/team.c",
		"static int team_port_add(struct team *team, struct net_device *dev)\n{\n}\n",
		NULL,
	};
	struct fixture *fx = *state;
	git_tree *t = tree_of(fx, tie), *u = tree_of(fx, little);
	char *out = NULL, *note = NULL;

	assert_int_equal(diff_find_moved(fx->repo, t, patch, strlen(patch), &out, &note), 0);
	assert_null(out);
	assert_int_equal(diff_find_moved(fx->repo, u, patch, strlen(patch), &out, &note), 0);
	assert_null(out);
	git_tree_free(t);
	git_tree_free(u);
}

static void test_present_file_untouched(void **state)
{
	static const char *const files[] = {
		"drivers/net/team/team_core.c", team_c,
		"drivers/net/team/team.c", team_c,
		NULL,
	};
	struct fixture *fx = *state;
	git_tree *t = tree_of(fx, files);
	char *out = NULL, *note = NULL;

	assert_int_equal(diff_find_moved(fx->repo, t, patch, strlen(patch), &out, &note), 0);
	assert_null(out);
	assert_null(note);
	git_tree_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_renamed_in_same_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_moved_dir_same_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tie_or_too_little_left_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_present_file_untouched, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
