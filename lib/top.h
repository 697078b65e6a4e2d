/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What BCC's top-like tools (filetop, dirtop, biotop, slabratetop) share besides their rows: the
 * head of each interval's screen, -r and the -s sort keys.
 */
#ifndef BCT_TOP_H
#define BCT_TOP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "histtool.h"

/* -s: BCC's choices, in its order */
enum bct_top_sort { BCT_TOP_ALL, BCT_TOP_READS, BCT_TOP_WRITES, BCT_TOP_RBYTES, BCT_TOP_WBYTES };

/* The -s argument's value, or -EINVAL for a word that is not one of BCC's choices. */
int bct_top_sort_parse(const char *arg);

/* BCC's argparse message for a bad -s: "invalid choice: 'x' (choose from 'all', ...)". */
extern const char bct_top_sort_choices[];

struct argp_state;
/* -r/--maxrows N (BCC's int: any sign); a bad value is BCC's usage error (argp_error, exit 2). */
void bct_top_arg_maxrows(struct argp_state *state, const char *arg, int64_t *maxrows);
/* -s/--sort WORD, one of BCC's choices; else BCC's usage error. */
void bct_top_arg_sort(struct argp_state *state, const char *arg, enum bct_top_sort *sort);

/* The value a row sorts by: for BCT_TOP_ALL the sum of the four counters, as BCC adds them. */
uint64_t bct_top_sort_value(enum bct_top_sort s, uint64_t reads, uint64_t writes, uint64_t rbytes,
			    uint64_t wbytes);

/*
 * An interval's head: the screen cleared (clear) or an empty line (BCC's -C), then
 * "HH:MM:SS loadavg: " and /proc/loadavg's line as it is (its newline makes an empty line
 * follow). 0 or -errno when /proc/loadavg cannot be read (the line is then left out).
 */
int bct_top_head(FILE *out, bool clear);

/*
 * bcctool serve: reads, writes, read_bytes and written_bytes, kept in slots 0 to 3 (BCC's
 * READS, WRITES, R_Kb and W_Kb columns, in bytes), for tools whose keys count them.
 */
extern const struct bct_serve_counter bct_top_rw_counters[];

#endif
