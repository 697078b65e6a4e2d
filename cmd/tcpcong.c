// SPDX-License-Identifier: Apache-2.0
/*
 * tcpcong: summarize the time TCP connections spend in each congestion control state, per
 * connection or as histograms, per interval.
 *
 * Interface of BCC's tcpcong (jacky gan); written anew, with --json.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>

#include "cmd.h"
#include "histtool.h"
#include "json.h"
#include "log.h"
#include "prog.h"
#include "tcp.h"
#include "tcpcong.h"

/* a -L or -R range */
struct port_range {
	const char *arg;
	long lo, hi;
};

static struct tcpcong_env {
	struct bct_env kit; /* -T, [interval [outputs]], --json... */
	struct port_range lports, rports;
	bool dist; /* -d */
	bool micro; /* -u */
} env;

static const struct bct_opt opts[] = {
	BCT_STRING('L', "localport", "LOCALPORT", &env.lports.arg, "trace local ports only"),
	BCT_STRING('R', "remoteport", "REMOTEPORT", &env.rports.arg, "trace the dest ports only"),
	BCT_FLAG('d', "dist", &env.dist, "show distributions as histograms"),
	BCT_FLAG('u', "microseconds", &env.micro, "output in microseconds"),
	{ 0 },
};

static const char doc[] =
	"Summarize tcp socket congestion control status duration\n"
	"\v"
	"examples:\n"
	"    ./tcpcong                 # show tcp congestion status duration\n"
	"    ./tcpcong 1 10            # show 1 second summaries, 10 times\n"
	"    ./tcpcong -L 3000-3006 1  # 1s summaries, local port 3000-3006\n"
	"    ./tcpcong -R 5000-5005 1  # 1s summaries, remote port 5000-5005\n"
	"    ./tcpcong -uT 1           # 1s summaries, microseconds, and timestamps\n"
	"    ./tcpcong -d              # show the duration as histograms\n";

/* "3000" or "3000-3006" (either order, as BCC takes it) */
static void parse_range(struct argp_state *state, struct port_range *r, const char *what)
{
	char *end;
	const char *s = r->arg;

	r->lo = strtol(s, &end, 10);
	r->hi = r->lo;
	if (end != s && *end == '-') {
		s = end + 1;
		r->hi = strtol(s, &end, 10);
	}
	if (end == s || *end || r->lo < 0 || r->lo > 65535 || r->hi < 0 || r->hi > 65535)
		argp_error(state, "unrecognized %s port range: '%s'", what, r->arg);
	if (r->lo > r->hi) {
		long t = r->lo;

		r->lo = r->hi;
		r->hi = t;
	}
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_END:
		if (env.lports.arg)
			parse_range(state, &env.lports, "local");
		if (env.rports.arg)
			parse_range(state, &env.rports, "remote");
		return ARGP_ERR_UNKNOWN;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[interval] [outputs]",
	.doc = doc,
	.shared = { .timestamp = 'T', .interval = true },
};

/* --- attach methods: every program in bpf-src/tcpcong.bpf.c ------------------------------ */

static const struct bct_method methods[] = {
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "tp_cong_state_set", "tracepoint/tcp/tcp_cong_state_set" }) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "TCP congestion state changes", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_tcpcong = {
	.src_name = "tcpcong.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

static const char *const state_names[TCPCONG_STATES] = { "open", "disorder", "cwr", "recovery",
							 "loss" };

static void key_name(void *ctx, const void *key, char *buf, size_t sz)
{
	uint32_t s = ((const struct tcpcong_state_key *)key)->state;

	if (s < TCPCONG_STATES)
		snprintf(buf, sz, "%s", state_names[s]);
	else
		snprintf(buf, sz, "%" PRIu32, s);
}

static int cmp_lport(const void *a, const void *b)
{
	const struct tcpcong_flow *x = (*(const struct bct_hist_entry *const *)a)->key;
	const struct tcpcong_flow *y = (*(const struct bct_hist_entry *const *)b)->key;

	return (int)x->lport - (int)y->lport;
}

/* BCC's slot order in a row: open, disorder, recovery, cwr, loss */
static const int row_order[TCPCONG_STATES] = { 0, 1, 3, 2, 4 };

static uint64_t in_unit(uint64_t us)
{
	return env.micro ? us : us / 1000;
}

static void print_json_row(FILE *out, const char *ts, const struct bct_hist_entry *e)
{
	const struct tcpcong_flow *k = e->key;
	char laddr[64], raddr[64];
	struct bct_json j;
	int i;

	bct_tcp_addr(k->family, k->saddr, laddr, sizeof(laddr));
	bct_tcp_addr(k->family, k->daddr, raddr, sizeof(raddr));
	bct_json_begin(&j, out);
	bct_json_str(&j, "ts", ts);
	bct_json_uint(&j, "ip", k->family);
	bct_json_str(&j, "laddr", laddr);
	bct_json_uint(&j, "lport", k->lport);
	bct_json_str(&j, "raddr", raddr);
	bct_json_uint(&j, "rport", k->dport);
	bct_json_str(&j, "unit", env.micro ? "us" : "ms");
	for (i = 0; i < TCPCONG_STATES; i++)
		bct_json_uint(&j, state_names[i], in_unit(e->slots[i]));
	bct_json_uint(&j, "changes", e->slots[TCPCONG_CHANGES]);
	bct_json_end(&j);
}

static void print_family(FILE *out, const struct bct_hist_entry **v, size_t n, int family)
{
	const char *u = env.micro ? "us" : "ms";
	char h[5][16], a[80], b[80], addr[64];
	bool any = false;
	size_t i;
	int s;

	for (i = 0; i < n; i++)
		any |= ((const struct tcpcong_flow *)v[i]->key)->family == family;
	if (!any)
		return;
	snprintf(h[0], sizeof(h[0]), "Open_%s", u);
	snprintf(h[1], sizeof(h[1]), "Dod_%s", u);
	snprintf(h[2], sizeof(h[2]), "Rcov_%s", u);
	snprintf(h[3], sizeof(h[3]), "Cwr_%s", u);
	snprintf(h[4], sizeof(h[4]), "Los_%s", u);
	if (family == 4)
		fprintf(out, "%-21s%-21s %-7s %-6s %-7s %-7s %-6s %-5s\n", "LAddrPort", "RAddrPort",
			h[0], h[1], h[2], h[3], h[4], "Chgs");
	else
		fprintf(out, "%-32s %-32s %-7s %-6s %-7s %-7s %-6s %-5s\n", "LAddrPort6",
			"RAddrPort6", h[0], h[1], h[2], h[3], h[4], "Chgs");
	for (i = 0; i < n; i++) {
		const struct tcpcong_flow *k = v[i]->key;
		uint64_t d[TCPCONG_STATES];

		if (k->family != family || !v[i]->slots[TCPCONG_CHANGES])
			continue;
		for (s = 0; s < TCPCONG_STATES; s++)
			d[s] = in_unit(v[i]->slots[row_order[s]]);
		snprintf(a, sizeof(a), "%s/%u", bct_tcp_addr(family, k->saddr, addr, sizeof(addr)),
			 k->lport);
		snprintf(b, sizeof(b), "%s/%u", bct_tcp_addr(family, k->daddr, addr, sizeof(addr)),
			 k->dport);
		/* BCC's own widths, which differ between the families */
		if (family == 4)
			fprintf(out,
				"%-21s %-21s %-7" PRIu64 " %-6" PRIu64 " %-7" PRIu64 " %-7" PRIu64
				" %-6" PRIu64 " %-5" PRIu64 "\n",
				a, b, d[0], d[1], d[2], d[3], d[4], v[i]->slots[TCPCONG_CHANGES]);
		else
			fprintf(out,
				"%-32s %-32s %-7" PRIu64 " %-7" PRIu64 " %-7" PRIu64 " %-6" PRIu64
				" %-6" PRIu64 " %-5" PRIu64 "\n",
				a, b, d[0], d[1], d[2], d[3], d[4], v[i]->slots[TCPCONG_CHANGES]);
	}
}

/* The table of an interval: BCC's blank line, -T time, then IPv4 and IPv6 connections. */
static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	const struct bct_hist_entry **sorted = n ? calloc(n, sizeof(*sorted)) : NULL;
	time_t now = time(NULL);
	char ts[32];
	size_t i;

	if (n && !sorted) {
		pr_err("cannot print the table: %s", strerror(ENOMEM));
		return;
	}
	for (i = 0; i < n; i++)
		sorted[i] = &v[i];
	if (n > 1)
		qsort(sorted, n, sizeof(*sorted), cmp_lport);
	if (env.kit.common.json) {
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
		for (i = 0; i < n; i++)
			if (sorted[i]->slots[TCPCONG_CHANGES])
				print_json_row(out, ts, sorted[i]);
	} else {
		fputc('\n', out);
		if (env.kit.timestamp) {
			strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
			fprintf(out, "%-8s\n", ts);
		}
		print_family(out, sorted, n, 4);
		print_family(out, sorted, n, 6);
	}
	free(sorted);
}

/* --- bcctool serve: time in each state and changes, by connection --------------------- */

static const struct bct_serve_counter serve_counters[] = {
	{ "open_seconds", TCPCONG_OPEN, "usecs", "time in the open state, by connection" },
	{ "disorder_seconds", TCPCONG_OPEN + 1, "usecs", "time in the disorder state" },
	{ "cwr_seconds", TCPCONG_OPEN + 2, "usecs", "time in the cwr state" },
	{ "recovery_seconds", TCPCONG_OPEN + 3, "usecs", "time in the recovery state" },
	{ "loss_seconds", TCPCONG_OPEN + 4, "usecs", "time in the loss state" },
	{ "state_changes", TCPCONG_CHANGES, NULL, "congestion state changes" },
	{ NULL },
};

static bool serve_key(void *ctx, const struct bct_hist_entry *e, char (*val)[BCT_SERVE_LABEL_LEN])
{
	const struct tcpcong_flow *k = e->key;

	(void)ctx;
	if (!e->slots[TCPCONG_CHANGES])
		return false; /* as the table: flows without a change are not shown */
	bct_tcp_addr(k->family, k->saddr, val[0], BCT_SERVE_LABEL_LEN);
	snprintf(val[1], BCT_SERVE_LABEL_LEN, "%u", k->lport);
	bct_tcp_addr(k->family, k->daddr, val[2], BCT_SERVE_LABEL_LEN);
	snprintf(val[3], BCT_SERVE_LABEL_LEN, "%u", k->dport);
	return true;
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.dist)
		err = bct_prog__define(p, "TCPCONG_DIST", "1");
	if (!err && env.dist && !env.micro)
		err = bct_prog__define(p, "TCPCONG_MS", "1");
	if (!err && env.lports.arg)
		err = bct_prog__define(p, "TCPCONG_LPORT_MIN", "%ld", env.lports.lo)
			      ?: bct_prog__define(p, "TCPCONG_LPORT_MAX", "%ld", env.lports.hi);
	if (!err && env.rports.arg)
		err = bct_prog__define(p, "TCPCONG_RPORT_MIN", "%ld", env.rports.lo)
			      ?: bct_prog__define(p, "TCPCONG_RPORT_MAX", "%ld", env.rports.hi);
	return err;
}

int cmd_tcpcong(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.unit = "msecs",
		.banner = "Tracing tcp congestion control status duration... Hit Ctrl-C to end.",
		.missed_what = "congestion state changes",

	};
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.dist) {
		tool.section = "tcp_congest_state";
		tool.key_name = key_name;
		if (env.micro)
			tool.unit = "usecs";
	} else {
		tool.print = print;
		tool.serve_counters = serve_counters;
		tool.serve_key = serve_key;
		tool.serve_labels[0] = "laddr";
		tool.serve_labels[1] = "lport";
		tool.serve_labels[2] = "raddr";
		tool.serve_labels[3] = "rport";
		tool.serve_rows = 20;
	}
	if (bct_session__init(&s, &env.kit, &needs_tcpcong, NULL))
		return 1;
	return bct_hist_run(&s, &tool);
}
