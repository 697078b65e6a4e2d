/* SPDX-License-Identifier: Apache-2.0 */
/* readahead: the keys and slots shared by bpf-src/readahead.bpf.c and cmd/readahead.c. */
#ifndef READAHEAD_H
#define READAHEAD_H

/* keys of the histogram kit's map */
enum {
	READAHEAD_KEY_AGE, /* log2 histogram of a used page's age, in ms */
	READAHEAD_KEY_PAGES, /* counters in the slots below */
};

/* slots of READAHEAD_KEY_PAGES */
enum {
	READAHEAD_BORN, /* pages read ahead */
	READAHEAD_USED, /* pages read ahead, then used */
};

#endif
