// SPDX-License-Identifier: Apache-2.0
/* lib/lbhist.c: libbpf-tools' histogram text, against what its print_log2_hist prints. */
#include <stdlib.h>
#include <string.h>

#include "lbhist.h"
#include "unit.h"

static char *print(const uint64_t *vals, size_t n, const char *unit)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	bct_lbhist_print_log2(f, vals, n, unit);
	fclose(f);
	return buf;
}

UNIT_TEST(lbhist_log2)
{
	/* slot 1: 0..1, slot 3: 4..7 (3 of them), slot 4: 8..15 (7: 40 * 7 / 7 stars) */
	uint64_t vals[6] = { 0, 1, 0, 3, 7, 0 };
	char *text = print(vals, 6, "usecs");

	CHECK_STR(
		text,
		"     usecs               : count    distribution\n"
		"         0 -> 1          : 1        |*****                                   |\n"
		"         2 -> 3          : 0        |                                        |\n"
		"         4 -> 7          : 3        |*****************                       |\n"
		"         8 -> 15         : 7        |****************************************|\n");
	free(text);
	memset(vals, 0, sizeof(vals));
	text = print(vals, 6, "usecs");
	CHECK_STR(text, "");
	free(text);
}

UNIT_TEST(lbhist_log2_wide)
{
	uint64_t vals[40] = { 0 };
	char *text;

	vals[34] = 2; /* libbpf-tools' slot 33: the wide form */
	text = print(vals, 40, "nsecs");
	CHECK(strncmp(text,
		      "               nsecs                         : count    distribution\n",
		      69) == 0);
	CHECK(strstr(text, "\n          8589934592 -> 17179869183          : 2        "
			   "|********************|\n") != NULL);
	free(text);
}
