// SPDX-License-Identifier: Apache-2.0
/*
 * tcpaccept: trace passive TCP opens (accept()), one line per connection accepted.
 *
 * Interface of BCC's tcpaccept by Brendan Gregg; written anew, with --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "tcp.h"
#include "tcpaccept.h"

static struct tcpaccept_env {
	struct bct_env kit;
	bool time; /* -T */
	bool timestamp; /* -t */
	struct bct_tcp_opts tcp; /* -4/-6 and the port lists (lib/tcp.h) */
	uint64_t first_ts;
	bool have_first;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('T', "time", &env.time, "include time column on output (HH:MM:SS)"),
	BCT_FLAG('t', "timestamp", &env.timestamp, "include timestamp on output"),
	BCT_STRING('P', "port", "PORT", &env.tcp.lports_arg,
		   "comma-separated list of local ports to trace"),
	BCT_FLAG('4', "ipv4", &env.tcp.ipv4, "trace IPv4 family only"),
	BCT_FLAG('6', "ipv6", &env.tcp.ipv6, "trace IPv6 family only"),
	{ 0 },
};

static const char doc[] =
	"Trace TCP accepts\n"
	"\v"
	"examples:\n"
	"    tcpaccept           # trace all TCP accept()s\n"
	"    tcpaccept -t        # include timestamps\n"
	"    tcpaccept -P 80,81  # only trace port 80 and 81\n"
	"    tcpaccept -p 181    # only trace PID 181\n"
	"    tcpaccept --cgroupmap mappath  # only trace cgroups in this BPF map\n"
	"    tcpaccept --mntnsmap mappath   # only trace mount namespaces in the map\n"
	"    tcpaccept -4        # trace IPv4 family\n"
	"    tcpaccept -6        # trace IPv6 family\n"
	"    tcpaccept --json    # one JSON object per accept\n";

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
	.shared = { .pid = 'p', .cgroupmap = true },
};

/* --- attach methods: every program in bpf-src/tcpaccept.bpf.c ---------------------------- */

static const struct bct_method methods[] = {
	{ .name = "kretprobe", .progs = BCT_PROGS({ "krp_accept", "kretprobe/inet_csk_accept" }) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "tp_accept", "tracepoint/syscalls/sys_exit_accept" },
			     { "tp_accept4", "tracepoint/syscalls/sys_exit_accept4" }),
	  .approx = "accept(2) and accept4(2) only: io_uring's and the kernel's accepts are not "
		    "seen" },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "TCP accepts", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_tcpaccept = {
	.src_name = "tcpaccept.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/* BCC's "%-9s" (-T) and "%-9.3f" (-t) glued to "%-7d %-12.12s %-2d %-16s %-5d %-16s %-5d" */
static const struct bct_col cols[] = {
	{ "TS", "ts", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TIME", "time", 9, BCT_COL_STR,
	  BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_GLUE | BCT_COL_TEXT_ONLY, 0 },
	{ "TIME(s)", "time_s", 9, BCT_COL_DOUBLE, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_GLUE, 3 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 12, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "IP", "ip", 2, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "RADDR", "raddr", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "RPORT", "rport", 5, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "LADDR", "laddr", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "LPORT", "lport", 5, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	bct_out__show(out, "time", env.time);
	bct_out__show(out, "time_s", env.timestamp);
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct tcpaccept_event *e = data;
	char laddr[64], raddr[64], hms[16];
	time_t now = time(NULL);
	struct tm tm;

	if (size < sizeof(*e))
		return 0;
	if (!env.have_first) {
		env.first_ts = e->ts;
		env.have_first = true;
	}
	localtime_r(&now, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	bct_tcp_addr(e->family, e->laddr, laddr, sizeof(laddr));
	bct_tcp_addr(e->family, e->raddr, raddr, sizeof(raddr));

	bct_out__uint(out, e->ts);
	bct_out__str(out, hms);
	/* BCC counts from the first event, in whole microseconds */
	bct_out__double(out, (double)(int64_t)(e->ts / 1000 - env.first_ts / 1000) / 1e6);
	bct_out__uint(out, e->pid);
	bct_out__strn(out, e->comm, bct_out__json(out) ? sizeof(e->comm) : 12);
	bct_out__uint(out, e->family);
	bct_out__str(out, raddr);
	bct_out__uint(out, e->rport);
	bct_out__str(out, laddr);
	bct_out__uint(out, e->lport);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	return bct_tcp_opts_define(p, &env.tcp);
}

int cmd_tcpaccept(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_tcpaccept, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
