/* SPDX-License-Identifier: Apache-2.0 */
/*
 * System call numbers and names of the architecture bcctool is built for, and errno names.
 *
 * The table is generated at build time (scripts/gen-syscalls.sh) from the installed kernel
 * UAPI header <asm/unistd.h> of the build's target, so it follows the kernel headers and the
 * architecture without a hand-kept list: every __NR_name there is a row. Errno names come from
 * glibc (strerrorname_np()).
 */
#ifndef BCT_SYSCALLS_H
#define BCT_SYSCALLS_H

#include <stddef.h>

struct bct_syscall {
	int nr;
	const char *name;
};

/* The table, sorted by number; *n its length. */
const struct bct_syscall *bct_syscalls(size_t *n);
/* The name of syscall nr, or NULL when this architecture has none of that number. */
const char *bct_syscall_name(long nr);
/* The number of the syscall called name, or -1. */
int bct_syscall_nr(const char *name);

/*
 * An errno value from a number ("2", "-2": its absolute value) or a name ("ENOENT", and the
 * aliases EWOULDBLOCK, EDEADLOCK, ENOTSUP); -1 when it is neither.
 */
int bct_errno_parse(const char *s);
/* The name of errno value e ("ENOENT"), or NULL. */
const char *bct_errno_name(int e);

#endif
