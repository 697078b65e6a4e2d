// SPDX-License-Identifier: Apache-2.0
/*
 * tcplife: trace the lifespan of TCP sessions, one line per session at its close, with the
 * bytes it sent and received.
 *
 * Interface of BCC's tcplife by Brendan Gregg (idea: Julia Evans); written anew, with --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "tcp.h"
#include "tcplife.h"

static struct tcplife_env {
	struct bct_env kit;
	struct bct_tcp_view view; /* -T -t -w -s */
	struct bct_tcp_opts tcp; /* -4/-6 and the port lists (lib/tcp.h) */
} env;

static const struct bct_opt opts[] = {
	BCT_TCP_VIEW_OPTS(&env.view),
	BCT_STRING('L', "localport", "LOCALPORT", &env.tcp.lports_arg,
		   "comma-separated list of local ports to trace."),
	BCT_STRING('D', "remoteport", "REMOTEPORT", &env.tcp.rports_arg,
		   "comma-separated list of remote ports to trace."),
	BCT_FLAG('4', "ipv4", &env.tcp.ipv4, "trace IPv4 family only"),
	BCT_FLAG('6', "ipv6", &env.tcp.ipv6, "trace IPv6 family only"),
	{ 0 },
};

static const char doc[] = "Trace the lifespan of TCP sessions and summarize\n"
			  "\v"
			  "examples:\n"
			  "    tcplife           # trace all TCP connect()s\n"
			  "    tcplife -T        # include time column (HH:MM:SS)\n"
			  "    tcplife -w        # wider columns (fit IPv6)\n"
			  "    tcplife -stT      # csv output, with times & timestamps\n"
			  "    tcplife -p 181    # only trace PID 181\n"
			  "    tcplife -L 80     # only trace local port 80\n"
			  "    tcplife -L 80,81  # only trace local ports 80 and 81\n"
			  "    tcplife -D 80     # only trace remote port 80\n"
			  "    tcplife -4        # only trace IPv4 family\n"
			  "    tcplife -6        # only trace IPv6 family\n"
			  "    tcplife --json    # one JSON object per session\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_END:
		bct_tcp_opts_check(state, &env.tcp);
		return ARGP_ERR_UNKNOWN;
	default:
		return bct_no_args(key, arg, state);
	}
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.doc = doc,
	.shared = { .pid = 'p' },
};

/* --- attach methods: lib/tcp.c's bct_tcp_state_hooks, programs in bpf-src/tcplife.bpf.c --- */

const struct bct_needs needs_tcplife = {
	.src_name = "tcplife.bpf.c",
	.variants = (const struct bct_variant[]){ { "", bct_tcp_state_hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/*
 * BCC's "%-5d %-10.10s %s%-15s %-5d %-15s %-5d %5d %5d %.2f", after "%-8s " (-T) and
 * "%-9.6f " (-t); -w widens COMM, the addresses and the byte counts and shows IP; -s joins the
 * values with commas, unpadded. Widths are set by bct_tcp_view_widths().
 */
static struct bct_col cols[] = {
	BCT_TCP_VIEW_COLS,
	{ "PID", "pid", 5, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 10, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "IP", "ip", 2, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "LADDR", "laddr", 15, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "LPORT", "lport", 5, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "RADDR", "raddr", 15, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "RPORT", "rport", 5, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "TX_KB", "tx_kb", 5, BCT_COL_UINT, 0, 0 },
	{ "RX_KB", "rx_kb", 5, BCT_COL_UINT, 0, 0 },
	{ "MS", "ms", 0, BCT_COL_DOUBLE, 0, 2 },
	{ "TX_BYTES", "tx_bytes", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "RX_BYTES", "rx_bytes", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ NULL },
};

/* -w also widens the byte counts. */
static const struct bct_tcp_width wide[] = { { "tx_kb", 6 }, { "rx_kb", 6 }, { NULL } };

static void columns(void *ctx, struct bct_out *out)
{
	bct_tcp_view_columns(&env.view, out);
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct tcplife_event *e = data;
	char laddr[64], raddr[64];
	size_t comm_max;

	if (size < sizeof(*e))
		return 0;
	bct_tcp_addr(e->family, e->saddr, laddr, sizeof(laddr));
	bct_tcp_addr(e->family, e->daddr, raddr, sizeof(raddr));

	comm_max = bct_tcp_view_begin(&env.view, out, e->ts, sizeof(e->comm));
	bct_out__uint(out, e->pid);
	bct_out__strn(out, e->comm, comm_max);
	bct_out__uint(out, e->family);
	bct_out__str(out, laddr);
	bct_out__uint(out, e->lport);
	bct_out__str(out, raddr);
	bct_out__uint(out, e->rport);
	bct_out__uint(out, e->tx_bytes / 1024);
	bct_out__uint(out, e->rx_bytes / 1024);
	bct_out__double(out, (double)e->span_us / 1000);
	bct_out__uint(out, e->tx_bytes);
	bct_out__uint(out, e->rx_bytes);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	return bct_tcp_opts_define(p, &env.tcp);
}

int cmd_tcplife(int argc, char **argv)
{
	/*
	 * 8 pages per CPU, BCC's perf-buffer default: a ring's pages are resident twice (libbpf
	 * maps them twice), and one event per session (~100 bytes) at ~20k sessions/s, two
	 * CPUs busy, takes ~30 ms to fill 64 KiB, several of the reader's drain intervals.
	 */
	struct bct_event_tool tool = {
		.cols = cols, .columns = columns, .on_event = on_event, .ring_pages = 8
	};
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	bct_tcp_view_widths(&env.view, cols, wide);
	if (env.view.csv)
		tool.sep = ",";
	if (bct_session__init(&s, &env.kit, &needs_tcplife, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
