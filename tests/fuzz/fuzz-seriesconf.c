// SPDX-License-Identifier: GPL-2.0
/*
 * series and series.conf: the input is series.conf, or the quilt series
 * file, a line "%%", then series.conf.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "conf.h"
#include "series.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return fuzz_init();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char list[] = "0001-a.patch\n0002-b.patch -p1\n";
	const char *buf = (const char *)data, *conf = buf;
	const char *mark = memmem(buf, size, "\n%%\n", 4);
	struct series s;
	size_t i;

	series_init(&s, "/fuzz/series");
	if (mark) {
		conf = mark + 4;
		if (series_parse_list(&s, "/fuzz/series/series", buf, mark - buf + 1))
			goto out;
	} else if (series_parse_list(&s, "/fuzz/series/series", list, sizeof(list) - 1)) {
		abort();
	}
	if (!series_parse_conf(&s, "/fuzz/series/series.conf", conf, size - (conf - buf))) {
		if (!name_is_safe(s.name))
			abort();
		for (i = 0; i < s.nr; i++)
			if (!s.patches[i].upstream || !s.patches[i].subject)
				abort();
	}
out:
	series_release(&s);
	return 0;
}
