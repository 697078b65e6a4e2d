// SPDX-License-Identifier: Apache-2.0
/*
 * stackcount: count the stacks that lead to tracepoints, user functions and USDT probes.
 *
 * Interface of BCC's stackcount by Brendan Gregg and Sasha Goldshtein; written anew on
 * lib/probespec and lib/stack. One program per attach kind (bpf-src/stackcount.bpf.c) is
 * attached once per match; kernel functions need kprobes, which this kernel lacks, so they are
 * refused with one line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cmd.h"
#include "json.h"
#include "log.h"
#include "opt.h"
#include "probe.h"
#include "probespec.h"
#include "prog.h"
#include "signals.h"
#include "stack.h"
#include "tool.h"

#include "stackcount.h"

#define MAX_KEYS 10240

static struct stackcount_env {
	struct bct_env kit; /* -p, -D, -T, --json, --ebpf, --debug */
	const char *pattern;
	uint64_t interval;
	long cpu;
	bool regexp, offset, perpid, kernel_only, user_only, verbose, delimited, folded, debug;
	struct bct_probespec spec;
	struct bct_targets m;
	struct bct_ksyms *ksyms;
	struct bct_usyms *usyms;
} env = { .cpu = -1 };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('i', "interval", "INTERVAL", "summary interval, seconds"),
	BCT_FLAG('r', "regexp", &env.regexp,
		 "use regular expressions. Default is \"*\" wildcards only."),
	BCT_FLAG('s', "offset", &env.offset, "show address offsets"),
	BCT_FLAG('P', "perpid", &env.perpid, "display stacks separately for each process"),
	BCT_FLAG('K', "kernel-stacks-only", &env.kernel_only, "kernel stack only"),
	BCT_FLAG('U', "user-stacks-only", &env.user_only, "user stack only"),
	BCT_FLAG('v', "verbose", &env.verbose, "show raw addresses"),
	BCT_FLAG('d', "delimited", &env.delimited, "insert delimiter between kernel/user stacks"),
	BCT_FLAG('f', "folded", &env.folded, "output folded format"),
	BCT_CUSTOM('c', "cpu", "CPU", "trace this CPU only"),
	BCT_FLAG(0x5350, "print-prog", &env.debug,
		 "print BPF program before starting (BCC's --debug)"),
	{ 0 },
};

static const char doc[] =
	"Count events and their stack traces\n"
	"\v"
	"examples:\n"
	"    stackcount t:sched:sched_switch   # count stacks for context switches\n"
	"    stackcount -P c:malloc            # count stacks of malloc() per process\n"
	"    stackcount -U c:malloc            # user stacks only\n"
	"    stackcount -p 185 c:malloc        # process 185 only\n"
	"    stackcount -s -v 'c:str*'         # show symbol offsets and raw addresses\n"
	"    stackcount -i 5 -D 20 't:block:*' # every 5 seconds, for 20 seconds\n"
	"    stackcount -f -P t:sched:sched_switch  # folded output, for flame graphs\n"
	"    stackcount 'u:/usr/bin/python3:gc__start'  # stacks of a USDT probe\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	uint64_t v;

	switch (key) {
	case 'i':
		bct_arg_u64(state, "interval", arg, 1, UINT32_MAX, &v);
		env.interval = v;
		break;
	case 'c':
		bct_arg_u64(state, "CPU", arg, 0, 65535, &v);
		env.cpu = (long)v;
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
	.shared = { .pid = 'p', .duration = 'D', .timestamp = 'T' },
};

BCT_PROBESPEC_HOOKS("sc_tracepoint", "tracepoints (t:CAT:EV)", "sc_uprobe",
		    "user functions and USDT probes (LIB:FUNC, u:LIB:PROBE)");

const struct bct_needs needs_stackcount = {
	.src_name = "stackcount.bpf.c",
	.variants = (const struct bct_variant[]){ { "t:sched:sched_process_exit", tp_hooks },
						  { "c:getpid", uprobe_hooks },
						  { NULL } },
};

/* --- matching ------------------------------------------------------------------------------ */

static int resolve(void)
{
	unsigned flags = env.regexp ? BCT_PS_REGEX : 0;
	struct bct_probespec *spec = &env.spec;
	char hint[512];
	int err;

	err = bct_probespec_parse(env.pattern, 0, spec);
	if (err == -E2BIG) {
		pr_err("Too many ':'-separated components in pattern %s", env.pattern);
		return err;
	}
	if (!err && spec->type != 'p' && spec->type != 't' && spec->type != 'u')
		err = -EINVAL;
	if (err) {
		pr_err("Type must be 'p', 't', or 'u', but got %.*s",
		       (int)strcspn(env.pattern, ":"), env.pattern);
		return err;
	}
	if (bct_probespec_is_kernel(spec)) {
		if (!bct_probespec_kernel_hint(spec, flags, hint, sizeof(hint)))
			pr_err("cannot trace kernel functions '%s': this kernel has no kprobes; try "
			       "the tracepoint 't:%s'",
			       spec->pattern, hint);
		else
			pr_err("cannot trace kernel functions '%s': this kernel has no kprobes; use "
			       "tracepoints (t:CAT:EV) instead",
			       spec->pattern);
		return -EOPNOTSUPP;
	}
	err = bct_probespec_resolve(spec, flags, (pid_t)env.kit.filter.pid, &env.m);
	if (err == -ENOENT && spec->type != 't' && !env.m.path[0]) {
		pr_err("unable to find library %s", spec->lib);
		return err;
	}
	if (err == -EINVAL) {
		pr_err("invalid regular expression '%s'", env.m.regex);
		return err;
	}
	if (err) {
		pr_err("cannot resolve '%s': %s", env.pattern, strerror(-err));
		return err;
	}
	if (!env.m.n) {
		pr_err("No functions matched by pattern %s", env.m.regex);
		return -ENOENT;
	}
	return 0;
}

/* --- set-up -------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	(void)ctx;
	if (env.perpid)
		err = bct_prog__define(p, "SC_PERPID", NULL);
	if (!err && env.cpu >= 0)
		err = bct_prog__define(p, "SC_CPU", "%ld", env.cpu);
	if (!err && env.user_only)
		err = bct_prog__define(p, "BCT_STACK_NO_KERNEL", NULL);
	if (!err && env.kernel_only)
		err = bct_prog__define(p, "BCT_STACK_NO_USER", NULL);
	return err;
}

static int after_load(struct bct_prog *p, void *ctx)
{
	struct bpf_object *obj = bct_prog__object(p);
	struct bpf_program *prog;
	size_t i;
	int err;

	(void)ctx;
	prog = bpf_object__find_program_by_name(obj, env.spec.type == 't' ? "sc_tracepoint"
									  : "sc_uprobe");
	if (!prog)
		return -ENOENT;
	for (i = 0; i < env.m.n && !bct_exiting; i++) {
		err = bct_target_attach(p, prog, &env.m.t[i], false, (pid_t)env.kit.filter.pid, 0);
		if (err)
			return err;
	}
	if (!env.user_only) {
		env.ksyms = bct_ksyms_load(NULL);
		if (!env.ksyms) {
			err = -errno;
			pr_err("cannot read kernel symbols from /proc/kallsyms: %s",
			       strerror(-err));
			return err;
		}
	}
	if (!env.kernel_only && !(env.usyms = bct_usyms_new()))
		return -ENOMEM;
	return 0;
}

/* --- output -------------------------------------------------------------------------------- */

struct rec {
	struct sc_key key;
	uint64_t count;
	uint32_t sym_pid;
};

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return x->count < y->count ? -1 : x->count > y->count;
}

static int read_stack(int fd, int32_t id, bool user, uint64_t *ips)
{
	int n;

	if (id < 0)
		return 0;
	n = user ? bct_stack_read(fd, id, ips, BCT_STACK_MAX_DEPTH)
		 : bct_stack_read_kernel(fd, env.ksyms, id, ips, BCT_STACK_MAX_DEPTH);
	return n < 0 ? 0 : n;
}

static const char *frame(bool user, pid_t pid, uint64_t ip, char *buf, size_t sz)
{
	if (user)
		return bct_usyms_name(env.usyms, pid, ip, env.offset, buf, sz);
	return bct_ksyms_name(env.ksyms, ip, env.offset, buf, sz);
}

static void print_frame(bool user, pid_t pid, uint64_t ip)
{
	char buf[512];

	if (env.verbose)
		printf("  %-16" PRIx64 " %s\n", ip, frame(user, pid, ip, buf, sizeof(buf)));
	else
		printf("  %s\n", frame(user, pid, ip, buf, sizeof(buf)));
}

static void print_rec(const struct rec *r, int stack_fd, const char *ts)
{
	static uint64_t kips[BCT_STACK_MAX_DEPTH], uips[BCT_STACK_MAX_DEPTH];
	bool delim = env.delimited && !env.kernel_only && !env.user_only;
	pid_t pid = (pid_t)r->sym_pid;
	char comm[SC_COMM_LEN + 1], buf[512];
	int nk, nu, i;

	snprintf(comm, sizeof(comm), "%.*s", SC_COMM_LEN, r->key.comm);
	nk = read_stack(stack_fd, r->key.kernel_stack_id, false, kips);
	nu = read_stack(stack_fd, r->key.user_stack_id, true, uips);
	if (env.kit.common.json) {
		struct bct_json j;

		bct_json_begin(&j, stdout);
		bct_json_str(&j, "ts", ts);
		if (r->key.tgid != SC_NO_PID) {
			bct_json_str(&j, "comm", comm);
			bct_json_uint(&j, "pid", r->key.tgid);
		}
		bct_json_arr_open(&j, "kernel_stack");
		for (i = 0; i < nk; i++)
			bct_json_str(&j, NULL, frame(false, 0, kips[i], buf, sizeof(buf)));
		bct_json_arr_close(&j);
		bct_json_arr_open(&j, "user_stack");
		for (i = 0; i < nu; i++)
			bct_json_str(&j, NULL, frame(true, pid, uips[i], buf, sizeof(buf)));
		bct_json_arr_close(&j);
		bct_json_uint(&j, "count", r->count);
		bct_json_end(&j);
		return;
	}
	if (env.folded) {
		/* comm;user frames, root first;-;kernel frames, root first COUNT */
		fputs(comm, stdout);
		for (i = nu - 1; i >= 0; i--)
			printf(";%s", frame(true, pid, uips[i], buf, sizeof(buf)));
		if (delim)
			fputs(";-", stdout);
		for (i = nk - 1; i >= 0; i--)
			printf(";%s", frame(false, 0, kips[i], buf, sizeof(buf)));
		printf(" %" PRIu64 "\n", r->count);
		return;
	}
	for (i = 0; i < nk; i++)
		print_frame(false, 0, kips[i]);
	if (delim)
		printf("    --\n");
	for (i = 0; i < nu; i++)
		print_frame(true, pid, uips[i]);
	if (!env.kit.filter.pid && r->key.tgid != SC_NO_PID)
		printf("    %s [%" PRIu32 "]\n", comm, r->key.tgid);
	printf("    %" PRIu64 "\n\n", r->count);
}

/* Drains the counts (and the stacks they name) and prints them. */
static int print_interval(struct bct_session *s)
{
	int counts_fd = bct_prog__map_fd(s->prog, "counts");
	int stack_fd = bct_prog__map_fd(s->prog, "stack_traces");
	int pids_fd = bct_prog__map_fd(s->prog, "sym_pids");
	struct rec *recs = calloc(MAX_KEYS, sizeof(*recs));
	struct sc_key k, next, *prev = NULL;
	char ts[32];
	time_t now = time(NULL);
	size_t n = 0, i;
	int32_t snext;

	if (!recs || counts_fd < 0 || stack_fd < 0 || pids_fd < 0) {
		free(recs);
		return -ENOMEM;
	}
	while (n < MAX_KEYS && !bpf_map_get_next_key(counts_fd, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(counts_fd, &k, &recs[n].count))
			continue;
		recs[n].key = k;
		recs[n].sym_pid = k.tgid;
		if (k.tgid == SC_NO_PID && k.user_stack_id >= 0 &&
		    bpf_map_lookup_elem(pids_fd, &k.user_stack_id, &recs[n].sym_pid))
			recs[n].sym_pid = 0;
		n++;
	}
	for (i = 0; i < n; i++)
		bpf_map_delete_elem(counts_fd, &recs[i].key);
	qsort(recs, n, sizeof(*recs), cmp_rec);
	if (env.kit.common.json) {
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
	} else {
		if (!env.folded)
			printf("\n");
		if (env.kit.timestamp) {
			strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
			printf("%-8s\n", ts);
		}
	}
	for (i = 0; i < n; i++)
		print_rec(&recs[i], stack_fd, ts);
	fflush(stdout);
	/* the stacks printed are not needed any more: free their slots */
	while (!bpf_map_get_next_key(stack_fd, NULL, &snext))
		if (bpf_map_delete_elem(stack_fd, &snext))
			break;
	while (!bpf_map_get_next_key(pids_fd, NULL, &snext))
		if (bpf_map_delete_elem(pids_fd, &snext))
			break;
	free(recs);
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

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
	uint64_t duration = env.kit.duration_ms, every, start, next;

	if (!env.kit.common.json && !env.folded)
		printf("Tracing %zu functions for \"%s\"... Hit Ctrl-C to end.\n", env.m.n,
		       env.pattern);
	fflush(stdout);
	every = env.interval ? env.interval * 1000 : (duration ? duration : UINT64_MAX / 2);
	start = now_ms();
	next = start + every;
	for (;;) {
		bool last;

		sleep_until(duration && start + duration < next ? start + duration : next);
		last = bct_exiting || (duration && now_ms() >= start + duration);
		if (last)
			signal(SIGINT, SIG_IGN);
		if (print_interval(s))
			return 1;
		if (last)
			break;
		next += every;
	}
	if (!env.kit.common.json && !env.folded)
		printf("Detaching...\n");
	return 0;
}

int cmd_stackcount(int argc, char **argv)
{
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	int rc, err;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.kernel_only && env.user_only) {
		fprintf(stderr, "ERROR: -K and -U are mutually exclusive. If you want both stacks, "
				"that is the default.\n");
		return 1;
	}
	if (env.kit.filter.pid)
		env.perpid = true; /* BCC: -p implies -P */
	if (!env.kit.common.ebpf && resolve())
		return 1;
	if (bct_session__init(&s, &env.kit, &needs_stackcount,
			      env.spec.type == 't' || env.kit.common.ebpf ? tp_hooks
									  : uprobe_hooks))
		return 1;
	if (env.kit.common.ebpf || env.debug) {
		err = bct_session__print_source(&s);
		if (err || env.kit.common.ebpf) {
			bct_session__stop(&s);
			return err ? 1 : 0;
		}
	}
	err = bct_session__start(&s);
	if (err) {
		bct_session__stop(&s);
		return err == -EINTR ? 0 : 1;
	}
	rc = run(&s);
	bct_session__stop(&s);
	bct_ksyms_free(env.ksyms);
	bct_usyms_free(env.usyms);
	bct_targets_free(&env.m);
	return rc;
}
