// SPDX-License-Identifier: Apache-2.0
/*
 * profile: samples the running task's stacks on a timer (a perf event per CPU, software
 * cpu-clock, attached by cmd/profile.c) and counts each distinct (process, command, kernel
 * stack, user stack) in the map "counts".
 *
 * Defines (set by cmd/profile.c), besides the shared --cgroupmap/--mntnsmap filters:
 *   PROFILE_PIDS           -p: only processes whose ID is a key of "ids"
 *   PROFILE_TIDS           -L: only threads whose ID is a key of "ids"
 *   PROFILE_IDLE           -I: include the idle task (thread 0)
 *   BCT_STACK_NO_KERNEL    -U: no kernel stacks
 *   BCT_STACK_NO_USER      -K: no user stacks
 *   BCT_STACK_STORAGE=n    --stack-storage-size
 * Credit: the original BCC profile is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_stack.bpf.h"
#include "profile.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PROFILE_MAX_KEYS);
	__type(key, struct profile_key);
	__type(value, __u64);
} counts SEC(".maps");

#if defined(PROFILE_PIDS) || defined(PROFILE_TIDS)
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PROFILE_MAX_IDS);
	__type(key, __u32);
	__type(value, __u8);
} ids SEC(".maps");
#endif

/* Kernel addresses start above this: the sampled ip is kept only when it is one. */
#if defined(__TARGET_ARCH_x86)
#define KERNEL_START 0xffff800000000000ULL
#else
#define KERNEL_START 0x8000000000000000ULL
#endif

SEC("perf_event")
int do_perf_event(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), *n, one = 1, ip;
	struct profile_key key = {};
	__u32 tgid = id >> 32, tid = (__u32)id;

#ifndef PROFILE_IDLE
	if (tid == 0)
		return 0;
#endif
#ifdef PROFILE_PIDS
	if (!bpf_map_lookup_elem(&ids, &tgid))
		return 0;
#endif
#ifdef PROFILE_TIDS
	if (!bpf_map_lookup_elem(&ids, &tid))
		return 0;
#endif
	if (!bct_filter_pass())
		return 0;
	key.pid = tgid;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.user_stack_id = bct_stack_user(ctx);
	key.kernel_stack_id = bct_stack_kernel(ctx);
	if (key.kernel_stack_id >= 0) {
		ip = PT_REGS_IP(&ctx->regs);
		if (ip > KERNEL_START)
			key.kernel_ip = ip;
	}
	n = bpf_map_lookup_elem(&counts, &key);
	if (n) {
		__sync_fetch_and_add(n, 1);
		return 0;
	}
	if (bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST)) {
		n = bpf_map_lookup_elem(&counts, &key);
		if (n)
			__sync_fetch_and_add(n, 1);
		else
			bct_count_lost();
	}
	return 0;
}
