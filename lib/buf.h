/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event stream from BPF: a ring buffer (BPF_MAP_TYPE_RINGBUF) when the kernel has one, else a
 * perf buffer, behind one API. The BPF side uses bpf-src/bct_common.bpf.h, which declares the
 * map "events" and the per-CPU lost counter "lost_events" and chooses the helper by the
 * BCT_HAVE_RINGBUF define the engine sets.
 *
 * Neither transport wakes user space per event; bct_buf__poll() drains the buffer every
 * BCT_BUF_DRAIN_MS milliseconds, and at once when a burst fills half of it (the ring buffer
 * also wakes it for the first event into an empty ring). lib/events.h runs the loop for event
 * tools (batching, flushing, --exec, -d); a loop of one's own is simply:
 *
 *	while (!bct_exiting) {
 *		n = bct_buf__poll(buf, 100);   // events consumed, or -errno
 *		if (n < 0)
 *			break;             // the callback's -EPIPE, or a read error
 *		if (bct_out__flush(out))   // lib/out.h: lets `| grep` see lines at once
 *			break;
 *	}
 *
 * Lost events (reserve failures counted in "lost_events", perf buffer overruns) are reported
 * while polling, at most once a second: by default a stderr line "Possibly lost N events",
 * or through the callback set with bct_buf__set_lost_fn() (e.g. bct_out_lost() for a
 * {"lost_events":N} record under --json). bct_buf__free() prints the total on stderr.
 */
#ifndef BCT_BUF_H
#define BCT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BCT_BUF_DRAIN_MS 10

struct bct_prog;
struct bct_buf;

/* Returns 0 to go on, or -errno to stop polling (bct_buf__poll returns it). */
typedef int (*bct_buf_sample_fn)(void *ctx, const void *data, size_t size);
/* Called with the number of events lost since the last call. */
typedef void (*bct_buf_lost_fn)(void *ctx, uint64_t lost);

/* Reads map "events" of p (after bct_prog__load()). */
struct bct_buf *bct_buf__new(struct bct_prog *p, bct_buf_sample_fn fn, void *ctx);
/* Replaces the default lost-event report (a stderr line). */
void bct_buf__set_lost_fn(struct bct_buf *b, bct_buf_lost_fn fn, void *ctx);
/*
 * Waits up to timeout_ms (0: no wait), returning as soon as events were consumed in a drain:
 * the number of events consumed (>= 0), or -errno: the sample callback's value when it asked
 * to stop (not logged), or a read error (logged). A signal (bct_exiting) ends the wait early
 * with the count so far.
 */
int bct_buf__poll(struct bct_buf *b, int timeout_ms);
/* Events lost so far (kernel-side reserve failures or perf buffer overruns). */
uint64_t bct_buf__lost(struct bct_buf *b);
/* Whether the transport is a BPF ring buffer (else a perf buffer). */
bool bct_buf__is_ringbuf(const struct bct_buf *b);
/* No more lost-event reports, nor the total at the end: the output's reader is gone. */
void bct_buf__quiet(struct bct_buf *b);
/* Prints the lost total on stderr when non-zero (unless quiet); accepts NULL. */
void bct_buf__free(struct bct_buf *b);

#endif
