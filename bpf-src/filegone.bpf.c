// SPDX-License-Identifier: Apache-2.0
/*
 * filegone: one event per file deleted (unlink, rmdir) or renamed.
 *
 * Methods, best first (cmd/filegone.c declares them): BCC's kprobes on vfs_unlink(),
 * vfs_rmdir() and vfs_rename(), with the dentries' names; then the syscalls:sys_exit_* events
 * of unlink, unlinkat, rmdir, rename, renameat and renameat2, for the calls that succeeded,
 * with the paths as passed (read from the syscall's saved user registers).
 *
 * Specialised by -D only: the shared filters (-p -n --cgroup --exec, bct_filter.bpf.h).
 * Credit: the original BCC filegone is by Curu Wong, after Brendan Gregg's filelife.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "filegone.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline struct filegone_event *start(__u8 action, __u8 info)
{
	struct filegone_event *e;

	if (!bct_filter_pass())
		return NULL;
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return NULL;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->action = action;
	e->info = info;
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->name[0] = '\0';
	e->name2[0] = '\0';
	return e;
}

/* Method "kprobe": the VFS functions, as BCC attaches (6.3+ argument order). */
static __always_inline int dentry_gone(void *ctx, struct dentry *d)
{
	struct filegone_event *e = start(FILEGONE_DELETE, 0);

	if (!e)
		return 0;
	bpf_probe_read_kernel_str(e->name, sizeof(e->name), BPF_CORE_READ(d, d_name.name));
	bct_event_submit(e, sizeof(*e));
	return 0;
}

SEC("kprobe/vfs_unlink")
int BPF_KPROBE(kp_unlink, void *idmap, struct inode *dir, struct dentry *dentry)
{
	return dentry_gone(ctx, dentry);
}

SEC("kprobe/vfs_rmdir")
int BPF_KPROBE(kp_rmdir, void *idmap, struct inode *dir, struct dentry *dentry)
{
	return dentry_gone(ctx, dentry);
}

SEC("kprobe/vfs_rename")
int BPF_KPROBE(kp_rename, struct renamedata *rd)
{
	struct filegone_event *e = start(FILEGONE_RENAME, 0);

	if (!e)
		return 0;
	bpf_probe_read_kernel_str(e->name, sizeof(e->name),
				  BPF_CORE_READ(rd, old_dentry, d_name.name));
	bpf_probe_read_kernel_str(e->name2, sizeof(e->name2),
				  BPF_CORE_READ(rd, new_dentry, d_name.name));
	bct_event_submit(e, sizeof(*e));
	return 0;
}

/* Method "tracepoint": successful calls, their paths from the saved user registers. */
static __always_inline struct pt_regs *user_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

static __always_inline int path_gone(void *ctx, long ret, const char *path)
{
	struct filegone_event *e;

	if (ret != 0)
		return 0;
	e = start(FILEGONE_DELETE, FILEGONE_PATHS);
	if (!e)
		return 0;
	bpf_probe_read_user_str(e->name, sizeof(e->name), path);
	bct_event_submit(e, sizeof(*e));
	return 0;
}

static __always_inline int path_renamed(void *ctx, long ret, const char *from, const char *to)
{
	struct filegone_event *e;

	if (ret != 0)
		return 0;
	e = start(FILEGONE_RENAME, FILEGONE_PATHS);
	if (!e)
		return 0;
	bpf_probe_read_user_str(e->name, sizeof(e->name), from);
	bpf_probe_read_user_str(e->name2, sizeof(e->name2), to);
	bct_event_submit(e, sizeof(*e));
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_unlink")
int tp_unlink(struct trace_event_raw_sys_exit *ctx)
{
	return path_gone(ctx, ctx->ret, (const char *)PT_REGS_PARM1_SYSCALL(user_regs()));
}

SEC("tracepoint/syscalls/sys_exit_rmdir")
int tp_rmdir(struct trace_event_raw_sys_exit *ctx)
{
	return path_gone(ctx, ctx->ret, (const char *)PT_REGS_PARM1_SYSCALL(user_regs()));
}

SEC("tracepoint/syscalls/sys_exit_unlinkat")
int tp_unlinkat(struct trace_event_raw_sys_exit *ctx)
{
	return path_gone(ctx, ctx->ret, (const char *)PT_REGS_PARM2_SYSCALL(user_regs()));
}

SEC("tracepoint/syscalls/sys_exit_rename")
int tp_rename(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = user_regs();

	return path_renamed(ctx, ctx->ret, (const char *)PT_REGS_PARM1_SYSCALL(regs),
			    (const char *)PT_REGS_PARM2_SYSCALL(regs));
}

/* renameat(olddfd, old, newdfd, new) and renameat2(..., flags) */
SEC("tracepoint/syscalls/sys_exit_renameat")
int tp_renameat(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = user_regs();

	return path_renamed(ctx, ctx->ret, (const char *)PT_REGS_PARM2_SYSCALL(regs),
			    (const char *)PT_REGS_PARM4_SYSCALL(regs));
}

SEC("tracepoint/syscalls/sys_exit_renameat2")
int tp_renameat2(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = user_regs();

	return path_renamed(ctx, ctx->ret, (const char *)PT_REGS_PARM2_SYSCALL(regs),
			    (const char *)PT_REGS_PARM4_SYSCALL(regs));
}
