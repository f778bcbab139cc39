// SPDX-License-Identifier: GPL-2.0
/* stable_trees.conf: conf_parse_buf and the line scanner. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "conf.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return fuzz_init();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct stable_conf conf;
	char *name;
	size_t i;

	if (!conf_parse_buf(&conf, "/fuzz/stable_trees.conf", buf, size)) {
		for (i = 0; i < conf.nr; i++)
			if (!name_is_safe(conf.trees[i].name) || !conf.trees[i].path)
				abort();
	}
	conf_release(&conf);
	conf_line_of_buf(buf, size, "tree", "5.10", "path", 1);
	conf_line_of_buf(buf, size, "mainline", NULL, NULL, 2);
	name = xstrndup(buf, size < 300 ? size : 300);
	name_is_safe(name);
	free(name);
	return 0;
}
