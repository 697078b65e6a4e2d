// SPDX-License-Identifier: Apache-2.0
/*
 * profile: sample stack traces on a timer, count them per process and stack, print them at the
 * end as BCC does (text, folded, or --json).
 *
 * Interface of BCC's profile by Brendan Gregg; written anew, with --json. A software cpu-clock
 * perf event per CPU (or on -C's CPU) runs bpf-src/profile.bpf.c, which counts each distinct
 * stack in the kernel; lib/stack.h reads and symbolizes them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/perf_event.h>
#include <linux/types.h>

#include "cmd.h"
#include "flame.h"
#include "log.h"
#include "out.h"
#include "prog.h"
#include "profile.h"
#include "signals.h"
#include "stackopts.h"
#include "stack.h"
#include "stackcounts.h"
#include "tool.h"

enum { K_STORAGE = 0x100 };

#define MAX_LIST 64

static struct profile_env {
	struct bct_env kit; /* --cgroupmap, --mntnsmap, --json... */
	uint32_t ids[MAX_LIST]; /* -p or -L */
	size_t nids;
	bool tids; /* the list is -L's */
	bool user_only;
	bool kernel_only;
	uint64_t freq;
	uint64_t period;
	bool delimited;
	bool annotate;
	bool idle;
	bool folded;
	const char *svg; /* --svg FILE */
	uint64_t storage;
	int cpu;
	uint64_t duration;
} env = { .storage = 16384, .cpu = -1 };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('p', "pid", "PID", "profile process with one or more comma separated PIDs only"),
	BCT_CUSTOM('L', "tid", "TID", "profile thread with one or more comma separated TIDs only"),
	BCT_FLAG('U', "user-stacks-only", &env.user_only,
		 "show stacks from user space only (no kernel space stacks)"),
	BCT_FLAG('K', "kernel-stacks-only", &env.kernel_only,
		 "show stacks from kernel space only (no user space stacks)"),
	BCT_CUSTOM('F', "frequency", "FREQUENCY", "sample frequency, Hertz"),
	BCT_CUSTOM('c', "count", "COUNT", "sample period, number of events"),
	BCT_FLAG('d', "delimited", &env.delimited, "insert delimiter between kernel/user stacks"),
	BCT_FLAG('a', "annotations", &env.annotate, "add _[k] annotations to kernel frames"),
	BCT_FLAG('I', "include-idle", &env.idle, "include CPU idle stacks"),
	BCT_FLAG('f', "folded", &env.folded,
		 "output folded format, one line per stack (for flame graphs)"),
	BCT_STACK_SVG_OPT(&env.svg),
	BCT_CUSTOM(K_STORAGE, "stack-storage-size", "STACK_STORAGE_SIZE",
		   "the number of unique stack traces that can be stored and displayed "
		   "(default 16384)"),
	BCT_CUSTOM('C', "cpu", "CPU", "cpu number to run profile on"),
	{ 0 },
};

static const char doc[] =
	"Profile CPU stack traces at a timed interval\n"
	"\v"
	"examples:\n"
	"    profile             # profile stack traces at 49 Hertz until Ctrl-C\n"
	"    profile -F 99       # profile stack traces at 99 Hertz\n"
	"    profile -c 1000000  # profile stack traces every 1 in a million events\n"
	"    profile 5           # profile at 49 Hertz for 5 seconds only\n"
	"    profile -f 5        # output in folded format for flame graphs\n"
	"    profile -p 185      # only profile process with PID 185\n"
	"    profile -L 185      # only profile thread with TID 185\n"
	"    profile -U          # only show user space stacks (no kernel)\n"
	"    profile -K          # only show kernel space stacks (no user)\n"
	"    profile --cgroupmap mappath  # only trace cgroups in this BPF map\n"
	"    profile --mntnsmap mappath   # only trace mount namespaces in the map\n"
	"    profile --json 5    # one JSON object per stack\n";

static void parse_list(struct argp_state *state, const char *what, char *arg)
{
	char *save = NULL, *tok;
	uint64_t v;

	env.nids = 0;
	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (env.nids == MAX_LIST)
			argp_error(state, "argument %s: at most %d IDs", what, MAX_LIST);
		bct_stack_arg_int(state, what, tok, false, UINT32_MAX, &v);
		env.ids[env.nids++] = (uint32_t)v;
	}
	if (!env.nids)
		argp_error(state, "argument %s: must be an integer", what);
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	static bool have_p, have_l, have_f, have_c, have_duration;
	uint64_t v;

	switch (key) {
	case 'p':
		if (have_l)
			argp_error(state, "argument -p/--pid: not allowed with argument -L/--tid");
		have_p = true;
		parse_list(state, "-p/--pid", arg);
		env.tids = false;
		break;
	case 'L':
		if (have_p)
			argp_error(state, "argument -L/--tid: not allowed with argument -p/--pid");
		have_l = true;
		parse_list(state, "-L/--tid", arg);
		env.tids = true;
		break;
	case 'F':
		if (have_c)
			argp_error(state,
				   "argument -F/--frequency: not allowed with argument -c/--count");
		have_f = true;
		bct_stack_arg_int(state, "-F/--frequency", arg, false, UINT32_MAX, &env.freq);
		break;
	case 'c':
		if (have_f)
			argp_error(state,
				   "argument -c/--count: not allowed with argument -F/--frequency");
		have_c = true;
		bct_stack_arg_int(state, "-c/--count", arg, false, UINT64_MAX >> 1, &env.period);
		break;
	case K_STORAGE:
		bct_stack_arg_int(state, "--stack-storage-size", arg, true, 1 << 24, &env.storage);
		break;
	case 'C': {
		char *end;
		long c;

		errno = 0;
		c = strtol(arg, &end, 10);
		if (!*arg || *end || errno || c < INT32_MIN || c > INT32_MAX)
			argp_error(state, "argument -C/--cpu: invalid int value: '%s'", arg);
		env.cpu = (int)c;
		break;
	}
	case ARGP_KEY_ARG:
		if (have_duration)
			argp_error(state, "unrecognized arguments: %s", arg);
		have_duration = true;
		bct_stack_arg_int(state, "duration", arg, true, UINT32_MAX, &v);
		env.duration = v;
		break;
	case ARGP_KEY_END:
		bct_stack_check_uk(env.user_only, env.kernel_only, state);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[duration]",
	.doc = doc,
	.shared = { .cgroupmap = true },
};

/* --- attach methods: every program in bpf-src/profile.bpf.c ------------------------------- */

static const struct bct_method methods[] = {
	{ .name = "perf_event", .progs = BCT_PROGS(BCT_PROG("do_perf_event", "perf_event")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "timed samples", methods, false }, { NULL } };

const struct bct_needs needs_profile = {
	.src_name = "profile.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err;

	(void)ctx;
	err = bct_prog__define(p, "BCT_STACK_STORAGE", "%" PRIu64, env.storage);
	if (env.nids)
		err = err ?: bct_prog__define(p, env.tids ? "PROFILE_TIDS" : "PROFILE_PIDS", NULL);
	if (env.idle)
		err = err ?: bct_prog__define(p, "PROFILE_IDLE", NULL);
	if (env.user_only)
		err = err ?: bct_prog__define(p, "BCT_STACK_NO_KERNEL", NULL);
	if (env.kernel_only)
		err = err ?: bct_prog__define(p, "BCT_STACK_NO_USER", NULL);
	return err;
}

/* The online CPUs ("0-3,5"): online[cpu] for cpu < *n. 0 or -errno. */
static int online_cpus(bool **online, int *n)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
	char buf[4096], *p, *end;
	long a, b, i;

	*online = NULL;
	*n = 0;
	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	for (p = buf; *p && *p != '\n';) {
		a = strtol(p, &end, 10);
		if (end == p || a < 0 || a > 65535)
			return -EINVAL;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a || b > 65535)
				return -EINVAL;
		}
		if (b >= *n) {
			bool *grown = realloc(*online, (b + 1) * sizeof(bool));

			if (!grown) {
				free(*online);
				*online = NULL;
				return -ENOMEM;
			}
			memset(grown + *n, 0, (b + 1 - *n) * sizeof(bool));
			*online = grown;
			*n = (int)b + 1;
		}
		for (i = a; i <= b; i++)
			(*online)[i] = true;
		p = *end == ',' ? end + 1 : end;
	}
	return *n ? 0 : -EINVAL;
}

/* One software cpu-clock event per CPU (or on -C's), each running the program. */
static int attach_cpus(struct bct_prog *p)
{
	struct bpf_program *prog =
		bpf_object__find_program_by_name(bct_prog__object(p), "do_perf_event");
	int cpu, fd, err, attached = 0;
	bool *online = NULL;
	int nonline = 0;

	if (!prog)
		return -ENOENT;
	err = online_cpus(&online, &nonline);
	if (err) {
		pr_err("cannot read the online CPUs: %s", strerror(-err));
		return err;
	}
	if (env.cpu >= 0 && (env.cpu >= nonline || !online[env.cpu])) {
		pr_err("cannot profile CPU %d: no such CPU online", env.cpu);
		free(online);
		return -EINVAL;
	}
	for (cpu = 0; cpu < nonline; cpu++) {
		struct perf_event_attr attr = {
			.type = PERF_TYPE_SOFTWARE,
			.config = PERF_COUNT_SW_CPU_CLOCK,
			.size = sizeof(attr),
		};
		struct bpf_link *link;

		if (!online[cpu] || (env.cpu >= 0 && cpu != env.cpu))
			continue;
		if (env.period) {
			attr.sample_period = env.period;
		} else {
			attr.freq = 1;
			attr.sample_freq = env.freq;
		}
		fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
		if (fd < 0) {
			err = -errno;
			pr_err("cannot open a cpu-clock perf event on CPU %d: %s", cpu,
			       strerror(-err));
			free(online);
			return err;
		}
		link = bpf_program__attach_perf_event(prog, fd);
		if (!link) {
			err = -errno;
			close(fd);
			pr_err("cannot attach to the perf event of CPU %d: %s", cpu,
			       strerror(-err));
			free(online);
			return err;
		}
		err = bct_prog__add_link(p, link);
		if (err) {
			free(online);
			return err;
		}
		attached++;
	}
	free(online);
	return attached ? 0 : -ENODEV;
}

static int after_load(struct bct_prog *p, void *ctx)
{
	int fd, err;
	size_t i;
	uint8_t one = 1;

	(void)ctx;
	if (env.nids) {
		fd = bct_prog__map_fd(p, "ids");
		for (i = 0; i < env.nids; i++) {
			if (bpf_map_update_elem(fd, &env.ids[i], &one, BPF_ANY)) {
				err = -errno;
				pr_err("cannot set the ID filter: %s", strerror(-err));
				return err;
			}
		}
	}
	return attach_cpus(p);
}

/* --- output ------------------------------------------------------------------------------- */

/* Loads the kernel symbols while the tool samples, not once it stops. */
static int stacks_init(struct bct_session *s, struct bct_stacks *st)
{
	struct bct_stack_fmt fmt = {
		.user_only = env.user_only,
		.kernel_only = env.kernel_only,
		.delimited = env.delimited,
		.annotate = env.annotate,
		.folded = env.folded,
		.svg = env.svg,
		.svg_title = "CPU Flame Graph",
		.svg_unit = "samples",
		.json = env.kit.common.json,
		.value_key = "count",
	};

	return bct_stacks_init(st, &fmt, bct_prog__map_fd(s->prog, "stack_traces"));
}

static void key_to_rec(void *key, uint64_t value, struct bct_stack_rec *r)
{
	struct profile_key *k = key;

	k->comm[PROFILE_COMM_LEN - 1] = '\0';
	*r = (struct bct_stack_rec){
		.comm = k->comm,
		.pid = k->pid,
		.sym_pid = k->pid,
		.user_id = k->user_stack_id,
		.kernel_id = k->kernel_stack_id,
		.kernel_ip = k->kernel_ip,
		.value = value,
	};
}

static int print_stacks(struct bct_stack_counts *c, struct bct_stacks *st)
{
	int err = bct_stack_counts_print(c, st);

	if (st->missing)
		fprintf(stderr, "WARNING: %" PRIu64 " stack traces could not be displayed.%s\n",
			st->missing,
			st->eexist ? " Consider increasing --stack-storage-size." : "");
	return err;
}

int cmd_profile(int argc, char **argv)
{
	struct bct_stacks st;
	struct bct_stack_counts counts;
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	char what[64];
	int rc, err;
	size_t i;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (!env.freq && !env.period)
		env.freq = 49;
	env.kit.duration_ms = env.duration * 1000;
	if (!bct_stack_tool_start(&s, &env.kit, &needs_profile, env.svg, &rc))
		return rc;
	if (stacks_init(&s, &st)) {
		bct_session__stop(&s);
		return 1;
	}
	if (bct_stack_counts_init(&counts, bct_prog__map_fd(s.prog, "counts"),
				  sizeof(struct profile_key), PROFILE_MAX_KEYS, key_to_rec)) {
		bct_stacks_free(&st);
		bct_session__stop(&s);
		return 1;
	}
	bct_out__bulk_stdout();
	if (!env.folded && !env.kit.common.json) {
		if (!env.nids) {
			snprintf(what, sizeof(what), "all threads");
		} else {
			size_t len = snprintf(what, sizeof(what), "%s [", env.tids ? "TID" : "PID");

			for (i = 0; i < env.nids && len < sizeof(what); i++)
				len += snprintf(what + len, sizeof(what) - len, "%s%" PRIu32,
						i ? ", " : "", env.ids[i]);
			if (len < sizeof(what))
				snprintf(what + len, sizeof(what) - len, "]");
		}
		if (env.freq)
			printf("Sampling at %" PRIu64 " Hertz", env.freq);
		else
			printf("Sampling at every %" PRIu64 " events", env.period);
		printf(" of %s by %s stack", what,
		       env.user_only	 ? "user"
		       : env.kernel_only ? "kernel"
					 : "user + kernel");
		if (env.cpu >= 0)
			printf(" on CPU#%d", env.cpu);
		if (env.duration)
			printf(" for %" PRIu64 " secs.\n", env.duration);
		else
			printf("... Hit Ctrl-C to end.\n");
		fflush(stdout);
	}
	/* while it samples: the stop is only reading and printing the stacks */
	bct_prog__store_core(s.prog);
	bct_stack_counts_wait(&counts, &st, env.kit.duration_ms);
	if (!env.folded && !env.kit.common.json)
		putchar('\n');
	err = print_stacks(&counts, &st);
	bct_stack_counts_free(&counts);
	bct_stacks_free(&st);
	bct_session__stop(&s);
	return err ? 1 : 0;
}
