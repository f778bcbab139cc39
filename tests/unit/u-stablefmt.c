// SPDX-License-Identifier: GPL-2.0
/*
 * stablefmt.c: the mail ready for git send-email: Cc from the trailers,
 * the --in-reply-to check, Message-IDs, thread headers, the cover letter.
 */
#include <string.h>
#include <stdlib.h>

#include "unit.h"
#include "stablefmt.h"
#include "util.h"

static void test_cc_parse(void **state)
{
	struct stable_ccs c = {0};

	(void)state;
	assert_int_equal(stable_cc_add(&c, " Kai Ruisong <kai@example.org>"), 0);
	assert_int_equal(stable_cc_add(&c, "\"Paul E. Mc\" <paul@example.org> # v5.1+"), 0);
	assert_int_equal(stable_cc_add(&c, "stable@vger.kernel.org # 5.10+"), 0);
	assert_int_equal(stable_cc_add(&c, "<bare@example.org>"), 0);
	/* the same address again, in another case: once, the first name kept */
	assert_int_equal(stable_cc_add(&c, "Other Name <KAI@example.org>"), 0);
	/* a later name fills a bare address */
	assert_int_equal(stable_cc_add(&c, "Bare Person <bare@example.org>"), 0);
	assert_int_equal(stable_cc_add(&c, "no address here"), -1);
	assert_int_equal(stable_cc_add(&c, "Name <not an address>"), -1);
	assert_int_equal(stable_cc_add(&c, "Name <a@b"), -1);
	assert_int_equal(stable_cc_add(&c, "two@at@example.org"), -1);
	assert_int_equal(c.nr, 4);
	assert_string_equal(c.v[0].name, "Kai Ruisong");
	assert_string_equal(c.v[0].email, "kai@example.org");
	assert_string_equal(c.v[1].name, "Paul E. Mc");
	assert_string_equal(c.v[1].email, "paul@example.org");
	assert_string_equal(c.v[2].name, "");
	assert_string_equal(c.v[2].email, "stable@vger.kernel.org");
	assert_string_equal(c.v[3].name, "Bare Person");
	stable_cc_release(&c);
}

static void test_cc_trailers(void **state)
{
	static const char msg[] =
		"mm: a fix\n\nThe body. Signed-off-by: in the text is no trailer.\n\n"
		"Fixes: 0123456789ab (\"mm: x\")\n"
		"Reported-by: syzbot+1234@example.com\n"
		"Cc: <stable@vger.kernel.org>\n"
		"Tested-by: Tess Ter <tess@example.org>\n"
		"Link: https://lore.example.org/r/1@example.org\n"
		"Acked-by: Ack Er <ack@example.org>\n"
		"Reviewed-by: J\xc3\xbcrgen Gro\xc3\x9f <jg@example.org>\n"
		"Signed-off-by: Kai Ruisong <kai@example.org>\n"
		"Signed-off-by: C O Mitter <committer@example.com>\n"
		"Suggested-by: Not Asked <sugg@example.org>\n";
	struct stable_ccs c = {0};
	char *r;

	(void)state;
	stable_cc_add_trailers(&c, msg);
	assert_int_equal(c.nr, 7);
	assert_string_equal(c.v[0].email, "syzbot+1234@example.com");
	assert_string_equal(c.v[4].name, "J\xc3\xbcrgen Gro\xc3\x9f");
	r = stable_recipients(&c, "Committer@example.com");
	assert_string_equal(r, "To: stable@vger.kernel.org\n"
			    "Cc: syzbot+1234@example.com,\n"
			    "    Tess Ter <tess@example.org>,\n"
			    "    Ack Er <ack@example.org>,\n"
			    "    =?UTF-8?b?SsO8cmdlbiBHcm/Dnw==?= <jg@example.org>,\n"
			    "    Kai Ruisong <kai@example.org>\n");
	free(r);
	stable_cc_release(&c);

	/* nobody but the list and the backporter: no Cc: line */
	stable_cc_add(&c, "C O Mitter <committer@example.com>");
	r = stable_recipients(&c, "committer@example.com");
	assert_string_equal(r, "To: stable@vger.kernel.org\n");
	free(r);
	stable_cc_add(&c, "Smith, John <js@example.org>");
	r = stable_recipients(&c, "committer@example.com");
	assert_string_equal(r, "To: stable@vger.kernel.org\nCc: \"Smith, John\" <js@example.org>\n");
	free(r);
	stable_cc_release(&c);
}

static void test_msgid_check(void **state)
{
	static const char *const bad[] = {
		"", "<>", "<a@b", "a@b>", "noat", "<noat>", "a@b@c", "@host", "left@",
		"<a@b> <c@d>", "<a@b><c@d>", "a b@c", "a@b\n", "a\"b@c", "a,b@c", "j\xc3\xbc@x",
	};
	char *id;
	size_t i;

	(void)state;
	assert_null(stable_msgid_check("<20260101.1234-1-a@example.org>", &id));
	assert_string_equal(id, "<20260101.1234-1-a@example.org>");
	free(id);
	assert_null(stable_msgid_check("CAHk=wh+x_y@mail.gmail.com", &id));
	assert_string_equal(id, "<CAHk=wh+x_y@mail.gmail.com>");
	free(id);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (!stable_msgid_check(bad[i], &id))
			fail_msg("'%s' was taken as a Message-ID", bad[i]);
		assert_null(id);
	}
}

static void test_msgid(void **state)
{
	char *id;

	(void)state;
	id = stable_msgid("0123456789abcdef", 2, "committer@Example.COM");
	assert_string_equal(id, "<ltsport.0123456789abcdef.2@Example.COM>");
	free(id);
	id = stable_msgid("0123456789abcdef", 0, "nobody");
	assert_string_equal(id, "<ltsport.0123456789abcdef.0@localhost>");
	free(id);
	id = stable_msgid("0123456789abcdef", 1, "a@.bad host>.");
	assert_string_equal(id, "<ltsport.0123456789abcdef.1@badhost>");
	free(id);
}

#define MAIL \
	"From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n" \
	"From: A U Thor <author@example.com>\n" \
	"Date: Tue, 14 Nov 2023 22:13:20 +0000\n" \
	"Subject: [PATCH 5.0.y 1/2] mm: a subject long enough\n" \
	" to be folded\n" \
	"\n" \
	"commit 0123 upstream.\n" \
	"Subject: in the body\n" \
	"---\n"

static void test_mail_headers(void **state)
{
	char *m;

	(void)state;
	m = stable_mail_headers(MAIL, "<m@x>", "<c@x>", "<r@x> <c@x>", "To: t@x\nCc: c@y\n");
	assert_string_equal(m,
		"From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n"
		"Message-ID: <m@x>\n"
		"In-Reply-To: <c@x>\n"
		"References: <r@x> <c@x>\n"
		"From: A U Thor <author@example.com>\n"
		"Date: Tue, 14 Nov 2023 22:13:20 +0000\n"
		"Subject: [PATCH 5.0.y 1/2] mm: a subject long enough\n"
		" to be folded\n"
		"To: t@x\nCc: c@y\n"
		"\n"
		"commit 0123 upstream.\n"
		"Subject: in the body\n"
		"---\n");
	free(m);
	/* nothing to add: the mail as it was, byte for byte */
	m = stable_mail_headers(MAIL, NULL, NULL, NULL, NULL);
	assert_string_equal(m, MAIL);
	free(m);
	/* an 8-bit mail says what it is */
	m = stable_mail_headers(MAIL "+ J\xc3\xbcrgen\n", "<m@x>", NULL, NULL, "To: t@x\n");
	assert_non_null(strstr(m, " to be folded\nTo: t@x\nMIME-Version: 1.0\n"
			       "Content-Type: text/plain; charset=UTF-8\n"
			       "Content-Transfer-Encoding: 8bit\n\ncommit"));
	free(m);
}

static void test_cover_letter(void **state)
{
	git_signature *sig;
	struct stable_cover_item items[] = {
		{ "mm: first", "1111111111111111111111111111111111111111", "missing", "exact",
		  "ltsport: applied as upstream", 1 },
		{ "mm: already", "2222222222222222222222222222222222222222", "fixed", NULL, NULL, 0 },
		{ "mm: second", "3333333333333333333333333333333333333333", "missing", "relaxed",
		  "ltsport: applied with fuzz", 2 },
	};
	struct stable_cover c = {
		.tree = "6.1", .series = "swap-race", .prefix = "PATCH 6.1.y",
		.title = "mm: first", .tip = "abcdefabcdefabcdefabcdefabcdefabcdefabcd",
		.total = 2, .items = items, .nitems = 3,
	};
	char *m;

	(void)state;
	assert_int_equal(git_signature_new(&sig, "B\303\244ck Porter", "bp@example.org",
					   1700000000, 60), 0);
	c.from = sig;
	m = stable_cover_letter(&c);
	assert_string_equal(m,
		"From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
		"From: =?UTF-8?b?QsOkY2s=?= Porter <bp@example.org>\n"
		"Date: Tue, 14 Nov 2023 23:13:20 +0100\n"
		"Subject: [PATCH 6.1.y 0/2] mm: first\n"
		"\n"
		"The 2 patches of the series swap-race that 6.1 lacks, ported onto its\n"
		"tip abcdefabcdef by ltsport. The series in this tree:\n"
		"\n"
		"1/2 mm: first\n"
		"    upstream 111111111111: missing here; ported by the exact rung\n"
		"[ ltsport: applied as upstream ]\n"
		"\n"
		"-   mm: already\n"
		"    upstream 222222222222: fixed here; not sent\n"
		"\n"
		"2/2 mm: second\n"
		"    upstream 333333333333: missing here; ported by the relaxed rung\n"
		"[ ltsport: applied with fuzz ]\n"
		"\n"
		"-- "		/* the signature's separator */
		"\nltsport\n");
	free(m);
	git_signature_free(sig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cc_parse),
		cmocka_unit_test(test_cc_trailers),
		cmocka_unit_test(test_msgid_check),
		cmocka_unit_test(test_msgid),
		cmocka_unit_test(test_mail_headers),
		cmocka_unit_test(test_cover_letter),
	};

	return cmocka_run_group_tests_name("stablefmt", tests, unit_git_setup, unit_git_teardown);
}
