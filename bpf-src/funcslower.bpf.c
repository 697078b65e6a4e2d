// SPDX-License-Identifier: Apache-2.0
/*
 * funcslower: calls of user functions slower than a threshold, one event each.
 *
 * User space attaches fs_entry (uprobe) and fs_return (uretprobe) once per function, with the
 * function's index as the attach cookie. The entry keeps, per thread, the time, the index,
 * the first six arguments (FS_ARGS) and the stacks (FS_USER_STACK, FS_KERNEL_STACK); the return
 * sends an event when the call took FS_MIN_NS or more.
 * Credit: the original BCC funcslower is by Sasha Goldshtein.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_stack.bpf.h"
#include "funcslower.h"

char LICENSE[] SEC("license") = "GPL";

/* libbpf 1.1 has no PT_REGS_PARM6 */
#ifdef PT_REGS_PARM6
#define FS_PARM6(x) PT_REGS_PARM6(x)
#elif defined(__TARGET_ARCH_x86)
#define FS_PARM6(x) BPF_CORE_READ((x), r9)
#elif defined(__TARGET_ARCH_arm64)
#define FS_PARM6(x) (((const struct user_pt_regs *)(x))->regs[5])
#else
#define FS_PARM6(x) 0
#endif

#ifndef FS_MIN_NS
#define FS_MIN_NS 1000000
#endif

struct fs_entry {
	__u64 start_ns;
	__u64 func;
	__u64 args[FS_NARGS];
	__s32 user_stack_id;
	__s32 kernel_stack_id;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct fs_entry);
} entries SEC(".maps");

SEC("uprobe")
int fs_entry(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct fs_entry e = {};

	if (!bct_filter_pass())
		return 0;
	e.start_ns = bpf_ktime_get_ns();
	e.func = bpf_get_attach_cookie(ctx);
#ifdef FS_ARGS
	e.args[0] = PT_REGS_PARM1(ctx);
	e.args[1] = PT_REGS_PARM2(ctx);
	e.args[2] = PT_REGS_PARM3(ctx);
	e.args[3] = PT_REGS_PARM4(ctx);
	e.args[4] = PT_REGS_PARM5(ctx);
	e.args[5] = FS_PARM6(ctx);
#endif
	e.user_stack_id = -1;
	e.kernel_stack_id = -1;
#ifdef FS_USER_STACK
	e.user_stack_id = bct_stack_user(ctx);
#endif
#ifdef FS_KERNEL_STACK
	e.kernel_stack_id = bct_stack_kernel(ctx);
#endif
	bpf_map_update_elem(&entries, &id, &e, BPF_ANY);
	return 0;
}

SEC("uretprobe")
int fs_return(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct fs_entry *e = bpf_map_lookup_elem(&entries, &id);
	struct fs_event *ev;
	__u64 delta;

	if (!e)
		return 0;
	delta = bpf_ktime_get_ns() - e->start_ns;
	if (delta < FS_MIN_NS) {
		bpf_map_delete_elem(&entries, &id);
		return 0;
	}
	ev = bct_event_reserve(sizeof(*ev));
	if (ev) {
		ev->func = e->func;
		ev->tgid_pid = id;
		ev->start_ns = e->start_ns;
		ev->duration_ns = delta;
		ev->retval = PT_REGS_RC(ctx);
		__builtin_memcpy(ev->args, e->args, sizeof(ev->args));
		ev->user_stack_id = e->user_stack_id;
		ev->kernel_stack_id = e->kernel_stack_id;
		bpf_get_current_comm(ev->comm, sizeof(ev->comm));
		bct_event_submit(ev, sizeof(*ev));
	}
	bpf_map_delete_elem(&entries, &id);
	return 0;
}
