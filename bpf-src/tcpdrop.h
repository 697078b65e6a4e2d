/* SPDX-License-Identifier: Apache-2.0 */
/* tcpdrop: the event record both sides share. */
#ifndef TCPDROP_H
#define TCPDROP_H

struct tcpdrop_event {
	__u32 pid;
	__s32 stack_id; /* kernel stack in stack_traces, or -errno */
	__u32 reason; /* enum skb_drop_reason; 0 from the kprobe method */
	__u16 family; /* 4 or 6 */
	__u16 sport; /* host order */
	__u16 dport;
	__u8 state;
	__u8 tcpflags;
	__u8 saddr[16]; /* IPv4: the first 4 bytes */
	__u8 daddr[16];
};

#endif
