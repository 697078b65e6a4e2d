// SPDX-License-Identifier: Apache-2.0
/* ncurses loaded on first use (lib/cursesload.h). */
#include <dlfcn.h>
#include <errno.h>

#include "cursesload.h"
#include "log.h"

struct bct_curses_api bct_curses;

static void *sym(void *h, const char *name)
{
	void *p = dlsym(h, name);

	if (!p)
		pr_err("cannot start the curses screen: ncurses lacks %s: install libncurses6",
		       name);
	return p;
}

int bct_curses_load(void)
{
	static int rc = 1;
	void *h;

	if (rc <= 0)
		return rc;
	rc = -ENOENT;
	h = dlopen("libncurses.so.6", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		pr_err("cannot start the curses screen: cannot load ncurses: %s: install libncurses6",
		       dlerror());
		return rc;
	}
#define BCT_CURSES_SYM(f)                                    \
	bct_curses.f = (__typeof__(bct_curses.f))sym(h, #f); \
	if (!bct_curses.f)                                   \
		return rc;
	BCT_CURSES_FUNCS(BCT_CURSES_SYM)
#undef BCT_CURSES_SYM
	bct_curses.stdscr_p = sym(h, "stdscr");
	bct_curses.cols_p = sym(h, "COLS");
	bct_curses.lines_p = sym(h, "LINES");
	if (!bct_curses.stdscr_p || !bct_curses.cols_p || !bct_curses.lines_p)
		return rc;
	rc = 0;
	return rc;
}
