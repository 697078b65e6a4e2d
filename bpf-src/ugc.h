/* SPDX-License-Identifier: Apache-2.0 */
/* ugc: the event both sides share. */
#ifndef UGC_H
#define UGC_H

struct ugc_event {
	__u64 probe_index; /* the begin/end pair: its place in the language's list */
	__u64 elapsed_ns;
	__u64 field1, field2, field3, field4;
	__u32 pid;
	__u32 pad;
	char string1[32];
	char string2[32];
};

#endif
