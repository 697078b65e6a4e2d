// SPDX-License-Identifier: Apache-2.0
/*
 * capable: trace security capability checks (cap_capable()), one line per check.
 *
 * Interface of BCC's capable by Brendan Gregg; written anew, with --cgroup, --exec, --json
 * and the check's verdict in JSON where the kernel's tracepoint gives it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "capable.h"

static struct capable_env {
	struct bct_env kit; /* the shared options: -p, --cgroupmap, --exec, --json... */
	bool verbose;
	bool extra;
	bool unique;
	bool have_opts; /* the method chosen sees cap_opt (AUDIT, INSETID) */
} env;

#define OPT_UNIQUE 0x100

static const struct bct_opt opts[] = {
	BCT_FLAG('v', "verbose", &env.verbose, "include non-audit checks"),
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
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	bct_out__show(out, "tid", env.extra);
	bct_out__show(out, "audit", env.have_opts);
	bct_out__show(out, "insetid", env.extra && env.have_opts);
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct capable_event *e = data;
	const char *name = "?";
	char ts[16];
	time_t now;

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
	return err;
}

static int after_load(struct bct_prog *p, void *ctx)
{
	const char *m = bct_prog__method(p, "capability checks");

	env.have_opts = m && !strcmp(m, "kprobe");
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
	return bct_events_run(&s, &tool);
}
