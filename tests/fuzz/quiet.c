// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harnesses link with -Wl,--wrap=error,--wrap=warn,--wrap=git_fail: the messages are
 * still formatted (a bad argument is still found) but not printed, so a run
 * prints only what the fuzzer says.
 */
#include <stdarg.h>
#include <stdio.h>

#include "fuzz.h"

char fuzz_last_error[1024];

int __wrap_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fuzz_last_error, sizeof(fuzz_last_error), fmt, ap);
	va_end(ap);
	return -1;
}

int __wrap_git_fail(const char *what)
{
	const git_error *e = git_error_last();

	snprintf(fuzz_last_error, sizeof(fuzz_last_error), "%s: %s", what,
		 e && e->message ? e->message : "unknown libgit2 error");
	return -1;
}

void __wrap_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fuzz_last_error, sizeof(fuzz_last_error), fmt, ap);
	va_end(ap);
}
