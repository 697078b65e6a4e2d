// SPDX-License-Identifier: Apache-2.0
/*
 * tcpstates: one event per TCP state change, with the time the socket spent in the state it
 * leaves (from its previous change seen, kept per socket in `last`).
 *
 * Specialised by -D only (bpf-src/tcp_state.bpf.h): TCP_LPORTS, TCP_RPORTS, TCP_FAMILY. A
 * socket whose ports do not match loses its start time, as in BCC.
 * Credit: the original BCC tcpstates is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tcpstates.h"
#include "bct_common.bpf.h"
#include "tcp_state.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sock *);
	__type(value, __u64);
} last SEC(".maps");

static __noinline int handle(void *ctx, struct tcp_change *c)
{
	struct sock *sk = c->sk;
	struct tcpstates_event *e;
	__u64 now, span_us = 0, *tsp;

	if (!tcp_lport_ok(c->lport) || !tcp_rport_ok(c->rport)) {
		bpf_map_delete_elem(&last, &sk);
		return 0;
	}
	now = bpf_ktime_get_ns();
	tsp = bpf_map_lookup_elem(&last, &sk);
	if (tsp)
		span_us = (now - *tsp) / 1000;
	if (!tcp_family_ok(c->family))
		return 0;

	e = bct_event_reserve(sizeof(*e));
	if (e) {
		__builtin_memset(e, 0, sizeof(*e));
		e->ts = now;
		e->skaddr = (__u64)sk;
		e->span_us = span_us;
		e->pid = bpf_get_current_pid_tgid() >> 32;
		e->lport = c->lport;
		e->rport = c->rport;
		e->family = c->family == K_AF_INET ? 4 : 6;
		e->oldstate = c->oldstate;
		e->newstate = c->newstate;
		__builtin_memcpy(e->saddr, c->saddr, 16);
		__builtin_memcpy(e->daddr, c->daddr, 16);
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		bct_event_submit(e, sizeof(*e));
	}

	if (c->newstate == K_TCP_CLOSE)
		bpf_map_delete_elem(&last, &sk);
	else
		bpf_map_update_elem(&last, &sk, &now, BPF_ANY);
	return 0;
}

/* Method "tp_btf": the tracepoint's arguments, its record's fields read from the socket */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(btf_set_state, struct sock *sk, int oldstate, int newstate)
{
	struct tcp_change c;

	if (!tcp_change_btf_head(sk, oldstate, newstate, &c))
		return 0;
	tcp_change_sk_addrs(sk, &c);
	return handle(ctx, &c);
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
