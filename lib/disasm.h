/* SPDX-License-Identifier: Apache-2.0 */
/* BPF instructions as text, in the verifier's notation (--debug=0x2). */
#ifndef BCT_DISASM_H
#define BCT_DISASM_H

#include <stddef.h>
#include <stdio.h>

struct bpf_insn;

/* Writes one "  12: r1 = *(u64 *)(r10 -8)" line per instruction. */
void bct_disasm(FILE *out, const struct bpf_insn *insns, size_t cnt);
/* One instruction into buf; returns how many slots it used (2 for a 64-bit load). */
int bct_disasm_insn(const struct bpf_insn *insn, size_t left, char *buf, size_t sz);

#endif
