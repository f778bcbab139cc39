// SPDX-License-Identifier: GPL-2.0
/*
 * A plain main for the fuzz harnesses, in the manner of libgit2's
 * fuzzers/standalone_driver.c: every file named (or, with no argument,
 * every file of the harness's corpus, FUZZ_CORPUS) goes once through
 * LLVMFuzzerTestOneInput. Prints one TAP test for prove; a crash is a
 * sanitizer report and a non-zero exit.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) GCC_ATTR((weak));

static int run_file(const char *path)
{
	char *data = NULL;
	size_t len = 0;

	if (read_file(path, &data, &len) < 0)
		return -1;
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	free(data);
	return 0;
}

/* A file, or every regular file of a directory; -1 on a read error. */
static int run_path(const char *path, int *count)
{
	struct dirent **names;
	struct stat st;
	int n, i, ret = 0;

	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		++*count;
		return run_file(path);
	}
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		char *p = path_join(path, names[i]->d_name);

		if (names[i]->d_name[0] != '.' && !stat(p, &st) && S_ISREG(st.st_mode)) {
			++*count;
			if (run_file(p) < 0)
				ret = -1;
		}
		free(p);
		free(names[i]);
	}
	free(names);
	return ret;
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int i, count = 0, ret = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	printf("1..1\n");
	fflush(stdout);
	if (argc < 2) {
		ret = run_path(FUZZ_CORPUS, &count);
	} else {
		for (i = 1; i < argc; i++)
			if (run_path(argv[i], &count) < 0)
				ret = -1;
	}
	if (ret < 0 || !count) {
		printf("not ok 1 - %s: %d inputs, %s\n", name, count,
		       ret < 0 ? "some could not be read" : "no corpus");
		return 1;
	}
	printf("ok 1 - %s: %d inputs replayed\n", name, count);
	return 0;
}
