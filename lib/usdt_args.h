/* SPDX-License-Identifier: Apache-2.0 */
/*
 * USDT probes of a process or a file, their argument readers generated as BPF C, and their
 * attachment (one uprobe per location, semaphores through the uprobe reference counter).
 *
 * The readers are defines of the program (so a run that finds the same probes hits the compile
 * cache): for a probe given the id ENTRY, BCT_USDT_ENTRY_NARGS and BCT_USDT_ENTRY_ARG1 ...
 * are expressions of type __s64 in the BPF program's `ctx` (struct pt_regs *): registers,
 * memory operands read from user memory (0 when the read fails), constants; a probe with
 * several locations picks its location from the low 32 bits of the attach cookie, which
 * bct_usdt_attach() sets. A value narrower than 8 bytes is sign- or zero-extended as its
 * specification says ("-4@" signed, "4@" unsigned).
 */
#ifndef BCT_USDT_ARGS_H
#define BCT_USDT_ARGS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "usdt.h"

struct bct_prog;

/* Every location of one probe name in one file. */
struct bct_usdt_match {
	char path[PATH_MAX]; /* the binary or library holding the probe */
	struct bct_usdt_probe *locs; /* copies; free with bct_usdt_match_free() */
	size_t n;
};

/*
 * The locations of the probe `name` (any provider) in path, or, when path is NULL, in the
 * first file mapped by pid that has one. 0; -ENOENT when there is none (m->n == 0); -errno
 * when pid's mappings cannot be read.
 */
int bct_usdt_find(pid_t pid, const char *path, const char *name, struct bct_usdt_match *m);
void bct_usdt_match_free(struct bct_usdt_match *m);

/*
 * Defines BCT_USDT_<id>_NARGS and BCT_USDT_<id>_ARG<n> for the probe (id: an identifier).
 * 0; -EINVAL when an argument cannot be expressed (an operand naming a symbol the file does
 * not define), or its locations disagree on the number of arguments.
 */
int bct_usdt_define_args(struct bct_prog *p, const char *id, const struct bct_usdt_match *m);
/*
 * An operand naming a symbol ("8@sym+8(%rip)": a global variable) made relative to the probe:
 * *out is a, with the symbol's address (from path's symbol table) turned into a displacement
 * from the probe's address, which is ctx->ip when the uprobe fires (executables, PIE and shared
 * libraries alike). Other operands are copied. 0; -ENOENT when path does not define the
 * symbol; -ENOEXEC, -errno when it cannot be read; -EINVAL for a symbol not relative to ip.
 */
int bct_usdt_resolve_arg(const char *path, const struct bct_usdt_probe *loc,
			 const struct bct_usdt_arg *a, struct bct_usdt_arg *out);
/* The link-time address of the symbol name defined in the ELF file at path: bct_elf_sym_vaddr(). */
int bct_usdt_sym_addr(const char *path, const char *name, uint64_t *addr);
/*
 * The C expression of one argument at one location (for --ebpf and tests); 0 or -EINVAL (an
 * operand naming a symbol: resolve it first).
 */
int bct_usdt_arg_expr(const struct bct_usdt_arg *a, char *buf, size_t sz);

/*
 * Attaches the program prog to every location (only in pid when pid > 0), with the cookie
 * (tag << 32) | location. 0 or -errno after one error line; -ESRCH without a line when process
 * pid exited meanwhile (a caller scanning processes skips it; one given by the user says so).
 */
int bct_usdt_attach(struct bct_prog *p, const char *prog, pid_t pid, const struct bct_usdt_match *m,
		    uint32_t tag);

#endif
