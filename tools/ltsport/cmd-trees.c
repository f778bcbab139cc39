// SPDX-License-Identifier: GPL-2.0
/* ltsport trees: placeholder until the import lands. */
#include "util.h"
#include "commands.h"

int cmd_trees(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return error("trees: not implemented yet");
}
