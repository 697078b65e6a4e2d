// SPDX-License-Identifier: Apache-2.0
/*
 * bindsnoop: trace bind() of IPv4 and IPv6 sockets, one line per call, with the options that
 * change what bind() does; or count binds per address and port (--count).
 *
 * Interface of BCC's bindsnoop by Pavel Dubovitsky; written anew, with --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#include "bindsnoop.h"
#include "cmd.h"
#include "events.h"
#include "histtool.h"
#include "json.h"
#include "prog.h"
#include "tcp.h"

#define K_COUNT 0x100

static struct bindsnoop_env {
	struct bct_env kit;
	bool timestamp;
	bool wide;
	bool errors;
	bool print_uid;
	bool count;
	struct bct_tcp_opts tcp; /* -4/-6 and the port lists (lib/tcp.h) */
	uint64_t first_ts;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('t', "timestamp", &env.timestamp, "include timestamp on output"),
	BCT_FLAG('w', "wide", &env.wide, "wide column output (fits IPv6 addresses)"),
	BCT_STRING('P', "port", "PORT", &env.tcp.lports_arg,
		   "comma-separated list of ports to trace."),
	BCT_FLAG('E', "errors", &env.errors, "include errors in the output."),
	BCT_FLAG('U', "print-uid", &env.print_uid, "include UID on output"),
	BCT_FLAG(K_COUNT, "count", &env.count, "count binds per src ip and port"),
	{ 0 },
};

static const char doc[] =
	"Trace TCP binds\n"
	"\v"
	"examples:\n"
	"    ./bindsnoop           # trace all TCP bind()s\n"
	"    ./bindsnoop -t        # include timestamps\n"
	"    ./bindsnoop -w        # wider columns (fit IPv6)\n"
	"    ./bindsnoop -p 181    # only trace PID 181\n"
	"    ./bindsnoop -P 80     # only trace port 80\n"
	"    ./bindsnoop -P 80,81  # only trace port 80 and 81\n"
	"    ./bindsnoop -U        # include UID\n"
	"    ./bindsnoop -u 1000   # only trace UID 1000\n"
	"    ./bindsnoop -E        # report bind errors\n"
	"    ./bindsnoop --count   # count bind per src ip\n"
	"    ./bindsnoop --cgroupmap mappath  # only trace cgroups in this BPF map\n"
	"    ./bindsnoop --mntnsmap  mappath  # only trace mount namespaces in the map\n"
	"    ./bindsnoop --json    # one JSON object per bind()\n"
	"\n"
	"it is reporting socket options set before the bins call\n"
	"impacting system call behavior:\n"
	" SOL_IP     IP_FREEBIND              F....\n"
	" SOL_IP     IP_TRANSPARENT           .T...\n"
	" SOL_IP     IP_BIND_ADDRESS_NO_PORT  ..N..\n"
	" SOL_SOCKET SO_REUSEADDR             ...R.\n"
	" SOL_SOCKET SO_REUSEPORT             ....r\n"
	"\n"
	" SO_BINDTODEVICE interface is reported as \"IF\" index\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key == ARGP_KEY_END) {
		bct_tcp_opts_check(state, &env.tcp);
		return ARGP_ERR_UNKNOWN;
	}
	return bct_no_args(key, arg, state);
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.doc = doc,
	.shared = { .pid = 'p', .uid = 'u', .cgroupmap = true },
};

/* --- attach methods: every program in bpf-src/bindsnoop.bpf.c --------------------------- */

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("kp_inet_bind", "kprobe/inet_bind"),
			     BCT_PROG("kp_inet6_bind", "kprobe/inet6_bind"),
			     BCT_PROG("kr_inet_bind", "kretprobe/inet_bind"),
			     BCT_PROG("kr_inet6_bind", "kretprobe/inet6_bind")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_exit_bind", "tracepoint/syscalls/sys_exit_bind")),
	  .approx = "bind(2) only: binds by the kernel or io_uring are not seen" },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "inet binds", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_bindsnoop = {
	.src_name = "bindsnoop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/*
 * BCC's "%-9.6f " (-t), "%6d " (-U), "%3s " (-E; -w: "%-25s ", the error's text), then
 * "%8d %-12.12s %-4.4s %-15.15s %5d %-5s %2d" (-w: "%10d %-12.12s %-4s %-39s %5d %-5s %2d")
 * under a header "%8s %-12.12s %-4s %-15s %-5s %5s %2s": PORT's title is left-aligned, its
 * numbers right-aligned, so the text has its own PORT column.
 */
static struct bct_col cols[] = {
	{ "TIME(s)", "time_s", 9, BCT_COL_DOUBLE, BCT_COL_LEFT | BCT_COL_HIDDEN, 6 },
	{ "UID", "uid", 6, BCT_COL_UINT, 0, 0 },
	{ "RC", "rc_text", 3, BCT_COL_STR, BCT_COL_HIDDEN | BCT_COL_TEXT_ONLY, 0 },
	{ "RC", "ret", 0, BCT_COL_INT, BCT_COL_JSON_ONLY, 0 },
	{ "PID", "pid", 8, BCT_COL_UINT, 0, 0 },
	{ "COMM", "comm", 12, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PROT", "prot", 4, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "ADDR", "addr", 15, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PORT", "port_text", 5, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "PORT", "port", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "OPTS", "opts", 5, BCT_COL_STR, 0, 0 },
	{ "IF", "if", 2, BCT_COL_UINT, 0, 0 },
	{ NULL },
};

static void set_width(const char *key, int width, unsigned int flags)
{
	struct bct_col *c;

	for (c = cols; c->name; c++)
		if (!strcmp(c->key, key)) {
			c->width = width;
			c->flags = flags;
		}
}

static void columns(void *ctx, struct bct_out *out)
{
	bct_out__show(out, "time_s", env.timestamp);
	bct_out__show(out, "uid", env.print_uid || bct_out__json(out));
	bct_out__show(out, "rc_text", env.errors);
}

/* Python's socket.IPPROTO_* names, as BCC prints them */
static const char *proto_name(unsigned int p)
{
	static const struct {
		unsigned int num;
		const char *name;
	} names[] = {
		{ 0, "IP" },	    { 1, "ICMP" },    { 2, "IGMP" },	  { 4, "IPIP" },
		{ 6, "TCP" },	    { 8, "EGP" },     { 12, "PUP" },	  { 17, "UDP" },
		{ 22, "IDP" },	    { 29, "TP" },     { 41, "IPV6" },	  { 43, "ROUTING" },
		{ 44, "FRAGMENT" }, { 46, "RSVP" },   { 47, "GRE" },	  { 50, "ESP" },
		{ 51, "AH" },	    { 58, "ICMPV6" }, { 59, "NONE" },	  { 60, "DSTOPTS" },
		{ 103, "PIM" },	    { 132, "SCTP" },  { 136, "UDPLITE" }, { 255, "RAW" },
		{ 262, "MPTCP" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].num == p)
			return names[i].name;
	return "UNKNOWN";
}

static void opts_text(uint8_t o, char *buf)
{
	static const char letters[] = "FTNRr";
	int i;

	for (i = 0; i < 5; i++)
		buf[i] = (o & (1u << i)) ? letters[i] : '.';
	buf[5] = '\0';
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct bindsnoop_event *e = data;
	bool json = bct_out__json(out);
	char addr[64], rc[64], port[16], o[8];
	unsigned int family;

	if (size < sizeof(*e))
		return 0;
	if (!env.first_ts)
		env.first_ts = e->ts_us;
	family = e->family == 2 ? 4 : 6;
	bct_tcp_addr(family, e->addr, addr, sizeof(addr));
	if (env.wide)
		snprintf(rc, sizeof(rc), "%s", strerror(e->ret)); /* BCC's strerror(ret) */
	else
		snprintf(rc, sizeof(rc), "%d", e->ret);
	snprintf(port, sizeof(port), "%5u", e->port);
	opts_text(e->opts, o);

	bct_out__double(out, (double)(e->ts_us - env.first_ts) / 1e6);
	bct_out__uint(out, e->uid);
	bct_out__str(out, rc);
	bct_out__int(out, e->ret);
	bct_out__uint(out, e->pid);
	bct_out__strn(out, e->comm, json ? sizeof(e->comm) : 12);
	bct_out__strn(out, proto_name(e->protocol), json || env.wide ? 16 : 4);
	bct_out__strn(out, addr, json || env.wide ? sizeof(addr) : 15);
	bct_out__str(out, port);
	bct_out__uint(out, e->port);
	bct_out__str(out, o);
	bct_out__uint(out, e->bound_dev_if);
	return bct_out__end(out);
}

/* --- --count ------------------------------------------------------------------------------ */

static int by_family_count(const void *a, const void *b)
{
	const struct bct_hist_entry *x = a, *y = b;
	const struct bindsnoop_key *kx = x->key, *ky = y->key;

	if (kx->family != ky->family)
		return kx->family < ky->family ? -1 : 1;
	if (x->slots[0] != y->slots[0])
		return x->slots[0] > y->slots[0] ? -1 : 1;
	return memcmp(kx, ky, sizeof(*kx));
}

/* BCC's table at Ctrl-C: IPv4 then IPv6, each by count, most first */
static void print_counts(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	struct bct_hist_entry *s = NULL;
	size_t i;

	if (n) {
		s = malloc(n * sizeof(*s));
		if (!s)
			return;
		memcpy(s, v, n * sizeof(*s));
		qsort(s, n, sizeof(*s), by_family_count);
	}
	if (!env.kit.common.json)
		fprintf(out, "\n%-32s %20s     %-10s\n", "LADDR", "LPORT", "BINDS");
	for (i = 0; i < n; i++) {
		const struct bindsnoop_key *k = s[i].key;
		char addr[64];

		bct_tcp_addr(k->family == 2 ? 4 : 6, k->addr, addr, sizeof(addr));
		if (env.kit.common.json) {
			struct bct_json j;

			bct_json_begin(&j, out);
			bct_json_str(&j, "laddr", addr);
			bct_json_uint(&j, "lport", k->port);
			bct_json_uint(&j, "binds", s[i].slots[0]);
			bct_json_end(&j);
		} else {
			fprintf(out, "%-32s %20u     %-10" PRIu64 "\n", addr, k->port,
				s[i].slots[0]);
		}
	}
	free(s);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = bct_tcp_opts_define(p, &env.tcp);

	if (env.errors)
		err = err ?: bct_prog__define(p, "BINDSNOOP_ERRORS", NULL);
	if (env.count)
		err = err ?: bct_prog__define(p, "BINDSNOOP_COUNT", NULL);
	return err;
}

int cmd_bindsnoop(int argc, char **argv)
{
	struct bct_event_tool tool = {
		.cols = cols,
		.columns = columns,
		.on_event = on_event,
		.banner = "Tracing binds ... Hit Ctrl-C to end",
	};
	struct bct_hist_tool counter = {
		.banner = "Tracing binds ... Hit Ctrl-C to end",
		.missed_what = "binds",
		.print = print_counts,
	};
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.wide) {
		set_width("pid", 10, 0);
		set_width("addr", 39, BCT_COL_LEFT);
		set_width("rc_text", 25, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_TEXT_ONLY);
	}
	if (bct_session__init(&s, &env.kit, &needs_bindsnoop, NULL))
		return 1;
	if (env.count)
		return bct_hist_run(&s, &counter);
	return bct_events_run(&s, &tool);
}
