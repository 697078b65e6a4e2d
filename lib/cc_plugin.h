/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The C ABI of bcctool-cc.so, the clang/LLVM plugin (lib/compile.cc, the only C++ file).
 * lib/compile.c dlopen()s it in a short-lived child process and calls bct_cc_compile() once
 * per process: the caller decides everything (cc1 arguments, the in-memory files, where a PCH
 * goes), the plugin only runs clang and LLVM's BPF backend.
 */
#ifndef BCT_CC_PLUGIN_H
#define BCT_CC_PLUGIN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever struct bct_cc_req or the meaning of a field changes. */
#define BCT_CC_ABI 2
#define BCT_CC_SYMBOL "bct_cc_compile"

/* The only files clang sees: an in-memory file system, nothing from the real one. */
struct bct_cc_file {
	const char *path; /* absolute, e.g. "/virtual/bcctool/opensnoop.bpf.c" */
	const char *text; /* len bytes, NUL-terminated (text[len] == '\0') */
	size_t len;
};

enum bct_cc_action {
	BCT_CC_OBJ, /* compile input to an ELF object returned in memory */
	BCT_CC_PCH, /* precompile the header input to the real file pch_out */
};

struct bct_cc_req {
	unsigned int abi; /* BCT_CC_ABI */
	enum bct_cc_action action;
	const char *input; /* path of the main file, one of files[] */
	const struct bct_cc_file *files;
	size_t nfiles;
	const char *const *args; /* clang -cc1 arguments, no input, no -o; NULL-terminated */
	const char *pch_out; /* BCT_CC_PCH: output path (written through a temporary file) */
	const char *pch_in; /* BCT_CC_OBJ: a PCH (real file) to load with -include-pch, or NULL */
	unsigned int debug; /* BCT_DEBUG_* bits (lib/opt.h): 0x1 IR, 0x4 preprocessor, 0x8 asm */
	/* Messages (enum bct_log_level, no trailing newline); compiler diagnostics go to stderr. */
	void (*log)(int level, const char *msg);
	/*
	 * BCT_CC_OBJ, may be NULL: non-zero for the section of a function that is to be
	 * compiled as "return 0" (before optimisation; its debug info and section are kept).
	 */
	int (*stub)(const char *section);
	unsigned int flags; /* BCT_CC_* below */
};

/*
 * Debug info for every type the program mentions, as clang makes it, rather than only for
 * those it needs (lib/compile.cc: same BTF, ~25 ms less): the fallback if that ever fails.
 */
#define BCT_CC_FULL_DEBUG_INFO 0x1

/*
 * Runs one compile. BCT_CC_OBJ: on success *obj is malloc()ed ELF bytes (the caller frees).
 * Returns 0, -EINVAL when the source does not compile (diagnostics already on stderr),
 * -ESTALE when pch_in is corrupt or from another clang, -EAGAIN when it does not fit the
 * arguments (both: nothing printed, compile again without it), or another -errno.
 */
int bct_cc_compile(const struct bct_cc_req *req, void **obj, size_t *obj_sz);
typedef int (*bct_cc_compile_fn)(const struct bct_cc_req *req, void **obj, size_t *obj_sz);

#ifdef __cplusplus
}
#endif

#endif
