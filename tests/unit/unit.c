// SPDX-License-Identifier: GPL-2.0
/* The units' catch of error(): see unit.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>

#include "unit.h"

char unit_error[4096];
int unit_errors;

int __wrap_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(unit_error, sizeof(unit_error), fmt, ap);
	va_end(ap);
	unit_errors++;
	if (getenv("UNIT_VERBOSE"))
		fprintf(stderr, "# error: %s\n", unit_error);
	return -1;
}

void unit_reset(void)
{
	unit_error[0] = '\0';
	unit_errors = 0;
}

int unit_git_setup(void **state)
{
	(void)state;
	return git_libgit2_init() < 0 ? -1 : 0;
}

int unit_git_teardown(void **state)
{
	(void)state;
	git_libgit2_shutdown();
	return 0;
}
