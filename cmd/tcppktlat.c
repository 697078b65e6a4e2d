// SPDX-License-Identifier: Apache-2.0
/*
 * tcppktlat: trace the latency between a TCP packet's arrival and its pick-up by a user
 * space thread (recvmsg), one line per read over the threshold.
 *
 * Interface of libbpf-tools' tcppktlat (Wenbo Zhang); written anew, with --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "opt.h"
#include "prog.h"
#include "tcp.h"
#include "tcppktlat.h"

static struct tcppktlat_env {
	struct bct_env kit; /* -p, -t, -T */
	uint64_t lport, rport; /* -l, -r; 0: any */
	uint64_t min_us; /* positional; 0: every read */
	bool have_min;
	bool verbose; /* -v */
	bool wide; /* -w */
} env;

static const struct bct_opt opts[] = {
	BCT_CUSTOM('l', "lport", "LPORT", "filter for local port"),
	BCT_CUSTOM('r', "rport", "RPORT", "filter for remote port"),
	BCT_FLAG('v', "verbose", &env.verbose, "Verbose debug output"),
	BCT_FLAG('w', "wide", &env.wide, "Wide column output (fits IPv6 addresses)"),
	{ 0 },
};

static const char doc[] =
	"Trace latency between TCP received pkt and picked up by userspace thread.\n"
	"\v"
	"EXAMPLES:\n"
	"    tcppktlat             # Trace all TCP packet picked up latency\n"
	"    tcppktlat -T          # summarize with timestamps\n"
	"    tcppktlat -p 181      # filter for pid\n"
	"    tcppktlat -t 181      # filter for tid\n"
	"    tcppktlat -l 80       # filter for local port\n"
	"    tcppktlat -r 80       # filter for remote port\n"
	"    tcppktlat 1000        # filter for latency higher than 1000us\n"
	"    tcppktlat --json      # one JSON object per read\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'l':
		return bct_arg_u64(state, "local port", arg, 1, 65535, &env.lport);
	case 'r':
		return bct_arg_u64(state, "remote port", arg, 1, 65535, &env.rport);
	case ARGP_KEY_ARG:
		if (env.have_min)
			argp_error(state, "unrecognized positional argument: %s", arg);
		env.have_min = true;
		return bct_arg_u64(state, "delay (in us)", arg, 1, UINT64_MAX, &env.min_us);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[min_us]",
	.doc = doc,
	.shared = { .pid = 'p', .tid = 't', .timestamp = 'T' },
};

/* --- attach methods: every program in bpf-src/tcppktlat.bpf.c ---------------------------- */

static const struct bct_method methods[] = {
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("btf_tcp_probe", "tp_btf/tcp_probe"),
			     BCT_PROG("btf_rcv_space_adjust", "tp_btf/tcp_rcv_space_adjust"),
			     BCT_PROG("btf_destroy_sock", "tp_btf/tcp_destroy_sock")) },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("raw_tcp_probe", "raw_tp/tcp_probe"),
			     BCT_PROG("raw_rcv_space_adjust", "raw_tp/tcp_rcv_space_adjust"),
			     BCT_PROG("raw_destroy_sock", "raw_tp/tcp_destroy_sock")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "TCP packet arrivals and reads", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_tcppktlat = {
	.src_name = "tcppktlat.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

enum { COL_LADDR = 5, COL_RADDR = 7 };

/* libbpf-tools': [-T "%-8s "] "%-7d %-7d %-16s %-*s %-5d %-*s %-5d %-.2f", addresses 15 or 26 */
static struct bct_col cols[] = {
	{ "TIME(s)", "time", 8, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "TID", "tid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "IP", "ip", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	[COL_LADDR] = { "LADDR", "laddr", 15, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "LPORT", "lport", 5, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	[COL_RADDR] = { "RADDR", "raddr", 15, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "RPORT", "rport", 5, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "MS", "ms", 0, BCT_COL_DOUBLE, BCT_COL_LEFT, 2 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	bct_out__show(out, "time", env.kit.timestamp);
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct tcppktlat_event *e = data;
	char laddr[64], raddr[64], hms[16];
	time_t now = time(NULL);
	struct tm tm;

	if (size < sizeof(*e))
		return 0;
	localtime_r(&now, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	bct_out__str(out, hms);
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->tid);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	bct_out__uint(out, e->family);
	bct_out__str(out, bct_tcp_addr(e->family, e->laddr, laddr, sizeof(laddr)));
	bct_out__uint(out, e->lport);
	bct_out__str(out, bct_tcp_addr(e->family, e->raddr, raddr, sizeof(raddr)));
	bct_out__uint(out, e->rport);
	bct_out__double(out, (double)e->delta_us / 1000.0);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.min_us)
		err = bct_prog__define(p, "TCPPL_MIN_US", "%" PRIu64 "ULL", env.min_us);
	if (!err && env.lport)
		err = bct_prog__define(p, "TCPPL_LPORT", "%" PRIu64, env.lport);
	if (!err && env.rport)
		err = bct_prog__define(p, "TCPPL_RPORT", "%" PRIu64, env.rport);
	return err;
}

int cmd_tcppktlat(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.wide) {
		cols[COL_LADDR].width = 26;
		cols[COL_RADDR].width = 26;
	}
	if (env.verbose)
		env.kit.common.debug |= BCT_DEBUG_BPF;
	if (bct_session__init(&s, &env.kit, &needs_tcppktlat, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
