/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_KBUILD_H
#define LTSPORT_KBUILD_H

#include <stddef.h>

struct sbuf;

/* One out-of-tree kernel build: a source dir, an object dir, a toolchain. */
struct kbuild {
	const char *src;
	const char *obj;
	const char *cc;		/* gcc-12, gcc-11, clang-14, ... */
	const char *arch;	/* make ARCH=, NULL: the host's */
	const char *fragment;	/* tools/kconfig/... (absolute) */
	const char *key;	/* what the sources are, for the config stamp */
	const char *const *extra;	/* more make arguments, e.g. C=2 CHECK=sparse */
	int timeout_s;
};

/* What one make run gave. */
struct kbuild_result {
	int ok;
	int timed_out;
	char *first_error;
	char **warnings;
	size_t nwarnings;
	double seconds;
};

int toolchain_valid(const char *cc);
/* 0 when configured, 1 when configuring failed (see log), -1 on error. */
int kbuild_config(struct kbuild *kb, const char *log);
int kbuild_make(struct kbuild *kb, const char *const targets[], const char *log,
		struct kbuild_result *res);
size_t kbuild_new_warnings(const struct kbuild_result *before,
			   const struct kbuild_result *after, struct sbuf *out);
void kbuild_result_release(struct kbuild_result *res);

#endif
