// SPDX-License-Identifier: Apache-2.0
/* Small helpers shared by lib/ pieces. */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

#define GROW_MIN 16

int bct_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap;
	void *p;

	if (need <= n)
		return 0;
	if (!elem)
		return -EINVAL;
	if (need > SIZE_MAX / elem)
		return -ENOMEM;
	n = n <= SIZE_MAX / 2 / elem ? 2 * n : need;
	if (n < need)
		n = need;
	if (n < GROW_MIN && GROW_MIN <= SIZE_MAX / elem)
		n = GROW_MIN;
	p = realloc(*arr, n * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

int bct_read_fd(int fd, size_t size_hint, char **data, size_t *len)
{
	size_t n = 0, cap = 0;
	char *buf = NULL;
	int err;

	/* the first allocation holds the hint and the NUL */
	err = bct_grow((void **)&buf, &cap, size_hint ? size_hint + 1 : 16384, 1);
	while (!err) {
		ssize_t r = read(fd, buf + n, cap - n - 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (r == 0) {
			buf[n] = '\0';
			*data = buf;
			*len = n;
			return 0;
		}
		n += r;
		err = bct_grow((void **)&buf, &cap, n + 2, 1);
	}
	free(buf);
	return err;
}

size_t bct_utf8_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 0;
	len = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	/* The second byte's range excludes overlong forms, surrogates and past U+10FFFF. */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

unsigned int bct_utf8_cp(const char *s, size_t k)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned int cp;
	size_t i;

	if (k <= 1)
		return p[0];
	cp = p[0] & (0x7f >> k);
	for (i = 1; i < k; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	return cp;
}

void bct_meminfo_cache(uint64_t *buffers, uint64_t *cached)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	unsigned long long v;

	*buffers = *cached = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Buffers: %llu", &v) == 1)
			*buffers = v;
		else if (sscanf(line, "Cached: %llu", &v) == 1)
			*cached = v;
	}
	fclose(f);
}
