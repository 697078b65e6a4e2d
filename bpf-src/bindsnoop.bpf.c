// SPDX-License-Identifier: Apache-2.0
/*
 * bindsnoop: one event per bind() of an IPv4 or IPv6 socket, read from the socket once the call
 * returns: protocol, bound address and port, the options that change what bind() does, the
 * interface it is bound to; or, with --count, binds per address and port.
 *
 * Method "kprobe" (BCC's): inet_bind()/inet6_bind() and their returns, the socket kept per
 * thread from entry to return.
 * Method "tracepoint": syscalls:sys_exit_bind; the fd is read back from the task's saved user
 * registers (the syscall does not change them) and walked to its socket
 * (bpf-src/bct_fd.bpf.h). Binds done inside the kernel or through io_uring are not seen.
 *
 * Specialised by -D only: the shared filters -p -u --cgroupmap --mntnsmap
 * (bpf-src/bct_filter.bpf.h) and cmd/bindsnoop.c's own:
 *   TCP_LPORTS=80,81    -P: keep binds to these ports
 *   BINDSNOOP_ERRORS    -E: keep failed binds too
 *   BINDSNOOP_COUNT     --count: count in `hists` instead of sending events
 * Credit: the original BCC bindsnoop is by Pavel Dubovitsky.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "bindsnoop.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_fd.bpf.h"
#include "tcp_state.bpf.h"
#define BCT_HIST_SLOTS 1
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* --count: one counter (a one-slot histogram of the kit) per address and port */
BCT_HIST_MAP(hists, struct bindsnoop_key, 10240);

/* kprobe method: the socket of a bind in progress, by thread */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct sock *);
} binding SEC(".maps");

/*
 * The option bits: in inet_flags since Linux 6.6 (enum inet_flags; these three numbers have
 * not changed since, new flags go at its end), bit fields before.
 */
#define K_INET_FLAGS_FREEBIND 11
#define K_INET_FLAGS_TRANSPARENT 15
#define K_INET_FLAGS_BIND_ADDRESS_NO_PORT 18

struct inet_sock___new {
	unsigned long inet_flags;
} __attribute__((preserve_access_index));

struct inet_sock___old {
	__u8 freebind : 1;
	__u8 transparent : 1;
	__u8 bind_address_no_port : 1;
} __attribute__((preserve_access_index));

static __always_inline __u8 inet_opts(struct sock *sk)
{
	__u8 o = 0;

	if (bpf_core_field_exists(struct inet_sock___new, inet_flags)) {
		unsigned long fl = BPF_CORE_READ((struct inet_sock___new *)sk, inet_flags);

		if (fl & (1UL << K_INET_FLAGS_FREEBIND))
			o |= BINDSNOOP_FREEBIND;
		if (fl & (1UL << K_INET_FLAGS_TRANSPARENT))
			o |= BINDSNOOP_TRANSPARENT;
		if (fl & (1UL << K_INET_FLAGS_BIND_ADDRESS_NO_PORT))
			o |= BINDSNOOP_NO_PORT;
	} else {
		struct inet_sock___old *in = (void *)sk;

		if (BPF_CORE_READ_BITFIELD_PROBED(in, freebind))
			o |= BINDSNOOP_FREEBIND;
		if (BPF_CORE_READ_BITFIELD_PROBED(in, transparent))
			o |= BINDSNOOP_TRANSPARENT;
		if (BPF_CORE_READ_BITFIELD_PROBED(in, bind_address_no_port))
			o |= BINDSNOOP_NO_PORT;
	}
	if (BPF_CORE_READ_BITFIELD_PROBED(&sk->__sk_common, skc_reuse) & 1)
		o |= BINDSNOOP_REUSEADDR;
	if (BPF_CORE_READ_BITFIELD_PROBED(&sk->__sk_common, skc_reuseport))
		o |= BINDSNOOP_REUSEPORT;
	return o;
}

static __always_inline int handle(void *ctx, struct sock *sk, int ret)
{
	__u16 family, port;

#ifndef BINDSNOOP_ERRORS
	if (ret != 0)
		return 0;
#endif
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != K_AF_INET && family != K_AF_INET6)
		return 0;
	port = __builtin_bswap16(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
	if (!tcp_lport_ok(port))
		return 0;
	if (!bct_filter_pass())
		return 0;
#ifdef BINDSNOOP_COUNT
	{
		struct bindsnoop_key k = {};

		k.family = family;
		k.port = port;
		if (family == K_AF_INET)
			BPF_CORE_READ_INTO((__u32 *)k.addr, sk, __sk_common.skc_rcv_saddr);
		else
			BPF_CORE_READ_INTO((struct in6_addr *)k.addr, sk,
					   __sk_common.skc_v6_rcv_saddr);
		bct_hist_linear(&hists, &k, 0);
	}
#else
	struct bindsnoop_event *e = bct_event_reserve(sizeof(*e));

	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_us = bpf_ktime_get_ns() / 1000;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->ret = ret;
	e->bound_dev_if = BPF_CORE_READ(sk, __sk_common.skc_bound_dev_if);
	e->family = family;
	e->port = port;
	e->protocol = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
	e->opts = inet_opts(sk);
	if (family == K_AF_INET)
		BPF_CORE_READ_INTO((__u32 *)e->addr, (struct inet_sock *)sk, inet_saddr);
	else
		BPF_CORE_READ_INTO((struct in6_addr *)e->addr, sk, __sk_common.skc_v6_rcv_saddr);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bct_event_submit(e, sizeof(*e));
#endif
	return 0;
}

/* Method "kprobe": inet_bind(sock, ...) and inet6_bind(sock, ...), entry and return */
static __always_inline int enter(struct socket *sock)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sock *sk = BPF_CORE_READ(sock, sk);

	bpf_map_update_elem(&binding, &tid, &sk, BPF_ANY);
	return 0;
}

static __always_inline int leave(void *ctx, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sock **skp = bpf_map_lookup_elem(&binding, &tid);
	struct sock *sk;

	if (!skp)
		return 0;
	sk = *skp;
	bpf_map_delete_elem(&binding, &tid);
	return handle(ctx, sk, ret);
}

SEC("kprobe/inet_bind")
int BPF_KPROBE(kp_inet_bind, struct socket *sock)
{
	return enter(sock);
}

SEC("kprobe/inet6_bind")
int BPF_KPROBE(kp_inet6_bind, struct socket *sock)
{
	return enter(sock);
}

SEC("kretprobe/inet_bind")
int BPF_KRETPROBE(kr_inet_bind, int ret)
{
	return leave(ctx, ret);
}

SEC("kretprobe/inet6_bind")
int BPF_KRETPROBE(kr_inet6_bind, int ret)
{
	return leave(ctx, ret);
}

/* Method "tracepoint": bind(2)'s exit; its fd from the saved user registers */
SEC("tracepoint/syscalls/sys_exit_bind")
int tp_exit_bind(struct trace_event_raw_sys_exit *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	struct sock *sk;

	sk = bct_file_sock(bct_fd_file(task, (int)PT_REGS_PARM1_SYSCALL(regs)));
	if (!sk)
		return 0;
	return handle(ctx, sk, (int)ctx->ret);
}
