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

#endif
