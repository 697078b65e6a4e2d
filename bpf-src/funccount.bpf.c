// SPDX-License-Identifier: Apache-2.0
/*
 * funccount: counts calls of the probes user space attached, one counter per probe.
 *
 * One program per attach kind serves every probe of a run: user space attaches it once per
 * matched tracepoint, function or USDT location, with the probe's index as the attach cookie,
 * and the program adds one to that slot of a per-CPU array (sized to the number of probes at
 * load time). Filters: the shared ones (FILTER_PID for -p) and FILTER_CPU for -c. For the
 * hottest probes: FC_ONE_SLOT (one probe: no cookie to read) and BCT_FILTER_NOT_SELF (uprobes
 * in a file bcctool does not map: no own-process test).
 * Credit: the original BCC funccount is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1); /* set to the number of probes at load time */
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int count_probe(void *ctx)
{
#ifdef FC_ONE_SLOT
	__u32 slot = 0; /* one probe: no cookie to read */
#else
	__u32 slot = (__u32)bpf_get_attach_cookie(ctx);
#endif
	__u64 *v;

#ifdef FILTER_CPU
	if (bpf_get_smp_processor_id() != FILTER_CPU)
		return 0;
#endif
	if (!bct_filter_pass())
		return 0;
	v = bpf_map_lookup_elem(&counts, &slot);
	if (v)
		*v += 1;
	return 0;
}

SEC("tracepoint")
int fc_tracepoint(void *ctx)
{
	return count_probe(ctx);
}

SEC("uprobe")
int fc_uprobe(struct pt_regs *ctx)
{
	return count_probe(ctx);
}
