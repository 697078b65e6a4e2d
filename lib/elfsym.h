/* SPDX-License-Identifier: Apache-2.0 */
/*
 * User-space symbols for uprobes: where a function lives in an ELF file, and which file a
 * library name means, as BCC takes them.
 *
 *   bct_elf_lib_path("c")          the libc the dynamic linker would load
 *                                  (/lib/x86_64-linux-gnu/libc.so.6)
 *   bct_elf_lib_path("/bin/bash")  a path, as given
 *   bct_elf_sym_offset(path, "readline", &off)
 *                                  the file offset uprobes take (not the virtual address):
 *                                  executables, PIE and shared objects alike
 *
 * Names are looked up in .symtab and .dynsym; "name@VERSION" or "name@@VERSION" asks for one
 * version of a versioned symbol, a bare name takes the default version.
 */
#ifndef BCT_ELFSYM_H
#define BCT_ELFSYM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The file of a library named as BCC's name= takes it: a name with a '/' is a path; else
 * "NAME" (or "libNAME", "libNAME.so...") is looked up in the dynamic linker's cache
 * (`ldconfig -p`, this architecture's entries) and then in the standard directories.
 * 0 with the path in buf, -ENOENT when not found, -ENAMETOOLONG.
 */
int bct_elf_lib_path(const char *name, char *buf, size_t sz);

/*
 * The file offset of function sym in the ELF file at path. 0 with *off set; -ENOENT when the
 * file has no such defined function; -ENOEXEC when it is not an ELF file; -errno when it
 * cannot be read.
 */
int bct_elf_sym_offset(const char *path, const char *sym, uint64_t *off);
/* The same on an ELF image in memory (libelf may rewrite it in place: pass a private copy). */
int bct_elf_sym_offset_mem(void *image, size_t sz, const char *sym, uint64_t *off);
/*
 * The link-time address (st_value) of the defined symbol named exactly sym, of any type (a
 * variable too), from .symtab, else .dynsym. 0 with *addr set; -ENOENT, -ENOEXEC, -errno as
 * above.
 */
int bct_elf_sym_vaddr(const char *path, const char *sym, uint64_t *addr);

/*
 * Calls fn(name, file offset, ctx) for every defined function (STT_FUNC and STT_GNU_IFUNC) of
 * the ELF file at path, .symtab first, then .dynsym (so a name or an offset may come twice).
 * Stops at fn's first nonzero return and returns it; else 0. -ENOEXEC, -errno as above.
 */
int bct_elf_for_each_func(const char *path, int (*fn)(const char *name, uint64_t off, void *ctx),
			  void *ctx);

/*
 * The reverse: the function of the ELF file at path whose code holds file offset off (its
 * start, up to its size; a symbol without a size only at its start), from .symtab, else
 * .dynsym. 0 with its name in name (cut to fit) and *delta the offset into it (may be NULL);
 * -ENOENT when no function holds off; -ENOEXEC, -errno as above.
 */
int bct_elf_sym_at(const char *path, uint64_t off, char *name, size_t sz, uint64_t *delta);
/* The same on an ELF image in memory, as bct_elf_sym_offset_mem(). */
int bct_elf_sym_at_mem(void *image, size_t sz, uint64_t off, char *name, size_t name_sz,
		       uint64_t *delta);

/*
 * The function at virtual address addr of process pid: the file mapped there
 * (/proc/PID/maps, opened through /proc/PID/root), then bct_elf_sym_at(). 0 with the name
 * (and *delta, may be NULL); -ESRCH when the process is gone, -ENOENT when nothing mapped from
 * a file holds addr or the file has no function there; -errno.
 */
int bct_proc_sym(pid_t pid, uint64_t addr, char *name, size_t sz, uint64_t *delta);

#endif
