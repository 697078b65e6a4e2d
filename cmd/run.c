// SPDX-License-Identifier: Apache-2.0
/*
 * run: BCC's front end. Loads a BCC-dialect BPF C program (a file, -e TEXT or - for stdin),
 * rewrites it (lib/bccrw.c), compiles it with the engine (lib/compile.c, cached), loads it,
 * attaches its functions by BCC's naming conventions or -a, prints the events it submits and,
 * at exit, every map it declared.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bccrw.h"
#include "bct.h"
#include "cmd.h"
#include "compile.h"
#include "hist.h"
#include "json.h"
#include "log.h"
#include "probe.h"
#include "rwattach.h"
#include "prog.h"
#include "runstack.h"
#include "signals.h"
#include "src.h"
#include "tool.h"
#include "util.h"

#define MAX_LIST 64

static struct run_env {
	struct bct_env kit; /* --ebpf, --json, --debug, -d */
	const char *file;
	const char *text; /* -e */
	const char *defines[MAX_LIST + 1];
	int ndefines;
	const char *incdirs[MAX_LIST + 1];
	int nincdirs;
	const char *attach[MAX_LIST];
	int nattach;
	pid_t pid;
	uint64_t interval;
	bool load_only;
	bool trace_pipe;
} env;

enum { OPT_LOAD_ONLY = 0x100, OPT_TRACE_PIPE };

static const char doc[] =
	"Run a BCC-dialect BPF program: rewrite, compile, load, attach, print its events and "
	"maps.\n"
	"\n"
	"USAGE: bcctool run [OPTIONS] FILE.c | -e PROGRAM | -\n"
	"\n"
	"EXAMPLES:\n"
	"    bcctool run prog.c                 # run prog.c until Ctrl-C, then print its maps\n"
	"    bcctool run -d 5 prog.c            # for 5 seconds\n"
	"    bcctool run -e 'TRACEPOINT_PROBE(sched, sched_process_exec) { "
	"bpf_trace_printk(\"exec\\n\"); return 0; }'\n"
	"    bcctool run -a 'on_work=u:/bin/demo:work' prog.c   # a uprobe for on_work()\n"
	"    bcctool run --ebpf prog.c          # print the program as compiled\n"
	"    bcctool run --load-only prog.c     # compile and verify every function";

static const struct bct_opt options[] = {
	BCT_STRING('e', "text", "PROGRAM", &env.text, "the program's text, instead of a file"),
	BCT_CUSTOM('D', "define", "NAME[=VALUE]", "define a macro for the program"),
	BCT_CUSTOM('I', "include", "DIR", "search DIR for the program's #include files"),
	BCT_CUSTOM('a', "attach", "FUNC=SPEC",
		   "attach FUNC to SPEC: u:LIB:SYM (uprobe), r:LIB:SYM (uretprobe), U:LIB:PROBE "
		   "(USDT), t:CAT:EVENT, p::KFUNC, r::KFUNC"),
	BCT_CUSTOM('p', "pid", "PID", "uprobes and USDT probes fire in process PID only"),
	BCT_CUSTOM('i', "interval", "SECONDS", "print the maps every SECONDS"),
	BCT_FLAG(OPT_LOAD_ONLY, "load-only", &env.load_only,
		 "load every function through the verifier, attach nothing, exit"),
	BCT_FLAG(OPT_TRACE_PIPE, "trace-pipe", &env.trace_pipe,
		 "bpf_trace_printk() writes to the kernel's trace_pipe, as in BCC"),
	{ 0 },
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char shown[96];
	uint64_t v;

	switch (key) {
	case 'D':
		if (env.ndefines == MAX_LIST)
			argp_error(state, "too many -D options");
		if (!arg[0] || arg[0] == '=')
			argp_error(state, "invalid define: '%s'",
				   bct_arg_shown(arg, shown, sizeof(shown)));
		if (!strncmp(arg, "BPF_LICENSE", 11) && (!arg[11] || arg[11] == '='))
			argp_error(state, "BPF_LICENSE cannot be specified through cflags");
		env.defines[env.ndefines++] = arg;
		break;
	case 'I':
		if (env.nincdirs == MAX_LIST)
			argp_error(state, "too many -I options");
		if (arg[0] != '/') {
			char *abs = realpath(arg, NULL);

			if (!abs)
				argp_error(state, "cannot open include directory '%s'",
					   bct_arg_shown(arg, shown, sizeof(shown)));
			arg = abs;
		}
		env.incdirs[env.nincdirs++] = arg;
		break;
	case 'a':
		if (env.nattach == MAX_LIST)
			argp_error(state, "too many -a options");
		if (!strchr(arg, '=') || !strchr(arg, ':'))
			argp_error(state, "invalid attach spec: '%s' (want FUNC=SPEC)",
				   bct_arg_shown(arg, shown, sizeof(shown)));
		env.attach[env.nattach++] = arg;
		break;
	case 'p':
		return bct_arg_pid(state, arg, &env.pid);
	case 'i':
		if (bct_arg_u64(state, "interval", arg, 1, 86400, &v))
			return EINVAL;
		env.interval = v;
		break;
	case ARGP_KEY_ARG:
		if (env.file)
			argp_error(state, "unexpected argument: '%s'",
				   bct_arg_shown(arg, shown, sizeof(shown)));
		env.file = arg;
		break;
	case ARGP_KEY_END:
		if (env.file && env.text)
			argp_error(state, "give a file or -e PROGRAM, not both");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = options,
	.parser = parse_arg,
	.args_doc = "FILE.c",
	.doc = doc,
	.shared = { .duration = 'd' },
};

/* What `bcctool check run` shows: the kinds of event a program's functions attach to. */
static const struct bct_method tp_methods[] = {
	{ .name = "tracepoint", .progs = BCT_PROGS(BCT_PROG("run_tracepoint", "tracepoint")) },
	{ .name = "raw_tp", .progs = BCT_PROGS(BCT_PROG("run_raw_tp", "raw_tp")) },
	{ NULL },
};
static const struct bct_method uprobe_methods[] = {
	{ .name = "uprobe", .progs = BCT_PROGS(BCT_PROG("run_uprobe", "uprobe")) },
	{ NULL },
};
static const struct bct_hook hooks[] = {
	{ "tracepoints (TRACEPOINT_PROBE, RAW_TRACEPOINT_PROBE, -a t:CAT:EV)", tp_methods, false },
	{ "user functions (-a u:LIB:SYM, r:LIB:SYM)", uprobe_methods, false },
	{ NULL, NULL, false },
};
const struct bct_needs needs_run = {
	.src_name = "run.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* ---- -a specs ----------------------------------------------------------------------------- */

/* FUNC=SPEC (or SPEC=FUNC): the side with a ':' is the spec. */
static int parse_spec(const char *arg, struct bct_rw_spec *s, char **func, char **target)
{
	const char *eq = strchr(arg, '='), *spec, *fn;
	size_t fnlen;

	if (memchr(arg, ':', eq - arg)) {
		spec = arg;
		fn = eq + 1;
		fnlen = strlen(fn);
		*target = strndup(spec, eq - spec);
	} else {
		fn = arg;
		fnlen = eq - arg;
		*target = strdup(eq + 1);
	}
	*func = strndup(fn, fnlen);
	if (!*func || !*target)
		return -ENOMEM;
	if (bct_rw_attach_spec(*target, true, &s->kind, &spec))
		return -EINVAL;
	s->func = *func;
	s->target = spec;
	return 0;
}

/* ---- values, decoded with the program's BTF ----------------------------------------------- */

static const struct btf_type *resolve(const struct btf *btf, __u32 *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);

	while (t && (btf_is_typedef(t) || btf_is_const(t) || btf_is_volatile(t) ||
		     btf_is_restrict(t) || btf_is_type_tag(t))) {
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

static bool is_char_array(const struct btf *btf, const struct btf_type *t, size_t *n)
{
	const struct btf_array *a;
	const struct btf_type *e;
	__u32 eid;

	if (!btf_is_array(t))
		return false;
	a = btf_array(t);
	eid = a->type;
	e = resolve(btf, &eid);
	if (!e || !btf_is_int(e) || e->size != 1)
		return false;
	*n = a->nelems;
	return true;
}

static bool int_value(const struct btf *btf, __u32 id, const void *data, int64_t *s, uint64_t *u,
		      bool *is_signed)
{
	const struct btf_type *t = resolve(btf, &id);
	uint64_t v = 0;

	if (!t)
		return false;
	if (btf_is_int(t) || btf_is_enum(t) || btf_is_enum64(t) || btf_is_ptr(t)) {
		unsigned int sz = btf_is_ptr(t) ? 8 : t->size;

		*is_signed =
			btf_is_int(t) ? !!(btf_int_encoding(t) & BTF_INT_SIGNED) : !btf_is_ptr(t);
		switch (sz) {
		case 1:
			v = *(const uint8_t *)data;
			*s = *is_signed ? (int8_t)v : (int64_t)v;
			break;
		case 2:
			v = *(const uint16_t *)data;
			*s = *is_signed ? (int16_t)v : (int64_t)v;
			break;
		case 4:
			v = *(const uint32_t *)data;
			*s = *is_signed ? (int32_t)v : (int64_t)v;
			break;
		case 8:
			memcpy(&v, data, 8);
			*s = (int64_t)v;
			break;
		default:
			return false;
		}
		*u = v;
		return true;
	}
	return false;
}

static void text_value(FILE *f, const struct btf *btf, __u32 id, const void *data);

static void text_members(FILE *f, const struct btf *btf, const struct btf_type *t, const void *data,
			 const char *sep)
{
	const struct btf_member *m = btf_members(t);
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);
		__u32 bits = btf_member_bitfield_size(t, i), off = btf_member_bit_offset(t, i);

		if (i)
			fputs(sep, f);
		if (name && *name)
			fprintf(f, "%s=", name);
		if (bits) {
			uint64_t v = 0;

			memcpy(&v, (const char *)data + off / 64 * 8,
			       off / 64 * 8 + 8 <= t->size ? 8 : t->size - off / 64 * 8);
			fprintf(f, "%llu",
				(unsigned long long)((v >> (off % 64)) &
						     ((bits < 64 ? 1ULL << bits : 0) - 1)));
		} else {
			text_value(f, btf, m->type, (const char *)data + off / 8);
		}
	}
}

static void text_value(FILE *f, const struct btf *btf, __u32 id, const void *data)
{
	const struct btf_type *t = resolve(btf, &id);
	int64_t s;
	uint64_t u;
	bool sg;
	size_t n;

	if (!t) {
		fputs("?", f);
	} else if (btf_is_ptr(t)) {
		memcpy(&u, data, 8);
		fprintf(f, "0x%" PRIx64, u);
	} else if (int_value(btf, id, data, &s, &u, &sg)) {
		if (sg)
			fprintf(f, "%" PRId64, s);
		else
			fprintf(f, "%" PRIu64, u);
	} else if (is_char_array(btf, t, &n)) {
		fprintf(f, "%.*s", (int)strnlen(data, n), (const char *)data);
	} else if (btf_is_array(t)) {
		const struct btf_array *a = btf_array(t);
		__s64 esz = btf__resolve_size(btf, a->type);
		__u32 i;

		fputc('[', f);
		for (i = 0; esz > 0 && i < a->nelems; i++) {
			if (i)
				fputc(',', f);
			text_value(f, btf, a->type, (const char *)data + i * esz);
		}
		fputc(']', f);
	} else if (btf_is_struct(t) || btf_is_union(t)) {
		fputc('{', f);
		text_members(f, btf, t, data, " ");
		fputc('}', f);
	} else {
		fputs("?", f);
	}
}

static void json_value(struct bct_json *j, const char *key, const struct btf *btf, __u32 id,
		       const void *data)
{
	const struct btf_type *t = resolve(btf, &id);
	int64_t s;
	uint64_t u;
	bool sg;
	size_t n;

	if (!t) {
		bct_json_null(j, key);
	} else if (btf_is_ptr(t)) {
		memcpy(&u, data, 8);
		bct_json_uint(j, key, u);
	} else if (int_value(btf, id, data, &s, &u, &sg)) {
		if (sg)
			bct_json_int(j, key, s);
		else
			bct_json_uint(j, key, u);
	} else if (is_char_array(btf, t, &n)) {
		bct_json_strn(j, key, data, strnlen(data, n));
	} else if (btf_is_array(t)) {
		const struct btf_array *a = btf_array(t);
		__s64 esz = btf__resolve_size(btf, a->type);
		__u32 i;

		bct_json_arr_open(j, key);
		for (i = 0; esz > 0 && i < a->nelems; i++)
			json_value(j, NULL, btf, a->type, (const char *)data + i * esz);
		bct_json_arr_close(j);
	} else if (btf_is_struct(t) || btf_is_union(t)) {
		const struct btf_member *m = btf_members(t);
		int i;

		bct_json_obj_open(j, key);
		for (i = 0; i < btf_vlen(t); i++, m++) {
			__u32 bits = btf_member_bitfield_size(t, i),
			      off = btf_member_bit_offset(t, i);
			const char *name = btf__name_by_offset(btf, m->name_off);

			if (bits) {
				uint64_t v = 0;

				memcpy(&v, (const char *)data + off / 64 * 8,
				       off / 64 * 8 + 8 <= t->size ? 8 : t->size - off / 64 * 8);
				bct_json_uint(j, name,
					      (v >> (off % 64)) &
						      ((bits < 64 ? 1ULL << bits : 0) - 1));
			} else {
				json_value(j, name, btf, m->type, (const char *)data + off / 8);
			}
		}
		bct_json_obj_close(j);
	} else {
		bct_json_null(j, key);
	}
}

/* ---- events ------------------------------------------------------------------------------- */

struct evmap {
	const char *name;
	const struct btf *btf;
	__u32 type_id; /* 0: unknown, print hex */
	int *widths;
	bool prefix; /* several event maps: lines start with the map's name */
};

static __u32 find_type(const struct btf *btf, const char *map, const char *name)
{
	const struct btf_type *t;
	char var[256];
	__s32 id;

	if (!name)
		return 0;
	snprintf(var, sizeof(var), "___bct_ev_%s", map);
	id = btf__find_by_name_kind(btf, var, BTF_KIND_VAR);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	t = t ? btf__type_by_id(btf, t->type) : NULL;
	if (t && btf_is_ptr(t))
		return t->type;
	if (!strncmp(name, "struct ", 7))
		id = btf__find_by_name_kind(btf, name + 7, BTF_KIND_STRUCT);
	else if (!strncmp(name, "union ", 6))
		id = btf__find_by_name_kind(btf, name + 6, BTF_KIND_UNION);
	else
		id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	return id > 0 ? (__u32)id : 0;
}

static void ev_header(struct evmap *e)
{
	const struct btf_type *t;
	const struct btf_member *m;
	__u32 id = e->type_id;
	int i, n;

	if (!id)
		return;
	t = resolve(e->btf, &id);
	if (!t || !btf_is_struct(t))
		return;
	n = btf_vlen(t);
	e->widths = calloc(n, sizeof(int));
	if (!e->widths)
		return;
	if (e->prefix)
		printf("%-12s ", "MAP");
	for (i = 0, m = btf_members(t); i < n; i++, m++) {
		const char *name = btf__name_by_offset(e->btf, m->name_off);
		__u32 mid = m->type;
		const struct btf_type *mt = resolve(e->btf, &mid);
		size_t len;
		int w = 7;

		if (mt && is_char_array(e->btf, mt, &len))
			w = len > 17 ? 16 : (int)len - 1;
		if ((int)strlen(name) > w)
			w = strlen(name);
		e->widths[i] = w;
		if (i + 1 < n)
			printf("%-*s ", w, name);
		else
			printf("%s\n", name);
	}
	fflush(stdout);
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct evmap *e = ctx;
	const struct btf_type *t;
	__u32 id = e->type_id;

	t = id ? resolve(e->btf, &id) : NULL;
	if (t && (size_t)t->size > size)
		t = NULL;
	if (env.kit.common.json) {
		struct bct_json j;

		bct_json_begin(&j, stdout);
		if (e->prefix)
			bct_json_str(&j, "map", e->name);
		if (t && btf_is_struct(t)) {
			const struct btf_member *m = btf_members(t);
			int i;

			for (i = 0; i < btf_vlen(t); i++, m++)
				json_value(&j, btf__name_by_offset(e->btf, m->name_off), e->btf,
					   m->type,
					   (const char *)data + btf_member_bit_offset(t, i) / 8);
		} else if (t) {
			json_value(&j, "value", e->btf, id, data);
		} else {
			char hex[2 * 256 + 1];
			size_t i;

			for (i = 0; i < size && i < 256; i++)
				sprintf(hex + 2 * i, "%02x", ((const unsigned char *)data)[i]);
			bct_json_strn(&j, "data", hex, 2 * i);
		}
		bct_json_end(&j);
		fflush(stdout);
		return 0;
	}
	if (e->prefix)
		printf("%-12s ", e->name);
	if (t && btf_is_struct(t) && e->widths) {
		const struct btf_member *m = btf_members(t);
		int i, n = btf_vlen(t);

		for (i = 0; i < n; i++, m++) {
			char *buf = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&buf, &len);

			if (!f)
				return 0;
			text_value(f, e->btf, m->type,
				   (const char *)data + btf_member_bit_offset(t, i) / 8);
			fclose(f);
			if (i + 1 < n)
				printf("%-*s ", e->widths[i], buf);
			else
				printf("%s\n", buf);
			free(buf);
		}
	} else if (t) {
		text_value(stdout, e->btf, id, data);
		putchar('\n');
	} else {
		size_t i;

		for (i = 0; i < size; i++)
			printf("%02x", ((const unsigned char *)data)[i]);
		putchar('\n');
	}
	fflush(stdout);
	return 0;
}

static void on_perf_event(void *ctx, int cpu, void *data, __u32 size)
{
	(void)cpu;
	on_event(ctx, data, size);
}

static void on_perf_lost(void *ctx, int cpu, __u64 n)
{
	struct evmap *e = ctx;

	(void)cpu;
	pr_warn("%s: lost %llu events", e->name, (unsigned long long)n);
}

/* bpf_trace_printk() through bct_printk_ring (bpf-src/bcc_dialect.bpf.h) */
struct printk_rec {
	uint64_t ts;
	uint32_t pid;
	uint32_t cpu;
	char comm[16];
	char msg[256];
};

static int on_printk(void *ctx, void *data, size_t size)
{
	const struct printk_rec *r = data;
	size_t n;

	(void)ctx;
	if (size < sizeof(*r))
		return 0;
	n = strnlen(r->msg, sizeof(r->msg));
	while (n && r->msg[n - 1] == '\n')
		n--;
	if (env.kit.common.json) {
		struct bct_json j;

		bct_json_begin(&j, stdout);
		bct_json_strn(&j, "comm", r->comm, strnlen(r->comm, sizeof(r->comm)));
		bct_json_uint(&j, "pid", r->pid);
		bct_json_uint(&j, "cpu", r->cpu);
		bct_json_double(&j, "ts", r->ts / 1e9);
		bct_json_strn(&j, "msg", r->msg, n);
		bct_json_end(&j);
	} else {
		/* trace_pipe's line: task-pid [cpu] flags timestamp: bpf_trace_printk: msg */
		printf("%16.16s-%-7u [%03u] ..... %5" PRIu64 ".%06" PRIu64
		       ": bpf_trace_printk: %.*s\n",
		       r->comm, r->pid, r->cpu, r->ts / 1000000000, r->ts % 1000000000 / 1000,
		       (int)n, r->msg);
	}
	fflush(stdout);
	return 0;
}

/* ---- maps at exit ------------------------------------------------------------------------- */

struct entry {
	void *key, *val;
	uint64_t sort;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->sort < y->sort ? -1 : x->sort > y->sort;
}

/* The value of a per-CPU map summed over CPUs (integers), or the first CPU's. */
static void fold_percpu(const struct btf *btf, __u32 vid, void *vals, size_t vsz, int ncpu)
{
	size_t stride = (vsz + 7) / 8 * 8;
	int64_t s;
	uint64_t u, sum = 0;
	bool sg;
	int c;

	if (!int_value(btf, vid, vals, &s, &u, &sg))
		return;
	for (c = 0; c < ncpu; c++)
		if (int_value(btf, vid, (char *)vals + c * stride, &s, &u, &sg))
			sum += u;
	memcpy(vals, &sum, vsz < 8 ? vsz : 8);
}

static void print_hist(const struct bct_rw_map *rm, struct bpf_map *map, const struct btf *btf)
{
	uint64_t slots[BCT_HIST_LOG2_SLOTS] = { 0 };
	size_t ksz = bpf_map__key_size(map), n = 0;
	char key[64], next[64];
	int fd = bpf_map__fd(map);
	void *prev = NULL;
	uint64_t v;

	(void)btf;
	if (ksz > sizeof(key))
		return;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		uint64_t slot = 0;

		memcpy(key, next, ksz);
		prev = key;
		memcpy(&slot, key, ksz < 8 ? ksz : 8);
		if (bpf_map_lookup_elem(fd, key, &v) || !v)
			continue;
		if (slot < BCT_HIST_LOG2_SLOTS)
			slots[slot] += v;
		n++;
	}
	if (env.kit.common.json) {
		struct bct_json j;

		bct_json_begin(&j, stdout);
		bct_json_str(&j, "map", rm->name);
		bct_hist_json_log2(&j, "hist", slots, BCT_HIST_LOG2_SLOTS);
		bct_json_end(&j);
		return;
	}
	printf("%s:\n", rm->name);
	if (n)
		bct_hist_print_log2(stdout, slots, BCT_HIST_LOG2_SLOTS, "value", false);
	printf("\n");
}

static void print_table(const struct bct_rw_map *rm, struct bpf_map *map, const struct btf *btf)
{
	size_t ksz = bpf_map__key_size(map), vsz = bpf_map__value_size(map), n = 0, cap = 0, i;
	enum bpf_map_type type = bpf_map__type(map);
	bool percpu = type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
		      type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	bool array = type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
	int ncpu = percpu ? libbpf_num_possible_cpus() : 1, fd = bpf_map__fd(map);
	__u32 kid = bpf_map__btf_key_type_id(map), vid = bpf_map__btf_value_type_id(map);
	struct entry *ents = NULL;
	void *prev = NULL, *key = NULL;
	size_t vbuf = percpu ? (vsz + 7) / 8 * 8 * (ncpu > 0 ? ncpu : 1) : vsz;

	for (;;) {
		void *k = malloc(ksz), *v = malloc(vbuf);
		int64_t s;
		uint64_t u;
		bool sg;

		if (!k || !v || bpf_map_get_next_key(fd, prev, k) ||
		    bct_grow((void **)&ents, &cap, n + 1, sizeof(*ents))) {
			free(k);
			free(v);
			break;
		}
		prev = k;
		if (bpf_map_lookup_elem(fd, k, v)) {
			free(v);
			free(key);
			key = k;
			continue;
		}
		if (percpu)
			fold_percpu(btf, vid, v, vsz, ncpu);
		if (array) {
			bool zero = true;

			for (i = 0; i < vsz; i++)
				zero &= !((char *)v)[i];
			if (zero) {
				free(v);
				free(key);
				key = k;
				continue;
			}
		}
		ents[n].key = k;
		ents[n].val = v;
		ents[n].sort = vid && int_value(btf, vid, v, &s, &u, &sg) ? u : n;
		n++;
		key = NULL;
	}
	free(key);
	if (vid)
		qsort(ents, n, sizeof(*ents), cmp_entry);
	if (!env.kit.common.json)
		printf("%s:\n", rm->name);
	for (i = 0; i < n; i++) {
		if (env.kit.common.json) {
			struct bct_json j;

			bct_json_begin(&j, stdout);
			bct_json_str(&j, "map", rm->name);
			json_value(&j, "key", btf, kid, ents[i].key);
			json_value(&j, "value", btf, vid, ents[i].val);
			bct_json_end(&j);
		} else {
			text_value(stdout, btf, kid, ents[i].key);
			fputs(" = ", stdout);
			text_value(stdout, btf, vid, ents[i].val);
			putchar('\n');
		}
	}
	for (i = 0; i < n; i++) {
		free(ents[i].key);
		free(ents[i].val);
	}
	free(ents);
	if (!env.kit.common.json)
		printf("\n");
}

static void print_maps(const struct bct_rw *rw, struct bpf_object *obj)
{
	const struct btf *btf = bpf_object__btf(obj);
	size_t i;

	for (i = 0; i < rw->nmaps; i++) {
		const struct bct_rw_map *rm = &rw->maps[i];
		struct bpf_map *map = bpf_object__find_map_by_name(obj, rm->name);

		if (!map)
			continue;
		if (!strcmp(rm->kind, "histogram"))
			print_hist(rm, map, btf);
		else if (!strcmp(rm->kind, "hash") || !strcmp(rm->kind, "array") ||
			 !strcmp(rm->kind, "percpu_hash") || !strcmp(rm->kind, "percpu_array") ||
			 !strcmp(rm->kind, "lru_hash") || !strcmp(rm->kind, "lru_percpu_hash"))
			print_table(rm, map, btf);
		else if (!strcmp(rm->kind, "stacktrace"))
			bct_run_print_stacks(stdout, rm->name, bpf_map__fd(map), env.pid,
					     env.kit.common.json);
	}
	fflush(stdout);
}

/* ---- the run ------------------------------------------------------------------------------ */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static int read_program(char **text, size_t *len, const char **name)
{
	int err;

	if (env.text) {
		*text = strdup(env.text);
		*len = *text ? strlen(*text) : 0;
		*name = "program.c";
		return *text ? 0 : -ENOMEM;
	}
	if (!strcmp(env.file, "-")) {
		err = bct_read_fd(0, 0, text, len);
		*name = "stdin.c";
	} else {
		FILE *f = fopen(env.file, "r");

		if (!f) {
			err = -errno;
		} else {
			err = bct_read_fd(fileno(f), 0, text, len);
			fclose(f);
		}
		*name = env.file;
	}
	if (err)
		pr_err("cannot read '%s': %s", env.file, strerror(-err));
	return err;
}

static const struct bct_rw_func *func_of(const struct bct_rw *rw, const char *name)
{
	size_t i;

	for (i = 0; i < rw->nfuncs; i++)
		if (!strcmp(rw->funcs[i].name, name))
			return &rw->funcs[i];
	return NULL;
}

/* A USDT probe: a uprobe on each of its locations, its semaphore counted by the kernel. */
static int attach_usdt(struct bpf_program *prog, const struct bct_rw_func *f,
		       struct bpf_link ***links, size_t *nlinks, size_t *cap)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .ref_ctr_offset = f->usdt_sema);
	struct bpf_link *link;
	size_t i;
	int err;

	for (i = 0; i < f->nusdt; i++) {
		link = bpf_program__attach_uprobe_opts(prog, env.pid > 0 ? env.pid : -1,
						       f->usdt_path, f->usdt_offs[i], &opts);
		if (!link) {
			err = -errno;
			pr_err("cannot attach %s to USDT probe %s: %s", f->name, f->target,
			       strerror(-err));
			return err;
		}
		if (bct_grow((void **)links, cap, *nlinks + 1, sizeof(**links))) {
			bpf_link__destroy(link);
			return -ENOMEM;
		}
		(*links)[(*nlinks)++] = link;
	}
	return 0;
}

static int attach_all(const struct bct_rw *rw, struct bpf_object *obj, struct bpf_link ***links,
		      size_t *nlinks)
{
	struct bpf_program *prog;
	size_t cap = 0;
	int err = 0;

	bpf_object__for_each_program(prog, obj) {
		const struct bct_rw_func *f = func_of(rw, bpf_program__name(prog));
		struct bpf_link *link = NULL;
		bool said;

		if (!bpf_program__autoload(prog))
			continue;
		if (!f) {
			/* KFUNC_PROBE, LSM_PROBE: by their SEC() */
			link = bpf_program__attach(prog);
		} else {
			switch (f->kind) {
			case BCT_RW_USDT:
				err = attach_usdt(prog, f, links, nlinks, &cap);
				if (err)
					return err;
				continue;
			case BCT_RW_TRACEPOINT:
			case BCT_RW_RAW_TP:
			case BCT_RW_UPROBE:
			case BCT_RW_URETPROBE:
			case BCT_RW_KPROBE:
			case BCT_RW_KRETPROBE:
				link = bct_rw_attach_target(prog, f->kind, f->target, env.pid,
							    &said);
				break;
			default:
				continue;
			}
		}
		if (!link) {
			err = -errno;
			pr_err("cannot attach %s%s%s: %s", bpf_program__name(prog),
			       f && f->target ? " to " : "", f && f->target ? f->target : "",
			       strerror(-err));
			return err;
		}
		if (bct_grow((void **)links, &cap, *nlinks + 1, sizeof(**links))) {
			bpf_link__destroy(link);
			return -ENOMEM;
		}
		(*links)[(*nlinks)++] = link;
	}
	return 0;
}

static int run(const struct bct_rw *rw, struct bpf_object *obj)
{
	struct bpf_link **links = NULL;
	struct perf_buffer *pbs[MAX_LIST];
	struct evmap evs[MAX_LIST];
	struct ring_buffer *rb = NULL;
	int npb = 0, nev = 0, epfd = -1, err, rc = 0;
	size_t nlinks = 0, i;
	uint64_t start = now_ms(), last = start;
	struct bpf_map *map;

	err = attach_all(rw, obj, &links, &nlinks);
	if (err) {
		rc = 1;
		goto out;
	}
	for (i = 0; i < rw->nmaps; i++)
		nev += !strcmp(rw->maps[i].kind, "perf_output") ||
		       !strcmp(rw->maps[i].kind, "ringbuf");
	epfd = epoll_create1(EPOLL_CLOEXEC);
	for (i = 0, nev = nev > 1; i < rw->nmaps && npb < MAX_LIST; i++) {
		const struct bct_rw_map *rm = &rw->maps[i];
		struct evmap *e = &evs[npb];
		bool ring = !strcmp(rm->kind, "ringbuf");

		if (!ring && strcmp(rm->kind, "perf_output"))
			continue;
		map = bpf_object__find_map_by_name(obj, rm->name);
		if (!map)
			continue;
		memset(e, 0, sizeof(*e));
		e->name = rm->name;
		e->btf = bpf_object__btf(obj);
		e->type_id = find_type(e->btf, rm->name, rm->event_type);
		e->prefix = nev;
		if (ring) {
			err = rb ? ring_buffer__add(rb, bpf_map__fd(map), on_event, e)
				 : ((rb = ring_buffer__new(bpf_map__fd(map), on_event, e, NULL))
					    ? 0
					    : -errno);
			pbs[npb] = NULL;
		} else {
			pbs[npb] = perf_buffer__new(bpf_map__fd(map), 64, on_perf_event,
						    on_perf_lost, e, NULL);
			err = pbs[npb] ? 0 : -errno;
			if (!err)
				epoll_ctl(epfd, EPOLL_CTL_ADD, perf_buffer__epoll_fd(pbs[npb]),
					  &(struct epoll_event){ .events = EPOLLIN });
		}
		if (err) {
			pr_err("cannot open the events of map %s: %s", rm->name, strerror(-err));
			rc = 1;
			goto out;
		}
		npb++;
	}
	map = bpf_object__find_map_by_name(obj, "bct_printk_ring");
	if (map && !env.trace_pipe) {
		err = rb ? ring_buffer__add(rb, bpf_map__fd(map), on_printk, NULL)
			 : ((rb = ring_buffer__new(bpf_map__fd(map), on_printk, NULL, NULL))
				    ? 0
				    : -errno);
		if (err) {
			pr_err("cannot open the bpf_trace_printk() ring: %s", strerror(-err));
			rc = 1;
			goto out;
		}
	}
	if (rb)
		epoll_ctl(epfd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(rb),
			  &(struct epoll_event){ .events = EPOLLIN });
	bct_signals_install();
	if (!env.kit.common.json)
		for (i = 0; i < (size_t)npb; i++)
			ev_header(&evs[i]);
	pr_info("%zu function%s attached; Ctrl-C to end", nlinks, nlinks == 1 ? "" : "s");
	while (!bct_exiting) {
		struct epoll_event ev;
		uint64_t now;

		epoll_wait(epfd, &ev, 1, 100);
		if (rb)
			ring_buffer__consume(rb);
		for (i = 0; i < (size_t)npb; i++)
			if (pbs[i])
				perf_buffer__consume(pbs[i]);
		now = now_ms();
		if (env.kit.duration_ms && now - start >= env.kit.duration_ms)
			break;
		if (env.interval && now - last >= env.interval * 1000) {
			last = now;
			print_maps(rw, obj);
		}
	}
	if (rb)
		ring_buffer__consume(rb);
	for (i = 0; i < (size_t)npb; i++)
		if (pbs[i])
			perf_buffer__consume(pbs[i]);
	print_maps(rw, obj);
out:
	for (i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	free(links);
	for (i = 0; i < (size_t)npb; i++) {
		perf_buffer__free(pbs[i]);
		free(evs[i].widths);
	}
	ring_buffer__free(rb);
	if (epfd >= 0)
		close(epfd);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct bct_rw_spec specs[MAX_LIST];
	char *spec_mem[2 * MAX_LIST] = { 0 };
	struct bct_compile_opts opts = { 0 };
	const char *defs[MAX_LIST + 8];
	char kbuf[128], msg[512];
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	struct bct_rw rw = { 0 };
	const char *name = NULL;
	char *text = NULL;
	void *elf = NULL;
	size_t len = 0, elf_sz = 0;
	int err, i, n, rc = 1, nokprobe = 0;

	err = bct_tool_parse(&args, &env.kit, argc, argv);
	if (err)
		return err;
	if (env.kit.common.debug)
		bct_log_set_level(BCT_LOG_DEBUG);
	if (!env.file && !env.text) {
		const struct bct_src *pre = bct_src_get("bcc_dialect.bpf.h");

		if (env.kit.common.ebpf && pre) {
			/* --ebpf without a program: the dialect every program is compiled with */
			printf("/* bcctool run: no program given; each is compiled after this */\n");
			fwrite(pre->text, 1, pre->len, stdout);
			return 0;
		}
		fprintf(stderr,
			"run: no program given (a file, -e PROGRAM or -): nothing to trace\n"
			"Try `run --help' or `run --usage' for more information.\n");
		return 2;
	}
	for (i = 0; i < env.nattach; i++)
		if (parse_spec(env.attach[i], &specs[i], &spec_mem[2 * i], &spec_mem[2 * i + 1]))
			goto out;
	if (read_program(&text, &len, &name))
		goto out;
	err = bct_rw_rewrite(name, text, len, specs, env.nattach, &rw, msg, sizeof(msg));
	if (err) {
		if (err == -EINVAL)
			pr_err("%s: %s", name, msg);
		else
			pr_err("cannot rewrite %s: %s", name, strerror(-err));
		goto out;
	}
	for (n = 0; n < env.ndefines; n++)
		defs[n] = env.defines[n];
	bct_rw_kernel_defines(defs, n, env.trace_pipe, kbuf, sizeof(kbuf));
	opts.src_text = rw.text;
	opts.src_len = rw.len;
	if (env.file && strcmp(env.file, "-"))
		opts.src_path = env.file;
	else
		opts.src_name = env.text ? "program.c" : "stdin.c";
	opts.defines = defs;
	opts.include_dirs = env.incdirs;
	opts.debug = env.kit.common.debug;
	opts.no_cache = env.kit.common.no_cache;
	if (env.kit.common.ebpf) {
		rc = bct_compile_print_source(&opts, stdout) ? 1 : 0;
		goto out;
	}
	if (bct_compile(&opts, &elf, &elf_sz))
		goto out;
	obj = bpf_object__open_mem(elf, elf_sz,
				   &(struct bpf_object_open_opts){
					   .sz = sizeof(struct bpf_object_open_opts),
					   .object_name = "bcctool_run",
				   });
	if (!obj) {
		pr_err("cannot open the compiled program: %s", strerror(errno));
		goto out;
	}
	bpf_object__for_each_program(prog, obj) {
		const struct bct_rw_func *f = func_of(&rw, bpf_program__name(prog));

		if (env.load_only)
			continue;
		if (f && f->kind == BCT_RW_NONE) {
			bpf_program__set_autoload(prog, false);
		} else if (f && (f->kind == BCT_RW_KPROBE || f->kind == BCT_RW_KRETPROBE) &&
			   !bct_has_kprobes()) {
			pr_err("cannot attach %s %s: kprobes are not supported by this kernel",
			       f->kind == BCT_RW_KPROBE ? "kprobe" : "kretprobe", f->target);
			nokprobe++;
		}
	}
	if (nokprobe)
		goto out;
	err = bct_rw_pin_maps(&rw, obj, msg, sizeof(msg));
	if (err) {
		pr_err("%s", msg);
		goto out;
	}
	err = bpf_object__load(obj);
	if (err) {
		pr_err("cannot load the program: %s", strerror(-err));
		goto out;
	}
	bct_compile_reap();
	if (env.load_only) {
		rc = 0;
		goto out;
	}
	rc = run(&rw, obj);
out:
	bpf_object__close(obj);
	free(elf);
	free(text);
	bct_rw_free(&rw);
	for (i = 0; i < 2 * MAX_LIST; i++)
		free(spec_mem[i]);
	return rc;
}
