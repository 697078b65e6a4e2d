// SPDX-License-Identifier: Apache-2.0
/*
 * biotop: block device I/O by process, disk and direction, top-like, per interval.
 *
 * Interface of BCC's biotop by Brendan Gregg (PID filter by Rocky Xing); written anew, with
 * --json. The counts are kept in the kernel as the histogram kit's entries (lib/histtool.h
 * drains them each interval, so nothing counted meanwhile is lost); this file sorts and prints
 * them as BCC does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>

#include "cmd.h"
#include "disk.h"
#include "histtool.h"
#include "json.h"
#include "log.h"
#include "prog.h"
#include "top.h"
#include "biotop.h"

static struct biotop_env {
	struct bct_env kit; /* -p, [interval [count]], --json... */
	bool noclear;
	int64_t maxrows;
} env = { .maxrows = 20 };

static const struct bct_opt opts[] = {
	BCT_FLAG('C', "noclear", &env.noclear, "don't clear the screen"),
	BCT_CUSTOM('r', "maxrows", "MAXROWS", "maximum rows to print, default 20"),
	{ 0 },
};

static const char doc[] = "Block device (disk) I/O by process\n"
			  "\v"
			  "examples:\n"
			  "    biotop            # block device I/O top, 1 second refresh\n"
			  "    biotop -C         # don't clear the screen\n"
			  "    biotop -p 181     # only trace PID 181\n"
			  "    biotop 5          # 5 second summaries\n"
			  "    biotop 5 10       # 5 second summaries, 10 times only\n"
			  "    biotop --json 5 1 # one JSON object per row, once after 5 seconds\n";

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
	.shared = { .pid = 'p', .interval = true },
};

/* --- attach methods: every program in bpf-src/biotop.bpf.c -------------------------------- */

#define ISSUE_KP BCT_PROG("bt_issue_kp", "kprobe/blk_mq_start_request")
#define START_KP BCT_PROG("bt_start_kp", "kprobe/blk_account_io_start")
#define START_KP2 BCT_PROG("bt_start_kp2", "kprobe/__blk_account_io_start")
#define DONE_KP BCT_PROG("bt_done_kp", "kprobe/blk_account_io_done")
#define DONE_KP2 BCT_PROG("bt_done_kp2", "kprobe/__blk_account_io_done")

/* One hook, so that the three programs always come from the same method and share keys. */
static const struct bct_method methods[] = {
	{ .name = "kprobe", .progs = BCT_PROGS(START_KP2, ISSUE_KP, DONE_KP2) },
	{ .name = "kprobe", .progs = BCT_PROGS(START_KP, ISSUE_KP, DONE_KP2) },
	{ .name = "kprobe", .progs = BCT_PROGS(START_KP2, ISSUE_KP, DONE_KP) },
	{ .name = "kprobe", .progs = BCT_PROGS(START_KP, ISSUE_KP, DONE_KP) },
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("bt_start_btf", "tp_btf/block_io_start"),
			     BCT_PROG("bt_issue_btf", "tp_btf/block_rq_issue"),
			     BCT_PROG("bt_done_btf", "tp_btf/block_rq_complete")) },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("bt_start_raw", "raw_tp/block_io_start"),
			     BCT_PROG("bt_issue_raw", "raw_tp/block_rq_issue"),
			     BCT_PROG("bt_done_raw", "raw_tp/block_rq_complete")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "block I/O start, issue and completion", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_biotop = {
	.src_name = "biotop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

struct row {
	const struct biotop_key *k;
	const uint64_t *v;
	char comm[BIOTOP_COMM_LEN + 1];
	char disk[64];
};

/* BCC's order: the most bytes first; ties by PID, then direction, to be stable. */
static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->v[BIOTOP_BYTES] != y->v[BIOTOP_BYTES])
		return x->v[BIOTOP_BYTES] > y->v[BIOTOP_BYTES] ? -1 : 1;
	if (x->k->pid != y->k->pid)
		return x->k->pid < y->k->pid ? -1 : 1;
	return (int)x->k->write - (int)y->k->write;
}

/* The disk's name as BCC finds it: /proc/diskstats by major and minor, "?" when missing. */
static void disk_lookup(FILE *stats, uint32_t major, uint32_t minor, char *buf, size_t sz)
{
	char line[512], name[64];
	unsigned int ma, mi;

	snprintf(buf, sz, "?");
	if (!stats)
		return;
	rewind(stats);
	while (fgets(line, sizeof(line), stats))
		if (sscanf(line, "%u %u %63s", &ma, &mi, name) == 3 && ma == major && mi == minor) {
			snprintf(buf, sz, "%s", name);
			return;
		}
}

/*
 * BCC's Kbytes: bytes / 1024 as Python 3 prints a float ("40.0", "3.90625"). A multiple of
 * 1/1024 has at most 10 decimals, all exact.
 */
static void kbytes_str(uint64_t bytes, char *buf, size_t sz)
{
	size_t len;

	snprintf(buf, sz, "%.10f", (double)bytes / 1024);
	len = strlen(buf);
	while (len > 2 && buf[len - 1] == '0' && buf[len - 2] != '.')
		buf[--len] = '\0';
}

static double avg_ms(const struct row *r)
{
	return r->v[BIOTOP_IO] ? ((double)r->v[BIOTOP_US] / 1000) / r->v[BIOTOP_IO] : 0;
}

static void print_json(FILE *out, const char *ts, const struct row *r)
{
	struct bct_json j;

	bct_json_begin(&j, out);
	bct_json_str(&j, "ts", ts);
	bct_json_uint(&j, "pid", r->k->pid);
	bct_json_str(&j, "comm", r->comm);
	bct_json_str(&j, "d", r->k->write ? "W" : "R");
	bct_json_uint(&j, "maj", r->k->dev >> BCT_MINORBITS);
	bct_json_uint(&j, "min", r->k->dev & ((1U << BCT_MINORBITS) - 1));
	bct_json_str(&j, "disk", r->disk);
	bct_json_uint(&j, "io", r->v[BIOTOP_IO]);
	bct_json_double(&j, "kbytes", (double)r->v[BIOTOP_BYTES] / 1024);
	bct_json_uint(&j, "bytes", r->v[BIOTOP_BYTES]);
	bct_json_double(&j, "avg_ms", avg_ms(r));
	bct_json_uint(&j, "total_us", r->v[BIOTOP_US]);
	bct_json_end(&j);
}

static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	struct row *rows = n ? calloc(n, sizeof(*rows)) : NULL;
	FILE *stats = fopen("/proc/diskstats", "re");
	size_t i;
	char ts[32], kb[32];
	time_t now = time(NULL);
	int64_t line = 0;

	if (n && !rows) {
		pr_err("cannot print the counts: %s", strerror(ENOMEM));
		if (stats)
			fclose(stats);
		return;
	}
	for (i = 0; i < n; i++) {
		rows[i].k = v[i].key;
		rows[i].v = v[i].slots;
		memcpy(rows[i].comm, rows[i].k->comm, BIOTOP_COMM_LEN);
		disk_lookup(stats, rows[i].k->dev >> BCT_MINORBITS,
			    rows[i].k->dev & ((1U << BCT_MINORBITS) - 1), rows[i].disk,
			    sizeof(rows[i].disk));
	}
	if (stats)
		fclose(stats);
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_row);
	if (env.kit.common.json) {
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
	} else {
		int err = bct_top_head(out, !env.noclear);

		if (err)
			pr_warn("cannot read /proc/loadavg: %s", strerror(-err));
		fprintf(out, "%-7s %-16s %1s %-3s %-3s %-8s %5s %7s %6s\n", "PID", "COMM", "D",
			"MAJ", "MIN", "DISK", "I/O", "Kbytes", "AVGms");
	}
	for (i = 0; i < n; i++) {
		const struct row *r = &rows[i];

		if (env.kit.common.json) {
			print_json(out, ts, r);
		} else {
			kbytes_str(r->v[BIOTOP_BYTES], kb, sizeof(kb));
			fprintf(out,
				"%-7" PRIu32 " %-16s %1s %-3u %-3u %-8s %5" PRIu64 " %7s %6.2f\n",
				r->k->pid, r->comm, r->k->write ? "W" : "R",
				r->k->dev >> BCT_MINORBITS, r->k->dev & ((1U << BCT_MINORBITS) - 1),
				r->disk, r->v[BIOTOP_IO], kb, avg_ms(r));
		}
		/* BCC prints a row before it checks the limit: -r 0 shows one */
		if (++line >= env.maxrows)
			break;
	}
	free(rows);
}

/* --- bcctool serve: counters by command, disk and direction (no PIDs) ---------------- */

static const struct bct_serve_counter serve_counters[] = {
	{ "bytes", BIOTOP_BYTES, NULL, "bytes of completed requests" },
	{ "requests", BIOTOP_IO, NULL, "completed requests" },
	{ "time_seconds", BIOTOP_US, "usecs", "time from issue to completion of the requests" },
	{ NULL },
};

static bool serve_key(void *ctx, const struct bct_hist_entry *e, char (*val)[BCT_SERVE_LABEL_LEN])
{
	const void *key = e->key;
	const struct biotop_key *k = key;
	FILE *stats = fopen("/proc/diskstats", "re");

	(void)ctx;
	snprintf(val[0], BCT_SERVE_LABEL_LEN, "%.*s", BIOTOP_COMM_LEN, k->comm);
	disk_lookup(stats, k->dev >> BCT_MINORBITS, k->dev & ((1U << BCT_MINORBITS) - 1), val[1],
		    BCT_SERVE_LABEL_LEN);
	snprintf(val[2], BCT_SERVE_LABEL_LEN, "%s", k->write ? "W" : "R");
	if (stats)
		fclose(stats);
	return true;
}

/* --- set-up ------------------------------------------------------------------------------- */

int cmd_biotop(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.missed_what = "I/O requests",
		.print = print,
		.serve_counters = serve_counters,
		.serve_labels = { "comm", "disk", "rw" },
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
	if (bct_session__init(&s, &env.kit, &needs_biotop, NULL))
		return 1;
	rc = bct_hist_run(&s, &tool);
	if (!rc && !env.kit.common.json && !env.kit.common.ebpf && !bct_hist_serve_hook) {
		printf("Detaching...\n");
		fflush(stdout);
	}
	return rc;
}
