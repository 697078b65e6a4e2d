// SPDX-License-Identifier: Apache-2.0
/*
 * biopattern: per disk and interval, the share of random and sequential block I/O, the number
 * of requests and their kilobytes.
 *
 * Interface of BCC's biopattern by Rocky Xing; written anew, with --json. Runs on the
 * histogram-tool skeleton (lib/histtool.h): the BPF side keeps one counter record per disk in
 * the skeleton's map, and the print override writes BCC's table rows instead of histograms.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "disk.h"
#include "histtool.h"
#include "json.h"
#include "prog.h"
#include "biopattern.h"

static struct biopattern_env {
	struct bct_env kit; /* -d DISK, [interval [count]], --json... */
} env;

static const char doc[] = "Show block device I/O pattern.\n"
			  "\v"
			  "examples:\n"
			  "    ./biopattern            # show block device I/O pattern.\n"
			  "    ./biopattern 1 10       # print 1 second summaries, 10 times\n"
			  "    ./biopattern -d sdb     # show sdb only\n";

static const struct bct_tool_args args = {
	.args_doc = "[interval] [count]",
	.doc = doc,
	.shared = { .disk = 'd', .interval = true },
};

static const struct bct_method methods[] = {
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("biopat_btf", "tp_btf/block_rq_complete")) },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("biopat_raw", "raw_tp/block_rq_complete")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("biopat_tp", "tracepoint/block/block_rq_complete")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "block I/O completion", methods, false }, { NULL } };

const struct bct_needs needs_biopattern = {
	.src_name = "biopattern.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* BCC names disks from /proc/partitions, "Unknown" for one not listed there. */
static void partition_name(uint32_t dev, char *buf, size_t sz)
{
	unsigned int major, minor;
	unsigned long long blocks;
	char line[256], name[128];
	FILE *f = fopen("/proc/partitions", "r");

	snprintf(buf, sz, "Unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%u %u %llu %127s", &major, &minor, &blocks, name) != 4)
			continue;
		if (((major << BCT_MINORBITS) | minor) == dev) {
			snprintf(buf, sz, "%s", name);
			break;
		}
	}
	fclose(f);
}

static void key_name(void *ctx, const void *key, char *buf, size_t sz)
{
	uint32_t dev;

	memcpy(&dev, key, sizeof(dev));
	partition_name(dev, buf, sz);
}

/* Python's int(round(num * 100 / den)): to nearest, ties to even. */
static uint64_t percent(uint64_t num, uint64_t den)
{
	uint64_t q = num * 100 / den, r2 = num * 100 % den * 2;

	if (r2 > den || (r2 == den && (q & 1)))
		q++;
	return q;
}

static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	char ts[32];
	time_t now = time(NULL);
	size_t i;

	strftime(ts, sizeof(ts), env.kit.common.json ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S",
		 localtime(&now));
	for (i = 0; i < n; i++) {
		uint64_t seq = v[i].slots[BIOPAT_SEQ], rnd = v[i].slots[BIOPAT_RND];
		uint64_t total = seq + rnd, kbytes = v[i].slots[BIOPAT_BYTES] / 1024, rpct;
		struct bct_json j;

		if (!total)
			continue;
		rpct = percent(rnd, total);
		if (!env.kit.common.json) {
			fprintf(out,
				"%-9s %-7s %5" PRIu64 " %5" PRIu64 " %8" PRIu64 " %10" PRIu64 "\n",
				ts, v[i].name, rpct, 100 - rpct, total, kbytes);
			continue;
		}
		bct_json_begin(&j, out);
		bct_json_str(&j, "ts", ts);
		bct_json_str(&j, "disk", v[i].name);
		bct_json_uint(&j, "rnd", rpct);
		bct_json_uint(&j, "seq", 100 - rpct);
		bct_json_uint(&j, "count", total);
		bct_json_uint(&j, "kbytes", kbytes);
		bct_json_uint(&j, "random", rnd);
		bct_json_uint(&j, "sequential", seq);
		bct_json_end(&j);
	}
}

/* bcctool serve: the completions classified, by disk (key_name) */
static const struct bct_serve_counter serve_counters[] = {
	{ "sequential", BIOPAT_SEQ, NULL, "I/O completions that started where the last ended" },
	{ "random", BIOPAT_RND, NULL, "I/O completions that started elsewhere" },
	{ "bytes", BIOPAT_BYTES, NULL, "bytes of the classified completions" },
	{ NULL },
};

int cmd_biopattern(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.key_name = key_name,
		.banner = "TIME      DISK     %RND  %SEQ    COUNT     KBYTES",
		.missed_what = "I/O completions",
		.print = print,
		.serve_counters = serve_counters,
		.serve_label = "disk",
	};
	struct bct_session s = { 0 };
	int rc = bct_tool_parse(&args, &env.kit, argc, argv);

	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_biopattern, NULL))
		return 1;
	return bct_hist_run(&s, &tool);
}
