/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bitesize: what bpf-src/bitesize.bpf.c and cmd/bitesize.c share. Fixed-width types only.
 *
 * Map "hists" (bct_hist.bpf.h: struct bct_hist by key): key struct bitesize_key, the command
 * name of the task that issued the request; log2 slots of the request's size in Kbytes.
 */
#ifndef BITESIZE_H
#define BITESIZE_H

#define BITESIZE_COMM_LEN 16
#define BITESIZE_MAX_HISTS 10240

struct bitesize_key {
	char comm[BITESIZE_COMM_LEN];
};

#endif
