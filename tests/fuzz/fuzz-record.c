// SPDX-License-Identifier: GPL-2.0
/*
 * record_parse() on any bytes, with every record type: it must return 0
 * or -1 with a reason, and leave nothing to free after an error. A
 * libFuzzer target (make fuzz); make unit replays corpora/record/ through
 * tests/fuzz/standalone.c.
 */
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "fuzz.h"
#include "util.h"
#include "results.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return fuzz_init();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
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
