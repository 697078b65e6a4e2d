// SPDX-License-Identifier: Apache-2.0
/*
 * threadsnoop: one event per pthread_create() call, with the caller and the new thread's
 * start routine (the call's third argument, resolved to a symbol in user space).
 *
 * The program is attached by cmd/threadsnoop.c (lib/uprobe.h) to pthread_create in
 * libpthread where that library still defines it, else in libc (glibc 2.34 and later).
 * Specialised by -D only: the shared filters (bpf-src/bct_filter.bpf.h).
 * Credit: the original BCC threadsnoop is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "threadsnoop.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("uprobe")
int pthread_create_entry(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct threadsnoop_event *e;

	if (!bct_filter_pass())
		return 0;
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->ts_ns = bpf_ktime_get_ns();
	e->start = (__u64)PT_REGS_PARM3(ctx);
	e->pid = id >> 32;
	e->tid = (__u32)id;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bct_event_submit(e, sizeof(*e));
	return 0;
}
