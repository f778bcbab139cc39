// SPDX-License-Identifier: GPL-2.0
/*
 * Mail as it comes: an mbox split into its messages (git format-patch
 * --stdout, b4 am, a lore thread), `git show` output told apart, and the
 * headers decoded by GMime. Every GMime call of ltsport is in this file.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

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

static GMimeParserOptions *parser_options(void)
{
	static GMimeParserOptions *opts;
	static const char *const charsets[] = { "UTF-8", "ISO-8859-1", NULL };

	if (!opts) {
		g_mime_init();
		opts = g_mime_parser_options_new();
		/* raw 8-bit headers: UTF-8 when valid, else Latin-1 (never the C locale's) */
		g_mime_parser_options_set_fallback_charsets(opts, (const char **)charsets);
		g_mime_parser_options_set_rfc2047_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
		g_mime_parser_options_set_address_compliance_mode(opts,
								  GMIME_RFC_COMPLIANCE_LOOSE);
	}
	return opts;
}

/* Unfolded, without leading and trailing blanks. */
static char *unfold(const char *v)
{
	struct sbuf sb = {0};
	size_t n;

	v += strspn(v, " \t");
	for (; *v; v++)
		if (*v != '\r' && *v != '\n')
			sbuf_add(&sb, v, 1);
	n = sb.len;
	while (n && (sb.buf[n - 1] == ' ' || sb.buf[n - 1] == '\t'))
		sb.buf[--n] = '\0';
	sb.len = n;
	return sb.buf ? sbuf_detach(&sb) : xstrdup("");
}

/* A display name as a reader shows it: each run of blanks (a fold too) one space. */
static char *one_line(const char *name)
{
	struct sbuf sb = {0};
	const char *p;

	sbuf_adds(&sb, "");
	for (p = name + strspn(name, " \t\r\n"); *p; p++) {
		if (!strchr(" \t\r\n", *p))
			sbuf_add(&sb, p, 1);
		else if (p[1] && !strchr(" \t\r\n", p[1]))
			sbuf_add(&sb, " ", 1);
	}
	return sbuf_detach(&sb);
}

static char *first_mailbox(GMimeMessage *msg)
{
	InternetAddressList *list = g_mime_message_get_from(msg);
	InternetAddress *ia;
	const char *name, *addr;
	char *clean, *who;

	if (!list || internet_address_list_length(list) < 1)
		return NULL;
	ia = internet_address_list_get_address(list, 0);
	if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
		return NULL;
	addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	name = internet_address_get_name(ia);
	if (!addr || !*addr)
		return NULL;
	if (!name || !*name)
		return xprintf("%s <%s>", addr, addr);
	clean = one_line(name);
	who = xprintf("%s <%s>", clean, addr);
	free(clean);
	return who;
}

static GMimeMessage *parse_message(const char *buf, size_t len);

int mail_parse_date(const char *s, long long *when, int *offset)
{
	GDateTime *dt;

	parser_options();	/* g_mime_init */
	dt = g_mime_utils_header_decode_date(s);
	if (!dt)
		return -1;
	*when = g_date_time_to_unix(dt);
	*offset = (int)(g_date_time_get_utc_offset(dt) / G_TIME_SPAN_MINUTE);
	g_date_time_unref(dt);
	return 0;
}

int mail_headers_parse(struct mail_headers *h, const char *buf, size_t len)
{
	GMimeMessage *msg;
	const char *v;

	memset(h, 0, sizeof(*h));
	msg = parse_message(buf, len);
	if (!msg)
		return -1;
	h->from = first_mailbox(msg);
	v = g_mime_message_get_subject(msg);
	if (v)
		h->subject = unfold(v);
	v = g_mime_object_get_header(GMIME_OBJECT(msg), "Date");
	if (v)
		h->date = unfold(v);
	g_object_unref(msg);
	return 0;
}

/*
 * One message: its mbox "From " line skipped here, as GMime's mbox format
 * would end the message at an unescaped "From " line of its body.
 */
static GMimeMessage *parse_message(const char *buf, size_t len)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;

	if (len >= 5 && !memcmp(buf, "From ", 5)) {
		const char *eol = memchr(buf, '\n', len);
		size_t skip = eol ? (size_t)(eol - buf) + 1 : len;

		buf += skip;
		len -= skip;
	}
	stream = g_mime_stream_mem_new_with_buffer(buf, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, parser_options());
	g_object_unref(parser);
	g_object_unref(stream);
	return msg;
}

int mail_decode_body(const char *buf, size_t len, char **out, size_t *out_len)
{
	GMimeMessage *msg = parse_message(buf, len);
	GMimeObject *part = msg ? g_mime_message_get_mime_part(msg) : NULL;
	GMimeContentEncoding enc;
	GMimeDataWrapper *content;
	GMimeStream *mem;
	GByteArray *bytes;
	const char *blank;
	size_t head;
	int ret = 0;

	if (!part || !GMIME_IS_PART(part))
		goto out;
	enc = g_mime_part_get_content_encoding(GMIME_PART(part));
	content = g_mime_part_get_content(GMIME_PART(part));
	if ((enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE && enc != GMIME_CONTENT_ENCODING_BASE64) ||
	    !content)
		goto out;
	blank = memmem(buf, len, "\n\n", 2);
	if (!blank)
		goto out;
	head = (size_t)(blank - buf) + 2;
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(content, mem) >= 0) {
		bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		*out = xmalloc(head + bytes->len + 1);
		memcpy(*out, buf, head);
		memcpy(*out + head, bytes->data, bytes->len);
		*out_len = head + bytes->len;
		(*out)[*out_len] = '\0';
		ret = 1;
	}
	g_object_unref(mem);
out:
	if (msg)
		g_object_unref(msg);
	return ret;
}

char *mail_mboxrd_unescape(const char *buf, size_t len, size_t *out_len)
{
	struct sbuf sb = {0};
	const char *p = buf, *end = buf + len;

	sbuf_add(&sb, "", 0);
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		const char *next = eol ? eol + 1 : end;
		size_t k = 0;

		while (p + k < next && p[k] == '>')
			k++;
		if (p != buf && k && next - p - k >= 5 && !memcmp(p + k, "From ", 5))
			p++;
		sbuf_add(&sb, p, next - p);
		p = next;
	}
	*out_len = sb.len;
	return sbuf_detach(&sb);
}

char *mail_encode_header(const char *value, int phrase)
{
	const char *p;
	char *enc, *out;

	for (p = value; *p && (unsigned char)*p < 0x80; p++)
		;
	if (!*p && (!phrase || !strpbrk(value, "()<>[]:;@\\,.\"")))
		return xstrdup(value);
	parser_options();	/* g_mime_init */
	enc = phrase ? g_mime_utils_header_encode_phrase(NULL, value, "UTF-8") :
		       g_mime_utils_header_encode_text(NULL, value, "UTF-8");
	if (!enc)
		return xstrdup(value);
	out = xstrdup(enc);
	g_free(enc);
	return out;
}

void mail_headers_release(struct mail_headers *h)
{
	free(h->from);
	free(h->date);
	free(h->subject);
	memset(h, 0, sizeof(*h));
}
