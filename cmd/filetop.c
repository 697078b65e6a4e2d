// SPDX-License-Identifier: Apache-2.0
/*
 * filetop: file reads and writes by thread and file, top-like, per interval.
 *
 * Interface of BCC's filetop by Brendan Gregg; written anew, with --json. The counts are kept
 * in the kernel as the histogram kit's entries (lib/histtool.h drains them each interval, so
 * nothing counted meanwhile is lost); this file sorts and prints them as BCC does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>

#include "cmd.h"
#include "file_rw.h"
#include "histtool.h"
#include "json.h"
#include "log.h"
#include "prog.h"
#include "top.h"
#include "filetop.h"

static struct filetop_env {
	struct bct_env kit; /* -p, [interval [count]], --json... */
	bool all_files;
	bool noclear;
	int64_t maxrows;
	enum bct_top_sort sort;
} env = { .maxrows = 20 };

static const struct bct_opt opts[] = {
	BCT_FLAG('a', "all-files", &env.all_files,
		 "include non-regular file types (sockets, FIFOs, etc)"),
	BCT_FLAG('C', "noclear", &env.noclear, "don't clear the screen"),
	BCT_CUSTOM('r', "maxrows", "MAXROWS", "maximum rows to print, default 20"),
	BCT_CUSTOM('s', "sort", "{all,reads,writes,rbytes,wbytes}", "sort column, default all"),
	{ 0 },
};

static const char doc[] =
	"File reads and writes by process\n"
	"\v"
	"examples:\n"
	"    filetop            # file I/O top, 1 second refresh\n"
	"    filetop -C         # don't clear the screen\n"
	"    filetop -p 181     # PID 181 only\n"
	"    filetop 5          # 5 second summaries\n"
	"    filetop 5 10       # 5 second summaries, 10 times only\n"
	"    filetop -a -s wbytes  # all file types, most bytes written first\n"
	"    filetop --json 5 1 # one JSON object per row, once after 5 seconds\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'r':
		bct_top_arg_maxrows(state, arg, &env.maxrows);
		break;
	case 's':
		bct_top_arg_sort(state, arg, &env.sort);
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

/* --- attach methods: cmd/file_rw.h's (bpf-src/file_rw.bpf.h) ------------------------- */

const struct bct_needs needs_filetop = {
	.src_name = "filetop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", file_rw_hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

struct row {
	const struct filetop_key *k;
	const uint64_t *v;
	uint64_t sort;
	char name[FILETOP_NAME_LEN + 4];
};

/* BCC's order: the biggest sort value first; ties by thread, then name, to be stable. */
static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->sort != y->sort)
		return x->sort > y->sort ? -1 : 1;
	if (x->k->tid != y->k->tid)
		return x->k->tid < y->k->tid ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The name as BCC shows it: cut names (longer than 32 bytes) end in "..." */
static void row_name(struct row *r)
{
	size_t len = strnlen(r->k->name, FILETOP_NAME_LEN);

	memcpy(r->name, r->k->name, len);
	r->name[len] = '\0';
	if (r->k->name_len > FILETOP_NAME_LEN) {
		len = len > 3 ? len - 3 : 0;
		memcpy(r->name + len, "...", 4);
	}
}

static void print_json(FILE *out, const char *ts, const struct row *r)
{
	char comm[sizeof(r->k->comm) + 1], type[2] = { r->k->type, '\0' };
	struct bct_json j;

	memcpy(comm, r->k->comm, sizeof(r->k->comm));
	comm[sizeof(r->k->comm)] = '\0';
	bct_json_begin(&j, out);
	bct_json_str(&j, "ts", ts);
	bct_json_uint(&j, "tid", r->k->tid);
	bct_json_str(&j, "comm", comm);
	bct_json_uint(&j, "reads", r->v[FILETOP_READS]);
	bct_json_uint(&j, "writes", r->v[FILETOP_WRITES]);
	bct_json_uint(&j, "r_kb", r->v[FILETOP_RBYTES] / 1024);
	bct_json_uint(&j, "w_kb", r->v[FILETOP_WBYTES] / 1024);
	bct_json_uint(&j, "rbytes", r->v[FILETOP_RBYTES]);
	bct_json_uint(&j, "wbytes", r->v[FILETOP_WBYTES]);
	bct_json_str(&j, "type", type);
	bct_json_str(&j, "file", r->name);
	bct_json_uint(&j, "inode", r->k->inode);
	bct_json_end(&j);
}

static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	struct row *rows = n ? calloc(n, sizeof(*rows)) : NULL;
	size_t i;
	char ts[32];
	time_t now = time(NULL);
	int64_t line = 0;

	if (n && !rows) {
		pr_err("cannot print the counts: %s", strerror(ENOMEM));
		return;
	}
	for (i = 0; i < n; i++) {
		rows[i].k = v[i].key;
		rows[i].v = v[i].slots;
		rows[i].sort = bct_top_sort_value(
			env.sort, v[i].slots[FILETOP_READS], v[i].slots[FILETOP_WRITES],
			v[i].slots[FILETOP_RBYTES], v[i].slots[FILETOP_WBYTES]);
		row_name(&rows[i]);
	}
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_row);
	if (env.kit.common.json) {
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
	} else {
		int err = bct_top_head(out, !env.noclear);

		if (err)
			pr_warn("cannot read /proc/loadavg: %s", strerror(-err));
		fprintf(out, "%-7s %-16s %-6s %-6s %-7s %-7s %1s %s\n", "TID", "COMM", "READS",
			"WRITES", "R_Kb", "W_Kb", "T", "FILE");
	}
	for (i = 0; i < n; i++) {
		const struct row *r = &rows[i];

		if (env.kit.common.json)
			print_json(out, ts, r);
		else
			fprintf(out,
				"%-7" PRIu32 " %-16.16s %-6" PRIu64 " %-6" PRIu64 " %-7" PRIu64
				" %-7" PRIu64 " %c %s\n",
				r->k->tid, r->k->comm, r->v[FILETOP_READS], r->v[FILETOP_WRITES],
				r->v[FILETOP_RBYTES] / 1024, r->v[FILETOP_WBYTES] / 1024,
				r->k->type, r->name);
		/* BCC prints a row before it checks the limit: -r 0 shows one */
		if (++line >= env.maxrows)
			break;
	}
	free(rows);
}

/* --- bcctool serve: counters by command, file type and name (no thread IDs) --------- */

static bool serve_key(void *ctx, const struct bct_hist_entry *e, char (*val)[BCT_SERVE_LABEL_LEN])
{
	const void *key = e->key;
	struct row r = { .k = key };

	(void)ctx;
	row_name(&r);
	snprintf(val[0], BCT_SERVE_LABEL_LEN, "%.16s", r.k->comm);
	snprintf(val[1], BCT_SERVE_LABEL_LEN, "%c", r.k->type);
	snprintf(val[2], BCT_SERVE_LABEL_LEN, "%s", r.name);
	return true;
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	return env.all_files ? bct_prog__define(p, "FILETOP_ALL", NULL) : 0;
}

int cmd_filetop(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.missed_what = "reads and writes",
		.print = print,
		.serve_counters = bct_top_rw_counters,
		.serve_labels = { "comm", "type", "file" },
		.serve_key = serve_key,
	};
	struct bct_session s = { .add_defines = add_defines };
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
	if (bct_session__init(&s, &env.kit, &needs_filetop, NULL))
		return 1;
	rc = bct_hist_run(&s, &tool);
	if (!rc && !env.kit.common.json && !env.kit.common.ebpf && !bct_hist_serve_hook) {
		printf("Detaching...\n");
		fflush(stdout);
	}
	return rc;
}
