/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wqlat: what bpf-src/wqlat.bpf.c and cmd/wqlat.c share. Fixed-width types only.
 *
 * Map "hists" (bct_hist.bpf.h: struct bct_hist by key): with -W the key is struct wqlat_key
 * (the workqueue's name), else a __u64 0; log2 slots of the queueing latency.
 */
#ifndef WQLAT_H
#define WQLAT_H

#define WQLAT_NAME_LEN 24 /* as BCC: names are cut to 23 characters */
#define WQLAT_MAX_HISTS 1024 /* workqueues per interval */
#define WQLAT_MAX_START 16384 /* works queued and not yet started, at once */

struct wqlat_key {
	char name[WQLAT_NAME_LEN];
};

#endif
