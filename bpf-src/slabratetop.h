/* SPDX-License-Identifier: Apache-2.0 */
/* slabratetop: the map key shared by bpf-src/slabratetop.bpf.c and cmd/slabratetop.c. */
#ifndef SLABRATETOP_H
#define SLABRATETOP_H

#define SLABRATETOP_NAME_LEN 32 /* BCC's CACHE_NAME_SIZE: longer names are cut */
#define SLABRATETOP_MAX_KEYS 4096
/* value slots: the histogram kit's struct bct_hist with these two counters */
enum { SLABRATETOP_ALLOCS, SLABRATETOP_BYTES, SLABRATETOP_SLOTS };

struct slabratetop_key {
	char name[SLABRATETOP_NAME_LEN + 8]; /* NUL-terminated, zero-padded */
};

#endif
