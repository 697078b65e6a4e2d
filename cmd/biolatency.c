// SPDX-License-Identifier: Apache-2.0
/*
 * biolatency: summarize block device I/O latency as a histogram, per interval.
 *
 * Interface of BCC's biolatency by Brendan Gregg (disk filter by Rocky Xing); written anew,
 * with --cgroup, and --json as strict JSON (BCC's -j prints Python dicts).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bct.h"
#include "cgroup.h"
#include "cmd.h"
#include "hist.h"
#include "map.h"
#include "prog.h"
#include "biolatency.h"

#define MINORBITS 20 /* the kernel's dev_t: major << 20 | minor */

enum {
	OPT_CGROUP = 0x100,
};

static struct biolatency_env {
	struct bct_common common;
	bool timestamp;
	bool queued;
	bool milliseconds;
	bool per_disk;
	bool per_flags;
	bool extension;
	const char *disk;
	const char *cgroup;
	uint64_t interval; /* seconds */
	uint64_t count;
} env;

static const struct argp_option options[] = {
	{ "timestamp", 'T', NULL, 0, "include timestamp on output", 0 },
	{ "queued", 'Q', NULL, 0, "include OS queued time in I/O time", 0 },
	{ "milliseconds", 'm', NULL, 0, "millisecond histogram", 0 },
	{ "disks", 'D', NULL, 0, "print a histogram per disk device", 0 },
	{ "flags", 'F', NULL, 0, "print a histogram per set of I/O flags", 0 },
	{ "extension", 'e', NULL, 0, "summarize average/total value", 0 },
	{ NULL, 'j', NULL, 0, "json output (strict JSON, one object per histogram per line)", 0 },
	{ "disk", 'd', "DISK", 0, "Trace this disk only", 0 },
	{ "cgroup", OPT_CGROUP, "PATH", 0,
	  "trace only I/O issued by tasks in this cgroup v2 directory (and its descendants)", 0 },
	{ 0 },
};

static const char args_doc[] = "[interval] [count]";

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

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_INIT:
		bct_common_init(state, &env.common);
		break;
	case 'T':
		env.timestamp = true;
		break;
	case 'Q':
		env.queued = true;
		break;
	case 'm':
		env.milliseconds = true;
		break;
	case 'D':
		env.per_disk = true;
		break;
	case 'F':
		env.per_flags = true;
		break;
	case 'e':
		env.extension = true;
		break;
	case 'j':
		env.common.json = true;
		break;
	case 'd':
		env.disk = arg;
		break;
	case OPT_CGROUP:
		env.cgroup = arg;
		break;
	case ARGP_KEY_ARG:
		bct_arg_interval_count(state, arg, &env.interval, &env.count);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_child children[] = { { &bct_common_argp, 0, NULL, 0 }, { 0 } };
static const struct argp argp = {
	.options = options,
	.parser = parse_arg,
	.args_doc = args_doc,
	.doc = doc,
	.children = children,
};

/*
 * One hook, so that the start and completion programs always come from the same method (the
 * tracepoint method keys requests differently). Best first: tp_btf, raw_tp, tracepoint, then
 * BCC's kprobes (the __blk_account_io_* names first, as BCC tries them).
 */
#define ISS_BTF                                        \
	{                                              \
		"bio_iss_btf", "tp_btf/block_rq_issue" \
	}
#define DONE_BTF                                           \
	{                                                  \
		"bio_done_btf", "tp_btf/block_rq_complete" \
	}
#define ISS_RAW                                        \
	{                                              \
		"bio_iss_raw", "raw_tp/block_rq_issue" \
	}
#define DONE_RAW                                           \
	{                                                  \
		"bio_done_raw", "raw_tp/block_rq_complete" \
	}
#define ISS_TP                                                  \
	{                                                       \
		"bio_iss_tp", "tracepoint/block/block_rq_issue" \
	}
#define DONE_TP                                                     \
	{                                                           \
		"bio_done_tp", "tracepoint/block/block_rq_complete" \
	}
#define START_KP                                              \
	{                                                     \
		"bio_start_kp", "kprobe/blk_mq_start_request" \
	}
#define ACCT_KP                                              \
	{                                                    \
		"bio_acct_kp", "kprobe/blk_account_io_start" \
	}
#define ACCT_KP2                                                \
	{                                                       \
		"bio_acct_kp2", "kprobe/__blk_account_io_start" \
	}
#define DONE_KP                                             \
	{                                                   \
		"bio_done_kp", "kprobe/blk_account_io_done" \
	}
#define DONE_KP2                                               \
	{                                                      \
		"bio_done_kp2", "kprobe/__blk_account_io_done" \
	}

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

/* One histogram read from the kernel. */
struct entry {
	uint64_t key;
	char name[256]; /* -D: disk name; -F: BCC's flags text */
	uint64_t slots[BIOLAT_SLOTS];
	uint64_t total;
	uint64_t count;
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

/* The disk's name from sysfs ("sda"), as BCC prints disk_name; "<unknown>" for no disk. */
static void disk_name(uint64_t dev, char *buf, size_t sz)
{
	unsigned int major = dev >> MINORBITS, minor = dev & ((1U << MINORBITS) - 1);
	char path[64], target[256];
	const char *base;
	ssize_t n;

	if (!dev) {
		snprintf(buf, sz, "<unknown>");
		return;
	}
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major, minor);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0) {
		snprintf(buf, sz, "%u:%u", major, minor); /* gone since: its number will do */
		return;
	}
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(buf, sz, "%s", base ? base + 1 : target);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (env.per_disk) {
		int c = strcmp(x->name, y->name);

		if (c)
			return c;
	}
	return x->key < y->key ? -1 : x->key > y->key;
}

/*
 * Takes every histogram out of the map (each read and deleted in one step, so nothing counted
 * in between is lost; in batches where the kernel can), named and sorted. Returns the number,
 * or -errno.
 */
static int drain(int fd, struct entry **out)
{
	uint64_t *keys = calloc(BIOLAT_MAX_HISTS, sizeof(*keys));
	struct biolat_hist *h = calloc(BIOLAT_MAX_HISTS, sizeof(*h));
	struct entry *v = NULL;
	int n, i, j;

	n = keys && h ? bct_map_drain(fd, keys, h, sizeof(*keys), sizeof(*h), BIOLAT_MAX_HISTS)
		      : -ENOMEM;
	if (n > 0) {
		v = calloc(n, sizeof(*v));
		if (!v)
			n = -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		v[i].key = keys[i];
		for (j = 0; j < BIOLAT_SLOTS; j++)
			v[i].slots[j] = h[i].slots[j];
		v[i].total = h[i].total;
		v[i].count = h[i].count;
		if (env.per_disk)
			disk_name(keys[i], v[i].name, sizeof(v[i].name));
		else if (env.per_flags)
			flags_name(keys[i], v[i].name, sizeof(v[i].name));
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_entry);
	free(keys);
	free(h);
	*out = v;
	return n;
}

static const char *label(void)
{
	return env.milliseconds ? "msecs" : "usecs";
}

/* BCC's avg: Python's int(total / count), a float division truncated. */
static uint64_t average(uint64_t total, uint64_t count)
{
	return (uint64_t)((double)total / (double)count);
}

static void print_text(const struct entry *v, int n)
{
	const char *section = env.per_disk ? "disk" : "flags";
	uint64_t total = 0, count = 0;
	char ts[16];
	time_t now;
	int i;

	putchar('\n');
	if (env.timestamp) {
		now = time(NULL);
		strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
		printf("%-8s\n", ts);
	}
	for (i = 0; i < n; i++) {
		if (env.per_disk || env.per_flags)
			printf("\n%s = %s\n", section, v[i].name);
		bct_hist_print_log2(stdout, v[i].slots, BIOLAT_SLOTS, label(), false);
		total += v[i].total;
		count += v[i].count;
	}
	if (env.extension && count > 0)
		printf("\navg = %" PRIu64 " %s, total: %" PRIu64 " %s, count: %" PRIu64 "\n\n",
		       average(total, count), label(), total, label(), count);
}

static void print_json_one(const struct entry *e, const char *ts)
{
	static const uint64_t none[BIOLAT_SLOTS];
	struct bct_json j;

	bct_json_begin(&j, stdout);
	bct_json_str(&j, "ts", ts);
	bct_json_str(&j, "val_type", label());
	bct_hist_json_log2(&j, "data", e ? e->slots : none, BIOLAT_SLOTS);
	if (env.per_disk || env.per_flags)
		bct_json_str(&j, env.per_disk ? "disk" : "flags", e->name);
	if (env.extension) {
		uint64_t total = e ? e->total : 0, count = e ? e->count : 0;

		bct_json_uint(&j, "avg", count ? average(total, count) : 0);
		bct_json_uint(&j, "total", total);
		bct_json_uint(&j, "count", count);
	}
	bct_json_end(&j);
}

/* One object per histogram; without -D/-F always one, as BCC prints one (maybe empty). */
static void print_json(const struct entry *v, int n)
{
	char ts[32];
	time_t now = time(NULL);
	int i;

	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
	if (!env.per_disk && !env.per_flags && n == 0)
		print_json_one(NULL, ts);
	for (i = 0; i < n; i++)
		print_json_one(&v[i], ts);
}

/* Writes out what is buffered; false once stdout is gone (EPIPE: a clean stop). */
static bool flush_out(int *out_err)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return true;
	*out_err = errno ? errno : EIO;
	return false;
}

static int run_intervals(int hists_fd, int *out_err)
{
	struct timespec deadline;
	uint64_t left = env.count;
	struct entry *v;
	int n;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	for (;;) {
		deadline.tv_sec += env.interval;
		while (!bct_exiting &&
		       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR)
			;
		n = drain(hists_fd, &v);
		if (n < 0) {
			pr_err("cannot read the histograms: %s", strerror(-n));
			return n;
		}
		if (env.common.json)
			print_json(v, n);
		else
			print_text(v, n);
		free(v);
		if (!flush_out(out_err) || bct_exiting || --left == 0)
			return 0;
	}
}

/*
 * Requests the BPF side could not count: runs of its programs the kernel skipped because
 * another BPF program was running on the same CPU (kprobe and tracepoint programs share one
 * per-CPU guard), and map updates it refused (a bucket lock held by the interrupted context).
 */
static uint64_t missed_events(struct bct_prog *p)
{
	struct bpf_object *obj = bct_prog__object(p);
	int ncpus = libbpf_num_possible_cpus(), fd, i;
	struct bpf_program *prog;
	uint64_t missed = 0;
	__u32 zero = 0;

	if (!obj)
		return 0;
	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);

		fd = bpf_program__fd(prog);
		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			missed += info.recursion_misses;
	}
	fd = bct_prog__map_fd(p, "drops");
	if (fd >= 0 && ncpus > 0) {
		uint64_t *per_cpu = calloc(ncpus, sizeof(*per_cpu));

		if (per_cpu && !bpf_map_lookup_elem(fd, &zero, per_cpu))
			for (i = 0; i < ncpus; i++)
				missed += per_cpu[i];
		free(per_cpu);
	}
	return missed;
}

/* The kernel dev_t of -d DISK (/dev/DISK must exist: BCC's check and message). */
static int disk_dev(const char *disk, uint32_t *dev)
{
	char path[4096];
	struct stat st;

	if (disk[0] == '/')
		snprintf(path, sizeof(path), "%s", disk);
	else
		snprintf(path, sizeof(path), "/dev/%s", disk);
	if (stat(path, &st)) {
		fprintf(stderr, "no such disk '%s'\n", disk);
		return -ENOENT;
	}
	*dev = (major(st.st_rdev) << MINORBITS) | minor(st.st_rdev);
	return 0;
}

static int add_defines(struct bct_prog *p, uint32_t dev)
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
	if (env.disk)
		err = err ?: bct_prog__define(p, "BIOLAT_FILTER_DEV", "%" PRIu32 "U", dev);
	if (env.cgroup)
		err = err ?: bct_prog__define(p, "BIOLAT_FILTER_CG", NULL);
	if (err)
		pr_err("cannot set up the BPF program: %s", strerror(-err));
	return err;
}

int cmd_biolatency(int argc, char **argv)
{
	struct bct_prog_opts popts = { .src_name = needs_biolatency.src_name };
	struct bct_prog *p = NULL;
	int cg_fd = -1, out_err = 0, err;
	uint64_t missed;
	uint32_t dev = 0;

	env.interval = 99999999; /* BCC's defaults: until Ctrl-C */
	env.count = 99999999;
	if (argp_parse(&argp, argc, argv, 0, NULL, &env))
		return 2;
	if (env.per_disk && env.per_flags) {
		fprintf(stderr, "ERROR: can only use -D or -F. Exiting.\n");
		return 1;
	}
	if (env.disk && disk_dev(env.disk, &dev))
		return 1;
	popts.common = &env.common;
	popts.hooks = env.queued ? hooks_queued : hooks;

	p = bct_prog__new(&popts);
	if (!p) {
		pr_err("cannot create BPF program: %s", strerror(errno));
		return 1;
	}
	err = add_defines(p, dev);
	if (err)
		goto cleanup;
	if (env.common.ebpf) {
		err = bct_prog__print_source(p, stdout);
		goto cleanup;
	}
	if (env.cgroup) {
		cg_fd = bct_cgroup_open(env.cgroup);
		if (cg_fd < 0) {
			err = cg_fd;
			goto cleanup;
		}
	}
	bct_signals_install();
	err = bct_prog__load(p);
	if (err)
		goto cleanup;
	if (cg_fd >= 0) {
		__u32 zero = 0;

		if (bpf_map_update_elem(bct_prog__map_fd(p, "cgroup_map"), &zero, &cg_fd, 0)) {
			err = -errno;
			pr_err("cannot set the cgroup filter: %s", strerror(-err));
			goto cleanup;
		}
	}
	err = bct_prog__attach(p);
	if (err)
		goto cleanup;

	if (!env.common.json)
		printf("Tracing block device I/O... Hit Ctrl-C to end.\n");
	if (flush_out(&out_err))
		err = run_intervals(bct_prog__map_fd(p, "hists"), &out_err);
	missed = missed_events(p);
	if (missed)
		pr_warn("%" PRIu64 " I/O events missed: the kernel skipped the BPF program, or "
			"refused it a map update, while another BPF program was running on the "
			"same CPU",
			missed);

cleanup:
	bct_prog__destroy(p);
	if (cg_fd >= 0)
		close(cg_fd);
	if (out_err == EPIPE)
		return 0;
	return err || out_err ? 1 : 0;
}
