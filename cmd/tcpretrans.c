// SPDX-License-Identifier: Apache-2.0
/*
 * tcpretrans: trace TCP retransmits (and tail loss probes with -l), one line each, or with -c
 * count them per flow until Ctrl-C.
 *
 * Interface of BCC's tcpretrans by Brendan Gregg and Matthias Tafelmeier; written anew, with
 * --json.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "signals.h"
#include "stack.h"
#include "tcp.h"
#include "tcpretrans.h"

static struct tcpretrans_env {
	struct bct_env kit;
	bool sequence;
	bool lossprobe;
	bool count;
	bool ipv4;
	bool ipv6;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('s', "sequence", &env.sequence, "display TCP sequence numbers"),
	BCT_FLAG('l', "lossprobe", &env.lossprobe, "include tail loss probe attempts"),
	BCT_FLAG('c', "count", &env.count, "count occurred retransmits per flow"),
	BCT_FLAG('4', "ipv4", &env.ipv4, "trace IPv4 family only"),
	BCT_FLAG('6', "ipv6", &env.ipv6, "trace IPv6 family only"),
	{ 0 },
};

static const char doc[] = "Trace TCP retransmits\n"
			  "\v"
			  "examples:\n"
			  "    tcpretrans           # trace TCP retransmits\n"
			  "    tcpretrans -l        # include TLP attempts\n"
			  "    tcpretrans -4        # trace IPv4 family only\n"
			  "    tcpretrans -6        # trace IPv6 family only\n"
			  "    tcpretrans -c        # count retransmits per flow until Ctrl-C\n"
			  "    tcpretrans --json    # one JSON object per retransmit\n";

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

/* --- attach methods: every program in bpf-src/tcpretrans.bpf.c --------------------------- */

static const struct bct_method retrans_methods[] = {
	{ .name = "kprobe", .progs = BCT_PROGS({ "kp_retransmit", "kprobe/tcp_retransmit_skb" }) },
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("btf_retransmit", "tp_btf/tcp_retransmit_skb")) },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("raw_retransmit", "raw_tp/tcp_retransmit_skb")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "tp_retransmit", "tracepoint/tcp/tcp_retransmit_skb" }) },
	{ NULL },
};

static const struct bct_method tlp_methods[] = {
	{ .name = "kprobe", .progs = BCT_PROGS({ "kp_tlp", "kprobe/tcp_send_loss_probe" }) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "TCP retransmits", retrans_methods, false },
	{ NULL, NULL, false },
};

static const struct bct_hook hooks_l[] = {
	{ "TCP retransmits", retrans_methods, false },
	{ "TCP tail loss probes", tlp_methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_tcpretrans = {
	.src_name = "tcpretrans.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { "-l", hooks_l }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/*
 * BCC's "%-8s %-7d %-2d %-20s %1s> %-20s", then " %s" (STATE), or with -s " %-12s %s"
 * (STATE SEQ); its header pads STATE to 4 and SEQ to 10.
 */
static struct bct_col cols[] = {
	{ "TIME", "time", 8, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "IP", "ip", 2, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "LADDR:LPORT", "laddr_lport", 20, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "LADDR", "laddr", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "LPORT", "lport", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "T>", "t", 2, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "T", "type", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "RADDR:RPORT", "raddr_rport", 20, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "RADDR", "raddr", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "RPORT", "rport", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "STATE", "state", 4, BCT_COL_STR, BCT_COL_LEFT, 0 },
	/* BCC pads the header's SEQ to 10, not the values */
	{ "SEQ       ", "seq", 0, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	bct_out__show(out, "seq", env.sequence || bct_out__json(out));
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct tcpretrans_event *e = data;
	char hms[16], la[64], ra[64], lap[80], rap[80], sb[16];
	struct tm tm;
	time_t now;

	if (size < sizeof(*e))
		return 0;
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	bct_tcp_addr(e->family, e->saddr, la, sizeof(la));
	bct_tcp_addr(e->family, e->daddr, ra, sizeof(ra));
	snprintf(lap, sizeof(lap), "%s:%u", la, e->lport);
	snprintf(rap, sizeof(rap), "%s:%u", ra, e->rport);

	bct_out__str(out, hms);
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->family);
	bct_out__str(out, lap);
	bct_out__str(out, la);
	bct_out__uint(out, e->lport);
	bct_out__str(out, e->type == TCPRETRANS_TLP ? "L>" : "R>");
	bct_out__str(out, e->type == TCPRETRANS_TLP ? "L" : "R");
	bct_out__str(out, rap);
	bct_out__str(out, ra);
	bct_out__uint(out, e->rport);
	bct_out__str(out, bct_tcp_state_name(e->state, sb, sizeof(sb)));
	bct_out__uint(out, e->seq);
	return bct_out__end(out);
}

/* --- -c: the count per flow, at Ctrl-C ---------------------------------------------------- */

struct flow_count {
	struct tcpretrans_key k;
	uint64_t n;
};

static int by_count(const void *a, const void *b)
{
	const struct flow_count *x = a, *y = b;

	return x->n < y->n ? -1 : x->n > y->n;
}

/* BCC prints the IPv4 flows, then the IPv6 ones, each table by count, smallest first. */
static void print_family(const struct flow_count *fc, size_t n, unsigned int family)
{
	char la[64], ra[64], lep[96], rep[96];
	size_t i;

	for (i = 0; i < n; i++) {
		if (fc[i].k.family != family)
			continue;
		bct_tcp_addr(family, fc[i].k.saddr, la, sizeof(la));
		bct_tcp_addr(family, fc[i].k.daddr, ra, sizeof(ra));
		if (env.kit.common.json) {
			printf("{\"ip\":%u,\"laddr\":\"%s\",\"lport\":%u,\"raddr\":\"%s\","
			       "\"rport\":%u,\"retransmits\":%" PRIu64 "}\n",
			       family, la, fc[i].k.lport, ra, fc[i].k.rport, fc[i].n);
			continue;
		}
		snprintf(lep, sizeof(lep), "[%s]#%u", la, fc[i].k.lport);
		snprintf(rep, sizeof(rep), "[%s]#%u", ra, fc[i].k.rport);
		printf("%-20s <-> %-20s %10" PRIu64 "\n", lep, rep, fc[i].n);
	}
}

static int print_counts(struct bct_session *s)
{
	int fd = bct_prog__map_fd(s->prog, "counts");
	struct tcpretrans_key key, next;
	struct flow_count *fc = NULL, *nfc;
	size_t n = 0, cap = 0;
	int err;

	if (fd < 0) {
		pr_err("cannot find the counts map: %s", strerror(-fd));
		return fd;
	}
	for (err = bpf_map_get_next_key(fd, NULL, &next); !err;
	     err = bpf_map_get_next_key(fd, &key, &next)) {
		key = next;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			nfc = realloc(fc, cap * sizeof(*fc));
			if (!nfc) {
				free(fc);
				pr_err("cannot read the counts: %s", strerror(ENOMEM));
				return -ENOMEM;
			}
			fc = nfc;
		}
		if (bpf_map_lookup_elem(fd, &key, &fc[n].n))
			continue;
		fc[n++].k = key;
	}
	if (n)
		qsort(fc, n, sizeof(*fc), by_count);
	if (!env.kit.common.json)
		printf("\n%-25s %-25s %-10s\n", "LADDR:LPORT", "RADDR:RPORT", "RETRANSMITS");
	print_family(fc, n, 4);
	print_family(fc, n, 6);
	free(fc);
	return fflush(stdout) ? -errno : 0;
}

static int run_count(struct bct_session *s)
{
	int err;

	if (env.kit.common.ebpf) {
		err = bct_session__print_source(s);
		bct_session__stop(s);
		return err ? 1 : 0;
	}
	err = bct_session__start(s);
	if (!err)
		err = bct_session__go(s);
	if (err) {
		bct_session__stop(s);
		return err == -EINTR && bct_exiting ? 0 : 1;
	}
	if (!env.kit.common.json) {
		printf("Tracing retransmits ... Hit Ctrl-C to end\n");
		fflush(stdout);
	}
	bct_stack_wait(0);
	err = print_counts(s);
	bct_session__stop(s);
	return err ? 1 : 0;
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.ipv4)
		err = bct_prog__define(p, "TCP_FAMILY", "2");
	if (env.ipv6)
		err = bct_prog__define(p, "TCP_FAMILY", "10");
	if (env.count)
		err = err ?: bct_prog__define(p, "TCPRETRANS_COUNT", NULL);
	if (env.lossprobe)
		err = err ?: bct_prog__define(p, "TCPRETRANS_LOSSPROBE", NULL);
	return err;
}

int cmd_tcpretrans(int argc, char **argv)
{
	struct bct_event_tool tool = {
		.cols = cols,
		.columns = columns,
		.on_event = on_event,
		.banner = "Tracing retransmits ... Hit Ctrl-C to end",
	};
	struct bct_session s = { .add_defines = add_defines };
	char why[256];
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.lossprobe && !env.kit.common.ebpf &&
	    !bct_method_available(&tlp_methods[0], why, sizeof(why))) {
		pr_err("-l needs a kprobe on tcp_send_loss_probe, which this kernel cannot "
		       "attach (%s); run without -l",
		       why);
		return 1;
	}
	if (bct_session__init(&s, &env.kit, &needs_tcpretrans, env.lossprobe ? hooks_l : NULL))
		return 1;
	if (env.count)
		return run_count(&s);
	if (env.sequence)
		cols[11].width = 12; /* STATE: BCC's " %-12s %s" */
	return bct_events_run(&s, &tool);
}
