// SPDX-License-Identifier: GPL-2.0
/*
 * Messages and memory helpers shared by every module. Allocation failure
 * is not recoverable for a command-line tool, so the x* helpers exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ctype.h>
#include <git2.h>

#include "util.h"

int verbose;

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("ltsport: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return -1;
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("ltsport: warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void progress(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	fputs("ltsport: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Report a failed libgit2 call with the library's own reason. */
int git_fail(const char *what)
{
	const git_error *e = git_error_last();

	return error("%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

static void die_oom(void)
{
	fputs("ltsport: out of memory\n", stderr);
	exit(EXIT_FAILURE);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		die_oom();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		die_oom();
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		die_oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if (sb->len + n + 1 > sb->alloc) {
		sb->alloc = (sb->len + n + 1) * 2;
		sb->buf = xrealloc(sb->buf, sb->alloc);
	}
	vsnprintf(sb->buf + sb->len, n + 1, fmt, ap);
	sb->len += n;
}

char *xprintf(const char *fmt, ...)
{
	struct sbuf sb = {0};
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return sbuf_detach(&sb);
}

void sbuf_add(struct sbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->alloc) {
		sb->alloc = (sb->len + n + 1) * 2;
		sb->buf = xrealloc(sb->buf, sb->alloc);
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sbuf_adds(struct sbuf *sb, const char *s)
{
	sbuf_add(sb, s, strlen(s));
}

void sbuf_addf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

/* Append s as a quoted JSON string. */
void sbuf_add_json(struct sbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	sbuf_adds(sb, "\"");
	for (; *p; p++) {
		switch (*p) {
		case '"':
			sbuf_adds(sb, "\\\"");
			break;
		case '\\':
			sbuf_adds(sb, "\\\\");
			break;
		case '\n':
			sbuf_adds(sb, "\\n");
			break;
		case '\t':
			sbuf_adds(sb, "\\t");
			break;
		default:
			if (*p < 0x20)
				sbuf_addf(sb, "\\u%04x", *p);
			else
				sbuf_add(sb, (const char *)p, 1);
		}
	}
	sbuf_adds(sb, "\"");
}

char *sbuf_detach(struct sbuf *sb)
{
	char *s = sb->buf ? sb->buf : xstrdup("");

	sb->buf = NULL;
	sb->len = 0;
	sb->alloc = 0;
	return s;
}

void sbuf_release(struct sbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = 0;
	sb->alloc = 0;
}

int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

int is_hex_id(const char *s, size_t min, size_t max)
{
	size_t n = 0;

	while (s[n] && isxdigit((unsigned char)s[n]) && !isupper((unsigned char)s[n]))
		n++;
	return !s[n] && n >= min && n <= max;
}

/* Seconds on the monotonic clock, for how long a step took. */
double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
