/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Source to BPF object: -D defines + embedded source -> (cache) -> clang/LLVM -> ELF bytes.
 * The compiler itself lives in bcctool-cc.so, loaded only in a short-lived child process,
 * so the calling process never maps LLVM (and LLVM 19's BPF backend, which breaks on a second
 * CO-RE compile in one process, only ever compiles once per process).
 */
#ifndef BCT_COMPILE_H
#define BCT_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct bct_compile_opts {
	const char *src_name; /* embedded file name, e.g. "opensnoop.bpf.c" */
	const char *src_path; /* or a file on disk (bcctool __compile); its directory's headers
				 come first, then the embedded ones */
	/*
	 * When not NULL: the program's text (src_len bytes, NUL-terminated), used instead of
	 * reading src_path or the embedded src_name, which then only name it and (src_path) give
	 * the directory its quoted includes come from (bcctool run: the rewritten program).
	 */
	const char *src_text;
	size_t src_len;
	/* -I directories (NULL-terminated; may be NULL): their headers are read from disk */
	const char *const *include_dirs;
	const char *const *defines; /* "NAME" or "NAME=VALUE", NULL-terminated; may be NULL */
	unsigned int debug; /* BCT_DEBUG_* bits (lib/opt.h) */
	bool no_cache; /* compile even on a cache hit (result still stored) */
	/*
	 * Programs of these attach kinds (bits 1 << enum bct_attach_kind, lib/probe.h) are
	 * compiled as "return 0": the kernel cannot run them, so they are never loaded, and
	 * optimising and emitting them is most of a compile. They keep their SEC() and BTF, so
	 * the method choice sees and explains them as before. Part of the cache key.
	 */
	unsigned int stub_kinds;
	unsigned char *key_out; /* when not NULL: receives the cache key (BCT_HASH_SIZE bytes) */
	bool *hit_out; /* when not NULL: set to whether the object came from the cache */
};

/*
 * The virtual directory clang sees: every embedded file, vmlinux.h from the running kernel's
 * BTF, and libbpf's headers under bpf/, so "vmlinux.h", <bpf/bpf_helpers.h> and
 * "bct_common.bpf.h" all resolve. Nothing comes from /usr/include. Every program is compiled
 * as if it started with #include of vmlinux.h and libbpf's five BPF headers (they are
 * precompiled once per kernel), for target bpfel with -O2 -g (BTF, CO-RE) and
 * -D__TARGET_ARCH_<arch>.
 */
#define BCT_VDIR "/virtual/bcctool"

/*
 * Compiles (or fetches from the cache) the object. On success *obj is malloc'd ELF bytes that
 * the caller frees. Returns 0 or -errno; logs its own failures (compiler diagnostics included).
 */
int bct_compile(const struct bct_compile_opts *opts, void **obj, size_t *obj_sz);

/*
 * Reaps a compiler process that already sent its object, if it has exited (it is otherwise
 * reaped before the next compile, or at exit). Call it after the work that overlaps its exit.
 */
void bct_compile_reap(void);

/*
 * The cache key of a compile (hex, BCT_HASH_HEX bytes): a hash of the source, every header it
 * includes, the defines and compiler arguments, the kernel BTF, bcctool's and LLVM's versions.
 */
int bct_compile_key(const struct bct_compile_opts *opts, char *hex, size_t sz);

/* Writes the text --ebpf prints: one "#define NAME VALUE" per define, then the source. */
int bct_compile_print_source(const struct bct_compile_opts *opts, FILE *out);

#endif
