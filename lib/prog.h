/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tool's BPF program from source to attached links: compile (lib/compile.h), open with
 * libbpf, pick the first attach method per hook that this kernel offers, load, attach.
 *
 * Attach alternatives are declared, not hand-coded: each program's SEC() in bpf-src names its
 * kind and target ("fexit/do_sys_openat2", "kretprobe/do_sys_openat2",
 * "tracepoint/syscalls/sys_exit_openat", "tp_btf/block_rq_issue", "raw_tp/block_rq_issue").
 * A hook lists methods in order of preference; a method is a set of programs attached
 * together. The engine checks each program's kind and target against what the kernel offers,
 * takes the first method whose required programs are all available, disables autoload for
 * every other program of that hook, and reports every attempt when none works:
 *   opensnoop: cannot attach 'open syscalls': fexit: fentry/fexit not permitted by this kernel
 *   (EPERM); kprobe: kernel has no kprobes; tracepoint: no tracepoint syscalls:sys_exit_openat
 * (one line). What "available" means per kind is in lib/probe.h; BCCTOOL_DISABLE_ATTACH=
 * fentry,kprobe,tracepoint,tp_btf,raw_tp,uprobe,perf_event makes kinds unavailable (tests),
 * BCCTOOL_NO_RINGBUF=1 forces the perf-buffer transport.
 *
 * Programs named by no hook keep their autoload setting and are attached by
 * bct_prog__attach() when libbpf can tell where from SEC() alone.
 */
#ifndef BCT_PROG_H
#define BCT_PROG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <bpf/libbpf.h>

#include "opt.h"

struct bct_prog;

/*
 * One BPF program of a method: its function name and its SEC() exactly as bpf-src writes it
 * (after macro expansion). The declaration lets `bcctool check` answer without compiling;
 * bct_prog__load() refuses an object whose SEC() differs from it, so the two cannot drift.
 */
struct bct_prog_decl {
	const char *name; /* "tp_openat" */
	const char *sec; /* "tracepoint/syscalls/sys_exit_openat" */
};

/* One declaration: BCT_PROG("tp_openat", "tracepoint/syscalls/sys_exit_openat") */
#define BCT_PROG(name, sec) \
	{                   \
		name, sec   \
	}
/* A NULL-terminated array of declarations, usable in static initializers. */
#define BCT_PROGS(...) ((const struct bct_prog_decl[]){ __VA_ARGS__, { NULL, NULL } })

/* The syscall wrappers' names as kprobe and fentry targets: BCT_SYS(openat) */
#if defined(__x86_64__)
#define BCT_SYS(name) "__x64_sys_" #name
#elif defined(__aarch64__)
#define BCT_SYS(name) "__arm64_sys_" #name
#elif defined(__s390x__)
#define BCT_SYS(name) "__s390x_sys_" #name
#elif defined(__riscv)
#define BCT_SYS(name) "__riscv_sys_" #name
#else
#define BCT_SYS(name) "sys_" #name
#endif

struct bct_method {
	const char *name; /* shown in diagnostics: "fexit", "kprobe", "tracepoint" */
	const struct bct_prog_decl *progs; /* all required; terminated by { NULL } */
	const struct bct_prog_decl *optional_progs; /* attached if available; may be NULL */
	/*
	 * NULL when the method has BCC's meaning; else what changes, in a few words ("no
	 * AUDIT/INSETID column"): `bcctool check` prints it and the man page says it.
	 */
	const char *approx;
	/*
	 * NULL, or what the declarations cannot show: a kernel behaviour seen only at run time
	 * (a counter the kernel keeps). False with the reason in why when it is missing.
	 */
	bool (*usable)(char *why, size_t why_sz);
};

struct bct_hook {
	const char *name; /* "open syscalls", "block I/O completion" */
	const struct bct_method *methods; /* terminated by an entry with name == NULL */
	bool optional; /* none available: one warning line, not a failure */
};

/*
 * Whether every required program of m can attach here, from the declarations alone (probed
 * for real, lib/probe.h); else false and the first reason in why.
 */
bool bct_method_available(const struct bct_method *m, char *why, size_t why_sz);
/* The first available method of h, or NULL with every attempt and why in tried. */
const struct bct_method *bct_hook_choose(const struct bct_hook *h, char *tried, size_t tried_sz);

struct bct_prog_opts {
	const char *src_name; /* "opensnoop.bpf.c" */
	const struct bct_common *common; /* --ebpf, --debug, --no-cache */
	const struct bct_hook *hooks; /* terminated by an entry with name == NULL */
};

struct bct_prog *bct_prog__new(const struct bct_prog_opts *opts);
/* Adds -D NAME=VALUE (printf-style value; fmt NULL for a bare -D NAME). */
int bct_prog__define(struct bct_prog *p, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* --ebpf: prints the defines and source to out. */
int bct_prog__print_source(struct bct_prog *p, FILE *out);
/*
 * Checks privileges (one clear message when missing), adds the engine's defines
 * (BCT_HAVE_RINGBUF when the kernel has ring buffers), compiles (cache), opens, chooses one
 * method per hook, loads. Logs its own failures: no method for a hook (every attempt and why),
 * verifier rejections and CO-RE relocation failures, explained (lib/verifier.h).
 * --debug bits: 0x2 BPF instructions + verifier log, 0x10 verifier log level 2, 0x20 libbpf
 * debug messages; each on stderr under a "=== tool: stage ===" header.
 */
int bct_prog__load(struct bct_prog *p);
/*
 * For `cache warm`: from now on, bct_prog__load() only compiles (filling the cache with exactly
 * the object the run would load; no privileges needed), sets *result to BCT_WARM_COMPILED or
 * BCT_WARM_CACHED, and returns -ECANCELED without logging.
 */
enum { BCT_WARM_COMPILED = 1, BCT_WARM_CACHED = 2, BCT_WARM_FAILED = 3 /* the compile failed */ };
void bct_prog_compile_only(int *result);
/*
 * For `check --load-all` (every method through the verifier, attachable here or not): from now
 * on, bct_prog__load() compiles every program for real (no stubs for the attach kinds this
 * kernel lacks), then loads, on its own, each method of each hook with exactly that method's
 * programs (required and optional), and the programs outside any hook together; reports each
 * load through fn, detaches nothing (nothing is attached) and returns -ECANCELED.
 * A load that fails is REJECTED when the verifier refused a program (its error line in
 * detail), or when the method is the one this kernel would use; else UNLOADABLE_HERE (the
 * kernel lacks the program type, the attach target or a field: why in detail).
 */
enum bct_verify_status { BCT_VERIFY_LOADED, BCT_VERIFY_REJECTED, BCT_VERIFY_UNLOADABLE };
struct bct_verify_result {
	const char *hook; /* "" for the programs outside any hook */
	const char *method; /* "" likewise */
	enum bct_verify_status status;
	const char *prog; /* the program that failed, "" when loaded */
	const char *detail; /* why it failed, "" when loaded */
};
typedef void (*bct_verify_fn)(const struct bct_verify_result *r, void *ctx);
void bct_prog_verify_all(bct_verify_fn fn, void *ctx);
/*
 * Attaches the chosen programs of every hook, and every other loaded program whose SEC() tells
 * libbpf where to attach (programs it cannot auto-attach, e.g. SEC("perf_event") or a bare
 * SEC("uprobe"), are left for the tool: attach them with libbpf and hand the link over with
 * bct_prog__add_link(); so are a hook's bare SEC("uprobe")/SEC("uretprobe") programs,
 * lib/uprobe.h).
 */
int bct_prog__attach(struct bct_prog *p);
/* Takes ownership of a link the tool attached itself; destroyed by bct_prog__destroy(). */
int bct_prog__add_link(struct bct_prog *p, struct bpf_link *link);
struct bpf_object *bct_prog__object(const struct bct_prog *p);
/* fd of a map by name, or -ENOENT. */
int bct_prog__map_fd(const struct bct_prog *p, const char *name);
/*
 * Sets a `const volatile __u32` global of the program's .rodata at load time (before
 * bct_prog__load()), e.g. bct_self_tgid: a value that must not change the compiled object.
 * A program without that variable ignores it. 0 or -E2BIG (at most four).
 */
int bct_prog__set_const(struct bct_prog *p, const char *name, uint32_t value);
/*
 * Sets the max_entries of the program's map at load time (before bct_prog__load()), so that a
 * size the user chooses (a ring's -b) does not change the compiled object. A program without
 * that map ignores it. 0 or -E2BIG (at most four).
 */
int bct_prog__set_map_size(struct bct_prog *p, const char *map, uint32_t max_entries);
/*
 * Runs of the loaded programs the kernel skipped (another BPF program was running on the same
 * CPU: recursion misses) plus the program's own count of what it could not record (the
 * per-CPU "lost_events" of bct_common.bpf.h: events not reserved, map updates refused).
 */
uint64_t bct_prog__missed(const struct bct_prog *p);
/* Name of the method chosen for a hook ("tracepoint"), NULL before load or if none. */
const char *bct_prog__method(const struct bct_prog *p, const char *hook_name);
/* The options the program was created with (a copy). */
const struct bct_common *bct_prog__common(const struct bct_prog *p);
/* Detaches every link, closes the object; accepts NULL. */
void bct_prog__destroy(struct bct_prog *p);
/*
 * Stores the kernel types of a program loaded without them now, not in bct_prog__destroy():
 * for a tool that sleeps while it traces and prints when it stops (profile), so its exit does
 * not wait for it.
 */
void bct_prog__store_core(struct bct_prog *p);

#endif
