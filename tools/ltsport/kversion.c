// SPDX-License-Identifier: GPL-2.0
/* The version of a kernel tree, from the "KEY = value" lines of its Makefile. */
#include <stdlib.h>
#include <string.h>

#include "kversion.h"

#define MAX_DIGITS 9

/* The value of "key = value" in buf, trimmed; 0 when found. */
static int value_of(const char *buf, size_t len, const char *key, const char **v,
		    size_t *vlen)
{
	size_t n = strlen(key), i = 0;

	while (i < len) {
		const char *line = buf + i, *nl = memchr(line, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - line) : len - i, k;

		i += ll + 1;
		if (ll <= n || memcmp(line, key, n) || !strchr(" \t=", line[n]))
			continue;
		for (k = n; k < ll && (line[k] == ' ' || line[k] == '\t'); k++)
			;
		if (k == ll || line[k] != '=')
			continue;
		for (k++; k < ll && (line[k] == ' ' || line[k] == '\t'); k++)
			;
		while (ll > k && strchr(" \t\r", line[ll - 1]))
			ll--;
		*v = line + k;
		*vlen = ll - k;
		return 0;
	}
	return -1;
}

static int number_of(const char *buf, size_t len, const char *key, unsigned long *out)
{
	const char *v;
	size_t n, i;

	if (value_of(buf, len, key, &v, &n) || !n || n > MAX_DIGITS)
		return -1;
	for (i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return -1;
	*out = strtoul(v, NULL, 10);
	return 0;
}

int kversion_parse(const char *buf, size_t len, struct kversion *kv)
{
	const char *v;
	size_t n;

	memset(kv, 0, sizeof(*kv));
	if (number_of(buf, len, "VERSION", &kv->version) ||
	    number_of(buf, len, "PATCHLEVEL", &kv->patchlevel))
		return 1;
	if (!value_of(buf, len, "SUBLEVEL", &v, &n) && n &&
	    number_of(buf, len, "SUBLEVEL", &kv->sublevel))
		return 1;
	kv->extra_plain = 1;
	if (!value_of(buf, len, "EXTRAVERSION", &v, &n) && n) {
		if (n >= sizeof(kv->extra))
			n = sizeof(kv->extra) - 1, kv->extra_plain = 0;
		memcpy(kv->extra, v, n);
		kv->extra[n] = '\0';
		if (kv->extra[strspn(kv->extra,
				     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_+")])
			kv->extra_plain = 0;
	}
	return 0;
}
