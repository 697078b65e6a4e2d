// SPDX-License-Identifier: Apache-2.0
/*
 * threadsnoop: list new threads as pthread_create() starts them, one line per call.
 *
 * Interface of BCC's threadsnoop by Brendan Gregg (no options); written anew, with --json. The
 * start routine's address is named with the calling process's own symbols, read from the
 * files it has mapped (lib/elfsym.h bct_proc_sym()); when the process is gone or no symbol
 * holds the address, it shows in hex, as BCC prints it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "elfsym.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "uprobe.h"
#include "threadsnoop.h"

static struct threadsnoop_env {
	struct bct_env kit; /* --json, --ebpf, --debug */
	uint64_t first_ns; /* the first event's time: TIME(ms) counts from it */
	bool seen;
} env;

static const char doc[] = "List new thread creation.\n"
			  "\v"
			  "examples:\n"
			  "    threadsnoop           # trace pthread_create() calls\n"
			  "    threadsnoop --json    # one JSON object per call\n";

static const struct bct_tool_args args = {
	.parser = bct_no_args,
	.doc = doc,
};

/* --- attach methods: every program in bpf-src/threadsnoop.bpf.c ------------------------- */

static const struct bct_method methods[] = {
	{ .name = "uprobe", .progs = BCT_PROGS(BCT_PROG("pthread_create_entry", "uprobe")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "pthread_create", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_threadsnoop = {
	.src_name = "threadsnoop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/* BCC's "%-10d %-7d %-16s %s" */
static const struct bct_col cols[] = {
	{ "TIME(ms)", "time_ms", 10, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "TID", "tid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "FUNC", "func", 0, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "ADDR", "addr", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ NULL },
};

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct threadsnoop_event *e = data;
	char func[256], addr[32];

	if (size < sizeof(*e))
		return 0;
	if (!env.seen) {
		env.first_ns = e->ts_ns;
		env.seen = true;
	}
	snprintf(addr, sizeof(addr), "0x%" PRIx64, (uint64_t)e->start);
	if (bct_proc_sym((pid_t)e->pid, e->start, func, sizeof(func), NULL))
		snprintf(func, sizeof(func), "%s", addr);
	bct_out__uint(out, e->ts_ns > env.first_ns ? (e->ts_ns - env.first_ns) / 1000000 : 0);
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->tid);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	bct_out__str(out, func);
	bct_out__str(out, addr);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

/* BCC's choice: libpthread when it defines pthread_create, else libc (glibc 2.34 and later). */
static int after_load(struct bct_prog *p, void *ctx)
{
	struct bct_uprobe u = { .prog = "pthread_create_entry",
				.lib = "c",
				.sym = "pthread_create" };
	char path[4096];
	uint64_t off;

	if (!bct_elf_lib_path("pthread", path, sizeof(path)) &&
	    !bct_elf_sym_offset(path, u.sym, &off))
		u.lib = "pthread";
	return bct_uprobe_attach(p, &u);
}

int cmd_threadsnoop(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event };
	struct bct_session s = { .after_load = after_load };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_threadsnoop, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
