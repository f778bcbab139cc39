// SPDX-License-Identifier: GPL-2.0
/* A git diff: gitops' diff_parse, diff_paths and reverse_diff_text. */
#include <stdlib.h>

#include "fuzz.h"
#include "gitops.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return fuzz_init();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	git_diff *diff = NULL;
	char *paths, *rev;
	size_t i;

	if (!diff_parse(&diff, text)) {
		for (i = 0; i < git_diff_num_deltas(diff); i++) {
			git_patch *patch = NULL;
			git_buf out = { 0 };

			if (!git_patch_from_diff(&patch, diff, i) && !git_patch_to_buf(&out, patch))
				git_buf_dispose(&out);
			git_patch_free(patch);
		}
		git_diff_free(diff);
		paths = diff_paths(text);
		free(paths);
		rev = reverse_diff_text(text);
		free(rev);
	}
	free(text);
	return 0;
}
