// SPDX-License-Identifier: Apache-2.0
/* bcctool: the multicall entry point. Dispatches on argv[0] or argv[1] to one command. */
#include <argp.h>
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "bct.h"
#include "cmd.h"

const char *argp_program_version = "bcctool " BCT_VERSION;
const char *argp_program_bug_address = "the bcctool issue tracker";

static const struct bct_cmd cmds[] = {
#define BCT_CMD(name, fn, summary, flags) { name, cmd_##fn, summary, flags, &needs_##fn },
#include "cmdlist.h"
#undef BCT_CMD
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

const struct bct_cmd *bct_cmd_table(size_t *n)
{
	*n = NCMDS;
	return cmds;
}

static int cmp_cmd(const void *key, const void *elem)
{
	return strcmp(key, ((const struct bct_cmd *)elem)->name);
}

static const struct bct_cmd *find_cmd(const char *name)
{
	return bsearch(name, cmds, NCMDS, sizeof(cmds[0]), cmp_cmd);
}

static size_t levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64];

	if (lb >= 63 || la >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t prev = row[0], tmp;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);

			tmp = row[j];
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

static void list_cmds(FILE *out, bool json)
{
	size_t i;

	for (i = 0; i < NCMDS; i++) {
		if (cmds[i].flags & BCT_HIDDEN)
			continue;
		if (json) {
			struct bct_json j;

			bct_json_begin(&j, out);
			bct_json_str(&j, "name", cmds[i].name);
			bct_json_str(&j, "summary", cmds[i].summary);
			bct_json_bool(&j, "needs_bpf", cmds[i].flags & BCT_NEEDS_BPF);
			bct_json_end(&j);
		} else {
			fprintf(out, "%-16s %s\n", cmds[i].name, cmds[i].summary);
		}
	}
}

static void usage(FILE *out)
{
	fputs("usage: bcctool TOOL [OPTIONS...]\n"
	      "       bcctool --list [--json] | --version | --info [--json] | help TOOL\n"
	      "       TOOL [OPTIONS...]   (through a link named after the tool)\n"
	      "\n"
	      "Common options for every tool: -h/--help, --ebpf, --debug[=MASK], --json\n"
	      "\n"
	      "Tools:\n",
	      out);
	list_cmds(out, false);
}

static int unknown_cmd(const char *name)
{
	const char *best = NULL;
	size_t best_d = 3, i;

	for (i = 0; i < NCMDS; i++) {
		size_t d;

		if (cmds[i].flags & BCT_HIDDEN)
			continue;
		d = levenshtein(name, cmds[i].name);
		if (d < best_d) {
			best_d = d;
			best = cmds[i].name;
		}
	}
	if (best)
		fprintf(stderr, "bcctool: '%s' is not a bcctool command; did you mean '%s'?\n",
			name, best);
	else
		fprintf(stderr, "bcctool: '%s' is not a bcctool command; see 'bcctool --list'\n",
			name);
	return 127;
}

static void print_version(void)
{
	printf("bcctool %s\nlibbpf %u.%u\nLLVM %s\n", BCT_VERSION, libbpf_major_version(),
	       libbpf_minor_version(), BCT_LLVM_VERSION);
}

static bool man_page_exists(const char *page)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "man -w '%s' >/dev/null 2>&1", page);
	return system(cmd) == 0;
}

static int help_cmd(const char *name)
{
	const struct bct_cmd *c = find_cmd(name);
	char page[128];
	char *args[] = { (char *)name, "--help", NULL };

	if (!c)
		return unknown_cmd(name);
	/* A man page when one is installed and stdout is a terminal; else the tool's --help. */
	snprintf(page, sizeof(page), "bcctool-%s", name);
	if (isatty(STDOUT_FILENO) && man_page_exists(page)) {
		execlp("man", "man", page, (char *)NULL);
	}
	bct_log_set_prog(c->name);
	return c->fn(2, args);
}

static bool stdout_checked;

/* git's run_builtin(): a tool's output that could not be written is a failure. */
static int check_stdout(int rc)
{
	struct stat st;

	stdout_checked = true;
	if (fstat(STDOUT_FILENO, &st))
		return rc;
	if (fflush(stdout) || ferror(stdout)) {
		if (errno == EPIPE || (rc && bct_log_errors()))
			return rc; /* the reader is gone, or the tool failed and said why */
		fprintf(stderr, "bcctool: write failure on standard output: %s\n", strerror(errno));
		return 1;
	}
	return rc;
}

/* The same for an exit() that bypassed it (argp's after --help): a failure exits 1. */
static void check_stdout_at_exit(void)
{
	if (!stdout_checked && check_stdout(0))
		_exit(1);
}

/* --ebpf before any "--": for tools that load no BPF, answered here for all of them. */
static bool asks_ebpf(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--ebpf"))
			return true;
	return false;
}

static int run_cmd(const struct bct_cmd *c, int argc, char **argv)
{
	if (!(c->flags & (BCT_NEEDS_BPF | BCT_HIDDEN)) && !c->needs && asks_ebpf(argc, argv)) {
		printf("%s: this tool has no BPF program\n", c->name);
		return check_stdout(0);
	}
	/* named after the tool, as BCC's are: ps, top and bpflist show "opensnoop" */
	prctl(PR_SET_NAME, c->name, 0, 0, 0);
	bct_log_set_prog(c->name);
	bct_log_install_libbpf(false);
	return check_stdout(c->fn(argc, argv));
}

int main(int argc, char **argv)
{
	char *self = basename(argv[0]);
	const struct bct_cmd *c;

	argp_err_exit_status = 2;
	/* A closed pipe is an EPIPE error on write, handled as a clean stop. */
	signal(SIGPIPE, SIG_IGN);
	/* first registered, so it runs last, after every other exit handler */
	atexit(check_stdout_at_exit);

	if (!strncmp(self, "bcctool-", 8))
		self += 8;
	if (strcmp(self, "bcctool")) {
		c = find_cmd(self);
		if (!c)
			return unknown_cmd(self);
		return run_cmd(c, argc, argv);
	}

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--list")) {
		list_cmds(stdout, argc > 2 && !strcmp(argv[2], "--json"));
		return check_stdout(0);
	}
	if (!strcmp(argv[1], "--info")) {
		/* the hidden __info command (cmd/info.c) takes --json and --debug */
		argv[1] = "__info";
		return run_cmd(find_cmd("__info"), argc - 1, argv + 1);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		print_version();
		return check_stdout(0);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return check_stdout(0);
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			usage(stdout);
			return check_stdout(0);
		}
		return check_stdout(help_cmd(argv[2]));
	}
	if (argv[1][0] == '-') {
		fprintf(stderr, "bcctool: unknown option '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	c = find_cmd(argv[1]);
	if (!c)
		return unknown_cmd(argv[1]);
	return run_cmd(c, argc - 1, argv + 1);
}
