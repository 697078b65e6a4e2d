/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small BTF for a program's CO-RE relocations: the types of the running kernel that its
 * relocations can resolve against, copied with their layout, so that libbpf relocates against
 * a few KiB instead of parsing the kernel's whole BTF (~5 MiB, ~10 ms) on every start.
 *
 * For every relocation's root type, every vmlinux type of the same name (without a ___flavor
 * suffix) is copied with everything it embeds (members, arrays, typedefs, modifiers); pointers
 * are copied as pointers to void, which no field or enum relocation looks through. Objects
 * with relocations that compare whole types or take kernel type ids (bpf_core_type_exists(),
 * bpf_core_type_matches(), bpf_core_type_id_kernel(), ...) or whose root types are not all in
 * vmlinux (module types) get none: -EOPNOTSUPP, and libbpf reads the kernel's BTF as usual.
 */
#ifndef BCT_COREBTF_H
#define BCT_COREBTF_H

#include <stddef.h>

struct btf;

/*
 * The BTF (raw bytes, malloc()ed) for the ELF object obj, whose parsed .BTF is local, against
 * the kernel's BTF vmlinux. 0, -EOPNOTSUPP (see above; also without CO-RE relocations),
 * -EINVAL for a malformed object, -ENOMEM.
 */
int bct_core_btf(const void *obj, size_t obj_sz, const struct btf *local, const struct btf *vmlinux,
		 void **out, size_t *out_sz);

#endif
