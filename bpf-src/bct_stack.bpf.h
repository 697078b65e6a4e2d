/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stack traces recorded in the kernel for the user side to symbolize (lib/stack.h).
 * Included after bct_common.bpf.h:
 *
 *	__s32 kid = bct_stack_kernel(ctx);  // the kernel stack's id, or -errno
 *	__s32 uid = bct_stack_user(ctx);    // the user stack's id, or -errno
 *
 * Both store the stack in the `stack_traces` map (BPF_MAP_TYPE_STACK_TRACE) of
 * BCT_STACK_STORAGE entries (the tools' --stack-storage-size; default 1024) and return its id.
 * A negative id is the kernel's error: -EFAULT when there is no such stack (a kernel thread has
 * no user stack), -ENOMEM when the map is full, -EEXIST when a different stack already holds
 * its hash bucket. The user side counts those (BCC's closing warning), so they are not
 * counted here as lost events.
 * BCT_STACK_NO_KERNEL / BCT_STACK_NO_USER (-U / -K) make the other call return -1 at once.
 */
#ifndef BCT_STACK_BPF_H
#define BCT_STACK_BPF_H

#ifndef BCT_STACK_STORAGE
#define BCT_STACK_STORAGE 1024
#endif
/* frames per stack: the kernel's default perf_event_max_stack (lib/stack.h agrees) */
#define BCT_STACK_DEPTH 127

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, BCT_STACK_STORAGE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, BCT_STACK_DEPTH * sizeof(__u64));
} stack_traces SEC(".maps");

static __always_inline __s32 bct_stack_id(void *ctx, __u64 flags)
{
	return bpf_get_stackid(ctx, &stack_traces, flags);
}

static __always_inline __s32 bct_stack_kernel(void *ctx)
{
#ifdef BCT_STACK_NO_KERNEL
	return -1;
#else
	return bct_stack_id(ctx, 0);
#endif
}

static __always_inline __s32 bct_stack_user(void *ctx)
{
#ifdef BCT_STACK_NO_USER
	return -1;
#else
	return bct_stack_id(ctx, BPF_F_USER_STACK);
#endif
}

#endif
