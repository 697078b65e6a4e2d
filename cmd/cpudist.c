// SPDX-License-Identifier: Apache-2.0
/*
 * cpudist: summarize on- and off-CPU time per task as a histogram, per interval.
 *
 * Interface of BCC's cpudist by Sasha Goldshtein (idle and extension options by Rocky Xing);
 * written anew, with --json as strict JSON.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "histtool.h"
#include "log.h"
#include "prog.h"
#include "cpudist.h"

static struct cpudist_env {
	struct bct_env kit; /* the shared options: -T, -p, [interval [count]], --json... */
	bool offcpu;
	bool milliseconds;
	bool per_pid;
	bool per_tid;
	bool idle;
	bool extension;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('O', "offcpu", &env.offcpu, "measure off-CPU time"),
	BCT_FLAG('m', "milliseconds", &env.milliseconds, "millisecond histogram"),
	BCT_FLAG('P', "pids", &env.per_pid, "print a histogram per process ID"),
	BCT_FLAG('L', "tids", &env.per_tid, "print a histogram per thread ID"),
	BCT_FLAG('I', "include-idle", &env.idle, "include CPU idle time"),
	BCT_FLAG('e', "extension", &env.extension, "show extension summary (average/total/count)"),
	{ 0 },
};

static const char doc[] =
	"Summarize on- and off-CPU time per task as a histogram.\n"
	"\v"
	"examples:\n"
	"    cpudist              # summarize on-CPU time as a histogram\n"
	"    cpudist -O           # summarize off-CPU time as a histogram\n"
	"    cpudist 1 10         # print 1 second summaries, 10 times\n"
	"    cpudist -mT 1        # 1s summaries, milliseconds, and timestamps\n"
	"    cpudist -P           # show each PID separately\n"
	"    cpudist -p 185       # trace PID 185 only\n"
	"    cpudist -I           # include CPU idle time\n"
	"    cpudist -e           # show extension summary (average/total/count)\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.args_doc = "[interval] [count]",
	.doc = doc,
	.shared = { .pid = 'p', .timestamp = 'T', .interval = true },
};

/* BCC's kprobe first (finish_task_switch is usually compiled as .isra.0), then sched_switch. */
static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("cd_fts_isra", "kprobe/finish_task_switch.isra.0")) },
	{ .name = "kprobe", .progs = BCT_PROGS(BCT_PROG("cd_fts", "kprobe/finish_task_switch")) },
	{ .name = "tp_btf", .progs = BCT_PROGS(BCT_PROG("cd_switch_btf", "tp_btf/sched_switch")) },
	{ .name = "raw_tp", .progs = BCT_PROGS(BCT_PROG("cd_switch_raw", "raw_tp/sched_switch")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "context switches", methods, false }, { NULL } };

const struct bct_needs needs_cpudist = {
	.src_name = "cpudist.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* /proc/ID/comm as the kernel gives it (with its newline), or "" when it cannot be read. */
static void read_comm(uint64_t id, char *buf, size_t sz)
{
	char path[64];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%" PRIu64 "/comm", id);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sz - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
}

/*
 * BCC's section: "ID COMM" with the command read from /proc at printing time, or "ID" when the
 * task is gone. BCC keeps the newline /proc gives, so a blank line follows "pid = ID COMM";
 * this prints the same. JSON: the ID alone (the command goes in "comm").
 */
static void key_name(void *ctx, const void *key, char *buf, size_t sz)
{
	uint64_t id = *(const uint64_t *)key;
	char comm[64];

	comm[0] = '\0';
	if (!env.kit.common.json)
		read_comm(id, comm, sizeof(comm));
	if (comm[0])
		snprintf(buf, sz, "%" PRIu64 " %s", id, comm);
	else
		snprintf(buf, sz, "%" PRIu64, id);
}

static void json_extra(void *ctx, struct bct_json *j, const struct bct_hist_entry *e)
{
	char comm[64];
	size_t len;

	if (e && (env.per_pid || env.per_tid)) {
		read_comm(*(const uint64_t *)e->key, comm, sizeof(comm));
		len = strcspn(comm, "\n");
		if (len)
			bct_json_strn(j, "comm", comm, len);
	}
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.offcpu)
		err = err ?: bct_prog__define(p, "CPUDIST_OFFCPU", NULL);
	if (env.idle)
		err = err ?: bct_prog__define(p, "CPUDIST_IDLE", NULL);
	if (env.milliseconds)
		err = err ?: bct_prog__define(p, "CPUDIST_FACTOR", "1000000");
	/* as BCC: -L wins over -P */
	if (env.per_tid)
		err = err ?: bct_prog__define(p, "CPUDIST_PER_TID", NULL);
	else if (env.per_pid)
		err = err ?: bct_prog__define(p, "CPUDIST_PER_PID", NULL);
	if (env.extension)
		err = err ?: bct_prog__define(p, "CPUDIST_EXTENSION", NULL);
	return err;
}

int cmd_cpudist(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.unit = "usecs",
		.key_name = key_name,
		.section_number = true,
		.missed_what = "CPU times",
		.json_extra = json_extra,
	};
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	tool.banner = env.offcpu ? "Tracing off-CPU time... Hit Ctrl-C to end."
				 : "Tracing on-CPU time... Hit Ctrl-C to end.";
	if (env.milliseconds)
		tool.unit = "msecs";
	tool.extension = env.extension;
	if (env.per_tid)
		tool.section = "tid";
	else if (env.per_pid)
		tool.section = "pid";
	if (bct_session__init(&s, &env.kit, &needs_cpudist, NULL))
		return 1;
	return bct_hist_run(&s, &tool);
}
