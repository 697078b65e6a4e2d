/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The tool kit: what every tool that loads BPF shares, so that a tool's cmd/ file holds only
 * what makes it different. Three parts:
 *
 * 1. Options. bct_tool_parse() runs argp over the tool's own options and parser, the shared
 *    options the tool offers (struct bct_tool_opts: the filters -p -t -u -n/-c --cgroup
 *    --cgroupmap --mntnsmap, -d DURATION, --exec, [interval [count]]) and the common ones
 *    (lib/opt.h: -h, --ebpf, --debug, --json, --no-cache). The tool picks the letters; the
 *    wording, parsing and checks are the same everywhere.
 *
 * 2. A session (this file): the program, its shared filters (-D names, maps filled after
 *    load: lib/filter.h), the --exec child (lib/spawn.h), and the one cleanup. --ebpf prints
 *    the program with every define and stops there.
 *
 * 3. Runners on top of a session: lib/events.h for tools that print one line per event,
 *    lib/histtool.h for tools that print histograms per interval.
 *
 * A tool's parse → load → attach → loop → one cleanup shape stays visible in the runners;
 * a tool supplies callbacks for its own -D defines, its maps after load, and its output.
 */
#ifndef BCT_TOOL_H
#define BCT_TOOL_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "filter.h"
#include "opt.h"
#include "spawn.h"

struct bct_prog;
struct bct_hook;
struct bct_needs;

/* An option offered only in its long form (--cgroup): its short letter. */
#define BCT_LONG_ONLY 1

/*
 * The shared options a tool offers: a short letter (0: not offered; BCT_LONG_ONLY: long
 * option only), as BCC's tool of the same name spells it.
 */
struct bct_tool_opts {
	char pid; /* -p PID */
	char tid; /* -t TID */
	char uid; /* -u UID */
	char comm; /* -n NAME or -c COMM: commands containing the text */
	const char *comm_long; /* its long name: "name" (default) or "comm" */
	bool cgroup; /* --cgroup PATH (cgroup v2) */
	bool cgroupmap; /* --cgroupmap and --mntnsmap, BCC's pinned-map filters */
	char disk; /* -d DISK: one disk only (bpf-src/bct_block.bpf.h bct_filter_dev()) */
	char duration; /* -d DURATION */
	char timestamp; /* -T: a time column or line (the tool says which) */
	bool exec; /* --exec CMD ARGS...: run CMD, trace only it, end with it */
	bool interval; /* [interval [count]] positionals (BCC's histogram tools) */
};

/* The shared options' values, filled by bct_tool_parse(). */
struct bct_env {
	struct bct_common common;
	struct bct_filter filter;
	uint64_t duration_ms; /* 0: until Ctrl-C */
	bool timestamp; /* -T */
	char **exec_argv; /* --exec CMD ARGS..., NULL-terminated; NULL when not given */
	uint64_t interval; /* seconds; 0 when not given */
	uint64_t count; /* 0 when not given */
};

/*
 * A tool's own option, declared: a flag sets a bool, a string option keeps its argument, a
 * count adds one per use (-vv); BCT_OPT_CUSTOM leaves the key to the tool's parser (typed
 * values, checks, repeated values).
 */
enum bct_opt_type { BCT_OPT_FLAG, BCT_OPT_STRING, BCT_OPT_COUNT, BCT_OPT_CUSTOM };

struct bct_opt {
	int key; /* the short letter, or a value above 0xff for a long-only option */
	const char *name; /* the long name; may be NULL */
	const char *arg; /* the argument's name in --help ("PID"); NULL for a flag or count */
	enum bct_opt_type type;
	void *dest; /* bool *, const char **, int *; NULL for BCT_OPT_CUSTOM */
	const char *doc; /* NULL: an internal option, not shown by --help */
};

#define BCT_FLAG(key, name, dest, doc)                   \
	{                                                \
		key, name, NULL, BCT_OPT_FLAG, dest, doc \
	}
#define BCT_STRING(key, name, arg, dest, doc)             \
	{                                                 \
		key, name, arg, BCT_OPT_STRING, dest, doc \
	}
#define BCT_COUNT(key, name, dest, doc)                   \
	{                                                 \
		key, name, NULL, BCT_OPT_COUNT, dest, doc \
	}
#define BCT_CUSTOM(key, name, arg, doc)                   \
	{                                                 \
		key, name, arg, BCT_OPT_CUSTOM, NULL, doc \
	}

/* A tool's command line: its own options and parser, and the shared options it offers. */
struct bct_tool_args {
	const struct bct_opt *opts; /* terminated by { 0 }; may be NULL */
	/*
	 * May be NULL. Gets BCT_OPT_CUSTOM keys and argp's special keys (ARGP_KEY_ARG for
	 * positionals, ARGP_KEY_END for checks), returns ARGP_ERR_UNKNOWN for the rest.
	 */
	argp_parser_t parser;
	const char *args_doc;
	const char *doc; /* "summary\v examples" as argp takes it */
	struct bct_tool_opts shared;
};

/*
 * A parser for bcctool's own commands that take no positionals: rejects one as "unrecognized
 * argument: 'x'" (BCC's tools, without a parser of their own for positionals, say
 * "unrecognized arguments: x", as Python's argparse does).
 */
error_t bct_no_args(int key, char *arg, struct argp_state *state);

/*
 * Parses argv into env (and the tool's own state through its parser). Returns 0, or the exit
 * code after the error was printed: 2 for a usage error, 1 for options that contradict each
 * other (--exec with -p) or a -d DISK that does not exist (BCC's "no such disk 'X'"). argp exits itself for --help and for usage errors.
 */
int bct_tool_parse(const struct bct_tool_args *args, struct bct_env *env, int argc, char **argv);

/* A tool's BPF program with its shared filters and --exec child. */
struct bct_session {
	struct bct_env *env;
	struct bct_prog *prog;
	struct bct_filter_fds filter_fds;
	struct bct_child child;
	/* set by the tool before bct_session__start(): */
	void *ctx; /* passed to the callbacks */
	/* the tool's own -D (bct_prog__define()); -errno, logged by the kit; may be NULL */
	int (*add_defines)(struct bct_prog *p, void *ctx);
	int (*after_load)(struct bct_prog *p, void *ctx); /* fill the tool's maps; may be NULL */
	/* set by the kit's runners (and funccount): handed to bcctool serve once attached */
	bool served;
};

/*
 * bcctool serve sets bct_serve_active while it starts its tools; bct_session__start() then
 * refuses a session that is not served (the tool, with these options, would print from a loop
 * of its own): -EOPNOTSUPP, not logged, and bct_serve_refused set for serve to say which.
 */
extern bool bct_serve_active, bct_serve_refused;

/*
 * Creates the program of needs (its source; the hooks given, or the default variant's when
 * NULL). 0, or -errno (logged).
 */
int bct_session__init(struct bct_session *s, struct bct_env *env, const struct bct_needs *needs,
		      const struct bct_hook *hooks);
/* --ebpf: prints the program with the shared and the tool's defines. */
int bct_session__print_source(struct bct_session *s);
/*
 * Opens the filters' files, starts the --exec child (waiting), installs the stop signals,
 * adds the defines, loads (the tool's own process excluded), fills the filter maps, calls
 * after_load, attaches. 0 or -errno (logged); -EINTR (not logged) when a stop signal came
 * before attaching (bct_exiting): nothing is attached, the tool stops cleanly.
 */
int bct_session__start(struct bct_session *s);
/* Lets the --exec command run (after the tool printed its header). 0 or -errno (logged). */
int bct_session__go(struct bct_session *s);
/*
 * Whether the --exec child has ended (reaped); *err is set to -errno (logged) when its command
 * could not be run. Always false without --exec.
 */
bool bct_session__child_done(struct bct_session *s, int *err);
/* Runs the kernel skipped or the BPF side could not record (lib/prog.h bct_prog__missed()). */
uint64_t bct_session__missed(struct bct_session *s);
/*
 * At the end of a run: bct_session__missed() as one warning that names what was missed
 * ("I/O events", "packets"); nothing when none was.
 */
void bct_session__warn_missed(struct bct_session *s, const char *what);
/* Detaches and frees everything; a waiting child exits without running its command. */
void bct_session__stop(struct bct_session *s);

#endif
