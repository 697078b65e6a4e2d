// SPDX-License-Identifier: Apache-2.0
/*
 * biolatency: summarize block device I/O latency as a histogram, per interval.
 *
 * Interface of BCC's biolatency by Brendan Gregg (disk filter by Rocky Xing); written anew,
 * with --cgroup, and --json as strict JSON (BCC's -j prints Python dicts).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

#include "cmd.h"
#include "disk.h"
#include "histtool.h"
#include "log.h"
#include "prog.h"
#include "biolatency.h"

static struct biolatency_env {
	struct bct_env kit; /* the shared options: -T, --cgroup, [interval [count]], --json... */
	bool queued;
	bool milliseconds;
	bool per_disk;
	bool per_flags;
	bool extension;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('Q', "queued", &env.queued, "include OS queued time in I/O time"),
	BCT_FLAG('m', "milliseconds", &env.milliseconds, "millisecond histogram"),
	BCT_FLAG('D', "disks", &env.per_disk, "print a histogram per disk device"),
	BCT_FLAG('F', "flags", &env.per_flags, "print a histogram per set of I/O flags"),
	BCT_FLAG('e', "extension", &env.extension, "summarize average/total value"),
	BCT_FLAG('j', NULL, &env.kit.common.json,
		 "json output (strict JSON, one object per histogram per line)"),
	{ 0 },
};

static const char doc[] =
	"Summarize block device I/O latency as a histogram\n"
	"\v"
	"examples:\n"
	"    ./biolatency                    # summarize block I/O latency as a histogram\n"
	"    ./biolatency 1 10               # print 1 second summaries, 10 times\n"
	"    ./biolatency -mT 1              # 1s summaries, milliseconds, and timestamps\n"
	"    ./biolatency -Q                 # include OS queued time in I/O time\n"
	"    ./biolatency -D                 # show each disk device separately\n"
	"    ./biolatency -F                 # show I/O flags separately\n"
	"    ./biolatency -j                 # print a dictionary\n"
	"    ./biolatency -e                 # show extension summary(total, average)\n"
	"    ./biolatency -d sdc             # Trace sdc only\n"
	"    ./biolatency --cgroup /sys/fs/cgroup/app  # only I/O issued from this cgroup v2\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.args_doc = "[interval] [count]",
	.doc = doc,
	.shared = { .disk = 'd', .timestamp = 'T', .cgroup = true, .interval = true },
};

/*
 * One hook, so that the start and completion programs always come from the same method (the
 * tracepoint method keys requests differently). Best first: tp_btf, raw_tp, tracepoint, then
 * BCC's kprobes (the __blk_account_io_* names first, as BCC tries them).
 */
#define ISS_BTF BCT_PROG("bio_iss_btf", "tp_btf/block_rq_issue")
#define DONE_BTF BCT_PROG("bio_done_btf", "tp_btf/block_rq_complete")
#define ISS_RAW BCT_PROG("bio_iss_raw", "raw_tp/block_rq_issue")
#define DONE_RAW BCT_PROG("bio_done_raw", "raw_tp/block_rq_complete")
#define ISS_TP BCT_PROG("bio_iss_tp", "tracepoint/block/block_rq_issue")
#define DONE_TP BCT_PROG("bio_done_tp", "tracepoint/block/block_rq_complete")
#define START_KP BCT_PROG("bio_start_kp", "kprobe/blk_mq_start_request")
#define ACCT_KP BCT_PROG("bio_acct_kp", "kprobe/blk_account_io_start")
#define ACCT_KP2 BCT_PROG("bio_acct_kp2", "kprobe/__blk_account_io_start")
#define DONE_KP BCT_PROG("bio_done_kp", "kprobe/blk_account_io_done")
#define DONE_KP2 BCT_PROG("bio_done_kp2", "kprobe/__blk_account_io_done")

static const struct bct_method methods[] = {
	{ .name = "tp_btf", .progs = BCT_PROGS(ISS_BTF, DONE_BTF) },
	{ .name = "raw_tp", .progs = BCT_PROGS(ISS_RAW, DONE_RAW) },
	{ .name = "tracepoint", .progs = BCT_PROGS(ISS_TP, DONE_TP) },
	{ .name = "kprobe", .progs = BCT_PROGS(START_KP, DONE_KP2) },
	{ .name = "kprobe", .progs = BCT_PROGS(START_KP, DONE_KP) },
	{ NULL },
};

static const struct bct_method methods_queued[] = {
	{ .name = "tp_btf",
	  .progs = BCT_PROGS({ "bio_ins_btf", "tp_btf/block_rq_insert" }, ISS_BTF, DONE_BTF) },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS({ "bio_ins_raw", "raw_tp/block_rq_insert" }, ISS_RAW, DONE_RAW) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "bio_ins_tp", "tracepoint/block/block_rq_insert" }, ISS_TP,
			     DONE_TP) },
	{ .name = "kprobe", .progs = BCT_PROGS(ACCT_KP2, DONE_KP2) },
	{ .name = "kprobe", .progs = BCT_PROGS(ACCT_KP, DONE_KP2) },
	{ .name = "kprobe", .progs = BCT_PROGS(ACCT_KP2, DONE_KP) },
	{ .name = "kprobe", .progs = BCT_PROGS(ACCT_KP, DONE_KP) },
	{ NULL },
};

#define HOOK_NAME "block I/O start and completion"

static const struct bct_hook hooks[] = { { HOOK_NAME, methods, false }, { NULL } };
static const struct bct_hook hooks_queued[] = { { HOOK_NAME, methods_queued, false }, { NULL } };

const struct bct_needs needs_biolatency = {
	.src_name = "biolatency.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { "-Q", hooks_queued }, { NULL } },
};

/* BCC's decoding of request flags (its flags_print()): operation, then flag prefixes. */
static void flags_name(uint64_t flags, char *buf, size_t sz)
{
	static const struct {
		unsigned int op;
		const char *name;
	} ops[] = {
		{ BIOLAT_OP_READ, "Read" },
		{ BIOLAT_OP_WRITE, "Write" },
		{ BIOLAT_OP_FLUSH, "Flush" },
		{ BIOLAT_OP_DISCARD, "Discard" },
		{ BIOLAT_OP_SECURE_ERASE, "SecureErase" },
		{ BIOLAT_OP_ZONE_RESET, "ZoneReset" },
		{ BIOLAT_OP_WRITE_SAME, "WriteSame" },
		{ BIOLAT_OP_WRITE_ZEROES, "WriteZeros" },
	};
	/* each later one ends up further left, as BCC prepends them in this order */
	static const struct {
		uint64_t bit;
		const char *prefix;
	} bits[] = {
		{ BIOLAT_SYNC, "Sync-" },
		{ BIOLAT_META, "Metadata-" },
		{ BIOLAT_FUA, "ForcedUnitAccess-" },
		{ BIOLAT_PRIO, "Priority-" },
		{ BIOLAT_NOMERGE, "NoMerge-" },
		{ BIOLAT_IDLE, "Idle-" },
		{ BIOLAT_RAHEAD, "ReadAhead-" },
		{ BIOLAT_BACKGROUND, "Background-" },
		{ BIOLAT_NOWAIT, "NoWait-" },
	};
	const char *op = "Unknown";
	size_t i, len = 0;
	int n;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if ((flags & BIOLAT_OP_MASK) == ops[i].op)
			op = ops[i].name;
	buf[0] = '\0';
	for (i = sizeof(bits) / sizeof(bits[0]); i-- > 0;) {
		if (!(flags & bits[i].bit))
			continue;
		n = snprintf(buf + len, sz - len, "%s", bits[i].prefix);
		if (n > 0 && (size_t)n < sz - len)
			len += n;
	}
	snprintf(buf + len, sz - len, "%s", op);
}

/* The section's name of a histogram's key: the disk (-D) or BCC's flags text (-F). */
static void key_name(void *ctx, const void *key, char *buf, size_t sz)
{
	uint64_t k = *(const uint64_t *)key;

	if (env.per_disk)
		bct_disk_name(k, buf, sz);
	else
		flags_name(k, buf, sz);
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.milliseconds)
		err = err ?: bct_prog__define(p, "BIOLAT_FACTOR", "1000000");
	if (env.queued)
		err = err ?: bct_prog__define(p, "BIOLAT_QUEUED", NULL);
	if (env.per_disk)
		err = err ?: bct_prog__define(p, "BIOLAT_PER_DISK", NULL);
	if (env.per_flags)
		err = err ?: bct_prog__define(p, "BIOLAT_PER_FLAGS", NULL);
	if (env.extension)
		err = err ?: bct_prog__define(p, "BIOLAT_EXTENSION", NULL);
	return err;
}

int cmd_biolatency(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.unit = "usecs",
		.key_name = key_name,
		.banner = "Tracing block device I/O... Hit Ctrl-C to end.",
		.missed_what = "I/O events",
	};
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.per_disk && env.per_flags) {
		fprintf(stderr, "ERROR: can only use -D or -F. Exiting.\n");
		return 1;
	}
	if (env.milliseconds)
		tool.unit = "msecs";
	tool.extension = env.extension;
	if (env.per_disk || env.per_flags) {
		tool.section = env.per_disk ? "disk" : "flags";
		tool.sort_by_name = env.per_disk;
	}
	if (bct_session__init(&s, &env.kit, &needs_biolatency, env.queued ? hooks_queued : NULL))
		return 1;
	return bct_hist_run(&s, &tool);
}
