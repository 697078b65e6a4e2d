// SPDX-License-Identifier: Apache-2.0
/* bct_read_fd: whole contents, NUL-terminated, past a wrong size hint; bct_grow. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"
#include "util.h"

static void read_back(size_t n, size_t hint)
{
	char *want = malloc(n), *got = NULL;
	size_t len = 0, i;
	FILE *f = tmpfile();

	for (i = 0; i < n; i++)
		want[i] = 'a' + i % 26;
	fwrite(want, 1, n, f);
	fflush(f);
	rewind(f);
	CHECK_INT(bct_read_fd(fileno(f), hint, &got, &len), 0);
	CHECK_INT(len, n);
	CHECK(got && got[len] == '\0' && !memcmp(got, want, n));
	fclose(f);
	free(got);
	free(want);
}

UNIT_TEST(read_fd_whole_file_any_hint)
{
	read_back(0, 0);
	read_back(5, 0);
	read_back(100000, 0);
	read_back(100000, 10);
	read_back(4096, 4096);
}

UNIT_TEST(read_fd_bad_fd)
{
	char *buf = NULL;
	size_t len;

	CHECK(bct_read_fd(-1, 0, &buf, &len) < 0);
	CHECK(buf == NULL);
}

UNIT_TEST(grow_from_empty)
{
	int *v = NULL;
	size_t cap = 0;

	CHECK_INT(bct_grow((void **)&v, &cap, 1, sizeof(*v)), 0);
	CHECK(v != NULL);
	CHECK_INT(cap, 16);
	free(v);
	v = NULL;
	cap = 0;
	CHECK_INT(bct_grow((void **)&v, &cap, 1000, sizeof(*v)), 0);
	CHECK_INT(cap, 1000);
	free(v);
}

UNIT_TEST(grow_doubles_and_keeps_contents)
{
	size_t cap = 0, i;
	long *v = NULL;
	void *before;

	for (i = 0; i < 100; i++) {
		CHECK_INT(bct_grow((void **)&v, &cap, i + 1, sizeof(*v)), 0);
		CHECK(cap >= i + 1);
		v[i] = (long)i * 7;
	}
	CHECK_INT(cap, 128); /* 16, 32, 64, 128 */
	for (i = 0; i < 100; i++)
		CHECK_INT(v[i], (long)i * 7);
	/* big enough: nothing moves */
	before = v;
	CHECK_INT(bct_grow((void **)&v, &cap, 128, sizeof(*v)), 0);
	CHECK(v == before);
	CHECK_INT(cap, 128);
	/* more than twice as much: exactly what is needed */
	CHECK_INT(bct_grow((void **)&v, &cap, 1000, sizeof(*v)), 0);
	CHECK_INT(cap, 1000);
	CHECK_INT(v[99], 99 * 7);
	free(v);
}

UNIT_TEST(grow_overflow_leaves_array)
{
	size_t cap = 0;
	char *v = NULL;
	void *before;

	CHECK_INT(bct_grow((void **)&v, &cap, 4, 1), 0);
	memcpy(v, "abc", 4);
	before = v;
	CHECK_INT(bct_grow((void **)&v, &cap, SIZE_MAX / 2 + 1, 2), -ENOMEM);
	CHECK_INT(bct_grow((void **)&v, &cap, SIZE_MAX, 16), -ENOMEM);
	CHECK_INT(bct_grow((void **)&v, &cap, 17, 0), -EINVAL);
	CHECK(v == before);
	CHECK_INT(cap, 16);
	CHECK_STR(v, "abc");
	free(v);
}
