/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Commands built as shared objects (bcctool-NAME.so), loaded only when they run, so that the
 * libraries only they need (serve: libmicrohttpd and GnuTLS, libyaml, libcap, libcrypt) are
 * not mapped by every other tool. The object is cmd/NAME.c itself: it exports cmd_NAME, and
 * calls back into bcctool through the symbols the Makefile exports for it (--dynamic-list).
 */
#ifndef BCT_PLUGIN_H
#define BCT_PLUGIN_H

/*
 * Runs cmd_NAME of bcctool-NAME.so, found next to the executable, else in BCT_LIBDIR. Returns
 * its exit status, or 1 (message printed) when the object cannot be loaded.
 */
int bct_plugin_run(const char *name, int argc, char **argv);

#endif
