// SPDX-License-Identifier: Apache-2.0
/*
 * opensnoop: trace open(), creat(), openat() and openat2() system-wide, one line per call.
 *
 * Interface of BCC's opensnoop by Brendan Gregg (PID/TID filters by Dina Goldshtein, flags by
 * Tim Douglas, UID by Takuma Kume, full path and buffer size by Rocky Xing); written anew,
 * with --exec, --cgroup, a MODE column under -e, and visible truncation of long paths.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "opensnoop.h"

/* The kernel's O_LARGEFILE (glibc defines it as 0 for 64-bit programs). */
#if defined(__x86_64__) || defined(__i386__) || defined(__s390x__) || defined(__riscv)
#define KERNEL_O_LARGEFILE 0100000
#elif defined(__aarch64__) || defined(__arm__) || defined(__powerpc__)
#define KERNEL_O_LARGEFILE 0200000
#else
#define KERNEL_O_LARGEFILE 0
#endif

#define MAX_ALL_FLAGS 2 /* multi-bit flags the BPF side tests for all bits (O_SYNC, O_TMPFILE) */

static struct opensnoop_env {
	struct bct_env kit; /* the shared options: filters, -d, --exec, --json... */
	bool print_uid;
	bool failed;
	bool extended;
	bool full_path;
	unsigned int flags_any;
	unsigned int flags_all[MAX_ALL_FLAGS];
	int nflags_all;
	bool flag_rdonly;
	const char *bad_flag;
	uint64_t buffer_pages;
	uint64_t first_ts; /* of the first event: TIME(s) counts from it */
	bool have_first;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('U', "print-uid", &env.print_uid, "print UID column"),
	BCT_FLAG('x', "failed", &env.failed, "only show failed opens"),
	BCT_FLAG('e', "extended_fields", &env.extended, "show extended fields (FLAGS and MODE)"),
	BCT_CUSTOM('f', "flag_filter", "FLAG_FILTER",
		   "filter on flags argument (e.g., O_WRONLY); repeatable, any of them matches"),
	BCT_FLAG('F', "full-path", &env.full_path, "show full path for opens of relative paths"),
	BCT_CUSTOM('b', "buffer-pages", "BUFFER_PAGES",
		   "size of the ring buffer per CPU, in pages (must be a power of two number of "
		   "pages and defaults to 64)"),
	{ 0 },
};

static const char doc[] =
	"Trace open() syscalls\n"
	"\v"
	"examples:\n"
	"    opensnoop                        # trace all open() syscalls\n"
	"    opensnoop -T                     # include timestamps\n"
	"    opensnoop -U                     # include UID\n"
	"    opensnoop -x                     # only show failed opens\n"
	"    opensnoop -p 181                 # only trace PID 181\n"
	"    opensnoop -t 123                 # only trace TID 123\n"
	"    opensnoop -u 1000                # only trace UID 1000\n"
	"    opensnoop -d 10                  # trace for 10 seconds only\n"
	"    opensnoop -n main                # only print names containing \"main\"\n"
	"    opensnoop -e                     # show extended fields (flags, mode)\n"
	"    opensnoop -f O_WRONLY -f O_RDWR  # only print calls for writing\n"
	"    opensnoop -F                     # show full path for relative paths\n"
	"    opensnoop --cgroupmap mappath    # only trace cgroups in this BPF map\n"
	"    opensnoop --mntnsmap mappath     # only trace mount namespaces in the map\n"
	"    opensnoop --cgroup /sys/fs/cgroup/app  # only tasks in this cgroup v2\n"
	"    opensnoop --exec ls -l /tmp      # run ls, trace only it\n"
	"    opensnoop --json                 # one JSON object per open\n";

static const struct {
	const char *name;
	unsigned int value;
} open_flags[] = {
	{ "O_RDONLY", O_RDONLY },	{ "O_WRONLY", O_WRONLY },
	{ "O_RDWR", O_RDWR },		{ "O_CREAT", O_CREAT },
	{ "O_EXCL", O_EXCL },		{ "O_NOCTTY", O_NOCTTY },
	{ "O_TRUNC", O_TRUNC },		{ "O_APPEND", O_APPEND },
	{ "O_NONBLOCK", O_NONBLOCK },	{ "O_NDELAY", O_NDELAY },
	{ "O_DSYNC", O_DSYNC },		{ "O_ASYNC", O_ASYNC },
	{ "O_DIRECT", O_DIRECT },	{ "O_LARGEFILE", KERNEL_O_LARGEFILE },
	{ "O_DIRECTORY", O_DIRECTORY }, { "O_NOFOLLOW", O_NOFOLLOW },
	{ "O_NOATIME", O_NOATIME },	{ "O_CLOEXEC", O_CLOEXEC },
	{ "O_SYNC", O_SYNC },		{ "O_RSYNC", O_RSYNC },
	{ "O_PATH", O_PATH },		{ "O_TMPFILE", O_TMPFILE },
};

/* Adds -f NAME to the filter; false for a name BCC would reject ("Bad flag"). */
static bool add_flag(const char *name)
{
	size_t i;
	int j;

	for (i = 0; i < sizeof(open_flags) / sizeof(open_flags[0]); i++)
		if (!strcmp(name, open_flags[i].name))
			break;
	if (i == sizeof(open_flags) / sizeof(open_flags[0]) || !open_flags[i].value) {
		if (i < sizeof(open_flags) / sizeof(open_flags[0]) && !strcmp(name, "O_RDONLY")) {
			env.flag_rdonly = true;
			return true;
		}
		return false;
	}
	if (!(open_flags[i].value & (open_flags[i].value - 1))) {
		env.flags_any |= open_flags[i].value; /* one bit */
		return true;
	}
	for (j = 0; j < env.nflags_all; j++)
		if (env.flags_all[j] == open_flags[i].value)
			return true;
	if (env.nflags_all < MAX_ALL_FLAGS)
		env.flags_all[env.nflags_all++] = open_flags[i].value;
	return true;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'f':
		if (!add_flag(arg) && !env.bad_flag)
			env.bad_flag = arg;
		break;
	case 'b':
		bct_arg_u64(state, "buffer pages", arg, 1, bct_events_max_pages(),
			    &env.buffer_pages);
		if (env.buffer_pages & (env.buffer_pages - 1))
			argp_error(state, "invalid buffer pages: '%s' (must be a power of two)",
				   arg);
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
	.shared = { .pid = 'p',
		    .tid = 't',
		    .uid = 'u',
		    .comm = 'n',
		    .duration = 'd',
		    .timestamp = 'T',
		    .cgroup = true,
		    .cgroupmap = true,
		    .exec = true },
};

/* --- attach methods: every program in bpf-src/opensnoop.bpf.c -------------------------- */

#define SYSCALLS(kind, sec, sep, event)                     \
	BCT_PROGS({ #kind "_open", sec sep event(open) },   \
		  { #kind "_creat", sec sep event(creat) }, \
		  { #kind "_openat2", sec sep event(openat2) })
#define EXIT_TP(name) "sys_exit_" #name

static const struct bct_method methods[] = {
	{ .name = "fexit",
	  .progs = BCT_PROGS({ "fx_openat", "fexit/" BCT_SYS(openat) }),
	  .optional_progs = SYSCALLS(fx, "fexit", "/", BCT_SYS) },
	{ .name = "kprobe",
	  .progs = BCT_PROGS({ "kr_openat", "kretprobe/" BCT_SYS(openat) }),
	  .optional_progs = SYSCALLS(kr, "kretprobe", "/", BCT_SYS) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "tp_openat", "tracepoint/syscalls/sys_exit_openat" }),
	  .optional_progs = SYSCALLS(tp, "tracepoint/syscalls", "/", EXIT_TP) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "open syscalls", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_opensnoop = {
	.src_name = "opensnoop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/*
 * BCC's columns ("%-14.9f" "%-6d" "%-6d %-16s %4d %3d " "%08o " path) as widths joined by one
 * space; JSON keys in this order. JSON shows uid, pid, tid, flags and mode whatever the text
 * shows.
 */
static const struct bct_col cols[] = {
	{ "TS", "ts", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TIME(s)", "time", 13, BCT_COL_DOUBLE, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_TEXT_ONLY,
	  9 },
	{ "UID", "uid", 5, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "PID", "pid", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "TID", "tid", 6, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "FD", "fd", 4, BCT_COL_INT, 0, 0 },
	{ "ERR", "err", 3, BCT_COL_INT, 0, 0 },
	{ "FLAGS", "flags", 8, BCT_COL_OCTAL, BCT_COL_LEFT | BCT_COL_HIDDEN, 8 },
	{ "MODE", "mode_text", 4, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_TEXT_ONLY,
	  0 },
	{ "MODE", "mode", 0, BCT_COL_DOUBLE, BCT_COL_JSON_ONLY, 0 }, /* null: no mode applies */
	{ "PATH", "path", 0, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	if (bct_out__json(out)) {
		bct_out__show(out, "uid", true);
		bct_out__show(out, "tid", true);
		bct_out__show(out, "flags", true);
		return;
	}
	bct_out__show(out, "time", env.kit.timestamp);
	bct_out__show(out, "uid", env.print_uid);
	bct_out__show(out, "pid", !env.kit.filter.tid);
	bct_out__show(out, "tid", env.kit.filter.tid);
	bct_out__show(out, "flags", env.extended);
	bct_out__show(out, "mode_text", env.extended);
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct opensnoop_event *e = data;
	int ret = (int)e->ret;
	char mode[16], cut[OPENSNOOP_PATH_BIG + 8];
	const char *path = e->path;
	size_t len;

	if (size < sizeof(*e))
		return 0;
	len = strnlen(e->path, size - sizeof(*e));
	if (!env.have_first) {
		env.first_ts = e->ts;
		env.have_first = true;
	}
	if (e->info & (OPENSNOOP_TRUNC | OPENSNOOP_TRUNC_DIR)) {
		/* a cut path shows it: "..." where text is missing */
		snprintf(cut, sizeof(cut), "%s%.*s%s", e->info & OPENSNOOP_TRUNC_DIR ? "..." : "",
			 (int)len, e->path, e->info & OPENSNOOP_TRUNC ? "..." : "");
		path = cut;
		len = strlen(cut);
	}
	if (e->info & OPENSNOOP_HAS_MODE)
		snprintf(mode, sizeof(mode), "%04o", e->mode);
	else
		snprintf(mode, sizeof(mode), "n/a");

	bct_out__uint(out, e->ts);
	/* signed: rings from several CPUs may deliver a slightly earlier event later */
	bct_out__double(out, (double)(int64_t)(e->ts - env.first_ts) / 1e9);
	bct_out__uint(out, e->uid);
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->tid);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	bct_out__int(out, ret >= 0 ? ret : -1);
	bct_out__int(out, ret >= 0 ? 0 : -ret);
	bct_out__uint(out, e->flags);
	bct_out__str(out, mode);
	bct_out__double(out, e->info & OPENSNOOP_HAS_MODE ? (double)e->mode : NAN);
	bct_out__strn(out, path, len);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

/* opensnoop's own defines; the shared filters' come from the kit (lib/filter.h). */
static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.failed)
		err = bct_prog__define(p, "FILTER_FAILED", NULL);
	if (env.flags_any)
		err = err ?: bct_prog__define(p, "FILTER_FLAGS", "0%o", env.flags_any);
	if (env.nflags_all > 0)
		err = err ?: bct_prog__define(p, "FILTER_FLAGS_ALL0", "0%o", env.flags_all[0]);
	if (env.nflags_all > 1)
		err = err ?: bct_prog__define(p, "FILTER_FLAGS_ALL1", "0%o", env.flags_all[1]);
	if (env.flag_rdonly)
		err = err ?: bct_prog__define(p, "FILTER_RDONLY", NULL);
	if (env.full_path)
		err = err ?: bct_prog__define(p, "FULLPATH", NULL);
	return err;
}

int cmd_opensnoop(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.bad_flag) {
		fprintf(stderr, "Bad flag: %s\n", env.bad_flag); /* BCC's words, exit 1 */
		return 1;
	}
	if (bct_session__init(&s, &env.kit, &needs_opensnoop, NULL))
		return 1;
	tool.ring_pages = env.buffer_pages;
	return bct_events_run(&s, &tool);
}
