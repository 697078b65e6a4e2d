// SPDX-License-Identifier: Apache-2.0
/*
 * mountsnoop: trace mount(), umount() and the new mount API calls (fsopen, fsconfig, fsmount,
 * move_mount) system-wide, one line per call, the call written out with its arguments.
 *
 * Interface of BCC's mountsnoop by Omar Sandoval (-P, --cgroupmap, --mntnsmap), with
 * libbpf-tools' -p and -t and its fs*() calls (Hengqi Chen, Rong Tao); written anew, with
 * --exec, --cgroup and --json.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "mountsnoop.h"

static struct mountsnoop_env {
	struct bct_env kit;
	bool parent;
	bool timestamp;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('P', "parent_process", &env.parent, "also snoop the parent process"),
	BCT_FLAG('t', "timestamp", &env.timestamp, "include timestamp on output"),
	{ 0 },
};

static const char doc[] =
	"trace mount() and umount() syscalls\n"
	"\v"
	"examples:\n"
	"    mountsnoop                      # trace mount, umount and fs*() syscalls\n"
	"    mountsnoop -P                   # also show the parent process\n"
	"    mountsnoop -t                   # include a HH:MM:SS timestamp\n"
	"    mountsnoop -p 1216              # only trace PID 1216\n"
	"    mountsnoop --mntnsmap mappath   # only trace mount namespaces in the map\n"
	"    mountsnoop --json               # one JSON object per call\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.doc = doc,
	.shared = { .pid = 'p', .cgroup = true, .cgroupmap = true, .exec = true },
};

/* --- attach methods: every program in bpf-src/mountsnoop.bpf.c --------------------------- */

#define FS_CALLS(kind, sec, event)                            \
	BCT_PROGS({ #kind "_fsopen", sec event(fsopen) },     \
		  { #kind "_fsconfig", sec event(fsconfig) }, \
		  { #kind "_fsmount", sec event(fsmount) },   \
		  { #kind "_move_mount", sec event(move_mount) })
#define EXIT_TP(name) "sys_exit_" #name

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS({ "kr_mount", "kretprobe/" BCT_SYS(mount) },
			     { "kr_umount", "kretprobe/" BCT_SYS(umount) }),
	  .optional_progs = FS_CALLS(kr, "kretprobe/", BCT_SYS) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "tp_mount", "tracepoint/syscalls/sys_exit_mount" },
			     { "tp_umount", "tracepoint/syscalls/sys_exit_umount" }),
	  .optional_progs = FS_CALLS(tp, "tracepoint/syscalls/", EXIT_TP) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "mount syscalls", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_mountsnoop = {
	.src_name = "mountsnoop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- the call, written out ---------------------------------------------------------------- */

struct flag_name {
	const char *name;
	uint64_t value;
};

#define MS_MGC_VAL 0xc0ed0000ULL
#define MS_MGC_MSK 0xffff0000ULL

/* BCC's names and order */
static const struct flag_name mount_flags[] = {
	{ "MS_RDONLY", 1 },
	{ "MS_NOSUID", 2 },
	{ "MS_NODEV", 4 },
	{ "MS_NOEXEC", 8 },
	{ "MS_SYNCHRONOUS", 16 },
	{ "MS_REMOUNT", 32 },
	{ "MS_MANDLOCK", 64 },
	{ "MS_DIRSYNC", 128 },
	{ "MS_NOATIME", 1024 },
	{ "MS_NODIRATIME", 2048 },
	{ "MS_BIND", 4096 },
	{ "MS_MOVE", 8192 },
	{ "MS_REC", 16384 },
	{ "MS_SILENT", 32768 },
	{ "MS_POSIXACL", 1 << 16 },
	{ "MS_UNBINDABLE", 1 << 17 },
	{ "MS_PRIVATE", 1 << 18 },
	{ "MS_SLAVE", 1 << 19 },
	{ "MS_SHARED", 1 << 20 },
	{ "MS_RELATIME", 1 << 21 },
	{ "MS_KERNMOUNT", 1 << 22 },
	{ "MS_I_VERSION", 1 << 23 },
	{ "MS_STRICTATIME", 1 << 24 },
	{ "MS_LAZYTIME", 1 << 25 },
	{ "MS_ACTIVE", 1 << 30 },
	{ "MS_NOUSER", 1ULL << 31 },
	{ NULL, 0 },
};

static const struct flag_name umount_flags[] = {
	{ "MNT_FORCE", 1 },	  { "MNT_DETACH", 2 }, { "MNT_EXPIRE", 4 },
	{ "UMOUNT_NOFOLLOW", 8 }, { NULL, 0 },
};

static const struct flag_name fsopen_flags[] = {
	{ "FSOPEN_CLOEXEC", 1 },
	{ NULL, 0 },
};

static const struct flag_name fsmount_flags[] = {
	{ "FSMOUNT_CLOEXEC", 1 },
	{ NULL, 0 },
};

static const struct flag_name mount_attr_flags[] = {
	{ "MOUNT_ATTR_RDONLY", 0x1 },
	{ "MOUNT_ATTR_NOSUID", 0x2 },
	{ "MOUNT_ATTR_NODEV", 0x4 },
	{ "MOUNT_ATTR_NOEXEC", 0x8 },
	{ "MOUNT_ATTR_NOATIME", 0x10 },
	{ "MOUNT_ATTR_STRICTATIME", 0x20 },
	{ "MOUNT_ATTR_NODIRATIME", 0x80 },
	{ "MOUNT_ATTR_IDMAP", 0x100000 },
	{ "MOUNT_ATTR_NOSYMFOLLOW", 0x200000 },
	{ NULL, 0 },
};

static const struct flag_name move_mount_flags[] = {
	{ "MOVE_MOUNT_F_SYMLINKS", 0x1 },
	{ "MOVE_MOUNT_F_AUTOMOUNTS", 0x2 },
	{ "MOVE_MOUNT_F_EMPTY_PATH", 0x4 },
	{ "MOVE_MOUNT_T_SYMLINKS", 0x10 },
	{ "MOVE_MOUNT_T_AUTOMOUNTS", 0x20 },
	{ "MOVE_MOUNT_T_EMPTY_PATH", 0x40 },
	{ "MOVE_MOUNT_SET_GROUP", 0x100 },
	{ "MOVE_MOUNT_BENEATH", 0x200 },
	{ NULL, 0 },
};

static const char *const fsconfig_cmds[] = {
	"FSCONFIG_SET_FLAG",   "FSCONFIG_SET_STRING",	   "FSCONFIG_SET_BINARY",
	"FSCONFIG_SET_PATH",   "FSCONFIG_SET_PATH_EMPTY",  "FSCONFIG_SET_FD",
	"FSCONFIG_CMD_CREATE", "FSCONFIG_CMD_RECONFIGURE", "FSCONFIG_CMD_CREATE_EXCL",
};

static const char *const op_names[MOUNTSNOOP_NOPS] = {
	"mount", "umount", "fsopen", "fsconfig", "fsmount", "move_mount",
};

/* A growing text: appends stop quietly at the end of the buffer. */
struct text {
	char *buf;
	size_t sz, len;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= t->sz)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->sz - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = t->len + (size_t)n < t->sz ? t->len + (size_t)n : t->sz;
}

/*
 * BCC's flag text: the names of the bits set, joined by '|', then the unnamed rest in hex;
 * "0x0" when nothing is set.
 */
static void put_flags(struct text *t, uint64_t v, const struct flag_name *names)
{
	int cnt = 0;

	for (; names->name; names++) {
		if (!(v & names->value))
			continue;
		put(t, "%s%s", cnt++ ? "|" : "", names->name);
		v &= ~names->value;
	}
	if (v || !cnt)
		put(t, "%s0x%" PRIx64, cnt ? "|" : "", v);
}

static void put_mount_flags(struct text *t, uint64_t v)
{
	if ((v & MS_MGC_MSK) == MS_MGC_VAL) {
		v &= ~MS_MGC_MSK;
		put(t, "MS_MGC_VAL|");
	}
	put_flags(t, v, mount_flags);
}

/* A string argument as BCC quotes it: C escapes, \xNN for other bytes; "..." when cut. */
static void put_str(struct text *t, const struct mountsnoop_event *e, int i)
{
	const unsigned char *s = (const unsigned char *)e->str[i];
	size_t n = strnlen(e->str[i], MOUNTSNOOP_STR_LEN), k;

	put(t, "\"");
	for (k = 0; k < n; k++) {
		unsigned char c = s[k];

		switch (c) {
		case '\a':
			put(t, "\\a");
			break;
		case '\b':
			put(t, "\\b");
			break;
		case '\t':
			put(t, "\\t");
			break;
		case '\n':
			put(t, "\\n");
			break;
		case '\v':
			put(t, "\\v");
			break;
		case '\f':
			put(t, "\\f");
			break;
		case '\r':
			put(t, "\\r");
			break;
		case '"':
			put(t, "\\\"");
			break;
		case '\\':
			put(t, "\\\\");
			break;
		default:
			if (c >= 0x20 && c <= 0x7e)
				put(t, "%c", c);
			else
				put(t, "\\x%02x", c);
		}
	}
	put(t, "%s\"", e->info & MOUNTSNOOP_TRUNC(i) ? "..." : "");
}

/* BCC's return value: "-ENOENT" for an error it can name, else the number. */
static void put_ret(struct text *t, int ret)
{
	const char *name = ret < 0 ? strerrorname_np(-ret) : NULL;

	if (name)
		put(t, " = -%s", name);
	else
		put(t, " = %d", ret);
}

static void put_dfd(struct text *t, int fd)
{
	if (fd == AT_FDCWD)
		put(t, "AT_FDCWD");
	else
		put(t, "%d", fd);
}

static void render_call(struct text *t, const struct mountsnoop_event *e)
{
	put(t, "%s(", op_names[e->op]);
	switch (e->op) {
	case MOUNTSNOOP_MOUNT:
		put_str(t, e, 0);
		put(t, ", ");
		put_str(t, e, 1);
		put(t, ", ");
		put_str(t, e, 2);
		put(t, ", ");
		put_mount_flags(t, e->flags);
		put(t, ", ");
		put_str(t, e, 3);
		break;
	case MOUNTSNOOP_UMOUNT:
		put_str(t, e, 0);
		put(t, ", ");
		put_flags(t, e->flags, umount_flags);
		break;
	case MOUNTSNOOP_FSOPEN:
		put_str(t, e, 0);
		put(t, ", ");
		put_flags(t, e->flags, fsopen_flags);
		break;
	case MOUNTSNOOP_FSCONFIG:
		put(t, "%d, ", e->fd);
		if (e->cmd < sizeof(fsconfig_cmds) / sizeof(fsconfig_cmds[0]))
			put(t, "%s, ", fsconfig_cmds[e->cmd]);
		else
			put(t, "%u, ", e->cmd);
		put_str(t, e, 0);
		put(t, ", ");
		put_str(t, e, 1);
		put(t, ", %d", e->aux);
		break;
	case MOUNTSNOOP_FSMOUNT:
		put(t, "%d, ", e->fd);
		put_flags(t, e->flags, fsmount_flags);
		put(t, ", ");
		put_flags(t, e->attr_flags, mount_attr_flags);
		break;
	case MOUNTSNOOP_MOVE_MOUNT:
		put_dfd(t, e->fd);
		put(t, ", ");
		put_str(t, e, 0);
		put(t, ", ");
		put_dfd(t, e->fd2);
		put(t, ", ");
		put_str(t, e, 1);
		put(t, ", ");
		put_flags(t, e->flags, move_mount_flags);
		break;
	}
	put(t, ")");
	put_ret(t, e->ret);
}

/* --- output ------------------------------------------------------------------------------- */

/* BCC's "{:16} {:<7} {:<7} [{:16} {:<7} ]{:<11} {}", libbpf-tools' "%-8s " time first. */
static const struct bct_col cols[] = {
	{ "TS", "ts", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TIME", "time", 8, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_TEXT_ONLY, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "TID", "tid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "PCOMM", "pcomm", 16, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "PPID", "ppid", 7, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "MNT_NS", "mnt_ns", 11, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "SYSCALL", "syscall", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "RET", "ret", 0, BCT_COL_INT, BCT_COL_JSON_ONLY, 0 },
	{ "FLAGS", "flags", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "SOURCE", "source", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "TARGET", "target", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "FSTYPE", "fstype", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "DATA", "data", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "CALL", "call", 0, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_ESCAPED, 0 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	if (bct_out__json(out)) {
		bct_out__show(out, "pcomm", true);
		bct_out__show(out, "ppid", true);
		return;
	}
	bct_out__show(out, "time", env.timestamp);
	bct_out__show(out, "pcomm", env.parent);
	bct_out__show(out, "ppid", env.parent);
}

static void out_str(struct bct_out *out, const struct mountsnoop_event *e, int i, bool has)
{
	if (has)
		bct_out__strn(out, e->str[i], MOUNTSNOOP_STR_LEN);
	else
		bct_out__none(out);
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct mountsnoop_event *e = data;
	char call[4 * 4 * MOUNTSNOOP_STR_LEN + 512], hms[16] = "";
	struct text t = { call, sizeof(call), 0 };
	bool mount = e->op == MOUNTSNOOP_MOUNT, umount = e->op == MOUNTSNOOP_UMOUNT;

	if (size < sizeof(*e) || e->op >= MOUNTSNOOP_NOPS)
		return 0;
	call[0] = 0;
	render_call(&t, e);
	if (env.timestamp) {
		time_t now = time(NULL);
		struct tm tm;

		strftime(hms, sizeof(hms), "%H:%M:%S", localtime_r(&now, &tm));
	}

	bct_out__uint(out, e->ts);
	bct_out__str(out, hms);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->tid);
	bct_out__strn(out, e->pcomm, sizeof(e->pcomm));
	bct_out__uint(out, e->ppid);
	bct_out__uint(out, e->mnt_ns);
	bct_out__str(out, op_names[e->op]);
	bct_out__int(out, e->ret);
	if (e->op == MOUNTSNOOP_FSCONFIG)
		bct_out__none(out);
	else if (e->op == MOUNTSNOOP_FSMOUNT || e->op == MOUNTSNOOP_MOVE_MOUNT ||
		 e->op == MOUNTSNOOP_FSOPEN || mount || umount)
		bct_out__uint(out, e->flags);
	out_str(out, e, 0, mount);
	out_str(out, e, mount ? 1 : 0, mount || umount);
	out_str(out, e, 2, mount);
	out_str(out, e, 3, mount);
	bct_out__str(out, call);
	return bct_out__end(out);
}

int cmd_mountsnoop(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { 0 };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_mountsnoop, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
