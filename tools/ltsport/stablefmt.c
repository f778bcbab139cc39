// SPDX-License-Identifier: GPL-2.0
/*
 * The stable kernel's patch conventions: "[PATCH 6.1.y n/m]" subjects, the
 * "commit <id> upstream." first body line, the upstream message kept
 * whole, a bracketed note on how the patch was adapted, and the
 * backporter's Signed-off-by last.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "series.h"
#include "stablefmt.h"

/* "PATCH 6.1.y" for an LTS tree named "6.1"; plain "PATCH" otherwise. */
char *stable_subject_prefix(const char *tree)
{
	int maj, min;
	char end;

	if (sscanf(tree, "%d.%d%c", &maj, &min, &end) == 2)
		return xprintf("PATCH %d.%d.y", maj, min);
	return xstrdup("PATCH");
}

static size_t trim_end(const char *s, size_t n)
{
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return n;
}

/* "[ note ]" wrapped at 75 columns, as checkpatch wants commit text. */
static void add_wrapped_note(struct sbuf *sb, const char *note)
{
	const char *p = note;
	size_t col = 2;

	sbuf_adds(sb, "[ ");
	while (*p) {
		size_t w = strcspn(p, " ");

		if (col > 2 && col + 1 + w > 73) {
			sbuf_adds(sb, "\n ");
			col = 1;
		}
		if (col > 2)
			sbuf_adds(sb, " ");
		sbuf_add(sb, p, w);
		col += w + (col > 2);
		p += w;
		while (*p == ' ')
			p++;
	}
	sbuf_adds(sb, " ]\n");
}

char *stable_message(const struct series_patch *p, const char *note,
		     const git_signature *signoff)
{
	const char *msg = p->msg ? p->msg : p->subject;
	size_t slen = strcspn(msg, "\n");
	const char *body = msg + slen;
	struct sbuf sb = {0};
	char *sob;

	while (*body == '\n')
		body++;
	sbuf_add(&sb, msg, slen);
	sbuf_addf(&sb, "\n\ncommit %s upstream.\n\n", p->upstream);
	if (*body) {
		sbuf_add(&sb, body, trim_end(body, strlen(body)));
		sbuf_adds(&sb, "\n");
	} else if (!p->msg) {
		/* no upstream body at hand: say so rather than invent one */
		sbuf_adds(&sb, "[ ltsport: the upstream message was not available (no [mainline] repo);\n"
			  "  copy it from the upstream commit before sending ]\n");
	}
	add_wrapped_note(&sb, note);
	sob = xprintf("Signed-off-by: %s <%s>", signoff->name, signoff->email);
	sbuf_addf(&sb, "%s\n", sob);
	free(sob);
	return sbuf_detach(&sb);
}

/* "0001-mm-swap-fix-race-when-skipping-swapcache.patch", as format-patch names it. */
char *patch_file_name(size_t idx, const char *subject)
{
	struct sbuf sb = {0};
	int dash = 0;
	const char *p;

	sbuf_addf(&sb, "%04zu-", idx);
	for (p = subject; *p && sb.len < 5 + 52; p++) {
		if (isalnum((unsigned char)*p) || *p == '_' || *p == '.') {
			if (dash && sb.len > 5)
				sbuf_adds(&sb, "-");
			dash = 0;
			sbuf_add(&sb, p, 1);
		} else {
			dash = 1;
		}
	}
	while (sb.len > 5 && sb.buf[sb.len - 1] == '.')
		sb.buf[--sb.len] = '\0';
	sbuf_adds(&sb, ".patch");
	return sbuf_detach(&sb);
}

/* "Fri, 7 Jan 2022 01:57:16 +0300": the time in its own zone, as git writes it. */
char *rfc2822_date(git_time_t when, int offset)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};
	time_t t = (time_t)(when + (git_time_t)offset * 60);
	int off = offset < 0 ? -offset : offset;
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return NULL;
	return xprintf("%s, %d %s %d %02d:%02d:%02d %c%02d%02d", days[tm.tm_wday], tm.tm_mday,
		       months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
		       offset < 0 ? '-' : '+', off / 60, off % 60);
}

/*
 * The mail's Date: header from the author's signature: libgit2 1.5 writes
 * a zone west of UTC with a second minus sign ("-09-30" for -0930).
 */
void stable_mail_date(char **mail, const git_signature *author)
{
	char *m = *mail, *date, *eol, *out;
	char *d = strstr(m, "\nDate: ");
	char *blank = strstr(m, "\n\n");

	if (!d || (blank && blank < d))
		return;
	date = rfc2822_date(author->when.time, author->when.offset);
	if (!date)
		return;
	d += 7;
	eol = strchrnul(d, '\n');
	out = xprintf("%.*s%s%s", (int)(d - m), m, date, eol);
	free(date);
	free(m);
	*mail = out;
}
