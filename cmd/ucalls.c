// SPDX-License-Identifier: Apache-2.0
/*
 * ucalls: summarize method calls of a language runtime (its USDT probes) and system calls.
 *
 * Interface of BCC's ucalls by Sasha Goldshtein; written anew. The probes' argument readers
 * are generated from their notes (lib/usdt_args.h); BCC's names pythoncalls, javacalls... run
 * this tool with their language.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "cmd.h"
#include "json.h"
#include "log.h"
#include "prog.h"
#include "signals.h"
#include "syscalls.h"
#include "tool.h"
#include "ucalls.h"
#include "ulang.h"
#include "usdt_args.h"

static struct ucalls_env {
	struct bct_env kit;
	const char *language;
	long pid, interval, top;
	bool latency, syscalls, verbose, ms;
} env;

static const struct bct_opt opts[] = {
	BCT_STRING('l', "language", "LANGUAGE", &env.language,
		   "language to trace: java, perl, php, python, ruby, tcl or none (if none, "
		   "trace syscalls only)"),
	BCT_CUSTOM('T', "top", "TOP", "number of most frequent/slow calls to print"),
	BCT_FLAG('L', "latency", &env.latency,
		 "record method latency from enter to exit (except recursive calls)"),
	BCT_FLAG('S', "syscalls", &env.syscalls, "record syscall latency (adds overhead)"),
	BCT_FLAG('v', "verbose", &env.verbose,
		 "verbose mode: print the BPF program (for debugging purposes)"),
	BCT_FLAG('m', "milliseconds", &env.ms,
		 "report times in milliseconds (default is microseconds)"),
	{ 0 },
};

static const char doc[] =
	"Summarize method calls in high-level languages.\n"
	"\v"
	"examples:\n"
	"    ucalls -l java 185        # trace Java calls and print statistics on ^C\n"
	"    ucalls -l python 2020 1   # trace Python calls and print every second\n"
	"    ucalls -l java 185 -S     # trace Java calls and syscalls\n"
	"    ucalls 6712 -S            # trace only syscall counts\n"
	"    ucalls -l ruby 1344 -T 10 # trace top 10 Ruby method calls\n"
	"    ucalls -l ruby 1344 -L    # trace Ruby calls including latency\n"
	"    ucalls -l php 443 -LS     # trace PHP calls and syscalls with latency\n"
	"    ucalls -l python 2020 -mL # trace Python calls including latency in ms\n"
	"    pythoncalls 2020          # the same as ucalls -l python 2020\n";

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

static int npos;

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'T':
		env.top = parse_num(state, "-T/--top", arg);
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
		if (env.language && strcmp(env.language, "none") &&
		    (!ulang_find(env.language) || !ulang_find(env.language)->entry))
			argp_error(state,
				   "argument -l/--language: invalid choice: '%s' (choose from "
				   "'java', 'perl', 'php', 'python', 'ruby', 'tcl', 'none')",
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

static const struct bct_method usdt_methods[] = {
	{ .name = "uprobe",
	  .progs = BCT_PROGS(BCT_PROG("uc_entry", "uprobe")),
	  .optional_progs = BCT_PROGS(BCT_PROG("uc_return", "uprobe")) },
	{ NULL },
};

static const struct bct_method sys_methods[] = {
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("uc_sys_enter", "tracepoint/raw_syscalls/sys_enter"),
			     BCT_PROG("uc_sys_exit", "tracepoint/raw_syscalls/sys_exit")) },
	{ NULL },
};

static const struct bct_hook hooks_lang[] = {
	{ "method entry and return (USDT)", usdt_methods, false },
	{ NULL, NULL, false },
};
static const struct bct_hook hooks_sys[] = {
	{ "syscalls (-S)", sys_methods, false },
	{ NULL, NULL, false },
};
static const struct bct_hook hooks_both[] = {
	{ "method entry and return (USDT)", usdt_methods, false },
	{ "syscalls (-S)", sys_methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_ucalls = {
	.src_name = "ucalls.bpf.c",
	.variants = (const struct bct_variant[]){ { "-l LANGUAGE", hooks_lang },
						  { "-S", hooks_sys },
						  { "-l LANGUAGE -S", hooks_both },
						  { NULL } },
};

static const struct ulang *lang;
static struct bct_usdt_match m_entry, m_ret;

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	(void)ctx;
	if (env.latency)
		err = bct_prog__define(p, "LATENCY", NULL);
	if (!lang || !m_entry.n)
		return err; /* --ebpf without a process: the program without its readers */
	if (!err && lang->class_arg)
		err = bct_prog__define(p, "CLASS_ARG", "%d", lang->class_arg);
	err = err ?: bct_prog__define(p, "METHOD_ARG", "%d", lang->method_arg);
	err = err ?: bct_usdt_define_args(p, "ENTRY", &m_entry);
	if (!err && env.latency)
		err = bct_usdt_define_args(p, "RETURN", &m_ret);
	if (err == -EINVAL)
		pr_err("cannot read the arguments of the USDT probe %s in %s", lang->entry,
		       m_entry.path);
	return err;
}

static int after_load(struct bct_prog *p, void *ctx)
{
	int err;

	(void)ctx;
	if (!lang)
		return 0;
	err = bct_usdt_attach(p, "uc_entry", 0, &m_entry, 0);
	if (!err && env.latency)
		err = bct_usdt_attach(p, "uc_return", 0, &m_ret, 0);
	return err;
}

struct row {
	char name[2 * UCALLS_STR_LEN + 2];
	uint64_t calls, ns;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	uint64_t u = env.latency ? x->ns : x->calls, v = env.latency ? y->ns : y->calls;

	return u < v ? -1 : u > v;
}

static int collect(int fd, bool sys, struct row **rows, size_t *n, size_t *cap)
{
	struct ucalls_method mk, mnext, *mprev = NULL;
	uint64_t sk, snext, *sprev = NULL;
	struct ucalls_info v;
	void *key = sys ? (void *)&sk : (void *)&mk, *next = sys ? (void *)&snext : (void *)&mnext;

	while (!bpf_map_get_next_key(fd, sys ? (void *)sprev : (void *)mprev, next)) {
		struct row *r;

		memcpy(key, next, sys ? sizeof(sk) : sizeof(mk));
		if (sys)
			sprev = &sk;
		else
			mprev = &mk;
		if (bpf_map_lookup_elem(fd, key, &v))
			continue;
		if (*n == *cap) {
			r = realloc(*rows, (*cap = *cap ? *cap * 2 : 256) * sizeof(**rows));
			if (!r)
				return -ENOMEM;
			*rows = r;
		}
		r = &(*rows)[(*n)++];
		if (sys) {
			const char *name = bct_syscall_name((long)sk);

			if (name)
				snprintf(r->name, sizeof(r->name), "%s", name);
			else
				snprintf(r->name, sizeof(r->name), "[unknown: %llu]",
					 (unsigned long long)sk);
		} else {
			snprintf(r->name, sizeof(r->name), "%.*s.%.*s", UCALLS_STR_LEN, mk.clazz,
				 UCALLS_STR_LEN, mk.method);
		}
		r->calls = v.calls;
		r->ns = v.total_ns;
	}
	return 0;
}

static void clear_map(int fd, size_t ksz)
{
	char key[sizeof(struct ucalls_method)], next[sizeof(struct ucalls_method)];

	while (!bpf_map_get_next_key(fd, NULL, next)) {
		memcpy(key, next, ksz);
		if (bpf_map_delete_elem(fd, key))
			break;
	}
}

static int print_data(struct bct_session *s)
{
	int cfd = bct_prog__map_fd(s->prog, "counts"), sfd = bct_prog__map_fd(s->prog, "syscounts");
	struct row *rows = NULL;
	size_t n = 0, cap = 0, i, first = 0;
	const char *tcol = env.ms ? "TIME (ms)" : "TIME (us)";
	int err = 0;

	if (lang)
		err = collect(cfd, false, &rows, &n, &cap);
	if (!err && env.syscalls)
		err = collect(sfd, true, &rows, &n, &cap);
	if (err) {
		free(rows);
		return err;
	}
	qsort(rows, n, sizeof(*rows), cmp_row);
	if (env.top && (size_t)env.top < n)
		first = n - (size_t)env.top;
	if (!env.kit.common.json) {
		printf("\n");
		if (env.latency)
			printf("%-50s %8s %8s\n", "METHOD", "# CALLS", tcol);
		else
			printf("%-50s %8s\n", "METHOD", "# CALLS");
	}
	for (i = first; i < n; i++) {
		double t = env.ms ? rows[i].ns / 1e6 : rows[i].ns / 1e3;

		if (env.kit.common.json) {
			struct bct_json j;

			bct_json_begin(&j, stdout);
			bct_json_str(&j, "method", rows[i].name);
			bct_json_uint(&j, "calls", rows[i].calls);
			if (env.latency)
				bct_json_double(&j, env.ms ? "time_ms" : "time_us", t);
			bct_json_end(&j);
		} else if (env.latency) {
			printf("%-50s %8llu %6.2f\n", rows[i].name,
			       (unsigned long long)rows[i].calls, t);
		} else {
			printf("%-50s %8llu\n", rows[i].name, (unsigned long long)rows[i].calls);
		}
	}
	fflush(stdout);
	free(rows);
	return 0;
}

static void sleep_interval(void)
{
	struct timespec ts = { env.interval ? env.interval : 99999999, 0 };

	while (!bct_exiting && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int cmd_ucalls(int argc, char **argv)
{
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	const struct bct_hook *hooks;
	const char *alias = ulang_from_argv0(argv[0], "calls");
	int rc, err;

	if (alias)
		env.language = alias;
	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.language && strcmp(env.language, "none"))
		lang = ulang_find(env.language);
	if (!env.language && !env.kit.common.ebpf) {
		/* BCC guesses from the process; here the language is given */
		pr_err("no language given: use -l LANGUAGE (or -l none -S for syscalls only)");
		return 2;
	}
	if (!lang && !env.syscalls && !env.kit.common.ebpf) {
		printf("Nothing to do; use -S to trace syscalls.\n");
		return 1;
	}
	if (lang && (!env.kit.common.ebpf || env.pid)) {
		if (ulang_find_probe((pid_t)env.pid, lang->name, lang->entry, &m_entry))
			return 1;
		if (env.latency && ulang_find_probe((pid_t)env.pid, lang->name, lang->ret, &m_ret))
			return 1;
	}
	if (env.pid)
		env.kit.filter.pid = (uint32_t)env.pid;
	hooks = lang && env.syscalls ? hooks_both : env.syscalls ? hooks_sys : hooks_lang;
	if (bct_session__init(&s, &env.kit, &needs_ucalls, hooks))
		return 1;
	if (env.kit.common.ebpf || env.verbose) {
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
	if (env.syscalls && !env.kit.common.json)
		printf("Attached kernel tracepoints for syscall tracing.\n");
	if (!env.kit.common.json) {
		printf("Tracing calls in process %ld (language: %s)... Ctrl-C to quit.\n", env.pid,
		       lang ? lang->name : "none");
		if (lang && lang->hint)
			printf("%s\n", lang->hint);
	}
	fflush(stdout);
	rc = 0;
	for (;;) {
		sleep_interval();
		if (bct_exiting)
			signal(SIGINT, SIG_IGN);
		if (print_data(&s)) {
			rc = 1;
			break;
		}
		if (bct_exiting || !env.interval)
			break;
		clear_map(bct_prog__map_fd(s.prog, "counts"), sizeof(struct ucalls_method));
		clear_map(bct_prog__map_fd(s.prog, "syscounts"), sizeof(uint64_t));
	}
	if (env.syscalls && !env.kit.common.json)
		printf("Detaching kernel probes, please wait...\n");
	bct_session__stop(&s);
	bct_usdt_match_free(&m_entry);
	bct_usdt_match_free(&m_ret);
	return rc;
}
