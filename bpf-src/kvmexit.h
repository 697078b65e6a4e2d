/* SPDX-License-Identifier: Apache-2.0 */
/* kvmexit: what bpf-src/kvmexit.bpf.c and cmd/kvmexit.c share. */
#ifndef KVMEXIT_H
#define KVMEXIT_H

#define KVMEXIT_REASONS 69 /* VMX exit reasons BCC names: 0 (EXCEPTION_NMI) .. 68 (TPAUSE) */
#define KVMEXIT_MAX_KEYS 10240
#define KVMEXIT_MAX_TIDS 64 /* -T */

struct kvmexit_key {
	__u32 tgid;
	__u32 tid;
	__u32 reason;
};

#endif
