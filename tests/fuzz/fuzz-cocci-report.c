// SPDX-License-Identifier: GPL-2.0
/* spatch report lines: cocci_parse_report_line on each line of the input. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "cocci.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check_line(const char *line, size_t n)
{
	struct cocci_line l;
	int kind = cocci_parse_report_line(line, n, &l);

	if (kind != (int)l.kind || kind < COCCI_NONE || kind > COCCI_MISSING)
		abort();
	if (kind == COCCI_NONE)
		return;
	if (l.what < line || l.what + l.what_len != line + n)
		abort();
	if (l.file && (l.file != line || !l.file_len || l.file_len >= n || l.line < 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		/* A copy of exactly n bytes, so reading past it is caught. */
		char *line = malloc(n ? n : 1);

		if (!line)
			abort();
		memcpy(line, p, n);
		check_line(line, n);
		free(line);
		p += n + 1;
	}
	return 0;
}
