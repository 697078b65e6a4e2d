// SPDX-License-Identifier: Apache-2.0
/*
 * funccount: count calls of tracepoints, user functions and USDT probes matching a pattern.
 *
 * Interface of BCC's funccount by Brendan Gregg; written anew. BCC generates one BPF function
 * per match; here one program per attach kind (bpf-src/funccount.bpf.c) is attached once per
 * match with the match's index as the attach cookie, so nothing is compiled per pattern.
 * Kernel functions (kprobes) are refused with one line where the kernel has no kprobes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cmd.h"
#include "json.h"
#include "log.h"
#include "probe.h"
#include "prog.h"
#include "probespec.h"
#include "servetable.h"
#include "signals.h"
#include "tool.h"
#include "uprobe.h"

#define DEFAULT_PROBE_LIMIT 1000

static struct funccount_env {
	struct bct_env kit; /* -p, -d, -T, --json, --ebpf, --debug */
	const char *pattern;
	uint64_t interval; /* seconds; 0: none */
	long cpu; /* -c; -1: every CPU */
	bool regexp;
	bool print_prog; /* -D */
} env = { .cpu = -1 };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('i', "interval", "INTERVAL", "summary interval, seconds"),
	BCT_FLAG('r', "regexp", &env.regexp,
		 "use regular expressions. Default is \"*\" wildcards only."),
	BCT_FLAG('D', NULL, &env.print_prog,
		 "print BPF program before starting (for debugging purposes)"),
	BCT_CUSTOM('c', "cpu", "CPU", "trace this CPU only"),
	{ 0 },
};

static const char doc[] =
	"Count functions, tracepoints, and USDT probes\n"
	"\v"
	"examples:\n"
	"    funccount 't:sched:sched_process_*'   # count sched process tracepoints\n"
	"    funccount -i 1 c:malloc                # libc malloc() calls, each second\n"
	"    funccount 'c:str*'                     # libc functions starting with str\n"
	"    funccount -r 'c:(mem|str)cpy'          # libc memcpy() and strcpy()\n"
	"    funccount -p 185 'c:pthread_mutex*'    # mutex functions of PID 185 only\n"
	"    funccount 'u:/usr/bin/python3:gc__*'   # USDT probes gc__* of python3\n"
	"    funccount -d 10 -T 't:syscalls:sys_enter_open*'  # 10 s, with timestamps\n"
	"    funccount -c 1 't:sched:sched_switch'  # context switches on CPU 1\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;
	long v;

	switch (key) {
	case 'i':
	case 'c':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || end == arg || *end || v < 0 || (key == 'i' && v == 0) || v > INT_MAX)
			argp_error(state, "invalid %s: '%s'", key == 'i' ? "interval" : "CPU", arg);
		if (key == 'i')
			env.interval = (uint64_t)v;
		else
			env.cpu = v;
		break;
	default:
		return bct_arg_one(state, key, arg, "pattern", env.kit.common.ebpf, &env.pattern);
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "pattern",
	.doc = doc,
	.shared = { .pid = 'p', .duration = 'd', .timestamp = 'T' },
};

/* --- attach methods: every program in bpf-src/funccount.bpf.c ---------------------------- */

BCT_PROBESPEC_HOOKS("fc_tracepoint", "tracepoints (t:CAT:EV)", "fc_uprobe",
		    "user functions and USDT probes (LIB:FUNC, u:LIB:PROBE)");

const struct bct_needs needs_funccount = {
	.src_name = "funccount.bpf.c",
	.variants = (const struct bct_variant[]){ { "t:CAT:EV", tp_hooks },
						  { "LIB:FUNC, u:LIB:PROBE", uprobe_hooks },
						  { NULL } },
	.default_args = "t:sched:sched_process_exit",
};

/* --- matching (lib/probespec) -------------------------------------------------------------- */

static struct bct_probespec spec;
static struct bct_targets m;

/* Kernel functions: refused here when the kernel has no kprobes, with a tracepoint hint. */
static int no_kprobes(void)
{
	unsigned flags = env.regexp ? BCT_PS_REGEX : 0;
	char hint[512];

	if (bct_has_kprobes()) {
		pr_err("kernel function patterns are not supported by funccount; use t:CAT:EV");
		return -EOPNOTSUPP;
	}
	if (!bct_probespec_kernel_hint(&spec, flags, hint, sizeof(hint)))
		pr_err("cannot count kernel functions '%s': this kernel has no kprobes; try "
		       "the tracepoint 't:%s'",
		       spec.pattern, hint);
	else
		pr_err("cannot count kernel functions '%s': this kernel has no kprobes; count "
		       "tracepoints (t:CAT:EV) instead",
		       spec.pattern);
	return -EOPNOTSUPP;
}

/* BCC's pattern grammar: FUNC, LIB:FUNC, p:LIB:FUNC, t:CAT:EV, u:LIB:PROBE. */
static int match_pattern(const char *pattern)
{
	unsigned flags = env.regexp ? BCT_PS_REGEX : 0;
	const char *env_limit;
	int err, limit;

	err = bct_probespec_parse(pattern, 0, &spec);
	if (err == -E2BIG) {
		pr_err("Too many ':'-separated components in pattern %s", pattern);
		return err;
	}
	if (!err && spec.type != 'p' && spec.type != 't' && spec.type != 'u')
		err = -EINVAL;
	if (err == -EINVAL) {
		pr_err("Type must be 'p', 't', or 'u', but got %.*s", (int)strcspn(pattern, ":"),
		       pattern);
		return err;
	}
	if (err) {
		pr_err("invalid pattern '%s': %s", pattern, strerror(-err));
		return err;
	}
	if (bct_probespec_is_kernel(&spec))
		return no_kprobes();
	err = bct_probespec_resolve(&spec, flags, (pid_t)env.kit.filter.pid, &m);
	if (err == -EINVAL) {
		pr_err("invalid regular expression '%s'", m.regex);
		return err;
	}
	if (err == -ENOENT && !m.path[0] && spec.type != 't') {
		pr_err("unable to find library %s", spec.lib);
		return err;
	}
	if (err) {
		if (spec.type == 't')
			pr_err("cannot list tracepoints: %s", strerror(-err));
		else if (spec.type == 'u')
			pr_err("cannot read USDT probes of %s: %s", m.path, strerror(-err));
		else
			pr_err("cannot read the functions of %s: %s", m.path, strerror(-err));
		return err;
	}
	env_limit = getenv("BCC_PROBE_LIMIT");
	limit = env_limit ? atoi(env_limit) : DEFAULT_PROBE_LIMIT;
	if (m.n > (size_t)limit) {
		pr_err("maximum of %d probes allowed, attempted %zu", limit, m.n);
		return -E2BIG;
	}
	if (!m.n) {
		pr_err("No functions matched by pattern %s", m.regex);
		return -ENOENT;
	}
	return 0;
}

/* --- set-up -------------------------------------------------------------------------------- */

/* Whether bcctool itself maps a file of the uprobes (libc's malloc): then it counts itself. */
static bool self_reachable(void)
{
	const char *last = NULL;
	size_t i;

	for (i = 0; i < m.n; i++) {
		if (last && !strcmp(last, m.t[i].path))
			continue;
		last = m.t[i].path;
		if (bct_uprobe_self_maps(last))
			return true;
	}
	return false;
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	(void)ctx;
	if (env.cpu >= 0)
		err = bct_prog__define(p, "FILTER_CPU", "%ld", env.cpu);
	/* the hot path of one probe: no cookie, and no own-process test it cannot fail */
	if (m.nslots == 1)
		err = err ?: bct_prog__define(p, "FC_ONE_SLOT", NULL);
	if (spec.type != 't' && m.n && !self_reachable())
		err = err ?: bct_prog__define(p, "BCT_FILTER_NOT_SELF", NULL);
	return err ?: bct_prog__set_map_size(p, "counts", m.nslots ? m.nslots : 1);
}

static int after_load(struct bct_prog *p, void *ctx)
{
	struct bpf_object *obj = bct_prog__object(p);
	struct bpf_program *prog;
	size_t i;
	int err;

	(void)ctx;
	prog = bpf_object__find_program_by_name(obj,
						spec.type == 't' ? "fc_tracepoint" : "fc_uprobe");
	if (!prog)
		return -ENOENT;
	for (i = 0; i < m.n && !bct_exiting; i++) {
		err = bct_target_attach(p, prog, &m.t[i], false, (pid_t)env.kit.filter.pid,
					m.t[i].slot);
		if (err)
			return err;
	}
	return 0;
}

/* --- output -------------------------------------------------------------------------------- */

struct row {
	const char *name;
	uint64_t count;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return x->count < y->count ? -1 : x->count > y->count;
}

static int print_counts(int fd, int ncpus)
{
	uint64_t *vals = calloc((size_t)ncpus, sizeof(*vals));
	uint64_t *zero = calloc((size_t)ncpus, sizeof(*zero));
	struct row *rows = calloc(m.nslots, sizeof(*rows));
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	uint32_t k, n = 0;
	size_t i;
	int c;

	if (!vals || !zero || !rows) {
		free(vals);
		free(zero);
		free(rows);
		return -ENOMEM;
	}
	for (i = 0; i < m.n; i++)
		rows[m.t[i].slot].name = m.t[i].name;
	for (k = 0; k < m.nslots; k++) {
		uint64_t sum = 0;

		if (bpf_map_lookup_elem(fd, &k, vals))
			continue;
		bpf_map_update_elem(fd, &k, zero, BPF_ANY);
		for (c = 0; c < ncpus; c++)
			sum += vals[c];
		if (sum)
			rows[n++] = (struct row){ rows[k].name, sum };
	}
	qsort(rows, n, sizeof(*rows), cmp_row);
	localtime_r(&now, &tm);
	if (env.kit.common.json) {
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
		for (k = 0; k < n; k++) {
			struct bct_json j;

			bct_json_begin(&j, stdout);
			bct_json_str(&j, "ts", ts);
			bct_json_str(&j, "func", rows[k].name);
			bct_json_uint(&j, "count", rows[k].count);
			bct_json_end(&j);
		}
	} else {
		printf("\n");
		if (env.kit.timestamp) {
			strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
			printf("%-8s\n", ts);
		}
		printf("%-36s %8s\n", "FUNC", "COUNT");
		for (k = 0; k < n; k++)
			printf("%-36s %8" PRIu64 "\n", rows[k].name, rows[k].count);
	}
	fflush(stdout);
	free(vals);
	free(zero);
	free(rows);
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Sleeps until deadline (ms, monotonic) or a stop signal. */
static void sleep_until(uint64_t deadline)
{
	uint64_t t;

	while (!bct_exiting && (t = now_ms()) < deadline) {
		uint64_t left = deadline - t;
		struct timespec ts = { (time_t)(left / 1000), (long)(left % 1000) * 1000000 };

		nanosleep(&ts, NULL);
	}
}

static int run(struct bct_session *s)
{
	uint64_t interval_ms, start, next;
	int fd, ncpus, err;

	fd = bct_prog__map_fd(s->prog, "counts");
	ncpus = libbpf_num_possible_cpus();
	if (fd < 0 || ncpus <= 0)
		return 1;
	if (!env.kit.common.json)
		printf("Tracing %zu functions for \"%s\"... Hit Ctrl-C to end.\n", (size_t)m.nslots,
		       env.pattern);
	fflush(stdout);
	interval_ms = env.interval ? env.interval * 1000
				   : (env.kit.duration_ms ? env.kit.duration_ms : UINT64_MAX / 2);
	start = now_ms();
	next = start + interval_ms;
	for (;;) {
		bool last;

		sleep_until(env.kit.duration_ms && start + env.kit.duration_ms < next
				    ? start + env.kit.duration_ms
				    : next);
		last = bct_exiting ||
		       (env.kit.duration_ms && now_ms() >= start + env.kit.duration_ms);
		if (last)
			signal(SIGINT, SIG_IGN);
		err = print_counts(fd, ncpus);
		if (err)
			return 1;
		if (last)
			break;
		next += interval_ms;
	}
	if (!env.kit.common.json)
		printf("Detaching...\n");
	return 0;
}

/* bcctool serve: each probe's count so far, by name (the map is never cleared there). */
static void serve_read(void *ctx, bct_serve_row_fn row, void *arg)
{
	int fd = *(int *)ctx, ncpus = libbpf_num_possible_cpus();
	uint64_t *vals = ncpus > 0 ? calloc((size_t)ncpus, sizeof(*vals)) : NULL;
	const char **names = calloc(m.nslots ? m.nslots : 1, sizeof(*names));
	uint32_t k;
	size_t i;

	for (i = 0; vals && names && i < m.n; i++)
		names[m.t[i].slot] = m.t[i].name;
	for (k = 0; vals && names && k < m.nslots; k++) {
		uint64_t sum = 0;

		if (bpf_map_lookup_elem(fd, &k, vals))
			continue;
		for (int c = 0; c < ncpus; c++)
			sum += vals[c];
		if (sum && names[k])
			row(arg, names[k], sum);
	}
	free(vals);
	free(names);
}

static int serve(struct bct_session *s)
{
	int fd = bct_prog__map_fd(s->prog, "counts");
	const struct bct_serve_table t = {
		.counter = "calls",
		.label = "func",
		.help = "calls of each matched function or tracepoint",
		.read = serve_read,
		.ctx = &fd,
	};

	if (fd < 0)
		return 1;
	return bct_serve_table_hook(s, &t);
}

int cmd_funccount(int argc, char **argv)
{
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	int rc, err;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	/* --ebpf shows the program whatever the pattern */
	if (!env.kit.common.ebpf && match_pattern(env.pattern))
		return 1;
	if (bct_session__init(&s, &env.kit, &needs_funccount,
			      spec.type == 't' || env.kit.common.ebpf ? tp_hooks : uprobe_hooks))
		return 1;
	if (env.kit.common.ebpf || env.print_prog) {
		err = bct_session__print_source(&s);
		if (err || env.kit.common.ebpf) {
			bct_session__stop(&s);
			return err ? 1 : 0;
		}
	}
	/* the perf events of the tracepoints open while the program compiles and loads */
	if (spec.type == 't')
		bct_targets_open_ahead(&m);
	s.served = bct_serve_table_hook != NULL;
	err = bct_session__start(&s);
	if (err) {
		bct_session__stop(&s);
		return err == -EINTR ? 0 : 1;
	}
	rc = bct_serve_table_hook ? serve(&s) : run(&s);
	bct_session__stop(&s);
	return rc;
}
