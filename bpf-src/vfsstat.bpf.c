// SPDX-License-Identifier: Apache-2.0
/*
 * vfsstat: counts reads, writes, fsyncs, opens and creates, one counter each (key
 * enum vfsstat_stat of the histogram kit's map, its count), drained by user space per interval.
 *
 * Methods, best first (cmd/vfsstat.c declares them): BCC's fentry, then kprobes, on
 * vfs_read, vfs_write, vfs_fsync_range, vfs_open and vfs_create; then the syscall tracepoints:
 * read and pread64 (READ), write and pwrite64 (WRITE), fsync and fdatasync (FSYNC) at entry,
 * open, openat, openat2 and creat at exit when they returned a file (OPEN), and of those the
 * files the call created, FMODE_CREATED in the new file's f_mode (CREATE).
 *
 * Specialised by -D only: the shared filters (-p, bpf-src/bct_filter.bpf.h).
 * Credit: the original BCC vfsstat is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#define BCT_HIST_SLOTS 1
#include "bct_hist.bpf.h"
#include "vfsstat.h"

char LICENSE[] SEC("license") = "GPL";

/* include/linux/fs.h: the open created the file (not in vmlinux.h, which has no macros) */
#define K_FMODE_CREATED (1U << 20)

BCT_HIST_MAP(hists, __u32, VFSSTAT_MAX);

static __always_inline void add(__u32 key)
{
	struct bct_hist *h = bct_hist_lookup(&hists, &key);

	if (h)
		__sync_fetch_and_add(&h->count, 1);
}

static __always_inline int count(__u32 key)
{
	if (bct_filter_pass())
		add(key);
	return 0;
}

/* Methods "fentry" and "kprobe": BCC's VFS functions. */
SEC("fentry/vfs_read")
int BPF_PROG(fe_read)
{
	return count(VFSSTAT_READ);
}

SEC("fentry/vfs_write")
int BPF_PROG(fe_write)
{
	return count(VFSSTAT_WRITE);
}

SEC("fentry/vfs_fsync_range")
int BPF_PROG(fe_fsync)
{
	return count(VFSSTAT_FSYNC);
}

SEC("fentry/vfs_open")
int BPF_PROG(fe_open)
{
	return count(VFSSTAT_OPEN);
}

SEC("fentry/vfs_create")
int BPF_PROG(fe_create)
{
	return count(VFSSTAT_CREATE);
}

SEC("kprobe/vfs_read")
int kp_read(void *ctx)
{
	return count(VFSSTAT_READ);
}

SEC("kprobe/vfs_write")
int kp_write(void *ctx)
{
	return count(VFSSTAT_WRITE);
}

SEC("kprobe/vfs_fsync_range")
int kp_fsync(void *ctx)
{
	return count(VFSSTAT_FSYNC);
}

SEC("kprobe/vfs_open")
int kp_open(void *ctx)
{
	return count(VFSSTAT_OPEN);
}

SEC("kprobe/vfs_create")
int kp_create(void *ctx)
{
	return count(VFSSTAT_CREATE);
}

/* Method "tracepoint": the syscalls that reach those functions. */
#define ENTER(name, key)                                     \
	SEC("tracepoint/syscalls/sys_enter_" #name)          \
	int tp_##name(struct trace_event_raw_sys_enter *ctx) \
	{                                                    \
		return count(key);                           \
	}

ENTER(read, VFSSTAT_READ)
ENTER(pread64, VFSSTAT_READ)
ENTER(write, VFSSTAT_WRITE)
ENTER(pwrite64, VFSSTAT_WRITE)
ENTER(fsync, VFSSTAT_FSYNC)
ENTER(fdatasync, VFSSTAT_FSYNC)

/* Did the open that returned fd create its file? */
static __always_inline bool created(long fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *f = NULL;

	if ((__u64)fd >= BPF_CORE_READ(fdt, max_fds))
		return false;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f && (BPF_CORE_READ(f, f_mode) & K_FMODE_CREATED);
}

static __always_inline int opened(long ret)
{
	if (ret < 0 || !bct_filter_pass())
		return 0;
	add(VFSSTAT_OPEN);
	if (created(ret))
		add(VFSSTAT_CREATE);
	return 0;
}

#define EXIT_OPEN(name)                                     \
	SEC("tracepoint/syscalls/sys_exit_" #name)          \
	int tp_##name(struct trace_event_raw_sys_exit *ctx) \
	{                                                   \
		return opened(ctx->ret);                    \
	}

EXIT_OPEN(open)
EXIT_OPEN(openat)
EXIT_OPEN(openat2)
EXIT_OPEN(creat)
