/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The file systems fsdist and fsslower know (and the BCC names that preset one: ext4dist,
 * xfsslower...): each one's kernel functions for BCC's kprobe method, its attach hooks, and
 * the check that the kernel has it. Included by cmd/fsdist.c and cmd/fsslower.c only.
 */
#ifndef BCT_FS_PRESETS_H
#define BCT_FS_PRESETS_H

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "prog.h"

#define FSOPS_APPROX \
	"syscall-level latency of read/write/open (no aio, io_uring, mmap or kernel callers)"
#define FSOPS_SYNC_APPROX "syscall-level latency of fsync and fdatasync"

/* The syscall method's programs (bpf-src/fsops.bpf.c SYS_PAIR()). */
#define FSOPS_SYS(name)                                                      \
	BCT_PROG("tp_enter_" #name, "tracepoint/syscalls/sys_enter_" #name), \
		BCT_PROG("tp_exit_" #name, "tracepoint/syscalls/sys_exit_" #name)

static const struct bct_method fsops_rwo_sys = {
	.name = "tracepoint",
	.progs = BCT_PROGS(FSOPS_SYS(read), FSOPS_SYS(pread64), FSOPS_SYS(readv), FSOPS_SYS(write),
			   FSOPS_SYS(pwrite64), FSOPS_SYS(writev), FSOPS_SYS(openat)),
	.approx = FSOPS_APPROX,
};

static const struct bct_method fsops_sync_sys = {
	.name = "tracepoint",
	.progs = BCT_PROGS(FSOPS_SYS(fsync), FSOPS_SYS(fdatasync)),
	.approx = FSOPS_SYNC_APPROX,
};

#define FSOPS_KP_RWO(rd, wr, op)                                                             \
	{                                                                                    \
		.name = "kprobe", .progs = BCT_PROGS(BCT_PROG("kp_read", "kprobe/" rd),      \
						     BCT_PROG("krp_read", "kretprobe/" rd),  \
						     BCT_PROG("kp_write", "kprobe/" wr),     \
						     BCT_PROG("krp_write", "kretprobe/" wr), \
						     BCT_PROG("kp_open", "kprobe/" op),      \
						     BCT_PROG("krp_open", "kretprobe/" op))  \
	}
#define FSOPS_KP_SYNC(sy)                                                                    \
	{                                                                                    \
		.name = "kprobe", .progs = BCT_PROGS(BCT_PROG("kp_fsync", "kprobe/" sy),     \
						     BCT_PROG("krp_fsync", "kretprobe/" sy)) \
	}

/* One file system: its hooks, BCC's kprobe method first. */
#define FSOPS_FS(id, rd, wr, op, sy)                                                         \
	static const struct bct_method id##_rwo[] = { FSOPS_KP_RWO(rd, wr, op),              \
						      fsops_rwo_sys,                         \
						      { NULL } };                            \
	static const struct bct_method id##_sync[] = { FSOPS_KP_SYNC(sy),                    \
						       fsops_sync_sys,                       \
						       { NULL } };                           \
	static const struct bct_hook id##_hooks[] = { { "reads, writes and opens", id##_rwo, \
							false },                             \
						      { "fsyncs", id##_sync, false },        \
						      { NULL } }

/* ext4 has fsync tracepoints around ext4_sync_file() itself: BCC's span, exact. */
static const struct bct_method ext4_rwo[] = {
	FSOPS_KP_RWO("ext4_file_read_iter", "ext4_file_write_iter", "ext4_file_open"),
	fsops_rwo_sys,
	{ NULL },
};
static const struct bct_method ext4_sync[] = {
	FSOPS_KP_SYNC("ext4_sync_file"),
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("btf_fsync_enter", "tp_btf/ext4_sync_file_enter"),
			     BCT_PROG("btf_fsync_exit", "tp_btf/ext4_sync_file_exit")) },
	fsops_sync_sys,
	{ NULL },
};
static const struct bct_hook ext4_hooks[] = {
	{ "reads, writes and opens", ext4_rwo, false },
	{ "fsyncs", ext4_sync, false },
	{ NULL },
};
FSOPS_FS(xfs, "xfs_file_read_iter", "xfs_file_write_iter", "xfs_file_open", "xfs_file_fsync");
FSOPS_FS(btrfs, "btrfs_file_read_iter", "btrfs_file_write_iter", "btrfs_file_open",
	 "btrfs_sync_file");
FSOPS_FS(nfs, "nfs_file_read", "nfs_file_write", "nfs_file_open", "nfs_file_fsync");
FSOPS_FS(zfs, "zpl_iter_read", "zpl_iter_write", "zpl_open", "zpl_fsync");
FSOPS_FS(f2fs, "f2fs_file_read_iter", "f2fs_file_write_iter", "f2fs_file_open", "f2fs_sync_file");

struct fsops_fs {
	const char *name; /* the type in /proc/filesystems and -t */
	const char *alt; /* another type name it covers (nfs4), or NULL */
	const char *title; /* BCC's banner spelling: "XFS" */
	const char *fn[4]; /* read, write, open, fsync functions (kprobe method) */
	const struct bct_hook *hooks;
};

static const struct fsops_fs fsops_fss[] = {
	{ "ext4",
	  NULL,
	  "ext4",
	  { "ext4_file_read_iter", "ext4_file_write_iter", "ext4_file_open", "ext4_sync_file" },
	  ext4_hooks },
	{ "xfs",
	  NULL,
	  "XFS",
	  { "xfs_file_read_iter", "xfs_file_write_iter", "xfs_file_open", "xfs_file_fsync" },
	  xfs_hooks },
	{ "btrfs",
	  NULL,
	  "btrfs",
	  { "btrfs_file_read_iter", "btrfs_file_write_iter", "btrfs_file_open", "btrfs_sync_file" },
	  btrfs_hooks },
	{ "nfs",
	  "nfs4",
	  "NFS",
	  { "nfs_file_read", "nfs_file_write", "nfs_file_open", "nfs_file_fsync" },
	  nfs_hooks },
	{ "zfs",
	  NULL,
	  "ZFS",
	  { "zpl_iter_read", "zpl_iter_write", "zpl_open", "zpl_fsync" },
	  zfs_hooks },
	{ "f2fs",
	  NULL,
	  "F2FS",
	  { "f2fs_file_read_iter", "f2fs_file_write_iter", "f2fs_file_open", "f2fs_sync_file" },
	  f2fs_hooks },
	{ NULL },
};

/* -t FS, or the file system a BCC name starts with ("xfsslower": "xfs"); NULL if none. */
static inline const struct fsops_fs *fsops_find(const char *name, size_t len)
{
	const struct fsops_fs *fs;

	for (fs = fsops_fss; fs->name; fs++)
		if (strlen(fs->name) == len && !strncmp(fs->name, name, len))
			return fs;
	return NULL;
}

/* The tool's name from argv[0] ("bcctool-ext4dist" and "/usr/bin/ext4dist" as "ext4dist"). */
static inline const char *fsops_self(const char *argv0)
{
	const char *s = strrchr(argv0, '/');

	s = s ? s + 1 : argv0;
	if (!strncmp(s, "bcctool-", 8))
		s += 8;
	return s;
}

/* The name as a little-endian 64-bit number, as the BPF side reads it (fsops.bpf.c on_fs()). */
static inline unsigned long long fsops_name8(const char *name)
{
	unsigned long long v = 0;
	size_t i;

	for (i = 0; i < 7 && name[i]; i++)
		v |= (unsigned long long)(unsigned char)name[i] << (8 * i);
	return v;
}

/* The defines every fsops program takes for fs. */
static inline int fsops_defines(struct bct_prog *p, const struct fsops_fs *fs)
{
	int err = 0;

	err = err ?: bct_prog__define(p, "FS_NAME8", "0x%llxULL", fsops_name8(fs->name));
	if (fs->alt)
		err = err ?: bct_prog__define(p, "FS_NAME8_ALT", "0x%llxULL", fsops_name8(fs->alt));
	if (!strcmp(fs->name, "ext4"))
		err = err ?: bct_prog__define(p, "FS_EXT4", NULL);
	err = err ?: bct_prog__define(p, "FS_FN_READ", "\"%s\"", fs->fn[0]);
	err = err ?: bct_prog__define(p, "FS_FN_WRITE", "\"%s\"", fs->fn[1]);
	err = err ?: bct_prog__define(p, "FS_FN_OPEN", "\"%s\"", fs->fn[2]);
	err = err ?: bct_prog__define(p, "FS_FN_FSYNC", "\"%s\"", fs->fn[3]);
	return err;
}

/* Whether the kernel has the file system type (a line of /proc/filesystems ends with it). */
static inline bool fsops_registered(const struct fsops_fs *fs)
{
	char line[128];
	bool found = false;
	FILE *f = fopen("/proc/filesystems", "r");

	if (!f)
		return true; /* cannot tell: let the tool run */
	while (!found && fgets(line, sizeof(line), f)) {
		char *t = strrchr(line, '\t');

		t = t ? t + 1 : line;
		t[strcspn(t, "\n")] = 0;
		found = !strcmp(t, fs->name) || (fs->alt && !strcmp(t, fs->alt));
	}
	fclose(f);
	return found;
}

/* The one-line refusal when it has not. */
static inline int fsops_not_registered(const struct fsops_fs *fs)
{
	pr_err("file system type '%s' is not in this kernel (/proc/filesystems): nothing to trace",
	       fs->name);
	return 1;
}

#endif
