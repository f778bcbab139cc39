// SPDX-License-Identifier: GPL-2.0
/*
 * record_parse() on any bytes, with every record type: it must return 0
 * or -1 with a reason, and leave nothing to free after an error. Built with
 * clang -fsanitize=fuzzer it is a libFuzzer target; without it, main()
 * replays the files named on the command line (the seeds in corpora/record/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include <json-c/json.h>

#include "util.h"
#include "fsutil.h"
#include "results.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	static const enum stage_kind all[] = {
		STAGE_PORT, STAGE_BUILD, STAGE_SPARSE, STAGE_CHECKPATCH, STAGE_REPRO,
		STAGE_BACKTEST, STAGE_STATUS,
	};
	union {
		struct port_result port;
		struct build_result build;
		struct checkpatch_result cp;
		struct repro_result repro;
		struct backtest_result bt;
		struct status_result st;
	} rec;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		const struct rec_desc *d = rec_desc_of(all[i]);
		char *why = NULL;

		if (record_parse((const char *)data, len, "fuzz", d, &rec, &why) == 0) {
			struct json_object *o = record_to_json(d, &rec);

			json_object_put(o);
			record_release(d, &rec);
		} else if (!why) {
			abort();
		}
		free(why);
	}
	return 0;
}

#ifndef FUZZING_ENGINE
int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		char *data = NULL;
		size_t len = 0;

		if (read_file(argv[i], &data, &len) < 0)
			return 1;
		LLVMFuzzerTestOneInput((const unsigned char *)data, len);
		free(data);
	}
	printf("fuzz-record: %d input%s replayed\n", argc - 1, argc == 2 ? "" : "s");
	return 0;
}
#endif
