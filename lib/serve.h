/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The exposition of bcctool serve: histogram tools' maps as Prometheus text (format 0.0.4) or
 * OpenMetrics 1.0, written into a FILE (cmd/serve.c serves it over HTTP).
 *
 * Buckets are exact: a log2 slot i of bpf-src/bct_hist.bpf.h holds the values 2^(i-1) to
 * 2^i - 1 (slot 1: 0 and 1), so its upper bound is le = (2^i - 1) x unit, in base units
 * (seconds, bytes) written as exact decimals; a linear slot i holds i, le = i x unit. The
 * last slot also takes everything beyond it, so it only counts in +Inf (= _count). Buckets
 * are written up to the highest slot counted so far (the maps are never cleared, so the set
 * only grows).
 */
#ifndef BCT_SERVE_H
#define BCT_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A tool's unit in base units: value x mult x 10^-decimals of base ("seconds"; NULL: none). */
struct bct_serve_unit {
	const char *base;
	uint64_t mult;
	unsigned int decimals;
};

/* "usecs", "msecs", "nsecs", "secs", "bytes", "kbytes" (any case); else: no base unit. */
struct bct_serve_unit bct_serve_unit(const char *unit);

/* n x mult x 10^-decimals as an exact decimal ("0.000003", "1024"); OpenMetrics: "1024.0". */
void bct_serve_number(char *buf, size_t sz, uint64_t n, const struct bct_serve_unit *u, bool om);

#define BCT_EXPO_LE_CACHE 80 /* buckets whose le string is kept */

/* One scrape's writer: the format, and the --max-series budget. Zero it before use. */
struct bct_expo {
	FILE *out;
	bool om; /* OpenMetrics 1.0, else text 0.0.4 */
	uint64_t max_series; /* 0: no limit */
	uint64_t series; /* written so far */
	uint64_t dropped; /* left out for max_series */
	/* the le strings of the last unit and format histograms were written in */
	bool le_ok, le_linear, le_om;
	uint64_t le_mult;
	unsigned int le_decimals;
	bool le_done[BCT_EXPO_LE_CACHE];
	char le[BCT_EXPO_LE_CACHE][32];
};

/* A family's "# HELP" and "# TYPE" lines (type: "histogram", "counter", "gauge"). */
void bct_expo_family(struct bct_expo *e, const char *name, const char *type, const char *help);

/*
 * One histogram series of family name, with an optional label (label NULL: none) and extra
 * labels already formatted ("tool=\"x\"" or NULL). sum in the tool's unit. Dropped whole when
 * it does not fit in max_series.
 */
void bct_expo_hist(struct bct_expo *e, const char *name, const char *label, const char *value,
		   const uint64_t *slots, size_t nslots, bool linear, uint64_t sum,
		   const struct bct_serve_unit *u);

/*
 * One sample: name (with _total for a counter), labels as pairs (NULL-terminated list of
 * name, value, ...; may be NULL), value already formatted.
 */
void bct_expo_sample(struct bct_expo *e, const char *name, const char *const *labels,
		     const char *value);

/* Ends the exposition ("# EOF" in OpenMetrics). */
void bct_expo_end(struct bct_expo *e);

#endif
