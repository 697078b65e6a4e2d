/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BPF-side helpers shared by every bcctool program. Included after vmlinux.h and libbpf's
 * bpf_helpers.h (the engine provides all three; nothing comes from /usr/include).
 *
 * Event output, one API for both transports (the engine defines BCT_HAVE_RINGBUF when the
 * kernel has BPF ring buffers):
 *
 *	struct event *e = bct_event_reserve(sizeof(*e));
 *	if (!e)
 *		return 0;          // already counted in lost_events
 *	...fill e...
 *	bct_event_submit(e, sizeof(*e));
 *
 * or, to give up on a reserved event: bct_event_discard(e).
 *
 * bct_event_submit() is a macro that uses the program context, which must be in scope as a
 * variable named `ctx` (BPF_PROG() and BPF_KPROBE() name it so; name a tracepoint program's
 * argument ctx, and pass it on as ctx to helper functions that submit): the perf-buffer path
 * needs it for bpf_perf_event_output(). Both paths require it, so a mistake shows everywhere.
 *
 * Maps defined here (user space reads them with lib/buf.h):
 *   events       BPF_MAP_TYPE_RINGBUF of BCT_EVENTS_BYTES (default 1 MiB; must be a power
 *                of 2 and a multiple of the page size), or, without BCT_HAVE_RINGBUF, a
 *                BPF_MAP_TYPE_PERF_EVENT_ARRAY with one ring per CPU
 *   lost_events  per-CPU __u64 counter, bumped when an event cannot be reserved or sent
 *                (defined for histogram tools too: bct_count_lost())
 *   bct_scratch  (perf path only) one per-CPU buffer of BCT_EVENT_MAX_BYTES (default 1024)
 *                that bct_event_reserve() hands out; larger reservations return NULL
 *
 * Submission does not wake user space per event (BPF_RB_NO_WAKEUP): lib/buf.c drains the ring
 * every few milliseconds, which costs ~1 µs/event instead of ~12 µs/event for a wake-up each.
 * Two kinds of submit do wake it: the first record in an empty ring (the reader had caught up
 * and may be waiting, so a lone event is not held back for a drain interval), and, once the
 * ring is half full, a submit that crosses a 1/16-of-the-ring boundary, so bursts do not
 * overflow it (and a busy reader is not woken per event).
 *
 * A program that sends no events (a histogram tool) defines BCT_NO_EVENTS before including
 * this file, so no event maps are created (lost_events still is).
 */
#ifndef BCT_COMMON_BPF_H
#define BCT_COMMON_BPF_H

/* The syscall wrappers as kprobe and fentry targets, named as lib/prog.h's BCT_SYS() does. */
#if defined(__TARGET_ARCH_x86)
#define BCT_SYS(name) "__x64_sys_" #name
#elif defined(__TARGET_ARCH_arm64)
#define BCT_SYS(name) "__arm64_sys_" #name
#elif defined(__TARGET_ARCH_s390)
#define BCT_SYS(name) "__s390x_sys_" #name
#elif defined(__TARGET_ARCH_riscv)
#define BCT_SYS(name) "__riscv_sys_" #name
#else
#define BCT_SYS(name) "sys_" #name
#endif

/*
 * What the program could not record: an event it could not reserve or send, a map update the
 * kernel refused. Per CPU; user space reads the sum (lib/buf.h for event tools, and
 * bct_prog__missed() in lib/prog.h, which adds the runs the kernel skipped).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost_events SEC(".maps");

static __always_inline void bct_count_lost(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&lost_events, &zero);

	if (n)
		*n += 1; /* per-CPU: no atomic needed */
}

#ifndef BCT_NO_EVENTS

#ifndef BCT_EVENTS_BYTES
#define BCT_EVENTS_BYTES (1024 * 1024)
#endif
#ifndef BCT_EVENT_MAX_BYTES
#define BCT_EVENT_MAX_BYTES 1024
#endif

#ifdef BCT_HAVE_RINGBUF

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, BCT_EVENTS_BYTES);
} events SEC(".maps");

/* log2 of the ring's size: the user side sizes the ring at load time and sets this with it */
const volatile __u32 bct_events_log2 = __builtin_ctzll(BCT_EVENTS_BYTES);

static __always_inline void *bct_event_reserve(__u64 size)
{
	void *e = bpf_ringbuf_reserve(&events, size, 0);

	if (!e)
		bct_count_lost();
	return e;
}

#define bct_event_submit(e, size) bct_event_submit_ctx((void *)(ctx), (e), (size))

static __always_inline void bct_event_submit_ctx(void *ctx_unused, void *e, __u64 size)
{
	/* bytes in the ring, this record included (reserved records count) */
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	__u64 before = avail - ((size + 8 + 7) & ~7ULL);
	__u64 flags = BPF_RB_NO_WAKEUP;

	/*
	 * The first record in an empty ring wakes the reader, which had caught up and may be
	 * waiting: a lone event shows at once, and under load that is one wake-up per drain.
	 * Over half full: wake the reader once per 1/16 of the ring this record crosses, not per
	 * record (a wake-up costs several µs; a reader that is busy would pay it every event).
	 */
	if (before == 0)
		flags = BPF_RB_FORCE_WAKEUP;
	else if (avail >= 1ULL << (bct_events_log2 - 1) &&
		 before >> (bct_events_log2 - 4) != avail >> (bct_events_log2 - 4))
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(e, flags);
}

static __always_inline void bct_event_discard(void *e)
{
	bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
}

#else /* !BCT_HAVE_RINGBUF: perf buffer */

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct bct_scratch_buf {
	__u8 data[BCT_EVENT_MAX_BYTES];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bct_scratch_buf);
} bct_scratch SEC(".maps");

static __always_inline void *bct_event_reserve(__u64 size)
{
	__u32 zero = 0;
	void *e;

	if (size > BCT_EVENT_MAX_BYTES) {
		bct_count_lost();
		return NULL;
	}
	e = bpf_map_lookup_elem(&bct_scratch, &zero);
	if (!e)
		bct_count_lost();
	return e;
}

#define bct_event_submit(e, size) bct_event_submit_ctx((void *)(ctx), (e), (size))

static __always_inline void bct_event_submit_ctx(void *ctx_, void *e, __u64 size)
{
	if (size > BCT_EVENT_MAX_BYTES)
		size = BCT_EVENT_MAX_BYTES;
	if (bpf_perf_event_output(ctx_, &events, BPF_F_CURRENT_CPU, e, size))
		bct_count_lost();
}

static __always_inline void bct_event_discard(void *e)
{
}

#endif /* BCT_HAVE_RINGBUF */

#endif /* !BCT_NO_EVENTS */

#endif
