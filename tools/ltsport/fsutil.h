/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_FSUTIL_H
#define LTSPORT_FSUTIL_H

#include <stddef.h>

int read_file(const char *path, char **out, size_t *len);
int read_file_quiet(const char *path, char **out);
int write_file(const char *path, const char *data, size_t len);
int fsync_dir(const char *dir);
int write_file_atomic(const char *path, const char *data, size_t len);
/* text to path atomically, or to stdout when path is NULL; what names it in an error. */
int write_text_out(const char *path, const char *text, const char *what);
int mkdir_p(const char *path);
int mkdir_p_quiet(const char *path, char **failed);
int rm_rf(const char *path);
int path_exists(const char *path);
int is_dir(const char *path);
char *dir_of(const char *path);
const char *base_name(const char *path);
char *path_join(const char *dir, const char *name);
char *make_temp_dir(const char *parent, const char *prefix);
int install_dir(const char *tmp, const char *dest);

#endif
