// SPDX-License-Identifier: Apache-2.0
/*
 * tcpstates: trace TCP state changes, one line per change, with the time spent in the state
 * left.
 *
 * Interface of BCC's tcpstates by Brendan Gregg; written anew, with --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "journal.h"
#include "log.h"
#include "prog.h"
#include "tcp.h"
#include "tcpstates.h"

static struct tcpstates_env {
	struct bct_env kit;
	struct bct_tcp_view view; /* -T -t -w -s */
	bool journal;
	struct bct_tcp_opts tcp; /* -4/-6 and the port lists (lib/tcp.h) */
} env;

static const struct bct_opt opts[] = {
	BCT_TCP_VIEW_OPTS(&env.view),
	BCT_STRING('L', "localport", "LOCALPORT", &env.tcp.lports_arg,
		   "comma-separated list of local ports to trace."),
	BCT_STRING('D', "remoteport", "REMOTEPORT", &env.tcp.rports_arg,
		   "comma-separated list of remote ports to trace."),
	BCT_FLAG('Y', "journal", &env.journal, "log session state changes to the systemd journal"),
	BCT_FLAG('4', "ipv4", &env.tcp.ipv4, "trace IPv4 family only"),
	BCT_FLAG('6', "ipv6", &env.tcp.ipv6, "trace IPv6 family only"),
	{ 0 },
};

static const char doc[] = "Trace TCP session state changes and durations\n"
			  "\v"
			  "examples:\n"
			  "    tcpstates           # trace all TCP state changes\n"
			  "    tcpstates -t        # include timestamp column\n"
			  "    tcpstates -T        # include time column (HH:MM:SS)\n"
			  "    tcpstates -w        # wider columns (fit IPv6)\n"
			  "    tcpstates -stT      # csv output, with times & timestamps\n"
			  "    tcpstates -Y        # log events to the systemd journal\n"
			  "    tcpstates -L 80     # only trace local port 80\n"
			  "    tcpstates -L 80,81  # only trace local ports 80 and 81\n"
			  "    tcpstates -D 80     # only trace remote port 80\n"
			  "    tcpstates -4        # trace IPv4 family only\n"
			  "    tcpstates -6        # trace IPv6 family only\n"
			  "    tcpstates --json    # one JSON object per state change\n";

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
};

/* --- attach methods: lib/tcp.c's bct_tcp_state_hooks, programs in bpf-src/tcpstates.bpf.c --- */

const struct bct_needs needs_tcpstates = {
	.src_name = "tcpstates.bpf.c",
	.variants = (const struct bct_variant[]){ { "", bct_tcp_state_hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/*
 * BCC's "%-16x %-5d %-10.10s %s%-15s %-5d %-15s %-5d %-11s -> %-11s %.3f", after "%-8s " (-T)
 * and "%-9.6f " (-t); -w widens COMM and the addresses and shows IP; -s joins the values
 * with commas, unpadded. Widths are set by bct_tcp_view_widths().
 */
static struct bct_col cols[] = {
	BCT_TCP_VIEW_COLS,
	{ "SKADDR", "skaddr", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "C-PID", "pid", 5, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "C-COMM", "comm", 10, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "IP", "ip", 2, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "LADDR", "laddr", 15, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "LPORT", "lport", 5, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "RADDR", "raddr", 15, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "RPORT", "rport", 5, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "OLDSTATE", "oldstate", 11, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "->", "arrow", 2, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "NEWSTATE", "newstate", 11, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "MS", "ms", 0, BCT_COL_DOUBLE, 0, 3 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	if (!bct_tcp_view_columns(&env.view, out))
		bct_out__show(out, "arrow", !env.view.csv);
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct tcpstates_event *e = data;
	char skaddr[24], laddr[64], raddr[64], b1[16], b2[16];
	const char *olds, *news;
	size_t comm_max;

	if (size < sizeof(*e))
		return 0;
	snprintf(skaddr, sizeof(skaddr), "%" PRIx64, (uint64_t)e->skaddr);
	bct_tcp_addr(e->family, e->saddr, laddr, sizeof(laddr));
	bct_tcp_addr(e->family, e->daddr, raddr, sizeof(raddr));
	olds = bct_tcp_state_name(e->oldstate, b1, sizeof(b1));
	news = bct_tcp_state_name(e->newstate, b2, sizeof(b2));
	comm_max = bct_tcp_view_begin(&env.view, out, e->ts, sizeof(e->comm));
	bct_out__str(out, skaddr);
	bct_out__uint(out, e->pid);
	bct_out__strn(out, e->comm, comm_max);
	bct_out__uint(out, e->family);
	bct_out__str(out, laddr);
	bct_out__uint(out, e->lport);
	bct_out__str(out, raddr);
	bct_out__uint(out, e->rport);
	bct_out__str(out, olds);
	bct_out__str(out, "->");
	bct_out__str(out, news);
	bct_out__double(out, (double)e->span_us / 1000);
	if (env.journal) {
		char comm[sizeof(e->comm) + 1];

		snprintf(comm, sizeof(comm), "%.*s", (int)sizeof(e->comm), e->comm);
		bct_journal_tcpstate(e->pid, comm, e->family, laddr, e->lport, raddr, e->rport,
				     olds, news, e->span_us);
	}
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	return bct_tcp_opts_define(p, &env.tcp);
}

int cmd_tcpstates(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.journal && !env.kit.common.ebpf && bct_journal_open()) {
		/* BCC's words when it cannot log to the journal, exit 1 */
		printf("ERROR: Journal logging requires the systemd.journal module\n");
		return 1;
	}
	bct_tcp_view_widths(&env.view, cols, NULL);
	if (env.view.csv)
		tool.sep = ",";
	if (bct_session__init(&s, &env.kit, &needs_tcpstates, NULL))
		return 1;
	rc = bct_events_run(&s, &tool);
	bct_journal_close();
	return rc;
}
