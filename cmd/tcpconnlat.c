// SPDX-License-Identifier: Apache-2.0
/*
 * tcpconnlat: trace active TCP opens and show how long each took to be established, one line
 * per connection.
 *
 * Interface of BCC's tcpconnlat by Brendan Gregg; written anew, with --json.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "tcp.h"
#include "tcpconnlat.h"

static struct tcpconnlat_env {
	struct bct_env kit;
	bool timestamp; /* -t */
	bool lport; /* -L */
	bool verbose; /* -v */
	struct bct_tcp_opts tcp; /* -4/-6 and the port lists (lib/tcp.h) */
	uint64_t min_us; /* [min_ms] */
	uint64_t first_ts;
	bool have_first;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('t', "timestamp", &env.timestamp, "include timestamp on output"),
	BCT_FLAG('L', "lport", &env.lport, "include LPORT on output"),
	BCT_FLAG('4', "ipv4", &env.tcp.ipv4, "trace IPv4 family only"),
	BCT_FLAG('6', "ipv6", &env.tcp.ipv6, "trace IPv6 family only"),
	BCT_FLAG('v', "verbose", &env.verbose, "print the BPF program for debugging purposes"),
	{ 0 },
};

static const char doc[] = "Trace TCP connects and show connection latency\n"
			  "\v"
			  "examples:\n"
			  "    tcpconnlat           # trace all TCP connect()s\n"
			  "    tcpconnlat 1         # trace connection latency slower than 1 ms\n"
			  "    tcpconnlat 0.1       # trace connection latency slower than 100 us\n"
			  "    tcpconnlat -t        # include timestamps\n"
			  "    tcpconnlat -p 181    # only trace PID 181\n"
			  "    tcpconnlat -L        # include LPORT while printing outputs\n"
			  "    tcpconnlat -4        # trace IPv4 family only\n"
			  "    tcpconnlat -6        # trace IPv6 family only\n"
			  "    tcpconnlat --json    # one JSON object per connection\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	static bool have_min;
	char *end;
	double ms;

	switch (key) {
	case ARGP_KEY_ARG:
		if (have_min)
			argp_error(state, "unrecognized arguments: %s", arg);
		errno = 0;
		ms = strtod(arg, &end);
		if (errno || end == arg || *end || !isfinite(ms))
			argp_error(state, "argument duration_ms: must be a float");
		if (ms < 0)
			argp_error(state, "argument duration_ms: must be positive");
		/* BCC: fractions of a ms, cut to whole microseconds */
		env.min_us = (uint64_t)(ms * 1000);
		have_min = true;
		return 0;
	case ARGP_KEY_END:
		bct_tcp_opts_check(state, &env.tcp);
		return ARGP_ERR_UNKNOWN;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[duration_ms]",
	.doc = doc,
	.shared = { .pid = 'p' },
};

/* --- attach methods: every program in bpf-src/tcpconnlat.bpf.c --------------------------- */

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS({ "kp_v4_connect", "kprobe/tcp_v4_connect" },
			     { "kp_v6_connect", "kprobe/tcp_v6_connect" },
			     { "kp_rcv_state_process", "kprobe/tcp_rcv_state_process" }) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "tp_set_state", "tracepoint/sock/inet_sock_set_state" }) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "TCP connects", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_tcpconnlat = {
	.src_name = "tcpconnlat.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/* BCC's "%-9.3f" (-t) glued to "%-7d %-12.12s %-2d %-16s [%-6d ]%-16s %-5d %.2f" */
static const struct bct_col cols[] = {
	{ "TS", "ts", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TIME(s)", "time_s", 9, BCT_COL_DOUBLE, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_GLUE, 3 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 12, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "IP", "ip", 2, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "SADDR", "saddr", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "LPORT", "lport", 6, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "DADDR", "daddr", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "DPORT", "dport", 5, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "LAT(ms)", "lat_ms", 0, BCT_COL_DOUBLE, 0, 2 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	bct_out__show(out, "time_s", env.timestamp);
	bct_out__show(out, "lport", env.lport || bct_out__json(out));
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct tcpconnlat_event *e = data;
	char saddr[64], daddr[64];

	if (size < sizeof(*e))
		return 0;
	if (!env.have_first) {
		env.first_ts = e->ts;
		env.have_first = true;
	}
	bct_tcp_addr(e->family, e->saddr, saddr, sizeof(saddr));
	bct_tcp_addr(e->family, e->daddr, daddr, sizeof(daddr));

	bct_out__uint(out, e->ts);
	/* BCC counts from the first event, in whole microseconds */
	bct_out__double(out, (double)(int64_t)(e->ts / 1000 - env.first_ts / 1000) / 1e6);
	bct_out__uint(out, e->pid);
	bct_out__strn(out, e->comm, bct_out__json(out) ? sizeof(e->comm) : 12);
	bct_out__uint(out, e->family);
	bct_out__str(out, saddr);
	bct_out__uint(out, e->lport);
	bct_out__str(out, daddr);
	bct_out__uint(out, e->dport);
	bct_out__double(out, (double)e->delta_us / 1000);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.min_us)
		err = bct_prog__define(p, "TCPCL_MIN_US", "%" PRIu64 "ULL", env.min_us);
	err = err ?: bct_tcp_opts_define(p, &env.tcp);
	return err;
}

int cmd_tcpconnlat(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_tcpconnlat, NULL))
		return 1;
	/* -v: BCC prints its program before it runs */
	if (env.verbose && !env.kit.common.ebpf && bct_session__print_source(&s)) {
		bct_session__stop(&s);
		return 1;
	}
	return bct_events_run(&s, &tool);
}
