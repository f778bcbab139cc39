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
#include "mail.h"
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

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* An address as a mail header may carry it: one '@', no space or specials. */
static int plain_email(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);
	size_t i;

	if (!at || at == s || at == s + n - 1 || memchr(at + 1, '@', s + n - at - 1))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f ||
		    strchr("<>()[],;:\\\"", s[i]))
			return 0;
	return 1;
}

int stable_cc_add(struct stable_ccs *c, const char *addr)
{
	const char *a = skip_space(addr), *lt = strchr(a, '<'), *gt, *email;
	size_t elen, nlen = 0, i;
	char *name;

	if (lt) {
		gt = strchr(lt, '>');
		if (!gt)
			return -1;
		email = lt + 1;
		elen = gt - email;
		nlen = trim_end(a, lt - a);
		if (nlen >= 2 && a[0] == '"' && a[nlen - 1] == '"') {
			a++;
			nlen -= 2;
		}
	} else {
		email = a;
		elen = strcspn(a, " \t#");
	}
	if (!plain_email(email, elen))
		return -1;
	for (i = 0; i < c->nr; i++) {
		if (strlen(c->v[i].email) != elen || strncasecmp(c->v[i].email, email, elen))
			continue;
		if (!*c->v[i].name && nlen) {
			free(c->v[i].name);
			c->v[i].name = xstrndup(a, nlen);
		}
		return 0;
	}
	name = xstrndup(a, nlen);
	c->v = xrealloc(c->v, (c->nr + 1) * sizeof(*c->v));
	c->v[c->nr].name = name;
	c->v[c->nr++].email = xstrndup(email, elen);
	return 0;
}

void stable_cc_add_trailers(struct stable_ccs *c, const char *msg)
{
	static const char *const tags[] = {
		"Signed-off-by:", "Acked-by:", "Reviewed-by:", "Tested-by:", "Reported-by:", "Cc:",
	};
	const char *line;

	for (line = msg; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		size_t len = strcspn(line, "\n"), k;
		char *val;

		for (k = 0; k < ARRAY_SIZE(tags); k++) {
			size_t tl = strlen(tags[k]);

			if (len <= tl || strncasecmp(line, tags[k], tl))
				continue;
			val = xstrndup(line + tl, len - tl);
			stable_cc_add(c, val);
			free(val);
			break;
		}
	}
}

void stable_cc_release(struct stable_ccs *c)
{
	size_t i;

	for (i = 0; i < c->nr; i++) {
		free(c->v[i].name);
		free(c->v[i].email);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* A display name for a header: quoted when it holds specials, RFC 2047 when not ASCII. */
static char *header_name(const char *name)
{
	struct sbuf sb = {0};
	const char *p;

	for (p = name; *p && (unsigned char)*p < 0x80; p++)
		;
	if (*p)
		return mail_encode_header(name, 1);
	if (!strpbrk(name, "()<>[]:;@\\,.\""))
		return xstrdup(name);
	sbuf_adds(&sb, "\"");
	for (p = name; *p; p++) {
		if (*p == '"' || *p == '\\')
			sbuf_adds(&sb, "\\");
		sbuf_add(&sb, p, 1);
	}
	sbuf_adds(&sb, "\"");
	return sbuf_detach(&sb);
}

char *stable_recipients(const struct stable_ccs *c, const char *skip_email)
{
	struct sbuf sb = {0};
	size_t i, n = 0;

	sbuf_adds(&sb, "To: " STABLE_LIST "\n");
	for (i = 0; i < c->nr; i++) {
		const struct stable_cc *cc = &c->v[i];
		char *name;

		if ((skip_email && !strcasecmp(cc->email, skip_email)) ||
		    !strcasecmp(cc->email, STABLE_LIST))
			continue;
		sbuf_adds(&sb, n++ ? ",\n    " : "Cc: ");
		if (!*cc->name) {
			sbuf_adds(&sb, cc->email);
			continue;
		}
		name = header_name(cc->name);
		sbuf_addf(&sb, "%s <%s>", name, cc->email);
		free(name);
	}
	if (n)
		sbuf_adds(&sb, "\n");
	return sbuf_detach(&sb);
}

const char *stable_msgid_check(const char *arg, char **out)
{
	const char *id = arg, *at, *p;
	size_t n = strlen(arg);

	*out = NULL;
	if (n && arg[0] == '<') {
		if (arg[n - 1] != '>')
			return "a '<' without its closing '>'";
		id++;
		n -= 2;
	}
	if (!n)
		return "an empty Message-ID";
	for (p = id; p < id + n; p++) {
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return "a space, control or non-ASCII character";
		if (*p == '<' || *p == '>')
			return "more than one <...>";
		if (strchr("(),;:\\\"", *p))
			return "a character a Message-ID cannot hold";
	}
	at = memchr(id, '@', n);
	if (!at)
		return "no '@'";
	if (memchr(at + 1, '@', id + n - at - 1))
		return "more than one '@'";
	if (at == id || at == id + n - 1)
		return "nothing on one side of the '@'";
	*out = xprintf("<%.*s>", (int)n, id);
	return NULL;
}

char *stable_msgid(const char *key, size_t n, const char *email)
{
	const char *at = email ? strrchr(email, '@') : NULL;
	struct sbuf dom = {0};
	const char *p;
	char *id;

	for (p = at ? at + 1 : ""; *p; p++)
		if (isalnum((unsigned char)*p) || *p == '-' || (*p == '.' && dom.len))
			sbuf_add(&dom, p, 1);
	while (dom.len && dom.buf[dom.len - 1] == '.')
		dom.buf[--dom.len] = '\0';
	id = xprintf("<ltsport.%s.%zu@%s>", key, n, dom.len ? dom.buf : "localhost");
	sbuf_release(&dom);
	return id;
}

static int ascii_only(const char *s)
{
	while (*s && (unsigned char)*s < 0x80)
		s++;
	return !*s;
}

/* The header block (up to the first empty line) has a field of that name. */
static int has_header(const char *h, const char *name)
{
	const char *line, *end;

	for (line = h; *line && *line != '\n'; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (!strncasecmp(line, name, strlen(name)))
			return 1;
	}
	return 0;
}

char *stable_mail_headers(const char *mail, const char *msgid, const char *in_reply_to,
			  const char *references, const char *recipients)
{
	const char *first = starts_with(mail, "From ") ? strchrnul(mail, '\n') : mail;
	const char *after = NULL, *line, *end;
	struct sbuf sb = {0};

	if (*first == '\n')
		first++;
	/* the end of Subject: and its continuation lines, in the header block */
	for (line = first; *line && *line != '\n'; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (!starts_with(line, "Subject:"))
			continue;
		while (*end && (end[1] == ' ' || end[1] == '\t'))
			end = strchrnul(end + 1, '\n');
		after = *end ? end + 1 : end;
		break;
	}
	if (!after)
		after = first;
	sbuf_add(&sb, mail, first - mail);
	if (msgid)
		sbuf_addf(&sb, "Message-ID: %s\n", msgid);
	if (in_reply_to)
		sbuf_addf(&sb, "In-Reply-To: %s\n", in_reply_to);
	if (references)
		sbuf_addf(&sb, "References: %s\n", references);
	sbuf_add(&sb, first, after - first);
	if (recipients)
		sbuf_adds(&sb, recipients);
	if (!ascii_only(mail) && !has_header(first, "Content-Type:"))
		sbuf_adds(&sb, "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
			  "Content-Transfer-Encoding: 8bit\n");
	sbuf_adds(&sb, after);
	return sbuf_detach(&sb);
}

char *stable_cover_letter(const struct stable_cover *c)
{
	char *date = rfc2822_date(c->from->when.time, c->from->when.offset);
	char *name = header_name(c->from->name);
	char *subj = mail_encode_header(c->title, 0);
	struct sbuf sb = {0};
	size_t i;

	sbuf_addf(&sb, "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
		  "From: %s <%s>\nDate: %s\nSubject: [%s 0/%zu] %s\n\n",
		  name, c->from->email, date ? date : "", c->prefix, c->total, subj);
	sbuf_addf(&sb, "The %zu patch%s of the series %s that %s lacks, ported onto its\n"
		  "tip %.12s by ltsport. The series in this tree:\n",
		  c->total, c->total == 1 ? "" : "es", c->series, c->tree, c->tip);
	for (i = 0; i < c->nitems; i++) {
		const struct stable_cover_item *it = &c->items[i];

		sbuf_adds(&sb, "\n");
		if (it->n)
			sbuf_addf(&sb, "%zu/%zu %s\n", it->n, c->total, it->subject);
		else
			sbuf_addf(&sb, "-   %s\n", it->subject);
		sbuf_addf(&sb, "    upstream %.12s: %s here; ", it->upstream, it->verdict);
		if (it->rung)
			sbuf_addf(&sb, "ported by the %s rung\n", it->rung);
		else
			sbuf_adds(&sb, "not sent\n");
		if (it->rung && it->note && *it->note)
			add_wrapped_note(&sb, it->note);
	}
	sbuf_adds(&sb, "\n-- ");	/* the signature's separator */
	sbuf_adds(&sb, "\nltsport\n");
	free(date);
	free(name);
	free(subj);
	return sbuf_detach(&sb);
}
