/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What tcpstates and tcplife share, BPF side: one TCP state change, taken from the
 * sock:inet_sock_set_state tracepoint or, on kernels before it (4.16), from a kprobe on
 * tcp_set_state() and the socket's own fields; and their -L/-D port filters.
 *
 *   TCP_LPORTS=80,81    -L: keep sockets with one of these local ports
 *   TCP_RPORTS=80,81    -D: keep sockets with one of these remote ports
 *   TCP_FAMILY=2|10     -4/-6: keep this address family only (AF_INET, AF_INET6)
 */
#ifndef TCP_STATE_BPF_H
#define TCP_STATE_BPF_H

#define K_AF_INET 2
#define K_AF_INET6 10
#define K_IPPROTO_TCP 6

/* include/net/tcp_states.h */
#define K_TCP_ESTABLISHED 1
#define K_TCP_SYN_SENT 2
#define K_TCP_FIN_WAIT1 4
#define K_TCP_CLOSE 7
#define K_TCP_LAST_ACK 9

struct tcp_change {
	struct sock *sk;
	__u32 oldstate;
	__u32 newstate;
	__u16 lport; /* host order */
	__u16 rport; /* host order */
	__u16 family; /* AF_INET or AF_INET6 */
	__u8 saddr[16]; /* IPv4: the first 4 bytes */
	__u8 daddr[16];
};

/* Whether port is one of a list given as a C initializer. */
#define TCP_PORT_IN(port, list)                                                                 \
	({                                                                                      \
		const __u16 __ports[] = { list };                                               \
		bool __in = false;                                                              \
		_Pragma("unroll") for (int __i = 0; __i < sizeof(__ports) / sizeof(__ports[0]); \
				       __i++) if ((port) == __ports[__i]) __in = true;          \
		__in;                                                                           \
	})

static __always_inline bool tcp_lport_ok(__u16 port)
{
#ifdef TCP_LPORTS
	return TCP_PORT_IN(port, TCP_LPORTS);
#else
	return true;
#endif
}

static __always_inline bool tcp_rport_ok(__u16 port)
{
#ifdef TCP_RPORTS
	return TCP_PORT_IN(port, TCP_RPORTS);
#else
	return true;
#endif
}

static __always_inline bool tcp_family_ok(__u16 family)
{
#ifdef TCP_FAMILY
	return family == TCP_FAMILY;
#else
	return true;
#endif
}

/* The tracepoint's fields but the addresses (tcp_change_tp_addrs()). false: not TCP. */
static __always_inline bool tcp_change_tp_head(struct trace_event_raw_inet_sock_set_state *tp,
					       struct tcp_change *c)
{
	if (tp->protocol != K_IPPROTO_TCP)
		return false;
	c->sk = (struct sock *)tp->skaddr;
	c->oldstate = tp->oldstate;
	c->newstate = tp->newstate;
	c->lport = tp->sport;
	c->rport = tp->dport;
	c->family = tp->family;
	return true;
}

/* The tracepoint's addresses, for a change read by tcp_change_tp_head(). */
static __always_inline void tcp_change_tp_addrs(struct trace_event_raw_inet_sock_set_state *tp,
						struct tcp_change *c)
{
	/* copied with a helper: the verifier takes no loads at a computed offset into ctx */
	if (c->family == K_AF_INET) {
		__builtin_memset(c->saddr, 0, sizeof(c->saddr));
		__builtin_memset(c->daddr, 0, sizeof(c->daddr));
		bpf_probe_read_kernel(c->saddr, 4, tp->saddr);
		bpf_probe_read_kernel(c->daddr, 4, tp->daddr);
	} else {
		bpf_probe_read_kernel(c->saddr, 16, tp->saddr_v6);
		bpf_probe_read_kernel(c->daddr, 16, tp->daddr_v6);
	}
}

/* The tracepoint's fields. false: not TCP. */
static __always_inline bool tcp_change_tp(struct trace_event_raw_inet_sock_set_state *tp,
					  struct tcp_change *c)
{
	if (!tcp_change_tp_head(tp, c))
		return false;
	tcp_change_tp_addrs(tp, c);
	return true;
}

/* A socket's addresses, as the tracepoint records them (for tcp_change_sk(), _btf_head()). */
static __always_inline void tcp_change_sk_addrs(struct sock *sk, struct tcp_change *c)
{
	__builtin_memset(c->saddr, 0, sizeof(c->saddr));
	__builtin_memset(c->daddr, 0, sizeof(c->daddr));
	if (c->family == K_AF_INET) {
		BPF_CORE_READ_INTO((__u32 *)c->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)c->daddr, sk, __sk_common.skc_daddr);
	} else {
		BPF_CORE_READ_INTO((struct in6_addr *)c->saddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO((struct in6_addr *)c->daddr, sk, __sk_common.skc_v6_daddr);
	}
}

/* tcp_set_state(sk, state): the same fields, read from the socket before it changes. */
static __always_inline void tcp_change_sk(struct sock *sk, int state, struct tcp_change *c)
{
	c->sk = sk;
	c->oldstate = BPF_CORE_READ(sk, __sk_common.skc_state);
	c->newstate = state;
	c->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	c->rport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	c->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	tcp_change_sk_addrs(sk, c);
}

/*
 * The tracepoint as a BTF-typed one (tp_btf): its arguments are the socket and both states,
 * and the fields its record would hold are read from the socket as the kernel fills them
 * (sport from inet_sport, not skc_num: 0 at SYN_SENT, before connect() picks the port). The
 * addresses: tcp_change_sk_addrs(). false: not TCP.
 */
static __always_inline bool tcp_change_btf_head(struct sock *sk, int oldstate, int newstate,
						struct tcp_change *c)
{
	if (BPF_CORE_READ_BITFIELD(sk, sk_protocol) != K_IPPROTO_TCP)
		return false;
	c->sk = sk;
	c->oldstate = oldstate;
	c->newstate = newstate;
	c->lport = __builtin_bswap16(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
	c->rport = __builtin_bswap16(sk->__sk_common.skc_dport);
	c->family = sk->__sk_common.skc_family;
	return true;
}

#endif
