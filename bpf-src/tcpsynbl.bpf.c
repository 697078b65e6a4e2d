// SPDX-License-Identifier: Apache-2.0
/*
 * tcpsynbl: a log2 histogram of the listener's accept backlog when a handshake completes, one
 * histogram per backlog limit (the key: sk_max_ack_backlog).
 *
 * Method "kprobe" (BCC's): tcp_v4/v6_syn_recv_sock(listener, ...), reading the listener.
 * Method "tracepoint": sock:inet_sock_set_state LISTEN -> SYN_RECV, which fires for the child
 * socket as it is cloned from the listener (inet_csk_clone_lock()); the clone copied the
 * listener's sk_ack_backlog and sk_max_ack_backlog a moment before, so both are read from it.
 *
 * Specialised by -D only: TCP_FAMILY=2|10 (-4/-6).
 * Credit: the original BCC tcpsynbl is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "bct_common.bpf.h"
#include "bct_hist.bpf.h"
#include "tcp_state.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define K_TCP_SYN_RECV 3
#define K_TCP_LISTEN 10

BCT_HIST_MAP(hists, __u64, 1024);

static __always_inline int count(struct sock *sk)
{
	__u64 key;

	if (!tcp_family_ok(BPF_CORE_READ(sk, __sk_common.skc_family)))
		return 0;
	key = BPF_CORE_READ(sk, sk_max_ack_backlog);
	bct_hist_log2(&hists, &key, BPF_CORE_READ(sk, sk_ack_backlog));
	return 0;
}

/* Method "kprobe": the listener, as the handshake's last ACK creates the child */
SEC("kprobe/tcp_v4_syn_recv_sock")
int BPF_KPROBE(kp_v4_syn_recv, struct sock *sk)
{
	return count(sk);
}

SEC("kprobe/tcp_v6_syn_recv_sock")
int BPF_KPROBE(kp_v6_syn_recv, struct sock *sk)
{
	return count(sk);
}

/* Method "tracepoint": the child, cloned from the listener */
SEC("tracepoint/sock/inet_sock_set_state")
int tp_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	if (ctx->protocol != K_IPPROTO_TCP || ctx->oldstate != K_TCP_LISTEN ||
	    ctx->newstate != K_TCP_SYN_RECV)
		return 0;
	return count((struct sock *)ctx->skaddr);
}
