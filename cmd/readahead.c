// SPDX-License-Identifier: Apache-2.0
/*
 * readahead: pages read ahead and not used, and a histogram of the age of those used.
 *
 * Interface of BCC's readahead by Suchakrapani Sharma; written anew, with --json. The kernel
 * side (bpf-src/readahead.bpf.c) keeps a log2 histogram of used pages' ages and counts of the
 * pages read ahead and used, as the histogram kit's entries; this file prints them as BCC does
 * after -d seconds or Ctrl-C. Without kprobes the method is an approximation built on the
 * readahead and filemap trace events (see the man page).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cmd.h"
#include "hist.h"
#include "histtool.h"
#include "json.h"
#include "prog.h"
#include "readahead.h"

static struct readahead_env {
	struct bct_env kit; /* --json, --debug */
	long long duration;
} env;

static const struct bct_opt opts[] = {
	BCT_CUSTOM('d', "duration", "DURATION", "total duration to monitor for, in seconds"),
	{ 0 },
};

static const char doc[] =
	"Monitor performance of read ahead cache\n"
	"\v"
	"examples:\n"
	"    readahead -d 20       # monitor for 20 seconds and generate stats\n"
	"    readahead --json -d 5 # the same as one JSON object, after 5 seconds\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case 'd':
		errno = 0;
		env.duration = strtoll(arg, &end, 10);
		if (!*arg || *end || errno)
			argp_error(state, "argument -d/--duration: invalid int value: '%s'", arg);
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

/* --- attach methods: every program in bpf-src/readahead.bpf.c ---------------------------- */

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("ra_enter_kp", "kprobe/do_page_cache_ra"),
			     BCT_PROG("ra_exit_kp", "kretprobe/do_page_cache_ra"),
			     BCT_PROG("ra_alloc_kp", "kretprobe/filemap_alloc_folio_noprof"),
			     BCT_PROG("ra_accessed_kp", "kprobe/folio_mark_accessed")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(
		  BCT_PROG("ra_sync_tp", "tracepoint/readahead/page_cache_sync_ra"),
		  BCT_PROG("ra_async_tp", "tracepoint/readahead/page_cache_async_ra"),
		  BCT_PROG("ra_unbounded_tp", "tracepoint/readahead/page_cache_ra_unbounded"),
		  BCT_PROG("ra_order_tp", "tracepoint/readahead/page_cache_ra_order"),
		  BCT_PROG("ra_add_tp", "tracepoint/filemap/mm_filemap_add_to_page_cache"),
		  BCT_PROG("ra_lookup_tp", "tracepoint/filemap/mm_filemap_get_pages"),
		  BCT_PROG("ra_fault_tp", "tracepoint/filemap/mm_filemap_fault")),
	  .approx = "pages added while a read-ahead event's file is read ahead, used when a read "
		    "looks them up or a fault hits them; counted in pages, not folios" },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "read-ahead pages and their use", methods, false },
	{ NULL },
};

const struct bct_needs needs_readahead = {
	.src_name = "readahead.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	static const uint64_t none[BCT_HIST_LOG2_SLOTS];
	const uint64_t *age = none;
	size_t nslots = 1, i;
	uint64_t born = 0, used = 0;
	int64_t unused;

	for (i = 0; i < n; i++) {
		uint32_t key = *(const uint32_t *)v[i].key;

		if (key == READAHEAD_KEY_AGE) {
			age = v[i].slots;
			nslots = v[i].nslots;
		} else if (key == READAHEAD_KEY_PAGES) {
			born = v[i].slots[READAHEAD_BORN];
			used = v[i].slots[READAHEAD_USED];
		}
	}
	/* BCC's count: up with each page born, down with each used, reset each print */
	unused = (int64_t)(born - used);
	if (env.kit.common.json) {
		time_t now = time(NULL);
		struct bct_json j;
		char ts[32];

		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
		bct_json_begin(&j, out);
		bct_json_str(&j, "ts", ts);
		bct_json_int(&j, "unused", unused);
		bct_json_uint(&j, "readahead", born);
		bct_json_uint(&j, "used", used);
		bct_json_str(&j, "val_type", "age (ms)");
		bct_hist_json_log2(&j, "data", age, nslots);
		bct_json_end(&j);
		return;
	}
	fprintf(out, "\nRead-ahead unused pages: %" PRId64 "\n", unused);
	fprintf(out, "Histogram of read-ahead used page age (ms):\n\n");
	bct_hist_print_log2(out, age, nslots, "age (ms)", false);
}

/* bcctool serve: the pages read ahead and used (the age histogram is not served) */
static const struct bct_serve_counter serve_counters[] = {
	{ "pages", READAHEAD_BORN, NULL, "pages read ahead" },
	{ "used_pages", READAHEAD_USED, NULL, "pages read ahead, then used" },
	{ NULL },
};

static bool serve_key(void *ctx, const struct bct_hist_entry *e, char (*val)[BCT_SERVE_LABEL_LEN])
{
	(void)ctx, (void)val;
	return *(const uint32_t *)e->key == READAHEAD_KEY_PAGES;
}

/* --- set-up ------------------------------------------------------------------------------- */

int cmd_readahead(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.missed_what = "page cache events",
		.print = print,
		.banner = "Tracing... Hit Ctrl-C to end.",
		.serve_counters = serve_counters,
		.serve_key = serve_key,
	};
	struct bct_session s = { 0 };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.duration > 0) {
		/* -d: one report after that many seconds (or at Ctrl-C), then exit */
		env.kit.interval = (uint64_t)env.duration;
		env.kit.count = 1;
	}
	if (bct_session__init(&s, &env.kit, &needs_readahead, NULL))
		return 1;
	return bct_hist_run(&s, &tool);
}
