// SPDX-License-Identifier: Apache-2.0
/*
 * tcptracer: one event per TCP connection established by connect() (C), accepted (A) or
 * closed (X).
 *
 *   TCPT_NETNS=N        -N: keep sockets of this network namespace (inode number) only
 *   TCP_FAMILY (bpf-src/tcp_state.bpf.h): -4/-6
 *
 * Methods, one per hook:
 *   connects: BCC's kprobe/kretprobe on tcp_v4_connect and tcp_v6_connect with a kprobe on
 *             tcp_set_state(); or sock:inet_sock_set_state, whose CLOSE -> SYN_SENT runs in
 *             the connecting task and SYN_SENT -> ESTABLISHED reports it
 *   accepts:  BCC's kretprobe on inet_csk_accept; or syscalls:sys_exit_accept/accept4 and the
 *             new fd, through the task's fd table, to its socket
 *   closes:   BCC's kprobe on tcp_close; or syscalls:sys_enter_close on the last descriptor of
 *             a TCP socket (the close that calls tcp_close())
 * Credit: the original BCC tcptracer is by Kinvolk.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tcptracer.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_fd.bpf.h"
#include "tcp_state.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define K_TCP_SYN_RECV 3
#define K_TCP_NEW_SYN_RECV 12

/* who connected a socket, from connect() to ESTABLISHED */
struct tcpt_who {
	__u32 pid;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sock *);
	__type(value, struct tcpt_who);
} connecting SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct sock *);
} connect_args SEC(".maps");

static __always_inline __u32 tcpt_netns(struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

static __always_inline bool tcpt_nonzero(const __u8 *a, int n)
{
	__u64 v[2] = {};

	__builtin_memcpy(v, a, 16);
	if (n == 4)
		return (__u32)v[0] != 0;
	return v[0] || v[1];
}

/*
 * Reports c as an event of type made by who, when its addresses and ports are all set (as BCC
 * has it) and it passes -N and -4/-6.
 */
static __noinline int tcpt_report(void *ctx, struct tcp_change *c, __u8 type, struct tcpt_who *who)
{
	struct tcptracer_event *e;
	__u32 netns;
	int n;

	if (!c || !who)
		return 0;
	if (c->family != K_AF_INET && c->family != K_AF_INET6)
		return 0;
	if (!tcp_family_ok(c->family))
		return 0;
	n = c->family == K_AF_INET ? 4 : 16;
	if (!c->lport || !c->rport || !tcpt_nonzero(c->saddr, n) || !tcpt_nonzero(c->daddr, n))
		return 0;
	netns = tcpt_netns(c->sk);
#ifdef TCPT_NETNS
	if (netns != TCPT_NETNS)
		return 0;
#endif
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts = bpf_ktime_get_ns();
	e->type = type;
	e->pid = who->pid;
	e->netns = netns;
	e->sport = c->lport;
	e->dport = c->rport;
	e->family = n == 4 ? 4 : 6;
	__builtin_memcpy(e->saddr, c->saddr, 16);
	__builtin_memcpy(e->daddr, c->daddr, 16);
	__builtin_memcpy(e->comm, who->comm, 16);
	bct_event_submit(e, sizeof(*e));
	return 0;
}

static __always_inline void tcpt_who_now(struct tcpt_who *w)
{
	w->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(w->comm, sizeof(w->comm));
}

/* A socket of the current task, accepted (A) or being closed (X). */
static __always_inline int tcpt_sock(void *ctx, struct sock *sk, __u8 type)
{
	struct tcp_change c;
	struct tcpt_who w;
	__u32 state;

	if (!sk || BPF_CORE_READ(sk, sk_protocol) != K_IPPROTO_TCP)
		return 0;
	state = BPF_CORE_READ(sk, __sk_common.skc_state);
	/* as BCC: no close event for a connection that was never established */
	if (type == TCPT_CLOSE &&
	    (state == K_TCP_SYN_SENT || state == K_TCP_SYN_RECV || state == K_TCP_NEW_SYN_RECV))
		return 0;
	tcp_change_sk(sk, state, &c);
	tcpt_who_now(&w);
	return tcpt_report(ctx, &c, type, &w);
}

/* --- connects ----------------------------------------------------------------------------- */

/* Method "kprobe": BCC's */
static __always_inline int tcpt_connect_entry(struct sock *sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!bct_filter_pass())
		return 0;
	if (!tcp_family_ok(BPF_CORE_READ(sk, __sk_common.skc_family)))
		return 0;
	bpf_map_update_elem(&connect_args, &tid, &sk, BPF_ANY);
	return 0;
}

static __always_inline int tcpt_connect_return(int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct tcpt_who w;
	struct sock **skp, *sk;

	skp = bpf_map_lookup_elem(&connect_args, &tid);
	if (!skp)
		return 0;
	sk = *skp;
	bpf_map_delete_elem(&connect_args, &tid);
	if (ret)
		return 0;
	tcpt_who_now(&w);
	bpf_map_update_elem(&connecting, &sk, &w, BPF_ANY);
	return 0;
}

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(kp_v4_connect, struct sock *sk)
{
	return tcpt_connect_entry(sk);
}

SEC("kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(krp_v4_connect, int ret)
{
	return tcpt_connect_return(ret);
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(kp_v6_connect, struct sock *sk)
{
	return tcpt_connect_entry(sk);
}

SEC("kretprobe/tcp_v6_connect")
int BPF_KRETPROBE(krp_v6_connect, int ret)
{
	return tcpt_connect_return(ret);
}

/* the connect's end: ESTABLISHED reports it, CLOSE forgets it */
static __always_inline int tcpt_connect_done(void *ctx, struct tcp_change *c)
{
	struct tcpt_who *w;
	struct sock *sk = c->sk;

	if (c->newstate != K_TCP_ESTABLISHED && c->newstate != K_TCP_CLOSE)
		return 0;
	w = bpf_map_lookup_elem(&connecting, &sk);
	if (!w)
		return 0;
	if (c->newstate == K_TCP_ESTABLISHED)
		tcpt_report(ctx, c, TCPT_CONNECT, w);
	bpf_map_delete_elem(&connecting, &sk);
	return 0;
}

SEC("kprobe/tcp_set_state")
int BPF_KPROBE(kp_set_state, struct sock *sk, int state)
{
	struct tcp_change c;

	tcp_change_sk(sk, state, &c);
	return tcpt_connect_done(ctx, &c);
}

/* Method "tracepoint" */
SEC("tracepoint/sock/inet_sock_set_state")
int tp_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct tcp_change c;
	struct tcpt_who w;
	struct sock *sk;

	if (!tcp_change_tp(ctx, &c))
		return 0;
	if (c.oldstate == K_TCP_CLOSE && c.newstate == K_TCP_SYN_SENT) {
		if (!tcp_family_ok(c.family) || !bct_filter_pass())
			return 0;
		sk = c.sk;
		tcpt_who_now(&w);
		bpf_map_update_elem(&connecting, &sk, &w, BPF_ANY);
		return 0;
	}
	if (c.oldstate != K_TCP_SYN_SENT)
		return 0;
	return tcpt_connect_done(ctx, &c);
}

/* --- accepts ------------------------------------------------------------------------------ */

/* Method "kretprobe": BCC's */
SEC("kretprobe/inet_csk_accept")
int BPF_KRETPROBE(krp_accept, struct sock *sk)
{
	if (!bct_filter_pass())
		return 0;
	return tcpt_sock(ctx, sk, TCPT_ACCEPT);
}

/* Method "tracepoint": the fd accept(2) or accept4(2) returns */
static __always_inline int tcpt_accept_exit(struct trace_event_raw_sys_exit *ctx)
{
	if (ctx->ret < 0 || !bct_filter_pass())
		return 0;
	return tcpt_sock(ctx, bct_file_sock(bct_fd_file(bpf_get_current_task_btf(), ctx->ret)),
			 TCPT_ACCEPT);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int tp_accept(struct trace_event_raw_sys_exit *ctx)
{
	return tcpt_accept_exit(ctx);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int tp_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return tcpt_accept_exit(ctx);
}

/* --- closes ------------------------------------------------------------------------------- */

/* Method "kprobe": BCC's */
SEC("kprobe/tcp_close")
int BPF_KPROBE(kp_close, struct sock *sk)
{
	if (!bct_filter_pass())
		return 0;
	return tcpt_sock(ctx, sk, TCPT_CLOSE);
}

/* struct file before 6.13: a plain count */
struct file___old {
	atomic_long_t f_count;
} __attribute__((preserve_access_index));

/* Whether f has one reference left: the close that drops it calls tcp_close(). */
static __always_inline bool tcpt_last_ref(struct file *f)
{
	if (bpf_core_field_exists(f->f_ref))
		return BPF_CORE_READ(f, f_ref.refcnt.counter) == 0; /* FILE_REF_ONEREF */
	return BPF_CORE_READ((struct file___old *)f, f_count.counter) == 1;
}

/* Method "tracepoint": close(2) of a socket's last descriptor */
SEC("tracepoint/syscalls/sys_enter_close")
int tp_close(struct trace_event_raw_sys_enter *ctx)
{
	struct file *f;

	if (!bct_filter_pass())
		return 0;
	f = bct_fd_file(bpf_get_current_task_btf(), ctx->args[0]);
	if (!f || !tcpt_last_ref(f))
		return 0;
	return tcpt_sock(ctx, bct_file_sock(f), TCPT_CLOSE);
}
