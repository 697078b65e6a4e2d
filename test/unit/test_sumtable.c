// SPDX-License-Identifier: Apache-2.0
/* BCC's total-per-name table (hardirqs, softirqs): layout, order, units, JSON. */
#include <stdlib.h>

#include "sumtable.h"
#include "unit.h"

static struct bct_hist_entry entry(const char *name, uint64_t total, uint64_t count)
{
	struct bct_hist_entry e = { .total = total, .count = count };

	snprintf(e.name, sizeof(e.name), "%s", name);
	return e;
}

/* The table of v as printed; timestamp off. Caller frees. */
static char *print(const char *unit, uint64_t factor, bool json, struct bct_hist_entry *v, size_t n)
{
	struct bct_sum_table t;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(f != NULL);
	CHECK_INT(bct_sum_table_init(&t, f, "HARDIRQ", "hardirq", 26, unit, factor, json, false),
		  0);
	bct_sum_table_print(&t, f, v, n);
	bct_sum_table_free(&t);
	fclose(f);
	return buf;
}

UNIT_TEST(sum_table_usecs_smallest_first_truncated)
{
	struct bct_hist_entry v[] = {
		entry("virtio1-req.0", 177999, 60), entry("eth0", 1999, 2),
		entry("a-very-long-handler-name-of-31c", 2500, 1),
		entry("ttyS0", 1999, 1), /* a tie with eth0: by name */
	};
	char *s = print("usecs", 1000, false, v, 4);

	CHECK_STR(s, "\n"
		     "HARDIRQ                    TOTAL_usecs\n"
		     "eth0                                 1\n"
		     "ttyS0                                1\n"
		     "a-very-long-handler-name-of-31c           2\n"
		     "virtio1-req.0                      177\n");
	free(s);
}

UNIT_TEST(sum_table_counts_and_empty)
{
	struct bct_hist_entry v[] = { entry("b", 0, 7), entry("a", 0, 9) };
	char *s = print("count", 0, false, v, 2);

	CHECK_STR(s, "\n"
		     "HARDIRQ                    TOTAL_count\n"
		     "b                                    7\n"
		     "a                                    9\n");
	free(s);
	s = print("nsecs", 1, false, v, 0);
	CHECK_STR(s, "\nHARDIRQ                    TOTAL_nsecs\n");
	free(s);
}

UNIT_TEST(sum_table_json)
{
	struct bct_hist_entry v[] = { entry("x\"y", 5000, 3) };
	char *s = print("usecs", 1000, true, v, 1);

	CHECK(strstr(s, "{\"ts\":\"") == s);
	CHECK(strstr(s, "\",\"hardirq\":\"x\\\"y\",\"total_usecs\":5,\"count\":3}\n") != NULL);
	CHECK(strchr(s, '\n') == s + strlen(s) - 1);
	free(s);
	s = print("count", 0, true, v, 0);
	CHECK_STR(s, "");
	free(s);
}
