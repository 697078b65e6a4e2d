// SPDX-License-Identifier: Apache-2.0
/*
 * tcpdrop: one event per TCP segment the kernel drops, with the socket's state, the
 * segment's addresses, ports and flags, and the kernel stack.
 *
 * Specialised by -D: TCP_FAMILY=2|10 (-4/-6).
 * Credit: the original BCC tcpdrop is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tcpdrop.h"
#include "bct_common.bpf.h"
#include "bct_stack.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define K_AF_INET 2
#define K_AF_INET6 10
#define K_IPPROTO_TCP 6

/* skb:kfree_skb; rx_sk (Linux 6.11) is the receiving socket when skb->sk is not set */
struct trace_event_raw_kfree_skb___bct {
	void *skbaddr;
	void *rx_sk;
	enum skb_drop_reason reason;
} __attribute__((preserve_access_index));

static __always_inline int drop(void *ctx, struct sock *sk, struct sk_buff *skb, __u32 reason)
{
	struct tcpdrop_event *e;
	unsigned char *head;
	__u16 family, th_off, nh_off;
	__u8 proto;
	struct tcphdr th;

	if (!sk || !skb)
		return 0;
	if (BPF_CORE_READ(sk, sk_protocol) != K_IPPROTO_TCP)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
#ifdef TCP_FAMILY
	if (family != TCP_FAMILY)
		return 0;
#endif
	if (family != K_AF_INET && family != K_AF_INET6)
		return 0;
	head = BPF_CORE_READ(skb, head);
	th_off = BPF_CORE_READ(skb, transport_header);
	nh_off = BPF_CORE_READ(skb, network_header);
	if (th_off == (__u16)~0U || nh_off == (__u16)~0U)
		return 0; /* no headers: not a segment (e.g. a queue being purged) */
	if (family == K_AF_INET) {
		if (bpf_probe_read_kernel(&proto, 1, head + nh_off + 9) || proto != K_IPPROTO_TCP)
			return 0;
	}
	if (bpf_probe_read_kernel(&th, sizeof(th), head + th_off))
		return 0;

	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->reason = reason;
	e->family = family == K_AF_INET ? 4 : 6;
	e->sport = __builtin_bswap16(th.source);
	e->dport = __builtin_bswap16(th.dest);
	e->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	e->tcpflags = ((__u8 *)&th)[13];
	if (family == K_AF_INET) {
		bpf_probe_read_kernel(e->saddr, 4, head + nh_off + 12);
		bpf_probe_read_kernel(e->daddr, 4, head + nh_off + 16);
	} else {
		/* as BCC: the remote address was the source, the local one the destination */
		bpf_core_read(e->saddr, 16, &sk->__sk_common.skc_v6_daddr);
		bpf_core_read(e->daddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
	}
	e->stack_id = bct_stack_kernel(ctx);
	bct_event_submit(e, sizeof(*e));
	return 0;
}

/* Method "kprobe": tcp_drop(sk, skb), gone in Linux 5.19 */
SEC("kprobe/tcp_drop")
int BPF_KPROBE(kp_tcp_drop, struct sock *sk, struct sk_buff *skb)
{
	return drop(ctx, sk, skb, 0);
}

/* Method "tracepoint": skb:kfree_skb with a drop reason beyond NOT_SPECIFIED (Linux 5.17) */
SEC("tracepoint/skb/kfree_skb")
int tp_kfree_skb(struct trace_event_raw_kfree_skb___bct *ctx)
{
	struct sk_buff *skb = ctx->skbaddr;
	struct sock *sk = BPF_CORE_READ(skb, sk);
	__u32 reason = ctx->reason;

	if (reason <= bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NOT_SPECIFIED))
		return 0;
	if (!sk && bpf_core_field_exists(ctx->rx_sk))
		sk = ctx->rx_sk;
	return drop(ctx, sk, skb, reason);
}
