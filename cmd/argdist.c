// SPDX-License-Identifier: Apache-2.0
/*
 * argdist: frequency counts (-C) and log2 histograms (-H) of expressions over the arguments
 * and return values of user functions, tracepoints and USDT probes, printed per interval.
 *
 * Interface of BCC's argdist by Sasha Goldshtein; written anew. Specifiers are parsed by
 * lib/tracespec.c; the BPF C is generated here (lib/tracegen.c for the per-kind parts): per
 * specifier a hash of keys to counts or a 65-slot log2 array, and for return probes that use
 * $entry(param) or $latency an entry probe that saves them per thread.
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
#include "hist.h"
#include "json.h"
#include "log.h"
#include "probespec.h"
#include "prog.h"
#include "signals.h"
#include "src.h"
#include "tool.h"
#include "tracegen.h"
#include "tracespec.h"

#define MAX_SPECS 32

static struct argdist_env {
	struct bct_env kit; /* -p, -t, --json, --ebpf, --debug */
	const char *specs[MAX_SPECS];
	bool hist[MAX_SPECS];
	int nspecs;
	long string_size;
	long interval;
	long duration;
	long count;
	long top;
	bool cumulative;
	bool verbose;
} env = { .string_size = 80, .interval = 1 };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('z', "string-size", "STRING_SIZE",
		   "maximum string size to read from char* arguments"),
	BCT_CUSTOM('i', "interval", "INTERVAL", "output interval, in seconds (default 1 second)"),
	BCT_CUSTOM('d', "duration", "DURATION", "total duration of trace, in seconds"),
	BCT_CUSTOM('n', "number", "COUNT", "number of outputs"),
	BCT_FLAG('v', "verbose", &env.verbose, "print resulting BPF program code before executing"),
	BCT_FLAG('c', "cumulative", &env.cumulative,
		 "do not clear histograms and freq counts at each interval"),
	BCT_CUSTOM('T', "top", "TOP",
		   "number of top results to show (not applicable to histograms)"),
	BCT_CUSTOM('H', "histogram", "SPECIFIER",
		   "probe specifier to capture histogram of (see examples below)"),
	BCT_CUSTOM('C', "count", "SPECIFIER",
		   "probe specifier to capture count of (see examples below)"),
	BCT_CUSTOM('I', "include", "HEADER",
		   "additional header files to include in the BPF program (kernel types come from "
		   "the kernel's BTF: accepted and not needed)"),
	{ 0 },
};

static const char doc[] = "Trace a function and display a summary of its parameter values.\n"
			  "\v"
			  "Probe specifier syntax:\n"
			  "    {p,r,t,u}:{[library],category}:function(signature)"
			  "[:type[,type...]:expr[,expr...][:filter]][#label]\n"
			  "\n"
			  "examples:\n"
			  "    argdist -H 'p:c:malloc(size_t size):size_t:size'\n"
			  "        histogram of the sizes malloc() is asked for\n"
			  "    argdist -C 'p:c:malloc(size_t size):size_t:size:size==16'\n"
			  "        how often malloc(16) is called\n"
			  "    argdist -C 'r:c:gets():char*:(char*)$retval#snooped strings'\n"
			  "        the strings gets() returns\n"
			  "    argdist -H 'r:c:read(int fd):u64:$latency'\n"
			  "        histogram of read() latency, nanoseconds\n"
			  "    argdist -C 'r:c:open(char *path):int,char*:$retval,$entry(path)'\n"
			  "        open()'s results with the paths opened\n"
			  "    argdist -C 't:syscalls:sys_enter_openat():int:args->flags'\n"
			  "        the flags openat() is called with\n"
			  "    argdist -C 'u:./prog:tick():int:arg1' -i 5\n"
			  "        the first argument of USDT probe tick, every 5 seconds\n";

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
	case 'z':
		env.string_size = parse_num(state, "string size", arg, 1);
		if (env.string_size > 4096)
			argp_error(state, "string size %s is too big (at most 4096)", arg);
		break;
	case 'i':
		env.interval = parse_num(state, "interval", arg, 1);
		break;
	case 'd':
		env.duration = parse_num(state, "duration", arg, 1);
		break;
	case 'n':
		env.count = parse_num(state, "number", arg, 1);
		break;
	case 'T':
		env.top = parse_num(state, "top", arg, 1);
		break;
	case 'H':
	case 'C':
		if (env.nspecs == MAX_SPECS)
			argp_error(state, "too many specifiers (at most %d)", MAX_SPECS);
		env.hist[env.nspecs] = key == 'H';
		env.specs[env.nspecs++] = arg;
		break;
	case 'I':
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unrecognized arguments: %s", arg);
		break;
	case ARGP_KEY_END:
		if (!env.nspecs && !env.kit.common.ebpf)
			argp_error(state, "at least one specifier is required");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.doc = doc,
	.shared = { .pid = 'p', .tid = 't' },
};

/* --- what `bcctool check argdist` shows ---------------------------------------------------- */

BCT_PROBESPEC_HOOKS("probe_0", "tracepoints (t:CAT:EV())", "probe_0",
		    "user functions and USDT probes (p:LIB:FUNC(), r:LIB:FUNC(), u:LIB:PROBE())");

const struct bct_needs needs_argdist = {
	.src_name = "argdist.bpf.c",
	.variants = (const struct bct_variant[]){ { "t:CAT:EV()", tp_hooks },
						  { "p:LIB:FUNC(), u:LIB:PROBE()", uprobe_hooks },
						  { NULL } },
	.default_args = "-C t:sched:sched_process_exit()",
};

static const struct bct_hook no_hooks[] = { { NULL, NULL, false } };

/* --- specifiers and the program ------------------------------------------------------------ */

struct spec {
	struct bct_argdist_spec s;
	struct bct_tgen_target t;
	const char *text;
	bool is_str[BCT_ADIST_MAX_EXPRS], is_signed[BCT_ADIST_MAX_EXPRS];
	size_t off[BCT_ADIST_MAX_EXPRS];
	size_t key_size;
	char *entry_params[BCT_TGEN_MAX_PARAMS]; /* $entry(name): names saved at entry */
	int nentry;
	bool latency; /* $latency */
	int map_fd;
};

static struct spec specs[MAX_SPECS];
static int nspecs;
static size_t str_slot;

static bool type_is_str(const char *ty)
{
	char buf[64];
	size_t i, n = 0;

	for (i = 0; ty[i] && n + 1 < sizeof(buf); i++)
		if (ty[i] != ' ')
			buf[n++] = ty[i];
	buf[n] = '\0';
	return !strcmp(buf, "char*") || !strcmp(buf, "constchar*");
}

static bool type_is_signed(const char *ty)
{
	return !(ty[0] == 'u' || strstr(ty, "unsigned") || strchr(ty, '*') || !strcmp(ty, "bool"));
}

static int note_entry(struct spec *sp, const char *text, char *err, size_t err_sz)
{
	const char *s = text;

	if (strstr(text, "$latency"))
		sp->latency = true;
	while ((s = strstr(s, "$entry("))) {
		const char *name = s + 7;
		size_t len = strcspn(name, ")");
		int i, found = -1;

		if (!name[len]) {
			snprintf(err, err_sz, "$entry() needs a parameter name");
			return -EINVAL;
		}
		for (i = 0; i < sp->t.nparams; i++)
			if (strlen(sp->t.param_names[i]) == len &&
			    !strncmp(sp->t.param_names[i], name, len))
				found = i;
		if (found < 0) {
			snprintf(err, err_sz, "$entry(%.*s): no such param", (int)len, name);
			return -EINVAL;
		}
		for (i = 0; i < sp->nentry; i++)
			if (!strcmp(sp->entry_params[i], sp->t.param_names[found]))
				break;
		if (i == sp->nentry && sp->nentry < BCT_TGEN_MAX_PARAMS)
			sp->entry_params[sp->nentry++] = sp->t.param_names[found];
		s = name + len;
	}
	return 0;
}

static int setup_spec(struct spec *sp, const char *text, bool hist)
{
	char err[512];
	int e, k;

	sp->text = text;
	sp->map_fd = -1;
	e = bct_argdist_parse(text, hist, &sp->s, err, sizeof(err));
	if (e == -ENOMEM)
		return e;
	if (e) {
		pr_err("error parsing probe '%s': %s", text, err);
		return 2;
	}
	e = bct_tgen_resolve(&sp->t, sp->s.type, sp->s.lib, sp->s.func, NULL, 0, sp->s.signature,
			     env.kit.filter.pid, err, sizeof(err));
	for (k = 0; !e && k < sp->s.nexprs; k++)
		e = note_entry(sp, sp->s.exprs[k], err, sizeof(err));
	if (!e && sp->s.filter)
		e = note_entry(sp, sp->s.filter, err, sizeof(err));
	if (!e && (sp->nentry || sp->latency) && sp->s.type != 'r') {
		snprintf(err, sizeof(err), "$entry() and $latency need a return probe (r:)");
		e = -EINVAL;
	}
	if (e) {
		pr_err("error parsing probe '%s': %s", text, err);
		return 1;
	}
	return 0;
}

/* expr with $entry(x) and $latency as the values saved at entry */
static char *entry_rewrite(const struct spec *sp, const char *expr)
{
	char word[160], repl[192], *s = strdup(expr), *n;
	int i, j;

	for (i = 0; s && i < sp->nentry; i++) {
		const char *ty = "__u64";

		for (j = 0; j < sp->t.nparams; j++)
			if (!strcmp(sp->t.param_names[j], sp->entry_params[i]))
				ty = sp->t.param_types[j];
		snprintf(word, sizeof(word), "$entry(%s)", sp->entry_params[i]);
		snprintf(repl, sizeof(repl), "((%s)__ent.p%d)", ty, i);
		n = bct_expr_replace(s, word, repl);
		free(s);
		s = n;
	}
	if (s && sp->latency) {
		n = bct_expr_replace(s, "$latency", "(bpf_ktime_get_ns() - __ent.ts)");
		free(s);
		s = n;
	}
	return s;
}

static void gen_spec(FILE *f, FILE *helpers, int *nh, int i)
{
	struct spec *sp = &specs[i];
	bool entry = sp->nentry || sp->latency;
	size_t off = 0, loc;
	char name[32];
	int k;

	if (sp->s.hist) {
		fprintf(f,
			"struct {\n\t__uint(type, BPF_MAP_TYPE_ARRAY);\n\t__uint(max_entries, 65);\n"
			"\t__type(key, __u32);\n\t__type(value, __u64);\n} map_%d SEC(\".maps\");\n\n",
			i);
	} else {
		fprintf(f, "struct key_%d {\n", i);
		for (k = 0; k < sp->s.nexprs; k++) {
			sp->is_str[k] = type_is_str(sp->s.types[k]);
			sp->is_signed[k] = type_is_signed(sp->s.types[k]);
			sp->off[k] = off;
			if (sp->is_str[k]) {
				fprintf(f, "\tchar v%d[%zu];\n", k, str_slot);
				off += str_slot;
			} else {
				fprintf(f, "\t__u64 v%d;\n", k);
				off += 8;
			}
		}
		sp->key_size = off;
		fprintf(f,
			"};\n\nstruct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n"
			"\t__uint(max_entries, 10240);\n\t__type(key, struct key_%d);\n"
			"\t__type(value, __u64);\n} map_%d SEC(\".maps\");\n\n",
			i, i);
	}
	if (entry) {
		fprintf(f, "struct ent_%d {\n\t__u64 ts;\n", i);
		for (k = 0; k < sp->nentry; k++)
			fprintf(f, "\t__u64 p%d;\n", k);
		fprintf(f,
			"};\n\nstruct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n"
			"\t__uint(max_entries, 10240);\n\t__type(key, __u32);\n"
			"\t__type(value, struct ent_%d);\n} ents_%d SEC(\".maps\");\n\n",
			i, i);
		snprintf(name, sizeof(name), "entry_%d", i);
		bct_tgen_head(f, &sp->t, 0, name, false);
		fprintf(f,
			"\tstruct ent_%d __ent = {};\n\t__u32 __tid = (__u32)"
			"bpf_get_current_pid_tgid();\n\n",
			i);
		fprintf(f, "\tif (!gen_pass())\n\t\treturn 0;\n");
		fprintf(f, "\t__ent.ts = bpf_ktime_get_ns();\n");
		for (k = 0; k < sp->nentry; k++)
			fprintf(f, "\t__ent.p%d = (__u64)%s;\n", k, sp->entry_params[k]);
		fprintf(f,
			"\tbpf_map_update_elem(&ents_%d, &__tid, &__ent, BPF_ANY);\n"
			"\treturn 0;\n}\n\n",
			i);
	}
	for (loc = 0; loc < bct_tgen_nprogs(&sp->t); loc++) {
		char *vals[BCT_ADIST_MAX_EXPRS] = { 0 }, *filter = NULL, *tmp;
		char dl[128];

		snprintf(name, sizeof(name), loc ? "probe_%d_%zu" : "probe_%d", i, loc);
		for (k = 0; k < sp->s.nexprs; k++) {
			tmp = entry_rewrite(sp, sp->s.exprs[k]);
			vals[k] = tmp ? bct_tgen_expr(&sp->t, tmp, helpers, nh) : NULL;
			free(tmp);
		}
		if (sp->s.filter) {
			tmp = entry_rewrite(sp, sp->s.filter);
			filter = tmp ? bct_tgen_expr(&sp->t, tmp, helpers, nh) : NULL;
			free(tmp);
		}
		fflush(helpers);
		bct_tgen_head(f, &sp->t, loc, name, sp->s.type == 'r');
		if (entry)
			fprintf(f,
				"\t__u32 __tid = (__u32)bpf_get_current_pid_tgid();\n"
				"\tstruct ent_%d __ent, *__e = bpf_map_lookup_elem(&ents_%d, &__tid);\n",
				i, i);
		fprintf(f, "\t__u64 *__c, __one = 1;\n");
		if (sp->s.hist)
			fprintf(f, "\t__u32 __k;\n\n");
		else
			fprintf(f, "\tstruct key_%d __k = {};\n\n", i);
		fprintf(f, "\tif (!gen_pass())\n\t\treturn 0;\n");
		if (entry)
			fprintf(f,
				"\tif (!__e)\n\t\treturn 0;\n\t__ent = *__e;\n"
				"\tbpf_map_delete_elem(&ents_%d, &__tid);\n",
				i);
		if (filter)
			fprintf(f, "\tif (!(%s))\n\t\treturn 0;\n", filter);
		if (sp->s.hist) {
			fprintf(f, "\t__k = gen_log2((__u64)(%s)(%s));\n", sp->s.types[0],
				vals[0] ? vals[0] : "0");
		} else {
			for (k = 0; k < sp->s.nexprs; k++) {
				if (!sp->is_str[k]) {
					fprintf(f, "\t__k.v%d = (__u64)(%s)(%s);\n", k,
						sp->s.types[k], vals[k] ? vals[k] : "0");
					continue;
				}
				if (bct_tgen_str_user(&sp->t, sp->s.exprs[k], dl, sizeof(dl)))
					fprintf(f,
						"\tgen_str(__k.v%d, sizeof(__k.v%d), (const void "
						"*)(unsigned long)(%s), 1);\n",
						k, k, vals[k]);
				else if (dl[0])
					fprintf(f,
						"\tgen_str(__k.v%d, sizeof(__k.v%d), (const char "
						"*)ctx + (args->%s & 0xffff), 0);\n",
						k, k, dl);
				else
					fprintf(f,
						"\tgen_str(__k.v%d, sizeof(__k.v%d), (const void "
						"*)(unsigned long)(%s), 0);\n",
						k, k, vals[k]);
			}
		}
		fprintf(f,
			"\t__c = bpf_map_lookup_elem(&map_%d, &__k);\n"
			"\tif (__c)\n\t\t__sync_fetch_and_add(__c, 1);\n",
			i);
		if (!sp->s.hist)
			fprintf(f,
				"\telse\n\t\tbpf_map_update_elem(&map_%d, &__k, &__one, "
				"BPF_NOEXIST);\n",
				i);
		fprintf(f, "\treturn 0;\n}\n\n");
		for (k = 0; k < sp->s.nexprs; k++)
			free(vals[k]);
		free(filter);
	}
}

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
	for (i = 0; i < nspecs; i++)
		gen_spec(b, h, &nh, i);
	fclose(h);
	fclose(b);
	fprintf(f, "/* argdist:");
	for (i = 0; i < nspecs; i++)
		fprintf(f, " %s %s", specs[i].s.hist ? "-H" : "-C", specs[i].text);
	fprintf(f, " */\n#define BCT_NO_EVENTS 1\n");
	bct_tgen_prelude(f);
	fprintf(f, "/* -p, -t; argdist's own process */\n"
		   "static __always_inline bool gen_pass(void)\n"
		   "{\n"
		   "\treturn bct_filter_ids(bpf_get_current_pid_tgid(), "
		   "(__u32)bpf_get_current_uid_gid());\n"
		   "}\n\n"
		   "/* BCC's bpf_log2l() slot: 0 and 1 -> 1, 2..3 -> 2, 4..7 -> 3, ... */\n"
		   "static __always_inline __u32 gen_log2(__u64 v)\n"
		   "{\n"
		   "\t__u32 r = 0;\n"
		   "\tint i;\n\n"
		   "\tfor (i = 32; i > 0; i >>= 1)\n"
		   "\t\tif (v >> i) {\n"
		   "\t\t\tv >>= i;\n"
		   "\t\t\tr += i;\n"
		   "\t\t}\n"
		   "\treturn r + 1;\n"
		   "}\n\n");
	fputs(htext, f);
	fputs(body, f);
	fclose(f);
	free(htext);
	free(body);
	if (!text)
		return -ENOMEM;
	err = bct_src_set("argdist.bpf.c", text);
	free(text);
	return err;
}

static int attach_one(struct bct_prog *prog, struct spec *sp, const char *name, uint64_t off,
		      uint64_t ref_ctr, bool ret)
{
	LIBBPF_OPTS(bpf_uprobe_opts, o, .retprobe = ret, .ref_ctr_offset = (size_t)ref_ctr);
	struct bpf_program *bp = bpf_object__find_program_by_name(bct_prog__object(prog), name);
	pid_t pid = env.kit.filter.pid > 0 ? env.kit.filter.pid : -1;
	struct bpf_link *link;
	int err;

	if (!bp)
		return -ENOENT;
	link = bpf_program__attach_uprobe_opts(bp, pid, sp->t.path, (size_t)off, &o);
	if (!link) {
		err = -errno;
		pr_err("cannot attach probe '%s' to %s: %s", sp->text, sp->t.path, strerror(-err));
		return err;
	}
	return bct_prog__add_link(prog, link);
}

static int after_load(struct bct_prog *prog, void *ctx)
{
	char name[32];
	size_t loc;
	int i, err;

	(void)ctx;
	for (i = 0; i < nspecs; i++) {
		struct spec *sp = &specs[i];

		snprintf(name, sizeof(name), "map_%d", i);
		sp->map_fd = bct_prog__map_fd(prog, name);
		if (sp->map_fd < 0)
			return sp->map_fd;
		if (sp->t.type == 't')
			continue;
		if (sp->nentry || sp->latency) {
			snprintf(name, sizeof(name), "entry_%d", i);
			err = attach_one(prog, sp, name, sp->t.off, 0, false);
			if (err)
				return err;
		}
		for (loc = 0; loc < bct_tgen_nprogs(&sp->t); loc++) {
			snprintf(name, sizeof(name), loc ? "probe_%d_%zu" : "probe_%d", i, loc);
			err = sp->t.type == 'u'
				      ? attach_one(prog, sp, name, sp->t.locs[loc].offset,
						   sp->t.locs[loc].sema_offset, false)
				      : attach_one(prog, sp, name, sp->t.off, 0, sp->s.type == 'r');
			if (err)
				return err;
		}
	}
	return 0;
}

/* --- output -------------------------------------------------------------------------------- */

/* An expression as BCC shows it: $entry(x) as x. */
static void display_expr(const char *expr, char *buf, size_t sz)
{
	size_t n = 0;

	while (*expr && n + 1 < sz) {
		if (!strncmp(expr, "$entry(", 7)) {
			const char *e = strchr(expr + 7, ')');

			if (e) {
				size_t l = (size_t)(e - expr - 7);

				if (n + l + 1 >= sz)
					break;
				memcpy(buf + n, expr + 7, l);
				n += l;
				expr = e + 1;
				continue;
			}
		}
		buf[n++] = *expr++;
	}
	buf[n] = '\0';
}

struct row {
	void *key;
	uint64_t count;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return x->count < y->count ? -1 : x->count > y->count;
}

static void event_text(const struct spec *sp, const char *key, char *buf, size_t sz)
{
	char ex[256];
	size_t n = 0;
	int k;

	buf[0] = '\0';
	if (sp->s.default_expr) {
		int64_t v;

		if (sp->s.type != 'r') {
			snprintf(buf, sz, "total calls");
			return;
		}
		memcpy(&v, key, sizeof(v));
		snprintf(buf, sz, "retval = %" PRId64, v);
		return;
	}
	for (k = 0; k < sp->s.nexprs && n < sz; k++) {
		const char *v = key + sp->off[k];
		uint64_t u;

		display_expr(sp->s.exprs[k], ex, sizeof(ex));
		if (sp->is_str[k]) {
			n += (size_t)snprintf(buf + n, sz - n, "%s%s = %.*s", k ? ", " : "", ex,
					      (int)strnlen(v, str_slot), v);
			continue;
		}
		memcpy(&u, v, sizeof(u));
		if (sp->is_signed[k])
			n += (size_t)snprintf(buf + n, sz - n, "%s%s = %" PRId64, k ? ", " : "", ex,
					      (int64_t)u);
		else
			n += (size_t)snprintf(buf + n, sz - n, "%s%s = %" PRIu64, k ? ", " : "", ex,
					      u);
	}
}

static const char *spec_title(const struct spec *sp)
{
	return sp->s.label ? sp->s.label : sp->text;
}

static int print_freq(struct spec *sp, const char *ts)
{
	struct row *rows = NULL;
	size_t n = 0, cap = 0, i, first;
	char *key = calloc(2, sp->key_size), *next, ev[4096];
	void *prev = NULL;
	int err = 0;

	if (!key)
		return -ENOMEM;
	next = key + sp->key_size;
	while (!bpf_map_get_next_key(sp->map_fd, prev, next)) {
		uint64_t c;

		if (!bpf_map_lookup_elem(sp->map_fd, next, &c)) {
			if (n == cap) {
				struct row *r =
					realloc(rows, (cap = cap ? cap * 2 : 64) * sizeof(*r));

				if (!r) {
					err = -ENOMEM;
					break;
				}
				rows = r;
			}
			rows[n].key = malloc(sp->key_size);
			if (!rows[n].key) {
				err = -ENOMEM;
				break;
			}
			memcpy(rows[n].key, next, sp->key_size);
			rows[n].count = c;
			n++;
		}
		memcpy(key, next, sp->key_size);
		prev = key;
	}
	qsort(rows, n, sizeof(*rows), cmp_row);
	first = env.top && (size_t)env.top < n ? n - (size_t)env.top : 0;
	if (!env.kit.common.json) {
		printf("%s\n\t%-10s %s\n", spec_title(sp), "COUNT", "EVENT");
		for (i = first; i < n; i++) {
			event_text(sp, rows[i].key, ev, sizeof(ev));
			printf("\t%-10" PRIu64 " %s\n", rows[i].count, ev);
		}
	} else {
		for (i = first; i < n; i++) {
			struct bct_json j;

			event_text(sp, rows[i].key, ev, sizeof(ev));
			bct_json_begin(&j, stdout);
			bct_json_str(&j, "time", ts);
			bct_json_str(&j, "probe", spec_title(sp));
			bct_json_uint(&j, "count", rows[i].count);
			bct_json_str(&j, "event", ev);
			bct_json_end(&j);
		}
	}
	if (!env.cumulative)
		for (i = 0; i < n; i++)
			bpf_map_delete_elem(sp->map_fd, rows[i].key);
	for (i = 0; i < n; i++)
		free(rows[i].key);
	free(rows);
	free(key);
	return err;
}

static void print_hist(struct spec *sp, const char *ts)
{
	uint64_t vals[65] = { 0 }, zero = 0;
	char label[256];
	uint32_t k;

	for (k = 0; k < 65; k++)
		bpf_map_lookup_elem(sp->map_fd, &k, &vals[k]);
	if (sp->s.label)
		snprintf(label, sizeof(label), "%s", sp->s.label);
	else if (sp->s.default_expr)
		snprintf(label, sizeof(label), "retval");
	else
		display_expr(sp->s.exprs[0], label, sizeof(label));
	if (!env.kit.common.json) {
		bct_hist_print_log2(stdout, vals, 65, label, false);
	} else {
		struct bct_json j;

		bct_json_begin(&j, stdout);
		bct_json_str(&j, "time", ts);
		bct_json_str(&j, "probe", spec_title(sp));
		bct_json_str(&j, "label", label);
		bct_hist_json_log2(&j, "data", vals, 65);
		bct_json_end(&j);
	}
	if (!env.cumulative)
		for (k = 0; k < 65; k++)
			bpf_map_update_elem(sp->map_fd, &k, &zero, BPF_ANY);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Sleeps until the monotonic clock reaches deadline (ms) unless a stop comes; false then. */
static bool wait_until(uint64_t deadline)
{
	uint64_t now;

	while (!bct_exiting && (now = mono_ms()) < deadline) {
		uint64_t left = deadline - now > 50 ? 50 : deadline - now;
		struct timespec ts = { 0, (long)left * 1000000L };

		nanosleep(&ts, NULL);
	}
	return !bct_exiting;
}

static int loop(void)
{
	long printed = 0, seconds = 0;
	uint64_t next = mono_ms();
	char ts[16];
	time_t now;
	int i, err = 0;

	for (;;) {
		next += (uint64_t)env.interval * 1000;
		if (!wait_until(next))
			return 0; /* Ctrl-C: no final print, as BCC */
		seconds += env.interval;
		now = time(NULL);
		strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
		if (!env.kit.common.json)
			printf("[%s]\n", ts);
		for (i = 0; i < nspecs && !err; i++) {
			if (specs[i].s.hist)
				print_hist(&specs[i], ts);
			else
				err = print_freq(&specs[i], ts);
		}
		if (fflush(stdout) || err)
			return err ? err : -EPIPE;
		printed++;
		if (env.count && printed >= env.count)
			return 0;
		if (env.duration && seconds >= env.duration)
			return 0;
	}
}

int cmd_argdist(int argc, char **argv)
{
	struct bct_session s = { .after_load = after_load };
	int rc, err, k;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (!env.nspecs) {
		env.specs[env.nspecs++] = "t:sched:sched_process_exit()";
	}
	/* BCC's order: every -C, then every -H */
	for (k = 0; k < 2 * env.nspecs; k++) {
		int j = k % env.nspecs;

		if (env.hist[j] != (k >= env.nspecs))
			continue;
		err = setup_spec(&specs[nspecs], env.specs[j], env.hist[j]);
		nspecs++;
		if (err) {
			rc = err == 2 ? 2 : 1;
			goto out;
		}
	}
	err = generate();
	if (err) {
		pr_err("cannot generate the BPF program: %s", strerror(-err));
		rc = 1;
		goto out;
	}
	if (bct_session__init(&s, &env.kit, &needs_argdist, no_hooks)) {
		rc = 1;
		goto out;
	}
	if (env.kit.common.ebpf || env.verbose) {
		err = bct_session__print_source(&s);
		fflush(stdout);
		if (env.kit.common.ebpf || err) {
			bct_session__stop(&s);
			rc = err ? 1 : 0;
			goto out;
		}
	}
	err = bct_session__start(&s);
	if (err) {
		bct_session__stop(&s);
		rc = err == -EINTR ? 0 : 1;
		goto out;
	}
	err = loop();
	bct_session__stop(&s);
	rc = err && err != -EPIPE ? 1 : 0;
out:
	for (k = 0; k < nspecs; k++) {
		bct_argdist_spec_free(&specs[k].s);
		bct_tgen_free(&specs[k].t);
	}
	return rc;
}
