// SPDX-License-Identifier: GPL-2.0
/* A patch mail: series_parse_mail, then the author's signature. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "series.h"

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

	if (series_parse_mail(&m, "/fuzz/0001.patch", (const char *)data, size))
		return 0;
	if (!m.from || !m.subject || !m.body || !m.diff || m.diff_line < 1 ||
	    strncmp(m.diff, "diff --git ", 11))
		abort();
	if (!make_sig(&sig, m.from, 0, 0))
		git_signature_free(sig);
	series_mail_release(&m);
	return 0;
}
