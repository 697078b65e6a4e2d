// SPDX-License-Identifier: Apache-2.0
/*
 * dbslower, dbstat, mysqld_qslower: database queries timed from the server's USDT probes
 * query__start (its first argument the query text: BCT_USDT_QS_ARG1, lib/usdt_args.h) and
 * query__done. THRESHOLD_NS: the minimum duration. DB_HIST: a log2 histogram of the durations
 * divided by SCALE (dbstat); else one event per slow query, with its text (QUERY_MAX bytes).
 * Credit: the original BCC dbslower and dbstat are by Sasha Goldshtein, mysqld_qslower by
 * Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_hist.bpf.h"
#include "db.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef THRESHOLD_NS
#define THRESHOLD_NS 0
#endif
#ifndef SCALE
#define SCALE 1000000
#endif
#ifndef QUERY_MAX
#define QUERY_MAX DB_QUERY_MAX
#endif

struct db_start {
	__u64 ts;
	__u64 query;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct db_start);
} starts SEC(".maps");

#ifdef DB_HIST
BCT_HIST_MAP(hists, __u64, 1);
#endif

SEC("uprobe")
int db_query_start(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct db_start st = { .ts = bpf_ktime_get_ns() };

	if (!bct_filter_pass())
		return 0;
#ifdef BCT_USDT_QS_NARGS
	st.query = (__u64)BCT_USDT_QS_ARG1;
#endif
	bpf_map_update_elem(&starts, &id, &st, BPF_ANY);
	return 0;
}

SEC("uprobe")
int db_query_done(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), delta;
	struct db_start *st = bpf_map_lookup_elem(&starts, &id);

	if (!st)
		return 0; /* its start was before tracing began */
	delta = bpf_ktime_get_ns() - st->ts;
	if (delta >= THRESHOLD_NS) {
#ifdef DB_HIST
		__u64 key = 0;

		bct_hist_log2(&hists, &key, delta / SCALE);
#else
		struct db_event *e = bct_event_reserve(sizeof(*e));

		if (e) {
			e->ts = st->ts;
			e->delta_ns = delta;
			e->pid = id >> 32;
			e->pad = 0;
			if (bpf_probe_read_user_str(e->query, QUERY_MAX, (void *)st->query) < 0)
				e->query[0] = '\0';
			bct_event_submit(e, sizeof(*e));
		}
#endif
	}
	bpf_map_delete_elem(&starts, &id);
	return 0;
}
