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
	const char *const *defines; /* "NAME" or "NAME=VALUE", NULL-terminated; may be NULL */
	unsigned int debug; /* BCT_DEBUG_* bits (lib/opt.h) */
	bool no_cache; /* compile even on a cache hit (result still stored) */
};

/*
 * Compiles (or fetches from the cache) the object. On success *obj is malloc'd ELF bytes that
 * the caller frees. Returns 0 or -errno; logs its own failures (compiler diagnostics included).
 */
int bct_compile(const struct bct_compile_opts *opts, void **obj, size_t *obj_sz);

/* Writes the text --ebpf prints: one "#define NAME VALUE" per define, then the source. */
int bct_compile_print_source(const struct bct_compile_opts *opts, FILE *out);

#endif
