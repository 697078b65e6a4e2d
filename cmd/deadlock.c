// SPDX-License-Identifier: Apache-2.0
/*
 * deadlock: find potential deadlocks (lock order inversions) in a running process.
 *
 * Interface of BCC's deadlock by Kenny Yu; written anew. The BPF side (bpf-src/deadlock.bpf.c)
 * records an edge A => B each time a thread takes mutex B while holding mutex A, with the user
 * stacks that took both, and who created each thread. Every second this side reads the edges,
 * builds the lock-order graph and looks for a cycle: when it finds one it prints the mutexes
 * of the cycle, the stacks of each edge and where the threads were created, and exits 1.
 *
 * Where BCC attaches to --binary (default: the process's executable) and fails on a dynamically
 * linked one, this attaches to the object the process maps that defines the lock function
 * (its libc) when --binary is not given and the executable does not define it.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/types.h>

#include "cmd.h"
#include "elfsym.h"
#include "json.h"
#include "log.h"
#include "prog.h"
#include "signals.h"
#include "stack.h"
#include "tool.h"
#include "uprobe.h"
#include "deadlock.h"

enum { K_BINARY = 0x100, K_DUMP, K_VERBOSE, K_LOCK, K_UNLOCK };

#define MAX_SYMS 64

static struct deadlock_env {
	struct bct_env kit; /* --json, --ebpf, --debug */
	pid_t pid;
	bool have_pid;
	const char *binary; /* --binary, as given */
	char path[PATH_MAX]; /* the object the probes go on */
	const char *dump; /* --dump-graph */
	bool verbose;
	char *lock_list, *unlock_list; /* --lock-symbols, --unlock-symbols (split in place) */
	const char *lock[MAX_SYMS], *unlock[MAX_SYMS];
	size_t nlock, nunlock;
	uint64_t threads, edges; /* -t, -e */
} env = { .threads = 65536, .edges = 65536 };

static const struct bct_opt opts[] = {
	BCT_STRING(K_BINARY, "binary", "BINARY", &env.binary,
		   "If set, trace the mutexes from the binary at this path. For statically-linked "
		   "binaries, this argument is not required. For dynamically-linked binaries, "
		   "this argument is required and should be the path of the pthread library the "
		   "binary is using. Example: /lib/x86_64-linux-gnu/libpthread.so.0"),
	BCT_STRING(K_DUMP, "dump-graph", "DUMP_GRAPH", &env.dump,
		   "If set, this will dump the mutex graph to the specified file."),
	BCT_FLAG(K_VERBOSE, "verbose", &env.verbose,
		 "Print statistics about the mutex wait graph."),
	BCT_CUSTOM(K_LOCK, "lock-symbols", "LOCK_SYMBOLS",
		   "Comma-separated list of lock symbols to trace. Default is pthread_mutex_lock. "
		   "These symbols cannot be inlined in the binary."),
	BCT_CUSTOM(K_UNLOCK, "unlock-symbols", "UNLOCK_SYMBOLS",
		   "Comma-separated list of unlock symbols to trace. Default is "
		   "pthread_mutex_unlock. These symbols cannot be inlined in the binary."),
	BCT_CUSTOM('t', "threads", "THREADS",
		   "Specifies the maximum number of threads to trace. default 65536. Note. 40 "
		   "bytes per thread."),
	BCT_CUSTOM('e', "edges", "EDGES",
		   "Specifies the maximum number of edge cases that can be recorded. default "
		   "65536. Note. 88 bytes per edge case."),
	{ 0 },
};

static const char doc[] =
	"Detect potential deadlocks (lock inversions) in a running binary.\n"
	"Must be run as root.\n"
	"\v"
	"Examples:\n"
	"    deadlock 181                 # Analyze PID 181\n"
	"\n"
	"    deadlock 181 --binary /lib/x86_64-linux-gnu/libpthread.so.0\n"
	"                                 # Analyze PID 181 and locks from this binary.\n"
	"                                 # Without it, the executable, or else the\n"
	"                                 # library it maps that defines the lock\n"
	"                                 # function (its libc), is traced.\n"
	"\n"
	"    deadlock 181 --verbose\n"
	"                                 # Analyze PID 181 and print statistics about\n"
	"                                 # the mutex wait graph.\n"
	"\n"
	"    deadlock 181 --lock-symbols my_mutex_lock1,my_mutex_lock2 \\\n"
	"        --unlock-symbols my_mutex_unlock1,my_mutex_unlock2\n"
	"                                 # Analyze PID 181 and trace custom mutex\n"
	"                                 # symbols instead of pthread mutexes.\n"
	"\n"
	"    deadlock 181 --dump-graph graph.json\n"
	"                                 # Analyze PID 181 and dump the mutex wait\n"
	"                                 # graph to graph.json.\n"
	"\n"
	"    deadlock 181 --json          # the cycle found as one JSON object\n";

/* BCC's type=int ("invalid int value: 'x'") */
static long long int_arg(struct argp_state *state, const char *what, const char *arg)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno || end == arg || *end)
		argp_error(state, "argument %s: invalid int value: '%s'", what, arg);
	return v;
}

/* BCC's strlist: the text split on commas (kept as given, empty names too) */
static size_t split_syms(char *list, const char **out)
{
	size_t n = 0;
	char *p = list, *comma;

	while (n < MAX_SYMS) {
		out[n++] = p;
		comma = strchr(p, ',');
		if (!comma)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	return n;
}

static char *trimmed_copy(struct argp_state *state, const char *arg)
{
	size_t len;
	char *s;

	while (*arg == ' ' || *arg == '\t' || *arg == '\n')
		arg++;
	s = strdup(arg);
	if (!s)
		argp_failure(state, 1, ENOMEM, "cannot copy the symbol list");
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n'))
		s[--len] = '\0';
	return s;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	long long v;

	switch (key) {
	case K_LOCK:
		free(env.lock_list);
		env.lock_list = trimmed_copy(state, arg);
		break;
	case K_UNLOCK:
		free(env.unlock_list);
		env.unlock_list = trimmed_copy(state, arg);
		break;
	case 't':
		v = int_arg(state, "-t/--threads", arg);
		if (v < 1 || v > 0x7fffffff)
			argp_error(state, "argument -t/--threads: must be between 1 and %d",
				   0x7fffffff);
		env.threads = v;
		break;
	case 'e':
		v = int_arg(state, "-e/--edges", arg);
		if (v < 1 || v > 0x7fffffff)
			argp_error(state, "argument -e/--edges: must be between 1 and %d",
				   0x7fffffff);
		env.edges = v;
		break;
	case ARGP_KEY_ARG:
		if (env.have_pid)
			argp_error(state, "unrecognized arguments: %s", arg);
		v = int_arg(state, "pid", arg);
		env.pid = (pid_t)v;
		env.have_pid = true;
		break;
	case ARGP_KEY_END:
		if (!env.have_pid && !env.kit.common.ebpf)
			argp_error(state, "the following arguments are required: pid");
		return ARGP_ERR_UNKNOWN;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "pid",
	.doc = doc,
};

/* --- attach methods: every program in bpf-src/deadlock.bpf.c ------------------------------ */

static const struct bct_method mutex_methods[] = {
	{ .name = "uprobe",
	  .progs = BCT_PROGS(BCT_PROG("mutex_acquire", "uprobe"),
			     BCT_PROG("mutex_release", "uprobe")) },
	{ NULL },
};

static const struct bct_method thread_methods[] = {
	{ .name = "kretprobe",
	  .progs = BCT_PROGS(BCT_PROG("clone_return", "kretprobe/" BCT_SYS(clone)),
			     BCT_PROG("clone3_return", "kretprobe/" BCT_SYS(clone3))) },
	{ .name = "tp_btf", .progs = BCT_PROGS(BCT_PROG("fork_btf", "tp_btf/sched_process_fork")) },
	{ .name = "raw_tp", .progs = BCT_PROGS(BCT_PROG("fork_raw", "raw_tp/sched_process_fork")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("fork_tp", "tracepoint/sched/sched_process_fork")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "mutex lock and unlock", mutex_methods, false },
	{ "thread creation", thread_methods, false },
	{ NULL },
};

const struct bct_needs needs_deadlock = {
	.src_name = "deadlock.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	(void)ctx;
	return bct_prog__define(p, "DEADLOCK_PID", "%d", (int)env.pid)
		       ?: bct_prog__define(p, "DEADLOCK_MAX_THREADS", "%" PRIu64, env.threads)
		       ?: bct_prog__define(p, "DEADLOCK_MAX_EDGES", "%" PRIu64, env.edges)
		       ?: bct_prog__define(p, "BCT_STACK_STORAGE", "%d", 16384);
}

/* The object of /proc/PID/maps that defines sym: 0 with it in env.path, or -ENOENT. */
static int mapped_object_with(const char *sym)
{
	char maps[64], line[PATH_MAX + 128], last[PATH_MAX] = "";
	uint64_t off;
	FILE *f;
	int err = -ENOENT;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", (int)env.pid);
	f = fopen(maps, "re");
	if (!f)
		return -errno;
	while (err && fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/');

		if (!path)
			continue;
		path[strcspn(path, "\n")] = '\0';
		if (!strcmp(path, last))
			continue;
		snprintf(last, sizeof(last), "%s", path);
		if (!bct_elf_sym_offset(path, sym, &off)) {
			snprintf(env.path, sizeof(env.path), "%s", path);
			err = 0;
		}
	}
	fclose(f);
	return err;
}

/* BCC's default: the executable of the process ("... Is the process (pid=N) running?"). */
static int pick_binary(void)
{
	char exe[64];
	uint64_t off;
	ssize_t n;

	if (env.binary) {
		snprintf(env.path, sizeof(env.path), "%s", env.binary);
		return 0;
	}
	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)env.pid);
	n = readlink(exe, env.path, sizeof(env.path) - 1);
	if (n < 0) {
		printf("[Errno %d] %s: '%s'. Is the process (pid=%d) running?\n", errno,
		       strerror(errno), exe, (int)env.pid);
		return -ESRCH;
	}
	env.path[n] = '\0';
	if (bct_elf_sym_offset(env.path, env.lock[0], &off))
		mapped_object_with(env.lock[0]);
	return 0;
}

static int after_load(struct bct_prog *p, void *ctx)
{
	size_t i;
	int err;

	(void)ctx;
	/* unlock first: a mutex taken and released while the lock probe is going on is not
	 * left held */
	for (i = 0; i < env.nunlock; i++) {
		struct bct_uprobe u = { .prog = "mutex_release",
					.lib = env.path,
					.sym = env.unlock[i],
					.pid = env.pid };

		err = bct_uprobe_attach(p, &u);
		if (err) {
			if (!env.binary)
				pr_err("failed to attach to symbol %s: is --binary argument missing?",
				       env.unlock[i]);
			return err;
		}
	}
	for (i = 0; i < env.nlock; i++) {
		struct bct_uprobe u = {
			.prog = "mutex_acquire", .lib = env.path, .sym = env.lock[i], .pid = env.pid
		};

		err = bct_uprobe_attach(p, &u);
		if (err)
			return err;
	}
	return 0;
}

/* --- the graph ---------------------------------------------------------------------------- */

struct edge {
	struct deadlock_edge_key k;
	struct deadlock_edge v;
	size_t from, to; /* node indexes */
};

struct graph {
	struct edge *edges;
	size_t nedges;
	uint64_t *nodes; /* sorted mutex addresses */
	size_t nnodes;
	size_t *first; /* first[i]: the first edge from node i (edges sorted by from) */
};

static int by_key(const void *x, const void *y)
{
	const struct edge *a = x, *b = y;

	if (a->k.mutex1 != b->k.mutex1)
		return a->k.mutex1 < b->k.mutex1 ? -1 : 1;
	return a->k.mutex2 < b->k.mutex2 ? -1 : a->k.mutex2 > b->k.mutex2;
}

static int by_addr(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static size_t node_index(const struct graph *g, uint64_t addr)
{
	const uint64_t *n = bsearch(&addr, g->nodes, g->nnodes, sizeof(addr), by_addr);

	return n - g->nodes;
}

static void graph_free(struct graph *g)
{
	free(g->edges);
	free(g->nodes);
	free(g->first);
	memset(g, 0, sizeof(*g));
}

static int graph_read(int fd, struct graph *g)
{
	struct deadlock_edge_key key, next;
	size_t cap = 0, i, j;
	struct edge *tmp;
	int err;

	memset(g, 0, sizeof(*g));
	for (err = bpf_map_get_next_key(fd, NULL, &next); !err;
	     err = bpf_map_get_next_key(fd, &key, &next)) {
		key = next;
		if (g->nedges == cap) {
			cap = cap ? 2 * cap : 256;
			tmp = realloc(g->edges, cap * sizeof(*tmp));
			if (!tmp)
				goto nomem;
			g->edges = tmp;
		}
		if (bpf_map_lookup_elem(fd, &key, &g->edges[g->nedges].v))
			continue;
		g->edges[g->nedges++].k = key;
	}
	qsort(g->edges, g->nedges, sizeof(*g->edges), by_key);
	g->nodes = malloc((2 * g->nedges + 1) * sizeof(*g->nodes));
	if (!g->nodes)
		goto nomem;
	for (i = 0; i < g->nedges; i++) {
		g->nodes[2 * i] = g->edges[i].k.mutex1;
		g->nodes[2 * i + 1] = g->edges[i].k.mutex2;
	}
	qsort(g->nodes, 2 * g->nedges, sizeof(*g->nodes), by_addr);
	for (i = j = 0; i < 2 * g->nedges; i++)
		if (!j || g->nodes[j - 1] != g->nodes[i])
			g->nodes[j++] = g->nodes[i];
	g->nnodes = j;
	g->first = calloc(g->nnodes + 1, sizeof(*g->first));
	if (!g->first)
		goto nomem;
	for (i = 0; i < g->nedges; i++) {
		g->edges[i].from = node_index(g, g->edges[i].k.mutex1);
		g->edges[i].to = node_index(g, g->edges[i].k.mutex2);
	}
	for (i = 0, j = 0; i <= g->nnodes; i++) {
		while (j < g->nedges && g->edges[j].from < i)
			j++;
		g->first[i] = j;
	}
	return 0;
nomem:
	graph_free(g);
	return -ENOMEM;
}

/*
 * A cycle: depth-first from each node in address order. 0 with the cycle's edges (indexes
 * into g->edges, in order) in *cyc and their number in *n; -ENOENT when there is none.
 */
static int find_cycle(const struct graph *g, size_t **cyc, size_t *n)
{
	unsigned char *color = calloc(g->nnodes + 1, 1); /* 0 new, 1 on the path, 2 done */
	size_t *path_edge = malloc((g->nnodes + 1) * sizeof(size_t)); /* edge taken at depth */
	size_t *path_node = malloc((g->nnodes + 1) * sizeof(size_t));
	size_t *next = malloc((g->nnodes + 1) * sizeof(size_t)); /* next edge to try */
	size_t start, depth, i, k;
	int err = -ENOENT;

	if (!color || !path_edge || !path_node || !next) {
		err = -ENOMEM;
		goto out;
	}
	for (start = 0; start < g->nnodes && err == -ENOENT; start++) {
		if (color[start])
			continue;
		depth = 0;
		path_node[0] = start;
		color[start] = 1;
		next[start] = g->first[start];
		while (err == -ENOENT) {
			size_t v = path_node[depth], e, w;

			if (next[v] >= g->first[v + 1]) {
				color[v] = 2;
				if (!depth)
					break;
				depth--;
				continue;
			}
			e = next[v]++;
			w = g->edges[e].to;
			if (color[w] == 1) {
				/* the path from w to v, then v => w */
				for (i = 0; path_node[i] != w; i++)
					;
				*n = depth - i + 1;
				*cyc = malloc(*n * sizeof(**cyc));
				if (!*cyc) {
					err = -ENOMEM;
					break;
				}
				for (k = 0; i + k < depth; k++)
					(*cyc)[k] = path_edge[i + k];
				(*cyc)[k] = e;
				err = 0;
			} else if (!color[w]) {
				path_edge[depth] = e;
				path_node[++depth] = w;
				color[w] = 1;
				next[w] = g->first[w];
			}
		}
	}
out:
	free(color);
	free(path_edge);
	free(path_node);
	free(next);
	return err;
}

/* --- output ------------------------------------------------------------------------------- */

struct printer {
	int stack_fd;
	struct bct_usyms *usyms;
	struct bct_json *j; /* --json */
};

/*
 * The frames of stack id, with caller (when not 0) put back after the first frame unless the
 * kernel has it there already. A frame chain that loops (the same address again: code without
 * frame pointers, as the clone syscall's) ends at the first repeat.
 */
static int read_frames(struct printer *pr, int64_t id, uint64_t caller, uint64_t *ips)
{
	int n = id < 0 ? 0 : bct_stack_read(pr->stack_fd, (int32_t)id, ips, BCT_STACK_MAX_DEPTH);
	int i;

	if (n < 0)
		n = 0;
	if (caller && n >= 1 && (n < 2 || ips[1] != caller)) {
		if (n == BCT_STACK_MAX_DEPTH)
			n--;
		memmove(&ips[2], &ips[1], (n - 1) * sizeof(*ips));
		ips[1] = caller;
		n++;
	}
	for (i = 1; i < n; i++)
		if (ips[i] == ips[i - 1])
			return i;
	return n;
}

static void print_stack(struct printer *pr, const char *key, int64_t id, uint64_t caller)
{
	uint64_t ips[BCT_STACK_MAX_DEPTH];
	char sym[512];
	int n = read_frames(pr, id, caller, ips);
	int i;

	if (pr->j)
		bct_json_arr_open(pr->j, key);
	for (i = 0; i < n; i++) {
		bct_usyms_name(pr->usyms, env.pid, ips[i], false, sym, sizeof(sym));
		if (sym[0] != '[')
			sym[strcspn(sym, "@")] = '\0'; /* BCC's names have no symbol version */
		if (pr->j) {
			bct_json_obj_open(pr->j, NULL);
			bct_json_uint(pr->j, "ip", ips[i]);
			bct_json_str(pr->j, "sym", sym);
			bct_json_obj_close(pr->j);
		} else {
			printf("@ %016" PRIx64 " %s\n", ips[i], sym);
		}
	}
	if (pr->j)
		bct_json_arr_close(pr->j);
}

static const char *mutex_name(const struct graph *g, const size_t *cyc, size_t n, uint64_t m,
			      char *buf, size_t sz)
{
	size_t i;

	for (i = 0; i < n && g->edges[cyc[i]].k.mutex1 != m; i++)
		;
	snprintf(buf, sz, "Mutex M%zu (0x%016" PRIx64 ")", i, m);
	return buf;
}

static int by_tid(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

static void print_cycle(struct printer *pr, int parent_fd, const struct graph *g, const size_t *cyc,
			size_t n)
{
	char a[64], b[64], comm[DEADLOCK_COMM_LEN + 1];
	uint32_t *tids = calloc(n, sizeof(*tids));
	size_t i, ntids = 0;

	if (pr->j) {
		bct_json_arr_open(pr->j, "cycle");
		for (i = 0; i < n; i++) {
			bct_json_obj_open(pr->j, NULL);
			snprintf(a, sizeof(a), "M%zu", i);
			bct_json_str(pr->j, "name", a);
			bct_json_uint(pr->j, "mutex", g->edges[cyc[i]].k.mutex1);
			bct_json_obj_close(pr->j);
		}
		bct_json_arr_close(pr->j);
		bct_json_arr_open(pr->j, "edges");
	} else {
		printf("----------------\nPotential Deadlock Detected!\n\n");
		printf("Cycle in lock order graph: ");
		for (i = 0; i <= n; i++)
			printf("%s%s", i ? " => " : "",
			       mutex_name(g, cyc, n, g->edges[cyc[i % n]].k.mutex1, a, sizeof(a)));
		printf("\n\n");
	}
	for (i = 0; i < n; i++) {
		const struct edge *e = &g->edges[cyc[i]];

		snprintf(comm, sizeof(comm), "%.*s", DEADLOCK_COMM_LEN, e->v.comm);
		if (tids && !bsearch(&e->v.tid, tids, ntids, sizeof(*tids), by_tid)) {
			tids[ntids++] = e->v.tid;
			qsort(tids, ntids, sizeof(*tids), by_tid);
		}
		if (pr->j) {
			bct_json_obj_open(pr->j, NULL);
			bct_json_uint(pr->j, "mutex1", e->k.mutex1);
			bct_json_uint(pr->j, "mutex2", e->k.mutex2);
			bct_json_uint(pr->j, "tid", e->v.tid);
			bct_json_str(pr->j, "comm", comm);
			print_stack(pr, "mutex2_stack", e->v.mutex2_stack_id, e->v.mutex2_caller);
			print_stack(pr, "mutex1_stack", e->v.mutex1_stack_id, e->v.mutex1_caller);
			bct_json_obj_close(pr->j);
			continue;
		}
		mutex_name(g, cyc, n, e->k.mutex2, b, sizeof(b));
		mutex_name(g, cyc, n, e->k.mutex1, a, sizeof(a));
		printf("%s acquired here while holding %s in Thread %u (%s):\n", b, a, e->v.tid,
		       comm);
		print_stack(pr, NULL, e->v.mutex2_stack_id, e->v.mutex2_caller);
		printf("\n%s previously acquired by the same Thread %u (%s) here:\n", a, e->v.tid,
		       comm);
		print_stack(pr, NULL, e->v.mutex1_stack_id, e->v.mutex1_caller);
		printf("\n");
	}
	if (pr->j) {
		bct_json_arr_close(pr->j);
		bct_json_arr_open(pr->j, "threads");
	}
	for (i = 0; i < ntids; i++) {
		struct deadlock_parent p;
		bool found = !bpf_map_lookup_elem(parent_fd, &tids[i], &p);

		if (found)
			snprintf(comm, sizeof(comm), "%.*s", DEADLOCK_COMM_LEN, p.comm);
		if (pr->j) {
			bct_json_obj_open(pr->j, NULL);
			bct_json_uint(pr->j, "tid", tids[i]);
			if (found) {
				bct_json_uint(pr->j, "parent_tid", p.parent_tid);
				bct_json_str(pr->j, "parent_comm", comm);
				print_stack(pr, "stack", p.stack_id, 0);
			}
			bct_json_obj_close(pr->j);
			continue;
		}
		if (found) {
			printf("Thread %u created by Thread %u (%s) here: \n", tids[i],
			       p.parent_tid, comm);
			print_stack(pr, NULL, p.stack_id, 0);
		} else {
			printf("Could not find stack trace where Thread %u was created\n", tids[i]);
		}
		printf("\n");
	}
	if (pr->j)
		bct_json_arr_close(pr->j);
	free(tids);
}

/* --dump-graph: the graph as Python's json.dumps(indent=2) of BCC's node-link data */
static int dump_graph(const struct graph *g)
{
	char comm[DEADLOCK_COMM_LEN + 1];
	FILE *f = fopen(env.dump, "we");
	size_t i;

	if (!f)
		return -errno;
	fprintf(f, "{\n  \"directed\": true,\n  \"multigraph\": false,\n  \"graph\": {},\n"
		   "  \"links\": [");
	for (i = 0; i < g->nedges; i++) {
		const struct edge *e = &g->edges[i];

		snprintf(comm, sizeof(comm), "%.*s", DEADLOCK_COMM_LEN, e->v.comm);
		fprintf(f, "%s\n    {\n      \"thread_pid\": %u,\n      \"thread_comm\": ",
			i ? "," : "", e->v.tid);
		bct_json_quote(f, comm, strlen(comm));
		fprintf(f,
			",\n      \"first_mutex_stack_id\": %" PRId64
			",\n      \"second_mutex_stack_id\": %" PRId64
			",\n      \"source\": %zu,\n      \"target\": %zu\n    }",
			(int64_t)e->v.mutex1_stack_id, (int64_t)e->v.mutex2_stack_id, e->from,
			e->to);
	}
	fprintf(f, "%s],\n  \"nodes\": [", g->nedges ? "\n  " : "");
	for (i = 0; i < g->nnodes; i++)
		fprintf(f, "%s\n    {\n      \"id\": %" PRIu64 "\n    }", i ? "," : "",
			g->nodes[i]);
	fprintf(f, "%s]\n}", g->nnodes ? "\n  " : "");
	if (fclose(f) == EOF)
		return -errno;
	return 0;
}

/* One look at the graph: 1 when a cycle was found (and printed), 0, or -errno. */
static int check(struct bct_session *s, struct printer *pr)
{
	struct graph g;
	size_t *cyc = NULL, n = 0;
	int err;

	err = graph_read(bct_prog__map_fd(s->prog, "edges"), &g);
	if (err)
		return err;
	if (env.verbose) {
		if (env.kit.common.json) {
			struct bct_json j;

			bct_json_begin(&j, stdout);
			bct_json_uint(&j, "mutexes", g.nnodes);
			bct_json_uint(&j, "edges", g.nedges);
			bct_json_end(&j);
		} else {
			printf("Mutexes: %zu, Edges: %zu\n", g.nnodes, g.nedges);
		}
	}
	if (env.dump) {
		err = dump_graph(&g);
		if (err) {
			pr_err("cannot write the graph to %s: %s", env.dump, strerror(-err));
			goto out;
		}
	}
	err = find_cycle(&g, &cyc, &n);
	if (err == -ENOENT) {
		err = 0;
		goto out;
	}
	if (err)
		goto out;
	if (env.kit.common.json) {
		struct bct_json j;

		pr->j = &j;
		bct_json_begin(&j, stdout);
		bct_json_uint(&j, "pid", env.pid);
		print_cycle(pr, bct_prog__map_fd(s->prog, "thread_parent"), &g, cyc, n);
		bct_json_end(&j);
		pr->j = NULL;
	} else {
		print_cycle(pr, bct_prog__map_fd(s->prog, "thread_parent"), &g, cyc, n);
	}
	err = 1;
out:
	free(cyc);
	graph_free(&g);
	return err;
}

static int run(struct bct_session *s)
{
	struct printer pr = { .stack_fd = bct_prog__map_fd(s->prog, "stack_traces") };
	int rc = 0;

	pr.usyms = bct_usyms_new();
	if (!pr.usyms) {
		pr_err("cannot set up user symbols: %s", strerror(ENOMEM));
		return 1;
	}
	while (!bct_exiting) {
		rc = check(s, &pr);
		fflush(stdout);
		if (rc)
			break;
		bct_stack_wait(1000);
	}
	if (rc < 0)
		pr_err("cannot read the lock-order graph: %s", strerror(-rc));
	bct_usyms_free(pr.usyms);
	return rc ? 1 : 0;
}

int cmd_deadlock(int argc, char **argv)
{
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	int rc, err;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (!env.lock_list)
		env.lock_list = strdup("pthread_mutex_lock");
	if (!env.unlock_list)
		env.unlock_list = strdup("pthread_mutex_unlock");
	if (!env.lock_list || !env.unlock_list) {
		rc = 1;
		goto out;
	}
	env.nlock = split_syms(env.lock_list, env.lock);
	env.nunlock = split_syms(env.unlock_list, env.unlock);
	if (!env.kit.common.ebpf && pick_binary()) {
		rc = 1;
		goto out;
	}
	if (bct_session__init(&s, &env.kit, &needs_deadlock, NULL)) {
		rc = 1;
		goto out;
	}
	if (env.kit.common.ebpf) {
		err = bct_session__print_source(&s);
		bct_session__stop(&s);
		rc = err ? 1 : 0;
		goto out;
	}
	err = bct_session__start(&s);
	if (!err) {
		if (!env.kit.common.json)
			printf("Tracing... Hit Ctrl-C to end.\n");
		fflush(stdout);
		err = bct_session__go(&s);
	}
	if (err) {
		bct_session__stop(&s);
		rc = err == -EINTR && bct_exiting ? 0 : 1;
		goto out;
	}
	rc = run(&s);
	bct_session__stop(&s);
out:
	free(env.lock_list);
	free(env.unlock_list);
	return rc;
}
