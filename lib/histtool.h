/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The histogram-tool skeleton: everything between a tool's parsed options and its exit, for
 * tools whose BPF side keeps histograms (bpf-src/bct_hist.bpf.h) and whose user side prints
 * them per interval as BCC does (biolatency, runqlat, cpudist, ...):
 *
 *   --ebpf: print the program and stop
 *   start the session (lib/tool.h), then the banner ("Tracing ... Hit Ctrl-C to end.")
 *   every interval (BCC's [interval [count]]; default: until Ctrl-C or -d): drain the
 *   histograms (read and deleted in one step, so nothing counted meanwhile is lost; a
 *   per-CPU array, BCT_HIST_PERCPU_MAP, is summed over the CPUs and its entries' growth since
 *   the last interval taken, entries that did not grow left out), sort them by section,
 *   print BCC's text (an optional -T time, then per section "\nsection = name" and the
 *   histogram) or strict JSON (one object per histogram per line)
 *   at exit: runs the kernel skipped or the BPF side could not record, on stderr
 *   one cleanup; exit 0 (also for a closed pipe), or 1 after a failure was reported
 *
 * Percentile or other summaries replace the printing with their own print callback.
 */
#ifndef BCT_HISTTOOL_H
#define BCT_HISTTOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "tool.h"

/* One histogram read from the kernel. */
struct bct_hist_entry {
	const void *key; /* the map key's bytes */
	char name[256]; /* the section's name of the key ("sda"), "" without sections */
	const uint64_t *slots;
	size_t nslots;
	uint64_t total; /* BCT_HIST_SUM: sum and number of the values */
	uint64_t count;
};

#define BCT_SERVE_LABELS 6
#define BCT_SERVE_LABEL_LEN 128
#define BCT_SERVE_COUNT (-1) /* bct_serve_counter.slot: the entry's count */
#define BCT_SERVE_TOTAL (-2) /* its total (BCT_HIST_SUM) */

/* bcctool serve: a counter kept in a key's slots, served as bcctool_TOOL_<name>_total. */
struct bct_serve_counter {
	const char *name; /* "read_bytes", in base units */
	int slot; /* its slot, or BCT_SERVE_COUNT / BCT_SERVE_TOTAL */
	const char *unit; /* the slot's unit when not the base one ("usecs", "nsecs"); or NULL */
	const char *help;
};

struct bct_hist_tool {
	const char *map; /* the BPF map of struct bct_hist; "hists" when NULL */
	const char *unit; /* BCC's val_type: "usecs", "msecs", "bytes"... */
	bool linear; /* linear slots (print_linear_hist) instead of log2 */
	/* Sections: one histogram per key, headed "section = name"; NULL: the key is 0, no header. */
	const char *section;
	const char *section_key; /* its JSON key when it is not a lowercase word; NULL: section */
	/* JSON: the section's value as a number (its name's leading digits: a PID), not a string */
	bool section_number;
	void (*key_name)(void *ctx, const void *key, char *buf, size_t sz);
	bool sort_by_name; /* sections sorted by name, then key; else by key (numerically) */
	const char *banner; /* text mode, once after attaching; may be NULL */
	const char *time_fmt; /* text: the -T line's strftime() format; NULL: "%H:%M:%S" */
	const char *missed_what; /* "I/O events": what a missed run failed to count */
	/*
	 * BCC's -e "extension" (BPF side: BCT_HIST_SUM): text "avg = N unit, total: N unit,
	 * count: N" after an interval's histograms; JSON avg, total and count in each object.
	 */
	bool extension;
	/* Text: printed after an interval's histograms; may be NULL. */
	void (*after_text)(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n);
	/* JSON: extra members of a histogram's object (e may be NULL: the empty one). */
	void (*json_extra)(void *ctx, struct bct_json *j, const struct bct_hist_entry *e);
	/* Replaces the printing of an interval (percentiles, ...); may be NULL. */
	void (*print)(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n);
	/*
	 * bcctool serve (lib/serve.h): a tool without print (or with serve_hist) is served as
	 * histograms (unit, linear,
	 * section as the label, key_name its value). A tool with print is served only when it
	 * names its counters: each key's count as bcctool_TOOL_<serve_count>_total and, when
	 * serve_total_unit is set, its total as bcctool_TOOL_<base unit>_total; the key's name
	 * (key_name) is the serve_label label.
	 */
	const char *serve_count;
	const char *serve_total_unit;
	const char *serve_label;
	bool serve_hist; /* served as histograms although print is set (print only formats) */
	/*
	 * bcctool serve, top-style and table tools: serve_key gives a key's label values (one
	 * per serve_labels name; false: the key is not served); keys with the same values are
	 * added up, and the serve_rows biggest label sets (by the sum of their counters, or the count;
	 * 0: all) are served, as histograms (the first label only; serve_hist_slots slots when
	 * fewer than the map's) or, with serve_counters, as one counter family per counter.
	 */
	const struct bct_serve_counter *serve_counters; /* ends with { NULL } */
	const char *serve_labels[BCT_SERVE_LABELS];
	bool (*serve_key)(void *ctx, const struct bct_hist_entry *e,
			  char (*val)[BCT_SERVE_LABEL_LEN]);
	unsigned int serve_rows;
	unsigned int serve_hist_slots;
	const char *serve_unit; /* the histogram's unit when unit is BCC's words, not one */
};

/*
 * bcctool serve: when set, bct_hist_run() has the BPF side keep sums (BCT_HIST_SERVE), starts
 * the session, and calls this instead of printing intervals; the session is stopped once it
 * returns, and its return is the tool's exit code.
 */
extern int (*bct_hist_serve_hook)(struct bct_session *s, const struct bct_hist_tool *t);

/*
 * Runs an initialised session (bct_session__init(), its callbacks set) as a histogram tool,
 * then stops it. Returns the tool's exit code.
 */
int bct_hist_run(struct bct_session *s, const struct bct_hist_tool *t);

/*
 * One interval's output, as bct_hist_run() prints it (exposed for unit tests): text, or JSON
 * with ts as its time stamp; timestamp: the -T line (text).
 */
void bct_hist_print(const struct bct_hist_tool *t, void *ctx, FILE *out, bool json,
		    const char *timestamp, const struct bct_hist_entry *v, size_t n);
/* Sorts entries as the tool asks (by key bytes as a little-endian number, or by name). */
void bct_hist_sort(const struct bct_hist_tool *t, struct bct_hist_entry *v, size_t n,
		   size_t key_size);
/* The same order for an array of pointers (no entry is moved: bcctool serve's thousands). */
void bct_hist_sort_ptrs(const struct bct_hist_tool *t, struct bct_hist_entry **v, size_t n,
			size_t key_size);

#endif
