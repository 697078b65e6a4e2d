/* SPDX-License-Identifier: Apache-2.0 */
/* hardirqs: the histogram map's key, shared by bpf-src/hardirqs.bpf.c and cmd/hardirqs.c. */
#ifndef BCT_HARDIRQS_H
#define BCT_HARDIRQS_H

/* BCC keeps 32 bytes of the handler's name: at most 31 characters and a NUL. */
#define HARDIRQS_NAME_LEN 32

/* One histogram (or one row of the table) per handler name. */
struct hardirqs_key {
	char name[HARDIRQS_NAME_LEN];
};

#endif
