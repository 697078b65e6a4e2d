/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What this kernel offers: attach types, BPF features, targets. Every predicate is probed for
 * real (a tiny program loaded, and attached where loading does not tell; a tracefs or sysfs
 * file looked up) the first time it is asked, and the answer is cached for the life of the
 * process and, after bct_probe_memo_load(), for the boot. Nothing here prints except pr_debug.
 *
 * BCCTOOL_DISABLE_ATTACH=fentry,kprobe,tracepoint,tp_btf,raw_tp,uprobe,perf_event makes the
 * named attach kinds unavailable (tests of the method fallback).
 */
#ifndef BCT_PROBE_H
#define BCT_PROBE_H

#include <stdbool.h>
#include <stddef.h>

/* An attach kind, as named by the SEC() prefix of a BPF program. */
enum bct_attach_kind {
	BCT_ATTACH_OTHER, /* any other SEC(): assumed available */
	BCT_ATTACH_FENTRY, /* fentry/, fexit/, fmod_ret/ */
	BCT_ATTACH_KPROBE, /* kprobe/, kretprobe/, ksyscall/, kretsyscall/ */
	BCT_ATTACH_TRACEPOINT, /* tracepoint/CAT/NAME, tp/CAT/NAME */
	BCT_ATTACH_TP_BTF, /* tp_btf/NAME */
	BCT_ATTACH_RAW_TP, /* raw_tp/NAME, raw_tracepoint/NAME (and .w variants) */
	BCT_ATTACH_UPROBE, /* uprobe, uretprobe, usdt */
	BCT_ATTACH_PERF_EVENT, /* perf_event */
	BCT_ATTACH__COUNT,
};

/* A parsed SEC() name. */
struct bct_sec {
	enum bct_attach_kind kind;
	bool ret; /* fexit, kretprobe, uretprobe, kretsyscall */
	char target[128]; /* "do_sys_openat2", "syscalls/sys_enter_openat", "" when none */
};

/* Parses "fexit/do_sys_openat2" etc. Returns 0, or -EINVAL for an empty or absurd name. */
int bct_sec_parse(const char *sec, struct bct_sec *out);
/* "fentry", "kprobe", "tracepoint", "tp_btf", "raw_tp", "uprobe", "perf_event", "other". */
const char *bct_attach_kind_name(enum bct_attach_kind kind);

/*
 * Whether a program with this SEC() can be loaded and attached here. Returns true, or false
 * with a short reason in why ("kernel has no kprobes", "no tracepoint syscalls:sys_exit_openat",
 * "fentry/fexit not permitted by this kernel (EPERM)", "disabled by BCCTOOL_DISABLE_ATTACH").
 */
bool bct_sec_available(const struct bct_sec *sec, char *why, size_t why_sz);

/* Kind-level availability (no target), with the same kind of reason. */
bool bct_attach_kind_available(enum bct_attach_kind kind, char *why, size_t why_sz);
/* The same, whatever BCCTOOL_DISABLE_ATTACH says: what the kernel offers. */
bool bct_attach_kind_supported(enum bct_attach_kind kind, char *why, size_t why_sz);
/* Whether BCCTOOL_DISABLE_ATTACH names this kind. */
bool bct_attach_disabled(enum bct_attach_kind kind);
/* The method of this name is listed in BCCTOOL_DISABLE_ATTACH (a word that is no kind). */
bool bct_method_disabled(const char *name);

/*
 * Probes that load a tiny program (fentry also attaches it: a load can succeed where the
 * attach cannot; tracepoints are not attached, closing one costs RCU grace periods, so their
 * probe checks the tracepoint PMU and tracefs ids instead): 0 or -errno (cached).
 */
int bct_probe_fentry(void);
int bct_probe_tp_btf(void);
int bct_probe_raw_tp(void);
int bct_probe_tracepoint(void);
int bct_probe_perf_event(void);

bool bct_has_kprobes(void); /* kprobe PMU or tracefs kprobe_events */
bool bct_has_uprobes(void); /* uprobe PMU or tracefs uprobe_events */
bool bct_has_ringbuf(void); /* BPF_MAP_TYPE_RINGBUF */
bool bct_has_btf(void); /* /sys/kernel/btf/vmlinux */
/*
 * Frees the vmlinux BTF the predicates parsed (~10 MB), so that it is not held while libbpf
 * parses its own copy at load; a later predicate parses it again.
 */
void bct_probe_release(void);

/*
 * The per-boot memo: kind-level answers and vmlinux BTF look-ups kept in the cache directory
 * (DIR/kernels/boot-<boot id>.probes, lib/cache.h), so that a tool started again in the same
 * boot probes nothing and parses no BTF. Valid for the boot (the file name), bcctool's
 * version, the kernel's release and build, and the caller's uid and capabilities.
 * bct_probe_memo_load() makes the predicates answer from it (without that call, as for
 * bcctool --info, everything is probed for real); bct_probe_memo_save() writes what was
 * probed since; bct_probe_memo_drop() removes it when a load or attach failed after answers
 * from it (a kernel setting changed during the boot), so that the next run probes again.
 */
void bct_probe_memo_load(void);
void bct_probe_memo_save(void);
/* Whether answers came from a memo file. */
bool bct_probe_memo_used(void);
void bct_probe_memo_drop(void);

/* func is traceable by ftrace (fentry, kprobe): listed in available_filter_functions. */
bool bct_func_traceable(const char *func);
/* func is a BTF FUNC in vmlinux BTF. */
bool bct_btf_func_exists(const char *func);
/* union name is in vmlinux BTF (memoized: no 5 MB BTF parse once answered). */
bool bct_btf_union_exists(const char *name);
bool bct_btf_struct_exists(const char *name);
/* struct strct has a member named member (memoized as the above). */
bool bct_btf_member_exists(const char *strct, const char *member);
/* The scheduler's run queue stamps can be read (bpf-src/bct_runq.bpf.h); else why. */
bool bct_sched_info_kept(char *why, size_t why_sz);
/* tracefs has events/<category>/<event> (mounts tracefs when needed). */
bool bct_tracepoint_exists(const char *category, const char *event);
/* vmlinux BTF has the btf_trace_<name> typedef, i.e. tp_btf/<name> can attach. */
bool bct_btf_tracepoint_exists(const char *name);

/* "none", "integrity", "confidentiality", or NULL when securityfs does not say. */
const char *bct_lockdown(void);
/* Effective root, CAP_SYS_ADMIN, or CAP_BPF+CAP_PERFMON. */
bool bct_has_bpf_privileges(void);

#endif
