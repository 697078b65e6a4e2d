// SPDX-License-Identifier: Apache-2.0
/*
 * vfsstat: count some VFS calls (reads, writes, fsyncs, opens, creates), per second, each
 * interval.
 *
 * Interface of BCC's vfsstat by Brendan Gregg (PID filter by Rocky Xing); written anew, with
 * --json. Without kprobes or fentry the calls are counted at the system calls that make them
 * (see bpf-src/vfsstat.bpf.c and the man page). The counters are drained each interval through
 * the histogram kit (lib/histtool.h), so nothing counted between two reads is lost.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "histtool.h"
#include "json.h"
#include "prog.h"
#include "vfsstat.h"

static struct vfsstat_env {
	struct bct_env kit; /* -p, [interval [count]], --json, --ebpf, --debug */
} env;

static const char doc[] = "Count some VFS calls.\n"
			  "\v"
			  "examples:\n"
			  "    vfsstat             # count some VFS calls per second\n"
			  "    vfsstat -p 185      # trace PID 185 only\n"
			  "    vfsstat 2 5         # print 2 second summaries, 5 times\n"
			  "    vfsstat --json      # one JSON object per interval\n";

static const struct bct_tool_args args = {
	.doc = doc,
	.shared = { .pid = 'p', .interval = true },
};

/* --- attach methods: every program in bpf-src/vfsstat.bpf.c ---------------------------- */

static const struct bct_method methods[] = {
	{ .name = "fentry",
	  .progs = BCT_PROGS(BCT_PROG("fe_read", "fentry/vfs_read"),
			     BCT_PROG("fe_write", "fentry/vfs_write"),
			     BCT_PROG("fe_fsync", "fentry/vfs_fsync_range"),
			     BCT_PROG("fe_open", "fentry/vfs_open"),
			     BCT_PROG("fe_create", "fentry/vfs_create")) },
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("kp_read", "kprobe/vfs_read"),
			     BCT_PROG("kp_write", "kprobe/vfs_write"),
			     BCT_PROG("kp_fsync", "kprobe/vfs_fsync_range"),
			     BCT_PROG("kp_open", "kprobe/vfs_open"),
			     BCT_PROG("kp_create", "kprobe/vfs_create")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_read", "tracepoint/syscalls/sys_enter_read"),
			     BCT_PROG("tp_write", "tracepoint/syscalls/sys_enter_write"),
			     BCT_PROG("tp_openat", "tracepoint/syscalls/sys_exit_openat")),
	  .optional_progs =
		  BCT_PROGS(BCT_PROG("tp_pread64", "tracepoint/syscalls/sys_enter_pread64"),
			    BCT_PROG("tp_pwrite64", "tracepoint/syscalls/sys_enter_pwrite64"),
			    BCT_PROG("tp_fsync", "tracepoint/syscalls/sys_enter_fsync"),
			    BCT_PROG("tp_fdatasync", "tracepoint/syscalls/sys_enter_fdatasync"),
			    BCT_PROG("tp_open", "tracepoint/syscalls/sys_exit_open"),
			    BCT_PROG("tp_openat2", "tracepoint/syscalls/sys_exit_openat2"),
			    BCT_PROG("tp_creat", "tracepoint/syscalls/sys_exit_creat")),
	  .approx = "system calls, not VFS calls: read/pread64, write/pwrite64, fsync/fdatasync, "
		    "successful opens; CREATE: opens that created their file" },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "VFS calls", methods, false }, { NULL } };

const struct bct_needs needs_vfsstat = {
	.src_name = "vfsstat.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

static const char *const names[VFSSTAT_MAX] = {
	[VFSSTAT_READ] = "READ", [VFSSTAT_WRITE] = "WRITE",   [VFSSTAT_FSYNC] = "FSYNC",
	[VFSSTAT_OPEN] = "OPEN", [VFSSTAT_CREATE] = "CREATE",
};
static const char *const keys[VFSSTAT_MAX] = {
	[VFSSTAT_READ] = "read", [VFSSTAT_WRITE] = "write",   [VFSSTAT_FSYNC] = "fsync",
	[VFSSTAT_OPEN] = "open", [VFSSTAT_CREATE] = "create",
};

/* BCC's header: "%-8s  " TIME, then " %8s" per column ("READ/s"...). */
static void header(char *buf, size_t sz)
{
	size_t off = snprintf(buf, sz, "%-8s  ", "TIME");

	for (int i = VFSSTAT_READ; i < VFSSTAT_MAX && off < sz; i++) {
		char label[16];

		snprintf(label, sizeof(label), "%s/s", names[i]);
		off += snprintf(buf + off, sz - off, " %8s", label);
	}
}

/* Each interval: "HH:MM:SS:  " then each count per second (BCC: count / interval, truncated). */
static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	uint64_t counts[VFSSTAT_MAX] = { 0 };
	uint64_t every = env.kit.interval;
	time_t now = time(NULL);
	char ts[32];

	for (size_t i = 0; i < n; i++) {
		uint32_t key;

		memcpy(&key, v[i].key, sizeof(key));
		if (key >= VFSSTAT_READ && key < VFSSTAT_MAX)
			counts[key] += v[i].count;
	}
	if (env.kit.common.json) {
		struct bct_json j;

		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
		bct_json_begin(&j, out);
		bct_json_str(&j, "ts", ts);
		bct_json_uint(&j, "interval", every);
		for (int i = VFSSTAT_READ; i < VFSSTAT_MAX; i++)
			bct_json_uint(&j, keys[i], counts[i] / every);
		bct_json_end(&j);
		return;
	}
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	fprintf(out, "%-8s: ", ts);
	for (int i = VFSSTAT_READ; i < VFSSTAT_MAX; i++)
		fprintf(out, " %8" PRIu64, counts[i] / every);
	fputc('\n', out);
}

/* bcctool serve's label value: the call's JSON key ("read"). */
static void key_name(void *ctx, const void *key, char *buf, size_t sz)
{
	uint32_t k = *(const uint32_t *)key;

	snprintf(buf, sz, "%s", k >= VFSSTAT_READ && k < VFSSTAT_MAX ? keys[k] : "unknown");
}

int cmd_vfsstat(int argc, char **argv)
{
	char banner[128];
	struct bct_hist_tool tool = {
		.banner = banner,
		.missed_what = "VFS calls",
		.print = print,
		.key_name = key_name,
		.serve_count = "calls",
		.serve_label = "call",
	};
	struct bct_session s = { 0 };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (!env.kit.interval)
		env.kit.interval = 1; /* BCC's default: one line per second */
	header(banner, sizeof(banner));
	if (bct_session__init(&s, &env.kit, &needs_vfsstat, NULL))
		return 1;
	return bct_hist_run(&s, &tool);
}
