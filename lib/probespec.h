/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Probe specifications as BCC's generic tools take them (funccount, stackcount, funclatency,
 * funcslower, funcinterval, trace, argdist), and their resolution into attach targets.
 *
 *   [TYPE:][LIB:]PATTERN        TYPE is one letter, e.g. p, r, t, u
 *
 *   vfs_read                   kernel function (no type, no LIB: type p)
 *   c:malloc                   user function malloc of libc (LIB:FUNC: type p)
 *   p:/bin/bash:readline       user function of a file; "p::vfs_read" a kernel function
 *   r:c:malloc                 the same probe on return
 *   t:sched:sched_switch       tracepoint CAT:EV (the pattern covers the whole "CAT:EV")
 *   u:/usr/bin/python3:gc__*   USDT probes by name (provider ignored); with
 *                              BCT_PS_USDT_PROVIDER, "u:LIB:PROV:NAME" names the provider too
 *
 * Parsing only splits the text (bct_probespec_parse); which types a tool accepts, and its
 * wording of the errors, are the tool's. Resolution (bct_probespec_resolve) turns a spec into
 * the list of things to attach: tracepoints from tracefs, functions from the ELF symbols of the
 * library (lib/elfsym.h), USDT probes from its notes (lib/usdt.h; semaphores as the uprobe's
 * ref_ctr_offset, so no PID is needed). Patterns are BCC's globs ('*' is ".*", the whole
 * anchored; other regex characters stay live) or, with BCT_PS_REGEX, POSIX extended regexes
 * matched at the start. Kernel functions need kprobes: see bct_probespec_resolve().
 *
 * Nothing here prints; errors are -errno.
 */
#ifndef BCT_PROBESPEC_H
#define BCT_PROBESPEC_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Flags of bct_probespec_parse() and bct_probespec_resolve(). */
#define BCT_PS_REGEX 0x1 /* PATTERN is a regex (BCC's -r), not a glob */
#define BCT_PS_EXACT 0x2 /* PATTERN is one exact name (funcslower, trace): no glob */
#define BCT_PS_USDT_PROVIDER 0x4 /* "u:LIB:PROV:NAME" allowed (trace) */

/* A parsed spec: the text split, nothing looked up. */
struct bct_probespec {
	char type; /* 'p' when none given; else the letter as written (not checked) */
	bool typed; /* the text had a TYPE part (3 or 4 parts) */
	int nparts; /* ':'-separated parts of the text: 1 to 4 */
	char lib[PATH_MAX]; /* LIB as written; "" for kernel functions and tracepoints */
	char provider[128]; /* u:LIB:PROV:NAME only; else "" */
	char pattern[1024]; /* FUNC or PROBE pattern; "CAT:EV" for t: */
};

/*
 * Splits text into spec. 0; -EINVAL when the type part is not one letter (spec->type is then
 * its first character, or '\0' when empty); -E2BIG when it has more ':'-separated parts than
 * allowed (3, or 4 for u: with BCT_PS_USDT_PROVIDER); -ENAMETOOLONG.
 */
int bct_probespec_parse(const char *text, unsigned flags, struct bct_probespec *spec);

/* True when the spec names a kernel function (type p or r without LIB). */
bool bct_probespec_is_kernel(const struct bct_probespec *spec);

enum bct_target_kind {
	BCT_TARGET_TRACEPOINT,
	BCT_TARGET_UPROBE, /* .ret: uretprobe */
	BCT_TARGET_USDT, /* a uprobe at a USDT location, with ref_ctr_offset */
};

/* One thing to attach. */
struct bct_target {
	enum bct_target_kind kind;
	bool ret; /* return probe (type r) */
	char *name; /* function, USDT probe name, or "CAT:EV" */
	const char *path; /* uprobes, USDT: the file (points into bct_targets.path) */
	uint64_t off; /* uprobes, USDT: file offset */
	uint64_t ref_ctr; /* USDT: the semaphore's file offset; 0 when none */
	char *provider; /* USDT: its provider; else NULL */
	char *category, *event; /* tracepoints: "sched", "sched_switch"; else NULL */
	uint32_t slot; /* 0..nslots-1: targets of one name share a slot (USDT locations) */
};

/* The resolution of one spec. */
struct bct_targets {
	struct bct_target *t; /* sorted: tracepoints by name, functions in ELF order */
	size_t n;
	uint32_t nslots; /* distinct names */
	char path[PATH_MAX]; /* the resolved LIB; "" for tracepoints */
	char regex[1040]; /* the regex the pattern became, as BCC shows it ("^demo_.*$") */
};

/*
 * A library or binary as BCC's tools resolve LIB: a name with '/' is a path (it must exist);
 * with pid > 0, the first file mapped by PID whose name contains "/libLIB." or "/libLIB-";
 * then the dynamic linker's cache; then an executable of that name on $PATH ("bash").
 * 0 with the path in buf; -ENOENT.
 */
int bct_probespec_find_lib(const char *lib, pid_t pid, char *buf, size_t sz);

/*
 * Resolves spec into out (zeroed first; free with bct_targets_free() whatever the result).
 * Functions are deduplicated by name and by address; USDT probes match on their name (and
 * provider when given); every location is a target. 0 with out->n possibly 0 (no match: the
 * caller says so with out->regex). Errors: -EINVAL a bad regex or a type other than p, r, t,
 * u; -ENOENT LIB not found (out->path empty); -EOPNOTSUPP a kernel function (kprobes are not
 * implemented: see bct_probespec_kernel_hint()); -errno reading tracefs or the ELF file.
 * pid (> 0) only helps find LIB.
 */
int bct_probespec_resolve(const struct bct_probespec *spec, unsigned flags, pid_t pid,
			  struct bct_targets *out);
void bct_targets_free(struct bct_targets *out);

/* A compiled pattern, for tools that match names themselves. */
struct bct_pattern;
/* 0 with *p (free with bct_pattern_free); -EINVAL bad regex; -ENOMEM. regex may be NULL. */
int bct_pattern_compile(const char *pattern, unsigned flags, struct bct_pattern **p, char *regex,
			size_t regex_sz);
bool bct_pattern_match(const struct bct_pattern *p, const char *name);
void bct_pattern_free(struct bct_pattern *p);

/*
 * For a kernel-function spec on a kernel without kprobes: the first tracepoint "CAT:EV" whose
 * EV matches the spec's pattern (e.g. "vfs_read" → nothing, "sched_switch" → "sched:sched_switch",
 * "sys_enter_open*" → "syscalls:sys_enter_open"). 0 with it in buf; -ENOENT none; -errno.
 */
int bct_probespec_kernel_hint(const struct bct_probespec *spec, unsigned flags, char *buf,
			      size_t sz);

/*
 * Attaches prog to target t with cookie as its attach cookie: a tracepoint; else a uprobe at
 * t->off of t->path (a uretprobe when ret), for process pid only when pid > 0, with USDT
 * semaphores as ref_ctr_offset. The link joins p's (detached with it). 0, or -errno with one
 * line on stderr naming the target.
 */
struct bct_prog;
struct bpf_program;
/*
 * Starts opening the perf events of m's tracepoints in a thread (while the program compiles
 * and loads); bct_target_attach() then attaches each to the one opened ahead, and
 * bct_targets_free(m) closes those never used. One m per process; m must not move.
 */
void bct_targets_open_ahead(const struct bct_targets *m);
int bct_target_attach(struct bct_prog *p, struct bpf_program *prog, const struct bct_target *t,
		      bool ret, pid_t pid, uint64_t cookie);

/* Calls fn for every tracepoint "CAT:EV" of tracefs, sorted; stops at fn's first nonzero. */
int bct_for_each_tracepoint(int (*fn)(const char *name, void *ctx), void *ctx);

/*
 * The hooks of a tool that runs one program per kind of probe spec (funccount, stackcount,
 * funcinterval, trace, argdist): TP_PROG on tracepoints, UP_PROG on uprobes, TP_WHAT and UP_WHAT
 * naming what each hook covers in `bcctool check`. Defines static tp_hooks[] and uprobe_hooks[]
 * (needs lib/prog.h).
 */
#define BCT_PROBESPEC_HOOKS(tp_prog, tp_what, up_prog, up_what)                                \
	static const struct bct_method tp_methods[] = {                                        \
		{ .name = "tracepoint", .progs = BCT_PROGS(BCT_PROG(tp_prog, "tracepoint")) }, \
		{ NULL },                                                                      \
	};                                                                                     \
	static const struct bct_method uprobe_methods[] = {                                    \
		{ .name = "uprobe", .progs = BCT_PROGS(BCT_PROG(up_prog, "uprobe")) },         \
		{ NULL },                                                                      \
	};                                                                                     \
	static const struct bct_hook tp_hooks[] = {                                            \
		{ tp_what, tp_methods, false },                                                \
		{ NULL, NULL, false },                                                         \
	};                                                                                     \
	static const struct bct_hook uprobe_hooks[] = {                                        \
		{ up_what, uprobe_methods, false },                                            \
		{ NULL, NULL, false },                                                         \
	}

#endif
