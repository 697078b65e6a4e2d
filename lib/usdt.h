/* SPDX-License-Identifier: Apache-2.0 */
/*
 * USDT probes (SystemTap's <sys/sdt.h> notes): where they are in an ELF file, their
 * semaphores, and their argument specifications decoded for x86-64 and arm64.
 *
 * A note of section .note.stapsdt (type 3, owner "stapsdt") holds the probe's address, the
 * link-time address of .stapsdt.base, its semaphore's address (0: none), then "provider",
 * "name" and the arguments, e.g. "-4@%r15d 8@%rbx 8@-24(%rbp) -4@$5 8@sym+8(%rip)". A probe
 * name can have several locations (one note each).
 */
#ifndef BCT_USDT_H
#define BCT_USDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BCT_USDT_MAX_ARGS 12

enum bct_usdt_arg_kind {
	BCT_USDT_CONST, /* value */
	BCT_USDT_REG, /* base */
	BCT_USDT_MEM, /* *(base + value + index * scale), or *(&ident + value) with base "ip" */
};

struct bct_usdt_arg {
	enum bct_usdt_arg_kind kind;
	int size; /* bytes: 1, 2, 4 or 8 */
	bool is_signed;
	long long value; /* the constant, or the memory operand's displacement */
	char base
		[8]; /* register, as BCC names it: "ax", "r12", "ip" (x86-64); "x3", "sp" (arm64) */
	char index[8]; /* "" when none */
	int scale; /* with index: 1, 2, 4 or 8 */
	char ident[64]; /* "sym" of "sym+8(%rip)"; "" when none */
};

enum bct_usdt_arch { BCT_USDT_X86_64, BCT_USDT_ARM64 };

/*
 * Decodes an argument string into at most max args. The number of arguments (0 for an empty
 * string), or -EINVAL on text it cannot read (an argument it does not know is not skipped).
 */
int bct_usdt_parse_args(enum bct_usdt_arch arch, const char *text, struct bct_usdt_arg *args,
			int max);
/* The operand as BCC's tplist -vv shows it: "bx", "5", "*(bp - 24)", "*(&sym + 8)". */
const char *bct_usdt_arg_str(const struct bct_usdt_arg *a, char *buf, size_t sz);

struct bct_usdt_probe {
	char *provider, *name, *args_text;
	uint64_t addr; /* the probe's address in the file's link-time address space */
	uint64_t offset; /* its file offset, as uprobes take it */
	uint64_t sema; /* the semaphore's address; 0 when the probe has none */
	uint64_t sema_offset; /* its file offset (the uprobe's ref_ctr_offset) */
	int nargs; /* -1: the arguments could not be decoded */
	struct bct_usdt_arg args[BCT_USDT_MAX_ARGS];
};

/*
 * Every USDT note of the ELF file at path, in file order. 0 with *probes (NULL when none)
 * and *n; -ENOEXEC when it is not an ELF file; -errno when it cannot be read.
 */
int bct_usdt_read(const char *path, struct bct_usdt_probe **probes, size_t *n);
/* The same from an ELF image in memory (fuzzing, tests). */
int bct_usdt_read_mem(const void *image, size_t size, struct bct_usdt_probe **probes, size_t *n);
void bct_usdt_free(struct bct_usdt_probe *probes, size_t n);

#endif
