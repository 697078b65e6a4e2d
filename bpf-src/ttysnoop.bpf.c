// SPDX-License-Identifier: Apache-2.0
/*
 * ttysnoop: what is written to one tty, one event per write with up to
 * TTY_DATASIZE * TTY_DATACOUNT of its bytes (BCC's -s and -c: -c reads of -s bytes each).
 *
 * BCC hooks tty_write(), which gets every write to the tty. Without kprobes or fentry the
 * write(2) and writev(2) tracepoints see the writes that name an fd: the fd's file must be the
 * character device TTY_RDEV (kernel dev_t: major << 20 | minor, of the device the user named).
 *
 * Specialised by -D (cmd/ttysnoop.c):
 *   TTY_RDEV       the tty's device number
 *   TTY_DATASIZE   bytes per read (-s)
 *   TTY_DATACOUNT  reads per write (-c)
 *   TTY_POW2       a power of two >= TTY_DATASIZE * TTY_DATACOUNT
 *   TTY_NCPU       possible CPUs (one scratch buffer each)
 * Credit: the original BCC ttysnoop is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "ttysnoop.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_fd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef TTY_RDEV
#define TTY_RDEV 0
#endif
#ifndef TTY_DATASIZE
#define TTY_DATASIZE 256
#endif
#ifndef TTY_DATACOUNT
#define TTY_DATACOUNT 16
#endif
#ifndef TTY_POW2
#define TTY_POW2 4096
#endif
#ifndef TTY_NCPU
#define TTY_NCPU 1
#endif
#define TTY_TOTAL (TTY_DATASIZE * TTY_DATACOUNT)
#define TTY_MAXIOV 1024 /* UIO_MAXIOV */

struct tty_event {
	struct ttysnoop_hdr h;
	char data[TTY_POW2 + TTY_DATASIZE]; /* room for a read of TTY_DATASIZE at any offset */
};

/* One event being filled per CPU: larger than the stack, and than a per-CPU value may be. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TTY_NCPU);
	__type(key, __u32);
	__type(value, struct tty_event);
} scratch SEC(".maps");

/* A write's data: an array of user iovecs, walked a piece of at most TTY_DATASIZE at a time. */
struct tty_walk {
	struct tty_event *e;
	const struct iovec *iov; /* user memory; NULL for a single buffer */
	__u64 niov;
	__u64 idx;
	const char *base; /* the current piece */
	__u64 left;
};

static long tty_step(__u64 i, void *arg)
{
	struct tty_walk *w = arg;
	struct tty_event *e = w->e;
	__u32 len, n;

	if (!w->left) {
		struct iovec v;

		if (!w->iov || w->idx >= w->niov)
			return 1;
		if (bpf_probe_read_user(&v, sizeof(v), &w->iov[w->idx & (TTY_MAXIOV - 1)]))
			return 1;
		w->idx++;
		w->base = v.iov_base;
		w->left = v.iov_len;
		return 0;
	}
	len = e->h.len;
	if (len >= TTY_TOTAL)
		return 1;
	n = TTY_DATASIZE;
	if (n > w->left)
		n = w->left;
	if (n > TTY_TOTAL - len)
		n = TTY_TOTAL - len;
	if (n == 0 || n > TTY_DATASIZE)
		return 1;
	if (bpf_probe_read_user(e->data + (len & (TTY_POW2 - 1)), n, w->base))
		return 1;
	e->h.len = len + n;
	w->base += n;
	w->left -= n;
	return 0;
}

/* Sends the bytes of a write: buf/count, or the iovecs iov[0..niov). */
static __always_inline int tty_emit(void *ctx, const char *buf, __u64 count,
				    const struct iovec *iov, __u64 niov)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct tty_walk w = { .iov = iov, .niov = niov, .base = buf, .left = count };
	struct tty_event *e, *out;
	__u64 id;

	if (!bct_filter_pass())
		return 0;
	e = bpf_map_lookup_elem(&scratch, &cpu);
	if (!e)
		return 0;
	w.e = e;
	e->h.len = 0;
	bpf_loop(TTY_DATACOUNT + TTY_MAXIOV, tty_step, &w, 0);
	if (!e->h.len)
		return 0;
	id = bpf_get_current_pid_tgid();
	e->h.pid = id >> 32;
	e->h.tid = (__u32)id;
	bpf_get_current_comm(e->h.comm, sizeof(e->h.comm));
	out = bct_event_reserve(sizeof(*out));
	if (!out)
		return 0;
	bpf_probe_read_kernel(out, sizeof(*out), e);
	bct_event_submit(out, sizeof(*out));
	return 0;
}

static __always_inline bool tty_file(struct file *f)
{
	return f && BCT_S_ISCHR(bct_file_mode(f)) && bct_file_rdev(f) == (TTY_RDEV);
}

/* tty_write(struct kiocb *, struct iov_iter *): a user buffer or user iovecs. */
static __always_inline int tty_iter(void *ctx, struct kiocb *iocb, struct iov_iter *from)
{
	__u8 type;

	if (!tty_file(BPF_CORE_READ(iocb, ki_filp)))
		return 0;
	type = BPF_CORE_READ(from, iter_type);
	if (type == bpf_core_enum_value(enum iter_type, ITER_UBUF))
		return tty_emit(ctx, BPF_CORE_READ(from, ubuf), BPF_CORE_READ(from, count), NULL,
				0);
	if (type == bpf_core_enum_value(enum iter_type, ITER_IOVEC))
		return tty_emit(ctx, NULL, 0, BPF_CORE_READ(from, __iov),
				BPF_CORE_READ(from, nr_segs));
	return 0;
}

/* Method "fentry": tty_write(), as BCC attaches where the kernel has BPF trampolines. */
SEC("fentry/tty_write")
int BPF_PROG(fe_tty_write, struct kiocb *iocb, struct iov_iter *from)
{
	return tty_iter(ctx, iocb, from);
}

/* Method "kprobe": tty_write(), BCC's fallback. */
SEC("kprobe/tty_write")
int BPF_KPROBE(kp_tty_write, struct kiocb *iocb, struct iov_iter *from)
{
	return tty_iter(ctx, iocb, from);
}

/* Method "tracepoint": write(2) and writev(2) to an fd open on the tty. */
SEC("tracepoint/syscalls/sys_enter_write")
int tp_write(struct trace_event_raw_sys_enter *ctx)
{
	if (!tty_file(bct_fd_file(bpf_get_current_task_btf(), ctx->args[0])))
		return 0;
	return tty_emit(ctx, (const char *)ctx->args[1], ctx->args[2], NULL, 0);
}

SEC("tracepoint/syscalls/sys_enter_writev")
int tp_writev(struct trace_event_raw_sys_enter *ctx)
{
	if (!tty_file(bct_fd_file(bpf_get_current_task_btf(), ctx->args[0])))
		return 0;
	return tty_emit(ctx, NULL, 0, (const struct iovec *)ctx->args[1], ctx->args[2]);
}
