// SPDX-License-Identifier: GPL-2.0
/*
 * series.c: the patch mail parser (subject, author, date, message and diff
 * split, folded headers, NUL, CRLF, unsafe diff paths) and the series and
 * series.conf parsers on buffers.
 */
#include <string.h>
#include <stdlib.h>

#include "unit.h"
#include "series.h"
#include "util.h"

#define P "/s/0001-x.patch"

#define DIFF \
	"diff --git a/mm/memory.c b/mm/memory.c\n" \
	"index 1111111..2222222 100644\n" \
	"--- a/mm/memory.c\n" \
	"+++ b/mm/memory.c\n" \
	"@@ -1,3 +1,4 @@\n" \
	" a\n" \
	"-b\n" \
	"+c\n" \
	"+d\n" \
	" e\n"

#define MAIL_HEAD \
	"From 4138f1d684ace5768c19255db05ef555a57e3368 Mon Sep 17 00:00:00 2001\n" \
	"From: Kai Ruisong <kai@example.org>\n" \
	"Date: Tue, 1 Dec 2026 14:27:12 +0000\n" \
	"Subject: [PATCH 1/2] mm/swap: fix race when\n" \
	" skipping swapcache\n" \
	"\n" \
	"The body.\n" \
	"\n" \
	"Signed-off-by: Kai Ruisong <kai@example.org>\n" \
	"---\n" \
	" mm/memory.c | 3 ++-\n" \
	"\n"

static int mail(struct series_mail *m, const char *text, size_t len)
{
	unit_reset();
	return series_parse_mail(m, P, text, len);
}

static void refused(const char *text, const char *want)
{
	struct series_mail m;

	assert_int_equal(mail(&m, text, strlen(text)), -1);
	assert_int_equal(unit_errors, 1);
	assert_error_has(want);
	assert_null(m.diff);
}

static void test_mail_split(void **state)
{
	static const char text[] = MAIL_HEAD DIFF "--\x20\n2.39.5\n\n";
	struct series_mail m;

	(void)state;
	assert_int_equal(mail(&m, text, sizeof(text) - 1), 0);
	assert_string_equal(m.from, "Kai Ruisong <kai@example.org>");
	assert_string_equal(m.date, "Tue, 1 Dec 2026 14:27:12 +0000");
	assert_string_equal(m.subject, "mm/swap: fix race when skipping swapcache");
	assert_string_equal(m.body, "The body.\n\nSigned-off-by: Kai Ruisong <kai@example.org>\n");
	assert_string_equal(m.diff, DIFF);	/* the signature is cut */
	assert_int_equal(m.diff_line, 13);
	series_mail_release(&m);
}

static void test_mail_folded_from(void **state)
{
	static const char text[] =
		"From: Kai\n\tRuisong <kai@example.org>\n"
		"subject: one\n  two\n"
		"X-Other: x\n y\n"
		"\n"
		DIFF;
	struct series_mail m;

	(void)state;
	assert_int_equal(mail(&m, text, sizeof(text) - 1), 0);
	/* as a mail reader shows it: the fold is one space */
	assert_string_equal(m.from, "Kai Ruisong <kai@example.org>");
	assert_string_equal(m.subject, "one  two");
	assert_null(m.date);
	assert_string_equal(m.body, "");
	assert_int_equal(m.diff_line, 8);
	series_mail_release(&m);
}

/* The buffer is not NUL-terminated: nothing past len is read. */
static void test_mail_length(void **state)
{
	static const char full[] = MAIL_HEAD DIFF;
	size_t n = sizeof(full) - 1;
	char *copy = malloc(n);
	struct series_mail m;

	(void)state;
	memcpy(copy, full, n);
	assert_int_equal(mail(&m, copy, n), 0);
	assert_string_equal(m.diff, DIFF);
	series_mail_release(&m);
	/* Cut inside the headers. */
	assert_int_equal(mail(&m, copy, 40), -1);
	assert_error_has("not a git format-patch mail");
	free(copy);
}

static void test_mail_nul(void **state)
{
	static const char text[] = MAIL_HEAD DIFF "@@ -9,1 +10,1 @@\n-x\0\n+y\n";
	struct series_mail m;

	(void)state;
	assert_int_equal(mail(&m, text, sizeof(text) - 1), -1);
	assert_error_has(P ":24: contains a NUL byte");
}

static void test_mail_crlf(void **state)
{
	(void)state;
	refused("From: A <a@b>\nSubject: x\r\n\r\n" DIFF, P ":2: CRLF line ending");
}

static void test_mail_not_a_mail(void **state)
{
	(void)state;
	refused(DIFF, P ":1: not a git format-patch mail");
	refused("From: A <a@b>\nSubject: x\n\nno diff here\n---\n", P ":1: no 'diff --git' section");
	refused("From: A <a@b>\nSubject: x\n\n diff --git a/x b/x\n", "no 'diff --git' section");
	refused("From: A <a@b>\nSubject: x\n\ndiff --git a/x b/x\n@@ -1 +1 @@\nnot a hunk line\n",
		P ":5: corrupt patch");
}

static void test_mail_bad_paths(void **state)
{
	(void)state;
	refused("From: A <a@b>\nSubject: x\n\ndiff --git a/../x b/../x\n",
		P ":4: unsafe path in a diff header: a '..' component");
	refused("From: A <a@b>\nSubject: x\n\ndiff --git /etc/x /etc/x\n",
		P ":4: unsafe path in a diff header: an absolute path");
	refused("From: A <a@b>\nSubject: x\n\ndiff --git a/x b/x\n--- a/x\n+++ /etc/passwd\n",
		P ":6: unsafe path in a diff header: an absolute path");
	refused("From: A <a@b>\nSubject: x\n\ndiff --git a/x b/x\n--- a//etc/passwd\n",
		P ":5: unsafe path in a diff header: an absolute path");
	refused("From: A <a@b>\nSubject: x\n\ndiff --git a/x b/x\n+++ b/\n", "an empty path");
	refused("From: A <a@b>\nSubject: x\n\ndiff --git a/x b/x\n+++ b/a//b\n",
		"an empty component");
	refused("From: A <a@b>\nSubject: x\n\ndiff --git a/x b/x\nrename from x\nrename to ../x\n",
		P ":6: unsafe path in a diff header: a '..' component");
	refused("From: A <a@b>\nSubject: x\n\ndiff --git a/x b/x\ncopy from /x\n",
		P ":5: unsafe path in a diff header: an absolute path");
	refused("From: A <a@b>\nSubject: x\n\ndiff --git \"a/\\056\\056/x\" b/y\n",
		"a '..' component");
	refused("From: A <a@b>\nSubject: x\n\ndiff --git a/x b/x\n+++ \"b/x\\000y\"\n",
		"a NUL byte (an escape)");
	refused("From: A <a@b>\nSubject: x\n\ndiff --git a/x b/x\n+++ \"b/x\\q\"\n",
		"an unknown escape");
	refused("From: A <a@b>\nSubject: x\n\ndiff --git \"a/x b/x\n", "unterminated");
	refused("From: A <a@b>\nSubject: x\n\ndiff --git a/x\n", "one path where two are needed");
	refused("From: A <a@b>\nSubject: x\n\ndiff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b\n"
		"diff --git a/y b/y\n--- a/y\n+++ b/../y\n",
		P ":10: unsafe path");
}

/* Renames, new and deleted files: all inside the tree. */
static void test_mail_good_headers(void **state)
{
	static const char text[] =
		"From: A <a@b>\nSubject: x\n\n"
		"diff --git a/mm/a.c b/mm/b.c\n"
		"similarity index 90%\n"
		"rename from mm/a.c\n"
		"rename to mm/b.c\n"
		"index 1111111..2222222 100644\n"
		"--- a/mm/a.c\n"
		"+++ b/mm/b.c\n"
		"@@ -1 +1 @@\n"
		"-a\n"
		"+b\n"
		"diff --git a/new.c b/new.c\n"
		"new file mode 100644\n"
		"index 0000000..3333333\n"
		"--- /dev/null\n"
		"+++ b/new.c\n"
		"@@ -0,0 +1 @@\n"
		"+x\n"
		"diff --git a/old.c b/old.c\n"
		"deleted file mode 100644\n"
		"index 3333333..0000000\n"
		"--- a/old.c\n"
		"+++ /dev/null\n"
		"@@ -1 +0,0 @@\n"
		"-x\n";
	struct series_mail m;

	(void)state;
	if (mail(&m, text, sizeof(text) - 1))
		fail_msg("refused: %s", unit_error);
	series_mail_release(&m);
}

/* A header line twice for one file (libgit2 1.5 leaks the first). */
static void test_mail_repeated_header(void **state)
{
	(void)state;
	refused("From: A <a@b>\nSubject: x\n\ndiff --git a/x b/y\nrename from x\nrename to y\n"
		"rename from x\n",
		P ":7: corrupt patch: a second 'rename from' line in one file's header");
	refused("From: A <a@b>\nSubject: x\n\ndiff --git a/x b/x\nindex 1..2\nindex 1..2\n",
		P ":6: corrupt patch: a second 'index' line");
}

/* Hunk lines that look like headers are skipped by the hunk's counts. */
static void test_mail_hunk_lines_are_not_headers(void **state)
{
	static const char text[] =
		"From: A <a@b>\nSubject: x\n\n"
		"diff --git a/x b/x\n"
		"index 1111111..2222222 100644\n"
		"--- a/x\n"
		"+++ b/x\n"
		"@@ -1,2 +1,2 @@\n"
		"--- /etc/passwd\n"
		"+++ /etc/shadow\n"
		" rename to ../x\n"
		"diff --git \"a/with space\" \"b/with space\"\n"
		"index 1111111..2222222 100644\n"
		"--- \"a/with space\"\n"
		"+++ \"b/with space\"\n"
		"@@ -1 +1 @@\n"
		"-a\n"
		"+b\n";
	struct series_mail m;

	(void)state;
	assert_int_equal(mail(&m, text, sizeof(text) - 1), 0);
	assert_int_equal(m.diff_line, 4);
	series_mail_release(&m);
}

static void test_list(void **state)
{
	static const char list[] = "# comment\n0001-a.patch\n\n0002-b.patch -p1   # x\n";
	struct series s;

	(void)state;
	series_init(&s, "/s/swap-race");
	assert_string_equal(s.name, "swap-race");
	unit_reset();
	assert_int_equal(series_parse_list(&s, "/s/series", list, sizeof(list) - 1), 0);
	assert_int_equal(s.nr, 2);
	assert_string_equal(s.patches[1].name, "0002-b.patch");
	assert_int_equal(s.patches[1].line, 4);
	series_release(&s);

	series_init(&s, "/s/x");
	assert_int_equal(series_parse_list(&s, "/s/series", "a -p0\n", 6), -1);
	assert_error_has("/s/series:1: option '-p0' is not supported");
	series_release(&s);

	series_init(&s, "/s/x");
	assert_int_equal(series_parse_list(&s, "/s/series", "a\n\0b\n", 5), -1);
	assert_error_has("/s/series:2: contains a NUL byte");
	series_release(&s);
}

#define UP "0123456789abcdef0123456789abcdef01234567"
#define C "/s/series.conf"

/* A series with patches a and b, its conf parsed from text. */
static int sconf(struct series *s, const char *dir, const char *text)
{
	series_init(s, dir);
	unit_reset();
	if (series_parse_list(s, "/s/series", "a\nb\n", 4))
		return -2;
	return series_parse_conf(s, C, text, strlen(text));
}

static void conf_refused(const char *text, const char *want)
{
	struct series s;

	assert_int_equal(sconf(&s, "/s/x", text), -1);
	assert_int_equal(unit_errors, 1);
	assert_error_has(want);
	series_release(&s);
}

static void test_conf_good(void **state)
{
	struct series s;

	(void)state;
	assert_int_equal(sconf(&s, "/s/dir",
			       "[series]\n\tname = swap-race\n"
			       "[patch \"a\"]\n\tupstream = " UP "\n"
			       "\tsubject = \"mm: fix; really #1\" # a comment\n"
			       "\tcocci = rule.cocci\n\tfiles = mm/memory.c\n"
			       "[patch \"b\"]\n\tupstream = " UP "\n\tsubject = b ; comment\n"
			       "[repro]\n\tdir = guest\n\tcmdline = a=1\n"), 0);
	assert_string_equal(s.name, "swap-race");
	assert_string_equal(s.patches[0].subject, "mm: fix; really #1");
	assert_string_equal(s.patches[0].cocci, "/s/dir/rule.cocci");
	assert_string_equal(s.patches[1].subject, "b");
	assert_string_equal(s.repro.dir, "/s/dir/guest");
	assert_string_equal(s.repro.cmdline, "a=1");
	series_release(&s);
}

#define AB "[patch \"a\"]\n\tupstream = " UP "\n\tsubject = a\n" \
	   "[patch \"b\"]\n\tupstream = " UP "\n\tsubject = b\n"

static void test_conf_bad(void **state)
{
	struct series s;

	(void)state;
	conf_refused("[series]\n\tname\n" AB, C ":2: 'name' has no value; write name = VALUE");
	conf_refused(AB "\tcve\n", C ":7: 'cve' has no value");
	conf_refused(AB "[repro]\n\tdir\n", C ":8: 'dir' has no value");
	conf_refused("[series]\n\tname = a b\n" AB, C ":2: series name 'a b' cannot name");
	conf_refused("[series]\n\tname = ../x\n" AB, C ":2: series name '../x'");
	conf_refused("[series]\n\tname = -x\n" AB, C ":2: series name '-x'");
	conf_refused("[series]\n\tname = x\n" AB "[series]\n\tname = y\n",
		     C ":10: 'name' is set twice in [series] (first at line 2)");
	conf_refused(AB "\tSubject = again\n",
		     C ":7: 'subject' is set twice in [patch \"b\"] (first at line 6)");
	conf_refused(AB "[patch \"a\"]\n\tsubject = again\n",
		     C ":8: 'subject' is set twice in [patch \"a\"] (first at line 3)");
	conf_refused(AB "[repro]\n\tdir = x\n\tdir = y\n",
		     C ":9: 'dir' is set twice in [repro] (first at line 8)");
	conf_refused(AB "[patch \"c\"]\n\tupstream = " UP "\n",
		     C ":7: [patch \"c\"] is not in the series file");
	conf_refused("[include]\n\tpath = x\n" AB, C ":1: [include] is not supported");
	conf_refused("cve = x\n" AB, C ":1: 'cve' is outside any section");

	/* Named after its directory, which is not a safe name. */
	assert_int_equal(sconf(&s, "/s/my series", AB), -1);
	assert_error_has(C ": the series is named 'my series' after its directory");
	series_release(&s);
	assert_int_equal(sconf(&s, "/s/my series", "[series]\n\tname = mine\n" AB), 0);
	assert_string_equal(s.name, "mine");
	series_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mail_split),
		cmocka_unit_test(test_mail_folded_from),
		cmocka_unit_test(test_mail_length),
		cmocka_unit_test(test_mail_nul),
		cmocka_unit_test(test_mail_crlf),
		cmocka_unit_test(test_mail_not_a_mail),
		cmocka_unit_test(test_mail_bad_paths),
		cmocka_unit_test(test_mail_good_headers),
		cmocka_unit_test(test_mail_repeated_header),
		cmocka_unit_test(test_mail_hunk_lines_are_not_headers),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_conf_good),
		cmocka_unit_test(test_conf_bad),
	};

	return cmocka_run_group_tests_name("series", tests, unit_git_setup, unit_git_teardown);
}
