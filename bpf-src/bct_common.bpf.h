/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BPF-side helpers shared by every bcctool program. Included after vmlinux.h and libbpf's
 * bpf_helpers.h (the engine provides all three; nothing comes from /usr/include).
 *
 * Event output, one API for both transports (the engine defines BCT_HAVE_RINGBUF when the
 * kernel has BPF ring buffers; BCT_EVENTS_BYTES may set the ring size, a power of 2):
 *
 *	struct event *e = bct_event_reserve(sizeof(*e));
 *	if (!e)
 *		return 0;          // already counted in lost_events
 *	...fill e...
 *	bct_event_submit(e, sizeof(*e));
 *
 * TODO(runtime): implementation lands with lib/buf.c.
 */
#ifndef BCT_COMMON_BPF_H
#define BCT_COMMON_BPF_H

#endif
