/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BCC's C dialect on vmlinux.h and libbpf (bcctool run, lib/bccrw.c). Included first by every
 * rewritten program, after the engine's prelude (vmlinux.h, libbpf's headers). The rewriter
 * turns `map.method(args)` into `bct_m_method(map, args)` and BPF_TABLE("type", ...) into
 * BCT_TABLE_type(...); everything else here is plain macros.
 */
#ifndef BCC_DIALECT_BPF_H
#define BCC_DIALECT_BPF_H

/* What BCC defines on its compiler's command line. */
#ifndef __BPF_TRACING__
#define __BPF_TRACING__ 1
#endif
#define KBUILD_MODNAME "bcc"
#define CONFIG_CC_IS_CLANG 1

/* ---- annotations and small kernel macros that BTF lacks ---------------------------------- */
#define __user
#define __kernel
#define __force
#define __iomem
#define __rcu
#define __percpu
#define __must_check
#ifndef __packed
#define __packed __attribute__((packed))
#endif
#ifndef __aligned
#define __aligned(x) __attribute__((aligned(x)))
#endif
#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#ifndef barrier
#define barrier() asm volatile("" ::: "memory")
#endif
#ifndef READ_ONCE
#define READ_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#endif
#ifndef min
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#endif
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#ifndef NULL
#define NULL ((void *)0)
#endif
#define div_u64(a, b) ((u64)(a) / (u64)(b))

/* Byte order (little-endian hosts; bpf_endian.h picks per target). */
#define ntohs(x) bpf_ntohs(x)
#define htons(x) bpf_htons(x)
#define ntohl(x) bpf_ntohl(x)
#define htonl(x) bpf_htonl(x)
#define be16_to_cpu(x) bpf_ntohs(x)
#define be32_to_cpu(x) bpf_ntohl(x)
#define be64_to_cpu(x) bpf_be64_to_cpu(x)
#define cpu_to_be16(x) bpf_htons(x)
#define cpu_to_be32(x) bpf_htonl(x)

/* ABI constants (uapi). */
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_EXCL 0200
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_DIRECTORY 0200000
#define O_TMPFILE 020200000
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISLNK(m) (((m)&S_IFMT) == S_IFLNK)
#define S_ISREG(m) (((m)&S_IFMT) == S_IFREG)
#define S_ISDIR(m) (((m)&S_IFMT) == S_IFDIR)
#define S_ISCHR(m) (((m)&S_IFMT) == S_IFCHR)
#define S_ISBLK(m) (((m)&S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m)&S_IFMT) == S_IFSOCK)
#define NAME_MAX 255
#define PATH_MAX 4096
#define SCM_RIGHTS 1
#define EPERM 1
#define ENOENT 2
#define EINTR 4
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EINVAL 22
#define EPROTONOSUPPORT 93
#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL
#define USEC_PER_SEC 1000000ULL
#define USEC_PER_MSEC 1000ULL
#define MSEC_PER_SEC 1000ULL

/* Kernel-internal constants (stable since 4.x). */
#define TASK_RUNNING 0
#define TASK_INTERRUPTIBLE 1
#define TASK_UNINTERRUPTIBLE 2
#define PF_KTHREAD 0x00200000
#define FMODE_CREATED 0x100000
#define REQ_OP_BITS 8
#define REQ_OP_MASK ((1 << REQ_OP_BITS) - 1)
#ifndef PAGE_SHIFT
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#endif
#define PAGE_OFFSET 0xff00000000000000ULL

/* The kernel's inline helpers on a struct sk_buff (linux/skbuff.h), on the program's copy */
#define skb_rx_queue_recorded(skb) ((skb)->queue_mapping != 0)
#define skb_get_rx_queue(skb) ((u16)((skb)->queue_mapping - 1))
#define skb_get_queue_mapping(skb) ((skb)->queue_mapping)

/* Sizes taken from the kernel's own types (bcctool run defines the BCT_HAVE_ ones from BTF). */
#ifdef BCT_HAVE_SHORTNAME_STORE
#define DNAME_INLINE_LEN sizeof(union shortname_store)
#else
#define DNAME_INLINE_LEN sizeof(((struct dentry *)0)->d_iname)
#endif
#define DISK_NAME_LEN sizeof(((struct gendisk *)0)->disk_name)
#define IFNAMSIZ 16 /* uapi: fixed, and #if tests it */

#ifndef PT_REGS_PARM6
#if defined(__TARGET_ARCH_x86)
#define PT_REGS_PARM6(x) (((struct pt_regs *)(x))->r9)
#elif defined(__TARGET_ARCH_arm64)
#define PT_REGS_PARM6(x) (((struct user_pt_regs *)(x))->regs[5])
#endif
#endif

/* struct sock and inet_sock field aliases (macros in the kernel's headers). */
#define sk_node __sk_common.skc_node
#define sk_nulls_node __sk_common.skc_nulls_node
#define sk_refcnt __sk_common.skc_refcnt
#define sk_hash __sk_common.skc_hash
#define sk_portpair __sk_common.skc_portpair
#define sk_num __sk_common.skc_num
#define sk_dport __sk_common.skc_dport
#define sk_addrpair __sk_common.skc_addrpair
#define sk_daddr __sk_common.skc_daddr
#define sk_rcv_saddr __sk_common.skc_rcv_saddr
#define sk_family __sk_common.skc_family
#define sk_state __sk_common.skc_state
#define sk_reuse __sk_common.skc_reuse
#define sk_reuseport __sk_common.skc_reuseport
#define sk_ipv6only __sk_common.skc_ipv6only
#define sk_net_refcnt __sk_common.skc_net_refcnt
#define sk_bound_dev_if __sk_common.skc_bound_dev_if
#define sk_prot __sk_common.skc_prot
#define sk_net __sk_common.skc_net
#define sk_v6_daddr __sk_common.skc_v6_daddr
#define sk_v6_rcv_saddr __sk_common.skc_v6_rcv_saddr
#define sk_cookie __sk_common.skc_cookie
#define inet_daddr sk.__sk_common.skc_daddr
#define inet_rcv_saddr sk.__sk_common.skc_rcv_saddr
#define inet_dport sk.__sk_common.skc_dport
#define inet_num sk.__sk_common.skc_num

/* Kernel inline functions. */
#define sg_is_chain(sg) ((sg)->page_link & 0x01UL)
#define sg_is_last(sg) ((sg)->page_link & 0x02UL)
#define sg_chain_ptr(sg) ((struct scatterlist *)((sg)->page_link & ~0x03UL))
#define tcp_sk(sk) ((struct tcp_sock *)(sk))
#define inet_sk(sk) ((struct inet_sock *)(sk))
#define inet_csk(sk) ((struct inet_connection_sock *)(sk))
#define TCP_SKB_CB(skb) ((struct tcp_skb_cb *)&((skb)->cb[0]))

/*
 * an implicit dereference (lib/bccrw.c): the value of e, read with the legacy probe read; an
 * array member is not read, its address is the value (as the array decays in C)
 */
#define BCT_PR(e)                                                                              \
	({                                                                                     \
		__typeof__(((void)0, (e))) ___t;                                               \
		if (__builtin_types_compatible_p(__typeof__(e), __typeof__(((void)0, (e))))) { \
			bpf_probe_read((void *)&___t, sizeof(___t), (const void *)&(e));       \
		} else {                                                                       \
			const void *___a = &(e);                                               \
			__builtin_memcpy(&___t, &___a,                                         \
					 sizeof(___a) < sizeof(___t) ? sizeof(___a)            \
								     : sizeof(___t));          \
		}                                                                              \
		___t;                                                                          \
	})
/* *(a), a an address computed from a kernel pointer (*(&p->f - 2)): read with a probe read */
#define BCT_PRD(a)                                                              \
	({                                                                      \
		__typeof__(*(a)) ___d;                                          \
		bpf_probe_read((void *)&___d, sizeof(___d), (const void *)(a)); \
		___d;                                                           \
	})

/* ---- builtins ------------------------------------------------------------------------------ */
#define lock_xadd(ptr, val) ((void)__sync_fetch_and_add(ptr, val))
#define bpf_num_cpus() BCT_NUM_CPUS

static __always_inline unsigned int bpf_log2(unsigned int v)
{
	unsigned int r, shift;

	r = (v > 0xFFFF) << 4;
	v >>= r;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (v >> 1);
	return r;
}

/* floor(log2(v)) + 1, and 1 for 0 (BCC's bucket numbering) */
static __always_inline unsigned int bpf_log2l(unsigned long v)
{
	unsigned int hi = v >> 32;

	if (hi)
		return bpf_log2(hi) + 32 + 1;
	return bpf_log2(v) + 1;
}

/* __data_loc fields of a TRACEPOINT_PROBE's args */
#define TP_DATA_LOC_READ_CONST(dst, field, length)     \
	bpf_probe_read_kernel((void *)(dst), (length), \
			      (char *)args + (args->data_loc_##field & 0xFFFF))
#define TP_DATA_LOC_READ(dst, field)                                         \
	bpf_probe_read_kernel((void *)(dst), (args->data_loc_##field >> 16), \
			      (char *)args + (args->data_loc_##field & 0xFFFF))
#define TP_DATA_LOC_READ_STR(dst, field, length)           \
	bpf_probe_read_kernel_str((void *)(dst), (length), \
				  (char *)args + (args->data_loc_##field & 0xFFFF))

/*
 * bpf_trace_printk(fmt, args...): by default the message goes to bcctool run's own ring buffer
 * (bct_printk_ring), formatted by bpf_snprintf(); with -DBCT_TRACE_PIPE (--trace-pipe) to the
 * kernel's trace_pipe, as BCC does.
 */
#ifdef BCT_TRACE_PIPE
#define bpf_trace_printk(fmt, ...)                                   \
	({                                                           \
		char _fmt[] = fmt;                                   \
		bpf_trace_printk(_fmt, sizeof(_fmt), ##__VA_ARGS__); \
	})
#else
#define BCT_PRINTK_LEN 256
struct bct_printk_rec {
	__u64 ts;
	__u32 pid;
	__u32 cpu;
	char comm[16];
	char msg[BCT_PRINTK_LEN];
};
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} bct_printk_ring SEC(".maps");
#define bpf_trace_printk(fmt, args...)                                                      \
	({                                                                                  \
		static const char ___fmt[] = fmt;                                           \
		unsigned long long ___param[___bpf_narg(args)];                             \
		struct bct_printk_rec *___r;                                                \
		long ___n = -1;                                                             \
		_Pragma("GCC diagnostic push")                                              \
			_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")              \
				___bpf_fill(___param, args);                                \
		_Pragma("GCC diagnostic pop") ___r =                                        \
			bpf_ringbuf_reserve(&bct_printk_ring, sizeof(*___r), 0);            \
		if (___r) {                                                                 \
			___r->ts = bpf_ktime_get_ns();                                      \
			___r->pid = bpf_get_current_pid_tgid();                             \
			___r->cpu = bpf_get_smp_processor_id();                             \
			bpf_get_current_comm(___r->comm, sizeof(___r->comm));               \
			___n = bpf_snprintf(___r->msg, sizeof(___r->msg), ___fmt, ___param, \
					    sizeof(___param));                              \
			bpf_ringbuf_submit(___r, 0);                                        \
		}                                                                           \
		___n;                                                                       \
	})
#endif

/* ---- maps ---------------------------------------------------------------------------------- */
#define BCT_CAT_(a, b) a##b
#define BCT_CAT(a, b) BCT_CAT_(a, b)
#define BCT_NARGS_(_1, _2, _3, _4, _5, _6, N, ...) N
#define BCT_NARGS(...) BCT_NARGS_(__VA_ARGS__, 6, 5, 4, 3, 2, 1, 0)
#define BCT_STR_(x) #x
#define BCT_STR(x) BCT_STR_(x)
/* a map's BPF_MAP_TYPE_*, a compile-time constant */
#define BCT_MAP_TYPE(m) (sizeof(*(m).type) / sizeof(int))

#define BCT_MAP_KV(t, K, V, n, N, fl)   \
	struct {                        \
		__uint(type, t);        \
		__type(key, K);         \
		__type(value, V);       \
		__uint(max_entries, N); \
		__uint(map_flags, fl);  \
	} n SEC(".maps")
#define BCT_MAP_SZ(t, ks, vs, n, N)     \
	struct {                        \
		__uint(type, t);        \
		__uint(key_size, ks);   \
		__uint(value_size, vs); \
		__uint(max_entries, N); \
	} n SEC(".maps")

#define BCT_F_TABLE_hash(K, V, n, N, f) BCT_MAP_KV(BPF_MAP_TYPE_HASH, K, V, n, N, f)
#define BCT_F_TABLE_array(K, V, n, N, f) BCT_MAP_KV(BPF_MAP_TYPE_ARRAY, K, V, n, N, f)
#define BCT_F_TABLE_percpu_hash(K, V, n, N, f) BCT_MAP_KV(BPF_MAP_TYPE_PERCPU_HASH, K, V, n, N, f)
#define BCT_F_TABLE_percpu_array(K, V, n, N, f) BCT_MAP_KV(BPF_MAP_TYPE_PERCPU_ARRAY, K, V, n, N, f)
#define BCT_F_TABLE_lru_hash(K, V, n, N, f) BCT_MAP_KV(BPF_MAP_TYPE_LRU_HASH, K, V, n, N, f)
#define BCT_F_TABLE_lru_percpu_hash(K, V, n, N, f) \
	BCT_MAP_KV(BPF_MAP_TYPE_LRU_PERCPU_HASH, K, V, n, N, f)
#define BCT_F_TABLE_lpm_trie(K, V, n, N, f) BCT_MAP_KV(BPF_MAP_TYPE_LPM_TRIE, K, V, n, N, f)
#define BCT_F_TABLE_histogram(K, V, n, N, f)                                                      \
	_Static_assert(__builtin_types_compatible_p(V, u64), "histogram leaf type must be u64");  \
	BCT_MAP_KV(__builtin_types_compatible_p(K, int) ? BPF_MAP_TYPE_ARRAY : BPF_MAP_TYPE_HASH, \
		   K, V, n, N, f)
#define BCT_F_TABLE_stacktrace(K, V, n, N, f) \
	BCT_MAP_SZ(BPF_MAP_TYPE_STACK_TRACE, sizeof(K), sizeof(V), n, N)
#define BCT_F_TABLE_perf_output(K, V, n, N, f) \
	BCT_MAP_SZ(BPF_MAP_TYPE_PERF_EVENT_ARRAY, sizeof(int), sizeof(u32), n, 0)
#define BCT_F_TABLE_perf_array(K, V, n, N, f) \
	BCT_MAP_SZ(BPF_MAP_TYPE_PERF_EVENT_ARRAY, sizeof(int), sizeof(u32), n, N)
#define BCT_F_TABLE_prog(K, V, n, N, f) \
	BCT_MAP_SZ(BPF_MAP_TYPE_PROG_ARRAY, sizeof(u32), sizeof(u32), n, N)
#define BCT_F_TABLE_cgroup_array(K, V, n, N, f) \
	BCT_MAP_SZ(BPF_MAP_TYPE_CGROUP_ARRAY, sizeof(u32), sizeof(u32), n, N)
#define BCT_F_TABLE_queue(K, V, n, N, f)          \
	struct {                                  \
		__uint(type, BPF_MAP_TYPE_QUEUE); \
		__type(value, V);                 \
		__uint(max_entries, N);           \
		__uint(map_flags, f);             \
	} n SEC(".maps")
#define BCT_F_TABLE_stack(K, V, n, N, f)          \
	struct {                                  \
		__uint(type, BPF_MAP_TYPE_STACK); \
		__type(value, V);                 \
		__uint(max_entries, N);           \
		__uint(map_flags, f);             \
	} n SEC(".maps")
#define BCT_TABLE_(type, K, V, n, N) BCT_F_TABLE_##type(K, V, n, N, 0)

#define BCT_TABLE_hash(K, V, n, N) BCT_TABLE_(hash, K, V, n, N)
#define BCT_TABLE_array(K, V, n, N) BCT_TABLE_(array, K, V, n, N)
#define BCT_TABLE_percpu_hash(K, V, n, N) BCT_TABLE_(percpu_hash, K, V, n, N)
#define BCT_TABLE_percpu_array(K, V, n, N) BCT_TABLE_(percpu_array, K, V, n, N)
#define BCT_TABLE_lru_hash(K, V, n, N) BCT_TABLE_(lru_hash, K, V, n, N)
#define BCT_TABLE_lru_percpu_hash(K, V, n, N) BCT_TABLE_(lru_percpu_hash, K, V, n, N)
#define BCT_TABLE_lpm_trie(K, V, n, N) BCT_F_TABLE_lpm_trie(K, V, n, N, BPF_F_NO_PREALLOC)
#define BCT_TABLE_histogram(K, V, n, N) BCT_TABLE_(histogram, K, V, n, N)
#define BCT_TABLE_stacktrace(K, V, n, N) BCT_TABLE_(stacktrace, K, V, n, N)
#define BCT_TABLE_perf_output(K, V, n, N) BCT_TABLE_(perf_output, K, V, n, N)
#define BCT_TABLE_perf_array(K, V, n, N) BCT_TABLE_(perf_array, K, V, n, N)
#define BCT_TABLE_prog(K, V, n, N) BCT_TABLE_(prog, K, V, n, N)
#define BCT_TABLE_cgroup_array(K, V, n, N) BCT_TABLE_(cgroup_array, K, V, n, N)
#define BCT_TABLE_queue(K, V, n, N) BCT_TABLE_(queue, K, V, n, N)
#define BCT_TABLE_stack(K, V, n, N) BCT_TABLE_(stack, K, V, n, N)

#define BPF_HASH1(n) BCT_TABLE_hash(u64, u64, n, 10240)
#define BPF_HASH2(n, K) BCT_TABLE_hash(K, u64, n, 10240)
#define BPF_HASH3(n, K, V) BCT_TABLE_hash(K, V, n, 10240)
#define BPF_HASH4(n, K, V, N) BCT_TABLE_hash(K, V, n, N)
#define BPF_HASH(...) BCT_CAT(BPF_HASH, BCT_NARGS(__VA_ARGS__))(__VA_ARGS__)
#define BPF_PERCPU_HASH1(n) BCT_TABLE_percpu_hash(u64, u64, n, 10240)
#define BPF_PERCPU_HASH2(n, K) BCT_TABLE_percpu_hash(K, u64, n, 10240)
#define BPF_PERCPU_HASH3(n, K, V) BCT_TABLE_percpu_hash(K, V, n, 10240)
#define BPF_PERCPU_HASH4(n, K, V, N) BCT_TABLE_percpu_hash(K, V, n, N)
#define BPF_PERCPU_HASH(...) BCT_CAT(BPF_PERCPU_HASH, BCT_NARGS(__VA_ARGS__))(__VA_ARGS__)
#define BPF_ARRAY1(n) BCT_TABLE_array(int, u64, n, 10240)
#define BPF_ARRAY2(n, V) BCT_TABLE_array(int, V, n, 10240)
#define BPF_ARRAY3(n, V, N) BCT_TABLE_array(int, V, n, N)
#define BPF_ARRAY(...) BCT_CAT(BPF_ARRAY, BCT_NARGS(__VA_ARGS__))(__VA_ARGS__)
#define BPF_PERCPU_ARRAY1(n) BCT_TABLE_percpu_array(int, u64, n, 10240)
#define BPF_PERCPU_ARRAY2(n, V) BCT_TABLE_percpu_array(int, V, n, 10240)
#define BPF_PERCPU_ARRAY3(n, V, N) BCT_TABLE_percpu_array(int, V, n, N)
#define BPF_PERCPU_ARRAY(...) BCT_CAT(BPF_PERCPU_ARRAY, BCT_NARGS(__VA_ARGS__))(__VA_ARGS__)
#define BPF_HISTOGRAM1(n) BCT_TABLE_histogram(int, u64, n, 64)
#define BPF_HISTOGRAM2(n, K) BCT_TABLE_histogram(K, u64, n, 64)
#define BPF_HISTOGRAM3(n, K, N) BCT_TABLE_histogram(K, u64, n, N)
#define BPF_HISTOGRAM(...) BCT_CAT(BPF_HISTOGRAM, BCT_NARGS(__VA_ARGS__))(__VA_ARGS__)
#define BPF_LPM_TRIE1(n) BCT_TABLE_lpm_trie(u64, u64, n, 10240)
#define BPF_LPM_TRIE2(n, K) BCT_TABLE_lpm_trie(K, u64, n, 10240)
#define BPF_LPM_TRIE3(n, K, V) BCT_TABLE_lpm_trie(K, V, n, 10240)
#define BPF_LPM_TRIE4(n, K, V, N) BCT_TABLE_lpm_trie(K, V, n, N)
#define BPF_LPM_TRIE(...) BCT_CAT(BPF_LPM_TRIE, BCT_NARGS(__VA_ARGS__))(__VA_ARGS__)
#define BPF_PERF_OUTPUT(n) BCT_TABLE_perf_output(int, u32, n, 0)
#define BPF_RINGBUF_OUTPUT(n, pages)                \
	struct {                                    \
		__uint(type, BPF_MAP_TYPE_RINGBUF); \
		__uint(max_entries, (pages)*4096);  \
	} n SEC(".maps")
#define BPF_PERF_ARRAY(n, N) BCT_TABLE_perf_array(int, u32, n, N)
#define BPF_CGROUP_ARRAY(n, N) BCT_TABLE_cgroup_array(int, u32, n, N)
#define BPF_PROG_ARRAY(n, N) BCT_TABLE_prog(int, u32, n, N)
#define BPF_STACK_TRACE(n, N) BCT_TABLE_stacktrace(int, u64[127], n, N)
#define BPF_QUEUE3(n, V, N) BCT_F_TABLE_queue(int, V, n, N, 0)
#define BPF_QUEUE4(n, V, N, f) BCT_F_TABLE_queue(int, V, n, N, f)
#define BPF_QUEUE(...) BCT_CAT(BPF_QUEUE, BCT_NARGS(__VA_ARGS__))(__VA_ARGS__)
#define BPF_STACK3(n, V, N) BCT_F_TABLE_stack(int, V, n, N, 0)
#define BPF_STACK4(n, V, N, f) BCT_F_TABLE_stack(int, V, n, N, f)
#define BPF_STACK(...) BCT_CAT(BPF_STACK, BCT_NARGS(__VA_ARGS__))(__VA_ARGS__)

/* ---- map methods (the rewriter writes map.m(a) as bct_m_m(map, a)) ------------------------ */
#define bct_m_lookup(m, k) ((__typeof__((m).value))bpf_map_lookup_elem(&(m), k))
#define bct_m_update(m, k, v) bpf_map_update_elem(&(m), k, v, BPF_ANY)
#define bct_m_insert(m, k, v) bpf_map_update_elem(&(m), k, v, BPF_NOEXIST)
#define bct_m_delete(m, k) bpf_map_delete_elem(&(m), k)
#define bct_m_lookup_or_try_init(m, k, init)                               \
	({                                                                 \
		__typeof__((m).value) ___v = bpf_map_lookup_elem(&(m), k); \
		if (!___v) {                                               \
			bpf_map_update_elem(&(m), k, init, BPF_NOEXIST);   \
			___v = bpf_map_lookup_elem(&(m), k);               \
		}                                                          \
		___v;                                                      \
	})
#define bct_m_lookup_or_init(m, k, init)                                           \
	({                                                                         \
		__typeof__((m).value) ___v = bct_m_lookup_or_try_init(m, k, init); \
		if (!___v)                                                         \
			return 0;                                                  \
		___v;                                                              \
	})
#define bct_m_inc_(m, atomic, k, n, ...)                                       \
	({                                                                     \
		__typeof__(*(m).key) ___k = (k);                               \
		__typeof__((m).value) ___v = bpf_map_lookup_elem(&(m), &___k); \
		if (___v) {                                                    \
			if (atomic)                                            \
				__sync_fetch_and_add(___v, (n));               \
			else                                                   \
				*___v += (n);                                  \
		} else if (BCT_MAP_TYPE(m) == BPF_MAP_TYPE_HASH) {             \
			__typeof__(*(m).value) ___z = (n);                     \
			bpf_map_update_elem(&(m), &___k, &___z, BPF_NOEXIST);  \
		}                                                              \
	})
#define bct_m_increment(m, ...) bct_m_inc_(m, 0, __VA_ARGS__, 1, ~)
#define bct_m_atomic_increment(m, ...) bct_m_inc_(m, 1, __VA_ARGS__, 1, ~)
#define bct_m_perf_submit(m, ctx, d, sz) bpf_perf_event_output(ctx, &(m), BPF_F_CURRENT_CPU, d, sz)
#define bct_m_perf_submit_skb(m, ctx, len, d, sz) \
	bpf_perf_event_output(ctx, &(m), ((__u64)(len) << 32) | BPF_F_CURRENT_CPU, d, sz)
#define bct_m_ringbuf_output(m, d, sz, fl) bpf_ringbuf_output(&(m), d, sz, fl)
#define bct_m_ringbuf_reserve(m, sz) bpf_ringbuf_reserve(&(m), sz, 0)
#define bct_m_ringbuf_submit(m, p, fl) bpf_ringbuf_submit(p, fl)
#define bct_m_ringbuf_discard(m, p, fl) bpf_ringbuf_discard(p, fl)
#define bct_m_ringbuf_query(m, fl) bpf_ringbuf_query(&(m), fl)
#define bct_m_get_stackid(m, ctx, fl)                                            \
	({                                                                       \
		_Static_assert(BCT_MAP_TYPE(m) == BPF_MAP_TYPE_STACK_TRACE,      \
			       "get_stackid only available on stacktrace maps"); \
		bpf_get_stackid(ctx, &(m), fl);                                  \
	})
#define bct_m_call(m, ctx, idx) bpf_tail_call(ctx, &(m), idx)
#define bct_m_perf_read(m, i) bpf_perf_event_read(&(m), i)
#define bct_m_perf_counter_value(m, i, buf, sz) bpf_perf_event_read_value(&(m), i, buf, sz)
#define bct_m_check_current_task(m, i) bpf_current_task_under_cgroup(&(m), i)
#define bct_m_push(m, v, fl) bpf_map_push_elem(&(m), v, fl)
#define bct_m_pop(m, v) bpf_map_pop_elem(&(m), v)
#define bct_m_peek(m, v) bpf_map_peek_elem(&(m), v)

/* ---- probe macros -------------------------------------------------------------------------- */
#ifdef BCT_NO_FENTRY
/* no fentry on this kernel (the rewriter says so): a kprobe, its parameters from the registers */
#define KFUNC_PROBE(f, ...) SEC("kprobe/" #f) int BPF_KPROBE(kfunc__vmlinux__##f, ##__VA_ARGS__)
#else
#define KFUNC_PROBE(f, ...) SEC("fentry/" #f) int BPF_PROG(kfunc__vmlinux__##f, ##__VA_ARGS__)
#endif
#define KRETFUNC_PROBE(f, ...) SEC("fexit/" #f) int BPF_PROG(kretfunc__vmlinux__##f, ##__VA_ARGS__)
#define MODULE_KFUNC_PROBE(mod, f, ...) \
	SEC("fentry/" #f) int BPF_PROG(kfunc__##mod##__##f, ##__VA_ARGS__)
#define MODULE_KRETFUNC_PROBE(mod, f, ...) \
	SEC("fexit/" #f) int BPF_PROG(kretfunc__##mod##__##f, ##__VA_ARGS__)
#define LSM_PROBE(h, ...) SEC("lsm/" #h) int BPF_PROG(lsm__##h, ##__VA_ARGS__)
#define KMOD_RET(f, ...) SEC("fmod_ret/" #f) int BPF_PROG(kmod_ret__##f, ##__VA_ARGS__)

#endif
