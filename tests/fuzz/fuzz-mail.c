// SPDX-License-Identifier: GPL-2.0
/* A patch mail: series_parse_mail, then the author's signature. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "series.h"
#include "mail.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return fuzz_init();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct series_mail m;
	git_signature *sig = NULL;

	const char *buf = (const char *)data;
	struct mail_part *parts = NULL;
	size_t nr = 0, i, used = 0;

	/* an mbox's parts tile the input; git show output parses or is refused */
	mail_split_mbox(buf, size, &parts, &nr);
	for (i = 0; i < nr; i++)
		if (parts[i].off + parts[i].len > size || (i && parts[i].off !=
		    parts[i - 1].off + parts[i - 1].len) || parts[i].line < 1)
			abort();
	free(parts);
	if (mail_is_git_show(buf, size) &&
	    !series_parse_git_show(&m, "/fuzz/show", 1, buf, size, &used)) {
		if (!m.from || !m.date || !m.subject || !m.diff || !used || used > size)
			abort();
		series_mail_release(&m);
	}
	if (series_parse_mail(&m, "/fuzz/0001.patch", buf, size))
		return 0;
	if (!m.from || !m.subject || !m.body || !m.diff || m.diff_line < 1 ||
	    strncmp(m.diff, "diff --git ", 11))
		abort();
	if (!make_sig(&sig, m.from, 0, 0))
		git_signature_free(sig);
	series_mail_release(&m);
	return 0;
}
