/* SPDX-License-Identifier: Apache-2.0 */
/*
 * syscount: what bpf-src/syscount.bpf.c and cmd/syscount.c share. The counts are struct
 * bct_hist (bpf-src/bct_hist.bpf.h) by a __u32 key: the syscall number (a per-CPU array), or
 * the process ID under -P (a hash). Its SYSCOUNT_SLOTS slots are no histogram: under -P they hold the process's
 * command name (its main thread's, SYSCOUNT_COMM_LEN bytes); total is the time spent in the
 * calls in ns (-L), count the number of calls.
 */
#ifndef SYSCOUNT_H
#define SYSCOUNT_H

#define SYSCOUNT_COMM_LEN 16
#define SYSCOUNT_SLOTS 2 /* SYSCOUNT_COMM_LEN bytes */
#define SYSCOUNT_MAX_KEYS 10240
#define SYSCOUNT_MAX_NR 1024 /* syscall numbers counted by number: 0 .. this - 1 */

#endif
