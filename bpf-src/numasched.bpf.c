// SPDX-License-Identifier: Apache-2.0
/*
 * numasched: task moves between NUMA nodes. At each sched:sched_switch the task leaving the
 * CPU is compared with the node it was on when it last left a CPU; a different node is one
 * event. The last node of each thread is kept in an LRU hash.
 *
 * The idle tasks (PID 0) are never traced, as in BCC; the shared filters (-p, -t) apply
 * before the node is recorded.
 * Credit: the original BCC numasched is by Rong Tao.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "numasched.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, NUMASCHED_MAX_TASKS);
	__type(key, __u32);
	__type(value, __u32);
} last_nid SEC(".maps");

SEC("tracepoint/sched/sched_switch")
int tp_sched_switch(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, nid = bpf_get_numa_node_id(), *old;
	struct numasched_event *e;

	if ((id >> 32) == 0 || tid == 0)
		return 0;
	if (!bct_filter_pass())
		return 0;
	old = bpf_map_lookup_elem(&last_nid, &tid);
	if (old && *old != nid) {
		e = bct_event_reserve(sizeof(*e));
		if (e) {
			e->pid = id >> 32;
			e->tid = tid;
			e->old_nid = *old;
			e->new_nid = nid;
			bpf_get_current_comm(e->comm, sizeof(e->comm));
			bct_event_submit(e, sizeof(*e));
		}
	}
	if (!old || *old != nid)
		bpf_map_update_elem(&last_nid, &tid, &nid, BPF_ANY);
	return 0;
}
