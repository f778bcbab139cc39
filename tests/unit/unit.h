/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_UNIT_H
#define LTSPORT_UNIT_H

/*
 * Shared by the cmocka units (tests/unit/u-*.c, each linked with unit.c and
 * every object of ltsport but main.o, with -Wl,--wrap=error). error() from
 * the modules under test is caught here instead of printed: unit_error holds
 * the last message, without the "ltsport: " prefix.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

int __wrap_error(const char *fmt, ...);
extern char unit_error[4096];
extern int unit_errors;		/* how many error() calls since unit_reset() */

void unit_reset(void);
/* libgit2 up for the group, down after it. */
int unit_git_setup(void **state);
int unit_git_teardown(void **state);

/* The last error contains text (and there was one). */
#define assert_error_has(text) do { \
		if (!strstr(unit_error, (text))) \
			fail_msg("error '%s' does not contain '%s'", unit_error, (text)); \
	} while (0)

#endif
