// SPDX-License-Identifier: Apache-2.0
/*
 * opensnoop: trace open(), creat(), openat() and openat2() system-wide, one line per call.
 *
 * Interface of BCC's opensnoop by Brendan Gregg (PID/TID filters by Dina Goldshtein, flags by
 * Tim Douglas, UID by Takuma Kume, full path and buffer size by Rocky Xing); written anew,
 * with --exec, --cgroup, a MODE column under -e, and visible truncation of long paths.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bct.h"
#include "cgroup.h"
#include "buf.h"
#include "cmd.h"
#include "out.h"
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

#define DEFAULT_PAGES 64 /* BCC's -b default, per CPU */
#define MAX_ALL_FLAGS 2 /* multi-bit flags the BPF side tests for all bits (O_SYNC, O_TMPFILE) */
#define BATCH_US 2000 /* under load, a drain at most every 2 ms */
#define FLUSH_US 10000 /* output reaches a pipe within 10 ms */
#define FLUSH_BELOW 32 /* a drain of fewer events is flushed at once (light load: no batching) */

enum {
	OPT_EXEC = 0x100,
	OPT_CGROUP,
	OPT_CGROUPMAP,
	OPT_MNTNSMAP,
};

static struct opensnoop_env {
	struct bct_common common;
	bool timestamp;
	bool print_uid;
	bool failed;
	bool extended;
	bool full_path;
	pid_t pid; /* 0: any */
	pid_t tid;
	bool has_uid;
	uid_t uid;
	uint64_t duration_ms;
	const char *name;
	unsigned int flags_any;
	unsigned int flags_all[MAX_ALL_FLAGS];
	int nflags_all;
	bool flag_rdonly;
	const char *bad_flag;
	uint64_t buffer_pages;
	const char *cgroup;
	const char *cgroupmap;
	const char *mntnsmap;
	char **exec_argv; /* --exec CMD ARGS..., NULL-terminated */
} env;

static const struct argp_option options[] = {
	{ "timestamp", 'T', NULL, 0, "include timestamp on output", 0 },
	{ "print-uid", 'U', NULL, 0, "print UID column", 0 },
	{ "failed", 'x', NULL, 0, "only show failed opens", 0 },
	{ "pid", 'p', "PID", 0, "trace this PID only", 0 },
	{ "tid", 't', "TID", 0, "trace this TID only", 0 },
	{ "uid", 'u', "UID", 0, "trace this UID only", 0 },
	{ "duration", 'd', "DURATION", 0, "total duration of trace in seconds", 0 },
	{ "name", 'n', "NAME", 0, "only print process names containing this name", 0 },
	{ "extended_fields", 'e', NULL, 0, "show extended fields (FLAGS and MODE)", 0 },
	{ "flag_filter", 'f', "FLAG_FILTER", 0,
	  "filter on flags argument (e.g., O_WRONLY); repeatable, any of them matches", 0 },
	{ "full-path", 'F', NULL, 0, "show full path for opens of relative paths", 0 },
	{ "buffer-pages", 'b', "BUFFER_PAGES", 0,
	  "size of the ring buffer per CPU, in pages (must be a power of two number of pages and "
	  "defaults to 64)",
	  0 },
	{ "cgroupmap", OPT_CGROUPMAP, "CGROUPMAP", 0, "trace cgroups in this BPF map only", 0 },
	{ "mntnsmap", OPT_MNTNSMAP, "MNTNSMAP", 0, "trace mount namespaces in this BPF map only",
	  0 },
	{ "cgroup", OPT_CGROUP, "PATH", 0,
	  "trace only tasks in this cgroup v2 directory (and its descendants)", 0 },
	{ "exec", OPT_EXEC, "CMD", 0,
	  "run CMD with the remaining arguments, trace only it, and exit when it exits", 0 },
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
	uint64_t v;

	switch (key) {
	case ARGP_KEY_INIT:
		bct_common_init(state, &env.common);
		break;
	case 'T':
		env.timestamp = true;
		break;
	case 'U':
		env.print_uid = true;
		break;
	case 'x':
		env.failed = true;
		break;
	case 'p':
		bct_arg_pid(state, arg, &env.pid);
		break;
	case 't':
		bct_arg_pid(state, arg, &env.tid);
		break;
	case 'u':
		bct_arg_u64(state, "UID", arg, 0, UINT32_MAX - 1, &v);
		env.uid = v;
		env.has_uid = true;
		break;
	case 'd':
		bct_arg_duration_ms(state, arg, &env.duration_ms);
		break;
	case 'n':
		env.name = arg;
		break;
	case 'e':
		env.extended = true;
		break;
	case 'f':
		if (!add_flag(arg) && !env.bad_flag)
			env.bad_flag = arg;
		break;
	case 'F':
		env.full_path = true;
		break;
	case 'b':
		bct_arg_u64(state, "buffer pages", arg, 1, 1 << 20, &env.buffer_pages);
		if (env.buffer_pages & (env.buffer_pages - 1))
			argp_error(state, "invalid buffer pages: '%s' (must be a power of two)",
				   arg);
		break;
	case OPT_CGROUP:
		env.cgroup = arg;
		break;
	case OPT_CGROUPMAP:
		env.cgroupmap = arg;
		break;
	case OPT_MNTNSMAP:
		env.mntnsmap = arg;
		break;
	case OPT_EXEC: {
		/* CMD, then every remaining argument belongs to the command */
		int n = state->argc - state->next, i;

		env.exec_argv = calloc(n + 2, sizeof(*env.exec_argv));
		if (!env.exec_argv)
			argp_failure(state, 1, ENOMEM, "--exec");
		env.exec_argv[0] = arg;
		for (i = 0; i < n; i++)
			env.exec_argv[i + 1] = state->argv[state->next + i];
		state->next = state->argc;
		break;
	}
	case ARGP_KEY_ARG:
		argp_error(state, "unrecognized arguments: %s", arg);
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
	.args_doc = NULL,
	.doc = doc,
	.children = children,
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

struct state {
	struct bct_out *out;
	uint64_t first_ts;
	bool have_first;
	int out_err; /* a failed write to stdout: -errno */
	uint32_t self; /* our own process: its opens while attaching are not the user's */
};

static struct bct_out *new_out(void)
{
	struct bct_out_opts oo = { .file = stdout, .cols = cols, .json = env.common.json };
	struct bct_out *out = bct_out__new(&oo);

	if (!out)
		return NULL;
	if (env.common.json) {
		bct_out__show(out, "uid", true);
		bct_out__show(out, "tid", true);
		bct_out__show(out, "flags", true);
		return out;
	}
	bct_out__show(out, "time", env.timestamp);
	bct_out__show(out, "uid", env.print_uid);
	bct_out__show(out, "pid", !env.tid);
	bct_out__show(out, "tid", env.tid);
	bct_out__show(out, "flags", env.extended);
	bct_out__show(out, "mode_text", env.extended);
	return out;
}

static int on_event(void *ctx, const void *data, size_t size)
{
	const struct opensnoop_event *e = data;
	struct state *st = ctx;
	struct bct_out *out = st->out;
	int ret = (int)e->ret;
	char mode[16], cut[OPENSNOOP_PATH_BIG + 8];
	const char *path = e->path;
	size_t len;

	if (size < sizeof(*e) || e->pid == st->self)
		return 0;
	len = strnlen(e->path, size - sizeof(*e));
	if (!st->have_first) {
		st->first_ts = e->ts;
		st->have_first = true;
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
	bct_out__double(out, (double)(int64_t)(e->ts - st->first_ts) / 1e9);
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
	st->out_err = bct_out__end(out);
	return st->out_err ? 1 : 0;
}

/* --- set-up ------------------------------------------------------------------------------- */

/* Two u64 of the -n needle, little-endian, for FILTER_COMM_LO/HI. */
static void pack_name(const char *name, size_t len, uint64_t *lo, uint64_t *hi)
{
	size_t i;

	*lo = *hi = 0;
	for (i = 0; i < len && i < 16; i++) {
		uint64_t b = (unsigned char)name[i];

		if (i < 8)
			*lo |= b << (8 * i);
		else
			*hi |= b << (8 * (i - 8));
	}
}

static int add_defines(struct bct_prog *p, pid_t exec_pid)
{
	int err = 0;

	if (env.tid)
		err = err ?: bct_prog__define(p, "FILTER_TID", "%d", env.tid);
	else if (env.pid || exec_pid)
		err = err ?: bct_prog__define(p, "FILTER_PID", "%d", exec_pid ? exec_pid : env.pid);
	if (env.has_uid)
		err = err ?: bct_prog__define(p, "FILTER_UID", "%u", env.uid);
	if (env.failed)
		err = err ?: bct_prog__define(p, "FILTER_FAILED", NULL);
	if (env.cgroup)
		err = err ?: bct_prog__define(p, "FILTER_CGROUP", NULL);
	if (env.name && *env.name) {
		size_t len = strlen(env.name);
		uint64_t lo, hi;

		/* a needle longer than a comm can never match: 16 bytes against comm's NUL */
		pack_name(env.name, len, &lo, &hi);
		err = err ?: bct_prog__define(p, "FILTER_COMM_LEN", "%zu", len > 16 ? 16 : len);
		err = err ?: bct_prog__define(p, "FILTER_COMM_LO", "0x%" PRIx64 "ULL", lo);
		err = err ?: bct_prog__define(p, "FILTER_COMM_HI", "0x%" PRIx64 "ULL", hi);
	}
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
	{
		/*
		 * BCC's -b is per CPU; one ring serves all CPUs, as many bytes as BCC's and
		 * libbpf-tools' per-CPU buffers together (512 KiB on 2 CPUs: at ~850k opens/s
		 * saturating both CPUs, ~2% is lost and reported; -b 128 loses none there).
		 * The ring's pages count twice in RSS: libbpf maps them twice for wrap-around.
		 */
		uint64_t pages = env.buffer_pages ? env.buffer_pages : DEFAULT_PAGES;
		uint64_t bytes =
			pages * sysconf(_SC_PAGESIZE) * (uint64_t)libbpf_num_possible_cpus();
		uint64_t ring = 1;

		while (ring < bytes)
			ring <<= 1;
		err = err ?: bct_prog__define(p, "BCT_EVENTS_BYTES", "%" PRIu64 "ULL", ring);
	}
	if (err)
		pr_err("cannot set up the BPF program: %s", strerror(-err));
	return err;
}

/* --cgroupmap / --mntnsmap: the user's pinned hash map of u64 IDs, as BCC's tools take it. */
struct pinned {
	const char *path;
	const char *define; /* "CGROUPMAP", "MNTNSMAP" */
	int fd;
	struct bpf_map_info info;
};

static int open_pinned(struct pinned *pm)
{
	__u32 len = sizeof(pm->info);
	char link[64], target[64];
	ssize_t n;
	int err;

	pm->fd = bpf_obj_get(pm->path);
	if (pm->fd < 0) {
		err = -errno;
		pr_err("cannot open pinned BPF map '%s': %s", pm->path, strerror(-err));
		return err;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", pm->fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0 || (target[n] = '\0', strcmp(target, "anon_inode:bpf-map"))) {
		pr_err("'%s' is not a pinned BPF map", pm->path);
		return -EINVAL;
	}
	memset(&pm->info, 0, sizeof(pm->info));
	if (bpf_obj_get_info_by_fd(pm->fd, &pm->info, &len)) {
		err = -errno;
		pr_err("cannot read BPF map '%s': %s", pm->path, strerror(-err));
		return err;
	}
	if (pm->info.key_size != sizeof(__u64) ||
	    (pm->info.type != BPF_MAP_TYPE_HASH && pm->info.type != BPF_MAP_TYPE_LRU_HASH)) {
		pr_err("BPF map '%s' must be a hash map with 8-byte keys", pm->path);
		return -EINVAL;
	}
	return 0;
}

static int define_pinned(struct bct_prog *p, const struct pinned *pm)
{
	char name[32];
	int err;

	snprintf(name, sizeof(name), "FILTER_%s", pm->define);
	err = bct_prog__define(p, name, NULL);
	snprintf(name, sizeof(name), "%s_TYPE", pm->define);
	err = err ?: bct_prog__define(p, name, "%u", pm->info.type);
	snprintf(name, sizeof(name), "%s_VALUE_SIZE", pm->define);
	err = err ?: bct_prog__define(p, name, "%u", pm->info.value_size);
	snprintf(name, sizeof(name), "%s_FLAGS", pm->define);
	return err ?: bct_prog__define(p, name, "%u", pm->info.map_flags);
}

/* Puts the pinned map into the program's outer map (named like the option). */
static int attach_pinned(struct bct_prog *p, const struct pinned *pm, const char *outer)
{
	__u32 zero = 0;
	int err;

	if (!bpf_map_update_elem(bct_prog__map_fd(p, outer), &zero, &pm->fd, 0))
		return 0;
	err = -errno;
	pr_err("cannot use BPF map '%s': %s", pm->path, strerror(-err));
	return err;
}

/* --exec: the command's process, waiting until tracing is attached. */
struct child {
	pid_t pid; /* 0: none */
	int go_fd; /* write a byte to let it exec; -1 once done */
	int err_fd; /* its exec error (an int errno), or EOF when exec succeeded */
};

static int spawn_waiting(char **argv, struct child *c)
{
	int go[2], er[2], err;
	char byte;

	if (pipe2(go, O_CLOEXEC))
		return -errno;
	if (pipe2(er, O_CLOEXEC)) {
		err = -errno;
		goto out_close_go;
	}
	c->pid = fork();
	if (c->pid < 0) {
		err = -errno;
		c->pid = 0;
		close(er[0]);
		close(er[1]);
		goto out_close_go;
	}
	if (c->pid == 0) {
		close(go[1]);
		close(er[0]);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (read(go[0], &byte, 1) != 1)
			_exit(127); /* the tracer failed: do not run untraced */
		execvp(argv[0], argv);
		err = errno;
		if (write(er[1], &err, sizeof(err)) != sizeof(err))
			_exit(126);
		_exit(127);
	}
	close(go[0]);
	close(er[1]);
	c->go_fd = go[1];
	c->err_fd = er[0];
	return 0;

out_close_go:
	close(go[0]);
	close(go[1]);
	return err;
}

/* After the child ended: 0, or -errno (logged) when its command could not be run. */
static int child_exec_error(struct child *c, char **argv)
{
	int e;

	if (read(c->err_fd, &e, sizeof(e)) != sizeof(e))
		return 0;
	pr_err("cannot run '%s': %s", argv[0], strerror(e));
	return -e;
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

/* Writes out what is buffered; false once stdout is gone (EPIPE: a clean stop). */
static bool flush_out(struct state *st)
{
	if (!st->out_err)
		st->out_err = bct_out__flush(st->out);
	return !st->out_err;
}

/*
 * Polls until Ctrl-C, -d, the --exec child's exit, or a closed stdout. Under load, drains
 * start at most every BATCH_US (the ring holds thousands of events, so nothing is lost, and
 * each drain's syscalls serve a big batch), and output is flushed every FLUSH_US; under light
 * load (a drain of few events) or when idle, at once.
 */
static int trace_loop(struct bct_buf *buf, struct state *st, struct child *child)
{
	uint64_t deadline = env.duration_ms ? mono_us() + env.duration_ms * 1000 : 0;
	uint64_t last_flush = mono_us();
	int timeout = child->pid ? 20 : 100;
	int err = 0;

	while (!bct_exiting) {
		uint64_t start = mono_us(), now;
		int t = timeout, n;

		if (deadline) {
			if (start >= deadline)
				break;
			if (deadline - start < (uint64_t)t * 1000)
				t = (deadline - start + 999) / 1000;
		}
		n = bct_buf__poll(buf, t);
		if (n < 0) {
			err = n;
			break;
		}
		now = mono_us();
		if (n < FLUSH_BELOW || now - last_flush >= FLUSH_US) {
			if (!flush_out(st))
				break;
			last_flush = now;
		}
		if (st->out_err)
			break;
		if (child->pid && waitpid(child->pid, NULL, WNOHANG) == child->pid) {
			child->pid = 0;
			/* its last opens are already in the ring: drain them, then stop */
			while (!st->out_err && bct_buf__poll(buf, 0) > 0)
				;
			err = child_exec_error(child, env.exec_argv);
			break;
		}
		if (n > 0 && now - start < BATCH_US) {
			struct timespec ts = { 0, (BATCH_US - (now - start)) * 1000 };

			nanosleep(&ts, NULL); /* a signal ends it early */
		}
	}
	if (!st->out_err)
		flush_out(st);
	return err;
}

/* Everything a run holds, released by stop(). */
struct run {
	struct bct_prog *p;
	struct bct_buf *buf;
	struct state st;
	struct child child;
	int cg_fd;
	struct pinned cgroupmap;
	struct pinned mntnsmap;
};

/* Load, filters, output, attach, header, then let the --exec command go. Logs failures. */
static int start(struct run *r)
{
	int err;

	if (env.cgroup) {
		r->cg_fd = bct_cgroup_open(env.cgroup);
		if (r->cg_fd < 0)
			return r->cg_fd;
	}
	if (env.cgroupmap) {
		err = open_pinned(&r->cgroupmap);
		err = err ?: define_pinned(r->p, &r->cgroupmap);
		if (err)
			return err;
	}
	if (env.mntnsmap) {
		err = open_pinned(&r->mntnsmap);
		err = err ?: define_pinned(r->p, &r->mntnsmap);
		if (err)
			return err;
	}
	if (env.exec_argv) {
		err = spawn_waiting(env.exec_argv, &r->child);
		if (err) {
			pr_err("cannot start '%s': %s", env.exec_argv[0], strerror(-err));
			return err;
		}
	}
	bct_signals_install();
	err = add_defines(r->p, r->child.pid);
	if (err)
		return err;
	err = bct_prog__load(r->p);
	if (err)
		return err;
	if (r->cg_fd >= 0) {
		__u32 zero = 0;

		if (bpf_map_update_elem(bct_prog__map_fd(r->p, "cgroup_filter"), &zero, &r->cg_fd,
					0)) {
			err = -errno;
			pr_err("cannot set the cgroup filter: %s", strerror(-err));
			return err;
		}
	}
	if (env.cgroupmap) {
		err = attach_pinned(r->p, &r->cgroupmap, "cgroupmap");
		if (err)
			return err;
	}
	if (env.mntnsmap) {
		err = attach_pinned(r->p, &r->mntnsmap, "mntnsmap");
		if (err)
			return err;
	}
	r->st.self = getpid();
	r->st.out = new_out();
	if (!r->st.out) {
		err = -errno;
		pr_err("cannot set up the output: %s", strerror(-err));
		return err;
	}
	r->buf = bct_buf__new(r->p, on_event, &r->st);
	if (!r->buf)
		return -errno;
	err = bct_prog__attach(r->p);
	if (err)
		return err;
	bct_buf__set_lost_fn(r->buf, bct_out_lost, r->st.out);
	r->st.out_err = bct_out__header(r->st.out);
	if (!flush_out(&r->st))
		return 0; /* stdout is gone already: nothing to do */
	if (r->child.go_fd >= 0) {
		if (write(r->child.go_fd, "g", 1) != 1) {
			err = -errno;
			pr_err("cannot start '%s': %s", env.exec_argv[0], strerror(-err));
			return err;
		}
		close(r->child.go_fd);
		r->child.go_fd = -1;
	}
	return 0;
}

static void stop(struct run *r)
{
	if (r->child.go_fd >= 0) {
		/* set-up failed: the waiting child exits without running the command */
		close(r->child.go_fd);
		waitpid(r->child.pid, NULL, 0);
	} else if (r->child.pid) {
		waitpid(r->child.pid, NULL, WNOHANG); /* reap it if it is done; never kill it */
	}
	if (r->child.err_fd >= 0)
		close(r->child.err_fd);
	bct_buf__free(r->buf);
	bct_prog__destroy(r->p);
	bct_out__free(r->st.out);
	if (r->cg_fd >= 0)
		close(r->cg_fd);
	if (r->cgroupmap.fd >= 0)
		close(r->cgroupmap.fd);
	if (r->mntnsmap.fd >= 0)
		close(r->mntnsmap.fd);
	if (r->st.out_err == -EPIPE) {
		/* the reader is gone: a clean stop; what is still buffered cannot be delivered */
		__fpurge(stdout);
		clearerr(stdout);
		r->st.out_err = 0;
	}
}

int cmd_opensnoop(int argc, char **argv)
{
	struct bct_prog_opts popts = { .src_name = needs_opensnoop.src_name, .hooks = hooks };
	struct run r = {
		.child = { .pid = 0, .go_fd = -1, .err_fd = -1 },
		.cg_fd = -1,
		.cgroupmap = { .define = "CGROUPMAP", .fd = -1 },
		.mntnsmap = { .define = "MNTNSMAP", .fd = -1 },
	};
	int err;

	err = argp_parse(&argp, argc, argv, 0, NULL, &env);
	if (err)
		return 2;
	if (env.bad_flag) {
		fprintf(stderr, "Bad flag: %s\n", env.bad_flag); /* BCC's words, exit 1 */
		return 1;
	}
	if (env.exec_argv && (env.pid || env.tid)) {
		pr_err("--exec cannot be used with %s", env.pid ? "-p/--pid" : "-t/--tid");
		return 1;
	}
	popts.common = &env.common;
	r.cgroupmap.path = env.cgroupmap;
	r.mntnsmap.path = env.mntnsmap;
	r.p = bct_prog__new(&popts);
	if (!r.p) {
		pr_err("cannot create BPF program: %s", strerror(errno));
		return 1;
	}
	if (env.common.ebpf) {
		err = add_defines(r.p, 0); /* --exec: FILTER_PID is the child's, known only later */
		if (!err)
			err = bct_prog__print_source(r.p, stdout);
	} else {
		err = start(&r);
		if (!err && !r.st.out_err)
			err = trace_loop(r.buf, &r.st, &r.child);
	}
	stop(&r);
	free(env.exec_argv);
	return err || r.st.out_err ? 1 : 0;
}
