// SPDX-License-Identifier: Apache-2.0
/*
 * dbslower, dbstat, mysqld_qslower: database queries timed from the server's USDT probes
 * query__start (its first argument the query text: BCT_USDT_QS_ARG1, lib/usdt_args.h) and
 * query__done. THRESHOLD_NS: the minimum duration. DB_HIST: a log2 histogram of the durations
 * divided by SCALE (dbstat); else one event per slow query, with its text (QUERY_MAX bytes).
 * DB_MYSQL56, DB_MYSQL57 (dbslower -x): uprobe and uretprobe on MySQL's dispatch_command
 * instead of the probes: only COM_QUERY (3) counts; the command is the 1st argument (5.6) or
 * the 3rd (5.7); the query is the 3rd argument (5.6) or the first member of the struct the 2nd
 * points to (5.7), copied at entry (MySQL clears it before returning).
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

#if defined(DB_MYSQL56) || defined(DB_MYSQL57)
#define DB_UPROBES 1
#define DB_COM_QUERY 3
#endif

struct db_start {
	__u64 ts;
	__u64 query;
#ifdef DB_UPROBES
	char text[DB_QUERY_MAX];
#endif
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
#ifdef DB_UPROBES
#ifdef DB_MYSQL56
	if ((__u32)PT_REGS_PARM1(ctx) != DB_COM_QUERY)
		return 0;
	st.query = PT_REGS_PARM3(ctx);
#else
	if ((__u32)PT_REGS_PARM3(ctx) != DB_COM_QUERY)
		return 0;
	if (bpf_probe_read_user(&st.query, sizeof(st.query), (void *)PT_REGS_PARM2(ctx)))
		return 0;
#endif
	if (bpf_probe_read_user_str(st.text, sizeof(st.text), (void *)st.query) < 0)
		st.text[0] = '\0';
#endif
	bpf_map_update_elem(&starts, &id, &st, BPF_ANY);
	return 0;
}

#ifdef DB_UPROBES
SEC("uretprobe")
#else
SEC("uprobe")
#endif
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
#ifdef DB_UPROBES
			if (bpf_probe_read_kernel_str(e->query, QUERY_MAX, st->text) < 0)
				e->query[0] = '\0';
#else
			if (bpf_probe_read_user_str(e->query, QUERY_MAX, (void *)st->query) < 0)
				e->query[0] = '\0';
#endif
			bct_event_submit(e, sizeof(*e));
		}
#endif
	}
	bpf_map_delete_elem(&starts, &id);
	return 0;
}
