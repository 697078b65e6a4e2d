/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flame graphs: stacks (root frame first, each with a value: samples, or microseconds off-CPU)
 * merged into a tree by common prefix, then written as one self-contained interactive SVG
 * (inline CSS and script, nothing fetched): a rectangle per frame, as wide as its share of the
 * total, children above their parent in name order; a tooltip on each (name, value, %), a
 * search that highlights the frames whose name matches and tells the matched share,
 * click-to-zoom and reset, and colours by the kind of frame (process, user, kernel, ...).
 *
 * Geometry: the plot is the image width less a margin of BCT_FLAME_XPAD on each side; a frame
 * that starts at s (the values of the frames before it at its depth, under the same root) with
 * value v of the total T is drawn at x = XPAD + s * plot / T, with width v * plot / T. Frames
 * narrower than min_width pixels are left out, and so are their children.
 */
#ifndef BCT_FLAME_H
#define BCT_FLAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BCT_FLAME_XPAD 10
#define BCT_FLAME_WIDTH 1200
#define BCT_FLAME_FRAME_HEIGHT 16

enum bct_flame_kind {
	BCT_FLAME_OTHER, /* [unknown], [Missed ... Stack] */
	BCT_FLAME_PROC, /* a process or thread name: comm */
	BCT_FLAME_USER, /* a user-space function */
	BCT_FLAME_KERNEL, /* a kernel function */
	BCT_FLAME_SEP, /* a delimiter: "-" between kernel and user, "--" between target and waker */
};

struct bct_flame_frame {
	const char *name;
	enum bct_flame_kind kind;
};

struct bct_flame_opts {
	const char *title; /* NULL: "Flame Graph" */
	const char *subtitle; /* NULL: none */
	const char *unit; /* what values count: NULL: "samples" */
	unsigned int width; /* pixels; 0: BCT_FLAME_WIDTH */
	double min_width; /* pixels; 0: 0.1 */
};

struct bct_flame;

struct bct_flame *bct_flame_new(void);
void bct_flame_free(struct bct_flame *f);
/* Adds a stack of n frames, root first, with its value (merged with stacks sharing a prefix). */
int bct_flame_add(struct bct_flame *f, const struct bct_flame_frame *frames, size_t n,
		  uint64_t value);
/*
 * Adds one line of folded output ("comm;a;b;c 123"): the first frame is a process, a frame
 * ending in "_[k]" a kernel one, "-" and "--" delimiters, "[...]" other, the rest user frames.
 * 0, or -EINVAL for a line without a value.
 */
int bct_flame_add_folded(struct bct_flame *f, const char *line);
/* The sum of the values added. */
uint64_t bct_flame_total(const struct bct_flame *f);

/* One frame as drawn: depth 0 is the root ("all"), its children have depth 1... */
struct bct_flame_box {
	const char *name;
	enum bct_flame_kind kind;
	uint64_t value; /* this frame and all above it */
	uint64_t self; /* value less its children's */
	uint64_t start; /* the values before it, left of it */
	unsigned int depth;
	double x, w; /* pixels */
};
/*
 * Calls fn for every frame drawn, parents before children, siblings in name order; stops at
 * and returns fn's first non-zero result.
 */
int bct_flame_layout(const struct bct_flame *f, const struct bct_flame_opts *o,
		     int (*fn)(const struct bct_flame_box *b, void *ctx), void *ctx);

/* Writes the SVG. 0 or -errno (of the write). */
int bct_flame_write(const struct bct_flame *f, FILE *out, const struct bct_flame_opts *o);
/* Writes the SVG to path; 0 or -errno, logged with what to do. */
int bct_flame_write_file(const struct bct_flame *f, const char *path,
			 const struct bct_flame_opts *o);
/*
 * Checks, before tracing starts, that path can be written (creating or truncating it): 0 or
 * -errno, logged.
 */
int bct_flame_check_path(const char *path);
/*
 * s as XML text: & < > " ' as entities, control characters and bytes that are not UTF-8 as
 * '?'. Writes at most sz - 1 characters and a NUL (whole entities only); returns the length
 * the whole text needs.
 */
size_t bct_flame_escape(const char *s, char *out, size_t sz);

#endif
