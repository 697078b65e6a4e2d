// SPDX-License-Identifier: Apache-2.0
/*
 * uobjnew: object allocations of one process, counted per type (C: per malloc() size), printed
 * as a table at Ctrl-C or every interval.
 *
 * Interface of BCC's uobjnew by Sasha Goldshtein; written anew. BCC's names cobjnew,
 * javaobjnew, rubyobjnew and tclobjnew run this tool with their language.
 */
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
#include "ulang.h"
#include "uobjnew.h"
#include "uprobe.h"
#include "usdt_args.h"

static struct uobjnew_env {
	struct bct_env kit;
	const char *language;
	long pid, interval, top_count, top_size;
	bool verbose;
} env;

static const struct bct_opt opts[] = {
	BCT_STRING('l', "language", "LANGUAGE", &env.language,
		   "language to trace: c, java, ruby or tcl"),
	BCT_CUSTOM('C', "top-count", "TOP_COUNT",
		   "number of most frequently allocated types to print"),
	BCT_CUSTOM('S', "top-size", "TOP_SIZE",
		   "number of largest types by allocated bytes to print"),
	BCT_FLAG('v', "verbose", &env.verbose,
		 "verbose mode: print the BPF program (for debugging purposes)"),
	{ 0 },
};

static const char doc[] =
	"Summarize object allocations in high-level languages.\n"
	"\v"
	"examples:\n"
	"    uobjnew -l java 145         # summarize Java allocations in process 145\n"
	"    uobjnew -l c 2020 1         # grab malloc() sizes and print every second\n"
	"    uobjnew -l ruby 6712 -C 10  # top 10 Ruby types by number of allocations\n"
	"    uobjnew -l ruby 6712 -S 10  # top 10 Ruby types by total size\n"
	"    cobjnew 2020                # the same as uobjnew -l c 2020\n";

struct lang_probe {
	const char *probe, *prog, *id;
};

struct objnew_lang {
	const char *name;
	struct lang_probe probes[4];
};

static const struct objnew_lang langs[] = {
	{ "c", { { NULL } } },
	{ "java", { { "object__alloc", "uo_java", "JA" } } },
	{ "ruby",
	  { { "object__create", "uo_ruby_object", "RO" },
	    { "string__create", "uo_ruby_string", "RS" },
	    { "hash__create", "uo_ruby_hash", "RH" },
	    { "array__create", "uo_ruby_array", "RA" } } },
	{ "tcl", { { "obj__create", "uo_tcl", "TC" } } },
	{ NULL },
};

static const struct objnew_lang *lang;
static struct bct_usdt_match matches[4];
static int npos;

static long parse_num(struct argp_state *state, const char *what, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v > INT_MAX)
		argp_error(state, "argument %s: invalid int value: '%s'", what, arg);
	return v;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	const struct objnew_lang *l;

	switch (key) {
	case 'C':
		env.top_count = parse_num(state, "-C/--top-count", arg);
		break;
	case 'S':
		env.top_size = parse_num(state, "-S/--top-size", arg);
		break;
	case ARGP_KEY_ARG:
		if (npos == 0)
			env.pid = parse_num(state, "pid", arg);
		else if (npos == 1)
			env.interval = parse_num(state, "interval", arg);
		else
			argp_error(state, "unrecognized arguments: %s", arg);
		npos++;
		break;
	case ARGP_KEY_END:
		if (!npos && !env.kit.common.ebpf)
			argp_error(state, "the following arguments are required: pid");
		if (!env.language)
			break;
		for (l = langs; l->name; l++)
			if (!strcmp(l->name, env.language))
				lang = l;
		if (!lang)
			argp_error(state,
				   "argument -l/--language: invalid choice: '%s' (choose from 'c', "
				   "'java', 'ruby', 'tcl')",
				   env.language);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "pid [interval]",
	.doc = doc,
};

static const struct bct_method methods[] = {
	{ .name = "uprobe",
	  .progs = BCT_PROGS(BCT_PROG("uo_malloc", "uprobe"), BCT_PROG("uo_java", "uprobe"),
			     BCT_PROG("uo_ruby_object", "uprobe"),
			     BCT_PROG("uo_ruby_string", "uprobe"),
			     BCT_PROG("uo_ruby_hash", "uprobe"),
			     BCT_PROG("uo_ruby_array", "uprobe"), BCT_PROG("uo_tcl", "uprobe")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "allocations (malloc uprobe, USDT)", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_uobjnew = {
	.src_name = "uobjnew.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0, i;

	(void)ctx;
	for (i = 0; lang && i < 4 && lang->probes[i].probe && !err; i++) {
		if (!matches[i].n)
			continue;
		err = bct_usdt_define_args(p, lang->probes[i].id, &matches[i]);
		if (err == -EINVAL)
			pr_err("cannot read the arguments of the USDT probe %s in %s",
			       lang->probes[i].probe, matches[i].path);
	}
	return err;
}

static int after_load(struct bct_prog *p, void *ctx)
{
	struct bct_uprobe u = {
		.prog = "uo_malloc", .lib = "c", .sym = "malloc", .pid = (pid_t)env.pid
	};
	int err = 0, i;

	(void)ctx;
	if (lang && !strcmp(lang->name, "c"))
		return bct_uprobe_attach(p, &u);
	for (i = 0; lang && i < 4 && lang->probes[i].probe && !err; i++)
		err = bct_usdt_attach(p, lang->probes[i].prog, (pid_t)env.pid, &matches[i], 0);
	if (err == -ESRCH)
		pr_err("process %d exited before its probes were attached", (int)env.pid);
	return err;
}

struct row {
	struct uobjnew_key k;
	struct uobjnew_val v;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	uint64_t u = env.top_count ? x->v.num_allocs : x->v.total_size;
	uint64_t w = env.top_count ? y->v.num_allocs : y->v.total_size;

	if (u != w)
		return u < w ? -1 : 1;
	if (x->k.size != y->k.size)
		return x->k.size < y->k.size ? -1 : 1;
	return strncmp(x->k.name, y->k.name, sizeof(x->k.name));
}

static int print_data(int fd)
{
	struct uobjnew_key k, next, *prev = NULL;
	struct row *rows = NULL, *r;
	size_t n = 0, cap = 0, i, first = 0;
	long top = env.top_count ? env.top_count : env.top_size;
	char name[64];

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if (n == cap) {
			r = realloc(rows, (cap = cap ? cap * 2 : 256) * sizeof(*rows));
			if (!r) {
				free(rows);
				pr_err("cannot read the allocation counts: %s", strerror(ENOMEM));
				return -ENOMEM;
			}
			rows = r;
		}
		if (bpf_map_lookup_elem(fd, &k, &rows[n].v))
			continue;
		rows[n++].k = k;
	}
	qsort(rows, n, sizeof(*rows), cmp_row);
	if (top && (size_t)top < n)
		first = n - (size_t)top;
	if (!env.kit.common.json)
		printf("\n%-30s %8s %12s\n", "NAME/TYPE", "# ALLOCS", "# BYTES");
	for (i = first; i < n; i++) {
		r = &rows[i];
		if (!strcmp(lang->name, "c"))
			snprintf(name, sizeof(name), "block size %llu",
				 (unsigned long long)r->k.size);
		else
			snprintf(name, sizeof(name), "%.*s", (int)sizeof(r->k.name), r->k.name);
		if (env.kit.common.json) {
			struct bct_json j;

			bct_json_begin(&j, stdout);
			bct_json_str(&j, "name", name);
			bct_json_uint(&j, "allocs", r->v.num_allocs);
			bct_json_uint(&j, "bytes", r->v.total_size);
			bct_json_end(&j);
		} else {
			printf("%-30s %8llu %12llu\n", name, (unsigned long long)r->v.num_allocs,
			       (unsigned long long)r->v.total_size);
		}
	}
	fflush(stdout);
	free(rows);
	return 0;
}

static void clear_map(int fd)
{
	struct uobjnew_key k;

	while (!bpf_map_get_next_key(fd, NULL, &k))
		if (bpf_map_delete_elem(fd, &k))
			break;
}

static void sleep_interval(void)
{
	struct timespec ts = { env.interval ? env.interval : 99999999, 0 };

	while (!bct_exiting && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void free_matches(void)
{
	int i;

	for (i = 0; i < 4; i++)
		bct_usdt_match_free(&matches[i]);
}

int cmd_uobjnew(int argc, char **argv)
{
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	const char *alias = ulang_from_argv0(argv[0], "objnew");
	int rc, err, i, fd;

	if (alias)
		env.language = alias;
	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (!lang && !env.kit.common.ebpf) {
		/* BCC guesses from the process; here the language is given */
		printf("No language detected; use -l to trace a language.\n");
		return 1;
	}
	for (i = 0; lang && i < 4 && lang->probes[i].probe && (!env.kit.common.ebpf || env.pid);
	     i++) {
		if (ulang_find_probe((pid_t)env.pid, lang->name, lang->probes[i].probe,
				     &matches[i])) {
			free_matches();
			return 1;
		}
	}
	if (env.pid)
		env.kit.filter.pid = (uint32_t)env.pid;
	if (bct_session__init(&s, &env.kit, &needs_uobjnew, NULL)) {
		free_matches();
		return 1;
	}
	if (env.kit.common.ebpf || env.verbose) {
		err = bct_session__print_source(&s);
		if (err || env.kit.common.ebpf) {
			bct_session__stop(&s);
			free_matches();
			return err ? 1 : 0;
		}
	}
	err = bct_session__start(&s);
	if (err) {
		bct_session__stop(&s);
		free_matches();
		return err == -EINTR ? 0 : 1;
	}
	if (!env.kit.common.json)
		printf("Tracing allocations in process %ld (language: %s)... Ctrl-C to quit.\n",
		       env.pid, lang->name);
	fflush(stdout);
	fd = bct_prog__map_fd(s.prog, "allocs");
	rc = 0;
	for (;;) {
		sleep_interval();
		if (bct_exiting)
			signal(SIGINT, SIG_IGN);
		if (print_data(fd)) {
			rc = 1;
			break;
		}
		if (bct_exiting || !env.interval)
			break;
		clear_map(fd);
	}
	bct_session__stop(&s);
	free_matches();
	return rc;
}
