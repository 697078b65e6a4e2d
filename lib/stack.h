/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stack traces as BCC prints them: the stack map the BPF side fills (bpf-src/bct_stack.bpf.h),
 * kernel symbols from /proc/kallsyms, user symbols through elfutils' libdwfl (per process,
 * cached), and the two layouts BCC's profile and off-CPU tools share:
 *
 *   text:    one frame a line ("    func", kernel frames first, leaf first), an optional
 *            "    --" between kernel and user frames, then "    -                comm (pid)"
 *            and "        value" and an empty line
 *   folded:  "comm;user frames...;-;kernel frames... value", root first (flame graphs)
 *
 * plus one JSON object per stack. Addresses no symbol covers, and addresses of processes that
 * have exited, print as BCC's "[unknown]"; a stack the kernel could not record prints as
 * "[Missed Kernel Stack]" / "[Missed User Stack]" and is counted for the closing warning.
 */
#ifndef BCT_STACK_H
#define BCT_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* The most frames a stack map value holds (the kernel's default perf_event_max_stack). */
#define BCT_STACK_MAX_DEPTH 127

/* --- kernel symbols ----------------------------------------------------------------------- */

struct bct_ksym {
	uint64_t addr;
	const char *name;
};

struct bct_ksyms;

/*
 * Reads the text symbols of a kallsyms file (path NULL: /proc/kallsyms), sorted by address.
 * NULL with errno set on failure.
 */
struct bct_ksyms *bct_ksyms_load(const char *path);
/* The symbol covering addr (the last one at or below it), or NULL. */
const struct bct_ksym *bct_ksyms_find(const struct bct_ksyms *k, uint64_t addr);
/* "func", "func+0x1a" with offset, or "[unknown]", into buf; returns buf. */
const char *bct_ksyms_name(const struct bct_ksyms *k, uint64_t addr, bool offset, char *buf,
			   size_t sz);
size_t bct_ksyms_count(const struct bct_ksyms *k);
void bct_ksyms_free(struct bct_ksyms *k);

/* --- user symbols ------------------------------------------------------------------------- */

struct bct_usyms;

struct bct_usyms *bct_usyms_new(void);
/*
 * The function of addr in process pid ("main"), with "+0x1a" when offset; "[unknown]" when no
 * symbol covers it or the process is gone. Returns buf.
 */
const char *bct_usyms_name(struct bct_usyms *u, pid_t pid, uint64_t addr, bool offset, char *buf,
			   size_t sz);
/*
 * A frame as BCC's sym(show_module=True, show_offset=True) writes it, for the tools that print
 * stacks under each event (capable -K/-U): "func+0x1a [libc.so.6]" or "[unknown] [libc.so.6]"
 * in a process, "func+0x1a [kernel]" in the kernel (k), "[unknown]" where nothing is mapped.
 */
const char *bct_usyms_frame(struct bct_usyms *u, pid_t pid, uint64_t addr, char *buf, size_t sz);
const char *bct_ksyms_frame(const struct bct_ksyms *k, uint64_t addr, char *buf, size_t sz);
/* Drops what is cached for pid (it may have exec'd since: its mappings are another program's). */
void bct_usyms_forget(struct bct_usyms *u, pid_t pid);
void bct_usyms_free(struct bct_usyms *u);

/* --- stacks and their output -------------------------------------------------------------- */

/* Reads stack id of the stack map (frames leaf first). The number of frames, or -errno. */
int bct_stack_read(int map_fd, int32_t id, uint64_t *ips, size_t max);
/*
 * bct_stack_read() for a kernel stack, less the leading frames of the BPF program and tracing
 * glue that took it (a tracepoint's stack starts there): it starts in the traced code.
 */
int bct_stack_read_kernel(int map_fd, const struct bct_ksyms *k, int32_t id, uint64_t *ips,
			  size_t max);

struct bct_stack_fmt {
	bool user_only; /* -U: no kernel frames */
	bool kernel_only; /* -K: no user frames */
	bool delimited; /* -d: a separator between kernel and user frames */
	bool annotate; /* -a: "_[k]" after kernel frames */
	bool folded; /* -f */
	bool json;
	const char *value_key; /* the value's JSON key: "count", "total_us" */
	bool json_tid; /* JSON: the record's pid is a thread ID ("tid"), with "pid" = sym_pid */
	/* --svg FILE: every stack printed also goes into a flame graph, written by finish */
	const char *svg;
	const char *svg_title; /* "CPU Flame Graph" */
	const char *svg_unit; /* what the values count: "samples", "us" */
};

/* One aggregated stack: the map key's fields and its value. */
struct bct_stack_rec {
	const char *comm;
	uint32_t pid; /* printed in "comm (pid)" */
	uint32_t sym_pid; /* the process whose symbols the user frames are */
	int32_t user_id; /* stack ids, or -errno (EFAULT: none there, not missed) */
	int32_t kernel_id;
	uint64_t kernel_ip; /* prepended to the kernel frames when not 0 (profile) */
	uint64_t value;
};

struct bct_flame;
struct bct_stack_cache;

struct bct_stacks {
	struct bct_stack_fmt fmt;
	int map_fd; /* the BPF_MAP_TYPE_STACK_TRACE map */
	struct bct_ksyms *ksyms; /* loaded by bct_stacks_init() unless user_only */
	struct bct_usyms *usyms;
	uint64_t missing; /* stacks printed as missed */
	bool enomem; /* one was missed because the map was full (-ENOMEM) */
	bool eexist; /* one was missed because its bucket held another stack (-EEXIST) */
	struct bct_flame *flame; /* fmt.svg's */
	bool flame_err; /* a stack could not be added to it */
	/* what bct_stacks_print() has read and symbolized: each stack id read once, each
	 * address symbolized once */
	struct bct_stack_cache *cache;
};

/* 0 or -errno (logged). */
int bct_stacks_init(struct bct_stacks *s, const struct bct_stack_fmt *fmt, int map_fd);
/*
 * Reads, symbolizes and lays out the stacks of recs ahead (their values are not used), so
 * that the stop only prints: a tool calls it while it samples, with the records it has so far
 * (bct_stack_wait_prefetch()). Returns early on a stop signal; does nothing once printing
 * began. A process that maps or unmaps something afterwards is symbolized again at the print.
 */
void bct_stacks_prefetch(struct bct_stacks *s, const struct bct_stack_rec *recs, size_t n);
/* Sorts recs as BCC does: by value, smallest first (ties by pid, then stack ids). */
void bct_stacks_sort(struct bct_stack_rec *recs, size_t n);
/*
 * Prints one record in the chosen layout (and adds it to the flame graph of fmt.svg); prints
 * nothing once out has failed (its reader is gone; the flame graph still gets it).
 */
void bct_stacks_print(struct bct_stacks *s, FILE *out, const struct bct_stack_rec *r);
/* Writes fmt.svg's flame graph, if any: 0 or -errno (logged). */
int bct_stacks_finish(struct bct_stacks *s);
void bct_stacks_free(struct bct_stacks *s);

/* --- the stack tools' shared steps -------------------------------------------------------- */

/*
 * --svg FILE, the option every stack tool offers (long only), into a const char *: put
 * BCT_STACK_SVG_OPT(&env.svg) in the tool's option table, check the path with
 * bct_flame_check_path() (lib/flame.h) after parsing, and set bct_stack_fmt.svg.
 */
#define BCT_STACK_SVG_KEY 0x5356
#define BCT_STACK_SVG_OPT(dest)                                     \
	BCT_STRING(BCT_STACK_SVG_KEY, "svg", "FILE", dest,          \
		   "also write the stacks as an interactive flame " \
		   "graph to FILE (SVG)")

struct argp_state;
/*
 * BCC's positive_int / positive_nonzero_int argument types: "argument WHAT: must be an
 * integer", "must be positive", "must be nonzero" (argp_error(), exit 2).
 */
void bct_stack_arg_int(struct argp_state *state, const char *what, const char *arg, bool nonzero,
		       uint64_t max, uint64_t *out);
/* Waits until duration_ms (0: no limit) has passed or a stop signal came. */
void bct_stack_wait(uint64_t duration_ms);
/*
 * The same, calling prefetch(ctx) meanwhile: after 0.5 s, then at intervals doubling up to
 * 4 s (a tool reads the stacks it has so far and passes them to bct_stacks_prefetch()).
 */
void bct_stack_wait_prefetch(uint64_t duration_ms, void (*prefetch)(void *ctx), void *ctx);

#endif
