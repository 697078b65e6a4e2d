// SPDX-License-Identifier: Apache-2.0
/*
 * mountsnoop: one event per mount(2), umount2(2), fsopen(2), fsconfig(2), fsmount(2) and
 * move_mount(2), taken at syscall exit. The arguments are read back from the task's user
 * registers (the syscall leaves them as they were) and the strings from user memory, so no
 * entry program or map is needed.
 *
 * Specialised by -D: the shared filters only (bpf-src/bct_filter.bpf.h).
 * Credit: the original BCC mountsnoop is by Omar Sandoval; the fs*() calls follow
 * libbpf-tools' mountsnoop (Hengqi Chen, Rong Tao).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "mountsnoop.h"
#define BCT_EVENT_MAX_BYTES (sizeof(struct mountsnoop_event))
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* fsconfig commands whose value is a string */
#define K_FSCONFIG_SET_STRING 1
#define K_FSCONFIG_SET_PATH 3
#define K_FSCONFIG_SET_PATH_EMPTY 4

static __always_inline void read_str(struct mountsnoop_event *e, int i, __u64 uptr)
{
	const char *s = (const char *)uptr;
	long got;

	e->str[i & 3][0] = 0;
	if (!s)
		return;
	got = bpf_probe_read_user_str(e->str[i & 3], MOUNTSNOOP_STR_LEN, s);
	if (got < 0) {
		e->str[i & 3][0] = 0;
	} else if (got == MOUNTSNOOP_STR_LEN) {
		char c = 0;

		bpf_probe_read_user(&c, 1, s + MOUNTSNOOP_STR_LEN - 1);
		if (c)
			e->info |= MOUNTSNOOP_TRUNC(i);
	}
}

static __noinline int handle(void *ctx, __u32 op, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_struct *task;
	struct mountsnoop_event *e;
	struct pt_regs *regs;
	__u64 a1, a2, a3, a4, a5;

	if (!bct_filter_pass())
		return 0;
	task = bpf_get_current_task_btf();
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
	a1 = PT_REGS_PARM1_SYSCALL(regs);
	a2 = PT_REGS_PARM2_SYSCALL(regs);
	a3 = PT_REGS_PARM3_SYSCALL(regs);
	a4 = PT_REGS_PARM4_SYSCALL(regs);
	a5 = PT_REGS_PARM5_SYSCALL(regs);

	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	e->ret = ret;
	e->op = op;
	e->flags = 0;
	e->fd = 0;
	e->fd2 = 0;
	e->cmd = 0;
	e->aux = 0;
	e->attr_flags = 0;
	e->info = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	BPF_CORE_READ_STR_INTO(&e->pcomm, task, real_parent, comm);
	e->str[0][0] = 0;
	e->str[1][0] = 0;
	e->str[2][0] = 0;
	e->str[3][0] = 0;

	switch (op) {
	case MOUNTSNOOP_MOUNT:
		read_str(e, 0, a1);
		read_str(e, 1, a2);
		read_str(e, 2, a3);
		e->flags = a4;
		read_str(e, 3, a5);
		break;
	case MOUNTSNOOP_UMOUNT:
		read_str(e, 0, a1);
		e->flags = a2;
		break;
	case MOUNTSNOOP_FSOPEN:
		read_str(e, 0, a1);
		e->flags = a2;
		break;
	case MOUNTSNOOP_FSCONFIG:
		e->fd = a1;
		e->cmd = a2;
		read_str(e, 0, a3);
		if (a2 == K_FSCONFIG_SET_STRING || a2 == K_FSCONFIG_SET_PATH ||
		    a2 == K_FSCONFIG_SET_PATH_EMPTY)
			read_str(e, 1, a4);
		e->aux = a5;
		break;
	case MOUNTSNOOP_FSMOUNT:
		e->fd = a1;
		e->flags = a2;
		e->attr_flags = a3;
		break;
	case MOUNTSNOOP_MOVE_MOUNT:
		e->fd = a1;
		read_str(e, 0, a2);
		e->fd2 = a3;
		read_str(e, 1, a4);
		e->flags = a5;
		break;
	}
	bct_event_submit(e, sizeof(*e));
	return 0;
}

/* Method "kprobe": return probes on the syscall wrappers, as BCC attaches. */
#define KRET(name, op)                         \
	SEC("kretprobe/" BCT_SYS(name))        \
	int BPF_KRETPROBE(kr_##name, long ret) \
	{                                      \
		return handle(ctx, op, ret);   \
	}
KRET(mount, MOUNTSNOOP_MOUNT)
KRET(umount, MOUNTSNOOP_UMOUNT)
KRET(fsopen, MOUNTSNOOP_FSOPEN)
KRET(fsconfig, MOUNTSNOOP_FSCONFIG)
KRET(fsmount, MOUNTSNOOP_FSMOUNT)
KRET(move_mount, MOUNTSNOOP_MOVE_MOUNT)

/* Method "tracepoint": the syscalls:sys_exit_* events. */
#define TP(name, op)                                        \
	SEC("tracepoint/syscalls/sys_exit_" #name)          \
	int tp_##name(struct trace_event_raw_sys_exit *ctx) \
	{                                                   \
		return handle(ctx, op, ctx->ret);           \
	}
TP(mount, MOUNTSNOOP_MOUNT)
TP(umount, MOUNTSNOOP_UMOUNT)
TP(fsopen, MOUNTSNOOP_FSOPEN)
TP(fsconfig, MOUNTSNOOP_FSCONFIG)
TP(fsmount, MOUNTSNOOP_FSMOUNT)
TP(move_mount, MOUNTSNOOP_MOVE_MOUNT)
