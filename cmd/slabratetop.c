// SPDX-License-Identifier: Apache-2.0
/*
 * slabratetop: kernel slab cache allocation rate, top-like, per interval.
 *
 * Interface of BCC's slabratetop by Brendan Gregg; written anew, with --json. The counts are
 * kept in the kernel as the histogram kit's entries (lib/histtool.h drains them each interval,
 * so nothing counted meanwhile is lost); this file sorts and prints them as BCC does.
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
#include "top.h"
#include "slabratetop.h"

static struct slabratetop_env {
	struct bct_env kit; /* [interval [count]], --json... */
	bool noclear;
	int64_t maxrows;
} env = { .maxrows = 20 };

static const struct bct_opt opts[] = {
	BCT_FLAG('C', "noclear", &env.noclear, "don't clear the screen"),
	BCT_CUSTOM('r', "maxrows", "MAXROWS", "maximum rows to print, default 20"),
	{ 0 },
};

static const char doc[] = "Kernel SLAB/SLUB memory cache allocation rate top\n"
			  "\v"
			  "examples:\n"
			  "    slabratetop            # kmem_cache_alloc() top, 1 second refresh\n"
			  "    slabratetop -C         # don't clear the screen\n"
			  "    slabratetop 5          # 5 second summaries\n"
			  "    slabratetop 5 10       # 5 second summaries, 10 times only\n"
			  "    slabratetop --json 5 1 # one JSON object per cache, once\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'r':
		bct_top_arg_maxrows(state, arg, &env.maxrows);
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
	.shared = { .interval = true },
};

/* --- attach methods: every program in bpf-src/slabratetop.bpf.c -------------------------- */

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("slab_alloc_kp", "kprobe/kmem_cache_alloc")) },
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("slab_alloc_btf", "tp_btf/kmem_cache_alloc")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("slab_alloc_tp", "tracepoint/kmem/kmem_cache_alloc")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "slab cache allocations", methods, false }, { NULL } };

const struct bct_needs needs_slabratetop = {
	.src_name = "slabratetop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

struct row {
	char name[SLABRATETOP_NAME_LEN + 1];
	uint64_t allocs, bytes;
};

/* BCC's order: the most bytes first; ties by name, to be stable. */
static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	struct row *rows = n ? calloc(n, sizeof(*rows)) : NULL;
	time_t now = time(NULL);
	int64_t line = 0;
	char ts[32];
	size_t i;

	if (n && !rows) {
		pr_err("cannot print the counts: %s", strerror(ENOMEM));
		return;
	}
	for (i = 0; i < n; i++) {
		const struct slabratetop_key *k = v[i].key;

		memcpy(rows[i].name, k->name, SLABRATETOP_NAME_LEN);
		rows[i].allocs = v[i].slots[SLABRATETOP_ALLOCS];
		rows[i].bytes = v[i].slots[SLABRATETOP_BYTES];
	}
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_row);
	if (env.kit.common.json) {
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
	} else {
		int err = bct_top_head(out, !env.noclear);

		if (err)
			pr_warn("cannot read /proc/loadavg: %s", strerror(-err));
		fprintf(out, "%-32s %6s %10s\n", "CACHE", "ALLOCS", "BYTES");
	}
	for (i = 0; i < n; i++) {
		if (env.kit.common.json) {
			struct bct_json j;

			bct_json_begin(&j, out);
			bct_json_str(&j, "ts", ts);
			bct_json_str(&j, "cache", rows[i].name);
			bct_json_uint(&j, "allocs", rows[i].allocs);
			bct_json_uint(&j, "bytes", rows[i].bytes);
			bct_json_end(&j);
		} else {
			fprintf(out, "%-32s %6" PRIu64 " %10" PRIu64 "\n", rows[i].name,
				rows[i].allocs, rows[i].bytes);
		}
		/* BCC prints a row before it checks the limit: -r 0 shows one */
		if (++line >= env.maxrows)
			break;
	}
	free(rows);
}

/* --- bcctool serve: counters by slab cache ------------------------------------------ */

static const struct bct_serve_counter serve_counters[] = {
	{ "allocations", SLABRATETOP_ALLOCS, NULL, "kmem_cache_alloc() calls by slab cache" },
	{ "bytes", SLABRATETOP_BYTES, NULL, "bytes allocated by slab cache" },
	{ NULL },
};

static bool serve_key(void *ctx, const struct bct_hist_entry *e, char (*val)[BCT_SERVE_LABEL_LEN])
{
	const void *key = e->key;
	const struct slabratetop_key *k = key;

	(void)ctx;
	snprintf(val[0], BCT_SERVE_LABEL_LEN, "%.*s", SLABRATETOP_NAME_LEN, k->name);
	return true;
}

/* --- set-up ------------------------------------------------------------------------------- */

int cmd_slabratetop(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.missed_what = "allocations",
		.print = print,
		.serve_counters = serve_counters,
		.serve_labels = { "cache" },
		.serve_key = serve_key,
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
	tool.serve_rows = env.maxrows > 0 ? (unsigned int)env.maxrows : 1;
	if (bct_session__init(&s, &env.kit, &needs_slabratetop, NULL))
		return 1;
	rc = bct_hist_run(&s, &tool);
	if (!rc && !env.kit.common.json && !env.kit.common.ebpf && !bct_hist_serve_hook) {
		printf("Detaching...\n");
		fflush(stdout);
	}
	return rc;
}
