// SPDX-License-Identifier: GPL-2.0
/*
 * mail.c: headers decoded as a mail reader shows them (RFC 2047 words in
 * UTF-8 and Latin-1, raw 8-bit text, folded lines, the Date with its
 * zone, and back: stablefmt.c's rfc2822_date), an mbox split at its "From "
 * lines only, git show told apart.
 */
#include <string.h>
#include <stdlib.h>

#include "unit.h"
#include "mail.h"
#include "series.h"
#include "stablefmt.h"
#include "util.h"

static void headers(struct mail_headers *h, const char *text)
{
	assert_int_equal(mail_headers_parse(h, text, strlen(text)), 0);
}

static void test_encoded_words(void **state)
{
	struct mail_headers h;

	(void)state;
	headers(&h, "From: =?UTF-8?q?J=C3=B6rg?= Example <jorg@example.com>\n"
		"Date: Fri, 7 Jan 2022 01:57:16 +0300\n"
		"Subject: [PATCH] =?UTF-8?q?f=C3=BCr?= the\n"
		" =?ISO-8859-1?q?caf=E9?= fix\n\nbody\n");
	assert_string_equal(h.from, "J\xc3\xb6rg Example <jorg@example.com>");
	assert_string_equal(h.subject, "[PATCH] f\xc3\xbcr the caf\xc3\xa9 fix");
	assert_string_equal(h.date, "Fri, 7 Jan 2022 01:57:16 +0300");
	mail_headers_release(&h);
}

static void test_raw_8bit_and_folded_date(void **state)
{
	struct mail_headers h;

	(void)state;
	/* raw UTF-8 stays, raw Latin-1 (not valid UTF-8) becomes UTF-8 */
	headers(&h, "From 0123456789012345678901234567890123456789 Mon Sep 17 00:00:00 2001\n"
		"From: \"Ruisong, Kai\" <kai@example.org>\n"
		"Date: Tue, 1 Dec 2026\n 14:27:12 -0930\n"
		"Subject: caf\xe9 and J\xc3\xb6rg\n\nbody\n");
	assert_string_equal(h.from, "Ruisong, Kai <kai@example.org>");
	assert_string_equal(h.date, "Tue, 1 Dec 2026 14:27:12 -0930");
	assert_non_null(h.subject);
	assert_non_null(strstr(h.subject, "J\xc3\xb6rg"));
	mail_headers_release(&h);
}

static void test_series_mail_decodes(void **state)
{
	static const char text[] =
		"From: =?UTF-8?q?J=C3=B6rg?= <j@example.com>\n"
		"Subject: [PATCH 2/3] =?UTF-8?q?x:_f=C3=BCr?=\n\nbody\n---\n"
		"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n";
	struct series_mail m;

	(void)state;
	unit_reset();
	assert_int_equal(series_parse_mail(&m, "/m", text, strlen(text)), 0);
	assert_string_equal(m.from, "J\xc3\xb6rg <j@example.com>");
	assert_string_equal(m.subject, "x: f\xc3\xbcr");
	assert_string_equal(m.body, "body\n");
	series_mail_release(&m);
}

static void test_dates(void **state)
{
	long long when;
	int offset;
	char *d;

	(void)state;
	/* 1700000000 is 2023-11-14 22:13:20 UTC */
	assert_int_equal(mail_parse_date("Tue, 14 Nov 2023 12:43:20 -0930", &when, &offset), 0);
	assert_int_equal(when, 1700000000);
	assert_int_equal(offset, -570);
	assert_int_equal(mail_parse_date("15 Nov 2023 03:43:20 +0530 (IST)", &when, &offset), 0);
	assert_int_equal(when, 1700000000);
	assert_int_equal(offset, 330);
	assert_int_equal(mail_parse_date("not a date", &when, &offset), -1);
	d = rfc2822_date(1700000000, -570);
	assert_string_equal(d, "Tue, 14 Nov 2023 12:43:20 -0930");
	free(d);
	d = rfc2822_date(1641509836, 180);
	assert_string_equal(d, "Fri, 7 Jan 2022 01:57:16 +0300");
	free(d);
}

static void test_mbox_split(void **state)
{
	static const char text[] =
		"From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001\n"
		"Subject: one\n\nFrom now on a body line, not a separator\n\n"
		"From mboxrd@z Thu Jan  1 00:00:00 1970\nSubject: two\n\nb\n";
	struct mail_part *parts;
	size_t nr;

	(void)state;
	mail_split_mbox(text, strlen(text), &parts, &nr);
	assert_int_equal(nr, 2);
	assert_int_equal(parts[0].off, 0);
	assert_int_equal(parts[1].line, 6);
	assert_true(!strncmp(text + parts[1].off, "From mboxrd@z", 13));
	assert_int_equal(parts[1].off + parts[1].len, strlen(text));
	free(parts);
	mail_split_mbox("Subject: x\n\nbody\n", 17, &parts, &nr);
	assert_int_equal(nr, 1);
	assert_int_equal(parts[0].len, 17);
	free(parts);
}

static void test_decode_body(void **state)
{
	/* base64 of "body\n---\ndiff --git a/x b/x\n" */
	static const char b64[] =
		"From: A <a@example.com>\nSubject: x\nContent-Transfer-Encoding: base64\n\n"
		"Ym9keQotLS0KZGlmZiAtLWdpdCBhL3ggYi94Cg==\n";
	static const char plain[] = "From: A <a@example.com>\nSubject: x\n\nbody =3D\n";
	char *out = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(mail_decode_body(b64, strlen(b64), &out, &n), 1);
	assert_string_equal(out, "From: A <a@example.com>\nSubject: x\n"
			    "Content-Transfer-Encoding: base64\n\nbody\n---\ndiff --git a/x b/x\n");
	assert_int_equal(n, strlen(out));
	free(out);
	/* 8bit: nothing to decode, "=3D" stays */
	assert_int_equal(mail_decode_body(plain, strlen(plain), &out, &n), 0);
}

static void test_mboxrd(void **state)
{
	static const char text[] = "From mboxrd@z Thu Jan  1 00:00:00 1970\n"
		"Subject: x\n\n>From a\n>>From b\n> From c\n>Fromage\n";
	size_t n;
	char *out;

	(void)state;
	out = mail_mboxrd_unescape(text, strlen(text), &n);
	assert_string_equal(out, "From mboxrd@z Thu Jan  1 00:00:00 1970\n"
			    "Subject: x\n\nFrom a\n>From b\n> From c\n>Fromage\n");
	assert_int_equal(n, strlen(out));
	free(out);
}

static void test_git_show(void **state)
{
	static const char text[] =
		"commit 0123456789abcdef0123456789abcdef01234567\n"
		"Author: J\xc3\xb6rg <j@example.com>\n"
		"Date:   Fri Jan 7 01:57:16 2022 -0330\n\n"
		"    x: the subject\n   \x20\n    The body.\n   \x20\n    Fixes: 0123456789ab\n\n"
		"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n\n"
		"commit 1123456789abcdef0123456789abcdef01234567\n";
	struct series_mail m;
	size_t used = 0;

	(void)state;
	assert_true(mail_is_git_show(text, strlen(text)));
	assert_false(mail_is_git_show("commit 0123", 11));
	unit_reset();
	assert_int_equal(series_parse_git_show(&m, "/g", 1, text, strlen(text), &used), 0);
	assert_string_equal(m.commit, "0123456789abcdef0123456789abcdef01234567");
	assert_string_equal(m.from, "J\xc3\xb6rg <j@example.com>");
	assert_string_equal(m.date, "Fri, 7 Jan 2022 01:57:16 -0330");
	assert_string_equal(m.subject, "x: the subject");
	assert_string_equal(m.body, "The body.\n\nFixes: 0123456789ab\n");
	assert_int_equal(m.diff_line, 11);
	assert_string_equal(m.diff + strlen(m.diff) - 3, "+b\n");
	assert_true(!strncmp(text + used, "commit 1123", 11));
	series_mail_release(&m);
	assert_int_equal(series_parse_git_show(&m, "/g", 1, text, 60, &used), -1);
	assert_error_has("/g:1: commit 0123456789ab has no Author:/Date: line");
	assert_int_equal(series_parse_git_show(&m, "/g", 1, text, 100, &used), -1);
	assert_error_has("/g:3: date 'Fri Jan 7 01:5' is not git's default format");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoded_words),
		cmocka_unit_test(test_raw_8bit_and_folded_date),
		cmocka_unit_test(test_series_mail_decodes),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_mbox_split),
		cmocka_unit_test(test_decode_body),
		cmocka_unit_test(test_mboxrd),
		cmocka_unit_test(test_git_show),
	};

	return cmocka_run_group_tests_name("mail", tests, unit_git_setup, unit_git_teardown);
}
