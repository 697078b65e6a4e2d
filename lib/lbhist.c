// SPDX-License-Identifier: Apache-2.0
/* libbpf-tools' histogram text: see lbhist.h. */
#include <inttypes.h>
#include <stdbool.h>

#include "lbhist.h"

#define STARS_MAX 40

void bct_lbhist_print_log2(FILE *out, const uint64_t *vals, size_t nvals, const char *val_type)
{
	uint64_t max = 0, low, high, stars;
	size_t i, last = 0;
	unsigned int width, bar, k;
	bool narrow;

	if (nvals > 65)
		nvals = 65;
	for (i = 1; i < nvals; i++) {
		if (vals[i])
			last = i;
		if (vals[i] > max)
			max = vals[i];
	}
	if (!last)
		return;
	/* libbpf-tools counts its slots from 0: its slot last - 1 decides the form */
	narrow = last - 1 <= 32;
	width = narrow ? 10 : 20;
	bar = narrow ? STARS_MAX : STARS_MAX / 2;
	fprintf(out, "%*s%-*s : count    distribution\n", narrow ? 5 : 15, "", narrow ? 19 : 29,
		val_type);
	for (i = 1; i <= last; i++) {
		low = (uint64_t)1 << (i - 1);
		high = i == 64 ? UINT64_MAX : ((uint64_t)1 << i) - 1;
		if (low == high)
			low--;
		fprintf(out, "%*" PRIu64 " -> %-*" PRIu64 " : %-8" PRIu64 " |", (int)width, low,
			(int)width, high, vals[i]);
		stars = (uint64_t)((unsigned __int128)vals[i] * bar / max);
		for (k = 0; k < bar; k++)
			fputc(k < stars ? '*' : ' ', out);
		fputs("|\n", out);
	}
}
