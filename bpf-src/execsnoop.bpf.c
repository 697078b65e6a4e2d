// SPDX-License-Identifier: Apache-2.0
/*
 * execsnoop: one event per execve(2) and execveat(2), with the file name, the arguments and
 * the return value.
 *
 * At the call's entry the file name and the arguments are copied from the caller's memory
 * (after a successful exec that memory is gone) into a hash entry of the process; at the
 * return the entry becomes one record, which the return value, the process's new name and
 * the time complete. Without -x, a failed exec's entry is dropped in the kernel.
 *
 * Specialised by -D only: the shared filters (-u --cgroup --cgroupmap --mntnsmap,
 * bpf-src/bct_filter.bpf.h), and cmd/execsnoop.c's own:
 *   MAX_ARGS=n     arguments kept, the file name included (--max-args, default 20)
 *   FILTER_FAILED  keep failed execs too (-x)
 *   FILTER_PPID=n  only processes whose parent is this process (-P)
 * Credit: the original BCC execsnoop is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "execsnoop.h"

#ifndef MAX_ARGS
#define MAX_ARGS EXECSNOOP_MAX_ARGS_DEFAULT
#endif
#define ARGS_BYTES (MAX_ARGS * EXECSNOOP_ARGSIZE)
/* the largest record, for the perf-buffer fallback's per-CPU scratch */
#if ARGS_BYTES > EXECSNOOP_ARGS_SMALL
#define BCT_EVENT_MAX_BYTES (sizeof(struct execsnoop_event) + ARGS_BYTES)
#else
#define BCT_EVENT_MAX_BYTES (sizeof(struct execsnoop_event) + EXECSNOOP_ARGS_SMALL)
#endif
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* An exec in progress: the record's header and its arguments as the entry read them. */
struct pending {
	struct execsnoop_event h;
	char args[ARGS_BYTES];
};

/* Built here per CPU, then copied into the hash (too big for the BPF stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pending);
} scratch SEC(".maps");

/* Execs between entry and return, by process (an exec replaces the whole process). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* memory only for execs in flight */
	__type(key, __u32);
	__type(value, struct pending);
} pending SEC(".maps");

/* Appends one argument (cut to EXECSNOOP_ARGSIZE - 1 bytes); -1 when there is no room. */
static __always_inline int add_arg(struct pending *p, const char *s)
{
	__u32 off = p->h.args_size;
	long n;

	if (off > ARGS_BYTES - EXECSNOOP_ARGSIZE)
		return -1;
	n = bpf_probe_read_user_str(&p->args[off], EXECSNOOP_ARGSIZE, s);
	if (n <= 0) {
		p->args[off] = '\0'; /* unreadable: an empty argument */
		n = 1;
	}
	p->h.args_size = off + n;
	p->h.args_count++;
	return 0;
}

struct argv_walk {
	struct pending *p;
	const char *const *argv;
};

/* Step i reads argv[i + 1]; the last step only looks whether argv goes on. */
static long argv_step(__u64 i, void *arg)
{
	struct argv_walk *w = arg;
	const char *s = NULL;

	if (bpf_probe_read_user(&s, sizeof(s), &w->argv[i + 1]) || !s)
		return 1;
	if (i + 1 >= MAX_ARGS) {
		w->p->h.info |= EXECSNOOP_MORE_ARGS;
		return 1;
	}
	return add_arg(w->p, s) ? 1 : 0;
}

static __always_inline int on_enter(const char *filename, const char *const *argv)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, zero = 0;
	struct task_struct *task;
	struct argv_walk w;
	struct pending *p;

	if (!bct_filter_ids(id, bpf_get_current_uid_gid()))
		return 0;
	task = bpf_get_current_task_btf();
	if (!bct_filter_task(task))
		return 0;
	p = bpf_map_lookup_elem(&scratch, &zero);
	if (!p)
		return 0;
	p->h.pid = tgid;
	p->h.ppid = BPF_CORE_READ(task, real_parent, tgid);
#ifdef FILTER_PPID
	if (p->h.ppid != FILTER_PPID)
		return 0;
#endif
	p->h.args_count = 0;
	p->h.args_size = 0;
	p->h.info = 0;
	p->h.pad = 0;
	add_arg(p, filename);
	if (argv) {
		w.p = p;
		w.argv = argv;
		bpf_loop(MAX_ARGS, argv_step, &w, 0);
	}
	if (bpf_map_update_elem(&pending, &tgid, p, BPF_ANY))
		bct_count_lost();
	return 0;
}

/*
 * One record of class bytes of arguments from p (a reservation of that size is a struct pending
 * cut after its first class bytes of arguments).
 */
#define EMIT(class)                                                 \
	do {                                                        \
		__u32 len = p->h.args_size;                         \
                                                                    \
		e = bct_event_reserve(sizeof(e->h) + (class));      \
		if (!e)                                             \
			goto out;                                   \
		e->h = p->h;                                        \
		e->h.ts = bpf_ktime_get_ns();                       \
		e->h.uid = bpf_get_current_uid_gid();               \
		e->h.ret = ret;                                     \
		bpf_get_current_comm(e->h.comm, sizeof(e->h.comm)); \
		if (len > (class))                                  \
			len = (class);                              \
		bpf_probe_read_kernel(e->args, len, p->args);       \
		bct_event_submit(e, sizeof(e->h) + (class));        \
	} while (0)

static __always_inline int on_return(void *ctx, long ret)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct pending *e, *p;

	p = bpf_map_lookup_elem(&pending, &tgid);
	if (!p)
		return 0;
#ifndef FILTER_FAILED
	if (ret != 0)
		goto out;
#endif
	if (p->h.args_size <= EXECSNOOP_ARGS_SMALL || ARGS_BYTES <= EXECSNOOP_ARGS_SMALL)
		EMIT(EXECSNOOP_ARGS_SMALL);
	else
		EMIT(ARGS_BYTES);
out:
	bpf_map_delete_elem(&pending, &tgid);
	return 0;
}

/* The user registers of this system call. */
static __always_inline struct pt_regs *user_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

/* Method "kprobe" (BCC's): the system call functions' entry and return. */
SEC("kprobe/" BCT_SYS(execve))
int BPF_KPROBE(kp_execve)
{
	struct pt_regs *regs = user_regs();

	return on_enter((const char *)PT_REGS_PARM1_SYSCALL(regs),
			(const char *const *)PT_REGS_PARM2_SYSCALL(regs));
}

SEC("kretprobe/" BCT_SYS(execve))
int BPF_KRETPROBE(kr_execve, long ret)
{
	return on_return(ctx, ret);
}

SEC("kprobe/" BCT_SYS(execveat))
int BPF_KPROBE(kp_execveat)
{
	struct pt_regs *regs = user_regs();

	return on_enter((const char *)PT_REGS_PARM2_SYSCALL(regs),
			(const char *const *)PT_REGS_PARM3_SYSCALL(regs));
}

SEC("kretprobe/" BCT_SYS(execveat))
int BPF_KRETPROBE(kr_execveat, long ret)
{
	return on_return(ctx, ret);
}

/* Method "tracepoint": syscalls:sys_enter_execve and sys_exit_execve (and execveat's). */
SEC("tracepoint/syscalls/sys_enter_execve")
int tp_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter((const char *)ctx->args[0], (const char *const *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int tp_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	return on_return(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int tp_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter((const char *)ctx->args[1], (const char *const *)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int tp_exit_execveat(struct trace_event_raw_sys_exit *ctx)
{
	return on_return(ctx, ctx->ret);
}
