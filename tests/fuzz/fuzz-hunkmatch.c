// SPDX-License-Identifier: GPL-2.0
/*
 * The anchored locator: the input is a file's text, a NUL byte, then a
 * git diff; every hunk is located forward and reverse at fuzz 2 and, when
 * found, applied to the text, one after the other.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hunkmatch.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return fuzz_init();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *nul = memchr(buf, '\0', size);
	struct hm_patch hp;
	struct hm_text t;
	char *diff, *out, *why;
	size_t i, k, len;

	if (!nul)
		return 0;
	diff = xstrndup(nul + 1, size - (nul + 1 - buf));
	if (hm_parse(&hp, diff, strlen(diff))) {
		free(diff);
		return 0;
	}
	hm_text_init(&t, buf, nul - buf);
	for (i = 0; i < hp.nr; i++) {
		for (k = 0; k < hp.files[i].nr; k++) {
			const struct hm_hunk *h = &hp.files[i].hunks[k];
			struct hm_where w;

			if (!hm_locate(&t, h, HM_REVERSE, h->new_start, 0, 2, &w, &why))
				hm_apply_at(&t, h, HM_REVERSE, &w);
			free(why);
			if (!hm_locate(&t, h, HM_FORWARD, h->new_start, 0, 2, &w, &why))
				hm_apply_at(&t, h, HM_FORWARD, &w);
			free(why);
		}
	}
	out = hm_text_join(&t, &len);
	free(out);
	hm_text_release(&t);
	hm_patch_release(&hp);
	free(diff);
	return 0;
}
