/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing of what /proc/PID/fd and /proc/PID/fdinfo say about a BPF object: the link
 * target's type word, and the "key:\tvalue" lines of fdinfo text (bpflist).
 */
#ifndef BCT_FDINFO_H
#define BCT_FDINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The type an fd's link target names: the word of "anon_inode:bpf-<word>" (prog, map, token
 * ...), or "link" for "anon_inode:bpf_link". False when it names no BPF object or the word
 * does not fit type[sz].
 */
bool bct_fdinfo_type(const char *target, char *type, size_t sz);
/* The value of "key:\tvalue" in fdinfo text, copied into buf (cut to fit); false when absent. */
bool bct_fdinfo_get(const char *info, const char *key, char *buf, size_t sz);
/* The same as a decimal number; false when absent or not a number. */
bool bct_fdinfo_u64(const char *info, const char *key, uint64_t *out);
/*
 * Calls fn for every "key: value" line of fdinfo text (keys of up to 63 bytes; values cut at
 * 511 bytes), leading blanks of the value skipped.
 */
void bct_fdinfo_each(const char *info, void (*fn)(void *ctx, const char *k, const char *v),
		     void *ctx);

#endif
