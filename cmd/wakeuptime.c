// SPDX-License-Identifier: Apache-2.0
/*
 * wakeuptime: summarize the time threads spend blocked by the kernel stack of the thread that
 * woke them, with the waker's and the target's command names, printed at the end as BCC does
 * (text, folded, or --json).
 *
 * Interface of BCC's wakeuptime by Brendan Gregg; written anew, with --json. The kernel sums
 * the microseconds per (waker kernel stack, waker, target) (bpf-src/wakeuptime.bpf.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <linux/types.h>

#include "cmd.h"
#include "flame.h"
#include "json.h"
#include "log.h"
#include "prog.h"
#include "signals.h"
#include "stack.h"
#include "stackopts.h"
#include "tool.h"
#include "wakeuptime.h"

static struct wakeup_env {
	struct bct_env kit; /* --json... */
	bool user_only;
	bool have_pid;
	uint64_t pid;
	bool verbose;
	struct bct_stackopts so;
} env = { .so = BCT_STACKOPTS_INIT };

static const struct bct_opt opts[] = {
	BCT_FLAG('u', "useronly", &env.user_only, "user threads only (no kernel threads)"),
	BCT_CUSTOM('p', "pid", "PID", "trace this PID only"),
	BCT_FLAG('v', "verbose", &env.verbose, "show raw addresses"),
	BCT_STACKOPTS_OUTPUT(&env.so),
	BCT_STACKOPTS_LIMITS,
	{ 0 },
};

static const char doc[] = "Summarize sleep to wakeup time by waker kernel stack\n"
			  "\v"
			  "examples:\n"
			  "    wakeuptime             # trace blocked time with waker stacks\n"
			  "    wakeuptime 5           # trace for 5 seconds only\n"
			  "    wakeuptime -f 5        # 5 seconds, and output in folded format\n"
			  "    wakeuptime -u          # don't include kernel threads (user only)\n"
			  "    wakeuptime -p 185      # trace for PID 185 only\n"
			  "    wakeuptime --json 5    # one JSON object per waker stack\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		bct_stack_arg_int(state, "-p/--pid", arg, false, UINT32_MAX, &env.pid);
		/* BCC tests "if args.pid": -p 0 is no filter */
		env.have_pid = env.pid != 0;
		break;
	case ARGP_KEY_END:
		if (env.have_pid && env.user_only)
			argp_error(state, "use either -p or -u.");
		break;
	default:
		return bct_stackopts_parse(&env.so, false, key, arg, state);
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[duration]",
	.doc = doc,
};

/* --- attach methods: every program in bpf-src/wakeuptime.bpf.c ---------------------------- */

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("offcpu_kprobe", "kprobe/schedule"),
			     BCT_PROG("waker_kprobe", "kprobe/try_to_wake_up")) },
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("offcpu_btf", "tp_btf/sched_switch"),
			     BCT_PROG("waker_btf", "tp_btf/sched_waking")) },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("offcpu_raw", "raw_tp/sched_switch"),
			     BCT_PROG("waker_raw", "raw_tp/sched_waking")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "context switches and wakeups", methods, false },
					 { NULL } };

const struct bct_needs needs_wakeuptime = {
	.src_name = "wakeuptime.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err;

	(void)ctx;
	err = bct_prog__define(p, "BCT_STACK_STORAGE", "%" PRIu64, env.so.storage);
	err = err ?: bct_prog__define(p, "WAKEUP_MIN_US", "%" PRIu64 "ULL", env.so.min_us);
	err = err ?: bct_prog__define(p, "WAKEUP_MAX_US", "%" PRIu64 "ULL", env.so.max_us);
	if (env.have_pid)
		err = err ?: bct_prog__define(p, "WAKEUP_TGID", "%" PRIu64, env.pid);
	else if (env.user_only)
		err = err ?: bct_prog__define(p, "WAKEUP_USER_ONLY", NULL);
	return err;
}

/* --- output ------------------------------------------------------------------------------- */

struct rec {
	struct wakeup_key key;
	uint64_t us;
};

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return x->us < y->us ? -1 : x->us > y->us;
}

static struct bct_flame *flame; /* --svg's */
static bool flame_err;

/* The folded layout's frames into the flame graph: waker;frames leaf first;target. */
static void add_flame(const struct rec *r, struct bct_ksyms *ksyms, const uint64_t *ips, int n)
{
	static char names[BCT_STACK_MAX_DEPTH][256];
	static struct bct_flame_frame fr[BCT_STACK_MAX_DEPTH + 2];
	int i, nfr = 0;

	fr[nfr++] = (struct bct_flame_frame){ r->key.waker, BCT_FLAME_PROC };
	for (i = 0; i < n; i++)
		fr[nfr++] = (struct bct_flame_frame){ bct_ksyms_name(ksyms, ips[i], false, names[i],
								     sizeof(names[i])),
						      BCT_FLAME_KERNEL };
	fr[nfr++] = (struct bct_flame_frame){ r->key.target, BCT_FLAME_PROC };
	if (bct_flame_add(flame, fr, (size_t)nfr, r->us))
		flame_err = true;
}

static void print_rec(const struct rec *r, struct bct_ksyms *ksyms, int stacks)
{
	static uint64_t ips[BCT_STACK_MAX_DEPTH];
	char name[256];
	struct bct_json j;
	int n = 0, i;

	/* BCC leaves out the leaf frame: try_to_wake_up itself */
	if (r->key.w_k_stack_id >= 0)
		n = bct_stack_read_kernel(stacks, ksyms, r->key.w_k_stack_id, ips,
					  BCT_STACK_MAX_DEPTH);
	if (n > 0) {
		memmove(ips, ips + 1, (size_t)(n - 1) * sizeof(ips[0]));
		n--;
	}
	if (flame)
		add_flame(r, ksyms, ips, n);
	if (env.kit.common.json) {
		bct_json_begin(&j, stdout);
		bct_json_str(&j, "waker", r->key.waker);
		bct_json_str(&j, "target", r->key.target);
		bct_json_arr_open(&j, "waker_kernel_stack");
		for (i = n - 1; i >= 0; i--)
			bct_json_str(&j, NULL,
				     bct_ksyms_name(ksyms, ips[i], false, name, sizeof(name)));
		bct_json_arr_close(&j);
		bct_json_uint(&j, "total_us", r->us);
		bct_json_end(&j);
	} else if (env.so.folded) {
		/* waker;frames leaf first;target */
		fputs(r->key.waker, stdout);
		for (i = 0; i < n; i++)
			printf(";%s", bct_ksyms_name(ksyms, ips[i], false, name, sizeof(name)));
		printf(";%s %" PRIu64 "\n", r->key.target, r->us);
	} else {
		printf("    %-16s %s\n", "target:", r->key.target);
		for (i = n - 1; i >= 0; i--)
			printf("    %-16" PRIx64 " %s\n", ips[i],
			       bct_ksyms_name(ksyms, ips[i], false, name, sizeof(name)));
		printf("    %-16s %s\n", "waker:", r->key.waker);
		printf("        %" PRIu64 "\n\n", r->us);
	}
}

static int print_stacks(struct bct_session *s)
{
	int counts = bct_prog__map_fd(s->prog, "counts");
	int stacks = bct_prog__map_fd(s->prog, "stack_traces");
	struct wakeup_key key, next;
	struct bct_ksyms *ksyms;
	struct rec *recs;
	size_t n = 0, i;
	uint64_t missing = 0;
	int err;

	ksyms = bct_ksyms_load(NULL);
	if (!ksyms) {
		err = -errno;
		pr_err("cannot read the kernel symbols in /proc/kallsyms: %s", strerror(-err));
		return err;
	}
	recs = calloc(WAKEUP_MAX_KEYS, sizeof(*recs));
	if (!recs) {
		bct_ksyms_free(ksyms);
		pr_err("cannot read the stacks: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	if (env.so.svg) {
		flame = bct_flame_new();
		if (!flame) {
			free(recs);
			bct_ksyms_free(ksyms);
			pr_err("cannot build the flame graph for %s: %s", env.so.svg,
			       strerror(ENOMEM));
			return -ENOMEM;
		}
	}
	for (err = bpf_map_get_next_key(counts, NULL, &next); !err && n < WAKEUP_MAX_KEYS;
	     err = bpf_map_get_next_key(counts, &key, &next)) {
		key = next;
		if (bpf_map_lookup_elem(counts, &key, &recs[n].us))
			continue;
		recs[n].key = key;
		recs[n].key.waker[WAKEUP_COMM_LEN - 1] = '\0';
		recs[n].key.target[WAKEUP_COMM_LEN - 1] = '\0';
		n++;
	}
	qsort(recs, n, sizeof(*recs), cmp_rec);
	for (i = 0; i < n; i++) {
		if (recs[i].key.w_k_stack_id == -ENOMEM) {
			missing++;
			continue;
		}
		print_rec(&recs[i], ksyms, stacks);
	}
	fflush(stdout);
	if (missing)
		fprintf(stderr,
			"WARNING: %" PRIu64 " stack traces could not be displayed. Consider "
			"increasing --stack-storage-size.\n",
			missing);
	err = 0;
	if (flame && flame_err) {
		err = -ENOMEM;
		pr_err("cannot build the flame graph for %s: %s", env.so.svg, strerror(ENOMEM));
	} else if (flame) {
		struct bct_flame_opts fo = { .title = "Wakeup Time Flame Graph", .unit = "us" };

		err = bct_flame_write_file(flame, env.so.svg, &fo);
	}
	bct_flame_free(flame);
	flame = NULL;
	free(recs);
	bct_ksyms_free(ksyms);
	return err;
}

int cmd_wakeuptime(int argc, char **argv)
{
	struct bct_session s = { .add_defines = add_defines };
	bool text;
	int rc, err;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	text = !env.so.folded && !env.kit.common.json;
	if (!bct_stackopts_start(&env.so, &s, &env.kit, &needs_wakeuptime, &rc))
		return rc;
	if (text) {
		printf("Tracing blocked time (us) by kernel stack");
		bct_stackopts_head_end(&env.so);
	}
	bct_stack_wait(env.kit.duration_ms);
	if (text)
		putchar('\n');
	err = print_stacks(&s);
	if (text)
		printf("Detaching...\n");
	bct_session__stop(&s);
	return err ? 1 : 0;
}
