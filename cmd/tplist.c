// SPDX-License-Identifier: Apache-2.0
/*
 * tplist: lists kernel tracepoints (with -v their fields, from tracefs format files) or the
 * USDT probes of a binary (-l) or of every module a process maps (-p), with BCC's output.
 * No BPF. Differences from BCC's tplist: tracepoints sorted by category and event, tracefs
 * found (or mounted) wherever it is, errors on stderr with exit 1, and --json.
 * Credit: the original BCC tplist is by Sasha Goldshtein.
 */
#include <argp.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "elfsym.h"
#include "json.h"
#include "log.h"
#include "opt.h"
#include "tool.h"
#include "tpformat.h"
#include "tracefs.h"
#include "usdt.h"
#include "util.h"

static struct tplist_env {
	struct bct_env kit;
	pid_t pid;
	const char *lib;
	int verbosity;
	const char *filter;
} env;

static const struct bct_opt opts[] = {
	BCT_CUSTOM('p', "pid", "PID", "List USDT probes in the specified process"),
	BCT_STRING('l', "lib", "LIB", &env.lib,
		   "List USDT probes in the specified library or executable"),
	BCT_COUNT('v', NULL, &env.verbosity,
		  "Increase verbosity level (print variables, arguments, etc.)"),
	{ 0 },
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		return bct_arg_pid(state, arg, &env.pid);
	case ARGP_KEY_ARG:
		if (env.filter)
			argp_error(state, "unrecognized arguments: %s", arg);
		env.filter = arg;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const char doc[] =
	"Display kernel tracepoints or USDT probes and their formats.\n"
	"\v"
	"examples:\n"
	"    tplist                        # every kernel tracepoint\n"
	"    tplist 'sched:*'              # the tracepoints of the sched category\n"
	"    tplist -v syscalls:sys_enter_openat  # one tracepoint and its fields\n"
	"    tplist -l /usr/bin/python3    # the USDT probes of a binary\n"
	"    tplist -vv -l ./app 'app:*'   # their locations and arguments\n"
	"    tplist -p 1234                # the USDT probes of every module of a process\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[filter]",
	.doc = doc,
};

static bool wanted(const char *name)
{
	return !env.filter || !fnmatch(env.filter, name, 0);
}

/* --- tracepoints ---------------------------------------------------------------------------- */

static int only_dirs(const struct dirent *d)
{
	return d->d_name[0] != '.' && (d->d_type == DT_DIR || d->d_type == DT_UNKNOWN);
}

static void print_tracepoint(const char *cat, const char *ev)
{
	struct bct_tp_format f = { 0 };
	struct bct_json j;
	char name[512];
	int err = 0;

	snprintf(name, sizeof(name), "%s:%s", cat, ev);
	if (!wanted(name))
		return;
	if (env.verbosity > 0 || env.kit.common.json)
		err = bct_tp_format_read(cat, ev, &f);
	if (err && env.verbosity > 0)
		pr_warn("cannot read the format of %s: %s", name, strerror(-err));
	if (env.kit.common.json) {
		bct_json_begin(&j, stdout);
		bct_json_str(&j, "tracepoint", name);
		bct_json_str(&j, "category", cat);
		bct_json_str(&j, "event", ev);
		bct_json_arr_open(&j, "fields");
		for (size_t i = 0; i < f.n; i++) {
			if (f.fields[i].common)
				continue;
			bct_json_obj_open(&j, NULL);
			bct_json_str(&j, "type", f.fields[i].type);
			bct_json_str(&j, "name", f.fields[i].name);
			if (f.fields[i].array_len)
				bct_json_int(&j, "array_len", f.fields[i].array_len);
			bct_json_uint(&j, "offset", f.fields[i].offset);
			bct_json_uint(&j, "size", f.fields[i].size);
			bct_json_bool(&j, "signed", f.fields[i].is_signed);
			bct_json_obj_close(&j);
		}
		bct_json_arr_close(&j);
		bct_json_end(&j);
	} else {
		printf("%s\n", name);
		for (size_t i = 0; env.verbosity > 0 && i < f.n; i++)
			if (!f.fields[i].common)
				printf("    %s;\n", f.fields[i].decl);
	}
	bct_tp_format_free(&f);
}

static int list_tracepoints(void)
{
	struct dirent **cats = NULL;
	char dir[PATH_MAX];
	int ncats, err;

	err = bct_tracefs_path(dir, sizeof(dir), "events");
	if (err) {
		pr_warn("cannot find or mount tracefs: %s", strerror(-err));
		return err;
	}
	ncats = scandir(dir, &cats, only_dirs, alphasort);
	if (ncats < 0) {
		err = -errno;
		pr_warn("cannot list %s: %s", dir, strerror(errno));
		return err;
	}
	for (int i = 0; i < ncats; i++) {
		struct dirent **evs = NULL;
		char cdir[PATH_MAX + 256];
		int nevs;

		snprintf(cdir, sizeof(cdir), "%s/%s", dir, cats[i]->d_name);
		nevs = scandir(cdir, &evs, only_dirs, alphasort);
		for (int k = 0; k < nevs; k++) {
			print_tracepoint(cats[i]->d_name, evs[k]->d_name);
			free(evs[k]);
		}
		free(evs);
		free(cats[i]);
	}
	free(cats);
	return 0;
}

/* --- USDT ----------------------------------------------------------------------------------- */

/* The probes shown so far, by "provider:name": BCC shows each name once. */
struct seen {
	char **names;
	size_t n, cap;
};

static bool seen_add(struct seen *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], name))
			return false;
	if (bct_grow((void **)&s->names, &s->cap, s->n + 1, sizeof(*s->names)))
		return true;
	s->names[s->n] = strdup(name);
	if (s->names[s->n])
		s->n++;
	return true;
}

static void print_probe_json(const char *path, const struct bct_usdt_probe *p, size_t n,
			     const char *name)
{
	struct bct_json j;
	char op[128];

	bct_json_begin(&j, stdout);
	bct_json_str(&j, "path", path);
	bct_json_str(&j, "probe", name);
	bct_json_str(&j, "provider", p[0].provider);
	bct_json_str(&j, "name", p[0].name);
	bct_json_uint(&j, "semaphore", p[0].sema);
	bct_json_arr_open(&j, "locations");
	for (size_t i = 0; i < n; i++) {
		if (strcmp(p[i].provider, p[0].provider) || strcmp(p[i].name, p[0].name))
			continue;
		bct_json_obj_open(&j, NULL);
		bct_json_uint(&j, "address", p[i].addr);
		bct_json_str(&j, "args_spec", p[i].args_text);
		bct_json_arr_open(&j, "args");
		for (int a = 0; a < p[i].nargs; a++) {
			bct_json_obj_open(&j, NULL);
			bct_json_int(&j, "size", p[i].args[a].size);
			bct_json_bool(&j, "signed", p[i].args[a].is_signed);
			bct_json_str(&j, "operand",
				     bct_usdt_arg_str(&p[i].args[a], op, sizeof(op)));
			bct_json_obj_close(&j);
		}
		bct_json_arr_close(&j);
		bct_json_obj_close(&j);
	}
	bct_json_arr_close(&j);
	bct_json_end(&j);
}

/* One probe name: its first note p[0] and the later notes of the same name in p[1..n). */
static void print_probe(const char *path, const struct bct_usdt_probe *p, size_t n,
			const char *name)
{
	size_t nloc = 0;
	char op[128];

	if (env.kit.common.json) {
		print_probe_json(path, p, n, name);
		return;
	}
	if (env.verbosity == 0) {
		printf("%s %s\n", path, name);
		return;
	}
	printf("%s [sema 0x%" PRIx64 "]\n", name, p[0].sema);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(p[i].provider, p[0].provider) || strcmp(p[i].name, p[0].name))
			continue;
		nloc++;
		if (env.verbosity < 2)
			continue;
		printf("  location #%zu %s 0x%" PRIx64 "\n", nloc, path, p[i].addr);
		if (p[i].nargs < 0)
			printf("    arguments not understood: %s\n", p[i].args_text);
		for (int a = 0; a < p[i].nargs; a++)
			printf("    argument #%d %d %s bytes @ %s\n", a + 1, p[i].args[a].size,
			       p[i].args[a].is_signed ? "signed  " : "unsigned",
			       bct_usdt_arg_str(&p[i].args[a], op, sizeof(op)));
	}
	if (env.verbosity < 2) {
		printf("  %zu location(s)\n", nloc);
		printf("  %d argument(s)\n", p[0].nargs < 0 ? 0 : p[0].nargs);
	}
}

/* The probes of the file at path, shown as shown; -errno when it cannot be read as ELF. */
static int list_file(const char *path, const char *shown, struct seen *seen)
{
	struct bct_usdt_probe *p;
	size_t n;
	int err = bct_usdt_read(path, &p, &n);

	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		char name[512];

		snprintf(name, sizeof(name), "%s:%s", p[i].provider, p[i].name);
		if (wanted(name) && seen_add(seen, name))
			print_probe(shown, p + i, n - i, name);
	}
	bct_usdt_free(p, n);
	return 0;
}

/* Every file mapped by pid, once each, in the order of its maps (with -l, only that one). */
static int list_process(struct seen *seen, const char *only)
{
	char path[64], line[PATH_MAX + 128], **done = NULL;
	size_t ndone = 0, cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)env.pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *file = strchr(line, '/'), *nl;
		bool again = false;

		if (!file)
			continue;
		nl = strchr(file, '\n');
		if (nl)
			*nl = '\0';
		if (strstr(file, " (deleted)") || (only && strcmp(file, only)))
			continue;
		for (size_t i = 0; i < ndone && !again; i++)
			again = !strcmp(done[i], file);
		if (again || bct_grow((void **)&done, &cap, ndone + 1, sizeof(*done)))
			continue;
		done[ndone] = strdup(file);
		if (!done[ndone])
			continue;
		ndone++;
		/* the file as this process sees it: through its root */
		snprintf(line, sizeof(line), "/proc/%d/root%s", (int)env.pid, done[ndone - 1]);
		if (list_file(line, done[ndone - 1], seen) == -ENOENT)
			list_file(done[ndone - 1], done[ndone - 1], seen);
	}
	fclose(f);
	for (size_t i = 0; i < ndone; i++)
		free(done[i]);
	free(done);
	return 0;
}

static int list_usdt(void)
{
	struct seen seen = { 0 };
	char lib[PATH_MAX];
	int err = 0;

	if (env.lib && bct_elf_lib_path(env.lib, lib, sizeof(lib))) {
		pr_warn("USDT failed to instrument path %s", env.lib);
		return -ENOENT;
	}
	if (env.pid) {
		char real[PATH_MAX];

		/* the maps name files by their absolute paths */
		if (env.lib && realpath(lib, real))
			snprintf(lib, sizeof(lib), "%s", real);
		err = list_process(&seen, env.lib ? lib : NULL);
		if (err)
			pr_warn("USDT failed to instrument PID %d", (int)env.pid);
	} else {
		err = list_file(lib, lib, &seen);
		if (err)
			pr_warn("USDT failed to instrument path %s", env.lib);
	}
	for (size_t i = 0; i < seen.n; i++)
		free(seen.names[i]);
	free(seen.names);
	return err;
}

int cmd_tplist(int argc, char **argv)
{
	int err = bct_tool_parse(&args, &env.kit, argc, argv);

	if (err)
		return err;
	if (env.pid || env.lib)
		err = list_usdt();
	else
		err = list_tracepoints();
	if (fflush(stdout) && !err)
		err = -errno;
	return err ? 1 : 0;
}
