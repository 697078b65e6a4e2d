// SPDX-License-Identifier: Apache-2.0
/*
 * syncsnoop: one event per sync(2), syncfs(2), fsync(2), fdatasync(2), msync(2) and
 * sync_file_range(2) call (sync_file_range2 where the architecture has it), at syscall entry.
 *
 * Specialised by -D only: the shared filters (-p -n --cgroup --exec,
 * bpf-src/bct_filter.bpf.h).
 * Credit: the original BCC syncsnoop is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "syncsnoop.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline int handle(void *ctx, enum syncsnoop_call call)
{
	struct syncsnoop_event *e;

	if (!bct_filter_pass())
		return 0;
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->ts = bpf_ktime_get_ns();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->call = call;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bct_event_submit(e, sizeof(*e));
	return 0;
}

/* Method "kprobe": probes on the syscall wrappers, as BCC attaches (sync only, in BCC). */
#define KPROBE(name, call)                \
	SEC("kprobe/" BCT_SYS(name))      \
	int BPF_KPROBE(kp_##name)         \
	{                                 \
		return handle(ctx, call); \
	}

/* Method "tracepoint": the syscalls:sys_enter_* events. */
#define TRACEPOINT(name, call)                               \
	SEC("tracepoint/syscalls/sys_enter_" #name)          \
	int tp_##name(struct trace_event_raw_sys_enter *ctx) \
	{                                                    \
		return handle(ctx, call);                    \
	}

#define CALLS(X)                                        \
	X(sync, SYNCSNOOP_SYNC)                         \
	X(fsync, SYNCSNOOP_FSYNC)                       \
	X(fdatasync, SYNCSNOOP_FDATASYNC)               \
	X(msync, SYNCSNOOP_MSYNC)                       \
	X(sync_file_range, SYNCSNOOP_SYNC_FILE_RANGE)   \
	X(sync_file_range2, SYNCSNOOP_SYNC_FILE_RANGE2) \
	X(syncfs, SYNCSNOOP_SYNCFS)

CALLS(KPROBE)
CALLS(TRACEPOINT)
