// SPDX-License-Identifier: Apache-2.0
/*
 * cache: show, clear or fill bcctool's BPF compile cache (compiled programs, and the kernel
 * headers generated from each kernel's BTF). bcctool's own; BCC has no such command.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bct.h"
#include "cache.h"
#include "cmd.h"
#include "compile.h"
#include "prog.h"
#include "src.h"
#include "tool.h"

static struct cache_env {
	struct bct_env kit; /* --json, --debug */
	const char *action;
} env;

static const char doc[] =
	"Show, clear or fill the BPF compile cache.\n"
	"\n"
	"USAGE: bcctool cache [-h] [--json] info|clear|warm\n"
	"\n"
	"  info   the cache directory, the number of compiled programs it holds, and\n"
	"         the kernel headers (vmlinux.h, precompiled) prepared per kernel\n"
	"  clear  remove every cached program and kernel header\n"
	"  warm   compile every tool's BPF program as its default run (no\n"
	"         options) asks for it on the running kernel, so that it starts at once\n"
	"\n"
	"The cache is $BCCTOOL_CACHE_DIR, else /var/cache/bcctool for root, else\n"
	"$XDG_CACHE_HOME/bcctool or ~/.cache/bcctool.\n"
	"\n"
	"EXAMPLES:\n"
	"    bcctool cache info          # where, how many entries, which kernels\n"
	"    bcctool cache info --json   # the same as one JSON object\n"
	"    bcctool cache clear         # start over\n"
	"    bcctool cache warm          # compile every tool's program ahead";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char shown[96];

	switch (key) {
	case ARGP_KEY_ARG:
		if (env.action)
			argp_error(state, "unexpected argument: '%s'",
				   bct_arg_shown(arg, shown, sizeof(shown)));
		if (strcmp(arg, "info") && strcmp(arg, "clear") && strcmp(arg, "warm"))
			argp_error(state, "unknown action: '%s' (use info, clear or warm)",
				   bct_arg_shown(arg, shown, sizeof(shown)));
		env.action = arg;
		break;
	case ARGP_KEY_END:
		if (!env.action)
			env.action = "info";
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.parser = parse_arg,
	.args_doc = "info|clear|warm",
	.doc = doc,
};

struct info_ctx {
	struct bct_json *json;
};

static void print_kernel(const struct bct_cache_kernel *k, void *ctx)
{
	struct info_ctx *ic = ctx;

	if (ic->json) {
		bct_json_obj_open(ic->json, NULL);
		bct_json_str(ic->json, "btf", k->btf);
		bct_json_str(ic->json, "release", k->release);
		bct_json_bool(ic->json, "running", k->current);
		bct_json_int(ic->json, "vmlinux_h_bytes", k->vmlinux_bytes);
		bct_json_uint(ic->json, "pchs", k->pchs);
		bct_json_uint(ic->json, "pch_bytes", k->pch_bytes);
		bct_json_obj_close(ic->json);
		return;
	}
	printf("  %s  %s%s\n", k->btf, k->release[0] ? k->release : "(unknown kernel)",
	       k->current ? "  (running)" : "");
	if (k->vmlinux_bytes >= 0)
		printf("    vmlinux.h %lld bytes", k->vmlinux_bytes);
	else
		printf("    no vmlinux.h");
	printf(", %u precompiled header%s %llu bytes\n", k->pchs, k->pchs == 1 ? "" : "s",
	       k->pch_bytes);
}

/*
 * Whether dir, which does not exist, can be created: its nearest existing ancestor is a
 * directory this user may write. Else the reason, in why.
 */
static bool creatable(const char *dir, char *why, size_t sz)
{
	char path[4096], *slash;
	struct stat sb;

	snprintf(path, sizeof(path), "%s", dir);
	while (strcmp(path, "/") && strcmp(path, ".")) {
		slash = strrchr(path, '/');
		if (!slash)
			strcpy(path, "."); /* a relative path: the working directory */
		else
			slash[slash == path] = '\0'; /* up one level; "/" stays "/" */
		if (stat(path, &sb))
			continue;
		if (!S_ISDIR(sb.st_mode))
			snprintf(why, sz, "%s is not a directory", path);
		else if (access(path, W_OK))
			snprintf(why, sz, "%s is not writable", path);
		else
			return true;
		return false;
	}
	snprintf(why, sz, "no part of it exists");
	return false;
}

static int do_info(void)
{
	struct bct_cache_stats st = { 0 };
	struct bct_cache *c = NULL;
	struct info_ctx ic = { NULL };
	struct bct_json j;
	char buf[4096];
	const char *dir = bct_cache_dir(buf, sizeof(buf));
	struct stat sb;
	int err = 0;

	if (!dir) {
		pr_err("no cache directory: set BCCTOOL_CACHE_DIR or HOME");
		return 1;
	}
	/* Do not create the directory just to say it is empty. */
	if (!stat(dir, &sb)) {
		c = bct_cache__open();
		if (!c)
			return 1;
	} else {
		char why[4200];

		if (!creatable(dir, why, sizeof(why))) {
			pr_err("cache directory '%s' does not exist and cannot be created (%s): "
			       "set BCCTOOL_CACHE_DIR; the tools compile in memory meanwhile",
			       dir, why);
			return 1;
		}
	}
	if (c)
		err = bct_cache__stat(c, &st, NULL, NULL);
	if (env.kit.common.json) {
		ic.json = &j;
		bct_json_begin(&j, stdout);
		bct_json_str(&j, "dir", dir);
		bct_json_bool(&j, "exists", c != NULL);
		bct_json_uint(&j, "objects", st.objs);
		bct_json_uint(&j, "object_bytes", st.obj_bytes);
		bct_json_uint(&j, "kernel_bytes", st.kernel_bytes);
		bct_json_arr_open(&j, "kernels");
	} else {
		printf("directory: %s%s\n", dir, c ? "" : " (not created yet)");
		printf("objects: %lu (%llu bytes)\n", st.objs, st.obj_bytes);
		printf("kernel headers: %lu kernel%s (%llu bytes)\n", st.kernels,
		       st.kernels == 1 ? "" : "s", st.kernel_bytes);
	}
	if (c && !err)
		err = bct_cache__stat(c, &st, print_kernel, &ic);
	if (env.kit.common.json) {
		bct_json_arr_close(&j);
		bct_json_end(&j);
	}
	bct_cache__free(c);
	if (err)
		pr_err("cannot read the cache '%s': %s", dir, strerror(-err));
	return err ? 1 : 0;
}

static int do_clear(void)
{
	struct bct_cache *c;
	char buf[4096];
	const char *dir = bct_cache_dir(buf, sizeof(buf));
	struct stat sb;
	int n;

	if (!dir || stat(dir, &sb)) {
		printf("removed 0 files\n");
		return 0;
	}
	c = bct_cache__open();
	if (!c)
		return 1;
	n = bct_cache__clear(c);
	if (n < 0)
		pr_err("cannot clear the cache '%s': %s", dir, strerror(-n));
	else
		printf("removed %d files from %s\n", n, dir);
	bct_cache__free(c);
	return n < 0 ? 1 : 0;
}

/*
 * Runs the tool's default run (no arguments but --no-cache and --debug) in a child that stops after the compile, so the cache
 * gets exactly the object that run asks for: the tool's and the kit's defines, the stubs for
 * this kernel. BCT_WARM_COMPILED or BCT_WARM_CACHED, else 0.
 */
#define WARM_EXIT 100
/* warm_tool() results besides lib/prog.h's BCT_WARM_* */
enum { WARM_NEEDS_ARGS = 10, WARM_NOT_HERE };

static int warm_tool(const struct bct_cmd *cmd)
{
	char *argv[4] = { (char *)cmd->name }, debug[32];
	int argc = 1, status, result = 0;
	pid_t pid;

	if (env.kit.common.no_cache)
		argv[argc++] = "--no-cache";
	if (env.kit.common.debug) {
		snprintf(debug, sizeof(debug), "--debug=%#x", env.kit.common.debug);
		argv[argc++] = debug;
	}

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		pr_err("cannot start '%s': %s", cmd->name, strerror(errno));
		return 0;
	}
	if (pid == 0) {
		/* the tool's own output (a header it would print) is not ours */
		if (!freopen("/dev/null", "w", stdout))
			_exit(0);
		bct_log_set_prog(cmd->name);
		bct_prog_compile_only(&result);
		cmd->fn(argc, argv);
		/* codes no tool exits with (argp exits 2 on a usage error) */
		_exit(WARM_EXIT + result);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return BCT_WARM_FAILED;
	if (!WIFEXITED(status) || WEXITSTATUS(status) < WARM_EXIT)
		return WIFEXITED(status) && WEXITSTATUS(status) == 2 ? WARM_NEEDS_ARGS
								     : BCT_WARM_FAILED;
	/* stopped before compiling: it cannot run here (f2fsslower without f2fs) */
	return WEXITSTATUS(status) == WARM_EXIT ? WARM_NOT_HERE : WEXITSTATUS(status) - WARM_EXIT;
}

static int do_warm(void)
{
	unsigned int compiled = 0, cached = 0, failed = 0, skipped = 0;
	const struct bct_cmd *cmds;
	struct bct_cache *c;
	size_t i, n;

	c = bct_cache__open();
	if (!c) {
		pr_err("the compile cache is not usable");
		return 1;
	}
	cmds = bct_cmd_table(&n);
	for (i = 0; i < n; i++) {
		int r;

		/* an alias's program is its tool's, with a language set: warmed through the tool */
		if (!cmds[i].needs || !cmds[i].needs->src_name ||
		    (cmds[i].flags & (BCT_HIDDEN | BCT_ALIAS)))
			continue;
		r = warm_tool(&cmds[i]);
		if (r == BCT_WARM_COMPILED)
			compiled++;
		else if (r == BCT_WARM_CACHED)
			cached++;
		else if (r == WARM_NEEDS_ARGS || r == WARM_NOT_HERE)
			skipped++;
		else
			failed++;
		printf("%-24s %s\n", cmds[i].name,
		       r == BCT_WARM_COMPILED ? "compiled"
		       : r == BCT_WARM_CACHED ? "cached"
		       : r == WARM_NEEDS_ARGS ? "skipped: its run needs arguments"
		       : r == WARM_NOT_HERE   ? "skipped: it cannot run here"
					      : "FAILED");
		fflush(stdout);
	}
	printf("%u compiled, %u already cached, %u failed", compiled, cached, failed);
	if (skipped)
		printf(", %u skipped", skipped);
	printf("\n");
	bct_cache__free(c);
	return failed ? 1 : 0;
}

int cmd_cache(int argc, char **argv)
{
	int err;

	err = bct_tool_parse(&args, &env.kit, argc, argv);
	if (err)
		return err;
	if (env.kit.common.debug)
		bct_log_set_level(BCT_LOG_DEBUG);
	if (!strcmp(env.action, "clear"))
		return do_clear();
	if (!strcmp(env.action, "warm"))
		return do_warm();
	return do_info();
}
