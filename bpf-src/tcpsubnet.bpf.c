// SPDX-License-Identifier: Apache-2.0
/*
 * tcpsubnet: TCP bytes sent to IPv4 destinations, counted per subnet (the first of the list
 * that holds the destination) in the histogram kit's map, which cmd/tcpsubnet.c drains and
 * prints per interval.
 *
 * Attach methods, best first:
 *   kprobe   BCC's: tcp_sendmsg() entry, the size asked
 *   tp_btf, raw_tp  sock_send_length: every socket's sendmsg with its result, kept for TCP
 *
 * Defines: TCPSUBNET_N (subnets, at least 1) and TCPSUBNET_NETS ("{ addr, mask }, ..." in
 * network order, in the order given).
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#include "bct_common.bpf.h"
#define BCT_HIST_SLOTS 1
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define K_AF_INET 2
#define K_IPPROTO_TCP 6

#ifndef TCPSUBNET_N
#define TCPSUBNET_N 1
#define TCPSUBNET_NETS \
	{              \
		0, 0   \
	}
#endif

BCT_HIST_MAP(hists, __u32, TCPSUBNET_N);

struct subnet {
	__u32 addr;
	__u32 mask;
};

static const volatile struct subnet nets[TCPSUBNET_N] = { TCPSUBNET_NETS };

static __always_inline int count(struct sock *sk, __s64 bytes)
{
	struct bct_hist *h;
	__u32 dst, i;

	if (bytes <= 0 || !sk || BPF_CORE_READ(sk, __sk_common.skc_family) != K_AF_INET)
		return 0;
	dst = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	for (i = 0; i < TCPSUBNET_N; i++) {
		if ((dst & nets[i].mask) != (nets[i].addr & nets[i].mask))
			continue;
		h = bct_hist_lookup(&hists, &i);
		if (h)
			__sync_fetch_and_add(&h->slots[0], bytes);
		break;
	}
	return 0;
}

SEC("kprobe/tcp_sendmsg")
int BPF_KPROBE(ts_send_kp, struct sock *sk, struct msghdr *msg, size_t size)
{
	return count(sk, size);
}

SEC("tp_btf/sock_send_length")
int ts_send_btf(__u64 *ctx)
{
	struct sock *sk = (struct sock *)ctx[0];

	if (!sk || BPF_CORE_READ(sk, sk_protocol) != K_IPPROTO_TCP)
		return 0;
	return count(sk, (int)ctx[1]);
}

SEC("raw_tp/sock_send_length")
int ts_send_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct sock *sk = (struct sock *)ctx->args[0];

	if (!sk || BPF_CORE_READ(sk, sk_protocol) != K_IPPROTO_TCP)
		return 0;
	return count(sk, (int)ctx->args[1]);
}
