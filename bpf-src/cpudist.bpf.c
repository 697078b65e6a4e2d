// SPDX-License-Identifier: Apache-2.0
/*
 * cpudist: how long tasks run on a CPU before they are switched out (or, with -O, how long
 * they stay off it before they run again), as log2 histograms kept in the kernel.
 *
 * At each context switch on a CPU, the task leaving it (prev) ends an on-CPU span and starts
 * an off-CPU one, and the task coming in (next) the reverse. As BCC does, a span is timed per
 * (thread, CPU): an off-CPU span ends only when the thread runs again on the CPU it left.
 *
 * Attach methods, best first (cmd/cpudist.c):
 *   kprobe  BCC's finish_task_switch(prev), in its .isra.0 form or its plain name; next is the
 *           current task there
 *   tp_btf  sched_switch(preempt, prev, next) as a BTF-typed tracepoint
 *   raw_tp  the same tracepoint as a raw tracepoint
 *
 * Defines (set by cmd/cpudist.c):
 *   CPUDIST_OFFCPU      -O: time off-CPU spans instead of on-CPU ones
 *   CPUDIST_IDLE        -I: include the idle tasks (thread ID 0)
 *   CPUDIST_FACTOR      ns per histogram unit: 1000 (usecs, default) or 1000000 (-m)
 *   CPUDIST_PER_PID     -P: one histogram per process (key: tgid)
 *   CPUDIST_PER_TID     -L: one histogram per thread (key: pid)
 *   CPUDIST_EXTENSION   -e: also sum the times and count them
 *   FILTER_PID          -p: this process only (bct_filter.bpf.h)
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#ifdef CPUDIST_EXTENSION
#define BCT_HIST_SUM
#endif
#include "bct_hist.bpf.h"
#include "cpudist.h"

#ifndef CPUDIST_FACTOR
#define CPUDIST_FACTOR 1000
#endif

#if defined(CPUDIST_PER_PID) || defined(CPUDIST_PER_TID)
#define NR_HISTS CPUDIST_MAX_HISTS
#else
#define NR_HISTS 1
#endif

char LICENSE[] SEC("license") = "GPL";

struct span_key {
	__u32 pid;
	__u32 cpu;
};

/*
 * Spans in progress: when each (thread, CPU) started one. LRU: a thread that exits, or never
 * comes back to a CPU, does not hold its entry for ever.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, CPUDIST_MAX_START);
	__type(key, struct span_key);
	__type(value, __u64);
} start SEC(".maps");

BCT_HIST_MAP(hists, __u64, NR_HISTS);

/* Whether the task is traced: the idle tasks only with -I, not bcctool itself, -p. */
static __always_inline bool traced(__u32 tgid, __u32 pid)
{
#ifndef CPUDIST_IDLE
	if (!pid)
		return false;
#endif
	if (pid && tgid == bct_self_tgid)
		return false;
#ifdef FILTER_PID
	if (tgid != FILTER_PID)
		return false;
#endif
	return true;
}

static __always_inline void span_start(__u32 tgid, __u32 pid, __u32 cpu, __u64 ts)
{
	struct span_key k = { .pid = pid, .cpu = cpu };

	if (traced(tgid, pid) && bpf_map_update_elem(&start, &k, &ts, BPF_ANY))
		bct_count_lost();
}

static __always_inline void span_end(__u32 tgid, __u32 pid, __u32 cpu, __u64 ts)
{
	struct span_key k = { .pid = pid, .cpu = cpu };
	__u64 *tsp, then, hkey = 0;

	if (!traced(tgid, pid))
		return;
	tsp = bpf_map_lookup_elem(&start, &k);
	if (!tsp)
		return; /* began before we started */
	then = *tsp;
	bpf_map_delete_elem(&start, &k);
	if (ts < then)
		return; /* the clocks of two CPUs disagree: skipped, as BCC does */
#if defined(CPUDIST_PER_TID)
	hkey = pid;
#elif defined(CPUDIST_PER_PID)
	hkey = tgid;
#endif
	bct_hist_log2(&hists, &hkey, (ts - then) / CPUDIST_FACTOR);
}

static __always_inline int switched(__u32 prev_tgid, __u32 prev_pid, __u32 next_tgid,
				    __u32 next_pid)
{
	__u64 ts = bpf_ktime_get_ns();
	__u32 cpu = bpf_get_smp_processor_id();

#ifdef CPUDIST_OFFCPU
	span_start(prev_tgid, prev_pid, cpu, ts);
	span_end(next_tgid, next_pid, cpu, ts);
#else
	span_end(prev_tgid, prev_pid, cpu, ts);
	span_start(next_tgid, next_pid, cpu, ts);
#endif
	return 0;
}

/* --- BCC's kprobe: finish_task_switch(prev) runs as next ---------------------------------- */

static __always_inline int finish_switch(struct task_struct *prev)
{
	__u64 id = bpf_get_current_pid_tgid();

	return switched(BPF_CORE_READ(prev, tgid), BPF_CORE_READ(prev, pid), id >> 32, (__u32)id);
}

SEC("kprobe/finish_task_switch.isra.0")
int BPF_KPROBE(cd_fts_isra, struct task_struct *prev)
{
	return finish_switch(prev);
}

SEC("kprobe/finish_task_switch")
int BPF_KPROBE(cd_fts, struct task_struct *prev)
{
	return finish_switch(prev);
}

/* --- sched_switch(preempt, prev, next) ----------------------------------------------------- */

SEC("tp_btf/sched_switch")
int cd_switch_btf(__u64 *ctx)
{
	struct task_struct *prev = (void *)ctx[1], *next = (void *)ctx[2];

	return switched(prev->tgid, prev->pid, next->tgid, next->pid);
}

SEC("raw_tp/sched_switch")
int cd_switch_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *prev = (void *)ctx->args[1], *next = (void *)ctx->args[2];

	return switched(BPF_CORE_READ(prev, tgid), BPF_CORE_READ(prev, pid),
			BPF_CORE_READ(next, tgid), BPF_CORE_READ(next, pid));
}
