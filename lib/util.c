// SPDX-License-Identifier: Apache-2.0
/* Small helpers shared by lib/ pieces. */
#include <errno.h>
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
