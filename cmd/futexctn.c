// SPDX-License-Identifier: Apache-2.0
/*
 * futexctn: summarize futex contention, the time FUTEX_WAIT calls sleep, as a log2 histogram
 * per futex word and thread (or, with -s, process), per interval.
 *
 * Interface of libbpf-tools' futexctn by Wenbo Zhang (BCC has no such tool); written anew,
 * with --json. Without -s the histograms are per thread and user stack, each stack printed
 * between "-" lines, its addresses named from the process's symbols (lib/elfsym.h
 * bct_proc_sym()) when the histograms are printed; with -s per process, without stacks.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>

#include <bpf/bpf.h>

#include "cmd.h"
#include "elfsym.h"
#include "hist.h"
#include "histtool.h"
#include "json.h"
#include "lbhist.h"
#include "log.h"
#include "prog.h"
#include "futexctn.h"

static struct futexctn_env {
	struct bct_env kit; /* -p -t -T, [interval [count]], --json... */
	bool milliseconds;
	bool summary;
	bool has_lock;
	uint64_t lock;
	uint64_t stack_depth;
	uint64_t stack_entries;
	int stack_fd;
} env = { .stack_depth = 127, .stack_entries = 1024, .stack_fd = -1 };

enum { K_STACK_DEPTH = 0x100, K_STACK_SIZE };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('l', "lock", "LOCK", "Trace this lock only (its address, in hex)"),
	BCT_FLAG('m', "milliseconds", &env.milliseconds, "Millisecond histogram"),
	BCT_FLAG('s', "summary", &env.summary,
		 "Summary futex contention latency (per process, without stack traces)"),
	BCT_CUSTOM(K_STACK_DEPTH, "perf-max-stack-depth", "PERF-MAX-STACK-DEPTH",
		   "the limit for the stack traces (default 127)"),
	BCT_CUSTOM(K_STACK_SIZE, "stack-storage-size", "STACK-STORAGE-SIZE",
		   "the number of unique stack traces that can be stored and displayed (default "
		   "1024)"),
	{ 0 },
};

static const char doc[] =
	"Summarize futex contention latency as a histogram.\n"
	"\v"
	"examples:\n"
	"    futexctn              # summarize futex contention latency as a histogram\n"
	"    futexctn 1 10         # print 1 second summaries, 10 times\n"
	"    futexctn -mT 1        # 1s summaries, milliseconds, and timestamps\n"
	"    futexctn -s 1         # 1s summaries, without stack traces\n"
	"    futexctn -l 0x8187bb8 # only trace lock 0x8187bb8\n"
	"    futexctn -p 123       # only trace threads for PID 123\n"
	"    futexctn -t 125       # only trace thread 125\n"
	"    futexctn --json       # one JSON object per histogram\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case 'l':
		errno = 0;
		env.lock = strtoull(arg, &end, 16);
		if (!*arg || *end || errno || !env.lock)
			argp_error(state, "invalid lock: '%s'", arg);
		env.has_lock = true;
		break;
	case K_STACK_DEPTH:
		bct_arg_u64(state, "perf max stack depth", arg, 1, 1024, &env.stack_depth);
		break;
	case K_STACK_SIZE:
		bct_arg_u64(state, "stack storage size", arg, 1, 1 << 20, &env.stack_entries);
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
	.shared = { .pid = 'p', .tid = 't', .timestamp = 'T', .interval = true },
};

/* --- attach methods: every program in bpf-src/futexctn.bpf.c ---------------------------- */

static const struct bct_method methods[] = {
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("futex_enter", "tracepoint/syscalls/sys_enter_futex"),
			     BCT_PROG("futex_exit", "tracepoint/syscalls/sys_exit_futex")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "futex syscall", methods, false }, { NULL } };

const struct bct_needs needs_futexctn = {
	.src_name = "futexctn.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

struct row {
	const struct bct_hist_entry *e;
	struct futexctn_key key;
	char comm[FUTEXCTN_COMM_LEN + 1];
	uint64_t min, max;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->key.id != y->key.id)
		return x->key.id < y->key.id ? -1 : 1;
	return x->key.uaddr < y->key.uaddr ? -1 : x->key.uaddr > y->key.uaddr;
}

/* libbpf-tools' stack: one function name per line, "[unknown]" where none is found. */
static void print_stack(FILE *out, const struct row *r)
{
	uint64_t *ip = calloc(env.stack_depth, sizeof(*ip));
	char name[256];
	uint32_t id;
	size_t i;

	if (!ip) {
		pr_err("cannot print the stack: %s", strerror(ENOMEM));
		return;
	}
	id = (uint32_t)r->key.stack_id;
	if (r->key.stack_id < 0 || env.stack_fd < 0 || bpf_map_lookup_elem(env.stack_fd, &id, ip)) {
		fflush(out);
		fprintf(stderr, "    [Missed User Stack]\n");
		free(ip);
		return;
	}
	for (i = 0; i < env.stack_depth && ip[i]; i++) {
		if (bct_proc_sym((pid_t)r->key.pid, ip[i], name, sizeof(name), NULL))
			snprintf(name, sizeof(name), "[unknown]");
		fprintf(out, "    %s\n", name);
	}
	free(ip);
}

static void print_text(FILE *out, const char *unit, const struct row *r)
{
	uint64_t count = r->e->count;

	fprintf(out, "\n\n");
	fprintf(out,
		"%s[%" PRIu32 "] lock 0x%" PRIx64 " contended %" PRIu64 " times, %" PRIu64
		" avg %s [max: %" PRIu64 " %s, min %" PRIu64 " %s]\n",
		r->comm, r->key.id, (uint64_t)r->key.uaddr, count, count ? r->e->total / count : 0,
		unit, r->max, unit, r->min, unit);
	if (!env.summary) {
		fprintf(out, "    -\n");
		print_stack(out, r);
		fprintf(out, "    -\n");
	}
	bct_lbhist_print_log2(out, r->e->slots, FUTEXCTN_LOG2, unit);
}

/* JSON: "stack", the frames' names (null when the stack was not kept). */
static void json_stack(struct bct_json *j, const struct row *r)
{
	uint64_t *ip = calloc(env.stack_depth, sizeof(*ip));
	char name[256];
	uint32_t id = (uint32_t)r->key.stack_id;
	size_t i;

	if (!ip || r->key.stack_id < 0 || env.stack_fd < 0 ||
	    bpf_map_lookup_elem(env.stack_fd, &id, ip)) {
		bct_json_null(j, "stack");
		free(ip);
		return;
	}
	bct_json_arr_open(j, "stack");
	for (i = 0; i < env.stack_depth && ip[i]; i++) {
		if (bct_proc_sym((pid_t)r->key.pid, ip[i], name, sizeof(name), NULL))
			snprintf(name, sizeof(name), "[unknown]");
		bct_json_str(j, NULL, name);
	}
	bct_json_arr_close(j);
	free(ip);
}

static void print_json(FILE *out, const char *ts, const char *unit, const struct row *r)
{
	uint64_t count = r->e->count;
	struct bct_json j;
	char lock[32];

	snprintf(lock, sizeof(lock), "0x%" PRIx64, (uint64_t)r->key.uaddr);
	bct_json_begin(&j, out);
	bct_json_str(&j, "ts", ts);
	bct_json_str(&j, "comm", r->comm);
	bct_json_uint(&j, env.summary ? "pid" : "tid", r->key.id);
	bct_json_str(&j, "lock", lock);
	bct_json_uint(&j, "contended", count);
	bct_json_uint(&j, "total", r->e->total);
	bct_json_uint(&j, "avg", count ? r->e->total / count : 0);
	bct_json_uint(&j, "max", r->max);
	bct_json_uint(&j, "min", r->min);
	if (!env.summary)
		json_stack(&j, r);
	bct_json_str(&j, "val_type", unit);
	bct_hist_json_log2(&j, "data", r->e->slots, FUTEXCTN_LOG2);
	bct_json_end(&j);
}

/* One interval: libbpf-tools' empty line, -T time, then each histogram; or JSON objects. */
static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	const char *unit = env.milliseconds ? "msecs" : "usecs";
	struct row *rows = n ? calloc(n, sizeof(*rows)) : NULL;
	time_t now = time(NULL);
	char ts[32];
	size_t i;

	if (n && !rows) {
		pr_err("cannot print the histograms: %s", strerror(ENOMEM));
		return;
	}
	for (i = 0; i < n; i++) {
		rows[i].e = &v[i];
		memcpy(&rows[i].key, v[i].key, sizeof(rows[i].key));
		memcpy(rows[i].comm, &v[i].slots[FUTEXCTN_COMM], FUTEXCTN_COMM_LEN);
		rows[i].min = v[i].slots[FUTEXCTN_MIN] ? v[i].slots[FUTEXCTN_MIN] - 1 : 0;
		rows[i].max = v[i].slots[FUTEXCTN_MAX];
	}
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_row);
	if (env.kit.common.json) {
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
		for (i = 0; i < n; i++)
			print_json(out, ts, unit, &rows[i]);
	} else {
		fputc('\n', out);
		if (env.kit.timestamp) {
			strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
			fprintf(out, "%-8s\n", ts);
		}
		for (i = 0; i < n; i++)
			print_text(out, unit, &rows[i]);
	}
	free(rows);
}

static int after_load(struct bct_prog *p, void *ctx)
{
	if (!env.summary)
		env.stack_fd = bct_prog__map_fd(p, "stackmap");
	return 0;
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.milliseconds)
		err = bct_prog__define(p, "FUTEXCTN_MS", NULL);
	if (env.summary)
		err = err ?: bct_prog__define(p, "FUTEXCTN_PER_PID", NULL);
	else
		err = err
			      ?: bct_prog__define(p, "FUTEXCTN_STACK_DEPTH", "%" PRIu64,
						  env.stack_depth);
	if (!env.summary)
		err = err
			      ?: bct_prog__define(p, "FUTEXCTN_STACK_ENTRIES", "%" PRIu64,
						  env.stack_entries);
	if (env.has_lock)
		err = err ?: bct_prog__define(p, "FUTEXCTN_LOCK", "0x%" PRIx64 "ULL", env.lock);
	return err;
}

/* bcctool serve: the wait histograms added up by command (no thread, lock or stack) */
static bool serve_key(void *ctx, const struct bct_hist_entry *e, char (*val)[BCT_SERVE_LABEL_LEN])
{
	(void)ctx;
	memcpy(val[0], &e->slots[FUTEXCTN_COMM], FUTEXCTN_COMM_LEN);
	val[0][FUTEXCTN_COMM_LEN] = '\0';
	return true;
}

int cmd_futexctn(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.missed_what = "futex waits",
		.print = print,
		.serve_labels = { "comm" },
		.serve_key = serve_key,
		.serve_hist = true,
		.serve_hist_slots = FUTEXCTN_LOG2,
	};
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	tool.unit = env.milliseconds ? "msecs" : "usecs"; /* bcctool serve's; print has its own */
	if (bct_session__init(&s, &env.kit, &needs_futexctn, NULL))
		return 1;
	return bct_hist_run(&s, &tool);
}
