// SPDX-License-Identifier: Apache-2.0
/*
 * tcplife: one event per TCP session, at its close: its lifespan (from the first state before
 * FIN_WAIT1 seen, kept per socket in `birth`), the bytes it received and had acknowledged
 * (tcp_sock fields, read with CO-RE), and the process behind it: the one that connected
 * (SYN_SENT) or closed last (LAST_ACK), kept in `whoami`, else the task running at close.
 *
 * Specialised by -D only: FILTER_PID (-p, the process kept above) and bpf-src/tcp_state.bpf.h's
 * TCP_LPORTS, TCP_RPORTS, TCP_FAMILY.
 * Credit: the original BCC tcplife is by Brendan Gregg (idea: Julia Evans).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tcplife.h"
#include "bct_common.bpf.h"
#include "tcp_state.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct ident {
	__u32 pid;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sock *);
	__type(value, __u64);
} birth SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sock *);
	__type(value, struct ident);
} whoami SEC(".maps");

static __always_inline bool pid_ok(__u32 pid)
{
#ifdef FILTER_PID
	return pid == FILTER_PID;
#else
	return true;
#endif
}

static __noinline int handle(void *ctx, struct tcp_change *c)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct sock *sk = c->sk;
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	struct tcplife_event *e;
	struct ident *who;
	__u64 now, *tsp, span_us;

	if (!tcp_lport_ok(c->lport) || !tcp_rport_ok(c->rport)) {
		bpf_map_delete_elem(&birth, &sk);
		return 0;
	}
	now = bpf_ktime_get_ns();
	/* the start: any state before FIN_WAIT1, whoever runs (the process is known later) */
	if (c->newstate < K_TCP_FIN_WAIT1)
		bpf_map_update_elem(&birth, &sk, &now, BPF_ANY);
	if (c->newstate == K_TCP_SYN_SENT || c->newstate == K_TCP_LAST_ACK) {
		struct ident me = { .pid = pid };

		if (!pid_ok(pid))
			return 0;
		bpf_get_current_comm(me.comm, sizeof(me.comm));
		bpf_map_update_elem(&whoami, &sk, &me, BPF_ANY);
	}
	if (c->newstate != K_TCP_CLOSE)
		return 0;

	tsp = bpf_map_lookup_elem(&birth, &sk);
	if (!tsp) {
		bpf_map_delete_elem(&whoami, &sk); /* its start was not seen */
		return 0;
	}
	span_us = (now - *tsp) / 1000;
	bpf_map_delete_elem(&birth, &sk);
	who = bpf_map_lookup_elem(&whoami, &sk);
	if (who)
		pid = who->pid;
	if (!pid_ok(pid) || !tcp_family_ok(c->family))
		goto out;

	e = bct_event_reserve(sizeof(*e));
	if (!e)
		goto out;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts = now;
	e->span_us = span_us;
	e->rx_bytes = BPF_CORE_READ(tp, bytes_received);
	e->tx_bytes = BPF_CORE_READ(tp, bytes_acked);
	e->pid = pid;
	e->lport = c->lport;
	e->rport = c->rport;
	e->family = c->family == K_AF_INET ? 4 : 6;
	__builtin_memcpy(e->saddr, c->saddr, 16);
	__builtin_memcpy(e->daddr, c->daddr, 16);
	if (who)
		__builtin_memcpy(e->comm, who->comm, sizeof(e->comm));
	else
		bpf_get_current_comm(e->comm, sizeof(e->comm));
	bct_event_submit(e, sizeof(*e));
out:
	if (who)
		bpf_map_delete_elem(&whoami, &sk);
	return 0;
}

/* Method "tracepoint" (Linux 4.16 and later) */
SEC("tracepoint/sock/inet_sock_set_state")
int tp_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct tcp_change c;

	if (!tcp_change_tp(ctx, &c))
		return 0;
	return handle(ctx, &c);
}

/* Method "kprobe": tcp_set_state(sk, state), before the change */
SEC("kprobe/tcp_set_state")
int BPF_KPROBE(kp_set_state, struct sock *sk, int state)
{
	struct tcp_change c;

	tcp_change_sk(sk, state, &c);
	return handle(ctx, &c);
}
