// SPDX-License-Identifier: Apache-2.0
/*
 * shmsnoop: trace shmget(), shmat(), shmdt() and shmctl() system-wide, one line per call.
 *
 * Interface of BCC's shmsnoop by Jiri Olsa; written anew, with -x (which BCC's usage line
 * names), --exec, --cgroup and --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "shmsnoop.h"

static struct shmsnoop_env {
	struct bct_env kit;
	bool failed;
	uint64_t first_us;
	bool have_first;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('x', "failed", &env.failed, "only show failed calls"),
	{ 0 },
};

static const char doc[] = "Trace shm*() syscalls\n"
			  "\v"
			  "examples:\n"
			  "    shmsnoop           # trace all shm*() syscalls\n"
			  "    shmsnoop -T        # include timestamps\n"
			  "    shmsnoop -x        # only show failed calls\n"
			  "    shmsnoop -p 181    # only trace PID 181\n"
			  "    shmsnoop -t 123    # only trace TID 123\n"
			  "    shmsnoop -d 10     # trace for 10 seconds only\n"
			  "    shmsnoop -n main   # only print process names containing \"main\"\n"
			  "    shmsnoop --json    # one JSON object per call\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.doc = doc,
	.shared = { .pid = 'p',
		    .tid = 't',
		    .comm = 'n',
		    .duration = 'd',
		    .timestamp = 'T',
		    .cgroup = true,
		    .exec = true },
};

/* --- attach methods: every program in bpf-src/shmsnoop.bpf.c ----------------------------- */

#define OTHERS(kind, sec, event)                                                              \
	BCT_PROGS({ #kind "_shmat", sec event(shmat) }, { #kind "_shmdt", sec event(shmdt) }, \
		  { #kind "_shmctl", sec event(shmctl) })
#define EXIT_TP(name) "sys_exit_" #name

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS({ "kr_shmget", "kretprobe/" BCT_SYS(shmget) }),
	  .optional_progs = OTHERS(kr, "kretprobe/", BCT_SYS) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "tp_shmget", "tracepoint/syscalls/sys_exit_shmget" }),
	  .optional_progs = OTHERS(tp, "tracepoint/syscalls/", EXIT_TP) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "shm syscalls", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_shmsnoop = {
	.src_name = "shmsnoop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/*
 * BCC's "%-14.9f" "%-6d %-16s %6s %16lx " and the arguments; JSON has each argument as a
 * number under its own key, only the ones the call takes.
 */
static const struct bct_col cols[] = {
	{ "TS", "ts", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TIME(s)", "time", 13, BCT_COL_DOUBLE, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_TEXT_ONLY,
	  9 },
	{ "PID", "pid", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "TID", "tid", 6, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "SYS", "sys", 6, BCT_COL_STR, 0, 0 },
	{ "RET", "ret_text", 16, BCT_COL_STR, BCT_COL_TEXT_ONLY, 0 },
	{ "RET", "ret", 0, BCT_COL_INT, BCT_COL_JSON_ONLY, 0 },
	{ "KEY", "key", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "SIZE", "size", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "SHMID", "shmid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "SHMADDR", "shmaddr", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "SHMFLG", "shmflg", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "CMD", "cmd", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "BUF", "buf", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "ARGs", "args", 0, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	if (bct_out__json(out)) {
		bct_out__show(out, "tid", true);
		return;
	}
	bct_out__show(out, "time", env.kit.timestamp);
	bct_out__show(out, "pid", !env.kit.filter.tid);
	bct_out__show(out, "tid", env.kit.filter.tid);
}

struct flag_name {
	const char *name;
	uint64_t value;
};

static const struct flag_name shmget_flags[] = {
	{ "IPC_CREAT", 01000 },	      { "IPC_EXCL", 02000 },
	{ "SHM_HUGETLB", 04000 },     { "SHM_HUGE_2MB", 21 << 26 },
	{ "SHM_HUGE_1GB", 30 << 26 }, { "SHM_NORESERVE", 010000 },
	{ "SHM_EXEC", 0100000 },      { NULL, 0 },
};

static const struct flag_name shmat_flags[] = {
	{ "SHM_RDONLY", 010000 }, { "SHM_RND", 020000 }, { "SHM_REMAP", 040000 },
	{ "SHM_EXEC", 0100000 },  { NULL, 0 },
};

/*
 * BCC's flag text: "0x3b6 (IPC_CREAT|0666)". Each name in table order whose bits are still
 * set is taken and its bits cleared (so SHM_HUGE_1GB shares bits with SHM_HUGE_2MB as in
 * BCC); what is left is shown in octal.
 */
static void flags_text(char *buf, size_t sz, uint64_t v, const struct flag_name *t)
{
	size_t n = (size_t)snprintf(buf, sz, "0x%" PRIx64, v);
	int cnt = 0;

	if (!v || n >= sz)
		return;
	n += (size_t)snprintf(buf + n, sz - n, " (");
	for (; t->name && n < sz; t++) {
		if (!(t->value & v))
			continue;
		n += (size_t)snprintf(buf + n, sz - n, "%s%s", cnt ? "|" : "", t->name);
		v &= ~t->value;
		cnt++;
	}
	if (n < sz && (v || !cnt))
		n += (size_t)snprintf(buf + n, sz - n, "%s0%" PRIo64, cnt ? "|" : "", v);
	if (n < sz)
		snprintf(buf + n, sz - n, ")");
}

static const char *const sys_names[SHMSNOOP_NSYS] = { "SHMGET", "SHMAT", "SHMDT", "SHMCTL" };
static const char *const sys_keys[SHMSNOOP_NSYS] = { "shmget", "shmat", "shmdt", "shmctl" };

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct shmsnoop_event *e = data;
	const uint64_t a[3] = { e->arg[0], e->arg[1], e->arg[2] };
	char ret[24], argtext[256], fl[128];
	uint64_t us;

	if (size < sizeof(*e) || e->sys >= SHMSNOOP_NSYS)
		return 0;
	/* BCC keeps microseconds */
	us = e->ts / 1000;
	if (!env.have_first) {
		env.first_us = us;
		env.have_first = true;
	}
	snprintf(ret, sizeof(ret), "%" PRIx64, (uint64_t)e->ret);
	switch (e->sys) {
	case SHMSNOOP_SHMGET:
		flags_text(fl, sizeof(fl), a[2], shmget_flags);
		snprintf(argtext, sizeof(argtext),
			 "key: 0x%" PRIx64 ", size: %" PRIu64 ", shmflg: %s", a[0], a[1], fl);
		break;
	case SHMSNOOP_SHMAT:
		flags_text(fl, sizeof(fl), a[2], shmat_flags);
		snprintf(argtext, sizeof(argtext),
			 "shmid: 0x%" PRIx64 ", shmaddr: 0x%" PRIx64 ", shmflg: %s", a[0], a[1],
			 fl);
		break;
	case SHMSNOOP_SHMDT:
		snprintf(argtext, sizeof(argtext), "shmaddr: 0x%" PRIx64, a[0]);
		break;
	default:
		snprintf(argtext, sizeof(argtext),
			 "shmid: 0x%" PRIx64 ", cmd: %" PRIu64 ", buf: 0x%" PRIx64, a[0], a[1],
			 a[2]);
		break;
	}

	bct_out__uint(out, e->ts);
	bct_out__double(out, (double)(int64_t)(us - env.first_us) / 1e6);
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->tid);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	if (bct_out__json(out))
		bct_out__str(out, sys_keys[e->sys]);
	else
		bct_out__str(out, sys_names[e->sys]);
	bct_out__str(out, ret);
	bct_out__int(out, e->ret);
	/* key size shmid shmaddr shmflg cmd buf */
	if (e->sys == SHMSNOOP_SHMGET) {
		bct_out__uint(out, a[0]);
		bct_out__uint(out, a[1]);
	} else {
		bct_out__none(out);
		bct_out__none(out);
	}
	if (e->sys == SHMSNOOP_SHMAT || e->sys == SHMSNOOP_SHMCTL)
		bct_out__uint(out, a[0]);
	else
		bct_out__none(out);
	if (e->sys == SHMSNOOP_SHMAT)
		bct_out__uint(out, a[1]);
	else if (e->sys == SHMSNOOP_SHMDT)
		bct_out__uint(out, a[0]);
	else
		bct_out__none(out);
	if (e->sys == SHMSNOOP_SHMGET || e->sys == SHMSNOOP_SHMAT)
		bct_out__uint(out, a[2]);
	else
		bct_out__none(out);
	if (e->sys == SHMSNOOP_SHMCTL) {
		bct_out__uint(out, a[1]);
		bct_out__uint(out, a[2]);
	} else {
		bct_out__none(out);
		bct_out__none(out);
	}
	bct_out__str(out, argtext);
	return bct_out__end(out);
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.failed)
		err = bct_prog__define(p, "FILTER_FAILED", NULL);
	return err;
}

int cmd_shmsnoop(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_shmsnoop, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
