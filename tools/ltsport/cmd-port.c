// SPDX-License-Identifier: GPL-2.0
/*
 * ltsport port: carry the series' missing patches onto each tree (port.c),
 * and say what came of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "context.h"
#include "results.h"
#include "port.h"
#include "stablefmt.h"
#include "commands.h"

static const char port_usage[] =
	"usage: ltsport port [options]\n"
	"  --assume missing   port patches whose verdict is unknown here too\n"
	"  --compile-check auto|yes|no  a rung's result counts only when the objects it\n"
	"                     touches compile (auto: when ltsport build --quick prepared\n"
	"                     the tree; yes: prepare it; no: never)\n"
	"  --in-reply-to MSGID  thread the mails under that mail (the stable team's\n"
	"                     FAILED mail): <id@host>, the brackets optional\n"
	COMMON_USAGE;

static int port_option(int c, const char *arg, void *data)
{
	struct port_opts *o = data;
	const char *why;
	char *id;

	switch (c) {
	case 'A':
		if (strcmp(arg, "missing")) {
			error("port: --assume %s: only 'missing' can be assumed; use --assume missing", arg);
			return -1;
		}
		o->assume_missing = 1;
		return 0;
	case 'C':
		if (compile_check_parse(arg, &o->compile) < 0) {
			error("port: --compile-check '%s': not auto, yes or no; use one of them", arg);
			return -1;
		}
		return 0;
	case 'I':
		why = stable_msgid_check(arg, &id);
		if (why) {
			error("port: --in-reply-to '%s': %s; give the Message-ID of the mail to answer, <id@host>",
			      arg, why);
			return -2;
		}
		free((char *)o->in_reply_to);
		o->in_reply_to = id;
		return 0;
	default:
		return -1;
	}
}

static void print_result(struct tree_ws *ws, const struct port_result *res)
{
	struct tree_state *ts = ws->ts;
	size_t i;

	if (!ws->repo) {
		printf("%s: absent (%s)%s%s\n", ws->name, ts->absent,
		       ws->conf->upstream ? "; get it from " : "",
		       ws->conf->upstream ? ws->conf->upstream : "");
		return;
	}
	if (res->head.outcome == OUTCOME_FINDING) {
		error("%s", res->failure);
		return;
	}
	if (res->head.outcome != OUTCOME_DONE) {
		printf("%s: nothing to port (%s)\n", ws->name, verdict_name(ts->state));
		return;
	}
	printf("%s: ported %zu patch%s -> %s (branch %s)\n", ws->name, res->npatches,
	       res->npatches == 1 ? "" : "es", ws->out, res->branch);
	if (res->npatches >= 2)
		printf("  %s  (not in series)\n", STABLE_COVER_FILE);
	for (i = 0; i < res->npatches; i++)
		printf("  %s  %.12s  %s\n", res->patches[i].file, res->patches[i].upstream,
		       res->patches[i].rung);
}

int cmd_port(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "assume", required_argument, NULL, 'A' },
		{ "compile-check", required_argument, NULL, 'C' },
		{ "in-reply-to", required_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 },
	};
	struct port_opts o = { .compile = COMPILE_AUTO };
	struct ctx ctx = {0};
	int ret, failed = 0, errors = 0;
	size_t i;

	if (ctx_start(&ctx, argc, argv, opts, port_option, &o, port_usage,
		      CTX_LOCK | CTX_VERDICTS, &ret))
		goto out;
	o.mainline = ctx.mainline;
	ret = EXIT_ERROR;
	for (i = 0; i < ctx.nts; i++) {
		struct port_result res;
		int rc = stage_port(&ctx.ws[i], &o, &res);

		if (!rc)
			print_result(&ctx.ws[i], &res);
		failed += res.head.outcome == OUTCOME_FINDING;
		record_release(&port_desc, &res);
		if (rc == -2)
			ret = EXIT_USAGE;
		if (rc == -2)
			goto out;
		/* a tree the stage could not work on does not stop the others */
		errors += rc < 0;
	}
	ret = errors ? EXIT_ERROR : failed ? EXIT_VERDICT : EXIT_OK;
out:
	ctx_release(&ctx);
	free((char *)o.in_reply_to);
	return ret;
}
