// SPDX-License-Identifier: Apache-2.0
/*
 * klockstat: kernel lock contention by the caller that waited, as BCC's klockstat prints it:
 * count, average, maximum and total wait in nanoseconds per kernel stack.
 *
 * Interface of BCC's klockstat by Jiri Olsa; written anew, with --json. BCC times mutex_lock()
 * and the hold until mutex_unlock() with kprobes (or fentry); this kernel has neither, so the
 * lock:contention_begin/end tracepoints are used (bpf-src/klockstat.bpf.c): waits of contended
 * acquisitions only, of every lock type, and no hold times (the hold table stays empty).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <linux/types.h>

#include "cmd.h"
#include "json.h"
#include "log.h"
#include "prog.h"
#include "signals.h"
#include "stack.h"
#include "tool.h"
#include "klockstat.h"

enum { K_STORAGE = 0x100 };
enum sort_field { SORT_MAX, SORT_TOTAL, SORT_COUNT };

static struct klockstat_env {
	struct bct_env kit; /* -p, -t, --json... */
	uint64_t duration; /* -d */
	uint64_t interval; /* -i */
	bool have_duration, have_interval;
	uint64_t locks; /* -n */
	uint64_t stacks; /* -s */
	const char *caller; /* -c */
	enum sort_field sort; /* -S */
	uint64_t storage;
} env = { .locks = 99999999, .stacks = 1, .storage = 16384 };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('d', "duration", "DURATION", "total duration of trace in seconds"),
	BCT_CUSTOM('i', "interval", "INTERVAL", "print summary at this interval (seconds)"),
	BCT_CUSTOM('n', "locks", "LOCKS", "print given number of locks"),
	BCT_CUSTOM('s', "stacks", "STACKS", "print given number of stack entries"),
	BCT_STRING('c', "caller", "CALLER", &env.caller, "print locks taken by given caller"),
	BCT_CUSTOM('S', "sort", "SORT",
		   "sort data on <aq_field,hd_field>, fields: acq_[max|total|count] "
		   "hld_[max|total|count]"),
	BCT_CUSTOM(K_STORAGE, "stack-storage-size", "STACK_STORAGE_SIZE",
		   "the number of unique stack traces that can be stored and displayed (default "
		   "16384)"),
	{ 0 },
};

static const char doc[] =
	"\v"
	"examples:\n"
	"    klockstat                           # trace system wide\n"
	"    klockstat -d 5                      # trace for 5 seconds only\n"
	"    klockstat -i 5                      # display stats every 5 seconds\n"
	"    klockstat -p 123                    # trace locks for PID 123\n"
	"    klockstat -t 321                    # trace locks for TID 321\n"
	"    klockstat -c pipe_                  # display stats only for lock "
	"callers with 'pipe_' substring\n"
	"    klockstat -S acq_count              # sort lock acquired results on "
	"acquired count\n"
	"    klockstat -S hld_total              # sort lock held results on total "
	"held time\n"
	"    klockstat -S acq_count,hld_total    # combination of above\n"
	"    klockstat -n 3                      # display 3 locks\n"
	"    klockstat -s 3                      # display 3 levels of stack\n"
	"    klockstat --json -d 5               # one JSON object per caller\n";

/* BCC's type=int: any integer ("invalid int value: 'x'"). */
static uint64_t int_arg(struct argp_state *state, const char *what, const char *arg)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno || end == arg || *end)
		argp_error(state, "argument %s: invalid int value: '%s'", what, arg);
	return v < 0 ? 0 : (uint64_t)v;
}

/* -S: the first field BCC knows decides; none known is BCC's "Wrong sort argument". */
static int sort_arg(const char *arg)
{
	char *copy = strdup(arg), *f, *save = NULL;
	int r = -1;

	for (f = copy ? strtok_r(copy, ",", &save) : NULL; f && r < 0;
	     f = strtok_r(NULL, ",", &save)) {
		if (!strcmp(f, "acq_max") || !strcmp(f, "hld_max"))
			r = SORT_MAX;
		else if (!strcmp(f, "acq_total") || !strcmp(f, "hld_total"))
			r = SORT_TOTAL;
		else if (!strcmp(f, "acq_count") || !strcmp(f, "hld_count"))
			r = SORT_COUNT;
	}
	free(copy);
	return r;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	uint64_t v;
	int s;

	switch (key) {
	case 'd':
		if (env.have_interval)
			argp_error(
				state,
				"argument -d/--duration: not allowed with argument -i/--interval");
		env.duration = int_arg(state, "-d/--duration", arg);
		env.have_duration = true;
		break;
	case 'i':
		if (env.have_duration)
			argp_error(
				state,
				"argument -i/--interval: not allowed with argument -d/--duration");
		env.interval = int_arg(state, "-i/--interval", arg);
		env.have_interval = true;
		break;
	case 'n':
		env.locks = int_arg(state, "-n/--locks", arg);
		break;
	case 's':
		env.stacks = int_arg(state, "-s/--stacks", arg);
		break;
	case 'S':
		s = sort_arg(arg);
		if (s < 0) {
			/* BCC's words (its print() shows the "%s"), and its exit(-1) */
			printf("Wrong sort argument: %%s %s\n", arg);
			exit(255);
		}
		env.sort = s;
		break;
	case K_STORAGE:
		bct_stack_arg_int(state, "--stack-storage-size", arg, true, 1 << 24, &v);
		env.storage = v;
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
	.shared = { .pid = 'p', .tid = 't' },
};

/* --- attach methods: every program in bpf-src/klockstat.bpf.c ----------------------------- */

#define APPROX "contended waits only, all lock types; no hold times"

static const struct bct_method methods[] = {
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("kls_begin_btf", "tp_btf/contention_begin"),
			     BCT_PROG("kls_end_btf", "tp_btf/contention_end")),
	  .approx = APPROX },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("kls_begin_tp", "tracepoint/lock/contention_begin"),
			     BCT_PROG("kls_end_tp", "tracepoint/lock/contention_end")),
	  .approx = APPROX },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "lock contention", methods, false }, { NULL } };

const struct bct_needs needs_klockstat = {
	.src_name = "klockstat.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

static int add_defines(struct bct_prog *p, void *ctx)
{
	(void)ctx;
	return bct_prog__define(p, "BCT_STACK_STORAGE", "%" PRIu64, env.storage);
}

/* --- output ------------------------------------------------------------------------------- */

/*
 * The frames of the lock primitives themselves, above the caller: BCC's stack starts at
 * mutex_lock(), the tracepoint's inside the slow path of whichever lock it is.
 */
static bool lock_frame(const char *name)
{
	static const char *const prefixes[] = {
		"__mutex_lock",
		"mutex_lock",
		"__ww_mutex",
		"ww_mutex_lock",
		"__rt_mutex",
		"rt_mutex",
		"rwsem_down",
		"__rwsem",
		"down_read",
		"down_write",
		"__down",
		"down",
		"_raw_spin_lock",
		"_raw_read_lock",
		"_raw_write_lock",
		"queued_spin_lock",
		"queued_read_lock",
		"queued_write_lock",
		"native_queued_spin_lock",
		"__pv_queued_spin_lock",
		"percpu_down",
		"__percpu_down",
		"osq_lock",
		"rtlock_slowlock",
		"rt_spin_lock",
		"__rt_spin_lock",
	};
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

struct row {
	int64_t id;
	struct klockstat_stat st;
};

static int by_field(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	uint64_t va, vb;

	switch (env.sort) {
	case SORT_TOTAL:
		va = a->st.total_ns, vb = b->st.total_ns;
		break;
	case SORT_COUNT:
		va = a->st.count, vb = b->st.count;
		break;
	default:
		va = a->st.max_ns, vb = b->st.max_ns;
	}
	if (va != vb)
		return va > vb ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

struct report {
	struct bct_stacks st;
	uint64_t missing;
	bool enomem;
};

static void display(struct bct_session *s, struct report *r)
{
	int fd = bct_prog__map_fd(s->prog, "stats");
	struct row *rows = calloc(KLOCKSTAT_MAX_STACKS, sizeof(*rows));
	uint64_t ips[BCT_STACK_MAX_DEPTH];
	char caller[256], frame[256];
	int64_t key, next;
	size_t n = 0, i, shown = 0;
	int err, nf, c, k;

	if (!rows)
		return;
	for (err = bpf_map_get_next_key(fd, NULL, &next); !err && n < KLOCKSTAT_MAX_STACKS;
	     err = bpf_map_get_next_key(fd, &key, &next)) {
		key = next;
		if (bpf_map_lookup_elem(fd, &key, &rows[n].st) || !rows[n].st.count)
			continue;
		rows[n++].id = key;
	}
	qsort(rows, n, sizeof(*rows), by_field);
	for (i = 0; i < n && shown < env.locks; i++) {
		const struct klockstat_stat *st = &rows[i].st;

		shown++;
		nf = 0;
		c = 0;
		if (rows[i].id < 0) {
			if (rows[i].id != -EFAULT)
				r->missing++;
			if (rows[i].id == -ENOMEM)
				r->enomem = true;
			snprintf(caller, sizeof(caller), "[Missed Kernel Stack]");
		} else {
			nf = bct_stack_read_kernel(r->st.map_fd, r->st.ksyms, (int32_t)rows[i].id,
						   ips, BCT_STACK_MAX_DEPTH);
			if (nf < 0)
				nf = 0;
			for (c = 0; c < nf; c++) {
				const struct bct_ksym *ks = bct_ksyms_find(r->st.ksyms, ips[c]);

				if (!ks || !lock_frame(ks->name))
					break;
			}
			if (c >= nf)
				c = nf ? nf - 1 : 0;
			if (nf)
				bct_ksyms_name(r->st.ksyms, ips[c], true, caller, sizeof(caller));
			else
				snprintf(caller, sizeof(caller), "[unknown]");
			if (env.caller && strncmp(caller, env.caller, strlen(env.caller)))
				continue;
		}
		if (env.kit.common.json) {
			struct bct_json j;

			bct_json_begin(&j, stdout);
			bct_json_str(&j, "caller", caller);
			bct_json_uint(&j, "avg_spin", st->total_ns / st->count);
			bct_json_uint(&j, "count", st->count);
			bct_json_uint(&j, "max_spin", st->max_ns);
			bct_json_uint(&j, "total_spin", st->total_ns);
			bct_json_arr_open(&j, "stack");
			for (k = c; k < nf; k++) {
				bct_ksyms_name(r->st.ksyms, ips[k], true, frame, sizeof(frame));
				bct_json_str(&j, NULL, frame);
			}
			bct_json_arr_close(&j);
			bct_json_end(&j);
			continue;
		}
		printf("%40s %10" PRIu64 " %6" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n", caller,
		       (uint64_t)(st->total_ns / st->count), (uint64_t)st->count,
		       (uint64_t)st->max_ns, (uint64_t)st->total_ns);
		/* BCC's stack[2:STACKS]: the frames below the caller, STACKS - 2 of them */
		for (k = c + 1; k < nf && (uint64_t)(k - c) + 1 < env.stacks; k++) {
			bct_ksyms_name(r->st.ksyms, ips[k], true, frame, sizeof(frame));
			printf("%40s\n", frame);
		}
	}
	free(rows);
}

static void clear_map(int fd, size_t key_sz)
{
	char key[8], next[8];
	int err;

	for (err = bpf_map_get_next_key(fd, NULL, next); !err;
	     err = bpf_map_get_next_key(fd, NULL, next)) {
		memcpy(key, next, key_sz);
		if (bpf_map_delete_elem(fd, key))
			break;
	}
}

int cmd_klockstat(int argc, char **argv)
{
	struct bct_session s = { .add_defines = add_defines };
	struct bct_stack_fmt fmt = { .kernel_only = true };
	struct report r = { 0 };
	uint64_t seconds = 99999999;
	bool exiting;
	int rc, err;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_klockstat, NULL))
		return 1;
	if (env.kit.common.ebpf) {
		err = bct_session__print_source(&s);
		bct_session__stop(&s);
		return err ? 1 : 0;
	}
	err = bct_session__start(&s);
	if (!err)
		err = bct_session__go(&s);
	if (!err)
		err = bct_stacks_init(&r.st, &fmt, bct_prog__map_fd(s.prog, "stack_traces"));
	if (err) {
		bct_session__stop(&s);
		return err == -EINTR && bct_exiting ? 0 : 1;
	}
	if (!env.kit.common.json)
		printf("Tracing lock events... Hit Ctrl-C to end.\n");
	fflush(stdout);
	/* as BCC: -d ends after one report; otherwise reports until Ctrl-C */
	exiting = env.have_duration && env.duration;
	if (env.have_interval && env.interval)
		seconds = env.interval;
	if (env.have_duration && env.duration)
		seconds = env.duration;
	for (;;) {
		bct_stack_wait(seconds * 1000);
		if (bct_exiting)
			exiting = true;
		if (!env.kit.common.json)
			printf("\n%40s %10s %6s %10s %10s\n", "Caller", "Avg Spin", "Count",
			       "Max spin", "Total spin");
		display(&s, &r);
		if (!env.kit.common.json)
			printf("\n%40s %10s %6s %10s %10s\n", "Caller", "Avg Hold", "Count",
			       "Max hold", "Total hold");
		if (fflush(stdout) == EOF)
			break;
		if (exiting)
			break;
		clear_map(bct_prog__map_fd(s.prog, "stats"), sizeof(int64_t));
		clear_map(r.st.map_fd, sizeof(uint32_t));
	}
	if (r.missing)
		fprintf(stderr,
			"WARNING: %" PRIu64 " stack traces lost and could not be displayed.%s\n",
			r.missing, r.enomem ? " Consider increasing --stack-storage-size." : "");
	bct_stacks_free(&r.st);
	bct_session__stop(&s);
	return 0;
}
