// SPDX-License-Identifier: Apache-2.0
/*
 * tcpconnect: trace active TCP opens (connect()), one line per connect, or with -c a count
 * per source address, destination address and port, printed at the end.
 *
 * Interface of BCC's tcpconnect by Brendan Gregg; written anew, with --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "histtool.h"
#include "json.h"
#include "log.h"
#include "prog.h"
#include "tcp.h"
#include "tcpconnect.h"

static struct tcpconnect_env {
	struct bct_env kit;
	bool timestamp; /* -t */
	bool lport; /* -L */
	bool print_uid; /* -U */
	bool count; /* -c */
	bool dns; /* -d */
	struct bct_tcp_opts tcp; /* -4/-6 and the port lists (lib/tcp.h) */
	uint64_t first_ts;
	bool have_first;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('t', "timestamp", &env.timestamp, "include timestamp on output"),
	BCT_STRING('P', "port", "PORT", &env.tcp.rports_arg,
		   "comma-separated list of destination ports to trace."),
	BCT_FLAG('4', "ipv4", &env.tcp.ipv4, "trace IPv4 family only"),
	BCT_FLAG('6', "ipv6", &env.tcp.ipv6, "trace IPv6 family only"),
	BCT_FLAG('L', "lport", &env.lport, "include LPORT on output"),
	BCT_FLAG('U', "print-uid", &env.print_uid, "include UID on output"),
	BCT_FLAG('c', "count", &env.count, "count connects per src ip and dest ip/port"),
	BCT_FLAG('d', "dns", &env.dns,
		 "include likely DNS query associated with each connect (not available: needs "
		 "kprobes)"),
	{ 0 },
};

static const char doc[] =
	"Trace TCP connects\n"
	"\v"
	"examples:\n"
	"    tcpconnect           # trace all TCP connect()s\n"
	"    tcpconnect -t        # include timestamps\n"
	"    tcpconnect -p 181    # only trace PID 181\n"
	"    tcpconnect -P 80     # only trace port 80\n"
	"    tcpconnect -P 80,81  # only trace port 80 and 81\n"
	"    tcpconnect -4        # only trace IPv4 family\n"
	"    tcpconnect -6        # only trace IPv6 family\n"
	"    tcpconnect -U        # include UID\n"
	"    tcpconnect -u 1000   # only trace UID 1000\n"
	"    tcpconnect -c        # count connects per src ip and dest ip/port\n"
	"    tcpconnect -L        # include LPORT while printing outputs\n"
	"    tcpconnect --cgroupmap mappath  # only trace cgroups in this BPF map\n"
	"    tcpconnect --mntnsmap mappath   # only trace mount namespaces in the map\n"
	"    tcpconnect --json    # one JSON object per connect\n";

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
	.shared = { .pid = 'p', .uid = 'u', .cgroupmap = true },
};

/* --- attach methods: every program in bpf-src/tcpconnect.bpf.c --------------------------- */

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS({ "kp_v4_connect", "kprobe/tcp_v4_connect" },
			     { "krp_v4_connect", "kretprobe/tcp_v4_connect" },
			     { "kp_v6_connect", "kprobe/tcp_v6_connect" },
			     { "krp_v6_connect", "kretprobe/tcp_v6_connect" }) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "tp_set_state", "tracepoint/sock/inet_sock_set_state" }),
	  .approx = "a connect is seen as its SYN_SENT state: one whose local port cannot be "
		    "chosen is shown too; -L lines come once the connection is established" },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "TCP connects", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_tcpconnect = {
	.src_name = "tcpconnect.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/*
 * BCC's "%-9.3f" (-t) and "%-6d" (-U) glued to "%-7d %-12.12s %-2d %-16s [%-6d ]%-16s %-6d %s",
 * the last %s an empty DNS query: a line ends in the port padded to 6, then a space.
 */
static const struct bct_col cols[] = {
	{ "TS", "ts", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TIME(s)", "time_s", 9, BCT_COL_DOUBLE, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_GLUE, 3 },
	{ "UID", "uid", 6, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_GLUE, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 12, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "IP", "ip", 2, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "SADDR", "saddr", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "LPORT", "lport", 6, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "DADDR", "daddr", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "DPORT", "dport_text", 6, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "DPORT", "dport", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	bool json = bct_out__json(out);

	bct_out__show(out, "time_s", env.timestamp);
	bct_out__show(out, "uid", env.print_uid || json);
	bct_out__show(out, "lport", env.lport);
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct tcpconnect_event *e = data;
	char saddr[64], daddr[64], dport[16];
	bool json = bct_out__json(out);

	if (size < sizeof(*e))
		return 0;
	if (!env.have_first) {
		env.first_ts = e->ts;
		env.have_first = true;
	}
	bct_tcp_addr(e->family, e->saddr, saddr, sizeof(saddr));
	bct_tcp_addr(e->family, e->daddr, daddr, sizeof(daddr));
	snprintf(dport, sizeof(dport), "%-6u ", e->dport);

	bct_out__uint(out, e->ts);
	/* BCC counts from the first event, in whole microseconds */
	bct_out__double(out, (double)(int64_t)(e->ts / 1000 - env.first_ts / 1000) / 1e6);
	bct_out__uint(out, e->uid);
	bct_out__uint(out, e->pid);
	bct_out__strn(out, e->comm, json ? sizeof(e->comm) : 12);
	bct_out__uint(out, e->family);
	bct_out__str(out, saddr);
	bct_out__uint(out, e->lport);
	bct_out__str(out, daddr);
	bct_out__str(out, dport);
	bct_out__uint(out, e->dport);
	return bct_out__end(out);
}

/* -c: BCC's table at the end, IPv4 flows then IPv6 ones, each by count, largest first. */
static int cmp_count(const void *a, const void *b)
{
	const struct bct_hist_entry *x = a, *y = b;
	const struct tcpconnect_key *kx = x->key, *ky = y->key;

	if (kx->family != ky->family)
		return kx->family < ky->family ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return 0;
}

static void print_counts(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	struct bct_hist_entry *sorted = NULL;
	size_t i;

	if (n) {
		sorted = calloc(n, sizeof(*sorted));
		if (!sorted) {
			pr_err("out of memory for %zu flows", n);
			return;
		}
		memcpy(sorted, v, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), cmp_count);
	}
	if (!env.kit.common.json)
		fprintf(out, "\n%-25s %-25s %-20s %-10s\n", "LADDR", "RADDR", "RPORT", "CONNECTS");
	for (i = 0; i < n; i++) {
		const struct tcpconnect_key *k = sorted[i].key;
		char laddr[64], raddr[64];

		bct_tcp_addr(k->family, k->saddr, laddr, sizeof(laddr));
		bct_tcp_addr(k->family, k->daddr, raddr, sizeof(raddr));
		if (env.kit.common.json) {
			struct bct_json j;

			bct_json_begin(&j, out);
			bct_json_uint(&j, "ip", k->family);
			bct_json_str(&j, "laddr", laddr);
			bct_json_str(&j, "raddr", raddr);
			bct_json_uint(&j, "rport", k->dport);
			bct_json_uint(&j, "connects", sorted[i].count);
			bct_json_end(&j);
			continue;
		}
		fprintf(out, "%-25s %-25s %-20u %-10" PRIu64 "\n", laddr, raddr, k->dport,
			sorted[i].count);
	}
	free(sorted);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = bct_tcp_opts_define(p, &env.tcp);

	if (env.count)
		err = err ?: bct_prog__define(p, "TCPC_COUNT", NULL);
	else if (env.lport)
		err = err ?: bct_prog__define(p, "TCPC_LPORT", NULL);
	return err;
}

int cmd_tcpconnect(int argc, char **argv)
{
	static const char banner[] = "Tracing connect ... Hit Ctrl-C to end";
	struct bct_event_tool tool = {
		.cols = cols, .columns = columns, .on_event = on_event, .banner = banner
	};
	struct bct_hist_tool count_tool = {
		.banner = banner,
		.missed_what = "connects",
		.print = print_counts,
	};
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.count && env.dns) {
		/* BCC's words and exit status */
		printf("Error: you may not specify -d/--dns with -c/--count.\n");
		return 0;
	}
	if (env.dns) {
		pr_err("-d/--dns is not available: it reads DNS replies with kprobes "
		       "on udp_recvmsg, which bcctool does not implement; run without -d");
		return 1;
	}
	if (bct_session__init(&s, &env.kit, &needs_tcpconnect, NULL))
		return 1;
	if (env.count)
		return bct_hist_run(&s, &count_tool);
	return bct_events_run(&s, &tool);
}
