// SPDX-License-Identifier: Apache-2.0
/*
 * capable: trace security capability checks (cap_capable()), one line per check.
 *
 * Interface of BCC's capable by Brendan Gregg; written anew, with --cgroup, --exec, --json
 * and the check's verdict in JSON where the kernel's tracepoint gives it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "stack.h"
#include "capable.h"

static struct capable_env {
	struct bct_env kit; /* the shared options: -p, --cgroupmap, --exec, --json... */
	bool verbose;
	bool extra;
	bool unique;
	bool kernel_stack; /* -K */
	bool user_stack; /* -U */
	bool have_opts; /* the method chosen sees cap_opt (AUDIT, INSETID) */
	int stack_fd; /* -K/-U: the stack_traces map */
	struct bct_ksyms *ksyms;
	struct bct_usyms *usyms;
} env = { .stack_fd = -1 };

#define OPT_UNIQUE 0x100

static const struct bct_opt opts[] = {
	BCT_FLAG('v', "verbose", &env.verbose, "include non-audit checks"),
	BCT_FLAG('K', "kernel-stack", &env.kernel_stack, "output kernel stack trace"),
	BCT_FLAG('U', "user-stack", &env.user_stack, "output user stack trace"),
	BCT_FLAG('x', "extra", &env.extra, "show extra fields in TID and INSETID columns"),
	BCT_FLAG(OPT_UNIQUE, "unique", &env.unique,
		 "don't repeat stacks for the same pid or cgroup"),
	{ 0 },
};

static const char doc[] =
	"Trace security capability checks\n"
	"\v"
	"examples:\n"
	"    capable             # trace capability checks\n"
	"    capable -v          # verbose: include non-audit checks\n"
	"    capable -p 181      # only trace PID 181\n"
	"    capable -K          # add kernel stacks to trace\n"
	"    capable -U          # add user-space stacks to trace\n"
	"    capable -x          # extra fields: show TID and INSETID columns\n"
	"    capable --unique    # don't repeat for the same pid or cgroup\n"
	"    capable --cgroupmap mappath  # only trace cgroups in this BPF map\n"
	"    capable --mntnsmap mappath   # only trace mount namespaces in the map\n"
	"    capable --exec ./setup.sh    # run setup.sh, trace only it\n"
	"    capable --json      # one JSON object per check\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = bct_no_args,
	.doc = doc,
	.shared = { .pid = 'p', .cgroup = true, .cgroupmap = true, .exec = true },
};

/* --- attach methods: every program in bpf-src/capable.bpf.c ------------------------------ */

static const struct bct_method methods[] = {
	{ .name = "kprobe", .progs = BCT_PROGS(BCT_PROG("kp_cap_capable", "kprobe/cap_capable")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_cap_capable", "tracepoint/capability/cap_capable")),
	  .approx = "no AUDIT/INSETID column; -v is implied (audited or not, every check shows)" },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "capability checks", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_capable = {
	.src_name = "capable.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/* include/uapi/linux/capability.h's numbers */
static const char *const cap_names[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

/*
 * BCC's "%-9s %-6d %-6d %-16s %-4d %-20s %-6d", and under -x
 * "%-9s %-6d %-6d %-6d %-16s %-4d %-20s %-6d %s".
 */
static const struct bct_col cols[] = {
	{ "TIME", "time", 9, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "UID", "uid", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "TID", "tid", 6, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "CAP", "cap", 4, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ "NAME", "name", 20, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "AUDIT", "audit", 6, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ "INSETID", "insetid", 0, BCT_COL_STR, BCT_COL_HIDDEN, 0 },
	{ "VERDICT", "verdict", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 }, /* tracepoint only */
	/* -K/-U under --json (in text the frames are lines under the row) */
	{ "KSTACK", "kernel_stack", 0, BCT_COL_STR, BCT_COL_HIDDEN, 0 },
	{ "USTACK", "user_stack", 0, BCT_COL_STR, BCT_COL_HIDDEN, 0 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	bct_out__show(out, "tid", env.extra);
	bct_out__show(out, "audit", env.have_opts);
	bct_out__show(out, "insetid", env.extra && env.have_opts);
	bct_out__show(out, "kernel_stack", env.kernel_stack && bct_out__json(out));
	bct_out__show(out, "user_stack", env.user_stack && bct_out__json(out));
}

/*
 * One stack's frames, leaf first, as BCC's print_stack(): under the row, "        " and the
 * frame ("func+0x1a [module]"), "    [Missed Kernel Stack]" when the kernel could not record
 * it, nothing when there is none (-EFAULT: a kernel thread's user stack). For --json, the
 * frames joined by ";" into one string, leaf first (empty when there are none).
 */
static int print_stack(struct bct_out *out, int32_t id, bool user, pid_t pid, char *joined,
		       size_t jsz)
{
	uint64_t ips[BCT_STACK_MAX_DEPTH];
	char frame[512], line[520];
	size_t used = 0;
	int n, i, err = 0;

	joined[0] = '\0';
	if (id < 0) {
		if (id == -EFAULT || bct_out__json(out))
			return 0;
		return bct_out__text(out, user ? "    [Missed User Stack]"
					       : "    [Missed Kernel Stack]");
	}
	n = bct_stack_read(env.stack_fd, id, ips, BCT_STACK_MAX_DEPTH);
	if (user)
		bct_usyms_forget(env.usyms, pid); /* events are rare; the process may have exec'd */
	for (i = 0; i < n && !err; i++) {
		if (user)
			bct_usyms_frame(env.usyms, pid, ips[i], frame, sizeof(frame));
		else
			bct_ksyms_frame(env.ksyms, ips[i], frame, sizeof(frame));
		if (bct_out__json(out)) {
			int w = snprintf(joined + used, jsz - used, "%s%s", used ? ";" : "", frame);

			if (w > 0 && (size_t)w < jsz - used)
				used += w;
		} else {
			snprintf(line, sizeof(line), "        %s", frame);
			err = bct_out__text(out, line);
		}
	}
	return err;
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct capable_event *e = data;
	static char kjoined[8192], ujoined[8192]; /* "" unless -K/-U */
	const char *name = "?";
	char ts[16];
	time_t now;
	int err;

	if (size < sizeof(*e))
		return 0;
	if (e->cap >= 0 && e->cap < (int)(sizeof(cap_names) / sizeof(cap_names[0])))
		name = cap_names[e->cap];
	now = time(NULL);
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	bct_out__str(out, ts);
	bct_out__uint(out, e->uid);
	bct_out__uint(out, e->tgid);
	bct_out__uint(out, e->tid);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	bct_out__int(out, e->cap);
	bct_out__str(out, name);
	bct_out__int(out, e->audit);
	bct_out__str(out, e->insetid == CAPABLE_UNKNOWN ? "N/A" : e->insetid ? "1" : "0");
	if (e->ret == CAPABLE_NO_VERDICT)
		bct_out__none(out);
	else
		bct_out__str(out, e->ret == 0 ? "allow" : "deny");
	if (!bct_out__json(out)) {
		err = bct_out__end(out);
		if (env.kernel_stack)
			err = err
				      ?: print_stack(out, e->kstack, false, 0, kjoined,
						     sizeof(kjoined));
		if (env.user_stack)
			err = err
				      ?: print_stack(out, e->ustack, true, e->tgid, ujoined,
						     sizeof(ujoined));
		return err;
	}
	if (env.kernel_stack)
		print_stack(out, e->kstack, false, 0, kjoined, sizeof(kjoined));
	if (env.user_stack)
		print_stack(out, e->ustack, true, e->tgid, ujoined, sizeof(ujoined));
	bct_out__str(out, kjoined);
	bct_out__str(out, ujoined);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (!env.verbose)
		err = bct_prog__define(p, "FILTER_AUDIT", NULL);
	if (env.unique)
		err = err ?: bct_prog__define(p, "UNIQUE", NULL);
	if (env.unique && env.kit.filter.cgroupmap)
		err = err ?: bct_prog__define(p, "UNIQUE_CGROUP", NULL);
	if (env.kernel_stack || env.user_stack) {
		/* BCC's BPF_STACK_TRACE(stacks, 2048) */
		err = err ?: bct_prog__define(p, "CAPABLE_STACKS", NULL);
		err = err ?: bct_prog__define(p, "BCT_STACK_STORAGE", "2048");
	}
	if (!env.kernel_stack)
		err = err ?: bct_prog__define(p, "BCT_STACK_NO_KERNEL", NULL);
	if (!env.user_stack)
		err = err ?: bct_prog__define(p, "BCT_STACK_NO_USER", NULL);
	return err;
}

static int after_load(struct bct_prog *p, void *ctx)
{
	const char *m = bct_prog__method(p, "capability checks");

	env.have_opts = m && !strcmp(m, "kprobe");
	if (!env.kernel_stack && !env.user_stack)
		return 0;
	env.stack_fd = bct_prog__map_fd(p, "stack_traces");
	if (env.stack_fd < 0)
		return env.stack_fd;
	if (env.kernel_stack) {
		env.ksyms = bct_ksyms_load(NULL);
		if (!env.ksyms) {
			pr_err("cannot read kernel symbols from /proc/kallsyms: %s",
			       strerror(errno));
			return -errno;
		}
	}
	if (env.user_stack && !(env.usyms = bct_usyms_new()))
		return -ENOMEM;
	return 0;
}

int cmd_capable(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_capable, NULL))
		return 1;
	rc = bct_events_run(&s, &tool);
	bct_ksyms_free(env.ksyms);
	bct_usyms_free(env.usyms);
	return rc;
}
