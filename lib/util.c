// SPDX-License-Identifier: Apache-2.0
/* Small helpers shared by lib/ pieces. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

int bct_read_fd(int fd, size_t size_hint, char **data, size_t *len)
{
	size_t n = 0, cap = size_hint ? size_hint + 1 : 16384;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;

			free(buf);
			return err;
		}
		if (r == 0)
			break;
		n += r;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}
