// SPDX-License-Identifier: Apache-2.0
/*
 * funclatency: time from a function's entry to its return, as log2 histograms.
 *
 * User space attaches fl_entry/fl_return (uprobe/uretprobe), or fl_tp_entry/fl_tp_return (an
 * entry tracepoint and its exit, e.g. syscalls:sys_enter_X/sys_exit_X), once per matched
 * function with the function's index as the attach cookie. Per thread, the entry time is kept
 * (FL_LEVEL > 1: a stack of up to FL_LEVEL nested calls; else the innermost call only), and on
 * return the delta, divided by FL_FACTOR, goes into the histogram of the key:
 * {function index (FL_PER_FUNC), process (FL_PER_PID)}. BCT_HIST_SUM keeps avg/total/count.
 * Credit: the original BCC funclatency is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>

#define BCT_NO_EVENTS
#define BCT_HIST_SUM
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef FL_LEVEL
#define FL_LEVEL 1
#endif
#ifndef FL_FACTOR
#define FL_FACTOR 1
#endif

struct fl_call {
	__u64 ts;
	__u64 func;
};

struct fl_stack {
	__u32 head;
	__u32 pad;
	struct fl_call calls[FL_LEVEL];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct fl_stack);
} starts SEC(".maps");

BCT_HIST_MAP(hists, __u64, 10240);

static const struct fl_stack fl_empty;

static __always_inline int fl_enter(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fl_stack *st;
	__u32 i;

	if (!bct_filter_pass())
		return 0;
	st = bpf_map_lookup_elem(&starts, &tid);
	if (!st) {
		bpf_map_update_elem(&starts, &tid, &fl_empty, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&starts, &tid);
		if (!st)
			return 0;
	}
	i = st->head;
#if FL_LEVEL == 1
	i = 0; /* the innermost call only, as BCC without -l */
#endif
	if (i >= FL_LEVEL)
		return 0;
	st->calls[i].ts = bpf_ktime_get_ns();
	st->calls[i].func = bpf_get_attach_cookie(ctx);
	st->head = i + 1;
	return 0;
}

static __always_inline int fl_exit(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct fl_stack *st;
	__u64 delta, key = 0;
	__u32 i;

	st = bpf_map_lookup_elem(&starts, &tid);
	if (!st || !st->head)
		return 0; /* missed the entry */
	i = st->head - 1;
	if (i >= FL_LEVEL)
		return 0;
	st->head = i;
	delta = (bpf_ktime_get_ns() - st->calls[i].ts) / FL_FACTOR;
#ifdef FL_PER_FUNC
	key = st->calls[i].func;
#endif
#ifdef FL_PER_PID
	key |= (pid_tgid >> 32) << 32;
#endif
	if (!i)
		bpf_map_delete_elem(&starts, &tid);
	bct_hist_log2(&hists, &key, delta);
	return 0;
}

SEC("uprobe")
int fl_entry(struct pt_regs *ctx)
{
	return fl_enter(ctx);
}

SEC("uretprobe")
int fl_return(struct pt_regs *ctx)
{
	return fl_exit(ctx);
}

SEC("tracepoint")
int fl_tp_entry(void *ctx)
{
	return fl_enter(ctx);
}

SEC("tracepoint")
int fl_tp_return(void *ctx)
{
	return fl_exit(ctx);
}
