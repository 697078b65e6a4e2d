// SPDX-License-Identifier: Apache-2.0
/* The shared filters, user side: -D names for bpf-src/bct_filter.bpf.h, maps after load. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "cgroup.h"
#include "filter.h"
#include "log.h"
#include "prog.h"

void bct_filter_pack_comm(const char *s, size_t len, uint64_t *lo, uint64_t *hi)
{
	size_t i;

	*lo = *hi = 0;
	for (i = 0; i < len && i < 16; i++) {
		uint64_t b = (unsigned char)s[i];

		if (i < 8)
			*lo |= b << (8 * i);
		else
			*hi |= b << (8 * (i - 8));
	}
}

int bct_filter_define(const struct bct_filter *f, pid_t exec_pid, struct bct_prog *p)
{
	int err = 0;

	if (f->tid)
		err = bct_prog__define(p, "FILTER_TID", "%d", f->tid);
	else if (f->pid || exec_pid)
		err = bct_prog__define(p, "FILTER_PID", "%d", exec_pid ? exec_pid : f->pid);
	if (f->has_uid)
		err = err ?: bct_prog__define(p, "FILTER_UID", "%u", f->uid);
	if (f->cgroup)
		err = err ?: bct_prog__define(p, "FILTER_CGROUP", NULL);
	if (f->disk)
		err = err ?: bct_prog__define(p, "FILTER_DEV", "%" PRIu32 "U", f->dev);
	if (f->comm && *f->comm) {
		size_t len = strlen(f->comm);
		uint64_t lo, hi;

		/* a needle longer than a comm can never match: 16 bytes against comm's NUL */
		bct_filter_pack_comm(f->comm, len, &lo, &hi);
		err = err ?: bct_prog__define(p, "FILTER_COMM_LEN", "%zu", len > 16 ? 16 : len);
		err = err ?: bct_prog__define(p, "FILTER_COMM_LO", "0x%" PRIx64 "ULL", lo);
		err = err ?: bct_prog__define(p, "FILTER_COMM_HI", "0x%" PRIx64 "ULL", hi);
	}
	return err;
}

/* --cgroupmap / --mntnsmap: the user's pinned hash map of u64 IDs, as BCC's tools take it. */
static int open_pinned(const char *path, const char *prefix, struct bct_prog *p)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	char link[64], target[64], name[48];
	ssize_t n;
	int fd, err;

	fd = bpf_obj_get(path);
	if (fd < 0) {
		err = -errno;
		pr_err("cannot open pinned BPF map '%s': %s", path, strerror(-err));
		return err;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0 || (target[n] = '\0', strcmp(target, "anon_inode:bpf-map"))) {
		pr_err("'%s' is not a pinned BPF map", path);
		err = -EINVAL;
		goto out_close;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		err = -errno;
		pr_err("cannot read BPF map '%s': %s", path, strerror(-err));
		goto out_close;
	}
	if (info.key_size != sizeof(__u64) ||
	    (info.type != BPF_MAP_TYPE_HASH && info.type != BPF_MAP_TYPE_LRU_HASH)) {
		pr_err("BPF map '%s' must be a hash map with 8-byte keys", path);
		err = -EINVAL;
		goto out_close;
	}
	snprintf(name, sizeof(name), "FILTER_%s", prefix);
	err = bct_prog__define(p, name, NULL);
	snprintf(name, sizeof(name), "%s_TYPE", prefix);
	err = err ?: bct_prog__define(p, name, "%u", info.type);
	snprintf(name, sizeof(name), "%s_VALUE_SIZE", prefix);
	err = err ?: bct_prog__define(p, name, "%u", info.value_size);
	snprintf(name, sizeof(name), "%s_FLAGS", prefix);
	err = err ?: bct_prog__define(p, name, "%u", info.map_flags);
	if (!err)
		return fd;
out_close:
	close(fd);
	return err;
}

int bct_filter_open(const struct bct_filter *f, struct bct_filter_fds *fds, struct bct_prog *p)
{
	if (f->cgroup) {
		fds->cgroup = bct_cgroup_open(f->cgroup);
		if (fds->cgroup < 0)
			return fds->cgroup;
	}
	if (f->cgroupmap) {
		fds->cgroupmap = open_pinned(f->cgroupmap, "CGROUPMAP", p);
		if (fds->cgroupmap < 0)
			return fds->cgroupmap;
	}
	if (f->mntnsmap) {
		fds->mntnsmap = open_pinned(f->mntnsmap, "MNTNSMAP", p);
		if (fds->mntnsmap < 0)
			return fds->mntnsmap;
	}
	return 0;
}

/* Puts fd at index 0 of the program's map. */
static int set_first(struct bct_prog *p, const char *map, int fd, const char *what)
{
	__u32 zero = 0;
	int err;

	if (fd < 0 || !bpf_map_update_elem(bct_prog__map_fd(p, map), &zero, &fd, 0))
		return 0;
	err = -errno;
	pr_err("cannot set the %s filter: %s", what, strerror(-err));
	return err;
}

int bct_filter_fill(const struct bct_filter_fds *fds, struct bct_prog *p)
{
	return set_first(p, "cgroup_filter", fds->cgroup, "cgroup") ?:
		       set_first(p, "cgroupmap", fds->cgroupmap, "cgroupmap") ?:
		       set_first(p, "mntnsmap", fds->mntnsmap, "mntnsmap");
}

void bct_filter_close(struct bct_filter_fds *fds)
{
	int *all[] = { &fds->cgroup, &fds->cgroupmap, &fds->mntnsmap };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (*all[i] >= 0)
			close(*all[i]);
		*all[i] = -1;
	}
}
