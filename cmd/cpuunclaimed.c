// SPDX-License-Identifier: Apache-2.0
/*
 * cpuunclaimed: sample every CPU's run queue at 99 Hz and report, per interval, how busy the
 * CPUs were and how much idle CPU went unclaimed while other CPUs had tasks waiting; or (-j,
 * -J) every sample group as CSV.
 *
 * Interface of BCC's cpuunclaimed by Brendan Gregg; written anew, with --json. A software
 * cpu-clock perf event per online CPU runs bpf-src/cpuunclaimed.bpf.c, which sends each
 * sample; samples are grouped here by time as BCC groups them.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/perf_event.h>
#include <linux/types.h>

#include "buf.h"
#include "cmd.h"
#include "cpuclock.h"
#include "json.h"
#include "log.h"
#include "out.h"
#include "prog.h"
#include "signals.h"
#include "tool.h"
#include "cpuunclaimed.h"

#define FREQ 99
#define WAKEUP_MS 100 /* BCC reads its buffers 10 times a second */
/* a gap this long between sorted samples starts a new group (0.8 of the sampling period) */
#define TRIGGER_NS ((uint64_t)(0.8 * (1000000000.0 / FREQ)))

static struct cpuunclaimed_env {
	struct bct_env kit; /* --json, --ebpf, --debug */
	bool csv, fullcsv, timestamp;
	const char *interval_arg; /* as given: BCC prints it as typed */
	double interval;
	uint64_t count;
	int nargs;
} env = { .interval_arg = "1", .interval = 1.0 };

static const struct bct_opt opts[] = {
	BCT_FLAG('j', "csv", &env.csv,
		 "print sample summaries (verbose) as comma-separated values"),
	BCT_FLAG('J', "fullcsv", &env.fullcsv,
		 "print sample summaries with extra fields: CPU sample offsets"),
	BCT_FLAG('T', "timestamp", &env.timestamp, "include timestamp on output"),
	{ 0 },
};

static const char doc[] =
	"Sample CPU run queues and calculate unclaimed idle CPU\n"
	"\v"
	"  interval  output interval, in seconds\n"
	"  count     number of outputs\n"
	"\n"
	"examples:\n"
	"    cpuunclaimed            # sample and calculate unclaimed idle CPUs,\n"
	"                            # output every 1 second (default)\n"
	"    cpuunclaimed 5 10       # print 5 second summaries, 10 times\n"
	"    cpuunclaimed -T 1       # 1s summaries and timestamps\n"
	"    cpuunclaimed -j         # raw dump of all samples (verbose), CSV\n"
	"    cpuunclaimed --json     # one JSON object per summary\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case ARGP_KEY_ARG:
		if (env.nargs == 0) {
			errno = 0;
			env.interval = strtod(arg, &end);
			if (errno || *end || end == arg || !isfinite(env.interval) ||
			    env.interval < 0 || env.interval > 1e6)
				argp_error(state, "invalid interval: '%s'", arg);
			env.interval_arg = arg;
		} else if (env.nargs == 1) {
			bct_arg_u64(state, "count", arg, 1, UINT32_MAX, &env.count);
		} else {
			argp_error(state, "unrecognized arguments: %s", arg);
		}
		env.nargs++;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[interval] [count]",
	.doc = doc,
};

static const struct bct_method methods[] = {
	{ .name = "perf_event", .progs = BCT_PROGS(BCT_PROG("cpuunclaimed_sample", "perf_event")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "timed samples", methods, false }, { NULL } };

const struct bct_needs needs_cpuunclaimed = {
	.src_name = "cpuunclaimed.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* One software cpu-clock event at 99 Hz per possible CPU that is online. */
static int after_load(struct bct_prog *p, void *ctx)
{
	(void)ctx;
	return bct_attach_cpu_clock(p, "cpuunclaimed_sample", FREQ);
}

/* --- sample groups ---------------------------------------------------------------------- */

static struct state {
	struct cpuunclaimed_sample *v;
	size_t n, cap;
	uint64_t last; /* the first time stamp of the open group */
	int ncpu;
	/* this interval's sums over closed groups */
	uint64_t positive, running, idle;
	uint64_t *lens, *offs;
} st;

static int on_sample(void *ctx, const void *data, size_t size)
{
	(void)ctx;
	if (size < sizeof(*st.v))
		return 0;
	if (st.n == st.cap) {
		size_t cap = st.cap ? st.cap * 2 : 1024;
		void *v = realloc(st.v, cap * sizeof(*st.v));

		if (!v) {
			pr_err("cannot keep the samples: out of memory");
			return -ENOMEM;
		}
		st.v = v;
		st.cap = cap;
	}
	memcpy(&st.v[st.n++], data, sizeof(*st.v));
	return 0;
}

static int cmp_ts(const void *a, const void *b)
{
	const struct cpuunclaimed_sample *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static void now_hms(char *buf, size_t sz)
{
	time_t now = time(NULL);

	strftime(buf, sz, "%H:%M:%S", localtime(&now));
}

/* -j/-J: one CSV line (or JSON object) for a group of samples taken at one moment. */
static void print_group_csv(const struct cpuunclaimed_sample *g, size_t n)
{
	uint64_t g_time = g[0].ts;
	char ts[16];
	size_t i;
	int c;

	memset(st.lens, 0, st.ncpu * sizeof(*st.lens));
	memset(st.offs, 0, st.ncpu * sizeof(*st.offs));
	for (i = 0; i < n; i++) {
		if ((int)g[i].cpu >= st.ncpu)
			continue;
		st.lens[g[i].cpu] = g[i].len;
		st.offs[g[i].cpu] = g[i].ts - g_time;
	}
	if (env.kit.common.json) {
		struct bct_json j;

		bct_json_begin(&j, stdout);
		bct_json_uint(&j, "timestamp_ns", g_time);
		bct_json_arr_open(&j, "runqlen");
		for (c = 0; c < st.ncpu; c++)
			bct_json_uint(&j, NULL, st.lens[c]);
		bct_json_arr_close(&j);
		if (env.fullcsv) {
			bct_json_arr_open(&j, "offset_ns");
			for (c = 0; c < st.ncpu; c++)
				bct_json_uint(&j, NULL, st.offs[c]);
			bct_json_arr_close(&j);
		}
		bct_json_end(&j);
		return;
	}
	if (env.timestamp) {
		now_hms(ts, sizeof(ts));
		printf("%-8s,", ts);
	}
	printf("%" PRIu64 ",", g_time);
	for (c = 0; c < st.ncpu; c++)
		printf("%s%" PRIu64, c ? "," : "", st.lens[c]);
	if (env.fullcsv)
		for (c = 0; c < st.ncpu; c++)
			printf(",%" PRIu64, st.offs[c]);
	putchar('\n');
}

static void count_group(const struct cpuunclaimed_sample *g, size_t n)
{
	uint64_t g_running = 0, g_queued = 0, g_idle;
	size_t i;

	for (i = 0; i < n; i++) {
		if (g[i].len > 0)
			g_running++;
		if (g[i].len > 1)
			g_queued += g[i].len - 1;
	}
	g_idle = (uint64_t)st.ncpu > g_running ? st.ncpu - g_running : 0;
	/* threads that could have run: the fewer of idle CPUs and queued threads */
	if (g_idle > 0 && g_queued > 0)
		st.positive += g_queued < g_idle ? g_queued : g_idle;
	st.running += g_running;
	st.idle += g_idle;
}

/*
 * Closes every complete group of the buffered samples (a group ends at a gap of more than
 * TRIGGER_NS); the open group stays for the next interval. A group whose samples span more
 * than TRIGGER_NS / 2 is skewed: BCC exits at the first one; here the interval's groups may
 * hold up to SKEW_TOLERANCE percent of them (a vCPU the hypervisor held back for a few
 * milliseconds) and only more ends the run. false: too many skewed groups (reported).
 */
#define SKEW_TOLERANCE 5
static bool process(void)
{
	uint64_t groups = 0, skewed = 0, worst = 0;
	size_t i, start = 0;

	qsort(st.v, st.n, sizeof(*st.v), cmp_ts);
	for (i = 0; i < st.n; i++) {
		if (st.v[i].ts - st.last <= TRIGGER_NS)
			continue;
		if (i > start) {
			uint64_t range = st.v[i - 1].ts - st.v[start].ts;

			if (env.csv)
				print_group_csv(&st.v[start], i - start);
			else
				count_group(&st.v[start], i - start);
			groups++;
			if (range > TRIGGER_NS / 2) {
				skewed++;
				if (range > worst)
					worst = range;
			}
		}
		start = i;
		st.last = st.v[i].ts;
	}
	memmove(st.v, st.v + start, (st.n - start) * sizeof(*st.v));
	st.n -= start;
	if (skewed * 100 > groups * SKEW_TOLERANCE) {
		printf("ERROR: CPU samples arrived at skewed offsets (CPUs may have powered down "
		       "when idle), spanning %" PRIu64 " ns (expected < %" PRIu64
		       " ns). Debug with -J, and see the man page. As output may begin to be "
		       "unreliable, exiting.\n",
		       worst, TRIGGER_NS / 2);
		return false;
	}
	return true;
}

static void print_summary(void)
{
	uint64_t total = st.running + st.idle;
	double unclaimed = 0, util = 0;
	char ts[32];

	if (total) {
		unclaimed = (double)st.positive / (double)total;
		util = (double)st.running / (double)total;
	}
	if (env.kit.common.json) {
		struct bct_json j;
		time_t now = time(NULL);

		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
		bct_json_begin(&j, stdout);
		bct_json_str(&j, "ts", ts);
		bct_json_double(&j, "cpu_pct", 100 * util);
		bct_json_double(&j, "unclaimed_idle_pct", 100 * unclaimed);
		bct_json_uint(&j, "samples", total);
		bct_json_uint(&j, "running", st.running);
		bct_json_uint(&j, "idle", st.idle);
		bct_json_uint(&j, "unclaimed", st.positive);
		bct_json_end(&j);
	} else {
		if (env.timestamp) {
			now_hms(ts, sizeof(ts));
			printf("%-8s ", ts);
		}
		printf("%%CPU %6.2f%%, unclaimed idle %0.2f%%\n", 100 * util, 100 * unclaimed);
	}
	st.positive = st.running = st.idle = 0;
}

static uint64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void csv_header(void)
{
	int c;

	if (env.kit.common.json)
		return;
	if (env.timestamp)
		printf("TIME,");
	printf("TIMESTAMP_ns,");
	for (c = 0; c < st.ncpu; c++)
		printf("%sCPU%d", c ? "," : "", c);
	if (env.fullcsv)
		for (c = 0; c < st.ncpu; c++)
			printf(",OFFSET_ns_CPU%d", c);
	putchar('\n');
}

static int run(struct bct_session *s)
{
	uint64_t every = (uint64_t)(env.interval * 1e9), next, left = env.count;
	struct bct_buf *buf;
	int n, err = 0;

	if (every < WAKEUP_MS * 1000000ull)
		every = WAKEUP_MS * 1000000ull; /* BCC cannot report more often than it wakes */
	buf = bct_buf__new(s->prog, on_sample, NULL);
	if (!buf)
		return -ENOMEM;
	if (env.csv)
		csv_header();
	else if (!env.kit.common.json)
		printf("Sampling run queues... Output every %s seconds. Hit Ctrl-C to end.\n",
		       env.interval_arg);
	fflush(stdout);
	next = mono_ns() + every;
	for (;;) {
		uint64_t now = mono_ns();
		int wait = now >= next ? 0 : (int)((next - now) / 1000000);

		if (wait > WAKEUP_MS)
			wait = WAKEUP_MS;
		n = bct_buf__poll(buf, bct_exiting ? 0 : wait);
		if (n < 0) {
			err = n;
			break;
		}
		if (!bct_exiting && mono_ns() < next)
			continue;
		next += every;
		if (!process())
			break;
		if (!env.csv)
			print_summary();
		err = bct_out__flush(NULL);
		if (err) {
			err = bct_out__settle(err); /* a closed pipe (| head) is a clean stop */
			break;
		}
		if (bct_exiting || (left && --left == 0))
			break;
	}
	bct_buf__free(buf);
	return err;
}

int cmd_cpuunclaimed(int argc, char **argv)
{
	struct bct_session s = { .after_load = after_load };
	long online;
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.fullcsv)
		env.csv = true;
	if (env.nargs && env.csv) {
		printf("ERROR: cannot use interval with either -j or -J. Exiting.\n");
		return 0;
	}
	online = sysconf(_SC_NPROCESSORS_ONLN);
	st.ncpu = online > 0 ? (int)online : 1;
	st.lens = calloc(st.ncpu, sizeof(*st.lens));
	st.offs = calloc(st.ncpu, sizeof(*st.offs));
	if (!st.lens || !st.offs) {
		pr_err("cannot allocate the per-CPU columns: out of memory");
		return 1;
	}
	if (bct_session__init(&s, &env.kit, &needs_cpuunclaimed, NULL))
		return 1;
	if (env.kit.common.ebpf) {
		rc = bct_session__print_source(&s) ? 1 : 0;
		goto out;
	}
	rc = bct_session__start(&s);
	rc = rc ?: bct_session__go(&s);
	rc = rc ?: run(&s);
	if (rc == -EINTR && bct_exiting)
		rc = 0;
	rc = rc ? 1 : 0;
out:
	bct_session__stop(&s);
	free(st.v);
	free(st.lens);
	free(st.offs);
	return rc;
}
