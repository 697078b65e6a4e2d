// SPDX-License-Identifier: Apache-2.0
/*
 * tcprtt: a log2 histogram of TCP's smoothed round-trip time (srtt), sampled each time an
 * established socket receives a segment (tcp_rcv_established()); one histogram, or one per
 * local or remote IPv4 address.
 *
 * Method "kprobe" (BCC's): tcp_rcv_established(sk, skb).
 * Methods "tp_btf", "raw_tp": the tcp:tcp_probe tracepoint, which tcp_rcv_established() fires
 * first thing with the same socket: the same samples, read from the same fields.
 *
 * Specialised by -D only:
 *   TCPRTT_LPORT=n, TCPRTT_RPORT=n     -p/-P: this local/remote port only
 *   TCPRTT_LADDR=n, TCPRTT_RADDR=n     -a/-A: this IPv4 address only (the address's bytes
 *                                      as the kernel stores them, read as a native u32)
 *   TCP_FAMILY=2|10                    -4/-6
 *   TCPRTT_MSECS                       -m: milliseconds
 *   TCPRTT_BY_LADDR, TCPRTT_BY_RADDR   -b/-B: a histogram per local/remote address
 *   BCT_HIST_SUM                       -e: also the sum and count, for the average
 * Credit: the original BCC tcprtt is by zhenwei pi.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "bct_common.bpf.h"
#include "bct_hist.bpf.h"
#include "tcp_state.bpf.h"

char LICENSE[] SEC("license") = "GPL";

BCT_HIST_MAP(hists, __u64, 10240);

static __always_inline int sample(struct sock *sk)
{
	struct inet_sock *inet = (struct inet_sock *)sk;
	__u16 sport = __builtin_bswap16(BPF_CORE_READ(inet, inet_sport));
	__u16 dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	__u32 saddr = BPF_CORE_READ(inet, inet_saddr);
	__u32 daddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	__u64 srtt, key = 0;

#ifdef TCPRTT_LPORT
	if (sport != TCPRTT_LPORT)
		return 0;
#endif
#ifdef TCPRTT_RPORT
	if (dport != TCPRTT_RPORT)
		return 0;
#endif
#ifdef TCPRTT_LADDR
	if (saddr != TCPRTT_LADDR)
		return 0;
#endif
#ifdef TCPRTT_RADDR
	if (daddr != TCPRTT_RADDR)
		return 0;
#endif
	if (!tcp_family_ok(BPF_CORE_READ(sk, __sk_common.skc_family)))
		return 0;
	srtt = BPF_CORE_READ((struct tcp_sock *)sk, srtt_us) >> 3;
#ifdef TCPRTT_MSECS
	srtt /= 1000;
#endif
#if defined(TCPRTT_BY_LADDR)
	key = saddr;
#elif defined(TCPRTT_BY_RADDR)
	key = daddr;
#endif
	(void)sport;
	(void)dport;
	bct_hist_log2(&hists, &key, srtt);
	return 0;
}

/* Method "kprobe": tcp_rcv_established(sk, skb) */
SEC("kprobe/tcp_rcv_established")
int BPF_KPROBE(kp_rcv_established, struct sock *sk)
{
	return sample(sk);
}

/* Method "tp_btf": tcp:tcp_probe(sk, skb), fired by tcp_rcv_established() */
SEC("tp_btf/tcp_probe")
int BPF_PROG(btf_tcp_probe, struct sock *sk)
{
	return sample(sk);
}

/* Method "raw_tp": the same tracepoint, raw */
SEC("raw_tp/tcp_probe")
int BPF_PROG(raw_tcp_probe, struct sock *sk)
{
	return sample(sk);
}
