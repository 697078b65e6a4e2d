// SPDX-License-Identifier: Apache-2.0
/*
 * cachetop: page cache hits, misses and dirties per process, top-like.
 *
 * Interface of BCC's cachetop by Emmanuel Bretelle; written anew, with --json and a plain-text
 * mode. cachestat's four counters (bpf-src/cachetop.bpf.c, the same hooks as cachestat) are
 * kept per process, user and command in the histogram kit's map, drained each interval; this
 * file turns them into BCC's columns with BCC's arithmetic and shows them on a curses screen
 * when standard output is a terminal (BCC's keys: < > sort column, r order, q quit), else as
 * plain tables, one per interval.
 */
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>

#include "cmd.h"
#include "cursesload.h"
#include "util.h"
#include "histtool.h"
#include "json.h"
#include "log.h"
#include "prog.h"
#include "signals.h"
#include "cachetop.h"
#include "page_cache_methods.h"

#define C bct_curses /* ncurses, loaded for the screen only (lib/cursesload.h) */

enum { F_PID, F_UID, F_CMD, F_HITS, F_MISSES, F_DIRTIES, F_READ_HIT, F_WRITE_HIT, NFIELDS };

static const char *const fields[NFIELDS] = { "PID",    "UID",	  "CMD",       "HITS",
					     "MISSES", "DIRTIES", "READ_HIT%", "WRITE_HIT%" };

static struct cachetop_env {
	struct bct_env kit; /* -p, [interval [count]], --json... */
	int sort; /* a field of fields[] */
	bool ascending; /* BCC starts descending; r flips it */
	bool screen; /* curses: stdout is a terminal and no --json */
	bool screen_up;
	SCREEN *scr;
	bool printed; /* plain mode: a table was printed (the next starts with an empty line) */
} env = { .sort = F_HITS };

static const char doc[] =
	"Show Linux page cache hit/miss statistics including read and write hit % per processes "
	"in a UI like top.\n"
	"\v"
	"examples:\n"
	"    cachetop              # per-process page cache statistics, every 5 seconds\n"
	"    cachetop 1            # every second\n"
	"    cachetop -p 181       # PID 181 only\n"
	"    cachetop 1 3 | cat    # plain tables (not a terminal), 3 times\n"
	"    cachetop --json 1 1   # one JSON object per process, once after a second\n";

static const struct bct_tool_args args = {
	.args_doc = "[interval [count]]",
	.doc = doc,
	.shared = { .pid = 'p', .interval = true },
};

const struct bct_needs needs_cachetop = {
	.src_name = "cachetop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", page_cache_hooks }, { NULL } },
};

/* --- rows ----------------------------------------------------------------------------------- */

struct row {
	uint32_t pid, uid;
	char comm[17];
	char user[64];
	uint64_t mpa, apcl, apd, mbd; /* the raw counters */
	uint64_t access, misses; /* HITS and MISSES */
	double rhit, whit; /* READ_HIT% and WRITE_HIT% */
};

/* BCC's arithmetic, as it is: HITS is every access (reads and dirtied buffers), MISSES every
 * addition and dirtied page; the two ratios are of the sum of both. */
static void row_fill(struct row *r, const struct bct_hist_entry *e)
{
	const struct cachetop_key *k = e->key;
	struct passwd *pw;
	uint64_t all;

	r->pid = k->pid;
	r->uid = k->uid;
	memcpy(r->comm, k->comm, sizeof(k->comm));
	r->comm[sizeof(k->comm)] = '\0';
	pw = getpwuid(k->uid);
	if (pw)
		snprintf(r->user, sizeof(r->user), "%s", pw->pw_name);
	else
		snprintf(r->user, sizeof(r->user), "UNKNOWN(%" PRIu32 ")", k->uid);
	r->mpa = e->slots[PAGE_CACHE_ACCESSED];
	r->apcl = e->slots[PAGE_CACHE_ADDED];
	r->apd = e->slots[PAGE_CACHE_DIRTIED];
	r->mbd = e->slots[PAGE_CACHE_BUF_DIRTIED];
	r->access = r->mpa + r->mbd;
	r->misses = r->apcl + r->apd;
	all = r->access + r->misses;
	r->rhit = r->mpa && all ? 100.0 * (double)r->mpa / (double)all : 0;
	r->whit = r->apcl && all ? 100.0 * (double)r->apcl / (double)all : 0;
}

static int cmp3(double a, double b)
{
	return a < b ? -1 : a > b;
}

/* By the sort field, ties by PID, UID and command (BCC's "pid-uid-comm" order) */
static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = 0;

	switch (env.sort) {
	case F_PID:
		c = cmp3(x->pid, y->pid);
		break;
	case F_UID:
		c = cmp3(x->uid, y->uid);
		break;
	case F_CMD:
		c = strcmp(x->comm, y->comm);
		break;
	case F_HITS:
		c = cmp3((double)x->access, (double)y->access);
		break;
	case F_MISSES:
		c = cmp3((double)x->misses, (double)y->misses);
		break;
	case F_DIRTIES:
		c = cmp3((double)x->mbd, (double)y->mbd);
		break;
	case F_READ_HIT:
		c = cmp3(x->rhit, y->rhit);
		break;
	case F_WRITE_HIT:
		c = cmp3(x->whit, y->whit);
		break;
	}
	if (!env.ascending)
		c = -c;
	if (!c)
		c = cmp3(x->pid, y->pid) ?: cmp3(x->uid, y->uid) ?: strcmp(x->comm, y->comm);
	return c;
}

/* --- output --------------------------------------------------------------------------------- */

static void head_line(char *buf, size_t sz)
{
	uint64_t buffers, cached;
	time_t now = time(NULL);
	char ts[16];

	bct_meminfo_cache(&buffers, &cached);
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	snprintf(buf, sz, "%-8s Buffers MB: %.0f / Cached MB: %.0f / Sort: %s / Order: %s", ts,
		 (double)buffers / 1024, (double)cached / 1024, fields[env.sort],
		 env.ascending ? "ascending" : "descending");
}

static void row_line(char *buf, size_t sz, const struct row *r)
{
	snprintf(buf, sz,
		 "%8" PRIu32 " %-8.8s %-16s %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %9.1f%% %9.1f%%",
		 r->pid, r->user, r->comm, r->access, r->misses, r->mbd, r->rhit, r->whit);
}

static void header_line(char *buf, size_t sz)
{
	snprintf(buf, sz, "%-8s %-8s %-16s %-8s %-8s %-8s %-10s %-10s", fields[0], fields[1],
		 fields[2], fields[3], fields[4], fields[5], fields[6], fields[7]);
}

static void print_json(FILE *out, const char *ts, const struct row *r)
{
	struct bct_json j;

	bct_json_begin(&j, out);
	bct_json_str(&j, "ts", ts);
	bct_json_uint(&j, "pid", r->pid);
	bct_json_uint(&j, "uid", r->uid);
	bct_json_str(&j, "user", r->user);
	bct_json_str(&j, "comm", r->comm);
	bct_json_uint(&j, "hits", r->access);
	bct_json_uint(&j, "misses", r->misses);
	bct_json_uint(&j, "dirties", r->mbd);
	bct_json_double(&j, "read_hit", r->rhit);
	bct_json_double(&j, "write_hit", r->whit);
	bct_json_uint(&j, "accessed", r->mpa);
	bct_json_uint(&j, "added", r->apcl);
	bct_json_uint(&j, "dirtied", r->apd);
	bct_json_end(&j);
}

/* The keys typed since the last interval, as BCC reads them: q quits after this screen. */
static void read_keys(void)
{
	int c;

	while ((c = C.wgetch(*C.stdscr_p)) != ERR) {
		if (c == 'q')
			bct_exiting = SIGINT;
		else if (c == 'r')
			env.ascending = !env.ascending;
		else if (c == '<' && env.sort > 0)
			env.sort--;
		else if (c == '>' && env.sort < NFIELDS - 1)
			env.sort++;
	}
}

static int screen_start(void)
{
	/* not initscr(): it exits when the terminal type is unknown */
	if (bct_curses_load())
		return -ENOENT;
	env.scr = C.newterm(NULL, stdout, stdin);
	if (!env.scr)
		return -EIO;
	env.screen_up = true;
	C.cbreak();
	C.noecho();
	C.nodelay(*C.stdscr_p, TRUE);
	C.curs_set(0);
	return 0;
}

static void screen_end(void)
{
	if (env.screen_up) {
		C.endwin();
		C.delscreen(env.scr);
	}
	env.screen_up = false;
}

/* curses.h's mvwaddnstr() */
static void put_line(WINDOW *w, int y, const char *line, int cols)
{
	if (C.wmove(w, y, 0) != ERR)
		C.waddnstr(w, line, cols);
}

static void draw(const struct row *rows, size_t n)
{
	char line[256];
	WINDOW *w = *C.stdscr_p;
	int height = *C.lines_p, cols = *C.cols_p;
	size_t i;

	C.werase(w);
	head_line(line, sizeof(line));
	put_line(w, 0, line, cols);
	header_line(line, sizeof(line));
	C.wattr_on(w, A_REVERSE, NULL);
	put_line(w, 1, line, cols);
	C.wattr_off(w, A_REVERSE, NULL);
	/* BCC's rows: as many as fit below the two head lines */
	for (i = 0; i < n && (int)i + 2 < height; i++) {
		row_line(line, sizeof(line), &rows[i]);
		put_line(w, (int)i + 2, line, cols);
	}
	C.wrefresh(w);
}

static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	struct row *rows = n ? calloc(n, sizeof(*rows)) : NULL;
	char line[256], ts[32];
	time_t now = time(NULL);
	size_t i;

	if (n && !rows) {
		pr_err("cannot print the counts: %s", strerror(ENOMEM));
		return;
	}
	for (i = 0; i < n; i++)
		row_fill(&rows[i], &v[i]);
	if (env.screen) {
		read_keys();
		if (n > 1)
			qsort(rows, n, sizeof(*rows), cmp_row);
		draw(rows, n);
		free(rows);
		return;
	}
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_row);
	if (env.kit.common.json) {
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
		for (i = 0; i < n; i++)
			print_json(out, ts, &rows[i]);
		free(rows);
		return;
	}
	if (env.printed)
		fputc('\n', out);
	env.printed = true;
	head_line(line, sizeof(line));
	fprintf(out, "%s\n", line);
	header_line(line, sizeof(line));
	fprintf(out, "%s\n", line);
	for (i = 0; i < n; i++) {
		row_line(line, sizeof(line), &rows[i]);
		fprintf(out, "%s\n", line);
	}
	free(rows);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int after_load(struct bct_prog *p, void *ctx)
{
	/* the screen replaces the terminal's contents once the program is loaded */
	if (env.screen && screen_start()) {
		pr_err("cannot start the curses screen: check TERM, or pipe the output for plain "
		       "tables");
		return -EIO;
	}
	return 0;
}

/* bcctool serve: the counters by command and user (no PIDs) */
static bool serve_key(void *ctx, const struct bct_hist_entry *e, char (*val)[BCT_SERVE_LABEL_LEN])
{
	const void *key = e->key;
	const struct cachetop_key *k = key;
	struct passwd *pw = getpwuid(k->uid);

	(void)ctx;
	snprintf(val[0], BCT_SERVE_LABEL_LEN, "%.16s", k->comm);
	if (pw)
		snprintf(val[1], BCT_SERVE_LABEL_LEN, "%s", pw->pw_name);
	else
		snprintf(val[1], BCT_SERVE_LABEL_LEN, "UNKNOWN(%" PRIu32 ")", k->uid);
	return true;
}

int cmd_cachetop(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.missed_what = "page cache events",
		.print = print,
		.serve_counters = page_cache_counters,
		.serve_labels = { "comm", "user" },
		.serve_key = serve_key,
		.serve_rows = 20,
	};
	struct bct_session s = { .after_load = after_load };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (!env.kit.interval)
		env.kit.interval = 5;
	env.screen = !env.kit.common.json && !env.kit.common.ebpf && !bct_hist_serve_hook &&
		     isatty(STDOUT_FILENO);
	if (bct_session__init(&s, &env.kit, &needs_cachetop, NULL))
		return 1;
	rc = bct_hist_run(&s, &tool);
	screen_end();
	if (!rc && !env.kit.common.json && !env.kit.common.ebpf && !bct_hist_serve_hook) {
		printf("Detaching...\n");
		fflush(stdout);
	}
	return rc;
}
