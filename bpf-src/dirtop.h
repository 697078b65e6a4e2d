/* SPDX-License-Identifier: Apache-2.0 */
/* dirtop: the sizes shared by bpf-src/dirtop.bpf.c and cmd/dirtop.c. */
#ifndef DIRTOP_H
#define DIRTOP_H

#define DIRTOP_MAX_DIRS 15 /* BCC's limit on the directories watched */
#define DIRTOP_DEPTH 50 /* parents walked up from a file, as BCC */
/* value slots: the histogram kit's struct bct_hist with these four counters; key: the inode */
enum { DIRTOP_READS, DIRTOP_WRITES, DIRTOP_RBYTES, DIRTOP_WBYTES, DIRTOP_SLOTS };

#endif
