// SPDX-License-Identifier: Apache-2.0
/* A small BPF disassembler for --debug=0x2, in the verifier log's notation. */
#include <stdio.h>
#include <linux/bpf.h>

#include "disasm.h"

#ifndef BPF_MEMSX
#define BPF_MEMSX 0x80 /* sign-extending load, Linux 6.6 */
#endif

static const char *const alu_ops[16] = {
	[BPF_ADD >> 4] = "+=",	  [BPF_SUB >> 4] = "-=",     [BPF_MUL >> 4] = "*=",
	[BPF_DIV >> 4] = "/=",	  [BPF_OR >> 4] = "|=",	     [BPF_AND >> 4] = "&=",
	[BPF_LSH >> 4] = "<<=",	  [BPF_RSH >> 4] = ">>=",    [BPF_NEG >> 4] = "neg",
	[BPF_MOD >> 4] = "%=",	  [BPF_XOR >> 4] = "^=",     [BPF_MOV >> 4] = "=",
	[BPF_ARSH >> 4] = "s>>=", [BPF_END >> 4] = "endian",
};

static const char *const jmp_ops[16] = {
	[BPF_JEQ >> 4] = "==",	 [BPF_JGT >> 4] = ">",	  [BPF_JGE >> 4] = ">=",
	[BPF_JSET >> 4] = "&",	 [BPF_JNE >> 4] = "!=",	  [BPF_JSGT >> 4] = "s>",
	[BPF_JSGE >> 4] = "s>=", [BPF_JLT >> 4] = "<",	  [BPF_JLE >> 4] = "<=",
	[BPF_JSLT >> 4] = "s<",	 [BPF_JSLE >> 4] = "s<=",
};

#define HELPER_NAME(x) #x
static const char *const helpers[] = { __BPF_FUNC_MAPPER(HELPER_NAME) };
#undef HELPER_NAME

static const char *const sizes[4] = { "u32", "u16", "u8", "u64" };

static const char *atomic_op(int imm)
{
	switch (imm & ~BPF_FETCH) {
	case BPF_ADD:
		return "+=";
	case BPF_AND:
		return "&=";
	case BPF_OR:
		return "|=";
	case BPF_XOR:
		return "^=";
	default:
		return "?=";
	}
}

static const char *atomic_name(int imm)
{
	switch (imm & ~BPF_FETCH) {
	case BPF_ADD:
		return "add";
	case BPF_AND:
		return "and";
	case BPF_OR:
		return "or";
	case BPF_XOR:
		return "xor";
	default:
		return "?";
	}
}

int bct_disasm_insn(const struct bpf_insn *in, size_t left, char *buf, size_t sz)
{
	unsigned int cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	const char *size = sizes[BPF_SIZE(in->code) >> 3];
	char r = cls == BPF_ALU || cls == BPF_JMP32 ? 'w' : 'r';

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (op == BPF_NEG) {
			snprintf(buf, sz, "%c%d = -%c%d", r, in->dst_reg, r, in->dst_reg);
		} else if (op == BPF_END) {
			snprintf(buf, sz, "r%d = %s%d r%d", in->dst_reg,
				 cls == BPF_ALU64		  ? "bswap"
				 : BPF_SRC(in->code) == BPF_TO_BE ? "be"
								  : "le",
				 in->imm, in->dst_reg);
		} else if (!alu_ops[op >> 4]) {
			snprintf(buf, sz, "(%02x) invalid alu op", in->code);
		} else if (op == BPF_MOV && BPF_SRC(in->code) == BPF_X && in->off) {
			snprintf(buf, sz, "%c%d = (s%d)%c%d", r, in->dst_reg, in->off, r,
				 in->src_reg);
		} else if (BPF_SRC(in->code) == BPF_X) {
			snprintf(buf, sz, "%c%d %s %c%d", r, in->dst_reg, alu_ops[op >> 4], r,
				 in->src_reg);
		} else {
			snprintf(buf, sz, "%c%d %s %d", r, in->dst_reg, alu_ops[op >> 4], in->imm);
		}
		return 1;
	case BPF_LDX:
		snprintf(buf, sz, "r%d = *(%s%s *)(r%d %+d)", in->dst_reg,
			 BPF_MODE(in->code) == BPF_MEMSX ? "s" : "",
			 BPF_MODE(in->code) == BPF_MEMSX ? size + 1 : size, in->src_reg, in->off);
		return 1;
	case BPF_ST:
		snprintf(buf, sz, "*(%s *)(r%d %+d) = %d", size, in->dst_reg, in->off, in->imm);
		return 1;
	case BPF_STX:
		if (BPF_MODE(in->code) == BPF_ATOMIC) {
			if (in->imm == BPF_XCHG || in->imm == BPF_CMPXCHG)
				snprintf(buf, sz, "r%d = atomic_%s((%s *)(r%d %+d), r%d)",
					 in->imm == BPF_XCHG ? in->src_reg : 0,
					 in->imm == BPF_XCHG ? "xchg" : "cmpxchg", size,
					 in->dst_reg, in->off, in->src_reg);
			else if (in->imm & BPF_FETCH)
				snprintf(buf, sz, "r%d = atomic_fetch_%s((%s *)(r%d %+d), r%d)",
					 in->src_reg, atomic_name(in->imm), size, in->dst_reg,
					 in->off, in->src_reg);
			else
				snprintf(buf, sz, "lock *(%s *)(r%d %+d) %s r%d", size, in->dst_reg,
					 in->off, atomic_op(in->imm), in->src_reg);
		} else {
			snprintf(buf, sz, "*(%s *)(r%d %+d) = r%d", size, in->dst_reg, in->off,
				 in->src_reg);
		}
		return 1;
	case BPF_LD:
		if (in->code == (BPF_LD | BPF_IMM | BPF_DW) && left >= 2) {
			unsigned long long v = (unsigned int)in->imm |
					       (unsigned long long)(unsigned int)in[1].imm << 32;

			if (in->src_reg == BPF_PSEUDO_MAP_FD)
				snprintf(buf, sz, "r%d = map[fd:%d]", in->dst_reg, in->imm);
			else if (in->src_reg == BPF_PSEUDO_MAP_VALUE)
				snprintf(buf, sz, "r%d = map[fd:%d]+%d", in->dst_reg, in->imm,
					 in[1].imm);
			else if (in->src_reg == BPF_PSEUDO_BTF_ID)
				snprintf(buf, sz, "r%d = btf_id[%d]", in->dst_reg, in->imm);
			else if (in->src_reg == BPF_PSEUDO_FUNC)
				snprintf(buf, sz, "r%d = func pc%+d", in->dst_reg, in->imm);
			else
				snprintf(buf, sz, "r%d = 0x%llx ll", in->dst_reg, v);
			return 2;
		}
		snprintf(buf, sz, "(%02x) legacy packet load", in->code);
		return 1;
	case BPF_JMP:
	case BPF_JMP32:
		if (op == BPF_EXIT) {
			snprintf(buf, sz, "exit");
		} else if (op == BPF_CALL) {
			if (in->src_reg == BPF_PSEUDO_CALL)
				snprintf(buf, sz, "call pc%+d", in->imm);
			else if (in->src_reg == BPF_PSEUDO_KFUNC_CALL)
				snprintf(buf, sz, "call kfunc#%d", in->imm);
			else if (in->imm > 0 &&
				 (size_t)in->imm < sizeof(helpers) / sizeof(helpers[0]))
				snprintf(buf, sz, "call bpf_%s#%d", helpers[in->imm], in->imm);
			else
				snprintf(buf, sz, "call helper#%d", in->imm);
		} else if (op == BPF_JA) {
			snprintf(buf, sz, "goto pc%+d", cls == BPF_JMP32 ? in->imm : in->off);
		} else if (!jmp_ops[op >> 4]) {
			snprintf(buf, sz, "(%02x) invalid jump op", in->code);
		} else if (BPF_SRC(in->code) == BPF_X) {
			snprintf(buf, sz, "if %c%d %s %c%d goto pc%+d", r, in->dst_reg,
				 jmp_ops[op >> 4], r, in->src_reg, in->off);
		} else {
			snprintf(buf, sz, "if %c%d %s %#x goto pc%+d", r, in->dst_reg,
				 jmp_ops[op >> 4], (unsigned int)in->imm, in->off);
		}
		return 1;
	default:
		snprintf(buf, sz, "(%02x) unknown", in->code);
		return 1;
	}
}

void bct_disasm(FILE *out, const struct bpf_insn *insns, size_t cnt)
{
	char buf[128];
	size_t i = 0;

	while (i < cnt) {
		int n = bct_disasm_insn(&insns[i], cnt - i, buf, sizeof(buf));

		fprintf(out, "%5zu: %s\n", i, buf);
		i += n;
	}
}
