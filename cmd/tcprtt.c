// SPDX-License-Identifier: Apache-2.0
/*
 * tcprtt: summarize TCP's smoothed round-trip time as a log2 histogram, per interval.
 *
 * Interface of BCC's tcprtt by zhenwei pi; written anew, with --json.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "hist.h"
#include "histtool.h"
#include "prog.h"
#include "tcp.h"

static struct tcprtt_env {
	struct bct_env kit;
	bool milliseconds;
	bool byladdr;
	bool byraddr;
	bool extension;
	bool show_bpf;
	struct bct_tcp_opts tcp; /* -4/-6 and the port lists (lib/tcp.h) */
	long lport;
	long rport;
	const char *laddr;
	const char *raddr;
	uint32_t laddr_v;
	uint32_t raddr_v;
} env = { .lport = -1, .rport = -1 };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('i', "interval", "INTERVAL", "summary interval, seconds"),
	BCT_FLAG('m', "milliseconds", &env.milliseconds, "millisecond histogram"),
	BCT_CUSTOM('p', "lport", "LPORT", "filter for local port"),
	BCT_CUSTOM('P', "rport", "RPORT", "filter for remote port"),
	BCT_STRING('a', "laddr", "LADDR", &env.laddr, "filter for local address"),
	BCT_STRING('A', "raddr", "RADDR", &env.raddr, "filter for remote address"),
	BCT_FLAG('b', "byladdr", &env.byladdr, "show sockets histogram by local address"),
	BCT_FLAG('B', "byraddr", &env.byraddr, "show sockets histogram by remote address"),
	BCT_FLAG('e', "extension", &env.extension, "show extension summary(average)"),
	BCT_FLAG('D', "debug-source", &env.show_bpf,
		 "print BPF program before starting (for debugging purposes)"),
	BCT_FLAG('4', "ipv4", &env.tcp.ipv4, "trace IPv4 family only"),
	BCT_FLAG('6', "ipv6", &env.tcp.ipv6, "trace IPv6 family only"),
	{ 0 },
};

static const char doc[] = "Summarize TCP RTT as a histogram\n"
			  "\v"
			  "examples:\n"
			  "    ./tcprtt            # summarize TCP RTT\n"
			  "    ./tcprtt -i 1 -d 10 # print 1 second summaries, 10 times\n"
			  "    ./tcprtt -m -T      # summarize in millisecond, and timestamps\n"
			  "    ./tcprtt -p         # filter for local port\n"
			  "    ./tcprtt -P         # filter for remote port\n"
			  "    ./tcprtt -a         # filter for local address\n"
			  "    ./tcprtt -A         # filter for remote address\n"
			  "    ./tcprtt -b         # show sockets histogram by local address\n"
			  "    ./tcprtt -B         # show sockets histogram by remote address\n"
			  "    ./tcprtt -D         # show debug bpf text\n"
			  "    ./tcprtt -e         # show extension summary(average)\n"
			  "    ./tcprtt -4         # trace only IPv4 family\n"
			  "    ./tcprtt -6         # trace only IPv6 family\n"
			  "    ./tcprtt --json     # one JSON object per histogram\n";

static long parse_num(struct argp_state *state, const char *what, const char *arg, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (!*arg || *end || errno || v < 0 || v > max)
		argp_error(state, "invalid %s: '%s'", what, arg);
	return v;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'i':
		env.kit.interval = parse_num(state, "interval", arg, 1L << 30);
		return 0;
	case 'p':
		env.lport = parse_num(state, "local port", arg, 65535);
		return 0;
	case 'P':
		env.rport = parse_num(state, "remote port", arg, 65535);
		return 0;
	case ARGP_KEY_END:
		bct_tcp_opts_check(state, &env.tcp);
		if (env.laddr && inet_pton(AF_INET, env.laddr, &env.laddr_v) != 1)
			argp_error(state, "invalid local address: '%s'", env.laddr);
		if (env.raddr && inet_pton(AF_INET, env.raddr, &env.raddr_v) != 1)
			argp_error(state, "invalid remote address: '%s'", env.raddr);
		return ARGP_ERR_UNKNOWN;
	default:
		return bct_no_args(key, arg, state);
	}
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.doc = doc,
	.shared = { .duration = 'd', .timestamp = 'T' },
};

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("kp_rcv_established", "kprobe/tcp_rcv_established")) },
	{ .name = "tp_btf", .progs = BCT_PROGS(BCT_PROG("btf_tcp_probe", "tp_btf/tcp_probe")) },
	{ .name = "raw_tp", .progs = BCT_PROGS(BCT_PROG("raw_tcp_probe", "raw_tp/tcp_probe")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "TCP segments received", methods, false }, { NULL } };

const struct bct_needs needs_tcprtt = {
	.src_name = "tcprtt.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* BCC's section: the IPv4 address, or "*******" for the key 0 */
static void key_name(void *ctx, const void *key, char *buf, size_t sz)
{
	uint64_t k = *(const uint64_t *)key;
	uint32_t a = (uint32_t)k;

	if (!k || !inet_ntop(AF_INET, &a, buf, sz))
		snprintf(buf, sz, "*******");
}

static struct bct_hist_tool tool;

/* -e: BCC puts the average in the section's title, "All Addresses = ******* [AVG 42]" */
static void print_extension(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	struct bct_hist_tool plain = tool;
	char ts[32];
	time_t now = time(NULL);
	size_t i;

	strftime(ts, sizeof(ts), env.kit.common.json ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S",
		 localtime(&now));
	if (env.kit.common.json) {
		plain.print = NULL;
		bct_hist_print(&plain, ctx, out, true, ts, v, n);
		return;
	}
	fputc('\n', out);
	if (env.kit.timestamp)
		fprintf(out, "%-8s\n", ts);
	for (i = 0; i < n; i++) {
		fprintf(out, "\n%s = %s [AVG %" PRIu64 "]\n", tool.section, v[i].name,
			v[i].count ? v[i].total / v[i].count : 0);
		bct_hist_print_log2(out, v[i].slots, v[i].nslots, tool.unit, false);
	}
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.lport >= 0)
		err = err ?: bct_prog__define(p, "TCPRTT_LPORT", "%ld", env.lport);
	if (env.rport >= 0)
		err = err ?: bct_prog__define(p, "TCPRTT_RPORT", "%ld", env.rport);
	if (env.laddr)
		err = err ?: bct_prog__define(p, "TCPRTT_LADDR", "%uU", env.laddr_v);
	if (env.raddr)
		err = err ?: bct_prog__define(p, "TCPRTT_RADDR", "%uU", env.raddr_v);
	err = err ?: bct_tcp_opts_define(p, &env.tcp);
	if (env.milliseconds)
		err = err ?: bct_prog__define(p, "TCPRTT_MSECS", NULL);
	if (env.byladdr)
		err = err ?: bct_prog__define(p, "TCPRTT_BY_LADDR", NULL);
	else if (env.byraddr)
		err = err ?: bct_prog__define(p, "TCPRTT_BY_RADDR", NULL);
	if (env.extension)
		err = err ?: bct_prog__define(p, "BCT_HIST_SUM", NULL);
	return err;
}

int cmd_tcprtt(int argc, char **argv)
{
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	tool = (struct bct_hist_tool){
		.unit = env.milliseconds ? "msecs" : "usecs",
		.section = "All Addresses",
		.section_key = "addr",
		.key_name = key_name,
		.banner = "Tracing TCP RTT... Hit Ctrl-C to end.",
		.missed_what = "RTT samples",
		.serve_hist = true, /* bcctool serve: -e only changes the text */
	};
	/* BCC's titles, its typo included */
	if (env.byladdr)
		tool.section = "Local Address";
	else if (env.byraddr)
		tool.section = "Remote Addres";
	if (env.extension) {
		tool.extension = env.kit.common.json; /* JSON: avg, total, count */
		tool.print = print_extension;
	}
	if (bct_session__init(&s, &env.kit, &needs_tcprtt, NULL))
		return 1;
	if (env.show_bpf && !env.kit.common.ebpf && bct_session__print_source(&s)) {
		bct_session__stop(&s);
		return 1;
	}
	return bct_hist_run(&s, &tool);
}
