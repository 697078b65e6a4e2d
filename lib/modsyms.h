/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A libdwfl module's function symbols in one array sorted by address, made on first use and
 * kept in the module's user data: a lookup is a binary search. (dwfl_module_addrinfo scans
 * the symbol table for every address: printing thousands of stacks spent seconds in it.)
 */
#ifndef BCT_MODSYMS_H
#define BCT_MODSYMS_H

#include <stdint.h>
#include <elfutils/libdwfl.h>

/*
 * The function covering addr in m and addr's offset in it, or NULL (then the caller may try
 * dwfl_module_addrinfo). The name lives as long as the Dwfl.
 */
const char *bct_modsyms_name(Dwfl_Module *m, uint64_t addr, uint64_t *off);
/* Frees the tables of every module of d; call before dwfl_end(d). */
void bct_modsyms_release(Dwfl *d);

#endif
