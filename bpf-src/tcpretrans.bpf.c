// SPDX-License-Identifier: Apache-2.0
/*
 * tcpretrans: one event per TCP retransmit (and, with -l, per tail loss probe), or with -c a
 * count per flow in `counts`.
 *
 * Specialised by -D: TCP_FAMILY=2|10 (-4/-6), TCPRETRANS_COUNT (-c), TCPRETRANS_LOSSPROBE (-l).
 * Credit: the original BCC tcpretrans is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tcpretrans.h"
#ifdef TCPRETRANS_COUNT
#define BCT_NO_EVENTS
#endif
#include "bct_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define K_AF_INET 2
#define K_AF_INET6 10

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct tcpretrans_key);
	__type(value, __u64);
} counts SEC(".maps");

/* One retransmit or probe of a flow: saddr/daddr 16 bytes each, ports in host order. */
struct flow {
	__u16 family;
	__u16 lport;
	__u16 rport;
	__u32 state;
	__u32 seq;
	__u8 saddr[16];
	__u8 daddr[16];
};

static __always_inline int record(void *ctx, struct flow *f, __u16 type)
{
#ifdef TCP_FAMILY
	if (f->family != TCP_FAMILY)
		return 0;
#endif
	if (f->family != K_AF_INET && f->family != K_AF_INET6)
		return 0;
#ifdef TCPRETRANS_COUNT
	struct tcpretrans_key k = {};
	__u64 one = 1, *v;

	__builtin_memcpy(k.saddr, f->saddr, 16);
	__builtin_memcpy(k.daddr, f->daddr, 16);
	k.lport = f->lport;
	k.rport = f->rport;
	k.family = f->family == K_AF_INET ? 4 : 6;
	v = bpf_map_lookup_elem(&counts, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	else if (bpf_map_update_elem(&counts, &k, &one, BPF_NOEXIST))
		bct_count_lost();
#else
	struct tcpretrans_event *e = bct_event_reserve(sizeof(*e));

	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->seq = f->seq;
	e->state = f->state;
	e->type = type;
	e->family = f->family == K_AF_INET ? 4 : 6;
	e->lport = f->lport;
	e->rport = f->rport;
	__builtin_memcpy(e->saddr, f->saddr, 16);
	__builtin_memcpy(e->daddr, f->daddr, 16);
	bct_event_submit(e, sizeof(*e));
#endif
	return 0;
}

/* The flow of a socket from its own fields (the kprobe methods). */
static __always_inline void flow_of_sk(struct sock *sk, struct sk_buff *skb, struct flow *f)
{
	__builtin_memset(f, 0, sizeof(*f));
	f->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	f->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	f->rport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	f->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	if (skb)
		bpf_core_read(&f->seq, sizeof(f->seq), &skb->cb); /* TCP_SKB_CB(skb)->seq */
	if (f->family == K_AF_INET) {
		bpf_core_read(f->saddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(f->daddr, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(f->saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(f->daddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
}

/* One retransmit of skb on sk, whichever method saw it. */
static __always_inline int retransmit(void *ctx, struct sock *sk, struct sk_buff *skb)
{
	struct flow f;

	if (!sk)
		return 0;
	flow_of_sk(sk, skb, &f);
	return record(ctx, &f, TCPRETRANS_RETRANSMIT);
}

/* Method "kprobe" (BCC's before tcp:tcp_retransmit_skb existed) */
SEC("kprobe/tcp_retransmit_skb")
int BPF_KPROBE(kp_retransmit, struct sock *sk, struct sk_buff *skb)
{
	return retransmit(ctx, sk, skb);
}

/* tcp:tcp_retransmit_skb's first fields, the same in every kernel that has it */
struct tcpretrans_tp {
	__u64 common;
	const void *skbaddr;
	const void *skaddr;
};

/* Method "tracepoint" (Linux 4.15 and later): the socket's fields, as the kprobe reads them */
SEC("tracepoint/tcp/tcp_retransmit_skb")
int tp_retransmit(struct tcpretrans_tp *ctx)
{
	return retransmit(ctx, (struct sock *)ctx->skaddr, (struct sk_buff *)ctx->skbaddr);
}

/*
 * Methods "tp_btf" and "raw_tp": the same tracepoint, its (sk, skb[, err]) arguments in
 * registers. The kernel skips these only when the same program is already running on the
 * CPU, not whenever any kprobe or perf-event tracepoint program is (or another process is in
 * a bpf() map call), as it does the "tracepoint" method's program.
 */
SEC("tp_btf/tcp_retransmit_skb")
int btf_retransmit(__u64 *ctx)
{
	return retransmit(ctx, (struct sock *)ctx[0], (struct sk_buff *)ctx[1]);
}

SEC("raw_tp/tcp_retransmit_skb")
int raw_retransmit(struct bpf_raw_tracepoint_args *ctx)
{
	return retransmit(ctx, (struct sock *)ctx->args[0], (struct sk_buff *)ctx->args[1]);
}

#ifdef TCPRETRANS_LOSSPROBE
/* -l: tail loss probes, kprobe only (no tracepoint exists) */
SEC("kprobe/tcp_send_loss_probe")
int BPF_KPROBE(kp_tlp, struct sock *sk)
{
	struct flow f;

	if (!sk)
		return 0;
	flow_of_sk(sk, NULL, &f);
	return record(ctx, &f, TCPRETRANS_TLP);
}
#endif
