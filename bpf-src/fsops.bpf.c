// SPDX-License-Identifier: Apache-2.0
/*
 * fsdist / fsslower: the latency of reads, writes, opens and fsyncs of files on one file
 * system type, as histograms per operation (fsdist) or one event per slow operation
 * (fsslower, -DFSOPS_SLOWER).
 *
 * Methods, per hook (cmd/fsdist.c declares them):
 *   kprobe      BCC's: kprobe/kretprobe pairs on the file system's own functions
 *               (FS_FN_READ, FS_FN_WRITE, FS_FN_OPEN, FS_FN_FSYNC, given by -D)
 *   tp_btf      ext4 fsync only: ext4:ext4_sync_file_enter/exit, the same code span as BCC
 *   tracepoint  syscall enter/exit pairs; the file the fd names is checked to be on the file
 *               system type by the task fd walk (bct_fd.bpf.h). Syscall-level latency.
 *
 * Specialised by -D:
 *   FS_NAME8=n   the file system type's name as a little-endian 64-bit number ("ext4")
 *   FS_NAME8_ALT=n  a second name that also matches ("nfs4" for nfs)
 *   FS_EXT4      compile the ext4 fsync tracepoint programs
 *   FSOPS_SLOWER events instead of histograms; MIN_US=n: only operations slower than n us
 *   FACTOR=n     dist: the histogram's unit in ns (1000: usecs, 1000000: msecs)
 * Credit: the original BCC ext4dist, ext4slower and their siblings are by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "fsops.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_hist.bpf.h"
#include "bct_fd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef FS_NAME8
#define FS_NAME8 0x34747865ULL /* "ext4" */
#endif
#ifndef FS_FN_READ
#define FS_FN_READ "ext4_file_read_iter"
#define FS_FN_WRITE "ext4_file_write_iter"
#define FS_FN_OPEN "ext4_file_open"
#define FS_FN_FSYNC "ext4_sync_file"
#endif
#ifndef FACTOR
#define FACTOR 1000
#endif

/* What an operation in flight remembers, per thread. */
struct start {
	__u64 ts;
	__u64 offset;
	struct file *file; /* NULL for an open until it returns */
	__s64 nr; /* the syscall (-1: a kprobe or the ext4 tracepoint) */
	__u32 op;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct start);
} starts SEC(".maps");

#ifndef FSOPS_SLOWER
BCT_HIST_MAP(hists, struct fsops_key, FSOPS_NOPS);
#endif

static __always_inline bool on_fs(struct file *f)
{
	__u64 name = 0;

	if (!f)
		return false;
	bct_file_fstype(f, (char *)&name, sizeof(name));
#ifdef FS_NAME8_ALT
	if (name == (FS_NAME8_ALT))
		return true;
#endif
	return name == (FS_NAME8);
}

static __always_inline int enter(__u32 op, struct file *f, __u64 offset, __s64 nr)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct start s = { .offset = offset, .file = f, .nr = nr, .op = op };

	if (op != FSOPS_OPEN && !on_fs(f))
		return 0;
	if (!bct_filter_pass())
		return 0;
	s.ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&starts, &tid, &s, BPF_ANY);
	return 0;
}

/* An operation ended: ret is what it returned; f the file (for an open: the new one). */
static __always_inline int leave(void *ctx, __u32 op, __s64 nr, long ret, bool open_fd)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct start *s = bpf_map_lookup_elem(&starts, &tid);
	struct file *f;
	__u64 now, delta;

	if (!s)
		return 0;
	if (s->op != op || s->nr != nr) {
		/* a stale entry (its exit was missed): drop it */
		bpf_map_delete_elem(&starts, &tid);
		return 0;
	}
	now = bpf_ktime_get_ns();
	delta = now - s->ts;
	f = s->file;
	bpf_map_delete_elem(&starts, &tid);
	if (open_fd) {
		if (ret < 0)
			return 0;
		f = bct_fd_file(bpf_get_current_task_btf(), ret);
		if (!on_fs(f))
			return 0;
	}
#ifdef FSOPS_SLOWER
	{
		struct fsops_event *e;
		struct qstr q;
		__u64 delta_us = delta / 1000;

#ifdef MIN_US
		if (delta_us <= (MIN_US))
			return 0;
#endif
		if (!f)
			return 0;
		q = BPF_CORE_READ(f, f_path.dentry, d_name);
		if (!q.len)
			return 0;
		e = bct_event_reserve(sizeof(*e));
		if (!e)
			return 0;
		e->ts_us = now / 1000;
		e->delta_us = delta_us;
		e->offset = op == FSOPS_READ || op == FSOPS_WRITE ? s->offset : 0;
		e->size = op == FSOPS_READ || op == FSOPS_WRITE ? ret : 0;
		e->pid = bpf_get_current_pid_tgid() >> 32;
		e->op = op;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		bpf_probe_read_kernel_str(e->file, sizeof(e->file), q.name);
		bct_event_submit(e, sizeof(*e));
	}
#else
	{
		struct fsops_key key = { .op = op };

		/* the value too, not 1: bcctool serve's _sum (BCT_HIST_SERVE) */
		bct_hist_log2(&hists, &key, delta / (FACTOR));
	}
#endif
	return 0;
}

/* --- method "kprobe": BCC's, on the file system's functions -------------------------------- */

SEC("kprobe/" FS_FN_READ)
int BPF_KPROBE(kp_read, struct kiocb *iocb)
{
	return enter(FSOPS_READ, BPF_CORE_READ(iocb, ki_filp), BPF_CORE_READ(iocb, ki_pos), -1);
}

SEC("kretprobe/" FS_FN_READ)
int BPF_KRETPROBE(krp_read, long ret)
{
	return leave(ctx, FSOPS_READ, -1, ret, false);
}

SEC("kprobe/" FS_FN_WRITE)
int BPF_KPROBE(kp_write, struct kiocb *iocb)
{
	return enter(FSOPS_WRITE, BPF_CORE_READ(iocb, ki_filp), BPF_CORE_READ(iocb, ki_pos), -1);
}

SEC("kretprobe/" FS_FN_WRITE)
int BPF_KRETPROBE(krp_write, long ret)
{
	return leave(ctx, FSOPS_WRITE, -1, ret, false);
}

SEC("kprobe/" FS_FN_OPEN)
int BPF_KPROBE(kp_open, struct inode *inode, struct file *file)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct start s = { .file = file, .nr = -1, .op = FSOPS_OPEN };

	if (!bct_filter_pass())
		return 0;
	s.ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&starts, &tid, &s, BPF_ANY);
	return 0;
}

SEC("kretprobe/" FS_FN_OPEN)
int BPF_KRETPROBE(krp_open, long ret)
{
	return leave(ctx, FSOPS_OPEN, -1, ret, false);
}

SEC("kprobe/" FS_FN_FSYNC)
int BPF_KPROBE(kp_fsync, struct file *file)
{
	return enter(FSOPS_FSYNC, file, 0, -1);
}

SEC("kretprobe/" FS_FN_FSYNC)
int BPF_KRETPROBE(krp_fsync, long ret)
{
	return leave(ctx, FSOPS_FSYNC, -1, ret, false);
}

/* --- method "tp_btf": ext4's fsync tracepoints, around ext4_sync_file() -------------------- */

#ifdef FS_EXT4
SEC("tp_btf/ext4_sync_file_enter")
int BPF_PROG(btf_fsync_enter, struct file *file, int datasync)
{
	return enter(FSOPS_FSYNC, file, 0, -1);
}

SEC("tp_btf/ext4_sync_file_exit")
int BPF_PROG(btf_fsync_exit, struct inode *inode, int ret)
{
	return leave(ctx, FSOPS_FSYNC, -1, ret, false);
}
#endif

/* --- method "tracepoint": syscall enter/exit pairs, the fd walk for the file system ------- */

static __always_inline struct file *fd_file(long fd)
{
	return bct_fd_file(bpf_get_current_task_btf(), fd);
}

static __always_inline int rw_enter(struct trace_event_raw_sys_enter *ctx, __u32 op, bool pos)
{
	struct file *f = fd_file(ctx->args[0]);

	if (!f)
		return 0;
	return enter(op, f, pos ? ctx->args[3] : BPF_CORE_READ(f, f_pos), ctx->id);
}

#define SYS_PAIR(name, OP, POS, OPEN_FD)                                 \
	SEC("tracepoint/syscalls/sys_enter_" #name)                      \
	int tp_enter_##name(struct trace_event_raw_sys_enter *ctx)       \
	{                                                                \
		if (OP == FSOPS_OPEN) {                                  \
			__u32 tid = (__u32)bpf_get_current_pid_tgid();   \
			struct start s = { .nr = ctx->id, .op = OP };    \
                                                                         \
			if (!bct_filter_pass())                          \
				return 0;                                \
			s.ts = bpf_ktime_get_ns();                       \
			bpf_map_update_elem(&starts, &tid, &s, BPF_ANY); \
			return 0;                                        \
		}                                                        \
		return rw_enter(ctx, OP, POS);                           \
	}                                                                \
	SEC("tracepoint/syscalls/sys_exit_" #name)                       \
	int tp_exit_##name(struct trace_event_raw_sys_exit *ctx)         \
	{                                                                \
		return leave(ctx, OP, ctx->id, ctx->ret, OPEN_FD);       \
	}

SYS_PAIR(read, FSOPS_READ, false, false)
SYS_PAIR(pread64, FSOPS_READ, true, false)
SYS_PAIR(readv, FSOPS_READ, false, false)
SYS_PAIR(write, FSOPS_WRITE, false, false)
SYS_PAIR(pwrite64, FSOPS_WRITE, true, false)
SYS_PAIR(writev, FSOPS_WRITE, false, false)
SYS_PAIR(openat, FSOPS_OPEN, false, true)
SYS_PAIR(fsync, FSOPS_FSYNC, false, false)
SYS_PAIR(fdatasync, FSOPS_FSYNC, false, false)
