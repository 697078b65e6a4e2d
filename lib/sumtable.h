/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BCC's "total per name" table for histogram tools (hardirqs, softirqs): a print callback for
 * lib/histtool.h that shows, per interval, one row per histogram key with the sum of its
 * values (or their number), smallest first, as BCC's
 *
 *	print("%-26s %11s" % ("HARDIRQ", "TOTAL_" + label))
 *	for k, v in sorted(dist.items(), key=lambda d: d[1].value):
 *		print("%-26s %11d" % (name, v.value / factor))
 *
 * preceded by a blank line and, with -T, the time ("%-8s"). The BPF side keeps the sum and
 * number in the histogram's total and count (BCT_HIST_SUM), in ns for times. JSON: one object
 * per row: {"ts": "YYYY-MM-DD HH:MM:SS", NAME_KEY: name, "total_UNIT": n, "count": n}, or
 * without total_UNIT when counting; nothing for an interval without rows.
 *
 *	struct bct_sum_table tab;
 *	bct_sum_table_init(&tab, stdout, "HARDIRQ", "hardirq", 26, "usecs", 1000, json, ts);
 *	tool.print = bct_sum_table_print;  // with s.ctx = &tab, or a ctx whose first member is it
 */
#ifndef BCT_SUMTABLE_H
#define BCT_SUMTABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "histtool.h"
#include "out.h"

struct bct_sum_table {
	uint64_t factor; /* units of total per shown unit (1000: ns as usecs); 0: show the count */
	bool timestamp; /* -T */
	bool json;
	struct bct_out *out;
	char header[32]; /* "TOTAL_usecs" */
	char key[32]; /* "total_usecs" */
	struct bct_col cols[5];
};

/*
 * Sets up the table on file (stdout: call it before anything is printed there). unit: "usecs", "nsecs",
 * or "count" with factor 0. 0, or -errno (logged).
 */
int bct_sum_table_init(struct bct_sum_table *t, FILE *file, const char *name_col,
		       const char *name_key, int name_width, const char *unit, uint64_t factor,
		       bool json, bool timestamp);
/* A struct bct_hist_tool print callback; ctx points to the struct bct_sum_table. */
void bct_sum_table_print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n);
void bct_sum_table_free(struct bct_sum_table *t);

/* How an irq-style tool (hardirqs, softirqs) runs: BCC's options -C/--events, -N, -d. */
struct bct_sum_run {
	const char *name_col; /* "HARDIRQ" */
	int name_width; /* 26 */
	const char *count_opt; /* "--count", for BCC's error when it meets -d or -N */
	const char *time_banner; /* "Tracing hard irq event time... Hit Ctrl-C to end." */
	const char *count_banner; /* "Tracing hard irq events... Hit Ctrl-C to end." */
	bool count; /* -C: events, not time */
	bool nanoseconds; /* -N */
	bool dist; /* -d: histograms (tool->section etc. set), not the table */
};

/*
 * Runs an initialised session (its ctx the struct bct_sum_table) as tool with BCC's choice:
 * the table of totals (or counts), or with -d the histograms. Returns the exit code (1 with
 * BCC's message when -C meets -d or -N).
 */
int bct_sum_run(struct bct_session *s, struct bct_hist_tool *tool, const struct bct_sum_run *r);

#endif
