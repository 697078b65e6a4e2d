// SPDX-License-Identifier: Apache-2.0
/*
 * trace: print a line for each hit of user functions, tracepoints and USDT probes, with a
 * printf-style message built from their arguments.
 *
 * Interface of BCC's trace by Sasha Goldshtein; written anew. The probes are parsed by
 * lib/tracespec.c; the BPF C is generated here (lib/tracegen.c for the per-kind parts), one
 * program per probe (per USDT location), registered as "trace.bpf.c" and compiled by the
 * engine like any tool's program (its cache makes a repeated command line a hit).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "probespec.h"
#include "prog.h"
#include "signals.h"
#include "src.h"
#include "stack.h"
#include "tool.h"
#include "tracegen.h"
#include "tracespec.h"

#define MAX_PROBES 64
#define HDR_SIZE 56

static struct trace_env {
	struct bct_env kit; /* -p, -L, --uid, -n, --json, --ebpf, --debug */
	const char *probes[MAX_PROBES];
	int nprobes;
	uint64_t buffer_pages;
	long string_size;
	bool include_self;
	long max_events;
	bool timestamp, unix_ts, time;
	bool print_cpu;
	const char *msg_filter;
	bool bin_cmp;
	bool kstack, ustack, address;
	bool aggregate;
	bool verbose;
} env = { .string_size = 80 };

enum { OPT_SYMFILES = 0x100 };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('b', "buffer-pages", "BUFFER_PAGES",
		   "number of pages to use for perf_events ring buffer (default: 64)"),
	BCT_FLAG('v', "verbose", &env.verbose, "print resulting BPF program code before executing"),
	BCT_CUSTOM('Z', "string-size", "STRING_SIZE", "maximum size to read from strings"),
	BCT_FLAG('S', "include-self", &env.include_self,
		 "do not filter trace's own pid from the trace"),
	BCT_CUSTOM('M', "max-events", "MAX_EVENTS", "number of events to print before quitting"),
	BCT_FLAG('t', "timestamp", &env.timestamp,
		 "print timestamp column (offset from trace start)"),
	BCT_FLAG('u', "unix-timestamp", &env.unix_ts,
		 "print UNIX timestamp instead of offset "
		 "from trace start, requires -t"),
	BCT_FLAG('T', "time", &env.time, "print time column"),
	BCT_FLAG('C', "print_cpu", &env.print_cpu, "print CPU id"),
	BCT_CUSTOM('c', "cgroup-path", "CGROUP_PATH", "cgroup path"),
	BCT_STRING('f', "msg-filter", "MSG_FILTER", &env.msg_filter,
		   "only print the msg of event containing this string"),
	BCT_FLAG('B', "bin_cmp", &env.bin_cmp, "allow to use STRCMP with binary values"),
	BCT_CUSTOM(OPT_SYMFILES, "sym_file_list", "SYM_FILE_LIST",
		   "accepted for BCC compatibility; stacks are symbolized from the processes' own "
		   "files"),
	BCT_FLAG('K', "kernel-stack", &env.kstack, "output kernel stack trace"),
	BCT_FLAG('U', "user-stack", &env.ustack, "output user stack trace"),
	BCT_FLAG('a', "address", &env.address, "print virtual address in stacks"),
	BCT_CUSTOM('I', "include", "HEADER",
		   "additional header files to include in the BPF program (kernel types come from "
		   "the kernel's BTF: accepted and not needed)"),
	BCT_FLAG('A', "aggregate", &env.aggregate,
		 "aggregate amount of each trace; requires -M/--max-events"),
	{ 0 },
};

static const char doc[] =
	"Attach to functions and print trace messages.\n"
	"\v"
	"examples:\n"
	"    trace 't:syscalls:sys_enter_openat \"%s\", args->filename'\n"
	"          print the file name of every openat()\n"
	"    trace 'r:c:malloc (retval) \"allocated = %x\", retval'\n"
	"          trace the return from libc's malloc, when it is not NULL\n"
	"    trace 'p:c:write (arg1 == 1) \"writing %d bytes to STDOUT\", arg3'\n"
	"          trace libc's write() to fd 1, with the byte count\n"
	"    trace -p 1234 'c:open \"%s\", arg1'\n"
	"          the files process 1234 opens through libc's open()\n"
	"    trace 'u:./prog:tick \"i=%d tag=%s\", arg1, arg2'\n"
	"          a USDT probe of ./prog with its arguments\n"
	"    trace -U -M 5 'p:c:malloc \"%d bytes\", arg1'\n"
	"          five malloc() calls, each with its user stack\n"
	"    trace 't:sched:sched_process_exit \"%s %d\", args->comm, args->pid'\n"
	"          every process exit\n"
	"    trace -A -M 100 'r:c:malloc'\n"
	"          100 returns from malloc(), identical lines counted\n";

static long parse_num(struct argp_state *state, const char *what, const char *arg, long min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > INT_MAX)
		argp_error(state, "invalid %s: '%s'", what, arg);
	return v;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'b':
		env.buffer_pages = (uint64_t)parse_num(state, "buffer pages", arg, 1);
		break;
	case 'Z':
		env.string_size = parse_num(state, "string size", arg, 1);
		if (env.string_size > 4096)
			argp_error(state, "string size %s is too big (at most 4096)", arg);
		break;
	case 'M':
		env.max_events = parse_num(state, "max events", arg, 1);
		break;
	case 'c':
		env.kit.filter.cgroup = arg;
		break;
	case OPT_SYMFILES:
	case 'I':
		break;
	case ARGP_KEY_ARG:
		if (env.nprobes == MAX_PROBES)
			argp_error(state, "too many probes (at most %d)", MAX_PROBES);
		env.probes[env.nprobes++] = arg;
		break;
	case ARGP_KEY_END:
		if (env.kit.filter.pid && env.kit.filter.tid)
			argp_error(state, "only one of -p and -L may be specified");
		if (env.aggregate && !env.max_events)
			argp_error(state,
				   "-M/--max-events should be specified with -A/--aggregate");
		if (!env.nprobes && !env.kit.common.ebpf)
			argp_error(state, "the following arguments are required: probe");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "probe [probe ...]",
	.doc = doc,
	.shared = { .pid = 'p', .tid = 'L', .uid = BCT_LONG_ONLY, .comm = 'n' },
};

/* --- what `bcctool check trace` shows: the kinds of probe and how each attaches ----------- */

BCT_PROBESPEC_HOOKS("probe_0", "tracepoints (t:CAT:EV)", "probe_0",
		    "user functions and USDT probes (p:LIB:FUNC, r:LIB:FUNC, u:LIB:PROBE)");

const struct bct_needs needs_trace = {
	.src_name = "trace.bpf.c",
	.variants = (const struct bct_variant[]){ { "t:CAT:EV", tp_hooks },
						  { "p:LIB:FUNC, u:LIB:PROBE", uprobe_hooks },
						  { NULL } },
	.default_args = "t:sched:sched_process_exit",
};

/* The programs are generated: none is declared to the engine. */
static const struct bct_hook no_hooks[] = { { NULL, NULL, false } };

/* --- probes and the program --------------------------------------------------------------- */

struct probe {
	struct bct_trace_probe spec;
	struct bct_tgen_target t;
	const char *text;
	size_t slot_off[BCT_TSPEC_MAX_ARGS]; /* each value's offset in the event */
	size_t size; /* the event's bytes */
};

static struct probe probes[MAX_PROBES];
static int nprobes;
static size_t str_slot; /* bytes of a %s slot */

static int setup_probe(struct probe *p, const char *text)
{
	char err[512];
	int e;

	p->text = text;
	e = bct_trace_probe_parse(text, &p->spec, err, sizeof(err));
	if (e == -ENOMEM)
		return e;
	if (e) {
		pr_err("error in probe '%s': %s", text, err);
		return 2; /* a usage error */
	}
	e = bct_tgen_resolve(&p->t, p->spec.type, p->spec.lib, p->spec.func, p->spec.provider,
			     p->spec.offset, p->spec.signature, env.kit.filter.pid, err,
			     sizeof(err));
	if (e) {
		pr_err("error in probe '%s': %s", text, err);
		return e;
	}
	return 0;
}

static void gen_probe(FILE *f, FILE *helpers, int *nh, int i)
{
	struct probe *p = &probes[i];
	size_t off = HDR_SIZE, loc;
	char name[32], dl[128];
	int k;

	fprintf(f, "struct ev_%d {\n\tstruct gen_hdr h;\n", i);
	for (k = 0; k < p->spec.nconv; k++) {
		p->slot_off[k] = off;
		if (p->spec.conv[k].kind == BCT_TC_STR) {
			fprintf(f, "\tchar v%d[%zu];\n", k, str_slot);
			off += str_slot;
		} else {
			fprintf(f, "\t__u64 v%d;\n", k);
			off += 8;
		}
	}
	p->size = off;
	fprintf(f, "};\n\n");
	for (loc = 0; loc < bct_tgen_nprogs(&p->t); loc++) {
		char *pred = NULL, *vals[BCT_TSPEC_MAX_ARGS] = { 0 };

		snprintf(name, sizeof(name), loc ? "probe_%d_%zu" : "probe_%d", i, loc);
		/* expressions first: their STRCMP helpers must precede the program */
		if (p->spec.predicate)
			pred = bct_tgen_expr(&p->t, p->spec.predicate, helpers, nh);
		for (k = 0; k < p->spec.nargs; k++)
			vals[k] = bct_tgen_expr(&p->t, p->spec.args[k], helpers, nh);
		fflush(helpers);
		bct_tgen_head(f, &p->t, loc, name, p->spec.type == 'r');
		fprintf(f, "\tstruct ev_%d *e;\n\n", i);
		fprintf(f, "\tif (!gen_pass())\n\t\treturn 0;\n");
		if (pred)
			fprintf(f, "\tif (!%s)\n\t\treturn 0;\n", pred);
		fprintf(f, "\te = bct_event_reserve(sizeof(*e));\n\tif (!e)\n\t\treturn 0;\n");
		fprintf(f, "\tgen_fill(&e->h, %d);\n", i);
		if (env.kstack)
			fprintf(f, "\te->h.kstack = bpf_get_stackid(ctx, &gen_stacks, 0);\n");
		if (env.ustack)
			fprintf(f, "\te->h.ustack = bpf_get_stackid(ctx, &gen_stacks, "
				   "BPF_F_USER_STACK);\n");
		for (k = 0; k < p->spec.nargs; k++) {
			const struct bct_tconv_spec *c = &p->spec.conv[k];

			if (c->kind != BCT_TC_STR) {
				fprintf(f, "\te->v%d = (__u64)(%s)(%s);\n", k, c->ctype,
					vals[k] ? vals[k] : "0");
				continue;
			}
			if (bct_tgen_str_user(&p->t, p->spec.args[k], dl, sizeof(dl)))
				fprintf(f,
					"\tgen_str(e->v%d, sizeof(e->v%d), (const void *)(unsigned "
					"long)(%s), 1);\n",
					k, k, vals[k]);
			else if (dl[0])
				fprintf(f,
					"\tgen_str(e->v%d, sizeof(e->v%d), (const char *)ctx + "
					"(args->%s & 0xffff), 0);\n",
					k, k, dl);
			else
				fprintf(f,
					"\tgen_str(e->v%d, sizeof(e->v%d), (const void *)(unsigned "
					"long)(%s), 0);\n",
					k, k, vals[k]);
		}
		fprintf(f, "\tbct_event_submit(e, sizeof(*e));\n\treturn 0;\n}\n\n");
		free(pred);
		for (k = 0; k < p->spec.nargs; k++)
			free(vals[k]);
	}
}

/* The whole program, registered as trace.bpf.c. */
static int generate(void)
{
	char *text = NULL, *htext = NULL, *body = NULL;
	size_t len = 0, hlen = 0, blen = 0;
	FILE *f, *h, *b;
	int i, nh = 0, err;

	f = open_memstream(&text, &len);
	h = open_memstream(&htext, &hlen);
	b = open_memstream(&body, &blen);
	if (!f || !h || !b) {
		if (f)
			fclose(f);
		if (h)
			fclose(h);
		if (b)
			fclose(b);
		free(text);
		free(htext);
		free(body);
		return -ENOMEM;
	}
	str_slot = ((size_t)env.string_size + 7) & ~(size_t)7;
	for (i = 0; i < nprobes; i++)
		gen_probe(b, h, &nh, i);
	fclose(h);
	fclose(b);
	fprintf(f, "/* trace:");
	for (i = 0; i < nprobes; i++)
		fprintf(f, " %s%s", i ? "| " : "", probes[i].text);
	fprintf(f, " */\n");
	bct_tgen_prelude(f);
	fprintf(f,
		"struct gen_hdr {\n"
		"\t__u64 ts;\n"
		"\t__u32 probe, tgid, pid, uid, cpu;\n"
		"\t__s32 kstack, ustack;\n"
		"\tchar comm[16];\n"
		"} __attribute__((aligned(8)));\n"
		"_Static_assert(sizeof(struct gen_hdr) == %d, \"event header\");\n\n",
		HDR_SIZE);
	if (env.kstack || env.ustack)
		fprintf(f, "struct {\n"
			   "\t__uint(type, BPF_MAP_TYPE_STACK_TRACE);\n"
			   "\t__uint(max_entries, 1024);\n"
			   "\t__uint(key_size, sizeof(__u32));\n"
			   "\t__uint(value_size, 127 * sizeof(__u64));\n"
			   "} gen_stacks SEC(\".maps\");\n\n");
	fprintf(f,
		"/* -p, -L, --uid, -n, -c; trace's own process unless -S */\n"
		"static __always_inline bool gen_pass(void)\n"
		"{\n"
		"\t__u64 id = bpf_get_current_pid_tgid();\n\n"
		"%s"
		"#ifdef FILTER_TID\n\tif ((__u32)id != FILTER_TID)\n\t\treturn false;\n#endif\n"
		"#ifdef FILTER_PID\n\tif ((id >> 32) != FILTER_PID)\n\t\treturn false;\n#endif\n"
		"#ifdef FILTER_UID\n\tif ((__u32)bpf_get_current_uid_gid() != FILTER_UID)\n"
		"\t\treturn false;\n#endif\n"
		"#ifdef FILTER_COMM_LEN\n"
		"\tchar comm[BCT_COMM_LEN];\n\n"
		"\tbpf_get_current_comm(comm, sizeof(comm));\n"
		"\tif (!bct_filter_comm(comm))\n\t\treturn false;\n"
		"#endif\n"
		"#ifdef FILTER_CGROUP\n"
		"\tif (!bct_filter_task(bpf_get_current_task_btf()))\n\t\treturn false;\n"
		"#endif\n"
		"\treturn true;\n"
		"}\n\n"
		"static __always_inline void gen_fill(struct gen_hdr *h, __u32 probe)\n"
		"{\n"
		"\t__u64 id = bpf_get_current_pid_tgid();\n\n"
		"\th->ts = bpf_ktime_get_ns();\n"
		"\th->probe = probe;\n"
		"\th->tgid = id >> 32;\n"
		"\th->pid = (__u32)id;\n"
		"\th->uid = (__u32)bpf_get_current_uid_gid();\n"
		"\th->cpu = bpf_get_smp_processor_id();\n"
		"\th->kstack = h->ustack = -1;\n"
		"\tbpf_get_current_comm(h->comm, sizeof(h->comm));\n"
		"}\n\n",
		env.include_self ? "" : "\tif ((id >> 32) == bct_self_tgid)\n\t\treturn false;\n");
	fputs(htext, f);
	fputs(body, f);
	fclose(f);
	free(htext);
	free(body);
	if (!text)
		return -ENOMEM;
	err = bct_src_set("trace.bpf.c", text);
	free(text);
	return err;
}

/* --- attach ------------------------------------------------------------------------------- */

static int after_load(struct bct_prog *prog, void *ctx)
{
	struct bpf_object *obj = bct_prog__object(prog);
	pid_t pid = env.kit.filter.pid > 0 ? env.kit.filter.pid : -1;
	char name[32];
	int i, err;
	size_t loc;

	(void)ctx;
	for (i = 0; i < nprobes; i++) {
		struct probe *p = &probes[i];

		if (p->t.type == 't')
			continue;
		for (loc = 0; loc < bct_tgen_nprogs(&p->t); loc++) {
			LIBBPF_OPTS(bpf_uprobe_opts, o, .retprobe = p->spec.type == 'r');
			struct bpf_program *bp;
			struct bpf_link *link;
			uint64_t off = p->t.type == 'u' ? p->t.locs[loc].offset : p->t.off;

			if (p->t.type == 'u')
				o.ref_ctr_offset = (size_t)p->t.locs[loc].sema_offset;
			snprintf(name, sizeof(name), loc ? "probe_%d_%zu" : "probe_%d", i, loc);
			bp = bpf_object__find_program_by_name(obj, name);
			if (!bp)
				return -ENOENT;
			link = bpf_program__attach_uprobe_opts(bp, pid, p->t.path, (size_t)off, &o);
			if (!link) {
				err = -errno;
				pr_err("cannot attach probe '%s' to %s: %s", p->text, p->t.path,
				       strerror(-err));
				return err;
			}
			err = bct_prog__add_link(prog, link);
			if (err)
				return err;
		}
	}
	return 0;
}

/* --- output ------------------------------------------------------------------------------- */

struct gen_hdr {
	uint64_t ts;
	uint32_t probe, tgid, pid, uid, cpu;
	int32_t kstack, ustack;
	char comm[16];
} __attribute__((aligned(8)));
_Static_assert(sizeof(struct gen_hdr) == HDR_SIZE, "event header");

static struct bct_col cols[] = {
	{ "TIME", "time", 8, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "CPU", "cpu", 3, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "TID", "tid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 15, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "FUNC", "func", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "-", "msg", 0, BCT_COL_STR, 0, 0 },
	{ NULL },
};

static struct {
	uint64_t start_mono_ns;
	double start_real;
	long events;
	struct bct_usyms *usyms;
	struct bct_ksyms *ksyms;
	int stacks_fd;
	char **agg_text;
	long *agg_count;
	size_t nagg;
	struct bct_out *out;
	const char *comm; /* -n */
} run = { .stacks_fd = -1 };

static void columns(void *ctx, struct bct_out *out)
{
	(void)ctx;
	bct_out__show(out, "time", env.timestamp || env.time);
	bct_out__show(out, "cpu", env.print_cpu);
	run.out = out;
}

/* A kernel address as sym+0xoff. */
static const char *ksym(uint64_t addr, char *buf, size_t sz)
{
	if (!run.ksyms)
		run.ksyms = bct_ksyms_load(NULL);
	if (!run.ksyms) {
		snprintf(buf, sz, "0x%" PRIx64, addr);
		return buf;
	}
	return bct_ksyms_name(run.ksyms, addr, true, buf, sz);
}

static const char *usym(pid_t pid, uint64_t addr, char *buf, size_t sz)
{
	if (!run.usyms)
		run.usyms = bct_usyms_new();
	if (!run.usyms) {
		snprintf(buf, sz, "0x%" PRIx64, addr);
		return buf;
	}
	return bct_usyms_frame(run.usyms, pid, addr, buf, sz);
}

/* The message: the format with each conversion's value, as BCC's Python % prints it. */
static void message(const struct probe *p, const struct gen_hdr *h, const char *data, FILE *m)
{
	const char *s = p->spec.format;
	char fmt[32], sym[512];
	int k = 0;

	if (!s)
		return;
	while (*s) {
		const struct bct_tconv_spec *c;
		const char *v;
		uint64_t u;

		if (*s != '%') {
			fputc(*s++, m);
			continue;
		}
		if (s[1] == '%') {
			fputc('%', m);
			s += 2;
			continue;
		}
		if (k >= p->spec.nconv)
			break;
		c = &p->spec.conv[k];
		v = data + p->slot_off[k];
		memcpy(&u, v, sizeof(u));
		/* past the %, the flags and the conversion's letters */
		s += 1 + strlen(c->flags);
		while (*s == 'l' || *s == 'h')
			s++;
		s++;
		switch (c->kind) {
		case BCT_TC_STR:
			snprintf(fmt, sizeof(fmt), "%%%.15s.*s", c->flags);
			fprintf(m, fmt, (int)strnlen(v, str_slot), v);
			break;
		case BCT_TC_CHAR:
			snprintf(fmt, sizeof(fmt), "%%%.15sc", c->flags);
			fprintf(m, fmt, (char)u);
			break;
		case BCT_TC_INT: {
			long long sv = c->size == 2   ? (short)u
				       : c->size == 4 ? (int)u
						      : (long long)u;

			snprintf(fmt, sizeof(fmt), "%%%.15slld", c->flags);
			fprintf(m, fmt, sv);
			break;
		}
		case BCT_TC_UINT:
		case BCT_TC_HEX: {
			unsigned long long uv = c->size == 2   ? (unsigned short)u
						: c->size == 4 ? (unsigned int)u
							       : u;

			snprintf(fmt, sizeof(fmt), "%%%.15sll%c", c->flags,
				 c->kind == BCT_TC_HEX ? 'x' : 'u');
			fprintf(m, fmt, uv);
			break;
		}
		case BCT_TC_KSYM:
			snprintf(fmt, sizeof(fmt), "%%%.15ss", c->flags);
			fprintf(m, fmt, ksym(u, sym, sizeof(sym)));
			break;
		case BCT_TC_USYM:
			snprintf(fmt, sizeof(fmt), "%%%.15ss", c->flags);
			fprintf(m, fmt, usym((pid_t)h->tgid, u, sym, sizeof(sym)));
			break;
		}
		k++;
	}
}

static void print_stack(FILE *m, int32_t id, bool user, pid_t tgid)
{
	uint64_t ips[127];
	char sym[512];
	int n, i;

	if (id < 0) {
		fprintf(m, "        %d\n", id);
		return;
	}
	if (run.stacks_fd < 0)
		return;
	if (!user && !run.ksyms)
		run.ksyms = bct_ksyms_load(NULL);
	n = user || !run.ksyms ? bct_stack_read(run.stacks_fd, id, ips, 127)
			       : bct_stack_read_kernel(run.stacks_fd, run.ksyms, id, ips, 127);
	for (i = 0; i < n; i++) {
		fputs("        ", m);
		if (env.address)
			fprintf(m, "%16" PRIx64 " ", ips[i]);
		if (user)
			fprintf(m, "%s\n", usym(tgid, ips[i], sym, sizeof(sym)));
		else if (run.ksyms)
			fprintf(m, "%s\n", bct_ksyms_frame(run.ksyms, ips[i], sym, sizeof(sym)));
		else
			fprintf(m, "0x%" PRIx64 "\n", ips[i]);
	}
}

static const char *func_name(const struct probe *p)
{
	return p->spec.func;
}

/* text, one bct_out__text() per line (it escapes control bytes, newlines too) */
static int out_lines(struct bct_out *out, const char *text)
{
	const char *nl;
	char *line;
	int err = 0;

	while (!err && (nl = strchr(text, '\n'))) {
		line = strndup(text, (size_t)(nl - text));
		if (!line)
			return -ENOMEM;
		err = bct_out__text(out, line);
		free(line);
		text = nl + 1;
	}
	return err ? err : bct_out__text(out, text);
}

static int print_aggregate(struct bct_out *out)
{
	size_t i, j;
	int err = 0;

	for (i = 0; i < run.nagg; i++)
		for (j = i + 1; j < run.nagg; j++)
			if (run.agg_count[j] > run.agg_count[i]) {
				long c = run.agg_count[i];
				char *t = run.agg_text[i];

				run.agg_count[i] = run.agg_count[j];
				run.agg_text[i] = run.agg_text[j];
				run.agg_count[j] = c;
				run.agg_text[j] = t;
			}
	for (i = 0; i < run.nagg; i++) {
		char *line = NULL;

		if (asprintf(&line, "%s-->COUNT %ld\n", run.agg_text[i], run.agg_count[i]) < 0)
			return -ENOMEM;
		/* bct_out__text() adds the newline after "-->COUNT n", then BCC's blank line */
		err = out_lines(out, line);
		free(line);
		if (err)
			break;
	}
	return err;
}

static int aggregate(const char *text)
{
	size_t i;

	for (i = 0; i < run.nagg; i++)
		if (!strcmp(run.agg_text[i], text)) {
			run.agg_count[i]++;
			return 0;
		}
	run.agg_text = realloc(run.agg_text, (run.nagg + 1) * sizeof(*run.agg_text));
	run.agg_count = realloc(run.agg_count, (run.nagg + 1) * sizeof(*run.agg_count));
	if (!run.agg_text || !run.agg_count)
		return -ENOMEM;
	run.agg_text[run.nagg] = strdup(text);
	if (!run.agg_text[run.nagg])
		return -ENOMEM;
	run.agg_count[run.nagg++] = 1;
	return 0;
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct gen_hdr *h = data;
	const struct probe *p;
	char *msg = NULL, *row = NULL, comm[17], ts[40];
	size_t mlen = 0, rlen = 0;
	FILE *m;
	int err = 0;

	(void)ctx;
	if (bct_exiting || size < sizeof(*h) || h->probe >= (uint32_t)nprobes)
		return 0;
	p = &probes[h->probe];
	if (size < p->size)
		return 0;
	memcpy(comm, h->comm, 16);
	comm[16] = '\0';
	if (run.comm && !strstr(comm, run.comm))
		return 0;
	m = open_memstream(&msg, &mlen);
	if (!m)
		return -ENOMEM;
	message(p, h, data, m);
	fclose(m);
	if (!msg)
		return -ENOMEM;
	if (env.msg_filter && !strstr(msg, env.msg_filter)) {
		free(msg);
		return 0;
	}
	ts[0] = '\0';
	if (env.time) {
		time_t now = time(NULL);

		strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	} else if (env.timestamp) {
		double off = (double)(h->ts - run.start_mono_ns) / 1e9;

		if (h->ts < run.start_mono_ns)
			off = 0;
		if (env.unix_ts)
			snprintf(ts, sizeof(ts), "%.6f", off + run.start_real);
		else
			snprintf(ts, sizeof(ts), "%.6f", off);
		ts[env.unix_ts ? 17 : 8] = '\0';
	}
	if (bct_out__json(out)) {
		bct_out__str(out, ts); /* hidden columns take their value too */
		bct_out__uint(out, h->cpu);
		bct_out__uint(out, h->tgid);
		bct_out__uint(out, h->pid);
		bct_out__str(out, comm);
		bct_out__str(out, func_name(p));
		bct_out__str(out, msg);
		err = bct_out__end(out);
	} else {
		m = open_memstream(&row, &rlen);
		if (!m) {
			free(msg);
			return -ENOMEM;
		}
		if (env.timestamp || env.time)
			fprintf(m, env.unix_ts && env.timestamp ? "%-17s " : "%-8s ", ts);
		if (env.print_cpu)
			fprintf(m, "%-3u ", h->cpu);
		fprintf(m, "%-7u %-7u %-15s %-16s %s", h->tgid, h->pid, comm, func_name(p), msg);
		if (env.kstack || env.ustack)
			fputc('\n', m);
		if (env.kstack)
			print_stack(m, h->kstack, false, (pid_t)h->tgid);
		if (env.ustack)
			print_stack(m, h->ustack, true, (pid_t)h->tgid);
		fclose(m);
		if (!row) {
			free(msg);
			return -ENOMEM;
		}
		/* a stacked row already ends in a newline: bct_out__text()'s is BCC's blank line */
		if (env.aggregate) {
			if (!(env.kstack || env.ustack)) {
				char *r2 = NULL;

				if (asprintf(&r2, "%s\n", row) < 0)
					r2 = NULL;
				free(row);
				row = r2;
			}
			err = row ? aggregate(row) : -ENOMEM;
		} else {
			err = out_lines(out, row);
		}
	}
	free(msg);
	free(row);
	run.events++;
	if (!err && env.max_events && run.events >= env.max_events) {
		if (env.aggregate && !bct_out__json(out))
			err = print_aggregate(out);
		bct_exiting = SIGINT;
	}
	return err;
}

static int start_clock(struct bct_prog *prog, void *ctx)
{
	struct timespec mono, real;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	run.start_mono_ns = (uint64_t)mono.tv_sec * 1000000000ULL + (uint64_t)mono.tv_nsec;
	run.start_real = (double)real.tv_sec + (double)real.tv_nsec / 1e9;
	run.stacks_fd = bct_prog__map_fd(prog, "gen_stacks");
	return after_load(prog, ctx);
}

static char header[128];

int cmd_trace(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event, .columns = columns };
	struct bct_session s = { .after_load = start_clock };
	bool trivial = true;
	size_t i;
	int rc, err, k;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (!env.nprobes)
		env.probes[env.nprobes++] = needs_trace.default_args;
	for (k = 0; k < env.nprobes; k++) {
		err = setup_probe(&probes[nprobes], env.probes[k]);
		nprobes++;
		if (err) {
			rc = err == 2 ? 2 : 1;
			goto out;
		}
		if (probes[k].spec.format)
			trivial = false;
	}
	err = generate();
	if (err) {
		pr_err("cannot generate the BPF program: %s", strerror(-err));
		rc = 1;
		goto out;
	}
	/* BCC's header, printed when tracing starts (the runner's banner, in text mode) */
	i = 0;
	if (env.timestamp || env.time)
		i += (size_t)snprintf(header + i, sizeof(header) - i,
				      env.unix_ts && env.timestamp ? "%-17s " : "%-8s ", "TIME");
	if (env.print_cpu)
		i += (size_t)snprintf(header + i, sizeof(header) - i, "%-3s ", "CPU");
	snprintf(header + i, sizeof(header) - i, "%-7s %-7s %-15s %-16s %s", "PID", "TID", "COMM",
		 "FUNC", trivial ? "" : "-");
	tool.banner = header;
	tool.no_header = true;
	tool.ring_pages = env.buffer_pages;
	/* -n filters in user space, as BCC's trace does (a substring of the whole name) */
	run.comm = env.kit.filter.comm;
	env.kit.filter.comm = NULL;
	if (bct_session__init(&s, &env.kit, &needs_trace, no_hooks)) {
		rc = 1;
		goto out;
	}
	if (env.verbose && !env.kit.common.ebpf) {
		bct_session__print_source(&s);
		fflush(stdout);
	}
	rc = bct_events_run(&s, &tool);
out:
	for (k = 0; k < nprobes; k++) {
		bct_trace_probe_free(&probes[k].spec);
		bct_tgen_free(&probes[k].t);
	}
	for (i = 0; i < run.nagg; i++)
		free(run.agg_text[i]);
	free(run.agg_text);
	free(run.agg_count);
	if (run.usyms)
		bct_usyms_free(run.usyms);
	if (run.ksyms)
		bct_ksyms_free(run.ksyms);
	return rc;
}
