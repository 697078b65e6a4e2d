// SPDX-License-Identifier: Apache-2.0
/*
 * syscount: summarize syscall counts and latencies, per syscall or per process, per interval.
 *
 * Interface of BCC's syscount by Sasha Goldshtein (TID and syscall filters by Rocky Xing);
 * written anew, with --cgroup and --json. The counts are kept in the kernel as the histogram
 * kit's entries (lib/histtool.h drains them per interval); this file sorts and prints them as
 * BCC does. Under -P the command name is the one the process had at its syscalls, taken in the
 * kernel, so processes that exited before the interval's end keep their name.
 */
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
#include "signals.h"
#include "syscalls.h"
#include "syscount.h"

enum { K_SYSCALL = 0x100 };

static struct syscount_env {
	struct bct_env kit; /* -p -t -d --cgroup, --json... */
	int64_t top;
	bool failures;
	int err; /* -e: 0 when not given */
	bool latency;
	bool milliseconds;
	bool process;
	bool list;
	const char *syscall;
	int syscall_nr;
	pid_t ppid;
} env = { .top = 10 };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('c', "ppid", "PPID", "trace only child of this pid"),
	BCT_CUSTOM('i', "interval", "INTERVAL", "print summary at this interval (seconds)"),
	BCT_CUSTOM('T', "top", "TOP", "print only the top syscalls by count or latency"),
	BCT_FLAG('x', "failures", &env.failures, "trace only failed syscalls (return < 0)"),
	BCT_CUSTOM('e', "errno", "ERRNO",
		   "trace only syscalls that return this error (numeric or EPERM, etc.)"),
	BCT_FLAG('L', "latency", &env.latency, "collect syscall latency"),
	BCT_FLAG('m', "milliseconds", &env.milliseconds,
		 "display latency in milliseconds (default: microseconds)"),
	BCT_FLAG('P', "process", &env.process, "count by process and not by syscall"),
	BCT_FLAG('l', "list", &env.list, "print list of recognized syscalls and exit"),
	BCT_STRING(K_SYSCALL, "syscall", "SYSCALL", &env.syscall,
		   "trace this syscall only (use option -l to get all recognized syscalls)"),
	{ 0 },
};

static const char doc[] =
	"Summarize syscall counts and latencies.\n"
	"\v"
	"examples:\n"
	"    syscount                 # count syscalls, top 10, until Ctrl-C\n"
	"    syscount -p 181          # only process 181\n"
	"    syscount -i 5 -d 30      # print every 5 seconds, for 30 seconds\n"
	"    syscount -L -m           # with the time spent in them, in milliseconds\n"
	"    syscount -P              # count by process\n"
	"    syscount -x              # only failed syscalls\n"
	"    syscount -e ENOENT       # only syscalls that failed with ENOENT\n"
	"    syscount --syscall stat  # only stat()\n"
	"    syscount -l              # list the syscalls known here\n"
	"    syscount --json          # one JSON object per row per interval\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	uint64_t v;
	char *end;
	long long t;

	switch (key) {
	case 'c':
		bct_arg_pid(state, arg, &env.ppid);
		break;
	case 'i':
		bct_arg_u64(state, "interval", arg, 0, UINT32_MAX, &v);
		env.kit.interval = v; /* 0: BCC's "not given" */
		break;
	case 'T':
		errno = 0;
		t = strtoll(arg, &end, 10);
		if (!*arg || *end || errno)
			argp_error(state, "argument -T/--top: invalid int value: '%s'", arg);
		env.top = t;
		break;
	case 'e':
		env.err = bct_errno_parse(arg);
		if (env.err < 0)
			argp_error(state, "argument -e/--errno: couldn't map %s to an errno", arg);
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
	.shared = { .pid = 'p', .tid = 't', .duration = 'd', .cgroup = true },
};

/* --- attach methods: every program in bpf-src/syscount.bpf.c ----------------------------- */

#define EXIT_BTF BCT_PROG("sc_exit_btf", "tp_btf/sys_exit")
#define EXIT_RAW BCT_PROG("sc_exit_raw", "raw_tp/sys_exit")
#define EXIT_TP BCT_PROG("sc_exit_tp", "tracepoint/raw_syscalls/sys_exit")

static const struct bct_method methods[] = {
	{ .name = "tp_btf", .progs = BCT_PROGS(EXIT_BTF) },
	{ .name = "raw_tp", .progs = BCT_PROGS(EXIT_RAW) },
	{ .name = "tracepoint", .progs = BCT_PROGS(EXIT_TP) },
	{ NULL },
};

/* -L: entry and exit from the same method */
static const struct bct_method methods_latency[] = {
	{ .name = "tp_btf", .progs = BCT_PROGS({ "sc_enter_btf", "tp_btf/sys_enter" }, EXIT_BTF) },
	{ .name = "raw_tp", .progs = BCT_PROGS({ "sc_enter_raw", "raw_tp/sys_enter" }, EXIT_RAW) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "sc_enter_tp", "tracepoint/raw_syscalls/sys_enter" }, EXIT_TP) },
	{ NULL },
};

#define HOOK_NAME "syscalls"

static const struct bct_hook hooks[] = { { HOOK_NAME, methods, false }, { NULL } };
static const struct bct_hook hooks_latency[] = { { HOOK_NAME, methods_latency, false }, { NULL } };

const struct bct_needs needs_syscount = {
	.src_name = "syscount.bpf.c",
	.variants =
		(const struct bct_variant[]){ { "", hooks }, { "-L", hooks_latency }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

struct row {
	uint32_t key;
	uint64_t count;
	uint64_t total_ns;
	char comm[SYSCOUNT_COMM_LEN + 1];
};

/* BCC's order: most calls (or, with -L, most time) first; ties by key. */
static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	uint64_t vx = env.latency ? x->total_ns : x->count;
	uint64_t vy = env.latency ? y->total_ns : y->count;

	if (vx != vy)
		return vx > vy ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* The process's name: the one recorded in the kernel, else /proc's, else BCC's "[unknown]". */
static void comm_of(struct row *r, const uint64_t *slots)
{
	char path[64];
	FILE *f;
	size_t len;

	memcpy(r->comm, slots, SYSCOUNT_COMM_LEN);
	r->comm[SYSCOUNT_COMM_LEN] = '\0';
	if (r->comm[0])
		return;
	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/comm", r->key);
	f = fopen(path, "re");
	if (f && fgets(r->comm, sizeof(r->comm), f)) {
		len = strcspn(r->comm, "\n");
		r->comm[len] = '\0';
	} else {
		snprintf(r->comm, sizeof(r->comm), "[unknown]");
	}
	if (f)
		fclose(f);
}

static void syscall_text(uint32_t nr, char *buf, size_t sz)
{
	const char *name = bct_syscall_name(nr);

	if (name)
		snprintf(buf, sz, "%s", name);
	else
		snprintf(buf, sz, "[unknown: %" PRIu32 "]", nr);
}

/* bcctool serve's label value: the syscall's name, or with -P the PID. */
static void key_name(void *ctx, const void *key, char *buf, size_t sz)
{
	uint32_t k = *(const uint32_t *)key;

	if (env.process)
		snprintf(buf, sz, "%" PRIu32, k);
	else
		syscall_text(k, buf, sz);
}

static void print_row_text(FILE *out, const struct row *r)
{
	char agg[64];

	if (env.process)
		snprintf(agg, sizeof(agg), "%-6" PRIu32 " %-15s", r->key, r->comm);
	else
		syscall_text(r->key, agg, sizeof(agg));
	fprintf(out, "%-22s %8" PRIu64, agg, r->count);
	if (env.latency) {
		if (env.milliseconds)
			fprintf(out, " %16.6f", (double)r->total_ns / 1e6);
		else
			fprintf(out, " %16.3f", (double)r->total_ns / 1e3);
	}
	fputc('\n', out);
}

static void print_row_json(FILE *out, const char *ts, const struct row *r)
{
	struct bct_json j;
	char name[64];

	bct_json_begin(&j, out);
	bct_json_str(&j, "ts", ts);
	if (env.process) {
		bct_json_uint(&j, "pid", r->key);
		bct_json_str(&j, "comm", r->comm);
	} else {
		syscall_text(r->key, name, sizeof(name));
		bct_json_str(&j, "syscall", name);
		bct_json_uint(&j, "nr", r->key);
	}
	bct_json_uint(&j, "count", r->count);
	if (env.latency)
		bct_json_uint(&j, "total_ns", r->total_ns);
	bct_json_end(&j);
}

/* One interval: BCC's "[time]", header, the top rows and an empty line; or JSON rows. */
static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	struct row *rows = n ? calloc(n, sizeof(*rows)) : NULL;
	size_t i, shown;
	char ts[32];
	time_t now = time(NULL);

	if (n && !rows) {
		pr_err("cannot print the counts: %s", strerror(ENOMEM));
		return;
	}
	for (i = 0; i < n; i++) {
		rows[i].key = *(const uint32_t *)v[i].key;
		rows[i].count = v[i].count;
		rows[i].total_ns = v[i].total;
		if (env.process)
			comm_of(&rows[i], v[i].slots);
	}
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_row);
	/* Python's [:top]: a negative top leaves out that many from the end */
	if (env.top >= 0)
		shown = (uint64_t)env.top < n ? (size_t)env.top : n;
	else
		shown = (uint64_t)-env.top < n ? n - (size_t)-env.top : 0;
	if (env.kit.common.json) {
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
		for (i = 0; i < shown; i++)
			print_row_json(out, ts, &rows[i]);
	} else {
		strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
		fprintf(out, "[%s]\n", ts);
		if (env.latency)
			fprintf(out, "%-22s %8s %16s\n", env.process ? "PID    COMM" : "SYSCALL",
				"COUNT", env.milliseconds ? "TIME (ms)" : "TIME (us)");
		else
			fprintf(out, "%-22s %8s\n", env.process ? "PID    COMM" : "SYSCALL",
				"COUNT");
		for (i = 0; i < shown; i++)
			print_row_text(out, &rows[i]);
		fputc('\n', out);
	}
	free(rows);
}

/* -l: the names sorted, four to a line, as BCC lays them out. */
static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int list_syscalls(void)
{
	size_t n, i;
	const struct bct_syscall *t = bct_syscalls(&n);
	const char **names = calloc(n, sizeof(*names));

	if (!names) {
		pr_err("cannot list the syscalls: %s", strerror(ENOMEM));
		return 1;
	}
	for (i = 0; i < n; i++)
		names[i] = t[i].name;
	qsort(names, n, sizeof(*names), cmp_name);
	for (i = 0; i < n; i++) {
		if (env.kit.common.json) {
			struct bct_json j;

			bct_json_begin(&j, stdout);
			bct_json_str(&j, "syscall", names[i]);
			bct_json_uint(&j, "nr", bct_syscall_nr(names[i]));
			bct_json_end(&j);
			continue;
		}
		printf("%s%-22s", i % 4 ? "   " : "", names[i]);
		if (i % 4 == 3 || i == n - 1)
			putchar('\n');
	}
	free(names);
	return fflush(stdout) ? 1 : 0;
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.latency)
		err = bct_prog__define(p, "SYSCOUNT_LATENCY", NULL);
	if (env.process)
		err = err ?: bct_prog__define(p, "SYSCOUNT_BY_PROCESS", NULL);
	if (env.failures)
		err = err ?: bct_prog__define(p, "SYSCOUNT_FAILED", NULL);
	if (env.err)
		err = err ?: bct_prog__define(p, "SYSCOUNT_ERRNO", "%d", env.err);
	if (env.syscall)
		err = err ?: bct_prog__define(p, "SYSCOUNT_SYSCALL", "%d", env.syscall_nr);
	if (env.ppid)
		err = err ?: bct_prog__define(p, "SYSCOUNT_PPID", "%d", (int)env.ppid);
	return err;
}

int cmd_syscount(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.missed_what = "syscalls",
		.print = print,
		.key_name = key_name,
		.serve_count = "calls",
	};
	struct bct_session s = { .add_defines = add_defines };
	char banner[256];
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.syscall) {
		env.syscall_nr = bct_syscall_nr(env.syscall);
		if (env.syscall_nr < 0) {
			/* BCC's words, on stdout, exit 1 */
			printf("Error: syscall '%s' not found. Exiting.\n", env.syscall);
			return 1;
		}
	}
	if (env.list)
		return list_syscalls();
	/* BCC applies one process filter: -p, else -t, else -c */
	if (env.kit.filter.pid) {
		env.kit.filter.tid = 0;
		env.ppid = 0;
	} else if (env.kit.filter.tid) {
		env.ppid = 0;
	}
	if (env.syscall)
		snprintf(banner, sizeof(banner), "Tracing %ssyscall '%s'... Ctrl+C to quit.",
			 env.failures ? "failed " : "", env.syscall);
	else
		snprintf(banner, sizeof(banner),
			 "Tracing %ssyscalls, printing top %" PRId64 "... Ctrl+C to quit.",
			 env.failures ? "failed " : "", env.top);
	tool.banner = banner;
	tool.serve_label = env.process ? "pid" : "syscall";
	if (env.latency)
		tool.serve_total_unit = "nsecs";
	if (bct_session__init(&s, &env.kit, &needs_syscount, env.latency ? hooks_latency : NULL))
		return 1;
	rc = bct_hist_run(&s, &tool);
	if (!rc && !env.kit.common.json && !env.kit.common.ebpf && !bct_hist_serve_hook) {
		printf("Detaching...\n");
		fflush(stdout);
	}
	return rc;
}
