// SPDX-License-Identifier: Apache-2.0
/* bct_read_fd: whole contents, NUL-terminated, past a wrong size hint. */
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
