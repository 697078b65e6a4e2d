/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bcctool run: a BPF_STACK_TRACE map of the user's program printed at exit, each stack
 * symbolized (kernel frames from /proc/kallsyms; user frames in the process of -p, else their
 * addresses).
 */
#ifndef BCT_RUNSTACK_H
#define BCT_RUNSTACK_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * Text: "NAME:", then per stack id (ascending) "stack ID:" and one "    frame" line per frame,
 * leaf first, and an empty line. JSON: {"map":NAME,"stack_id":ID,"frames":[...]} per stack.
 * Returns 0 or -errno.
 */
int bct_run_print_stacks(FILE *out, const char *name, int fd, pid_t pid, bool json);

#endif
