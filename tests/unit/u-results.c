// SPDX-License-Identifier: GPL-2.0
/* results.c: typed records, their field tables, missing vs corrupt, UTF-8. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "util.h"
#include "fsutil.h"
#include "results.h"

#define TIP "0123456789abcdef0123456789abcdef01234567"
#define INPUTS "89abcdef0123456789abcdef0123456789abcdef"

static const char good_build[] =
	"{\"schema\":1,\"stage\":\"build\",\"tree\":\"6.1\",\"tip\":\"" TIP "\","
	"\"inputs\":\"" INPUTS "\",\"outcome\":\"done\",\"seconds\":12.5,"
	"\"mode\":\"quick\",\"toolchain\":\"gcc-12\",\"verdict\":\"builds\","
	"\"first_error\":\"\",\"seconds_before\":5,\"seconds_after\":7.5,"
	"\"new_warnings\":2,\"log\":\"build.log\"}";

static void test_parse_good(void **state)
{
	struct build_result br;
	char *why = NULL;

	(void)state;
	assert_int_equal(record_parse(good_build, strlen(good_build), "build.json", &build_desc,
				      &br, &why), 0);
	assert_null(why);
	assert_int_equal(br.head.schema, RECORD_SCHEMA);
	assert_int_equal(br.head.stage, STAGE_BUILD);
	assert_string_equal(br.head.tree, "6.1");
	assert_string_equal(br.head.tip, TIP);
	assert_int_equal(br.head.outcome, OUTCOME_DONE);
	assert_int_equal(br.verdict, BUILD_BUILDS);
	assert_int_equal(br.new_warnings, 2);
	assert_true(br.seconds_before == 5.0);
	assert_string_equal(br.log, "build.log");
	record_release(&build_desc, &br);
	assert_null(br.head.tree);
}

/* Replace the first occurrence of from by to in good_build. */
static char *variant(const char *from, const char *to)
{
	const char *at = strstr(good_build, from);
	struct sbuf sb = {0};

	assert_non_null(at);
	sbuf_add(&sb, good_build, at - good_build);
	sbuf_adds(&sb, to);
	sbuf_adds(&sb, at + strlen(from));
	return sbuf_detach(&sb);
}

static void expect_corrupt(const char *text, const char *want)
{
	struct build_result br;
	char *why = NULL;

	assert_int_equal(record_parse(text, strlen(text), "build.json", &build_desc, &br, &why),
			 -1);
	assert_non_null(why);
	if (!strstr(why, want))
		fail_msg("'%s' does not say '%s'", why, want);
	/* nothing to release after an error */
	assert_null(br.head.tree);
	assert_null(br.mode);
	free(why);
}

static void test_parse_corrupt(void **state)
{
	static const char *const cases[][3] = {
		/* defect 8: a build.json without a verdict is corrupt */
		{ ",\"verdict\":\"builds\"", "", "key 'verdict': missing" },
		{ "\"builds\"", "\"compiles\"", "key 'verdict': unknown value 'compiles'" },
		{ "\"new_warnings\":2", "\"new_warnings\":\"2\"", "key 'new_warnings': want an integer" },
		{ "\"schema\":1", "\"schema\":7", "key 'schema': 7" },
		{ "\"stage\":\"build\"", "\"stage\":\"port\"", "key 'stage'" },
		{ TIP, "xyz", "key 'tip'" },
		{ "\"log\":\"build.log\"", "\"log\":\"build.log\",\"lgo\":1", "key 'lgo': unknown key" },
		{ "\"tree\":\"6.1\"", "\"tree\":null", "key 'tree': want a string" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *text = variant(cases[i][0], cases[i][1]);

		expect_corrupt(text, cases[i][2]);
		free(text);
	}
	expect_corrupt("", "build.json: empty");
	expect_corrupt("{\"schema\":1", "build.json: truncated");
	expect_corrupt("[1,2]", "want an object");
	expect_corrupt("{\"schema\":1}  x", "build.json: ");
}

static void test_parse_unterminated_buffer(void **state)
{
	size_t n = strlen(good_build);
	char *copy = xmalloc(n);
	struct build_result br;
	char *why = NULL;

	(void)state;
	memcpy(copy, good_build, n);	/* no NUL: the parser must keep to len */
	assert_int_equal(record_parse(copy, n, "b", &build_desc, &br, &why), 0);
	record_release(&build_desc, &br);
	free(copy);
}

static char *tmp_dir(void)
{
	char tmpl[] = "/tmp/u-results.XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return xstrdup(d);
}

static void test_load_missing_vs_corrupt(void **state)
{
	char *dir = tmp_dir(), *path = path_join(dir, "build.json"), *why = NULL;
	struct build_result br;

	(void)state;
	assert_int_equal(record_load(path, &build_desc, &br, &why), REC_MISSING);
	assert_null(why);
	assert_int_equal(write_file(path, "{\"schema\":", 10), 0);
	assert_int_equal(record_load(path, &build_desc, &br, &why), REC_CORRUPT);
	assert_non_null(strstr(why, path));
	free(why);
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
}

static void test_round_trip(void **state)
{
	char *dir = tmp_dir(), *path = path_join(dir, "port.json"), *why = NULL;
	struct port_result pr = {0}, back;
	git_oid tip;

	(void)state;
	git_oid_fromstr(&tip, TIP);
	record_head(&pr.head, STAGE_PORT, "5.10", &tip, INPUTS, OUTCOME_DONE, 1.25);
	pr.series = xstrdup("swap-race");
	pr.branch = xstrdup("ltsport/swap-race/5.10");
	pr.npatches = 1;
	pr.patches = xcalloc(1, sizeof(*pr.patches));
	pr.patches[0].file = xstrdup("0001-mm-fix.patch");
	pr.patches[0].upstream = xstrdup("13ddaf26be324a7f951891ecd9ccd04466d27458");
	pr.patches[0].rung = xstrdup("exact");
	pr.patches[0].note = xstrdup("caf\xe9");		/* Latin-1: made valid */
	strcpy(pr.patches[0].commit, TIP);
	pr.patches[0].upstream_message = 1;
	assert_int_equal(record_save(path, &port_desc, &pr), 0);
	assert_int_equal(record_load(path, &port_desc, &back, &why), REC_OK);
	assert_string_equal(back.head.tree, "5.10");
	assert_string_equal(back.head.inputs, INPUTS);
	assert_null(back.failure);
	assert_int_equal(back.npatches, 1);
	assert_string_equal(back.patches[0].rung, "exact");
	assert_string_equal(back.patches[0].note, "caf\xef\xbf\xbd");
	assert_int_equal(back.patches[0].upstream_message, 1);
	assert_false(record_is_stale(&back.head, &tip, INPUTS));
	assert_true(record_is_stale(&back.head, &tip, TIP));
	git_oid_fromstr(&tip, INPUTS);
	assert_true(record_is_stale(&back.head, &tip, NULL));
	record_release(&port_desc, &back);
	record_release(&port_desc, &pr);
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
}

static void test_repro_optional_side(void **state)
{
	struct repro_result rr = {0}, back;
	json_object *o;
	const char *text;
	char *why = NULL;
	git_oid tip;

	(void)state;
	git_oid_fromstr(&tip, TIP);
	record_head(&rr.head, STAGE_REPRO, "6.1", &tip, INPUTS, OUTCOME_FINDING, 3);
	rr.accel = xstrdup("tcg");
	rr.verdict = xstrdup("not proven: no result");
	rr.cmdline = xstrdup("");
	rr.before.present = rr.after.present = 1;
	rr.before.rounds = 5;
	o = record_to_json(&repro_desc, &rr);
	text = json_object_to_json_string(o);
	assert_null(strstr(text, "\"mid\""));
	assert_int_equal(record_parse(text, strlen(text), "repro.json", &repro_desc, &back, &why),
			 0);
	assert_true(back.before.present);
	assert_false(back.mid.present);
	assert_int_equal(back.before.rounds, 5);
	assert_string_equal(back.before.how, "");
	record_release(&repro_desc, &back);
	record_release(&repro_desc, &rr);
	json_object_put(o);
}

static void test_utf8_valid(void **state)
{
	static const char *const cases[][2] = {
		{ "plain", "plain" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "caf\xe9", "caf\xef\xbf\xbd" },
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },		/* overlong '/' */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },	/* surrogate */
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
		{ "end\xe2\x82", "end\xef\xbf\xbd\xef\xbf\xbd" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *v = utf8_valid(cases[i][0]);

		assert_string_equal(v, cases[i][1]);
		free(v);
	}
}

static void test_inputs(void **state)
{
	char a[INPUTS_HEXSZ + 1], b[INPUTS_HEXSZ + 1], c[INPUTS_HEXSZ + 1];
	struct inputs in;

	(void)state;
	inputs_init(&in);
	inputs_add(&in, "tip", TIP);
	inputs_add_blob(&in, "diff", "x", 1);
	assert_int_equal(inputs_final(&in, a), 0);
	inputs_init(&in);
	inputs_add(&in, "tip", TIP);
	inputs_add_blob(&in, "diff", "x", 1);
	assert_int_equal(inputs_final(&in, b), 0);
	inputs_init(&in);
	inputs_add(&in, "tip", TIP);
	inputs_add_blob(&in, "diff", "y", 1);
	assert_int_equal(inputs_final(&in, c), 0);
	assert_int_equal(strlen(a), GIT_OID_HEXSZ);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_corrupt),
		cmocka_unit_test(test_parse_unterminated_buffer),
		cmocka_unit_test(test_load_missing_vs_corrupt),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_repro_optional_side),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_inputs),
	};
	int ret;

	git_libgit2_init();
	ret = cmocka_run_group_tests_name("results", tests, NULL, NULL);
	git_libgit2_shutdown();
	return ret;
}
