/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libdw's libdwfl (user-space symbols), dlopen()ed on first use: most tools never symbolize a
 * user stack, and linking libdw would map it, liblzma and libbz2 into every run. lib/stack.c
 * and lib/modsyms.c call the functions through bct_dw, by their own names.
 */
#ifndef BCT_DWLOAD_H
#define BCT_DWLOAD_H

#include <elfutils/libdwfl.h>

#define BCT_DW_FUNCS(X)             \
	X(dwfl_addrmodule)          \
	X(dwfl_begin)               \
	X(dwfl_end)                 \
	X(dwfl_errmsg)              \
	X(dwfl_getmodules)          \
	X(dwfl_linux_proc_find_elf) \
	X(dwfl_linux_proc_report)   \
	X(dwfl_module_addrinfo)     \
	X(dwfl_module_getsym_info)  \
	X(dwfl_module_getsymtab)    \
	X(dwfl_module_info)         \
	X(dwfl_report_begin)        \
	X(dwfl_report_end)          \
	X(dwfl_standard_find_debuginfo)

struct bct_dw_api {
#define BCT_DW_FIELD(f) __typeof__(&f) f;
	BCT_DW_FUNCS(BCT_DW_FIELD)
#undef BCT_DW_FIELD
};

/* Filled by bct_dw_load(); only valid after it returned 0. */
extern struct bct_dw_api bct_dw;

/* Loads libdw once: 0, or -ENOENT when it cannot (logged once; no user symbols then). */
int bct_dw_load(void);

#endif
