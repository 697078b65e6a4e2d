// SPDX-License-Identifier: Apache-2.0
/*
 * tcpsubnet: TCP bytes sent, summed per destination subnet, per interval.
 *
 * Interface of BCC's tcpsubnet by Rodrigo Manyari; written anew. Its -J/--json is BCC's: one
 * JSON object per interval (date, time and the subnets' values), which is also bcctool's
 * --json. The bytes are counted in the kernel as the histogram kit's entries, one per subnet
 * (lib/histtool.h drains them each interval); this file prints them as BCC does.
 */
#include <arpa/inet.h>
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
#include "pyfmt.h"

#define DEFAULT_SUBNETS "127.0.0.1/32,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,0.0.0.0/0"
#define MAX_SUBNETS 256

struct subnet {
	char *name; /* as given: "10.0.0.0/8" */
	uint32_t addr; /* host order */
	uint32_t mask;
};

static struct tcpsubnet_env {
	struct bct_env kit; /* --json... */
	const char *subnets;
	const char *interval_arg;
	bool verbose;
	char format;
	struct subnet nets[MAX_SUBNETS];
	unsigned int n;
} env = { .subnets = DEFAULT_SUBNETS, .format = 'B' };

static const struct bct_opt opts[] = {
	BCT_FLAG('v', "verbose", &env.verbose, "output debug statements"),
	BCT_CUSTOM('J', NULL, NULL, "format output in JSON (as --json)"),
	BCT_CUSTOM('f', "format", "{b,k,m,B,K,M}",
		   "[bkmBKM] format to report: bits, Kbits, Mbits, bytes, KBytes, MBytes "
		   "(default B)"),
	BCT_CUSTOM('i', "interval", "INTERVAL", "output interval, in seconds (default 1)"),
	{ 0 },
};

static const char doc[] = "Summarize TCP send and aggregate by subnet\n"
			  "\v"
			  "positional arguments:\n"
			  "  subnets                     comma separated list of subnets\n"
			  "\n"
			  "examples:\n"
			  "    tcpsubnet                 # Trace TCP sent to the default subnets:\n"
			  "                              # 127.0.0.1/32,10.0.0.0/8,172.16.0.0/12,\n"
			  "                              # 192.168.0.0/16,0.0.0.0/0\n"
			  "    tcpsubnet -f K            # Trace TCP sent to the default subnets\n"
			  "                              # aggregated in KBytes.\n"
			  "    tcpsubnet 10.80.0.0/24    # Trace TCP sent to 10.80.0.0/24 only\n"
			  "    tcpsubnet -J              # Format the output in JSON.\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;
	long v;

	switch (key) {
	case 'J':
		env.kit.common.json = true;
		break;
	case 'f':
		if (strlen(arg) != 1 || !strchr("bkmBKM", arg[0]))
			argp_error(state,
				   "argument -f/--format: invalid choice: '%s' (choose from 'b', "
				   "'k', 'm', 'B', 'K', 'M')",
				   arg);
		env.format = arg[0];
		break;
	case 'i':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (!*arg || *end || errno || v < INT32_MIN || v > INT32_MAX)
			argp_error(state, "argument -i/--interval: invalid int value: '%s'", arg);
		env.interval_arg = arg;
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num > 0)
			argp_error(state, "unrecognized arguments: %s", arg);
		env.subnets = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[subnets]",
	.doc = doc,
};

/* --- attach methods: every program in bpf-src/tcpsubnet.bpf.c ----------------------------- */

static const struct bct_method methods[] = {
	{ .name = "kprobe", .progs = BCT_PROGS(BCT_PROG("ts_send_kp", "kprobe/tcp_sendmsg")) },
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("ts_send_btf", "tp_btf/sock_send_length")),
	  .approx = "bytes sent (sendmsg results), not bytes asked to send" },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("ts_send_raw", "raw_tp/sock_send_length")),
	  .approx = "bytes sent (sendmsg results), not bytes asked to send" },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "TCP sends", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_tcpsubnet = {
	.src_name = "tcpsubnet.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- the subnets -------------------------------------------------------------------------- */

/* BCC's checks and messages (a ValueError: exit 1). 0 or -EINVAL (reported). */
static int parse_subnets(const char *list)
{
	char *copy = strdup(list), *save = NULL, *tok;
	int err = 0;

	if (!copy) {
		pr_err("cannot parse the subnets: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	/* Python's str.split(","): empty fields count */
	for (tok = copy;; tok = save) {
		char *comma = strchr(tok, ','), *slash, *end;
		struct in_addr a;
		long bits;

		if (comma)
			*comma = '\0';
		save = comma ? comma + 1 : NULL;
		if (env.n == MAX_SUBNETS) {
			pr_err("too many subnets: at most %d", MAX_SUBNETS);
			err = -EINVAL;
			break;
		}
		slash = strchr(tok, '/');
		if (!slash || strchr(slash + 1, '/')) {
			pr_err("Subnet [%s] is invalid, please refer to the examples.", tok);
			err = -EINVAL;
			break;
		}
		*slash = '\0';
		if (!inet_aton(tok, &a)) {
			*slash = '/';
			pr_err("Invalid net address in subnet [%s], please refer to the examples.",
			       tok);
			err = -EINVAL;
			break;
		}
		*slash = '/';
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || errno) {
			pr_err("Invalid mask in subnet [%s]. Mask must be an int", tok);
			err = -EINVAL;
			break;
		}
		if (bits < 0 || bits > 32) {
			pr_err("Invalid mask in subnet [%s]. Must be an int between 0 and 32.",
			       tok);
			err = -EINVAL;
			break;
		}
		env.nets[env.n].name = strdup(tok);
		if (!env.nets[env.n].name) {
			err = -ENOMEM;
			break;
		}
		env.nets[env.n].addr = ntohl(a.s_addr);
		env.nets[env.n].mask = bits ? (uint32_t)(0xffffffffULL << (32 - bits)) : 0;
		env.n++;
		if (!save)
			break;
	}
	free(copy);
	return err;
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	/* "{ 0x0100007fU, 0xffffffffU }, " per subnet: 30 bytes */
	char *list = calloc(env.n ? env.n : 1, 32), *at = list;
	unsigned int i;
	int err;

	(void)ctx;
	if (!list)
		return -ENOMEM;
	for (i = 0; i < env.n; i++)
		at += sprintf(at, "%s{ 0x%08xU, 0x%08xU }", i ? ", " : "", htonl(env.nets[i].addr),
			      htonl(env.nets[i].mask));
	err = bct_prog__define(p, "TCPSUBNET_N", "%u", env.n);
	if (!err)
		err = bct_prog__define(p, "TCPSUBNET_NETS", "%s", list);
	free(list);
	return err;
}

/* --- output ------------------------------------------------------------------------------- */

struct row {
	uint32_t index;
	uint64_t bytes;
};

/* BCC's order: the most bytes first; ties by position in the list. */
static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* -f: an integer for b and B, else a Python float; text truncates it toward zero ("%6d"). */
static void format_value(uint64_t bytes, bool *is_int, uint64_t *iv, double *dv)
{
	*is_int = env.format == 'b' || env.format == 'B';
	*iv = env.format == 'b' ? bytes * 8 : bytes;
	switch (env.format) {
	case 'k':
		*dv = (double)(bytes * 8) / 1024;
		break;
	case 'm':
		*dv = (double)(bytes * 8) / (1024.0 * 1024.0);
		break;
	case 'K':
		*dv = (double)bytes / 1024;
		break;
	case 'M':
		*dv = (double)bytes / (1024.0 * 1024.0);
		break;
	default:
		*dv = (double)*iv;
	}
}

static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	struct row *rows = n ? calloc(n, sizeof(*rows)) : NULL;
	time_t now = time(NULL);
	char date[48], tod[16];
	struct tm *tm;
	size_t i;

	(void)ctx;
	if (n && !rows) {
		pr_err("cannot print the counts: %s", strerror(ENOMEM));
		return;
	}
	for (i = 0; i < n; i++) {
		rows[i].index = *(const uint32_t *)v[i].key;
		rows[i].bytes = v[i].slots[0];
	}
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_row);
	/* Python's %x and %X in the C locale */
	tm = localtime(&now);
	snprintf(date, sizeof(date), "%02d/%02d/%02d", tm->tm_mon + 1, tm->tm_mday,
		 tm->tm_year % 100);
	strftime(tod, sizeof(tod), "%H:%M:%S", tm);
	if (env.kit.common.json)
		fprintf(out, "{\"date\": \"%s\", \"time\": \"%s\", \"entries\": {", date, tod);
	else
		fprintf(out, "[%s %s]\n", date, tod);
	for (i = 0; i < n; i++) {
		const char *name = rows[i].index < env.n ? env.nets[rows[i].index].name : "?";
		bool is_int;
		uint64_t iv;
		double dv;

		format_value(rows[i].bytes, &is_int, &iv, &dv);
		if (env.kit.common.json) {
			char num[64];

			if (is_int)
				snprintf(num, sizeof(num), "%" PRIu64, iv);
			else
				bct_py_float(num, sizeof(num), dv);
			fputs(i ? ", " : "", out);
			bct_json_quote(out, name, strlen(name));
			fprintf(out, ": %s", num);
		} else if (is_int) {
			fprintf(out, "%-21s %6" PRIu64 "\n", name, iv);
		} else {
			fprintf(out, "%-21s %6" PRIu64 "\n", name, (uint64_t)dv);
		}
	}
	if (env.kit.common.json)
		fputs("}}\n", out);
	free(rows);
}

/* -v: BCC's logging.debug lines, on standard error. */
static void verbose_start(void)
{
	unsigned int i;

	fprintf(stderr, "DEBUG:root:Starting with the following args:\n");
	fprintf(stderr,
		"DEBUG:root:Namespace(subnets='%s', verbose=True, json=%s, ebpf=%s, "
		"format='%c', interval=%s)\n",
		env.subnets, env.kit.common.json ? "True" : "False",
		env.kit.common.ebpf ? "True" : "False", env.format,
		env.interval_arg ? env.interval_arg : "1");
	fprintf(stderr, "DEBUG:root:Packets are going to be categorized in the following subnets:\n"
			"DEBUG:root:[");
	for (i = 0; i < env.n; i++)
		fprintf(stderr, "%s['%s', %u, %u]", i ? ", " : "", env.nets[i].name,
			env.nets[i].addr, env.nets[i].mask);
	fprintf(stderr, "]\n");
}

/* --- set-up ------------------------------------------------------------------------------- */

/* bcctool serve: the bytes sent, by subnet as given */
static const struct bct_serve_counter serve_counters[] = {
	{ "sent_bytes", 0, NULL, "TCP bytes sent, by destination subnet" },
	{ NULL },
};

static bool serve_key(void *ctx, const struct bct_hist_entry *e, char (*val)[BCT_SERVE_LABEL_LEN])
{
	uint32_t i = *(const uint32_t *)e->key;

	(void)ctx;
	snprintf(val[0], BCT_SERVE_LABEL_LEN, "%s", i < (uint32_t)env.n ? env.nets[i].name : "?");
	return true;
}

int cmd_tcpsubnet(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.missed_what = "TCP sends",
		.print = print,
		.serve_counters = serve_counters,
		.serve_labels = { "subnet" },
		.serve_key = serve_key,
	};
	struct bct_session s = { 0 };
	char banner[128];
	long interval = 1;
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.interval_arg)
		interval = strtol(env.interval_arg, NULL, 10);
	if (interval <= 0) {
		pr_err("Invalid interval, must be > 0. Exiting.");
		return 1;
	}
	if (parse_subnets(env.subnets))
		return 1;
	if (env.verbose)
		verbose_start();
	env.kit.interval = (uint64_t)interval;
	snprintf(banner, sizeof(banner), "Tracing... Output every %ld secs. Hit Ctrl-C to end",
		 interval);
	tool.banner = banner;
	if (bct_session__init(&s, &env.kit, &needs_tcpsubnet, NULL))
		return 1;
	s.add_defines = add_defines;
	return bct_hist_run(&s, &tool);
}
