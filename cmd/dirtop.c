// SPDX-License-Identifier: Apache-2.0
/*
 * dirtop: file reads and writes under given directories, per directory, top-like, per interval.
 *
 * Interface of BCC's dirtop by Erwan Velu; written anew, with --json. The directories' inode
 * numbers go to the BPF side as a define; the counts are kept in the kernel as the histogram
 * kit's entries keyed by inode (lib/histtool.h drains them each interval); this file sorts and
 * prints them as BCC does.
 */
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <linux/types.h>

#include "cmd.h"
#include "file_rw.h"
#include "histtool.h"
#include "json.h"
#include "log.h"
#include "prog.h"
#include "top.h"
#include "dirtop.h"

struct dir {
	uint64_t ino;
	char *path;
};

static struct dirtop_env {
	struct bct_env kit; /* -p, [interval [count]], --json... */
	const char *rootdirs;
	bool noclear;
	int64_t maxrows;
	enum bct_top_sort sort;
	struct dir dirs[DIRTOP_MAX_DIRS];
	int ndirs;
} env = { .maxrows = 20 };

static const struct bct_opt opts[] = {
	BCT_FLAG('C', "noclear", &env.noclear, "don't clear the screen"),
	BCT_CUSTOM('r', "maxrows", "MAXROWS", "maximum rows to print, default 20"),
	BCT_CUSTOM('s', "sort", "{all,reads,writes,rbytes,wbytes}", "sort column, default all"),
	BCT_STRING('d', "root-directories", "ROOTDIRS", &env.rootdirs,
		   "select the directories to observe, separated by commas"),
	{ 0 },
};

static const char doc[] =
	"File reads and writes by process\n"
	"\v"
	"examples:\n"
	"    dirtop -d '/hdfs/uuid/*/yarn'       # directory I/O top, 1 second refresh\n"
	"    dirtop -d '/hdfs/uuid/*/yarn' -C    # don't clear the screen\n"
	"    dirtop -d '/hdfs/uuid/*/yarn' 5     # 5 second summaries\n"
	"    dirtop -d '/hdfs/uuid/*/yarn' 5 10  # 5 second summaries, 10 times only\n"
	"    dirtop -d '/hdfs/uuid/*/yarn,/hdfs/uuid/*/data' # Running dirtop on two set of "
	"directories\n"
	"    dirtop -d /var/lib --json 5 1       # one JSON object per directory, after 5 s\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'r':
		bct_top_arg_maxrows(state, arg, &env.maxrows);
		break;
	case 's':
		bct_top_arg_sort(state, arg, &env.sort);
		break;
	case ARGP_KEY_END:
		/* --ebpf alone shows the program, without directories */
		if (!env.rootdirs && !env.kit.common.ebpf)
			argp_error(state,
				   "the following arguments are required: -d/--root-directories");
		return ARGP_ERR_UNKNOWN;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[interval [count]]",
	.doc = doc,
	.shared = { .pid = 'p', .interval = true },
};

/* --- attach methods: cmd/file_rw.h's (bpf-src/file_rw.bpf.h) ------------------------- */

const struct bct_needs needs_dirtop = {
	.src_name = "dirtop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", file_rw_hooks }, { NULL } },
	.default_args = "-d /tmp",
};

/* --- the directories ---------------------------------------------------------------------- */

/*
 * BCC's choice of directories: each comma-separated pattern globbed, at most 15 in all, one
 * per inode number; what it says about them goes to stdout (stderr under --json).
 */
static void find_dirs(void)
{
	FILE *info = env.kit.common.json || bct_hist_serve_hook ? stderr : stdout;
	char *list = strdup(env.rootdirs), *save = NULL, *pat;
	int total = 0, i;
	size_t k;

	for (pat = list ? strtok_r(list, ",", &save) : NULL; pat;
	     pat = strtok_r(NULL, ",", &save)) {
		glob_t g;

		if (glob(pat, 0, NULL, &g))
			continue;
		for (k = 0; k < g.gl_pathc; k++) {
			const char *p = g.gl_pathv[k];
			struct stat st;

			if (++total > DIRTOP_MAX_DIRS) {
				fprintf(info, "15 directories limit reached\n");
				break;
			}
			if (lstat(p, &st))
				continue;
			for (i = 0; i < env.ndirs; i++)
				if (env.dirs[i].ino == st.st_ino)
					break;
			if (i < env.ndirs) {
				if (!strcmp(env.dirs[i].path, p))
					fprintf(info, "Skipping %s as already considered\n", p);
				continue;
			}
			env.dirs[env.ndirs].ino = st.st_ino;
			env.dirs[env.ndirs].path = strdup(p);
			if (!env.dirs[env.ndirs].path)
				continue;
			env.ndirs++;
			fprintf(info, "Considering %s with inode_id %" PRIu64 "\n", p,
				(uint64_t)st.st_ino);
		}
		globfree(&g);
	}
	free(list);
}

static const char *dir_path(uint64_t ino)
{
	int i;

	for (i = 0; i < env.ndirs; i++)
		if (env.dirs[i].ino == ino)
			return env.dirs[i].path;
	return "?";
}

/* --- output ------------------------------------------------------------------------------- */

struct row {
	uint64_t ino;
	const uint64_t *v;
	uint64_t sort;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->sort != y->sort)
		return x->sort > y->sort ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static void print_json(FILE *out, const char *ts, const struct row *r)
{
	struct bct_json j;

	bct_json_begin(&j, out);
	bct_json_str(&j, "ts", ts);
	bct_json_uint(&j, "reads", r->v[DIRTOP_READS]);
	bct_json_uint(&j, "writes", r->v[DIRTOP_WRITES]);
	bct_json_uint(&j, "r_kb", r->v[DIRTOP_RBYTES] / 1024);
	bct_json_uint(&j, "w_kb", r->v[DIRTOP_WBYTES] / 1024);
	bct_json_uint(&j, "rbytes", r->v[DIRTOP_RBYTES]);
	bct_json_uint(&j, "wbytes", r->v[DIRTOP_WBYTES]);
	bct_json_str(&j, "path", dir_path(r->ino));
	bct_json_uint(&j, "inode", r->ino);
	bct_json_end(&j);
}

static void print(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	struct row *rows = n ? calloc(n, sizeof(*rows)) : NULL;
	size_t i;
	char ts[32];
	time_t now = time(NULL);
	int64_t line = 0;

	if (n && !rows) {
		pr_err("cannot print the counts: %s", strerror(ENOMEM));
		return;
	}
	for (i = 0; i < n; i++) {
		rows[i].ino = *(const uint64_t *)v[i].key;
		rows[i].v = v[i].slots;
		rows[i].sort = bct_top_sort_value(
			env.sort, v[i].slots[DIRTOP_READS], v[i].slots[DIRTOP_WRITES],
			v[i].slots[DIRTOP_RBYTES], v[i].slots[DIRTOP_WBYTES]);
	}
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_row);
	if (env.kit.common.json) {
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
	} else {
		int err = bct_top_head(out, !env.noclear);

		if (err)
			pr_warn("cannot read /proc/loadavg: %s", strerror(-err));
		fprintf(out, "%-6s %-6s %-8s %-8s %s\n", "READS", "WRITES", "R_Kb", "W_Kb", "PATH");
	}
	for (i = 0; i < n; i++) {
		const struct row *r = &rows[i];

		if (env.kit.common.json)
			print_json(out, ts, r);
		else
			fprintf(out, "%-6" PRIu64 " %-6" PRIu64 " %-8" PRIu64 " %-8" PRIu64 " %s\n",
				r->v[DIRTOP_READS], r->v[DIRTOP_WRITES], r->v[DIRTOP_RBYTES] / 1024,
				r->v[DIRTOP_WBYTES] / 1024, dir_path(r->ino));
		/* BCC prints a row before it checks the limit: -r 0 shows one */
		if (++line >= env.maxrows)
			break;
	}
	free(rows);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	char list[DIRTOP_MAX_DIRS * 24] = "";
	size_t len = 0;
	int i;

	if (!env.ndirs)
		return 0; /* --ebpf without -d */

	for (i = 0; i < env.ndirs; i++)
		len += snprintf(list + len, sizeof(list) - len, "%s%" PRIu64 "ULL", i ? "," : "",
				env.dirs[i].ino);
	return bct_prog__define(p, "DIRTOP_INODES", "%s", list);
}

/* bcctool serve: the counters by directory */
static bool serve_key(void *ctx, const struct bct_hist_entry *e, char (*val)[BCT_SERVE_LABEL_LEN])
{
	const void *key = e->key;
	(void)ctx;
	snprintf(val[0], BCT_SERVE_LABEL_LEN, "%s", dir_path(*(const uint64_t *)key));
	return true;
}

int cmd_dirtop(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.missed_what = "reads and writes",
		.print = print,
		.serve_counters = bct_top_rw_counters,
		.serve_labels = { "dir" },
		.serve_key = serve_key,
	};
	struct bct_session s = { .add_defines = add_defines };
	char banner[128];
	int rc, i;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (!env.kit.interval)
		env.kit.interval = 1;
	if (env.rootdirs)
		find_dirs();
	if (!env.ndirs && env.rootdirs) {
		/* BCC's words and exit status */
		fprintf(env.kit.common.json ? stderr : stdout, "Cannot find any valid directory\n");
		return 0;
	}
	snprintf(banner, sizeof(banner),
		 "Tracing... Output every %" PRIu64 " secs. Hit Ctrl-C to end", env.kit.interval);
	tool.banner = banner;
	tool.serve_rows = env.maxrows > 0 ? (unsigned int)env.maxrows : 1;
	rc = 1;
	if (!bct_session__init(&s, &env.kit, &needs_dirtop, NULL))
		rc = bct_hist_run(&s, &tool);
	if (!rc && !env.kit.common.json && !env.kit.common.ebpf && !bct_hist_serve_hook) {
		printf("Detaching...\n");
		fflush(stdout);
	}
	for (i = 0; i < env.ndirs; i++)
		free(env.dirs[i].path);
	return rc;
}
