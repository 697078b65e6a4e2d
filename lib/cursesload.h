/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ncurses, dlopen()ed on first use: only cachetop's interactive screen draws with it, and
 * linking it would map libncurses and libtinfo into every run. cmd/cachetop.c calls the
 * functions through bct_curses, by their own names; the curses.h macros over them (getch(),
 * refresh(), stdscr...) are not used, since they would bind to the linked library.
 */
#ifndef BCT_CURSESLOAD_H
#define BCT_CURSESLOAD_H

#include <curses.h>

#define BCT_CURSES_FUNCS(X) \
	X(cbreak)           \
	X(curs_set)         \
	X(delscreen)        \
	X(endwin)           \
	X(newterm)          \
	X(noecho)           \
	X(nodelay)          \
	X(waddnstr)         \
	X(wattr_on)         \
	X(wattr_off)        \
	X(werase)           \
	X(wgetch)           \
	X(wmove)            \
	X(wrefresh)

struct bct_curses_api {
#define BCT_CURSES_FIELD(f) __typeof__(&f) f;
	BCT_CURSES_FUNCS(BCT_CURSES_FIELD)
#undef BCT_CURSES_FIELD
	WINDOW **stdscr_p; /* the library's stdscr, COLS and LINES */
	int *cols_p;
	int *lines_p;
};

/* Filled by bct_curses_load(); only valid after it returned 0. */
extern struct bct_curses_api bct_curses;

/* Loads ncurses once: 0, or -ENOENT when it cannot (logged once). */
int bct_curses_load(void);

#endif
