/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The task fd walk: from a file descriptor of the current task to its struct file, and from
 * there to what the tools need (the inode's mode and device, the file system's name, the
 * socket, the file's directory path). Read with CO-RE, so it works from a syscall tracepoint on
 * a kernel without kprobes, where the tools that BCC writes on vfs_read() or inet_csk_accept()
 * see the same objects through the fd their syscall names.
 *
 *	struct task_struct *task = bpf_get_current_task_btf();
 *	struct file *f = bct_fd_file(task, fd);
 *	if (f && S_ISREG(bct_file_mode(f))) ...
 *
 * bct_dir_path() writes a directory's absolute path backwards into a buffer; the includer
 * defines BCT_DIR_MAX (a power of two, the buffer's size) before including this header.
 */
#ifndef BCT_FD_BPF_H
#define BCT_FD_BPF_H

#define BCT_AT_FDCWD -100
#define BCT_S_IFMT 00170000
#define BCT_S_IFSOCK 0140000
#define BCT_S_IFREG 0100000
#define BCT_S_IFCHR 0020000
#define BCT_S_IFDIR 0040000
#define BCT_S_ISREG(m) (((m)&BCT_S_IFMT) == BCT_S_IFREG)
#define BCT_S_ISSOCK(m) (((m)&BCT_S_IFMT) == BCT_S_IFSOCK)
#define BCT_S_ISCHR(m) (((m)&BCT_S_IFMT) == BCT_S_IFCHR)
#define BCT_S_ISDIR(m) (((m)&BCT_S_IFMT) == BCT_S_IFDIR)

/* The file open as fd in task, or NULL (no such fd, or a closed one). */
static __always_inline struct file *bct_fd_file(struct task_struct *task, long fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *f = NULL;

	if (fd < 0 || !fdt || (__u64)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

static __always_inline struct inode *bct_file_inode(struct file *f)
{
	return BPF_CORE_READ(f, f_inode);
}

static __always_inline __u16 bct_file_mode(struct file *f)
{
	return BPF_CORE_READ(f, f_inode, i_mode);
}

/* The device a character or block special file stands for (kernel dev_t: major << 20 | minor). */
static __always_inline __u32 bct_file_rdev(struct file *f)
{
	return BPF_CORE_READ(f, f_inode, i_rdev);
}

/* The name of the file system the file is on ("ext4", "xfs", "tmpfs"...) into buf. */
static __always_inline long bct_file_fstype(struct file *f, char *buf, __u32 size)
{
	return bpf_probe_read_kernel_str(buf, size, BPF_CORE_READ(f, f_inode, i_sb, s_type, name));
}

/* The socket's struct sock when f is a socket, else NULL. */
static __always_inline struct sock *bct_file_sock(struct file *f)
{
	struct socket *s;

	if (!f || !BCT_S_ISSOCK(bct_file_mode(f)))
		return NULL;
	s = BPF_CORE_READ(f, private_data);
	return s ? BPF_CORE_READ(s, sk) : NULL;
}

/* The directory a name relative to dfd resolves against (the cwd for AT_FDCWD). */
static __always_inline bool bct_dirfd(struct task_struct *task, long dfd, struct vfsmount **m,
				      struct dentry **d)
{
	struct file *f;

	if (dfd == BCT_AT_FDCWD) {
		*m = BPF_CORE_READ(task, fs, pwd.mnt);
		*d = BPF_CORE_READ(task, fs, pwd.dentry);
		return true;
	}
	f = bct_fd_file(task, dfd);
	if (!f)
		return false;
	*m = BPF_CORE_READ(f, f_path.mnt);
	*d = BPF_CORE_READ(f, f_path.dentry);
	return true;
}

#ifdef BCT_DIR_MAX
#ifndef BCT_DIR_DEPTH
#define BCT_DIR_DEPTH 64
#endif

struct bct_dir_walk {
	char *buf;
	struct vfsmount *vmnt;
	struct mount *mnt;
	struct dentry *d;
	struct dentry *root_d;
	struct vfsmount *root_m;
	__u32 off;
	bool done;
};

/* One step up the tree: a path component, or a jump from a mount's root to its mount point. */
static long bct_dir_step(__u64 i, void *arg)
{
	struct bct_dir_walk *w = arg;
	struct dentry *d = w->d, *parent, *mnt_root;
	struct vfsmount *vmnt = w->vmnt;
	struct mount *mnt = w->mnt;
	struct qstr q;
	__u32 len, off;

	if (d == w->root_d && vmnt == w->root_m) {
		w->done = true;
		return 1;
	}
	parent = BPF_CORE_READ(d, d_parent);
	mnt_root = BPF_CORE_READ(vmnt, mnt_root);
	if (d == mnt_root || d == parent) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		if (up == mnt || d != mnt_root) {
			w->done = true; /* the namespace's root, or a detached tree */
			return 1;
		}
		w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->vmnt = &up->mnt;
		return 0;
	}
	q = BPF_CORE_READ(d, d_name);
	len = q.len;
	off = w->off;
	if (len + 1 > off)
		return 1;
	off -= len;
	bpf_probe_read_kernel(w->buf + (off & (BCT_DIR_MAX - 1)), len & 255, q.name);
	off -= 1;
	w->buf[off & (BCT_DIR_MAX - 1)] = '/';
	w->off = off;
	w->d = parent;
	return 0;
}

/*
 * Writes the absolute path of directory (vmnt, d) backwards so that it ends at
 * buf[BCT_DIR_MAX], as d_path() would see it from task's root: crossing mount points upwards,
 * stopping at the task's root (chroot) or the namespace's root. Returns where it starts (the
 * root directory is the empty string: BCT_DIR_MAX); *trunc is set when it did not fit.
 */
static __always_inline __u32 bct_dir_path(char *buf, struct task_struct *task,
					  struct vfsmount *vmnt, struct dentry *d, bool *trunc)
{
	struct bct_dir_walk w = {
		.buf = buf,
		.vmnt = vmnt,
		.mnt = container_of(vmnt, struct mount, mnt),
		.d = d,
		.root_d = BPF_CORE_READ(task, fs, root.dentry),
		.root_m = BPF_CORE_READ(task, fs, root.mnt),
		.off = BCT_DIR_MAX,
	};

	bpf_loop(BCT_DIR_DEPTH, bct_dir_step, &w, 0);
	*trunc = !w.done;
	return w.off;
}
#endif /* BCT_DIR_MAX */

#endif /* BCT_FD_BPF_H */
