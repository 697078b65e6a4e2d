/* SPDX-License-Identifier: Apache-2.0 */
/* The BPF programs and BPF-side headers embedded in the binary. */
#ifndef BCT_SRC_H
#define BCT_SRC_H

#include <stddef.h>

struct bct_src {
	const char *name; /* basename: "opensnoop.bpf.c", "bpf_helpers.h" */
	const char *text; /* NUL-terminated */
	size_t len;
	const char *includes; /* embedded files: their #include lines alone; else NULL */
};

extern const struct bct_src bct_srcs[];
extern const unsigned int bct_nsrcs;

/*
 * The text of an embedded file, or, when BCCTOOL_SRC_DIR is set and holds the file, of
 * that file (read once and kept). NULL with errno set when there is no such file.
 */
const struct bct_src *bct_src_get(const char *name);

/*
 * Registers a source generated at run time under name (a copy of text): bct_src_get() and so
 * the compiler find it before any embedded file of that name. 0 or -ENOMEM.
 */
int bct_src_set(const char *name, const char *text);

/*
 * What an include scan of text needs to read: an embedded file's #include lines (found at
 * build time, so that a cache hit does not page in ~200 KiB of libbpf headers), else text.
 */
const char *bct_src_includes(const char *text);

#endif
