// SPDX-License-Identifier: Apache-2.0
/*
 * numamove: NUMA-misplaced page migrations per second, and the time they took.
 *
 * Interface of libbpf-tools' numamove by Wenbo Zhang (after Brendan Gregg's bpftrace tool);
 * written anew, with --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "cmd.h"
#include "histtool.h"
#include "json.h"
#include "signals.h"
#include "prog.h"

static struct numamove_env {
	struct bct_env kit; /* --json, --ebpf, --debug */
} env;

static const char doc[] = "Show page migrations of type NUMA misplaced per second.\n"
			  "\v"
			  "examples:\n"
			  "    numamove              # Show page migrations' count and latency\n"
			  "    numamove --json       # one JSON object per second\n";

static const struct bct_tool_args args = {
	.doc = doc,
};

static const struct bct_method methods[] = {
	{ .name = "fentry",
	  .progs = BCT_PROGS(BCT_PROG("fe_migrate", "fentry/migrate_misplaced_folio"),
			     BCT_PROG("fx_migrate", "fexit/migrate_misplaced_folio")) },
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("kp_migrate", "kprobe/migrate_misplaced_folio"),
			     BCT_PROG("kr_migrate", "kretprobe/migrate_misplaced_folio")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(
		  BCT_PROG("tp_migrate_start", "tracepoint/migrate/mm_migrate_pages_start"),
		  BCT_PROG("tp_migrate_end", "tracepoint/migrate/mm_migrate_pages")),
	  .approx = "times migrate_pages() for the misplaced folio, not its isolation" },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "NUMA page migrations", methods, false }, { NULL } };

const struct bct_needs needs_numamove = {
	.src_name = "numamove.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* Each second: libbpf-tools' "%-10s %18lld %18lld"; Ctrl-C ends without a line. */
static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	uint64_t count = n ? v[0].count : 0, ms = n ? v[0].total / 1000000 : 0;
	time_t now = time(NULL);
	char ts[32];

	if (bct_exiting)
		return;
	if (env.kit.common.json) {
		struct bct_json j;

		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
		bct_json_begin(&j, out);
		bct_json_str(&j, "ts", ts);
		bct_json_uint(&j, "numa_migrations", count);
		bct_json_uint(&j, "numa_migrations_ms", ms);
		bct_json_end(&j);
		return;
	}
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	fprintf(out, "%-10s %18" PRIu64 " %18" PRIu64 "\n", ts, count, ms);
}

/* bcctool serve: the migrations and their time */
static const struct bct_serve_counter serve_counters[] = {
	{ "migrations", BCT_SERVE_COUNT, NULL, "NUMA page migrations" },
	{ "migration_seconds", BCT_SERVE_TOTAL, "nsecs", "time spent in NUMA page migrations" },
	{ NULL },
};

int cmd_numamove(int argc, char **argv)
{
	char header[64];
	struct bct_hist_tool tool = {
		.banner = header,
		.missed_what = "migrations",
		.print = print,
		.serve_counters = serve_counters,
	};
	struct bct_session s = { 0 };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	snprintf(header, sizeof(header), "%-10s %18s %18s", "TIME", "NUMA_migrations",
		 "NUMA_migrations_ms");
	env.kit.interval = 1;
	if (bct_session__init(&s, &env.kit, &needs_numamove, NULL))
		return 1;
	return bct_hist_run(&s, &tool);
}
