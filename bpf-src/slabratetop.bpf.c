// SPDX-License-Identifier: Apache-2.0
/*
 * slabratetop: slab cache allocations per cache name, counted with the cache's object size
 * into the histogram kit's map, which cmd/slabratetop.c drains each interval.
 *
 * Methods (cmd/slabratetop.c declares them): BCC's kprobe on kmem_cache_alloc(), then the
 * kmem:kmem_cache_alloc tracepoint as tp_btf (the struct kmem_cache itself, as the kprobe
 * sees it) and as a classic tracepoint (its name and bytes_alloc, which is the cache's size).
 * The tracepoint fires for every kmem_cache_alloc*() variant (_lru, _node, bulk excepted).
 * Credit: the original BCC slabratetop is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "slabratetop.h"
#define BCT_HIST_SLOTS SLABRATETOP_SLOTS
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

BCT_HIST_MAP(hists, struct slabratetop_key, SLABRATETOP_MAX_KEYS);

static __always_inline int count(struct slabratetop_key *key, __u64 size)
{
	struct bct_hist *h = bct_hist_lookup(&hists, key);

	if (!h)
		return 0;
	__sync_fetch_and_add(&h->slots[SLABRATETOP_ALLOCS], 1);
	__sync_fetch_and_add(&h->slots[SLABRATETOP_BYTES], size);
	return 0;
}

static __always_inline int on_cache(struct kmem_cache *s)
{
	struct slabratetop_key key = {};

	if (!s)
		return 0;
	bpf_probe_read_kernel_str(key.name, SLABRATETOP_NAME_LEN + 1, BPF_CORE_READ(s, name));
	return count(&key, BPF_CORE_READ(s, size));
}

SEC("kprobe/kmem_cache_alloc")
int BPF_KPROBE(slab_alloc_kp, struct kmem_cache *s)
{
	return on_cache(s);
}

SEC("tp_btf/kmem_cache_alloc")
int BPF_PROG(slab_alloc_btf, unsigned long call_site, const void *ptr, struct kmem_cache *s)
{
	return on_cache(s); /* failed allocations too: the kprobe counts every call */
}

/* The tracepoint's record, as its format file gives it. */
struct slab_alloc_args {
	__u64 common;
	__u64 call_site;
	__u64 ptr;
	__u32 data_loc_name; /* offset (low 16 bits) and length of the name */
	__u32 pad;
	__u64 bytes_req;
	__u64 bytes_alloc;
};

SEC("tracepoint/kmem/kmem_cache_alloc")
int slab_alloc_tp(struct slab_alloc_args *ctx)
{
	struct slabratetop_key key = {};

	bpf_probe_read_kernel_str(key.name, SLABRATETOP_NAME_LEN + 1,
				  (char *)ctx + (ctx->data_loc_name & 0xffff));
	return count(&key, ctx->bytes_alloc);
}
