// SPDX-License-Identifier: Apache-2.0
/* libdwfl loaded on first use (lib/dwload.h). */
#include <dlfcn.h>
#include <errno.h>

#include "dwload.h"
#include "log.h"

struct bct_dw_api bct_dw;

int bct_dw_load(void)
{
	static int rc = 1;
	void *h;

	if (rc <= 0)
		return rc;
	rc = -ENOENT;
	h = dlopen("libdw.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		pr_warn("no user-space symbols: cannot load libdw: %s: install libdw1", dlerror());
		return rc;
	}
#define BCT_DW_SYM(f)                                                                           \
	bct_dw.f = (__typeof__(bct_dw.f))dlsym(h, #f);                                          \
	if (!bct_dw.f) {                                                                        \
		pr_warn("no user-space symbols: libdw lacks %s: install libdw1 0.170 or later", \
			#f);                                                                    \
		return rc;                                                                      \
	}
	BCT_DW_FUNCS(BCT_DW_SYM)
#undef BCT_DW_SYM
	rc = 0;
	return rc;
}
