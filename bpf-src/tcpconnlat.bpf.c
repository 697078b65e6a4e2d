// SPDX-License-Identifier: Apache-2.0
/*
 * tcpconnlat: one event per active TCP open that gets established, with the time from the
 * connect to the established state.
 *
 *   TCPCL_MIN_US=n     [min_ms]: only connects that took at least n microseconds
 *   TCP_FAMILY (bpf-src/tcp_state.bpf.h): -4/-6
 *
 * Methods: BCC's kprobes on tcp_v4_connect/tcp_v6_connect (start) and tcp_rcv_state_process
 * (end, while the socket is still SYN_SENT), or the sock:inet_sock_set_state tracepoint at
 * CLOSE -> SYN_SENT (start, in the connecting task) and SYN_SENT -> ESTABLISHED (end). Both
 * keep the start per socket.
 * Credit: the original BCC tcpconnlat is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tcpconnlat.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "tcp_state.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct tcpcl_start {
	__u64 ts;
	__u32 pid;
	__u32 pad;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sock *);
	__type(value, struct tcpcl_start);
} starts SEC(".maps");

static __always_inline int tcpcl_begin(struct sock *sk)
{
	struct tcpcl_start st = {};

	if (!bct_filter_pass())
		return 0;
	st.ts = bpf_ktime_get_ns();
	st.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(st.comm, sizeof(st.comm));
	bpf_map_update_elem(&starts, &sk, &st, BPF_ANY);
	return 0;
}

/* The connect of c->sk is established now (c: its addresses and ports). */
static __noinline int tcpcl_end(void *ctx, struct tcp_change *c)
{
	struct sock *sk = c->sk;
	struct tcpconnlat_event *e;
	struct tcpcl_start *st;
	__u64 now, delta_us;

	st = bpf_map_lookup_elem(&starts, &sk);
	if (!st)
		return 0;
	now = bpf_ktime_get_ns();
	delta_us = (now - st->ts) / 1000;
#ifdef TCPCL_MIN_US
	if (delta_us < TCPCL_MIN_US)
		goto out;
#endif
	if (!tcp_family_ok(c->family))
		goto out;
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		goto out;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts = now;
	e->delta_us = delta_us;
	e->pid = st->pid;
	e->lport = c->lport;
	e->dport = c->rport;
	e->family = c->family == K_AF_INET ? 4 : 6;
	__builtin_memcpy(e->saddr, c->saddr, 16);
	__builtin_memcpy(e->daddr, c->daddr, 16);
	__builtin_memcpy(e->comm, st->comm, 16);
	bct_event_submit(e, sizeof(*e));
out:
	bpf_map_delete_elem(&starts, &sk);
	return 0;
}

/* Method "kprobe": BCC's */
SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(kp_v4_connect, struct sock *sk)
{
	return tcpcl_begin(sk);
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(kp_v6_connect, struct sock *sk)
{
	return tcpcl_begin(sk);
}

SEC("kprobe/tcp_rcv_state_process")
int BPF_KPROBE(kp_rcv_state_process, struct sock *sk)
{
	struct tcp_change c;

	if (BPF_CORE_READ(sk, __sk_common.skc_state) != K_TCP_SYN_SENT)
		return 0;
	tcp_change_sk(sk, K_TCP_ESTABLISHED, &c);
	return tcpcl_end(ctx, &c);
}

/* Method "tracepoint": CLOSE -> SYN_SENT in the connecting task, SYN_SENT -> ESTABLISHED */
SEC("tracepoint/sock/inet_sock_set_state")
int tp_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct tcp_change c;
	struct sock *sk;

	if (!tcp_change_tp(ctx, &c))
		return 0;
	sk = c.sk;
	if (c.oldstate == K_TCP_CLOSE && c.newstate == K_TCP_SYN_SENT) {
		if (!tcp_family_ok(c.family))
			return 0;
		return tcpcl_begin(sk);
	}
	if (c.oldstate != K_TCP_SYN_SENT)
		return 0;
	if (c.newstate == K_TCP_ESTABLISHED)
		return tcpcl_end(ctx, &c);
	bpf_map_delete_elem(&starts, &sk);
	return 0;
}
