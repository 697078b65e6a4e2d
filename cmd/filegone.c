// SPDX-License-Identifier: Apache-2.0
/*
 * filegone: trace why a file is gone (deleted or renamed), one line per file.
 *
 * Interface of BCC's filegone by Curu Wong (after Brendan Gregg's filelife); written anew,
 * with -n, -d, --cgroup, --exec and --json. Without kprobes the calls are traced at the
 * system calls (see bpf-src/filegone.bpf.c and the man page).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "events.h"
#include "prog.h"
#include "filegone.h"

static struct filegone_env {
	struct bct_env kit; /* the shared options: -p, -n, -d, --cgroup, --exec, --json... */
} env;

static const char doc[] = "Trace why file gone (deleted or renamed)\n"
			  "\v"
			  "examples:\n"
			  "    filegone             # trace all file gone events\n"
			  "    filegone -p 181      # only trace PID 181\n"
			  "    filegone -n rm       # only commands containing \"rm\"\n"
			  "    filegone -d 10       # trace for 10 seconds only\n"
			  "    filegone --exec make clean  # run a command, trace only it\n"
			  "    filegone --json      # one JSON object per file\n";

static const struct bct_tool_args args = {
	.parser = bct_no_args,
	.doc = doc,
	.shared = { .pid = 'p', .comm = 'n', .duration = 'd', .cgroup = true, .exec = true },
};

/* --- attach methods: every program in bpf-src/filegone.bpf.c ---------------------------- */

#define EXIT_TP(name) BCT_PROG("tp_" #name, "tracepoint/syscalls/sys_exit_" #name)

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("kp_unlink", "kprobe/vfs_unlink"),
			     BCT_PROG("kp_rmdir", "kprobe/vfs_rmdir"),
			     BCT_PROG("kp_rename", "kprobe/vfs_rename")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(EXIT_TP(unlinkat), EXIT_TP(renameat2)),
	  .optional_progs =
		  BCT_PROGS(EXIT_TP(unlink), EXIT_TP(rmdir), EXIT_TP(rename), EXIT_TP(renameat)),
	  .approx = "the syscalls that succeeded, FILE: the last part of the path passed" },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "unlink and rename", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_filegone = {
	.src_name = "filegone.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/* BCC's "%-8s %-7d %-16s %6s %s"; FILE is "old > new" for a rename. */
static const struct bct_col cols[] = {
	{ "TIME", "time", 8, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "ACTION", "action", 6, BCT_COL_STR, 0, 0 },
	{ "FILE", "file_text", 0, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "FILE", "file", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "NEWFILE", "new_file", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 }, /* renames only */
	{ "PATH", "path", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 }, /* tracepoint method only */
	{ "NEWPATH", "new_path", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ NULL },
};

/*
 * The name a path ends with, as the kernel's dentry would name it ("a/b/" -> "b"), in buf;
 * a path of slashes only is "/".
 */
static const char *last_part(const char *path, size_t max, char *buf, size_t sz)
{
	size_t len = strnlen(path, max), start;

	while (len > 1 && path[len - 1] == '/')
		len--;
	start = len;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (len == 1 && path[0] == '/')
		start = 0;
	if (len - start >= sz)
		len = start + sz - 1;
	memcpy(buf, path + start, len - start);
	buf[len - start] = '\0';
	return buf;
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct filegone_event *e = data;
	bool paths, rename;
	char ts[16], name[FILEGONE_NAME_LEN], name2[FILEGONE_NAME_LEN];
	char text[2 * FILEGONE_NAME_LEN + 4];
	time_t now;

	if (size < sizeof(*e))
		return 0;
	paths = e->info & FILEGONE_PATHS;
	rename = e->action == FILEGONE_RENAME;
	if (paths) {
		last_part(e->name, sizeof(e->name), name, sizeof(name));
		last_part(e->name2, sizeof(e->name2), name2, sizeof(name2));
	} else {
		snprintf(name, sizeof(name), "%.*s", (int)sizeof(e->name), e->name);
		snprintf(name2, sizeof(name2), "%.*s", (int)sizeof(e->name2), e->name2);
	}
	if (rename)
		snprintf(text, sizeof(text), "%s > %s", name, name2);
	else
		snprintf(text, sizeof(text), "%s", name);
	now = time(NULL);
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	bct_out__str(out, ts);
	bct_out__uint(out, e->pid);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	bct_out__str(out, rename ? "RENAME" : "DELETE");
	bct_out__str(out, text);
	bct_out__str(out, name);
	if (rename)
		bct_out__str(out, name2);
	else
		bct_out__none(out);
	if (paths)
		bct_out__strn(out, e->name, sizeof(e->name));
	else
		bct_out__none(out);
	if (paths && rename)
		bct_out__strn(out, e->name2, sizeof(e->name2));
	else
		bct_out__none(out);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

int cmd_filegone(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event };
	struct bct_session s = { 0 };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_filegone, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
