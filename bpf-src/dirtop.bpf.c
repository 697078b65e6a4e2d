// SPDX-License-Identifier: Apache-2.0
/*
 * dirtop: reads and writes of the files under given directories, per directory, counted at the
 * call's entry (the size asked for, as BCC counts it) into the histogram kit's map keyed by the
 * directory's inode number, which cmd/dirtop.c drains each interval.
 *
 * Methods (cmd/dirtop.c declares them; the programs are in file_rw.bpf.h): BCC's kprobes on
 * vfs_read()/vfs_write(), then the read/pread64/write/pwrite64 syscall tracepoints with the file
 * taken from the fd table.
 *
 * A file counts for a directory when one of its ancestors (DIRTOP_DEPTH parents at most, within
 * its file system) has the directory's inode number; when several do, the one nearest the root
 * takes the I/O, as in BCC. Defines, besides the shared -p filter:
 *   DIRTOP_INODES=i1,i2,...   the watched directories' inode numbers (at most 15)
 * Credit: the original BCC dirtop is by Erwan Velu.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "dirtop.h"
#define BCT_HIST_SLOTS DIRTOP_SLOTS
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef DIRTOP_INODES
#define DIRTOP_INODES 0
#endif

BCT_HIST_MAP(hists, __u64, 1024);

static const __u64 dir_inodes[] = { DIRTOP_INODES };
#define NDIRS (sizeof(dir_inodes) / sizeof(dir_inodes[0]))

static __always_inline int on_rw(struct file *f, __u64 count, bool is_read);
#include "file_rw.bpf.h"

static __always_inline int on_rw(struct file *f, __u64 count, bool is_read)
{
	struct dentry *d = BPF_CORE_READ(f, f_path.dentry), *parent;
	struct bct_hist *h;
	__u64 found = 0, ino;
	unsigned int i, j;

	if (!bct_filter_pass())
		return 0;
	for (i = 0; i < DIRTOP_DEPTH; i++) {
		parent = BPF_CORE_READ(d, d_parent);
		if (!parent || parent == d)
			break; /* the file system's root */
		d = parent;
		ino = BPF_CORE_READ(d, d_inode, i_ino);
		for (j = 0; j < NDIRS; j++)
			if (ino == dir_inodes[j] && ino)
				found = ino;
	}
	if (!found)
		return 0;
	h = bct_hist_lookup(&hists, &found);
	if (!h)
		return 0;
	if (is_read) {
		__sync_fetch_and_add(&h->slots[DIRTOP_READS], 1);
		__sync_fetch_and_add(&h->slots[DIRTOP_RBYTES], count);
	} else {
		__sync_fetch_and_add(&h->slots[DIRTOP_WRITES], 1);
		__sync_fetch_and_add(&h->slots[DIRTOP_WBYTES], count);
	}
	return 0;
}
