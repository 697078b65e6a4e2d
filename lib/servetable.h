/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bcctool serve, for a tool with a loop of its own that counts per name (funccount): instead
 * of its loop, the tool hands serve a table it can read at every scrape, served as one counter
 * family, bcctool_TOOL_<counter>_total{<label>="name"}.
 */
#ifndef BCT_SERVETABLE_H
#define BCT_SERVETABLE_H

#include <stdint.h>

struct bct_session;

/* Called once per name with its count so far. */
typedef void (*bct_serve_row_fn)(void *arg, const char *name, uint64_t count);

struct bct_serve_table {
	const char *counter; /* "calls": bcctool_TOOL_calls_total */
	const char *label; /* the label naming a row: "func" */
	const char *help; /* the family's help, after "bcctool TOOL ARGS: " */
	/*
	 * Reads the counts without clearing them, calling row for each name counted at least
	 * once; it may run on another thread than the tool's (the maps are read, never changed).
	 */
	void (*read)(void *ctx, bct_serve_row_fn row, void *arg);
	void *ctx;
};

/*
 * When set, such a tool calls it once attached (bct_session__start() done) instead of its
 * loop; the tool stops its session once it returns, and its return is the tool's exit code.
 */
extern int (*bct_serve_table_hook)(struct bct_session *s, const struct bct_serve_table *t);

#endif
