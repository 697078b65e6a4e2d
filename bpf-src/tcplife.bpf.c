// SPDX-License-Identifier: Apache-2.0
/*
 * tcplife: one event per TCP session, at its close: its lifespan (from the last state before
 * FIN_WAIT1 seen), the bytes it received and had acknowledged (tcp_sock fields, read with
 * CO-RE), and the process behind it: the one that connected (SYN_SENT) or closed last
 * (LAST_ACK), else the task running at close. Both are kept per socket in `lives`.
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

/* A session seen: since when (0: its start was not seen), and who connected or closed it. */
struct life {
	__u64 ts;
	__u32 pid; /* 0: nobody yet */
	char comm[16];
};

/* One map, by socket: one lookup per state change, an update only at a session's first */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sock *);
	__type(value, struct life);
} lives SEC(".maps");

static __always_inline bool pid_ok(__u32 pid)
{
#ifdef FILTER_PID
	return pid == FILTER_PID;
#else
	return true;
#endif
}

/* Where handle() finds the addresses, which it copies only for an event. */
enum { FROM_CHANGE, FROM_RECORD, FROM_SOCKET };

/* FROM_RECORD: ctx is the tracepoint's record; FROM_SOCKET: read them from c->sk. */
static __noinline int handle(void *ctx, struct tcp_change *c, int addrs)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct sock *sk = c->sk;
	struct tcp_sock *tsk = (struct tcp_sock *)sk;
	struct tcplife_event *e;
	struct life *l, fresh = {};
	__u64 now, span_us;

	l = bpf_map_lookup_elem(&lives, &sk);
	if (!tcp_lport_ok(c->lport) || !tcp_rport_ok(c->rport)) {
		if (l)
			l->ts = 0;
		return 0;
	}
	/* the start: any state before FIN_WAIT1, whoever runs (the process is known later) */
	if (c->newstate < K_TCP_FIN_WAIT1) {
		now = bpf_ktime_get_ns(); /* only when needed: a costly clock read in a guest */
		if (l) {
			l->ts = now;
		} else {
			fresh.ts = now;
			bpf_map_update_elem(&lives, &sk, &fresh, BPF_ANY);
		}
	}
	if (c->newstate == K_TCP_SYN_SENT || c->newstate == K_TCP_LAST_ACK) {
		if (!pid_ok(pid))
			return 0;
		if (!l)
			l = bpf_map_lookup_elem(&lives, &sk);
		if (l) {
			l->pid = pid;
			bpf_get_current_comm(l->comm, sizeof(l->comm));
		} else {
			fresh.pid = pid;
			bpf_get_current_comm(fresh.comm, sizeof(fresh.comm));
			bpf_map_update_elem(&lives, &sk, &fresh, BPF_ANY);
		}
	}
	if (c->newstate != K_TCP_CLOSE || !l)
		return 0;
	if (!l->ts)
		goto out; /* its start was not seen */
	now = bpf_ktime_get_ns();
	span_us = (now - l->ts) / 1000;
	if (l->pid)
		pid = l->pid;
	if (!pid_ok(pid) || !tcp_family_ok(c->family))
		goto out;

	e = bct_event_reserve(sizeof(*e));
	if (!e)
		goto out;
	__builtin_memset(e, 0, sizeof(*e));
	if (addrs == FROM_RECORD)
		tcp_change_tp_addrs(ctx, c);
	else if (addrs == FROM_SOCKET)
		tcp_change_sk_addrs(sk, c);
	e->ts = now;
	e->span_us = span_us;
	e->rx_bytes = BPF_CORE_READ(tsk, bytes_received);
	e->tx_bytes = BPF_CORE_READ(tsk, bytes_acked);
	e->pid = pid;
	e->lport = c->lport;
	e->rport = c->rport;
	e->family = c->family == K_AF_INET ? 4 : 6;
	__builtin_memcpy(e->saddr, c->saddr, 16);
	__builtin_memcpy(e->daddr, c->daddr, 16);
	if (l->pid)
		__builtin_memcpy(e->comm, l->comm, sizeof(e->comm));
	else
		bpf_get_current_comm(e->comm, sizeof(e->comm));
	bct_event_submit(e, sizeof(*e));
out:
	bpf_map_delete_elem(&lives, &sk);
	return 0;
}

/*
 * Method "tp_btf": the same tracepoint, BTF-typed (Linux 5.5 and later): the program gets the
 * socket and the states, and the kernel builds and copies no record at every change.
 */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(btf_set_state, struct sock *sk, int oldstate, int newstate)
{
	struct tcp_change c;

	if (!tcp_change_btf_head(sk, oldstate, newstate, &c))
		return 0;
	return handle(ctx, &c, FROM_SOCKET);
}

/* Method "tracepoint" (Linux 4.16 and later) */
SEC("tracepoint/sock/inet_sock_set_state")
int tp_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct tcp_change c;

	if (!tcp_change_tp_head(ctx, &c))
		return 0;
	return handle(ctx, &c, FROM_RECORD);
}

/* Method "kprobe": tcp_set_state(sk, state), before the change */
SEC("kprobe/tcp_set_state")
int BPF_KPROBE(kp_set_state, struct sock *sk, int state)
{
	struct tcp_change c;

	tcp_change_sk(sk, state, &c);
	return handle(ctx, &c, FROM_CHANGE);
}
