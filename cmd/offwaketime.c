// SPDX-License-Identifier: Apache-2.0
/*
 * offwaketime: summarize the time threads spend blocked by their off-CPU stack and the stack
 * of the thread that woke them, printed at the end as BCC does (text, folded, or --json).
 *
 * Interface of BCC's offwaketime by Brendan Gregg; written anew, with --json. The kernel sums
 * the microseconds per (target, its stacks, waker, its stacks) (bpf-src/offwaketime.bpf.c).
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
#include "offwaketime.h"
#include "flame.h"
#include "prog.h"
#include "signals.h"
#include "stack.h"
#include "stackopts.h"
#include "tool.h"

static struct offwake_env {
	struct bct_env kit; /* --json... */
	uint64_t ids[OFFWAKE_MAX_IDS]; /* -p or -t */
	int n_ids;
	struct bct_stackopts so;
} env = { .so = BCT_STACKOPTS_INIT };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('p', "pid", "PIDS",
		   "trace these PIDS only. Can be a comma separated list of PIDS."),
	BCT_CUSTOM('t', "tid", "TIDS",
		   "trace these TIDS only. Can be a comma separated list of TIDS."),
	BCT_STACKOPTS_THREADS(&env.so),
	BCT_STACKOPTS_OUTPUT(&env.so),
	BCT_STACKOPTS_LIMITS,
	BCT_STACKOPTS_STATE,
	{ 0 },
};

static const char doc[] =
	"Summarize blocked time by kernel stack trace + waker stack\n"
	"\v"
	"examples:\n"
	"    offwaketime             # trace off-CPU + waker stack time until Ctrl-C\n"
	"    offwaketime 5           # trace for 5 seconds only\n"
	"    offwaketime -f 5        # 5 seconds, and output in folded format\n"
	"    offwaketime -m 1000     # trace only events that last more than 1000 usec\n"
	"    offwaketime -M 9000     # trace only events that last less than 9000 usec\n"
	"    offwaketime -p 185      # only trace threads for PID 185\n"
	"    offwaketime -t 188      # only trace thread 188\n"
	"    offwaketime -u          # only trace user threads (no kernel)\n"
	"    offwaketime -k          # only trace kernel threads (no user)\n"
	"    offwaketime -U          # only show user space stacks (no kernel)\n"
	"    offwaketime -K          # only show kernel space stacks (no user)\n"
	"    offwaketime --json 5    # one JSON object per target and waker stack pair\n";

/* BCC's list of up to 5 IDs: "185" or "185,186"; the ones after the fifth are ignored. */
static void parse_ids(struct argp_state *state, const char *what, char *arg)
{
	char *save = NULL, *tok;

	env.n_ids = 0;
	for (tok = strtok_r(arg, ",", &save); tok && env.n_ids < OFFWAKE_MAX_IDS;
	     tok = strtok_r(NULL, ",", &save))
		bct_stack_arg_int(state, what, tok, false, UINT32_MAX, &env.ids[env.n_ids++]);
	if (!env.n_ids)
		bct_stack_arg_int(state, what, "", false, UINT32_MAX, &env.ids[0]);
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		bct_stackopts_exclusive(&env.so, 'p', state);
		parse_ids(state, "-p/--pid", arg);
		env.so.have_tgid = true;
		break;
	case 't':
		bct_stackopts_exclusive(&env.so, 't', state);
		parse_ids(state, "-t/--tid", arg);
		env.so.have_pid = true;
		break;
	default:
		return bct_stackopts_parse(&env.so, true, key, arg, state);
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[duration]",
	.doc = doc,
};

/* --- attach methods: every program in bpf-src/offwaketime.bpf.c ---------------------------- */

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("oncpu_kprobe", "kprobe/finish_task_switch.isra.0"),
			     BCT_PROG("waker_kprobe", "kprobe/try_to_wake_up")) },
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("oncpu_btf", "tp_btf/sched_switch"),
			     BCT_PROG("waker_btf", "tp_btf/sched_waking")),
	  .approx = "target kernel stacks end at __schedule, not finish_task_switch" },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("oncpu_raw", "raw_tp/sched_switch"),
			     BCT_PROG("waker_raw", "raw_tp/sched_waking")),
	  .approx = "target kernel stacks end at __schedule, not finish_task_switch" },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "context switches and wakeups", methods, false },
					 { NULL } };

const struct bct_needs needs_offwaketime = {
	.src_name = "offwaketime.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	char list[OFFWAKE_MAX_IDS * 12] = "";
	size_t off = 0;
	int err, i;

	(void)ctx;
	for (i = 0; i < env.n_ids; i++)
		off += snprintf(list + off, sizeof(list) - off, "%s%" PRIu64, i ? "," : "",
				env.ids[i]);
	err = bct_prog__define(p, "BCT_STACK_STORAGE", "%" PRIu64, env.so.storage);
	err = err ?: bct_prog__define(p, "OFFWAKE_MIN_US", "%" PRIu64 "ULL", env.so.min_us);
	err = err ?: bct_prog__define(p, "OFFWAKE_MAX_US", "%" PRIu64 "ULL", env.so.max_us);
	if (env.so.have_tgid)
		err = err ?: bct_prog__define(p, "OFFWAKE_TGIDS", "%s", list);
	else if (env.so.have_pid)
		err = err ?: bct_prog__define(p, "OFFWAKE_PIDS", "%s", list);
	else if (env.so.user_threads)
		err = err ?: bct_prog__define(p, "OFFWAKE_USER_THREADS", NULL);
	else if (env.so.kernel_threads)
		err = err ?: bct_prog__define(p, "OFFWAKE_KERNEL_THREADS", NULL);
	if (env.so.have_state)
		err = err ?: bct_prog__define(p, "OFFWAKE_STATE", "%" PRIu64, env.so.state);
	if (env.so.user_only)
		err = err ?: bct_prog__define(p, "BCT_STACK_NO_KERNEL", NULL);
	if (env.so.kernel_only)
		err = err ?: bct_prog__define(p, "BCT_STACK_NO_USER", NULL);
	return err;
}

/* --- output ------------------------------------------------------------------------------- */

struct rec {
	struct offwake_key key;
	uint64_t us;
};

/* The most frames of a folded line: four stacks, two names, three delimiters. */
#define OUT_FRAMES (4 * BCT_STACK_MAX_DEPTH + 5)

/* One stack's symbolized frames, leaf first. */
struct frames {
	char name[BCT_STACK_MAX_DEPTH][256];
	int n;
};

struct out {
	struct bct_ksyms *ksyms;
	struct bct_usyms *usyms;
	int stacks;
	uint64_t missing;
	bool enomem;
	struct frames wk, wu, tk, tu;
	struct bct_flame_frame fr[OUT_FRAMES]; /* the folded layout's */
	size_t nfr;
	char missed[48];
	struct bct_flame *flame; /* --svg's */
};

/* A stack id the kernel failed to fill (-EFAULT: there was no such stack, not a miss). */
static bool id_err(int32_t id)
{
	return id < 0 && id != -EFAULT;
}

/* Stack id's frames, leaf first; drop_leaf leaves out the first one (the waker's). */
static void frames_get(struct out *o, int32_t id, bool kernel, uint32_t tgid, bool drop_leaf,
		       struct frames *f)
{
	uint64_t ips[BCT_STACK_MAX_DEPTH];
	int n, i, first = drop_leaf ? 1 : 0;

	f->n = 0;
	if (id < 0)
		return;
	if (kernel)
		n = bct_stack_read_kernel(o->stacks, o->ksyms, id, ips, BCT_STACK_MAX_DEPTH);
	else
		n = bct_stack_read(o->stacks, id, ips, BCT_STACK_MAX_DEPTH);
	for (i = first; i < n; i++) {
		if (kernel)
			bct_ksyms_name(o->ksyms, ips[i], false, f->name[f->n], 256);
		else
			bct_usyms_name(o->usyms, (pid_t)tgid, ips[i], false, f->name[f->n], 256);
		f->n++;
	}
}

static void count_missing(struct out *o, int32_t id)
{
	if (id_err(id))
		o->missing++;
	o->enomem |= id == -ENOMEM;
}

static void json_frames(struct bct_json *j, const char *key, const struct frames *f, int32_t id,
			const char *missed)
{
	int i;

	bct_json_arr_open(j, key);
	if (id_err(id))
		bct_json_str(j, NULL, missed);
	else
		for (i = 0; i < f->n; i++)
			bct_json_str(j, NULL, f->name[i]);
	bct_json_arr_close(j);
}

static void print_json(struct out *o, const struct rec *r)
{
	const struct offwake_key *k = &r->key;
	struct bct_json j;

	bct_json_begin(&j, stdout);
	bct_json_str(&j, "target", k->target);
	bct_json_uint(&j, "pid", k->t_tgid);
	bct_json_uint(&j, "tid", k->t_pid);
	if (!env.so.user_only)
		json_frames(&j, "target_kernel_stack", &o->tk, k->t_k_stack_id,
			    "[Missed Kernel Stack]");
	if (!env.so.kernel_only)
		json_frames(&j, "target_user_stack", &o->tu, k->t_u_stack_id,
			    "[Missed User Stack]");
	bct_json_str(&j, "waker", k->waker);
	bct_json_uint(&j, "waker_pid", k->w_tgid);
	bct_json_uint(&j, "waker_tid", k->w_pid);
	if (!env.so.user_only)
		json_frames(&j, "waker_kernel_stack", &o->wk, k->w_k_stack_id,
			    "[Missed Kernel Stack]");
	if (!env.so.kernel_only)
		json_frames(&j, "waker_user_stack", &o->wu, k->w_u_stack_id, "[Missed User Stack]");
	bct_json_uint(&j, "total_us", r->us);
	bct_json_end(&j);
}

/* The folded layout's frames, into o->fr: also the flame graph's. */
static void push(struct out *o, const char *name, enum bct_flame_kind kind)
{
	if (o->nfr < OUT_FRAMES)
		o->fr[o->nfr++] = (struct bct_flame_frame){ name, kind };
}

/* target;user root first;-;kernel root first;--;waker kernel leaf first;-;user;waker */
static void folded_frames(struct out *o, const struct rec *r, bool delim)
{
	const struct offwake_key *k = &r->key;
	int i;

	o->nfr = 0;
	push(o, k->target, BCT_FLAME_PROC);
	if (!env.so.kernel_only) {
		if (id_err(k->t_u_stack_id)) {
			snprintf(o->missed, sizeof(o->missed), "[Missed User Stack] %" PRId32,
				 k->t_u_stack_id);
			push(o, o->missed, BCT_FLAME_OTHER);
		} else {
			for (i = o->tu.n - 1; i >= 1; i--)
				push(o, o->tu.name[i], BCT_FLAME_USER);
		}
	}
	if (!env.so.user_only) {
		if (delim && k->t_k_stack_id >= 0 && k->t_u_stack_id >= 0)
			push(o, "-", BCT_FLAME_SEP);
		if (id_err(k->t_k_stack_id))
			push(o, "[Missed Kernel Stack]", BCT_FLAME_OTHER);
		else
			for (i = o->tk.n - 1; i >= 1; i--)
				push(o, o->tk.name[i], BCT_FLAME_KERNEL);
	}
	push(o, "--", BCT_FLAME_SEP);
	if (!env.so.user_only) {
		if (id_err(k->w_k_stack_id))
			push(o, "[Missed Kernel Stack]", BCT_FLAME_OTHER);
		else
			for (i = 0; i < o->wk.n; i++)
				push(o, o->wk.name[i], BCT_FLAME_KERNEL);
	}
	if (!env.so.kernel_only) {
		if (delim && k->w_u_stack_id >= 0 && k->w_k_stack_id >= 0)
			push(o, "-", BCT_FLAME_SEP);
		if (id_err(k->w_u_stack_id))
			push(o, "[Missed User Stack]", BCT_FLAME_OTHER);
		else
			for (i = 0; i < o->wu.n; i++)
				push(o, o->wu.name[i], BCT_FLAME_USER);
	}
	push(o, k->waker, BCT_FLAME_PROC);
}

static void print_folded(struct out *o, const struct rec *r)
{
	size_t i;

	fputs(o->fr[0].name, stdout);
	for (i = 1; i < o->nfr; i++)
		printf(";%s", o->fr[i].name);
	printf(" %" PRIu64 "\n", r->us);
}

static void print_text(struct out *o, const struct rec *r, bool delim)
{
	const struct offwake_key *k = &r->key;
	int i;

	printf("    %-16s %s %" PRIu32 "\n", "waker:", k->waker, k->w_pid);
	if (!env.so.kernel_only) {
		if (id_err(k->w_u_stack_id))
			printf("    [Missed User Stack] %" PRId32 "\n", k->w_u_stack_id);
		else
			for (i = o->wu.n - 1; i >= 0; i--)
				printf("    %s\n", o->wu.name[i]);
	}
	if (!env.so.user_only) {
		if (delim && k->w_u_stack_id >= 0 && k->w_k_stack_id >= 0)
			printf("    -\n");
		if (id_err(k->w_k_stack_id))
			printf("    [Missed Kernel Stack]\n");
		else
			for (i = o->wk.n - 1; i >= 0; i--)
				printf("    %s\n", o->wk.name[i]);
	}
	printf("    %-16s %s\n", "--", "--");
	if (!env.so.user_only) {
		if (id_err(k->t_k_stack_id))
			printf("    [Missed Kernel Stack]\n");
		else
			for (i = 0; i < o->tk.n; i++)
				printf("    %s\n", o->tk.name[i]);
	}
	if (!env.so.kernel_only) {
		if (delim && k->t_u_stack_id >= 0 && k->t_k_stack_id >= 0)
			printf("    -\n");
		if (id_err(k->t_u_stack_id))
			printf("    [Missed User Stack]\n");
		else
			for (i = 0; i < o->tu.n; i++)
				printf("    %s\n", o->tu.name[i]);
	}
	printf("    %-16s %s %" PRIu32 "\n", "target:", k->target, k->t_pid);
	printf("        %" PRIu64 "\n\n", r->us);
}

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return x->us < y->us ? -1 : x->us > y->us;
}

static int print_stacks(struct bct_session *s)
{
	bool delim = env.so.delimited && !env.so.kernel_only && !env.so.user_only;
	int counts = bct_prog__map_fd(s->prog, "counts");
	struct offwake_key key, next;
	struct rec *recs = NULL;
	struct out *o;
	size_t n = 0, i;
	int err = 0;

	o = calloc(1, sizeof(*o));
	recs = calloc(OFFWAKE_MAX_KEYS, sizeof(*recs));
	if (!o || !recs) {
		err = -ENOMEM;
		pr_err("cannot read the stacks: %s", strerror(ENOMEM));
		goto out;
	}
	o->stacks = bct_prog__map_fd(s->prog, "stack_traces");
	if (env.so.svg) {
		o->flame = bct_flame_new();
		if (!o->flame) {
			err = -ENOMEM;
			pr_err("cannot build the flame graph for %s: %s", env.so.svg,
			       strerror(ENOMEM));
			goto out;
		}
	}
	o->usyms = bct_usyms_new();
	if (!env.so.user_only) {
		o->ksyms = bct_ksyms_load(NULL);
		if (!o->ksyms) {
			err = -errno;
			pr_err("cannot read the kernel symbols in /proc/kallsyms: %s",
			       strerror(-err));
			goto out;
		}
	}
	for (err = bpf_map_get_next_key(counts, NULL, &next); !err && n < OFFWAKE_MAX_KEYS;
	     err = bpf_map_get_next_key(counts, &key, &next)) {
		key = next;
		if (bpf_map_lookup_elem(counts, &key, &recs[n].us))
			continue;
		recs[n].key = key;
		recs[n].key.waker[OFFWAKE_COMM_LEN - 1] = '\0';
		recs[n].key.target[OFFWAKE_COMM_LEN - 1] = '\0';
		n++;
	}
	err = 0;
	qsort(recs, n, sizeof(*recs), cmp_rec);
	for (i = 0; i < n; i++) {
		const struct offwake_key *k = &recs[i].key;

		if (!env.so.user_only) {
			count_missing(o, k->w_k_stack_id);
			count_missing(o, k->t_k_stack_id);
			frames_get(o, k->w_k_stack_id, true, 0, true, &o->wk);
			frames_get(o, k->t_k_stack_id, true, 0, false, &o->tk);
		}
		if (!env.so.kernel_only) {
			count_missing(o, k->w_u_stack_id);
			count_missing(o, k->t_u_stack_id);
			frames_get(o, k->w_u_stack_id, false, k->w_tgid, true, &o->wu);
			frames_get(o, k->t_u_stack_id, false, k->t_tgid, false, &o->tu);
		}
		if (env.so.folded || o->flame)
			folded_frames(o, &recs[i], delim);
		if (o->flame && bct_flame_add(o->flame, o->fr, o->nfr, recs[i].us)) {
			err = -ENOMEM;
			pr_err("cannot build the flame graph for %s: %s", env.so.svg,
			       strerror(ENOMEM));
			goto out;
		}
		if (env.kit.common.json)
			print_json(o, &recs[i]);
		else if (env.so.folded)
			print_folded(o, &recs[i]);
		else
			print_text(o, &recs[i], delim);
	}
	fflush(stdout);
	if (o->missing)
		fprintf(stderr,
			"WARNING: %" PRIu64 " stack traces lost and could not be displayed.%s\n",
			o->missing, o->enomem ? " Consider increasing --stack-storage-size." : "");
	if (o->flame) {
		struct bct_flame_opts fo = { .title = "Off-Wake Time Flame Graph", .unit = "us" };

		err = bct_flame_write_file(o->flame, env.so.svg, &fo);
	}
out:
	if (o) {
		bct_flame_free(o->flame);
		bct_ksyms_free(o->ksyms);
		bct_usyms_free(o->usyms);
	}
	free(o);
	free(recs);
	return err;
}

int cmd_offwaketime(int argc, char **argv)
{
	struct bct_session s = { .add_defines = add_defines };
	bool text;
	int rc, err;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	text = !env.so.folded && !env.kit.common.json;
	if (!bct_stackopts_start(&env.so, &s, &env.kit, &needs_offwaketime, &rc))
		return rc;
	if (text) {
		printf("Tracing blocked time (us) by %s off-CPU and waker stack",
		       env.so.user_only	    ? "user"
		       : env.so.kernel_only ? "kernel"
					    : "user + kernel");
		bct_stackopts_head_end(&env.so);
	}
	bct_stack_wait(env.kit.duration_ms);
	if (text)
		putchar('\n');
	err = print_stacks(&s);
	bct_session__stop(&s);
	return err ? 1 : 0;
}
