// SPDX-License-Identifier: Apache-2.0
/* fdinfo text of BPF objects: pure parsing, no I/O (fuzzed by test/fuzz/fuzz_fdinfo.c). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fdinfo.h"

bool bct_fdinfo_type(const char *target, char *type, size_t sz)
{
	static const char prefix[] = "anon_inode:bpf-";
	const char *p;
	size_t n = 0;

	if (!strcmp(target, "anon_inode:bpf_link")) {
		if (sz < sizeof("link"))
			return false;
		memcpy(type, "link", sizeof("link"));
		return true;
	}
	if (strncmp(target, prefix, sizeof(prefix) - 1))
		return false;
	p = target + sizeof(prefix) - 1;
	while (p[n] && (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '-'))
		n++;
	if (!n || n >= sz)
		return false;
	memcpy(type, p, n);
	type[n] = '\0';
	return true;
}

bool bct_fdinfo_get(const char *info, const char *key, char *buf, size_t sz)
{
	size_t klen = strlen(key);
	const char *line = info;

	if (!sz)
		return false;
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (len > klen && !strncmp(line, key, klen) && line[klen] == ':') {
			const char *v = line + klen + 1;
			size_t vlen;

			while (v < line + len && (*v == '\t' || *v == ' '))
				v++;
			vlen = line + len - v;
			if (vlen >= sz)
				vlen = sz - 1;
			memcpy(buf, v, vlen);
			buf[vlen] = '\0';
			return true;
		}
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

bool bct_fdinfo_u64(const char *info, const char *key, uint64_t *out)
{
	char buf[32], *end;

	if (!bct_fdinfo_get(info, key, buf, sizeof(buf)))
		return false;
	errno = 0;
	*out = strtoull(buf, &end, 10);
	return !errno && end != buf && *end == '\0';
}

void bct_fdinfo_each(const char *info, void (*fn)(void *ctx, const char *k, const char *v),
		     void *ctx)
{
	const char *line = info;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *colon = memchr(line, ':', len);
		char k[64], v[512];

		if (colon && (size_t)(colon - line) < sizeof(k)) {
			const char *val = colon + 1;
			size_t vlen;

			memcpy(k, line, colon - line);
			k[colon - line] = '\0';
			while (val < line + len && (*val == '\t' || *val == ' '))
				val++;
			vlen = line + len - val;
			if (vlen >= sizeof(v))
				vlen = sizeof(v) - 1;
			memcpy(v, val, vlen);
			v[vlen] = '\0';
			fn(ctx, k, v);
		}
		line = nl ? nl + 1 : NULL;
	}
}
