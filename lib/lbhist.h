/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Histogram text as libbpf-tools prints it (its print_log2_hist), for the tools only
 * libbpf-tools has. It differs from BCC's (lib/hist.h) in the header's spacing ("count
 * distribution" with four spaces), in always starting at the first slot, and in its star
 * count (whole-number arithmetic).
 *
 * Slots are numbered as in lib/hist.h (BCC's bpf_log2l()): slot i (i >= 1) counts values in
 * [2^(i-1), 2^i - 1], slot 1 also counts 0; slot 0 is never printed.
 */
#ifndef BCT_LBHIST_H
#define BCT_LBHIST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * One log2 histogram: the header "     usecs               : count    distribution", then one
 * row per slot from 1 to the last non-zero one; nothing when every slot is 0.
 */
void bct_lbhist_print_log2(FILE *out, const uint64_t *vals, size_t nvals, const char *val_type);

#endif
