// SPDX-License-Identifier: Apache-2.0
/*
 * tcpaccept: one event per TCP connection accepted (passive open).
 *
 *   TCP_LPORTS, TCP_FAMILY (bpf-src/tcp_state.bpf.h): -P and -4/-6
 *
 * Methods: BCC's kretprobe on inet_csk_accept() (the new socket it returns), or the
 * syscalls:sys_exit_accept and sys_exit_accept4 tracepoints: the new fd, through the task's
 * fd table (bct_fd.bpf.h), to its socket. The second sees accept(2) and accept4(2) only, not
 * io_uring's accepts nor the kernel's own.
 * Credit: the original BCC tcpaccept is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tcpaccept.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_fd.bpf.h"
#include "tcp_state.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* One accepted socket: reports it when it is TCP and passes the filters. */
static __noinline int tcpa_report(void *ctx, struct sock *sk)
{
	struct tcpaccept_event *e;
	struct tcp_change c;

	if (!sk)
		return 0;
	if (BPF_CORE_READ(sk, sk_protocol) != K_IPPROTO_TCP)
		return 0;
	tcp_change_sk(sk, K_TCP_ESTABLISHED, &c);
	if (c.family != K_AF_INET && c.family != K_AF_INET6)
		return 0;
	if (!tcp_lport_ok(c.lport) || !tcp_family_ok(c.family))
		return 0;
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts = bpf_ktime_get_ns();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->lport = c.lport;
	e->rport = c.rport;
	e->family = c.family == K_AF_INET ? 4 : 6;
	__builtin_memcpy(e->laddr, c.saddr, 16);
	__builtin_memcpy(e->raddr, c.daddr, 16);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bct_event_submit(e, sizeof(*e));
	return 0;
}

/* Method "kretprobe": BCC's */
SEC("kretprobe/inet_csk_accept")
int BPF_KRETPROBE(krp_accept, struct sock *sk)
{
	if (!bct_filter_pass())
		return 0;
	return tcpa_report(ctx, sk);
}

/* Method "tracepoint": the fd accept(2) or accept4(2) returns */
static __always_inline int tcpa_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct task_struct *task;
	struct file *f;

	if (ctx->ret < 0 || !bct_filter_pass())
		return 0;
	task = bpf_get_current_task_btf();
	f = bct_fd_file(task, ctx->ret);
	return tcpa_report(ctx, bct_file_sock(f));
}

SEC("tracepoint/syscalls/sys_exit_accept")
int tp_accept(struct trace_event_raw_sys_exit *ctx)
{
	return tcpa_exit(ctx);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int tp_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return tcpa_exit(ctx);
}
