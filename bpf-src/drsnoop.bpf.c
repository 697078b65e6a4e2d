// SPDX-License-Identifier: Apache-2.0
/*
 * drsnoop: one event per direct reclaim (a task that allocates memory and, finding too little
 * free, reclaims pages itself before it can go on), with its latency and the pages reclaimed.
 *
 * Attach method (one hook in cmd/drsnoop.c; both programs come from it):
 *   tracepoint  vmscan:mm_vmscan_direct_reclaim_begin and _end (BCC's method)
 *
 * The begin event records when, per thread; the end event of the same thread sends the
 * event. The filters run at begin (an end without a recorded begin is skipped).
 *
 * Defines (set by the kit): FILTER_PID, FILTER_TID, FILTER_UID, FILTER_COMM_* (-p -t -u -n).
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "drsnoop.h"

char LICENSE[] SEC("license") = "GPL";

/* Threads in direct reclaim: since when. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DRSNOOP_MAX_START);
	__type(key, __u64);
	__type(value, __u64);
} start SEC(".maps");

/* The end tracepoint's record (its format: nr_reclaimed at offset 8). */
struct dr_end_args {
	__u64 common;
	unsigned long nr_reclaimed;
};

SEC("tracepoint/vmscan/mm_vmscan_direct_reclaim_begin")
int dr_begin(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u64 ts;

	if (!bct_filter_pass())
		return 0;
	ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&start, &id, &ts, BPF_ANY))
		bct_count_lost();
	return 0;
}

SEC("tracepoint/vmscan/mm_vmscan_direct_reclaim_end")
int dr_end(struct dr_end_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct drsnoop_event *e;
	__u64 *tsp, now;

	tsp = bpf_map_lookup_elem(&start, &id);
	if (!tsp)
		return 0; /* began before we started, or filtered out */
	now = bpf_ktime_get_ns();
	e = bct_event_reserve(sizeof(*e));
	if (e) {
		e->ts_us = now / 1000;
		e->delta_ns = now > *tsp ? now - *tsp : 0;
		e->nr_reclaimed = ctx->nr_reclaimed;
		e->pid = id >> 32;
		e->tid = (__u32)id;
		e->uid = (__u32)bpf_get_current_uid_gid();
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		bct_event_submit(e, sizeof(*e));
	}
	bpf_map_delete_elem(&start, &id);
	return 0;
}
