/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_UTIL_H
#define LTSPORT_UTIL_H

#include <stddef.h>
#include <stdarg.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit codes shared by every subcommand. */
#define EXIT_OK		0
#define EXIT_VERDICT	1	/* the tool ran, the answer is bad news */
#define EXIT_USAGE	2	/* bad input: nothing was written */

extern int verbose;

int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int git_fail(const char *what);

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable string; .buf is always NUL-terminated once anything was added. */
struct sbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

void sbuf_add(struct sbuf *sb, const char *s, size_t n);
void sbuf_adds(struct sbuf *sb, const char *s);
void sbuf_addf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sbuf_add_json(struct sbuf *sb, const char *s);
char *sbuf_detach(struct sbuf *sb);
void sbuf_release(struct sbuf *sb);

int starts_with(const char *s, const char *prefix);
int is_hex_id(const char *s, size_t min, size_t max);

#endif
