// SPDX-License-Identifier: Apache-2.0
/*
 * ustat: events of language runtimes counted per process and category. cmd/ustat.c attaches
 * ustat_hit to each USDT probe of each runtime process it finds, with the probe's category
 * (enum ustat_cat) in the high half of the attach cookie.
 * Credit: the original BCC ustat is by Sasha Goldshtein.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "ustat.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct ustat_key);
	__type(value, __u64);
} counts SEC(".maps");

SEC("uprobe")
int ustat_hit(struct pt_regs *ctx)
{
	struct ustat_key k = { .pid = bpf_get_current_pid_tgid() >> 32,
			       .cat = (__u32)(bpf_get_attach_cookie(ctx) >> 32) };
	static const __u64 one = 1;
	__u64 *v;

	if (!bct_filter_pass())
		return 0;
	v = bpf_map_lookup_elem(&counts, &k);
	if (!v && !bpf_map_update_elem(&counts, &k, &one, BPF_NOEXIST))
		return 0;
	if (!v)
		v = bpf_map_lookup_elem(&counts, &k); /* another CPU inserted it first */
	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}
