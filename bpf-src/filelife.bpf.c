// SPDX-License-Identifier: Apache-2.0
/*
 * filelife: the births and deaths of files, for their lifespan.
 *
 * Methods, best first (cmd/filelife.c declares them):
 *   kprobe      BCC's: security_inode_create(), vfs_create() and vfs_open() of a file it
 *               created record the dentry's birth time; vfs_unlink() of a recorded dentry
 *               sends its age (FILELIFE_AGED).
 *   tracepoint  the syscalls:sys_exit_* events: open, openat, openat2 and creat that created
 *               their file (FMODE_CREATED) send the file's absolute path (FILELIFE_BIRTH);
 *               unlink and unlinkat that succeeded send the path passed and, for a relative
 *               one, the absolute path of its directory (FILELIFE_DEATH). User space matches
 *               the two by path.
 *
 * Specialised by -D only: the shared filters (-p -n --cgroup --exec, bct_filter.bpf.h).
 * Credit: the original BCC filelife is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "filelife.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#define BCT_DIR_MAX FILELIFE_DIR_MAX
#include "bct_fd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define K_FMODE_CREATED (1U << 20) /* include/linux/fs.h */

static __always_inline struct filelife_event *start(__u16 kind)
{
	struct filelife_event *e = bct_event_reserve(sizeof(*e));

	if (!e)
		return NULL;
	e->ts = bpf_ktime_get_ns();
	e->age_ns = 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->kind = kind;
	e->info = 0;
	e->dir_off = FILELIFE_DIR_MAX;
	e->pad = 0;
	e->dir[FILELIFE_DIR_MAX] = '\0';
	e->name[0] = '\0';
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

/* --- method "kprobe": BCC's dentry-keyed births --------------------------------------- */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct dentry *);
	__type(value, __u64);
} birth SEC(".maps");

static __always_inline int born(struct dentry *d)
{
	__u64 ts = bpf_ktime_get_ns();

	if (bct_filter_pass())
		bpf_map_update_elem(&birth, &d, &ts, BPF_ANY);
	return 0;
}

SEC("kprobe/security_inode_create")
int BPF_KPROBE(kp_security_create, struct inode *dir, struct dentry *dentry)
{
	return born(dentry);
}

SEC("kprobe/vfs_create")
int BPF_KPROBE(kp_vfs_create, void *idmap, struct inode *dir, struct dentry *dentry)
{
	return born(dentry);
}

SEC("kprobe/vfs_open")
int BPF_KPROBE(kp_vfs_open, const struct path *path, struct file *file)
{
	if (!(BPF_CORE_READ(file, f_mode) & K_FMODE_CREATED))
		return 0;
	return born(BPF_CORE_READ(path, dentry));
}

SEC("kprobe/vfs_unlink")
int BPF_KPROBE(kp_vfs_unlink, void *idmap, struct inode *dir, struct dentry *dentry)
{
	struct filelife_event *e;
	__u64 *tsp, ts;

	if (!bct_filter_pass())
		return 0;
	tsp = bpf_map_lookup_elem(&birth, &dentry);
	if (!tsp)
		return 0;
	ts = *tsp;
	bpf_map_delete_elem(&birth, &dentry);
	e = start(FILELIFE_AGED);
	if (!e)
		return 0;
	e->age_ns = e->ts - ts;
	bpf_probe_read_kernel_str(e->name, sizeof(e->name), BPF_CORE_READ(dentry, d_name.name));
	bct_event_submit(e, sizeof(*e));
	return 0;
}

/* --- method "tracepoint": paths ---------------------------------------------------------- */

/* The absolute path of directory (vmnt, d) into e->dir, ending at e->dir[DIR_MAX]. */
static __always_inline void dir_path(struct filelife_event *e, struct task_struct *task,
				     struct vfsmount *vmnt, struct dentry *d)
{
	bool trunc;

	e->dir_off = bct_dir_path(e->dir, task, vmnt, d, &trunc);
	if (trunc)
		e->info |= FILELIFE_DIR_TRUNC;
}

static __always_inline struct pt_regs *user_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

/* An open that returned fd: a birth if it created its file. */
static __always_inline int opened(void *ctx, long fd)
{
	struct task_struct *task;
	struct filelife_event *e;
	struct dentry *d;
	struct file *f;

	if (fd < 0 || !bct_filter_pass())
		return 0;
	task = bpf_get_current_task_btf();
	f = bct_fd_file(task, fd);
	if (!f || !(BPF_CORE_READ(f, f_mode) & K_FMODE_CREATED))
		return 0;
	e = start(FILELIFE_BIRTH);
	if (!e)
		return 0;
	d = BPF_CORE_READ(f, f_path.dentry);
	dir_path(e, task, BPF_CORE_READ(f, f_path.mnt), BPF_CORE_READ(d, d_parent));
	bpf_probe_read_kernel_str(e->name, sizeof(e->name), BPF_CORE_READ(d, d_name.name));
	bct_event_submit(e, sizeof(*e));
	return 0;
}

/* An unlink of path (relative to dfd) that succeeded: a death. */
static __always_inline int unlinked(void *ctx, long ret, int dfd, const char *path)
{
	struct filelife_event *e;
	char c = 0;

	if (ret != 0 || !bct_filter_pass())
		return 0;
	e = start(FILELIFE_DEATH);
	if (!e)
		return 0;
	bpf_probe_read_user_str(e->name, sizeof(e->name), path);
	bpf_probe_read_user(&c, 1, path);
	if (c != '/') {
		struct task_struct *task = bpf_get_current_task_btf();
		struct vfsmount *m;
		struct dentry *d;

		if (bct_dirfd(task, dfd, &m, &d))
			dir_path(e, task, m, d);
	}
	bct_event_submit(e, sizeof(*e));
	return 0;
}

#define EXIT_OPEN(name)                                     \
	SEC("tracepoint/syscalls/sys_exit_" #name)          \
	int tp_##name(struct trace_event_raw_sys_exit *ctx) \
	{                                                   \
		return opened(ctx, ctx->ret);               \
	}

EXIT_OPEN(open)
EXIT_OPEN(openat)
EXIT_OPEN(openat2)
EXIT_OPEN(creat)

SEC("tracepoint/syscalls/sys_exit_unlink")
int tp_unlink(struct trace_event_raw_sys_exit *ctx)
{
	return unlinked(ctx, ctx->ret, BCT_AT_FDCWD,
			(const char *)PT_REGS_PARM1_SYSCALL(user_regs()));
}

SEC("tracepoint/syscalls/sys_exit_unlinkat")
int tp_unlinkat(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = user_regs();

	return unlinked(ctx, ctx->ret, (int)PT_REGS_PARM1_SYSCALL(regs),
			(const char *)PT_REGS_PARM2_SYSCALL(regs));
}
