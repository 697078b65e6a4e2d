// SPDX-License-Identifier: Apache-2.0
/*
 * oomkill: trace the kernel's OOM killer, one line per process it kills, with the load
 * averages of that moment.
 *
 * Interface of BCC's oomkill by Brendan Gregg; written anew, with --json.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "oomkill.h"

static struct oomkill_env {
	struct bct_env kit; /* the shared options: --json, --ebpf... */
} env;

static const char doc[] = "Trace OOM kills\n"
			  "\v"
			  "examples:\n"
			  "    oomkill             # trace OOM kills\n"
			  "    oomkill --json      # one JSON object per OOM kill\n";

static const struct bct_tool_args args = {
	.parser = bct_no_args,
	.doc = doc,
};

/* --- attach methods: every program in bpf-src/oomkill.bpf.c ------------------------------ */

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("kp_oom_kill_process", "kprobe/oom_kill_process")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_mark_victim", "tracepoint/oom/mark_victim")),
	  .approx = "'N pages' is the victim's RSS, not the OOM domain's total pages" },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "OOM kills", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_oomkill = {
	.src_name = "oomkill.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/*
 * BCC's one line, "%s Triggered by PID %d (\"%s\"), OOM kill of PID %d (\"%s\"), %d pages,
 * loadavg: %s", is one text column whose header is BCC's banner; JSON has the fields.
 */
static const struct bct_col cols[] = {
	{ "Tracing OOM kills... Ctrl-C to stop.", "line", 0, BCT_COL_STR, BCT_COL_TEXT_ONLY, 0 },
	{ "TIME", "time", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "FPID", "fpid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "FCOMM", "fcomm", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "TPID", "tpid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TCOMM", "tcomm", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "PAGES", "pages", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "LOADAVG", "loadavg", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ NULL },
};

static void read_loadavg(char *buf, size_t sz)
{
	FILE *f = fopen("/proc/loadavg", "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sz - 1, f);
		fclose(f);
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct oomkill_event *e = data;
	char ts[16], load[128], line[384];
	time_t now;

	if (size < sizeof(*e))
		return 0;
	now = time(NULL);
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	read_loadavg(load, sizeof(load));
	snprintf(line, sizeof(line),
		 "%s Triggered by PID %u (\"%.*s\"), OOM kill of PID %u (\"%.*s\"), %llu pages, "
		 "loadavg: %s",
		 ts, e->fpid, (int)strnlen(e->fcomm, sizeof(e->fcomm)), e->fcomm, e->tpid,
		 (int)strnlen(e->tcomm, sizeof(e->tcomm)), e->tcomm, (unsigned long long)e->pages,
		 load);
	bct_out__str(out, line);
	bct_out__str(out, ts);
	bct_out__uint(out, e->fpid);
	bct_out__strn(out, e->fcomm, sizeof(e->fcomm));
	bct_out__uint(out, e->tpid);
	bct_out__strn(out, e->tcomm, sizeof(e->tcomm));
	bct_out__uint(out, e->pages);
	bct_out__str(out, load);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	long page = sysconf(_SC_PAGESIZE);

	return bct_prog__define(p, "OOMKILL_PAGE_SIZE", "%ld", page > 0 ? page : 4096);
}

int cmd_oomkill(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_oomkill, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
