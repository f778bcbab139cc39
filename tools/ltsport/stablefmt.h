/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_STABLEFMT_H
#define LTSPORT_STABLEFMT_H

#include <git2.h>

struct series_patch;

char *stable_subject_prefix(const char *tree);
char *stable_message(const struct series_patch *p, const char *note,
		     const git_signature *signoff);
char *patch_file_name(size_t idx, const char *subject);
char *rfc2822_date(git_time_t when, int offset);
void stable_mail_date(char **mail, const git_signature *author);

/* Every mail goes to the stable list. */
#define STABLE_LIST "stable@vger.kernel.org"

/* The Cc: of a mail: each address once, its name kept as written (UTF-8). */
struct stable_cc {
	char *name;		/* "" when the trailer had none */
	char *email;
};

struct stable_ccs {
	struct stable_cc *v;
	size_t nr;
};

/*
 * Add "Name <email>", "\"Name\" <email>", "<email>" or "email", a trailing
 * " # comment" dropped; an address already there (any case) is not added
 * twice. 0, or -1 when the text holds no address.
 */
int stable_cc_add(struct stable_ccs *c, const char *addr);
/*
 * The people an upstream message names in its trailers: Signed-off-by,
 * Acked-by, Reviewed-by, Tested-by, Reported-by and Cc.
 */
void stable_cc_add_trailers(struct stable_ccs *c, const char *msg);
void stable_cc_release(struct stable_ccs *c);
/*
 * "To: stable@vger.kernel.org\nCc: ...\n": one address a line, non-ASCII
 * names RFC 2047 encoded, without skip_email (the backporter) and the list.
 */
char *stable_recipients(const struct stable_ccs *c, const char *skip_email);

/*
 * An --in-reply-to argument: one Message-ID, "<id@host>" or "id@host".
 * NULL with *out set to "<id@host>", else what is wrong with it.
 */
const char *stable_msgid_check(const char *arg, char **out);
/*
 * The Message-ID of mail n (0: the cover letter) of a port whose inputs
 * hash to key: "<ltsport.<key>.<n>@<the domain of email>>".
 */
char *stable_msgid(const char *key, size_t n, const char *email);
/*
 * The mail with its thread headers (any may be NULL) after the "From <id>"
 * line, as format-patch --thread puts them, the recipients after the
 * Subject:, and for an 8-bit mail without a Content-Type: the UTF-8 MIME
 * headers format-patch would write. The rest is kept byte for byte.
 */
char *stable_mail_headers(const char *mail, const char *msgid, const char *in_reply_to,
			  const char *references, const char *recipients);

/* One patch of the series, in the cover letter. */
struct stable_cover_item {
	const char *subject;
	const char *upstream;	/* full id */
	const char *verdict;	/* in this tree, before the port */
	const char *rung;	/* NULL: not ported (already there, not affected) */
	const char *note;	/* the adaptation note */
	size_t n;		/* its number in the mails, 1..total; 0: not sent */
};

struct stable_cover {
	const char *tree;
	const char *series;
	const char *prefix;	/* stable_subject_prefix() */
	const char *title;	/* the series' title: its first subject */
	const char *tip;	/* the tree's tip (full id) */
	const git_signature *from;	/* the backporter, and the Date */
	size_t total;		/* the patch mails */
	const struct stable_cover_item *items;
	size_t nitems;
};

#define STABLE_COVER_FILE "0000-cover-letter.patch"

/* The cover letter's text, headers for stable_mail_headers() to complete. */
char *stable_cover_letter(const struct stable_cover *c);

#endif
