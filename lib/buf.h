/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event stream from BPF: a ring buffer (BPF_MAP_TYPE_RINGBUF) when the kernel has one, else a
 * perf buffer, behind one API. The BPF side uses bpf-src/bct_common.bpf.h, which declares the
 * map "events" and the per-CPU lost counter "lost_events" and chooses the helper by the
 * BCT_HAVE_RINGBUF define the engine sets.
 */
#ifndef BCT_BUF_H
#define BCT_BUF_H

#include <stddef.h>
#include <stdint.h>

struct bct_prog;
struct bct_buf;

/* Returns 0 to go on, non-zero to stop polling (returned from bct_buf__poll). */
typedef int (*bct_buf_sample_fn)(void *ctx, const void *data, size_t size);

/* Reads map "events" of p. */
struct bct_buf *bct_buf__new(struct bct_prog *p, bct_buf_sample_fn fn, void *ctx);
/* Waits up to timeout_ms, consumes everything ready; returns events consumed or -errno. */
int bct_buf__poll(struct bct_buf *b, int timeout_ms);
/* Events lost so far (kernel-side reserve failures or perf buffer overruns). */
uint64_t bct_buf__lost(struct bct_buf *b);
void bct_buf__free(struct bct_buf *b);

#endif
