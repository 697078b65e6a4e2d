// SPDX-License-Identifier: Apache-2.0
/*
 * lib/usdt_args.c: USDT operands naming a global variable ("-8@sym(%rip)"), resolved against
 * this test program's own probe and read here as the BPF program reads them from a uprobe
 * (the probe's address plus the displacement).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/sdt.h>
#include <unistd.h>

#include "unit.h"
#include "usdt.h"
#include "usdt_args.h"

long unit_usdt_level = 4242;
void unit_usdt_fire(void);

__attribute__((noinline)) void unit_usdt_fire(void)
{
	DTRACE_PROBE1(unit, level, unit_usdt_level);
}

static int first_bias(struct dl_phdr_info *info, size_t size, void *ctx)
{
	(void)size;
	*(uintptr_t *)ctx = (uintptr_t)info->dlpi_addr; /* the executable comes first */
	return 1;
}

UNIT_TEST(usdt_sym_rip)
{
	struct bct_usdt_match m;
	struct bct_usdt_arg r;
	uintptr_t bias = 0;
	char expr[512], path[64];
	uint64_t addr;

	unit_usdt_fire();
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)getpid());
	CHECK(bct_usdt_find(0, path, "level", &m) == 0);
	CHECK(m.n == 1 && m.locs[0].nargs == 1);
	CHECK_STR(m.locs[0].args[0].ident, "unit_usdt_level");
	CHECK_STR(m.locs[0].args[0].base, "ip");
	/* unresolved, it has no expression */
	CHECK(bct_usdt_arg_expr(&m.locs[0].args[0], expr, sizeof(expr)) == -EINVAL);
	CHECK(bct_usdt_sym_addr(path, "unit_usdt_level", &addr) == 0);
	CHECK(bct_usdt_resolve_arg(path, &m.locs[0], &m.locs[0].args[0], &r) == 0);
	CHECK(r.ident[0] == '\0' && r.kind == BCT_USDT_MEM && r.size == 8);
	CHECK(r.value == (long long)(addr - m.locs[0].addr));
	/* where the uprobe fires (ip = the probe's address), ip + value is the variable */
	dl_iterate_phdr(first_bias, &bias);
	CHECK((uintptr_t)(bias + m.locs[0].addr + (uint64_t)r.value) ==
	      (uintptr_t)&unit_usdt_level);
	CHECK(*(long *)(bias + m.locs[0].addr + (uint64_t)r.value) == 4242);
	CHECK(bct_usdt_arg_expr(&r, expr, sizeof(expr)) == 0);
	CHECK(strstr(expr, "ctx->ip + (") != NULL);
	bct_usdt_match_free(&m);
}

UNIT_TEST(usdt_sym_resolve_other)
{
	struct bct_usdt_probe loc = { .addr = 0x1000 };
	struct bct_usdt_arg a[3], r;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)getpid());
	CHECK(bct_usdt_parse_args(BCT_USDT_X86_64, "8@-24(%rbp) 8@no_such_sym_xyz+8(%rip) -4@$5", a,
				  3) == 3);
	/* operands without a symbol are copied */
	CHECK(bct_usdt_resolve_arg(path, &loc, &a[0], &r) == 0);
	CHECK(r.value == -24 && !strcmp(r.base, "bp"));
	CHECK(bct_usdt_resolve_arg(path, &loc, &a[2], &r) == 0);
	CHECK(r.kind == BCT_USDT_CONST && r.value == 5);
	CHECK(bct_usdt_resolve_arg(path, &loc, &a[1], &r) == -ENOENT);
	CHECK(bct_usdt_resolve_arg("/nonexistent/file", &loc, &a[1], &r) == -ENOENT);
	/* sym+off: the offset is kept */
	CHECK(bct_usdt_parse_args(BCT_USDT_X86_64, "4@unit_usdt_level+4(%rip)", a, 1) == 1);
	CHECK(bct_usdt_resolve_arg(path, &loc, &a[0], &r) == 0);
	{
		uint64_t addr;

		CHECK(bct_usdt_sym_addr(path, "unit_usdt_level", &addr) == 0);
		CHECK(r.value == (long long)(addr + 4 - 0x1000));
	}
}
