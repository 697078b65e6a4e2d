// SPDX-License-Identifier: Apache-2.0
/*
 * solisten: one event per listen() on a TCP socket, with its backlog, port and address.
 *
 * Method "kprobe" (BCC's): inet_listen(sock, backlog), before the call does anything: the
 * port is the one bound so far (0 when listen() will pick one).
 * Method "tracepoint": sock:inet_sock_set_state CLOSE -> LISTEN, as inet_listen() starts
 * listening (the limit is already in sk_max_ack_backlog, the port is bound), plus
 * syscalls:sys_enter_listen/sys_exit_listen for a listen() on a socket that already listens
 * (it only changes the limit; no state changes).
 *
 * Specialised by -D only: the shared filter -p (bpf-src/bct_filter.bpf.h) and
 * SOLISTEN_NETNS=n (-n: this network namespace only).
 * Credit: the original BCC solisten is by Jean-Tiare Le Bigot.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "solisten.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_fd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define K_AF_INET 2
#define K_AF_INET6 10
#define K_IPPROTO_TCP 6
#define K_SOCK_STREAM 1
#define K_TCP_CLOSE 7
#define K_TCP_LISTEN 10

/* listen() calls on a socket already listening, by thread, from entry to exit */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct sock *);
} relisten SEC(".maps");

static __always_inline bool is_inet_tcp(struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	if (family != K_AF_INET && family != K_AF_INET6)
		return false;
	return BPF_CORE_READ(sk, sk_type) == K_SOCK_STREAM &&
	       BPF_CORE_READ(sk, sk_protocol) == K_IPPROTO_TCP;
}

static __always_inline int emit(void *ctx, struct sock *sk, int backlog, __u16 lport)
{
	struct solisten_event *e;
	__u64 netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);

#ifdef SOLISTEN_NETNS
	if (netns != SOLISTEN_NETNS)
		return 0;
#endif
	if (!bct_filter_pass())
		return 0;
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->netns = netns;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->backlog = backlog;
	e->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->lport = lport;
	if (e->family == K_AF_INET)
		BPF_CORE_READ_INTO((__u32 *)e->addr, sk, __sk_common.skc_rcv_saddr);
	else
		BPF_CORE_READ_INTO((struct in6_addr *)e->addr, sk, __sk_common.skc_v6_rcv_saddr);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bct_event_submit(e, sizeof(*e));
	return 0;
}

static __always_inline __u16 bound_port(struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_num);
}

/* Method "kprobe": inet_listen(sock, backlog) */
SEC("kprobe/inet_listen")
int BPF_KPROBE(kp_inet_listen, struct socket *sock, int backlog)
{
	struct sock *sk = BPF_CORE_READ(sock, sk);

	return emit(ctx, sk, backlog, bound_port(sk));
}

/* Method "tracepoint": a socket starts listening */
SEC("tracepoint/sock/inet_sock_set_state")
int tp_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct sock *sk = (struct sock *)ctx->skaddr;

	if (ctx->protocol != K_IPPROTO_TCP || ctx->oldstate != K_TCP_CLOSE ||
	    ctx->newstate != K_TCP_LISTEN)
		return 0;
	return emit(ctx, sk, BPF_CORE_READ(sk, sk_max_ack_backlog), ctx->sport);
}

/* ... and listen() again on a listening socket: noted at entry, reported when it succeeded */
SEC("tracepoint/syscalls/sys_enter_listen")
int tp_enter_listen(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct sock *sk = bct_file_sock(bct_fd_file(task, ctx->args[0]));
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!sk || !is_inet_tcp(sk) || BPF_CORE_READ(sk, __sk_common.skc_state) != K_TCP_LISTEN)
		return 0;
	bpf_map_update_elem(&relisten, &tid, &sk, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_listen")
int tp_exit_listen(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sock **skp = bpf_map_lookup_elem(&relisten, &tid);
	struct sock *sk;

	if (!skp)
		return 0;
	sk = *skp;
	bpf_map_delete_elem(&relisten, &tid);
	if (ctx->ret != 0)
		return 0;
	return emit(ctx, sk, BPF_CORE_READ(sk, sk_max_ack_backlog), bound_port(sk));
}
