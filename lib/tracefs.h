/* SPDX-License-Identifier: Apache-2.0 */
/* Finding (and if need be mounting) tracefs. */
#ifndef BCT_TRACEFS_H
#define BCT_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The tracefs directory: /sys/kernel/tracing, else /sys/kernel/debug/tracing; when neither
 * is mounted, mounts tracefs at /sys/kernel/tracing (as perf does). BCCTOOL_TRACEFS
 * overrides the path (tests). Returns NULL with errno set when none can be had.
 */
const char *bct_tracefs_dir(void);
/* Like bct_tracefs_dir() but never mounts anything. */
const char *bct_tracefs_find(void);
/* Writes "<tracefs>/<name>" into buf; -errno when tracefs cannot be had or buf is short. */
int bct_tracefs_path(char *buf, size_t sz, const char *name);

#endif
