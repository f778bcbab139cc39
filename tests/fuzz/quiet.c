// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harnesses link with -Wl,--wrap=error,--wrap=warn: the messages are
 * still formatted (a bad argument is still found) but not printed, so a run
 * prints only what the fuzzer says.
 */
#include <stdarg.h>
#include <stdio.h>

int __wrap_error(const char *fmt, ...);
void __wrap_warn(const char *fmt, ...);

char fuzz_last_error[1024];

int __wrap_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fuzz_last_error, sizeof(fuzz_last_error), fmt, ap);
	va_end(ap);
	return -1;
}

void __wrap_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fuzz_last_error, sizeof(fuzz_last_error), fmt, ap);
	va_end(ap);
}
