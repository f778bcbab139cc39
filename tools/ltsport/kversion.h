/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_KVERSION_H
#define LTSPORT_KVERSION_H

#include <stddef.h>

/* A kernel's version, from its top Makefile. */
struct kversion {
	unsigned long version, patchlevel, sublevel;
	char extra[64];		/* EXTRAVERSION, e.g. "-rc3", or "" */
	int extra_plain;	/* extra is letters, digits and ".-_+" only */
};

/*
 * The one Makefile-version parser: "KEY = value" lines of buf (len bytes,
 * no NUL needed). 0 when VERSION and PATCHLEVEL are whole numbers (SUBLEVEL
 * too when set), 1 when buf is not a kernel Makefile.
 */
int kversion_parse(const char *buf, size_t len, struct kversion *kv);

#endif
