/* SPDX-License-Identifier: Apache-2.0 */
/* The running kernel's BTF (/sys/kernel/btf/vmlinux): its bytes, and vmlinux.h made from them. */
#ifndef BCT_BTF_H
#define BCT_BTF_H

#include <stddef.h>

/* The raw BTF of the running kernel, malloc()ed; logs its own failure. Returns 0 or -errno. */
int bct_btf_read(void **data, size_t *sz);

/* vmlinux.h text (malloc()ed, NUL-terminated) from raw BTF, like `bpftool btf dump format c`. */
int bct_vmlinux_h(const void *btf_data, size_t btf_sz, char **text, size_t *len);

#endif
