// SPDX-License-Identifier: GPL-2.0
/*
 * Typed stage records through json-c. A field table per record type maps
 * JSON onto the struct in the manner of systemd's sd_json_dispatch(): types
 * are checked, required fields must be there, unknown keys are refused, and
 * every error names the file and the key. A record that cannot be read is
 * corrupt, never "not run".
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "gitops.h"
#include "conf.h"
#include "series.h"
#include "verdict.h"
#include "workspace.h"
#include "bridge.h"
#include "results.h"

enum rf_type {
	RF_STRING,	/* char *, xstrdup'd */
	RF_HEX,		/* char[size], lower-case hex digits, "" allowed with RF_EMPTY */
	RF_INT,		/* int */
	RF_U64,		/* uint64_t */
	RF_DOUBLE,	/* double; an integer is taken too */
	RF_BOOL,	/* int 0/1 */
	RF_ENUM,	/* int, one of names[] */
	RF_ARRAY,	/* an array of sub-records: void * at off, size_t at count_off */
	RF_OBJECT,	/* a sub-record in place, its first member an int present */
	RF_INLINE,	/* a sub-record in place whose keys are in this object */
};

#define RECORD_MAX (64 << 20)

#define RF_REQUIRED	0x1
#define RF_NULLABLE	0x2	/* RF_STRING: null or absent reads as NULL */
#define RF_EMPTY	0x4	/* RF_HEX: "" is fine */

struct rec_field {
	const char *key;
	enum rf_type type;
	size_t off;
	unsigned int flags;
	const char *const *names;	/* RF_ENUM */
	size_t nnames;
	size_t size;			/* RF_HEX buffer, RF_ARRAY element */
	size_t count_off;		/* RF_ARRAY */
	const struct rec_field *sub;	/* RF_ARRAY, RF_OBJECT */
};

struct rec_desc {
	enum stage_kind stage;
	size_t size;
	const struct rec_field *fields;
};

static const char *const stage_names[] = {
	[STAGE_PORT] = "port",
	[STAGE_BUILD] = "build",
	[STAGE_SPARSE] = "sparse",
	[STAGE_CHECKPATCH] = "checkpatch",
	[STAGE_REPRO] = "repro",
	[STAGE_BACKTEST] = "backtest",
	[STAGE_STATUS] = "status",
};

static const char *const outcome_names[] = {
	[OUTCOME_DONE] = "done",
	[OUTCOME_FINDING] = "finding",
	[OUTCOME_NOT_RUN] = "not-run",
	[OUTCOME_FAILED_TO_RUN] = "failed-to-run",
};

static const char *const build_verdict_names[] = {
	[BUILD_BUILDS] = "builds",
	[BUILD_NOTHING_PORTED] = "builds (nothing ported)",
	[BUILD_BREAKS] = "the series breaks the build",
	[BUILD_FAILS_BEFORE] = "fails without the series too",
};

static const char *const backtest_names[] = {
	[BACKTEST_IDENTICAL] = "identical",
	[BACKTEST_EQUIVALENT] = "equivalent",
	[BACKTEST_DIFFERS] = "differs",
	[BACKTEST_FAILED] = "failed",
};

const char *stage_name(enum stage_kind s)
{
	return s < STAGE__NR ? stage_names[s] : "?";
}

const char *outcome_name(enum outcome o)
{
	return o < OUTCOME__NR ? outcome_names[o] : "?";
}

const char *build_verdict_name(enum build_verdict v)
{
	return v < BUILD__NR ? build_verdict_names[v] : "?";
}

const char *backtest_outcome_name(enum backtest_outcome o)
{
	return o < BACKTEST__NR ? backtest_names[o] : "?";
}

#define F(type, member, key, kind, flags) \
	{ key, kind, offsetof(type, member), flags, NULL, 0, 0, 0, NULL }
#define F_HEX(type, member, key, flags) \
	{ key, RF_HEX, offsetof(type, member), flags, NULL, 0, \
	  sizeof(((type *)0)->member), 0, NULL }
#define F_ENUM(type, member, key, names, flags) \
	{ key, RF_ENUM, offsetof(type, member), flags, names, ARRAY_SIZE(names), 0, 0, NULL }
#define F_ARRAY(type, member, count, key, elem, sub, flags) \
	{ key, RF_ARRAY, offsetof(type, member), flags, NULL, 0, sizeof(elem), \
	  offsetof(type, count), sub }
#define F_OBJECT(type, member, key, sub, flags) \
	{ key, RF_OBJECT, offsetof(type, member), flags, NULL, 0, 0, 0, sub }
#define F_END { NULL, 0, 0, 0, NULL, 0, 0, 0, NULL }

#define F_INLINE(type, member, sub) \
	{ "", RF_INLINE, offsetof(type, member), 0, NULL, 0, 0, 0, sub }

/* The head of every record, in the same JSON object as its body. */
static const struct rec_field head_fields[] = {
	F(struct stage_record, schema, "schema", RF_INT, RF_REQUIRED),
	F_ENUM(struct stage_record, stage, "stage", stage_names, RF_REQUIRED),
	F(struct stage_record, tree, "tree", RF_STRING, RF_REQUIRED),
	F_HEX(struct stage_record, tip, "tip", RF_REQUIRED),
	F_HEX(struct stage_record, inputs, "inputs", RF_REQUIRED),
	F_ENUM(struct stage_record, outcome, "outcome", outcome_names, RF_REQUIRED),
	F(struct stage_record, seconds, "seconds", RF_DOUBLE, RF_REQUIRED),
	F_END
};

static const struct rec_field port_patch_fields[] = {
	F(struct port_patch, file, "file", RF_STRING, RF_REQUIRED),
	F(struct port_patch, upstream, "upstream", RF_STRING, RF_REQUIRED),
	F(struct port_patch, rung, "rung", RF_STRING, RF_REQUIRED),
	F(struct port_patch, note, "note", RF_STRING, RF_REQUIRED),
	F_HEX(struct port_patch, commit, "commit", RF_REQUIRED),
	F(struct port_patch, upstream_message, "upstream_message", RF_BOOL, RF_REQUIRED),
	F_END
};

static const struct rec_field port_fields[] = {
	F_INLINE(struct port_result, head, head_fields),
	F(struct port_result, series, "series", RF_STRING, RF_REQUIRED),
	F(struct port_result, branch, "branch", RF_STRING, RF_REQUIRED),
	F(struct port_result, failure, "failure", RF_STRING, RF_NULLABLE),
	F_ARRAY(struct port_result, patches, npatches, "patches", struct port_patch,
		port_patch_fields, RF_REQUIRED),
	F_END
};

static const struct rec_field build_fields[] = {
	F_INLINE(struct build_result, head, head_fields),
	F(struct build_result, mode, "mode", RF_STRING, RF_REQUIRED),
	F(struct build_result, toolchain, "toolchain", RF_STRING, RF_REQUIRED),
	F(struct build_result, toolchain_why, "toolchain_why", RF_STRING, RF_NULLABLE),
	F_ENUM(struct build_result, verdict, "verdict", build_verdict_names, RF_REQUIRED),
	F(struct build_result, first_error, "first_error", RF_STRING, RF_REQUIRED),
	F(struct build_result, seconds_before, "seconds_before", RF_DOUBLE, RF_REQUIRED),
	F(struct build_result, seconds_after, "seconds_after", RF_DOUBLE, RF_REQUIRED),
	F(struct build_result, new_warnings, "new_warnings", RF_INT, RF_REQUIRED),
	F(struct build_result, log, "log", RF_STRING, RF_NULLABLE),
	F_END
};

static const struct rec_field checkpatch_fields[] = {
	F_INLINE(struct checkpatch_result, head, head_fields),
	F(struct checkpatch_result, patches, "patches", RF_INT, RF_REQUIRED),
	F(struct checkpatch_result, errors, "errors", RF_INT, RF_REQUIRED),
	F(struct checkpatch_result, warnings, "warnings", RF_INT, RF_REQUIRED),
	F(struct checkpatch_result, upstream_too, "upstream_too", RF_INT, RF_REQUIRED),
	F(struct checkpatch_result, not_counted, "not_counted", RF_INT, RF_REQUIRED),
	F(struct checkpatch_result, log, "log", RF_STRING, RF_NULLABLE),
	F(struct checkpatch_result, why, "why", RF_STRING, RF_NULLABLE),
	F_END
};

static const struct rec_field repro_counter_fields[] = {
	F(struct repro_counter, name, "name", RF_STRING, RF_REQUIRED),
	F(struct repro_counter, value, "value", RF_STRING, RF_REQUIRED),
	F_END
};

static const struct rec_field repro_side_fields[] = {
	F(struct repro_side, how, "how", RF_STRING, RF_REQUIRED),
	F(struct repro_side, summary, "summary", RF_STRING, RF_REQUIRED),
	F(struct repro_side, result, "result", RF_STRING, RF_REQUIRED),
	F(struct repro_side, rounds, "rounds", RF_U64, RF_REQUIRED),
	F(struct repro_side, seconds, "seconds", RF_DOUBLE, RF_REQUIRED),
	F(struct repro_side, lost, "lost", RF_U64, RF_REQUIRED),
	F(struct repro_side, misloads, "misloads", RF_U64, RF_REQUIRED),
	F(struct repro_side, first_loss_s, "first_loss_s", RF_DOUBLE, RF_REQUIRED),
	F(struct repro_side, throughput, "throughput", RF_U64, RF_REQUIRED),
	F(struct repro_side, pswpin, "pswpin", RF_U64, RF_REQUIRED),
	F(struct repro_side, pswpout, "pswpout", RF_U64, RF_REQUIRED),
	F(struct repro_side, init_s, "init_s", RF_DOUBLE, RF_REQUIRED),
	F(struct repro_side, wall_s, "wall_s", RF_DOUBLE, RF_REQUIRED),
	F(struct repro_side, log, "log", RF_STRING, RF_REQUIRED),
	F(struct repro_side, tail, "tail", RF_STRING, RF_NULLABLE),
	F_ARRAY(struct repro_side, counters, ncounters, "counters", struct repro_counter,
		repro_counter_fields, 0),
	F_END
};

static const struct rec_field repro_fields[] = {
	F_INLINE(struct repro_result, head, head_fields),
	F(struct repro_result, accel, "accel", RF_STRING, RF_REQUIRED),
	F(struct repro_result, verdict, "verdict", RF_STRING, RF_REQUIRED),
	F(struct repro_result, proven, "proven", RF_BOOL, RF_REQUIRED),
	F(struct repro_result, required_s, "required_s", RF_INT, RF_REQUIRED),
	F(struct repro_result, cmdline, "cmdline", RF_STRING, RF_REQUIRED),
	F_OBJECT(struct repro_result, before, "before", repro_side_fields, RF_REQUIRED),
	F_OBJECT(struct repro_result, after, "after", repro_side_fields, RF_REQUIRED),
	F_OBJECT(struct repro_result, mid, "mid", repro_side_fields, 0),
	F_END
};

static const struct rec_field backtest_entry_fields[] = {
	F(struct backtest_entry, upstream, "upstream", RF_STRING, RF_REQUIRED),
	F(struct backtest_entry, rung, "rung", RF_STRING, RF_REQUIRED),
	F_ENUM(struct backtest_entry, result, "result", backtest_names, RF_REQUIRED),
	F(struct backtest_entry, taken_out_by, "taken_out_by", RF_STRING, RF_REQUIRED),
	F(struct backtest_entry, why, "why", RF_STRING, RF_NULLABLE),
	F(struct backtest_entry, diff, "diff", RF_STRING, RF_NULLABLE),
	F_END
};

static const struct rec_field backtest_fields[] = {
	F_INLINE(struct backtest_result, head, head_fields),
	F_ARRAY(struct backtest_result, entries, nentries, "entries", struct backtest_entry,
		backtest_entry_fields, RF_REQUIRED),
	F_END
};

static const struct rec_field status_patch_fields[] = {
	F(struct status_patch, upstream, "upstream", RF_STRING, RF_REQUIRED),
	F_ENUM(struct status_patch, verdict, "verdict", verdict_names, RF_REQUIRED),
	F(struct status_patch, evidence, "evidence", RF_STRING, RF_REQUIRED),
	F(struct status_patch, notes, "notes", RF_STRING, RF_REQUIRED),
	F(struct status_patch, warning, "warning", RF_STRING, RF_NULLABLE),
	F_HEX(struct status_patch, backport, "backport", RF_REQUIRED | RF_EMPTY),
	F_END
};

static const struct rec_field status_fields[] = {
	F_INLINE(struct status_result, head, head_fields),
	F_ENUM(struct status_result, state, "state", verdict_names, RF_REQUIRED),
	F(struct status_result, history_note, "history_note", RF_STRING, RF_NULLABLE),
	F(struct status_result, history, "history", RF_BOOL, RF_REQUIRED),
	F(struct status_result, walked, "walked", RF_U64, RF_REQUIRED),
	F_ARRAY(struct status_result, patches, npatches, "patches", struct status_patch,
		status_patch_fields, RF_REQUIRED),
	F_END
};

const struct rec_desc port_desc = { STAGE_PORT, sizeof(struct port_result), port_fields };
const struct rec_desc build_desc = { STAGE_BUILD, sizeof(struct build_result), build_fields };
const struct rec_desc sparse_desc = { STAGE_SPARSE, sizeof(struct build_result), build_fields };
const struct rec_desc checkpatch_desc = {
	STAGE_CHECKPATCH, sizeof(struct checkpatch_result), checkpatch_fields
};
const struct rec_desc repro_desc = { STAGE_REPRO, sizeof(struct repro_result), repro_fields };
const struct rec_desc backtest_desc = {
	STAGE_BACKTEST, sizeof(struct backtest_result), backtest_fields
};
const struct rec_desc status_desc = {
	STAGE_STATUS, sizeof(struct status_result), status_fields
};

const struct rec_desc *rec_desc_of(enum stage_kind s)
{
	static const struct rec_desc *const all[] = {
		[STAGE_PORT] = &port_desc,
		[STAGE_BUILD] = &build_desc,
		[STAGE_SPARSE] = &sparse_desc,
		[STAGE_CHECKPATCH] = &checkpatch_desc,
		[STAGE_REPRO] = &repro_desc,
		[STAGE_BACKTEST] = &backtest_desc,
		[STAGE_STATUS] = &status_desc,
	};

	return s < STAGE__NR ? all[s] : NULL;
}

const char *record_file(enum stage_kind s)
{
	static const char *const files[] = {
		[STAGE_PORT] = "port.json",
		[STAGE_BUILD] = "build.json",
		[STAGE_SPARSE] = "sparse.json",
		[STAGE_CHECKPATCH] = "checkpatch.json",
		[STAGE_REPRO] = "repro.json",
		[STAGE_BACKTEST] = "backtest.json",
		[STAGE_STATUS] = "status.json",
	};

	return s < STAGE__NR ? files[s] : "?";
}

void record_head(struct stage_record *h, enum stage_kind s, const char *tree,
		 const git_oid *tip, const char *inputs, enum outcome o, double seconds)
{
	h->schema = RECORD_SCHEMA;
	h->stage = s;
	free(h->tree);
	h->tree = xstrdup(tree);
	if (tip)
		git_oid_tostr(h->tip, sizeof(h->tip), tip);
	else
		h->tip[0] = '\0';
	snprintf(h->inputs, sizeof(h->inputs), "%s", inputs ? inputs : "");
	h->outcome = o;
	h->seconds = seconds;
}

/* Loading: one error, naming the file and the key. */
struct parse {
	const char *name;
	char *why;
};

__printf(3, 4) static int bad(struct parse *ps, const char *key, const char *fmt, ...)
{
	struct sbuf sb = {0};
	va_list ap;
	char *msg;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = xmalloc(n + 1);
	va_start(ap, fmt);
	vsnprintf(msg, n + 1, fmt, ap);
	va_end(ap);
	if (!ps->why) {
		if (key)
			sbuf_addf(&sb, "%s: key '%s': %s", ps->name, key, msg);
		else
			sbuf_addf(&sb, "%s: %s", ps->name, msg);
		ps->why = sbuf_detach(&sb);
	}
	free(msg);
	return -1;
}

static int is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int dispatch(struct parse *ps, struct json_object *o, const struct rec_field *fields,
		    char *base, const char *prefix);

static int dispatch_array(struct parse *ps, struct json_object *v, const struct rec_field *f,
			  char *base, const char *key)
{
	size_t i, n;
	char *elems;

	if (!json_object_is_type(v, json_type_array))
		return bad(ps, key, "want an array");
	n = json_object_array_length(v);
	elems = n ? xcalloc(n, f->size) : NULL;
	*(void **)(base + f->off) = elems;
	*(size_t *)(base + f->count_off) = n;
	for (i = 0; i < n; i++) {
		char *sub = xprintf("%s[%zu]", key, i);
		int rc = dispatch(ps, json_object_array_get_idx(v, i), f->sub,
				  elems + i * f->size, sub);

		free(sub);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int dispatch_field(struct parse *ps, struct json_object *v, const struct rec_field *f,
			  char *base, const char *key)
{
	void *dst = base + f->off;
	const char *s;
	int64_t i64;
	size_t k;

	switch (f->type) {
	case RF_STRING:
		if (!v && (f->flags & RF_NULLABLE))
			return 0;
		if (!json_object_is_type(v, json_type_string))
			return bad(ps, key, "want a string");
		*(char **)dst = xstrdup(json_object_get_string(v));
		return 0;
	case RF_HEX:
		if (!json_object_is_type(v, json_type_string))
			return bad(ps, key, "want a string of hex digits");
		s = json_object_get_string(v);
		k = strlen(s);
		if ((!k && !(f->flags & RF_EMPTY)) || k >= f->size || !is_hex(s, k))
			return bad(ps, key, "'%.80s' is not %s hex digits", s,
				   f->size > GIT_OID_HEXSZ + 1 ? "40 to 64" : "40");
		if (k && k != GIT_OID_HEXSZ && k != INPUTS_HEXSZ)
			return bad(ps, key, "'%s' is not a whole hash", s);
		memcpy(dst, s, k + 1);
		return 0;
	case RF_INT:
		if (!json_object_is_type(v, json_type_int))
			return bad(ps, key, "want an integer");
		i64 = json_object_get_int64(v);
		if (i64 < -2147483647 || i64 > 2147483647)
			return bad(ps, key, "%lld is out of range", (long long)i64);
		*(int *)dst = (int)i64;
		return 0;
	case RF_U64:
		if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
			return bad(ps, key, "want a whole number");
		*(uint64_t *)dst = json_object_get_uint64(v);
		return 0;
	case RF_DOUBLE:
		if (!json_object_is_type(v, json_type_double) &&
		    !json_object_is_type(v, json_type_int))
			return bad(ps, key, "want a number");
		*(double *)dst = json_object_get_double(v);
		return 0;
	case RF_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return bad(ps, key, "want true or false");
		*(int *)dst = json_object_get_boolean(v);
		return 0;
	case RF_ENUM:
		if (!json_object_is_type(v, json_type_string))
			return bad(ps, key, "want a string");
		s = json_object_get_string(v);
		for (k = 0; k < f->nnames; k++)
			if (f->names[k] && !strcmp(f->names[k], s)) {
				*(int *)dst = (int)k;
				return 0;
			}
		return bad(ps, key, "unknown value '%.80s'", s);
	case RF_ARRAY:
		return dispatch_array(ps, v, f, base, key);
	case RF_OBJECT:
		if (dispatch(ps, v, f->sub, dst, key) < 0)
			return -1;
		*(int *)dst = 1;	/* present */
		return 0;
	case RF_INLINE:
		break;
	}
	return bad(ps, key, "unknown field type");
}

static const struct rec_field *field_of(const struct rec_field *fields, const char *key)
{
	const struct rec_field *f;

	for (; fields->key; fields++) {
		if (fields->type == RF_INLINE) {
			f = field_of(fields->sub, key);
			if (f)
				return f;
		} else if (!strcmp(fields->key, key)) {
			return fields;
		}
	}
	return NULL;
}

static int dispatch_fields(struct parse *ps, struct json_object *o,
			   const struct rec_field *fields, char *base, const char *prefix)
{
	const struct rec_field *f;

	for (f = fields; f->key; f++) {
		struct json_object *v = NULL;
		char *key;
		int rc = 0, has;

		if (f->type == RF_INLINE) {
			if (dispatch_fields(ps, o, f->sub, base + f->off, prefix) < 0)
				return -1;
			continue;
		}
		key = prefix ? xprintf("%s.%s", prefix, f->key) : xstrdup(f->key);
		has = json_object_object_get_ex(o, f->key, &v);
		if (!has && (f->flags & RF_REQUIRED))
			rc = bad(ps, key, "missing");
		else if (has && (v || f->type != RF_STRING || !(f->flags & RF_NULLABLE)))
			rc = dispatch_field(ps, v, f, base, key);
		free(key);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int dispatch(struct parse *ps, struct json_object *o, const struct rec_field *fields,
		    char *base, const char *prefix)
{
	if (!json_object_is_type(o, json_type_object))
		return bad(ps, prefix, "want an object");
	json_object_object_foreach(o, k, unused) {
		(void)unused;
		if (!field_of(fields, k)) {
			char *key = prefix ? xprintf("%s.%s", prefix, k) : xstrdup(k);

			bad(ps, key, "unknown key");
			free(key);
			return -1;
		}
	}
	return dispatch_fields(ps, o, fields, base, prefix);
}

static int only_space(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

int record_parse(const char *buf, size_t len, const char *name, const struct rec_desc *d,
		 void *rec, char **why)
{
	struct parse ps = { .name = name };
	struct json_tokener *tok = json_tokener_new();
	struct stage_record *h = rec;
	struct json_object *o;
	int ret = -1;

	memset(rec, 0, d->size);
	*why = NULL;
	o = len > RECORD_MAX ? NULL : json_tokener_parse_ex(tok, buf, (int)len);
	if (len > RECORD_MAX) {
		bad(&ps, NULL, "too large (%zu bytes)", len);
	} else if (!o && json_tokener_get_error(tok) == json_tokener_continue) {
		bad(&ps, NULL, len ? "truncated" : "empty");
	} else if (!o) {
		bad(&ps, NULL, "not JSON: %s",
		    json_tokener_error_desc(json_tokener_get_error(tok)));
	} else if (!only_space(buf + json_tokener_get_parse_end(tok),
			       len - json_tokener_get_parse_end(tok))) {
		bad(&ps, NULL, "text after the JSON object");
	} else if (dispatch(&ps, o, d->fields, rec, NULL) == 0) {
		if (h->schema != RECORD_SCHEMA)
			bad(&ps, "schema", "%d, this ltsport reads %d; run the stage again",
			    h->schema, RECORD_SCHEMA);
		else if (h->stage != d->stage)
			bad(&ps, "stage", "'%s' where '%s' was expected", stage_name(h->stage),
			    stage_name(d->stage));
		else
			ret = 0;
	}
	json_object_put(o);
	json_tokener_free(tok);
	if (ret < 0) {
		record_release(d, rec);
		*why = ps.why ? ps.why : xprintf("%s: corrupt", name);
	}
	return ret;
}

enum rec_load record_load(const char *path, const struct rec_desc *d, void *rec, char **why)
{
	struct sbuf sb = {0};
	char chunk[65536];
	ssize_t n;
	FILE *f;
	int ret;

	memset(rec, 0, d->size);
	*why = NULL;
	f = fopen(path, "re");
	if (!f && errno == ENOENT)
		return REC_MISSING;
	if (!f) {
		*why = xprintf("%s: %s", path, strerror(errno));
		return REC_CORRUPT;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sbuf_add(&sb, chunk, n);
	if (ferror(f)) {
		*why = xprintf("%s: read failed: %s", path, strerror(errno));
		fclose(f);
		sbuf_release(&sb);
		return REC_CORRUPT;
	}
	fclose(f);
	ret = record_parse(sb.buf ? sb.buf : "", sb.len, path, d, rec, why);
	sbuf_release(&sb);
	return ret < 0 ? REC_CORRUPT : REC_OK;
}

/* Saving. */
char *utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	struct sbuf sb = {0};

	sbuf_adds(&sb, "");
	while (*p) {
		size_t n = 0, i;
		unsigned int cp = 0;

		if (*p < 0x80)
			n = 1, cp = *p;
		else if ((*p & 0xe0) == 0xc0)
			n = 2, cp = *p & 0x1f;
		else if ((*p & 0xf0) == 0xe0)
			n = 3, cp = *p & 0x0f;
		else if ((*p & 0xf8) == 0xf0)
			n = 4, cp = *p & 0x07;
		for (i = 1; n && i < n; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				n = 0;
				break;
			}
			cp = cp << 6 | (p[i] & 0x3f);
		}
		/* overlong forms, surrogates and beyond U+10FFFF are not UTF-8 */
		if (n && ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
			  (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
			  (cp >= 0xd800 && cp <= 0xdfff)))
			n = 0;
		if (!n) {
			sbuf_adds(&sb, "\xef\xbf\xbd");
			p++;
			continue;
		}
		sbuf_add(&sb, (const char *)p, n);
		p += n;
	}
	return sbuf_detach(&sb);
}

struct json_object *json_string_utf8(const char *s)
{
	char *v;
	struct json_object *o;

	if (!s)
		return NULL;
	v = utf8_valid(s);
	o = json_object_new_string(v);
	free(v);
	return o;
}

static struct json_object *json_string_valid(const char *s)
{
	char *v = utf8_valid(s);
	struct json_object *o = json_object_new_string(v);

	free(v);
	return o;
}

static void add_json(struct json_object *o, const struct rec_field *fields, const char *base);

static struct json_object *to_json(const struct rec_field *fields, const char *base)
{
	struct json_object *o = json_object_new_object();

	add_json(o, fields, base);
	return o;
}

static void add_json(struct json_object *o, const struct rec_field *fields, const char *base)
{
	const struct rec_field *f;

	for (f = fields; f->key; f++) {
		const void *src = base + f->off;
		struct json_object *v = NULL;
		size_t i, n;
		int e;

		switch (f->type) {
		case RF_STRING:
			if (!*(char *const *)src && (f->flags & RF_NULLABLE)) {
				v = NULL;
				break;
			}
			v = json_string_valid(*(char *const *)src ? *(char *const *)src : "");
			break;
		case RF_HEX:
			v = json_object_new_string(src);
			break;
		case RF_INT:
			v = json_object_new_int(*(const int *)src);
			break;
		case RF_U64:
			v = json_object_new_uint64(*(const uint64_t *)src);
			break;
		case RF_DOUBLE:
			v = json_object_new_double(*(const double *)src);
			break;
		case RF_BOOL:
			v = json_object_new_boolean(*(const int *)src);
			break;
		case RF_ENUM:
			e = *(const int *)src;
			v = json_object_new_string(e >= 0 && (size_t)e < f->nnames && f->names[e] ?
						   f->names[e] : "?");
			break;
		case RF_ARRAY:
			v = json_object_new_array();
			n = *(const size_t *)(base + f->count_off);
			for (i = 0; i < n; i++)
				json_object_array_add(v, to_json(f->sub, *(char *const *)src +
								 i * f->size));
			break;
		case RF_OBJECT:
			if (!*(const int *)src && !(f->flags & RF_REQUIRED))
				continue;
			v = to_json(f->sub, src);
			break;
		case RF_INLINE:
			add_json(o, f->sub, src);
			continue;
		}
		json_object_object_add(o, f->key, v);
	}
}

struct json_object *record_to_json(const struct rec_desc *d, const void *rec)
{
	return to_json(d->fields, rec);
}

int record_save(const char *path, const struct rec_desc *d, const void *rec)
{
	struct json_object *o = record_to_json(d, rec);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	char *data = xprintf("%s\n", text);
	int ret = write_file_atomic(path, data, strlen(data));

	free(data);
	json_object_put(o);
	return ret;
}

static void release(const struct rec_field *fields, char *base)
{
	const struct rec_field *f;

	for (f = fields; f->key; f++) {
		void *p = base + f->off;
		size_t i, n;

		switch (f->type) {
		case RF_STRING:
			free(*(char **)p);
			*(char **)p = NULL;
			break;
		case RF_ARRAY:
			n = *(size_t *)(base + f->count_off);
			for (i = 0; *(char **)p && i < n; i++)
				release(f->sub, *(char **)p + i * f->size);
			free(*(char **)p);
			*(char **)p = NULL;
			*(size_t *)(base + f->count_off) = 0;
			break;
		case RF_OBJECT:
			release(f->sub, p);
			*(int *)p = 0;
			break;
		case RF_INLINE:
			release(f->sub, p);
			break;
		default:
			break;
		}
	}
}

void record_release(const struct rec_desc *d, void *rec)
{
	release(d->fields, rec);
}

int record_is_stale(const struct stage_record *h, const git_oid *tip, const char *inputs)
{
	char sha[GIT_OID_HEXSZ + 1];

	if (tip) {
		git_oid_tostr(sha, sizeof(sha), tip);
		if (strcmp(sha, h->tip))
			return 1;
	}
	return inputs && strcmp(inputs, h->inputs);
}

/* Input hashes. */
void inputs_init(struct inputs *in)
{
	memset(in, 0, sizeof(*in));
	sbuf_addf(&in->text, "schema %d\n", RECORD_SCHEMA);
}

void inputs_add(struct inputs *in, const char *key, const char *value)
{
	sbuf_addf(&in->text, "%s %s\n", key, value ? value : "-");
}

void inputs_add_oid(struct inputs *in, const char *key, const git_oid *id)
{
	char sha[GIT_OID_HEXSZ + 1];

	git_oid_tostr(sha, sizeof(sha), id);
	inputs_add(in, key, sha);
}

void inputs_add_blob(struct inputs *in, const char *key, const char *data, size_t len)
{
	git_oid id;

	if (git_odb_hash(&id, data, len, GIT_OBJECT_BLOB) < 0) {
		git_error_clear();
		inputs_add(in, key, "unhashable");
		return;
	}
	inputs_add_oid(in, key, &id);
}

void inputs_add_file(struct inputs *in, const char *key, const char *path)
{
	git_oid id;

	if (!path || git_odb_hashfile(&id, path, GIT_OBJECT_BLOB) < 0) {
		git_error_clear();
		inputs_add(in, key, "absent");
		return;
	}
	inputs_add_oid(in, key, &id);
}

int inputs_final(struct inputs *in, char out[INPUTS_HEXSZ + 1])
{
	git_oid id;
	int ret = 0;

	if (git_odb_hash(&id, in->text.buf, in->text.len, GIT_OBJECT_BLOB) < 0)
		ret = git_fail("hashing the inputs");
	else
		git_oid_tostr(out, INPUTS_HEXSZ + 1, &id);
	sbuf_release(&in->text);
	return ret;
}

/* A file by size and time. */
static void inputs_add_stat(struct inputs *in, const char *key, const char *path)
{
	struct stat st;
	char *v;

	if (stat(path, &st) < 0) {
		inputs_add(in, key, "absent");
		return;
	}
	v = xprintf("%lld %lld.%09ld", (long long)st.st_size, (long long)st.st_mtime,
		    st.st_mtim.tv_nsec);
	inputs_add(in, key, v);
	free(v);
}

static int is_cocci(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 6 && !strcmp(d->d_name + n - 6, ".cocci");
}

/* The bridges' rules, by content: a new or changed bridge may change a verdict or a rung. */
static void inputs_add_bridges(struct inputs *in)
{
	char *dir = bridge_dir();
	struct dirent **names = NULL;
	int n = dir ? scandir(dir, &names, is_cocci, alphasort) : -1, i;

	if (n < 0)
		inputs_add(in, "bridges", "absent");
	for (i = 0; i < n; i++) {
		char *path = path_join(dir, names[i]->d_name), *key = xprintf("bridge %s", names[i]->d_name);

		inputs_add_file(in, key, path);
		free(key);
		free(path);
		free(names[i]);
	}
	free(names);
	free(dir);
}

/* The program on PATH, by size and time: a new spatch is another input. */
void inputs_add_program(struct inputs *in, const char *key, const char *prog)
{
	const char *path = getenv("PATH");
	char *list = xstrdup(path ? path : "/usr/bin:/bin"), *save = NULL, *dir;
	struct stat st;

	for (dir = strtok_r(list, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *p = path_join(dir, prog);
		int found = !stat(p, &st) && S_ISREG(st.st_mode);

		if (found) {
			char *v = xprintf("%s %lld %lld", p, (long long)st.st_size,
					  (long long)st.st_mtime);

			inputs_add(in, key, v);
			free(v);
		}
		free(p);
		if (found)
			goto out;
	}
	inputs_add(in, key, "absent");
out:
	free(list);
}

static void add_series(struct inputs *in, const struct series *s)
{
	size_t i;

	for (i = 0; s && i < s->nr; i++) {
		const struct series_patch *p = &s->patches[i];

		inputs_add(in, "patch", p->upstream);
		inputs_add(in, "fixes", p->fixes);
		inputs_add(in, "release", p->release);
		inputs_add(in, "fixes-release", p->fixes_release);
		if (p->diff)
			inputs_add_blob(in, "diff", p->diff, strlen(p->diff));
		if (p->msg)
			inputs_add_blob(in, "msg", p->msg, strlen(p->msg));
		inputs_add_file(in, "rule", p->cocci);
	}
}

int stage_inputs(struct tree_ws *ws, enum stage_kind s, char out[INPUTS_HEXSZ + 1])
{
	struct inputs in;
	git_commit *ported = NULL;
	int rc;

	inputs_init(&in);
	inputs_add(&in, "stage", stage_name(s));
	if (ws->tip)
		inputs_add_oid(&in, "tip", git_commit_id(ws->tip));
	switch (s) {
	case STAGE_STATUS:
		inputs_add(&in, "base", ws->conf->base);
		if (ws->conf->base && ws->repo && !resolve_commit(ws->repo, ws->conf->base, &ported))
			inputs_add_oid(&in, "base-commit", git_commit_id(ported));
		git_commit_free(ported);
		ported = NULL;
		git_error_clear();
		inputs_add_program(&in, "spatch", "spatch");
		inputs_add_stat(&in, "ltsport", "/proc/self/exe");
		inputs_add_bridges(&in);
		add_series(&in, ws->series);
		break;
	case STAGE_PORT:
	case STAGE_BACKTEST:
		inputs_add_bridges(&in);
		add_series(&in, ws->series);
		break;
	case STAGE_BUILD:
	case STAGE_SPARSE:
	case STAGE_REPRO:
	case STAGE_CHECKPATCH:
		rc = ws_find_ported(ws, &ported);
		if (rc < 0) {
			sbuf_release(&in.text);
			return -1;
		}
		if (ported)
			inputs_add_oid(&in, "ported", git_commit_id(ported));
		git_commit_free(ported);
		if (s == STAGE_CHECKPATCH)
			break;
		inputs_add(&in, "toolchain", ws->conf->toolchain ? ws->conf->toolchain : "auto");
		inputs_add_file(&in, "kconfig", ws->conf->kconfig);
		if (s == STAGE_REPRO && ws->series) {
			inputs_add_file(&in, "instrument", ws->series->repro.instrument);
			inputs_add(&in, "cmdline", ws->series->repro.cmdline);
			inputs_add(&in, "tree-cmdline", ws->conf->repro_cmdline);
		}
		break;
	default:
		break;
	}
	return inputs_final(&in, out);
}
