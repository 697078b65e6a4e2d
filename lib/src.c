// SPDX-License-Identifier: Apache-2.0
/* Serves embedded BPF sources and headers; BCCTOOL_SRC_DIR reads them from disk instead. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src.h"
#include "util.h"

static struct bct_src *read_file(const char *dir, const char *name)
{
	struct bct_src *s;
	char path[4096];
	char *buf;
	size_t len;
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	err = bct_read_fd(fd, 0, &buf, &len);
	close(fd);
	if (err) {
		errno = -err;
		return NULL;
	}
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

/* Sources read from BCCTOOL_SRC_DIR: kept (and reachable) for the life of the process. */
static struct bct_src **dir_srcs;
static size_t ndir_srcs, dir_srcs_cap;

static const struct bct_src *keep(struct bct_src *s)
{
	if (bct_grow((void **)&dir_srcs, &dir_srcs_cap, ndir_srcs + 1, sizeof(*dir_srcs))) {
		free((char *)s->name);
		free((char *)s->text);
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	dir_srcs[ndir_srcs++] = s;
	return s;
}

/* Sources a tool generated at run time (trace, argdist): found before the embedded ones. */
static struct bct_src **gen_srcs;
static size_t ngen_srcs, gen_srcs_cap;

int bct_src_set(const char *name, const char *text)
{
	struct bct_src *s = calloc(1, sizeof(*s));
	size_t i;

	if (!s)
		return -ENOMEM;
	s->name = strdup(name);
	s->text = strdup(text);
	s->len = strlen(text);
	if (!s->name || !s->text ||
	    bct_grow((void **)&gen_srcs, &gen_srcs_cap, ngen_srcs + 1, sizeof(*gen_srcs))) {
		free((char *)s->name);
		free((char *)s->text);
		free(s);
		return -ENOMEM;
	}
	for (i = 0; i < ngen_srcs; i++)
		if (!strcmp(gen_srcs[i]->name, name))
			break;
	if (i < ngen_srcs) {
		/* replaced: set it before anything reads it */
		free((char *)gen_srcs[i]->name);
		free((char *)gen_srcs[i]->text);
		free(gen_srcs[i]);
	} else {
		ngen_srcs++;
	}
	gen_srcs[i] = s;
	return 0;
}

const struct bct_src *bct_src_get(const char *name)
{
	const char *dir = getenv("BCCTOOL_SRC_DIR");
	unsigned int i;

	for (i = 0; i < ngen_srcs; i++)
		if (!strcmp(gen_srcs[i]->name, name))
			return gen_srcs[i];

	if (dir && *dir) {
		struct bct_src *s = read_file(dir, name);

		if (s)
			return keep(s);
	}
	for (i = 0; i < bct_nsrcs; i++)
		if (!strcmp(bct_srcs[i].name, name))
			return &bct_srcs[i];
	errno = ENOENT;
	return NULL;
}

const char *bct_src_includes(const char *text)
{
	unsigned int i;

	for (i = 0; i < bct_nsrcs; i++)
		if (bct_srcs[i].text == text)
			return bct_srcs[i].includes ? bct_srcs[i].includes : text;
	return text;
}
