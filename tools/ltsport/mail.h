/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_MAIL_H
#define LTSPORT_MAIL_H

#include <stddef.h>

/* One message of an mbox: where it starts in the buffer and in lines. */
struct mail_part {
	size_t off, len;
	int line;		/* the file's line of its first line */
};

/*
 * Split an mbox (or one mail) at its "From " separator lines, those at the
 * start or after an empty line. A text without one is a single part.
 */
void mail_split_mbox(const char *buf, size_t len, struct mail_part **parts, size_t *nr);

/* 1 when the text is `git show`/`git log -p` output ("commit <id>" first). */
int mail_is_git_show(const char *buf, size_t len);

/*
 * The header fields of a mail, decoded as a mail reader shows them (GMime):
 * folded lines joined, RFC 2047 encoded words and raw 8-bit text in another
 * charset made UTF-8. Each is NULL when absent.
 */
struct mail_headers {
	char *from;		/* "Name <email>", the first address of From: */
	char *date;		/* as written, unfolded: RFC 2822, with its zone */
	char *subject;		/* whole, "[PATCH ...]" kept */
};

/* 0, or -1 when GMime finds no message in the text (nothing is printed). */
/*
 * An RFC 2822 date ("Fri, 7 Jan 2022 01:57:16 +0300", the weekday optional)
 * as seconds since the epoch and its zone in minutes east; 0, or -1 when
 * it is no date.
 */
int mail_parse_date(const char *s, long long *when, int *offset);

/*
 * A mail whose body is quoted-printable or base64 (a lore mail may be):
 * *out is its header block and the body decoded (the transfer encoding
 * only, no charset conversion, so a diff stays byte for byte). 1 when
 * decoded, 0 when the body needs nothing.
 */
int mail_decode_body(const char *buf, size_t len, char **out, size_t *out_len);

/* mboxrd (lore, b4): ">From " lines of a message back to "From " (one '>' less). */
char *mail_mboxrd_unescape(const char *buf, size_t len, size_t *out_len);

/*
 * A header value as git format-patch writes it: ASCII as it is, else RFC
 * 2047 encoded words in UTF-8. phrase: a display name (quoted when it
 * holds specials such as ',').
 */
char *mail_encode_header(const char *value, int phrase);

int mail_headers_parse(struct mail_headers *h, const char *buf, size_t len);
void mail_headers_release(struct mail_headers *h);

#endif
