// SPDX-License-Identifier: Apache-2.0
/*
 * ustat: activity of the language runtimes running on the system (method calls, garbage
 * collections, allocations, class loads, exceptions, threads per second), one row per
 * process, every interval, from their USDT probes.
 *
 * Interface of BCC's ustat by Sasha Goldshtein; written anew. BCC's names javastat, nodestat,
 * perlstat, phpstat, pythonstat, rubystat and tclstat run this tool with their language.
 * The processes are found by command name at the start of every interval, as BCC does; each
 * is attached once (BCC attaches everything anew every interval).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>

#include "cmd.h"
#include "json.h"
#include "log.h"
#include "prog.h"
#include "signals.h"
#include "tool.h"
#include "top.h"
#include "ulang.h"
#include "usdt_args.h"
#include "ustat.h"

static struct ustat_env {
	struct bct_env kit;
	const char *language;
	const char *sort;
	long maxrows;
	bool noclear, print_prog;
} env = { .maxrows = 20 };

static const struct bct_opt opts[] = {
	BCT_STRING('l', "language", "LANGUAGE", &env.language,
		   "language to trace: java, node, perl, php, python, ruby or tcl (default: all "
		   "languages)"),
	BCT_FLAG('C', "noclear", &env.noclear, "don't clear the screen"),
	BCT_STRING('S', "sort", "SORT", &env.sort,
		   "sort by this field (descending order): cload, excp, gc, method, objnew or "
		   "thread"),
	BCT_CUSTOM('r', "maxrows", "MAXROWS", "maximum rows to print, default 20"),
	BCT_FLAG('d', NULL, &env.print_prog,
		 "print the resulting BPF program (for debugging purposes)"),
	{ 0 },
};

static const char doc[] = "Activity stats from high-level languages.\n"
			  "\v"
			  "examples:\n"
			  "  ustat              # stats for all languages, 1 second refresh\n"
			  "  ustat -C           # don't clear the screen\n"
			  "  ustat -l java      # Java processes only\n"
			  "  ustat 5            # 5 second summaries\n"
			  "  ustat 5 10         # 5 second summaries, 10 times only\n"
			  "  pythonstat         # the same as ustat -l python\n";

struct stat_event {
	const char *probe;
	enum ustat_cat cat;
};

struct stat_lang {
	const char *name;
	const char *comms[2];
	struct stat_event events[12];
};

static const struct stat_lang langs[] = {
	{ "java",
	  { "java" },
	  { { "gc__begin", USTAT_GC },
	    { "mem__pool__gc__begin", USTAT_GC },
	    { "thread__start", USTAT_THREAD },
	    { "class__loaded", USTAT_CLOAD },
	    { "object__alloc", USTAT_OBJNEW },
	    { "method__entry", USTAT_METHOD },
	    { "ExceptionOccurred__entry", USTAT_EXCP } } },
	{ "node", { "node" }, { { "gc__start", USTAT_GC } } },
	{ "perl", { "perl" }, { { "sub__entry", USTAT_METHOD } } },
	{ "php",
	  { "php" },
	  { { "function__entry", USTAT_METHOD },
	    { "compile__file__entry", USTAT_CLOAD },
	    { "exception__thrown", USTAT_EXCP } } },
	{ "python",
	  { "python" },
	  { { "function__entry", USTAT_METHOD }, { "gc__start", USTAT_GC } } },
	{ "ruby",
	  { "ruby", "irb" },
	  { { "method__entry", USTAT_METHOD },
	    { "cmethod__entry", USTAT_METHOD },
	    { "gc__mark__begin", USTAT_GC },
	    { "gc__sweep__begin", USTAT_GC },
	    { "object__create", USTAT_OBJNEW },
	    { "hash__create", USTAT_OBJNEW },
	    { "string__create", USTAT_OBJNEW },
	    { "array__create", USTAT_OBJNEW },
	    { "require__entry", USTAT_CLOAD },
	    { "load__entry", USTAT_CLOAD },
	    { "raise", USTAT_EXCP } } },
	{ "tcl",
	  { "tclsh", "wish" },
	  { { "proc__entry", USTAT_METHOD }, { "obj__create", USTAT_OBJNEW } } },
	{ NULL },
};

static const char *const sort_names[USTAT_NCAT] = { "method", "gc",   "objnew",
						    "cload",  "excp", "thread" };
static const struct stat_lang *only;
static int sort_cat = -1;

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	const struct stat_lang *l;
	char *end;
	long v;
	int i;

	switch (key) {
	case 'r':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || end == arg || *end || v < INT_MIN || v > INT_MAX)
			argp_error(state, "argument -r/--maxrows: invalid int value: '%s'", arg);
		env.maxrows = v;
		break;
	case ARGP_KEY_END:
		if (env.language) {
			for (l = langs; l->name; l++)
				if (!strcmp(l->name, env.language))
					only = l;
			if (!only)
				argp_error(state,
					   "argument -l/--language: invalid choice: '%s' (choose "
					   "from 'java', 'node', 'perl', 'php', 'python', 'ruby', "
					   "'tcl')",
					   env.language);
		}
		if (env.sort) {
			for (i = 0; i < USTAT_NCAT; i++)
				if (!strcmp(sort_names[i], env.sort))
					sort_cat = i;
			if (sort_cat < 0)
				argp_error(state,
					   "argument -S/--sort: invalid choice: '%s' (choose from "
					   "'cload', 'excp', 'gc', 'method', 'objnew', 'thread')",
					   env.sort);
		}
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[interval [count]]",
	.doc = doc,
	.shared = { .interval = true },
};

static const struct bct_method methods[] = {
	{ .name = "uprobe", .progs = BCT_PROGS(BCT_PROG("ustat_hit", "uprobe")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "language runtime events (USDT)", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_ustat = {
	.src_name = "ustat.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- processes ---------------------------------------------------------------------------- */

struct target {
	pid_t pid;
	char cmdline[64]; /* its first 20 characters are printed */
	uint64_t counts[USTAT_NCAT];
	bool seen; /* found by this interval's scan */
};

static struct target *targets;
static size_t ntargets, cap_targets;
/* processes attached so far (each once) */
static pid_t *attached;
static size_t nattached, cap_attached;

/* A runtime's command name: the name itself, or it followed by a version ("python3.11"). */
static bool comm_matches(const char *comm, const char *name)
{
	size_t n = strlen(name);
	const char *s;

	if (strncmp(comm, name, n))
		return false;
	for (s = comm + n; *s; s++)
		if (!isdigit((unsigned char)*s) && *s != '.')
			return false;
	return true;
}

static const struct stat_lang *lang_of(pid_t pid)
{
	const struct stat_lang *l;
	char path[64], comm[32] = "";
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	for (l = only ? only : langs; l->name; l++) {
		for (i = 0; i < 2 && l->comms[i]; i++)
			if (comm_matches(comm, l->comms[i]))
				return l;
		if (only)
			break;
	}
	return NULL;
}

static void read_cmdline(pid_t pid, char *buf, size_t sz)
{
	char path[64];
	size_t n = 0, i;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	f = fopen(path, "r");
	if (f) {
		n = fread(buf, 1, sz - 1, f);
		fclose(f);
	}
	for (i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
}

static bool is_attached(pid_t pid)
{
	size_t i;

	for (i = 0; i < nattached; i++)
		if (attached[i] == pid)
			return true;
	return false;
}

/* Attaches every probe of l that process pid has; probes it lacks are skipped, as BCC does. */
static int attach_process(struct bct_prog *p, pid_t pid, const struct stat_lang *l)
{
	struct bct_usdt_match m;
	int i, err;

	if (nattached == cap_attached) {
		pid_t *a = realloc(attached, (cap_attached = cap_attached * 2 + 16) * sizeof(*a));

		if (!a)
			return -ENOMEM;
		attached = a;
	}
	attached[nattached++] = pid;
	for (i = 0; i < 12 && l->events[i].probe; i++) {
		memset(&m, 0, sizeof(m));
		if (bct_usdt_find(pid, NULL, l->events[i].probe, &m))
			continue;
		err = bct_usdt_attach(p, "ustat_hit", pid, &m, (uint32_t)l->events[i].cat);
		bct_usdt_match_free(&m);
		if (err == -ENOENT || err == -ESRCH)
			break; /* it exited meanwhile */
		if (err)
			return err;
	}
	return 0;
}

/* This interval's targets: the runtime processes running now, each attached once. */
static int scan(struct bct_prog *p)
{
	const struct stat_lang *l;
	struct dirent *d;
	DIR *dir;
	int err = 0;

	ntargets = 0;
	dir = opendir("/proc");
	if (!dir) {
		err = -errno;
		pr_err("cannot list the processes in /proc: %s", strerror(-err));
		return err;
	}
	while (!err && (d = readdir(dir))) {
		char *end;
		long pid = strtol(d->d_name, &end, 10);
		struct target *t;

		if (*end || end == d->d_name || pid <= 0 || pid == getpid())
			continue;
		l = lang_of((pid_t)pid);
		if (!l)
			continue;
		if (ntargets == cap_targets) {
			t = realloc(targets, (cap_targets = cap_targets * 2 + 16) * sizeof(*t));
			if (!t) {
				err = -ENOMEM;
				break;
			}
			targets = t;
		}
		t = &targets[ntargets++];
		memset(t, 0, sizeof(*t));
		t->pid = (pid_t)pid;
		read_cmdline(t->pid, t->cmdline, sizeof(t->cmdline));
		if (p && !is_attached(t->pid))
			err = attach_process(p, t->pid, l);
	}
	closedir(dir);
	return err;
}

static int after_load(struct bct_prog *p, void *ctx)
{
	(void)ctx;
	return scan(p);
}

/* --- output ------------------------------------------------------------------------------- */

static int cmp_target(const void *a, const void *b)
{
	const struct target *x = a, *y = b;

	if (sort_cat >= 0 && x->counts[sort_cat] != y->counts[sort_cat])
		return x->counts[sort_cat] > y->counts[sort_cat] ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Reads and deletes each count in one step: nothing counted meanwhile is lost. */
static void collect(int fd)
{
	struct ustat_key k, next, *prev = NULL, *keys = NULL, *nk;
	size_t n = 0, cap = 0, i, t;
	uint64_t v;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if (n == cap) {
			nk = realloc(keys, (cap = cap * 2 + 64) * sizeof(*keys));
			if (!nk)
				break;
			keys = nk;
		}
		keys[n++] = k;
	}
	for (i = 0; i < n; i++) {
		if (bpf_map_lookup_and_delete_elem(fd, &keys[i], &v) || keys[i].cat >= USTAT_NCAT)
			continue;
		for (t = 0; t < ntargets; t++)
			if (targets[t].pid == (pid_t)keys[i].pid)
				targets[t].counts[keys[i].cat] = v;
	}
	free(keys);
}

static void print_interval(int fd, uint64_t interval)
{
	static const char *const keys[USTAT_NCAT] = { "method_s", "gc_s",  "objnew_s",
						      "cload_s",  "exc_s", "thr_s" };
	char ts[16];
	time_t now = time(NULL);
	size_t i, rows = 0;
	int c, err;

	collect(fd);
	qsort(targets, ntargets, sizeof(*targets), cmp_target);
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	if (!env.kit.common.json) {
		err = bct_top_head(stdout, !env.noclear);
		if (err)
			pr_warn("cannot read /proc/loadavg: %s", strerror(-err));
		printf("%-6s %-20s %-10s %-6s %-10s %-8s %-6s %-6s\n", "PID", "CMDLINE", "METHOD/s",
		       "GC/s", "OBJNEW/s", "CLOAD/s", "EXC/s", "THR/s");
	}
	for (i = 0; i < ntargets; i++) {
		const struct target *t = &targets[i];
		uint64_t r[USTAT_NCAT];

		/* BCC's maxrows: a row is printed before the limit is checked */
		if (rows && (long)rows >= env.maxrows)
			break;
		for (c = 0; c < USTAT_NCAT; c++)
			r[c] = t->counts[c] / interval;
		if (env.kit.common.json) {
			struct bct_json j;

			bct_json_begin(&j, stdout);
			bct_json_str(&j, "time", ts);
			bct_json_int(&j, "pid", t->pid);
			bct_json_str(&j, "cmdline", t->cmdline);
			for (c = 0; c < USTAT_NCAT; c++)
				bct_json_uint(&j, keys[c], r[c]);
			bct_json_end(&j);
		} else {
			printf("%-6d %-20.20s %-10llu %-6llu %-10llu %-8llu %-6llu %-6llu\n",
			       t->pid, t->cmdline, (unsigned long long)r[0],
			       (unsigned long long)r[1], (unsigned long long)r[2],
			       (unsigned long long)r[3], (unsigned long long)r[4],
			       (unsigned long long)r[5]);
		}
		rows++;
	}
	fflush(stdout);
}

static void sleep_interval(uint64_t secs)
{
	struct timespec ts = { (time_t)secs, 0 };

	while (!bct_exiting && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int cmd_ustat(int argc, char **argv)
{
	struct bct_session s = { .after_load = after_load };
	const char *alias = ulang_from_argv0(argv[0], "stat");
	uint64_t interval, left;
	int rc, err, fd;

	if (alias)
		env.language = alias;
	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	interval = env.kit.interval ? env.kit.interval : 1;
	left = env.kit.count ? env.kit.count : 99999999;
	if (bct_session__init(&s, &env.kit, &needs_ustat, NULL))
		return 1;
	if (env.kit.common.ebpf || env.print_prog) {
		err = bct_session__print_source(&s);
		if (err || env.kit.common.ebpf) {
			bct_session__stop(&s);
			return err ? 1 : 0;
		}
	}
	err = bct_session__start(&s);
	if (err) {
		bct_session__stop(&s);
		return err == -EINTR ? 0 : 1;
	}
	/* once the processes found are attached */
	if (!env.kit.common.json)
		printf("Tracing... Output every %llu secs. Hit Ctrl-C to end\n",
		       (unsigned long long)interval);
	fflush(stdout);
	fd = bct_prog__map_fd(s.prog, "counts");
	rc = 0;
	for (;;) {
		sleep_interval(interval);
		if (bct_exiting)
			signal(SIGINT, SIG_IGN);
		print_interval(fd, interval);
		if (bct_exiting || !--left)
			break;
		if (scan(s.prog)) {
			rc = 1;
			break;
		}
	}
	if (!env.kit.common.json)
		printf("Detaching...\n");
	bct_session__stop(&s);
	free(targets);
	free(attached);
	return rc;
}
