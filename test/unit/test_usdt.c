// SPDX-License-Identifier: Apache-2.0
/* lib/usdt.c: USDT argument specifications and notes. */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "usdt.h"

UNIT_TEST(usdt_args_x86)
{
	struct bct_usdt_arg a[BCT_USDT_MAX_ARGS];

	CHECK(bct_usdt_parse_args(BCT_USDT_X86_64,
				  "-4@%r15d 8@%rbx 8@-24(%rbp) -4@$5 8@sym+8(%rip)", a,
				  BCT_USDT_MAX_ARGS) == 5);
	CHECK(a[0].kind == BCT_USDT_REG && a[0].size == 4 && a[0].is_signed);
	CHECK_STR(a[0].base, "r15");
	CHECK_STR(a[1].base, "bx");
	CHECK(a[2].kind == BCT_USDT_MEM && a[2].value == -24);
	CHECK_STR(a[2].base, "bp");
	CHECK(a[3].kind == BCT_USDT_CONST && a[3].value == 5);
	CHECK_STR(a[4].ident, "sym");
	CHECK(a[4].value == 8);
	CHECK(bct_usdt_parse_args(BCT_USDT_X86_64, "4@-96(%rbp,%rax,8) 2@(%rdi)", a, 12) == 2);
	CHECK_STR(a[0].index, "ax");
	CHECK(a[0].scale == 8 && a[0].value == -96);
	CHECK(a[1].kind == BCT_USDT_MEM && a[1].value == 0);
	CHECK(bct_usdt_parse_args(BCT_USDT_X86_64, "", a, 12) == 0);
	CHECK(bct_usdt_parse_args(BCT_USDT_X86_64, "   ", a, 12) == 0);
}

UNIT_TEST(usdt_args_shown)
{
	struct bct_usdt_arg a[4];
	char buf[64];

	CHECK(bct_usdt_parse_args(BCT_USDT_X86_64,
				  "8@-24(%rbp) -4@$-5 8@sym-8(%rip) 4@16(%rsi,%rcx,4)", a, 4) == 4);
	CHECK_STR(bct_usdt_arg_str(&a[0], buf, sizeof(buf)), "*(bp - 24)");
	CHECK_STR(bct_usdt_arg_str(&a[1], buf, sizeof(buf)), "-5");
	CHECK_STR(bct_usdt_arg_str(&a[2], buf, sizeof(buf)), "*(&sym - 8)");
	CHECK_STR(bct_usdt_arg_str(&a[3], buf, sizeof(buf)), "*(si + 16 + cx * 4)");
}

UNIT_TEST(usdt_args_arm64)
{
	struct bct_usdt_arg a[4];

	CHECK(bct_usdt_parse_args(BCT_USDT_ARM64, "-4@w1 8@[x29, -28] 8@[sp] 4@7", a, 4) == 4);
	CHECK(a[0].kind == BCT_USDT_REG && a[0].is_signed);
	CHECK_STR(a[0].base, "x1");
	CHECK(a[1].kind == BCT_USDT_MEM && a[1].value == -28);
	CHECK_STR(a[1].base, "x29");
	CHECK_STR(a[2].base, "sp");
	CHECK(a[3].kind == BCT_USDT_CONST && a[3].value == 7);
}

UNIT_TEST(usdt_args_bad)
{
	static const char *const bad[] = {
		"4@%zz",
		"3@%rax",
		"4@",
		"@%rax",
		"4%rax",
		"4@$",
		"4@8(%rax",
		"4@8(%rax,%rbx,3)",
		"4@sym(%rbx)",
		"4@%rax junk",
		"99999999999999999999@%rax",
		"4@(%rax))",
	};
	struct bct_usdt_arg a[BCT_USDT_MAX_ARGS];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(bct_usdt_parse_args(BCT_USDT_X86_64, bad[i], a, BCT_USDT_MAX_ARGS) < 0);
	CHECK(bct_usdt_parse_args(BCT_USDT_X86_64, "1@%al 1@%al 1@%al", a, 2) == -E2BIG);
	CHECK(bct_usdt_parse_args(BCT_USDT_ARM64, "4@[x31]", a, 2) < 0);
	CHECK(bct_usdt_parse_args(BCT_USDT_ARM64, "4@[x1, 8", a, 2) < 0);
}

UNIT_TEST(usdt_not_elf)
{
	struct bct_usdt_probe *p = (void *)1;
	size_t n = 9;

	CHECK(bct_usdt_read_mem("not an elf file", 15, &p, &n) == -ENOEXEC);
	CHECK(p == NULL && n == 0);
	CHECK(bct_usdt_read("/nonexistent/file", &p, &n) == -ENOENT);
}
