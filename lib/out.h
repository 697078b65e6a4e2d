/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event output: a tool describes its columns once, and the same description renders BCC's
 * fixed-width text (a header line, then one line per event) and --json NDJSON (one object per
 * event, keys in column order), so the two cannot drift.
 *
 *	static const struct bct_col cols[] = {
 *		{ "PID", "pid", 6, BCT_COL_INT, BCT_COL_LEFT },
 *		{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT },
 *		{ "FD", "fd", 4, BCT_COL_INT },
 *		{ "PATH", "path", 0, BCT_COL_STR, BCT_COL_LEFT },
 *		{ NULL },
 *	};
 *	struct bct_out_opts oo = { .file = stdout, .cols = cols, .json = env.common.json };
 *	out = bct_out__new(&oo);          // before anything is printed on the file
 *	bct_out__header(out);              // text: "PID    COMM              FD PATH"
 *	...per event:
 *	bct_out__int(out, e->pid);         // values in column order
 *	bct_out__str(out, e->comm);
 *	bct_out__int(out, e->fd);
 *	bct_out__str(out, e->path);
 *	bct_out__end(out);                 // writes the line; -EPIPE when the reader is gone
 *
 * Text: each column is padded to its width (right-aligned unless BCT_COL_LEFT; width 0 means
 * no padding), columns are joined by opts.sep (default one space), like BCC's "%-6d %-16s".
 * A value wider than its column is not cut. Hidden columns (bct_out__show(), or the flags)
 * still take their value call, so a tool always passes every value in order.
 *
 * Varying fields: a BCT_COL_FIELDS column (usually the last, "DETAILS") takes, instead of one
 * value, bct_out__fields() then any number of bct_out__field_*() calls. Text shows them in the
 * cell as "label value" (just the value without a label), joined by two spaces; JSON writes
 * each as a "key":value member of the row. A group (bct_out__group_open()) is a nested JSON
 * object; in text its fields are joined by one space.
 *
 * Several tables may share one file (each bct_out__new() after the first leaves its buffering
 * alone); bct_out__text() writes a text-only line such as a section title or a blank line.
 *
 * Buffering: on a terminal the file is line-buffered; otherwise it gets a large buffer, and the
 * poll loop (lib/events.h) flushes it with bct_out__flush(): at once after a small drain, at
 * least every 10 ms under load, so `| grep` stays live. A closed pipe is -EPIPE from
 * bct_out__end() or bct_out__flush(): the caller stops, cleanly (exit 0).
 */
#ifndef BCT_OUT_H
#define BCT_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum bct_col_type {
	BCT_COL_INT, /* int64_t: "-12" */
	BCT_COL_UINT, /* uint64_t: "12" */
	BCT_COL_STR, /* text as is; JSON string (escaped) */
	BCT_COL_DOUBLE, /* "%.*f" with prec digits; JSON number (null when not finite) */
	BCT_COL_OCTAL, /* text "%0*o" with prec digits ("01101"); JSON number */
	BCT_COL_HEX, /* text "0x%x"; JSON number */
	BCT_COL_FIELDS, /* fields that vary by row, bct_out__fields() below */
};

enum {
	BCT_COL_LEFT = 1 << 0, /* left-align (pad on the right) */
	BCT_COL_HIDDEN = 1 << 1, /* hidden at start; bct_out__show() changes it */
	BCT_COL_TEXT_ONLY = 1 << 2, /* never in JSON (e.g. a pre-formatted duplicate) */
	BCT_COL_JSON_ONLY = 1 << 3, /* never in text; in JSON even when hidden */
	/* text: no separator between this column and the next one shown (BCC's "%-7s%7.2f") */
	BCT_COL_GLUE = 1 << 4,
	/*
	 * text: the tool escaped this text itself in BCC's way (execsnoop -q's \" and \n,
	 * mountsnoop's C strings), so its backslashes are printed as they are; control bytes
	 * and invalid UTF-8 are still escaped
	 */
	BCT_COL_ESCAPED = 1 << 5,
};

struct bct_col {
	const char *name; /* text header, "PID"; NULL ends the table */
	const char *key; /* JSON key, "pid": stable, lowercase, documented in the man page */
	int width; /* text width; 0: no padding */
	enum bct_col_type type;
	unsigned int flags; /* BCT_COL_* */
	int prec; /* DOUBLE: digits after the point; OCTAL: minimum digits (zero-padded) */
};

struct bct_out_opts {
	FILE *file; /* default stdout */
	const struct bct_col *cols; /* terminated by { NULL } */
	bool json;
	const char *sep; /* text column separator; default " " */
};

struct bct_out;

/* Sets the buffering of opts->file (line-buffered on a terminal, else a large buffer). */
struct bct_out *bct_out__new(const struct bct_out_opts *opts);
/* Shows or hides a column by JSON key; -ENOENT when there is no such column. */
int bct_out__show(struct bct_out *o, const char *key, bool show);
/* Text: writes the header line of the visible columns. JSON: nothing. */
int bct_out__header(struct bct_out *o);
/* The values of one row, in column order. */
void bct_out__int(struct bct_out *o, int64_t v);
void bct_out__uint(struct bct_out *o, uint64_t v);
void bct_out__str(struct bct_out *o, const char *s);
void bct_out__strn(struct bct_out *o, const char *s, size_t maxlen); /* stops at a NUL */
/* Exactly n bytes, NULs included (JSON "\u0000"; text escapes them as any control byte). */
void bct_out__mem(struct bct_out *o, const char *s, size_t n);
void bct_out__double(struct bct_out *o, double v);
/* No value: JSON leaves the key out, text shows "-". */
void bct_out__none(struct bct_out *o);
/* The row's BCT_COL_FIELDS column; the fields follow (none is fine: an empty cell). */
void bct_out__fields(struct bct_out *o);
/* One field; label NULL: the value alone in text. unit is appended in text only ("4B"). */
void bct_out__field_str(struct bct_out *o, const char *key, const char *label, const char *s);
void bct_out__field_int(struct bct_out *o, const char *key, const char *label, int64_t v);
void bct_out__field_uint(struct bct_out *o, const char *key, const char *label, uint64_t v,
			 const char *unit);
void bct_out__group_open(struct bct_out *o, const char *key);
void bct_out__group_close(struct bct_out *o);
/*
 * Ends the row and writes it; 0, or -EPIPE when the reader is gone (a clean stop: not logged),
 * or -errno on another write error (logged once).
 */
int bct_out__end(struct bct_out *o);
/* Text: writes line and a newline. JSON: nothing. 0 or -errno as bct_out__end(). */
int bct_out__text(struct bct_out *o, const char *line);
/*
 * Flushes the file (stdout for NULL); 0, or -EPIPE / -errno as bct_out__end(). A write that
 * failed earlier (the file's error flag) counts as failing now, with errno as the caller left
 * it (the failed call's, if nothing since has changed it), else -EIO.
 */
int bct_out__flush(struct bct_out *o);
/*
 * The end of a run's output, given its write error (0, -EPIPE or -errno): a closed pipe is a
 * clean stop, so what stdout still buffers is dropped, its error flag cleared and 0 returned;
 * anything else is returned as it is.
 */
int bct_out__settle(int err);
/*
 * For a tool whose output comes at once, at its end (the stack tools: megabytes of stacks):
 * stdout, when not a terminal, writes in pieces of 1 MiB, not of the file's 4 KiB block.
 */
void bct_out__bulk_stdout(void);
bool bct_out__json(const struct bct_out *o);
/* The rows ended so far (bct_out__end() calls). */
uint64_t bct_out__rows(const struct bct_out *o);
/* A bct_buf_lost_fn (lib/buf.h): {"lost_events":N} under --json, else the stderr warning. */
void bct_out_lost(void *out, uint64_t lost);
void bct_out__free(struct bct_out *o);

#endif
