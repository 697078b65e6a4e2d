// SPDX-License-Identifier: Apache-2.0
/*
 * tcpcong: the time TCP connections spend in each congestion control state (open, disorder,
 * cwr, recovery, loss), per connection or, with -d, as one histogram per state.
 *
 *   TCPCONG_DIST        -d: log2 histograms per state instead of the per-connection table
 *   TCPCONG_MS          -d without -u: histogram values in milliseconds
 *   TCPCONG_LPORT_MIN/MAX, TCPCONG_RPORT_MIN/MAX: -L and -R port ranges
 *
 * Method: the tcp:tcp_cong_state_set tracepoint (Linux 5.19), BCC's own choice where the
 * kernel has it: each change ends the time in the state before it.
 * Credit: the original BCC tcpcong is by jacky gan.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tcpcong.h"
#ifdef TCPCONG_DIST
#define BCT_HIST_SLOTS 65
#else
#define BCT_HIST_SLOTS TCPCONG_SLOTS
#endif
#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define K_AF_INET 2
#define K_AF_INET6 10

#ifdef TCPCONG_DIST
BCT_HIST_MAP(hists, struct tcpcong_state_key, TCPCONG_STATES);
#else
BCT_HIST_MAP(hists, struct tcpcong_flow, 10240);
#endif

/* a connection's state and since when */
struct tcpcong_last {
	__u64 ts;
	__u32 state;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, struct tcpcong_flow);
	__type(value, struct tcpcong_last);
} lasts SEC(".maps");

SEC("tracepoint/tcp/tcp_cong_state_set")
int tp_cong_state_set(struct trace_event_raw_tcp_cong_state_set *ctx)
{
	struct sock *sk = (struct sock *)ctx->skaddr;
	struct tcpcong_last *last, now;
	struct tcpcong_flow k;
	__u16 family;
	__u64 us;

	__builtin_memset(&k, 0, sizeof(k));
	k.lport = ctx->sport;
	k.dport = ctx->dport;
#ifdef TCPCONG_LPORT_MIN
	if (k.lport < TCPCONG_LPORT_MIN || k.lport > TCPCONG_LPORT_MAX)
		return 0;
#endif
#ifdef TCPCONG_RPORT_MIN
	if (k.dport < TCPCONG_RPORT_MIN || k.dport > TCPCONG_RPORT_MAX)
		return 0;
#endif
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family == K_AF_INET) {
		k.family = 4;
		BPF_CORE_READ_INTO((__u32 *)k.saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)k.daddr, sk, __sk_common.skc_daddr);
	} else if (family == K_AF_INET6) {
		k.family = 6;
		BPF_CORE_READ_INTO((struct in6_addr *)k.saddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO((struct in6_addr *)k.daddr, sk, __sk_common.skc_v6_daddr);
	} else {
		return 0;
	}
	now.ts = bpf_ktime_get_ns();
	now.state = ctx->cong_state;
	last = bpf_map_lookup_elem(&lasts, &k);
	if (!last) {
		bpf_map_update_elem(&lasts, &k, &now, BPF_ANY);
		return 0;
	}
	if (last->state == now.state)
		return 0;
	us = (now.ts - last->ts) / 1000;
	if (last->state < TCPCONG_STATES) {
#ifdef TCPCONG_DIST
		struct tcpcong_state_key sk_key = { .state = last->state };

#ifdef TCPCONG_MS
		us /= 1000;
#endif
		bct_hist_log2(&hists, &sk_key, us);
#else
		struct bct_hist *h = bct_hist_lookup(&hists, &k);
		__u32 s = last->state;

		if (h) {
			barrier_var(s);
			if (s < TCPCONG_STATES)
				__sync_fetch_and_add(&h->slots[s], us);
			__sync_fetch_and_add(&h->slots[TCPCONG_CHANGES], 1);
		}
#endif
	}
	*last = now;
	return 0;
}
