// SPDX-License-Identifier: Apache-2.0
/*
 * netqtop: packets sent and received on one network interface, per queue, by size, per
 * interval.
 *
 * Interface of BCC's netqtop by Yolandajn; written anew, with --json. The kernel counts per
 * queue (bpf-src/netqtop.bpf.c); every interval this file reads and empties both maps and
 * prints BCC's two tables, its numbers as BCC's Python prints them.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <linux/types.h>

#include "cmd.h"
#include "json.h"
#include "log.h"
#include "out.h"
#include "prog.h"
#include "pyfmt.h"
#include "signals.h"
#include "tool.h"
#include "netqtop.h"

#define IFNAMSIZ 16

static struct netqtop_env {
	struct bct_env kit; /* --json, --ebpf... */
	const char *name;
	const char *interval_arg;
	double interval;
	bool throughput;
	unsigned int tx_num, rx_num;
} env = { .name = "", .interval = 1 };

static const struct bct_opt opts[] = {
	BCT_STRING('n', "name", "NAME", &env.name, "the network interface"),
	BCT_CUSTOM('i', "interval", "INTERVAL", "output interval, in seconds (default 1)"),
	BCT_FLAG('t', "throughput", &env.throughput, "also print bytes and packets per second"),
	{ 0 },
};

static const char doc[] = "Network traffic per interface queue\n"
			  "\v"
			  "examples:\n"
			  "    netqtop -n eth0          # eth0's queues, every second\n"
			  "    netqtop -n eth0 -i 5 -t  # every 5 seconds, with BPS and PPS\n"
			  "    netqtop -n eth0 --json   # one JSON object per queue per interval\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;
	double v;

	switch (key) {
	case 'i':
		errno = 0;
		v = strtod(arg, &end);
		if (!*arg || *end || errno || isnan(v))
			argp_error(state, "argument --interval/-i: invalid float value: '%s'", arg);
		env.interval = v;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unrecognized arguments: %s", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.doc = doc,
};

/* --- attach methods: every program in bpf-src/netqtop.bpf.c ------------------------------- */

static const struct bct_method methods[] = {
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("nq_xmit_tp", "tracepoint/net/net_dev_start_xmit"),
			     BCT_PROG("nq_recv_tp", "tracepoint/net/netif_receive_skb")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "packet transmit and receive", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_netqtop = {
	.src_name = "netqtop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
	.default_args = "-n lo",
};

static int add_defines(struct bct_prog *p, void *ctx)
{
	uint64_t w[2] = { 0, 0 };
	int err;

	(void)ctx;
	memcpy(w, env.name, strlen(env.name)); /* checked shorter than IFNAMSIZ */
	err = bct_prog__define(p, "NETQTOP_NAME0", "0x%016" PRIx64 "ULL", le64toh(w[0]));
	if (!err)
		err = bct_prog__define(p, "NETQTOP_NAME1", "0x%016" PRIx64 "ULL", le64toh(w[1]));
	return err;
}

/* --- output ------------------------------------------------------------------------------- */

/* BCC's to_str(): over a million in M, over a thousand in K, two decimals; floats as Python. */
static const char *to_str(char *buf, size_t sz, double num, bool is_float)
{
	char f[32];

	if (num > 1000000) {
		bct_py_float(f, sizeof(f), bct_py_round(num / (1024 * 1024.0), 2));
		snprintf(buf, sz, "%sM", f);
	} else if (num > 1000) {
		bct_py_float(f, sizeof(f), bct_py_round(num / 1024.0, 2));
		snprintf(buf, sz, "%sK", f);
	} else if (is_float) {
		bct_py_float(buf, sz, bct_py_round(num, 2));
	} else {
		snprintf(buf, sz, "%.0f", num);
	}
	return buf;
}

/* Reads and empties a map: queues[0..nq) and the sum over every queue seen. */
static int drain(int fd, struct netqtop_queue *queues, unsigned int nq, struct netqtop_queue *sum)
{
	__u16 key, next, *prev = NULL;
	__u16 keys[NETQTOP_MAX_QUEUES];
	unsigned int n = 0, i;
	struct netqtop_queue v;

	memset(queues, 0, nq * sizeof(*queues));
	memset(sum, 0, sizeof(*sum));
	while (n < NETQTOP_MAX_QUEUES && !bpf_map_get_next_key(fd, prev, &next)) {
		keys[n++] = next;
		key = next;
		prev = &key;
	}
	for (i = 0; i < n; i++) {
		if (bpf_map_lookup_and_delete_elem(fd, &keys[i], &v))
			continue; /* gone meanwhile */
		if (keys[i] < nq)
			queues[keys[i]] = v;
		sum->bytes += v.bytes;
		sum->packets += v.packets;
		sum->size_64 += v.size_64;
		sum->size_512 += v.size_512;
		sum->size_2k += v.size_2k;
		sum->size_16k += v.size_16k;
		sum->size_64k += v.size_64k;
	}
	return 0;
}

static void print_json(FILE *out, const char *ts, const char *dir, const char *queue,
		       const struct netqtop_queue *q)
{
	struct bct_json j;

	bct_json_begin(&j, out);
	bct_json_str(&j, "ts", ts);
	bct_json_str(&j, "dev", env.name);
	bct_json_str(&j, "dir", dir);
	if (queue)
		bct_json_str(&j, "queue", queue);
	bct_json_double(&j, "avg_size", q->packets ? (double)q->bytes / q->packets : 0);
	bct_json_uint(&j, "size_0_64", q->size_64);
	bct_json_uint(&j, "size_64_512", q->size_512);
	bct_json_uint(&j, "size_512_2k", q->size_2k);
	bct_json_uint(&j, "size_2k_16k", q->size_16k);
	bct_json_uint(&j, "size_16k_64k", q->size_64k);
	bct_json_uint(&j, "packets", q->packets);
	bct_json_uint(&j, "bytes", q->bytes);
	bct_json_double(&j, "bps", q->bytes / env.interval);
	bct_json_double(&j, "pps", q->packets / env.interval);
	bct_json_end(&j);
}

static void print_row(FILE *out, const char *first, const struct netqtop_queue *q)
{
	char b[7][64];

	fprintf(out, " %-11s%-11s%-11s%-11s%-11s%-11s%-11s", first,
		to_str(b[0], sizeof(b[0]), q->packets ? (double)q->bytes / q->packets : 0,
		       q->packets != 0),
		to_str(b[1], sizeof(b[1]), q->size_64, false),
		to_str(b[2], sizeof(b[2]), q->size_512, false),
		to_str(b[3], sizeof(b[3]), q->size_2k, false),
		to_str(b[4], sizeof(b[4]), q->size_16k, false),
		to_str(b[5], sizeof(b[5]), q->size_64k, false));
	if (env.throughput)
		fprintf(out, "%-11s%-11s",
			to_str(b[5], sizeof(b[5]), q->bytes / env.interval, true),
			to_str(b[6], sizeof(b[6]), q->packets / env.interval, true));
	fputc('\n', out);
}

static int print_table(FILE *out, int fd, unsigned int nq, const char *dir, const char *ts)
{
	static const char *const heads[] = { "QueueID",	  "avg_size",  "[0, 64)",   "[64, 512)",
					     "[512, 2K)", "[2K, 16K)", "[16K, 64K)" };
	struct netqtop_queue *queues = calloc(nq ? nq : 1, sizeof(*queues)), sum;
	unsigned int i;
	char id[16];

	if (!queues)
		return -ENOMEM;
	drain(fd, queues, nq, &sum);
	if (env.kit.common.json) {
		for (i = 0; i < nq; i++) {
			snprintf(id, sizeof(id), "%u", i);
			print_json(out, ts, dir, id, &queues[i]);
		}
		print_json(out, ts, dir, "total", &sum);
		free(queues);
		return 0;
	}
	fputc(' ', out);
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		fprintf(out, "%-11s", heads[i]);
	if (env.throughput)
		fprintf(out, "%-11s%-11s", "BPS", "PPS");
	fputc('\n', out);
	for (i = 0; i < nq; i++) {
		snprintf(id, sizeof(id), "%u", i);
		print_row(out, id, &queues[i]);
	}
	/* BCC's total line: " Total" then the avg_size column (its own spacing) */
	print_row(out, "Total", &sum);
	free(queues);
	return 0;
}

static int print_interval(struct bct_prog *p)
{
	time_t now = time(NULL);
	char ts[64];
	int err;

	if (env.kit.common.json) {
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
	} else {
		strftime(ts, sizeof(ts), "%a %b %e %H:%M:%S %Y", localtime(&now));
		printf("%s\nTX\n", ts);
	}
	err = print_table(stdout, bct_prog__map_fd(p, "tx_q"), env.tx_num, "tx", ts);
	if (!err && !env.kit.common.json)
		printf("\nRX\n");
	if (!err)
		err = print_table(stdout, bct_prog__map_fd(p, "rx_q"), env.rx_num, "rx", ts);
	if (!err && !env.kit.common.json)
		printf("%.*s\n", env.throughput ? 95 : 77,
		       "-----------------------------------------------------------------------"
		       "------------------------");
	return err;
}

/* --- set-up ------------------------------------------------------------------------------- */

/* BCC's checks, its messages; 0, or 1 (reported). */
static int check_args(void)
{
	char path[64 + IFNAMSIZ];
	struct dirent *d;
	DIR *dir;

	if (!*env.name) {
		pr_err("Please specify a network interface.");
		return 1;
	}
	if (strlen(env.name) > IFNAMSIZ - 1) {
		pr_err("NIC name too long");
		return 1;
	}
	if (env.interval == 0) {
		pr_err("print interval must be non-zero");
		return 1;
	}
	if (env.interval < 0 || isinf(env.interval)) {
		pr_err("invalid interval: %g seconds: give a positive number", env.interval);
		return 1;
	}
	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", env.name);
	dir = opendir(path);
	if (!dir) {
		pr_err("Net interface %s does not exits.", env.name);
		return 1;
	}
	while ((d = readdir(dir))) {
		if (d->d_name[0] == 'r')
			env.rx_num++;
		if (d->d_name[0] == 't')
			env.tx_num++;
	}
	closedir(dir);
	if (env.tx_num > NETQTOP_MAX_QUEUES || env.rx_num > NETQTOP_MAX_QUEUES) {
		pr_err("number of queues over %d is not supported.", NETQTOP_MAX_QUEUES);
		return 1;
	}
	return 0;
}

int cmd_netqtop(int argc, char **argv)
{
	struct bct_session s = { .add_defines = add_defines };
	struct timespec deadline;
	int rc, err, out_err = 0;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (!env.kit.common.ebpf && check_args())
		return 1;
	if (bct_session__init(&s, &env.kit, &needs_netqtop, NULL))
		return 1;
	if (env.kit.common.ebpf) {
		err = bct_session__print_source(&s);
		goto out;
	}
	err = bct_session__start(&s);
	if (!err)
		err = bct_session__go(&s);
	if (err)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	/* as BCC: print after each interval; Ctrl-C ends without printing the one in progress */
	while (!bct_exiting) {
		double whole;
		double frac = modf(env.interval, &whole);

		deadline.tv_sec += (time_t)whole;
		deadline.tv_nsec += (long)(frac * 1e9);
		if (deadline.tv_nsec >= 1000000000) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000;
		}
		while (!bct_exiting &&
		       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR)
			;
		if (bct_exiting)
			break;
		err = print_interval(s.prog);
		if (err) {
			pr_err("cannot read the counts: %s", strerror(-err));
			break;
		}
		out_err = bct_out__flush(NULL);
		if (out_err)
			break;
	}
	bct_session__warn_missed(&s, "packets");
out:
	if (err == -EINTR && bct_exiting)
		err = 0;
	bct_session__stop(&s);
	return err || bct_out__settle(out_err) ? 1 : 0;
}
