// SPDX-License-Identifier: Apache-2.0
/*
 * tcpsynbl: the TCP accept backlog as each handshake completes, a log2 histogram per backlog
 * limit, printed at Ctrl-C.
 *
 * Interface of BCC's tcpsynbl by Brendan Gregg; written anew, with --json.
 */
#include <inttypes.h>
#include <stdio.h>

#include "cmd.h"
#include "histtool.h"
#include "prog.h"
#include "tcp.h"

static struct tcpsynbl_env {
	struct bct_env kit;
	struct bct_tcp_opts tcp; /* -4/-6 and the port lists (lib/tcp.h) */
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('4', "ipv4", &env.tcp.ipv4, "trace IPv4 family only"),
	BCT_FLAG('6', "ipv6", &env.tcp.ipv6, "trace IPv6 family only"),
	{ 0 },
};

static const char doc[] = "Show TCP SYN backlog.\n"
			  "\v"
			  "examples:\n"
			  "    ./tcpsynbl          # trace syn backlog\n"
			  "    ./tcpsynbl -4       # trace IPv4 family only\n"
			  "    ./tcpsynbl -6       # trace IPv6 family only\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key == ARGP_KEY_END && env.tcp.ipv4 && env.tcp.ipv6)
		argp_error(state, "argument -6/--ipv6: not allowed with argument -4/--ipv4");
	if (key == ARGP_KEY_END)
		return ARGP_ERR_UNKNOWN;
	return bct_no_args(key, arg, state);
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.doc = doc,
};

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("kp_v4_syn_recv", "kprobe/tcp_v4_syn_recv_sock"),
			     BCT_PROG("kp_v6_syn_recv", "kprobe/tcp_v6_syn_recv_sock")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_set_state", "tracepoint/sock/inet_sock_set_state")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "TCP handshakes completed", methods, false }, { NULL } };

const struct bct_needs needs_tcpsynbl = {
	.src_name = "tcpsynbl.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

static void key_name(void *ctx, const void *key, char *buf, size_t sz)
{
	snprintf(buf, sz, "%" PRIu64, *(const uint64_t *)key);
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	if (env.tcp.ipv4)
		return bct_prog__define(p, "TCP_FAMILY", "2");
	if (env.tcp.ipv6)
		return bct_prog__define(p, "TCP_FAMILY", "10");
	return 0;
}

int cmd_tcpsynbl(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.unit = "backlog",
		.section = "backlog_max",
		.section_number = true,
		.key_name = key_name,
		.banner = "Tracing SYN backlog size. Ctrl-C to end.",
		.missed_what = "handshakes",
	};
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_tcpsynbl, NULL))
		return 1;
	return bct_hist_run(&s, &tool);
}
