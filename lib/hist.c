// SPDX-License-Identifier: Apache-2.0
/*
 * BCC's histogram text. The format strings match bcc/table.py; the star count matches its
 * float arithmetic exactly (see stars_count()), so the output is byte-identical for any counts.
 */
#include <inttypes.h>

#include "hist.h"

#define STARS_MAX 40

/* Largest index i with vals[i] != 0 (-1 if none), and the largest value. */
static long last_nonzero(const uint64_t *vals, size_t n, uint64_t *max)
{
	long idx = -1;
	size_t i;

	*max = 0;
	for (i = 0; i < n; i++) {
		if (vals[i])
			idx = (long)i;
		if (vals[i] > *max)
			*max = vals[i];
	}
	return idx;
}

/*
 * BCC draws min(width, floor(x)) stars, x = width * val / val_max computed in Python: an exact
 * integer product, then a correctly rounded true division to a double. Here: the exact
 * quotient q and remainder r, then whether the exact x = q + r/max rounds up to the integer
 * q + 1 as a double, which happens only when x lies within half a unit in the last place of it.
 */
static unsigned int stars_count(uint64_t val, uint64_t max, unsigned int width)
{
	unsigned __int128 num = (unsigned __int128)width * val;
	unsigned __int128 gap;
	uint64_t q, r, next;
	unsigned int k, shift;

	if (!max)
		return 0;
	q = (uint64_t)(num / max);
	r = (uint64_t)(num % max);
	if (q >= width)
		return width;
	if (r) {
		next = q + 1; /* at most width, far below 2^53 */
		k = 63 - __builtin_clzll(next);
		/* the double below next is 2^(k-52) away, or 2^(k-53) if next is a power of 2 */
		shift = (next & (next - 1)) ? 53 - k : 54 - k;
		gap = (unsigned __int128)(max - r) << shift;
		if (gap <= max) /* (next - x) <= half that spacing; ties go to even, i.e. next */
			q = next;
	}
	return q < width ? (unsigned int)q : width;
}

static void print_bar(FILE *out, uint64_t val, uint64_t max, unsigned int width)
{
	unsigned int n = stars_count(val, max, width), i;

	fputc('|', out);
	for (i = 0; i < width; i++)
		fputc(i < n ? '*' : ' ', out);
	fputs("|\n", out);
}

void bct_hist_print_log2(FILE *out, const uint64_t *vals, size_t nvals, const char *val_type,
			 bool strip_leading_zero)
{
	uint64_t max, low, high;
	unsigned int width;
	bool wide;
	long idx, i;

	if (nvals > BCT_HIST_LOG2_SLOTS)
		nvals = BCT_HIST_LOG2_SLOTS;
	idx = last_nonzero(vals, nvals, &max);
	if (idx <= 0)
		return;
	wide = idx > 32;
	width = wide ? STARS_MAX / 2 : STARS_MAX;
	if (wide)
		fprintf(out, "               %-29s : count     distribution\n", val_type);
	else
		fprintf(out, "     %-19s : count     distribution\n", val_type);

	for (i = 1; i <= idx; i++) {
		if (strip_leading_zero) {
			if (!vals[i])
				continue;
			strip_leading_zero = false;
		}
		low = (uint64_t)1 << (i - 1);
		high = i == 64 ? UINT64_MAX : ((uint64_t)1 << i) - 1;
		if (low == high)
			low--;
		if (wide)
			fprintf(out, "%20" PRIu64 " -> %-20" PRIu64 " : %-8" PRIu64 " ", low, high,
				vals[i]);
		else
			fprintf(out, "%10" PRIu64 " -> %-10" PRIu64 " : %-8" PRIu64 " ", low, high,
				vals[i]);
		print_bar(out, vals[i], max, width);
	}
}

void bct_hist_print_linear(FILE *out, const uint64_t *vals, size_t nvals, const char *val_type,
			   bool strip_leading_zero)
{
	uint64_t max;
	long idx, i;

	idx = last_nonzero(vals, nvals, &max);
	if (idx < 0)
		return;
	fprintf(out, "     %-13s : count     distribution\n", val_type);
	for (i = 0; i <= idx; i++) {
		if (strip_leading_zero) {
			if (!vals[i])
				continue;
			strip_leading_zero = false;
		}
		fprintf(out, "        %-10ld : %-8" PRIu64 " ", i, vals[i]);
		print_bar(out, vals[i], max, STARS_MAX);
	}
}

void bct_hist_json_log2(struct bct_json *j, const char *key, const uint64_t *vals, size_t nvals)
{
	uint64_t max;
	long idx, i;

	if (nvals > BCT_HIST_LOG2_SLOTS)
		nvals = BCT_HIST_LOG2_SLOTS;
	idx = last_nonzero(vals, nvals, &max);
	bct_json_arr_open(j, key);
	for (i = 1; i <= idx; i++) {
		bct_json_obj_open(j, NULL);
		bct_json_uint(j, "interval-start", i == 1 ? 0 : (uint64_t)1 << (i - 1));
		bct_json_uint(j, "interval-end", i == 64 ? UINT64_MAX : ((uint64_t)1 << i) - 1);
		bct_json_uint(j, "count", vals[i]);
		bct_json_obj_close(j);
	}
	bct_json_arr_close(j);
}

unsigned int bct_hist_log2_slot(uint64_t v)
{
	return v < 2 ? 1 : 64 - __builtin_clzll(v);
}
