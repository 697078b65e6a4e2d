/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attach methods of the tools whose BPF side is bpf-src/file_rw.bpf.h (filetop, dirtop):
 * BCC's kprobes on vfs_read()/vfs_write(), then the entry tracepoints of the four system calls
 * that call them on 6.x kernels. One table, so that the two tools cannot drift apart.
 */
#ifndef BCT_CMD_FILE_RW_H
#define BCT_CMD_FILE_RW_H

#include "prog.h"

static const struct bct_method file_rw_methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("kp_read", "kprobe/vfs_read"),
			     BCT_PROG("kp_write", "kprobe/vfs_write")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_read", "tracepoint/syscalls/sys_enter_read"),
			     BCT_PROG("tp_pread64", "tracepoint/syscalls/sys_enter_pread64"),
			     BCT_PROG("tp_write", "tracepoint/syscalls/sys_enter_write"),
			     BCT_PROG("tp_pwrite64", "tracepoint/syscalls/sys_enter_pwrite64")) },
	{ NULL },
};

static const struct bct_hook file_rw_hooks[] = {
	{ "file reads and writes", file_rw_methods, false },
	{ NULL },
};

#endif
