// SPDX-License-Identifier: Apache-2.0
/*
 * kvmexit: counts VM exits by thread and exit reason, from the kvm:kvm_exit tracepoint that
 * KVM hosts fire each time a guest's vCPU leaves guest mode.
 *
 * One entry of the histogram map per (process, thread, reason), its slot 0 the count. Reasons
 * from KVMEXIT_REASONS on (beyond VMX's TPAUSE) are not counted, as in BCC.
 *
 * Attach methods, best first (cmd/kvmexit.c declares them as one hook):
 *   raw_tp      raw_tp/kvm_exit (BCC's first choice; the reason is the first argument)
 *   tracepoint  tracepoint/kvm/kvm_exit (BCC's fallback; exit_reason field)
 *
 * Defines (set by cmd/kvmexit.c):
 *   KVMEXIT_TGID=n       -p: this process only
 *   KVMEXIT_TIDS={a,b}   -t, -T, -v: these threads only (KVMEXIT_NTIDS of them)
 * Credit: the original BCC kvmexit is by Fei Li.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#define BCT_HIST_SLOTS 1
#include "bct_hist.bpf.h"
#include "kvmexit.h"

char LICENSE[] SEC("license") = "GPL";

BCT_HIST_MAP(hists, struct kvmexit_key, KVMEXIT_MAX_KEYS);

static __always_inline int count_exit(__u32 reason)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct kvmexit_key key = { .tgid = id >> 32, .tid = (__u32)id, .reason = reason };

	if (reason >= KVMEXIT_REASONS)
		return 0;
#ifdef KVMEXIT_TIDS
	{
		static const __u32 tids[KVMEXIT_NTIDS] = KVMEXIT_TIDS;
		bool hit = false;
		int i;

		for (i = 0; i < KVMEXIT_NTIDS; i++)
			if (tids[i] == key.tid)
				hit = true;
		if (!hit)
			return 0;
	}
#elif defined(KVMEXIT_TGID)
	if (key.tgid != KVMEXIT_TGID)
		return 0;
#endif
	bct_hist_linear(&hists, &key, 0);
	return 0;
}

SEC("raw_tp/kvm_exit")
int raw_kvm_exit(struct bpf_raw_tracepoint_args *ctx)
{
	return count_exit((__u32)ctx->args[0]);
}

struct kvm_exit_args {
	__u64 common;
	unsigned int exit_reason;
};

SEC("tracepoint/kvm/kvm_exit")
int tp_kvm_exit(struct kvm_exit_args *ctx)
{
	return count_exit(ctx->exit_reason);
}
