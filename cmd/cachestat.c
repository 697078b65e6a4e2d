// SPDX-License-Identifier: Apache-2.0
/*
 * cachestat: page cache hits, misses and dirties per interval.
 *
 * Interface of BCC's cachestat by Brendan Gregg and Allan McAleavy; written anew, with --json.
 * Four counters are kept in the kernel (bpf-src/cachestat.bpf.c) in one entry of the histogram
 * kit's map, drained each interval; this file turns them into BCC's columns with BCC's
 * arithmetic and adds Buffers and Cached from /proc/meminfo.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "util.h"
#include "histtool.h"
#include "json.h"
#include "prog.h"
#include "signals.h"
#include "page_cache.h"
#include "page_cache_methods.h"

static struct cachestat_env {
	struct bct_env kit; /* -T, [interval [count]], --json... */
} env;

static const char doc[] =
	"Count cache kernel function calls\n"
	"\v"
	"examples:\n"
	"    cachestat             # page cache statistics every second\n"
	"    cachestat -T 5 3      # with a time column, every 5 seconds, 3 times\n"
	"    cachestat --json      # one JSON object per second\n";

static const struct bct_tool_args args = {
	.args_doc = "[interval [count]]",
	.doc = doc,
	.shared = { .timestamp = 'T', .interval = true },
};

const struct bct_needs needs_cachestat = {
	.src_name = "cachestat.bpf.c",
	.variants = (const struct bct_variant[]){ { "", page_cache_hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	const uint64_t *c = n ? v[0].slots : NULL;
	int64_t mpa = c ? (int64_t)c[PAGE_CACHE_ACCESSED] : 0;
	int64_t apcl = c ? (int64_t)c[PAGE_CACHE_ADDED] : 0;
	int64_t apd = c ? (int64_t)c[PAGE_CACHE_DIRTIED] : 0;
	int64_t mbd = c ? (int64_t)c[PAGE_CACHE_BUF_DIRTIED] : 0;
	int64_t total, misses, hits;
	uint64_t buffers, cached;
	double ratio = 0;
	time_t now = time(NULL);
	char ts[32];

	/* BCC's arithmetic, as it is */
	total = mpa - mbd;
	misses = apcl - apd;
	if (misses < 0)
		misses = 0;
	if (total < 0)
		total = 0;
	hits = total - misses;
	if (hits < 0) {
		misses = total;
		hits = 0;
	}
	if (total > 0)
		ratio = (double)hits / (double)total;
	bct_meminfo_cache(&buffers, &cached);
	if (env.kit.common.json) {
		struct bct_json j;

		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
		bct_json_begin(&j, out);
		bct_json_str(&j, "ts", ts);
		bct_json_int(&j, "hits", hits);
		bct_json_int(&j, "misses", misses);
		bct_json_int(&j, "dirties", mbd);
		bct_json_double(&j, "hitratio", 100 * ratio);
		bct_json_double(&j, "buffers_mb", (double)buffers / 1024);
		bct_json_double(&j, "cached_mb", (double)cached / 1024);
		bct_json_int(&j, "accessed", mpa);
		bct_json_int(&j, "added", apcl);
		bct_json_int(&j, "dirtied", apd);
		bct_json_end(&j);
		return;
	}
	if (env.kit.timestamp) {
		strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
		fprintf(out, "%-8s ", ts);
	}
	fprintf(out, "%8" PRId64 " %8" PRId64 " %8" PRId64 " %7.2f%% %12.0f %10.0f\n", hits, misses,
		mbd, 100 * ratio, (double)buffers / 1024, (double)cached / 1024);
}

/* --- set-up ------------------------------------------------------------------------------- */

int cmd_cachestat(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.missed_what = "page cache events",
		.print = print,
		.serve_counters = page_cache_counters,
	};
	struct bct_session s = { 0 };
	char header[128];
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (!env.kit.interval)
		env.kit.interval = 1;
	snprintf(header, sizeof(header), "%s%8s %8s %8s %8s %12s %10s",
		 env.kit.timestamp ? "TIME     " : "", "HITS", "MISSES", "DIRTIES", "HITRATIO",
		 "BUFFERS_MB", "CACHED_MB");
	tool.banner = header;
	if (bct_session__init(&s, &env.kit, &needs_cachestat, NULL))
		return 1;
	rc = bct_hist_run(&s, &tool);
	/* BCC says "Detaching..." after Ctrl-C, not when its count ran out */
	if (!rc && bct_exiting && !env.kit.common.json && !env.kit.common.ebpf &&
	    !bct_hist_serve_hook) {
		printf("Detaching...\n");
		fflush(stdout);
	}
	return rc;
}
