// SPDX-License-Identifier: Apache-2.0
/*
 * gethostlatency: one event per getaddrinfo(), gethostbyname() and gethostbyname2() call, with
 * its latency: the entry probe keeps the name and the time per thread, the return probe sends
 * them.
 *
 * The programs are attached by cmd/gethostlatency.c (lib/uprobe.h) to the functions in libc:
 * one entry program per function (each knows which call it is) and one return program for
 * all (plain pt_regs programs: libbpf's BPF_UPROBE() is newer than some distributions'
 * libbpf). Specialised by -D only: the shared filters (-p, bpf-src/bct_filter.bpf.h).
 * Credit: the original BCC gethostlatency is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "gethostlatency.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct start {
	__u64 ts;
	__u32 call;
	__u32 pad;
	char host[GETHOSTLATENCY_HOST_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32); /* tid */
	__type(value, struct start);
} starts SEC(".maps");

static __always_inline int enter(const char *host, enum gethostlatency_call call)
{
	struct start st = {};
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!host || !bct_filter_pass())
		return 0;
	if (bpf_probe_read_user_str(st.host, sizeof(st.host), host) < 0)
		return 0;
	st.call = call;
	st.ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&starts, &tid, &st, BPF_ANY))
		bct_count_lost();
	return 0;
}

SEC("uprobe")
int getaddrinfo_entry(struct pt_regs *ctx)
{
	return enter((const char *)PT_REGS_PARM1(ctx), GETHOSTLATENCY_GETADDRINFO);
}

SEC("uprobe")
int gethostbyname_entry(struct pt_regs *ctx)
{
	return enter((const char *)PT_REGS_PARM1(ctx), GETHOSTLATENCY_GETHOSTBYNAME);
}

SEC("uprobe")
int gethostbyname2_entry(struct pt_regs *ctx)
{
	return enter((const char *)PT_REGS_PARM1(ctx), GETHOSTLATENCY_GETHOSTBYNAME2);
}

SEC("uretprobe")
int lookup_return(struct pt_regs *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	struct gethostlatency_event *e;
	__u32 tid = (__u32)pid_tgid;
	struct start *st;

	st = bpf_map_lookup_elem(&starts, &tid);
	if (!st)
		return 0; /* its entry was not seen (started before tracing, or filtered out) */
	e = bct_event_reserve(sizeof(*e));
	if (e) {
		e->delta_ns = now - st->ts;
		e->pid = pid_tgid >> 32;
		e->tid = tid;
		e->call = st->call;
		e->pad = 0;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		__builtin_memcpy(e->host, st->host, sizeof(e->host));
		bct_event_submit(e, sizeof(*e));
	}
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}
