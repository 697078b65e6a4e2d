// SPDX-License-Identifier: Apache-2.0
/*
 * tcptracer: trace TCP connections established (connect), accepted and closed, one line
 * each.
 *
 * Interface of BCC's tcptracer (Kinvolk); written anew, with --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "opt.h"
#include "prog.h"
#include "tcp.h"
#include "tcptracer.h"

static struct tcptracer_env {
	struct bct_env kit;
	bool timestamp; /* -t */
	bool verbose; /* -v */
	uint64_t netns; /* -N; 0: all */
	struct bct_tcp_opts tcp; /* -4/-6 (lib/tcp.h) */
	uint64_t first_ts;
	bool have_first;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('t', "timestamp", &env.timestamp, "include timestamp on output"),
	BCT_CUSTOM('N', "netns", "NETNS", "trace this Network Namespace only"),
	BCT_FLAG('4', "ipv4", &env.tcp.ipv4, "trace IPv4 family only"),
	BCT_FLAG('6', "ipv6", &env.tcp.ipv6, "trace IPv6 family only"),
	BCT_FLAG('v', "verbose", &env.verbose, "include Network Namespace in the output"),
	{ 0 },
};

static const char doc[] = "Trace TCP connections\n"
			  "\v"
			  "examples:\n"
			  "    tcptracer              # trace connects, accepts and closes\n"
			  "    tcptracer -t           # include timestamps\n"
			  "    tcptracer -p 181       # only trace PID 181\n"
			  "    tcptracer -N 4026531992  # only trace this network namespace\n"
			  "    tcptracer -v           # long type names and the NETNS column\n"
			  "    tcptracer -4           # trace IPv4 family only\n"
			  "    tcptracer --json       # one JSON object per event\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'N':
		return bct_arg_u64(state, "network namespace", arg, 0, UINT32_MAX, &env.netns);
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
	.shared = { .pid = 'p', .cgroupmap = true },
};

/* --- attach methods: every program in bpf-src/tcptracer.bpf.c ---------------------------- */

static const struct bct_method connect_methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS({ "kp_v4_connect", "kprobe/tcp_v4_connect" },
			     { "krp_v4_connect", "kretprobe/tcp_v4_connect" },
			     { "kp_v6_connect", "kprobe/tcp_v6_connect" },
			     { "krp_v6_connect", "kretprobe/tcp_v6_connect" },
			     { "kp_set_state", "kprobe/tcp_set_state" }) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "tp_set_state", "tracepoint/sock/inet_sock_set_state" }) },
	{ NULL },
};

static const struct bct_method accept_methods[] = {
	{ .name = "kretprobe", .progs = BCT_PROGS({ "krp_accept", "kretprobe/inet_csk_accept" }) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "tp_accept", "tracepoint/syscalls/sys_exit_accept" },
			     { "tp_accept4", "tracepoint/syscalls/sys_exit_accept4" }),
	  .approx = "accept(2) and accept4(2) only: io_uring's and the kernel's accepts are not "
		    "seen" },
	{ NULL },
};

static const struct bct_method close_methods[] = {
	{ .name = "kprobe", .progs = BCT_PROGS({ "kp_close", "kprobe/tcp_close" }) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "tp_close", "tracepoint/syscalls/sys_enter_close" }),
	  .approx = "close(2) of the last descriptor only: sockets closed at process exit, by "
		    "close_range(2), io_uring or the kernel are not seen" },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "TCP connects", connect_methods, false },
	{ "TCP accepts", accept_methods, false },
	{ "TCP closes", close_methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_tcptracer = {
	.src_name = "tcptracer.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/*
 * BCC: [-t "%-9.3f" or, with -v, "%-14d" ns] then "%-2s " (-v "%-12s ") and
 * "%-6d %-16s %-2d %-16s %-16s %-6d %-6d", with -v " %-8d" NETNS unless -N
 */
static const struct bct_col cols[] = {
	{ "TS", "ts", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TIME(s)", "time_s", 9, BCT_COL_DOUBLE, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_GLUE, 3 },
	{ "TIME(ns)", "time_ns", 14, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_GLUE,
	  0 },
	{ "T", "t", 2, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "TYPE", "type", 12, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "PID", "pid", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "IP", "ip", 2, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "SADDR", "saddr", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "DADDR", "daddr", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "SPORT", "sport", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "DPORT", "dport", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "NETNS", "netns", 8, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	bool json = bct_out__json(out);

	bct_out__show(out, "time_s", env.timestamp && !env.verbose);
	bct_out__show(out, "time_ns", env.timestamp && env.verbose);
	bct_out__show(out, "t", !env.verbose);
	bct_out__show(out, "type", env.verbose || json);
	bct_out__show(out, "netns", (env.verbose && !env.netns) || json);
}

static const char *const type_names[] = { "unknown", "connect", "accept", "close" };

static void put_addr(struct bct_out *out, unsigned int family, const uint8_t *a)
{
	char buf[64], br[68];

	bct_tcp_addr(family, a, buf, sizeof(buf));
	if (family == 6 && !bct_out__json(out)) {
		snprintf(br, sizeof(br), "[%s]", buf);
		bct_out__str(out, br);
	} else {
		bct_out__str(out, buf);
	}
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct tcptracer_event *e = data;
	static const char letters[] = "UCAX";
	char t[2] = { 'U', 0 };

	if (size < sizeof(*e))
		return 0;
	if (!env.have_first) {
		env.first_ts = e->ts;
		env.have_first = true;
	}
	if (e->type < 4)
		t[0] = letters[e->type];
	bct_out__uint(out, e->ts);
	bct_out__double(out, (double)(e->ts - env.first_ts) / 1e9);
	bct_out__uint(out, e->ts - env.first_ts);
	bct_out__str(out, t);
	bct_out__str(out, type_names[e->type < 4 ? e->type : 0]);
	bct_out__uint(out, e->pid);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	bct_out__uint(out, e->family);
	put_addr(out, e->family, e->saddr);
	put_addr(out, e->family, e->daddr);
	bct_out__uint(out, e->sport);
	bct_out__uint(out, e->dport);
	bct_out__uint(out, e->netns);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = bct_tcp_opts_define(p, &env.tcp);

	if (!err && env.netns)
		err = bct_prog__define(p, "TCPT_NETNS", "%" PRIu64 "U", env.netns);
	return err;
}

int cmd_tcptracer(int argc, char **argv)
{
	struct bct_event_tool tool = {
		.cols = cols,
		.columns = columns,
		.on_event = on_event,
		.banner = "Tracing TCP established connections. Ctrl-C to end.",
	};
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_tcptracer, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
