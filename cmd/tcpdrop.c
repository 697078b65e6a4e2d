// SPDX-License-Identifier: Apache-2.0
/*
 * tcpdrop: trace the TCP segments the kernel drops, one line each with the socket's state and
 * the segment's flags, then the kernel stack of the drop.
 *
 * Interface of BCC's tcpdrop by Brendan Gregg; written anew, with --json (and the kernel's
 * drop reason there).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "stack.h"
#include "tcp.h"
#include "tcpdrop.h"

/* drop reasons named by the tracepoint's format (`{ 42, "TCP_INVALID_SEQUENCE" }`) */
#define TCPDROP_MAX_REASONS 512

static struct tcpdrop_env {
	struct bct_env kit;
	bool ipv4;
	bool ipv6;
	struct bct_stacks stacks;
	char *reasons[TCPDROP_MAX_REASONS];
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('4', "ipv4", &env.ipv4, "trace IPv4 family only"),
	BCT_FLAG('6', "ipv6", &env.ipv6, "trace IPv6 family only"),
	{ 0 },
};

static const char doc[] = "Trace TCP drops by the kernel\n"
			  "\v"
			  "examples:\n"
			  "    tcpdrop           # trace kernel TCP drops\n"
			  "    tcpdrop -4        # trace IPv4 family only\n"
			  "    tcpdrop -6        # trace IPv6 family only\n"
			  "    tcpdrop --json    # one JSON object per drop, with its reason\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_END:
		if (env.ipv4 && env.ipv6)
			argp_error(state,
				   "argument -6/--ipv6: not allowed with argument -4/--ipv4");
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

/* --- attach methods: every program in bpf-src/tcpdrop.bpf.c ------------------------------ */

static const struct bct_method methods[] = {
	{ .name = "kprobe", .progs = BCT_PROGS({ "kp_tcp_drop", "kprobe/tcp_drop" }) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "tp_kfree_skb", "tracepoint/skb/kfree_skb" }),
	  .approx = "drops with a reason beyond NOT_SPECIFIED, as BCC's own fallback" },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "TCP drops", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_tcpdrop = {
	.src_name = "tcpdrop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/* BCC's "%-8s %-7d %-2d %-20s > %-20s %s (%s)", then one "\t%s" line a frame, then "". */
static const struct bct_col cols[] = {
	{ "TIME", "time", 8, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "IP", "ip", 2, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "SADDR:SPORT", "saddr_sport", 20, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "SADDR", "saddr", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "SPORT", "sport", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ ">", "arrow", 1, BCT_COL_STR, BCT_COL_TEXT_ONLY, 0 },
	{ "DADDR:DPORT", "daddr_dport", 20, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "DADDR", "daddr", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "DPORT", "dport", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "STATE", "state", 0, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "(FLAGS)", "flags_text", 0, BCT_COL_STR, BCT_COL_TEXT_ONLY, 0 },
	{ "FLAGS", "flags", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "REASON", "reason", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "STACK", "stack", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ NULL },
};

/* BCC's bcc.tcp.flags2str(): the set flags joined by "|", in header order */
static void flags_str(unsigned int f, char *buf, size_t sz)
{
	static const char *const names[] = {
		"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"
	};
	size_t len = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < 8; i++)
		if (f & (1u << i))
			len += snprintf(buf + len, len < sz ? sz - len : 0, "%s%s", len ? "|" : "",
					names[i]);
}

/* Reads the reason names from skb:kfree_skb's print format; without it, numbers are shown. */
static void load_reasons(void)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/events/skb/kfree_skb/format",
		"/sys/kernel/debug/tracing/events/skb/kfree_skb/format",
	};
	char name[128], *text = NULL, *p;
	size_t cap = 0, len = 0, n;
	unsigned int v;
	FILE *f = NULL;
	int i;

	for (i = 0; i < 2 && !f; i++)
		f = fopen(paths[i], "r");
	if (!f)
		return;
	for (;;) {
		if (len + 4096 > cap) {
			char *t = realloc(text, cap + 65536);

			if (!t)
				break;
			text = t;
			cap += 65536;
		}
		n = fread(text + len, 1, cap - len - 1, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	if (!text)
		return;
	text[len] = 0;
	p = strstr(text, "__print_symbolic(REC->reason");
	while (p && (p = strstr(p, "{ ")) != NULL) {
		if (sscanf(p, "{ %u, \"%127[^\"]\" }", &v, name) == 2 && v < TCPDROP_MAX_REASONS &&
		    !env.reasons[v])
			env.reasons[v] = strdup(name);
		p += 2;
	}
	free(text);
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct tcpdrop_event *e = data;
	char hms[16], sa[64], da[64], sap[80], dap[80], sb[16], fl[64], flp[72], rb[16];
	char stack[4096], frame[256];
	uint64_t ips[BCT_STACK_MAX_DEPTH];
	const char *reason = NULL;
	size_t slen = 0;
	struct tm tm;
	time_t now;
	int n = 0, i, err;

	if (size < sizeof(*e))
		return 0;
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	bct_tcp_addr(e->family, e->saddr, sa, sizeof(sa));
	bct_tcp_addr(e->family, e->daddr, da, sizeof(da));
	snprintf(sap, sizeof(sap), "%s:%u", sa, e->sport);
	snprintf(dap, sizeof(dap), "%s:%u", da, e->dport);
	flags_str(e->tcpflags, fl, sizeof(fl));
	snprintf(flp, sizeof(flp), "(%s)", fl);
	if (e->reason) {
		reason = e->reason < TCPDROP_MAX_REASONS ? env.reasons[e->reason] : NULL;
		if (!reason) {
			snprintf(rb, sizeof(rb), "%u", e->reason);
			reason = rb;
		}
	}
	if (e->stack_id >= 0)
		n = bct_stack_read(env.stacks.map_fd, e->stack_id, ips, BCT_STACK_MAX_DEPTH);
	stack[0] = 0;
	for (i = 0; i < n; i++) {
		bct_ksyms_name(env.stacks.ksyms, ips[i], true, frame, sizeof(frame));
		slen += snprintf(stack + slen, slen < sizeof(stack) ? sizeof(stack) - slen : 0,
				 "%s%s", i ? ";" : "", frame);
	}

	bct_out__str(out, hms);
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->family);
	bct_out__str(out, sap);
	bct_out__str(out, sa);
	bct_out__uint(out, e->sport);
	bct_out__str(out, ">");
	bct_out__str(out, dap);
	bct_out__str(out, da);
	bct_out__uint(out, e->dport);
	bct_out__str(out, bct_tcp_state_name(e->state, sb, sizeof(sb)));
	bct_out__str(out, flp);
	bct_out__str(out, fl);
	if (reason)
		bct_out__str(out, reason);
	else
		bct_out__none(out);
	bct_out__str(out, stack);
	err = bct_out__end(out);
	if (err || bct_out__json(out))
		return err;
	/* BCC walks the stack one frame a line, then an empty line */
	for (i = 0; i < n; i++)
		printf("\t%s\n",
		       bct_ksyms_name(env.stacks.ksyms, ips[i], true, frame, sizeof(frame)));
	printf("\n");
	return 0;
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.ipv4)
		err = bct_prog__define(p, "TCP_FAMILY", "2");
	if (env.ipv6)
		err = bct_prog__define(p, "TCP_FAMILY", "10");
	return err;
}

static int after_load(struct bct_prog *p, void *ctx)
{
	struct bct_stack_fmt fmt = { .kernel_only = true };

	return bct_stacks_init(&env.stacks, &fmt, bct_prog__map_fd(p, "stack_traces"));
}

int cmd_tcpdrop(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	char why[256];
	int rc, i;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	/* BCC's words when it falls back from tcp_drop() to the tracepoint */
	if (!bct_method_available(&methods[0], why, sizeof(why)))
		tool.banner = "WARNING: tcp_drop() kernel function not found or traceable. Use "
			      "tracpoint:skb:kfree_skb instead.";
	load_reasons();
	if (bct_session__init(&s, &env.kit, &needs_tcpdrop, NULL))
		return 1;
	rc = bct_events_run(&s, &tool);
	bct_stacks_free(&env.stacks);
	for (i = 0; i < TCPDROP_MAX_REASONS; i++)
		free(env.reasons[i]);
	return rc;
}
