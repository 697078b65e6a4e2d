// SPDX-License-Identifier: Apache-2.0
/*
 * fileslower: synchronous file reads and writes slower than a threshold, one event each.
 *
 * At the call's entry the start time, size and file name are kept per thread; at its return an
 * event goes out when the call took at least FILESLOWER_MIN_US. Methods (cmd/fileslower.c
 * declares them): BCC's kprobes and kretprobes on vfs_read()/vfs_write(), then the entry and
 * exit of the read/pread64/write/pwrite64 syscalls (the callers of those functions in 6.x), the
 * file taken from the fd table (bct_fd.bpf.h): the time then also covers the fd lookup.
 *
 * Defines, besides the shared -p filter:
 *   FILESLOWER_MIN_US=n    the threshold in microseconds
 *   FILESLOWER_ALL         -a: every file type, not only regular files
 * Credit: the original BCC fileslower is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_fd.bpf.h"
#include "fileslower.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef FILESLOWER_MIN_US
#define FILESLOWER_MIN_US 10000
#endif

struct start {
	__u64 ts;
	__u64 sz;
	__u32 name_len;
	__u32 mode;
	char name[FILESLOWER_NAME_LEN + 8];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FILESLOWER_MAX_START);
	__type(key, __u32);
	__type(value, struct start);
} starts SEC(".maps");

static __always_inline int on_entry(struct file *f, __u64 count, __u32 mode)
{
	struct start s = {};
	struct qstr q;
	__u32 tid;

	if (!f || !bct_filter_pass())
		return 0;
	/* BCC's "sync" test: files whose operations do the I/O through read_iter/write_iter */
	if (mode == FILESLOWER_READ ? !BPF_CORE_READ(f, f_op, read_iter)
				    : !BPF_CORE_READ(f, f_op, write_iter))
		return 0;
	q = BPF_CORE_READ(f, f_path.dentry, d_name);
	if (q.len == 0)
		return 0;
#ifndef FILESLOWER_ALL
	if (!BCT_S_ISREG(bct_file_mode(f)))
		return 0;
#endif
	s.sz = count;
	s.mode = mode;
	s.name_len = q.len;
	bpf_probe_read_kernel_str(s.name, FILESLOWER_NAME_LEN + 1, q.name);
	tid = (__u32)bpf_get_current_pid_tgid();
	s.ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&starts, &tid, &s, BPF_ANY))
		bct_count_lost();
	return 0;
}

static __always_inline int on_return(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns(), delta_us;
	struct fileslower_event *e;
	__u32 tid = (__u32)id;
	struct start *s;

	s = bpf_map_lookup_elem(&starts, &tid);
	if (!s)
		return 0;
	delta_us = (now - s->ts) / 1000;
	if (delta_us < (FILESLOWER_MIN_US)) {
		bpf_map_delete_elem(&starts, &tid);
		return 0;
	}
	e = bct_event_reserve(sizeof(*e));
	if (e) {
		e->ts = now;
		e->delta_us = delta_us;
		e->sz = s->sz;
		e->pid = id >> 32;
		e->tid = tid;
		e->name_len = s->name_len;
		e->mode = s->mode;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		__builtin_memcpy(e->name, s->name, sizeof(e->name));
		bct_event_submit(e, sizeof(*e));
	}
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/* Method "kprobe": BCC's */
SEC("kprobe/vfs_read")
int BPF_KPROBE(kp_read, struct file *f, char *buf, size_t count)
{
	return on_entry(f, count, FILESLOWER_READ);
}

SEC("kretprobe/vfs_read")
int BPF_KRETPROBE(kr_read)
{
	return on_return(ctx);
}

SEC("kprobe/vfs_write")
int BPF_KPROBE(kp_write, struct file *f, const char *buf, size_t count)
{
	return on_entry(f, count, FILESLOWER_WRITE);
}

SEC("kretprobe/vfs_write")
int BPF_KRETPROBE(kr_write)
{
	return on_return(ctx);
}

/* Method "tracepoint": the syscalls that call vfs_read()/vfs_write() */
static __always_inline int on_sys_entry(struct trace_event_raw_sys_enter *ctx, __u32 mode)
{
	return on_entry(bct_fd_file(bpf_get_current_task_btf(), (long)ctx->args[0]), ctx->args[2],
			mode);
}

SEC("tracepoint/syscalls/sys_enter_read")
int tp_read(struct trace_event_raw_sys_enter *ctx)
{
	return on_sys_entry(ctx, FILESLOWER_READ);
}

SEC("tracepoint/syscalls/sys_enter_pread64")
int tp_pread64(struct trace_event_raw_sys_enter *ctx)
{
	return on_sys_entry(ctx, FILESLOWER_READ);
}

SEC("tracepoint/syscalls/sys_enter_write")
int tp_write(struct trace_event_raw_sys_enter *ctx)
{
	return on_sys_entry(ctx, FILESLOWER_WRITE);
}

SEC("tracepoint/syscalls/sys_enter_pwrite64")
int tp_pwrite64(struct trace_event_raw_sys_enter *ctx)
{
	return on_sys_entry(ctx, FILESLOWER_WRITE);
}

SEC("tracepoint/syscalls/sys_exit_read")
int tp_read_exit(struct trace_event_raw_sys_exit *ctx)
{
	return on_return(ctx);
}

SEC("tracepoint/syscalls/sys_exit_pread64")
int tp_pread64_exit(struct trace_event_raw_sys_exit *ctx)
{
	return on_return(ctx);
}

SEC("tracepoint/syscalls/sys_exit_write")
int tp_write_exit(struct trace_event_raw_sys_exit *ctx)
{
	return on_return(ctx);
}

SEC("tracepoint/syscalls/sys_exit_pwrite64")
int tp_pwrite64_exit(struct trace_event_raw_sys_exit *ctx)
{
	return on_return(ctx);
}
