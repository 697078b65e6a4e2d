/* SPDX-License-Identifier: Apache-2.0 */
/* uflow: the event both sides share. */
#ifndef UFLOW_H
#define UFLOW_H

#define UFLOW_STR_LEN 80
#define UFLOW_RETURN (1ULL << 63)

struct uflow_event {
	__u64 depth; /* UFLOW_RETURN set on a return */
	__u64 pid_tgid;
	__u32 cpu;
	__u32 pad;
	char clazz[UFLOW_STR_LEN];
	char method[UFLOW_STR_LEN];
};

#endif
