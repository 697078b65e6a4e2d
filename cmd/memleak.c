// SPDX-License-Identifier: Apache-2.0
/*
 * memleak: every interval, the stacks with the most memory allocated and not yet freed, in the
 * kernel (kmem tracepoints) or in one process (its libc allocator, by uprobes).
 *
 * Interface of BCC's memleak by Sasha Goldshtein; written anew. The BPF side
 * (bpf-src/memleak.bpf.c) remembers each allocation by address until it is freed; this side
 * sums what is left per stack, older than -o, and prints the top -T stacks with their frames
 * (lib/stack.h). --json gives one object per stack per interval.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/types.h>

#include "cmd.h"
#include "elfsym.h"
#include "events.h"
#include "json.h"
#include "log.h"
#include "prog.h"
#include "signals.h"
#include "stack.h"
#include "tool.h"
#include "uprobe.h"
#include "memleak.h"

enum { K_COMBINED = 0x100, K_WA, K_PERCPU, K_SORT };

static struct memleak_env {
	struct bct_env kit; /* -p, [interval [count]], --json... */
	bool trace; /* -t */
	bool show_allocs; /* -a */
	uint64_t older_ms; /* -o */
	const char *command; /* -c */
	char *command_copy; /* its words, for the --exec child */
	bool combined; /* --combined-only */
	bool wa_missing_free;
	bool percpu;
	uint64_t sample; /* -s */
	uint64_t top; /* -T */
	bool have_min, have_max;
	uint64_t min_size, max_size; /* -z, -Z */
	const char *obj; /* -O */
	bool sort_count; /* --sort count */
	pid_t pid; /* the traced process (user mode) */
} env = { .older_ms = 500, .sample = 1, .top = 10, .obj = "c" };

static const struct bct_opt opts[] = {
	BCT_FLAG('t', "trace", &env.trace, "print trace messages for each alloc/free call"),
	BCT_FLAG('a', "show-allocs", &env.show_allocs,
		 "show allocation addresses and sizes as well as call stacks"),
	BCT_CUSTOM('o', "older", "OLDER",
		   "prune allocations younger than this age in milliseconds"),
	BCT_STRING('c', "command", "COMMAND", &env.command,
		   "execute and trace the specified command"),
	BCT_FLAG(K_COMBINED, "combined-only", &env.combined,
		 "show combined allocation statistics only"),
	BCT_FLAG(K_WA, "wa-missing-free", &env.wa_missing_free,
		 "Workaround to alleviate misjudgments when free is missing"),
	BCT_CUSTOM('s', "sample-rate", "SAMPLE_RATE",
		   "sample every N-th allocation to decrease the overhead"),
	BCT_CUSTOM('T', "top", "TOP", "display only this many top allocating stacks (by size)"),
	BCT_CUSTOM('z', "min-size", "MIN_SIZE", "capture only allocations larger than this size"),
	BCT_CUSTOM('Z', "max-size", "MAX_SIZE", "capture only allocations smaller than this size"),
	BCT_STRING('O', "obj", "OBJ", &env.obj,
		   "attach to allocator functions in the specified object"),
	BCT_FLAG(K_PERCPU, "percpu", &env.percpu, "trace percpu allocations"),
	BCT_CUSTOM(K_SORT, "sort", "SORT",
		   "report sorted in given key; available key list: size, count"),
	{ 0 },
};

static const char doc[] =
	"Trace outstanding memory allocations that weren't freed.\n"
	"Supports both user-mode allocations made with libc functions and kernel-mode\n"
	"allocations made with kmalloc/kmem_cache_alloc/get_free_pages and corresponding\n"
	"memory release functions.\n"
	"\v"
	"EXAMPLES:\n"
	"\n"
	"memleak -p $(pidof allocs)\n"
	"        Trace allocations and display a summary of \"leaked\" (outstanding)\n"
	"        allocations every 5 seconds\n"
	"memleak -p $(pidof allocs) -t\n"
	"        Trace allocations and display each individual allocator function call\n"
	"memleak -ap $(pidof allocs) 10\n"
	"        Trace allocations and display allocated addresses, sizes, and stacks\n"
	"        every 10 seconds for outstanding allocations\n"
	"memleak -c \"./allocs\"\n"
	"        Run the specified command and trace its allocations\n"
	"memleak\n"
	"        Trace allocations in kernel mode and display a summary of outstanding\n"
	"        allocations every 5 seconds\n"
	"memleak -o 60000\n"
	"        Trace allocations in kernel mode and display a summary of outstanding\n"
	"        allocations that are at least one minute (60 seconds) old\n"
	"memleak -s 5\n"
	"        Trace roughly every 5th allocation, to reduce overhead\n"
	"memleak --json -p $(pidof allocs)\n"
	"        One JSON object per stack and interval\n";

/* BCC's type=int: any integer, negative too ("invalid int value: 'x'"). */
static void int_arg(struct argp_state *state, const char *what, const char *arg, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno || end == arg || *end)
		argp_error(state, "argument %s: invalid int value: '%s'", what, arg);
	*out = v;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	int64_t v;

	switch (key) {
	case 'o':
		int_arg(state, "-o/--older", arg, &v);
		env.older_ms = v < 0 ? 0 : (uint64_t)v;
		break;
	case 's':
		int_arg(state, "-s/--sample-rate", arg, &v);
		env.sample = v < 1 ? 1 : (uint64_t)v;
		break;
	case 'T':
		int_arg(state, "-T/--top", arg, &v);
		env.top = v < 0 ? 0 : (uint64_t)v;
		break;
	case 'z':
		int_arg(state, "-z/--min-size", arg, &v);
		env.min_size = v < 0 ? 0 : (uint64_t)v;
		env.have_min = true;
		break;
	case 'Z':
		int_arg(state, "-Z/--max-size", arg, &v);
		env.max_size = v < 0 ? 0 : (uint64_t)v;
		env.have_max = true;
		break;
	case K_SORT:
		if (!strcmp(arg, "count"))
			env.sort_count = true;
		else if (!strcmp(arg, "size"))
			env.sort_count = false;
		else
			argp_error(state,
				   "argument --sort: invalid key '%s' (available: size, count)",
				   arg);
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
	.shared = { .pid = 'p', .interval = true },
};

/* --- attach methods: every program in bpf-src/memleak.bpf.c ------------------------------- */

static const struct bct_method kernel_methods[] = {
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("kmalloc", "tracepoint/kmem/kmalloc"),
			     BCT_PROG("kfree", "tracepoint/kmem/kfree"),
			     BCT_PROG("kmem_cache_alloc", "tracepoint/kmem/kmem_cache_alloc"),
			     BCT_PROG("kmem_cache_free", "tracepoint/kmem/kmem_cache_free"),
			     BCT_PROG("mm_page_alloc", "tracepoint/kmem/mm_page_alloc"),
			     BCT_PROG("mm_page_free", "tracepoint/kmem/mm_page_free")) },
	{ NULL },
};

static const struct bct_method percpu_methods[] = {
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("percpu_alloc", "tracepoint/percpu/percpu_alloc_percpu"),
			     BCT_PROG("percpu_free", "tracepoint/percpu/percpu_free_percpu")) },
	{ NULL },
};

static const struct bct_method user_methods[] = {
	{ .name = "uprobe",
	  .progs = BCT_PROGS(
		  BCT_PROG("malloc_enter", "uprobe"), BCT_PROG("calloc_enter", "uprobe"),
		  BCT_PROG("realloc_enter", "uprobe"), BCT_PROG("mmap_enter", "uprobe"),
		  BCT_PROG("posix_memalign_enter", "uprobe"), BCT_PROG("aligned_enter", "uprobe"),
		  BCT_PROG("valloc_enter", "uprobe"), BCT_PROG("alloc_return", "uretprobe"),
		  BCT_PROG("posix_memalign_return", "uretprobe"), BCT_PROG("free_entry", "uprobe"),
		  BCT_PROG("munmap_entry", "uprobe")) },
	{ NULL },
};

static const struct bct_hook kernel_hooks[] = { { "kernel allocators", kernel_methods, false },
						{ NULL } };
static const struct bct_hook percpu_hooks[] = { { "percpu allocators", percpu_methods, false },
						{ NULL } };
static const struct bct_hook user_hooks[] = { { "libc allocators", user_methods, false },
					      { NULL } };

const struct bct_needs needs_memleak = {
	.src_name = "memleak.bpf.c",
	.variants = (const struct bct_variant[]){ { "", kernel_hooks },
						  { "--percpu", percpu_hooks },
						  { "-p", user_hooks },
						  { NULL } },
};

static bool user_mode(void)
{
	return env.kit.filter.pid || env.command;
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	(void)ctx;
	if (user_mode())
		err = bct_prog__define(p, "MEMLEAK_USER", NULL);
	else if (env.percpu)
		err = bct_prog__define(p, "MEMLEAK_PERCPU", NULL);
	if (env.have_min)
		err = err
			      ?: bct_prog__define(p, "MEMLEAK_MIN_SIZE", "%" PRIu64 "ULL",
						  env.min_size);
	if (env.have_max)
		err = err
			      ?: bct_prog__define(p, "MEMLEAK_MAX_SIZE", "%" PRIu64 "ULL",
						  env.max_size);
	if (env.sample > 1)
		err = err ?: bct_prog__define(p, "MEMLEAK_SAMPLE", "%" PRIu64 "ULL", env.sample);
	if (env.trace)
		err = err ?: bct_prog__define(p, "MEMLEAK_TRACE", NULL);
	if (env.wa_missing_free && !user_mode())
		err = err ?: bct_prog__define(p, "MEMLEAK_WA_MISSING_FREE", NULL);
	err = err ?: bct_prog__define(p, "MEMLEAK_PAGE_SIZE", "%ld", sysconf(_SC_PAGESIZE));
	return err;
}

static int after_load(struct bct_prog *p, void *ctx)
{
	/* as BCC attaches them; the last three may be missing from a libc */
	static const struct {
		const char *sym, *entry, *ret;
		bool can_fail;
	} funcs[] = {
		{ "malloc", "malloc_enter", "alloc_return", false },
		{ "calloc", "calloc_enter", "alloc_return", false },
		{ "realloc", "realloc_enter", "alloc_return", false },
		{ "mmap", "mmap_enter", "alloc_return", false },
		{ "posix_memalign", "posix_memalign_enter", "posix_memalign_return", false },
		{ "valloc", "valloc_enter", "alloc_return", true },
		{ "memalign", "aligned_enter", "alloc_return", false },
		{ "pvalloc", "valloc_enter", "alloc_return", true },
		{ "aligned_alloc", "aligned_enter", "alloc_return", true },
		{ "free", "free_entry", NULL, false },
		{ "munmap", "munmap_entry", NULL, false },
	};
	struct bct_session *s = ctx;
	char path[4096];
	uint64_t off;
	size_t i;
	int err = 0;

	if (!user_mode())
		return 0;
	env.pid = s->child.pid ? s->child.pid : env.kit.filter.pid;
	for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]) && !err; i++) {
		struct bct_uprobe u = {
			.prog = funcs[i].entry, .lib = env.obj, .sym = funcs[i].sym, .pid = env.pid
		};

		if (funcs[i].can_fail && (bct_elf_lib_path(env.obj, path, sizeof(path)) ||
					  bct_elf_sym_offset(path, funcs[i].sym, &off)))
			continue;
		err = bct_uprobe_attach(p, &u);
		if (funcs[i].ret) {
			u.prog = funcs[i].ret;
			u.ret = true;
			err = err ?: bct_uprobe_attach(p, &u);
		}
	}
	return err;
}

/* -c COMMAND: run as the kit's --exec child (split on blanks, as BCC splits it). */
static int command_argv(void)
{
	size_t n = 0;
	char *w, *save = NULL;

	env.command_copy = strdup(env.command);
	env.kit.exec_argv = calloc(strlen(env.command) / 2 + 2, sizeof(char *));
	if (!env.command_copy || !env.kit.exec_argv)
		return -ENOMEM;
	for (w = strtok_r(env.command_copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
		env.kit.exec_argv[n++] = w;
	if (!n) {
		fprintf(stderr, "memleak: -c: empty command\n");
		return -EINVAL;
	}
	env.kit.filter.pid = 0;
	return 0;
}

/* --- output ------------------------------------------------------------------------------- */

struct alloc_rec {
	uint64_t addr;
	struct memleak_alloc a;
};

struct stack_sum {
	int32_t stack_id;
	uint64_t size;
	uint64_t count;
};

static int by_size(const void *x, const void *y)
{
	const struct alloc_rec *a = x, *b = y;

	return a->a.size < b->a.size ? -1 : a->a.size > b->a.size;
}

static int by_stack(const void *x, const void *y)
{
	const struct alloc_rec *a = x, *b = y;

	return a->a.stack_id < b->a.stack_id ? -1 : a->a.stack_id > b->a.stack_id;
}

static int by_sum(const void *x, const void *y)
{
	const struct stack_sum *a = x, *b = y;
	uint64_t va = env.sort_count ? a->count : a->size, vb = env.sort_count ? b->count : b->size;

	if (va != vb)
		return va < vb ? -1 : 1;
	return a->stack_id < b->stack_id ? -1 : a->stack_id > b->stack_id;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* One frame as BCC prints it: "func+0x1a [module]" (with_addr: "0x%016x\t" before it). */
static void frame_text(struct bct_stacks *st, uint64_t ip, bool with_addr, char *buf, size_t sz)
{
	char sym[512];

	if (user_mode())
		bct_usyms_frame(st->usyms, env.pid, ip, sym, sizeof(sym));
	else
		bct_ksyms_frame(st->ksyms, ip, sym, sizeof(sym));
	if (with_addr)
		snprintf(buf, sz, "0x%016" PRIx64 "\t%s", ip, sym);
	else
		snprintf(buf, sz, "%s", sym);
}

static int read_stack(struct bct_stacks *st, int32_t id, uint64_t *ips)
{
	if (id < 0)
		return id;
	if (user_mode())
		return bct_stack_read(st->map_fd, id, ips, BCT_STACK_MAX_DEPTH);
	return bct_stack_read_kernel(st->map_fd, st->ksyms, id, ips, BCT_STACK_MAX_DEPTH);
}

/* One stack: text "\t%d bytes in %d allocations from stack" and its frames, or one object. */
static void print_stack(struct bct_stacks *st, const char *hms, int32_t id, uint64_t size,
			uint64_t count, bool with_addr, const struct alloc_rec *recs, size_t nrecs)
{
	uint64_t ips[BCT_STACK_MAX_DEPTH];
	char frame[600];
	int n = read_stack(st, id, ips), i;
	size_t k;

	if (env.kit.common.json) {
		struct bct_json j;

		bct_json_begin(&j, stdout);
		bct_json_str(&j, "time", hms);
		if (user_mode())
			bct_json_uint(&j, "pid", env.pid);
		bct_json_uint(&j, "size", size);
		bct_json_uint(&j, "count", count);
		bct_json_int(&j, "stack_id", id);
		bct_json_arr_open(&j, "stack");
		for (i = 0; i < n; i++) {
			frame_text(st, ips[i], false, frame, sizeof(frame));
			bct_json_str(&j, NULL, frame);
		}
		bct_json_arr_close(&j);
		if (recs) {
			bct_json_arr_open(&j, "allocs");
			for (k = 0; k < nrecs; k++) {
				bct_json_obj_open(&j, NULL);
				bct_json_uint(&j, "addr", recs[k].addr);
				bct_json_uint(&j, "size", recs[k].a.size);
				bct_json_obj_close(&j);
			}
			bct_json_arr_close(&j);
		}
		bct_json_end(&j);
		return;
	}
	printf("\t%" PRIu64 " bytes in %" PRIu64 " allocations from stack\n\t\t", size, count);
	if (n < 0) {
		printf("stack information lost\n");
		return;
	}
	for (i = 0; i < n; i++) {
		frame_text(st, ips[i], with_addr, frame, sizeof(frame));
		printf("%s%s", i ? "\n\t\t" : "", frame);
	}
	putchar('\n');
}

static void header(const char *hms)
{
	if (!env.kit.common.json)
		printf("[%s] Top %" PRIu64 " stacks with outstanding allocations:\n", hms, env.top);
}

static int print_outstanding(struct bct_session *s, struct bct_stacks *st, const char *hms)
{
	int fd = bct_prog__map_fd(s->prog, "allocs");
	size_t n = 0, cap = 1024, i, j, nsum = 0, first;
	struct alloc_rec *recs = malloc(cap * sizeof(*recs)), *tmp;
	struct stack_sum *sums = NULL;
	uint64_t key, next, now = mono_ns(), min_age = env.older_ms * 1000000ULL;
	int err;

	if (!recs)
		return -ENOMEM;
	for (err = bpf_map_get_next_key(fd, NULL, &next); !err;
	     err = bpf_map_get_next_key(fd, &key, &next)) {
		key = next;
		if (n == cap) {
			tmp = realloc(recs, 2 * cap * sizeof(*recs));
			if (!tmp) {
				free(recs);
				return -ENOMEM;
			}
			recs = tmp;
			cap *= 2;
		}
		if (bpf_map_lookup_elem(fd, &key, &recs[n].a))
			continue;
		if (recs[n].a.ts_ns + min_age > now || recs[n].a.stack_id < 0)
			continue;
		recs[n++].addr = key;
	}
	header(hms);
	if (env.show_allocs && !env.kit.common.json) {
		qsort(recs, n, sizeof(*recs), by_size);
		for (i = 0; i < n; i++)
			printf("\taddr = %" PRIx64 " size = %" PRIu64 "\n", recs[i].addr,
			       (uint64_t)recs[i].a.size);
	}
	/* per stack, the allocations of each stack together (sorted by size within) */
	qsort(recs, n, sizeof(*recs), by_stack);
	sums = calloc(n ? n : 1, sizeof(*sums));
	if (!sums) {
		free(recs);
		return -ENOMEM;
	}
	for (i = 0; i < n; i = j) {
		struct stack_sum *sm = &sums[nsum++];

		sm->stack_id = recs[i].a.stack_id;
		for (j = i; j < n && recs[j].a.stack_id == sm->stack_id; j++) {
			sm->size += recs[j].a.size;
			sm->count++;
		}
	}
	qsort(sums, nsum, sizeof(*sums), by_sum);
	first = nsum > env.top ? nsum - env.top : 0;
	for (i = first; i < nsum; i++) {
		const struct alloc_rec *mine = NULL;
		size_t nmine = 0, k;

		if (env.show_allocs && env.kit.common.json) {
			for (k = 0; k < n && recs[k].a.stack_id != sums[i].stack_id; k++)
				;
			mine = &recs[k];
			while (k + nmine < n && recs[k + nmine].a.stack_id == sums[i].stack_id)
				nmine++;
		}
		print_stack(st, hms, sums[i].stack_id, sums[i].size, sums[i].count, true, mine,
			    nmine);
	}
	free(sums);
	free(recs);
	return 0;
}

static int print_combined(struct bct_session *s, struct bct_stacks *st, const char *hms)
{
	int fd = bct_prog__map_fd(s->prog, "combined_allocs");
	struct stack_sum *sums = calloc(MEMLEAK_MAX_STACKS, sizeof(*sums));
	struct memleak_combined c;
	uint64_t key, next;
	size_t n = 0, i, first;
	bool by_count = env.sort_count;
	int err;

	if (!sums)
		return -ENOMEM;
	for (err = bpf_map_get_next_key(fd, NULL, &next); !err && n < MEMLEAK_MAX_STACKS;
	     err = bpf_map_get_next_key(fd, &key, &next)) {
		key = next;
		if (bpf_map_lookup_elem(fd, &key, &c))
			continue;
		sums[n++] = (struct stack_sum){ (int32_t)key, c.total_size, c.nr_allocs };
	}
	env.sort_count = by_count;
	qsort(sums, n, sizeof(*sums), by_sum);
	first = n > env.top ? n - env.top : 0;
	header(hms);
	for (i = first; i < n; i++)
		print_stack(st, hms, sums[i].stack_id, sums[i].size, sums[i].count, false, NULL, 0);
	free(sums);
	return 0;
}

/* -t: one line per call, as BCC prints its trace_fields() tuples. */
static const struct bct_col trace_cols[] = {
	{ "MSG", "msg", 0, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "COMM", "comm", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "PID", "pid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "CPU", "cpu", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TS", "ts", 0, BCT_COL_DOUBLE, BCT_COL_JSON_ONLY, 6 },
	{ "CALL", "call", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "SIZE", "size", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "ADDR", "addr", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ NULL },
};

static int on_trace(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	static const char *const calls[] = { "alloc_enter", "alloc_exit", "free" };
	const struct memleak_trace *e = data;
	char comm[17], msg[128], line[256];
	uint64_t sz, addr;
	double ts;

	(void)ctx;
	if (size < sizeof(*e) || e->kind > MEMLEAK_FREE)
		return 0;
	snprintf(comm, sizeof(comm), "%.16s", e->comm);
	ts = (double)e->ts_ns / 1e9;
	sz = e->size;
	addr = e->addr;
	if (e->kind == MEMLEAK_ALLOC_ENTER)
		snprintf(msg, sizeof(msg), "alloc entered, size = %" PRIu64, sz);
	else if (e->kind == MEMLEAK_ALLOC_EXIT)
		snprintf(msg, sizeof(msg), "alloc exited, size = %" PRIu64 ", result = %" PRIx64,
			 sz, addr);
	else
		snprintf(msg, sizeof(msg), "free entered, address = %" PRIx64 ", size = %" PRIu64,
			 addr, sz);
	snprintf(line, sizeof(line), "(b'%s', %u, %u, b'....', %.6f, b'%s')", comm, e->pid, e->cpu,
		 ts, msg);
	bct_out__str(out, line);
	bct_out__str(out, comm);
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->cpu);
	bct_out__double(out, ts);
	bct_out__str(out, calls[e->kind]);
	bct_out__uint(out, sz);
	bct_out__uint(out, addr);
	return bct_out__end(out);
}

static int run_summaries(struct bct_session *s)
{
	struct bct_stack_fmt fmt = { .user_only = user_mode(), .json = env.kit.common.json };
	uint64_t done = 0;
	struct bct_stacks st;
	char hms[16];
	struct tm tm;
	time_t now;
	int err;

	err = bct_stacks_init(&st, &fmt, bct_prog__map_fd(s->prog, "stack_traces"));
	if (err)
		return err;
	while (!bct_exiting) {
		bct_stack_wait(env.kit.interval * 1000);
		if (bct_exiting)
			break;
		now = time(NULL);
		strftime(hms, sizeof(hms), "%H:%M:%S", localtime_r(&now, &tm));
		err = env.combined ? print_combined(s, &st, hms) : print_outstanding(s, &st, hms);
		if (err) {
			pr_err("cannot read the allocations: %s", strerror(-err));
			break;
		}
		if (fflush(stdout) == EOF)
			break;
		if (env.kit.count && ++done >= env.kit.count)
			break;
	}
	bct_stacks_free(&st);
	return err;
}

int cmd_memleak(int argc, char **argv)
{
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	const struct bct_hook *hooks;
	char banner[128];
	int rc, err;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.have_min && env.have_max && env.min_size > env.max_size) {
		printf("min_size (-z) can't be greater than max_size (-Z)\n");
		return 1;
	}
	if (!env.kit.interval)
		env.kit.interval = 5;
	if (env.command) {
		printf("Executing '%s' and tracing the resulting process.\n", env.command);
		fflush(stdout);
		if (command_argv()) {
			free(env.command_copy);
			return 1;
		}
	}
	hooks = user_mode() ? user_hooks : env.percpu ? percpu_hooks : kernel_hooks;
	s.ctx = &s;
	if (bct_session__init(&s, &env.kit, &needs_memleak, hooks)) {
		free(env.command_copy);
		return 1;
	}
	if (env.trace) {
		struct bct_event_tool tool = { .cols = trace_cols,
					       .on_event = on_trace,
					       .no_header = true };

		if (user_mode() && !env.command)
			snprintf(banner, sizeof(banner), "Attaching to pid %d, Ctrl+C to quit.",
				 env.kit.filter.pid);
		else if (!user_mode())
			snprintf(banner, sizeof(banner),
				 "Attaching to kernel allocators, Ctrl+C to quit.");
		tool.banner = env.command ? NULL : banner;
		rc = bct_events_run(&s, &tool);
		free(env.command_copy);
		return rc;
	}
	if (env.kit.common.ebpf) {
		err = bct_session__print_source(&s);
		bct_session__stop(&s);
		free(env.command_copy);
		return err ? 1 : 0;
	}
	err = bct_session__start(&s);
	if (!err) {
		if (env.kit.common.json)
			;
		else if (user_mode())
			printf("Attaching to pid %d, Ctrl+C to quit.\n", env.pid);
		else
			printf("Attaching to kernel allocators, Ctrl+C to quit.\n");
		fflush(stdout);
		err = bct_session__go(&s);
	}
	if (err) {
		bct_session__stop(&s);
		free(env.command_copy);
		return err == -EINTR && bct_exiting ? 0 : 1;
	}
	err = run_summaries(&s);
	bct_session__stop(&s);
	free(env.command_copy);
	return err ? 1 : 0;
}
