// SPDX-License-Identifier: Apache-2.0
/*
 * biolatpcts: latency percentiles of one block device's requests, per operation, every
 * interval, on SIGUSR1/SIGUSR2 and before exiting.
 *
 * Interface of BCC's biolatpcts by Tejun Heo; written anew. The BPF side counts latencies in
 * three linear arrays (100 ms, 1 ms and 10 us slots); this file takes each report's increase
 * of those counters and finds each percentile in the finest array that holds it.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <poll.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cmd.h"
#include "disk.h"
#include "json.h"
#include "log.h"
#include "out.h"
#include "prog.h"
#include "signals.h"
#include "tool.h"
#include "biolatpcts.h"

#define MAX_PCTS 64

static void py_float(double v, char *buf, size_t sz);

static struct biolatpcts_env {
	struct bct_env kit; /* --json, --ebpf... */
	const char *dev;
	long interval;
	int which;
	const char *pcts_arg;
	char *pcts[MAX_PCTS]; /* as given, sorted by value */
	double pct_val[MAX_PCTS];
	int npcts;
	bool json;
	int verbose;
} env = { .interval = 3,
	  .which = BIOLATPCTS_ON_DEVICE,
	  .pcts_arg = "1,5,10,16,25,50,75,84,90,95,99,100" };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('i', "interval", "INTERVAL",
		   "Report interval (0: exit after startup, -1: infinite) (default: 3)"),
	BCT_CUSTOM('w', "which", "{from-rq-alloc,after-rq-alloc,on-device}",
		   "Which latency to measure (default: on-device)"),
	BCT_STRING('p', "pcts", "PCT,...", &env.pcts_arg,
		   "Percentiles to calculate (default: 1,5,10,16,25,50,75,84,90,95,99,100)"),
	BCT_FLAG('j', NULL, &env.json, "Output in json (as --json)"),
	BCT_COUNT('v', "verbose", &env.verbose, "Print the counters (twice: the search too)"),
	{ 0 },
};

static const char doc[] =
	"Monitor IO latency distribution of a block device\n"
	"\v"
	"DEV: target block device (/dev/DEVNAME, DEVNAME or MAJ:MIN)\n"
	"\n"
	"When interval is infinite, biolatpcts will print out result once the\n"
	"initialization is complete to indicate readiness. After initialized,\n"
	"biolatpcts will output whenever it receives SIGUSR1/2 and before exiting on\n"
	"SIGINT, SIGTERM or SIGHUP.\n"
	"\n"
	"SIGUSR1 starts a new period after reporting. SIGUSR2 doesn't and can be used\n"
	"to monitor progress without affecting accumulation of data points.\n"
	"\n"
	"examples:\n"
	"    biolatpcts sda              # percentiles of sda every 3 seconds\n"
	"    biolatpcts -i 1 -p 50,99 8:0  # the median and p99 every second\n"
	"    biolatpcts -i -1 nvme0n1    # once now, then on SIGUSR1/2 and at exit\n"
	"    biolatpcts -j sda           # one JSON object per report\n";

static const char which_choices[] = "'from-rq-alloc', 'after-rq-alloc', 'on-device'";

static int cmp_pct(const void *a, const void *b)
{
	double x = strtod(*(char *const *)a, NULL), y = strtod(*(char *const *)b, NULL);

	return x < y ? -1 : x > y;
}

static void parse_pcts(struct argp_state *state)
{
	static char buf[1024];
	char *save = NULL, *tok, *end, shown[64];
	int i;

	snprintf(buf, sizeof(buf), "%s", env.pcts_arg);
	env.npcts = 0;
	/* BCC splits on every comma: an empty item is an error, as float('') is */
	for (tok = buf;; tok = NULL) {
		char *item = strsep(tok ? &tok : &save, ",");

		if (tok)
			save = tok;
		if (!item)
			break;
		strtod(item, &end);
		if (!*item || *end)
			argp_error(state, "argument -p/--pcts: invalid percentile: '%s'",
				   bct_arg_shown(item, shown, sizeof(shown)));
		if (env.npcts == MAX_PCTS)
			argp_error(state, "argument -p/--pcts: more than %d percentiles", MAX_PCTS);
		env.pcts[env.npcts++] = item;
		if (!save)
			break;
	}
	qsort(env.pcts, env.npcts, sizeof(env.pcts[0]), cmp_pct);
	for (i = 0; i < env.npcts; i++)
		env.pct_val[i] = strtod(env.pcts[i], NULL);
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end, shown[64];
	long v;

	switch (key) {
	case 'i':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (!*arg || *end || errno)
			argp_error(state, "argument -i/--interval: invalid int value: '%s'",
				   bct_arg_shown(arg, shown, sizeof(shown)));
		env.interval = v;
		break;
	case 'w':
		if (!strcmp(arg, "from-rq-alloc"))
			env.which = BIOLATPCTS_FROM_ALLOC;
		else if (!strcmp(arg, "after-rq-alloc"))
			env.which = BIOLATPCTS_AFTER_ALLOC;
		else if (!strcmp(arg, "on-device"))
			env.which = BIOLATPCTS_ON_DEVICE;
		else
			argp_error(state,
				   "argument -w/--which: invalid choice: '%s' (choose from %s)",
				   bct_arg_shown(arg, shown, sizeof(shown)), which_choices);
		break;
	case ARGP_KEY_ARG:
		if (env.dev)
			argp_error(state, "unrecognized arguments: %s",
				   bct_arg_shown(arg, shown, sizeof(shown)));
		env.dev = arg;
		break;
	case ARGP_KEY_END:
		if (!env.dev && !env.kit.common.ebpf)
			argp_error(state, "the following arguments are required: DEV");
		parse_pcts(state);
		return ARGP_ERR_UNKNOWN;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "DEV",
	.doc = doc,
};

/* --- attach methods: every program in bpf-src/biolatpcts.bpf.c ---------------------------- */

static const struct bct_method methods[] = {
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("bl_done_raw", "raw_tp/block_rq_complete")) },
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("bl_done_btf", "tp_btf/block_rq_complete")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "block I/O completion", methods, false },
					 { NULL, NULL, false } };

const struct bct_needs needs_biolatpcts = {
	.src_name = "biolatpcts.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
	.default_args = "loop0",
};

/* --- the device ----------------------------------------------------------------------------- */

/* DEV as BCC takes it: "MAJ:MIN", a path, or a name under /dev. 0 or -errno (logged). */
static int dev_parse(const char *dev, unsigned int *major_, unsigned int *minor_)
{
	char path[4096], *end;
	unsigned long ma, mi;
	const char *colon = strchr(dev, ':');
	struct stat st;

	if (colon) {
		ma = strtoul(dev, &end, 10);
		if (end == colon && end != dev) {
			mi = strtoul(colon + 1, &end, 10);
			if (end != colon + 1 && (!*end || *end == ':')) {
				*major_ = ma;
				*minor_ = mi;
				return 0;
			}
		}
	}
	snprintf(path, sizeof(path), "%s%s", strchr(dev, '/') ? "" : "/dev/", dev);
	if (stat(path, &st)) {
		int err = -errno;

		pr_err("cannot stat '%s': %s; give a block device as /dev/DEVNAME, DEVNAME or MAJ:MIN",
		       path, strerror(-err));
		return err;
	}
	*major_ = major(st.st_rdev);
	*minor_ = minor(st.st_rdev);
	return 0;
}

static unsigned int dev_major, dev_minor;

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err;

	err = bct_prog__define(p, "BIOLATPCTS_DEV", "%u", (dev_major << BCT_MINORBITS) | dev_minor);
	if (!err)
		err = bct_prog__define(p, "BIOLATPCTS_WHICH", "%d", env.which);
	return err;
}

/* --- percentiles ---------------------------------------------------------------------------- */

static const char *const op_names[BIOLATPCTS_OPS] = { "read", "write", "discard", "flush" };
static const char *const map_names[3] = { "lat_100ms", "lat_1ms", "lat_10us" };
static const double grans[3] = { 100000, 1000, 10 }; /* usecs */

/* cur: counters now; last: at the start of the period; d: the difference */
static uint64_t cur[3][BIOLATPCTS_ENTRIES], last[3][BIOLATPCTS_ENTRIES], d[3][BIOLATPCTS_ENTRIES];

static int read_counters(const int fds[3])
{
	int ncpus = libbpf_num_possible_cpus(), g, c;
	uint32_t i;
	uint64_t *vals;

	if (ncpus < 0)
		return ncpus;
	vals = calloc(ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (g = 0; g < 3; g++)
		for (i = 0; i < BIOLATPCTS_ENTRIES; i++) {
			if (bpf_map_lookup_elem(fds[g], &i, vals)) {
				int err = -errno;

				free(vals);
				return err;
			}
			cur[g][i] = 0;
			for (c = 0; c < ncpus; c++)
				cur[g][i] += vals[c];
		}
	free(vals);
	return 0;
}

/* From slot idx downwards, adds slots until counted reaches 100 - req percent of total. */
static int find_pct(double req, uint64_t total, const uint64_t *slots, int idx, uint64_t *counted)
{
	while (idx > 0) {
		idx--;
		if (!slots[idx])
			continue;
		*counted += slots[idx];
		if (env.verbose > 1) {
			char r[40];

			py_float(req, r, sizeof(r));
			printf("idx=%d counted=%" PRIu64 " pct=%.1f req=%s\n", idx, *counted,
			       (double)*counted / total, r);
		}
		if ((double)*counted / total * 100 >= 100 - req)
			break;
	}
	return idx;
}

/* The percentiles of operation op, in usecs (0 when it had no requests). */
static void calc(int op, uint64_t total, double *out)
{
	int sel = 0, idx = 100, i;
	uint64_t counted = 0, before;

	for (i = 0; i < env.npcts; i++)
		out[i] = 0;
	if (!total)
		return;
	for (i = env.npcts - 1; i >= 0; i--) {
		for (;;) {
			before = counted;
			idx = find_pct(env.pct_val[i], total, &d[sel][op * BIOLATPCTS_SLOTS], idx,
				       &counted);
			if (env.verbose > 1) {
				char r[40];

				py_float(env.pct_val[i], r, sizeof(r));
				printf("pct_idx=%d req=%s gran=%.0f idx=%d counted=%" PRIu64
				       " total=%" PRIu64 "\n",
				       i, r, grans[sel], idx, counted, total);
			}
			if (idx > 0 || sel == 2)
				break;
			counted = before;
			sel++;
			idx = 100;
		}
		out[i] = grans[sel] * idx + grans[sel] / 2;
	}
}

/* BCC's latency text: "1.2s", "15ms", "1.5ms", "95us", or "-" for none. */
static void fmt_usec(double lat, char *buf, size_t sz)
{
	if (lat > 1e6)
		snprintf(buf, sz, "%.1fs", lat / 1e6);
	else if (lat > 10000)
		snprintf(buf, sz, "%.0fms", lat / 1000);
	else if (lat > 1000)
		snprintf(buf, sz, "%.1fms", lat / 1000);
	else if (lat > 0)
		snprintf(buf, sz, "%.0fus", lat);
	else
		snprintf(buf, sz, "-");
}

/* A double as Python's repr() writes it (json.dumps): shortest round trip, "0.0", "9.5e-05". */
static void py_float(double v, char *buf, size_t sz)
{
	char tmp[40], digits[24], *e;
	int prec, exp10, n, i, pos = 0;

	for (prec = 0; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	e = strchr(tmp, 'e');
	exp10 = atoi(e + 1);
	n = 0;
	for (i = 0; tmp + i < e; i++)
		if (tmp[i] >= '0' && tmp[i] <= '9')
			digits[n++] = tmp[i];
	digits[n] = '\0';
	if (exp10 < -4 || exp10 >= 16) {
		pos = snprintf(buf, sz, "%c", digits[0]);
		if (n > 1)
			pos += snprintf(buf + pos, sz - pos, ".%s", digits + 1);
		snprintf(buf + pos, sz - pos, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
	} else if (exp10 < 0) {
		snprintf(buf, sz, "0.%0*d%s", -exp10 - 1, 0, digits);
		if (exp10 == -1)
			snprintf(buf, sz, "0.%s", digits);
	} else if (n <= exp10 + 1) {
		snprintf(buf, sz, "%s%0*d.0", digits, exp10 + 1 - n, 0);
		if (n == exp10 + 1)
			snprintf(buf, sz, "%s.0", digits);
	} else {
		snprintf(buf, sz, "%.*s.%s", exp10 + 1, digits, digits + exp10 + 1);
	}
}

static void print_verbose(int op)
{
	static const char *const labels[3] = { "100ms", "  1ms", " 10us" };
	int g, i;

	for (g = 0; g < 3; g++) {
		printf("%-7s %s [", op_names[op], labels[g]);
		for (i = 0; i < BIOLATPCTS_SLOTS; i++)
			printf("%s%" PRIu64, i ? ", " : "", d[g][op * BIOLATPCTS_SLOTS + i]);
		printf("]\n");
	}
}

/*
 * One report: the increase since the period's start; update: a new period starts. The caller
 * flushes it.
 */
static void report(bool update)
{
	static double lat[BIOLATPCTS_OPS][MAX_PCTS];
	uint64_t total[BIOLATPCTS_OPS] = { 0 };
	char buf[64];
	int g, i, op;

	for (g = 0; g < 3; g++)
		for (i = 0; i < BIOLATPCTS_ENTRIES; i++) {
			d[g][i] = cur[g][i] > last[g][i] ? cur[g][i] - last[g][i] : 0;
			if (update)
				last[g][i] = cur[g][i];
		}
	for (i = 0; i < BIOLATPCTS_ENTRIES; i++)
		total[i / BIOLATPCTS_SLOTS] += d[0][i];
	for (op = 0; op < BIOLATPCTS_OPS; op++) {
		calc(op, total[op], lat[op]);
		if (env.verbose)
			print_verbose(op);
	}
	if (env.json) {
		for (op = 0; op < BIOLATPCTS_OPS; op++) {
			printf("%s\"%s\": {", op ? ", " : "{", op_names[op]);
			for (i = 0; i < env.npcts; i++) {
				if (i)
					printf(", ");
				bct_json_quote(stdout, env.pcts[i], strlen(env.pcts[i]));
				py_float(lat[op][i] / 1e6, buf, sizeof(buf));
				printf(": %s", buf);
			}
			printf("}");
		}
		printf("}\n");
	} else {
		const char *base = strrchr(env.dev, '/');

		printf("\n%-7s", base ? base + 1 : env.dev);
		for (i = 0; i < env.npcts; i++)
			printf(" %5s", env.pcts[i]);
		printf("\n");
		for (op = 0; op < BIOLATPCTS_OPS; op++) {
			printf("%-7s", op_names[op]);
			for (i = 0; i < env.npcts; i++) {
				int w = strlen(env.pcts[i]) > 5 ? (int)strlen(env.pcts[i]) : 5;

				fmt_usec(lat[op][i], buf, sizeof(buf));
				printf(" %*s", w, buf);
			}
			printf("\n");
		}
	}
}

/* --- the loop -------------------------------------------------------------------------------- */

static volatile sig_atomic_t want_report, new_period, hangup;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		new_period = 1;
	else if (sig == SIGHUP)
		hangup = 1;
	want_report = 1;
}

static int run(struct bct_session *s)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, orig;
	int fds[3], g, err;
	struct timespec deadline, now, left;

	for (g = 0; g < 3; g++) {
		fds[g] = bct_prog__map_fd(s->prog, map_names[g]);
		if (fds[g] < 0)
			return fds[g];
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	/* an infinite interval reports at once: the caller knows we are ready */
	if (env.interval < 0)
		want_report = 1;
	for (;;) {
		bool stop, update;

		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += env.interval > 0 ? env.interval : 0;
		while (!want_report && !bct_exiting) {
			struct timespec *tmo = NULL;

			if (env.interval > 0) {
				clock_gettime(CLOCK_MONOTONIC, &now);
				left.tv_sec = deadline.tv_sec - now.tv_sec;
				left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
				if (left.tv_nsec < 0) {
					left.tv_nsec += 1000000000L;
					left.tv_sec--;
				}
				if (left.tv_sec < 0)
					break;
				tmo = &left;
			}
			ppoll(NULL, 0, tmo, &orig);
		}
		stop = bct_exiting || hangup;
		update = env.interval > 0 || new_period;
		want_report = 0;
		new_period = 0;
		err = read_counters(fds);
		if (err) {
			pr_err("cannot read the latency counters: %s", strerror(-err));
			break;
		}
		report(update);
		err = bct_out__flush(NULL);
		if (err) {
			/* the reader gone (| head) is a clean stop; another error was logged */
			err = bct_out__settle(err);
			break;
		}
		if (stop)
			break;
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return err;
}

int cmd_biolatpcts(int argc, char **argv)
{
	struct bct_session s = { .add_defines = add_defines };
	int rc, err;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	env.json = env.json || env.kit.common.json;
	if (env.dev && dev_parse(env.dev, &dev_major, &dev_minor))
		return 1;
	if (bct_session__init(&s, &env.kit, &needs_biolatpcts, NULL))
		return 1;
	if (env.kit.common.ebpf) {
		err = bct_session__print_source(&s);
		goto out;
	}
	err = bct_session__start(&s);
	if (err)
		goto out;
	/* 0: test whether it would run, and exit */
	if (env.interval) {
		err = run(&s);
		bct_session__warn_missed(&s, "I/O completions");
	}
out:
	if (err == -EINTR && bct_exiting)
		err = 0;
	bct_session__stop(&s);
	return err ? 1 : 0;
}
