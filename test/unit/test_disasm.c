// SPDX-License-Identifier: Apache-2.0
/* The --debug=0x2 disassembler, in the verifier log's notation. */
#include <linux/bpf.h>

#include "disasm.h"
#include "unit.h"

static const char *dis(const struct bpf_insn *in, size_t n, int *used)
{
	static char buf[128];

	*used = bct_disasm_insn(in, n, buf, sizeof(buf));
	return buf;
}

UNIT_TEST(disasm_common_instructions)
{
	const struct bpf_insn mov = { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 };
	const struct bpf_insn add32 = { .code = BPF_ALU | BPF_ADD | BPF_X,
					.dst_reg = 1,
					.src_reg = 2 };
	const struct bpf_insn ldx = {
		.code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = 1, .src_reg = 10, .off = -8
	};
	const struct bpf_insn st = {
		.code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = 10, .off = -4, .imm = 7
	};
	const struct bpf_insn jne = {
		.code = BPF_JMP | BPF_JNE | BPF_K, .dst_reg = 1, .off = 3, .imm = 39
	};
	const struct bpf_insn call = { .code = BPF_JMP | BPF_CALL, .imm = 1 };
	const struct bpf_insn ex = { .code = BPF_JMP | BPF_EXIT };
	const struct bpf_insn ld64[2] = {
		{ .code = BPF_LD | BPF_IMM | BPF_DW,
		  .dst_reg = 1,
		  .src_reg = BPF_PSEUDO_MAP_FD,
		  .imm = 5 },
		{ 0 },
	};
	int used;

	CHECK_STR(dis(&mov, 1, &used), "r0 = 0");
	CHECK_STR(dis(&add32, 1, &used), "w1 += w2");
	CHECK_STR(dis(&ldx, 1, &used), "r1 = *(u64 *)(r10 -8)");
	CHECK_STR(dis(&st, 1, &used), "*(u32 *)(r10 -4) = 7");
	CHECK_STR(dis(&jne, 1, &used), "if r1 != 0x27 goto pc+3");
	CHECK_STR(dis(&call, 1, &used), "call bpf_map_lookup_elem#1");
	CHECK_STR(dis(&ex, 1, &used), "exit");
	CHECK_INT(used, 1);
	CHECK_STR(dis(ld64, 2, &used), "r1 = map[fd:5]");
	CHECK_INT(used, 2);
}
