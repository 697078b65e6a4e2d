// SPDX-License-Identifier: Apache-2.0
/*
 * tcppktlat: the time between a TCP data segment's arrival and the read (recvmsg) that takes
 * it to user space, one event per read over the threshold.
 *
 *   TCPPL_MIN_US=N      the minimum latency: events above N us only
 *   TCPPL_LPORT=N       -l: local port N only
 *   TCPPL_RPORT=N       -r: remote port N only
 *   -p and -t: the kit's filter (bct_filter.bpf.h), applied to the reading task
 *
 * Methods (libbpf-tools' own): tp_btf, else raw_tp, on tcp:tcp_probe (a segment arrives on an
 * established socket: its time, per socket, when it carries data), tcp:tcp_rcv_space_adjust
 * (recvmsg copied data to the reader, in its context: the event) and tcp:tcp_destroy_sock
 * (forget the socket).
 * Credit: the original libbpf-tools tcppktlat is by Wenbo Zhang.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tcppktlat.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define K_AF_INET 2
#define K_AF_INET6 10

/* a socket's last data segment's arrival, until a read takes it */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sock *);
	__type(value, __u64);
} arrivals SEC(".maps");

static __always_inline bool tcppl_ports_ok(struct sock *sk)
{
#ifdef TCPPL_LPORT
	if (BPF_CORE_READ(sk, __sk_common.skc_num) != TCPPL_LPORT)
		return false;
#endif
#ifdef TCPPL_RPORT
	if (__builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport)) != TCPPL_RPORT)
		return false;
#endif
	return true;
}

static __always_inline int tcppl_arrival(struct sock *sk, const struct sk_buff *skb)
{
	const struct tcphdr *th;
	__u64 ts;
	__u32 hlen;

	if (!tcppl_ports_ok(sk))
		return 0;
	th = (const struct tcphdr *)BPF_CORE_READ(skb, data);
	hlen = BPF_CORE_READ_BITFIELD_PROBED(th, doff) * 4;
	if (BPF_CORE_READ(skb, len) <= hlen)
		return 0; /* no data: a pure ACK */
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&arrivals, &sk, &ts, BPF_ANY);
	return 0;
}

static __always_inline int tcppl_read(void *ctx, struct sock *sk)
{
	struct tcppktlat_event *e;
	__u64 *tsp, delta;
	__u16 family;

	tsp = bpf_map_lookup_elem(&arrivals, &sk);
	if (!tsp)
		return 0;
	delta = (bpf_ktime_get_ns() - *tsp) / 1000;
	bpf_map_delete_elem(&arrivals, &sk);
	if (!bct_filter_pass())
		return 0;
#ifdef TCPPL_MIN_US
	if (delta <= TCPPL_MIN_US)
		return 0;
#endif
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != K_AF_INET && family != K_AF_INET6)
		return 0;
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->delta_us = delta;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->tid = (__u32)bpf_get_current_pid_tgid();
	e->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->rport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (family == K_AF_INET) {
		e->family = 4;
		BPF_CORE_READ_INTO((__u32 *)e->laddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)e->raddr, sk, __sk_common.skc_daddr);
	} else {
		e->family = 6;
		BPF_CORE_READ_INTO((struct in6_addr *)e->laddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO((struct in6_addr *)e->raddr, sk, __sk_common.skc_v6_daddr);
	}
	bct_event_submit(e, sizeof(*e));
	return 0;
}

static __always_inline int tcppl_destroy(struct sock *sk)
{
	bpf_map_delete_elem(&arrivals, &sk);
	return 0;
}

/* Method "tp_btf" */
SEC("tp_btf/tcp_probe")
int BPF_PROG(btf_tcp_probe, struct sock *sk, const struct sk_buff *skb)
{
	return tcppl_arrival(sk, skb);
}

SEC("tp_btf/tcp_rcv_space_adjust")
int BPF_PROG(btf_rcv_space_adjust, struct sock *sk)
{
	return tcppl_read(ctx, sk);
}

SEC("tp_btf/tcp_destroy_sock")
int BPF_PROG(btf_destroy_sock, struct sock *sk)
{
	return tcppl_destroy(sk);
}

/* Method "raw_tp" */
SEC("raw_tp/tcp_probe")
int BPF_PROG(raw_tcp_probe, struct sock *sk, const struct sk_buff *skb)
{
	return tcppl_arrival(sk, skb);
}

SEC("raw_tp/tcp_rcv_space_adjust")
int BPF_PROG(raw_rcv_space_adjust, struct sock *sk)
{
	return tcppl_read(ctx, sk);
}

SEC("raw_tp/tcp_destroy_sock")
int BPF_PROG(raw_destroy_sock, struct sock *sk)
{
	return tcppl_destroy(sk);
}
