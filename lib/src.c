// SPDX-License-Identifier: Apache-2.0
/* Serves embedded BPF sources and headers; BCCTOOL_SRC_DIR reads them from disk instead. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src.h"

static struct bct_src *read_file(const char *dir, const char *name)
{
	struct bct_src *s;
	char path[4096];
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 16384;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	s = malloc(sizeof(*s));
	if (!s) {
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	s->name = strdup(name);
	s->text = buf;
	s->len = len;
	return s;
}

const struct bct_src *bct_src_get(const char *name)
{
	const char *dir = getenv("BCCTOOL_SRC_DIR");
	unsigned int i;

	if (dir && *dir) {
		struct bct_src *s = read_file(dir, name);

		if (s)
			return s; /* kept for the life of the process */
	}
	for (i = 0; i < bct_nsrcs; i++)
		if (!strcmp(bct_srcs[i].name, name))
			return &bct_srcs[i];
	errno = ENOENT;
	return NULL;
}
