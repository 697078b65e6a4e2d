/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event-tool runner: everything between a tool's parsed options and its exit, for tools
 * that print one row per event (opensnoop, execsnoop, ...). The tool supplies its columns
 * (lib/out.h), which of them show, and its event callback; the runner does the rest:
 *
 *   --ebpf: print the program and stop
 *   start the session (lib/tool.h: filters, --exec child, load, attach)
 *   the output on stdout (text or --json), its header after attach, then the --exec command
 *   poll the events until Ctrl-C, SIGTERM, -d, the end of the --exec child, or a closed stdout
 *   lost events on stderr as they happen (a {"lost_events":N} row under --json) and in total
 *   one cleanup; exit 0 (also for a closed pipe), or 1 after a failure was reported
 *
 * Output is batched under load and never held back: a drain of few events is flushed at once
 * (a lone event reaches a pipe immediately), a busy stream at least every 10 ms, and drains
 * start at most every 2 ms so that each serves a big batch.
 */
#ifndef BCT_EVENTS_H
#define BCT_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "out.h"
#include "tool.h"

struct bct_event_tool {
	const struct bct_col *cols;
	/*
	 * Shows and hides columns for the tool's options (bct_out__show()) before the header;
	 * may be NULL.
	 */
	void (*columns)(void *ctx, struct bct_out *out);
	/*
	 * One event: its values in column order, then bct_out__end(out), whose result it returns
	 * (0 to go on; -EPIPE or another -errno stops the tool). Records shorter than the tool's
	 * event struct must be skipped (return 0).
	 */
	int (*on_event)(void *ctx, struct bct_out *out, const void *data, size_t size);
	const char *banner; /* text mode: a line before the header ("Tracing ..."); may be NULL */
	/*
	 * The ring's size in pages per CPU, as BCC's -b counts it; 0: BCC's default of 64. One
	 * ring serves all CPUs, as many bytes as BCC's per-CPU buffers together.
	 */
	uint64_t ring_pages;
	const char *sep; /* text column separator (lib/out.h); NULL: one space */
	bool no_header; /* text: no header line (a tool that writes raw data: ttysnoop) */
};

/* The most pages per CPU a -b may ask for on this machine (the ring is at most 256 MiB). */
uint64_t bct_events_max_pages(void);

/*
 * Runs an initialised session (bct_session__init(), its callbacks set) as an event tool, then
 * stops it. Returns the tool's exit code.
 */
int bct_events_run(struct bct_session *s, const struct bct_event_tool *t);

/*
 * bcctool serve: an event tool's events counted, not printed. Each event still goes through
 * the tool's on_event (so filters it applies in user space still apply), into an output that
 * discards it; each row it would have printed counts as one event.
 */
struct bct_events_count {
	struct bct_buf *buf; /* poll it with bct_buf__poll() (lib/buf.h) */
	/* written by the poller, read anywhere with __atomic_load_n(..., __ATOMIC_RELAXED) */
	uint64_t events;
	uint64_t lost; /* as the buffer reports them: within a second of the loss */
	struct bct_session *s;
	const struct bct_event_tool *t;
	struct bct_out *out;
};

/*
 * When set, bct_events_run() starts the session with its events counted (above) and calls
 * this instead of printing them; the session is stopped once it returns, and its return is
 * the tool's exit code.
 */
extern int (*bct_events_serve_hook)(struct bct_session *s, const struct bct_event_tool *t,
				    struct bct_events_count *c);

#endif
