// SPDX-License-Identifier: Apache-2.0
/*
 * opensnoop: one event per open(2), creat(2), openat(2) and openat2(2), taken at syscall exit.
 *
 * Every method runs one program per open, at exit, and reads the arguments back from the
 * task's user registers (the syscall does not change them; on arm64 and s390 bpf_tracing.h
 * reads the saved first argument). No entry program and no map lookup sit in the hot path.
 *
 * Specialised by -D only: the shared filters (-p -t -u -n --cgroup --cgroupmap --mntnsmap,
 * bpf-src/bct_filter.bpf.h), and cmd/opensnoop.c's own:
 *   FILTER_FAILED                            keep only failed opens
 *   FILTER_FLAGS=mask                        keep opens with any of these flag bits ...
 *   FILTER_FLAGS_ALL0=m FILTER_FLAGS_ALL1=m  ... or all bits of m (O_SYNC, O_TMPFILE) ...
 *   FILTER_RDONLY                            ... or access mode O_RDONLY
 *   FULLPATH                                 relative names: prefix the directory they
 *                                            resolve against (cwd or openat's dirfd)
 * Credit: the original BCC opensnoop is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "opensnoop.h"
/* the largest record, for the perf-buffer fallback's per-CPU scratch */
#define BCT_EVENT_MAX_BYTES (sizeof(struct opensnoop_event) + OPENSNOOP_PATH_BIG)
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#define BCT_DIR_MAX OPENSNOOP_DIR_MAX
#include "bct_fd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Generic (x86, arm64, riscv, s390) values; not in vmlinux.h, which carries no macros. */
#define K_O_ACCMODE 03
#define K_O_CREAT 0100
#define K_O_WRONLY_CREAT_TRUNC 01101
#define K_O_TMPFILE_BIT 020000000

/* a record with a path area of cls bytes */
#define REC_SZ(cls) (sizeof(struct opensnoop_event) + (cls))
/* -F: the name's room after "<dir>/" */
#define NAME_ROOM (OPENSNOOP_PATH_BIG - OPENSNOOP_DIR_MAX - 1)

enum kind {
	K_OPEN,
	K_CREAT,
	K_OPENAT,
	K_OPENAT2,
};

struct args {
	const char *name;
	int dfd;
	__u32 flags;
	__u32 mode;
};

static __always_inline bool flags_match(__u32 flags)
{
#if defined(FILTER_FLAGS) || defined(FILTER_FLAGS_ALL0) || defined(FILTER_RDONLY)
#ifdef FILTER_FLAGS
	if (flags & (FILTER_FLAGS))
		return true;
#endif
#ifdef FILTER_FLAGS_ALL0
	if ((flags & (FILTER_FLAGS_ALL0)) == (FILTER_FLAGS_ALL0))
		return true;
#endif
#ifdef FILTER_FLAGS_ALL1
	if ((flags & (FILTER_FLAGS_ALL1)) == (FILTER_FLAGS_ALL1))
		return true;
#endif
#ifdef FILTER_RDONLY
	if ((flags & K_O_ACCMODE) == 0)
		return true;
#endif
	return false;
#else
	return true;
#endif
}

/*
 * regs is a BTF pointer in every method (bpf_task_pt_regs(), or the wrapper's argument under
 * fexit), so the arguments are plain loads, not bpf_probe_read_kernel() calls.
 */
static __always_inline void read_args(enum kind kind, struct pt_regs *regs, struct args *a)
{
	a->dfd = BCT_AT_FDCWD;
	a->mode = 0;
	switch (kind) {
	case K_OPEN:
		a->name = (const char *)PT_REGS_PARM1_SYSCALL(regs);
		a->flags = PT_REGS_PARM2_SYSCALL(regs);
		a->mode = PT_REGS_PARM3_SYSCALL(regs);
		break;
	case K_CREAT:
		a->name = (const char *)PT_REGS_PARM1_SYSCALL(regs);
		a->flags = K_O_WRONLY_CREAT_TRUNC;
		a->mode = PT_REGS_PARM2_SYSCALL(regs);
		break;
	case K_OPENAT:
		a->dfd = PT_REGS_PARM1_SYSCALL(regs);
		a->name = (const char *)PT_REGS_PARM2_SYSCALL(regs);
		a->flags = PT_REGS_PARM3_SYSCALL(regs);
		a->mode = PT_REGS_PARM4_SYSCALL(regs);
		break;
	case K_OPENAT2: {
		struct open_how how = {};

		a->dfd = PT_REGS_PARM1_SYSCALL(regs);
		a->name = (const char *)PT_REGS_PARM2_SYSCALL(regs);
		bpf_probe_read_user(&how, sizeof(how), (const void *)PT_REGS_PARM3_SYSCALL(regs));
		a->flags = how.flags;
		a->mode = how.mode;
		break;
	}
	}
}

/* Has the user string at s more than n - 1 bytes? (read_user_str filled all n bytes) */
static __always_inline bool longer_than(const char *s, long got, __u32 n)
{
	char c = 0;

	if (got < (long)n)
		return false;
	bpf_probe_read_user(&c, 1, s + n - 1);
	return c != 0;
}

#ifdef FULLPATH
/* -F: "<dir>/<name>" is assembled here, then copied into a record of the size it needs. */
struct scratch {
	char buf[OPENSNOOP_PATH_BIG];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} fullpath_buf SEC(".maps");

/* The directory a relative name resolves against (the cwd or openat's dirfd). */
static __always_inline __u32 dir_path(char *buf, struct vfsmount *vmnt, struct dentry *d,
				      struct task_struct *task, __u32 *info)
{
	bool trunc;
	__u32 off = bct_dir_path(buf, task, vmnt, d, &trunc);

	if (trunc)
		*info |= OPENSNOOP_TRUNC_DIR;
	return off;
}
#endif

static __always_inline void fill(struct opensnoop_event *e, __u64 id, __u32 uid, long ret,
				 const struct args *a, const __u64 *comm)
{
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->uid = uid;
	e->ret = (__u32)ret;
	e->flags = a->flags;
	e->mode = a->mode;
	e->info = (a->flags & (K_O_CREAT | K_O_TMPFILE_BIT)) ? OPENSNOOP_HAS_MODE : 0;
	e->pad = 0;
	*(__u64 *)&e->comm[0] = comm[0];
	*(__u64 *)&e->comm[8] = comm[1];
}

#ifdef FULLPATH
/* Copies the assembled text into the smallest record class that holds it. */
#define EMIT_CLASS(class_bytes)                                                       \
	do {                                                                          \
		e = bct_event_reserve(sizeof(*e) + (class_bytes));                    \
		if (!e)                                                               \
			return 0;                                                     \
		fill(e, id, uid, ret, a, comm);                                       \
		e->info |= info;                                                      \
		bpf_probe_read_kernel(e->path, len &((class_bytes)-1), s->buf + off); \
		e->path[len & ((class_bytes)-1)] = '\0';                              \
		bct_event_submit(e, sizeof(*e) + (class_bytes));                      \
	} while (0)

/* -F with a relative name: "<dir>/<name>", dir from the cwd or openat's dirfd. */
static __always_inline int emit_full(void *ctx, __u64 id, __u32 uid, long ret, const struct args *a,
				     const __u64 *comm, struct task_struct *task,
				     struct vfsmount *m, struct dentry *d)
{
	__u32 zero = 0, info = OPENSNOOP_FULLPATH, off, len;
	struct opensnoop_event *e;
	struct scratch *s;
	long n;

	s = bpf_map_lookup_elem(&fullpath_buf, &zero);
	if (!s)
		return 0;
	off = dir_path(s->buf, m, d, task, &info);
	s->buf[OPENSNOOP_DIR_MAX] = '/';
	n = bpf_probe_read_user_str(s->buf + OPENSNOOP_DIR_MAX + 1, NAME_ROOM, a->name);
	if (n < 1)
		n = 1; /* unreadable: the directory and '/' */
	else if (longer_than(a->name, n, NAME_ROOM))
		info |= OPENSNOOP_TRUNC;
	/* text length without the NUL */
	len = OPENSNOOP_DIR_MAX + n - off;
	if (off > OPENSNOOP_DIR_MAX)
		return 0;
	if (len < OPENSNOOP_PATH_SMALL)
		EMIT_CLASS(OPENSNOOP_PATH_SMALL);
	else if (len < OPENSNOOP_PATH_MID)
		EMIT_CLASS(OPENSNOOP_PATH_MID);
	else if (len < OPENSNOOP_PATH_BIG)
		EMIT_CLASS(OPENSNOOP_PATH_BIG);
	return 0;
}
#endif

/* Reads the name into e's path area of cls bytes; true when it did not fit. */
static __always_inline bool read_name(struct opensnoop_event *e, __u32 cls, const char *name)
{
	long n = bpf_probe_read_user_str(e->path, cls, name);

	if (n < 0) {
		e->path[0] = '\0';
		return false;
	}
	return longer_than(name, n, cls);
}

/*
 * The name as passed, in the smallest record class that holds it. Names longer than the small
 * class are rare: they are read again into a bigger record, which replaces the first one (when
 * no bigger record can be had, the smaller one goes out cut).
 */
static __always_inline int emit_plain(void *ctx, __u64 id, __u32 uid, long ret,
				      const struct args *a, const __u64 *comm)
{
	struct opensnoop_event *e, *next;

	e = bct_event_reserve(REC_SZ(OPENSNOOP_PATH_SMALL));
	if (!e)
		return 0;
	fill(e, id, uid, ret, a, comm);
	if (!read_name(e, OPENSNOOP_PATH_SMALL, a->name)) {
		bct_event_submit(e, REC_SZ(OPENSNOOP_PATH_SMALL));
		return 0;
	}
	next = bct_event_reserve(REC_SZ(OPENSNOOP_PATH_MID));
	if (!next) {
		e->info |= OPENSNOOP_TRUNC;
		bct_event_submit(e, REC_SZ(OPENSNOOP_PATH_SMALL));
		return 0;
	}
	bct_event_discard(e);
	e = next;
	fill(e, id, uid, ret, a, comm);
	if (!read_name(e, OPENSNOOP_PATH_MID, a->name)) {
		bct_event_submit(e, REC_SZ(OPENSNOOP_PATH_MID));
		return 0;
	}
	next = bct_event_reserve(REC_SZ(OPENSNOOP_PATH_BIG));
	if (!next) {
		e->info |= OPENSNOOP_TRUNC;
		bct_event_submit(e, REC_SZ(OPENSNOOP_PATH_MID));
		return 0;
	}
	bct_event_discard(e);
	e = next;
	fill(e, id, uid, ret, a, comm);
	if (read_name(e, OPENSNOOP_PATH_BIG, a->name))
		e->info |= OPENSNOOP_TRUNC;
	bct_event_submit(e, REC_SZ(OPENSNOOP_PATH_BIG));
	return 0;
}

/*
 * One BPF subprogram that every program calls: the compiler optimises and generates it once,
 * not once per syscall (a cache-miss compile takes ~60 ms instead of ~80). The verifier still
 * checks it per caller, with that caller's constant kind, so dead branches cost nothing there;
 * at run time the call adds a few ns to an event.
 */
static __noinline int handle(void *ctx, enum kind kind, struct pt_regs *regs, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 uid = bpf_get_current_uid_gid();
	struct task_struct *task;
	__u64 comm[2];
	struct args a;

#ifdef FILTER_FAILED
	if (ret >= 0)
		return 0;
#endif
	if (!bct_filter_ids(id, uid))
		return 0;
	task = bpf_get_current_task_btf();
	if (!bct_filter_task(task))
		return 0;
	/* task->comm read directly (always NUL-terminated): cheaper than bpf_get_current_comm() */
	comm[0] = *(__u64 *)&task->comm[0];
	comm[1] = *(__u64 *)&task->comm[8];
	if (!bct_filter_comm((const char *)comm))
		return 0;
	read_args(kind, regs, &a);
	if (!flags_match(a.flags))
		return 0;

#ifdef FULLPATH
	{
		struct vfsmount *m;
		struct dentry *d;
		char c = 0;

		bpf_probe_read_user(&c, 1, a.name);
		if (c && c != '/' && bct_dirfd(task, a.dfd, &m, &d))
			return emit_full(ctx, id, uid, ret, &a, comm, task, m, d);
	}
#endif
	return emit_plain(ctx, id, uid, ret, &a, comm);
}

/* The user registers of this syscall (kprobe and tracepoint methods). */
static __always_inline struct pt_regs *user_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

/* Method "fexit": the syscall wrappers' own pt_regs argument. */
SEC("fexit/" BCT_SYS(open))
int BPF_PROG(fx_open, struct pt_regs *regs, long ret)
{
	return handle(ctx, K_OPEN, regs, ret);
}

SEC("fexit/" BCT_SYS(creat))
int BPF_PROG(fx_creat, struct pt_regs *regs, long ret)
{
	return handle(ctx, K_CREAT, regs, ret);
}

SEC("fexit/" BCT_SYS(openat))
int BPF_PROG(fx_openat, struct pt_regs *regs, long ret)
{
	return handle(ctx, K_OPENAT, regs, ret);
}

SEC("fexit/" BCT_SYS(openat2))
int BPF_PROG(fx_openat2, struct pt_regs *regs, long ret)
{
	return handle(ctx, K_OPENAT2, regs, ret);
}

/* Method "kprobe": return probes on the same wrappers. */
SEC("kretprobe/" BCT_SYS(open))
int BPF_KRETPROBE(kr_open, long ret)
{
	return handle(ctx, K_OPEN, user_regs(), ret);
}

SEC("kretprobe/" BCT_SYS(creat))
int BPF_KRETPROBE(kr_creat, long ret)
{
	return handle(ctx, K_CREAT, user_regs(), ret);
}

SEC("kretprobe/" BCT_SYS(openat))
int BPF_KRETPROBE(kr_openat, long ret)
{
	return handle(ctx, K_OPENAT, user_regs(), ret);
}

SEC("kretprobe/" BCT_SYS(openat2))
int BPF_KRETPROBE(kr_openat2, long ret)
{
	return handle(ctx, K_OPENAT2, user_regs(), ret);
}

/* Method "tracepoint": the syscalls:sys_exit_* events. */
SEC("tracepoint/syscalls/sys_exit_open")
int tp_open(struct trace_event_raw_sys_exit *ctx)
{
	return handle(ctx, K_OPEN, user_regs(), ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_creat")
int tp_creat(struct trace_event_raw_sys_exit *ctx)
{
	return handle(ctx, K_CREAT, user_regs(), ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int tp_openat(struct trace_event_raw_sys_exit *ctx)
{
	return handle(ctx, K_OPENAT, user_regs(), ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int tp_openat2(struct trace_event_raw_sys_exit *ctx)
{
	return handle(ctx, K_OPENAT2, user_regs(), ctx->ret);
}
