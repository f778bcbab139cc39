// SPDX-License-Identifier: GPL-2.0
/*
 * The report's formats: text (the rows as a maintainer reads them), json
 * (one object per tree), markdown (the matrix for a mail or a merge
 * request), JUnit XML (a testsuite per tree, a testcase per stage) and
 * KCIDB 5.3 (a checkout per tree, builds before and after, a test per
 * sparse, checkpatch, repro and backtest run). Each is a function of the
 * rows only: nothing is read or printed here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "util.h"
#include "verdict.h"
#include "report.h"

const enum stage_kind report_stages[REPORT_NSTAGES] = {
	STAGE_PORT, STAGE_BUILD, STAGE_SPARSE, STAGE_CHECKPATCH, STAGE_REPRO, STAGE_BACKTEST,
};

static const char *const format_names[REPORT__NR] = {
	[REPORT_TEXT] = "text",
	[REPORT_JSON] = "json",
	[REPORT_MARKDOWN] = "markdown",
	[REPORT_JUNIT] = "junit",
	[REPORT_KCIDB] = "kcidb",
};

int report_format_parse(const char *name)
{
	int i;

	for (i = 0; i < REPORT__NR; i++)
		if (!strcmp(name, format_names[i]))
			return i;
	return -1;
}

int report_origin_ok(const char *name)
{
	const char *p;

	if (!*name)
		return 0;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

void *report_record(struct report_row *r, enum stage_kind s)
{
	switch (s) {
	case STAGE_PORT:
		return &r->port;
	case STAGE_BUILD:
		return &r->build;
	case STAGE_SPARSE:
		return &r->sparse;
	case STAGE_CHECKPATCH:
		return &r->checkpatch;
	case STAGE_REPRO:
		return &r->repro;
	case STAGE_BACKTEST:
		return &r->backtest;
	default:
		return NULL;
	}
}

static const struct stage_record *head_of(const struct report_row *r, enum stage_kind s)
{
	return report_record((struct report_row *)r, s);
}

const char *report_status(const struct report_row *r, enum stage_kind s)
{
	const struct report_cell *c = &r->cells[s];

	if (!r->present || c->load == REC_MISSING)
		return "SKIP";
	if (c->load == REC_CORRUPT)
		return "ERROR";
	switch (head_of(r, s)->outcome) {
	case OUTCOME_DONE:
		return "PASS";
	case OUTCOME_FINDING:
		return "FAIL";
	case OUTCOME_FAILED_TO_RUN:
		return "ERROR";
	default:
		return "SKIP";
	}
}

static const char *cell_text(const struct report_row *r, enum stage_kind s)
{
	return r->cells[s].text ? r->cells[s].text : "-";
}

static const char *cell_state(const struct report_cell *c)
{
	if (c->load == REC_MISSING)
		return "not run";
	if (c->load == REC_CORRUPT)
		return "corrupt";
	return c->stale ? "stale" : "fresh";
}

char *report_text(const struct report *rp)
{
	struct sbuf sb = {0};
	size_t i, k;

	sbuf_addf(&sb, "series %s\n\n", rp->series);
	for (i = 0; i < rp->nrows; i++) {
		const struct report_row *r = &rp->rows[i];

		sbuf_addf(&sb, "%s: %s", r->tree, r->state);
		for (k = 0; r->present && r->status && k < r->status->npatches; k++)
			sbuf_addf(&sb, "%s%.12s %s", k ? ", " : " (",
				  r->status->patches[k].upstream,
				  verdict_name(r->status->patches[k].verdict));
		sbuf_adds(&sb, r->present && r->status && r->status->npatches ? ")\n" : "\n");
		for (k = 0; r->present && k < REPORT_NSTAGES; k++)
			sbuf_addf(&sb, "  %s: %s\n", stage_name(report_stages[k]),
				  cell_text(r, report_stages[k]));
		if (r->present && r->cells[STAGE_BUILD].load == REC_OK && r->build.toolchain_why)
			sbuf_addf(&sb, "  toolchain: %s\n", r->build.toolchain_why);
		sbuf_addf(&sb, "  next: %s\n", r->action);
	}
	return sbuf_detach(&sb);
}

struct json_object *report_json(const struct report *rp)
{
	struct json_object *arr = json_object_new_array();
	size_t i, k;

	for (i = 0; i < rp->nrows; i++) {
		const struct report_row *r = &rp->rows[i];
		struct json_object *o = json_object_new_object();
		struct json_object *records = json_object_new_object();

		json_object_object_add(o, "tree", json_string_utf8(r->tree));
		json_object_object_add(o, "state", json_string_utf8(r->state));
		for (k = 0; k < REPORT_NSTAGES; k++) {
			enum stage_kind s = report_stages[k];
			const struct report_cell *c = &r->cells[s];
			struct json_object *rec;

			json_object_object_add(o, stage_name(s), json_string_utf8(cell_text(r, s)));
			if (!r->present)
				continue;
			rec = json_object_new_object();
			json_object_object_add(rec, "record", json_string_utf8(cell_state(c)));
			json_object_object_add(rec, "inputs", json_string_utf8(c->inputs));
			if (c->load == REC_CORRUPT)
				json_object_object_add(rec, "why", json_string_utf8(c->why));
			json_object_object_add(records, stage_name(s), rec);
		}
		json_object_object_add(o, "next", json_string_utf8(r->action));
		json_object_object_add(o, "records", records);
		json_object_array_add(arr, o);
	}
	return arr;
}

/* A markdown table cell: one line, '|' and '\' escaped, valid UTF-8. */
static void md_cell(struct sbuf *sb, const char *s)
{
	char *u = utf8_valid(s ? s : "-"), *p;

	sbuf_adds(sb, " ");
	for (p = u; *p; p++) {
		if (*p == '|' || *p == '\\')
			sbuf_addf(sb, "\\%c", *p);
		else if (*p == '\n' || *p == '\r' || *p == '\t')
			sbuf_adds(sb, " ");
		else
			sbuf_add(sb, p, 1);
	}
	sbuf_adds(sb, " |");
	free(u);
}

char *report_markdown(const struct report *rp)
{
	struct sbuf sb = {0};
	size_t i, k;

	sbuf_addf(&sb, "ltsport report, series %s\n\n| tree | state |", rp->series);
	for (k = 0; k < REPORT_NSTAGES; k++)
		sbuf_addf(&sb, " %s |", stage_name(report_stages[k]));
	sbuf_adds(&sb, " next |\n|");
	for (k = 0; k < REPORT_NSTAGES + 3; k++)
		sbuf_adds(&sb, " --- |");
	sbuf_adds(&sb, "\n");
	for (i = 0; i < rp->nrows; i++) {
		const struct report_row *r = &rp->rows[i];

		sbuf_adds(&sb, "|");
		md_cell(&sb, r->tree);
		md_cell(&sb, r->state);
		for (k = 0; k < REPORT_NSTAGES; k++)
			md_cell(&sb, r->present ? cell_text(r, report_stages[k]) : "-");
		md_cell(&sb, r->action);
		sbuf_adds(&sb, "\n");
	}
	return sbuf_detach(&sb);
}

/*
 * XML 1.0 text: the five specials as entities, valid UTF-8, and the control
 * characters XML cannot carry (all below 0x20 but tab, newline, CR) as '?'.
 */
char *xml_escape(const char *s)
{
	struct sbuf sb = {0};
	char *u = utf8_valid(s ? s : ""), *p;

	for (p = u; *p; p++) {
		unsigned char ch = *p;

		switch (ch) {
		case '<':
			sbuf_adds(&sb, "&lt;");
			break;
		case '>':
			sbuf_adds(&sb, "&gt;");
			break;
		case '&':
			sbuf_adds(&sb, "&amp;");
			break;
		case '"':
			sbuf_adds(&sb, "&quot;");
			break;
		case '\'':
			sbuf_adds(&sb, "&apos;");
			break;
		default:
			if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
				sbuf_adds(&sb, "?");
			else
				sbuf_add(&sb, p, 1);
		}
	}
	free(u);
	if (!sb.buf)
		return xstrdup("");
	return sbuf_detach(&sb);
}

static void xml_addf_attr(struct sbuf *sb, const char *name, const char *value)
{
	char *e = xml_escape(value);

	sbuf_addf(sb, " %s=\"%s\"", name, e);
	free(e);
}

/* Why a stage failed, in one line: its result, and the first error of a build. */
static char *reason_of(const struct report_row *r, enum stage_kind s)
{
	const struct report_cell *c = &r->cells[s];
	const struct build_result *b = s == STAGE_BUILD ? &r->build : &r->sparse;

	if (c->load == REC_CORRUPT)
		return xprintf("corrupt record: %s", c->why);
	if ((s == STAGE_BUILD || s == STAGE_SPARSE) && b->first_error && *b->first_error)
		return xprintf("%s: %s", c->text, b->first_error);
	if (s == STAGE_PORT && r->port.failure)
		return xprintf("%s: %s", c->text, r->port.failure);
	return xstrdup(c->text ? c->text : "");
}

static void junit_case(struct sbuf *sb, const struct report *rp, const struct report_row *r,
		       enum stage_kind s)
{
	const struct report_cell *c = &r->cells[s];
	const char *st = report_status(r, s);
	const char *tag = !strcmp(st, "FAIL") ? "failure" : !strcmp(st, "ERROR") ? "error" : NULL;
	char *cls = xprintf("ltsport.%s.%s", rp->series, r->tree), *msg, *body;

	sbuf_adds(sb, "    <testcase");
	xml_addf_attr(sb, "name", stage_name(s));
	xml_addf_attr(sb, "classname", cls);
	free(cls);
	if (r->present && c->load == REC_OK)
		sbuf_addf(sb, " time=\"%.3f\"", head_of(r, s)->seconds);
	sbuf_adds(sb, ">\n");
	if (r->present && c->load == REC_OK && c->stale)
		sbuf_adds(sb, "      <properties>\n"
			  "        <property name=\"stale\" value=\"true\"/>\n"
			  "      </properties>\n");
	if (!strcmp(st, "SKIP")) {
		msg = xml_escape(!r->present ? "the tree is absent" :
				 c->load == REC_MISSING ? "not run" : c->text);
		sbuf_addf(sb, "      <skipped message=\"%s\"/>\n", msg);
		free(msg);
	} else if (tag) {
		char *why = reason_of(r, s), *full;

		full = xprintf("%s%s", why, c->stale ? " (the record is STALE)" : "");
		msg = xml_escape(full);
		body = xml_escape(c->log_tail ? c->log_tail :
				  c->log ? c->log : c->why ? c->why : full);
		sbuf_addf(sb, "      <%s message=\"%s\" type=\"%s\">%s</%s>\n", tag, msg,
			  stage_name(s), body, tag);
		free(full);
		free(why);
		free(msg);
		free(body);
	}
	if (!strcmp(st, "PASS") && c->text) {
		body = xml_escape(c->text);
		sbuf_addf(sb, "      <system-out>%s</system-out>\n", body);
		free(body);
	}
	sbuf_adds(sb, "    </testcase>\n");
}

char *report_junit(const struct report *rp)
{
	struct sbuf sb = {0};
	char *e = xml_escape(rp->series);
	size_t i, k;

	sbuf_adds(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	sbuf_addf(&sb, "<testsuites name=\"ltsport report %s\">\n", e);
	free(e);
	for (i = 0; i < rp->nrows; i++) {
		const struct report_row *r = &rp->rows[i];
		int fail = 0, err = 0, skip = 0;

		for (k = 0; k < REPORT_NSTAGES; k++) {
			const char *st = report_status(r, report_stages[k]);

			fail += !strcmp(st, "FAIL");
			err += !strcmp(st, "ERROR");
			skip += !strcmp(st, "SKIP");
		}
		sbuf_adds(&sb, "  <testsuite");
		xml_addf_attr(&sb, "name", r->tree);
		sbuf_addf(&sb, " tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\">\n",
			  REPORT_NSTAGES, fail, err, skip);
		sbuf_adds(&sb, "    <properties>\n");
		sbuf_adds(&sb, "      <property name=\"state\"");
		xml_addf_attr(&sb, "value", r->state);
		sbuf_adds(&sb, "/>\n      <property name=\"next\"");
		xml_addf_attr(&sb, "value", r->action);
		sbuf_adds(&sb, "/>\n    </properties>\n");
		for (k = 0; k < REPORT_NSTAGES; k++)
			junit_case(&sb, rp, r, report_stages[k]);
		sbuf_adds(&sb, "  </testsuite>\n");
	}
	sbuf_adds(&sb, "</testsuites>\n");
	return sbuf_detach(&sb);
}

/* KCIDB 5.3 ---------------------------------------------------------------- */

static void add_str(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, json_string_utf8(s ? s : ""));
}

static struct json_object *kcidb_id(const struct report *rp, const struct report_row *r,
				    const char *what)
{
	char *id = xprintf("%s:%s:%s%s%s", rp->origin, rp->series, r->tree,
			   what ? ":" : "", what ? what : "");
	struct json_object *o = json_string_utf8(id);

	free(id);
	return o;
}

/* RFC 3339, UTC: when the stage started, from its record's time. */
static void add_start_time(struct json_object *o, const struct report_cell *c, double seconds)
{
	char buf[32];
	time_t t;
	struct tm tm;

	if (!c->written)
		return;
	t = c->written - (time_t)(seconds > 0 ? seconds : 0);
	if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return;
	add_str(o, "start_time", buf);
}

/* The misc every build or test carries: the record's state and text. */
static struct json_object *kcidb_misc(const struct report_row *r, enum stage_kind s)
{
	const struct report_cell *c = &r->cells[s];
	struct json_object *m = json_object_new_object();

	add_str(m, "record", r->present ? cell_state(c) : "tree absent");
	json_object_object_add(m, "stale", json_object_new_boolean(c->stale));
	if (c->text)
		add_str(m, "result", c->text);
	if (c->load == REC_CORRUPT)
		add_str(m, "why", c->why);
	if (c->log)
		add_str(m, "log", c->log);
	return m;
}

/* A file:// URL of an absolute path, when it needs no escaping; else NULL. */
static char *file_url(const char *path)
{
	const char *p;

	if (!path || *path != '/')
		return NULL;
	for (p = path; *p; p++)
		if (!strchr("/._-+", *p) && !(*p >= 'a' && *p <= 'z') &&
		    !(*p >= 'A' && *p <= 'Z') && !(*p >= '0' && *p <= '9'))
			return NULL;
	return xprintf("file://%s", path);
}

/* A URL KCIDB takes: https:// only, the first word of "URL BRANCH". */
static char *https_url(const char *upstream, const char **branch)
{
	size_t n;

	*branch = NULL;
	if (!upstream || !starts_with(upstream, "https://"))
		return NULL;
	n = strcspn(upstream, " \t");
	if (upstream[n]) {
		*branch = upstream + n + strspn(upstream + n, " \t");
		if (!**branch)
			*branch = NULL;
	}
	return xstrndup(upstream, n);
}

static struct json_object *kcidb_checkout(const struct report *rp, const struct report_row *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *m = json_object_new_object();
	const char *branch;
	char *url = https_url(r->upstream, &branch);

	json_object_object_add(o, "id", kcidb_id(rp, r, NULL));
	add_str(o, "origin", rp->origin);
	add_str(o, "tree_name", r->tree);
	if (url) {
		add_str(o, "git_repository_url", url);
		if (branch)
			add_str(o, "git_repository_branch", branch);
	}
	free(url);
	if (r->present && is_hex_id(r->tip, 40, 40))
		add_str(o, "git_commit_hash", r->tip);
	if (r->present && r->cells[STAGE_PORT].load == REC_OK)
		json_object_object_add(o, "valid", json_object_new_boolean(
			r->port.head.outcome == OUTCOME_DONE && !r->port.failure));
	add_str(o, "comment", r->action);
	add_str(m, "series", rp->series);
	add_str(m, "state", r->state);
	add_str(m, "next", r->action);
	if (r->present) {
		json_object_object_add(m, "port", kcidb_misc(r, STAGE_PORT));
		if (r->cells[STAGE_PORT].load == REC_OK && r->port.branch)
			add_str(m, "branch", r->port.branch);
	}
	json_object_object_add(o, "misc", m);
	return o;
}

/* The before or the after side of build.json. */
static struct json_object *kcidb_build(const struct report *rp, const struct report_row *r,
				       int after)
{
	const struct report_cell *c = &r->cells[STAGE_BUILD];
	const struct build_result *b = &r->build;
	struct json_object *o = json_object_new_object(), *m;
	const char *st = report_status(r, STAGE_BUILD);
	char *url;

	json_object_object_add(o, "id", kcidb_id(rp, r, after ? "build:after" : "build:before"));
	json_object_object_add(o, "checkout_id", kcidb_id(rp, r, NULL));
	add_str(o, "origin", rp->origin);
	if (r->present && c->load == REC_OK) {
		/* before the series, only "fails without the series too" is a failure */
		if (!after && !strcmp(st, "FAIL") && b->verdict != BUILD_FAILS_BEFORE)
			st = "PASS";
		add_str(o, "comment", after ? "with the series" : "without the series");
		add_start_time(o, c, b->head.seconds);
		json_object_object_add(o, "duration", json_object_new_double(
			after ? b->seconds_after : b->seconds_before));
		if (b->toolchain && *b->toolchain)
			add_str(o, "compiler", b->toolchain);
		if (b->mode)
			add_str(o, "config_name", b->mode);
		url = file_url(c->log);
		if (url)
			add_str(o, "log_url", url);
		free(url);
		if (b->first_error && *b->first_error && !strcmp(st, "FAIL"))
			add_str(o, "log_excerpt", b->first_error);
	}
	add_str(o, "status", st);
	m = kcidb_misc(r, STAGE_BUILD);
	if (r->present && c->load == REC_OK) {
		add_str(m, "verdict", build_verdict_name(b->verdict));
		json_object_object_add(m, "new_warnings", json_object_new_int(b->new_warnings));
	}
	json_object_object_add(o, "misc", m);
	return o;
}

static void add_number(struct json_object *t, double value, const char *unit)
{
	struct json_object *n = json_object_new_object();

	json_object_object_add(n, "value", json_object_new_double(value));
	add_str(n, "unit", unit);
	json_object_object_add(t, "number", n);
}

static struct json_object *repro_side_json(const struct repro_side *sd)
{
	struct json_object *o = json_object_new_object();

	add_str(o, "result", sd->result);
	json_object_object_add(o, "rounds", json_object_new_int64(sd->rounds));
	json_object_object_add(o, "lost", json_object_new_int64(sd->lost));
	json_object_object_add(o, "misloads", json_object_new_int64(sd->misloads));
	json_object_object_add(o, "seconds", json_object_new_double(sd->seconds));
	json_object_object_add(o, "throughput", json_object_new_int64(sd->throughput));
	return o;
}

/* The figures of a test: its number and the misc beside it. */
static void test_figures(struct json_object *t, struct json_object *m,
			 const struct report_row *r, enum stage_kind s)
{
	size_t i, bad = 0;

	switch (s) {
	case STAGE_SPARSE:
		add_number(t, r->sparse.new_warnings, "new warnings");
		add_str(m, "verdict", build_verdict_name(r->sparse.verdict));
		break;
	case STAGE_CHECKPATCH:
		add_number(t, r->checkpatch.errors, "errors");
		json_object_object_add(m, "patches", json_object_new_int(r->checkpatch.patches));
		json_object_object_add(m, "errors", json_object_new_int(r->checkpatch.errors));
		json_object_object_add(m, "warnings",
				       json_object_new_int(r->checkpatch.warnings));
		json_object_object_add(m, "upstream_too",
				       json_object_new_int(r->checkpatch.upstream_too));
		break;
	case STAGE_REPRO:
		add_number(t, r->repro.after.lost, "lost after");
		add_str(m, "verdict", r->repro.verdict);
		json_object_object_add(m, "proven", json_object_new_boolean(r->repro.proven));
		if (r->repro.before.present)
			json_object_object_add(m, "before", repro_side_json(&r->repro.before));
		if (r->repro.after.present)
			json_object_object_add(m, "after", repro_side_json(&r->repro.after));
		break;
	case STAGE_BACKTEST:
		for (i = 0; i < r->backtest.nentries; i++)
			bad += r->backtest.entries[i].result == BACKTEST_DIFFERS ||
			       r->backtest.entries[i].result == BACKTEST_FAILED;
		add_number(t, bad, "differ or failed");
		json_object_object_add(m, "patches",
				       json_object_new_int64(r->backtest.nentries));
		break;
	default:
		break;
	}
}

static struct json_object *kcidb_test(const struct report *rp, const struct report_row *r,
				      enum stage_kind s)
{
	const struct report_cell *c = &r->cells[s];
	struct json_object *t = json_object_new_object(), *m = kcidb_misc(r, s);
	char *path = xprintf("ltsport.%s", stage_name(s));

	json_object_object_add(t, "id", kcidb_id(rp, r, stage_name(s)));
	json_object_object_add(t, "build_id", kcidb_id(rp, r, "build:after"));
	add_str(t, "origin", rp->origin);
	add_str(t, "path", path);
	free(path);
	add_str(t, "status", report_status(r, s));
	if (c->text)
		add_str(t, "comment", c->text);
	if (r->present && c->load == REC_OK) {
		add_start_time(t, c, head_of(r, s)->seconds);
		json_object_object_add(t, "duration",
				       json_object_new_double(head_of(r, s)->seconds));
		test_figures(t, m, r, s);
		if (c->log_tail && !strcmp(report_status(r, s), "FAIL")) {
			char *ex = utf8_valid(c->log_tail);

			if (strlen(ex) > 16000)
				memmove(ex, ex + strlen(ex) - 16000, 16001);
			add_str(t, "log_excerpt", ex);
			free(ex);
		}
	}
	json_object_object_add(t, "misc", m);
	return t;
}

struct json_object *report_kcidb(const struct report *rp)
{
	static const enum stage_kind tests[] = {
		STAGE_SPARSE, STAGE_CHECKPATCH, STAGE_REPRO, STAGE_BACKTEST,
	};
	struct json_object *o = json_object_new_object(), *v = json_object_new_object();
	struct json_object *co = json_object_new_array(), *bu = json_object_new_array();
	struct json_object *te = json_object_new_array();
	size_t i, k;

	json_object_object_add(v, "major", json_object_new_int(5));
	json_object_object_add(v, "minor", json_object_new_int(3));
	json_object_object_add(o, "version", v);
	for (i = 0; i < rp->nrows; i++) {
		const struct report_row *r = &rp->rows[i];

		json_object_array_add(co, kcidb_checkout(rp, r));
		json_object_array_add(bu, kcidb_build(rp, r, 0));
		json_object_array_add(bu, kcidb_build(rp, r, 1));
		for (k = 0; k < ARRAY_SIZE(tests); k++)
			json_object_array_add(te, kcidb_test(rp, r, tests[k]));
	}
	json_object_object_add(o, "checkouts", co);
	json_object_object_add(o, "builds", bu);
	json_object_object_add(o, "tests", te);
	return o;
}

static char *json_text(struct json_object *o)
{
	char *s = xprintf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(o);
	return s;
}

char *report_render(const struct report *rp, enum report_format f)
{
	switch (f) {
	case REPORT_JSON:
		return json_text(report_json(rp));
	case REPORT_MARKDOWN:
		return report_markdown(rp);
	case REPORT_JUNIT:
		return report_junit(rp);
	case REPORT_KCIDB:
		return json_text(report_kcidb(rp));
	default:
		return report_text(rp);
	}
}
