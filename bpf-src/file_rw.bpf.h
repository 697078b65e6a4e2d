/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The read and write entry programs filetop and dirtop share: BCC's kprobes on vfs_read() and
 * vfs_write() (method "kprobe"), and the entries of the read, pread64, write and pwrite64
 * syscalls (method "tracepoint"), which in 6.x are the callers of vfs_read()/vfs_write(): the
 * struct file comes from the task's fd table (bct_fd.bpf.h), the size is the count asked for,
 * as vfs_read()'s argument.
 *
 * The includer defines, before including this header:
 *	static __always_inline int on_rw(struct file *f, __u64 count, bool is_read);
 */
#ifndef FILE_RW_BPF_H
#define FILE_RW_BPF_H

#include "bct_fd.bpf.h"

/* Method "kprobe": BCC's */
SEC("kprobe/vfs_read")
int BPF_KPROBE(kp_read, struct file *f, char *buf, size_t count)
{
	return on_rw(f, count, true);
}

SEC("kprobe/vfs_write")
int BPF_KPROBE(kp_write, struct file *f, const char *buf, size_t count)
{
	return on_rw(f, count, false);
}

/* Method "tracepoint": the syscalls that call vfs_read()/vfs_write(), at entry */
static __always_inline int on_sys_rw(struct trace_event_raw_sys_enter *ctx, bool is_read)
{
	struct file *f = bct_fd_file(bpf_get_current_task_btf(), (long)ctx->args[0]);

	if (!f)
		return 0;
	return on_rw(f, ctx->args[2], is_read);
}

SEC("tracepoint/syscalls/sys_enter_read")
int tp_read(struct trace_event_raw_sys_enter *ctx)
{
	return on_sys_rw(ctx, true);
}

SEC("tracepoint/syscalls/sys_enter_pread64")
int tp_pread64(struct trace_event_raw_sys_enter *ctx)
{
	return on_sys_rw(ctx, true);
}

SEC("tracepoint/syscalls/sys_enter_write")
int tp_write(struct trace_event_raw_sys_enter *ctx)
{
	return on_sys_rw(ctx, false);
}

SEC("tracepoint/syscalls/sys_enter_pwrite64")
int tp_pwrite64(struct trace_event_raw_sys_enter *ctx)
{
	return on_sys_rw(ctx, false);
}

#endif
