// SPDX-License-Identifier: Apache-2.0
/*
 * __compile: compiles one BPF program through bcctool's own engine (cache, clang plugin), for
 * scripts/check-bpf.sh, the tests and developers. Hidden from --list.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bct.h"
#include "cmd.h"
#include "compile.h"
#include "tool.h"

#define MAX_DEFINES 64

static struct compile_env {
	struct bct_env kit; /* --ebpf, --debug, --no-cache */
	const char *file;
	const char *out;
	const char *defines[MAX_DEFINES + 1];
	int ndefines;
} env;

static const char doc[] =
	"Compile a BPF program with bcctool's engine (a file, or the name of an embedded one).\n"
	"\n"
	"USAGE: bcctool __compile [--no-cache] [-D NAME[=VALUE]]... [--debug=MASK] [-o OUT] FILE\n"
	"\n"
	"EXAMPLES:\n"
	"    bcctool __compile bpf-src/opensnoop.bpf.c   # compile a file, print its size\n"
	"    bcctool __compile -D FILTER_PID=1 -o x.o opensnoop.bpf.c   # the embedded one\n"
	"    bcctool __compile --debug=0x8 x.bpf.c       # disassembly with source lines";

static const struct bct_opt options[] = {
	BCT_CUSTOM('D', "define", "NAME[=VALUE]", "define a macro for the BPF program"),
	BCT_STRING('o', "output", "FILE", &env.out, "write the object to FILE"),
	{ 0 },
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char shown[96];

	switch (key) {
	case 'D':
		if (env.ndefines == MAX_DEFINES)
			argp_error(state, "too many -D options");
		if (!arg[0] || arg[0] == '=')
			argp_error(state, "invalid define: '%s'",
				   bct_arg_shown(arg, shown, sizeof(shown)));
		env.defines[env.ndefines++] = arg;
		break;
	case ARGP_KEY_ARG:
		if (env.file)
			argp_error(state, "unexpected argument: '%s'",
				   bct_arg_shown(arg, shown, sizeof(shown)));
		env.file = arg;
		break;
	case ARGP_KEY_END:
		if (!env.file)
			argp_error(state, "no BPF program given");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = options,
	.parser = parse_arg,
	.args_doc = "FILE",
	.doc = doc,
};

/* For the tests: a cache hit must not have mapped LLVM into this process. */
static void report_llvm_mapped(void)
{
	char line[4096];
	bool mapped = false;
	FILE *f;

	if (bct_log_level() < BCT_LOG_DEBUG)
		return;
	f = fopen("/proc/self/maps", "r");
	if (!f)
		return;
	while (!mapped && fgets(line, sizeof(line), f))
		mapped = strstr(line, "libLLVM") || strstr(line, "libclang-cpp");
	fclose(f);
	pr_debug("LLVM is %smapped in this process", mapped ? "" : "not ");
}

static int write_file(const char *path, const void *data, size_t sz)
{
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f) {
		err = -errno;
		pr_err("cannot create '%s': %s", path, strerror(-err));
		return err;
	}
	if (fwrite(data, 1, sz, f) != sz)
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (err)
		pr_err("cannot write '%s': %s", path, strerror(-err));
	return err;
}

int cmd_compile(int argc, char **argv)
{
	struct bct_compile_opts opts = { 0 };
	struct stat st;
	void *obj = NULL;
	size_t sz = 0;
	int err;

	err = bct_tool_parse(&args, &env.kit, argc, argv);
	if (err)
		return err;
	/* A path (or an existing file) is read from disk; a bare name is an embedded program. */
	if (strchr(env.file, '/') || !stat(env.file, &st))
		opts.src_path = env.file;
	else
		opts.src_name = env.file;
	opts.defines = env.defines;
	opts.debug = env.kit.common.debug;
	opts.no_cache = env.kit.common.no_cache;
	if (env.kit.common.debug)
		bct_log_set_level(BCT_LOG_DEBUG);

	if (env.kit.common.ebpf)
		return bct_compile_print_source(&opts, stdout) ? 1 : 0;
	err = bct_compile(&opts, &obj, &sz);
	report_llvm_mapped();
	if (err)
		return 1;
	if (env.out) {
		err = write_file(env.out, obj, sz);
	} else if (env.kit.common.json) {
		struct bct_json j;

		bct_json_begin(&j, stdout);
		bct_json_str(&j, "program", env.file);
		bct_json_uint(&j, "bytes", sz);
		bct_json_end(&j);
	} else {
		printf("%s: %zu bytes\n", env.file, sz);
	}
	free(obj);
	return err ? 1 : 0;
}
