// SPDX-License-Identifier: Apache-2.0
/*
 * sofdsnoop: file descriptors passed over sockets (SCM_RIGHTS), one event per descriptor.
 *
 * BCC hooks __scm_send() and scm_detach_fds() with kprobes. Without kprobes the sendmsg(2)
 * and recvmsg(2) tracepoints read the control messages from the caller's msghdr: on entry to
 * sendmsg (the sender's fds, with their files found through the task's file table), on exit
 * from recvmsg (the new fds the kernel wrote into the receiver's buffer). The first SCM_RIGHTS
 * message of a call is read (BCC reads the first control message).
 *
 * Specialised by -D only: the shared filters (-p -t -n, bpf-src/bct_filter.bpf.h).
 * Credit: the original BCC sofdsnoop is by Jiri Olsa.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sofdsnoop.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#define BCT_DIR_MAX SOFDSNOOP_PATH_MAX
#include "bct_fd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define SOL_SOCKET_ 1
#define SCM_RIGHTS_ 1
#define MAX_CMSGS 8 /* control messages read per call */
#define MAX_FDS 256 /* descriptors per message: the kernel takes up to 253 (SCM_MAX_FD) */

struct cmsg_hdr {
	__u64 len;
	__s32 level;
	__s32 type;
};

struct recv_args {
	struct user_msghdr *msg;
	__s32 sock_fd;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct recv_args);
} recvs SEC(".maps");

static __always_inline void fill_send(struct sofdsnoop_event *e, struct task_struct *task,
				      struct file *f)
{
	struct dentry *d = BPF_CORE_READ(f, f_path.dentry);
	struct vfsmount *m = BPF_CORE_READ(f, f_path.mnt);
	struct qstr q = BPF_CORE_READ(d, d_name);
	bool trunc = false;

	e->found = 1;
	e->ino = BPF_CORE_READ(f, f_inode, i_ino);
	bct_file_fstype(f, e->fstype, sizeof(e->fstype));
	bpf_probe_read_kernel_str(e->dname, sizeof(e->dname), q.name);
	e->path_off = SOFDSNOOP_PATH_MAX;
	if (BPF_CORE_READ(d, d_parent) == d && BPF_CORE_READ(m, mnt_root) != d) {
		e->pseudo = 1; /* alloc_file_pseudo(): no directory above it */
		return;
	}
	e->deleted = !BPF_CORE_READ(d, d_hash.pprev) && BPF_CORE_READ(d, d_parent) != d;
	e->path_off = bct_dir_path(e->path, task, m, d, &trunc);
	e->trunc = trunc;
}

/* The descriptors of one SCM_RIGHTS message, sent one event each (a bpf_loop callback). */
struct fd_walk {
	void *ctx;
	const int *fds; /* user memory */
	__u64 sock_ino;
	__u32 n;
	__s32 action;
	__s32 sock_fd;
};

static long fd_step(__u64 i, void *arg)
{
	struct fd_walk *w = arg;
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid();
	struct sofdsnoop_event *e;
	void *ctx = w->ctx;
	struct file *f;
	int fd;

	if (i >= w->n)
		return 1;
	if (bpf_probe_read_user(&fd, sizeof(fd), &w->fds[i & (MAX_FDS - 1)]))
		return 1;
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 1;
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->action = w->action;
	e->sock_fd = w->sock_fd;
	e->sock_ino = w->sock_ino;
	e->fd = fd;
	e->ino = 0;
	e->path_off = SOFDSNOOP_PATH_MAX;
	e->found = 0;
	e->pseudo = 0;
	e->deleted = 0;
	e->trunc = 0;
	e->fstype[0] = 0;
	e->dname[0] = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (w->action == SOFDSNOOP_SEND) {
		f = bct_fd_file(task, fd);
		if (f)
			fill_send(e, task, f);
	}
	bct_event_submit(e, sizeof(*e));
	return 0;
}

/*
 * Finds the first SCM_RIGHTS control message of the user msghdr msg and sends its
 * descriptors.
 */
static __always_inline int scan(void *ctx, int action, int sock_fd, struct user_msghdr *msg)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fd_walk w = { .ctx = ctx, .action = action, .sock_fd = sock_fd };
	struct user_msghdr h;
	struct file *sf;
	__u64 off = 0;
	char *ctl;
	__u32 i;

	if (bpf_probe_read_user(&h, sizeof(h), msg))
		return 0;
	ctl = h.msg_control;
	if (!ctl || h.msg_controllen < sizeof(struct cmsg_hdr))
		return 0;
	for (i = 0; i < MAX_CMSGS; i++) {
		struct cmsg_hdr c;

		if (off + sizeof(c) > h.msg_controllen)
			return 0;
		if (bpf_probe_read_user(&c, sizeof(c), ctl + off))
			return 0;
		if (c.len < sizeof(c) || off + c.len > h.msg_controllen)
			return 0;
		if (c.level == SOL_SOCKET_ && c.type == SCM_RIGHTS_) {
			w.fds = (const int *)(ctl + off + sizeof(c));
			w.n = (c.len - sizeof(c)) / sizeof(int);
			break;
		}
		off += (c.len + 7) & ~7ULL;
	}
	if (!w.fds)
		return 0;
	if (w.n > MAX_FDS)
		w.n = MAX_FDS;
	sf = bct_fd_file(task, sock_fd);
	if (sf)
		w.sock_ino = BPF_CORE_READ(sf, f_inode, i_ino);
	bpf_loop(MAX_FDS, fd_step, &w, 0);
	return 0;
}

static __always_inline int send_enter(void *ctx, long fd, struct user_msghdr *msg)
{
	if (!bct_filter_pass())
		return 0;
	return scan(ctx, SOFDSNOOP_SEND, (int)fd, msg);
}

static __always_inline int recv_enter(long fd, struct user_msghdr *msg)
{
	struct recv_args a = { .msg = msg, .sock_fd = (int)fd };
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!bct_filter_pass())
		return 0;
	if (bpf_map_update_elem(&recvs, &tid, &a, BPF_ANY))
		bct_count_lost();
	return 0;
}

static __always_inline int recv_exit(void *ctx, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct recv_args *a = bpf_map_lookup_elem(&recvs, &tid);
	struct recv_args copy;

	if (!a)
		return 0;
	copy = *a;
	bpf_map_delete_elem(&recvs, &tid);
	if (ret < 0)
		return 0;
	return scan(ctx, SOFDSNOOP_RECV, copy.sock_fd, copy.msg);
}

/* Method "kprobe": the syscall wrappers, as BCC attaches for the socket fd. */
SEC("kprobe/" BCT_SYS(sendmsg))
int BPF_KPROBE(kp_sendmsg, struct pt_regs *regs)
{
	return send_enter(ctx, PT_REGS_PARM1_CORE_SYSCALL(regs),
			  (struct user_msghdr *)PT_REGS_PARM2_CORE_SYSCALL(regs));
}

SEC("kprobe/" BCT_SYS(recvmsg))
int BPF_KPROBE(kp_recvmsg, struct pt_regs *regs)
{
	return recv_enter(PT_REGS_PARM1_CORE_SYSCALL(regs),
			  (struct user_msghdr *)PT_REGS_PARM2_CORE_SYSCALL(regs));
}

SEC("kretprobe/" BCT_SYS(recvmsg))
int BPF_KRETPROBE(kr_recvmsg, long ret)
{
	return recv_exit(ctx, ret);
}

/* Method "tracepoint": syscalls:sys_{enter,exit}_{sendmsg,recvmsg}. */
SEC("tracepoint/syscalls/sys_enter_sendmsg")
int tp_sendmsg(struct trace_event_raw_sys_enter *ctx)
{
	return send_enter(ctx, ctx->args[0], (struct user_msghdr *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_recvmsg")
int tp_recvmsg_enter(struct trace_event_raw_sys_enter *ctx)
{
	return recv_enter(ctx->args[0], (struct user_msghdr *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_recvmsg")
int tp_recvmsg_exit(struct trace_event_raw_sys_exit *ctx)
{
	return recv_exit(ctx, ctx->ret);
}
