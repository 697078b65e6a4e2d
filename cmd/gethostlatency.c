// SPDX-License-Identifier: Apache-2.0
/*
 * gethostlatency: show the latency of host name look-ups (getaddrinfo(), gethostbyname(),
 * gethostbyname2()), one line per call.
 *
 * Interface of BCC's gethostlatency by Brendan Gregg (perf output by Allan McAleavy); written
 * anew: entry and return probes on the functions in libc, attached by symbol (lib/uprobe.h).
 * --json adds the TID and which function was called.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "uprobe.h"
#include "gethostlatency.h"

static struct gethostlatency_env {
	struct bct_env kit; /* -p, --json, --ebpf, --debug */
} env;

static const char doc[] = "Show latency for getaddrinfo/gethostbyname[2] calls\n"
			  "\v"
			  "examples:\n"
			  "    gethostlatency           # time getaddrinfo/gethostbyname[2] calls\n"
			  "    gethostlatency -p 181    # only trace PID 181\n"
			  "    gethostlatency --json    # one JSON object per call\n";

static const struct bct_tool_args args = {
	.parser = bct_no_args,
	.doc = doc,
	.shared = { .pid = 'p' },
};

/* --- attach methods: every program in bpf-src/gethostlatency.bpf.c ---------------------- */

static const struct bct_method methods[] = {
	{ .name = "uprobe",
	  .progs = BCT_PROGS(BCT_PROG("getaddrinfo_entry", "uprobe"),
			     BCT_PROG("gethostbyname_entry", "uprobe"),
			     BCT_PROG("gethostbyname2_entry", "uprobe"),
			     BCT_PROG("lookup_return", "uretprobe")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "libc host look-ups", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_gethostlatency = {
	.src_name = "gethostlatency.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

static const char *const call_names[GETHOSTLATENCY_NCALLS] = {
	[GETHOSTLATENCY_GETADDRINFO] = "getaddrinfo",
	[GETHOSTLATENCY_GETHOSTBYNAME] = "gethostbyname",
	[GETHOSTLATENCY_GETHOSTBYNAME2] = "gethostbyname2",
};

/* BCC's "%-9s %-7d %-16s %10.2f %s" */
static const struct bct_col cols[] = {
	{ "TIME", "time", 9, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "TID", "tid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "CALL", "call", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "LATms", "lat_ms", 10, BCT_COL_DOUBLE, 0, 2 },
	{ "HOST", "host", 0, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ NULL },
};

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct gethostlatency_event *e = data;
	char hms[16];
	struct tm tm;
	time_t now;

	if (size < sizeof(*e))
		return 0;
	now = time(NULL);
	strftime(hms, sizeof(hms), "%H:%M:%S", localtime_r(&now, &tm));
	bct_out__str(out, hms);
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->tid);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	bct_out__str(out, e->call < GETHOSTLATENCY_NCALLS ? call_names[e->call] : "?");
	bct_out__double(out, (double)e->delta_ns / 1e6);
	bct_out__strn(out, e->host, sizeof(e->host));
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int after_load(struct bct_prog *p, void *ctx)
{
	static const struct {
		const char *sym, *entry;
	} funcs[] = {
		{ "getaddrinfo", "getaddrinfo_entry" },
		{ "gethostbyname", "gethostbyname_entry" },
		{ "gethostbyname2", "gethostbyname2_entry" },
	};
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]) && !err; i++) {
		struct bct_uprobe u = { .prog = funcs[i].entry,
					.lib = "c",
					.sym = funcs[i].sym,
					.pid = env.kit.filter.pid };

		err = bct_uprobe_attach(p, &u);
		u.prog = "lookup_return";
		u.ret = true;
		err = err ?: bct_uprobe_attach(p, &u);
	}
	return err;
}

int cmd_gethostlatency(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event };
	struct bct_session s = { .after_load = after_load };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_gethostlatency, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
