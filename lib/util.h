/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers shared by lib/ pieces. */
#ifndef BCT_UTIL_H
#define BCT_UTIL_H

#include <stddef.h>

/*
 * Reads fd to its end into a malloc'd, NUL-terminated buffer; size_hint (0: unknown) sizes the
 * first allocation. Does not close fd. Returns 0 or -errno (EINTR retried).
 */
int bct_read_fd(int fd, size_t size_hint, char **data, size_t *len);

#endif
