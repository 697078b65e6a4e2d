// SPDX-License-Identifier: Apache-2.0
/*
 * solisten: trace listen() on TCP sockets, one line per call, with the backlog, port and
 * address.
 *
 * Interface of BCC's solisten by Jean-Tiare Le Bigot; written anew, with --json.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "events.h"
#include "prog.h"
#include "solisten.h"
#include "tcp.h"

#define K_SHOW_NETNS 0x100

static struct solisten_env {
	struct bct_env kit;
	bool show_netns;
	uint64_t netns;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG(K_SHOW_NETNS, "show-netns", &env.show_netns, "show network namespace"),
	BCT_CUSTOM('n', "netns", "NETNS", "trace this Network Namespace only"),
	{ 0 },
};

static const char doc[] =
	"Stream sockets listen\n"
	"\v"
	"Examples:\n"
	"    ./solisten.py              # Stream socket listen\n"
	"    ./solisten.py -p 1234      # Stream socket listen for specified PID only\n"
	"    ./solisten.py --netns 4242 # \" for the specified network namespace ID "
	"only\n"
	"    ./solisten.py --show-netns # Show network ns ID (useful for containers)\n"
	"    ./solisten.py --json       # one JSON object per listen()\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case 'n':
		errno = 0;
		env.netns = strtoull(arg, &end, 10);
		if (!*arg || *end || errno || *arg == '-')
			argp_error(state, "argument -n/--netns: invalid int value: '%s'", arg);
		return 0;
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

/* --- attach methods: every program in bpf-src/solisten.bpf.c ---------------------------- */

static const struct bct_method methods[] = {
	{ .name = "kprobe", .progs = BCT_PROGS(BCT_PROG("kp_inet_listen", "kprobe/inet_listen")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_set_state", "tracepoint/sock/inet_sock_set_state"),
			     BCT_PROG("tp_enter_listen", "tracepoint/syscalls/sys_enter_listen"),
			     BCT_PROG("tp_exit_listen", "tracepoint/syscalls/sys_exit_listen")),
	  .approx = "the port listen() bound, not 0; no re-listen by the kernel" },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "TCP listen", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_solisten = {
	.src_name = "solisten.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/* BCC's "%-7d %-12.12s %-12d %-6s %-8d %-5d %-39s" (NETNS with --show-netns only) */
static const struct bct_col cols[] = {
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 12, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "NETNS", "netns", 12, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "PROTO", "proto", 6, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "BACKLOG", "backlog", 8, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ "PORT", "port", 5, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "ADDR", "addr", 39, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	bct_out__show(out, "netns", env.show_netns || bct_out__json(out));
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct solisten_event *e = data;
	unsigned int family = e->family == 2 ? 4 : 6;
	char addr[64];

	if (size < sizeof(*e))
		return 0;
	bct_tcp_addr(family, e->addr, addr, sizeof(addr));
	bct_out__uint(out, e->pid);
	bct_out__strn(out, e->comm, bct_out__json(out) ? sizeof(e->comm) : 12);
	bct_out__uint(out, e->netns);
	bct_out__str(out, family == 4 ? "TCPv4" : "TCPv6");
	bct_out__int(out, e->backlog);
	bct_out__uint(out, e->lport);
	bct_out__str(out, addr);
	return bct_out__end(out);
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	if (env.netns)
		return bct_prog__define(p, "SOLISTEN_NETNS", "%" PRIu64 "ULL", env.netns);
	return 0;
}

int cmd_solisten(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_solisten, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
