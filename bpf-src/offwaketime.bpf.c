// SPDX-License-Identifier: Apache-2.0
/*
 * offwaketime: the time threads spend blocked, summed per target (its stacks where it left the
 * CPU) and waker (its stacks where it woke the target), in microseconds, in the map "counts".
 *
 * The waker's command and stacks are stored at the wakeup, in "wokeby", keyed by the target
 * thread; when the target comes back on CPU the time since it left is added under its own
 * stacks and those of its waker.
 *
 * Attach methods, best first (cmd/offwaketime.c declares them):
 *   kprobe  finish_task_switch + try_to_wake_up (BCC's): the target's stacks are taken when
 *           it is switched back in
 *   tp_btf, raw_tp  sched_switch + sched_waking: sched_waking fires inside try_to_wake_up in
 *           the waker; at sched_switch the thread leaving (prev) is the current one, so its
 *           stacks and command are taken then, in "start", and used when it comes back (next).
 *           The target's kernel stack ends at __schedule instead of finish_task_switch.
 *
 * Defines (set by cmd/offwaketime.c):
 *   OFFWAKE_TGIDS=a,b.. / OFFWAKE_PIDS=a,b..   -p / -t
 *   OFFWAKE_USER_THREADS / OFFWAKE_KERNEL_THREADS   -u / -k
 *   OFFWAKE_STATE=n                 --state (0: only tasks still runnable, else a bitmask)
 *   OFFWAKE_MIN_US=n, OFFWAKE_MAX_US=n   -m / -M
 *   BCT_STACK_NO_KERNEL / BCT_STACK_NO_USER / BCT_STACK_STORAGE=n   -U / -K / storage
 * Credit: the original BCC offwaketime is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_stack.bpf.h"
#include "offwaketime.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef OFFWAKE_MIN_US
#define OFFWAKE_MIN_US 1
#endif
#ifndef OFFWAKE_MAX_US
#define OFFWAKE_MAX_US 0xffffffffffffffffULL
#endif
#define PF_KTHREAD_FLAG 0x00200000
#define EFAULT_ID (-14)

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OFFWAKE_MAX_KEYS);
	__type(key, struct offwake_key);
	__type(value, __u64);
} counts SEC(".maps");

/* when each thread left the CPU, and (sched_switch methods) its stacks and command then */
struct start {
	__u64 ts;
	__s32 k_stack_id;
	__s32 u_stack_id;
	char comm[OFFWAKE_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OFFWAKE_MAX_START);
	__type(key, __u32);
	__type(value, struct start);
} start SEC(".maps");

/* who woke each thread, keyed by the woken thread */
struct wokeby {
	char name[OFFWAKE_COMM_LEN];
	__s32 k_stack_id;
	__s32 u_stack_id;
	__u32 w_pid;
	__u32 w_tgid;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OFFWAKE_MAX_START);
	__type(key, __u32);
	__type(value, struct wokeby);
} wokeby SEC(".maps");

#ifdef OFFWAKE_TGIDS
static const volatile __u32 want_tgids[] = { OFFWAKE_TGIDS };
#endif
#ifdef OFFWAKE_PIDS
static const volatile __u32 want_pids[] = { OFFWAKE_PIDS };
#endif

static __always_inline bool in_list(const volatile __u32 *list, int n, __u32 v)
{
	int i;

	for (i = 0; i < OFFWAKE_MAX_IDS && i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

/* BCC's THREAD_FILTER and STATE_FILTER on the target p */
static __always_inline bool target_pass(struct task_struct *p)
{
	__u32 pid = BPF_CORE_READ(p, pid), tgid = BPF_CORE_READ(p, tgid);
	unsigned int flags = BPF_CORE_READ(p, flags);

	(void)pid;
	(void)flags;
	if (tgid == bct_self_tgid)
		return false;
#ifdef OFFWAKE_TGIDS
	if (!in_list(want_tgids, sizeof(want_tgids) / sizeof(want_tgids[0]), tgid))
		return false;
#endif
#ifdef OFFWAKE_PIDS
	if (!in_list(want_pids, sizeof(want_pids) / sizeof(want_pids[0]), pid))
		return false;
#endif
#ifdef OFFWAKE_USER_THREADS
	if (flags & PF_KTHREAD_FLAG)
		return false;
#endif
#ifdef OFFWAKE_KERNEL_THREADS
	if (!(flags & PF_KTHREAD_FLAG))
		return false;
#endif
#ifdef OFFWAKE_STATE
	{
		unsigned int state = BPF_CORE_READ(p, __state);

		if ((OFFWAKE_STATE) == 0 ? state != 0 : !(state & (OFFWAKE_STATE)))
			return false;
	}
#endif
	return true;
}

/* The current thread wakes p: remember who, with which stacks. */
static __always_inline int waker(void *ctx, struct task_struct *p)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct wokeby w = {};
	__u32 pid;

	if (!target_pass(p))
		return 0;
	pid = BPF_CORE_READ(p, pid);
	bpf_get_current_comm(w.name, sizeof(w.name));
	w.k_stack_id = bct_stack_kernel(ctx);
	w.u_stack_id = bct_stack_user(ctx);
	w.w_pid = (__u32)id;
	w.w_tgid = id >> 32;
	bpf_map_update_elem(&wokeby, &pid, &w, BPF_ANY);
	return 0;
}

/* Thread pid (of tgid) is back on CPU after s: adds its blocked time under it and its waker. */
static __always_inline void back(__u32 pid, __u32 tgid, const struct start *s, __u64 now)
{
	struct offwake_key key = {};
	struct wokeby *w;
	__u64 delta, *v;

	if (s->ts > now)
		return;
	delta = (now - s->ts) / 1000;
	if (delta < (OFFWAKE_MIN_US) || delta > (OFFWAKE_MAX_US))
		return;
	__builtin_memcpy(key.target, s->comm, sizeof(key.target));
	key.t_pid = pid;
	key.t_tgid = tgid;
	key.t_k_stack_id = s->k_stack_id;
	key.t_u_stack_id = s->u_stack_id;
	key.w_k_stack_id = EFAULT_ID;
	key.w_u_stack_id = EFAULT_ID;
	w = bpf_map_lookup_elem(&wokeby, &pid);
	if (w) {
		key.w_k_stack_id = w->k_stack_id;
		key.w_u_stack_id = w->u_stack_id;
		key.w_pid = w->w_pid;
		key.w_tgid = w->w_tgid;
		__builtin_memcpy(key.waker, w->name, sizeof(key.waker));
		bpf_map_delete_elem(&wokeby, &pid);
	}
	v = bpf_map_lookup_elem(&counts, &key);
	if (v) {
		__sync_fetch_and_add(v, delta);
		return;
	}
	if (bpf_map_update_elem(&counts, &key, &delta, BPF_NOEXIST)) {
		v = bpf_map_lookup_elem(&counts, &key);
		if (v)
			__sync_fetch_and_add(v, delta);
		else
			bct_count_lost();
	}
}

/* Method "kprobe": BCC's, in the task switched in */
SEC("kprobe/finish_task_switch.isra.0")
int BPF_KPROBE(oncpu_kprobe, struct task_struct *prev)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	struct start s = {}, *sp;
	__u32 pid;

	if (target_pass(prev)) {
		pid = BPF_CORE_READ(prev, pid);
		s.ts = now;
		bpf_map_update_elem(&start, &pid, &s, BPF_ANY);
	}
	pid = (__u32)id;
	sp = bpf_map_lookup_elem(&start, &pid);
	if (!sp)
		return 0;
	s.ts = sp->ts;
	bpf_map_delete_elem(&start, &pid);
	s.k_stack_id = bct_stack_kernel(ctx);
	s.u_stack_id = bct_stack_user(ctx);
	bpf_get_current_comm(s.comm, sizeof(s.comm));
	back(pid, id >> 32, &s, now);
	return 0;
}

SEC("kprobe/try_to_wake_up")
int BPF_KPROBE(waker_kprobe, struct task_struct *p)
{
	return waker(ctx, p);
}

/* Methods "tp_btf" and "raw_tp": prev (the current task) leaves, next comes back. */
static __always_inline int switched(void *ctx, struct task_struct *prev, struct task_struct *next)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	struct start s = {}, *sp;
	__u32 pid;

	if (target_pass(prev)) {
		pid = (__u32)id;
		s.ts = now;
		s.k_stack_id = bct_stack_kernel(ctx);
		s.u_stack_id = bct_stack_user(ctx);
		bpf_get_current_comm(s.comm, sizeof(s.comm));
		bpf_map_update_elem(&start, &pid, &s, BPF_ANY);
	}
	pid = BPF_CORE_READ(next, pid);
	sp = bpf_map_lookup_elem(&start, &pid);
	if (!sp)
		return 0;
	s = *sp;
	bpf_map_delete_elem(&start, &pid);
	back(pid, BPF_CORE_READ(next, tgid), &s, now);
	return 0;
}

SEC("tp_btf/sched_switch")
int oncpu_btf(__u64 *ctx)
{
	return switched(ctx, (void *)ctx[1], (void *)ctx[2]);
}

SEC("tp_btf/sched_waking")
int waker_btf(__u64 *ctx)
{
	return waker(ctx, (struct task_struct *)ctx[0]);
}

SEC("raw_tp/sched_switch")
int oncpu_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return switched(ctx, (void *)ctx->args[1], (void *)ctx->args[2]);
}

SEC("raw_tp/sched_waking")
int waker_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return waker(ctx, (struct task_struct *)ctx->args[0]);
}
