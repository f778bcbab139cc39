/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_FUZZ_H
#define LTSPORT_FUZZ_H

/* What every harness shares: libgit2 up once, stdin never read. */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <git2.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int __wrap_error(const char *fmt, ...);
void __wrap_warn(const char *fmt, ...);
int __wrap_git_fail(const char *what);
extern char fuzz_last_error[1024];
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An [include] of /proc/self/fd/0 must not wait on a terminal. */
static inline int fuzz_init(void)
{
	int fd = open("/dev/null", O_RDONLY);

	if (fd >= 0) {
		dup2(fd, 0);
		close(fd);
	}
	return git_libgit2_init() < 0 ? -1 : 0;
}

#endif
