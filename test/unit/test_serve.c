// SPDX-License-Identifier: Apache-2.0
/*
 * bcctool serve's exposition (lib/serve.h): exact bucket bounds at powers of two, exact
 * decimals, cumulative buckets, +Inf = _count, the --max-series cap.
 */
#include <stdlib.h>
#include <string.h>

#include "serve.h"
#include "unit.h"

/* The BPF side's slot of a value (bpf-src/bct_hist.bpf.h bct_log2_slot()): 0, 1 -> 1. */
static unsigned int slot_of(uint64_t v)
{
	unsigned int s = 1;

	while (v > 1) {
		v >>= 1;
		s++;
	}
	return s;
}

UNIT_TEST(serve_number_exact)
{
	struct bct_serve_unit us = bct_serve_unit("usecs"), kb = bct_serve_unit("kbytes");
	struct bct_serve_unit none = bct_serve_unit("slots");
	char buf[80];

	CHECK_STR(us.base, "seconds");
	CHECK(none.base == NULL);
	bct_serve_number(buf, sizeof(buf), 3, &us, false);
	CHECK_STR(buf, "0.000003");
	bct_serve_number(buf, sizeof(buf), 1023, &us, false);
	CHECK_STR(buf, "0.001023");
	bct_serve_number(buf, sizeof(buf), 2000000, &us, false);
	CHECK_STR(buf, "2");
	bct_serve_number(buf, sizeof(buf), 2000000, &us, true);
	CHECK_STR(buf, "2.0");
	bct_serve_number(buf, sizeof(buf), UINT64_MAX, &us, false);
	CHECK_STR(buf, "18446744073709.551615");
	bct_serve_number(buf, sizeof(buf), 0, &us, false);
	CHECK_STR(buf, "0");
	bct_serve_number(buf, sizeof(buf), UINT64_MAX, &kb, false);
	CHECK_STR(buf, "18889465931478580853760");
	bct_serve_number(buf, sizeof(buf), 7, &none, false);
	CHECK_STR(buf, "7");
}

/* The bucket of a value at and around each power of two: v <= le, and v > the previous le. */
UNIT_TEST(serve_bucket_seams)
{
	struct bct_serve_unit b = bct_serve_unit("bytes");
	uint64_t slots[65];
	char *text = NULL, want[128], prev[128];
	size_t len = 0;
	int k;

	for (k = 1; k < 63; k++) {
		uint64_t vals[3] = { (1ULL << k) - 1, 1ULL << k, (1ULL << k) + 1 };

		for (int i = 0; i < 3; i++) {
			struct bct_expo e = { 0 };
			unsigned int s = slot_of(vals[i]);
			uint64_t le = (s >= 64 ? UINT64_MAX : (1ULL << s) - 1);

			memset(slots, 0, sizeof(slots));
			slots[s] = 1;
			e.out = open_memstream(&text, &len);
			bct_expo_hist(&e, "x_bytes", NULL, NULL, slots, 65, false, vals[i], &b);
			fclose(e.out);
			CHECK(vals[i] <= le);
			CHECK(s == 1 || vals[i] > ((1ULL << (s - 1)) - 1));
			/* its own bucket holds it, the one before does not */
			snprintf(want, sizeof(want), "x_bytes_bucket{le=\"%llu\"} 1\n",
				 (unsigned long long)le);
			snprintf(prev, sizeof(prev), "x_bytes_bucket{le=\"%llu\"} 0\n",
				 (unsigned long long)((1ULL << (s - 1)) - 1));
			CHECK(strstr(text, want) != NULL);
			CHECK(s == 1 || strstr(text, prev) != NULL);
			CHECK(strstr(text, "x_bytes_bucket{le=\"+Inf\"} 1\n") != NULL);
			CHECK(strstr(text, "x_bytes_count 1\n") != NULL);
			free(text);
			text = NULL;
		}
	}
}

UNIT_TEST(serve_hist_cumulative_labels_cap)
{
	struct bct_serve_unit us = bct_serve_unit("usecs");
	uint64_t slots[8] = { 0, 2, 0, 3, 0, 0, 0, 9 }; /* the last slot: beyond, +Inf only */
	struct bct_expo e = { 0 };
	char *text = NULL;
	size_t len = 0;

	e.out = open_memstream(&text, &len);
	bct_expo_hist(&e, "t_seconds", "disk", "s\"d", slots, 8, false, 42, &us);
	fclose(e.out);
	CHECK_STR(text, "t_seconds_bucket{disk=\"s\\\"d\",le=\"0.000001\"} 2\n"
			"t_seconds_bucket{disk=\"s\\\"d\",le=\"0.000003\"} 2\n"
			"t_seconds_bucket{disk=\"s\\\"d\",le=\"0.000007\"} 5\n"
			"t_seconds_bucket{disk=\"s\\\"d\",le=\"+Inf\"} 14\n"
			"t_seconds_sum{disk=\"s\\\"d\"} 0.000042\n"
			"t_seconds_count{disk=\"s\\\"d\"} 14\n");
	CHECK_INT(e.series, 6);
	free(text);
	text = NULL;
	/* a series that does not fit is left out whole, and counted */
	e.max_series = 8;
	e.out = open_memstream(&text, &len);
	bct_expo_hist(&e, "t_seconds", NULL, NULL, slots, 8, false, 42, &us);
	fclose(e.out);
	CHECK_STR(text, "");
	CHECK_INT(e.dropped, 6);
	free(text);
}
