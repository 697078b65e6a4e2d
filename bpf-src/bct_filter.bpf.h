/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The filters BCC's tools share, BPF side: one check every program calls, specialised by the
 * -D names lib/filter.c sets from the shared options (lib/tool.h). Included after vmlinux.h and
 * libbpf's headers. With no filter option given, every check compiles to nothing but the
 * tool's own-process test.
 *
 *   FILTER_PID=n          -p: this process (tgid) only
 *   FILTER_TID=n          -t: this thread only
 *   FILTER_UID=n          -u: this user only
 *   FILTER_COMM_LEN=n, FILTER_COMM_LO=x, FILTER_COMM_HI=x
 *                         -n/-c: commands containing these n bytes (packed little-endian
 *                         into two u64)
 *   FILTER_CGROUP         --cgroup: tasks under the cgroup in cgroup_filter[0]
 *   FILTER_CGROUPMAP, FILTER_MNTNSMAP
 *                         BCC's --cgroupmap/--mntnsmap: tasks whose cgroup ID / mount
 *                         namespace inode is a key of the user's pinned hash, held in
 *                         cgroupmap/mntnsmap (map in map), whose type, value size and flags
 *                         come as CGROUPMAP_TYPE, _VALUE_SIZE, _FLAGS (and MNTNSMAP_*)
 *
 * These names are the kit's; a tool's own defines are named after the tool (BIOLAT_...) or
 * are filters of its own not listed here (opensnoop's FILTER_FAILED).
 *
 * bct_self_tgid is the tool's own process, set at load time (not a -D, so it does not change
 * the compiled object): a tool does not trace its own work of starting up and printing.
 * BCT_FILTER_NOT_SELF: the tool's process cannot reach the program's probes (uprobes in a
 * file it does not map), so there is no own-process test; with no filter option either,
 * bct_filter_pass() makes no helper call at all.
 *
 *	if (!bct_filter_pass())
 *		return 0;
 *
 * or, where a hot path already has the IDs, the task or the command name in hand, the pieces
 * bct_filter_ids(), bct_filter_comm() and bct_filter_task() in that order.
 */
#ifndef BCT_FILTER_BPF_H
#define BCT_FILTER_BPF_H

#define BCT_COMM_LEN 16

const volatile __u32 bct_self_tgid = 0;

#ifdef FILTER_CGROUP
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroup_filter SEC(".maps");
#endif

/* An outer map holding the user's pinned map (inner template from its -D description). */
#define BCT_PINNED_SET(name, prefix)                      \
	struct name##_inner {                             \
		__uint(type, prefix##_TYPE);              \
		__uint(max_entries, 1);                   \
		__uint(key_size, sizeof(__u64));          \
		__uint(value_size, prefix##_VALUE_SIZE);  \
		__uint(map_flags, prefix##_FLAGS);        \
	};                                                \
	struct {                                          \
		__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS); \
		__uint(max_entries, 1);                   \
		__type(key, __u32);                       \
		__array(values, struct name##_inner);     \
	} name SEC(".maps")

#ifdef FILTER_CGROUPMAP
BCT_PINNED_SET(cgroupmap, CGROUPMAP);
#endif
#ifdef FILTER_MNTNSMAP
BCT_PINNED_SET(mntnsmap, MNTNSMAP);
#endif

#if defined(FILTER_CGROUPMAP) || defined(FILTER_MNTNSMAP)
static __always_inline bool bct_in_pinned(void *outer, __u64 key)
{
	__u32 zero = 0;
	void *inner = bpf_map_lookup_elem(outer, &zero);

	return inner && bpf_map_lookup_elem(inner, &key);
}
#endif

/* -p/-t/-u and the tool itself, from bpf_get_current_pid_tgid() and _uid_gid(). */
static __always_inline bool bct_filter_ids(__u64 pid_tgid, __u32 uid)
{
#ifndef BCT_FILTER_NOT_SELF
	if ((pid_tgid >> 32) == bct_self_tgid)
		return false;
#endif
#ifdef FILTER_TID
	if ((__u32)pid_tgid != FILTER_TID)
		return false;
#endif
#ifdef FILTER_PID
	if ((pid_tgid >> 32) != FILTER_PID)
		return false;
#endif
#ifdef FILTER_UID
	if (uid != FILTER_UID)
		return false;
#endif
	return true;
}

/* -n/-c: whether the command name (BCT_COMM_LEN bytes, NUL-terminated) contains the needle. */
static __always_inline bool bct_filter_comm(const char *comm)
{
#ifdef FILTER_COMM_LEN
	const __u64 needle[2] = { FILTER_COMM_LO, FILTER_COMM_HI };
	int i, j;

	for (i = 0; i + FILTER_COMM_LEN <= BCT_COMM_LEN; i++) {
		for (j = 0; j < FILTER_COMM_LEN; j++) {
			char c = (needle[j / 8] >> (8 * (j % 8))) & 0xff;

			if (comm[i + j] != c)
				break;
		}
		if (j == FILTER_COMM_LEN)
			return true;
		if (!comm[i])
			return false;
	}
	return false;
#else
	return true;
#endif
}

/* Whether any filter needs the command name (so a tool can skip reading it). */
#ifdef FILTER_COMM_LEN
#define BCT_FILTER_NEEDS_COMM 1
#else
#define BCT_FILTER_NEEDS_COMM 0
#endif

/* --cgroup, --cgroupmap, --mntnsmap for the running task. */
static __always_inline bool bct_filter_task(struct task_struct *task)
{
#ifdef FILTER_CGROUP
	if (bpf_current_task_under_cgroup(&cgroup_filter, 0) != 1)
		return false; /* 0: not under it; < 0: no cgroup set */
#endif
#ifdef FILTER_CGROUPMAP
	if (!bct_in_pinned(&cgroupmap, bpf_get_current_cgroup_id()))
		return false;
#endif
#ifdef FILTER_MNTNSMAP
	if (!bct_in_pinned(&mntnsmap, BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum)))
		return false;
#endif
	return true;
}

/* Every shared filter, for the running task. */
static __always_inline bool bct_filter_pass(void)
{
#if !defined(BCT_FILTER_NOT_SELF) || defined(FILTER_TID) || defined(FILTER_PID) || \
	defined(FILTER_UID)
#ifdef FILTER_UID
	__u32 uid = (__u32)bpf_get_current_uid_gid();
#else
	__u32 uid = 0; /* a helper call the compiler cannot drop, on every event: not made */
#endif

	if (!bct_filter_ids(bpf_get_current_pid_tgid(), uid))
		return false;
#endif
	if (BCT_FILTER_NEEDS_COMM) {
		char comm[BCT_COMM_LEN];

		bpf_get_current_comm(comm, sizeof(comm));
		if (!bct_filter_comm(comm))
			return false;
	}
#if defined(FILTER_CGROUP) || defined(FILTER_CGROUPMAP) || defined(FILTER_MNTNSMAP)
	return bct_filter_task(bpf_get_current_task_btf());
#else
	return true;
#endif
}

#endif
