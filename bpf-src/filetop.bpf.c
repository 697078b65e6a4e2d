// SPDX-License-Identifier: Apache-2.0
/*
 * filetop: reads and writes per thread and file, counted at the call's entry (the size asked
 * for, as BCC counts it) into the histogram kit's map, which cmd/filetop.c drains each interval.
 *
 * Methods (cmd/filetop.c declares them; the programs are in file_rw.bpf.h): BCC's kprobes on
 * vfs_read()/vfs_write(), then the read/pread64/write/pwrite64 syscall tracepoints with the file
 * taken from the fd table.
 *
 * Defines, besides the shared -p filter:
 *   FILETOP_ALL    -a: every file type, not only regular files
 * Credit: the original BCC filetop is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "filetop.h"
#define BCT_HIST_SLOTS FILETOP_SLOTS
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

BCT_HIST_MAP(hists, struct filetop_key, FILETOP_MAX_KEYS);

static __always_inline int on_rw(struct file *f, __u64 count, bool is_read);
#include "file_rw.bpf.h"

static __always_inline int on_rw(struct file *f, __u64 count, bool is_read)
{
	struct filetop_key key = {};
	struct inode *ino;
	struct bct_hist *h;
	struct qstr q;
	__u16 mode;

	if (!bct_filter_pass())
		return 0;
	q = BPF_CORE_READ(f, f_path.dentry, d_name);
	ino = BPF_CORE_READ(f, f_inode);
	mode = BPF_CORE_READ(ino, i_mode);
	if (q.len == 0)
		return 0; /* no name: BCC skips these */
#ifndef FILETOP_ALL
	if (!BCT_S_ISREG(mode))
		return 0;
#endif
	key.tid = (__u32)bpf_get_current_pid_tgid();
	key.inode = BPF_CORE_READ(ino, i_ino);
	key.dev = BPF_CORE_READ(ino, i_sb, s_dev);
	key.rdev = BPF_CORE_READ(ino, i_rdev);
	key.name_len = q.len;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	bpf_probe_read_kernel_str(key.name, FILETOP_NAME_LEN + 1, q.name);
	key.type = BCT_S_ISREG(mode) ? 'R' : BCT_S_ISSOCK(mode) ? 'S' : 'O';
	h = bct_hist_lookup(&hists, &key);
	if (!h)
		return 0;
	if (is_read) {
		__sync_fetch_and_add(&h->slots[FILETOP_READS], 1);
		__sync_fetch_and_add(&h->slots[FILETOP_RBYTES], count);
	} else {
		__sync_fetch_and_add(&h->slots[FILETOP_WRITES], 1);
		__sync_fetch_and_add(&h->slots[FILETOP_WBYTES], count);
	}
	return 0;
}
