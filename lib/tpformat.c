// SPDX-License-Identifier: Apache-2.0
/* Tracefs format files (lib/tpformat.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tpformat.h"
#include "tracefs.h"
#include "util.h"

/* The number after "key:" in the field line [p, end), up to ';'; false when absent or bad. */
static bool field_uint(const char *p, const char *end, const char *key, unsigned int *out)
{
	size_t klen = strlen(key);

	for (const char *k = p; (size_t)(end - k) >= klen; k++) {
		unsigned long v = 0;
		const char *q;

		if (memcmp(k, key, klen) ||
		    (k > p && (isalnum((unsigned char)k[-1]) || k[-1] == '_')))
			continue;
		for (q = k + klen; q < end && isdigit((unsigned char)*q); q++) {
			v = v * 10 + (unsigned long)(*q - '0');
			if (v > UINT_MAX)
				return false;
		}
		if (q == k + klen || (q < end && *q != ';'))
			return false;
		*out = (unsigned int)v;
		return true;
	}
	return false;
}

static void free_field(struct bct_tp_field *fl)
{
	free(fl->decl);
	free(fl->type);
	free(fl->name);
}

/* Splits decl into type, name and array length. */
static int split_decl(struct bct_tp_field *fl)
{
	const char *d = fl->decl, *end = d + strlen(d), *name;
	size_t tlen;

	while (end > d && isspace((unsigned char)end[-1]))
		end--;
	if (end > d && end[-1] == ']') { /* "name[16]": the array belongs to the name */
		const char *open = end - 1;

		while (open > d && *open != '[')
			open--;
		if (*open != '[')
			return -EINVAL;
		for (const char *q = open + 1; q < end - 1; q++) {
			if (!isdigit((unsigned char)*q))
				return -EINVAL;
			if (fl->array_len > (INT_MAX - 9) / 10)
				return -EINVAL;
			fl->array_len = fl->array_len * 10 + (*q - '0');
		}
		end = open;
	}
	name = end;
	while (name > d && (isalnum((unsigned char)name[-1]) || name[-1] == '_'))
		name--;
	if (name == end)
		return -EINVAL;
	tlen = (size_t)(name - d);
	while (tlen && isspace((unsigned char)d[tlen - 1]))
		tlen--;
	if (!tlen)
		return -EINVAL;
	fl->name = strndup(name, (size_t)(end - name));
	fl->type = strndup(d, tlen);
	if (!fl->name || !fl->type)
		return -ENOMEM;
	return 0;
}

/* One "\tfield:DECL;\toffset:N;\tsize:N;\tsigned:N;" line. */
static int parse_field(const char *p, const char *end, struct bct_tp_field *fl)
{
	const char *semi = memchr(p, ';', (size_t)(end - p));
	unsigned int sgn = 0;
	int err;

	memset(fl, 0, sizeof(*fl));
	if (!semi)
		return -EINVAL;
	while (p < semi && isspace((unsigned char)*p))
		p++;
	fl->decl = strndup(p, (size_t)(semi - p));
	if (!fl->decl)
		return -ENOMEM;
	if (!field_uint(semi, end, "offset:", &fl->offset) ||
	    !field_uint(semi, end, "size:", &fl->size)) {
		free_field(fl);
		return -EINVAL;
	}
	if (field_uint(semi, end, "signed:", &sgn))
		fl->is_signed = sgn != 0;
	err = split_decl(fl);
	if (err) {
		free_field(fl);
		return err;
	}
	fl->common = !strncmp(fl->name, "common_", 7);
	return 0;
}

int bct_tp_format_parse(const char *text, size_t len, struct bct_tp_format *f)
{
	const char *p = text, *end = text + len;
	size_t cap = 0;
	int err = 0;

	memset(f, 0, sizeof(*f));
	while (p < end && !err) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *s = p;

		while (s < le && (*s == ' ' || *s == '\t'))
			s++;
		if ((size_t)(le - s) > 6 && !memcmp(s, "field:", 6)) {
			if (bct_grow((void **)&f->fields, &cap, f->n + 1, sizeof(*f->fields)))
				err = -ENOMEM;
			else if (!(err = parse_field(s + 6, le, &f->fields[f->n])))
				f->n++;
		} else if (!f->name && (size_t)(le - s) > 5 && !memcmp(s, "name:", 5)) {
			s += 5;
			while (s < le && *s == ' ')
				s++;
			f->name = strndup(s, (size_t)(le - s));
			if (!f->name)
				err = -ENOMEM;
		} else if ((size_t)(le - s) > 3 && !memcmp(s, "ID:", 3)) {
			unsigned long v = 0;

			for (s += 3; s < le && *s == ' '; s++)
				;
			for (; s < le && isdigit((unsigned char)*s) && v <= UINT_MAX; s++)
				v = v * 10 + (unsigned long)(*s - '0');
			f->id = v <= UINT_MAX ? (unsigned int)v : 0;
		}
		p = nl ? nl + 1 : end;
	}
	if (err)
		bct_tp_format_free(f);
	return err;
}

int bct_tp_format_read(const char *category, const char *event, struct bct_tp_format *f)
{
	char rel[512], path[PATH_MAX];
	char *text = NULL;
	size_t len = 0;
	int fd, err;

	if (snprintf(rel, sizeof(rel), "events/%s/%s/format", category, event) >= (int)sizeof(rel))
		return -ENAMETOOLONG;
	err = bct_tracefs_path(path, sizeof(path), rel);
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = bct_read_fd(fd, 4096, &text, &len);
	close(fd);
	if (err)
		return err;
	err = bct_tp_format_parse(text, len, f);
	free(text);
	return err;
}

void bct_tp_format_free(struct bct_tp_format *f)
{
	for (size_t i = 0; i < f->n; i++)
		free_field(&f->fields[i]);
	free(f->fields);
	free(f->name);
	memset(f, 0, sizeof(*f));
}
