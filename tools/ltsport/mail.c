// SPDX-License-Identifier: GPL-2.0
/*
 * Mail as it comes: an mbox split into its messages (git format-patch
 * --stdout, b4 am, a lore thread), and `git show` output told apart.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "mail.h"

/*
 * An mbox separator, "From <sender> Mon Sep 17 00:00:00 2001": a weekday
 * and a time after the sender, so that a body's "From now on" is none (a
 * format-patch file alone does not escape it).
 */
static int is_from_line(const char *p, const char *end)
{
	static const char *const days[] = { "Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun " };
	const char *q = p + 5, *eol = memchr(p, '\n', end - p);
	size_t i;

	if (!eol)
		eol = end;
	if (eol - p < 5 || memcmp(p, "From ", 5))
		return 0;
	while (q < eol && *q != ' ')
		q++;
	while (q < eol && *q == ' ')
		q++;
	if (eol - q < 4)
		return 0;
	for (i = 0; i < ARRAY_SIZE(days); i++)
		if (!memcmp(q, days[i], 4))
			break;
	if (i == ARRAY_SIZE(days))
		return 0;
	for (; q + 8 <= eol; q++)
		if (isdigit((unsigned char)q[0]) && isdigit((unsigned char)q[1]) && q[2] == ':' &&
		    isdigit((unsigned char)q[3]) && isdigit((unsigned char)q[4]) && q[5] == ':' &&
		    isdigit((unsigned char)q[6]) && isdigit((unsigned char)q[7]))
			return 1;
	return 0;
}

void mail_split_mbox(const char *buf, size_t len, struct mail_part **parts, size_t *nr)
{
	const char *p = buf, *end = buf + len;
	struct mail_part *v = NULL;
	size_t n = 0;
	int line = 1, blank = 1;

	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		const char *next = eol ? eol + 1 : end;

		if (blank && is_from_line(p, end)) {
			if (n)
				v[n - 1].len = (size_t)(p - buf) - v[n - 1].off;
			v = xrealloc(v, (n + 1) * sizeof(*v));
			v[n].off = (size_t)(p - buf);
			v[n].line = line;
			n++;
		} else if (!n) {
			/* a single mail without a "From " line */
			v = xrealloc(v, sizeof(*v));
			v[0].off = 0;
			v[0].line = 1;
			n = 1;
		}
		blank = (eol ? eol : end) == p;
		p = next;
		line++;
	}
	if (n)
		v[n - 1].len = len - v[n - 1].off;
	*parts = v;
	*nr = n;
}

int mail_is_git_show(const char *buf, size_t len)
{
	size_t i;

	if (len < 7 + 40 || memcmp(buf, "commit ", 7))
		return 0;
	for (i = 7; i < 7 + 40; i++)
		if (!isxdigit((unsigned char)buf[i]) || isupper((unsigned char)buf[i]))
			return 0;
	return 1;
}
