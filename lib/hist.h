/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Histogram text exactly as BCC prints it (bcc/table.py print_log2_hist, print_linear_hist),
 * byte for byte, and the "data" list of BCC's print_json_hist as strict JSON.
 *
 * Log2 slots follow BCC's bpf_log2l(): slot i (i >= 1) counts values in [2^(i-1), 2^i - 1],
 * slot 1 also counts 0, slot 0 is never printed. Linear slot i counts the value i.
 */
#ifndef BCT_HIST_H
#define BCT_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

/* Slots a log2 histogram of 64-bit values needs (BCC's log2_index_max). */
#define BCT_HIST_LOG2_SLOTS 65

/*
 * BCC's print_log2_hist for one histogram: header "     usecs               : count ..." and
 * one row per slot from 1 up to the last non-zero slot (all of them, or from the first
 * non-zero one with strip_leading_zero). The wide form (20-digit ranges, 20-star bars) is
 * used when a slot above 32 is non-zero. Prints nothing when no slot above 0 is non-zero.
 */
void bct_hist_print_log2(FILE *out, const uint64_t *vals, size_t nvals, const char *val_type,
			 bool strip_leading_zero);

/* BCC's print_linear_hist: one row per value from 0 to the last non-zero slot. */
void bct_hist_print_linear(FILE *out, const uint64_t *vals, size_t nvals, const char *val_type,
			   bool strip_leading_zero);

/*
 * BCC's print_json_hist "data" member for a log2 histogram: an array (named key) of
 * {"interval-start", "interval-end", "count"} objects for slots 1 up to the last non-zero one.
 */
void bct_hist_json_log2(struct bct_json *j, const char *key, const uint64_t *vals, size_t nvals);

/* The log2 slot BCC's bpf_log2l() gives a value (0 and 1 -> 1, 2..3 -> 2, 4..7 -> 3, ...). */
unsigned int bct_hist_log2_slot(uint64_t v);

#endif
