// SPDX-License-Identifier: Apache-2.0
/*
 * tcptop: TCP throughput by process and connection, top-like, per interval.
 *
 * Interface of BCC's tcptop by Brendan Gregg; written anew, with --json. The bytes are counted
 * in the kernel as the histogram kit's entries (lib/histtool.h drains them each interval, so
 * nothing counted meanwhile is lost); this file sorts and prints them as BCC does: an IPv4
 * table, then an IPv6 table, each only when it has rows.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>

#include "cmd.h"
#include "histtool.h"
#include "json.h"
#include "log.h"
#include "prog.h"
#include "top.h"
#include "tcptop.h"

static struct tcptop_env {
	struct bct_env kit; /* -p, --cgroupmap, --mntnsmap, [interval [count]], --json... */
	bool noclear;
	bool nosummary;
	bool ipv4;
	bool ipv6;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('C', "noclear", &env.noclear, "don't clear the screen"),
	BCT_FLAG('S', "nosummary", &env.nosummary, "skip system summary line"),
	BCT_CUSTOM('4', "ipv4", NULL, "trace IPv4 family only"),
	BCT_CUSTOM('6', "ipv6", NULL, "trace IPv6 family only"),
	{ 0 },
};

static const char doc[] =
	"Summarize TCP send/recv throughput by host\n"
	"\v"
	"examples:\n"
	"    tcptop           # trace TCP send/recv by host\n"
	"    tcptop -C        # don't clear the screen\n"
	"    tcptop -p 181    # only trace PID 181\n"
	"    tcptop --cgroupmap mappath  # only trace cgroups in this BPF map\n"
	"    tcptop --mntnsmap mappath   # only trace mount namespaces in the map\n"
	"    tcptop -4        # trace IPv4 family only\n"
	"    tcptop -6        # trace IPv6 family only\n"
	"    tcptop --json 5 1  # one JSON object per row, once after 5 seconds\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	switch (key) {
	case '4':
		if (env.ipv6)
			argp_error(state,
				   "argument -4/--ipv4: not allowed with argument -6/--ipv6");
		env.ipv4 = true;
		break;
	case '6':
		if (env.ipv4)
			argp_error(state,
				   "argument -6/--ipv6: not allowed with argument -4/--ipv4");
		env.ipv6 = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[interval [count]]",
	.doc = doc,
	.shared = { .pid = 'p', .cgroupmap = true, .interval = true },
};

/* --- attach methods: every program in bpf-src/tcptop.bpf.c -------------------------------- */

#define SOCK_APPROX \
	"socket-layer bytes (sendmsg/recvmsg results): splice, kTLS and sockmap receives missed"

static const struct bct_method send_methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("tt_send_kp", "kprobe/tcp_sendmsg"),
			     BCT_PROG("tt_send_krp", "kretprobe/tcp_sendmsg")) },
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("tt_send_btf", "tp_btf/sock_send_length")),
	  .approx = SOCK_APPROX },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("tt_send_raw", "raw_tp/sock_send_length")),
	  .approx = SOCK_APPROX },
	{ NULL },
};

static const struct bct_method recv_methods[] = {
	{ .name = "kprobe", .progs = BCT_PROGS(BCT_PROG("tt_recv_kp", "kprobe/tcp_cleanup_rbuf")) },
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("tt_recv_btf", "tp_btf/sock_recv_length")),
	  .approx = SOCK_APPROX },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("tt_recv_raw", "raw_tp/sock_recv_length")),
	  .approx = SOCK_APPROX },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "TCP sends", send_methods, false },
	{ "TCP receives", recv_methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_tcptop = {
	.src_name = "tcptop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

static int add_defines(struct bct_prog *p, void *ctx)
{
	(void)ctx;
	if (env.ipv4)
		return bct_prog__define(p, "TCPTOP_FAMILY", "%d", AF_INET);
	if (env.ipv6)
		return bct_prog__define(p, "TCPTOP_FAMILY", "%d", AF_INET6);
	return 0;
}

/* --- output ------------------------------------------------------------------------------- */

struct row {
	const struct tcptop_key *k;
	uint64_t rx, tx;
	char comm[TCPTOP_COMM_LEN + 1];
	char laddr[INET6_ADDRSTRLEN];
	char raddr[INET6_ADDRSTRLEN];
};

/* BCC's order: the most bytes (sent plus received) first; ties by PID, then port, to be stable. */
static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->rx + x->tx != y->rx + y->tx)
		return x->rx + x->tx > y->rx + y->tx ? -1 : 1;
	if (x->k->pid != y->k->pid)
		return x->k->pid < y->k->pid ? -1 : 1;
	return (int)x->k->lport - (int)y->k->lport;
}

static void print_json(FILE *out, const char *ts, const struct row *r)
{
	struct bct_json j;

	bct_json_begin(&j, out);
	bct_json_str(&j, "ts", ts);
	bct_json_uint(&j, "pid", r->k->pid);
	bct_json_str(&j, "comm", r->comm);
	bct_json_uint(&j, "ip", r->k->family == AF_INET ? 4 : 6);
	bct_json_str(&j, "laddr", r->laddr);
	bct_json_uint(&j, "lport", r->k->lport);
	bct_json_str(&j, "raddr", r->raddr);
	bct_json_uint(&j, "rport", r->k->rport);
	bct_json_uint(&j, "rx_kb", r->rx / 1024);
	bct_json_uint(&j, "tx_kb", r->tx / 1024);
	bct_json_uint(&j, "rx_bytes", r->rx);
	bct_json_uint(&j, "tx_bytes", r->tx);
	bct_json_end(&j);
}

/* One family's table, as BCC prints it: its header only when it has rows. */
static void print_table(FILE *out, const char *ts, struct row *rows, size_t n, int family)
{
	bool v6 = family == AF_INET6;
	int w = v6 ? 32 : 21;
	bool head = false;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		char l[64], rem[64];

		if (r->k->family != family)
			continue;
		if (env.kit.common.json) {
			print_json(out, ts, r);
			continue;
		}
		if (!head) {
			fprintf(out, "%s%-7s %-12s %-*s %-*s %6s %6s\n", v6 ? "\n" : "", "PID",
				"COMM", w, v6 ? "LADDR6" : "LADDR", w, v6 ? "RADDR6" : "RADDR",
				"RX_KB", "TX_KB");
			head = true;
		}
		snprintf(l, sizeof(l), "%s:%u", r->laddr, r->k->lport);
		snprintf(rem, sizeof(rem), "%s:%u", r->raddr, r->k->rport);
		fprintf(out, "%-7" PRIu32 " %-12.12s %-*s %-*s %6" PRIu64 " %6" PRIu64 "\n",
			r->k->pid, r->comm, w, l, w, rem, r->rx / 1024, r->tx / 1024);
	}
}

static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	struct row *rows = n ? calloc(n, sizeof(*rows)) : NULL;
	time_t now = time(NULL);
	char ts[32] = "";
	size_t i;

	(void)ctx;
	if (n && !rows) {
		pr_err("cannot print the counts: %s", strerror(ENOMEM));
		return;
	}
	for (i = 0; i < n; i++) {
		struct row *r = &rows[i];

		r->k = v[i].key;
		r->tx = v[i].slots[TCPTOP_TX];
		r->rx = v[i].slots[TCPTOP_RX];
		memcpy(r->comm, r->k->comm, TCPTOP_COMM_LEN);
		inet_ntop(r->k->family, r->k->laddr, r->laddr, sizeof(r->laddr));
		inet_ntop(r->k->family, r->k->raddr, r->raddr, sizeof(r->raddr));
	}
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_row);
	if (env.kit.common.json) {
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
	} else {
		/* a screen is cleared on a terminal only: a pipe gets the tables one after another */
		bool clear = !env.noclear && isatty(fileno(out));

		if (env.nosummary) {
			fputs(clear ? "\033[H\033[2J" : "\n", out);
		} else {
			int err = bct_top_head(out, clear);

			if (err)
				pr_warn("cannot read /proc/loadavg: %s", strerror(-err));
		}
	}
	print_table(out, ts, rows, n, AF_INET);
	print_table(out, ts, rows, n, AF_INET6);
	free(rows);
}

/* --- bcctool serve: bytes by command and connection (no PIDs) ------------------------- */

static const struct bct_serve_counter serve_counters[] = {
	{ "sent_bytes", TCPTOP_TX, NULL, "TCP bytes sent, by command and connection" },
	{ "received_bytes", TCPTOP_RX, NULL, "TCP bytes received, by command and connection" },
	{ NULL },
};

static bool serve_key(void *ctx, const struct bct_hist_entry *e, char (*val)[BCT_SERVE_LABEL_LEN])
{
	const void *key = e->key;
	const struct tcptop_key *k = key;

	(void)ctx;
	snprintf(val[0], BCT_SERVE_LABEL_LEN, "%.*s", TCPTOP_COMM_LEN, k->comm);
	inet_ntop(k->family, k->laddr, val[1], BCT_SERVE_LABEL_LEN);
	snprintf(val[2], BCT_SERVE_LABEL_LEN, "%u", k->lport);
	inet_ntop(k->family, k->raddr, val[3], BCT_SERVE_LABEL_LEN);
	snprintf(val[4], BCT_SERVE_LABEL_LEN, "%u", k->rport);
	return true;
}

/* --- set-up ------------------------------------------------------------------------------- */

int cmd_tcptop(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.missed_what = "TCP sends and receives",
		.print = print,
		.serve_counters = serve_counters,
		.serve_labels = { "comm", "laddr", "lport", "raddr", "rport" },
		.serve_key = serve_key,
		.serve_rows = 20,
	};
	struct bct_session s = { 0 };
	char banner[128];
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (!env.kit.interval)
		env.kit.interval = 1;
	snprintf(banner, sizeof(banner),
		 "Tracing... Output every %" PRIu64 " secs. Hit Ctrl-C to end", env.kit.interval);
	tool.banner = banner;
	if (bct_session__init(&s, &env.kit, &needs_tcptop, NULL))
		return 1;
	s.add_defines = add_defines;
	return bct_hist_run(&s, &tool);
}
