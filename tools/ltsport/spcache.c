// SPDX-License-Identifier: GPL-2.0
/*
 * spatch's results by what it read. A semantic patch that ran clean on the
 * same bytes, with the same spatch, gives the same bytes again; spatch
 * takes 1 to 8 s a run on mm/memory.c, and status, port, backtest and
 * repro run the same rules on the same files, run after run. So a run is
 * kept under the hash of its inputs (spcache_key) and taken from there the
 * next time, as ccache does for the compiler.
 *
 * An entry is one file, spatch/<2 hex>/<38 hex> under the cache directory:
 *
 *	ltsport spatch cache 1
 *	out <len>		then its bytes: spatch's standard output
 *	file <len> <path>	then its bytes: a file the run changed
 *	end <hash>		the git blob hash of all that comes before
 *
 * An entry whose hash does not match, that names a file the copy does not
 * have, or that cannot be parsed is not used: spatch runs again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <git2.h>

#include "util.h"
#include "fsutil.h"
#include "scratch.h"
#include "spcache.h"

#define MAGIC "ltsport spatch cache 1\n"
#define HASH_HEXSZ GIT_OID_HEXSZ

static int cache_off(void)
{
	const char *env = getenv("LTSPORT_SPATCH_CACHE");

	return env && !strcmp(env, "0");
}

char *spcache_dir(void)
{
	const char *dir = getenv("LTSPORT_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (dir && *dir)
		return path_join(dir, "spatch");
	if (xdg && *xdg == '/')
		return xprintf("%s/ltsport/spatch", xdg);
	if (home && *home == '/')
		return xprintf("%s/.cache/ltsport/spatch", home);
	return NULL;
}

int spcache_key(const char *rule, const char *mode, int in_place, const struct scratch *sc,
		char key[SPCACHE_KEYSZ + 1])
{
	struct inputs in;
	const char *home;
	char *iso;
	size_t i;

	if (cache_off())
		return -1;
	inputs_init(&in);
	inputs_add(&in, "cache", "spatch 1");
	inputs_add_program(&in, "spatch", "spatch");
	/* the isomorphisms spatch applies to every rule */
	home = getenv("COCCINELLE_HOME");
	iso = path_join(home && *home ? home : "/usr/lib/coccinelle", "standard.iso");
	inputs_add(&in, "COCCINELLE_HOME", home);
	inputs_add_file(&in, "standard.iso", iso);
	free(iso);
	inputs_add_file(&in, "rule", rule);
	inputs_add(&in, "mode", mode);
	inputs_add(&in, "in-place", in_place ? "yes" : "no");
	for (i = 0; i < sc->nr; i++) {
		const struct scratch_file *f = &sc->files[i];
		char *k = xprintf("file %o %s", f->mode, f->path);

		if (f->mode)
			inputs_add_blob(&in, k, f->data, f->len);
		else
			inputs_add(&in, k, "absent");
		free(k);
	}
	return inputs_final(&in, key);
}

static char *entry_path(const char *key)
{
	char *dir = spcache_dir(), *path;

	if (!dir)
		return NULL;
	path = xprintf("%s/%.2s/%s", dir, key, key + 2);
	free(dir);
	return path;
}

static int hash_hex(const char *data, size_t len, char out[HASH_HEXSZ + 1])
{
	git_oid id;

	if (git_odb_hash(&id, data, len, GIT_OBJECT_BLOB) < 0) {
		git_error_clear();
		return -1;
	}
	git_oid_tostr(out, HASH_HEXSZ + 1, &id);
	return 0;
}

/* The body of an entry whose last line is "end <hash of the body>", or NULL. */
static const char *checked_body(const char *buf, size_t len, size_t *body_len)
{
	size_t tail = 4 + HASH_HEXSZ + 1;
	char want[HASH_HEXSZ + 1];

	if (len < strlen(MAGIC) + tail || memcmp(buf, MAGIC, strlen(MAGIC)))
		return NULL;
	if (memcmp(buf + len - tail, "end ", 4) || buf[len - 1] != '\n')
		return NULL;
	if (hash_hex(buf, len - tail, want) < 0 ||
	    memcmp(want, buf + len - tail + 4, HASH_HEXSZ))
		return NULL;
	*body_len = len - tail;
	return buf;
}

/*
 * One "<word> <len>[ <path>]\n<bytes>" record at *p: 0 with its parts and
 * *p past it, -1 when it is not one.
 */
static int next_record(const char **p, const char *end, char word[8], const char **path,
		       size_t *path_len, const char **data, size_t *len)
{
	const char *nl = memchr(*p, '\n', end - *p), *s;
	unsigned long long n = 0;
	size_t w;

	if (!nl)
		return -1;
	w = strcspn(*p, "\n ");
	if (w == 0 || w >= 8 || (*p)[w] != ' ')
		return -1;
	memcpy(word, *p, w);
	word[w] = '\0';
	for (s = *p + w + 1; s < nl && *s >= '0' && *s <= '9' && n < (1ULL << 40); s++)
		n = n * 10 + (*s - '0');
	if (s == *p + w + 1 || (s < nl && *s != ' ') || n > (size_t)(end - nl - 1))
		return -1;
	*path = s < nl ? s + 1 : NULL;
	*path_len = s < nl ? (size_t)(nl - s - 1) : 0;
	*data = nl + 1;
	*len = n;
	*p = nl + 1 + n;
	return 0;
}

static struct scratch_file *file_of(struct scratch *sc, const char *path, size_t len)
{
	size_t i;

	for (i = 0; i < sc->nr; i++)
		if (strlen(sc->files[i].path) == len && !memcmp(sc->files[i].path, path, len))
			return &sc->files[i];
	return NULL;
}

/* Only regular files the copy has are written back; anything else: not used. */
static int entry_applies(struct scratch *sc, const char *body, size_t len)
{
	const char *p = body + strlen(MAGIC), *end = body + len, *path, *data;
	size_t plen, dlen;
	char word[8];
	int nout = 0;

	while (p < end) {
		struct scratch_file *f;

		if (next_record(&p, end, word, &path, &plen, &data, &dlen) < 0)
			return 0;
		if (!strcmp(word, "out") && !path && !nout++)
			continue;
		if (strcmp(word, "file") || !path)
			return 0;
		f = file_of(sc, path, plen);
		if (!f || (f->mode != GIT_FILEMODE_BLOB && f->mode != GIT_FILEMODE_BLOB_EXECUTABLE))
			return 0;
	}
	return nout == 1;
}

static int write_back(struct scratch *sc, const char *body, size_t len, char **out)
{
	const char *p = body + strlen(MAGIC), *end = body + len, *path, *data;
	size_t plen, dlen;
	char word[8];

	while (p < end) {
		next_record(&p, end, word, &path, &plen, &data, &dlen);
		if (!strcmp(word, "out")) {
			*out = xstrndup(data, dlen);
		} else {
			char *rel = xstrndup(path, plen), *file = path_join(sc->dir, rel);
			int ret = write_file(file, data, dlen);

			free(file);
			free(rel);
			if (ret < 0)
				return -1;
		}
	}
	return 0;
}

int spcache_load(const char *key, struct scratch *sc, char **out)
{
	char *path = entry_path(key), *buf = NULL;
	const char *body;
	size_t len = 0, body_len;
	int hit = 0;

	*out = NULL;
	if (!path || !path_exists(path) || read_file(path, &buf, &len) < 0)
		goto out;
	body = checked_body(buf, len, &body_len);
	if (body && entry_applies(sc, body, body_len) && !write_back(sc, body, body_len, out))
		hit = 1;
	if (!hit) {
		free(*out);
		*out = NULL;
	}
out:
	free(buf);
	free(path);
	return hit;
}

/* What spatch left of f: 0 with its bytes, -1 when it is not a regular file of f's mode. */
static int left_by_spatch(const struct scratch *sc, const struct scratch_file *f, char **data,
			  size_t *len)
{
	char *file = path_join(sc->dir, f->path);
	struct stat st;
	int ret = -1;

	if (!lstat(file, &st) && S_ISREG(st.st_mode) &&
	    (f->mode == GIT_FILEMODE_BLOB_EXECUTABLE) == !!(st.st_mode & 0100))
		ret = read_file(file, data, len);
	free(file);
	return ret;
}

static int add_changed_files(const struct scratch *sc, struct sbuf *sb)
{
	size_t i;

	for (i = 0; i < sc->nr; i++) {
		const struct scratch_file *f = &sc->files[i];
		char *now = NULL;
		size_t len;

		if (!f->mode)
			continue;
		if (f->mode == GIT_FILEMODE_LINK || strchr(f->path, '\n') ||
		    left_by_spatch(sc, f, &now, &len) < 0)
			return -1;
		if (len != f->len || memcmp(now, f->data, len)) {
			sbuf_addf(sb, "file %zu %s\n", len, f->path);
			sbuf_add(sb, now, len);
		}
		free(now);
	}
	return 0;
}

/* The cache's directory can be made: said once when not, then the cache is not used. */
static int cache_writable(void)
{
	static int state;	/* 0 unknown, 1 yes, -1 no */
	char *dir, *failed = NULL;

	if (state)
		return state > 0;
	dir = spcache_dir();
	if (!dir) {
		warn("spatch results are not cached in this run: no HOME, XDG_CACHE_HOME or LTSPORT_CACHE_DIR");
		state = -1;
	} else if (mkdir_p_quiet(dir, &failed) < 0) {
		warn("spatch results are not cached in this run: %s: %s", failed, strerror(errno));
		state = -1;
	} else {
		state = 1;
	}
	free(failed);
	free(dir);
	return state > 0;
}

void spcache_store(const char *key, const struct scratch *sc, const char *out)
{
	char *path = entry_path(key), *dir;
	struct sbuf sb = {0};
	char hash[HASH_HEXSZ + 1];

	if (!path)
		return;
	sbuf_adds(&sb, MAGIC);
	sbuf_addf(&sb, "out %zu\n", out ? strlen(out) : 0);
	if (out)
		sbuf_adds(&sb, out);
	if (add_changed_files(sc, &sb) < 0 || hash_hex(sb.buf, sb.len, hash) < 0)
		goto out;
	sbuf_addf(&sb, "end %s\n", hash);
	dir = dir_of(path);
	if (cache_writable() && !mkdir_p_quiet(dir, NULL))
		write_file_atomic(path, sb.buf, sb.len);
	free(dir);
out:
	sbuf_release(&sb);
	free(path);
}
