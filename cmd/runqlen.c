// SPDX-License-Identifier: Apache-2.0
/*
 * runqlen: summarize the scheduler run queue length as a histogram, sampled at 99 Hz per CPU,
 * or report run queue occupancy (-O), system-wide or per CPU (-C).
 *
 * Interface of BCC's runqlen by Brendan Gregg; written anew, with --json. A software
 * cpu-clock perf event per online CPU runs bpf-src/runqlen.bpf.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/perf_event.h>

#include "cmd.h"
#include "cpuclock.h"
#include "hist.h"
#include "histtool.h"
#include "json.h"
#include "log.h"
#include "prog.h"
#include "runqlen.h"

#define RUNQLEN_FREQ 99

static struct runqlen_env {
	struct bct_env kit; /* the shared options: -T, [interval [count]], --json... */
	bool occupancy;
	bool per_cpu;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('O', "runqocc", &env.occupancy, "report run queue occupancy"),
	BCT_FLAG('C', "cpus", &env.per_cpu, "print output for each CPU separately"),
	{ 0 },
};

static const char doc[] = "Summarize scheduler run queue length as a histogram\n"
			  "\v"
			  "examples:\n"
			  "    ./runqlen            # summarize run queue length as a histogram\n"
			  "    ./runqlen 1 10       # print 1 second summaries, 10 times\n"
			  "    ./runqlen -T 1       # 1s summaries and timestamps\n"
			  "    ./runqlen -O         # report run queue occupancy\n"
			  "    ./runqlen -C         # show each CPU separately\n"
			  "    ./runqlen --json 1   # one JSON object per histogram per second\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.args_doc = "[interval] [count]",
	.doc = doc,
	.shared = { .timestamp = 'T', .interval = true },
};

static const struct bct_method methods[] = {
	{ .name = "perf_event", .progs = BCT_PROGS(BCT_PROG("runqlen_sample", "perf_event")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "timed samples", methods, false }, { NULL } };

const struct bct_needs needs_runqlen = {
	.src_name = "runqlen.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

static void key_name(void *ctx, const void *key, char *buf, size_t sz)
{
	(void)ctx;
	snprintf(buf, sz, "%" PRIu64, *(const uint64_t *)key);
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	(void)ctx;
	if (env.per_cpu)
		return bct_prog__define(p, "RUNQLEN_PER_CPU", NULL);
	return 0;
}

static int after_load(struct bct_prog *p, void *ctx)
{
	(void)ctx;
	return bct_attach_cpu_clock(p, "runqlen_sample", RUNQLEN_FREQ);
}

/* Samples with a queue (slot > 0) and in all, of one histogram. */
static void occupancy(const struct bct_hist_entry *e, uint64_t *queued, uint64_t *all)
{
	size_t i;

	for (i = 0; i < e->nslots; i++) {
		*all += e->slots[i];
		if (i > 0)
			*queued += e->slots[i];
	}
}

static double percent(uint64_t queued, uint64_t all)
{
	return all ? 100.0 * (double)queued / (double)all : 0.0;
}

static void timestamp(char *buf, size_t sz, bool json)
{
	time_t now = time(NULL);

	strftime(buf, sz, json ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", localtime(&now));
}

static void json_linear(struct bct_json *j, const struct bct_hist_entry *e)
{
	size_t i, last = 0;

	for (i = 0; i < e->nslots; i++)
		if (e->slots[i])
			last = i + 1;
	bct_json_arr_open(j, "data");
	for (i = 0; i < last; i++) {
		bct_json_obj_open(j, NULL);
		bct_json_uint(j, "runqlen", i);
		bct_json_uint(j, "count", e->slots[i]);
		bct_json_obj_close(j);
	}
	bct_json_arr_close(j);
}

/* The CPU of an entry (its key), 0 without -C. */
static uint64_t entry_cpu(const struct bct_hist_entry *e)
{
	return *(const uint64_t *)e->key;
}

static void print_json(FILE *out, const struct bct_hist_entry *v, size_t n)
{
	static const uint64_t none[1];
	const struct bct_hist_entry empty = { .key = none, .slots = none, .nslots = 1 };
	uint64_t queued, all;
	struct bct_json j;
	char ts[32];
	size_t i;

	timestamp(ts, sizeof(ts), true);
	if (n == 0 && !env.per_cpu) {
		v = &empty;
		n = 1;
	}
	for (i = 0; i < n; i++) {
		bct_json_begin(&j, out);
		bct_json_str(&j, "ts", ts);
		if (env.per_cpu)
			bct_json_uint(&j, "cpu", entry_cpu(&v[i]));
		if (env.occupancy) {
			queued = all = 0;
			occupancy(&v[i], &queued, &all);
			bct_json_double(&j, "runqocc", percent(queued, all));
			bct_json_uint(&j, "samples", all);
		} else {
			json_linear(&j, &v[i]);
		}
		bct_json_end(&j);
	}
}

static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	uint64_t queued = 0, all = 0, cpu, c, maxcpu = 0;
	char ts[32];
	size_t i;

	(void)ctx;
	if (env.kit.common.json) {
		print_json(out, v, n);
		return;
	}
	fputc('\n', out);
	if (env.kit.timestamp) {
		timestamp(ts, sizeof(ts), false);
		fprintf(out, "%-8s\n", ts);
	}
	if (!env.occupancy) {
		for (i = 0; i < n; i++) {
			if (env.per_cpu)
				fprintf(out, "\ncpu = %" PRIu64 "\n", entry_cpu(&v[i]));
			bct_hist_print_linear(out, v[i].slots, v[i].nslots, "runqlen", false);
		}
		return;
	}
	if (!env.per_cpu) {
		for (i = 0; i < n; i++)
			occupancy(&v[i], &queued, &all);
		fprintf(out, "runqocc: %0.2f%%\n", percent(queued, all));
		return;
	}
	/* as BCC: every CPU from 0 to the highest one sampled, 0% where none was */
	for (i = 0; i < n; i++)
		if (entry_cpu(&v[i]) > maxcpu)
			maxcpu = entry_cpu(&v[i]);
	for (c = 0; n && c <= maxcpu; c++) {
		queued = all = 0;
		for (i = 0; i < n; i++) {
			cpu = entry_cpu(&v[i]);
			if (cpu == c)
				occupancy(&v[i], &queued, &all);
		}
		fprintf(out, "runqocc, CPU %-3" PRIu64 " %6.2f%%\n", c, percent(queued, all));
	}
}

int cmd_runqlen(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.unit = "runqlen",
		.linear = true,
		.key_name = key_name,
		.section_number = true,
		.banner = "Sampling run queue length... Hit Ctrl-C to end.",
		.missed_what = "run queue samples",
		.print = print,
		.serve_hist = true, /* bcctool serve: the run queue lengths, a linear histogram */
	};
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.per_cpu)
		tool.section = "cpu";
	if (bct_session__init(&s, &env.kit, &needs_runqlen, NULL))
		return 1;
	return bct_hist_run(&s, &tool);
}
