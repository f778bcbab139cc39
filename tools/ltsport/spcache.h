/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_SPCACHE_H
#define LTSPORT_SPCACHE_H

#include "results.h"

struct scratch;

#define SPCACHE_KEYSZ INPUTS_HEXSZ

/*
 * The key of one spatch run: the spatch on PATH, the rule's text, the mode
 * and every file of the scratch copy (path, mode, content). -1 when the
 * cache is off (LTSPORT_SPATCH_CACHE=0).
 */
int spcache_key(const char *rule, const char *mode, int in_place, const struct scratch *sc,
		char key[SPCACHE_KEYSZ + 1]);

/*
 * A run of the same key before: 1 with the files it changed written into
 * sc->dir and its standard output in *out (to be freed); 0 when there is
 * none, or it is torn, or it names a file the copy does not have.
 */
int spcache_load(const char *key, struct scratch *sc, char **out);

/*
 * Keep what a clean run (exit 0, in time, nothing on stderr) left in
 * sc->dir under key: the files that differ from the copy, and out (NULL:
 * none). Nothing is kept when a file is no longer a regular file; a cache
 * that cannot be written is said once and then not used.
 */
void spcache_store(const char *key, const struct scratch *sc, const char *out);

/* The cache's directory: $LTSPORT_CACHE_DIR/spatch, else the XDG cache's. */
char *spcache_dir(void);

#endif
