// SPDX-License-Identifier: Apache-2.0
/*
 * biostacks: block I/O latency as a histogram per kernel stack that started the I/O (and per
 * process and disk), printed at the end.
 *
 * Interface of libbpf-tools' biostacks (after Brendan Gregg's bpftrace tool); written anew,
 * with --json. bpf-src/biostacks.bpf.c keeps the stack and time at each request's start and
 * counts its latency at its end; lib/stack.h names the frames, lib/hist.h prints the
 * histograms.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <linux/types.h>

#include "cmd.h"
#include "disk.h"
#include "hist.h"
#include "json.h"
#include "log.h"
#include "prog.h"
#include "signals.h"
#include "stack.h"
#include "tool.h"
#include "biostacks.h"

static struct biostacks_env {
	struct bct_env kit; /* -d DISK, --json... */
	bool ms; /* -m */
	bool verbose; /* -v */
	uint64_t duration; /* seconds; 0: until Ctrl-C */
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('m', "milliseconds", &env.ms, "Millisecond histogram"),
	BCT_FLAG('v', "verbose", &env.verbose, "Verbose debug output"),
	{ 0 },
};

static const char doc[] = "Tracing block I/O with init stacks.\n"
			  "\v"
			  "EXAMPLES:\n"
			  "    biostacks              # trace block I/O with init stacks.\n"
			  "    biostacks 1            # trace for 1 seconds only\n"
			  "    biostacks -d sdc       # trace sdc only\n"
			  "    biostacks --json 5     # one JSON object per stack\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	static bool have_duration;
	char *end;
	long long v;

	switch (key) {
	case ARGP_KEY_ARG:
		if (have_duration)
			argp_error(state, "unrecognized positional argument: %s", arg);
		have_duration = true;
		errno = 0;
		v = strtoll(arg, &end, 10);
		if (errno || end == arg || *end || v <= 0)
			argp_error(state, "invalid delay (in us): %s", arg);
		env.duration = (uint64_t)v;
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
	.shared = { .disk = 'd' },
};

/* --- attach methods: every program in bpf-src/biostacks.bpf.c ----------------------------- */

static const struct bct_method methods[] = {
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("bs_start_btf", "tp_btf/block_io_start"),
			     BCT_PROG("bs_done_btf", "tp_btf/block_io_done")) },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("bs_start_raw", "raw_tp/block_io_start"),
			     BCT_PROG("bs_done_raw", "raw_tp/block_io_done")) },
	{ .name = "fentry",
	  .progs = BCT_PROGS(BCT_PROG("bs_start_fe", "fentry/blk_account_io_start"),
			     BCT_PROG("bs_done_fe", "fentry/blk_account_io_done")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "block I/O start and end", methods, false }, { NULL } };

const struct bct_needs needs_biostacks = {
	.src_name = "biostacks.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

static int add_defines(struct bct_prog *p, void *ctx)
{
	(void)ctx;
	return env.ms ? bct_prog__define(p, "BIOSTACKS_MS", NULL) : 0;
}

/* --- output ------------------------------------------------------------------------------- */

/*
 * libbpf-tools' print_log2_hist(): BCC's rows, its header with one space less before
 * "distribution".
 */
static void print_hist(const uint64_t *slots, const char *units)
{
	char *buf = NULL, *nl, *at;
	size_t sz = 0;
	FILE *m = open_memstream(&buf, &sz);

	if (!m)
		return;
	bct_hist_print_log2(m, slots, BCT_HIST_LOG2_SLOTS, units, false);
	fclose(m);
	nl = strchr(buf, '\n');
	at = strstr(buf, "count     distribution");
	if (nl && at && at < nl) {
		fwrite(buf, 1, (size_t)(at - buf) + 9, stdout);
		fputs(at + 10, stdout);
	} else {
		fputs(buf, stdout);
	}
	free(buf);
}

static void print_one(struct bct_stacks *st, const struct biostacks_key *k, const uint64_t *slots)
{
	const char *units = env.ms ? "msecs" : "usecs";
	uint64_t ips[BCT_STACK_MAX_DEPTH];
	char comm[BIOSTACKS_COMM_LEN + 1], disk[64];
	const struct bct_ksym *sym;
	int n = -ENOENT, i;

	snprintf(comm, sizeof(comm), "%.*s", BIOSTACKS_COMM_LEN, k->comm);
	if (k->dev)
		bct_disk_name(k->dev, disk, sizeof(disk));
	else
		snprintf(disk, sizeof(disk), "Unknown");
	if (k->stack_id >= 0)
		n = bct_stack_read_kernel(st->map_fd, st->ksyms, k->stack_id, ips,
					  BCT_STACK_MAX_DEPTH);
	if (env.kit.common.json) {
		struct bct_json j;

		bct_json_begin(&j, stdout);
		bct_json_str(&j, "comm", comm);
		bct_json_uint(&j, "pid", k->pid);
		bct_json_str(&j, "disk", disk);
		bct_json_arr_open(&j, "stack");
		for (i = 0; i < n; i++) {
			sym = bct_ksyms_find(st->ksyms, ips[i]);
			bct_json_str(&j, NULL, sym ? sym->name : "Unknown");
		}
		bct_json_arr_close(&j);
		bct_json_str(&j, "unit", units);
		bct_hist_json_log2(&j, "hist", slots, BCT_HIST_LOG2_SLOTS);
		bct_json_end(&j);
		return;
	}
	printf("%-14.14s %-6u %-7s\n", comm, k->pid, disk);
	for (i = 0; i < n; i++) {
		sym = bct_ksyms_find(st->ksyms, ips[i]);
		printf("%s\n", sym ? sym->name : "Unknown");
	}
	print_hist(slots, units);
	printf("\n");
}

struct hist_val {
	uint64_t slots[BCT_HIST_LOG2_SLOTS];
	uint64_t total, count;
};

static int print_map(struct bct_session *s)
{
	struct bct_stack_fmt fmt = { .kernel_only = true, .json = env.kit.common.json };
	int fd = bct_prog__map_fd(s->prog, "hists");
	struct biostacks_key key, next;
	struct hist_val h;
	struct bct_stacks st;
	int err;

	err = bct_stacks_init(&st, &fmt, bct_prog__map_fd(s->prog, "stack_traces"));
	if (err)
		return err;
	for (err = bpf_map_get_next_key(fd, NULL, &next); !err;
	     err = bpf_map_get_next_key(fd, &key, &next)) {
		key = next;
		if (bpf_map_lookup_elem(fd, &key, &h))
			continue;
		print_one(&st, &key, h.slots);
	}
	fflush(stdout);
	bct_stacks_free(&st);
	return 0;
}

int cmd_biostacks(int argc, char **argv)
{
	struct bct_session s = { .add_defines = add_defines };
	int rc, err;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.verbose)
		env.kit.common.debug |= 0x20;
	env.kit.duration_ms = env.duration * 1000;
	if (bct_session__init(&s, &env.kit, &needs_biostacks, NULL))
		return 1;
	if (env.kit.common.ebpf) {
		err = bct_session__print_source(&s);
		bct_session__stop(&s);
		return err ? 1 : 0;
	}
	err = bct_session__start(&s);
	if (!err)
		err = bct_session__go(&s);
	if (err) {
		bct_session__stop(&s);
		return err == -EINTR && bct_exiting ? 0 : 1;
	}
	if (!env.kit.common.json) {
		printf("Tracing block I/O with init stacks. Hit Ctrl-C to end.\n");
		fflush(stdout);
	}
	bct_stack_wait(env.kit.duration_ms);
	err = print_map(&s);
	bct_session__stop(&s);
	return err ? 1 : 0;
}
