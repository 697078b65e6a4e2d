// SPDX-License-Identifier: Apache-2.0
/*
 * pidpersec: count new processes (via fork), printed every second.
 *
 * Interface of BCC's pidpersec by Brendan Gregg; written anew, with --json. The counter is
 * drained each second through the histogram kit (lib/histtool.h), so no fork counted between
 * two reads is lost.
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "cmd.h"
#include "histtool.h"
#include "json.h"
#include "prog.h"
#include "signals.h"

static struct pidpersec_env {
	struct bct_env kit; /* --json, --ebpf, --debug */
} env;

static const char doc[] = "Count new processes (via fork).\n"
			  "\v"
			  "examples:\n"
			  "    pidpersec           # new processes per second, until Ctrl-C\n"
			  "    pidpersec --json    # one JSON object per second\n";

static const struct bct_tool_args args = { .doc = doc };

static const struct bct_method methods[] = {
	{ .name = "kprobe", .progs = BCT_PROGS({ "pps_fork_kp", "kprobe/sched_fork" }) },
	{ .name = "tp_btf", .progs = BCT_PROGS({ "pps_fork_btf", "tp_btf/sched_process_fork" }) },
	{ .name = "raw_tp", .progs = BCT_PROGS({ "pps_fork_raw", "raw_tp/sched_process_fork" }) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "pps_fork_tp", "tracepoint/sched/sched_process_fork" }) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "process creation", methods, false }, { NULL } };

const struct bct_needs needs_pidpersec = {
	.src_name = "pidpersec.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* Each second: "HH:MM:SS: PIDs/sec: N". Ctrl-C ends without a line, as BCC's does. */
static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	uint64_t count = n ? v[0].count : 0;
	time_t now = time(NULL);
	char ts[32];

	if (bct_exiting)
		return;
	if (env.kit.common.json) {
		struct bct_json j;

		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
		bct_json_begin(&j, out);
		bct_json_str(&j, "ts", ts);
		bct_json_uint(&j, "pids_per_sec", count);
		bct_json_end(&j);
		return;
	}
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	fprintf(out, "%s: PIDs/sec: %" PRIu64 "\n", ts, count);
}

int cmd_pidpersec(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.banner = "Tracing... Ctrl-C to end.",
		.missed_what = "forks",
		.print = print,
		.serve_count = "forks", /* bcctool serve: bcctool_pidpersec_forks_total */
	};
	struct bct_session s = { 0 };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	env.kit.interval = 1;
	if (bct_session__init(&s, &env.kit, &needs_pidpersec, NULL))
		return 1;
	return bct_hist_run(&s, &tool);
}
