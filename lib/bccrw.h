/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BCC's C dialect to libbpf C (bcctool run). A token-level rewrite: map macros and
 * BPF_TABLE("type", ...) become BTF map definitions (bpf-src/bcc_dialect.bpf.h), map.method(...)
 * becomes a helper call on the map, each probe function gets its SEC() from its name (kprobe__,
 * kretprobe__, tracepoint__, raw_tracepoint__, TRACEPOINT_PROBE, RAW_TRACEPOINT_PROBE) or from
 * -a, extra pt_regs parameters become PT_REGS_PARMn() reads, kernel #includes are dropped (the
 * types come from vmlinux.h) and each tracepoint's args struct is generated from its tracefs
 * format file.
 */
#ifndef BCT_BCCRW_H
#define BCT_BCCRW_H

#include <stdbool.h>
#include <stddef.h>

enum bct_rw_attach {
	BCT_RW_NONE, /* compiled, not attached */
	BCT_RW_KPROBE,
	BCT_RW_KRETPROBE,
	BCT_RW_TRACEPOINT,
	BCT_RW_RAW_TP,
	BCT_RW_UPROBE,
	BCT_RW_URETPROBE,
	BCT_RW_OTHER, /* fentry, lsm, ...: libbpf attaches by SEC() */
	BCT_RW_USDT, /* target "PATH:PROBE" or "PATH:PROVIDER:PROBE" */
};

/* -a FUNC=SPEC, given to the rewriter so it can give FUNC its SEC() */
struct bct_rw_spec {
	const char *func;
	enum bct_rw_attach kind;
	const char *target; /* kprobe: function; tracepoint: "cat:ev"; uprobe: "LIB:SYM"; USDT:
			     * "LIB:PROBE" or "LIB:PROVIDER:PROBE" */
};

struct bct_rw_map {
	char *name;
	char *kind; /* "hash", "array", "histogram", "perf_output", "ringbuf", ... */
	char *event_type; /* perf_output/ringbuf: "struct data_t" or a typedef name; or NULL */
	char *pin_path; /* BPF_TABLE_PINNED: the bpffs path it is shared at; or NULL */
};

struct bct_rw_func {
	char *name; /* the C function name */
	char *sec; /* its SEC() */
	enum bct_rw_attach kind;
	char *target; /* what it attaches to (see struct bct_rw_spec), or NULL */
	/* USDT: the file, each location's file offset, the semaphore's (0: none) */
	char *usdt_path;
	unsigned long long *usdt_offs;
	size_t nusdt;
	unsigned long long usdt_sema;
};

struct bct_rw {
	char *text; /* the rewritten program */
	size_t len;
	struct bct_rw_map *maps;
	size_t nmaps;
	struct bct_rw_func *funcs;
	size_t nfuncs;
	bool printk; /* calls bpf_trace_printk() */
};

/*
 * Rewrites src (len bytes) named name (for #line). On an error in the program returns -EINVAL
 * and writes a one-line message (BCC's wording where BCC has one) to err.
 */
int bct_rw_rewrite(const char *name, const char *src, size_t len, const struct bct_rw_spec *specs,
		   size_t nspecs, struct bct_rw *out, char *err, size_t err_sz);
void bct_rw_free(struct bct_rw *rw);

/*
 * The defines every BCC-dialect program is compiled with, describing this kernel
 * (BCT_NUM_CPUS, LINUX_VERSION_CODE, BCT_HAVE_SHORTNAME_STORE; BCT_TRACE_PIPE when printk goes to
 * the kernel's trace_pipe): added to defs from index n, their text in buf (128 bytes is enough),
 * defs NULL-terminated. Returns the new count.
 */
int bct_rw_kernel_defines(const char **defs, int n, bool trace_pipe, char *buf, size_t sz);

struct bpf_object;

/*
 * Before obj (compiled from rw) is loaded: each BPF_TABLE_PINNED map is given its path, its
 * directories created, so that the load reuses the map pinned there or creates and pins it.
 * Returns 0 or -errno, with the message in err.
 */
int bct_rw_pin_maps(const struct bct_rw *rw, struct bpf_object *obj, char *err, size_t err_sz);

#endif
