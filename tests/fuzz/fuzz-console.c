// SPDX-License-Identifier: GPL-2.0
/*
 * vm_parse_console on any bytes: a guest's console is untrusted. Checks
 * what the parser promises besides not crashing: a result has a known
 * kind and valid counters, no result has a reason and a printable tail.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct vm_result *r, int ret)
{
	size_t i;
	const char *p;

	if (ret != (r->has_result ? 0 : 1))
		abort();
	if (r->has_result) {
		if (!r->kind || (strcmp(r->kind, "loss") && strcmp(r->kind, "clean") &&
				 strcmp(r->kind, "error")))
			abort();
		if (r->why || r->tail || r->outcome != VM_RESULT || r->nr_counters > VM_MAX_COUNTERS)
			abort();
		if (r->seconds < 0 || (r->first_loss < 0 && r->first_loss != -1))
			abort();
		for (i = 0; i < r->nr_counters; i++)
			if (!r->counters[i].name[0] || !r->counters[i].value[0] ||
			    vm_counter(r, r->counters[i].name) != r->counters[i].value)
				abort();
		return;
	}
	if (r->kind || r->nr_counters || !r->why || !r->tail || r->outcome == VM_RESULT)
		abort();
	for (p = r->why; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
	for (p = r->tail; *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vm_result r;
	char *copy = malloc(size ? size : 1);
	int ret;

	/* an exact-size copy: any read past the end is ASan's to see */
	memcpy(copy, data, size);
	ret = vm_parse_console(copy, size, &r);
	check(&r, ret);
	vm_result_release(&r);
	free(copy);
	return 0;
}
