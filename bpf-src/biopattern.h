/* SPDX-License-Identifier: Apache-2.0 */
/*
 * biopattern: what bpf-src/biopattern.bpf.c and cmd/biopattern.c share. Fixed-width types only.
 *
 * Map "hists" (bct_hist.bpf.h, BCT_HIST_SLOTS = BIOPAT_SLOTS): key __u32 = the disk's dev_t in
 * the kernel's encoding (major << 20 | minor); the value's slots are not a histogram but the
 * disk's counters for the interval, indexed below. Draining the map each interval also forgets
 * the last sector, so the first completion of an interval is not classified (as BCC's clear()).
 */
#ifndef BIOPATTERN_H
#define BIOPATTERN_H

#define BIOPAT_LAST 0 /* sector after the last completion (0: none yet) */
#define BIOPAT_SEQ 1 /* completions that started where the last one ended */
#define BIOPAT_RND 2 /* completions that started elsewhere */
#define BIOPAT_BYTES 3 /* bytes of the classified completions */
#define BIOPAT_SLOTS 4
#define BIOPAT_MAX_DISKS 1024

#endif
