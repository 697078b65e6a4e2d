// SPDX-License-Identifier: Apache-2.0
/*
 * mdflush: one event per flush request the md (software RAID) driver receives, from its
 * md_flush_request() function: the process and the md device.
 *
 * Attach methods, best first (cmd/mdflush.c): fentry, then BCC's kprobe. md has no trace event
 * of its own, so a kernel without both (or without md) offers no method: the tool says so.
 * Defines: the shared filters (-p, bct_filter.bpf.h).
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "mdflush.h"

char LICENSE[] SEC("license") = "GPL";

/* Before 5.12 a bio named its disk directly. */
struct bio___old {
	struct gendisk *bi_disk;
} __attribute__((preserve_access_index));

static __always_inline int flush(void *ctx, struct bio *bio)
{
	struct bio___old *old = (void *)bio;
	struct mdflush_event *e;
	struct gendisk *disk;

	if (!bct_filter_pass())
		return 0;
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (bpf_core_field_exists(old->bi_disk))
		disk = BPF_CORE_READ(old, bi_disk);
	else
		disk = BPF_CORE_READ(bio, bi_bdev, bd_disk);
	e->disk[0] = '\0';
	if (disk)
		bpf_probe_read_kernel_str(e->disk, sizeof(e->disk), disk->disk_name);
	bct_event_submit(e, sizeof(*e));
	return 0;
}

SEC("fentry/md_flush_request")
int BPF_PROG(mdflush_fentry, void *mddev, struct bio *bio)
{
	return flush(ctx, bio);
}

SEC("kprobe/md_flush_request")
int BPF_KPROBE(mdflush_kprobe, void *mddev, struct bio *bio)
{
	return flush(ctx, bio);
}
