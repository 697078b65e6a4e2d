/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers shared by lib/ pieces. */
#ifndef BCT_UTIL_H
#define BCT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC in nanoseconds. */
static inline uint64_t bct_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Reads fd to its end into a malloc'd, NUL-terminated buffer; size_hint (0: unknown) sizes the
 * first allocation. Does not close fd. Returns 0 or -errno (EINTR retried).
 */
int bct_read_fd(int fd, size_t size_hint, char **data, size_t *len);

/*
 * Grows the array *arr of *cap elements of elem bytes to hold at least need elements: to
 * twice its capacity, or need if more, and never fewer than 16 elements. Does nothing when it
 * is big enough. *arr may be NULL with *cap 0; it is left untouched on failure, for the caller
 * to free. Returns 0, -ENOMEM when out of memory or need * elem does not fit a size_t, or
 * -EINVAL when elem is 0.
 */
int bct_grow(void **arr, size_t *cap, size_t need, size_t elem);

/*
 * The length (1 to 4) of the well-formed UTF-8 sequence at the start of s[0..n), or 0 when
 * it starts with a byte that cannot start one, an overlong form, a surrogate, a code point
 * past U+10FFFF or a sequence cut short. n must be at least 1.
 */
size_t bct_utf8_len(const char *s, size_t n);
/* The code point of the well-formed sequence of k bytes (bct_utf8_len()) at s. */
unsigned int bct_utf8_cp(const char *s, size_t k);
/*
 * Whether JSON may carry the well-formed sequence of k bytes at s as it is: not for the C1
 * controls (U+0080..U+009F) and U+2028, U+2029, which line splitters take for line ends.
 */
static inline int bct_json_raw_ok(const char *s, size_t k)
{
	const unsigned char *p = (const unsigned char *)s;

	if (k == 2)
		return !(p[0] == 0xc2 && p[1] < 0xa0);
	if (k == 3)
		return !(p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9));
	return 1;
}

/* Buffers and Cached of /proc/meminfo, in KiB (0 when absent): cachestat's and cachetop's. */
void bct_meminfo_cache(uint64_t *buffers, uint64_t *cached);

#endif
