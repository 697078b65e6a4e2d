// SPDX-License-Identifier: Apache-2.0
/*
 * tcptop: TCP bytes sent and received by process and connection, counted per interval in the
 * histogram kit's map (cmd/tcptop.c drains and prints it top-like).
 *
 * Attach methods, best first (one hook for sends, one for receives):
 *   kprobe   BCC's: tcp_sendmsg (entry: the socket, return: the bytes sent), tcp_cleanup_rbuf
 *            (the socket and the bytes copied to the reader)
 *   tp_btf, raw_tp  sock_send_length, sock_recv_length: every socket's sendmsg/recvmsg at the
 *            socket layer with its result; kept for TCP sockets only, MSG_PEEK reads skipped
 *
 * Defines: FILTER_PID and the other shared filters (bct_filter.bpf.h); TCPTOP_FAMILY (-4/-6:
 * AF_INET or AF_INET6 only).
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#include "tcptop.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#define BCT_HIST_SLOTS TCPTOP_SLOTS
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define K_AF_INET 2
#define K_AF_INET6 10
#define K_IPPROTO_TCP 6
#define K_MSG_PEEK 2

BCT_HIST_MAP(hists, struct tcptop_key, TCPTOP_MAX_KEYS);

/* kprobe method: the socket of a tcp_sendmsg() running, by thread */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct sock *);
} sending SEC(".maps");

static __always_inline bool family_ok(__u16 family)
{
#ifdef TCPTOP_FAMILY
	return family == TCPTOP_FAMILY;
#else
	return family == K_AF_INET || family == K_AF_INET6;
#endif
}

static __always_inline int count(struct sock *sk, __s64 bytes, int slot)
{
	struct tcptop_key key = {};
	struct bct_hist *h;
	__u16 family;

	if (bytes <= 0 || !sk)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (!family_ok(family))
		return 0;
	if (!bct_filter_pass())
		return 0;
	key.pid = bpf_get_current_pid_tgid() >> 32;
	key.family = family;
	key.lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	key.rport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == K_AF_INET) {
		BPF_CORE_READ_INTO((__u32 *)key.laddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)key.raddr, sk, __sk_common.skc_daddr);
	} else {
		BPF_CORE_READ_INTO(&key.laddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&key.raddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	h = bct_hist_lookup(&hists, &key);
	if (h)
		__sync_fetch_and_add(&h->slots[slot], bytes);
	return 0;
}

/* The socket layer's tracepoints: TCP sockets only (not MPTCP: its subflows are TCP). */
static __always_inline int sock_length(struct sock *sk, int ret, int flags, int slot)
{
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != K_IPPROTO_TCP)
		return 0;
	if (slot == TCPTOP_RX && (flags & K_MSG_PEEK))
		return 0; /* peeked bytes stay queued: they are counted when read */
	return count(sk, ret, slot);
}

SEC("kprobe/tcp_sendmsg")
int BPF_KPROBE(tt_send_kp, struct sock *sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bpf_map_update_elem(&sending, &tid, &sk, BPF_ANY);
	return 0;
}

SEC("kretprobe/tcp_sendmsg")
int BPF_KRETPROBE(tt_send_krp, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sock **skp = bpf_map_lookup_elem(&sending, &tid);
	struct sock *sk;

	if (!skp)
		return 0;
	sk = *skp;
	bpf_map_delete_elem(&sending, &tid);
	return count(sk, ret, TCPTOP_TX);
}

SEC("kprobe/tcp_cleanup_rbuf")
int BPF_KPROBE(tt_recv_kp, struct sock *sk, int copied)
{
	return count(sk, copied, TCPTOP_RX);
}

SEC("tp_btf/sock_send_length")
int tt_send_btf(__u64 *ctx)
{
	return sock_length((struct sock *)ctx[0], (int)ctx[1], (int)ctx[2], TCPTOP_TX);
}

SEC("tp_btf/sock_recv_length")
int tt_recv_btf(__u64 *ctx)
{
	return sock_length((struct sock *)ctx[0], (int)ctx[1], (int)ctx[2], TCPTOP_RX);
}

SEC("raw_tp/sock_send_length")
int tt_send_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return sock_length((struct sock *)ctx->args[0], (int)ctx->args[1], (int)ctx->args[2],
			   TCPTOP_TX);
}

SEC("raw_tp/sock_recv_length")
int tt_recv_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return sock_length((struct sock *)ctx->args[0], (int)ctx->args[1], (int)ctx->args[2],
			   TCPTOP_RX);
}
