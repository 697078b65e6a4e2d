// SPDX-License-Identifier: Apache-2.0
/*
 * tcpconnect: one event per active TCP open (connect()), or with -c a count per source
 * address, destination address and port.
 *
 *   TCPC_COUNT         -c: count in `hists` instead of sending events
 *   TCPC_LPORT         -L: the local port is wanted; the tracepoint method reports at
 *                      SYN_SENT -> ESTABLISHED (the port is not chosen yet at CLOSE -> SYN_SENT)
 *   TCP_RPORTS, TCP_FAMILY (bpf-src/tcp_state.bpf.h): -P and -4/-6
 *
 * Methods: BCC's kprobe/kretprobe on tcp_v4_connect and tcp_v6_connect, or the
 * sock:inet_sock_set_state tracepoint at CLOSE -> SYN_SENT, which tcp_v4/v6_connect run in
 * the connecting task's context.
 * Credit: the original BCC tcpconnect is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tcpconnect.h"
#ifdef TCPC_COUNT
#define BCT_NO_EVENTS
#endif
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#define BCT_HIST_SLOTS 1
#include "bct_hist.bpf.h"
#include "tcp_state.bpf.h"

char LICENSE[] SEC("license") = "GPL";

BCT_HIST_MAP(hists, struct tcpconnect_key, 10240);

/* the task's identity, from the start of a connect to where it is reported */
struct tcpc_start {
	__u64 ts;
	__u32 pid;
	__u32 uid;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sock *);
	__type(value, struct tcpc_start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct sock *);
} connecting SEC(".maps");

static __always_inline void tcpc_start_now(struct tcpc_start *st)
{
	st->ts = bpf_ktime_get_ns();
	st->pid = bpf_get_current_pid_tgid() >> 32;
	st->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(st->comm, sizeof(st->comm));
}

/* Reports one connect of c (its addresses and ports) made by st. */
static __noinline int tcpc_report(void *ctx, struct tcp_change *c, struct tcpc_start *st)
{
#ifdef TCPC_COUNT
	struct tcpconnect_key k;
	struct bct_hist *h;

	__builtin_memset(&k, 0, sizeof(k));
	__builtin_memcpy(k.saddr, c->saddr, 16);
	__builtin_memcpy(k.daddr, c->daddr, 16);
	k.dport = c->rport;
	k.family = c->family == K_AF_INET ? 4 : 6;
	h = bct_hist_lookup(&hists, &k);
	if (h)
		__sync_fetch_and_add(&h->count, 1);
#else
	struct tcpconnect_event *e;

	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts = st->ts;
	e->pid = st->pid;
	e->uid = st->uid;
	e->lport = c->lport;
	e->dport = c->rport;
	e->family = c->family == K_AF_INET ? 4 : 6;
	__builtin_memcpy(e->saddr, c->saddr, 16);
	__builtin_memcpy(e->daddr, c->daddr, 16);
	__builtin_memcpy(e->comm, st->comm, 16);
	bct_event_submit(e, sizeof(*e));
#endif
	return 0;
}

/* Method "kprobe": BCC's, on tcp_v4_connect() and tcp_v6_connect() */
static __always_inline int tcpc_entry(struct sock *sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!bct_filter_pass())
		return 0;
	bpf_map_update_elem(&connecting, &tid, &sk, BPF_ANY);
	return 0;
}

static __always_inline int tcpc_return(void *ctx, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct tcpc_start st;
	struct tcp_change c;
	struct sock **skp;
	struct sock *sk;

	skp = bpf_map_lookup_elem(&connecting, &tid);
	if (!skp)
		return 0;
	sk = *skp;
	bpf_map_delete_elem(&connecting, &tid);
	if (ret)
		return 0;
	tcp_change_sk(sk, K_TCP_SYN_SENT, &c);
	if (!tcp_rport_ok(c.rport) || !tcp_family_ok(c.family))
		return 0;
	tcpc_start_now(&st);
	return tcpc_report(ctx, &c, &st);
}

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(kp_v4_connect, struct sock *sk)
{
	return tcpc_entry(sk);
}

SEC("kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(krp_v4_connect, int ret)
{
	return tcpc_return(ctx, ret);
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(kp_v6_connect, struct sock *sk)
{
	return tcpc_entry(sk);
}

SEC("kretprobe/tcp_v6_connect")
int BPF_KRETPROBE(krp_v6_connect, int ret)
{
	return tcpc_return(ctx, ret);
}

/* Method "tracepoint": CLOSE -> SYN_SENT in the connecting task (with -L, -> ESTABLISHED) */
SEC("tracepoint/sock/inet_sock_set_state")
int tp_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct tcpc_start st, *stp;
	struct tcp_change c;
	struct sock *sk;

	if (!tcp_change_tp(ctx, &c))
		return 0;
	sk = c.sk;
	if (c.oldstate == K_TCP_CLOSE && c.newstate == K_TCP_SYN_SENT) {
		if (!tcp_rport_ok(c.rport) || !tcp_family_ok(c.family) || !bct_filter_pass())
			return 0;
		tcpc_start_now(&st);
#ifdef TCPC_LPORT
		bpf_map_update_elem(&starts, &sk, &st, BPF_ANY);
		return 0;
#else
		return tcpc_report(ctx, &c, &st);
#endif
	}
#ifdef TCPC_LPORT
	if (c.oldstate != K_TCP_SYN_SENT)
		return 0;
	stp = bpf_map_lookup_elem(&starts, &sk);
	if (!stp)
		return 0;
	if (c.newstate == K_TCP_ESTABLISHED) {
		st = *stp;
		tcpc_report(ctx, &c, &st);
	}
	bpf_map_delete_elem(&starts, &sk);
#endif
	return 0;
}
