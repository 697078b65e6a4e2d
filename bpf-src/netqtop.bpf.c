// SPDX-License-Identifier: Apache-2.0
/*
 * netqtop: packets sent and received on one network interface, counted per queue and by size
 * in two hash maps (tx_q, rx_q) that cmd/netqtop.c reads and empties each interval.
 *
 * Attach method: the net trace events net_dev_start_xmit (a packet handed to the driver, its
 * queue_mapping the TX queue) and netif_receive_skb (a packet received, its recorded RX queue
 * or 0), as BCC does.
 *
 * Defines: NETQTOP_NAME0, NETQTOP_NAME1: the interface's name (16 bytes, NUL-padded) as two
 * little-endian 64-bit numbers; the device's name is compared with them.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#include "netqtop.h"
#include "bct_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef NETQTOP_NAME0
#define NETQTOP_NAME0 0
#define NETQTOP_NAME1 0
#endif

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NETQTOP_MAX_QUEUES);
	__type(key, __u16);
	__type(value, struct netqtop_queue);
} tx_q SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NETQTOP_MAX_QUEUES);
	__type(key, __u16);
	__type(value, struct netqtop_queue);
} rx_q SEC(".maps");

static __always_inline bool name_ok(struct sk_buff *skb)
{
	struct net_device *dev = BPF_CORE_READ(skb, dev);
	__u64 name[2] = {};

	if (!dev)
		return false;
	bpf_probe_read_kernel(name, sizeof(name), &dev->name);
	return name[0] == NETQTOP_NAME0 && name[1] == NETQTOP_NAME1;
}

static __always_inline void count(void *map, __u16 qid, __u32 len)
{
	static const struct netqtop_queue zero;
	struct netqtop_queue *q = bpf_map_lookup_elem(map, &qid);

	if (!q) {
		bpf_map_update_elem(map, &qid, &zero, BPF_NOEXIST);
		q = bpf_map_lookup_elem(map, &qid);
		if (!q) {
			bct_count_lost();
			return;
		}
	}
	__sync_fetch_and_add(&q->bytes, len);
	__sync_fetch_and_add(&q->packets, 1);
	if (len < 64)
		__sync_fetch_and_add(&q->size_64, 1);
	else if (len < 512)
		__sync_fetch_and_add(&q->size_512, 1);
	else if (len < 2048)
		__sync_fetch_and_add(&q->size_2k, 1);
	else if (len < 16384)
		__sync_fetch_and_add(&q->size_16k, 1);
	else if (len < 65536)
		__sync_fetch_and_add(&q->size_64k, 1);
}

SEC("tracepoint/net/net_dev_start_xmit")
int nq_xmit_tp(struct trace_event_raw_net_dev_start_xmit *ctx)
{
	struct sk_buff *skb = (struct sk_buff *)ctx->skbaddr;

	if (!name_ok(skb))
		return 0;
	count(&tx_q, BPF_CORE_READ(skb, queue_mapping), BPF_CORE_READ(skb, len));
	return 0;
}

SEC("tracepoint/net/netif_receive_skb")
int nq_recv_tp(struct trace_event_raw_net_dev_template *ctx)
{
	struct sk_buff *skb = (struct sk_buff *)ctx->skbaddr;
	__u16 qm;

	if (!name_ok(skb))
		return 0;
	/* the driver recorded queue N as N + 1; 0: not recorded, queue 0 */
	qm = BPF_CORE_READ(skb, queue_mapping);
	count(&rx_q, qm ? qm - 1 : 0, BPF_CORE_READ(skb, len));
	return 0;
}
